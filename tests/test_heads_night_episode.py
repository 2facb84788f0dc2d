"""The night around the main sleep episode (``sleeplm_core.heads.cycles.night_episode``)."""

from __future__ import annotations

import numpy as np

from sleeplm_core.heads.cycles import CycleConfig, night_episode, sleep_cycles


def _hypnogram(*blocks: tuple[int, int]) -> np.ndarray:
    """Wake everywhere except N2 over each (first epoch, epochs) block; 30-s epochs."""
    stages = np.zeros(2400, dtype=int)
    for first, n in blocks:
        stages[first:first + n] = 2
    return stages


def test_a_long_awakening_leaves_one_night() -> None:
    # 40 min of sleep, 80 min awake, then the main 5 h
    stages = _hypnogram((1000, 80), (1240, 600))
    assert night_episode(stages) == (1000, 1840)
    assert sleep_cycles(stages).other_sleep_min == 0.0


def test_a_short_nap_or_sleep_hours_away_is_not_the_night() -> None:
    # a 20-min nap 2 h before, and 40 min of sleep 4 h after the main 5 h
    stages = _hypnogram((500, 40), (780, 600), (1860, 80))
    assert night_episode(stages) == (780, 1380)
    assert sleep_cycles(stages).other_sleep_min == 60.0


def test_the_limits_are_settings() -> None:
    stages = _hypnogram((500, 40), (780, 600))
    assert night_episode(stages, CycleConfig(night_part_min=15.0)) == (500, 1380)
    assert night_episode(np.zeros(10, dtype=int)) == (0, 0)
