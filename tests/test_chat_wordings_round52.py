"""Questions of stop 52. Each names what it used to get. Expected figures are read from the
night's own header, annotations and signals, never typed in."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat.periods import stage_periods
from app.chat.plan import clock
from app.session import Session
from sleeplm_core.features.temperature import body_temperature
from sleeplm_core.io.patient import Patient
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def _with_patient(demo, patient: Patient):
    night, engine = demo
    return replace(night, recording=replace(night.recording, patient=patient)), engine


def _ask(pair, question: str) -> str:
    night, engine = pair
    return Session(night).ask(question, engine).text


@pytest.mark.parametrize(("patient", "question", "verdict"), [
    (Patient("female", 8.0, "X F X X age_8yr"), "is the patient a child?", "Yes"),
    (Patient("female", 8.0, "X F X X age_8yr"), "is this a pediatric study?", "Yes"),
    (Patient("female", 8.0, "X F X X age_8yr"), "is this an adult?", "No"),
    (Patient("female", 8.0, "X F X X age_8yr"), "is she female?", "Yes"),
    (Patient("female", 8.0, "X F X X age_8yr"), "is it a boy?", "Yes"),  # a child, whatever the sex
    (Patient("male", 71.0, "X M X X age_71yr"), "is the patient elderly?", "Yes"),
    (Patient("male", 71.0, "X M X X age_71yr"), "is the patient a woman?", "No"),
    (Patient("male", 71.0, "X M X X age_71yr"), "is he a child?", "No"),
    (Patient(None, None, "X X X X"), "is the patient a child?", "Not stated"),
    (Patient(None, 40.0, "X X X X age_40yr"), "was the patient male?", "Not stated"),
])
def test_yes_or_no_about_the_patient(demo, patient, question, verdict) -> None:
    """"is the patient a child?" gave the header's description with no yes or no; "is this an
    adult?" was off topic."""
    answer = _ask(_with_patient(demo, patient), question)
    assert answer.startswith(f"**{verdict}.**"), answer
    if patient.known:
        assert patient.describe() in answer


def test_the_bundled_night_is_an_adult_of_unstated_sex(demo) -> None:
    patient = demo[0].recording.patient
    assert patient.sex is None and patient.age is not None and patient.age >= 18
    assert _ask(demo, "is the patient an adult?").startswith("**Yes.**")
    assert _ask(demo, "is the patient female?").startswith("**Not stated.**")
    # not a yes-or-no question: the description alone
    assert _ask(demo, "is the patient male or female?").startswith("The file's header gives")


@pytest.mark.parametrize(("question", "row"), [
    ("how much deep sleep did she get compared to normal?", "N3 (slow-wave sleep)"),
    ("was her sleep efficiency normal for her age?", "sleep efficiency"),
    ("is the amount of REM normal for a 70 year old?", "REM"),
])
def test_a_norms_question_leads_with_the_row_it_names(demo, question, row) -> None:
    """These gave the whole table with no row first (only "was there enough REM?" and "is the
    REM percentage low?" led with theirs); the efficiency's lead called it a share "of sleep"."""
    text = _ask(demo, question)
    line = next(line for line in text.splitlines() if line.startswith(f"- {row}: "))
    value = re.search(r"\*\*([\d.]+) (%|min)\*\*", line)
    assert text.startswith(f"**{row[0].upper()}{row[1:]}: {value.group(1)} {value.group(2)}"), text
    assert ("of sleep" in text.split("\n")[0]) == (row != "sleep efficiency")


def test_a_signal_change_during_sleep_measures_the_signal(demo) -> None:
    """"did the heart rate drop during sleep?" was measured, but "did his pulse fall during
    sleep?" read the night against the norms of healthy sleepers (the phrase bank's nearest
    intent, with no norm named). Since stop 53 both set sleep against wake
    (test_chat_wordings_round53)."""
    text = _ask(demo, "did his pulse fall during sleep?")
    assert "heart rate (mean) was lower in N1/N2/N3/REM than in W" in text, text
    assert "norms" not in text


def test_is_that_normal_after_a_figure_leads_with_it(demo) -> None:
    """"is that normal?" after the sleep efficiency gave the whole table with no row first
    ("is that high?" and "that's long, isn't it?" led with the figure's row)."""
    night, engine = demo
    session = Session(night)
    session.ask("what was the sleep efficiency?", engine)
    text = session.ask("is that normal?", engine).text
    value = re.search(r"- sleep efficiency: \*\*([\d.]+) %\*\*", text).group(1)
    assert text.startswith(f"**Sleep efficiency: {value} %**, "), text


def test_the_midpoint_of_sleep(sc4001, demo) -> None:
    """"what's her sleep midpoint?" gave sleep onset alone."""
    night, _ = sc4001
    stages, _ = night.stages()
    sleep = np.flatnonzero(np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]))
    onset, final = night.epochs.starts[sleep[0]], night.epochs.starts[sleep[-1]] + EPOCH_SEC
    for question in ("what's her sleep midpoint?", "when was the midpoint of sleep?"):
        text = _ask(sc4001, question)
        assert f"the midpoint of sleep is at **{clock(night, (onset + final) / 2)}**" in text, text
        assert clock(night, onset) in text and clock(night, final) in text
    # the bundled night ends asleep: no final awakening, so the midpoint is only bounded (stop 71:
    # it was refused)
    onset, end = _onset_and_end(demo[0])
    assert (f"the recording ends asleep, at **{clock(demo[0], end)}**, before any final awakening, so the midpoint "
            f"of sleep is at or after **{clock(demo[0], (onset + end) / 2)}**") in _ask(demo, "what time was mid-sleep?")


def _onset_and_end(night) -> tuple[float, float]:
    """Seconds of sleep onset and of the recording's last epoch's end."""
    stages, _ = night.stages()
    sleep = np.flatnonzero(np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]))
    return float(night.epochs.starts[sleep[0]]), float(night.epochs.starts[-1]) + EPOCH_SEC


def test_the_longest_sleep_bout(demo) -> None:
    """"how long was her longest sleep bout?" gave the total sleep time."""
    night, _ = demo
    stages, _ = night.stages()
    periods = stage_periods(stages, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")],
                            np.ones(len(stages), bool))
    longest = max(last - first + 1 for first, last in periods) * EPOCH_SEC / 60
    text = _ask(demo, "how long was her longest sleep bout?")
    assert "the longest uninterrupted N1/N2/N3/REM period runs" in text
    assert f"(**{longest:.1f} min**)" in text, text


def test_an_age_put_as_a_question(demo) -> None:
    """"is the patient over 60?" was read as a question about the epoch on screen."""
    age = demo[0].recording.patient.age
    assert _ask(demo, f"is the patient over {int(age) - 1}?").startswith("**Yes.**")
    assert _ask(demo, f"is the patient over {int(age) + 1}?").startswith("**No.**")
    assert _ask(demo, f"is she under {int(age) + 1}?").startswith("**Yes.**")


def test_a_fever_is_a_temperature_threshold(sc4001) -> None:
    """"was there a fever?" was off topic on a night with a rectal probe."""
    night, _ = sc4001
    # the probe's readings, its out-of-body and slipping samples left out
    highest = np.nanmax(body_temperature(night.recording.signals["Temp rectal"]).data)
    assert highest < 38.0   # the fixture's premise: no fever that night
    text = _ask(sc4001, "was there a fever?")
    assert text.startswith("No stretch of body temperature above 38 °C"), text
    assert f"**{highest:.1f} °C**" in text


def test_how_long_was_her_sleep_latency(demo) -> None:
    """"how long was her sleep latency?" gave the total sleep time ("how long was her sleep")."""
    night, _ = demo
    stages, _ = night.stages()
    first = np.flatnonzero(np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]))[0]
    latency = (night.epochs.starts[first] - night.epochs.starts[0]) / 60
    text = _ask(demo, "how long was her sleep latency?")
    assert f"the sleep onset latency is **{latency:.1f} min**" in text, text


def test_the_sleep_period_time(sc4001, demo) -> None:
    """"what was the sleep period time?" listed the night's sleep periods."""
    night, _ = sc4001
    stages, _ = night.stages()
    sleep = np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")])
    first, last = np.flatnonzero(sleep)[[0, -1]]
    span, asleep = (last - first + 1) * EPOCH_SEC / 60, sleep.sum() * EPOCH_SEC / 60
    for question in ("what was the sleep period time?", "what's the SPT?"):
        text = _ask(sc4001, question)
        assert f"the sleep period time is **{span:.1f} min**" in text, text
        assert f"**{asleep:.1f} min** asleep and {span - asleep:.1f} min awake (the WASO)" in text
    onset, end = _onset_and_end(demo[0])
    assert f"so the sleep period time is at least **{(end - onset) / 60:.1f} min**" in _ask(
        demo, "what was the sleep period time?")


@pytest.mark.parametrize(("question", "stage"), [
    ("how many epochs were scored as N1?", "N1"), ("number of REM epochs?", "REM")])
def test_a_stage_counted_in_epochs(demo, question, stage) -> None:
    """"how many epochs were scored as N1?" gave minutes only; "number of REM epochs?" described
    the REM epochs' signals."""
    night, _ = demo
    stages, _ = night.stages()
    n = int(np.sum(stages == STAGES.index(stage)))
    text = _ask(demo, question)
    assert f"hypnogram: **{n} epochs** of 30 s ({n * EPOCH_SEC / 60:.1f} min) of {stage}" in text, text


def test_is_the_breathing_normal_grades_the_ahi_for_the_patient(demo) -> None:
    """"is the breathing normal?" raised a NameError once the AHI's band was read for the
    header's age (stop 51): the AHI line had no night to read the age from."""
    from app.chat import norms

    night, _ = demo
    ahi = night.summary().ahi
    text = _ask(demo, "is the breathing normal?")
    assert f"the AHI of **{ahi:.1f}/h** is {norms.ahi_band(ahi, night.recording.patient.age)}" in text
    child = _ask(_with_patient(demo, Patient("female", 8.0, "X F X X age_8yr")),
                 "is the breathing normal?")
    # a child's breathing is read by the pediatric rule first (since stop 63), never by the adult bands
    assert child.startswith("Breathing, by the AASM's pediatric rule: the obstructive AHI is **"), child
    assert norms.ahi_band(ahi, None) not in child
