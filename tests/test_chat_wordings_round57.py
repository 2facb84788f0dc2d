"""Questions of stop 57. Each names what it used to get. Expected figures are read from the
night's own scoring, or from the answer the same question gets asked in full, never typed in."""

from __future__ import annotations

import re

import pytest

from app.chat import norms
from chat_dialogues import last_answer


@pytest.mark.parametrize("asked, first, second", [
    ("how many apneas were in N2 and how many in REM?", "how many apneas in N2?",
     "how many apneas in REM?"),
    ("how many hypopneas happened in REM, and how many in NREM?", "how many hypopneas in REM?",
     "how many hypopneas in NREM?"),
    ("how many apneas before 2 am and how many after?", "how many apneas before 2 am?",
     "how many apneas after 2 am?"),
    ("how many arousals were there before 2 am and how many after 2 am?",
     "how many arousals before 2 am?", "how many arousals after 2 am?")])
def test_a_second_count_without_its_noun_counts_the_first_ones(demo, asked, first, second) -> None:
    """"... and how many in REM?" borrowed nothing from the left side: the whole was read as
    its first half (or, with a bare "after", as a reference to the last answer)."""
    text = last_answer(demo, asked)
    for part in (first, second):
        count = re.search(r"have \*\*(\d+)\*\* [\w ]+? events ([^(]+?) \(", last_answer(demo, part))
        assert count is not None
        assert f"have **{count.group(1)}** " in text and count.group(2) in text, (part, text)


def _age(text: str) -> int:
    return int(re.search(r"healthy (\d+)-year-olds", text).group(1))


@pytest.mark.parametrize("asked, row, value", [
    ("is a sleep efficiency of 75% normal?", "sleep efficiency", 75.0),
    ("is a REM latency of 150 minutes normal?", "REM latency", 150.0),
    ("is 20% N3 normal?", "N3 (slow-wave sleep)", 20.0),
    ("is a sleep onset latency of 40 min normal?", "sleep onset latency", 40.0),
    ("is a WASO of 90 minutes bad?", "wake after sleep onset", 90.0),
    ("is 7 hours of sleep enough?", "total sleep time", 420.0),
    ("is a total sleep time of 5 hours normal for a 70 year old?", "total sleep time", 300.0)])
def test_a_value_the_question_gives_is_read_against_the_norms(demo, asked, row, value) -> None:
    """"is a sleep efficiency of 75% normal?" read the night's own 86.6 % instead."""
    text = last_answer(demo, asked)
    unit, low, high = norms.range_of(row, _age(text))
    verdict = "within" if low <= value <= high else ("below" if value < low else "above")
    assert re.match(rf"An? {re.escape(row)}(?: share)? of \*\*{value:g} {unit}\*\*", text), text
    assert f"is **{verdict}** the typical {low:g}–{high:g} {unit}" in text, text
    # the night's own reading follows, as "is this normal?" gives it for the same age
    age = re.search(r"for an? (\d+) year old", asked)
    plain = f"is this normal for a {age.group(1)} year old?" if age else "is this normal?"
    night_rows = last_answer(demo, plain).split(":\n", 1)[1].split("\n\n")[0]
    assert night_rows in text, text


def test_an_age_is_not_read_as_the_value(demo) -> None:
    text = last_answer(demo, "is the REM latency normal for someone aged 45?")
    assert not text.startswith("A REM latency of **45"), text
    assert text.startswith("**REM latency:"), text


def test_a_normal_rem_density_gives_the_density_and_why_no_norm_fits(demo) -> None:
    """"what's a normal REM density?" read the norms of REM's share of sleep."""
    text = last_answer(demo, "what's a normal REM density?")
    density = last_answer(demo, "what's the REM density?").split("\n", 1)[0]
    assert text.startswith(density), text
    assert "no single normal REM density" in text and "typical 17" not in text, text


