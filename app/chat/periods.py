"""A stage's periods in the hypnogram: runs of its epochs, REM runs close together joined.

Stage timing lists them ("how many REM periods?") and a question can be scoped to one
("heart rate in the first REM period"), so both read them here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.intervals import close_gaps, runs

REM_MERGE_SEC = 15 * 60.0
"""REM runs less than this apart are one REM period (the usual scoring convention)."""
SLEEP_CODES: tuple[int, ...] = tuple(STAGES.index(s) for s in ("N1", "N2", "N3", "REM"))
"""Stage codes of sleep."""


def stage_name(code: int) -> str:
    """A stage code's name, "?" for an unscored epoch (-1)."""
    return STAGES[code] if code >= 0 else "?"


def sleep_minutes(stages: np.ndarray, mask: np.ndarray) -> float:
    """Minutes of sleep epochs (N1-REM) where ``mask`` is True."""
    return float(np.sum(mask & np.isin(stages, SLEEP_CODES))) * EPOCH_SEC / 60


def stage_periods(stages: np.ndarray, codes: Sequence[int], mask: np.ndarray, merge: bool = True
                  ) -> list[tuple[int, int]]:
    """(first, last) epoch of each run of ``codes`` inside ``mask``, in time order; when the
    codes are REM alone and ``merge``, runs less than :data:`REM_MERGE_SEC` apart are joined
    (a scorer's convention, which a model's scattered guesses of REM would stretch over hours)."""
    inside = np.isin(stages, codes) & mask
    if merge and list(codes) == [STAGES.index("REM")]:
        inside = close_gaps(inside, int(np.ceil(REM_MERGE_SEC / EPOCH_SEC)) - 1)
    return [(start, stop - 1) for start, stop in runs(inside)]


def awakening_runs(stages: np.ndarray, mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) epoch of each wake run inside ``mask`` between its first and its last
    sleep epoch, as the summary counts awakenings: the wake before sleep onset and after
    the final awakening is not an awakening."""
    sleep = np.flatnonzero(np.isin(stages, SLEEP_CODES) & mask)
    if len(sleep) < 2:
        return []
    between = np.zeros(len(stages), dtype=bool)
    between[sleep[0]:sleep[-1] + 1] = True
    return stage_periods(stages, [STAGES.index("W")], between & mask)
