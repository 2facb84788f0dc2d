"""Questions of stop 59, asked as a technician, an educator and a researcher would ask them of
nights not in the repo. Each names what it used to get. Expected answers are the ones the same
question gets asked in full, or the night's own scoring, never typed in."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from app.chat.library import stated_event_types
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from chat_dialogues import last_answer, stage_run

_LISTED_RE = re.compile(r"^- \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \((\d+(?:\.\d)?) s", re.M)


@pytest.mark.parametrize("asked, plain", [
    ("what are the AASM rules for N3?", "what is N3 sleep?"),
    ("how is N3 scored?", "what is N3 sleep?"),
    ("what makes an epoch N3?", "what is N3 sleep?"),
    ("what are the criteria for REM?", "what is REM sleep?"),
    ("what are the rules for scoring N2?", "what is N2 sleep?"),
    ("how do you score REM?", "what is REM sleep?"),
    ("rules for hypopnea", "what is a hypopnea?"),
    ("how do you score a spindle?", "what is a spindle?"),
    ("what are the AASM criteria for an arousal?", "what is an arousal?")])
def test_the_rules_of_a_stage_or_event_are_its_definition(demo, asked, plain) -> None:
    """"what are the AASM rules for N3?" got the AHI under each hypopnea rule; "what are the
    criteria for REM?" the REM periods; "rules for hypopnea" the night's hypopneas."""
    assert last_answer(demo, asked) == last_answer(demo, plain)


def test_does_this_epoch_meet_them_checks_the_stage_just_defined(demo) -> None:
    """After a stage's rules, "does this epoch meet them?" described the epoch's events."""
    text = last_answer(demo, "what are the AASM rules for N3?", "does this epoch meet them?")
    cover = float(re.search(r"slow waves cover \*\*(\d+) %\*\* of the epoch", text).group(1))
    verdict = "Meets" if cover >= 20 else "Short of"
    assert f"**{verdict} the N3 rule by the slow-wave detector**: slow waves cover {cover:.0f} %" in text
    assert text == last_answer(demo, "what are the AASM rules for N3?",
                               "does this epoch meet the criteria for N3?")


@pytest.mark.parametrize("time", ["00:30", "01:14", "03:10", "05:00"])
def test_a_stage_check_says_whether_the_measured_hallmark_is_there(demo, time) -> None:
    """"why is this epoch N2?" listed the measurements without saying whether the rule's
    hallmark was found."""
    night, _ = demo
    text = last_answer(demo, f"zoom to {time}", "why is this epoch scored as it is?")
    stage = re.search(r"is \*\*(W|N1|N2|N3|REM)\*\* in the", text).group(1)
    if stage == "N2":
        events = re.search(r"^- events in it: (.*)$", text, re.M).group(1)
        marked = bool(re.search(r"\b(?:spindle|k complex)\b", events))
        assert ("**Meets the N2 rule**" in text) == marked
        assert ("**No spindle or K-complex detected in the epoch**" in text) == (not marked)
    elif stage == "N3":
        assert "the N3 rule by the slow-wave detector" in text
    elif stage == "REM":
        assert "REM needs them with low chin tone" in text


@pytest.mark.parametrize("follow", ["what gives it away?", "how can you tell?"])
def test_what_gives_it_away_is_the_evidence_for_the_stage_shown(demo, follow) -> None:
    """"what gives it away?" after an example of REM was not about the recording."""
    assert last_answer(demo, "show me an example of REM", follow) == last_answer(
        demo, "show me an example of REM", "why?")


def test_how_would_you_stage_this_epoch_and_why_gives_the_evidence(demo) -> None:
    """It gave the stage and the model's probabilities, without the measurements behind it."""
    assert last_answer(demo, "zoom to 02:00", "how would you stage this epoch and why?") == last_answer(
        demo, "zoom to 02:00", "why is this epoch scored as it is?")


@pytest.mark.parametrize("asked", ["what frequency is dominant in this epoch?",
                                   "what's the dominant frequency here?"])
def test_the_dominant_frequency_of_one_epoch(demo, asked) -> None:
    """One epoch was too few for a spectrum: "No epoch is in this epoch"."""
    text = last_answer(demo, "zoom to 00:30", asked)
    assert re.search(r"is at \*\*\d+\.\d Hz\*\* \(\w+ band, [\d.]+ times the background's power there; "
                     r"1 epoch\)", text), text
    assert "| N2 | 1 |" in text


