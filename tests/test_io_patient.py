"""The patient's sex and age read from EDF headers (real files and written ones), and kept by
the writer, so that answers can read a night against its own sleeper's age."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.patient import Patient, read_patient
from sleeplm_core.io.synth import SynthConfig, synth_night

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo"
START = datetime(2020, 2, 28, 22, 0)


@pytest.mark.parametrize("field, sex, age", [
    ("X F 02-MAY-1951 Haagse_Harry", "female", 68.0),        # EDF+: age at the start date
    ("MCH-0234567 M 16-SEP-1987 X", "male", 32.0),
    ("X F 29-FEB-1980 X", "female", 39.0),                   # the day before its birthday
    ("X F X Female_33yr", "female", 33.0),                   # Sleep-EDF: the age in the name
    ("X X X X age_8.5yr", None, 8.5),                         # this writer's own subfield
    ("subject 12 boy 7 years", "male", 7.0),
    ("man - 28/03/1957 - 2003-1085-508/1", "male", 62.0),    # DREAMS: a free-text birthdate
])
def test_sex_and_age_are_read_from_the_field(field: str, sex: str | None, age: float) -> None:
    patient = read_patient(field, START)
    assert (patient.sex, patient.age, patient.field) == (sex, age, field)


@pytest.mark.parametrize("field", [
    "X X X X", "", "X M X 2033",          # a number that is no age
    "X X X X 03/04/1950",                # day and month could swap: not read
    "X X 31-FOO-1950 X", "X X 31-FEB-1950 X",
])
def test_no_age_is_made_up(field: str) -> None:
    assert read_patient(field, START).age is None


def test_an_edf_birthdate_needs_the_recording_date() -> None:
    assert read_patient("X F 02-MAY-1951 X", None) == Patient("female", None, "X F 02-MAY-1951 X")


def test_the_real_night_states_a_33_year_old_woman() -> None:
    rec = load_recording(SHARED / "sleep_edf_sc4001" / "SC4001E0-PSG.edf")
    assert (rec.patient.sex, rec.patient.age) == ("female", 33.0)
    assert rec.patient.describe() == "female, 33 years old"


def test_the_bundled_nights_keep_their_sleepers() -> None:
    """The in-bed copy of SC4001 lost its patient field when it was cut; the synthetic night's
    age (52) had never been written."""
    real = load_recording(DEMO / "SC4001E0_inbed.edf")
    synthetic = load_recording(DEMO / "synthetic_night.edf")
    assert (real.patient.sex, real.patient.age) == ("female", 33.0)
    assert (synthetic.patient.sex, synthetic.patient.age) == (None, 52.0)


def test_the_writer_keeps_sex_and_age_in_both_files(tmp_path: Path) -> None:
    rec = synth_night(SynthConfig(hours=0.5, seed=3, age=8.0))
    assert rec.patient == Patient(age=8.0)
    rec = dataclasses.replace(rec, patient=Patient("female", 71.0))
    psg = write_edf(rec, tmp_path / "night.edf", hypnogram_path=tmp_path / "night_hyp.edf")
    for path in (psg, tmp_path / "night_hyp.edf"):
        read = read_patient(path.read_bytes()[8:88].decode("ascii"), rec.start_time)
        assert (read.sex, read.age) == ("female", 71.0), path
    assert load_recording(psg).patient.describe() == "female, 71 years old"


def test_an_unknown_sleeper_is_written_as_unknown(tmp_path: Path) -> None:
    rec = dataclasses.replace(synth_night(SynthConfig(hours=0.5, seed=3)), patient=Patient())
    path = write_edf(rec, tmp_path / "anonymous.edf")
    patient = load_recording(path).patient
    assert not patient.known and patient.field == "X X X X"
