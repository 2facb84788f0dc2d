"""Spans of the night by what they hold: two side by side ("how does the first sleep cycle
compare to the last?", "compare the first half with the second half"), or one alone ("how
long was the second REM period?"): their length, stage minutes and the scored events
starting in them, which is how a scorer compares parts of a night."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from app.chat.events import events_for, unscored_reason
from app.chat.plan import Plan, Where
from app.chat.query import SPAN_FAMILIES, SPAN_OXYGEN
from app.chat.results import SpanArchitecture, SpanColumn
from app.chat.sleep_breathing import oxygen_over
from app.night import LoadedNight
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

EVENT_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(zip(
    SPAN_FAMILIES, (APNEA_TYPES, ("desaturation",), ("arousal",))))
"""Event families a span comparison counts, where the night has them scored."""


def span_architecture(plan: Plan, night: LoadedNight) -> SpanArchitecture:
    """Stage minutes (min) and event counts of each of the plan's two groups, with the row a
    "which had more N3?" asks about."""
    q = plan.query
    rows = {*STAGES, *(name for name, _ in EVENT_FAMILIES), "length", SPAN_OXYGEN}
    return replace(spans_held(night, plan.groups), asked=q.target if q.target in rows else "",
                   fewer=q.asks_fewer or q.rank == "shortest")


def span_length(plan: Plan, night: LoadedNight) -> SpanArchitecture:
    """The question's span alone: its length, stage minutes (min) and event counts."""
    return spans_held(night, [plan.where])


def spans_held(night: LoadedNight, wheres: list[Where]) -> SpanArchitecture:
    """Stage minutes (min) and event counts of each span."""
    stages, source = night.stages()
    counted = [(name, types) for name, types in EVENT_FAMILIES if not unscored_reason(night, types)]
    events_source = night.scored_events()[1] if counted else ""
    starts = night.epochs.starts
    columns = []
    for where in wheres:
        # The span as a whole: a REM period's own gaps of wake or N2 belong to it.
        lo, hi = where.span
        inside = (starts >= lo - 1e-6) & (starts < hi)
        minutes = {s: float(np.sum(inside & (stages == k))) * EPOCH_SEC / 60
                   for k, s in enumerate(STAGES)}
        events = {}
        for name, types in counted:
            found, _ = events_for(night, types)
            events[name] = sum(1 for e in found if e.type in types and lo <= e.onset < hi)
        label = re.sub(r"^in\s+", "", where.text) or "the whole night"
        columns.append(SpanColumn(label, where.span, minutes, events, oxygen_over(night, lo, hi)))
    return SpanArchitecture(tuple(columns), source, events_source)

