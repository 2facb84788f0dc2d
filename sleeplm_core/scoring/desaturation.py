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
    x = _valid(spo2)
    start = int(round(onset * sfreq))
    before = _before(x, start, sfreq, config)
    during = x[start:max(start + 1, int(round((onset + duration) * sfreq)))]
    if not np.isfinite(before).any() or not np.isfinite(during).any():
        return float("nan")
    return float(np.nanmax(before) - np.nanmin(during))


def _valid(spo2: np.ndarray) -> np.ndarray:
    """SpO2 as float with samples outside 50-100 % (artefact) set to NaN."""
    x = np.asarray(spo2, dtype=float)
    return np.where((x >= 50) & (x <= 100), x, np.nan)


def _before(x: np.ndarray, start: int, sfreq: float, config: DesaturationConfig) -> np.ndarray:
    """The baseline window: the ``baseline_sec`` of samples before sample ``start``."""
    return x[max(0, start - int(round(config.baseline_sec * sfreq))):start]


@dataclass(frozen=True)
class Resaturation:
    """How SpO2 fell and came back around one event (times in s from the recording start).

    Attributes:
        baseline: highest valid SpO2 (%) of the ``baseline_sec`` before the event.
        nadir, nadir_at: lowest SpO2 (%) from the event's start to ``nadir_lag`` s after its
            end, and when it was reached.
        recovered_at: first moment after the nadir when SpO2 was back within ``tolerance``
            points of the baseline; None when it was not within ``recovery_max`` s.
        last: SpO2 (%) at the end of the search when it did not recover, else at recovery.
    """

    baseline: float
    nadir: float
    nadir_at: float
    recovered_at: float | None
    last: float

    @property
    def fall(self) -> float:
        """Baseline minus nadir, percentage points."""
        return self.baseline - self.nadir


@dataclass(frozen=True)
class ResaturationConfig:
    """Where a nadir and a recovery are looked for.

    Attributes:
        nadir_lag: seconds after the event's end still searched for its nadir; a finger
            oximeter reads the blood 20-40 s after the lungs, so the nadir follows the event.
        tolerance: percentage points below the baseline that count as recovered (the
            oximeter reports whole percent).
        recovery_max: seconds after the nadir searched for the recovery.
    """

    nadir_lag: float = 45.0
    tolerance: float = 1.0
    recovery_max: float = 180.0


def resaturation(spo2: np.ndarray, sfreq: float, onset: float, end: float,
                 config: ResaturationConfig = ResaturationConfig(),
                 detector: DesaturationConfig = DesaturationConfig()) -> Resaturation | None:
    """The fall and recovery of SpO2 (%, at ``sfreq`` Hz) around an event from ``onset`` to
    ``end`` (s); None when the baseline or the nadir window holds no valid sample."""
    x = _valid(spo2)
    start = int(round(onset * sfreq))
    before = _before(x, start, sfreq, detector)
    stop = min(len(x), max(start + 1, int(round((end + config.nadir_lag) * sfreq))))
    window = x[start:stop]
    if not np.isfinite(before).any() or not np.isfinite(window).any():
        return None
    baseline = float(np.nanmax(before))
    low = start + int(np.nanargmin(window))
    after = x[low:min(len(x), low + int(round(config.recovery_max * sfreq)) + 1)]
    back = np.flatnonzero(after >= baseline - config.tolerance)
    valid = np.flatnonzero(np.isfinite(after))
    last = float(after[back[0]] if len(back) else after[valid[-1]])
    return Resaturation(baseline, float(x[low]), low / sfreq,
                        (low + int(back[0])) / sfreq if len(back) else None, last)
