"""Execute step for "what events were scored?", "list every event type you found": the
night's scoring counted by event type, the commonest first, each with its rate, and one event
of each type to show; with the types that could not be scored and why."""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.chat.events import MICRO_EVENTS
from app.chat.periods import SLEEP_CODES, stage_name
from app.chat.phenomena import PHENOMENA, in_text
from app.chat.plan import Plan, stages_guessed
from app.chat.results import EventInventory, InventoryRow, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, Event


def event_inventory(plan: Plan, night: LoadedNight) -> EventInventory | Message:
    """Every event type of the night's scoring (and the machine's spindles, K-complexes, slow
    waves and eye movements where a human scoring marks none of them), counted."""
    events, source = night.scored_events()
    events = list(events)
    machine_extra, added = "", []
    if source == "scored" and night.machine is not None:
        marked = {e.type for e in events}
        extra = [e for e in night.machine.events if e.type in MICRO_EVENTS and e.type not in marked]
        if extra:
            events += extra
            machine_extra = night.machine.events_label()
            added = sorted({type_title(e.type) for e in extra})
    if not events:
        return Message("empty_scope", "scored events")
    stages, _ = night.stages()
    per_recorded = stages_guessed(night, source)
    asleep = np.isin(stages, SLEEP_CODES)
    hours = (night.recording.duration if per_recorded else float(asleep.sum()) * EPOCH_SEC) / 3600
    counts = Counter(e.type for e in events)
    rows = [_row(kind, n, events, night, stages, hours, per_recorded) for kind, n in counts.most_common()]
    skipped = list(night.machine.skipped) if night.machine is not None and source != "scored" else []
    return EventInventory(rows, source, machine_extra, added, per_recorded, skipped, lead=plan.query.target or "")


def _row(kind: str, n: int, events: list[Event], night: LoadedNight, stages: np.ndarray,
         hours: float, per_recorded: bool) -> InventoryRow:
    """One type's count, its rate per hour of sleep (per hour recorded without EEG) and its
    first event as an item; ``stages``: the night's stage code per epoch."""
    of_kind = sorted((e for e in events if e.type == kind), key=lambda e: e.onset)
    counted = len(of_kind) if per_recorded else sum(
        int(stages[night.epoch_at(e.onset)]) in SLEEP_CODES for e in of_kind)
    first = of_kind[0]
    stage = stage_name(int(stages[night.epoch_at(first.onset)]))
    item = Item(first.onset, first.onset + first.duration, kind.replace("_", " "), first.source or "", stage)
    return InventoryRow(type_title(kind), n, counted / hours if hours > 0 else None, item)


def type_title(kind: str) -> str:
    """An event type in words, as its phenomenon names it ("K-complex", "sleep spindle")."""
    return in_text(next((p.title for p in PHENOMENA if p.event_types == (kind,)), kind.replace("_", " ")))
