"""Whether a per-epoch measure follows an event index over the night ("does the snoring
track the AHI?", "is the heart rate higher in the hours with more apneas?").

Both are read per clock hour, as the hour-by-hour splits read them: the index's events that
start in each hour's sleep per hour of that sleep, and the measure's mean over the same sleep
epochs. Spearman's ρ over the hours with enough sleep says whether they rise and fall
together; a night has few hours, so the answer gives the table beside it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from app.chat.breakdown import counted_index, group_rows, night_groups
from app.chat.events import unscored_reason
from app.chat.measures import column_name, measure_columns, missing_measure
from app.chat.plan import Plan
from app.chat.results import IndexTrack, IndexTrackRow, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES

MIN_SLEEP_MIN = 15.0
"""Fewest minutes of sleep an hour needs to count towards ρ (a rate over 5 minutes of sleep
is one event's noise)."""
MIN_HOURS = 4
"""Fewest such hours for a ρ to be given."""


def index_track(plan: Plan, night: LoadedNight) -> IndexTrack | Message:
    """The question's measure and index hour by hour, with Spearman's ρ over the hours that
    hold at least :data:`MIN_SLEEP_MIN` minutes of sleep."""
    index = counted_index(plan)
    if index is None:
        return Message("no_measure", plan.query.measure or "")
    name, types = index
    if why := unscored_reason(night, types):
        return Message("not_scored", name, {"why": why})
    frame = night.feature_frame()
    cols = measure_columns(plan.query.measure or "", frame)
    if not cols:
        return missing_measure(plan.query.measure or "")
    groups = night_groups(night, "hour")
    assert not isinstance(groups, Message)   # clock hours need no channel
    stages, source = night.stages()
    asleep = stages >= STAGES.index("N1")
    groups = {g: mask & plan.where.mask for g, mask in groups.items() if (mask & plan.where.mask).any()}
    counted, events_source = group_rows(night, groups, types, asleep)
    values = pd.to_numeric(frame[cols[0]], errors="coerce").to_numpy(float)
    rows = []
    for row, mask in zip(counted, groups.values()):
        read = values[mask & asleep]
        read = read[np.isfinite(read)]
        rows.append(IndexTrackRow(row.group, row.sleep_min, row.events or 0,
                                  float(read.mean()) if read.size else None))
    kept = [r for r in rows if r.sleep_min >= MIN_SLEEP_MIN and r.measure is not None]
    rho = p = None
    if len(kept) >= MIN_HOURS:
        x, y = [r.measure for r in kept], [r.per_hour for r in kept]
        if np.ptp(x) > 0 and np.ptp(y) > 0:
            rho, p = (float(v) for v in spearmanr(x, y))
    unit = re.search(r"\[([^\]]+)\]\s*$", cols[0])
    return IndexTrack(column_name(cols[0]), unit.group(1) if unit else "", name, rows, len(kept), rho, p, source, events_source)
