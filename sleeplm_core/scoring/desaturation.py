"""Oxygen desaturation events measured from an SpO2 trace.

A desaturation is a fall of at least ``drop`` percentage points below the
baseline, lasting at least ``min_duration`` seconds, where the baseline at each
moment is the highest SpO2 of the preceding ``baseline_sec`` seconds (the
"3 % drop from the recent peak" rule the AASM uses for ODI and hypopnea scoring).
Samples outside 50-100 % are treated as artefact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d

from sleeplm_core.io.recording import Event


@dataclass(frozen=True)
class DesaturationConfig:
    """Desaturation rule.

    Attributes:
        drop: fall below the baseline, in percentage points of SpO2.
        min_duration: shortest event, in seconds.
        baseline_sec: look-back window of the baseline (running maximum), in seconds.
    """

    drop: float = 3.0
    min_duration: float = 10.0
    baseline_sec: float = 120.0


def detect_desaturations(spo2: np.ndarray, sfreq: float,
                         config: DesaturationConfig = DesaturationConfig()) -> list[Event]:
    """Desaturation events (type ``"desaturation"``) in an SpO2 trace in %, sampled at ``sfreq`` Hz."""
    x = np.asarray(spo2, dtype=float)
    valid = (x >= 50) & (x <= 100)
    x = np.where(valid, x, np.nan)
    width = max(1, int(round(config.baseline_sec * sfreq)))
    # A trailing window: maximum_filter1d is centred, so shift it by half a width.
    baseline = maximum_filter1d(np.nan_to_num(x, nan=0.0), size=width, origin=(width - 1) // 2)
    below = valid & (baseline - x >= config.drop)
    edges = np.diff(np.concatenate([[0], below.astype(np.int8), [0]]))
    events = []
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if (b - a) / sfreq >= config.min_duration:
            events.append(Event(onset=a / sfreq, duration=(b - a) / sfreq, type="desaturation"))
    return events


def desaturation_depth(spo2: np.ndarray, sfreq: float, onset: float, duration: float,
                       config: DesaturationConfig = DesaturationConfig()) -> float:
    """How far SpO2 fell during one event, in percentage points below its pre-event baseline.

    The baseline is the detector's: the highest valid SpO2 (50-100 %) of the
    ``baseline_sec`` seconds before ``onset`` (s); the nadir is the lowest valid SpO2
    from ``onset`` to its end (``duration`` s). NaN when either window has no valid sample.
    """
    x = np.asarray(spo2, dtype=float)
    x = np.where((x >= 50) & (x <= 100), x, np.nan)
    start = int(round(onset * sfreq))
    before = x[max(0, start - int(round(config.baseline_sec * sfreq))):start]
    during = x[start:max(start + 1, int(round((onset + duration) * sfreq)))]
    if not np.isfinite(before).any() or not np.isfinite(during).any():
        return float("nan")
    return float(np.nanmax(before) - np.nanmin(during))
