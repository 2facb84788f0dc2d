"""Questions of stop 54. Each names what it used to get. Expected figures are read from the
night's own scoring, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.render import _rate_lead
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
    rule = ("REM-related apnea", "a REM AHI at least twice the NREM AHI", "Mokhlesi & Punjabi 2012")
    rem, nrem = BreakdownRow("REM", 60.0, 60.0, 30), BreakdownRow("NREM", 300.0, 300.0, 50)
    lead = _rate_lead(rem, nrem, "higher", "h", 1.0, rule)
    assert lead.startswith("**Yes**: **30.0/h** in REM (30 in 60 min of sleep) against **10.0/h** in "
                           "NREM (50 in 300 min), higher in REM (ratio 3.0; that meets the usual "
                           "definition"), lead
    assert _rate_lead(rem, nrem, "lower", "h", 1.0).startswith("**No**"), lead
    assert "definition" not in _rate_lead(rem, nrem, "lower", "h", 1.0)
    assert _rate_lead(rem, nrem, "rule", "h", 1.0, rule).startswith(
        "**Yes, by the usual definition of REM-related apnea** (a REM AHI at least twice the NREM "
        "AHI, Mokhlesi & Punjabi 2012): **30.0/h** in REM")
    even = BreakdownRow("REM", 60.0, 60.0, 11)
    assert _rate_lead(even, nrem, "higher", "h", 1.0, rule).startswith("**Not clearly**")
    assert _rate_lead(even, nrem, "rule", "h", 1.0, rule).startswith("**No, by the usual")
    assert _rate_lead(even, nrem, "which", "h", 1.0, rule).startswith(
        "**About the same in REM and in NREM**")
    short = BreakdownRow("REM", 5.0, 5.0, 3)
    assert _rate_lead(short, nrem, "higher", "h", 1.0, rule).startswith("**Too little REM")


@pytest.mark.parametrize("questions", [
    ("is the apnea worse in REM?",),
    ("was the AHI higher in REM?",),
])
def test_is_the_ahi_higher_in_rem_is_answered_yes_or_no_first(demo, questions) -> None:
    """"is the apnea worse in REM?" gave the AHI by stage led by its highest stage (N1 on the
    demo night), with the REM against NREM ratio inside the paragraph."""
    night, _ = demo
    rem, nrem = _rate(night, RESPIRATORY, ("REM",)), _rate(night, RESPIRATORY, NREM)
    text = last_answer(demo, *questions)
    assert text.startswith(f"**{_verdict(rem / nrem, 'higher')}**: **{rem:.1f}/h** in REM"), text
    assert f"against **{nrem:.1f}/h** in NREM" in text.split("\n\n")[0], text
    assert f"ratio {rem / nrem:.1f}; under the usual definition of REM-related apnea" in text, text
    assert "\n\nAHI by stage" in text, text


@pytest.mark.parametrize("questions", [
    ("is it REM-related sleep apnea?",),
    ("what's the AHI?", "is that REM-related?"),
])
def test_is_it_rem_related_is_answered_by_the_rule_first(demo, questions) -> None:
    """"is it REM-related sleep apnea?" gave the AHI by stage led by its highest stage; a yes
    on the way alone (higher in REM) would not say whether the definition holds."""
    night, _ = demo
    rem, nrem = _rate(night, RESPIRATORY, ("REM",)), _rate(night, RESPIRATORY, NREM)
    text = last_answer(demo, *questions)
    verdict = "Yes" if rem / nrem >= 2 else "No"
    assert text.startswith(f"**{verdict}, by the usual definition of REM-related apnea** (a REM AHI "
                           f"at least twice the NREM AHI, Mokhlesi & Punjabi 2012): **{rem:.1f}/h** in "
                           f"REM"), text
    # since stop 74 with the ratio's exact 95 % interval
    assert f"ratio {rem / nrem:.1f} (95 % interval " in text and "One night's rates, not a diagnosis." in text, text


def test_is_it_positional_is_answered_by_the_rule_first(demo) -> None:
    """"is it positional?" gave the AHI by position; "was it worse on her back?" too, with no
    yes or no."""
    text = last_answer(demo, "what's the AHI?", "is it positional?")
    rows = {m.group(1): (m.group(2), m.group(3), m.group(4))
            for m in re.finditer(r"^\| (supine|non-supine) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", text, re.M)}
    ratio = float(rows["supine"][2]) / float(rows["non-supine"][2])
    assert text.startswith(f"**{'Yes' if ratio >= 2 else 'No'}, by the usual definition of positional "
                           f"apnea** (a supine AHI at least twice the non-supine AHI, Cartwright 1984): "
                           f"**{rows['supine'][2]}/h** on the back (supine) ({rows['supine'][1]} in "), text
    worse = last_answer(demo, "what's the AHI?", "was it worse on her back?")
    assert worse.startswith(f"**{_verdict(ratio, 'higher')}**: **{rows['supine'][2]}/h** on the back"), worse


def test_a_rate_asked_to_be_more_frequent_or_fewer(demo) -> None:
    """"are apneas more frequent in REM?" and "were there fewer hypopneas in REM?" gave the
    table by stage led by its highest stage, with no yes or no."""
    night, _ = demo
    for question, types, way in (("are apneas more frequent in REM?", APNEAS, "higher"),
                                 ("were there fewer hypopneas in REM?", ("hypopnea",), "lower")):
        rem, nrem = _rate(night, types, ("REM",)), _rate(night, types, NREM)
        text = last_answer(demo, question)
        assert text.startswith(f"**{_verdict(rem / nrem, way)}**: **{rem:.1f}/h** in REM"), text
        # the REM-related rule is stated for the AHI, not for one type of event
        assert "REM-related" not in text, text


def test_an_either_or_on_rem_names_the_side_and_a_plain_split_has_no_lead(demo) -> None:
    night, _ = demo
    rem, nrem = _rate(night, RESPIRATORY, ("REM",)), _rate(night, RESPIRATORY, NREM)
    ratio = rem / nrem
    side = ("Higher in REM" if ratio >= 1.25 else "Lower in REM" if ratio <= 0.8
            else "About the same in REM and in NREM")
    text = last_answer(demo, "was the AHI higher in REM or NREM?")
    assert text.startswith(f"**{side}**: **{rem:.1f}/h** in REM"), text
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


_SIDE_RE = re.compile(r"\*\*(\d+)\*\* (in the (?:first|second) half) \((\d+) min asleep, ([\d.]+) per "
                      r"(hour|minute) of sleep")


@pytest.mark.parametrize("question, way", [
    ("were there more spindles in the second half?", "higher"),
    ("did she have more apneas in the second half?", "higher"),
    ("were there fewer arousals in the first half?", "lower"),
])
def test_more_or_fewer_events_in_a_half_is_answered_first(demo, question, way) -> None:
    """"were there more spindles in the second half?" gave the two halves' counts with no yes
    or no, the half asked for first."""
    text = last_answer(demo, question)
    lead, body = text.split("\n\n", 1)
    (n_a, place_a, _, rate_a, unit), (_, place_b, _, rate_b, _) = _SIDE_RE.findall(body)
    assert place_a in question, (question, body)
    verdict = _verdict(float(rate_a) / float(rate_b), way)
    per = "/min" if unit == "minute" else "/h"
    assert lead.startswith(f"**{verdict}**: **{rate_a}{per}** {place_a} ({n_a} in "), text
    assert f"against **{rate_b}{per}** {place_b}" in lead, text


def test_worse_events_in_a_half_are_more_of_them(demo) -> None:
    """"were apneas worse in the second half?" listed the second half's apneas alone."""
    assert (last_answer(demo, "were apneas worse in the second half?")
            == last_answer(demo, "were there more apneas in the second half?"))


