"""Questions of stop 54. Each names what it used to get. Expected figures are read from the
night's own scoring, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.render import _rem_rate_lead
from app.chat.results import BreakdownRow
from chat_dialogues import events_of, last_answer
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

RESPIRATORY = ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")
APNEAS = RESPIRATORY[:3]
NREM = ("N1", "N2", "N3")


def _rate(night, types: tuple[str, ...], stages: tuple[str, ...]) -> float:
    """Events of ``types`` starting in ``stages``, per hour of those stages."""
    codes = night.stages()[0]
    wanted = [STAGES.index(s) for s in stages]
    n = sum(codes[night.epoch_at(e.onset)] in wanted for e in events_of(night, *types))
    return n / (float(np.isin(codes, wanted).sum()) * EPOCH_SEC / 3600)


def _verdict(ratio: float, way: str) -> str:
    """What a yes/no on REM's rate should say: within a quarter either way is no clear
    difference."""
    if 0.8 < ratio < 1.25:
        return "Not clearly"
    higher = ratio >= 1.25
    return "Yes" if higher == (way == "higher") else "No"


def test_the_rate_lead_reads_the_ratio_and_the_rem_related_rule() -> None:
    rem, nrem = BreakdownRow("REM", 60.0, 60.0, 30), BreakdownRow("NREM", 300.0, 300.0, 50)
    lead = _rem_rate_lead(rem, nrem, "higher", "h", 1.0, True)
    assert lead.startswith("**Yes**: REM **30.0/h** (30 in 60 min) against NREM **10.0/h** (50 in "
                           "300 min), higher in REM (ratio 3.0; that meets the usual definition"), lead
    assert _rem_rate_lead(rem, nrem, "lower", "h", 1.0, False).startswith("**No**"), lead
    assert "definition" not in _rem_rate_lead(rem, nrem, "lower", "h", 1.0, False)
    even = BreakdownRow("REM", 60.0, 60.0, 11)
    assert _rem_rate_lead(even, nrem, "higher", "h", 1.0, True).startswith("**Not clearly**")
    assert _rem_rate_lead(even, nrem, "which", "h", 1.0, True).startswith(
        "**About the same in REM and NREM**")
    short = BreakdownRow("REM", 5.0, 5.0, 3)
    assert _rem_rate_lead(short, nrem, "higher", "h", 1.0, True).startswith("**Too little REM")


@pytest.mark.parametrize("questions", [
    ("is it REM-related sleep apnea?",),
    ("is the apnea worse in REM?",),
    ("what's the AHI?", "is that REM-related?"),
    ("was the AHI higher in REM?",),
])
def test_is_it_rem_related_is_answered_yes_or_no_first(demo, questions) -> None:
    """"is it REM-related sleep apnea?" gave the AHI by stage led by its highest stage (N1 on
    the demo night), with the REM against NREM ratio inside the paragraph."""
    night, _ = demo
    rem, nrem = _rate(night, RESPIRATORY, ("REM",)), _rate(night, RESPIRATORY, NREM)
    text = last_answer(demo, *questions)
    assert text.startswith(f"**{_verdict(rem / nrem, 'higher')}**: REM **{rem:.1f}/h**"), text
    assert f"against NREM **{nrem:.1f}/h**" in text.split("\n\n")[0], text
    assert f"ratio {rem / nrem:.1f}; under the usual definition of REM-related apnea" in text, text
    assert "\n\nAHI by stage" in text, text


def test_a_rate_asked_to_be_more_frequent_or_fewer(demo) -> None:
    """"are apneas more frequent in REM?" and "were there fewer hypopneas in REM?" gave the
    table by stage led by its highest stage, with no yes or no."""
    night, _ = demo
    for question, types, way in (("are apneas more frequent in REM?", APNEAS, "higher"),
                                 ("were there fewer hypopneas in REM?", ("hypopnea",), "lower")):
        rem, nrem = _rate(night, types, ("REM",)), _rate(night, types, NREM)
        text = last_answer(demo, question)
        assert text.startswith(f"**{_verdict(rem / nrem, way)}**: REM **{rem:.1f}/h**"), text
        # the REM-related rule is stated for the AHI, not for one type of event
        assert "REM-related" not in text, text


def test_an_either_or_on_rem_names_the_side_and_a_plain_split_has_no_lead(demo) -> None:
    night, _ = demo
    rem, nrem = _rate(night, RESPIRATORY, ("REM",)), _rate(night, RESPIRATORY, NREM)
    ratio = rem / nrem
    side = ("Higher in REM" if ratio >= 1.25 else "Lower in REM" if ratio <= 0.8
            else "About the same in REM and NREM")
    text = last_answer(demo, "was the AHI higher in REM or NREM?")
    assert text.startswith(f"**{side}**: REM **{rem:.1f}/h**"), text
    assert last_answer(demo, "what is the AHI in REM vs NREM?").startswith("AHI by stage")


@pytest.mark.parametrize("question", [
    "how does this night compare with a typical patient with moderate sleep apnea?",
    "does this look like severe OSA?",
    "is this typical of moderate sleep apnea?",
])
def test_a_night_set_against_a_grade_of_apnea_is_graded(demo, question) -> None:
    """"how does this night compare with a typical patient with moderate sleep apnea?" listed
    the five apneas nearest the median length."""
    assert last_answer(demo, question) == last_answer(demo, "how severe is the apnea?")


def test_the_longest_of_a_list_gives_its_own_times(demo) -> None:
    """"which one was the longest?" after central apneas gave the epoch it starts in and its
    length, not its times."""
    night, _ = demo
    central = events_of(night, "central_apnea")
    event = max(central, key=lambda e: e.duration)
    text = last_answer(demo, "list the central apneas", "which one was the longest?")
    assert text.startswith(f"The longest of {len(central)} (central apnea, {event.duration:.0f} s) at "
                           f"**{clock(night, event.onset)}–{clock(night, event.offset)}**: Epoch "), text


def test_the_last_period_of_a_list_gives_the_period_not_one_epoch(demo) -> None:
    """"and the last one?" after the REM periods named one 30-s epoch of the last period."""
    listed = last_answer(demo, "when was the first REM period?")
    spans = re.findall(r"^- \*\*(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d)\*\*", listed, re.M)
    assert len(spans) >= 2, listed
    text = last_answer(demo, "when was the first REM period?", "and the last one?")
    assert text.startswith(f"The last of {len(spans)} (REM) at **{spans[-1]}**: Epoch "), text