@pytest.mark.parametrize("asked", ["what percentage of the epoch is slow waves?",
                                   "how much slow wave activity is in this epoch?"])
def test_the_slow_wave_share_of_one_epoch(demo, asked) -> None:
    """It listed the night's slow waves, not the epoch's share of them."""
    text = last_answer(demo, "zoom to 00:10", asked)
    share = re.search(r"slow waves cover \*\*(\d+) %\*\* of the epoch", text).group(1)
    assert f"slow waves cover {share} % of the epoch against the 20 % it asks for" in text


@pytest.mark.parametrize("asked", ["how does the model caption this epoch?",
                                   "what caption does the model give this epoch?"])
def test_the_models_caption_of_an_epoch(demo, asked) -> None:
    """The epoch's measurements came without the caption head's words for some levels."""
    assert last_answer(demo, "zoom to 01:00", asked) == last_answer(demo, "zoom to 01:00", "caption this epoch")


def test_what_caused_them_after_arousals_and_awakenings(demo) -> None:
    """"what caused most of them?" and "what caused them?" were not about the recording."""
    assert last_answer(demo, "how many arousals?", "what caused most of them?") == last_answer(
        demo, "what caused the arousals?")
    assert last_answer(demo, "how many awakenings were there?", "what caused them?") == last_answer(
        demo, "what caused the awakenings?")


@pytest.mark.parametrize("asked", ["what percentage of time was spent awake after sleep onset?",
                                   "waso as a percentage"])
def test_waso_as_a_share_of_the_sleep_period(demo, asked) -> None:
    """It gave WASO in minutes only."""
    night, _ = demo
    stages, _ = night.stages()
    asleep = np.flatnonzero((stages >= 1) & (stages <= 4))
    period = stages[asleep[0]:asleep[-1] + 1]
    share = 100 * np.mean(period == 0)
    text = last_answer(demo, asked)
    assert text.startswith(f"Wake after sleep onset: **{share:.1f} %** of the sleep period"), text


@pytest.mark.parametrize("asked", ["give me the sleep architecture in a table", "a table of the sleep stages"])
def test_the_sleep_architecture_as_a_table(demo, asked) -> None:
    """It gave the one-line summary."""
    night, _ = demo
    stages, _ = night.stages()
    text = last_answer(demo, asked)
    for code, stage in enumerate(STAGES):
        minutes = np.sum(stages == code) * EPOCH_SEC / 60
        runs = np.sum(np.diff(np.concatenate([[0], (stages == code).astype(int)])) == 1)
        row = re.search(rf"^\| {stage} \| ([\d.]+) \| [\d.]+ % \| [^|]+ \| (\d+) \|", text, re.M)
        assert row and float(row.group(1)) == pytest.approx(minutes, abs=0.05) and int(row.group(2)) == runs


def test_which_sensors_are_missing(demo, sc4001_unscored) -> None:
    """The channel table came without saying which usual channels the file lacks, nor why
    the channels it has could not be scored."""
    text = last_answer(sc4001_unscored, "which sensors are missing?")
    lead = text.split("\n\n")[0]
    assert lead.startswith("**Not in this file**:")
    for lacking in ("ECG", "chest belt", "SpO2", "leg EMG", "body position"):
        assert lacking in lead
    assert "**Not scored from what is there**: respiratory:" in lead and "1 Hz" in lead
    assert last_answer(demo, "what is missing from this recording?").startswith("**Nothing is missing**")


@pytest.mark.parametrize("asked", ["anything I should flag?", "what would you flag for the physician?",
                                   "anything concerning?"])
def test_what_to_flag_is_the_findings(demo, asked) -> None:
    """Each was not about the recording."""
    assert last_answer(demo, asked) == last_answer(demo, "what stands out?")


def test_what_the_doctor_should_know_is_the_report(demo) -> None:
    assert last_answer(demo, "what should the doctor know?") == last_answer(demo, "write a report")


@pytest.mark.parametrize("follow", ["find me another one like that", "are there others like it?"])
def test_another_one_like_that_searches_the_library(demo, follow) -> None:
    """Both were not about the recording."""
    assert last_answer(demo, "show me the longest apnea", follow) == last_answer(
        demo, "show me the longest apnea", "find more like this")


