"""Execute step for "which channel is noisiest?": every electrophysiological channel's share
of 5-s windows YASA's artefact detector rejects, its mains hum, and the epochs the loader
flagged flat or clipped (:mod:`sleeplm_core.scoring.noise`), the noisiest first."""

from __future__ import annotations

import numpy as np

from app.chat.plan import Plan
from app.chat.results import ChannelNoiseRow, Message, NoiseReport
from app.night import LoadedNight
from sleeplm_core.io.epochset import CANONICAL_CHANNELS
from sleeplm_core.scoring.noise import channel_noise

WAVE_SLOTS = ("EEG_C3", "EEG_C4", "EOG_L", "EOG_R", "EMG_CHIN", "ECG", "EMG_LEG")
"""Slots holding waveforms whose noise a technician reads (not belts, oximetry or position)."""
MIN_RATE_HZ = 50.0
"""Channels sampled slower (Sleep-EDF's 1-Hz EMG envelope) hold no waveform to judge."""


def noise_report(plan: Plan, night: LoadedNight) -> NoiseReport | Message:
    """The waveform channels, the noisiest first (by artefact windows, then hum)."""
    slots = {**night.epochs.mapping, **night.epochs.aux_mapping}
    stages, source = night.stages()
    staged = stages if (stages >= 0).any() else None
    rows, slow = [], []
    for slot in WAVE_SLOTS:
        label = slots.get(slot)
        sig = night.recording.signals.get(label) if label else None
        if sig is None:
            continue
        if sig.sfreq < MIN_RATE_HZ:
            slow.append(f"{label} ({sig.sfreq:g} Hz)")
            continue
        found = channel_noise(sig, staged, float(night.epochs.starts[0]))
        rows.append(ChannelNoiseRow(found, slot, _flagged_share(night, slot)))
    if not rows:
        return Message("no_signal", "EEG, EOG, EMG or ECG waveform")
    rows.sort(key=lambda r: (-r.noise.artefact_share, -(r.noise.hum_db or 0.0)))
    return NoiseReport(rows, source if staged is not None else "none", slow,
                       lead="hum" if plan.query.note == "hum" else "least" if plan.query.rank == "lowest" else "most")


def _flagged_share(night: LoadedNight, slot: str) -> float | None:
    """Share of epochs the loader flagged flat, clipped or missing on ``slot``; None for an
    auxiliary slot, which it does not check."""
    if slot not in CANONICAL_CHANNELS:
        return None
    return float(np.mean(night.epochs.quality[:, CANONICAL_CHANNELS.index(slot)]))
