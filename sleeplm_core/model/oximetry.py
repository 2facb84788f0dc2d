"""Oximetry tokens: the SpO2 level and slope at every patch time, added to its tokens.

Why: a desaturation is a fall of SpO2, and the released architecture reads no SpO2
(its ten channels are waveforms), so a model of that layout can only infer a
desaturation from the breathing that preceded it. On tuning nights 950-959, grounded
retrieval with the desaturation reading replaced by the scored truth rose from 0.517
to 0.613 paired R@10 (docs/training.md), the largest gain of any one event type.

Input is the 2-Hz SpO2 trace of each epoch in % (NaN where missing,
:func:`sleeplm_core.io.oximetry.epoch_oximetry`). Per patch time the features are:

- level: (mean SpO2 - 94) / 4;
- drop: (mean - the epoch's highest patch mean) / 4;
- step: the change of the patch mean from the previous patch, in % per patch;
- trend: the change over two patches either side, in % per patch.

They are clipped to +-5 and are all zero where the patch holds no SpO2 sample, so an
epoch without oximetry adds nothing. The projection has no bias and starts at zero:
a model extended with these tokens encodes exactly as before until it is trained.
The same vector is added to every channel's token at that time, so the channel
attention can weigh it against the breathing.
"""

from __future__ import annotations

import torch
from torch import nn

from sleeplm_core.io.oximetry import OXIMETRY_SFREQ

N_FEATURES = 4
BASELINE_PERCENT = 94.0
SCALE_PERCENT = 4.0
CLIP = 5.0


class PatchOximetry(nn.Module):
    """SpO2 [B, S] (%, NaN missing) -> [B, T, width] embeddings of each patch time."""

    def __init__(self, patch_size: int, sample_rate: float, num_patches: int, width: int) -> None:
        super().__init__()
        per_patch = patch_size / sample_rate * OXIMETRY_SFREQ
        if per_patch != int(per_patch) or per_patch < 1:
            raise ValueError(f"a {patch_size / sample_rate:g}-s patch does not hold whole "
                             f"{1 / OXIMETRY_SFREQ:g}-s SpO2 samples")
        self.per_patch = int(per_patch)
        self.num_patches = num_patches
        self.proj = nn.Linear(N_FEATURES, width, bias=False)
        nn.init.zeros_(self.proj.weight)

    def features(self, spo2: torch.Tensor) -> torch.Tensor:
        """[B, S] -> [B, T, 4] level, drop, step, trend (zero where no SpO2)."""
        b, t = spo2.shape[0], self.num_patches
        cells = spo2[:, : t * self.per_patch].float().reshape(b, t, self.per_patch)
        finite = torch.isfinite(cells)
        count = finite.sum(-1)
        present = count > 0
        mean = torch.where(finite, cells, 0.0).sum(-1) / count.clamp_min(1)
        # Missing patches take the nearest earlier (else later) present value, so that
        # the steps around a gap are not read as a fall.
        mean = _fill(mean, present)
        highest = torch.where(present, mean, -torch.inf).amax(-1, keepdim=True)
        step = mean - torch.cat([mean[:, :1], mean[:, :-1]], dim=1)
        ahead = torch.cat([mean[:, 2:], mean[:, -1:].expand(b, 2)], dim=1)
        behind = torch.cat([mean[:, :1].expand(b, 2), mean[:, :-2]], dim=1)
        feats = torch.stack([(mean - BASELINE_PERCENT) / SCALE_PERCENT,
                             (mean - highest) / SCALE_PERCENT, step, (ahead - behind) / 4.0], dim=-1)
        feats = torch.nan_to_num(feats.clamp(-CLIP, CLIP), nan=0.0, posinf=0.0, neginf=0.0)
        return feats * present[..., None]

    def forward(self, spo2: torch.Tensor) -> torch.Tensor:
        return self.proj(self.features(spo2).to(self.proj.weight.dtype))


def _fill(values: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
    """values [B, T] with absent entries replaced by the nearest present one (earlier first)."""
    t = values.shape[1]
    idx = torch.arange(t, device=values.device).expand_as(values)
    last = torch.where(present, idx, -1).cummax(dim=1).values
    nxt = torch.where(present, idx, t).flip(1).cummin(dim=1).values.flip(1)
    source = torch.where(last >= 0, last, nxt.clamp_max(t - 1))
    return values.gather(1, source)
