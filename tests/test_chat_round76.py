"""Stop 76: what stop 75 left, and what stop 76's probes of follow-ups found, each fixed and held
here."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.timespan import parse_time
from app.chat.understand import understand
from chat_dialogues import last_answer


def _spo2(night) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, %) of the night's SpO2 channel, read from the recording itself."""
    s = night.recording.signals["SpO2"]
    values = np.asarray(s.data, dtype=float)
    return np.arange(values.size) / s.sfreq, values


@pytest.mark.parametrize("text, ordinal, rank", [
    ("and the second lowest?", 1, "lowest"), ("second lowest?", 1, "lowest"),
    ("what about the 3rd longest one", 2, "longest"), ("when was the second highest?", 1, "highest"),
    ("and the third deepest?", 2, "strongest"),
])
def test_the_nth_of_a_ranking_is_a_step_in_the_last_list(text: str, ordinal: int, rank: str) -> None:
    """"and the second lowest?" was the SpO2 question again, answered with the same nadir."""
    query = understand(text)
    assert (query.intent.value, query.ref.value, query.ordinal, query.note) == (
        "navigate", "focus", ordinal, f"nth:{rank}")


def test_the_second_lowest_spo2_is_the_lowest_reading_of_another_dip(demo) -> None:
    night, _ = demo
    text = last_answer(demo, "what was the lowest oxygen?", "and the second lowest?")
    m = re.match(r"The second lowest of \d+ \(SpO2 (\d+\.\d) %\) at \*\*(\d\d:\d\d:\d\d)\*\*", text)
    assert m, text[:200]
    t, v = _spo2(night)
    nadir = int(np.argmin(v))
    second = [i for i in range(v.size) if clock(night, float(t[i])) == m.group(2)]
    assert second and abs(v[second[0]] - float(m.group(1))) < 0.051
    # a separate dip: between the two the saturation climbs half the way back to the median
    a, b = sorted((nadir, second[0]))
    assert v[a:b + 1].max() >= v[nadir] + (np.median(v) - v[nadir]) / 2
    # and no reading outside the nadir's own dip is lower
    half = v[nadir] + (np.median(v) - v[nadir]) / 2
    above = np.flatnonzero(v >= half)
    lo, hi = above[above < nadir].max() + 1, above[above > nadir].min()
    outside = np.r_[v[:lo], v[hi:]]
    assert outside.min() == pytest.approx(float(m.group(1)), abs=0.051)


def test_the_lowest_spo2_lists_its_dips_and_when_reads_the_one_in_focus(demo) -> None:
    text = last_answer(demo, "what was the lowest oxygen?")
    listed = re.findall(r"^- \*\*(\d+\.\d) %\*\* at \*\*(\d\d:\d\d:\d\d)\*\*", text, re.M)
    assert len(listed) == 5 and [float(x) for x, _ in listed] == sorted(float(x) for x, _ in listed)
    when = last_answer(demo, "what was the lowest oxygen?", "and the second lowest?", "when?")
    assert when.startswith(f"The SpO2 {listed[1][0]} % was read at **{listed[1][1]}**")
    assert "lasted" not in when


def test_the_second_longest_after_the_longest_apneas_is_the_second_listed(demo) -> None:
    listed = last_answer(demo, "longest apneas")
    spans = re.findall(r"^- \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \((\d+) s", listed, re.M)
    assert len(spans) >= 2 and int(spans[0][2]) >= int(spans[1][2])
    text = last_answer(demo, "longest apneas", "and the second longest?")
    assert text.startswith("The second longest of ") and f"**{spans[1][0]}–{spans[1][1]}**" in text


@pytest.mark.parametrize("text", ["which stager is right?", "who's right, yasa or the model?",
                                  "which staging should I trust?", "is yasa or the model right?",
                                  "which hypnogram is correct here?", "so which is right?"])
def test_which_stager_is_right_races_the_stagings(text: str) -> None:
    """"which stager is right?" was read as the stage of the epoch on screen."""
    query = understand(text)
    assert (query.intent.value, query.topic, query.note) == ("recording", "scoring", "which_right")


def test_which_stager_is_right_on_a_scored_night_is_the_race_against_the_scoring(demo) -> None:
    text = last_answer(demo, "which stager is right?")
    assert "closer to the human-scored stages" in text and "Cohen's κ" in text


