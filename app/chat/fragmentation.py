"""Execute steps for "how fragmented was REM?": how a stage's periods break into bouts, what
interrupts them, and how often the stage is left or aroused from; and for "which stage was
least stable?": every sleep stage's bouts side by side."""

from __future__ import annotations

from dataclasses import replace

from collections import Counter

import numpy as np

from app.chat.events import events_for, unscored_reason
from app.chat.periods import stage_periods
from app.chat.plan import Plan, resolve_scope
from app.chat.query import Scope
from app.chat.results import Fragmentation, Item, Message, StageStability, StabilityRow
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.intervals import runs

SHORT_BOUT_SEC = 120.0
"""A bout shorter than this (under four epochs) counts as a short one."""


def stage_fragmentation(plan: Plan, night: LoadedNight) -> Fragmentation | Message:
    """The bouts (unbroken runs) of the one stage asked, inside the question's time span; on a
    machine staging nobody checked, the model's bouts beside them (seed 11829: YASA read REM
    as 25 bouts, 17 under 2 min; the truth and the model, 10 bouts, 2 under 2 min)."""
    found = _fragmentation(plan, night)
    if isinstance(found, Fragmentation) and (model := night.model_check()) is not None:
        other = _fragmentation(plan, model)
        found = replace(found, other=other if isinstance(other, Fragmentation) else None)
    return found


def _fragmentation(plan: Plan, night: LoadedNight) -> Fragmentation | Message:
    stage = plan.query.scope.stages[0]
    code = STAGES.index(stage)
    stages, source = night.stages()
    # The stage names what is read, not the scope: the stages between its bouts count.
    span = resolve_scope(Scope(time=plan.query.scope.time), night, plan.current)
    bouts = [(a, b - 1) for a, b in runs((stages == code) & span.mask)]
    if not bouts:
        return Message("empty_scope", " ".join(w for w in (stage, span.text) if w))
    periods = stage_periods(stages, [code], span.mask)
    breaks: Counter[str] = Counter()
    for a, b in periods:
        inside = stages[a:b + 1]
        for first, _ in runs(inside != code):
            breaks[_name(inside[first])] += 1
    # What each bout gives way to (the recording's end and the span's edge are no exit).
    exits = Counter(_name(stages[b + 1]) for _, b in bouts if b + 1 < len(stages) and span.mask[b + 1])
    lengths = np.array([(b - a + 1) * EPOCH_SEC for a, b in bouts])
    arousals, arousal_source = _arousals_in(night, (stages == code) & span.mask)
    starts = night.epochs.starts
    return Fragmentation(
        stage, source, span.text,
        [Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, stage, source, stage)
         for a, b in periods], lengths.tolist(), int(np.sum(lengths < SHORT_BOUT_SEC)),
        dict(breaks), dict(exits),
        None if arousals is None else arousals / (lengths.sum() / 3600), arousal_source)


def stage_stability(plan: Plan, night: LoadedNight) -> StageStability | Message:
    """Each sleep stage's bouts inside the question's time span: how many, how long on
    average, and the share under two minutes."""
    stages, source = night.stages()
    span = resolve_scope(Scope(time=plan.query.scope.time), night, plan.current)
    rows = []
    for stage in STAGES[1:]:
        lengths = np.array([(b - a) * EPOCH_SEC for a, b in runs((stages == STAGES.index(stage)) & span.mask)])
        if len(lengths):
            rows.append(StabilityRow(stage, len(lengths), float(lengths.mean()) / 60,
                                     float(np.mean(lengths < SHORT_BOUT_SEC))))
    if not rows:
        return Message("empty_scope", span.text or "sleep")
    return StageStability(rows, source, span.text, most=plan.query.rank == "highest")


def _name(code: int) -> str:
    return STAGES[code] if code >= 0 else "unscored"


def _arousals_in(night: LoadedNight, inside: np.ndarray) -> tuple[int | None, str]:
    """Arousals starting in the epochs of ``inside``, with their source; None unscored."""
    events, source = events_for(night, ("arousal",))
    if unscored_reason(night, ("arousal",)):
        return None, source
    n = sum(1 for e in events if e.type == "arousal" and inside[night.epoch_at(e.onset)])
    return n, source
