"""Questions of stop 70, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (seeds 8080, 8181 and 8282, and seed 7070 of stop 69), all written without
their scoring; checked here on the bundled night and on SC4001 with its expert hypnogram. Each
names what it used to get. Expected answers are computed from the night's own hypnogram and
scoring, or are the ones the same question gets in another wording, never typed in."""

from __future__ import annotations

import numpy as np
import pytest

from app.chat.plan import clock
from chat_dialogues import last_answer
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

_SLEEP = [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]


def _lead(text: str) -> str:
    """An answer's first line."""
    return text.split("\n")[0]


def _minutes(mask: np.ndarray) -> float:
    return float(mask.sum()) * EPOCH_SEC / 60


@pytest.mark.parametrize("asked", ["why was there so little deep sleep?", "how come there was hardly any deep sleep?",
                                   "why didn't she get much deep sleep?", "why was deep sleep so short?"])
def test_why_so_little_deep_sleep(sc4001, asked) -> None:
    """"why was there so little deep sleep?" gave the evidence for one epoch's stage (the
    night's first, "not scored N3 there"); "why was deep sleep so short?" listed N3's minutes."""
    night, _ = sc4001
    stages, _ = night.stages()
    n3 = _minutes(stages == STAGES.index("N3"))
    asleep = _minutes(np.isin(stages, _SLEEP))
    text = last_answer(sc4001, asked)
    assert _lead(text).startswith(f"**N3 (deep sleep) over the night: {n3:.1f} min**, "
                                  f"{100 * n3 / asleep:.1f} % of the {asleep:.0f} min asleep"), text[:300]
    cycles = " / ".join(f"{c.stage_min['N3']:.1f}" for c in sleep_cycles(stages).cycles)
    assert f"**When**: N3 by cycle {cycles} min;" in text, text
    assert "**Slow waves**" in text and "benzodiazepines" in text, text


def test_the_arousal_rate_of_the_night_is_its_own(sc4001) -> None:
    """The broken-sleep line's arousal rate is the night's arousals in sleep per hour of sleep."""
    night, _ = sc4001
    stages, _ = night.stages()
    events, _ = night.scored_events()
    inside = sum(1 for e in events if e.type == "arousal" and stages[night.epoch_at(e.onset)] in _SLEEP)
    hours = _minutes(np.isin(stages, _SLEEP)) / 60
    text = last_answer(sc4001, "why was there so little REM?")
    assert f"arousals {inside / hours:.1f}" in text, text
    assert "**Slow waves**" not in text, text


@pytest.mark.parametrize("which", [0, 1, 2])
def test_why_no_stage_in_a_cycle(sc4001, which) -> None:
    """"why was there no deep sleep in it?" after a cycle repeated the cycle's description, and
    "why was there no REM in the third cycle?" gave its first epoch's stage evidence; each now
    gives the stage's minutes in that cycle, with a correction when it had some."""
    night, _ = sc4001
    stages, _ = night.stages()
    cycle = sleep_cycles(stages).cycles[which]
    ordinal = ("first", "second", "third")[which]
    for stage, name in (("N3", "N3 (deep sleep)"), ("REM", "REM")):
        minutes = cycle.stage_min[stage]
        expected = (f"**There was {name} in the {ordinal} cycle: {minutes:.1f} min**" if minutes
                    else f"**No {name} in the {ordinal} cycle**")
        words = "deep sleep" if stage == "N3" else "REM"
        for text in (last_answer(sc4001, f"show me the {ordinal} cycle", f"why was there no {words} in it?"),
                     last_answer(sc4001, f"why was there no {words} in the {ordinal} cycle?")):
            assert _lead(text).startswith(expected), text[:300]
            assert f"**{minutes:.1f}**" in text, text   # its cycle in bold among the others


def test_so_little_in_a_stretch_sets_it_against_the_rest(sc4001) -> None:
    """"why was there so little deep sleep between epoch 100 and 400?" gave epoch 100's stage
    evidence; the stretch's N3 and the rest's share are the hypnogram's own."""
    night, _ = sc4001
    stages, _ = night.stages()
    inside = (np.arange(len(stages)) >= 100) & (np.arange(len(stages)) <= 400)
    n3 = stages == STAGES.index("N3")
    rest = ~inside & (stages >= 0)
    share = 100 * _minutes(rest & n3) / _minutes(rest & np.isin(stages, _SLEEP))
    text = last_answer(sc4001, "why was there so little deep sleep between epoch 100 and 400?")
    assert _lead(text).startswith(f"**N3 (deep sleep) in epochs 100-400: {_minutes(inside & n3):.1f} min**"), \
        text[:300]
    assert f"the rest of the night: {share:.1f} %" in _lead(text), text[:300]


