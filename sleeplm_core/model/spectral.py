"""Spectral tokens: log band powers of every patch, added to its patch embedding.

Why: the patching convolution is a linear filter bank, and power is quadratic in the
signal, so a small encoder trained for a few thousand steps learns band power only
slowly, and what it learns from clean synthetic waveforms transfers poorly to real
recordings with other filters and amplitudes. Log band powers are what validated
stagers (YASA) build on; in log units a gain change of the derivation is a constant
offset, which the relative powers (band minus total) cancel entirely.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

BAND_EDGES_HZ: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0,
                                     20.0, 25.0, 32.0)
"""Band edges in Hz: delta split in three, theta, alpha, sigma (12-16) in halves, beta."""

LOG_FLOOR = 1e-4
"""Power floor (z-units²) of the log, so an absent (all-zero) channel stays finite."""


def band_matrix(patch_size: int, sample_rate: float,
                edges: tuple[float, ...] = BAND_EDGES_HZ) -> torch.Tensor:
    """[patch_size // 2 + 1, n_bands] 0/1 matrix summing rFFT bins into bands.

    A bin at frequency f belongs to the band [lo, hi) that holds it (the last band
    also takes f == its upper edge). A band narrower than the bin spacing may be empty;
    its power is then the floor, the same for every patch, and carries no information.
    """
    freqs = np.fft.rfftfreq(patch_size, 1.0 / sample_rate)
    matrix = np.zeros((len(freqs), len(edges) - 1), dtype=np.float32)
    for band, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        last = band == len(edges) - 2
        matrix[(freqs >= lo) & ((freqs < hi) | (last & (freqs == hi))), band] = 1.0
    return torch.from_numpy(matrix)


class PatchSpectrum(nn.Module):
    """Patches [B, C, L] -> [B, C, T, width] embeddings of their log band powers.

    Each patch is Hann-windowed; its periodogram is summed into the bands of
    :data:`BAND_EDGES_HZ`, and the log10 band powers together with the relative ones
    (log band power minus log total power) go through one linear layer.
    """

    def __init__(self, patch_size: int, sample_rate: float, width: int) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.register_buffer("window", torch.hann_window(patch_size, periodic=False), persistent=False)
        self.register_buffer("bands", band_matrix(patch_size, sample_rate), persistent=False)
        self.proj = nn.Linear(2 * self.bands.shape[1], width)

    def features(self, signals: torch.Tensor) -> torch.Tensor:
        """[B, C, L] -> [B, C, T, 2 * n_bands]: log10 band power, then relative log power."""
        b, c, length = signals.shape
        t = length // self.patch_size
        patches = signals[..., : t * self.patch_size].reshape(b, c, t, self.patch_size).float()
        spectrum = torch.fft.rfft(patches * self.window, dim=-1)
        power = spectrum.real.square() + spectrum.imag.square()
        band = torch.log10(power @ self.bands + LOG_FLOOR)
        total = torch.log10(power.sum(-1, keepdim=True) + LOG_FLOOR)
        return torch.cat([band, band - total], dim=-1)

    def forward(self, signals: torch.Tensor) -> torch.Tensor:
        return self.proj(self.features(signals).to(self.proj.weight.dtype))
