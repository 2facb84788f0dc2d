"""Synthetic nights: montage profiles, per-night randomisation, realistic breathing, and the CLI's refusals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks, welch

from sleeplm_core.cli import main as sleeplm
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.io.synth.config import SLEEP_EDF_LABELS
from sleeplm_core.io.synth.profiles import BIOSIGNAL_RATES, HST_LABELS

W = 0
RESPIRATORY = ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")


def _night(**kwargs):
    return synth_night(SynthConfig(hours=1.0, sleep_latency_min=20.0, **kwargs))


def test_sleep_edf_and_home_test_profiles_have_their_channels():
    edf = _night(seed=3, profile="sleep-edf")
    assert tuple(edf.signals) == SLEEP_EDF_LABELS
    assert edf.signals["EMG submental"].sfreq == 1.0 and edf.signals["Resp oro-nasal"].sfreq == 1.0
    assert edf.signals["EEG Fpz-Cz"].sfreq == 100.0
    hst = _night(seed=3, profile="hst")
    assert tuple(hst.signals) == HST_LABELS
    assert np.array_equal(hst.stages, edf.stages)  # the montage changes the sensors, not the sleep


def test_random_profile_draws_montages_rates_units_and_gaps():
    montages = [_night(seed=s, profile="random", ahi=0.0).source["montage"] for s in range(12)]
    assert {m["profile"] for m in montages} >= {"aasm", "sleep-edf"}
    assert len({m["rates"]["eeg"] for m in montages}) >= 3
    assert all(m["rates"]["eeg"] in BIOSIGNAL_RATES for m in montages)
    assert any(m["millivolt"] for m in montages) and any(m["bdf"] for m in montages)


def _alpha_peak(rec, label: str) -> float:
    signal = rec.signals[label]
    epochs = signal.data.reshape(-1, int(EPOCH_SEC * signal.sfreq))[rec.stages == W]
    freqs, psd = welch(epochs, fs=signal.sfreq, nperseg=int(4 * signal.sfreq))
    band = (freqs >= 7.0) & (freqs <= 14.0)
    return float(freqs[band][np.argmax(np.median(psd[:, band], axis=0))])


def test_each_sleeper_has_the_alpha_peak_drawn_for_them():
    nights = [_night(seed=s, ahi=0.0) for s in (21, 22, 23)]
    drawn = [n.source["ground_truth"]["variation"]["alpha_hz"] for n in nights]
    found = [_alpha_peak(n, "C3-M2") for n in nights]
    assert np.ptp(drawn) > 0.5  # the draws differ, so a fixed peak could not pass
    assert np.allclose(found, drawn, atol=0.75), (found, drawn)


def test_textbook_nights_skip_the_randomisation():
    a = _night(seed=5, randomise=False)
    assert a.source["ground_truth"]["variation"]["drift_depth"] == 0.0
    assert abs(_alpha_peak(a, "C3-M2") - 10.0) <= 0.75


def test_breathing_varies_without_hypopnea_sized_drops_outside_events():
    rec = _night(seed=8, ahi=0.0)
    flow = rec.signals["Airflow"]
    fs = int(flow.sfreq)
    peaks = np.abs(flow.data).reshape(-1, fs).max(axis=1)
    envelope = np.array([peaks[i:i + 10].max() for i in range(len(peaks) - 10)])  # 10-s windows
    asleep = np.repeat(rec.stages != W, int(EPOCH_SEC))[: len(envelope)]
    ratios = [envelope[i] / np.median(envelope[i - 120:i]) for i in range(120, len(envelope)) if asleep[i]]
    assert min(ratios) > 0.7  # AASM hypopnea needs a >= 30 % drop for >= 10 s
    breath_peaks = peaks[asleep.nonzero()[0]]
    assert np.std(breath_peaks) / np.mean(breath_peaks) > 0.05  # breaths are no longer identical


def test_events_still_act_on_the_randomised_breathing():
    rec = _night(seed=9, ahi=40.0)
    flow = rec.signals["Airflow"]
    fs = flow.sfreq
    ratios = []
    for event in (e for e in rec.events if e.type in RESPIRATORY and e.type != "hypopnea"):
        during = np.abs(flow.data[int((event.onset + 2) * fs): int((event.offset - 2) * fs)]).max()
        before = np.abs(flow.data[int((event.onset - 30) * fs): int((event.onset - 2) * fs)]).max()
        ratios.append(during / before)
    assert ratios and np.median(ratios) < 0.1  # >= 90 % flow drop in apneas


@pytest.mark.parametrize("flags, flag", [
    (["--ahi", "-1"], "--ahi"), (["--rate", "20"], "--rate"), (["--profile", "clinic"], "--profile"),
    (["--hours", "0"], "--hours"),
])
def test_cli_refuses_impossible_settings_naming_the_flag(tmp_path, capsys, flags, flag):
    out = tmp_path / "night.edf"
    assert sleeplm(["synth", str(out), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {flag}:") and "\n" not in err
    assert not list(tmp_path.iterdir())  # nothing written, not even a temp file


def test_cli_writes_a_profile_night_as_bdf(tmp_path, capsys):
    out = tmp_path / "night.bdf"
    assert sleeplm(["synth", str(out), "--hours", "0.5", "--profile", "sleep-edf", "--rate", "200", "--seed", "2"]) == 0
    assert "profile sleep-edf" in capsys.readouterr().out
    rec = load_recording(out)
    assert tuple(rec.signals) == SLEEP_EDF_LABELS and rec.signals["EEG Pz-Oz"].sfreq == 200.0
    assert [p.name for p in tmp_path.iterdir()] == ["night.bdf"]


def test_home_test_pleth_pulses_with_every_beat_and_shrinks_at_arousals():
    rec = _night(seed=5, profile="hst", arousal_index=25.0)
    pleth = rec.signals["Pleth"]
    fs = pleth.sfreq
    peaks, _ = find_peaks(pleth.data, distance=int(0.35 * fs), prominence=0.3)
    hr = rec.source["ground_truth"]["hr_bpm"]
    counted = 2.0 * np.bincount((peaks / fs // EPOCH_SEC).astype(int), minlength=len(hr))[: len(hr)]
    assert np.nanpercentile(np.abs(counted - hr), 90) <= 2.0  # one pulse per true beat
    arousals = [e for e in rec.events if e.type == "arousal" and e.onset > 30]
    ratios = [np.ptp(pleth.data[int((e.onset + 3) * fs): int((e.onset + 8) * fs)])
              / np.ptp(pleth.data[int((e.onset - 25) * fs): int((e.onset - 20) * fs)]) for e in arousals]
    assert arousals and np.median(ratios) < 0.8  # vasoconstriction: the pulse-wave amplitude drop
