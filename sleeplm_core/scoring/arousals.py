"""EEG arousals by the AASM frequency-shift rule.

An arousal is an abrupt shift to alpha (8-12 Hz) or beta (> 16 Hz) activity
lasting at least 3 s, after at least 10 s of stable sleep. A shift shorter than
``min_sec`` is not an arousal and does not break stable sleep: alpha waxes and wanes, so
an arousal's first second often crosses the ratio, dips for over ``merge_sec`` and
crosses it again, and letting that fragment restart the 10-s clock discarded the arousal
itself (on synthetic nights, 47 of 138 missed arousals). Shifts inside sustained
wake (a machine-scored wake run of ``wake_epochs`` or more) are not arousals; single
wake epochs are kept, since the machine hypnogram calls many arousal epochs wake
(on synthetic nights, requiring a sleep epoch halves the F1). "Abrupt" is measured against the EEG's own recent past: the fast-band
power of each second over the median of the preceding minute. Shifts longer than
``max_sec`` are left to the hypnogram (they are awakenings, not arousals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import stft

from sleeplm_core.io.recording import Event, Signal
from sleeplm_core.scoring.intervals import close_gaps, in_wake, long_wake, runs


@dataclass(frozen=True)
class ArousalConfig:
    """Frequency-shift rule (times in seconds, power ratios).

    Attributes:
        alpha_hz, beta_hz: the fast bands (beta capped below Nyquist).
        ratio: fast-band power over its preceding-minute median that counts as a shift.
        baseline_sec: look-back of that median.
        min_sec, max_sec: shortest and longest arousal.
        stable_sec: sleep without a shift of ``min_sec`` or more required before an arousal.
        merge_sec: shifts separated by less than this are one arousal.
        wake_epochs: shortest wake run (30-s epochs) counted as sustained wake.
    """

    alpha_hz: tuple[float, float] = (8.0, 12.0)
    beta_hz: tuple[float, float] = (16.0, 30.0)
    ratio: float = 3.0
    baseline_sec: float = 60.0
    min_sec: float = 3.0
    max_sec: float = 15.0
    stable_sec: float = 10.0
    merge_sec: float = 1.0
    wake_epochs: int = 10


def fast_power_ratio(eeg: Signal, config: ArousalConfig) -> np.ndarray:
    """Per-second alpha+beta power (2-s windows, 1-s steps) over its trailing-minute median."""
    rate = eeg.sfreq
    x = np.nan_to_num(np.asarray(eeg.data, dtype=float))
    freqs, _, spec = stft(x, fs=rate, nperseg=int(2 * rate), noverlap=int(rate), boundary=None,
                          padded=False)
    beta = (config.beta_hz[0], min(config.beta_hz[1], 0.45 * rate))
    band = ((freqs >= config.alpha_hz[0]) & (freqs <= config.alpha_hz[1])) | (
        (freqs >= beta[0]) & (freqs <= beta[1]))
    power = np.sum(np.abs(spec[band]) ** 2, axis=0)
    size = int(config.baseline_sec)
    base = median_filter(power, size=size, origin=(size - 1) // 2, mode="nearest")
    return power / np.maximum(base, 1e-12)


def detect_arousals(eeg: Signal, stages: np.ndarray | None, source: str,
                    config: ArousalConfig = ArousalConfig()) -> list[Event]:
    """Arousals on ``eeg`` (µV); each window ``i`` covers seconds ``i`` to ``i + 2``."""
    shift = close_gaps(fast_power_ratio(eeg, config) >= config.ratio, int(config.merge_sec))
    wake = long_wake(stages, config.wake_epochs)
    events, last_end = [], -np.inf
    for a, b in runs(shift):
        # The 2-s window at index i is centred on second i + 1.
        onset, duration = a + 0.5, float(b - a)
        stable = onset - last_end >= config.stable_sec
        if duration >= config.min_sec:  # a sub-3-s fragment is not an arousal: sleep stays stable
            last_end = onset + duration
        if (config.min_sec <= duration <= config.max_sec and stable
                and not in_wake(onset, wake)):
            events.append(Event(onset, duration, "arousal", source=source))
    return events
