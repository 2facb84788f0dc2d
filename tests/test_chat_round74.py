"""Stop 74: what two read-only probes of the chat (a technician on unscored nights and a home
test; an educator, a student and a researcher) found wrong, each fixed and held here."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.chat.compound import compound
from app.chat.plan import clock
from app.chat.understand import understand
from sleeplm_core.io.recording import STAGES
from chat_dialogues import events_of, last_answer

APNEAS = ("obstructive_apnea", "central_apnea", "mixed_apnea")
REPORT_LIST = ("give me the full respiratory summary for the report: AHI, OAHI, CAI, ODI, T90, nadir, "
               "supine AHI, REM AHI")


def _asked_in_turn(text: str) -> list[str]:
    """The questions a compound question is answered as, in order."""
    asked = []
    while (two := compound(text)) is not None:
        asked.append(two[0])
        text = two[1]
    return [*asked, text]


@pytest.mark.parametrize("text, parts", [
    # read whole it was the supine AHI inside REM alone, and the list after it was dropped
    ("supine AHI and REM AHI", ["supine AHI", "REM AHI"]),
    (REPORT_LIST, ["what is the AHI?", "what is the OAHI?", "what is the CAI?", "what is the ODI?",
                   "what is the T90?", "what is the nadir?", "supine AHI", "REM AHI"]),
    # the summary gave SE, WASO and TST together and left the REM latency out
    ("I need sleep efficiency, WASO, REM latency and TST for the report",
     ["what is the sleep efficiency?", "what is the WASO?", "I need REM latency", "I need TST for the report"]),
    ("obstructive AHI vs central AHI",
     ["what is the obstructive apnea-hypopnea index?", "what is the central apnea index?"]),
])
def test_a_list_of_figures_is_asked_one_by_one(text: str, parts: list[str]) -> None:
    assert _asked_in_turn(text) == parts


def test_figures_the_summary_gives_together_stay_one_question() -> None:
    assert compound("give me TST, SE and WASO") is None


@pytest.mark.parametrize("text, read", [
    # it was read as a question to the model's text tower about epoch 0
    ("is it central or obstructive mostly?", "which type of apnea is the commonest?"),
    ("is it mainly OSA or CSA", "which type of apnea is the commonest?"),
    # it gave the full AHI
    ("whats the AHI excluding centrals?", "what is the obstructive apnea-hypopnea index?"),
    ("AHI without the central apneas", "what is the obstructive apnea-hypopnea index?"),
    ("what is nadir?", "what was the lowest SpO2?"),
])
def test_phrasings_read_as_the_question_they_ask(text: str, read: str) -> None:
    assert understand(text).text == read


def test_the_report_list_answers_every_figure(demo) -> None:
    text = last_answer(demo, REPORT_LIST)
    for said in ("AHI (apneas + hypopneas per hour of sleep): **19.9/h**", "124 obstructive apnea or hypopnea events",
                 "14 central apnea events", "ODI", "below 90", "AHI on the back (supine): ", "AHI by stage"):
        assert said in text, said


def test_and_the_first_after_the_longest_is_the_nights_first(demo) -> None:
    """"and the first?" after "where did breathing stop?" (the longest first) gave the longest."""
    night, _ = demo
    apneas = events_of(night, *APNEAS)
    first = last_answer(demo, "where did breathing stop?", "and the first?")
    assert first.startswith(f"The earliest of {len(apneas)} ") and clock(night, apneas[0].onset) in first
    last = last_answer(demo, "where did breathing stop?", "and the last?")
    assert last.startswith(f"The latest of {len(apneas)} ") and clock(night, apneas[-1].onset) in last


def test_and_supine_nrem_after_the_supine_rem_ahi_reads_nrem(demo) -> None:
    rem = last_answer(demo, "what's the supine REM AHI?")
    nrem = last_answer(demo, "what's the supine REM AHI?", "and supine NREM?")
    assert "(supine) in REM: " in rem and "(supine) in N1/N2/N3: " in nrem


def test_a_follow_up_after_how_sure_about_the_ahi_splits_the_ahi(demo) -> None:
    """It answered "none matches 'ahi_robustness'", the internal name of the answer before."""
    supine = last_answer(demo, "What's the AHI?", "how sure are you about that?", "and supine?")
    assert supine.startswith("**AHI on the back (supine): ") and "ahi_robustness" not in supine


@pytest.mark.parametrize("split, rule", [("AHI in REM vs NREM", "REM-related apnea"),
                                          ("supine vs non-supine AHI", "positional apnea")])
def test_ratio_after_a_split_is_read_against_its_rule(demo, split: str, rule: str) -> None:
    text = last_answer(demo, split, "ratio?")
    assert re.match(rf"\*\*(?:Yes|No), by the usual definition of {rule}\*\*", text), text
    assert re.search(r"ratio \d+\.\d", text)


def test_a_figure_named_before_a_dash_is_judged_at_the_age_after_for(demo) -> None:
    """"sleep efficiency - is that normal for 62?" read 62 as the efficiency (62 %, below)."""
    text = last_answer(demo, "sleep efficiency - is that normal for 62?")
    assert text.startswith("**Sleep efficiency: 86.6 %**") and "healthy 62-year-olds" in text
    assert "62 %" not in text


@pytest.mark.parametrize("question, title, night_line", [
    ("define AHI", "Apnea-hypopnea index (AHI)", "This night: AHI **19.9/h**"),
    ("what does WASO stand for?", "Wake after sleep onset (WASO)", "WASO **50 min**"),
    ("explain the ODI like I'm new", "Oxygen desaturation index (ODI)", "This night: ODI **15.6/h**"),
    ("whats an arousal index", "Arousal index", "per hour** (human-scored events"),
    ("what is REM density?", "REM density", "per minute**"),
    ("what is T90?", "T90", "under 90 % on SpO2"),
    ("what does REI stand for", "Respiratory event index (REI)", "This night: REI **"),
    ("what is sleep efficiency", "Sleep efficiency", "sleep efficiency **86.6 %**"),
])
def test_a_definition_question_gets_the_definition_then_the_nights_figure(demo, question, title,
                                                                          night_line) -> None:
    """"define AHI", "what does WASO stand for?" led with the night's number and a half-line gloss."""
    text = last_answer(demo, question)
    assert text.startswith(f"**{title}.** "), text
    assert night_line in text


