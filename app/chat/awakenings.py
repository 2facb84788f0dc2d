"""Execute step for "what woke the patient?": each awakening of the night tied to the
breathing event or leg movement around its start, or to none; and which arousals led into
one ("how many arousals were followed by an awakening?")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.chat.events import NO_CAUSE, counted_causes, events_for, unscored_reason
from app.chat.periods import awakening_runs
from app.chat.plan import Plan, Where, clock
from app.chat.results import AwakeningCauses, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.association import (AssociationConfig, arousals_into_awakenings,
                                              awakening_causes)


NEAR_SEC = 90.0
"""How far (s) from a clock time an awakening may start to be the one "at" it: a time to the
minute covers that minute, and the hypnogram times a waking to its 30-s epoch."""


def what_woke(plan: Plan, night: LoadedNight) -> AwakeningCauses | Message:
    """The awakenings in scope (wake runs between sleep onset and the final awakening),
    each with its cause, counted; for a clock time ("what woke her at 04:53?") the one
    awakening starting nearest it."""
    stages, source = night.stages()
    if plan.query.note == "at":
        picked = _awakening_at(night, plan.where.span[0])
        if isinstance(picked, str):
            return Message("empty_scope", f"an awakening starting within {NEAR_SEC:.0f} s of "
                                          f"{plan.where.text.removeprefix('at ')}{picked}")
        plan = replace(plan, where=picked)
    found = awakening_runs(stages, plan.where.mask)
    if not found:
        return Message("empty_scope", f"awakenings{' ' + plan.where.text if plan.where.text else ''}")
    starts = night.epochs.starts
    onsets = awakening_onsets(night, plan.where.mask)
    events, event_source = events_for(night, ("hypopnea", "limb_movement"))
    causes = awakening_causes(onsets, events, EPOCH_SEC)
    counted, gaps = counted_causes(night, causes)
    if gaps:
        causes = [NO_CAUSE if c == "spontaneous" else c for c in causes]
    items = [Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, cause, source, "W")
             for (a, b), cause in zip(found, causes)]
    found = AwakeningCauses(items, counted, source, event_source, gaps, plan.where.text,
                            AssociationConfig().awakening_lead_sec,
                            arousals_asked=plan.query.note == "arousals")
    return _with_arousals(found, night, plan.where, onsets)


def _awakening_at(night: LoadedNight, at: float) -> Where | str:
    """The awakening of the whole night whose first epoch starts nearest ``at`` (s), within
    :data:`NEAR_SEC`, as a scope; else the nearest one in words ("" for none at all)."""
    stages, _ = night.stages()
    starts = night.epochs.starts
    runs = awakening_runs(stages, np.ones(night.n_epochs, dtype=bool))
    if not runs:
        return ""
    a, b = min(runs, key=lambda r: abs(float(starts[r[0]]) - at))
    if abs(float(starts[a]) - at) > NEAR_SEC:
        return f" (the nearest awakening starts at {clock(night, float(starts[a]))})"
    mask = np.zeros(night.n_epochs, dtype=bool)
    # with the sleep epochs either side, so that the run is still an awakening inside it
    mask[max(a - 1, 0):min(b + 2, night.n_epochs)] = True
    return Where(mask, (float(starts[max(a - 1, 0)]), float(starts[min(b + 1, night.n_epochs - 1)]) + EPOCH_SEC),
                 f"at {clock(night, float(starts[a]))}")


def awakening_onsets(night: LoadedNight, mask: np.ndarray) -> list[float]:
    """The start (s) of the first wake epoch of each awakening inside ``mask`` (wake runs
    between sleep onset and the final awakening)."""
    stages, _ = night.stages()
    return [float(night.epochs.starts[a]) for a, _ in awakening_runs(stages, mask)]


def _with_arousals(found: AwakeningCauses, night: LoadedNight, where: Where,
                   onsets: list[float]) -> AwakeningCauses:
    """The arousals in scope, and how many of them led into one of the awakenings."""
    events, source = events_for(night, ("arousal",))
    arousals = [e for e in events if e.type == "arousal" and where.contains(night, e.onset)]
    led = arousals_into_awakenings(onsets, arousals, EPOCH_SEC)
    return replace(found, arousals=len(arousals), arousals_led=int(np.sum(led)),
                   arousal_source=source, arousal_gap=unscored_reason(night, ("arousal",)))
