"""Execute step for "what's the hypoxic burden?": the area of the SpO2 dips tied to apneas
and hypopneas per hour of sleep (``sleeplm_core.scoring.hypoxic_burden``)."""

from __future__ import annotations

from app.chat.aspects import Aspect
from app.chat.events import unscored_reason
from app.chat.plan import Plan
from app.chat.results import BurdenResult
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.scoring.hypoxic_burden import hypoxic_burden


def burden(plan: Plan, night: LoadedNight) -> BurdenResult:
    """The night's hypoxic burden, or why it cannot be read."""
    signal, channel, why = spo2_channel(night)
    breath = sleep_breathing(night)
    why = why or unscored_reason(night, ("hypopnea",))
    if signal is None or why:
        return BurdenResult(None, breath.source, channel, why)
    # The paper counts the events of sleep, as the AHI does; a home test has no staged sleep.
    found = hypoxic_burden(signal.data, signal.sfreq, breath.breathing, breath.hours)
    why = "" if found is not None else (
        "no apnea or hypopnea was scored" if not breath.breathing else
        "the SpO2 averaged over the events shows no dip after them")
    return BurdenResult(found, breath.source, channel, why, breath.recorded,
                        norm_asked=Aspect.NORM in plan.query.aspects)