def test_what_is_the_ahi_still_asks_the_value(demo) -> None:
    assert last_answer(demo, "what is the AHI?").startswith("AHI (apneas + hypopneas per hour of sleep): **19.9/h**")


def test_the_arousal_index_defined_is_the_one_the_chat_reports(demo) -> None:
    defined = re.search(r"\*\*(\d+\.\d) per hour\*\*", last_answer(demo, "what is an arousal index?"))
    reported = last_answer(demo, "what's the arousal index?")
    assert defined and f"{float(defined.group(1)):.1f}" in reported, reported


def test_a_kind_vs_a_kind_asks_what_tells_them_apart(demo) -> None:
    """"what's a hypopnea vs an apnea" gave the night's two lists side by side, no definition."""
    assert understand("whats a hypopnea vs an apnea?").text == (
        "what's the difference between a hypopnea and an apnea?")
    assert last_answer(demo, "whats a hypopnea vs an apnea?") == last_answer(
        demo, "what's the difference between a hypopnea and an apnea?")


def test_breathing_on_a_one_hz_airflow_with_no_scored_breathing_cannot_be_scored(demo) -> None:
    """A Sleep-EDF-like night (1-Hz oro-nasal channel, no belts) with a human scoring of stages and
    arousals only was told "**Yes**: respiratory events are scored on this night"."""
    from app.session import Session
    from sleeplm_core.io.recording import Signal

    night, engine = demo
    signals = dict(night.recording.signals)
    for slot in ("AF", "THX", "ABD"):
        sig = signals[night.epochs.mapping.get(slot) or night.epochs.aux_mapping[slot]]
        signals[sig.label] = Signal(sig.label, sig.data[:: int(sig.sfreq)].copy(), 1.0, sig.unit)
    events = [e for e in night.recording.events if e.type not in APNEAS + ("hypopnea",)]
    slow = replace(night, recording=replace(night.recording, signals=signals, events=events), _summary={})
    text = Session(slow).ask("could you score the breathing?", engine).text
    assert text.startswith("**No**: respiratory events cannot be scored on this night (no usable airflow"), text
    assert Session(night).ask("could you score the breathing?", engine).text.startswith(
        "**Yes**: respiratory events are scored")