@pytest.mark.parametrize("follow, whole", [("show me a central one", "show me a central apnea"),
                                           ("find an obstructive one please", "show me an obstructive apnea")])
def test_a_kind_of_one_after_a_definition(demo, follow, whole) -> None:
    """"show me a central one" after the belts of a central apnea was not about the recording."""
    assert last_answer(demo, "how is a central apnea different on the belts?", follow) == last_answer(demo, whole)


def test_one_of_the_list_by_its_place_then_a_question_about_it(demo) -> None:
    """"how long was the third one?" gave the night's third in time, not the third listed;
    "the third one - how long was it?" and "what stage was the second one in?" the first listed."""
    first = "list the hypopneas in N2"
    listed = _LISTED_RE.findall(last_answer(demo, first))
    third, second = listed[2], listed[1]
    text = last_answer(demo, first, "how long was the third one?")
    assert text.startswith("The third listed of ") and f"{float(third[2]):g} s) at **{third[0]}–{third[1]}**" in text.replace(
        ".0 s)", " s)")
    assert last_answer(demo, first, "the third one - how long was it?") == "\n\n".join(
        [last_answer(demo, first, "show me the third one"),
         last_answer(demo, first, "show me the third one", "how long was it?")])
    text = last_answer(demo, first, "what stage was the second one in?")
    assert text.startswith("The second listed of ") and f"**{second[0]}–{second[1]}**" in text.split("\n\n")[0]
    assert text.split("\n\n", 1)[1] == last_answer(demo, first, "show me the second one", "what stage was it in?")


def test_how_fast_after_a_density_leads_with_the_frequency(demo) -> None:
    """It led with the density again."""
    text = last_answer(demo, "what's the spindle density?", "how fast were they?")
    assert text.startswith("Frequency on ") and "median instantaneous frequency" in text


def test_the_librarys_most_common_captions(demo) -> None:
    """It searched the library for the words "'s common caption library"."""
    _, engine = demo
    meta = engine.library.metadata
    kinds = Counter((str(s), tuple(sorted(stated_event_types(c)))) for s, c in zip(meta["stage"], meta["caption"]))
    (stage, types), n = kinds.most_common(1)[0]
    text = last_answer(demo, "what's the most common caption in the library?")
    assert text.startswith("The library's most common captions")
    first = re.search(r"^- \*\*(\w+)\*\*, ([^:]+): (\d+) epochs", text, re.M)
    assert first.group(1) == stage and int(first.group(3)) == n
    assert (first.group(2) == "no event") == (not types)


@pytest.mark.parametrize("asked, whole", [("how many events were obstructive?", "how many obstructive apneas?"),
                                          ("how many apneas were central?", "how many central apneas?")])
def test_how_many_events_were_of_one_type(demo, asked, whole) -> None:
    """"how many events were obstructive?" listed every scored event."""
    assert last_answer(demo, asked) == last_answer(demo, whole)


