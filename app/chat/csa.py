"""Execute step for "does this meet criteria for central sleep apnea?": the night's central
apneas read against the ICSD-3's polysomnographic criteria for central sleep apnea (5 or more
central events per hour of sleep, and more than half of all apneas and hypopneas central), with
the AASM's Cheyne-Stokes rule beside it (the type of central apnea it would be)."""

from __future__ import annotations

from app.chat.events import events_for, unscored_reason
from app.chat.plan import Plan
from app.chat.results import CsaCriteria, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.cheyne_stokes import BREATHING_TYPES, CheyneStokesConfig, central_runs


def csa_criteria(plan: Plan, night: LoadedNight) -> CsaCriteria | Message:
    """Central apneas per hour of sleep and their share of all apneas and hypopneas starting in
    sleep, over the whole night (the criteria are a night's)."""
    if why := unscored_reason(night, BREATHING_TYPES):
        return Message("not_scored", "breathing", {"why": why})
    events, source = events_for(night, BREATHING_TYPES)
    stages, stage_source = night.stages()
    asleep = stages >= STAGES.index("N1")
    sleep_h = float(asleep.sum()) * EPOCH_SEC / 3600
    if not sleep_h:
        return Message("no_sleep")
    in_sleep = [e for e in events if e.type in BREATHING_TYPES and asleep[night.epoch_at(e.onset)]]
    central = sum(e.type == "central_apnea" for e in in_sleep)
    rule = CheyneStokesConfig()
    in_runs = sum(len(r) for r in central_runs(events, rule) if asleep[night.epoch_at(r[0].onset)])
    cheyne_stokes = in_runs / sleep_h >= rule.min_rate and sleep_h >= rule.min_hours and in_runs > 0
    # hypopneas are not typed here, so a central one counts as no central event
    return CsaCriteria(central, len(in_sleep), sleep_h, bool(cheyne_stokes), source, stage_source,
                       any(e.type == "hypopnea" for e in in_sleep))
