"""Heart level: ECG beat rate and RMSSD, heart-rate and SpO2 summaries with trends.

R peaks come from :func:`sleepecg.detect_heartbeats` run once over the whole
night. The heart-rate series is the pulse/HR channel when the file has one
(it is what the scorer sees), otherwise the beat-to-beat rate from the ECG.
Implausible values (HR outside 25-220 bpm, SpO2 outside 50-100 %) count as
missing; an epoch with missing values gets no summary for that signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sleepecg

from sleeplm_core.features.schema import Trend, quantity
from sleeplm_core.features.signals import (
    channel, epoch_grid, fill_gaps, sample_times, usable_channel,
)
from sleeplm_core.features.trends import GRID_HZ, TrendConfig, trend_segments
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

HR_RANGE = (25.0, 220.0)
SPO2_RANGE = (50.0, 100.0)
# sleepecg band-passes ECG up to 30 Hz, which needs a Nyquist frequency above it.
MIN_ECG_SFREQ = 64.0
# RR intervals outside the plausible range are detector misses or double detections.
RR_RANGE_S = (60.0 / HR_RANGE[1], 60.0 / HR_RANGE[0])
HR_TREND = TrendConfig(slope=0.25)   # bpm/s: 7.5 bpm over a full epoch
SPO2_TREND = TrendConfig(slope=0.08)  # %/s: a 2.4 % drop over an epoch


@dataclass(frozen=True)
class EcgBeats:
    """Beat statistics of the ECG in one epoch.

    Attributes:
        rate: mean beat rate, 60 / mean RR, in bpm.
        rmssd: root mean square of successive RR differences, in ms.
    """

    rate: float = quantity("bpm", 1, 0)
    rmssd: float = quantity("ms", 1, 0)


@dataclass(frozen=True)
class HeartRate:
    """Heart-rate summary of one epoch (bpm) and its trend segments."""

    minimum: float = quantity("bpm", 1, 0)
    maximum: float = quantity("bpm", 1, 0)
    mean: float = quantity("bpm", 1, 0)
    trends: tuple[Trend, ...] = ()


@dataclass(frozen=True)
class Oxygen:
    """SpO2 summary of one epoch (%) and its trend segments."""

    minimum: float = quantity("%", 1, 0)
    mean: float = quantity("%", 1, 0)
    trends: tuple[Trend, ...] = ()


@dataclass(frozen=True)
class HeartFacts:
    """Heart-level facts of one epoch; parts whose channel is absent are None."""

    ecg: EcgBeats | None = None
    heart_rate: HeartRate | None = None
    spo2: Oxygen | None = None


def heart_features(rec: Recording, epochs: EpochSet) -> list[HeartFacts | None]:
    """Heart facts per epoch; None where no part could be measured."""
    n = len(epochs)
    beats = _beat_times(usable_channel(rec, epochs, "ECG", MIN_ECG_SFREQ, "ECG beats"))
    ecg = _ecg_stats(beats, epochs.starts) if beats is not None else [None] * n
    grid_t = epoch_grid(epochs.starts, GRID_HZ)
    hr_grid = _hr_grid(channel(rec, epochs, "HR"), beats, grid_t)
    hr = _hr_summary(hr_grid) if hr_grid is not None else [None] * n
    spo2_sig = channel(rec, epochs, "SPO2")
    spo2 = (_spo2_summary(_resample(spo2_sig, grid_t, SPO2_RANGE))
            if spo2_sig is not None else [None] * n)
    return [HeartFacts(e, h, s) if (e or h or s) else None for e, h, s in zip(ecg, hr, spo2)]


def _beat_times(sig: Signal | None) -> np.ndarray | None:
    """R-peak times in seconds, or None when there is no usable ECG."""
    if sig is None:
        return None
    filled, finite = fill_gaps(sig)
    peaks = sleepecg.detect_heartbeats(np.ascontiguousarray(filled.data, dtype=float), sig.sfreq)
    peaks = np.asarray(peaks, dtype=np.int64)
    # Beats "found" in a filled gap are artefacts of the fill.
    return peaks[finite[peaks]].astype(float) / sig.sfreq


def _valid_rr(beats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RR intervals (s) in the plausible range, and the time of the beat ending each."""
    rr = np.diff(beats)
    keep = (rr >= RR_RANGE_S[0]) & (rr <= RR_RANGE_S[1])
    return rr[keep], beats[1:][keep]


def _ecg_stats(beats: np.ndarray, starts: np.ndarray) -> list[EcgBeats | None]:
    rr, t = _valid_rr(beats)
    first = np.searchsorted(t, starts)
    last = np.searchsorted(t, starts + EPOCH_SEC)
    out: list[EcgBeats | None] = []
    for a, b in zip(first, last):
        if b - a < 3:
            out.append(None)
            continue
        seg = rr[a:b]
        rmssd = 1000.0 * float(np.sqrt(np.mean(np.diff(seg) ** 2)))
        out.append(EcgBeats(rate=60.0 / float(seg.mean()), rmssd=rmssd))
    return out


def _hr_grid(hr_sig: Signal | None, beats: np.ndarray | None,
             grid_t: np.ndarray) -> np.ndarray | None:
    """Heart rate (bpm) on the per-epoch grid, from the HR channel or else the ECG."""
    if hr_sig is not None:
        return _resample(hr_sig, grid_t, HR_RANGE)
    if beats is None:
        return None
    rr, t = _valid_rr(beats)
    if len(rr) < 2:
        return None
    grid = np.interp(grid_t, t, 60.0 / rr)
    # Interpolating across long gaps (lost ECG) would invent a rate.
    gap = np.diff(t, prepend=t[0])
    idx = np.clip(np.searchsorted(t, grid_t), 0, len(t) - 1)
    grid[(gap[idx] > RR_RANGE_S[1] * 2) | (grid_t < t[0]) | (grid_t > t[-1])] = np.nan
    return grid


def _resample(sig: Signal, grid_t: np.ndarray, valid: tuple[float, float]) -> np.ndarray:
    """``sig`` linearly interpolated on the grid; values outside ``valid`` become NaN."""
    data = np.where((sig.data >= valid[0]) & (sig.data <= valid[1]), sig.data, np.nan)
    return np.interp(grid_t, sample_times(sig), data)


def _hr_summary(grid: np.ndarray) -> list[HeartRate | None]:
    trends = trend_segments(grid, HR_TREND)
    return [
        HeartRate(float(row.min()), float(row.max()), float(row.mean()), tr)
        if np.all(np.isfinite(row)) else None
        for row, tr in zip(grid, trends)
    ]


def _spo2_summary(grid: np.ndarray) -> list[Oxygen | None]:
    trends = trend_segments(grid, SPO2_TREND)
    return [
        Oxygen(float(row.min()), float(row.mean()), tr) if np.all(np.isfinite(row)) else None
        for row, tr in zip(grid, trends)
    ]