def test_both_sides_of_the_back_lead_with_their_own_rates(demo) -> None:
    """"what's the AHI supine and non-supine?" led with the non-supine rate alone."""
    text = last_answer(demo, "what's the AHI supine and non-supine?")
    supine = last_answer(demo, "what's the AHI on her back?").split("\n", 1)[0]
    off = last_answer(demo, "what's the non-supine AHI?").split("\n", 1)[0]
    assert text.startswith(f"{supine} {off}"), text


@pytest.mark.parametrize("asked, plain", [
    ("how long was the longest apnea and when was it?", "how long was the longest apnea?"),
    ("what was the deepest desaturation, and when did it happen?",
     "what was the deepest desaturation?")])
def test_when_it_was_after_one_event_is_that_events_answer(demo, asked, plain) -> None:
    """"... and when was it?" was read as a reference to the last answer: "nothing to pick from"."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, plain), text
    assert re.search(r"\*\*\d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*\*", text), text


def test_two_stages_each_with_in_are_side_by_side(demo) -> None:
    """"what's the ODI in REM and in NREM?" gave REM's alone."""
    text = last_answer(demo, "what's the ODI in REM and in NREM?")
    assert text == last_answer(demo, "what's the ODI in REM vs NREM?"), text
    assert "REM" in text and "NREM" in text
    # one "in" is both stages together, as before
    both = last_answer(demo, "how many spindles in N2 and N3?")
    assert "in N2/N3" in both, both


def test_a_second_tie_without_its_noun_counts_the_first_ones(demo) -> None:
    """"... and how many had an arousal?" was read as the whole's first half only."""
    text = last_answer(demo, "how many hypopneas had a desaturation and how many had an arousal?")
    for part in ("how many hypopneas had a desaturation?", "how many hypopneas had an arousal?"):
        assert last_answer(demo, part).split("\n", 1)[0] in text, (part, text)


@pytest.mark.parametrize("asked, measure", [
    ("what was the heart rate on her back?", "heart rate (mean)"),
    ("what was the snoring like on her back?", "snoring loudness")])
def test_a_measure_in_a_named_position_is_that_measure(demo, asked, measure) -> None:
    """"what was the heart rate on her back?" gave the minutes on her back."""
    text = last_answer(demo, asked)
    table = last_answer(demo, asked.replace("on her back", "by position"))
    assert measure in text.split("\n", 1)[0] and "on the back" in text.split("\n", 1)[0], text
    assert text.endswith(table.split("\n\n", 1)[1]), text
    assert "min asleep" not in text, text


def test_a_bare_last_borrows_the_first_ones_unit(demo) -> None:
    """"... in the first cycle and how many in the last?" read "the last" as the latest spindles."""
    text = last_answer(demo, "how many spindles were there in the first cycle and how many in the last?")
    for part in ("how many spindles in the first cycle?", "how many spindles in the last cycle?"):
        assert last_answer(demo, part).split("\n", 1)[0] in text, (part, text)


def test_a_follow_up_inside_the_question_follows_its_first_half(demo) -> None:
    """"which cycle had the most REM and how long was it?": "nothing earlier to refer to"."""
    text = last_answer(demo, "which cycle had the most REM and how long was it?")
    assert text.startswith(last_answer(demo, "which cycle had the most REM?")), text
    assert text.endswith(last_answer(demo, "which cycle had the most REM?", "how long was it?")), text


def test_a_stage_share_the_question_gives_is_read_against_its_norm(demo) -> None:
    """"is an N1 of 15% too much?" gave the night's N1 minutes."""
    text = last_answer(demo, "is an N1 of 15% too much?")
    unit, low, high = norms.range_of("N1", _age(text))
    assert text.startswith(f"An N1 share of **15 %** of sleep is **{'above' if 15 > high else 'within'}** "
                           f"the typical {low:g}–{high:g} %"), text


def test_asleep_and_awake_are_side_by_side(demo) -> None:
    """"what's the average heart rate asleep and awake?" gave the whole night's heart rate."""
    assert last_answer(demo, "what's the average heart rate asleep and awake?") == \
        last_answer(demo, "what's the average heart rate asleep vs awake?")
