"""A technician's and a researcher's wordings that were misread (stop 44): each names what
it used to get, and is answered from the bundled nights."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.understand import understand
from app.engine import DEMO_DIR
from app.night import read_night
from app.session import Session


def test_is_that_a_long_sleep_latency_leads_with_that_statistic(demo) -> None:
    """It repeated the sleep onset time."""
    night, engine = demo
    session = Session(night)
    session.ask("how long did it take to fall asleep?", engine)
    text = session.ask("is that a long sleep latency?", engine).text
    assert text.startswith(f"**Sleep onset latency: {night.summary().sol_min:.1f} min**"), text


def test_soremps_is_not_spelled_into_sores() -> None:
    """It was off topic ("did she have any sores?")."""
    q = understand("did she have any SOREMPs?")
    assert (q.stage_event, q.note) == ("latency", "soremp")


def test_early_morning_awakening_gives_the_wake_after_the_final_awakening(demo) -> None:
    """It listed arousals "in early morning"."""
    night, engine = demo
    text = Session(night).ask("was there early morning awakening?", engine).text
    assert text.startswith("Wake: **") and "after the final awakening" in text, text


def test_summarize_the_arousals_lists_them(demo) -> None:
    """It gave the night's summary."""
    night, engine = demo
    n = sum(1 for e in night.scored_events()[0] if e.type == "arousal")
    text = Session(night).ask("summarize the arousals", engine).text
    assert f"**{n}** arousal events" in text and "By cause" in text, text


def test_slow_wave_activity_across_the_night_is_delta_power_by_hour() -> None:
    """It listed the slow-wave events."""
    q = understand("is the slow-wave activity declining across the night?")
    assert (q.by, q.phenomenon) == ("hour", None) and "delta power" in q.measure


def test_slow_oscillations_are_slow_waves() -> None:
    """"slow oscillation density in N3" listed the N3 periods."""
    q = understand("what is the slow oscillation density in N3?")
    assert (q.phenomenon, q.scope.stages) == ("slow_waves", ("N3",))


def test_how_stable_was_n2_is_its_fragmentation() -> None:
    """It listed the N2 periods; the heart rate's stability is still a signal's."""
    assert understand("how stable was N2?").measure == "fragmentation"
    assert understand("how stable was the heart rate in REM?").signal == "hr"


def test_the_mean_rem_period_duration_is_stated(demo) -> None:
    """It listed the periods with no mean."""
    night, engine = demo
    text = Session(night).ask("what's the mean REM period duration?", engine).text
    minutes = [float(m) for m in re.findall(r"\*\* \((\d+\.\d) min\)", text)]
    assert len(minutes) > 1 and f"mean **{np.mean(minutes):.1f} min**" in text.split("\n")[0], text


@pytest.mark.parametrize("question, lead", [
    ("is there an SpO2 channel?", "**Yes**: **SpO2**"), ("does this file have EOG?", "**Yes**: **E1-M2**"),
])
def test_is_there_a_channel_answers_yes_on_the_demo_night(demo, question: str, lead: str) -> None:
    night, engine = demo
    assert Session(night).ask(question, engine).text.startswith(lead)


def test_is_there_an_spo2_channel_answers_no_on_sc4001(demo) -> None:
    """It listed the channels without saying SpO2 was not among them."""
    _, engine = demo
    night = read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001",
                       hypnogram=DEMO_DIR / "SC4001E0_inbed_hypnogram.edf")
    text = Session(night).ask("is there an SpO2 channel?", engine).text
    assert text.startswith("**No**: this file has no SpO2 channel"), text


@pytest.mark.parametrize("question", ["AHI 3% vs 4%?", "what would the AHI be with the 4% rule?",
                                      "what's the CMS AHI?"])
def test_the_ahi_under_each_hypopnea_rule(demo, question: str) -> None:
    """It gave the AHI as scored, with no word of the rule."""
    from sleeplm_core.scoring.desaturation import desaturation_depth

    night, engine = demo
    s = night.summary()
    text = Session(night).ask(question, engine).text
    assert text.startswith("AHI by hypopnea rule"), text
    assert "| as scored | " in text and f"**{s.ahi:.1f}/h**" in text.split("\n")[4]
    events = night.scored_events()[0]
    stages = night.stages()[0]
    sig = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    deep = [d for d in events if d.type == "desaturation"
            and desaturation_depth(sig.data, sig.sfreq, d.onset, d.duration) >= 4]
    tied = [h for h in events if h.type == "hypopnea" and stages[night.epoch_at(h.onset)] > 0
            and any(d.onset <= h.offset and h.onset <= d.offset or h.offset < d.onset <= h.offset + 30
                    for d in deep)]
    assert f"| tied to a ≥4 % desaturation (AASM 1B, CMS) | {len(tied)} |" in text, text