def test_how_long_asleep_is_the_total_sleep_time(demo) -> None:
    """"and how long asleep?" after the time in bed gave the time in bed again, and "how long
    asleep?" the longest wake period."""
    expected = last_answer(demo, "what was the total sleep time?")
    assert expected.startswith("Total sleep time: **"), expected
    assert last_answer(demo, "how long was she in bed?", "and how long asleep?") == expected
    assert last_answer(demo, "how long asleep?") == expected


@pytest.mark.parametrize("first, judged, row", [
    ("when did she fall asleep?", "was it quick?", "Sleep onset latency"),
    ("when did REM first start?", "is that early?", "REM latency"),
    ("what is the REM latency?", "was it late?", "REM latency"),
])
def test_a_timing_judged_quick_or_early_reads_its_norm_first(demo, first, judged, row) -> None:
    """"was it quick?" after sleep onset was off topic; "is that early?" after the first REM
    gave the norms with no row first."""
    text = last_answer(demo, first, judged)
    assert text.startswith(f"**{row}: "), text
    assert text == last_answer(demo, first, "is that normal?"), text


def test_the_summary_says_what_each_stage_share_is_of(demo) -> None:
    """The summary gave wake's share of the time in bed and the sleep stages' of sleep with
    nothing to tell them apart ("W 32 min (26%), N3 66 min (75%)" in the first two hours)."""
    text = last_answer(demo, "summarize the night")
    m = re.search(r"Stages: W ([\d.]+) min \((\d+)% of time in bed\), N1 ([\d.]+) min \((\d+)% of sleep\)",
                  text)
    assert m is not None, text
    tib = float(re.search(r"time in bed (\d+) min", text).group(1))
    tst = float(re.search(r"total sleep (\d+) min", text).group(1))
    assert abs(100 * float(m.group(1)) / tib - int(m.group(2))) <= 1, text
    assert abs(100 * float(m.group(3)) / tst - int(m.group(4))) <= 1, text
    span = last_answer(demo, "summarise the first two hours")
    assert "(its start taken as lights off, its end as lights on): " in span, span


