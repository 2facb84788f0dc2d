"""Leg movements from the anterior tibialis EMG (AASM: 0.5-10 s, >= 8 µV above rest).

The EMG is high-passed at 10 Hz (where the rate allows), rectified and smoothed
over 0.25 s; the resting level is the median of that envelope over the
surrounding minute. A movement starts where the envelope rises 8 µV above rest
and ends where it falls back under 2 µV above rest (the AASM's hysteresis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, sosfiltfilt

from sleeplm_core.io.recording import Event, Signal
from sleeplm_core.scoring.intervals import close_gaps, moving_mean, runs


@dataclass(frozen=True)
class LimbConfig:
    """Leg-movement rule (µV, seconds).

    Attributes:
        onset_uv, offset_uv: envelope rise above rest that starts / still continues a movement.
        min_sec, max_sec: shortest and longest movement.
        smooth_sec: envelope smoothing.
        rest_sec: window of the resting level.
        merge_sec: bursts closer than this are one movement.
    """

    onset_uv: float = 8.0
    offset_uv: float = 2.0
    min_sec: float = 0.5
    max_sec: float = 10.0
    smooth_sec: float = 0.25
    rest_sec: float = 60.0
    merge_sec: float = 0.5


def detect_limb_movements(emg: Signal, source: str, config: LimbConfig = LimbConfig()) -> list[Event]:
    """Leg movements on a leg EMG in µV."""
    rate = emg.sfreq
    x = np.nan_to_num(np.asarray(emg.data, dtype=float))
    if rate > 25:
        x = sosfiltfilt(butter(2, 10.0, btype="highpass", fs=rate, output="sos"), x)
    env = moving_mean(np.abs(x), int(config.smooth_sec * rate))
    # The median on a 4-Hz grid keeps the resting level cheap on a whole night.
    step = max(1, int(rate // 4))
    rest_coarse = median_filter(env[::step], size=int(config.rest_sec * rate / step), mode="nearest")
    rest = np.repeat(rest_coarse, step)[: len(env)]
    above = env - rest
    active = close_gaps(above >= config.offset_uv, int(config.merge_sec * rate))
    events = []
    for a, b in runs(active):
        duration = (b - a) / rate
        if config.min_sec <= duration <= config.max_sec and above[a:b].max() >= config.onset_uv:
            events.append(Event(a / rate, duration, "limb_movement", source=source))
    return events


@dataclass(frozen=True)
class PeriodicConfig:
    """AASM periodic-limb-movement series: at least ``min_count`` leg movements whose
    onsets are ``min_interval``-``max_interval`` s apart (seconds)."""

    min_count: int = 4
    min_interval: float = 5.0
    max_interval: float = 90.0


def periodic_series(onsets: np.ndarray, config: PeriodicConfig = PeriodicConfig()
                    ) -> list[np.ndarray]:
    """The periodic series among leg movements (onsets in s, any order): for each series, in
    time order, the indices into ``onsets`` of its movements, in time order."""
    order = np.argsort(onsets, kind="stable")
    gaps = np.diff(np.asarray(onsets, dtype=float)[order])
    linked = (gaps >= config.min_interval) & (gaps <= config.max_interval)
    # b - a links join b - a + 1 movements
    return [order[a:b + 1] for a, b in runs(linked) if b - a + 1 >= config.min_count]


def periodic(onsets: np.ndarray, config: PeriodicConfig = PeriodicConfig()) -> np.ndarray:
    """Which leg movements (onsets in s, any order) belong to a periodic series (bool per
    onset, in the given order). Exclusion of movements tied to respiratory events or
    arousals is left to the caller."""
    out = np.zeros(len(onsets), dtype=bool)
    for members in periodic_series(onsets, config):
        out[members] = True
    return out
