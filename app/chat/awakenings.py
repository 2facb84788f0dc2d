"""Execute step for "what woke the patient?": each awakening of the night tied to the
breathing event or leg movement around its start, or to none."""

from __future__ import annotations

from collections import Counter

from app.chat.events import events_for, unscored_reason
from app.chat.periods import awakening_runs
from app.chat.plan import Plan
from app.chat.results import AwakeningCauses, Item, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.association import CAUSES, AssociationConfig, awakening_causes

NO_CAUSE = "no scored cause"
"""What an awakening without a tie is called when a cause could not be looked for."""


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
    gaps = "; ".join(r for r in (unscored_reason(night, ("hypopnea",)),
                                 unscored_reason(night, ("limb_movement",))) if r)
    if gaps:
        causes = [NO_CAUSE if c == "spontaneous" else c for c in causes]
    items = [Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, cause, source, "W")
             for (a, b), cause in zip(found, causes)]
    counted = Counter(causes)
    return AwakeningCauses(items, {c: counted[c] for c in (*CAUSES, NO_CAUSE) if counted[c]},
                           source, event_source, gaps, plan.where.text,
                           AssociationConfig().awakening_lead_sec)