@pytest.mark.parametrize("question, stage", [
    ("find REM epochs with lots of eye movements in the library", "REM"),
    ("find N2 epochs with spindles in the library", "N2"),
    ("find apneas in REM in the library", "REM"),
])
def test_a_library_search_in_a_stage_returns_epochs_scored_in_it(demo, question, stage) -> None:
    """"find REM epochs with lots of eye movements in the library" ignored "REM" (its first hit
    was a wake epoch); "find apneas in REM" ranked by the model's reading of REM, so any
    epoch it read as REM could come first."""
    text = last_answer(demo, question)
    assert f", scored {stage} (" in text.split("\n")[0], text
    stages = re.findall(r"^- [+-]\d\.\d+ · .*? \(\d\d:\d\d:\d\d, stage (\w+),", text, re.M)
    assert len(stages) == 6 and set(stages) == {stage}, text


_BULLET_RE = re.compile(r"^- \*\*([\d:–]+)\*\* \(([\d.]+) s, [\w ]+, ([\d.]+) (µV|Hz)")


@pytest.mark.parametrize("shown, why", [
    ("show me a good example of a K-complex", "why is that a K-complex?"),
    ("show me a spindle", "what makes it a spindle?"),
])
def test_why_the_event_shown_is_one_reads_its_measures_against_the_rule(demo, shown, why) -> None:
    """"why is that a K-complex?" after one was shown listed the night's five longest."""
    listed = last_answer(demo, shown)
    at, duration, value, unit = _BULLET_RE.search(listed.split("\n", 1)[1].lstrip()).groups()
    text = last_answer(demo, shown, why)
    assert text.startswith("**Why the one shown (human-scored) counts**: "
                           f"**{duration} s long** ("), text
    assert f"**{value} {unit}** (" in text.split("\n")[0], text
    assert f"The one shown: **{at}** ({duration} s, stage " in text, text
    floor = 75.0 if unit == "µV" else 11.0
    verdict = "met" if float(value) >= floor else "**not met**"
    assert f"): {verdict}." in text.split("\n")[0], text


def test_why_an_apnea_is_one_is_what_the_belts_did(demo) -> None:
    expected = last_answer(demo, "show me the longest apnea", "what did the belts do during it?")
    assert expected.startswith("Breathing during it"), expected
    assert last_answer(demo, "show me the longest apnea", "why is that an apnea?") == expected


def test_why_a_kind_with_nothing_shown_is_its_definition(demo) -> None:
    assert last_answer(demo, "why is that a K-complex?") == last_answer(demo, "what is a K-complex?")


@pytest.fixture(scope="module")
def one_hour(demo, synthetic_edf):
    """A 1-h scored synthetic recording (an adult's, by the generator's header)."""
    from app.night import embed_night, read_night

    night = read_night(synthetic_edf, "one_hour")
    embed_night(night, demo[1])
    return night, demo[1]


