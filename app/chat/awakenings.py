"""Execute step for "what woke the patient?": each awakening of the night tied to the
breathing event or leg movement around its start, or to none."""

from __future__ import annotations

from app.chat.events import NO_CAUSE, counted_causes, events_for
from app.chat.periods import awakening_runs
from app.chat.plan import Plan
from app.chat.results import AwakeningCauses, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.association import AssociationConfig, awakening_causes


def what_woke(plan: Plan, night: LoadedNight) -> AwakeningCauses | Message:
    """The awakenings in scope (wake runs between sleep onset and the final awakening),
    each with its cause, counted."""
    stages, source = night.stages()
    found = awakening_runs(stages, plan.where.mask)
    if not found:
        return Message("empty_scope", f"awakenings{' ' + plan.where.text if plan.where.text else ''}")
    starts = night.epochs.starts
    onsets = [float(starts[a]) for a, _ in found]
    events, event_source = events_for(night, ("hypopnea", "limb_movement"))
    causes = awakening_causes(onsets, events, EPOCH_SEC)
    counted, gaps = counted_causes(night, causes)
    if gaps:
        causes = [NO_CAUSE if c == "spontaneous" else c for c in causes]
    items = [Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, cause, source, "W")
             for (a, b), cause in zip(found, causes)]
    return AwakeningCauses(items, counted, source, event_source, gaps, plan.where.text,
                           AssociationConfig().awakening_lead_sec)
