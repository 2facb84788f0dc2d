"""Per-epoch signal quality flags, computed at each channel's native rate.

An epoch of one channel is flagged

* ``nonfinite`` when any sample is NaN or inf (including EDF+D gaps);
* ``flat`` when its standard deviation is below :data:`FLAT_FRACTION` of the
  channel's robust night-long scale (a disconnected or saturated lead);
* ``clipped`` when at least :data:`CLIP_FRACTION` of its samples (and at least
  :data:`CLIP_MIN_SAMPLES`) sit at the channel's night-long minimum or maximum,
  the plateau an amplifier or ADC leaves at its range limit.

Flags never change the data: epochs stay in the set, and the caller decides.
"""

from __future__ import annotations

import numpy as np

QUALITY_FLAGS: tuple[str, ...] = ("nonfinite", "flat", "clipped")
"""Names of the per-epoch quality flags."""

FLAT_FRACTION = 1e-3
CLIP_FRACTION = 0.05
CLIP_MIN_SAMPLES = 3


def epoch_bounds(n_epochs: int, start_sec: float, epoch_sec: float, sfreq: float) -> np.ndarray:
    """Sample index of each epoch boundary (n_epochs + 1 values)."""
    return np.rint((start_sec + epoch_sec * np.arange(n_epochs + 1)) * sfreq).astype(np.int64)


def _per_epoch_sum(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return np.add.reduceat(values, bounds[:-1] - bounds[0], dtype=np.float64)


def quality_flags(x: np.ndarray, bounds: np.ndarray, scale: float, waveform: bool) -> dict[str, np.ndarray]:
    """Flags per epoch for one channel.

    Args:
        x: native-rate samples covering at least ``bounds[-1]`` samples.
        bounds: epoch boundaries from :func:`epoch_bounds`.
        scale: the channel's robust scale (same unit as ``x``).
        waveform: False for level signals (position, SpO2) that may be legitimately
            constant, which get only the ``nonfinite`` check.
    """
    x = x[bounds[0]:bounds[-1]]
    finite = np.isfinite(x)
    flags = {"nonfinite": _per_epoch_sum(~finite, bounds) > 0}
    if not waveform:
        return flags
    # Centre first: the running sums below lose precision on large DC offsets.
    clean = np.where(finite, x - (np.mean(x[finite]) if finite.any() else 0.0), 0.0)
    count = np.maximum(_per_epoch_sum(finite, bounds), 1)
    mean = _per_epoch_sum(clean, bounds) / count
    var = np.maximum(_per_epoch_sum(clean * clean, bounds) / count - mean * mean, 0.0)
    flags["flat"] = np.sqrt(var) <= FLAT_FRACTION * scale
    if finite.any():
        lo, hi = np.min(x[finite]), np.max(x[finite])
        at_limit = finite & ((x <= lo) | (x >= hi)) if hi > lo else np.zeros_like(finite)
        n_limit = _per_epoch_sum(at_limit, bounds)
        flags["clipped"] = (n_limit >= CLIP_MIN_SAMPLES) & (n_limit >= CLIP_FRACTION * np.diff(bounds))
    else:
        flags["clipped"] = np.zeros(len(bounds) - 1, dtype=bool)
    return flags
