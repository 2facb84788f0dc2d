"""Cheyne-Stokes breathing read from scored central apneas against the AASM rule: the
runs it needs, the rate it asks for, and what it leaves to a person (the breathing shape)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import STAGES, Event
from sleeplm_core.scoring.cheyne_stokes import central_runs


def _central(onsets) -> list[Event]:
    return [Event(float(t), 15.0, "central_apnea") for t in onsets]


def test_runs_need_three_central_apneas_at_cycles_of_40_s_or_more() -> None:
    events = (_central([0, 60, 120, 180])                 # a run of 4
              + _central([1000, 1030, 1060])              # cycles of 30 s: too short
              + _central([2000, 2060]) + [Event(2100.0, 12.0, "hypopnea")]  # broken by a hypopnea
              + _central([2160, 2220])
              + _central([3000, 3060, 3400]))             # a 340-s gap ends it at 2
    runs = central_runs(events)
    assert [[e.onset for e in r] for r in runs] == [[0, 60, 120, 180]]


@pytest.mark.parametrize("text", ["was there any Cheyne-Stokes breathing?", "any periodic breathing in REM?",
                                  "cheyne stokes respiration?", "is there CSR?"])
def test_cheyne_stokes_questions_name_it(text: str) -> None:
    q = understand(text)
    assert q.phenomenon == "cheyne_stokes" and q.intent == Intent.LOCATE, q


def _with_runs(night, n_runs: int):
    """The demo night with ``n_runs`` runs of 8 central apneas 60 s apart in N2 (events
    of other kinds kept out of the runs' minutes)."""
    stages = night.stages()[0]
    n2 = np.flatnonzero(stages == STAGES.index("N2"))
    starts, added = night.epochs.starts, []
    for i in n2[::40][:n_runs]:
        t0 = float(starts[i])
        added += _central(t0 + 60.0 * k for k in range(8))
    spans = [(e.onset - 30.0, e.onset + 60.0) for e in added]
    kept = [e for e in night.recording.events
            if not any(a <= e.onset <= b for a, b in spans) or e.type not in (
                "obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")]
    return replace(night, recording=replace(night.recording, events=kept + added), _summary={})


def test_the_demo_night_has_no_run(demo) -> None:
    night, engine = demo
    text = Session(night).ask("was there any Cheyne-Stokes breathing?", engine).text
    assert "**do not meet the rule**" in text and "**0** runs" in text


def test_runs_are_listed_and_the_rate_decides(demo) -> None:
    night, engine = demo
    few = Session(_with_runs(night, 2)).ask("was there any Cheyne-Stokes breathing?", engine)
    assert "**2** runs" in few.text and "**do not meet the rule**" in few.text
    assert len(few.highlights) == 2 and "cycle 60 s" in few.text
    many = Session(_with_runs(night, 6)).ask("was there any Cheyne-Stokes breathing?", engine)
    assert "**6** runs" in many.text and "**48** central apneas" in many.text
    assert "**meet the event side of the rule**" in many.text
    assert "crescendo-decrescendo" in many.text
