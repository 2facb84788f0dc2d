"""Heart level: ECG beat rate and RMSSD, heart-rate and SpO2 summaries with trends.

R peaks come from :func:`sleepecg.detect_heartbeats` run once over the whole
night; an ECG slower than 64 Hz (DREAMS: 50 Hz) is first upsampled to 128 Hz,
because sleepecg band-passes to 30 Hz, and its beats are used only when they are
detectable (most RR intervals plausible). The heart-rate series is the pulse/HR
channel when it holds plausible values (it is what the scorer sees), otherwise
the beat-to-beat rate from the ECG; :attr:`HeartRate.source` names which.
Implausible values (HR outside 25-220 bpm, SpO2 outside 50-100 %) count as
missing; an epoch with missing values gets no summary for that signal. A channel
whose values are mostly implausible (an uncalibrated PR or SAO2 centred near 0)
is left out and the night's notes say why.
"""

from __future__ import annotations

from dataclasses import dataclass

from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from sleeplm_core.features.schema import Trend, quantity
from sleeplm_core.features.signals import (
    channel, display_label, epoch_grid, fill_gaps, sample_times, usable_channel,
)
from sleeplm_core.features.trends import GRID_HZ, TrendConfig, trend_segments
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

HR_RANGE = (25.0, 220.0)
SPO2_RANGE = (50.0, 100.0)
# sleepecg band-passes ECG up to 30 Hz, which needs a Nyquist frequency above it;
# slower ECGs (down to MIN_ECG_SFREQ, where the QRS still shows) are upsampled to ECG_DETECT_HZ.
SLEEPECG_MIN_SFREQ = 64.0
ECG_DETECT_HZ = 128.0
MIN_ECG_SFREQ = 32.0
# R peaks count as detectable when this share of RR intervals is plausible.
MIN_PLAUSIBLE_RR = 0.8
# A channel whose values are plausible less often than this is not that quantity.
MIN_PLAUSIBLE_SHARE = 0.5
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
    """Heart-rate summary of one epoch (bpm) and its trend segments.

    Attributes:
        source: where the rate comes from: the pulse/HR channel's label, or "ECG"
            for the beat-to-beat rate; "" when not stated (a parsed caption).
    """

    minimum: float = quantity("bpm", 1, 0)
    maximum: float = quantity("bpm", 1, 0)
    mean: float = quantity("bpm", 1, 0)
    trends: tuple[Trend, ...] = ()
    source: str = ""


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


def heart_features(rec: Recording, epochs: EpochSet,
                   notes: list[str] | None = None) -> list[HeartFacts | None]:
    """Heart facts per epoch; None where no part could be measured.

    ``notes`` receives one line per channel left out, with the reason.
    """
    notes = notes if notes is not None else []
    n = len(epochs)
    beats = _beat_times(usable_channel(rec, epochs, "ECG", MIN_ECG_SFREQ, "ECG beats"), notes)
    ecg = _ecg_stats(beats, epochs.starts) if beats is not None else [None] * n
    grid_t = epoch_grid(epochs.starts, GRID_HZ)
    hr_sig = _plausible(channel(rec, epochs, "HR"), HR_RANGE, "a heart rate", notes)
    hr_grid = _hr_grid(hr_sig, beats, grid_t)
    source = display_label(hr_sig.label) if hr_sig is not None else "ECG"
    hr = _hr_summary(hr_grid, source) if hr_grid is not None else [None] * n
    spo2_sig = _plausible(channel(rec, epochs, "SPO2"), SPO2_RANGE, "SpO2", notes)
    spo2 = (_spo2_summary(_resample(spo2_sig, grid_t, SPO2_RANGE))
            if spo2_sig is not None else [None] * n)
    return [HeartFacts(e, h, s) if (e or h or s) else None for e, h, s in zip(ecg, hr, spo2)]


def in_range_share(data: np.ndarray, valid: tuple[float, float]) -> float:
    """Share (0-1) of the finite values of ``data`` inside ``valid`` (0 without any)."""
    finite = np.asarray(data, dtype=float)
    finite = finite[np.isfinite(finite)]
    return float(np.mean((finite >= valid[0]) & (finite <= valid[1]))) if len(finite) else 0.0


def uncalibrated(sig: Signal, valid: tuple[float, float], what: str) -> str | None:
    """Why ``sig`` looks uncalibrated (fewer than half its finite values in ``valid``,
    e.g. a PR or SAO2 channel centred near 0), None when it is usable."""
    share = in_range_share(sig.data, valid)
    if share >= MIN_PLAUSIBLE_SHARE:
        return None
    finite = sig.data[np.isfinite(sig.data)]
    median = float(np.median(finite)) if len(finite) else float("nan")
    return (f"{sig.label}: only {share:.0%} of its values (median {median:.3g} {sig.unit}) lie in "
            f"the {valid[0]:g}-{valid[1]:g} range of {what}, so it looks uncalibrated and is left out")


def _plausible(sig: Signal | None, valid: tuple[float, float], what: str,
               notes: list[str]) -> Signal | None:
    """``sig`` when most of its finite values lie in ``valid``, else None and a note why."""
    if sig is None:
        return None
    why = uncalibrated(sig, valid, what)
    if why is None:
        return sig
    notes.append(why)
    return None


def _beat_times(sig: Signal | None, notes: list[str]) -> np.ndarray | None:
    """R-peak times in seconds, or None when there is no ECG with detectable beats."""
    if sig is None:
        return None
    filled, finite = fill_gaps(sig)
    data, rate = np.asarray(filled.data, dtype=float), sig.sfreq
    if rate < SLEEPECG_MIN_SFREQ:
        ratio = Fraction(ECG_DETECT_HZ / rate).limit_denominator(1000)
        data, rate = resample_poly(data, ratio.numerator, ratio.denominator), ECG_DETECT_HZ
    import sleepecg  # on first use: importing it costs the app's cold start 0.3 s
    peaks = np.asarray(sleepecg.detect_heartbeats(np.ascontiguousarray(data), rate), dtype=np.int64)
    times = peaks.astype(float) / rate
    # Beats "found" in a filled gap are artefacts of the fill.
    beats = times[finite[np.clip(np.round(times * sig.sfreq).astype(np.int64), 0, len(finite) - 1)]]
    rr = np.diff(beats)
    share = float(np.mean((rr >= RR_RANGE_S[0]) & (rr <= RR_RANGE_S[1]))) if len(rr) else 0.0
    if share < MIN_PLAUSIBLE_RR:
        notes.append(f"{sig.label}: R peaks are not reliably detectable at {sig.sfreq:g} Hz "
                     f"(only {share:.0%} of RR intervals plausible), so ECG beats are left out")
        return None
    return beats


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


def _hr_summary(grid: np.ndarray, source: str) -> list[HeartRate | None]:
    trends = trend_segments(grid, HR_TREND)
    return [
        HeartRate(float(row.min()), float(row.max()), float(row.mean()), tr, source)
        if np.all(np.isfinite(row)) else None
        for row, tr in zip(grid, trends)
    ]


def _spo2_summary(grid: np.ndarray) -> list[Oxygen | None]:
    trends = trend_segments(grid, SPO2_TREND)
    return [
        Oxygen(float(row.min()), float(row.mean()), tr) if np.all(np.isfinite(row)) else None
        for row, tr in zip(grid, trends)
    ]
