"""Heart rhythm from beat timing (sleeplm_core.scoring.rhythm): sinus rhythm reads as regular,
an irregularly irregular stretch and a pause are found where they were put, and the R-peak
detector's search-back inside a pause is not taken for beats."""

from __future__ import annotations

import numpy as np
import pytest

from ecg_rhythm import FS, ecg_of, sinus_rr
from sleeplm_core.io.recording import Signal
from sleeplm_core.scoring.rhythm import RhythmConfig, heart_rhythm, summarize


@pytest.fixture(scope="module")
def hour() -> tuple[Signal, np.ndarray]:
    """One hour: sinus rhythm, an irregularly irregular stretch (beats 1,200-1,799,
    RR drawn from 0.45-1.2 s) and one 3.6-s pause after beat 2,500."""
    rr = sinus_rr(3600, seed=1)
    rr[1200:1800] = np.random.default_rng(2).uniform(0.45, 1.2, 600)
    rr[2500] = 3.6
    return ecg_of(rr)


def test_sinus_rhythm_reads_as_regular() -> None:
    sig, beats = ecg_of(sinus_rr(3600, seed=3))
    rhythm = heart_rhythm(sig)
    s = summarize(rhythm, [(0.0, sig.duration)])
    assert abs(s.n_beats - len(beats)) <= 2
    assert s.stretches == [] and s.pauses == [] and s.irregular_pct < 0.5
    assert 55 < s.mean_hr < 65 and 20 < s.rmssd_ms < 80
    assert s.longest_rr[1] < 1.3


def test_an_irregular_stretch_and_a_pause_are_found_where_they_are(hour) -> None:
    sig, beats = hour
    rhythm = heart_rhythm(sig)
    assert len(rhythm.beats) == len(beats)   # no search-back "beat" inside the pause
    s = summarize(rhythm, [(0.0, sig.duration)])
    af = (beats[1200], beats[1800])
    assert len(s.stretches) == 1
    start, end, share = s.stretches[0]
    assert start <= af[0] + 300 and end >= af[1] - 300 and share > 0.3
    assert len(s.pauses) == 1 and s.pauses[0][0] == pytest.approx(beats[2500], abs=0.02)
    assert s.pauses[0][1] == pytest.approx(3.6, abs=0.02)
    assert s.longest_rr == s.pauses[0]


def test_the_summary_reads_only_its_spans(hour) -> None:
    sig, beats = hour
    rhythm = heart_rhythm(sig)
    before = summarize(rhythm, [(0.0, beats[1100])])
    assert before.stretches == [] and before.pauses == [] and before.irregular_pct < 0.5
    split = summarize(rhythm, [(0.0, beats[1100]), (beats[2400], sig.duration)])
    assert split.stretches == [] and len(split.pauses) == 1
    assert summarize(rhythm, [(0.0, 30.0)]) is None   # too few beats to judge
    strict = summarize(rhythm, [(0.0, sig.duration)], RhythmConfig(pause_sec=4.0))
    assert strict.pauses == []


def test_a_flat_ecg_has_no_rhythm() -> None:
    assert heart_rhythm(Signal("ECG", np.zeros(int(600 * FS)), FS, "mV")) is None
