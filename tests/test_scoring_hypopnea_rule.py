"""Hypopneas under the 3 % and 4 % rules, on a trace with dips of known depth."""

from __future__ import annotations

import numpy as np

from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.hypopnea_rule import hypopneas_with_drop

SFREQ = 1.0


def _trace(dips: list[tuple[float, float, float]], seconds: int = 1200) -> np.ndarray:
    """SpO2 at 96 % with a V-shaped dip of ``depth`` points from ``start`` over ``length`` s."""
    x = np.full(seconds, 96.0)
    for start, length, depth in dips:
        t = np.arange(int(length))
        x[int(start):int(start + length)] = 96.0 - depth * (1 - np.abs(2 * t / length - 1))
    return x


def test_a_hypopnea_counts_under_the_rule_its_desaturation_reaches() -> None:
    # three hypopneas: the first followed by a 5-point dip, the second by a 3.5-point dip, the
    # third by none; the desaturations start 15 s after each hypopnea ends (SpO2 lags)
    hyp = [Event(100, 20, "hypopnea"), Event(400, 20, "hypopnea"), Event(700, 20, "hypopnea")]
    spo2 = _trace([(135, 30, 5.0), (435, 30, 3.5)])
    desats = [Event(135, 30, "desaturation"), Event(435, 30, "desaturation")]
    three = hypopneas_with_drop(hyp, desats, spo2, SFREQ, 3.0)
    four = hypopneas_with_drop(hyp, desats, spo2, SFREQ, 4.0)
    assert [h.onset for h in three] == [100, 400]
    assert [h.onset for h in four] == [100]


def test_a_desaturation_beyond_the_window_is_not_tied() -> None:
    hyp = [Event(100, 20, "hypopnea")]
    spo2 = _trace([(200, 30, 6.0)])   # starts 80 s after the hypopnea ends
    assert hypopneas_with_drop(hyp, [Event(200, 30, "desaturation")], spo2, SFREQ, 3.0) == []


def test_no_desaturation_no_hypopnea() -> None:
    assert hypopneas_with_drop([Event(100, 20, "hypopnea")], [], _trace([]), SFREQ, 3.0) == []
