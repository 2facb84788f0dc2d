"""Heart-rhythm questions on the bundled night: beat timing read from its ECG, with the
irregular stretches and pauses drawn where they are; the rhythm is never a heart-rate figure."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from ecg_rhythm import ecg_of, sinus_rr

RHYTHM_QUESTIONS = ("was the heart rhythm regular?", "any arrhythmias?", "any ectopic beats?",
                    "were there any pauses in the heartbeat?", "any signs of atrial fibrillation?",
                    "was the ECG irregular in REM?", "did the heart skip beats?")


@pytest.mark.parametrize("text", RHYTHM_QUESTIONS)
def test_rhythm_questions_ask_for_beat_timing(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.measure) == (Intent.MEASURE, "rhythm"), q


@pytest.mark.parametrize("text", ["was the breathing regular?", "how stable was the heart rate?",
                                  "find tachycardia", "heart rate variability in N3"])
def test_other_heart_and_regularity_questions_are_not_rhythm(text: str) -> None:
    assert understand(text).measure != "rhythm"


def test_the_bundled_night_reads_as_regular_with_its_beats_counted(demo) -> None:
    night, engine = demo
    session = Session(night)
    answer = session.ask("was the heart rhythm regular?", engine)
    assert "looks **regular**" in answer.text and "ECG II" in answer.text
    beats = int(re.search(r"([\d,]+) beats over 8\.0 h", answer.text).group(1).replace(",", ""))
    assert 25_000 < beats < 32_000   # about one a second for 8 h
    assert "not a rhythm diagnosis" in answer.text and answer.highlights
    rem = session.ask("and in REM?", engine)
    rem_beats = int(re.search(r"([\d,]+) beats over [\d.]+ h in REM", rem.text).group(1).replace(",", ""))
    assert 0 < rem_beats < beats / 3


def test_an_irregular_stretch_and_a_pause_are_listed_and_drawn(demo) -> None:
    night, engine = demo
    rr = sinus_rr(int(night.recording.duration) - 10, seed=5)
    rr[10_000:10_600] = np.random.default_rng(6).uniform(0.45, 1.2, 600)
    rr[20_000] = 3.5
    ecg, beats = ecg_of(rr)
    signals = {**night.recording.signals, "ECG II": ecg}
    irregular = replace(night, recording=replace(night.recording, signals=signals), _rhythm=None)
    answer = Session(irregular).ask("any arrhythmia?", engine)
    assert "**1 irregular stretch** and **1 pause**" in answer.text, answer.text
    labels = [h.label for h in answer.highlights]
    assert any(label.startswith("irregular rhythm") for label in labels)
    stretch = next(h for h in answer.highlights if h.label.startswith("irregular rhythm"))
    assert stretch.start <= beats[10_000] + 300 and stretch.end >= beats[10_600] - 300
    pause = next(h for h in answer.highlights if h.label.startswith("RR pause"))
    assert pause.start == pytest.approx(beats[20_000], abs=0.05)


def test_a_night_without_ecg_says_why(demo) -> None:
    night, engine = demo
    epochs = replace(night.epochs, mapping={k: v for k, v in night.epochs.mapping.items() if k != "ECG"})
    bare = replace(night, epochs=epochs, _rhythm=None)
    text = Session(bare).ask("was the heart rhythm regular?", engine).text
    assert text.startswith("I cannot read the heart rhythm on this night: no ECG channel")


def test_two_scopes_side_by_side_then_one_again(demo) -> None:
    night, engine = demo
    session = Session(night)
    text = session.ask("compare the heart rhythm in REM and NREM", engine).text
    rows = [line for line in text.splitlines() if line.startswith("| in ")]
    assert [r.split("|")[1].strip() for r in rows] == ["in REM", "in N1/N2/N3"], text
    beats = [int(r.split("|")[2].strip().replace(",", "")) for r in rows]
    whole = int(re.search(r"([\d,]+) beats over 8\.0 h",
                          Session(night).ask("was the heart rhythm regular?", engine).text)
                .group(1).replace(",", ""))
    assert 0 < beats[0] < beats[1] and sum(beats) < whole
    later = session.ask("and in the first hour?", engine).text
    assert "beats over 1.0 h in the first hour" in later and "side by side" not in later