def test_the_best_and_worst_hour_say_which_short_hours_are_not_ranked(demo) -> None:
    text = last_answer(demo, "worst hour for breathing?", "and the best?")
    rows = re.findall(r"^\| (\d\d:\d\d–\d\d:\d\d) \| (\d+\.\d) \|", text, re.M)
    short = [hour for hour, minutes in rows if float(minutes) < 30]
    assert short, "the test needs an hour with under 30 min asleep"
    lead = text.split("\n\n")[0]
    assert lead.startswith("Lowest rate: ") and "ranked over hours with 30 min asleep or more" in lead
    assert all(hour in lead for hour in short) if len(short) < 3 else f"{len(short)} with less not ranked" in lead


def _minutes(stages: np.ndarray, stage: str) -> float:
    return float(np.sum(stages == ("W", "N1", "N2", "N3", "REM").index(stage))) * 0.5


@pytest.mark.parametrize("stage", ["N1", "N2", "N3", "REM"])
def test_a_stage_amount_the_two_stagings_read_apart_is_not_settled(demo_unscored, stage: str) -> None:
    """"how much REM?" on an unscored night gave YASA's minutes alone; on seed 11728 YASA read
    15.0 min of REM and the model 33.5, the truth 34.0."""
    night, _ = demo_unscored
    machine = _minutes(np.asarray(night.stages()[0]), stage)
    model = _minutes(np.asarray(night.model_check().stages()[0]), stage)
    text = last_answer(demo_unscored, f"how much {stage}?")
    apart = abs(machine - model) >= 10 and abs(machine - model) >= 0.25 * max(machine, model)
    assert f"**{machine:.1f} min** of {stage}" in text
    assert ("staging reads **%.1f min**" % model in text and "**not settled**" in text) == apart


def test_the_demo_has_a_stage_amount_the_stagings_read_apart(demo_unscored) -> None:
    """The test above checks both sides only while one stage is apart on the demo."""
    night, _ = demo_unscored
    machine, model = np.asarray(night.stages()[0]), np.asarray(night.model_check().stages()[0])
    gaps = [(abs(_minutes(machine, s) - _minutes(model, s)), max(_minutes(machine, s), _minutes(model, s)))
            for s in ("N1", "N2", "N3", "REM")]
    assert any(gap >= 10 and gap >= 0.25 * top for gap, top in gaps)


def test_a_human_scored_stage_amount_has_no_second_reading(demo) -> None:
    assert "not settled" not in last_answer(demo, "how much REM?")


@pytest.mark.parametrize("text", ["write the HSAT report", "HSAT report please", "home sleep test interpretation",
                                  "write a report for the referring physician", "summarize for the referring doctor",
                                  "give me the study interpretation"])
def test_a_report_by_any_name_is_the_report(text: str) -> None:
    """Each gave the night's summary block: on a home test, a staged block from a guess."""
    from app.chat.report import is_report
    assert is_report(text)


@pytest.mark.parametrize("text", ["interpretation of the apnea?", "summarize the night", "what is in the report?"])
def test_a_question_about_something_is_no_report(text: str) -> None:
    from app.chat.report import is_report
    assert not is_report(text)


def test_a_home_tests_summary_gives_no_staged_figures_from_the_guess(home_test) -> None:
    """It gave "REM latency 0 min, 109 awakenings ... AHI 32.1/h" from the model's guessed
    stages on a recording with no EEG (seed 12233; true REM latency 43 min, 14 awakenings)."""
    night, _ = home_test
    s = night.summary()
    text = last_answer(home_test, "how did she sleep?")
    assert text.startswith(f"**REI {s.rei:.1f}/h**")
    assert f"ODI **{s.n_desaturations / (s.tib_min / 60):.1f}/h**" in text
    assert f"about **{s.tst_min:.0f} min** of the {s.tib_min:.0f} min recorded asleep, a guess" in text
    for staged in ("REM latency", "awakenings", "efficiency", f"AHI {s.ahi:.1f}/h"):
        assert staged not in text


def test_a_psgs_summary_keeps_its_staged_figures(demo) -> None:
    text = last_answer(demo, "how did she sleep?")
    assert "REM latency" in text and "awakenings" in text and "Sleep is not staged" not in text


@pytest.mark.parametrize("text", ["severity?", "what severity is that", "what's the severity", "severity grade?"])
def test_a_bare_severity_is_the_apneas_band(text: str) -> None:
    query = understand(text)
    assert (query.intent.value, query.note) == ("medical", "severity")