def test_when_after_the_lowest_spo2_is_the_moment_it_was_read(demo) -> None:
    """"when?" after the lowest SpO2 said "the first of 2 (lowest SpO2) at 03:40:41–03:41:11", and
    "what stage was she in then?" that it "lasted 30 s"."""
    when = last_answer(demo, "what's the lowest SpO2?", "when?")
    assert "of 2" not in when and "lasted" not in when
    assert re.search(r"at \*\*\d\d:\d\d:\d\d\*\*", when), when
    stage = last_answer(demo, "what's the lowest SpO2?", "when?", "what stage was she in then?")
    assert "lasted 30 s" not in stage, stage


def test_central_sleep_apnea_criteria_are_read_from_the_nights_events(demo) -> None:
    """"does this meet criteria for central sleep apnea?" gave the apnea list; "is the central apnea
    index high enough to call it CSA?" gave 6.49 per hour with no judgement. Both now get what
    "does she have central sleep apnea?" gets: no diagnosis, and the two figures against their cuts."""
    expected = last_answer(demo, "does she have central sleep apnea?")
    assert "- central apnea index: **" in expected and "not more than the half the ICSD-3 asks for" in expected
    for asked in ("does this meet criteria for central sleep apnea?",
                  "is the central apnea index high enough to call it CSA?"):
        assert last_answer(demo, asked) == expected


@pytest.mark.parametrize("questions, starts", [
    # each was "not about this recording", or another answer
    (("REM latency", "according to YASA?"), "From the human-scored hypnogram: REM latency is"),
    (("REM latency", "and according to the model?"), "From the model-predicted (SleepLM zero-shot) hypnogram: REM"),
    (("is it REM-related OSA?", "why not?"), "**No, by the usual definition of REM-related apnea**"),
    (("is she worse on her back?",), "**Yes**: **11.9/h** on the back (supine)"),
])
def test_terse_follow_ups_keep_the_question_before(demo, questions, starts) -> None:
    assert last_answer(demo, *questions).startswith(starts)


def test_kappa_alone_is_how_far_the_stagings_agree(demo) -> None:
    """"kappa?" after the staging comparison was not about the recording."""
    assert (last_answer(demo, "how does YASA compare with the expert?", "kappa?")
            == last_answer(demo, "what is the kappa?"))


def test_an_off_topic_question_gets_one_line_not_the_whole_help(demo) -> None:
    text = last_answer(demo, "what's the capital of France?")
    assert text.startswith("That question is not about this recording") and "type *help*" in text
    assert len(text) < 400


def test_how_sure_after_machine_scored_events_is_how_well_the_detector_does(demo_unscored, demo) -> None:
    """"how sure are you about that?" after a machine-scored arousal index gave how sure the
    staging is; the detector's own check is what the figure rests on."""
    text = last_answer(demo_unscored, "arousal index", "how sure are you about that?")
    assert text.startswith("**Arousal** on this night, by who found them: **machine-scored")
    assert "How well it finds them: by-event F1 0.76-0.92" in text and "unchecked on real EEG" in text
    scored = last_answer(demo, "arousal index", "how sure are you about that?")
    assert "How well it finds them" not in scored


@pytest.mark.parametrize("asked, read", [
    ("wat is rem sleep", "what is rem sleep"), ("wut is an arousel", "what is an arousal"),
    ("did the patient ever go into N3?", "how much N3 was there?"),
])
def test_a_students_wordings_read_as_meant(asked: str, read: str) -> None:
    assert understand(asked).text == read


@pytest.mark.parametrize("asked", ["why do we score in 30 s epochs?", "why is sleep scored in 30-second epochs?"])
def test_why_thirty_seconds_is_the_epochs_definition(asked: str) -> None:
    q = understand(asked)
    assert (q.note, q.target) == ("glossary", "epoch"), q


def test_a_poem_is_off_topic() -> None:
    assert understand("can you write me a poem about sleep?").intent.value == "off_topic"