def test_why_after_the_rem_latency(sc4001) -> None:
    """"why?" after the REM latency (given or judged) said it had no evidence to show, and "why is
    the REM latency so long?" repeated the latency: the stretch from sleep onset to the first REM
    epoch, its wake set apart."""
    night, _ = sc4001
    stages, _ = night.stages()
    s = night.summary()
    sleep = np.flatnonzero(np.isin(stages, _SLEEP))
    first_rem = int(np.flatnonzero((stages == STAGES.index("REM")) & (np.arange(len(stages)) >= sleep[0]))[0])
    before = np.zeros(len(stages), dtype=bool)
    before[sleep[0]:first_rem] = True
    expected = f"**REM latency: {s.rem_latency_min:.1f} min**"
    asked = last_answer(sc4001, "why is the REM latency so long?")
    assert _lead(asked).startswith(expected), asked[:300]
    assert last_answer(sc4001, "what's the REM latency?", "why?") == asked
    assert last_answer(sc4001, "what's the REM latency?", "is that normal?", "why?") == asked
    wake = _minutes(before & (stages == STAGES.index("W")))
    if wake:
        assert (f"{wake:.1f} of those minutes were awake: counted in sleep alone, the first REM came "
                f"**{_minutes(before & np.isin(stages, _SLEEP)):.1f} min** into sleep") in asked, asked[:500]
    assert "antidepressants" in asked, asked


@pytest.mark.parametrize(("first", "then"), [("is the amount of deep sleep normal?", "why was there so little deep sleep?"),
                                             ("how much REM did she get?", "why was there so little REM?")])
def test_why_after_a_stage_amount(sc4001, first, then) -> None:
    """"why?" after a stage's amount (or its norm) said it had no evidence to show."""
    assert last_answer(sc4001, first, "why?") == last_answer(sc4001, then)


@pytest.mark.parametrize("asked", ["why is there no atonia in REM?", "why is there no REM in the first hour?",
                                   "why are there so few spindles in N3?"])
def test_other_why_questions_keep_their_answers(demo, asked) -> None:
    """A stage's features or its timing early in the night are not its amount."""
    assert "What the night shows:" not in last_answer(demo, asked)


@pytest.mark.parametrize("asked", ["why is there so much N2 in this night?", "why is N2 so high?"])
def test_why_so_much_of_a_stage(sc4001, asked) -> None:
    """"why is there so much N2 in this night?" gave epoch 0's stage evidence; a stage's excess
    gets its amount against the age's range and what raises it."""
    night, _ = sc4001
    stages, _ = night.stages()
    n2 = _minutes(stages == STAGES.index("N2"))
    asleep = _minutes(np.isin(stages, _SLEEP))
    text = last_answer(sc4001, asked)
    assert _lead(text).startswith(f"**N2 over the night: {n2:.1f} min**, {100 * n2 / asleep:.1f} %"), text[:300]
    assert "N2 fills the sleep N3 and REM do not take" in text, text


def test_so_little_in_this_night_is_the_night(sc4001) -> None:
    """"in this night" is the night, not the stretch last shown (as "in it" is)."""
    assert last_answer(sc4001, "show me the second cycle", "why is there so little N3 in this night?") == last_answer(
        sc4001, "why was there so little deep sleep?")


@pytest.mark.parametrize("asked", ["N2 spindle density?", "spindle density N2 pls", "what's the N2 spindle density"])
def test_a_stage_named_before_a_density_keeps_it(demo, asked) -> None:
    """"N2 spindle density?" gave the density over all sleep (the stage dropped): only "in N2"
    kept it."""
    assert _lead(last_answer(demo, asked)) == _lead(last_answer(demo, "spindle density in N2"))


def test_what_happened_at_a_time_lists_events_under_way(demo) -> None:
    """"what happened at HH:MM:SS" in the middle of an apnea said no breathing event was there:
    only events starting in the epoch were listed."""
    night, _ = demo
    events, _ = night.scored_events()
    apnea = next(e for e in events if e.type.endswith("apnea")
                 and night.epoch_at(e.onset) != night.epoch_at(e.offset - 1))
    later = float(night.epochs.starts[night.epoch_at(e.onset) + 1]) + 5 if (e := apnea) else 0.0
    text = last_answer(demo, f"what happened at {clock(night, later)}")
    assert f"**{clock(night, apnea.onset)}–" in text.split("\n\n", 2)[1], text[:400]


@pytest.mark.parametrize(("judged", "plain"), [("is that prolonged", "is that normal?"),
                                               ("is it short for a 47 yo", "is that normal for a 47 year old?"),
                                               ("why so long", "why?")])
def test_judging_the_rem_latency(sc4001, judged, plain) -> None:
    """"is that prolonged", "is it short for a 47 yo" and "why so long" after the REM latency were
    not about this recording."""
    assert last_answer(sc4001, "rem latency?", judged) == last_answer(sc4001, "rem latency?", plain)