def test_a_recording_shorter_than_a_night_is_not_read_against_night_norms(one_hour) -> None:
    """A 30-min DREAMS excerpt was read against whole-night norms: "total sleep time 27.5 min,
    below the typical 330-450 min", REM latency and stage shares likewise."""
    night, _ = one_hour
    tib = night.summary().tib_min
    assert tib < 240, tib
    text = last_answer(one_hour, "is this normal?")
    assert text.startswith(f"This recording is **{tib:.0f} min** in bed, not a night"), text
    assert "total sleep time:" not in text, text
    found = last_answer(one_hour, "what stands out?")
    assert (f"the stage statistics are not read against norms: the recording is {tib:.0f} min in "
            "bed") in found, found
    assert "typical" not in found, found


def test_the_average_desaturation_after_an_apnea_is_their_depth(demo) -> None:
    """"what's the average desaturation after an apnea?" defined a desaturation; "and after a
    hypopnea?" then counted hypopneas tied to apneas (none)."""
    text = last_answer(demo, "what is the average desaturation after an apnea?")
    assert text.startswith("Depth on SpO2 (SpO2 fall below the pre-event baseline): mean **"), text
    assert "oxygen desaturation events with an apnea" in text, text
    after = last_answer(demo, "what is the average desaturation after an apnea?", "and after a hypopnea?")
    assert "oxygen desaturation events with a hypopnea" in after, after
    assert "Depth on SpO2 (SpO2 fall below the pre-event baseline): mean **" in after, after


def test_the_oxygen_dropping_more_in_a_stage_is_the_desaturations_depth(demo) -> None:
    """"does the oxygen drop more in REM?" compared the desaturations' rates, not depths."""
    expected = last_answer(demo, "were desaturations deeper in REM?")
    assert "desaturation depth below its baseline" in expected, expected
    assert last_answer(demo, "does the oxygen drop more in REM?") == expected


def test_the_ahi_then_after_a_position_is_that_positions(demo) -> None:
    """"what was the AHI then?" after "when was the patient supine?" gave the whole night's."""
    expected = last_answer(demo, "what was the supine AHI?")
    lead = expected.split("\n\n")[0]
    row = re.search(r"^\| supine \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", expected, re.M)
    assert row is not None, expected
    # every position's row but the non-supine sum
    total = sum(int(n) for n in re.findall(r"^\| \w+ \| [\d.]+ \| (\d+) \|", expected, re.M))
    share = 100 * int(row.group(2)) / total
    assert lead == (f"**AHI on the back (supine): {row.group(3)}/h**, {row.group(2)} of the {total} "
                    f"events ({share:.0f} %) in {row.group(1)} min asleep there."), lead
    assert last_answer(demo, "when was the patient supine?", "what was the AHI then?") == expected


