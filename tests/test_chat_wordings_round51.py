"""Answers that ignored who was recorded, and a stage period that was not read as a span
(stop 51: a technician's questions on the unscored SC4001 night and on a child's night).
Each names what it used to get. Expected figures are read from the night's own header,
annotations and signals, never typed in."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from app.chat import norms
from app.chat.periods import stage_periods
from app.chat.plan import clock
from app.session import Session
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.patient import Patient
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.io.synth import SynthConfig, synth_night


def _night(demo, folder: Path, name: str, patient: Patient | None, **config):
    """A 1-h scored synthetic night written as EDF+ with ``patient`` (None: the generator's)."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=1.0, **config))
    if patient is not None:
        rec = dataclasses.replace(rec, patient=patient)
    night = read_night(write_edf(rec, folder / f"{name}.edf"), name)
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.fixture(scope="module")
def child(demo, tmp_path_factory: pytest.TempPathFactory):
    """An 8-year-old's hour with obstructive events: the age only in the file's header."""
    return _night(demo, tmp_path_factory.mktemp("child"), "child", None, seed=5151, age=8.0,
                  ahi=20.0)


@pytest.fixture(scope="module")
def anonymous(demo, tmp_path_factory: pytest.TempPathFactory):
    return _night(demo, tmp_path_factory.mktemp("anonymous"), "anonymous", Patient(), seed=5152)


def _ask(pair, question: str) -> str:
    night, engine = pair
    return Session(night).ask(question, engine).text


def test_how_old_reads_the_header(demo, anonymous) -> None:
    """"how old is the patient?" was off topic; the age was in the file's header."""
    night, _ = demo
    age = night.recording.patient.age
    for question in ("how old is the patient?", "what's the patient's age?", "how old is he?"):
        assert _ask(demo, question).startswith(
            f"The file's header gives the patient as **{age:g} years old**"), question
    assert _ask(anonymous, "is the patient male or female?").startswith(
        "The file does not say who was recorded: its header's patient field reads `X X X X`")
    # the recording is not the patient
    assert not _ask(demo, "how old is the recording?").startswith("The file's header")


def test_norms_are_read_for_the_headers_age(demo) -> None:
    """"is this normal?" read every night against adults of 20-59 years, whatever its header
    said."""
    night, _ = demo
    age = int(night.recording.patient.age)
    _, band = norms.band_of(age)
    text = _ask(demo, "is this normal?")
    assert f"healthy {age}-year-olds (band {band}; the age the file's header gives)" in text
    rem = norms.NORMS["REM"][1][norms.band_of(age)[0]]
    assert f"REM: **{night.summary().stage_pct['REM']:.1f} %** — within the typical {rem[0]}–{rem[1]} %" in text
    # an age in the question wins, and the header's is named beside it
    asked = _ask(demo, "is this normal for a 70 year old?")
    assert f"healthy 70-year-olds (band {norms.band_of(70)[1]}; the file's header gives {age} years)" in asked


def test_the_channel_list_names_the_patient(demo) -> None:
    night, _ = demo
    text = _ask(demo, "which channels are in this file?")
    assert text.endswith(f"Patient, as the file's header gives it: {night.recording.patient.describe()}.")


def _obstructive_ahi(night) -> float:
    stages, _ = night.stages()
    asleep = stages >= STAGES.index("N1")
    types = ("obstructive_apnea", "mixed_apnea", "hypopnea")
    n = sum(1 for e in night.recording.events
            if e.type in types and asleep[night.epoch_at(e.onset)])
    return n / (asleep.sum() * EPOCH_SEC / 3600)


def test_a_child_by_the_header_is_not_graded_as_an_adult(child) -> None:
    """An 8-year-old's night (the age only in the header) was read against adult norms and
    its AHI graded on the AASM's adult bands."""
    night, _ = child
    oahi = _obstructive_ahi(night)
    assert oahi >= norms.PEDIATRIC_OAHI   # the night is built to cross the pediatric rule
    normal = _ask(child, "is this normal?")
    assert "they do not fit an 8-year-old (the age the file's header gives)" in normal
    assert f"the obstructive AHI is **{oahi:.1f}/h**" in normal and "— within" not in normal
    for question in ("what's the AHI?", "how severe is the apnea?", "how was the breathing overall?"):
        text = _ask(child, question)
        assert "not graded on the adult scale (the file's header gives age 8" in text, question
        assert "AASM's adult scale;" not in text, question
    found = _ask(child, "what stands out?")
    assert f"1. obstructive AHI **{oahi:.1f}/h**" in found
    assert "the stage statistics are not read against norms: the file's header gives age 8" in found
    assert "of healthy adults" not in found


def _periods(night, stage: str) -> list[tuple[int, int]]:
    """(first, last) epoch of each period of ``stage``, as the chat lists them."""
    stages, _ = night.stages()
    return stage_periods(stages, [STAGES.index(stage)], np.ones(len(stages), bool))


def test_a_measure_during_a_stage_period_reads_that_period(demo) -> None:
    """"what was the heart rate during the first REM period?" gave the REM periods' timing."""
    night, _ = demo
    text = _ask(demo, "what was the heart rate during the first REM period?")
    a, b = _periods(night, "REM")[0]
    starts = night.epochs.starts
    assert text.startswith(f"Heart rate, in the first REM period ({clock(night, starts[a])}–"
                           f"{clock(night, starts[b] + EPOCH_SEC)}"), text


def test_describing_a_stage_period_counts_its_brief_events(demo) -> None:
    """"describe the first REM period" listed the REM periods; a span's spindles, slow waves
    and rapid eye movements were never counted."""
    night, _ = demo
    text = _ask(demo, "describe the longest N3 period")
    a, b = max(_periods(night, "N3"), key=lambda p: p[1] - p[0])
    stages, _ = night.stages()
    inside = [i for i in range(a, b + 1) if stages[i] == STAGES.index("N3")]
    epochs = set(inside)
    spindles = sum(1 for e in night.recording.events
                   if e.type == "spindle" and night.epoch_at(e.onset) in epochs)
    starts = night.epochs.starts
    span = f"**{clock(night, starts[a])}–{clock(night, starts[b] + EPOCH_SEC)}**"
    assert text.startswith(f"In the longest N3 period:\n\nIt runs {span}")
    # "when was her deepest sleep?" listed the N3 periods in time order
    assert f"the longest uninterrupted N3 period runs {span}" in _ask(demo, "when was her deepest sleep?")
    assert spindles and f"Brief events in its {len(inside) * EPOCH_SEC / 60:g} min: " in text
    assert f"**{spindles}** spindles ({spindles / (len(inside) / 2):.1f}/min)" in text
    assert _ask(demo, "describe the first REM period").startswith("In the first REM period")


def _epoch_means(night, label: str) -> np.ndarray:
    sig = night.recording.signals[label]
    per = int(EPOCH_SEC * sig.sfreq)
    n = min(night.n_epochs, len(sig.data) // per)
    return np.asarray(sig.data[:n * per], dtype=float).reshape(n, per).mean(axis=1)


def test_the_body_temperature_channel_is_read(sc4001, demo) -> None:
    """"what was her temperature?" said the recording has no such channel (Sleep-EDF's rectal
    probe was left unused), and "when was her body temperature lowest?" was unmeasured."""
    night, _ = sc4001
    raw = np.asarray(night.recording.signals["Temp rectal"].data, dtype=float)
    text = _ask(sc4001, "what was her temperature?")
    assert text.startswith("Body temperature, over the whole night (") and "channel Temp rectal" in text
    mean = float(re.search(r"mean \*\*([\d.]+) °C\*\*", text).group(1))
    low = float(re.search(r"lowest \*\*([\d.]+) °C\*\*", text).group(1))
    assert abs(mean - np.median(raw)) < 0.1
    # the probe slipped for a few minutes (a 2-degree drop no body makes): not the nadir
    assert raw.min() < 35.0 and low > raw.min() + 0.5
    assert "The lowest value falls at" in _ask(sc4001, "when was her body temperature lowest?")
    assert "no body temperature channel" in _ask(demo, "what was her temperature?")
    # the nadir of a falling signal is its lowest value
    assert "The lowest value falls at" in _ask(sc4001, "what is the temperature nadir?")
    assert _ask(sc4001, "is there a temperature channel?").startswith(
        "**Yes**: **Temp rectal** at **1 Hz**")
    assert _ask(demo, "is there a temperature channel?").startswith(
        "**No**: this file has no temperature channel")


def test_temperature_compares_between_stages(sc4001) -> None:
    """"the core temperature in REM vs N3" compared the EEG, and "temperature by stage" was a
    summary of the night."""
    night, _ = sc4001
    stages, _ = night.stages()
    per_epoch = _epoch_means(night, "Temp rectal")
    rem = per_epoch[stages[:len(per_epoch)] == STAGES.index("REM")].mean()
    n3 = per_epoch[stages[:len(per_epoch)] == STAGES.index("N3")].mean()
    text = _ask(sc4001, "what was the core temperature in REM vs N3?")
    m = re.search(r"body temperature \(mean\) \[°C\]: in REM: \*\*([\d.]+)\*\*.*"
                  r"vs in N3: \*\*([\d.]+)\*\*", text)
    assert m is not None, text
    assert abs(float(m.group(1)) - rem) < 0.02 and abs(float(m.group(2)) - n3) < 0.02
    table = _ask(sc4001, "temperature by stage")
    # a body temperature moves by hundredths of a degree, and its table shows them
    row = re.search(r"\| N3 \| (\d+\.\d\d) \|", table)
    assert table.startswith("By stage") and row is not None and abs(float(row.group(1)) - n3) < 0.02
