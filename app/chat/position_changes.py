"""Execute step for "how many times did the patient change position?": the changes of
body position that the position channel reads, epoch by epoch, inside the question's scope."""

from __future__ import annotations


from app.chat.breakdown import no_positions, positions
from app.chat.periods import stage_name
from app.chat.plan import Plan
from app.chat.results import Item, Message, PositionChanges
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def position_changes(plan: Plan, night: LoadedNight) -> PositionChanges | Message:
    """Each epoch whose position differs from the last known one before it, in the scope.

    The channel is read per 30-s epoch (its most common code there), so turns closer than
    an epoch apart count once; epochs without a reading neither start nor end a position.
    """
    labels = positions(night)
    if labels is None:
        return no_positions(night)
    stages, source = night.stages()
    asleep = stages >= STAGES.index("N1")
    starts = night.epochs.starts
    changes: list[Item] = []
    in_sleep = 0
    last = None
    for i, label in enumerate(labels):
        if label == "unknown":
            continue
        if last is not None and label != last and plan.where.mask[i]:
            changes.append(Item(float(starts[i]), float(starts[i]) + EPOCH_SEC,
                                f"{last} → {label}", "measured",
                                stage_name(stages[i])))
            in_sleep += bool(asleep[i])
        last = label
    sleep_h = float((plan.where.mask & asleep).sum()) * EPOCH_SEC / 3600
    return PositionChanges(changes, in_sleep, sleep_h, source, plan.where.text)