def test_limitations_of_an_unscored_night_name_the_missing_scoring(demo_unscored, demo) -> None:
    """"limitations?" on an unscored night said "Nothing is missing" and nothing of its scoring."""
    text = last_answer(demo_unscored, "limitations?")
    assert "**No human scoring**: its stages are machine-scored (YASA" in text, text[:400]
    assert "No human scoring" not in last_answer(demo, "limitations?")


def test_what_the_human_scored_says_none_where_the_human_scoring_has_none(sc4001_read, demo) -> None:
    """SC4001's expert scored stages only: "how many spindles did the human score?" gave the
    machine's 381 as the answer."""
    text = last_answer(sc4001_read, "how many spindles did the human score?")
    assert text.startswith("**None**: the human scoring of this night marks no sleep spindles (it holds "
                           "stages only). What follows is the machine's."), text[:300]
    assert "machine-scored" in text
    assert not last_answer(demo, "how many apneas did the human score?").startswith("**None**")


def test_what_yasa_found_is_one_list_where_the_human_scored_none(sc4001_read) -> None:
    """"how many did YASA find?" after SC4001's spindles printed the machine's list twice, split by
    the expert's stages and then by YASA's, neither side saying which."""
    text = last_answer(sc4001_read, "how many spindles?", "how many did YASA find?")
    assert text.count("sleep spindle events") == 1, text


def test_how_sure_after_a_stage_amount_sets_the_stagings_side_by_side(demo_unscored) -> None:
    """"how sure are you?" after "how much REM?" on an unscored night gave the staging's confidence
    block; YASA's 13 min of REM against the model's 52 on seed 11223 went unsaid."""
    night, _ = demo_unscored
    text = last_answer(demo_unscored, "how much REM did she get?", "how sure are you?")
    machine = float((night.machine_stages() == 4).sum()) / 2
    model = float((night.predicted == 4).sum()) / 2
    assert text.startswith("REM: machine-scored (YASA"), text[:200]
    assert f"**{machine:.1f} min**" in text and f"**{model:.1f} min**" in text
    assert ("They differ by" in text) == (abs(machine - model) >= max(10, 0.25 * max(machine, model)))


@pytest.mark.parametrize("text, parts", [
    # it gave the 3 % count alone
    ("How many hypopneas had a 3% desat vs 4%?", ["How many hypopneas had a 3% desat?",
                                                  "How many hypopneas had a 4% desat?"]),
    ("how much time below 90% and 85%?", ["how much time below 90%?", "how much time below 85%?"]),
    ("ODI 3% vs 4%", ["ODI 3% vs 4%"]), ("AHI 3% vs 4%", ["AHI 3% vs 4%"]),
    ("how many desaturations between 3% and 4%?", ["how many desaturations between 3% and 4%?"]),
])
def test_two_depths_are_asked_in_turn(text: str, parts: list[str]) -> None:
    assert _asked_in_turn(text) == parts


def test_and_at_3_after_a_24_hour_time_is_3_oclock(demo) -> None:
    """"and at 3?" after "what happened at 02:44?" answered the total sleep time."""
    assert last_answer(demo, "what happened at 02:44?", "and at 3?") == last_answer(demo, "what happened at 03:00?")


def test_what_happened_at_a_minute_reads_the_whole_minute(demo) -> None:
    """"what happened at 01:08?" read 01:08:00-01:08:30 and said "no breathing event" of an apnea
    at 01:08:36."""
    night, _ = demo
    late = next(e for e in events_of(night, *APNEAS) if (night.recording.start_time.second + e.onset) % 60 >= 35)
    minute = clock(night, late.onset)[:5]
    text = last_answer(demo, f"what happened at {minute}?")
    assert clock(night, late.onset) in text, text[:500]


def test_the_rate_ratio_interval_covers_the_true_ratio_as_often_as_it_says() -> None:
    """The exact interval of a ratio of two Poisson rates holds the true ratio in at least 95 % of
    draws (it is conservative, as Clopper-Pearson is)."""
    import numpy as np

    from app.chat.significance import rate_ratio_interval

    rng = np.random.default_rng(74)
    truth, minutes = 1.7, (110.0, 234.0)
    held = []
    for _ in range(400):
        k = rng.poisson([truth * 0.1 * minutes[0], 0.1 * minutes[1]])
        if (span := rate_ratio_interval((int(k[0]), int(k[1])), minutes)) is not None:
            held.append(span[0] <= truth <= span[1])
    assert len(held) > 350 and np.mean(held) >= 0.94