def test_the_ahi_on_her_side_pools_the_sides_there_are(demo) -> None:
    text = last_answer(demo, "what was the AHI on her side?")
    rows = {m.group(1): (float(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^\| (left|right) \| ([\d.]+) \| (\d+) \|", text, re.M)}
    assert rows, text
    events, asleep = sum(n for _, n in rows.values()), sum(m for m, _ in rows.values())
    assert text.startswith("**AHI on the "), text
    assert f": {events / (asleep / 60):.1f}/h**" in text.split("\n")[0], text
    assert ("never on the right side" in text) == ("right" not in rows), text


def test_a_share_of_all_of_a_kind_after_a_count(sc4001_unscored) -> None:
    """"what fraction of all spindles is that?" after the spindles in N3 listed every spindle."""
    night, _ = sc4001_unscored
    spindles = events_of(night, "spindle")
    n3 = [e for e in spindles if night.stages()[0][night.epoch_at(e.onset)] == STAGES.index("N3")]
    text = last_answer(sc4001_unscored, "how many spindles in N3?", "what fraction of all spindles is that?")
    assert text.startswith(f"**{len(n3)}** of the night's {len(spindles)} sleep spindle events "
                           f"(**{100 * len(n3) / len(spindles):.0f} %**) are in N3"), text


def test_how_long_in_bed_after_the_final_awakening(sc4001_unscored) -> None:
    """"how long did she stay in bed after that?" after the final awakening described an empty
    0-s span ("In the 0 s after the W at 06:32:30-07:14:30 ...: no epoch")."""
    expected = last_answer(sc4001_unscored, "how long was the patient awake in the morning?")
    assert "after the final awakening" in expected, expected
    assert last_answer(sc4001_unscored, "when did she wake up for good?",
                       "how long did she stay in bed after that?") == expected


def test_score_this_night_says_how_it_was_scored(sc4001_unscored) -> None:
    """"score this night" listed the five longest machine-scored events."""
    expected = last_answer(sc4001_unscored, "how was this night scored?")
    assert "no human scoring" in expected, expected
    assert last_answer(sc4001_unscored, "score this night") == expected


@pytest.mark.parametrize("question", ["what would YASA say this epoch is?", "what does the model think?",
                                      "do the model and YASA agree here?"])
def test_each_stager_on_the_epoch_on_screen(sc4001_unscored, question) -> None:
    """"what would YASA say this epoch is?" described the epoch's events and EEG; "what does the
    model think?" was off topic; "do the model and YASA agree here?" gave the whole night's."""
    expected = last_answer(sc4001_unscored, "go to epoch 300", "what stage is this?")
    assert expected.startswith("Epoch 300 (") and "machine-scored (YASA" in expected, expected
    assert last_answer(sc4001_unscored, "go to epoch 300", question) == expected


def test_how_sure_about_an_epoch_gives_each_stagers_probabilities(sc4001_unscored) -> None:
    expected = last_answer(sc4001_unscored, "why is epoch 300 scored as it is?")
    assert "- the model (zero-shot): " in expected, expected
    assert last_answer(sc4001_unscored, "how sure are you about epoch 300?") == expected


def test_was_it_worse_on_her_back_after_a_signal_is_that_signal(demo) -> None:
    """"was it worse on her back?" after the snoring gave the AHI by position."""
    expected = last_answer(demo, "was the snoring worse on her back?")
    assert "snoring loudness" in expected.split("\n")[0], expected
    assert last_answer(demo, "how much snoring was there?", "was it worse on her back?") == expected


@pytest.mark.parametrize("question, same", [
    ("how do I recognise an obstructive apnea on the belts?",
     "what does an obstructive apnea look like on the belts?"),
    ("how would a student spot a K-complex?", "what does a K-complex look like?"),
    ("how can I identify a spindle?", "what does a spindle look like?"),
])
def test_how_to_recognise_a_kind_is_what_it_looks_like(demo, question, same) -> None:
    """"how do I recognise an obstructive apnea on the belts?" listed the five longest."""
    expected = last_answer(demo, same)
    assert expected.startswith("**") and "Example in this night" in expected, expected
    assert last_answer(demo, question) == expected


@pytest.mark.parametrize("question", ["apneas before and after midnight",
                                      "how many arousals before and after 2 am?"])
def test_events_before_and_after_a_time_are_both_sides(demo, question) -> None:
    """"apneas before and after midnight" listed the apneas after midnight only."""
    expected = last_answer(demo, f"compare {question}")
    counts = [int(n) for n in re.findall(r"\*\*(\d+)\*\* (?:before|after) ", expected)]
    assert len(counts) == 2, expected
    kinds = APNEAS if "apnea" in question else ("arousal",)
    assert sum(counts) == len(events_of(demo[0], *kinds)), expected
    assert last_answer(demo, question) == expected


@pytest.mark.parametrize("question, same", [
    ("was her sleep efficient?", "was the sleep efficiency normal?"),
    ("was she sleeping efficiently?", "was the sleep efficiency normal?"),
    ("how efficient was her sleep?", "what was the sleep efficiency?"),
])
def test_was_her_sleep_efficient_is_the_efficiency(demo, question, same) -> None:
    """"was her sleep efficient?" listed the night's arousals (read by the semantic layer)."""
    night, _ = demo
    expected = last_answer(demo, same)
    assert f"{night.summary().se_pct:.1f} %" in expected.split("\n")[0], expected
    assert last_answer(demo, question) == expected


def test_did_she_sleep_through_the_night_counts_the_awakenings(sc4001_unscored) -> None:
    """"did she sleep through the night?" gave the minutes of N3."""
    expected = last_answer(sc4001_unscored, "how many times did the patient wake up?")
    assert "awakenings (wake periods after sleep onset" in expected, expected
    assert last_answer(sc4001_unscored, "did she sleep through the night?") == expected
