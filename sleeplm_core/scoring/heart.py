"""Heart rate from R-peaks (sleepecg), else from a pulse/HR channel; brady- and tachycardia.

R-peaks come from ``sleepecg.detect_heartbeats`` on the ECG (brought to at least
128 Hz first: its 5-30 Hz filter needs a Nyquist above 30 Hz, so a 50-Hz ECG is
upsampled); the heart rate is 60 / RR interval, interpolated to 1 Hz. When there is no usable ECG, or its beats
give an implausible rate (a 50-Hz ECG whose R-peaks are not detectable), the
pulse-rate channel (bpm) is used instead. Episodes: the rate below 40 bpm
(bradycardia) or above 100 bpm (tachycardia) for at least 10 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sleeplm_core.io.recording import Event, Signal
from sleeplm_core.scoring.channels import resampled
from sleeplm_core.scoring.intervals import runs

_SLEEPECG_MIN_HZ = 128.0


@dataclass(frozen=True)
class HeartConfig:
    """Heart-rate rules (bpm, seconds).

    Attributes:
        brady_bpm, tachy_bpm: limits of the normal rate.
        min_sec: shortest episode.
        plausible_bpm: a median rate outside this range means the beats are not trusted.
        max_rr_sec: longer RR gaps are missed beats and are not interpolated across.
        artefact_frac, artefact_cv: a second whose rate is this far (a fraction) from the
            median rate of the ``reference_sec`` around it while the rate jitters (coefficient
            of variation over ``jitter_sec``, above ``artefact_cv``) is noise read as beats
            (movement), not the heart: a real change of rate is regular.
    """

    brady_bpm: float = 40.0
    tachy_bpm: float = 100.0
    min_sec: float = 10.0
    plausible_bpm: tuple[float, float] = (30.0, 180.0)
    max_rr_sec: float = 3.0
    artefact_frac: float = 0.3
    artefact_cv: float = 0.1
    reference_sec: int = 61
    jitter_sec: int = 5


def detect_beats(ecg: Signal) -> tuple[np.ndarray, np.ndarray, float]:
    """R-peak sample indices by sleepecg, with the ECG they index (brought to at least
    128 Hz) and its rate in Hz. A flat ECG raises ``ValueError`` (sleepecg refuses it)."""
    import sleepecg  # on first use: importing it costs the app's cold start 0.3 s
    rate = max(ecg.sfreq, _SLEEPECG_MIN_HZ)
    data = resampled(ecg, rate)
    return np.asarray(sleepecg.detect_heartbeats(data, rate), dtype=np.int64), data, rate


def ecg_heart_rate(ecg: Signal, config: HeartConfig = HeartConfig()) -> np.ndarray | None:
    """1-Hz heart rate (bpm, NaN where unknown) from R-peaks, None when the beats are implausible."""
    peaks, _, rate = detect_beats(ecg)
    beats = peaks / rate
    if len(beats) < 10:
        return None
    rr = np.diff(beats)
    bpm = 60.0 / rr
    mid = beats[1:]
    seconds = np.arange(int(ecg.duration))
    hr = np.interp(seconds, mid, bpm, left=np.nan, right=np.nan)
    # No rate inside long gaps (missed beats, lead off).
    gap = np.searchsorted(mid, seconds)
    inside = (gap > 0) & (gap < len(mid))
    long_gap = np.zeros(len(seconds), dtype=bool)
    long_gap[inside] = rr[gap[inside]] > config.max_rr_sec
    hr[long_gap] = np.nan
    hr[_artefact(hr, config)] = np.nan
    median = np.nanmedian(hr) if np.any(np.isfinite(hr)) else np.nan
    lo, hi = config.plausible_bpm
    return hr if lo <= median <= hi else None


def _artefact(hr: np.ndarray, config: HeartConfig) -> np.ndarray:
    """Seconds of a 1-Hz rate that are noise read as beats: far from the rate of the minute
    around them and jittering (movement turns an ECG's R-peaks into 150-300 "bpm")."""
    rate = pd.Series(hr)
    reference = rate.rolling(config.reference_sec, center=True, min_periods=10).median()
    near = rate.rolling(config.jitter_sec, center=True, min_periods=2)
    jitter = near.std() / near.mean()
    far = (rate - reference).abs() > config.artefact_frac * reference
    return (far & (jitter > config.artefact_cv)).to_numpy()


def pulse_heart_rate(pulse: Signal) -> np.ndarray:
    """1-Hz rate (bpm) from a pulse-rate channel; samples outside 20-250 bpm are NaN."""
    x = np.asarray(pulse.data, dtype=float)
    seconds = np.arange(int(pulse.duration))
    hr = np.interp(seconds, np.arange(len(x)) / pulse.sfreq, x)
    return np.where((hr >= 20) & (hr <= 250), hr, np.nan)


def rate_episodes(hr: np.ndarray, source: str, config: HeartConfig = HeartConfig()) -> list[Event]:
    """Bradycardia and tachycardia events from a 1-Hz rate series (bpm)."""
    events = []
    for kind, mask in (("bradycardia", hr < config.brady_bpm), ("tachycardia", hr > config.tachy_bpm)):
        events += [Event(float(a), float(b - a), kind, source=source)
                   for a, b in runs(np.nan_to_num(mask, nan=False)) if b - a >= config.min_sec]
    return events
