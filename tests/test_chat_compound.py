"""Two questions in one message, lists of stages, and a count of the last list's events tied
to another kind: each part answered, on the bundled night."""

from __future__ import annotations

import re

import pytest

from app.chat.compound import compound
from app.chat.understand import understand
from app.session import Session


def test_two_latencies_in_one_question_are_both_answered(demo) -> None:
    """It gave the REM latency only."""
    night, engine = demo
    s = night.summary()
    text = Session(night).ask("what were the sleep latency and REM latency?", engine).text
    assert f"{s.sol_min:.1f} min" in text and f"**{s.rem_latency_min:.1f} min**" in text, text


def test_a_list_of_stages_gives_each_stage_its_share(demo) -> None:
    """It explained rapid eye movements ("REM percentages" read as the eye movements)."""
    night, engine = demo
    s = night.summary()
    text = Session(night).ask("what are the N1, N2, N3 and REM percentages?", engine).text
    for stage in ("N1", "N2", "N3", "REM"):
        assert f"**{s.stage_pct[stage]:.1f} %** of the" in text and f"min** of {stage}," in text, text


def test_how_much_n2_and_n3_gives_both(demo) -> None:
    """It gave N3 only."""
    night, engine = demo
    s = night.summary()
    text = Session(night).ask("how much N2 and N3?", engine).text
    assert f"**{s.stage_min['N2']:.1f} min** of N2" in text and f"**{s.stage_min['N3']:.1f} min** of N3" in text


def test_events_in_a_list_of_stages_count_every_stage_listed(demo) -> None:
    """"spindles in N2 and N3" counted the N2 spindles only."""
    night, engine = demo
    assert understand("spindles in N2 and N3").scope.stages == ("N2", "N3")
    assert understand("arousals during REM or N1").scope.stages == ("N1", "REM")
    text = Session(night).ask("how many spindles in N2 and N3?", engine).text
    stages = night.stages()[0]
    n = sum(1 for e in night.scored_events()[0] if e.type == "spindle"
            and stages[night.epoch_at(e.onset)] in (2, 3))
    assert f"**{n}** sleep spindle" in text, text


def test_two_measures_in_one_question_are_both_answered(demo) -> None:
    """The mean heart rate was dropped."""
    night, engine = demo
    text = Session(night).ask("what was the lowest SpO2 and the mean heart rate?", engine).text
    assert text.startswith("SpO2, over the whole night") and "\n\nHeart rate, over the whole night" in text


def test_how_many_of_them_had_an_arousal_counts_the_last_lists_events(demo) -> None:
    """It counted every arousal of the night."""
    night, engine = demo
    session = Session(night)
    session.ask("how many hypopneas?", engine)
    text = session.ask("how many of them had an arousal?", engine).text
    alone = Session(night).ask("how many hypopneas with an arousal?", engine).text
    n = re.search(r"\*\*(\d+)\*\* hypopnea events with an arousal", alone)
    assert n is not None and text.startswith(alone.split("\n")[0]), text


@pytest.mark.parametrize("question", [
    "compare EEG in N1 and N3", "spindles in N2 between 1 and 2 am", "give me TST, SE and WASO",
    "what is the AHI and what is the ODI?", "compare obstructive and central apneas",
    "what is sleep spindle density and what is it here?",
    "what is the spindle density in N2 and how does it compare to normal?",
    "Between 2 and 3 am, how stable was the heart rate?",
    "when was the lowest saturation, and in what stage?",
    "when did she fall asleep and when did she wake up for good?",
    "what is a K-complex and show me one",
])
def test_one_question_with_an_and_is_not_split(question: str) -> None:
    assert compound(question) is None


@pytest.mark.parametrize("question, parts", [
    ("what's the sleep latency and the REM latency?",
     ("what's the sleep latency", "what's the REM latency?")),
    ("show me the longest apnea and the deepest desaturation",
     ("show me the longest apnea", "show me the deepest desaturation")),
    ("what was the TST and how many arousals were there?",
     ("what was the TST", "how many arousals were there?")),
])
def test_two_questions_are_split(question: str, parts: tuple[str, str]) -> None:
    assert compound(question) == parts
