"""Runs of True in boolean time series: the building block of every rule-based detector."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) sample indices of each run of True in ``mask`` (stop exclusive)."""
    edges = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def close_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    """``mask`` with False gaps of at most ``max_gap`` samples between two runs filled."""
    out = np.asarray(mask, dtype=bool).copy()
    spans = runs(out)
    for (_, stop), (start, _) in zip(spans, spans[1:]):
        if start - stop <= max_gap:
            out[stop:start] = True
    return out


def moving_mean(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving mean over ``width`` samples (edges use the nearest value)."""
    return uniform_filter1d(np.asarray(x, dtype=float), size=max(1, int(width)), mode="nearest")


def long_wake(stages: np.ndarray | None, min_epochs: int) -> np.ndarray | None:
    """True for epochs inside a wake run of at least ``min_epochs`` epochs (None without stages).

    Event rules use this rather than every wake epoch: a machine hypnogram calls
    many event-fragmented sleep epochs wake, while sustained wake is reliable.
    """
    if stages is None:
        return None
    out = np.zeros(len(stages), dtype=bool)
    for a, b in runs(np.asarray(stages) == 0):
        if b - a >= min_epochs:
            out[a:b] = True
    return out


def in_wake(onset: float, wake: np.ndarray | None, epoch_sec: float = 30.0) -> bool:
    """True when ``onset`` (s from the start of the stages) falls in a flagged wake epoch."""
    if wake is None:
        return False
    i = int(onset // epoch_sec)
    return 0 <= i < len(wake) and bool(wake[i])