def test_severity_on_a_home_test_grades_the_rei(home_test) -> None:
    night, _ = home_test
    text = last_answer(home_test, "severity?")
    assert f"REI: **{night.summary().rei:.1f} events/h recorded" in text and "REI band: **" in text


@pytest.mark.parametrize("text, target", [
    ("supine vs non-supine", ""), ("back vs side", ""), ("compare supine and lateral", ""),
    ("on her back vs on her side", ""), ("positional?", ""), ("is it positional?", ""),
    ("is the left side worse?", "left"),
])
def test_positions_set_against_each_other_are_the_rate_by_position(text: str, target: str) -> None:
    """Each was "not about this recording" unless it named the AHI or the REI."""
    query = understand(text)
    assert (query.intent.value, query.by, query.target) == ("breakdown", "position", target)


def test_supine_vs_non_supine_on_a_home_test_is_the_rei_per_hour_recorded(home_test) -> None:
    text = last_answer(home_test, "supine vs non-supine")
    assert text.startswith("REI by body position: events wherever they fall, per hour recorded")
    assert re.search(r"Supine \d+\.\d/h against \d+\.\d/h off the back", text)


@pytest.mark.parametrize("text, start_h", [
    ("how many apneas in the 3am hour?", 3), ("and the 4am hour?", 4), ("what about the 5 oclock hour?", 5),
    ("AHI in the hour from 2am", 2),
])
def test_the_3am_hour_is_the_clock_hour(text: str, start_h: int) -> None:
    """"the 3am hour" was the 30 s from 03:00 (0 apneas, truth 17 on seed 12031)."""
    span = parse_time(text)
    assert (span.kind, span.start, span.end) == ("clock", start_h * 3600.0, (start_h + 1) * 3600.0)


def test_and_1am_after_the_hourly_ahi_is_that_hours_row(demo) -> None:
    """It gave "0.5 min asleep | 1 event | 120.0/h", the first epoch of the hour."""
    table = last_answer(demo, "hourly AHI")
    row = re.search(r"^\| 01:00–02:00 \| (\d+\.\d) \| (\d+) \| (\d+\.\d) \|", table, re.M)
    assert row, table
    text = last_answer(demo, "hourly AHI", "and 1am?")
    assert f"| 01:00–02:00 | {row.group(1)} | {row.group(2)} | {row.group(3)} |" in text


@pytest.mark.parametrize("text, read", [
    ("first 2 hours of sleep AHI", "AHI in the first 2 hours of sleep?"),
    ("the last 2 hours of sleep odi", "odi in the last 2 hours of sleep?"),
    ("position?", "and position?"), ("where was she lying", "what position was she in?"),
    ("position at 4:30?", "what position was she in at 4:30?"),
    ("was she on her back at 3am?", "what position was she in at 3am?"),
    ("any narcolepsy signs?", "was there a SOREMP?"), ("signs of narcolepsy?", "was there a SOREMP?"),
    ("kappa between them", "how does the model compare with YASA?"),
    ("where do they disagree most?", "where do the stagers disagree?"),
    ("was there any signal dropout", "is the signal quality ok?"), ("any dropouts?", "is the signal quality ok?"),
    ("how many hours of valid flow signal", "is this a valid home sleep test?"),
    ("and in bed?", "time in bed?"), ("how long awake in the night?", "how much wake after sleep onset?"),
    ("what would change your mind?", "how sure are you?"),
    ("worst position", "which position had the highest AHI?"),
    ("best position for breathing?", "which position had the lowest AHI?"),
    ("mostly obstructive?", "are the apneas mostly obstructive?"), ("how far did the sat drop?", "how low did the saturation go?"),
    ("are you sure about the N3?", "how sure are you about the N3?"),
    ("REM latency seems short, is it?", "is the REM latency short?"),
    ("sleep efficiency if lights off was at 00:38", "what is the sleep efficiency from 00:38"),
    ("TST if lights off was 23:00 and lights on 6:00", "what is the TST from 23:00 to 6:00"),
])
def test_clipped_technician_forms(text: str, read: str) -> None:
    assert understand(text).text == read


def test_the_lowest_heart_rate_inside_an_apnea_is_during_it(demo) -> None:
    """"was that during an apnea?" after the lowest heart rate counted apneas starting within
    the half second read, so it said 0 where a central apnea spanned the reading (seed 12031)."""
    night, _ = demo
    text = last_answer(demo, "lowest hr")
    at = re.search(r"lowest \*\*[\d.]+ bpm\*\* at (\d\d:\d\d:\d\d)", text).group(1)
    events, _ = night.scored_events()
    spanning = [e for e in events if e.type.endswith("apnea")
                and clock(night, e.onset) <= at <= clock(night, e.onset + e.duration)]
    answer = last_answer(demo, "lowest hr", "was that during an apnea?")
    count = int(re.search(r"have \*\*(\d+)\*\* apnea", answer).group(1))
    assert count == len(spanning)


def test_second_lowest_spo2_asked_alone_leads_with_the_second_dip(demo) -> None:
    listed = re.findall(r"^- \*\*(\d+\.\d) %\*\* at \*\*(\d\d:\d\d:\d\d)\*\*",
                        last_answer(demo, "what was the lowest oxygen?"), re.M)
    text = last_answer(demo, "second lowest spo2")
    assert text.startswith(f"The second lowest SpO2, the lowest reading of a separate dip: **{listed[1][0]} %** "
                           f"at **{listed[1][1]}**")
    assert last_answer(demo, "second lowest spo2", "when?").startswith(f"The SpO2 {listed[1][0]} % was read at")


def test_whats_abnormal_marks_the_verdicts_the_model_reads_apart(demo_unscored) -> None:
    """"anything abnormal?" gave YASA's norm verdicts flat (seed 12132: TST, SE, WASO, N2 and
    REM latency all flagged, all within or above in truth, as the model read them)."""
    from app.chat.findings import model_norm_rows
    from app.chat import norms
    night, _ = demo_unscored
    other = model_norm_rows(night, None, night.recording.patient.age and int(night.recording.patient.age))
    _, rows = norms.compare_with_norms(night.summary(), night.recording.patient.age and int(
        night.recording.patient.age), cut_at_onset=False)
    side = lambda v, lo, hi: "within" if lo <= v <= hi else "below" if v < lo else "above"  # noqa: E731
    text = last_answer(demo_unscored, "anything abnormal?")
    flagged = [(n, v, lo, hi) for n, v, _, lo, hi in rows if not lo <= v <= hi]
    assert flagged, "the test needs a verdict outside the norms"
    for name, value, lo, hi in flagged:
        line = next(x for x in text.splitlines() if f"{name} **{value:.1f}" in x)
        assert ("**not settled**" in line) == (side(other[name], lo, hi) != side(value, lo, hi))


def _latency(stages: np.ndarray, code: int) -> float:
    """Minutes from the first sleep epoch to the first epoch of ``code``."""
    sleep = np.flatnonzero((stages >= 1) & (stages <= 4))
    return (np.flatnonzero(stages == code)[0] - sleep[0]) * 0.5


def _model_rem_later(demo_unscored, minutes: float):
    """The unscored demo with the model's stages holding no REM in the first ``minutes`` of its
    first REM period (read N2 instead), so that its REM latency moves by that much."""
    from dataclasses import replace
    night, engine = demo_unscored
    predicted = np.asarray(night.predicted).copy()
    first = int(np.flatnonzero(predicted == 4)[0])
    early = np.arange(first, first + int(minutes * 2))
    predicted[early[predicted[early] == 4]] = 2
    return replace(night, predicted=predicted, _summary={}), engine


@pytest.mark.parametrize("stage, code, later", [("REM", 4, 0), ("N3", 3, 0), ("N2", 2, 0), ("REM", 4, 40)])
def test_a_latency_the_two_stagings_read_apart_is_not_settled(demo_unscored, stage: str, code: int,
                                                               later: float) -> None:
    """On seed 12334 YASA's REM latency was 28.5 min from an epoch truly N3; the model's 111.0,
    the truth 111.0; the answer gave YASA's alone."""
    night, engine = _model_rem_later(demo_unscored, later) if later else demo_unscored
    demo_unscored = (night, engine)
    machine = _latency(np.asarray(night.stages()[0]), code)
    model = _latency(np.asarray(night.model_check().stages()[0]), code)
    assert not later or abs(machine - model) >= 15   # the moved case is one to be marked
    text = last_answer(demo_unscored, f"what was the {stage} latency?")
    assert f"{stage} latency is **{machine:.1f} min**" in text
    assert ("**Not settled**" in text and f"**{model:.1f} min** after its sleep onset" in text) == (
        abs(machine - model) >= 15)


def test_and_yasas_after_the_models_rem_latency_is_yasas(demo_unscored) -> None:
    """It gave the model's 91.0 min again; YASA's was 68.5 (seed 12031)."""
    night, _ = demo_unscored
    machine = _latency(np.asarray(night.stages()[0]), 4)
    first = last_answer(demo_unscored, "what's the model's REM latency?")
    assert first.startswith("From the model-predicted (SleepLM zero-shot) hypnogram")
    text = last_answer(demo_unscored, "what's the model's REM latency?", "and YASA's?")
    assert text.startswith("From the machine-scored (YASA") and f"REM latency is **{machine:.1f} min**" in text


def test_what_stage_was_mostly_there_reads_the_span_just_asked(demo) -> None:
    """After "... between 4 and 5?" it gave the whole night's N2 (seed 12031: REM led that hour)."""
    night, _ = demo
    stages = np.asarray(night.stages()[0])
    inside = np.array([clock(night, float(t))[:2] == "04" for t in night.epochs.starts])
    counts = {name: int(np.sum((stages == code) & inside)) for code, name in enumerate(("W", "N1", "N2", "N3", "REM"))
              if code > 0}
    top = max(counts, key=counts.get)
    assert sorted(counts.values())[-1] > sorted(counts.values())[-2]   # one stage leads the hour
    text = last_answer(demo, "how many events between 4 and 5?", "what stage was mostly there?")
    assert text.startswith(f"Between 4 and 5: most of the sleep was **{top}**: {counts[top] / 2:.0f} min")


def test_pauses_after_the_rhythm_are_the_hearts(demo) -> None:
    """It listed the apneas, though the rhythm answer had just said no pause over 3 s."""
    assert last_answer(demo, "any arrhythmia?", "pauses?") == last_answer(demo, "any heart pauses?")
    assert "apnea" not in last_answer(demo, "any arrhythmia?", "pauses?").split("\n")[0]


def test_halves_of_a_home_test_are_rates_per_hour_recorded(home_test) -> None:
    """"whats the rei in the first 2 hours vs the last 2 hours" gave 39.0 and 29.6 per hour of
    the model's guessed sleep on seed 12233; per hour recorded they were 20.0 and 18.0."""
    from sleeplm_core.heads.summary import APNEA_TYPES
    night, _ = home_test
    events = [e for e in night.scored_events()[0] if e.type in APNEA_TYPES]
    hours = night.recording.duration / 3600
    first = sum(e.onset < 2 * 3600 for e in events)
    last = sum((hours - 2) * 3600 <= e.onset for e in events)
    text = last_answer(home_test, "whats the rei in the first 2 hours vs the last 2 hours")
    assert f"**{first}** in the first 2 hours (120 min recorded, {first / 2:.1f} per hour recorded" in text
    assert f"**{last}** in the last 2 hours (120 min recorded, {last / 2:.1f} per hour recorded" in text
    assert not re.search(r"\d per hour of sleep", text)


def test_the_rdi_of_a_home_test_leads_with_the_rei(home_test) -> None:
    night, _ = home_test
    assert last_answer(home_test, "RDI").startswith(f"**REI {night.summary().rei:.1f}/h**")


def test_rem_ahi_on_a_home_test_says_rem_cannot_be_told_first(home_test, demo) -> None:
    assert last_answer(home_test, "REM AHI").startswith("**Cannot be told** without EEG")
    assert not last_answer(demo, "REM AHI").startswith("**Cannot be told**")


def test_a_span_alone_as_the_first_question_is_what_happened_then(demo) -> None:
    """"between 3 and 4 am?" opened with "There is nothing earlier in this conversation"."""
    assert last_answer(demo, "between 3 and 4 am?") == last_answer(demo, "what happened between 3 and 4 am?")


def test_longer_than_a_minute_after_the_awakenings_keeps_them(demo) -> None:
    """It was "not about this recording"."""
    assert (last_answer(demo, "how many awakenings?", "longer than a minute?")
            == last_answer(demo, "how many awakenings longer than a minute?"))


def test_and_4_to_5_after_the_events_counts_them_then(demo) -> None:
    """It repeated the whole night's count."""
    night, _ = demo
    whole = last_answer(demo, "how many events?")
    kinds = {k.replace(" ", "_") for k in re.findall(r"(?:^|, )([a-z ]+) \d+", whole.split("By type: ")[1])}
    events, _ = night.scored_events()
    then = sum(clock(night, e.onset)[:2] == "04" and e.type in kinds for e in events)
    text = last_answer(demo, "how many events?", "and 4 to 5?")
    assert re.search(rf"have \*\*{then}\*\* scored events from 4 to 5", text), text[:200]


def test_the_machines_kappa_says_the_window_it_is_counted_over(demo) -> None:
    """SC4001: "κ 0.81 (841 epochs)" then "κ 0.88" over 2650 epochs in the next turn, the window
    unsaid (the first counts 30 min either side of the scored sleep, the second all 22 h)."""
    text = last_answer(demo, "how did they sleep?", "sure?")
    assert re.search(r"Machine against the human scoring: κ \d\.\d\d \(\d+ epochs, 30 min either side of the "
                     r"scored sleep\)", text), text


@pytest.mark.parametrize("text", ["REI by position", "supine REI"])
def test_the_rei_by_position_on_a_staged_night_is_per_hour_recorded(demo, text: str) -> None:
    """On a scored home test "REI by position" gave the AHI's 32.6/h on the back (the REI 25.0)."""
    from sleeplm_core.heads.summary import APNEA_TYPES
    night, _ = demo
    answer = last_answer(demo, text)
    assert "per hour recorded in that group" in answer and "the REI counts every hour recorded" in answer
    row = re.search(r"^\| supine \| (\d+\.\d) \| (\d+) \| (\d+\.\d) \|", answer, re.M)
    assert row, answer
    events = [e for e in night.scored_events()[0] if e.type in APNEA_TYPES]
    assert int(row.group(2)) <= len(events)
    assert float(row.group(3)) == pytest.approx(int(row.group(2)) / float(row.group(1)) * 60, abs=0.051)
    ahi = re.search(r"^\| supine \| (\d+\.\d) \|", last_answer(demo, "AHI by position"), re.M)
    assert float(ahi.group(1)) < float(row.group(1))   # the AHI's minutes are asleep, fewer than recorded


def test_the_ahi_by_position_stays_per_hour_of_sleep(demo) -> None:
    assert "per hour of that group's sleep" in last_answer(demo, "AHI by position")


def test_a_scored_home_tests_stages_are_said_to_be_unchecked(demo, tmp_path) -> None:
    """A home test (no EEG) loaded with a scoring file holding stages: its hypnogram was read
    as a PSG's, with no word that nothing in the file can bear it out."""
    from app.night import read_night
    from sleeplm_core.io.edf_write import write_edf
    from sleeplm_core.io.synth import SynthConfig, synth_night
    rec = synth_night(SynthConfig(hours=1.0, seed=4242, profile="hst", ahi=20.0))
    path = write_edf(rec, tmp_path / "hst.edf", hypnogram_path=tmp_path / "hst_scoring.edf")
    night = read_night(path, "hst-scored", hypnogram=tmp_path / "hst_scoring.edf")
    assert night.stages()[1] == "scored"
    text = last_answer((night, demo[1]), "how much REM?")
    assert text.startswith("From the human-scored hypnogram") and "has no EEG, yet its scoring file holds" in text
    assert "has no EEG, yet" not in last_answer(demo, "how much REM?")
    # the human's stages are no guess: the AHI and the summary rest on them (seed 12536 said
    # "against the model's guessed sleep" of the scoring file's stages)
    for asked in ("what's the AHI?", "how did she sleep?"):
        answer = last_answer((night, demo[1]), asked)
        assert "guess" not in answer and "has no EEG, yet" in answer, answer[:300]


@pytest.mark.parametrize("follow, cause", [("how many of them respiratory?", "respiratory"),
                                           ("spontaneous ones?", "spontaneous"),
                                           ("and from leg movements?", "limb movement")])
def test_an_arousal_cause_after_the_arousal_index_counts_those_arousals(demo, follow: str, cause: str) -> None:
    """"how many of them respiratory?" gave breathing-rate statistics, "spontaneous ones?" the
    fallback and "and from leg movements?" the leg movements (seed 12031)."""
    text = last_answer(demo, "arousal index?", follow)
    assert re.match(rf"\*\*\d+\*\* of the \d+ arousals \(\*\*\d+ %\*\*\) were \*\*{cause}\*\* arousals", text), text[:150]


@pytest.mark.parametrize("asked, then", [
    ("what position was she in at the lowest?", "what position was she in then?"),
    ("was she on her back at the nadir?", "was she on her back then?"),
    ("what stage at the spo2 nadir?", "what stage was she in then?"),
])
def test_a_question_at_the_nadir_is_asked_of_its_moment(demo, asked: str, then: str) -> None:
    """"what position was she in at the lowest?" gave the whole night's positions."""
    assert last_answer(demo, asked) == last_answer(demo, "what was the lowest SpO2?", then)


def test_and_4am_after_an_hour_asks_the_next_hour(demo) -> None:
    """"AHI in the 3am hour", then "and 4am?" gave 0.0/h over 0.5 min of sleep (seed 12435: 16.0)."""
    assert last_answer(demo, "AHI in the 3am hour", "and 4am?") == last_answer(demo, "AHI in the 4am hour")
    assert last_answer(demo, "the 2am hour?", "and 3am?") == last_answer(demo, "the 3am hour?")


def test_a_clock_hour_alone_is_shown(demo) -> None:
    """"the 3am hour?" was read as a measure naming nothing ("none matches")."""
    assert understand("the 3am hour?").intent.value == "navigate"
    assert last_answer(demo, "the 3am hour?").startswith("**03:00:00–04:00:00** (60.0 min")


def test_an_index_then_after_a_span_is_the_index_there(demo) -> None:
    assert (last_answer(demo, "what happened between 4 and 5 am?", "AHI then?")
            == last_answer(demo, "AHI between 4 and 5 am"))


def test_how_far_did_the_sat_drop_after_an_apnea_reads_that_apnea(demo) -> None:
    """It gave the whole night's desaturation depths (seed 12435)."""
    assert (last_answer(demo, "longest apnea", "how far did the sat drop?")
            == last_answer(demo, "longest apnea", "how low did the saturation go?"))
    assert last_answer(demo, "longest apnea", "how far did the sat drop?").startswith("Lowest SpO2 during it")


@pytest.mark.parametrize("later", [0, 40])
def test_the_summarys_rem_latency_the_stagings_read_apart_is_not_settled(demo_unscored, later: float) -> None:
    """Seed 12435's summary gave YASA's REM latency (3.5 min, from a lone epoch truly N1) and
    pointed at a later run (137 min); the model's 60.5 min, the truth, was not said."""
    night, engine = _model_rem_later(demo_unscored, later) if later else demo_unscored
    machine = _latency(np.asarray(night.stages()[0]), 4)
    model = _latency(np.asarray(night.model_check().stages()[0]), 4)
    text = last_answer((night, engine), "how did she sleep?")
    said = f"puts the first REM **{model:.1f} min** after its sleep onset, so the REM latency is **not settled**"
    assert (said in text) == (abs(machine - model) >= 15), text
    assert not later or said in text


def test_no_bradycardia_gives_the_lowest_reading_and_its_time(demo) -> None:
    """"bradycardia?" gave the lowest rate without its time, so "when?" repeated the answer and
    "during an apnea?" listed every apnea (seed 12435)."""
    stats = last_answer(demo, "what was the lowest heart rate?")
    at = re.search(r"lowest \*\*([\d.]+) bpm\*\* at (\d\d:\d\d:\d\d)", stats)
    text = last_answer(demo, "bradycardia?")
    assert text.startswith("No stretch")   # the demo night has no bradycardia, which this test reads
    assert f"the lowest value was **{at.group(1)} bpm** at **{at.group(2)}**" in text
    assert last_answer(demo, "bradycardia?", "when?").startswith(f"The lowest heart rate was read at **{at.group(2)}**")
    assert (last_answer(demo, "bradycardia?", "during an apnea?")
            == last_answer(demo, "lowest hr", "was that during an apnea?"))


def test_list_them_after_stretches_on_the_plots_says_how_to_step_through_them(demo_unscored) -> None:
    """"list them" after the stagings' disagreement said the last answer listed nothing."""
    text = last_answer(demo_unscored, "where do yasa and the model disagree?", "list them")
    assert text.startswith("The last answer's stretches are all marked on the plots")
    assert last_answer(demo_unscored, "where do yasa and the model disagree?", "list them", "next one").startswith(
        "The first listed of ")