@pytest.mark.parametrize("asked", ["how does the breathing change by position?", "breathing by position"])
def test_breathing_by_position_is_the_index_by_position(demo, asked) -> None:
    """It gave the airflow rate per position, where a technician splits the AHI (as "is the
    breathing worse on the back?" already did)."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "AHI by position")
    assert "AHI" in text.split("\n", 1)[0]


def test_the_aasm_hypopnea_rules_stay_the_index_under_each_rule(demo) -> None:
    """The rules of an event are its definition, but the AASM's hypopnea rules name the two
    oxygen criteria whose AHIs differ."""
    assert last_answer(demo, "AASM rule for hypopneas") == last_answer(demo, "AHI 3% vs 4%")


@pytest.mark.parametrize("asked, count, stages", [
    ("how many spindles per minute in N2 on each EEG channel?", "how many spindles in N2?", "N2"),
    ("slow waves by channel", "how many slow waves in N2 and N3?", "N2/N3")])
def test_spindles_and_slow_waves_on_each_eeg_channel(sc4001_unscored, asked, count, stages) -> None:
    """It gave the one channel the machine scoring reads. Each lead is read as that scoring
    reads its own, so the first lead's count is the night's."""
    night, _ = sc4001_unscored
    text = last_answer(sc4001_unscored, asked)
    rows = re.findall(r"^\| (EEG [\w-]+) \| \d+ \| (\d+) \| ([\d.]+) \|", text, re.M)
    assert [label for label, _, _ in rows] == ["EEG Fpz-Cz", "EEG Pz-Oz"]
    night_count = int(re.search(r"have \*\*(\d+)\*\* ", last_answer(sc4001_unscored, count)).group(1))
    assert int(rows[0][1]) == night_count
    minutes = float(re.search(rf"over ([\d.]+) min of {stages}", text).group(1))
    assert all(float(rate) == pytest.approx(int(n) / minutes, abs=0.006) for _, n, rate in rows)


def test_the_phase_of_spindles_in_the_slow_wave_is_the_coupling(demo) -> None:
    """It defined a spindle."""
    assert last_answer(demo, "what is the phase of spindles relative to slow oscillations?") == last_answer(
        demo, "what is the slow oscillation-spindle coupling?")


# A conversation at the viewer, as a technician holds one: moves, "this stage", "it".

def test_go_forward_moves_the_viewer_when_nothing_timed_was_asked(demo) -> None:
    """"go forward 5 minutes" after a question without a time: "the last question named no
    time of the night to move from"."""
    text = last_answer(demo, "what is the AHI?", "go forward 5 minutes")
    assert text.startswith("Epoch 10 (")
    assert last_answer(demo, "what is the AHI?", "go forward 5 minutes", "back 2 minutes").startswith("Epoch 6 (")


@pytest.mark.parametrize("asked", ["how long have they been in this stage?", "when does this stage end?",
                                   "when does it end?"])
def test_the_stretch_of_the_stage_on_screen(demo, asked) -> None:
    """"how long have they been in this stage?" gave the night's N3; "when does it end?" was
    not about the recording."""
    night, _ = demo
    stages, _ = night.stages()
    i = night.epoch_at(3 * 3600.0 + 10 * 60)   # 01:40, 3 h 10 min after the 22:30 start
    a, b = stage_run(stages, i)
    minutes = (b - a + 1) * EPOCH_SEC / 60
    text = last_answer(demo, "zoom to 01:40", asked)
    assert re.match(rf"The stretch of this epoch's stage runs \*\*[\d:]+–[\d:]+\*\* \(\*\*{minutes:.1f} min\*\*\)",
                    text), text
    assert f"{STAGES[stages[i]]} {minutes:.1f}" in text


def test_it_after_moving_to_the_next_period_is_that_period(demo) -> None:
    """After "take me to the next REM period", "how long does it last?" was not about the
    recording and "any apneas during it?" read the list before."""
    moved = last_answer(demo, "zoom to 01:40", "take me to the next REM period")
    start, end = re.search(r"The next REM period, \*\*([\d:]+)–([\d:]+)\*\*", moved).groups()
    text = last_answer(demo, "zoom to 01:40", "take me to the next REM period", "how long does it last?")
    assert text.startswith(f"The REM period at **{start}–{end}** lasted")
    during = last_answer(demo, "zoom to 01:40", "take me to the next REM period", "any apneas during it?")
    times = re.findall(r"^- \*\*(\d\d:\d\d:\d\d)–", during, re.M)
    assert "in REM period" in during and times and all(start <= t < end for t in times)


@pytest.mark.parametrize("asked, whole", [("hmm, why so much wake?", "why was there so much wake?"),
                                          ("thanks, what else should I look at?", "what stands out?")])
def test_conversational_openings(demo, asked, whole) -> None:
    """Both read as the one-line summary or were not about the recording."""
    assert last_answer(demo, asked) == last_answer(demo, whole)


def test_what_changed_between_two_parts_just_asked(demo) -> None:
    """"what changed?" after the first and the last 2 hours was not about the recording."""
    assert last_answer(demo, "can you give me the numbers for the first 2 hours?", "and the last 2 hours?",
                       "what changed?") == last_answer(demo, "compare the first 2 hours with the last 2 hours")


def test_is_that_an_arousal_reads_the_epoch_on_screen(demo) -> None:
    """It listed the night's arousals."""
    assert last_answer(demo, "zoom to 01:14", "is that an arousal?") == last_answer(
        demo, "zoom to 01:14", "is there an arousal in this epoch?")