def test_desaturations_of_4_percent_are_still_the_odi() -> None:
    assert understand("ODI 4%").phenomenon == "desaturation"
    assert understand("hypopneas with a 4% desaturation").measure != "hypopnea_rules"


def test_an_index_by_position_and_stage_splits_each_position_by_rem_and_nrem(demo) -> None:
    """It split by position only."""
    from app.chat.breakdown import positions
    from sleeplm_core.heads.summary import APNEA_TYPES

    night, engine = demo
    text = Session(night).ask("how many apneas and hypopneas per hour by position and stage?",
                              engine).text
    assert text.startswith("AHI by body position and stage") or text.startswith(
        "Respiratory event by body position and stage"), text
    where = positions(night)
    stages = night.stages()[0]
    n = sum(1 for e in night.scored_events()[0] if e.type in APNEA_TYPES
            and where[night.epoch_at(e.onset)] == "supine" and stages[night.epoch_at(e.onset)] == 4)
    row = re.search(r"^\| supine REM \| [\d.]+ \| (\d+) \|", text, re.M)
    assert row is not None and int(row.group(1)) == n, text
    total = sum(1 for e in night.scored_events()[0] if e.type in APNEA_TYPES
                and stages[night.epoch_at(e.onset)] > 0)
    assert f" of {total}, " in text.split("\n")[0]   # the non-supine rows are not counted twice


def test_how_is_an_arousal_scored_explains_the_rule(demo) -> None:
    """It listed the night's arousals; "... and how is it scored?" gave the recording's scoring."""
    night, engine = demo
    for question in ("how is an arousal scored?", "what is an arousal and how is it scored?"):
        assert Session(night).ask(question, engine).text.startswith("**Arousal"), question
    assert understand("how was this night scored?").topic == "scoring"


def test_how_is_n3_different_from_n2_compares_the_two_stages(demo) -> None:
    """It described N2 alone."""
    night, engine = demo
    q = understand("how is N3 different from N2?")
    assert [g.stages for g in q.groups] == [("N3",), ("N2",)]
    text = Session(night).ask("how is N3 different from N2?", engine).text
    assert "in N3" in text and "in N2" in text, text


def test_a_difference_between_two_apnea_types_names_both(demo) -> None:
    """"the difference between a central and an obstructive apnea" explained apneas in general,
    so "show me one of each" had no pair to draw."""
    q = understand("what is the difference between a central and an obstructive apnea?")
    assert (q.phenomenon, q.contrast) == ("central_apnea", "obstructive_apnea")


def test_show_me_two_kinds_shows_each(demo) -> None:
    """It showed one apnea of any type."""
    night, engine = demo
    text = Session(night).ask("show me a central apnea and an obstructive apnea", engine).text
    assert "central apnea events" in text and "obstructive apnea events" in text, text


def test_walk_me_through_this_night_summarises_it(demo) -> None:
    """It was not understood."""
    night, engine = demo
    assert "time in bed" in Session(night).ask("walk me through this night", engine).text


def test_an_example_of_each_sleep_stage_draws_every_stage(demo) -> None:
    """It gave the night's summary."""
    night, engine = demo
    answer = Session(night).ask("show me an example of each sleep stage", engine)
    assert answer.text.startswith("**Sleep stages.**") and len(answer.highlights) == 5, answer.text


def test_is_there_an_spo2_channel_says_when_it_cannot_be_read(demo, fraction_spo2) -> None:
    """It answered yes for an uncalibrated channel (DREAMS 3's SAO2 reads a median of -0.008)."""
    night, engine = demo
    text = Session(fraction_spo2).ask("is there an SpO2 channel?", engine).text
    assert text.startswith("**Yes**: **SpO2** at") and "but SpO2: only" in text and "uncalibrated" in text, text
    assert "but" not in Session(night).ask("is there an SpO2 channel?", engine).text.split("\n")[0]
    assert Session(night).ask("is there a pulse channel?", engine).text.startswith("**Yes**: **Pulse**")
