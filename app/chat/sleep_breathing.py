"""What the indices of breathing in sleep rest on, shared by the answers that re-read them
(the hypoxic burden, the AHI under each hypopnea rule): the apneas and hypopneas of sleep,
the hours they are counted over, and a usable SpO2 channel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.chat.events import events_for
from app.chat.plan import stages_guessed
from app.chat.results import SpanOxygen
from app.night import LoadedNight
from sleeplm_core.features.heart import SPO2_RANGE, uncalibrated
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import Event, Signal


@dataclass(frozen=True)
class SleepBreathing:
    """The breathing events an index counts.

    Attributes:
        breathing: apneas and hypopneas starting in sleep (every one on a home test without
            EEG, whose sleep is only guessed).
        events: every event of the scoring they come from (desaturations included).
        source: where the events come from.
        hours: hours of sleep, or recorded on a home test.
        recorded: the hours are recorded, not slept (a home test: the index is the REI).
    """

    breathing: list[Event]
    events: list[Event]
    source: str
    hours: float
    recorded: bool


def sleep_breathing(night: LoadedNight) -> SleepBreathing:
    """The night's apneas and hypopneas of sleep, as the summary's AHI counts them."""
    events, source = events_for(night, APNEA_TYPES)
    s = night.summary()
    recorded = stages_guessed(night, s.source)
    stages = night.stages()[0]
    breathing = [e for e in events if e.type in APNEA_TYPES
                 and (recorded or stages[night.epoch_at(e.onset)] > 0)]
    return SleepBreathing(breathing, events, source, (s.tib_min if recorded else s.tst_min) / 60,
                          recorded)


def spo2_channel(night: LoadedNight) -> tuple[Signal | None, str, str]:
    """The SpO2 signal (None without one), its channel label, and why its values cannot be
    read as SpO2 ("" when they can: none without a channel, or mostly outside the
    physiological range)."""
    channel = night.epochs.aux_mapping.get("SPO2", "")
    signal = night.recording.signals.get(channel) if channel else None
    if signal is None:
        return None, "", "the recording has no SpO2 channel"
    return signal, channel, uncalibrated(signal, SPO2_RANGE, "SpO2") or ""


def oxygen_over(night: LoadedNight, lo: float = 0.0, hi: float | None = None) -> SpanOxygen | None:
    """SpO2 over ``lo``-``hi`` s (the whole recording by default) from its samples in the
    physiological range: mean and lowest (%), minutes under 90 %; None without a readable SpO2
    or any sample there."""
    signal, _, why = spo2_channel(night)
    if signal is None or why:
        return None
    end = len(signal.data) if hi is None else int(hi * signal.sfreq)
    data = np.asarray(signal.data[int(lo * signal.sfreq):end], dtype=float)
    data = data[(data >= SPO2_RANGE[0]) & (data <= SPO2_RANGE[1])]
    if not len(data):
        return None
    return SpanOxygen(float(data.mean()), float(data.min()), float(np.sum(data < 90.0)) / signal.sfreq / 60)
