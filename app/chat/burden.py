"""Execute step for "what's the hypoxic burden?": the area of the SpO2 dips tied to apneas
and hypopneas per hour of sleep (``sleeplm_core.scoring.hypoxic_burden``)."""

from __future__ import annotations

from app.chat.events import events_for, unscored_reason
from app.chat.plan import Plan, stages_guessed
from app.chat.results import BurdenResult
from app.night import LoadedNight
from sleeplm_core.features.heart import SPO2_RANGE, uncalibrated
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.scoring.hypoxic_burden import hypoxic_burden

def burden(plan: Plan, night: LoadedNight) -> BurdenResult:
    """The night's hypoxic burden, or why it cannot be read."""
    events, source = events_for(night, APNEA_TYPES)
    channel = night.epochs.aux_mapping.get("SPO2", "")
    signal = night.recording.signals.get(channel) if channel else None
    if signal is None:
        return BurdenResult(None, source, "", "the recording has no SpO2 channel")
    if (why := uncalibrated(signal, SPO2_RANGE, "SpO2")):
        return BurdenResult(None, source, channel, why)
    if (why := unscored_reason(night, ("hypopnea",))):
        return BurdenResult(None, source, channel, why)
    s = night.summary()
    recorded = stages_guessed(night, s.source)
    hours = (s.tib_min if recorded else s.tst_min) / 60
    # The paper counts the events of sleep, as the AHI does; a home test has no staged sleep.
    stages = night.stages()[0]
    breathing = [e for e in events if e.type in APNEA_TYPES
                 and (recorded or stages[night.epoch_at(e.onset)] > 0)]
    found = hypoxic_burden(signal.data, signal.sfreq, breathing, hours)
    why = "" if found is not None else (
        "no apnea or hypopnea was scored" if not breathing else
        "the SpO2 averaged over the events shows no dip after them")
    return BurdenResult(found, source, channel, why, recorded)
