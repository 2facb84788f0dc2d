"""Questions of stop 52. Each names what it used to get. Expected figures are read from the
night's own header, annotations and signals, never typed in."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.session import Session
from sleeplm_core.io.patient import Patient


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
    intent, with no norm named)."""
    text = _ask(demo, "did his pulse fall during sleep?")
    assert text.startswith("Heart rate, in N1/N2/N3/REM ("), text


def test_is_that_normal_after_a_figure_leads_with_it(demo) -> None:
    """"is that normal?" after the sleep efficiency gave the whole table with no row first
    ("is that high?" and "that's long, isn't it?" led with the figure's row)."""
    night, engine = demo
    session = Session(night)
    session.ask("what was the sleep efficiency?", engine)
    text = session.ask("is that normal?", engine).text
    value = re.search(r"- sleep efficiency: \*\*([\d.]+) %\*\*", text).group(1)
    assert text.startswith(f"**Sleep efficiency: {value} %**, "), text
