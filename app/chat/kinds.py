"""Execute step for "compare obstructive and central apneas": two kinds of events side by
side, counted, timed and placed in the night's stages."""

from __future__ import annotations

from app.chat.events import events_for, unscored_reason
from app.chat.periods import sleep_minutes, stage_name
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import EventKind, EventKinds, Message
from app.night import LoadedNight


def compare_kinds(plan: Plan, night: LoadedNight) -> EventKinds | Message:
    """The events of the query's phenomenon and of its contrast, each inside the scope."""
    q = plan.query
    pair = [phenomenon(q.phenomenon), phenomenon(q.contrast)]
    if any(p is None or not p.event_types for p in pair):
        return Message("no_target")
    for p in pair:
        if (why := unscored_reason(night, p.event_types)):
            return Message("not_scored", p.title, {"why": why, "cannot": "compare them"})
    stages, _ = night.stages()
    kinds = []
    for p in pair:
        events, source = events_for(night, p.event_types)
        found = [e for e in events if e.type in p.event_types and plan.where.contains(night, e.onset)]
        kinds.append(EventKind(p.title.lower(), [e.duration for e in found],
                               [stage_name(stages[night.epoch_at(e.onset)]) for e in found],
                               source))
    return EventKinds(kinds[0], kinds[1], sleep_minutes(stages, plan.where.mask) / 60,
                      plan.where.text, {"longest": "longer", "shortest": "shorter"}.get(q.rank or "", ""))
