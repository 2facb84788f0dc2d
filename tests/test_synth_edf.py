"""EDF+ writing: synthetic nights round-trip through the real readers; the demo recordings load."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import edfio
import numpy as np
import pytest
from scipy.signal import find_peaks

from sleeplm_core.cli import main as sleeplm
from sleeplm_core.errors import RecordingError
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import Event, Recording, Signal
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.io.synth.eeg import DERIVATIONS

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "assets" / "demo"


@pytest.fixture(scope="module")
def night() -> Recording:
    return synth_night(SynthConfig(hours=1.5, ahi=30.0, sleep_latency_min=5.0, seed=4))


def _same_events(read, written) -> bool:
    """Equal types, and onsets/durations within the 100-µs resolution EDF+ is written at."""
    a = sorted((e.type, e.onset, e.duration) for e in read)
    b = sorted((e.type, e.onset, e.duration) for e in written)
    return len(a) == len(b) and all(
        x[0] == y[0] and abs(x[1] - y[1]) <= 1e-4 and abs(x[2] - y[2]) <= 1e-4 for x, y in zip(a, b)
    )


def _step(signal: Signal, bits: int) -> float:
    return (signal.data.max() - signal.data.min()) / (2**bits - 1)


@pytest.mark.parametrize("bdf, bits", [(False, 16), (True, 24)])
def test_synthetic_night_round_trips_through_the_reader(night, tmp_path, bdf, bits):
    path = write_edf(night, tmp_path / ("night.bdf" if bdf else "night.edf"), bdf=bdf)
    back = load_recording(path)
    assert list(back.signals) == list(night.signals)
    for label, signal in night.signals.items():
        read = back.signals[label]
        assert read.sfreq == signal.sfreq and read.unit == signal.unit
        # One quantisation step, plus the 8-character header rounding of the range.
        assert np.max(np.abs(read.data - signal.data)) <= 1.01 * _step(signal, bits) + 1e-6 * np.ptp(signal.data), label
    assert np.array_equal(back.stages, night.stages)
    assert Counter(e.type for e in back.events) == Counter(e.type for e in night.events)
    assert _same_events(back.events, night.events)
    assert back.start_time == night.start_time and back.duration == night.duration


def test_scoring_can_go_to_a_separate_hypnogram_file(night, tmp_path):
    psg = write_edf(night, tmp_path / "psg.edf", hypnogram_path=tmp_path / "hyp.edf")
    assert not load_recording(psg).has_scoring
    back = load_recording(psg, hypnogram=tmp_path / "hyp.edf")
    assert np.array_equal(back.stages, night.stages)


def test_position_values_survive_exactly(night, tmp_path):
    back = load_recording(write_edf(night, tmp_path / "pos.edf"))
    assert np.array_equal(back.signals["Position"].data, night.signals["Position"].data)


def test_writer_rejects_what_edf_cannot_hold(tmp_path):
    good = Signal("C3-M2", np.zeros(3000), 100.0, "uV")
    nan = Signal("C4-M1", np.full(3000, np.nan), 100.0, "uV")
    short = Signal("C4-M1", np.zeros(2900), 100.0, "uV")
    odd = Signal("C3-M2", np.zeros(3005), 100.0, "uV")
    cases = [
        ({"C3-M2": good, "C4-M1": nan}, "NaN or infinite"),
        ({"C3-M2": good, "C4-M1": short}, "different durations"),
        ({"C3-M2": odd}, "not a whole number of data records"),
        ({}, "no signals"),
    ]
    for signals, fragment in cases:
        rec = Recording(signals=signals, start_time=None, duration=30.0)
        with pytest.raises(RecordingError, match=fragment):
            write_edf(rec, tmp_path / "bad.edf")


def test_flat_channels_and_unknown_event_types_are_written(tmp_path):
    rec = Recording(
        signals={"Pulse": Signal("Pulse", np.full(60, 61.0), 1.0, "bpm")}, start_time=None, duration=60.0,
        stages=np.array([0, -1], dtype=np.int8), events=[Event(12.5, 3.0, "Bruxism")],
    )
    back = load_recording(write_edf(rec, tmp_path / "flat.edf"))
    assert np.allclose(back.signals["Pulse"].data, 61.0, atol=1e-3)
    assert list(back.stages) == [0, -1]
    assert [(e.type, e.onset) for e in back.events] == [("Bruxism", 12.5)]


def test_cli_writes_a_night_and_reports_bad_settings(tmp_path, capsys):
    out = tmp_path / "cli.edf"
    assert sleeplm(["synth", str(out), "--hours", "0.5", "--ahi", "20", "--seed", "1", "--drop", "Snore"]) == 0
    assert "wrote" in capsys.readouterr().out
    rec = load_recording(out)
    assert "Snore" not in rec.signals and len(rec.stages) == 60
    assert sleeplm(["synth", str(tmp_path / "x.edf"), "--ahi", "500"]) == 2
    assert "ahi=500" in capsys.readouterr().err


def test_real_demo_night_loads_with_its_hypnogram():
    rec = load_recording(DEMO / "SC4001E0_inbed.edf", hypnogram=DEMO / "SC4001E0_inbed_hypnogram.edf")
    # SOURCE.md stage totals: every sleep epoch lies inside the crop; W is 30 min either side + WASO.
    codes, counts = np.unique(rec.stages, return_counts=True)
    assert dict(zip(codes.tolist(), counts.tolist())) == {0: 189, 1: 58, 2: 250, 3: 220, 4: 125}
    assert len(rec.signals) == 7 and rec.duration == 25_260.0
    assert str(rec.start_time) == "1989-04-25 00:13:30"


def _demo_script():
    spec = importlib.util.spec_from_file_location("make_demo_assets", REPO / "scripts" / "make_demo_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ecgsyn's beat templates differ from CPU to CPU (tests/test_synth_rates.py, _closed_form_beats): the
# ECG and the EEG leads it bleeds into are held to what that allows, every other channel to the digit.
BEAT_CHANNELS = ("ECG II", *DERIVATIONS)
BEAT_SHIFT = 0.25
"""Most RMS change of the ECG, as a share of its SD, that another CPU's ecgsyn gives (measured: 1e-16
changes of its input move the beat templates by up to 0.12 of their SD; the ECG is beats plus noise)."""
MOST_BLEED = 0.05
"""Most share of the ECG's change that reaches an EEG lead: the largest bleed, 3 % of the ECG, times 1.5."""


