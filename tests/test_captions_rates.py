"""Captions at every rate, on real recordings read from ../shared (never copied here).

DREAMS excerpt3 is a full-montage PSG sampled at 50 Hz whose SAO2 and PR channels are
uncalibrated (centred near 0); SC4001 is a 100-Hz Sleep-EDF night.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yasa

from sleeplm_core.captions.caption import parse_caption, render_caption
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.features.brain import EEG_BANDS, eeg_bands, eeg_relative_power
from sleeplm_core.features.heart import heart_features
from sleeplm_core.features.night import night_features
from sleeplm_core.io.load import load_recording, open_night
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.features.signals import epoch_matrix

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
DREAMS = REAL / "dreams_spindles"
SC4001 = REAL / "sleep_edf_sc4001"
YASA_TOLERANCE_PP = 1.5
"""Largest difference, in percentage points per band and epoch, from yasa.bandpower."""

pytestmark = pytest.mark.skipif(not (DREAMS / "excerpt3.edf").is_file(), reason="needs ../shared/data/real")


@pytest.fixture(scope="module")
def dreams():
    rec, montage, epochs = open_night(DREAMS / "excerpt3.edf", hypnogram=DREAMS / "Hypnogram_excerpt3.txt")
    return rec, epochs, night_features(rec, epochs, montage)


def _yasa_percent(x: np.ndarray, sfreq: float, bands: tuple) -> np.ndarray:
    """yasa.bandpower of one epoch with its own 0.5-Hz-to-top FIR band-pass, in %."""
    table = yasa.bandpower(x, sfreq, win_sec=4, bands=list(bands), relative=True, bandpass=True)
    return 100.0 * table.iloc[0][[name for _, _, name in bands]].to_numpy(float)


@pytest.mark.parametrize("night", ["sc4001", "dreams"])
def test_band_powers_match_yasa_bandpower_on_real_epochs(night):
    if night == "sc4001":
        rec = load_recording(SC4001 / "SC4001E0-PSG.edf", hypnogram=SC4001 / "SC4001EC-Hypnogram.edf")
        sig = rec.signals["EEG Fpz-Cz"]
        # Wake (where the 93 % relative delta was reported) and sleep epochs alike.
        wake, sleep = np.flatnonzero(rec.stages == 0), np.flatnonzero(rec.stages > 0)
        chosen = np.concatenate([wake[:: max(1, len(wake) // 40)], sleep[:: max(1, len(sleep) // 40)]])
    else:
        rec = load_recording(DREAMS / "excerpt3.edf", hypnogram=DREAMS / "Hypnogram_excerpt3.txt")
        sig = rec.signals["C3-A1"]
        chosen = np.arange(len(rec.stages))
    starts = rec.stage_offset + EPOCH_SEC * np.arange(len(rec.stages))
    power, ok = eeg_relative_power(sig, starts)
    bands = eeg_bands(sig.sfreq)
    ours = power[:, chosen].T
    theirs = np.array([_yasa_percent(x, sig.sfreq, bands) for x in epoch_matrix(sig, starts[chosen])])
    assert ok[chosen].all() and len(chosen) >= 60
    assert np.abs(ours - theirs).max() < YASA_TOLERANCE_PP
    # Both agree on wake delta too: it is the recording, not a missing high-pass.
    wake = rec.stages[chosen] == 0
    assert abs(ours[wake, 0].mean() - theirs[wake, 0].mean()) < 0.5


def test_dreams_excerpt3_has_all_five_levels_with_eeg_and_heart_facts(dreams):
    _, epochs, features = dreams
    assert features.present_levels() == LEVELS
    assert eeg_bands(50.0) == EEG_BANDS[:4] and eeg_bands(100.0) == EEG_BANDS
    brain = next(f for f in features.levels["brain"] if f is not None and f.eeg)
    assert {ch.channel for ch in brain.eeg} == {"C3-A1", "FP1-A1"}
    for ch in brain.eeg:
        assert ch.beta is None and abs(ch.delta + ch.theta + ch.alpha + ch.sigma - 100.0) < 1e-6
    assert any("beta (16-30 Hz) lies above the 25-Hz Nyquist limit" in n and n.startswith("C3-A1")
               for n in features.notes)
    hearts = [f for f in features.levels["heart"] if f is not None]
    assert len(hearts) >= 0.9 * len(epochs)
    rates = np.array([f.ecg.rate for f in hearts if f.ecg])
    assert 45 < np.median(rates) < 90  # 1780 beats in 30 min: about 59 bpm
    assert all(f.heart_rate is None or f.heart_rate.source == "ECG" for f in hearts)
    assert all(f.spo2 is None for f in hearts)
    for label in ("SAO2", "PR"):
        assert any(n.startswith(f"{label}: only 0% of its values") and "uncalibrated" in n for n in features.notes)


def test_dreams_captions_state_eeg_bands_and_name_the_heart_rate_source(dreams):
    _, _, features = dreams
    i = next(i for i, f in enumerate(features.levels["heart"]) if f is not None and f.heart_rate)
    rng = np.random.default_rng(3)
    brain_text = render_caption("brain", features.levels["brain"][i], rng, approx_prob=0.0)
    heart_text = render_caption("heart", features.levels["heart"][i], rng, approx_prob=0.0)
    assert "delta" in brain_text and "sigma" in brain_text and "beta" not in brain_text
    assert "from ECG" in heart_text and "SpO2" not in heart_text
    back = parse_caption(heart_text, "heart")
    assert back.heart_rate.source == "ECG" and back.spo2 is None
    assert abs(back.heart_rate.mean - features.levels["heart"][i].heart_rate.mean) < 0.1
    assert np.isnan(parse_caption(brain_text, "brain").eeg[0].beta)


def test_heart_rate_falls_back_to_the_pulse_channel_when_r_peaks_are_not_detectable(dreams):
    rec, epochs, _ = dreams
    ecg, pr = rec.signals["ECG"], rec.signals["PR"]
    saved = ecg.data, pr.data
    try:
        ecg.data = np.random.default_rng(0).normal(0.0, 50.0, len(ecg.data))
        pr.data = 64.0 + 4.0 * np.sin(np.arange(len(pr.data)) / pr.sfreq / 20.0)
        notes: list[str] = []
        facts = heart_features(rec, epochs, notes)
    finally:
        ecg.data, pr.data = saved
    assert all(f is None or f.ecg is None for f in facts)
    assert any(n.startswith("ECG: R peaks are not reliably detectable at 50 Hz") for n in notes)
    rates = [f.heart_rate for f in facts if f is not None and f.heart_rate]
    assert len(rates) == len(epochs) and all(r.source == "PR" and 59 < r.mean < 69 for r in rates)
