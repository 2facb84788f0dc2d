"""Execute step for "which epoch had the most arousals?": the 30-s epochs in scope holding
the most events of a kind, counted by where each event starts."""

from __future__ import annotations

from collections import Counter

from app.chat.events import events_for, unscored_reason
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import BusiestEpochs, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

TOP = 5
"""Epochs listed."""


def busiest_epochs(plan: Plan, night: LoadedNight) -> BusiestEpochs | Message:
    """The epochs with the most events of the asked phenomenon, most first (ties: earliest)."""
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_target")
    events, source = events_for(night, phen.event_types)
    onsets = [e.onset for e in events if e.type in phen.event_types
              and plan.where.contains(night, e.onset)]
    if not onsets and (why := unscored_reason(night, phen.event_types)):
        return Message("not_scored", phen.title, {"why": why, "cannot": "count them per epoch"})
    counts = Counter(night.epoch_at(t) for t in onsets)
    stages = night.stages()[0]
    starts = night.epochs.starts
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    epochs = [Item(float(starts[e]), float(starts[e]) + EPOCH_SEC, f"epoch {e}", "measured",
                   STAGES[stages[e]] if stages[e] >= 0 else "?", value=float(n), unit="events")
              for e, n in top]
    return BusiestEpochs(phen.title.lower(), epochs, len(onsets), len(counts), source,
                         plan.where.text, int(plan.where.mask.sum()), plan.query.note == "share")
