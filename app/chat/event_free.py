"""Execute step for "what was the longest stretch without an apnea?": the gaps between one
kind's events inside the main sleep episode (sleep onset to the final awakening), longest
first, with how much of each was asleep, which is how a scorer reads an event-free stretch."""

from __future__ import annotations

from app.chat.events import events_for, unscored_reason
from app.chat.periods import sleep_minutes, stage_name
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan, main_sleep_episode
from app.chat.results import EventFree, Item, Message
from app.night import LoadedNight

TOP = 5
"""Stretches listed."""


def event_free(plan: Plan, night: LoadedNight) -> EventFree | Message:
    """The longest stretches of the main sleep episode (inside the question's scope) holding
    no event of the asked phenomenon, longest first."""
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_target")
    events, source = events_for(night, phen.event_types)
    events = [e for e in events if e.type in phen.event_types]
    if source == "none":
        return Message("not_scored", phen.title, {"why": "the night carries no scoring and was not machine-scored",
                                                  "cannot": "find the stretches between them"})
    if not events and (why := unscored_reason(night, phen.event_types)):
        return Message("not_scored", phen.title, {"why": why, "cannot": "find the stretches between them"})
    episode = main_sleep_episode(night)
    lo, hi = max(episode.start, plan.where.span[0]), min(episode.end, plan.where.span[1])
    if hi <= lo:
        return Message("no_sleep_span")
    spans = sorted((e.onset, e.onset + e.duration) for e in events if e.onset < hi and e.onset + e.duration > lo)
    gaps, edge = [], lo
    for start, end in spans:
        if start > edge:
            gaps.append((edge, start))
        edge = max(edge, end)
    if hi > edge:
        gaps.append((edge, hi))
    stages, starts = night.stages()[0], night.epochs.starts
    items = [Item(a, b, f"no {phen.title.lower()}", "measured", stage_name(stages[night.epoch_at(a)]),
                  value=sleep_minutes(stages, (starts >= a) & (starts < b)), unit="min asleep")
             for a, b in sorted(gaps, key=lambda g: g[0] - g[1])[:TOP]]
    return EventFree(phen.title.lower(), items, len(spans), source, (lo, hi), plan.where.text)
