"""Sleep apnea-specific hypoxic burden (Azarbarzin et al., Eur Heart J 2019;40:1149-57).

The total area of the SpO2 dips tied to apneas and hypopneas, per hour of sleep, in %·min/h:

1. SpO2 (1 Hz, values outside 50-100 % are artefact) is cut around the end of every event
   and averaged over the events (the ensemble curve, ``pre_sec`` before to ``post_sec``
   after the end);
2. the search window is the ensemble's dip: from the last peak before its minimum to the
   first peak after it (the minimum is looked for after the end, where the oximeter's lag
   puts it);
3. each event's baseline is its highest SpO2 in the ``baseline_sec`` before its end, and its
   area is the sum over the window, applied at its end, of the SpO2 below that baseline;
   a window is cut where the next event's begins, so no second is counted twice;
4. the areas, in %·min, are summed and divided by the hours of sleep.

No maintained library computes it (the authors' code is MATLAB); this follows the paper's
description, and the answer says so.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from sleeplm_core.io.recording import Event


@dataclass(frozen=True)
class HypoxicBurdenConfig:
    """Windows of the method, seconds."""

    pre_sec: float = 120.0
    post_sec: float = 120.0
    baseline_sec: float = 100.0


@dataclass(frozen=True)
class HypoxicBurden:
    """The burden (%·min/h of sleep), the events it summed, the search window (seconds
    from an event's end) and the ensemble's dip below its start (percentage points)."""

    per_hour: float
    events: int
    window: tuple[float, float]
    ensemble_dip: float


def hypoxic_burden(spo2: np.ndarray, sfreq: float, events: list[Event], sleep_h: float,
                   config: HypoxicBurdenConfig = HypoxicBurdenConfig()) -> HypoxicBurden | None:
    """The burden of ``events`` (apneas and hypopneas) on an SpO2 trace in %; None without
    events, sleep or a dip in the ensemble."""
    x = _one_hz(np.asarray(spo2, dtype=float), sfreq)
    ends = sorted(int(round(e.onset + e.duration)) for e in events)
    pre, post = int(config.pre_sec), int(config.post_sec)
    ends = [t for t in ends if t - pre >= 0 and t + post < len(x)]
    if not ends or sleep_h <= 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # seconds no event read are NaN
        ensemble = np.nanmean(np.stack([x[t - pre:t + post + 1] for t in ends]), axis=0)
    if not np.isfinite(ensemble[pre:]).any() or (window := _dip(ensemble, pre)) is None:
        return None
    lo, hi = window
    area = 0.0
    for k, t in enumerate(ends):
        before = x[max(t - int(config.baseline_sec), 0):t + 1]
        if not np.isfinite(before).any():
            continue
        stop = t + hi if k + 1 == len(ends) else min(t + hi, ends[k + 1] + lo)
        seg = x[t + lo:stop + 1]
        area += float(np.nansum(np.clip(np.nanmax(before) - seg, 0.0, None))) / 60.0  # %·s -> %·min
    return HypoxicBurden(area / sleep_h, len(ends), (float(lo), float(hi)),
                         float(ensemble[lo + pre] - np.nanmin(ensemble[lo + pre:hi + pre + 1])))


def _one_hz(x: np.ndarray, sfreq: float) -> np.ndarray:
    """The trace at 1 Hz (means of each second), artefact as NaN."""
    x = np.where((x >= 50) & (x <= 100), x, np.nan)
    step = max(int(round(sfreq)), 1)
    n = len(x) // step
    if n == 0:
        return np.zeros(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a second of artefact stays NaN
        return np.nanmean(x[:n * step].reshape(n, step), axis=1)


def _dip(ensemble: np.ndarray, pre: int) -> tuple[int, int] | None:
    """(start, end) seconds from the events' end of the ensemble's dip: the last peak before
    its minimum (after the end) and the first peak after it."""
    low = pre + int(np.nanargmin(ensemble[pre:]))
    # A flat top is a peak too: the window runs from where the one before the dip ends to
    # where the one after it begins.
    _, tops = find_peaks(np.nan_to_num(ensemble, nan=float(np.nanmean(ensemble))), plateau_size=1)
    before = tops["right_edges"][tops["right_edges"] < low]
    after = tops["left_edges"][tops["left_edges"] > low]
    # Without a peak (the curve still rising, or flat, at its edge): its highest point there.
    head, tail = ensemble[:low], ensemble[low:]
    start = int(before[-1]) if len(before) else len(head) - 1 - int(np.nanargmax(head[::-1]))
    end = int(after[0]) if len(after) else low + int(np.nanargmax(tail))
    if ensemble[start] - ensemble[low] <= 0:
        return None
    return start - pre, end - pre
