"""Envelope tokens: the sigma-band envelope inside every patch, added to its embedding.

Why: a sleep spindle lasts 0.5-2 s, a quarter to all of a 2-s patch. The spectral
tokens (:mod:`~sleeplm_core.model.spectral`) read a whole Hann-windowed patch, so a
spindle near its edge barely moves them. On synthetic tuning nights 950-952 the
largest 0.5-s sigma power inside each 2-s bin separates the bins that hold a spindle
with ROC AUC 0.88-0.95, where the whole patch's relative sigma power gives 0.65-0.77
and release 6's dense reading 0.77-0.80.

Every channel is band-passed at 11-16 Hz (the spindle band of AASM and YASA) by a
fixed FIR filter; the power of the filtered and of the raw signal is averaged over
0.5-s windows every 0.25 s (eight per 2-s patch). Per patch the features are the
largest and the mean log10 sigma power, and the largest log sigma-to-total ratio.
Input is z-scored per recording, so the log powers are relative to the channel's own
night. The projection starts at zero, so a model extended with these tokens encodes
exactly as before until it is trained.
"""

from __future__ import annotations

import torch
from scipy.signal import firwin
from torch import nn
from torch.nn import functional as F

SIGMA_HZ: tuple[float, float] = (11.0, 16.0)
"""Pass band of the envelope filter, in Hz."""

WINDOW_SEC = 0.5
"""Length of the power windows, in seconds."""

FILTER_SEC = 1.0
"""Length of the FIR band-pass, in seconds (its transition band is about 1/FILTER_SEC Hz)."""

LOG_FLOOR = 1e-4
"""Power floor (z-units²) of the logs, so an absent (all-zero) channel stays finite."""

N_FEATURES = 3


class PatchEnvelope(nn.Module):
    """Signals [B, C, L] -> [B, C, T, width] embeddings of each patch's sigma envelope."""

    def __init__(self, patch_size: int, sample_rate: float, width: int) -> None:
        super().__init__()
        self.window = int(round(WINDOW_SEC * sample_rate))
        self.stride = self.window // 2
        if patch_size % self.stride:
            raise ValueError(f"a {patch_size}-sample patch does not hold whole "
                             f"{self.stride}-sample envelope steps")
        self.patch_size = patch_size
        taps = int(round(FILTER_SEC * sample_rate)) | 1
        kernel = firwin(taps, SIGMA_HZ, pass_zero=False, fs=sample_rate)
        self.register_buffer("kernel", torch.tensor(kernel, dtype=torch.float32)[None, None],
                             persistent=False)
        self.proj = nn.Linear(N_FEATURES, width)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def _window_power(self, x: torch.Tensor) -> torch.Tensor:
        """[N, 1, L] -> [N, L // stride] mean square over windows centred on the middle of
        each stride, so that a patch's windows sit symmetrically in it."""
        half, shift = self.window // 2, self.stride // 2
        padded = F.pad(x.square(), (half - shift, half + shift))
        return F.avg_pool1d(padded, self.window, self.stride)[..., :-1]

    def features(self, signals: torch.Tensor) -> torch.Tensor:
        """[B, C, L] -> [B, C, T, 3]: max and mean log10 sigma power, max log sigma/total."""
        b, c, length = signals.shape
        t = length // self.patch_size
        x = signals[..., : t * self.patch_size].reshape(b * c, 1, -1).float()
        sigma = F.conv1d(x, self.kernel, padding=self.kernel.shape[-1] // 2)
        log_sigma = torch.log10(self._window_power(sigma) + LOG_FLOOR)
        log_total = torch.log10(self._window_power(x) + LOG_FLOOR)
        per_patch = self.patch_size // self.stride
        log_sigma = log_sigma.reshape(b, c, t, per_patch)
        ratio = (log_sigma - log_total.reshape(b, c, t, per_patch))
        return torch.stack([log_sigma.amax(-1), log_sigma.mean(-1), ratio.amax(-1)], dim=-1)

    def forward(self, signals: torch.Tensor) -> torch.Tensor:
        return self.proj(self.features(signals).to(self.proj.weight.dtype))
