"""Execute step for "spindle density in N2 on each EEG channel": YASA's spindle or slow-wave
detector run on every usable EEG channel of the night, with the settings the machine scoring
uses, over the epochs of the stages asked about.

The machine scoring reads one EEG (the preferred lead); spindles and slow waves differ across
the scalp (spindles of 12-15 Hz are largest centrally, slow waves frontally), which is what a
question per channel asks to see.
"""

from __future__ import annotations

import numpy as np

from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import ChannelEventRow, ChannelEvents, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.channels import eeg_labels, unusable
from sleeplm_core.scoring.config import ScoringConfig
from sleeplm_core.scoring.intervals import in_wake, long_wake
from sleeplm_core.scoring.microevents import at_yasa_rate, yasa_hypnogram

DEFAULT_STAGES = {"spindle": ("N2",), "slow_waves": ("N2", "N3")}
"""Stages read when the question names none: spindles are counted per minute of N2 (the
density the field reports), slow waves over NREM's deeper stages."""


def events_by_channel(plan: Plan, night: LoadedNight, config: ScoringConfig = ScoringConfig()) \
        -> ChannelEvents | Message:
    """Per usable EEG channel: the events detected in the asked stages, their density (per
    minute of those stages), mean length and mean frequency (spindles, Hz) or peak-to-peak
    amplitude (slow waves, µV). Each channel is read as the machine scoring reads its one lead,
    so that lead's counts are the night's own."""
    phen = phenomenon(plan.query.phenomenon)
    asked = plan.query.scope.stages or DEFAULT_STAGES[phen.key]
    stages, source = night.stages()
    inside = plan.where.mask & np.isin(stages, [STAGES.index(s) for s in asked])
    if not inside.any():
        return Message("empty_scope", plan.where.text or " or ".join(asked))
    grid, counted = _on_recording_grid(night, stages), _on_recording_grid(night, inside.astype(int)) > 0
    minutes = float(inside.sum()) * EPOCH_SEC / 60
    rows, skipped = [], []
    for label in eeg_labels(night.recording):
        signal = night.recording.signals[label]
        if (why := unusable(signal, config.staging.eeg)) is not None:
            skipped.append(why)
            continue
        rows.append(_detected(phen.key, signal, grid, counted, minutes, config))
    if not rows:
        return Message("no_signal", f"EEG fast enough for {phen.title.lower()} detection "
                                    f"({'; '.join(skipped) or 'no EEG channel'})")
    return ChannelEvents(phen.key, phen.title, rows, tuple(asked), minutes, source, skipped,
                         plan.where.text if plan.query.scope.time is not None else "", plan.query.target)


def _on_recording_grid(night: LoadedNight, per_epoch: np.ndarray) -> np.ndarray:
    """A per-epoch array on the recording's own 30-s grid from its start (-1 where no epoch of
    the night lies, as when a long file is cut to its sleep window)."""
    n = int(np.ceil(night.recording.duration / EPOCH_SEC))
    grid = np.full(n, -1, dtype=int)
    at = np.round(np.asarray(night.epochs.starts) / EPOCH_SEC).astype(int)
    keep = (at >= 0) & (at < n)
    grid[at[keep]] = np.asarray(per_epoch)[keep]
    return grid


def _detected(kind: str, signal, stages: np.ndarray, counted: np.ndarray, minutes: float,
              config: ScoringConfig) -> ChannelEventRow:
    """One channel's events as the machine scoring detects them (spindles everywhere but in
    sustained wake, slow waves in N2-N3), kept where they start in a counted epoch."""
    import yasa  # on first use, as the machine scoring imports it
    data, rate = at_yasa_rate(signal)
    if kind == "spindle":
        s = config.spindles
        found = yasa.spindles_detect(data, sf=rate, freq_sp=s.freq_sp, duration=s.duration,
                                     thresh=dict(s.thresh), verbose=False)
        value, wake = "Frequency", long_wake(stages, s.wake_epochs)
    else:
        w = config.slow_waves
        found = yasa.sw_detect(data, sf=rate, hypno=yasa_hypnogram(stages, len(data), rate),
                               include=w.include, amp_neg=w.amp_neg, amp_ptp=w.amp_ptp, verbose=False)
        value, wake = "PTP", None
    table = found.summary() if found is not None else None
    if table is not None:
        epoch = (table["Start"].to_numpy() // EPOCH_SEC).astype(int)
        kept = (epoch < len(counted)) & counted[np.minimum(epoch, len(counted) - 1)]
        table = table[kept & ~np.array([in_wake(t, wake) for t in table["Start"]], dtype=bool)]
    if table is None or not len(table):
        return ChannelEventRow(signal.label, signal.sfreq, 0, 0.0, None, None)
    return ChannelEventRow(signal.label, signal.sfreq, len(table), len(table) / minutes,
                           float(table["Duration"].mean()), float(table[value].mean()))