def test_is_the_index_higher_in_one_half_sets_it_against_the_other(demo) -> None:
    """It gave the second half's AHI against the whole night's, which holds it."""
    text = last_answer(demo, "is the AHI higher in the second half?")
    assert re.match(r"\*\*(?:Yes|No|Not clearly)\*\*", text)
    counts = re.search(r"\*\*(\d+)\*\* in the second half \((\d+) min asleep.*?against \*\*(\d+)\*\* in the "
                       r"first half \((\d+) min asleep", text)
    assert counts, text


def test_is_that_significant_after_two_counts_tests_their_rates(demo) -> None:
    """"is that significant?" after two halves' counts repeated the counts without a test."""
    from scipy.stats import binomtest
    text = last_answer(demo, "compare spindles in the first and second half", "is that difference significant?")
    k1, t1, k2, t2 = (float(x) for x in re.search(
        r"\*\*(\d+)\*\* in the first half \(([\d.]+) min asleep.*?against \*\*(\d+)\*\* in the second half "
        r"\(([\d.]+) min asleep", text).groups())
    p = float(re.search(r"gives \*\*p = ([\d.e-]+)\*\*", text).group(1))
    # the minutes are shown rounded to the minute: the p of any time within that rounding
    bounds = [binomtest(int(k1), int(k1 + k2), (t1 + d1) / (t1 + d1 + t2 + d2)).pvalue
              for d1 in (-0.5, 0.5) for d2 in (-0.5, 0.5)]
    assert min(bounds) * 0.99 <= p <= max(bounds) * 1.01
    assert text.startswith("**Yes**" if p < 0.05 else "**No**")


@pytest.mark.parametrize("asked, stage", [("are they awake here?", "W"), ("is this REM?", "REM"),
                                          ("is this N2?", "N2")])
def test_a_yes_or_no_stage_question_answers_yes_or_no(demo, asked, stage) -> None:
    """It gave the epoch's stage without saying yes or no."""
    night, _ = demo
    stages, _ = night.stages()
    i = night.epoch_at(2 * 3600.0)   # 00:30
    text = last_answer(demo, "zoom to 00:30", asked)
    assert text.startswith(f"**{'Yes' if STAGES[stages[i]] == stage else 'No'}**. Epoch {i} ("), text


# An educator's demo: the quiz's tally, two stages set apart, channels pointed out.

def test_the_quiz_tally_counts_the_replies_marked(demo) -> None:
    """"how am I doing?" after quizzes was not about the recording."""
    from app.session import Session
    night, engine = demo
    stages, _ = night.stages()
    session = Session(night)
    right = 0
    for reply in ("N2", "REM", "W"):
        asked = session.ask("quiz me", engine).text
        epoch = int(re.search(r"What stage is epoch (\d+)", asked).group(1))
        right += STAGES[stages[epoch]] == reply
        session.ask(reply, engine)
    text = session.ask("how am I doing?", engine).text
    assert text.startswith(f"**{right} of 3** quiz replies right so far.")
    assert text.count("you said") == 3 - right


def test_what_night_a_library_match_is_from(demo) -> None:
    """It gave the loaded night's summary."""
    first = "search the library for N3 with spindles"
    assert last_answer(demo, first, "open the third one", "what night is it from?") == last_answer(
        demo, first, "open the third one")


def test_the_difference_between_the_two_stages_just_shown(demo) -> None:
    """"what's the difference between them?" after N1's then N2's periods was not about the
    recording."""
    assert last_answer(demo, "show me the N1 periods", "now N2", "what is the difference between them?") == \
        last_answer(demo, "what's the difference between N1 and N2?")


def test_teaching_the_stages_starts_with_them(demo) -> None:
    """It gave N2's first period."""
    assert last_answer(demo, "I'm teaching a class on sleep stages, where should I start?") == last_answer(
        demo, "what are the sleep stages?")


@pytest.mark.parametrize("asked, plain", [("point out the effort belts", "what are the effort belts?"),
                                          ("where is the chin EMG?", "what is the chin EMG?"),
                                          ("show me the EOG", "what is the EOG?")])
