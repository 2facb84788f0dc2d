"""Execute step for "what woke the patient?": each awakening of the night tied to the
breathing event or leg movement around its start, or to none; and which arousals led into
one ("how many arousals were followed by an awakening?")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.chat.events import NO_CAUSE, counted_causes, events_for, unscored_reason
from app.chat.periods import awakening_runs
from app.chat.plan import Plan, Where
from app.chat.results import AwakeningCauses, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.association import (AssociationConfig, arousals_into_awakenings,
                                              awakening_causes)


def what_woke(plan: Plan, night: LoadedNight) -> AwakeningCauses | Message:
    """The awakenings in scope (wake runs between sleep onset and the final awakening),
    each with its cause, counted."""
    stages, source = night.stages()
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
