"""Beat-to-beat rhythm from the ECG: irregular intervals, ectopic beats, pauses, variability.

R-peaks come from ``sleepecg.detect_heartbeats``, as for the heart rate
(:func:`sleeplm_core.scoring.heart.detect_beats`). Two readings of them:

- an RR interval that differs from the one before by more than 20 % is irregular (the
  criterion of Malik et al. 1989, Eur Heart J 10:1060, for beats left out of heart-rate
  variability); windows where many are irregular are irregular stretches;
- neurokit2's ``signal_fixpeaks`` with the Kubios method (Lipponen & Tarvainen 2019, J Med
  Eng Technol 43:173) calls single beats ectopic, long or short against the local
  variability, and finds the detector's missed and extra beats, whose intervals are not
  counted as irregular. Its thresholds follow the local variability, so it does not flag a
  sustained irregular rhythm: the 20 % rule does.

A pause is an RR interval over 3 s, the AASM's limit for asystole in adults (AASM Manual
2.6, cardiac rules). Variability is read from regular intervals: RMSSD (ms) and pNN50 (% of
successive intervals differing by more than 50 ms), the Task Force (1996) time-domain
measures.

This describes beat timing only. An irregular stretch can be ectopic beats, atrial
fibrillation or artefact; telling them apart needs the ECG waveform read by a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import Signal
from sleeplm_core.scoring.heart import detect_beats

@dataclass(frozen=True)
class RhythmConfig:
    """Rhythm rules (shares, seconds).

    Attributes:
        irregular_change: an RR interval differing from the one before by more than this
            share of it is irregular (Malik et al. 1989: 0.20).
        pause_sec: an RR interval longer than this is a pause (AASM: asystole > 3 s).
        window_sec: length of the windows in which irregular intervals are counted.
        irregular_share: a window with more than this share of irregular intervals is an
            irregular stretch (our rule: sinus rhythm, its breathing-driven swing included,
            stays well under 1 %; an irregularly irregular rhythm lies far above).
        min_window_beats: windows with fewer beats (lead off, gaps) are not judged.
        min_qrs_share: a detected beat whose QRS spans less than this share of the
            night's median QRS is dropped: in a pause the detector's search-back lowers
            its threshold until it takes noise for beats.
    """

    irregular_change: float = 0.20
    min_qrs_share: float = 0.3
    pause_sec: float = 3.0
    window_sec: float = 300.0
    irregular_share: float = 0.10
    min_window_beats: int = 100


@dataclass(frozen=True)
class Rhythm:
    """The beats of a night and what is irregular about them.

    Attributes:
        beats: R-peak times, seconds from the recording start.
        irregular: bool per RR interval (``len(beats) - 1``): it differs from the interval
            before by more than the 20 % rule allows, neither touching a detector error.
        ectopic: bool per beat: the Kubios method calls it ectopic.
        detector_error: bool per beat: the Kubios method calls it missed or extra.
        source: the ECG channel's label.
    """

    beats: np.ndarray
    irregular: np.ndarray
    ectopic: np.ndarray
    detector_error: np.ndarray
    source: str


@dataclass(frozen=True)
class RhythmSummary:
    """Beat timing inside a set of spans.

    Attributes:
        n_beats: beats inside the spans; hours: the spans' total length.
        irregular_pct: share of the intervals inside that are irregular, %.
        mean_hr: 60 / mean of the regular RR intervals, bpm.
        rmssd_ms, pnn50_pct: variability of successive regular RR intervals.
        ectopic: beats the Kubios method calls ectopic.
        pauses: (start, length) of each RR interval over the pause limit, seconds.
        longest_rr: (start, length) of the longest RR interval, seconds.
        stretches: (start, end, share of irregular intervals) of each irregular window,
            touching windows merged.
    """

    n_beats: int
    hours: float
    irregular_pct: float
    mean_hr: float
    rmssd_ms: float
    pnn50_pct: float
    ectopic: int
    pauses: list[tuple[float, float]]
    longest_rr: tuple[float, float]
    stretches: list[tuple[float, float, float]]


def heart_rhythm(ecg: Signal, config: RhythmConfig = RhythmConfig()) -> Rhythm | None:
    """The beats of ``ecg`` read both ways; None with fewer than 100 beats (a flat ECG:
    none)."""
    import neurokit2 as nk
    try:
        peaks, data, rate = detect_beats(ecg)
    except ValueError:   # sleepecg refuses a flat signal
        return None
    peaks = peaks[_qrs_sized(data, peaks, rate, config.min_qrs_share)]
    if len(peaks) < 100:
        return None
    info, _ = nk.signal_fixpeaks(peaks, sampling_rate=rate, iterative=False, method="Kubios")
    ectopic = np.zeros(len(peaks), dtype=bool)
    ectopic[np.asarray(info["ectopic"], dtype=np.int64)] = True
    error = np.zeros(len(peaks), dtype=bool)
    error[np.asarray(info["missed"] + info["extra"], dtype=np.int64)] = True
    rr = np.diff(peaks) / rate
    change = np.abs(np.diff(rr, prepend=rr[0])) / np.concatenate([[rr[0]], rr[:-1]])
    touched = error[1:] | error[:-1]
    # An interval next to a detector error is the error's, not the heart's.
    touched[1:] |= touched[:-1].copy()
    irregular = (change > config.irregular_change) & ~touched
    return Rhythm(peaks / rate, irregular, ectopic, error, ecg.label)


def _qrs_sized(data: np.ndarray, peaks: np.ndarray, rate: float, share: float) -> np.ndarray:
    """bool per peak: its peak-to-peak size within 50 ms reaches ``share`` of the median."""
    half = max(1, int(0.05 * rate))
    lo, hi = np.clip(peaks - half, 0, len(data)), np.clip(peaks + half + 1, 0, len(data))
    size = np.array([np.ptp(data[a:b]) if b > a else 0.0 for a, b in zip(lo, hi)])
    return size >= share * np.median(size) if len(size) else np.zeros(0, dtype=bool)


def summarize(rhythm: Rhythm, spans: list[tuple[float, float]],
              config: RhythmConfig = RhythmConfig()) -> RhythmSummary | None:
    """Beat timing in ``spans`` ((start, end) seconds, sorted, not overlapping); None
    when fewer than ``config.min_window_beats`` beats fall in them."""
    beats = rhythm.beats
    inside = np.zeros(len(beats), dtype=bool)
    for lo, hi in spans:
        inside[np.searchsorted(beats, lo):np.searchsorted(beats, hi)] = True
    if inside.sum() < config.min_window_beats:
        return None
    pair = inside[1:] & inside[:-1]   # an interval counts where both its beats are inside
    rr = np.diff(beats)
    regular = pair & ~rhythm.irregular & ~rhythm.ectopic[1:] & ~rhythm.ectopic[:-1] \
        & ~rhythm.detector_error[1:] & ~rhythm.detector_error[:-1] & (rr <= config.pause_sec)
    successive = np.abs(np.diff(rr))[regular[1:] & regular[:-1]]
    longest = int(np.argmax(np.where(pair, rr, -1.0)))
    return RhythmSummary(
        n_beats=int(inside.sum()), hours=sum(hi - lo for lo, hi in spans) / 3600.0,
        irregular_pct=100.0 * float(rhythm.irregular[pair].mean()) if pair.any() else 0.0,
        mean_hr=60.0 / float(rr[regular].mean()) if regular.any() else float("nan"),
        rmssd_ms=1000.0 * float(np.sqrt(np.mean(successive ** 2))) if len(successive) else float("nan"),
        pnn50_pct=100.0 * float(np.mean(successive > 0.05)) if len(successive) else float("nan"),
        ectopic=int((inside & rhythm.ectopic).sum()),
        pauses=[(float(beats[i]), float(rr[i])) for i in np.flatnonzero(pair & (rr > config.pause_sec))],
        longest_rr=(float(beats[longest]), float(rr[longest])),
        stretches=_stretches(rhythm, spans, config))


def _stretches(rhythm: Rhythm, spans: list[tuple[float, float]],
               config: RhythmConfig) -> list[tuple[float, float, float]]:
    """Windows of ``config.window_sec`` inside the spans whose share of irregular intervals
    exceeds ``config.irregular_share``, touching ones merged (start, end, share)."""
    found: list[tuple[float, float, int, int]] = []
    for lo, hi in spans:
        for start in np.arange(lo, hi, config.window_sec):
            end = float(min(start + config.window_sec, hi))
            a, b = np.searchsorted(rhythm.beats, [start, end])
            if b - a < config.min_window_beats:
                continue
            n, bad = b - a - 1, int(rhythm.irregular[a:b - 1].sum())
            if bad / n <= config.irregular_share:
                continue
            if found and found[-1][1] >= start:
                s, _, n0, k0 = found[-1]
                found[-1] = (s, end, n0 + n, k0 + bad)
            else:
                found.append((float(start), end, n, bad))
    return [(s, e, k / n) for s, e, n, k in found]
