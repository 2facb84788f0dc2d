"""Execute step for "which events are borderline?" and the events part of "what should I double
check before I sign this off?": the apneas, hypopneas and desaturations that lie near the cut of
the rule that scored them (:mod:`sleeplm_core.scoring.margins`), and what the AHI would be
without those whose other side of the cut is no event at all."""

from __future__ import annotations

from app.chat.events import unscored_reason
from app.chat.phenomena import phenomenon, plural, word_list
from app.chat.plan import Plan
from app.chat.results import Message, RuleMargins
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.scoring.margins import APNEAS, Breath, rule_margins
from sleeplm_core.scoring.night import rip_sum

_ROLES = ("AF", "THX", "ABD")
JUDGED = (*APNEAS, "hypopnea", "desaturation")
"""The event types whose rule margins are read."""
_TITLES = {"obstructive_apnea": "apnea", "central_apnea": "apnea", "mixed_apnea": "apnea",
           "hypopnea": "hypopnea", "desaturation": "desaturation"}


def breath_channels(night: LoadedNight) -> Breath:
    """The airflow (or, without one, the summed belts, as the machine scorer takes them) and the belts."""
    flow, *belts = (night.recording.signals.get(night.epochs.mapping.get(role, "")) for role in _ROLES)
    belts = tuple(b for b in belts if b is not None)
    if flow is None and belts:
        flow = rip_sum(list(belts))
    return Breath(flow, belts)


def borderline_events(plan: Plan, night: LoadedNight) -> RuleMargins | Message:
    """The night's breathing events and desaturations near their rule's cut, in time order (only
    the kind a question names: "which hypopneas barely met the criteria?"); refused when the
    breathing was not scored."""
    if why := unscored_reason(night, ("hypopnea",)):
        return Message("not_scored", "breathing", {"why": why, "cannot": "say which events are borderline"})
    breath = sleep_breathing(night)
    spo2, _, why = spo2_channel(night)
    phen = phenomenon(plan.query.phenomenon)
    asked = [t for t in JUDGED if phen is None or t in phen.event_types] or list(JUDGED)
    margins = [m for m in rule_margins(breath.events, breath_channels(night), None if why else spo2) if m.event.type in asked]
    counted = {id(e) for e in breath.breathing}
    dropped = {id(m.event) for m in margins if m.drops_event and id(m.event) in counted}
    kinds = list(dict.fromkeys(plural(_TITLES[t]) for t in asked))
    breathing = len(breath.breathing) if set(asked) - {"desaturation"} else 0  # desaturations move no AHI
    return RuleMargins(margins, sum(e.type in asked for e in breath.events), breath.source, breathing,
                       len(dropped), breath.hours, breath.recorded,
                       word_list(kinds))


def breathing_in_wake(night: LoadedNight) -> list:
    """Apneas and hypopneas starting in epochs the night's staging calls wake, which the AHI leaves
    out: a run of them often marks sleep staged as wake (none on a home test, whose index counts
    every event)."""
    breath = sleep_breathing(night)
    if breath.recorded:
        return []
    stages = night.stages()[0]
    return [e for e in breath.events if e.type in (*APNEAS, "hypopnea") and stages[night.epoch_at(e.onset)] == 0]
