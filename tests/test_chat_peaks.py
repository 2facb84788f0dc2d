"""Peak frequencies and the 1/f exponent of the EEG per stage ("what's the alpha peak
frequency?", "the dominant frequency in N2", "the aperiodic slope"), on the bundled night and
on DREAMS excerpt 3, a real recording read unscored (staged by the machine)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import welch

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

DREAMS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "dreams_spindles"


@pytest.fixture(scope="module")
def dreams(demo):
    from app.night import embed_night, read_night

    _, engine = demo
    night = read_night(DREAMS / "excerpt3.edf", "excerpt3")
    embed_night(night, engine)
    return night, engine


@pytest.mark.parametrize(("text", "band", "stages", "slope"), [
    ("what's the alpha peak frequency?", "alpha", (), False),
    ("individual alpha frequency", "alpha", (), False),
    ("what is the dominant frequency during N2?", "", ("N2",), False),
    ("dominant frequency per stage", "", (), False),
    ("what is the aperiodic slope in REM and N3?", "", ("N3", "REM"), True),
])
def test_peak_and_slope_questions_ask_for_the_spectrum(text, band, stages, slope) -> None:
    q = understand(text)
    assert (q.intent, q.measure, q.target, q.scope.stages) == (
        Intent.MEASURE, "peak_frequency", band, stages), q
    assert (q.note == "slope") == slope


def test_a_scored_event_s_frequency_stays_with_the_events() -> None:
    assert understand("what frequency are the spindles?").measure != "peak_frequency"


def _table_row(text: str, stage: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {stage} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_alpha_peak_is_read_in_wake_where_the_spectrum_holds_it(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what's the alpha peak frequency?", engine).text
    peak = float(re.search(r"in W is at \*\*([\d.]+) Hz\*\*", text).group(1))
    # the wake spectrum's own maximum in 8-12 Hz, measured here
    stages = night.stages()[0]
    sig = night.recording.signals["C4-M1"]
    n = int(EPOCH_SEC * sig.sfreq)
    wake = [int(s * sig.sfreq) for s in night.epochs.starts[stages == STAGES.index("W")]]
    freqs, psd = welch(np.stack([sig.data[s:s + n] for s in wake]), sig.sfreq,
                       nperseg=int(4 * sig.sfreq))
    band = (freqs >= 8) & (freqs <= 12)
    assert abs(peak - freqs[band][np.argmax(psd.mean(axis=0)[band])]) <= 0.5
    assert "Klimesch 1999" in text and len(re.findall(r"^\| W \|", text, re.M)) == 1


def test_a_real_night_s_n2_peaks_at_its_spindles_and_its_exponent_grows_with_depth(dreams) -> None:
    night, engine = dreams
    text = Session(night).ask("dominant frequency per stage", engine).text
    n2 = _table_row(text, "N2")
    peak = float(re.match(r"\*\*([\d.]+)\*\* sigma x", n2[2]).group(1))
    spindles = [e for e in night.machine.events if e.type == "spindle"]
    assert spindles and 12.0 <= peak < 16.0
    exponents = {st: float(_table_row(text, st)[4]) for st in ("W", "N2", "N3")}
    assert exponents["W"] < exponents["N2"] < exponents["N3"], exponents
    slope = Session(night).ask("what is the 1/f slope?", engine).text
    assert f"N3 **{exponents['N3']:.2f}**" in slope and "Lendner" in slope
    assert "Mean spectrum of C3-A1" in text
    # the alpha rhythm is read where it is largest, at the occipital lead
    alpha = Session(night).ask("what's the alpha peak frequency?", engine).text
    assert "Mean spectrum of O1-A1" in alpha, alpha


def test_a_stage_whose_lead_is_flat_gets_no_spectrum(demo) -> None:
    """FOOOF cannot log a zero spectrum: the stage is left out, not a crash."""
    from dataclasses import replace

    night, engine = demo
    label = next(l for l in ("C4-M1", "C3-M2") if l in night.recording.signals)
    sig = night.recording.signals[label]
    data = sig.data.copy()
    wake = night.epochs.starts[night.stages()[0] == STAGES.index("W")]
    n = int(EPOCH_SEC * sig.sfreq)
    for start in wake:
        data[int(start * sig.sfreq):int(start * sig.sfreq) + n] = 0.0
    signals = {k: (replace(v, data=data) if k == label else v)
               for k, v in night.recording.signals.items()}
    flat = replace(night, recording=replace(night.recording, signals=signals))
    text = Session(flat).ask("dominant frequency per stage", engine).text
    assert "| W |" not in text and "| N2 |" in text, text
