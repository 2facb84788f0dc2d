"""A stage's periods in the hypnogram: runs of its epochs, REM runs close together joined.

Stage timing lists them ("how many REM periods?") and a question can be scoped to one
("heart rate in the first REM period"), so both read them here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, STAGES

REM_MERGE_SEC = 15 * 60.0
"""REM runs less than this apart are one REM period (the usual scoring convention)."""


def stage_periods(stages: np.ndarray, codes: Sequence[int], mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) epoch of each run of ``codes`` inside ``mask``, in time order; when the
    codes are REM alone, runs less than :data:`REM_MERGE_SEC` apart are joined."""
    idx = np.flatnonzero(np.isin(stages, codes) & mask)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    runs = [(int(a[0]), int(a[-1])) for a in np.split(idx, breaks + 1)]
    if list(codes) != [STAGES.index("REM")]:
        return runs
    merged = [runs[0]]
    for a, b in runs[1:]:
        if (a - merged[-1][1] - 1) * EPOCH_SEC < REM_MERGE_SEC:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged
