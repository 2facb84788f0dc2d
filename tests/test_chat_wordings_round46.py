"""Wordings that were misread or answered in part (stop 46): each names what it used to get,
and is answered from the bundled night."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.understand import understand
from app.session import Session
from chat_dialogues import last_answer
from sleeplm_core.features.brain import eeg_window_power
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal


def _minutes(night, *stages: str) -> float:
    codes = night.stages()[0]
    return float(np.isin(codes, [STAGES.index(s) for s in stages]).sum()) * EPOCH_SEC / 60


@pytest.mark.parametrize("question, top, bottom", [
    ("what is the N2 to N3 ratio?", ("N2",), ("N3",)),
    ("what's the ratio of REM to NREM?", ("REM",), ("N1", "N2", "N3")),
    ("REM/N3 ratio", ("REM",), ("N3",)),
])
def test_a_stage_ratio_divides_the_two_stages_minutes(demo, question, top, bottom) -> None:
    """"what is the N2 to N3 ratio?" gave N3's minutes alone; "the ratio of REM to NREM" was
    not understood."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    a, b = _minutes(night, *top), _minutes(night, *bottom)
    shown = re.search(r"ratio is \*\*([\d.]+)\*\*", text)
    assert shown and abs(float(shown.group(1)) - a / b) < 0.006, text
    assert f"**{a:.1f} min**" in text and f"**{b:.1f} min**" in text, text


def test_a_stage_ratio_follow_up_keeps_both_stages(demo) -> None:
    text = last_answer(demo, "what is the N2 to N3 ratio?", "and in the first half?")
    assert "in the first half" in text and "N2 to N3 ratio" in text, text


def test_a_stage_ratio_without_the_lower_stage_says_so(demo) -> None:
    night, engine = demo
    first = night.stages()[0][:30]   # the bundled night's first 15 minutes: wake, no N3
    assert (first == STAGES.index("W")).all()
    text = Session(night).ask("what is the wake to N3 ratio in the first 15 minutes?", engine).text
    assert "no N3 was scored, so the W to N3 ratio has no value" in text, text
    assert "**15.0 min** of W" in text, text


def test_a_band_ratio_is_not_a_stage_ratio() -> None:
    assert understand("what is the theta/delta ratio in REM?").measure == "band_ratio"
    assert understand("what is the N2/N3 ratio?").measure == "stage_ratio"


def test_the_eeg_after_an_event_is_measured_over_the_window_asked(demo) -> None:
    """"what does the EEG look like in the 30 seconds after it?" gave the 60 s after it with
    SpO2, heart rate and breathing, and no EEG measure."""
    night, engine = demo
    session = Session(night)
    session.ask("show me the first arousal", engine)
    text = session.ask("what does the EEG look like in the 30 seconds after it?", engine).text
    head = re.search(r"In the (\d+) s after .*?\((\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\)", text)
    assert head and head.group(1) == "30", text[:200]
    assert "delta power (" in text and "SpO2" not in text and "heart rate" not in text, text


def test_a_context_window_names_its_length() -> None:
    assert understand("what happened in the 2 minutes before it?").window == 120.0
    assert understand("what happened in the half a minute after that?").window == 30.0
    assert understand("what happened right before it?").window is None
    assert understand("what happened in the 3 hours after it?").window is None


def test_eeg_window_power_reads_a_rhythm_and_marks_gaps() -> None:
    rate = 100.0
    t = np.arange(0, 120, 1 / rate)
    data = 40 * np.sin(2 * np.pi * 10 * t) + np.random.default_rng(0).normal(0, 2, len(t))
    data[int(90 * rate):int(91 * rate)] = np.nan
    power = eeg_window_power(Signal("EEG", data, rate, "uV"), 80.0, 100.0)
    assert power.shape == (5, 5)
    assert np.isnan(power[:, 2]).all() and not np.isnan(power[:, [0, 1, 3, 4]]).any()
    assert (power[2, [0, 1, 3, 4]] > 90).all()   # alpha (8-12 Hz) holds the 10-Hz rhythm
    assert eeg_window_power(Signal("EEG", data, rate, "uV"), 10.0, 13.0).shape == (5, 0)


@pytest.mark.parametrize("question", ["tell me about the leg movements",
                                      "can you tell me about her arousals"])
def test_the_nights_events_asked_about_are_counted(demo, question: str) -> None:
    """"tell me about the leg movements" explained what a leg movement is; with "the" (or a
    pronoun) and a plural it asks about this night's."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert re.match(r"The human-scored events have \*\*\d+\*\*", text), text[:120]


def test_events_asked_about_in_general_are_explained() -> None:
    assert understand("tell me about leg movements").intent.value == "explain"
    assert understand("tell me about the difference between apneas and hypopneas").intent.value \
        == "explain"


@pytest.mark.parametrize("question", ["what was the sleep onset latency?",
                                      "how long did it take to fall asleep?", "what was the SOL?"])
def test_the_sleep_onset_latency_is_given_as_a_duration(demo, question: str) -> None:
    """It answered with the clock time of sleep onset and the latency as an aside."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    sol = night.summary().sol_min
    assert text.startswith(f"From the human-scored hypnogram: the sleep onset latency is "
                           f"**{sol:.1f} min**"), text


def test_the_time_of_sleep_onset_is_still_a_time(demo) -> None:
    night, engine = demo
    text = Session(night).ask("when did they fall asleep?", engine).text
    assert "Sleep onset (the first sleep epoch) is at **" in text, text


def test_when_was_it_asks_about_the_item_in_focus(demo) -> None:
    """"when was it?" after a list was read as off topic."""
    night, engine = demo
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    text = session.ask("when was it?", engine).text
    longest = max((e for e in night.scored_events()[0] if "apnea" in e.type),
                  key=lambda e: e.duration)
    assert re.match(rf"The [\w ]*apnea at \*\*{clock(night, longest.onset)}–", text), text[:120]
    assert understand("when was that?").ref.value == "item"


def test_a_question_about_the_time_next_to_one_event_finds_it_first(demo) -> None:
    """"what does the EEG look like in the 30 seconds before the first arousal?" listed the
    first arousal and stopped there."""
    night, engine = demo
    text = Session(night).ask("what does the EEG look like in the 30 seconds before the first "
                              "arousal?", engine).text
    first = min(e.onset for e in night.scored_events()[0] if e.type == "arousal")
    assert text.startswith("In the 30 s before the arousal at **"), text[:120]
    assert f"({clock(night, first - 30)}–{clock(night, first)})" in text, text[:200]
    assert "delta power (" in text, text


def test_a_count_after_one_period_stays_one_question() -> None:
    from app.chat.understand import around_the_one
    assert around_the_one("how many apneas were there after the first REM period?") is None


def test_the_first_and_last_n2_periods_are_compared(demo) -> None:
    """"compare the EEG in the first and last N2 period" gave the last N2 period's times."""
    night, engine = demo
    text = Session(night).ask("compare the EEG in the first and last N2 period", engine).text
    assert text.startswith("Mean per epoch, in the first N2 period vs in the last N2 period:"), text
    assert "1 epochs" not in text


@pytest.mark.parametrize("question", ["what is the PLM arousal index?", "PLMAI?",
                                      "what's the PLMS arousal index"])
def test_the_plm_arousal_index_counts_periodic_movements_with_an_arousal(demo, question) -> None:
    """It gave the arousal index of every arousal."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert "a PLMS arousal index of **" in text.split("\n")[0], text[:300]
    assert not text.startswith("**") or "arousal events in" not in text.split("\n")[0]


def test_periodic_series_follow_the_aasm_rule() -> None:
    from sleeplm_core.scoring.limbs import periodic, periodic_series
    # 5 movements 20 s apart, a 200-s pause, 3 more (too few), then 4 at 6 s apart;
    # given out of order
    onsets = np.array([0, 20, 40, 60, 80, 280, 300, 320, 600, 606, 612, 618], float)[::-1]
    found = periodic_series(onsets)
    assert [onsets[s].tolist() for s in found] == [[0, 20, 40, 60, 80], [600, 606, 612, 618]]
    assert periodic(onsets).sum() == 9


def test_the_longest_series_of_periodic_leg_movements_is_listed(demo) -> None:
    """"show me the longest series of periodic leg movements" listed the longest single
    movements."""
    from sleeplm_core.scoring.limbs import periodic_series
    night, engine = demo
    moves = sorted((e for e in night.scored_events()[0] if e.type == "limb_movement"),
                   key=lambda e: e.onset)
    series = periodic_series(np.array([e.onset for e in moves]))
    longest = max(series, key=lambda s: moves[s[-1]].offset - moves[s[0]].onset)
    text = Session(night).ask("show me the longest series of periodic leg movements", engine).text
    assert text.startswith(f"**{len(series)}** periodic series of leg movements"), text[:120]
    first = text.split("\n")[1]
    assert first.startswith(f"- **{clock(night, moves[longest[0]].onset)}–"), first
    assert f"{len(longest)} leg movements" in first, first


@pytest.fixture(scope="module")
def sleep_edf(demo):
    from app.engine import DEMO_DIR
    from app.night import read_night
    return read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001",
                      hypnogram=DEMO_DIR / "SC4001E0_inbed_hypnogram.edf")


@pytest.mark.parametrize("question, start", [
    ("is there any EEG in this file?", "**Yes**: **EEG Fpz-Cz** at **100 Hz**; **EEG Pz-Oz**"),
    ("is there any leg EMG?", "**No**: this file has no leg EMG channel."),
    ("do we have ECG?", "**No**: this file has no ECG channel."),
    ("any breathing channels?", "**Yes**: **Resp oro-nasal** at **1 Hz**, but it is sampled too "
                                "slowly to read breaths"),
])
def test_a_kind_of_channel_asked_about_is_answered_yes_or_no(demo, sleep_edf, question,
                                                             start) -> None:
    """"is there any EEG in this file?" described the epoch on screen, "is there any leg EMG?"
    and "do we have ECG?" were not understood, "any breathing channels?" said no breathing
    channel although a 1-Hz one is there."""
    _, engine = demo
    text = Session(sleep_edf).ask(question, engine).text
    assert text.startswith(start), text[:200]


def test_asking_whether_the_patient_snored_is_no_channel_question() -> None:
    assert understand("any snoring?").topic is None
    assert understand("any position changes?").topic is None


def test_an_item_in_focus_is_read_in_the_recording_not_in_the_main_period(demo, monkeypatch):
    """On a 22-h recording "what does the EEG look like in the minute after it?" read the
    biggest slow wave's seconds as "the first N seconds" of the main sleep period and landed
    at its end."""
    import app.chat.plan as plan

    night, engine = demo
    n = night.n_epochs
    monkeypatch.setattr(plan, "reading_span", lambda _: (n // 4, n, "the main sleep period"))
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    text = session.ask("what happened just after it?", engine).text
    longest = max((e for e in night.scored_events()[0] if "apnea" in e.type),
                  key=lambda e: e.duration)
    assert f"at **{clock(night, longest.onset)}–" in text.split("\n")[0], text[:200]


def test_what_a_signal_showed_in_a_stage_is_described(demo) -> None:
    """"what did the EEG show in N3?" listed the N3 periods; "what did the eye channel show
    during REM?" the REM periods."""
    night, engine = demo
    text = Session(night).ask("what did the EEG show in N3?", engine).text
    assert text.startswith("In N3:\n\n**brain**") and "delta" in text, text[:200]
    text = Session(night).ask("what did the eye channel show during REM?", engine).text
    assert re.match(r"\*\*[\d.]+ per minute\*\* of sleep in REM: \d+ rapid eye movement", text), \
        text[:200]


@pytest.mark.parametrize("question", ["why is it called central?",
                                      "how do you know it's central and not obstructive?"])
def test_what_makes_an_apnea_central_is_explained(demo, question: str) -> None:
    """"why is it called central?" was off topic; "how do you know it's central and not
    obstructive?" explained the obstructive apnea."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert text.startswith("**Central apnea.**"), text[:120]


def test_a_signal_named_after_an_item_question_reads_the_same_item(demo) -> None:
    """"and the oxygen?" after "what happened to the heart rate during it?" gave the SpO2
    around every apnea of that type."""
    text = last_answer(demo, "show me the longest apnea",
                        "what happened to the heart rate during it?", "and the oxygen?")
    assert text.startswith("Mean SpO2 during it: **"), text[:120]


def test_they_split_by_stage_are_the_events_just_listed(demo) -> None:
    """"were they worse in NREM or REM?" after central apneas compared the EEG of the stages."""
    night, _ = demo
    text = last_answer(demo, "how many central apneas were there?",
                        "were they worse in NREM or REM?")
    events = night.scored_events()[0]
    stages = night.stages()[0]
    nrem = sum(e.type == "central_apnea" and 1 <= stages[night.epoch_at(e.onset)] <= 3
               for e in events)
    # the side named first (stop 54), then the counts
    # counted in sleep, as the AHI counts them (stop 71)
    assert text.split("\n\n")[1].startswith(f"Central apnea events (counted in sleep) in the human-scored scoring: "
                                             f"**{nrem}** in N1/N2/N3"), text[:400]


def test_a_described_epoch_is_named_an_epoch(demo) -> None:
    text = last_answer(demo, "zoom to 2 am", "what is the EEG doing there?",
                        "how long did it last?")
    assert text.startswith("The epoch at **"), text[:100]


def test_the_commonest_kind_of_event_leads(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what kind of breathing events dominate?", engine).text
    breathing = [e.type for e in night.scored_events()[0]
                 if e.type in ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")]
    top = max(set(breathing), key=breathing.count)
    assert text.startswith(f"**{top.replace('_', ' ').capitalize()} events** are the commonest: "
                           f"**{breathing.count(top)}** of the {len(breathing)}"), text[:200]


def test_cycles_count_from_sleep_onset_on_a_night_split_by_a_long_awakening(demo, monkeypatch):
    """On a night with an 82-min awakening the cycles began after it (01:42, sleep onset
    22:45): the first 94 min of sleep and its REM were in no cycle."""
    night, engine = demo
    stages, source = night.stages()
    split = stages.copy()
    split[300:440] = STAGES.index("W")   # 70 min of wake, 2.5 h in
    monkeypatch.setattr(night, "stages", lambda: (split, source))
    text = Session(night).ask("how many sleep cycles were there?", engine).text
    onset = clock(night, float(night.epochs.starts[np.flatnonzero(split >= 1)[0]]))
    assert f"- cycle 1: **{onset}–" in text, text
    assert "outside the main episode" not in text, text


def test_which_cycle_had_the_most_of_a_stage(demo) -> None:
    """"which cycle had the most N3?" gave the night's N3; "how long was REM in each cycle?"
    the night's REM."""
    from sleeplm_core.heads.cycles import sleep_cycles

    night, engine = demo
    found = sleep_cycles(night.stages()[0]).cycles
    n3 = [c.stage_min["N3"] for c in found]
    best = int(np.argmax(n3))
    text = Session(night).ask("which cycle had the most N3?", engine).text
    assert text.startswith("N3 per cycle (min): cycle 1 "), text[:120]
    assert f"the most in **cycle {best + 1}" in text and f"(**{n3[best]:.1f} min**)" in text, text
    text = Session(night).ask("how long was REM in each cycle?", engine).text
    assert text.startswith("REM per cycle (min): "), text[:120]


@pytest.mark.parametrize("question", [
    "did the AHI change between the first and second half of the night?",
    "are apneas more frequent early or late in the night?"])
def test_the_two_halves_asked_about_are_compared(demo, question: str) -> None:
    """It answered with the second half (or the last third) alone."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert " in the first half (" in text and " in the second half (" in text, text[:200]


@pytest.mark.parametrize("question, stage, title", [
    ("why is there more deep sleep early in the night?", "N3", "Why deep sleep comes early"),
    ("why does REM come later in the night?", "REM", "Why REM comes late"),
])
def test_why_a_stage_comes_when_it_does_is_explained_with_the_night(demo, question, stage,
                                                                     title) -> None:
    """"why is there more deep sleep early in the night?" showed the evidence for epoch 0."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert text.startswith(f"**{title} in the night.**"), text[:120]
    stages = night.stages()[0]
    sleep = np.flatnonzero(stages >= 1)
    edges = np.linspace(sleep[0], sleep[-1] + 1, 4).round().astype(int)
    first = float(np.sum(stages[edges[0]:edges[1]] == STAGES.index(stage))) * EPOCH_SEC / 60
    assert f"{stage} in each third of the sleep period: first **{first:.1f} min**" in text, text


def test_what_an_event_looks_like_on_a_channel_is_explained(demo) -> None:
    """"show me what an apnea looks like on the airflow channel" listed the file's channels."""
    night, engine = demo
    text = Session(night).ask("show me what an apnea looks like on the airflow channel",
                              engine).text
    assert text.startswith("**Apnea.**") and "Example in this night" in text, text[:200]


@pytest.mark.parametrize("question, row", [("is the REM percentage low?", "REM"),
                                           ("is her deep sleep reduced?", "N3 (slow-wave sleep)")])
def test_a_stage_asked_whether_low_is_read_against_the_norms(demo, question, row) -> None:
    """"is the REM percentage low?" gave REM's minutes with no norm."""
    night, engine = demo
    text = Session(night).ask(question, engine).text
    assert text.startswith(f"**{row}: "), text[:200]
    assert "Ohayon" in text


def test_the_eeg_at_sleep_onset_compares_wake_with_n1(demo) -> None:
    """"what changes in the EEG when someone falls asleep?" described the epoch on screen."""
    night, engine = demo
    text = Session(night).ask("what changes in the EEG when someone falls asleep?", engine).text
    assert text.startswith("Mean per epoch, in W vs in N1:") and "alpha power" in text, text[:200]