def test_pointing_out_a_channel_says_what_it_records_and_which_it_is(demo, asked, plain) -> None:
    """Each was not about the recording, or unknown."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, plain) and "In this file:" in text


def test_why_the_oxygen_drops_after_rather_than_during(demo) -> None:
    """After an apnea was shown, it described the minute after that apnea; "how long is the
    delay here?" then described the epoch."""
    first = "show me what an obstructive apnea looks like"
    assert last_answer(demo, first, "why does the oxygen drop after it rather than during?") == last_answer(
        demo, first, "why does the oxygen lag behind the breathing?")
    assert last_answer(demo, first, "why does the oxygen drop after it rather than during?",
                       "how long is the delay here?") == last_answer(
        demo, first, "why does the oxygen drop after it rather than during?", "how long is the delay?")


# The real night without its scoring, as a technician meets it.

def test_a_channel_too_slow_is_named_not_called_missing(sc4001_unscored) -> None:
    """SC4001's breathing rate: "this recording has no breathing rate channel", though its
    oro-nasal sensor is there at 1 Hz."""
    text = last_answer(sc4001_unscored, "what is the breathing rate?")
    assert text.startswith("I cannot measure the breathing rate on this recording: Resp oro-nasal is sampled "
                           "at 1 Hz"), text


@pytest.mark.parametrize("follow", ["why can't you score it?", "why cant you measure it?"])
def test_why_it_cannot_be_scored_names_what_is_missing(sc4001_unscored, follow) -> None:
    """Each listed the night's scored events, or was not about the recording."""
    assert last_answer(sc4001_unscored, "what is the breathing rate?", follow) == last_answer(
        sc4001_unscored, "which sensors are missing?")


def test_what_about_a_system_as_the_first_question(sc4001_unscored) -> None:
    """"what about breathing?" with nothing before it: "nothing earlier to refer to"."""
    assert last_answer(sc4001_unscored, "what about breathing?") == last_answer(sc4001_unscored, "breathing?")


def test_what_would_you_score_it_as(sc4001_unscored) -> None:
    """It was not about the recording."""
    assert last_answer(sc4001_unscored, "zoom to 03:00", "what would you score it as?") == last_answer(
        sc4001_unscored, "zoom to 03:00", "what stage is this epoch?")


def test_hypoventilation_names_what_it_needs_and_screens_the_oxygen(demo) -> None:
    """"any periods of hypoventilation?" was read as hyperventilation and not about the night."""
    night, _ = demo
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    low = np.asarray(spo2.data) <= 88.0
    edges = np.diff(np.concatenate([[0], low.astype(int), [0]]))
    longest = max((b - a for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))),
                  default=0) / spo2.sfreq / 60
    text = last_answer(demo, "any periods of hypoventilation?")
    assert text.startswith("**Sleep hypoventilation.**") and "no CO2 channel" in text
    assert f"the longest stretch **{longest:.1f} min**" in text


@pytest.mark.parametrize("asked", ["give me a one-line summary", "summarize the night in one sentence"])
def test_a_one_line_summary(demo, asked) -> None:
    """It gave the full summary paragraph."""
    night, _ = demo
    s = night.summary()
    text = last_answer(demo, asked)
    assert "\n" not in text.strip()
    assert f"**{s.tst_min / 60:.1f} h** asleep of {s.tib_min / 60:.1f} h in bed" in text
    assert f"AHI **{s.ahi:.1f}/h**" in text


# A researcher setting the stagings against each other on a night a person scored.


@pytest.mark.parametrize("asked, stager", [("how does YASA compare with the expert scoring here?", "machine"),
                                           ("which stage does YASA get wrong most?", "machine"),
                                           ("how does the model do against the expert?", "model")])
def test_a_stager_against_the_expert_is_the_confusion_matrix(sc4001_read, asked, stager) -> None:
    """Each gave the machine staging's confidence, or was not about the recording."""
    whole = {"machine": "how does the machine's staging compare to the human scoring?",
             "model": "how does the model's staging compare to the human scoring?"}[stager]
    text, table = last_answer(sc4001_read, asked), last_answer(sc4001_read, whole)
    if asked.startswith("which stage"):
        # since stop 68 the stage asked for leads: the table's last paragraph, said first
        least = table.rsplit("\n\n", 1)[1]
        assert least.startswith("The least agreement is on **"), table[-300:]
        table = f"{least}\n\n{table.rsplit(chr(10) * 2, 1)[0]}"
    assert text == table