def _header_fields(edf: edfio.Edf, beats: bool) -> list[tuple]:
    """Every header field of every signal; a beat channel's physical range only to 15 %."""
    fields = []
    for sig in edf.signals:
        wide = sig.physical_max - sig.physical_min
        shown = (round(sig.physical_min / wide / 0.15), round(sig.physical_max / wide / 0.15)) \
            if beats and sig.label in BEAT_CHANNELS else (sig.physical_min, sig.physical_max)
        fields.append((sig.label, sig.transducer_type, sig.physical_dimension, sig.prefiltering,
                       sig.sampling_frequency, sig.digital_min, sig.digital_max, *shown))
    return fields


def _r_peaks(x: np.ndarray, fs: float) -> np.ndarray:
    return find_peaks(x, height=0.5 * np.percentile(x, 99.5), distance=int(0.3 * fs))[0]


def test_synthetic_demo_night_is_what_the_script_makes(tmp_path):
    """The shipped file must be regenerated (scripts/make_demo_assets.py) whenever synth or the writer changes."""
    fresh = write_edf(synth_night(_demo_script().DEMO_SYNTH), tmp_path / "fresh.edf")
    shipped = DEMO / "synthetic_night.edf"
    assert fresh.read_bytes()[:256] == shipped.read_bytes()[:256]  # the recording's header: who, when, how long
    fresh_edf, shipped_edf = edfio.read_edf(fresh), edfio.read_edf(shipped)
    assert _header_fields(fresh_edf, True) == _header_fields(shipped_edf, True)
    assert fresh_edf.annotations == shipped_edf.annotations
    pairs = {x.label: (x, y) for x, y in zip(fresh_edf.signals, shipped_edf.signals)}
    # Another CPU's float rounding may flip a rare sample by one digital unit; more than that means the
    # file must be regenerated.
    diff = np.concatenate([x.digital.astype(int) - y.digital for label, (x, y) in pairs.items()
                           if label not in BEAT_CHANNELS])
    assert np.abs(diff).max() <= 1 and np.count_nonzero(diff) < 100
    ecg, shipped_ecg = pairs["ECG II"]
    heart = np.sqrt(np.mean((ecg.data - shipped_ecg.data) ** 2))
    assert heart <= BEAT_SHIFT * shipped_ecg.data.std()
    fs = ecg.sampling_frequency
    beats, shipped_beats = _r_peaks(ecg.data, fs), _r_peaks(shipped_ecg.data, fs)
    assert len(beats) == len(shipped_beats) and np.abs(beats - shipped_beats).max() <= 1  # a sub-sample shift
    for label in BEAT_CHANNELS[1:]:
        if label in pairs:
            x, y = pairs[label]
            step = (y.physical_max - y.physical_min) / (y.digital_max - y.digital_min)
            assert np.sqrt(np.mean((x.data - y.data) ** 2)) <= MOST_BLEED * heart + step, label
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 46e6
