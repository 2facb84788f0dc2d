"""Execute step for the time a signal spent past a line, split by a grouping: "T90 by
stage", "which hour had the most time below 90 %?", "time below 88 % supine vs non-supine".

Only sleep counts, as T90 is a share of sleep: each group's measured sleep (samples whose
epoch is scored N1-REM) and the part of it inside the runs past the line.
"""

from __future__ import annotations

import numpy as np

from app.chat.breakdown import night_groups, sums_others
from app.chat.periods import SLEEP_CODES
from app.chat.results import Message, SplitTime
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC


def split_time(night: LoadedNight, times: np.ndarray, values: np.ndarray, step: float,
               inside: np.ndarray, runs: list[tuple[int, int]], by: str) -> list[SplitTime] | Message:
    """Each group's minutes of measured sleep and, of those, minutes inside ``runs``.

    Args:
        times: sample times, seconds from the recording start.
        values: the samples (NaN where unmeasured).
        step: seconds per sample.
        inside: bool per sample, the question's scope.
        runs: (first, last) sample index of each run past the line.
        by: the grouping, as :func:`app.chat.breakdown.night_groups` reads it.
    """
    groups = night_groups(night, by)
    if isinstance(groups, Message):
        return groups
    epochs = np.clip(np.searchsorted(night.epochs.starts, times, side="right") - 1, 0,
                     night.n_epochs - 1)
    stages = night.stages()[0]
    measured = inside & np.isfinite(values) & np.isin(stages[epochs], SLEEP_CODES)
    past = np.zeros(len(times), dtype=bool)
    for a, b in runs:
        past[a:b + 1] = True
    starts = night.epochs.starts
    rows = []
    for name, mask in groups.items():
        in_group = measured & mask[epochs]
        if not in_group.any():
            continue
        held = np.flatnonzero(mask)
        rows.append(SplitTime(name, float(in_group.sum()) * step / 60,
                              float((in_group & past).sum()) * step / 60,
                              (float(starts[held[0]]), float(starts[held[-1]]) + EPOCH_SEC)))
    return rows


def leading(rows: list[SplitTime]) -> tuple[SplitTime, SplitTime] | None:
    """(the group with the most minutes past the line, the one with the highest share of its
    sleep), rows that add up others ("NREM", "non-supine") left out; None with no time past."""
    own = [r for r in rows if not sums_others(r.group)]
    if not own or not any(r.past_min for r in own):
        return None
    return max(own, key=lambda r: r.past_min), max(own, key=lambda r: r.share_pct)
