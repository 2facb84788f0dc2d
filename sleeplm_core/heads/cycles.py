"""NREM-REM sleep cycles of a hypnogram.

The cycle rules follow Feinberg & Floyd (1979), as cycle detectors commonly apply them
(e.g. Blume & Cajochen 2021, "sleepcycles"):

* a REM period is a run of REM epochs; REM runs less than :attr:`CycleConfig.rem_merge_min`
  apart are one period, and a REM period after the first must last at least
  :attr:`CycleConfig.min_rem_min` (the first may be shorter);
* a cycle runs from sleep onset, or from the end of the previous REM period, to the end
  of the next REM period, and its NREM part must last at least
  :attr:`CycleConfig.min_nrem_min` (else the REM periods on both sides are one);
* sleep after the last REM period forms a last, incomplete cycle (no REM) when it holds
  at least ``min_nrem_min`` of NREM sleep.

Recordings that hold more than one night or daytime naps (Sleep-EDF's 22-h files) are
cut into sleep episodes at wake runs of :attr:`CycleConfig.episode_gap_min` or more, and
cycles are counted in the main sleep episode: the episode with the most sleep, grown over
the episodes beside it that hold :attr:`CycleConfig.night_part_min` of sleep or more and lie
less than :attr:`CycleConfig.night_gap_max_min` away (a night broken by a long awakening is
one night; a short nap hours away is not part of it).

YASA 0.8.1 finds stage periods (``Hypnogram.find_periods``) but not cycles, and the
"sleepcycles" detector is not on PyPI (checked 2026-12-01), hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.intervals import runs

_W, _REM = STAGES.index("W"), STAGES.index("REM")
_NREM = [STAGES.index(s) for s in ("N1", "N2", "N3")]


@dataclass(frozen=True)
class CycleConfig:
    """Cycle rules, in minutes."""

    rem_merge_min: float = 15.0
    min_rem_min: float = 5.0
    min_nrem_min: float = 15.0
    episode_gap_min: float = 60.0
    night_part_min: float = 30.0
    night_gap_max_min: float = 180.0


@dataclass(frozen=True)
class Cycle:
    """One NREM-REM cycle.

    Attributes:
        start, end: epoch indices, ``end`` exclusive.
        rem_start: first epoch of its REM period, None for an incomplete last cycle.
        stage_min: minutes of each stage (W, N1, N2, N3, REM) inside it.
    """

    start: int
    end: int
    rem_start: int | None
    stage_min: dict[str, float]

    @property
    def minutes(self) -> float:
        return (self.end - self.start) * EPOCH_SEC / 60

    @property
    def complete(self) -> bool:
        return self.rem_start is not None


@dataclass(frozen=True)
class SleepCycles:
    """The cycles of a hypnogram's main sleep episode.

    Attributes:
        cycles: in time order.
        episode: (first, last + 1) epoch of the main sleep episode; (0, 0) without sleep.
        other_sleep_min: minutes of sleep outside the main episode (naps, other nights).
    """

    cycles: list[Cycle]
    episode: tuple[int, int]
    other_sleep_min: float

    @property
    def n_complete(self) -> int:
        return sum(c.complete for c in self.cycles)


def sleep_episodes(stages: np.ndarray, gap_epochs: int) -> list[np.ndarray]:
    """The sleep epochs (indices, in order) of each sleep episode; episodes are split at
    non-sleep runs of ``gap_epochs`` or more. [] without sleep."""
    sleep = np.flatnonzero(stages >= 1)
    if not len(sleep):
        return []
    return np.split(sleep, np.flatnonzero(np.diff(sleep) > gap_epochs) + 1)


def night_episode(stages: np.ndarray, config: CycleConfig | None = None) -> tuple[int, int]:
    """(first, last + 1) epoch of the main sleep episode: the episode (:func:`sleep_episodes`)
    with most sleep, grown over the neighbouring episodes that belong to the same night (see
    the module docstring). (0, 0) without sleep."""
    cfg = config or CycleConfig()
    per_min = 60 / EPOCH_SEC
    episodes = sleep_episodes(stages, int(round(cfg.episode_gap_min * per_min)))
    if not episodes:
        return 0, 0
    best = max(episodes, key=len)
    first, last = int(best[0]), int(best[-1]) + 1
    near, big = cfg.night_gap_max_min * per_min, cfg.night_part_min * per_min
    for piece in reversed(episodes):                        # nearest first, going back
        if piece[0] < first and first - piece[-1] - 1 < near and len(piece) >= big:
            first = int(piece[0])
    for piece in episodes:                                  # and going forward
        if piece[-1] >= last and piece[0] - last < near and len(piece) >= big:
            last = int(piece[-1]) + 1
    return first, last


def _minutes(stages: np.ndarray) -> dict[str, float]:
    return {s: float(np.sum(stages == i)) * EPOCH_SEC / 60 for i, s in enumerate(STAGES)}


def _rem_periods(stages: np.ndarray, lo: int, hi: int, cfg: CycleConfig) -> list[tuple[int, int]]:
    per_min = 60 / EPOCH_SEC
    periods: list[tuple[int, int]] = []
    for a, b in runs(stages[lo:hi] == _REM):
        a, b = a + lo, b + lo
        if periods:
            gap = stages[periods[-1][1]:a]
            # Merge across a short gap, or one whose NREM is too short to make a cycle.
            if (a - periods[-1][1] < cfg.rem_merge_min * per_min
                    or np.isin(gap, _NREM).sum() < cfg.min_nrem_min * per_min):
                periods[-1] = (periods[-1][0], b)
                continue
        periods.append((a, b))
    # Later REM periods shorter than the minimum do not close a cycle.
    return [p for i, p in enumerate(periods)
            if i == 0 or (stages[p[0]:p[1]] == _REM).sum() >= cfg.min_rem_min * per_min]


def sleep_cycles(stages: np.ndarray, config: CycleConfig | None = None) -> SleepCycles:
    """NREM-REM cycles of a hypnogram (stage codes per 30-s epoch, -1 unscored)."""
    cfg = config or CycleConfig()
    stages = np.asarray(stages, dtype=int)
    per_min = 60 / EPOCH_SEC
    lo, hi = night_episode(stages, cfg)
    other = float(np.sum(stages >= 1) - np.sum(stages[lo:hi] >= 1)) * EPOCH_SEC / 60
    cycles: list[Cycle] = []
    start = lo
    for a, b in _rem_periods(stages, lo, hi, cfg):
        cycles.append(Cycle(start, b, a, _minutes(stages[start:b])))
        start = b
    tail = stages[start:hi]
    if np.isin(tail, _NREM).sum() >= cfg.min_nrem_min * per_min:
        last_sleep = start + int(np.flatnonzero(tail >= 1)[-1]) + 1
        cycles.append(Cycle(start, last_sleep, None, _minutes(stages[start:last_sleep])))
    return SleepCycles(cycles, (lo, hi), other)
