"""Execute step for "median time between central apneas", "how many apneas came within 2 min of
each other?": the intervals from one event's onset to the next one's, over the events of a
kind in the scope, which is how a scorer reads the periodicity of central apneas or leg
movements."""

from __future__ import annotations

import numpy as np

from app.chat.events import events_for, unscored_reason
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import EventGaps, Message
from app.night import LoadedNight

CLOSE_GAP_SEC = 120.0
"""Onset-to-onset interval (s) under which two events count as close ("within 2 min of each
other"), unless the question names its own."""


def event_gaps(plan: Plan, night: LoadedNight) -> EventGaps | Message:
    """The onset-to-onset intervals (s) between consecutive events of the asked kind that start
    in the scope; refused where fewer than two are scored."""
    q = plan.query
    phen = phenomenon(q.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_target")
    events, source = events_for(night, phen.event_types)
    onsets = np.sort([e.onset for e in events if e.type in phen.event_types
                      and plan.where.contains(night, e.onset, e.onset + e.duration)])
    if len(onsets) < 2 and (why := unscored_reason(night, phen.event_types)):
        return Message("not_scored", phen.title, {"why": why, "cannot": "time the gaps between them"})
    close = q.window or CLOSE_GAP_SEC
    return EventGaps(phen.title.lower(), np.diff(onsets).tolist(), close, source, plan.where.text, q.window is not None)