def test_per_class_f1_follows_the_pair_just_shown(sc4001_read) -> None:
    """"per-class F1?" was not about the recording; the table had no F1."""
    night, _ = sc4001_read
    text = last_answer(sc4001_read, "how does the model do against the expert?", "per-class F1?")
    assert "model-predicted (SleepLM zero-shot)" in text.split("\n")[0]
    truth, predicted = night.scored(), night.predicted
    both = (truth >= 0) & (predicted >= 0)
    for k, stage in enumerate(STAGES):
        tp = np.sum(both & (truth == k) & (predicted == k))
        f1 = 2 * tp / (np.sum(both & (truth == k)) + np.sum(both & (predicted == k)))
        assert re.search(rf"^\| \*\*{stage}\*\* \|.*\| {f1:.2f} \|$", text, re.M), (stage, f1)


def test_one_cell_of_the_confusion_matrix(sc4001_read) -> None:
    """"how many N1 epochs did the model call wake?" gave the night's N1 minutes."""
    night, _ = sc4001_read
    truth, predicted = night.scored(), night.predicted
    n = int(np.sum((truth == 1) & (predicted == 0)))
    of = int(np.sum((truth == 1) & (predicted >= 0)))
    text = last_answer(sc4001_read, "how many N1 epochs did the model call wake?")
    assert text.startswith(f"**{n}** of the {of} epochs human-scored **N1** were staged **W** by")


def test_where_yasa_disagrees_with_the_expert(sc4001_read) -> None:
    """It listed where the model disagrees, whichever stager was named."""
    night, _ = sc4001_read
    truth, machine = night.scored(), night.machine_stages()
    both = (truth >= 0) & (machine >= 0)
    n = int(np.sum(both & (truth != machine)))
    text = last_answer(sc4001_read, "show me an epoch YASA got wrong")
    assert f"The machine-scored (YASA, EEG Fpz-Cz) stage differs from the human-scored one on **{n}** of" in text
    said = last_answer(sc4001_read, "show me an epoch YASA got wrong", "what did the expert say?")
    assert "in the human-scored staging" in said and "The machine-scored (YASA, EEG Fpz-Cz) stage: **" in said


@pytest.mark.parametrize("terse, whole", [("rem lat", "what is the REM latency?"),
                                          ("ai in rem", "what is the arousal index in REM?"),
                                          ("sleep eff", "what is the sleep efficiency?"),
                                          ("epoch 450 stage?", "what stage is epoch 450?")])
def test_a_technicians_terse_forms(demo, terse, whole) -> None:
    """"rem lat" was read as "is this REM?" (and answered "No"), "ai in rem" as a stage
    question, "epoch 450 stage?" as the epoch's description without its stage."""
    assert last_answer(demo, terse) == last_answer(demo, whole)


@pytest.mark.parametrize("asked, whole", [
    ("how many desaturations were not tied to an apnea or hypopnea?",
     "how many desaturations without an apnea or hypopnea?"),
    ("how many hypopneas were not associated with an arousal?", "how many hypopneas without an arousal?")])
def test_not_tied_to_is_without(demo, asked, whole) -> None:
    """"not tied to an apnea" counted the desaturations tied to one."""
    assert last_answer(demo, asked) == last_answer(demo, whole)


def test_one_of_those_keeps_the_tie(demo) -> None:
    """"show me one of those" after the desaturations without a breathing event showed one of
    all the desaturations."""
    first = "how many desaturations without an apnea or hypopnea?"
    text = last_answer(demo, first, "show me one of those")
    assert "without a respiratory event" in text.split("\n")[0], text


def test_a_bare_after_is_after_the_one_in_focus(demo) -> None:
    """"was there an arousal after?" listed the night's arousals."""
    first = "show me the longest apnea"
    assert last_answer(demo, first, "was there an arousal after?") == last_answer(
        demo, first, "was there an arousal after it?")


def test_in_that_hour_is_the_hour_picked(demo) -> None:
    """"how many events in that hour?" after the worst hour was picked counted the whole night."""
    night, _ = demo
    worst = last_answer(demo, "which hour had the most apneas?")
    hour = re.search(r"Highest rate: \*\*(\d\d):00–(\d\d):00\*\*", worst)
    text = last_answer(demo, "which hour had the most apneas?", "zoom there", "how many events in that hour?")
    first, last = hour.groups()
    assert f"in {first}:00–{last}:00" in text.split("\n")[0], text
    assert all(first <= t[:2] < (last if last != "00" else "24") for t in
               re.findall(r"^- \*\*(\d\d:\d\d:\d\d)–", text, re.M))


