"""Spindles, slow waves and rapid eye movements from YASA's detectors.

Detection runs on the staging EEG (see :mod:`sleeplm_core.scoring.channels`).
Slow waves are searched in N2-N3 (those of N2 are its K-complexes, as YASA's author
detects them) and REMs in REM of the machine hypnogram;
spindles everywhere but sustained wake (a wake run of ``wake_epochs`` or more),
because restricting them to machine-scored N1-N3 lowered the F1 on DREAMS. Channels below 100 Hz are resampled to
100 Hz first, so YASA's filters (up to 30 Hz) are valid at 50 or 64 Hz. The
spindle thresholds are tuned on DREAMS excerpts 1-6 against expert 1
(``bench/tune_spindles.py``; docs/evaluation.md has the held-out scores).
A single bipolar EOG stands in for both eyes in REM detection (as its own
negative), which is what YASA's anti-correlation criterion looks for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Event, Signal
from sleeplm_core.scoring.channels import resampled
from sleeplm_core.scoring.intervals import in_wake, long_wake
from sleeplm_core.scoring.staging import YASA_RATE_HZ, named

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpindleConfig:
    """``yasa.spindles_detect`` settings (frequencies in Hz, durations in s).

    The defaults are YASA's own; :class:`~sleeplm_core.scoring.ScoringConfig` ships
    the thresholds tuned on DREAMS.

    Attributes:
        thresh: YASA thresholds: relative sigma power (0-1), moving correlation (0-1),
            moving RMS (standard deviations above the mean).
        freq_sp: spindle band.
        duration: shortest and longest spindle.
        wake_epochs: shortest machine-scored wake run (30-s epochs) left unsearched.
    """

    thresh: dict[str, float] = field(default_factory=lambda: {"rel_pow": 0.2, "corr": 0.65,
                                                              "rms": 1.5})
    freq_sp: tuple[float, float] = (12.0, 15.0)
    duration: tuple[float, float] = (0.5, 2.0)
    wake_epochs: int = 20


@dataclass(frozen=True)
class SlowWaveConfig:
    """``yasa.sw_detect`` settings: amplitudes in µV, durations in s, stages N2-N3."""

    amp_neg: tuple[float, float] = (40.0, 200.0)
    amp_ptp: tuple[float, float] = (75.0, 350.0)
    include: tuple[int, ...] = (2, 3)


@dataclass(frozen=True)
class RemConfig:
    """``yasa.rem_detect`` settings: amplitude in µV, duration in s, REM epochs only."""

    amplitude: tuple[float, float] = (50.0, 325.0)
    duration: tuple[float, float] = (0.3, 1.2)


def at_yasa_rate(sig: Signal) -> tuple[np.ndarray, float]:
    """A channel's samples (NaN as 0) and rate, resampled to YASA's working rate when slower."""
    if sig.sfreq < YASA_RATE_HZ:
        return resampled(sig, YASA_RATE_HZ), YASA_RATE_HZ
    return np.nan_to_num(np.asarray(sig.data, dtype=float)), sig.sfreq


def yasa_hypnogram(stages: np.ndarray | None, n: int, rate: float) -> np.ndarray | None:
    """Per-sample stage codes for YASA (its codes match STAGES: 0 W .. 4 REM, -1 unknown)."""
    if stages is None:
        return None
    per_sample = np.repeat(np.asarray(stages, dtype=int), int(round(EPOCH_SEC * rate)))
    out = np.full(n, -2, dtype=int)
    out[: min(n, len(per_sample))] = per_sample[:n]
    return out


def _events(table, kind: str, start: str, end: str, source: str) -> list[Event]:
    if table is None:
        return []
    frame = table.summary()
    return [Event(float(a), float(b) - float(a), kind, source=source)
            for a, b in zip(frame[start], frame[end])]


def detect_spindles(eeg: Signal, stages: np.ndarray | None,
                    config: SpindleConfig = SpindleConfig()) -> list[Event]:
    """Spindles on ``eeg`` (µV) outside sustained wake (everywhere without stages)."""
    import yasa  # on first use: importing it costs the app's cold start 1 s
    data, rate = at_yasa_rate(eeg)
    found = yasa.spindles_detect(data, sf=rate, freq_sp=config.freq_sp, duration=config.duration,
                                 thresh=dict(config.thresh), verbose=False)
    wake = long_wake(stages, config.wake_epochs)
    return [e for e in _events(found, "spindle", "Start", "End", f"machine-scored (YASA "
                               f"{yasa.__version__} spindles_detect, {named('eeg', eeg.label)})")
            if not in_wake(e.onset, wake)]


def detect_slow_waves(eeg: Signal, stages: np.ndarray | None,
                      config: SlowWaveConfig = SlowWaveConfig()) -> list[Event]:
    """Slow waves on ``eeg`` (µV) within N2-N3."""
    import yasa  # on first use: importing it costs the app's cold start 1 s
    data, rate = at_yasa_rate(eeg)
    found = yasa.sw_detect(data, sf=rate, hypno=yasa_hypnogram(stages, len(data), rate),
                           include=config.include, amp_neg=config.amp_neg, amp_ptp=config.amp_ptp,
                           verbose=False)
    return _events(found, "slow_wave", "Start", "End",
                   f"machine-scored (YASA {yasa.__version__} sw_detect, {named('eeg', eeg.label)})")


def k_complexes(waves: list[Event], stages_at: Callable[[np.ndarray], np.ndarray]) -> list[Event]:
    """K-complexes as YASA's author detects them: the slow waves found in N2
    (``sw_detect`` limited to N2; github.com/raphaelvallat/yasa/discussions/152). AASM's
    K-complex is a large biphasic wave of N2 lasting 0.5 s or more, which those are.

    Args:
        waves: slow waves from :func:`detect_slow_waves`.
        stages_at: stage code of the epoch holding each onset (seconds).
    """
    if not waves:
        return []
    codes = stages_at(np.array([e.onset for e in waves]))
    return [replace(e, type="k_complex", source=(e.source or "").replace("sw_detect", "sw_detect in N2"))
            for e, code in zip(waves, codes) if code == 2]


def detect_rems(loc: Signal, roc: Signal | None, stages: np.ndarray | None,
                config: RemConfig = RemConfig()) -> list[Event]:
    """Rapid eye movements in REM (in every epoch when ``stages`` is None) from left/right EOG
    (µV); ``roc`` None: ``loc`` is bipolar."""
    import yasa  # on first use: importing it costs the app's cold start 1 s
    left, rate = at_yasa_rate(loc)
    right = -left if roc is None else at_yasa_rate(roc)[0]
    n = min(len(left), len(right))
    found = yasa.rem_detect(left[:n], right[:n], sf=rate, hypno=yasa_hypnogram(stages, n, rate), include=4,
                            amplitude=config.amplitude, duration=config.duration, verbose=False)
    channels = loc.label if roc is None else f"{loc.label} + {roc.label}"
    return _events(found, "rapid_eye_movement", "Start", "End",
                   f"machine-scored (YASA {yasa.__version__} rem_detect, {named('eog', channels)})")