def test_awakenings_longer_than_a_minute_in_words(demo) -> None:
    """"how many times did she wake up for more than a minute?" counted every awakening."""
    from app.chat.periods import awakening_runs

    night, engine = demo
    stages = night.stages()[0]
    runs = awakening_runs(stages, np.ones(len(stages), bool))
    longer = sum((b - a + 1) * EPOCH_SEC >= 60 for a, b in runs)
    text = Session(night).ask("how many times did she wake up for more than a minute?",
                              engine).text
    assert f"**{longer}** awakenings lasting 1 min or more" in text, text[:200]
    assert understand("apneas longer than half a minute").min_duration == 30.0


@pytest.mark.parametrize("question", ["what woke her up most often?", "what usually woke him?"])
def test_what_woke_the_sleeper_most_often_reads_every_awakening(question: str) -> None:
    """It listed the night's wake periods."""
    assert understand(question).measure == "awakening_causes"


def test_the_heart_rate_before_the_awakenings_is_measured(demo) -> None:
    """"did the heart rate go up before the awakenings?" listed the awakenings."""
    from app.chat.execute import series
    from app.chat.periods import awakening_runs

    night, engine = demo
    stages = night.stages()[0]
    starts = night.epochs.starts
    runs = awakening_runs(stages, np.ones(len(stages), bool))
    hr = series(night, "hr")
    before = np.zeros(len(hr.times), bool)
    for a, _ in runs:
        before |= (hr.times >= starts[a] - 30) & (hr.times < starts[a])
    text = Session(night).ask("did the heart rate go up before the awakenings?", engine).text
    assert text.startswith(f"In the 30 s before the {len(runs)} awakening events, heart rate "
                           f"runs **"), text[:200]
    assert f"mean **{np.nanmean(hr.values[before]):.1f} bpm**" in text, text


def test_a_signal_before_events_is_measured_before_each(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what was the heart rate before apneas?", engine).text
    assert "- in the 30 s before each starts: mean **" in text, text[:300]
    text = Session(night).ask("what was the heart rate during apneas before 2 am?", engine).text
    assert "before each starts" not in text, text[:300]


def test_a_home_tests_follow_ups_on_severity_and_position() -> None:
    """After "what's the REI?": "how severe is it?" gave the summary, "was it worse on the
    back?" was off topic."""
    assert understand("how severe is it?").note == "severity"
    query = understand("was it worse on the back?")
    assert query.by == "position" and query.stat == "ahi"


def test_the_one_after_that_is_the_next_item(demo) -> None:
    """"and the one after that?" described the minute after the item in focus."""
    text = last_answer(demo, "list the five longest apneas", "next one", "and the one after that?")
    assert text.startswith("The second listed of "), text[:120]


@pytest.mark.parametrize("question, lead", [("what was the lowest SpO2 after it?", "Lowest"),
                                            ("how low did the oxygen go after it?", "Lowest")])
def test_the_extreme_asked_after_an_event_leads(demo, question: str, lead: str) -> None:
    """The lowest SpO2 after an event was only inside the window's measures."""
    from app.chat.execute import series

    night, _ = demo
    text = last_answer(demo, "show me the longest hypopnea", question)
    m = re.search(r"\((\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\)", text)
    s = series(night, "spo2")
    t = np.array([clock(night, x) for x in s.times])
    inside = (t >= m.group(1)) & (t < m.group(2)) & np.isfinite(s.values)
    assert text.startswith(f"{lead} SpO2 in the 60 s after it: **{s.values[inside].min():.1f} %**"), \
        text[:200]


def test_a_normal_hypnogram_is_described_and_the_night_set_against_it(demo) -> None:
    """"what does a normal hypnogram look like and how does this one compare?" gave the
    night's summary alone."""
    from sleeplm_core.heads.cycles import sleep_cycles

    night, engine = demo
    text = Session(night).ask("what does a normal hypnogram look like and how does this one "
                              "compare?", engine).text
    assert text.startswith("**Hypnogram.**") and "A healthy adult's" in text, text[:200]
    n = len(sleep_cycles(night.stages()[0]).cycles)
    assert f"sleep came after {night.summary().sol_min:.0f} min" in text and f"{n} cycles" in text
    assert "N3 in each third of the sleep period" in text, text


def test_time_in_bed_after_waking_up_is_the_wake_after_the_final_awakening() -> None:
    """It gave the whole time in bed."""
    query = understand("how long was she in bed after waking up?")
    assert query.stat == "wake" and query.intent.value == "summary"
