"""Trend segments of slow signals (heart rate, SpO2) inside each epoch.

The signal is resampled to a 4-Hz grid per epoch, smoothed over a few seconds,
and every grid point is labelled rising, falling or level from its slope.
Runs shorter than a minimum length are absorbed by the run before them (or
after, at the epoch start) so that one noisy second does not split a phase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from sleeplm_core.features.schema import Trend

GRID_HZ = 4.0
"""Rate of the per-epoch grid trend segments are measured on, in Hz."""

_LABELS = {1: "increasing", -1: "decreasing", 0: "stable"}


@dataclass(frozen=True)
class TrendConfig:
    """How slopes become trend segments.

    Attributes:
        slope: minimum |slope| counted as rising/falling, in signal units per second.
        smooth_s: moving-average length applied before the slope, in seconds.
        min_run_s: shortest segment kept on its own, in seconds.
    """

    slope: float
    smooth_s: float = 5.0
    min_run_s: float = 4.0


def trend_segments(grid: np.ndarray, config: TrendConfig) -> list[tuple[Trend, ...]]:
    """Trend segments of each row of ``grid`` (n_epochs, n points at :data:`GRID_HZ`).

    Rows with a missing value (NaN) give an empty tuple.
    """
    smooth = uniform_filter1d(grid, size=max(1, int(config.smooth_s * GRID_HZ)), axis=1,
                              mode="nearest")
    slope = np.gradient(smooth, 1.0 / GRID_HZ, axis=1)
    labels = np.where(slope > config.slope, 1, np.where(slope < -config.slope, -1, 0))
    valid = np.all(np.isfinite(grid), axis=1)
    min_run = int(config.min_run_s * GRID_HZ)
    return [_segments(row, min_run) if ok else () for row, ok in zip(labels, valid)]


def _segments(labels: np.ndarray, min_run: int) -> tuple[Trend, ...]:
    runs = _runs(labels)
    merged: list[list[int]] = []
    for value, start, end in runs:
        if merged and (end - start < min_run or merged[-1][0] == value):
            merged[-1][2] = end
        elif merged and merged[-1][2] - merged[-1][1] < min_run:
            # A short first run takes the label of the run that follows it.
            merged[-1] = [value, merged[-1][1], end]
        else:
            merged.append([value, start, end])
    return tuple(Trend(_LABELS[v], s / GRID_HZ, e / GRID_HZ) for v, s, e in merged)


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(value, start index, end index exclusive) of each run of equal labels."""
    edges = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(labels)]))
    return [(int(labels[s]), int(s), int(e)) for s, e in zip(starts, ends)]