def test_a_rule_read_on_a_ratio_gives_its_interval(demo) -> None:
    """Seed 11324 unscored: "is that REM-related OSA?" said Yes on 24 and 18 machine events (ratio
    2.8; the true ratio was 1.7) with no word on how few events that is."""
    text = last_answer(demo, "is it positional?")
    assert "ratio 1.6 (95 % interval 1.1-2.4, which spans 2: with 97 and 41 events" in text, text[:500]
    assert "spans 2" not in last_answer(demo, "is it REM-related OSA?")


def test_rem_related_on_machine_stages_is_read_again_on_the_models(demo_unscored) -> None:
    night, _ = demo_unscored
    model_rem = float((night.predicted == 4).sum()) / 2
    text = last_answer(demo_unscored, "is it REM-related OSA?")
    assert f"On the model's zero-shot stages instead (REM **{model_rem:.0f} min** against the machine" in text, text


@pytest.mark.parametrize("asked, stage", [("is the N3 overscored?", "N3"), ("is REM underestimated?", "REM"),
                                          ("is the REM overscored by YASA?", "REM")])
def test_whether_a_stage_is_over_or_under_scored_sets_the_stagings_side_by_side(demo, asked, stage) -> None:
    """"is REM underestimated?" answered "No" from one epoch's evidence (YASA had 110 min of REM
    against a true 148 on seed 11324); "is N3 overscored by the machine?" listed N3 periods."""
    night, _ = demo
    text = last_answer(demo, asked)
    human = float((night.scored() == STAGES.index(stage)).sum()) / 2
    assert text.startswith(f"{stage}: human-scored **{human:.1f} min**; machine-scored (YASA"), text[:200]


def test_arousal_only_after_the_hypopneas_is_with_an_arousal_and_no_desaturation(demo) -> None:
    """"how many with arousal only?" after the hypopneas counted every hypopnea with an arousal."""
    assert (last_answer(demo, "how many hypopneas?", "how many with arousal only?")
            == last_answer(demo, "how many hypopneas with an arousal but no desaturation?"))


@pytest.mark.parametrize("asked", ["does she need oxygen?", "would she qualify for a split-night?",
                                   "should I refer her to cardiology?"])
def test_treatment_and_referral_are_a_clinicians_call(demo, asked) -> None:
    """"does she need oxygen?" gave SpO2 statistics with no word on advice; the other two were not
    understood or off topic."""
    assert last_answer(demo, asked).startswith("I can't diagnose or advise on treatment")


def test_which_channel_the_model_refers_to_is_no_referral() -> None:
    assert understand("which channel does the model refer to?").intent.value != "medical"


