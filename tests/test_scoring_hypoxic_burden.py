"""The sleep apnea-specific hypoxic burden on SpO2 traces with known dips."""

from __future__ import annotations

import numpy as np
import pytest

from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.hypoxic_burden import hypoxic_burden


def _trace(ends: list[int], depth: float, n: int = 3600, fs: int = 1) -> np.ndarray:
    """96 % with a triangular dip of ``depth`` points from 5 to 45 s after each end."""
    t = np.arange(n * fs) / fs
    x = np.full(len(t), 96.0)
    for end in ends:
        inside = (t >= end + 5) & (t <= end + 45)
        x[inside] -= depth * (1 - np.abs(t[inside] - (end + 25)) / 20)
    return x


@pytest.mark.parametrize("fs", [1, 25])
def test_the_burden_is_the_area_of_the_dips_per_hour_of_sleep(fs: int) -> None:
    ends = list(range(300, 3300, 150))
    events = [Event(end - 20.0, 20.0, "obstructive_apnea") for end in ends]
    found = hypoxic_burden(_trace(ends, 4.0, fs=fs), fs, events, sleep_h=0.5)
    # each dip: a triangle 40 s wide and 4 points deep = 80 %·s = 4/3 %·min
    assert found is not None and found.events == len(ends)
    assert found.per_hour == pytest.approx(len(ends) * 80 / 60 / 0.5, rel=0.08)
    assert 0 <= found.window[0] <= 6 and 44 <= found.window[1] <= 50
    assert found.ensemble_dip == pytest.approx(4.0, abs=0.3)


def test_no_dip_after_the_events_is_no_burden() -> None:
    ends = list(range(300, 3300, 150))
    events = [Event(end - 20.0, 20.0, "hypopnea") for end in ends]
    assert hypoxic_burden(np.full(3600, 96.0), 1, events, 1.0) is None
    assert hypoxic_burden(_trace(ends, 4.0), 1, [], 1.0) is None


def test_artefact_is_not_read_as_a_dip() -> None:
    ends = list(range(300, 3300, 150))
    events = [Event(end - 20.0, 20.0, "obstructive_apnea") for end in ends]
    x = _trace(ends, 4.0)
    clean = hypoxic_burden(x, 1, events, 1.0)
    x[ends[3] + 10:ends[3] + 20] = 0.0   # a probe off for 10 s inside one dip
    assert hypoxic_burden(x, 1, events, 1.0).per_hour == pytest.approx(clean.per_hour, rel=0.02)
