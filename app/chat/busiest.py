"""Execute step for "which epoch had the most arousals?" and "the worst 10 minutes": the 30-s
epochs, or the stretches of a given length, in scope holding the most events of a kind,
counted by where each event starts."""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.chat.dispersion import dispersion
from app.chat.events import events_for, unscored_reason
from app.chat.periods import stage_name
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan, stages_guessed
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
    if plan.query.window:
        return _busiest_windows(plan, night, phen.title.lower(), sorted(onsets), source)
    counts = Counter(night.epoch_at(t) for t in onsets)
    stages = night.stages()[0]
    starts = night.epochs.starts
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    epochs = [Item(float(starts[e]), float(starts[e]) + EPOCH_SEC, f"epoch {e}", "measured",
                   stage_name(stages[e]), value=float(n), unit="events")
              for e, n in top]
    return BusiestEpochs(phen.title.lower(), epochs, len(onsets), len(counts), source,
                         plan.where.text, int(plan.where.mask.sum()), plan.query.note == "share")


def _busiest_windows(plan: Plan, night: LoadedNight, name: str, onsets: list[float],
                     source: str) -> BusiestEpochs:
    """The non-overlapping stretches of ``plan.query.window`` seconds, starting on epoch
    boundaries inside the scope, that hold the most event onsets, most first (ties: earliest)."""
    width = float(plan.query.window)
    starts = night.epochs.starts[plan.where.mask]
    times = np.asarray(onsets)
    counts = (np.searchsorted(times, starts + width, side="left")
              - np.searchsorted(times, starts, side="left")) if len(starts) else np.zeros(0, int)
    stages = night.stages()[0]
    chosen: list[Item] = []
    for i in sorted(range(len(starts)), key=lambda i: (-counts[i], starts[i])):
        if len(chosen) == TOP or counts[i] == 0:
            break
        begin = float(starts[i])
        if all(begin + width <= c.start or begin >= c.end for c in chosen):
            inside = stages[night.epoch_at(begin):night.epoch_at(begin) + int(width // EPOCH_SEC)]
            main = Counter(STAGES[c] for c in inside if c >= 0).most_common(1)
            chosen.append(Item(begin, begin + width, f"{width / 60:g}-min stretch", "measured",
                               main[0][0] if main else "?", value=float(counts[i]), unit="events"))
    clustered = plan.query.note == "clustered"
    spread = dispersion(night, onsets, *_sleep_in_scope(plan, night)) if clustered else None
    return BusiestEpochs(name, chosen, len(onsets), 0, source, plan.where.text,
                         int(plan.where.mask.sum()), window=width, dispersion=spread,
                         clustered=clustered)


def _sleep_in_scope(plan: Plan, night: LoadedNight) -> tuple[np.ndarray, str]:
    """The scope's sleep epochs, and "sleep"; its every epoch and "recording" on a home test,
    whose stages are a guess."""
    stages, stage_source = night.stages()
    if stages_guessed(night, stage_source):
        return plan.where.mask, "recording"
    return plan.where.mask & (stages > 0), "sleep"