def test_a_machine_scored_central_index_near_the_cut_says_it_could_fall_either_side(
        demo_unscored, demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 11425 unscored: "central apnea index: 4.1/h ... below the ICSD-3's 5/h" with no caveat;
    the true index was 5.1/h. (The cut is moved onto this night's own index to test the rule.)"""
    from app.chat import norms

    text = last_answer(demo_unscored, "does this meet criteria for central sleep apnea?")
    index = float(re.search(r"central apnea index: \*\*([\d.]+)/h", text)[1])
    assert "either side" not in text
    monkeypatch.setattr(norms, "CENTRAL_APNEA_INDEX", index + 1.0)
    assert "could put the true index on either side" in last_answer(
        demo_unscored, "does this meet criteria for central sleep apnea?")
    assert "either side" not in last_answer(demo, "does this meet criteria for central sleep apnea?")


def test_a_bare_list_of_figures_is_asked_one_by_one() -> None:
    """"TST, SE, WASO, REM latency, N3 %, AHI, CAI, ODI, T90 and nadir please" gave the summary,
    without the CAI, the T90 and the nadir."""
    asked = _asked_in_turn("TST, SE, WASO, REM latency, N3 %, AHI, CAI, ODI, T90 and nadir please")
    assert asked[:8] == ["what is the TST?", "what is the SE?", "what is the WASO?", "what is the REM latency?",
                         "what is the N3 %?", "what is the AHI?", "what is the CAI?", "what is the ODI?"]
    assert asked[8:] == ["I need T90 and nadir"]
    # four figures, two of them indices, still read the indices together first (stop 71)
    assert compound("AHI, ODI, lowest SpO2 and arousal index") == ("AHI, ODI", "lowest SpO2 and arousal index")


@pytest.mark.parametrize("asked, read", [("AHI in N1, N2, N3 and REM separately", "AHI by stage"),
                                         ("what woke him at 3?", "what woke him at 3 am?"),
                                         ("what woke her at 11?", "what woke her at 11 pm?")])
def test_a_technicians_shorthand_reads_as_meant(asked: str, read: str) -> None:
    assert understand(asked).text == read


def test_a_cheyne_stokes_example_is_a_run_never_one_central_apnea(demo) -> None:
    """"whats the cheyne stokes" showed a single central apnea as the night's example, right after
    the chat had counted 0 Cheyne-Stokes runs."""
    assert "**0** runs of 3 or more consecutive central apneas" in last_answer(demo, "any Cheyne-Stokes breathing?")
    text = last_answer(demo, "whats the cheyne stokes")
    assert "I found no example of it in this night." in text and "Example in this night" not in text


def test_ratio_after_the_rem_and_the_nrem_ahi_asked_in_turn(demo) -> None:
    """"ratio?" after "AHI in REM?" and "and NREM?" was not about the recording (after "REM vs NREM
    AHI" it worked)."""
    text = last_answer(demo, "AHI in REM?", "and NREM?", "ratio?")
    assert text == last_answer(demo, "AHI in REM vs NREM", "ratio?")


@pytest.mark.parametrize("turns, same", [
    # "The first listed of 8" of the second half's centrals, not the first half's count
    (("how many central apneas in the second half?", "and in the first?"), "how many central apneas in the first half?"),
    # the first REM period again
    (("how long was the first REM period?", "and the second REM period?"), "how long was the second REM period?"),
])
def test_another_part_of_the_night_asks_the_question_again_there(demo, turns, same) -> None:
    assert last_answer(demo, *turns) == last_answer(demo, same)


@pytest.mark.parametrize("asked, same", [
    # "not about this recording"
    ("what caused the nadir?", ("what was the lowest SpO2?", "what happened just before it?")),
    # a list of apneas
    ("how many awakenings were caused by apneas?", ("what woke the patient?",)),
    ("REML?", ("REM latency?",)),
])
def test_a_clinicians_question_reads_as_its_steps(demo, asked, same) -> None:
    assert last_answer(demo, asked) == last_answer(demo, *same)


def test_what_woke_her_the_first_time_is_the_first_awakening_after_sleep_onset(demo) -> None:
    """It answered "W first starts at 22:30:00", the wake before sleep onset."""
    import numpy as np

    night, _ = demo
    stages = night.stages()[0]
    onset = int(np.flatnonzero(stages > 0)[0])
    first = onset + int(np.flatnonzero(stages[onset:] == 0)[0])
    text = last_answer(demo, "what woke her up the first time?")
    assert text.startswith(f"In the 60 s before the W at **{clock(night, night.epochs.starts[first])}"), text[:200]


def test_a_measure_named_after_both_sides_is_the_one_compared(demo) -> None:
    """"compare REM and NREM heart rate variability" compared the mean heart rate."""
    text = last_answer(demo, "compare REM and NREM heart rate variability")
    assert text == last_answer(demo, "compare heart rate variability in REM and NREM")
    assert "RMSSD" in text and understand("compare REM and NREM sleep").measure is None


def test_and_the_3rd_after_the_2nd_hour(demo) -> None:
    """"and the 3rd?" after "whats the ahi in the 2nd hour of sleep" had nothing to pick from."""
    assert (last_answer(demo, "whats the ahi in the 2nd hour of sleep", "and the 3rd?")
            == last_answer(demo, "whats the ahi in the 3rd hour of sleep"))
