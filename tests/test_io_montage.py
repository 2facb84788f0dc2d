"""Montage mapping: aliases, fallbacks, overrides, rate flags and body position."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.errors import MontageError
from sleeplm_core.io.aliases import ALIASES, label_key
from sleeplm_core.io.epochset import AUX_CHANNELS, CANONICAL_CHANNELS
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.position import decode_position
from sleeplm_core.io.recording import Recording, Signal

SYNTH_LABELS = {
    "ECG II": "ECG", "Abdomen": "ABD", "Thorax": "THX", "Airflow": "AF", "E1-M2": "EOG_L", "E2-M1": "EOG_R",
    "C3-M2": "EEG_C3", "C4-M1": "EEG_C4", "Chin EMG": "EMG_CHIN", "Position": "POS",
    "SpO2": "SPO2", "Pulse": "HR", "Snore": "SNORE", "Leg EMG": "EMG_LEG",
}


def _recording(labels: list[str], sfreq: float = 128.0) -> Recording:
    rng = np.random.default_rng(0)
    signals = {label: Signal(label, rng.normal(size=int(60 * sfreq)), sfreq) for label in labels}
    return Recording(signals=signals, start_time=None, duration=60.0, source={"path": "test.edf"})


def test_synthetic_night_labels_fill_every_slot():
    montage = map_montage(_recording(list(SYNTH_LABELS)))
    assert {**montage.mapping, **montage.aux_mapping} == {slot: label for label, slot in SYNTH_LABELS.items()}
    assert montage.missing == [] and montage.substitutions == {} and montage.unused == []
    # every aux slot but body temperature, which the synthetic nights do not simulate
    assert set(montage.aux_mapping) == set(AUX_CHANNELS) - {"TEMP"}


@pytest.mark.parametrize("label", ["C3-A2", "C3-M2", "EEG C3:M2", "c3_ref", "C3", "EEG C3-A2", "c3 - m2"])
def test_central_eeg_spellings(label):
    assert label_key(label) in ("c3", "eeg c3")
    assert map_montage(_recording([label])).mapping == {"EEG_C3": label}


@pytest.mark.parametrize(("label", "slot"), [
    ("LOC", "EOG_L"), ("EOG left", "EOG_L"), ("ROC-A1", "EOG_R"), ("EMG submental", "EMG_CHIN"),
    ("THX", "THX"), ("Resp thoracic", "THX"), ("VTH", "THX"), ("ABD", "ABD"), ("VAB", "ABD"),
    ("Flow", "AF"), ("NAF1", "AF"), ("Resp oro-nasal", "AF"), ("Nasal Pressure", "AF"), ("Thermistor", "AF"),
    ("EKG", "ECG"), ("POS", "POS"), ("SAO2", "SPO2"), ("Sat", "SPO2"), ("PR", "HR"), ("HR", "HR"),
    ("PHONO", "SNORE"), ("LAT", "EMG_LEG"), ("RAT", "EMG_LEG"),
])
def test_aliases(label, slot):
    montage = map_montage(_recording([label, "C3-M2"]))
    assert {**montage.mapping, **montage.aux_mapping}[slot] == label


def test_eeg_fallback_prefers_central_sites_and_reports_them():
    montage = map_montage(_recording(["O1-A2", "F3-M2", "C4-M1"]))
    assert montage.mapping == {"EEG_C3": "F3-M2", "EEG_C4": "C4-M1"}
    assert set(montage.substitutions) == {"EEG_C3"} and montage.unused == ["O1-A2"]
    assert "EEG_C3    <- 'F3-M2'  [no C3 electrode" in montage.report()
    sleep_edf = map_montage(_recording(["EEG Pz-Oz", "EEG Fpz-Cz"]))
    assert sleep_edf.mapping == {"EEG_C3": "EEG Fpz-Cz", "EEG_C4": "EEG Pz-Oz"}
    assert set(sleep_edf.substitutions) == {"EEG_C3", "EEG_C4"}


def test_overrides_win_and_none_empties_a_slot():
    montage = map_montage(_recording(["C3-M2", "C4-M1", "Fpz-Cz"]), {"eeg_c3": "fpz-cz", "EEG_C4": "none"})
    assert montage.mapping == {"EEG_C3": "Fpz-Cz"} and "EEG_C4" in montage.missing
    assert montage.substitutions["EEG_C3"] == ("Fpz-Cz", "set by user")


def test_override_errors():
    rec = _recording(["C3-M2"])
    with pytest.raises(MontageError, match="unknown montage slot 'C3'"):
        map_montage(rec, {"C3": "C3-M2"})
    with pytest.raises(MontageError, match=r"mapping EEG_C4='C4' names no channel \(labels found: C3-M2\)"):
        map_montage(rec, {"EEG_C4": "C4"})


def test_slow_channel_flagged():
    rec = _recording(["C3-M2"], sfreq=16.0)
    assert map_montage(rec).warnings[0].startswith("EEG_C3 ('C3-M2') is sampled at 16 Hz, below the 32 Hz")


def test_report_lists_every_slot():
    report = map_montage(_recording(["C3-M2", "Temp", "Event marker"])).report()
    for slot in CANONICAL_CHANNELS + AUX_CHANNELS:
        assert slot in report
    assert "aux TEMP      <- 'Temp'" in report and "unused: 'Event marker'" in report


def test_position_released_codes_pass_through():
    codes, warning = decode_position(np.array([0.0, 1, 2, 3, 4, -1, np.nan]))
    assert codes.tolist() == [0, 1, 2, 3, 4, -1, -1] and warning is None


def test_position_custom_encoding():
    codes, _ = decode_position(np.array([0.0, 1.0, 2.0, 7.0]), {0: 2, 1: 0, 2: 1})
    assert codes.tolist() == [2, 0, 1, -1]


def test_position_analogue_levels_are_unknown():
    codes, warning = decode_position(np.linspace(0.01, 2.99, 50))
    assert (codes == -1).all() and "not in a recognised encoding" in warning


def test_documented_alias_table_matches_the_code():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "recordings.md").read_text()
    rows = {}
    for line in docs.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in ALIASES:
            rows[cells[0]] = tuple(a.strip() for a in cells[1].split(","))
    assert rows == ALIASES
