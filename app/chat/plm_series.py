"""Execute step for "show me the longest series of periodic leg movements", "how many PLM
series were there?": the AASM's periodic series (4 or more leg movements whose onsets are
5-90 s apart, ``sleeplm_core.scoring.limbs.periodic_series``), found over the whole night's
leg movements (a scope must not cut a series) and kept where they start inside the scope."""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.chat.events import events_for, unscored_reason
from app.chat.periods import stage_name
from app.chat.plan import Plan
from app.chat.results import Item, Message, PlmSeries
from app.night import LoadedNight
from sleeplm_core.scoring.limbs import periodic_series

_TYPES = ("limb_movement",)


def plm_series(plan: Plan, night: LoadedNight) -> PlmSeries | Message:
    """The periodic series that start in the scope, longest first when a rank asks for it,
    else in time order; each item's ``value`` is its number of leg movements."""
    events, source = events_for(night, _TYPES)
    moves = sorted((e for e in events if e.type in _TYPES), key=lambda e: e.onset)
    if not moves and (why := unscored_reason(night, _TYPES)):
        return Message("not_scored", "leg movement", {"why": why, "cannot": "find their series"})
    onsets = np.array([e.onset for e in moves])
    stages = night.stages()[0]
    items, intervals = [], []
    for members in periodic_series(onsets) if len(moves) else []:
        first, last = moves[members[0]], moves[members[-1]]
        if not (plan.where.contains(night, first.onset) or plan.where.overlap
                 and first.onset <= plan.where.span[0] <= last.offset):
            # a series named by a minute it runs through ("the 01:45 series") counts too
            continue
        held = Counter(stage_name(int(stages[night.epoch_at(onsets[i])])) for i in members)
        items.append(Item(first.onset, last.offset, "periodic series", source,
                          held.most_common(1)[0][0], value=float(len(members)),
                          unit="leg movements"))
        intervals.append(float(np.diff(onsets[members]).mean()))
    order = "time"
    if plan.query.rank in ("longest", "strongest", "highest"):
        ranked = sorted(range(len(items)), key=lambda i: (-items[i].duration, items[i].start))
        items, intervals, order = [items[i] for i in ranked], [intervals[i] for i in ranked], "longest"
    return PlmSeries(items, intervals, len(moves), source, plan.where.text, order)