@pytest.mark.parametrize("asked", ["can I trust the sleep time on this one?",
                                   "how did you get the stages without EEG?"])
def test_how_far_the_stages_hold(demo, asked) -> None:
    """The first read "this one" as the epoch on screen; the second described an epoch."""
    assert last_answer(demo, asked) == last_answer(demo, "can I trust the hypnogram?")


def test_the_nadir_of_the_one_picked(demo) -> None:
    """"what was the nadir?" after one apnea was shown gave the night's lowest SpO2."""
    first = "show me the longest apnea"
    assert last_answer(demo, first, "what was the nadir?") == last_answer(demo, first, "how low did the sat go?")


def test_what_the_oxygen_is_doing_here_measures_it(demo) -> None:
    """It described the epoch's belts, without its SpO2."""
    assert last_answer(demo, "zoom to 04:00", "what's happening to the SpO2 here?") == last_answer(
        demo, "zoom to 04:00", "what was the SpO2 in this epoch?")


@pytest.mark.parametrize("asked", ["did they talk in their sleep?", "any sleep talking?"])
def test_sleep_talking_is_named_as_not_read(demo, asked) -> None:
    """"did they talk in their sleep?" gave the night's REM."""
    text = last_answer(demo, asked)
    assert text.startswith("**Sleep talking.**") and "No detector in this app reads it" in text


@pytest.mark.parametrize("asked", ["is the PLMS index clinically significant?", "what's a normal PLMS index?"])
def test_the_plms_index_against_its_threshold(demo, asked) -> None:
    """The first gave the index without its threshold; the second the night's sleep norms."""
    text = last_answer(demo, asked)
    assert "PLMS index of **" in text.split("\n\n")[0]
    assert "over 15/h in an adult" in text.split("\n\n")[1]


def test_restless_legs_is_explained_with_what_a_study_can_show(demo) -> None:
    """"what is RLS?" was not about the recording ("are there signs of restless legs?" stays a
    diagnosis question, answered with the leg movements' numbers)."""
    text = last_answer(demo, "what is RLS?")
    assert text.startswith("**Restless legs syndrome.**") and "cannot show it" in text


def test_how_big_are_they_after_counting_in_the_epoch_shown(demo) -> None:
    """"how big are they?" after "how many slow waves are in it?" repeated the epoch's evidence."""
    first = ("show me the clearest N3 epoch", "how many slow waves are in it?")
    text = last_answer(demo, *first, "how big are they?")
    assert text.startswith("Amplitude on ") and "peak to peak" in text.split("\n")[0]
    counted = re.search(r"have \*\*(\d+)\*\* slow wave events", last_answer(demo, *first)).group(1)
    assert f"have **{counted}** slow wave events" in text


@pytest.mark.parametrize("asked", ["is this really N3?", "are you sure this is N3?"])
def test_is_this_really_a_stage_gives_its_evidence(demo, asked) -> None:
    """It gave the night's N3 minutes."""
    assert last_answer(demo, "show me the clearest N3 epoch", asked) == last_answer(
        demo, "show me the clearest N3 epoch", "why is this epoch N3?")


def test_now_show_me_a_stage_after_other_questions(demo) -> None:
    """After an example of N3 and a question about its spectrum, "now show me REM" looked for
    REM in the epoch on screen."""
    text = last_answer(demo, "show me the clearest N3 epoch", "what is the dominant frequency here?",
                       "now show me REM")
    assert text == last_answer(demo, "show me an example of REM")


@pytest.mark.parametrize("bare", ["in the first cycle?", "in REM?", "in the second half?"])
def test_a_bare_scope_carries_the_last_question_there(demo, bare) -> None:
    """"in the first cycle?" after "how many minutes of N2?" described the cycle; "in REM?"
    asked whether the epoch on screen was REM."""
    assert last_answer(demo, "how many minutes of N2?", bare) == last_answer(
        demo, "how many minutes of N2?", f"and {bare}")


def test_woke_up_for_the_longest_time_is_the_longest_awakening(demo) -> None:
    """It gave the final awakening."""
    assert last_answer(demo, "when did she wake up for the longest time?") == last_answer(
        demo, "when was the longest awakening?")
