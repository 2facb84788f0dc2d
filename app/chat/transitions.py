"""Execute step for "how many times did the patient go from REM to wake?": the changes of
stage between consecutive scored epochs of the sleep period, inside the question's scope."""

from __future__ import annotations

import numpy as np

from app.chat.plan import Plan, clock, reading_span, stages_guessed
from app.chat.query import transition_sides
from app.chat.results import Item, Message, StageTransitions
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def stage_transitions(plan: Plan, night: LoadedNight) -> StageTransitions | Message:
    """Every stage change from sleep onset to the final awakening, and the asked ones.

    Unscored epochs are skipped, so "N2, unscored, W" is one change from N2 to W. A change
    belongs to the scope when its new stage's epoch does. On a recording that runs hours
    beyond its night, only the main sleep period is read. A night without EEG is refused:
    its stages are the model's guess.
    """
    stages, source = night.stages()
    if stages_guessed(night, source):
        # a home test's stages are the model's guess; their changes would count its flicker
        return Message("guessed_stages", "stage transitions")
    lo, hi, _ = reading_span(night)
    sleep = lo + np.flatnonzero(stages[lo:hi] >= STAGES.index("N1"))
    if not len(sleep):
        return Message("no_sleep", "stage transitions")
    origin, target = transition_sides(plan.query.target or ">")
    scored = [i for i in range(sleep[0], sleep[-1] + 1) if stages[i] >= 0]
    counts: dict[tuple[str, str], int] = {}
    items: list[Item] = []
    starts = night.epochs.starts
    for before, i in zip(scored, scored[1:]):
        a, b = STAGES[stages[before]], STAGES[stages[i]]
        if a == b or not plan.where.mask[i]:
            continue
        counts[a, b] = counts.get((a, b), 0) + 1
        if (not origin or a in origin) and (not target or b in target):
            items.append(Item(float(starts[i]), float(starts[i]) + EPOCH_SEC, f"{a} → {b}",
                              "measured", b))
    asleep = (stages >= STAGES.index("N1")) & plan.where.mask
    asleep[:sleep[0]] = asleep[sleep[-1] + 1:] = False
    first, last = float(starts[sleep[0]]), float(starts[sleep[-1]]) + EPOCH_SEC
    period = f"{clock(night, first)[:5]}-{clock(night, last)[:5]}"
    return StageTransitions(origin, target, counts, items, float(asleep.sum()) * EPOCH_SEC / 3600,
                            source, plan.where.text, period)
