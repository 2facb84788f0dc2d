"""Stage transitions ("how many times did she go from REM to wake?", "the stage transition
matrix"), counted on the bundled synthetic night's human-scored hypnogram (``demo``)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.heads.summary import count_stage_shifts
from sleeplm_core.io.recording import STAGES


@pytest.mark.parametrize(("text", "pair"), [
    ("how many transitions from N2 to wake?", "N2>W"),
    ("how many times did the patient go from REM to wake?", "REM>W"),
    ("REM-to-wake transitions", "REM>W"),
    ("what stage usually followed REM?", "REM>"),
    ("what did the N3 periods turn into?", "N3>"),
    ("how did the patient enter REM?", ">REM"),
    ("which stage came before REM?", ">REM"),
    ("how often did she go from wake to sleep?", "W>N1,N2,N3,REM"),
    ("how many times did he drop from light sleep into deep sleep?", "N1,N2>N3"),
    ("show me the stage transition matrix", ">"),
    ("which transitions were most common?", ">"),
])
def test_stage_transitions_are_understood(text: str, pair: str) -> None:
    q = understand(text)
    assert (q.intent, q.measure, q.target) == (Intent.MEASURE, "transitions", pair)


@pytest.mark.parametrize("text", ["how many stage transitions were there?",
                                  "how many apneas from 1 am to 2 am?",
                                  "spindles from N2 to N3?", "how many awakenings?"])
def test_other_questions_are_not_transitions(text: str) -> None:
    assert understand(text).measure != "transitions"


def _changes(stages: np.ndarray) -> list[tuple[int, str, str]]:
    """(epoch of the new stage, from, to) between the first and last sleep epoch."""
    sleep = np.flatnonzero(stages >= 1)
    scored = [i for i in range(sleep[0], sleep[-1] + 1) if stages[i] >= 0]
    return [(i, STAGES[stages[a]], STAGES[stages[i]]) for a, i in zip(scored, scored[1:])
            if stages[a] != stages[i]]


def test_rem_to_wake_is_counted_from_the_hypnogram(demo) -> None:
    night, engine = demo
    changes = [c for c in _changes(night.stages()[0]) if c[1:] == ("REM", "W")]
    answer = Session(night).ask("how many times did the patient go from REM to wake?", engine)
    assert answer.text.startswith(f"**{len(changes)}** transition")
    assert len(answer.highlights) == len(changes) > 0
    assert answer.jump == changes[0][0]
    # not the awakenings, which count wake entered from any stage
    awakenings = Session(night).ask("how many awakenings?", engine).text
    assert f"**{len(changes)}** awakening" not in awakenings


def test_the_matrix_adds_up_to_the_stage_shifts(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    text = Session(night).ask("show me the stage transition matrix", engine).text
    assert text.startswith(f"**{count_stage_shifts(stages)}** changes of stage")
    rows = {m[0].strip("* "): [c.strip() for c in m[1:]] for m in
            (line.strip("|").split("|") for line in text.splitlines() if line.startswith("| **"))}
    assert list(rows) == list(STAGES)
    changes = _changes(stages)
    for a in STAGES:
        for j, b in enumerate(STAGES):
            expected = "–" if a == b else str(sum(c[1:] == (a, b) for c in changes))
            assert rows[a][j] == expected, (a, b)
        assert rows[a][-1] == str(sum(c[1] == a for c in changes))


def test_where_a_stage_went_names_every_next_stage(demo) -> None:
    night, engine = demo
    out = [c[2] for c in _changes(night.stages()[0]) if c[1] == "REM"]
    text = Session(night).ask("what stage usually followed REM?", engine).text
    split = re.search(r"Out of REM \((\d+) changes\), to: ([^.]+)\.", text)
    assert int(split.group(1)) == len(out)
    named = dict((s, int(n)) for s, n in re.findall(r"(\w+) \*\*(\d+)\*\*", split.group(2)))
    assert named == {s: out.count(s) for s in set(out)}


def test_light_to_deep_sleep_leaves_out_changes_inside_light_sleep(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how many times did he go from light sleep to deep sleep?",
                              engine).text
    out = re.search(r"Out of N1 or N2 \(\d+ changes\), to: ([^.]+)\.", text).group(1)
    assert "N3" in out and "N1 **" not in out and "N2 **" not in out


def test_transitions_keep_to_the_asked_half(demo) -> None:
    night, engine = demo
    whole = Session(night).ask("REM to wake transitions", engine)
    later = Session(night).ask("REM to wake transitions in the second half", engine)
    middle = night.recording.duration / 2
    assert all(h.start >= middle for h in later.highlights)
    assert len(later.highlights) == sum(h.start >= middle for h in whole.highlights)


def test_a_bare_stage_after_a_transition_question_takes_its_side(demo) -> None:
    """"what stage usually followed REM?" / "and N3?" counted REM's changes inside N3 (none)."""
    night, engine = demo
    changes = _changes(night.stages()[0])
    session = Session(night)
    session.ask("what stage usually followed REM?", engine)
    out_of_n3 = sum(c[1] == "N3" for c in changes)
    assert session.ask("and N3?", engine).text.startswith(f"**{out_of_n3}** transitions from N3")
    session = Session(night)
    session.ask("how did the patient enter REM?", engine)
    into_n3 = sum(c[2] == "N3" for c in changes)
    assert session.ask("and N3?", engine).text.startswith(f"**{into_n3}** transitions from any "
                                                           f"stage to N3")
