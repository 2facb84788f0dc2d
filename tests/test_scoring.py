"""Machine scoring (sleeplm_core.scoring) on real and synthetic nights.

YASA staging of SC4001 takes ~20 s, so it runs once for the module.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.cli import main
from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.heads.metrics import event_scores
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import Recording, Signal
from sleeplm_core.scoring.respiratory import amplitude_in_spans
from sleeplm_core.io.scoring import read_scoring
from sleeplm_core.scoring import MachineScoring, ScoringConfig, score_night
from sleeplm_core.scoring.agreement import agreement
from sleeplm_core.scoring.channels import eeg_labels, montage_slots, resampled
from sleeplm_core.scoring.coverage import blind_types

ROOT = Path(__file__).resolve().parents[1]
SC4001 = ROOT / "assets" / "demo" / "SC4001E0_inbed.edf"
SC4001_HYP = ROOT / "assets" / "demo" / "SC4001E0_inbed_hypnogram.edf"
APNEA = ("obstructive_apnea", "central_apnea", "mixed_apnea")


@pytest.fixture(scope="module")
def sc4001() -> tuple[Recording, MachineScoring]:
    rec = load_recording(SC4001)
    return rec, score_night(rec)


@pytest.fixture(scope="module")
def synthetic(synthetic_edf: Path) -> tuple[Recording, Recording, MachineScoring]:
    """(the file with its truth, the same signals with every annotation removed, its scoring)."""
    truth = load_recording(synthetic_edf)
    stripped = Recording(signals=copy.deepcopy(truth.signals), start_time=truth.start_time,
                         duration=truth.duration)
    return truth, stripped, score_night(stripped)


def test_sc4001_is_staged_from_fpz_cz_at_expert_agreement(sc4001) -> None:
    rec, scoring = sc4001
    assert scoring.stage_source.startswith("YASA") and "Fpz-Cz" in scoring.stage_source
    assert scoring.label() == "machine-scored (YASA, EEG Fpz-Cz)"
    expert = read_scoring(SC4001_HYP)
    result = agreement(scoring, expert.stages, expert.stage_offset, [])
    assert result.stages.n_epochs == 841
    assert result.stages.kappa >= 0.80
    assert np.allclose(np.nansum(scoring.stage_proba, axis=1), 1.0)
    assert np.all((scoring.confidence > 0.2) & (scoring.confidence <= 1.0))


def test_sc4001_skips_what_its_channels_cannot_give_one_line_each(sc4001) -> None:
    _, scoring = sc4001
    skipped = "\n".join(scoring.skipped)
    assert "respiratory: no usable airflow or effort belt (Resp oro-nasal sampled at 1 Hz" in skipped
    assert "desaturations: no usable SpO2" in skipped
    assert all("\n" not in line for line in scoring.skipped)
    kinds = {e.type for e in scoring.events}
    assert {"spindle", "slow_wave", "rapid_eye_movement", "arousal"} <= kinds
    assert all(e.source.startswith("machine-scored (") for e in scoring.events)


def test_blind_types_are_what_the_channels_cannot_show(sc4001, synthetic) -> None:
    rec, _ = sc4001
    blind = blind_types(rec)
    assert set(blind) == {*APNEA, "hypopnea", "desaturation", "limb_movement"}
    assert "Resp oro-nasal sampled at 1 Hz" in blind["hypopnea"]
    _, stripped, _ = synthetic
    assert blind_types(stripped) == {}
    slots = montage_slots(stripped)
    broken = copy.copy(stripped)
    broken.signals = {k: v for k, v in stripped.signals.items()
                      if k not in {slots["AF"], slots["THX"], slots["ABD"]}}
    assert set(blind_types(broken)) == {*APNEA, "hypopnea"}


def test_scoring_never_reads_or_changes_the_recording(synthetic) -> None:
    truth, stripped, scoring = synthetic
    assert not stripped.events and not stripped.has_scoring
    for label, sig in truth.signals.items():
        assert np.array_equal(sig.data, stripped.signals[label].data)
    # The same signals with annotations give the same scoring.
    again = score_night(truth, config=ScoringConfig(parts=("stages",)))
    assert np.array_equal(again.stages, scoring.stages)


def test_synthetic_night_events_from_signals_alone(synthetic) -> None:
    truth, _, scoring = synthetic
    f1 = {name: event_scores(intervals_of(scoring.events, types), intervals_of(truth.events, types)).f1
          for name, types in (("apnea", APNEA), ("hypopnea", ("hypopnea",)),
                              ("desaturation", ("desaturation",)),
                              ("limb", ("limb_movement",)))}
    assert min(f1.values()) > 0.6, f1
    assert scoring.heart_rate is not None and 45 < np.nanmedian(scoring.heart_rate.data) < 80
    assert "sleepecg" in scoring.heart_rate.label


def test_k_complexes_are_the_slow_waves_of_machine_n2(synthetic) -> None:
    """YASA has no K-complex detector; its author's recipe is sw_detect limited to N2."""
    truth, _, scoring = synthetic
    waves = {(e.onset, e.duration) for e in scoring.events if e.type == "slow_wave"}
    ks = [e for e in scoring.events if e.type == "k_complex"]
    assert ks and all((e.onset, e.duration) in waves and "sw_detect in N2" in e.source for e in ks)
    assert set(scoring.stages_at(np.array([e.onset for e in ks]))) == {2}
    f1 = event_scores(intervals_of(scoring.events, ("k_complex",)),
                      intervals_of(truth.events, ("k_complex",))).f1
    assert f1 > 0.2, f1


def test_64_hz_eeg_is_resampled_and_staged(synthetic) -> None:
    truth, stripped, native = synthetic
    slow = copy.copy(stripped)
    slow.signals = {label: Signal(label, resampled(sig, 64.0), 64.0, sig.unit) if sig.sfreq > 64
                    else sig for label, sig in stripped.signals.items()}
    scoring = score_night(slow, config=ScoringConfig(parts=("stages",)))
    assert "C4-M1" in scoring.stage_source
    kappa = agreement(scoring, truth.stages, truth.stage_offset, []).stages.kappa
    native_kappa = agreement(native, truth.stages, truth.stage_offset, []).stages.kappa
    assert kappa > 0.4 and kappa > native_kappa - 0.1


def test_flat_eeg_and_missing_airflow_skip_only_their_parts(synthetic) -> None:
    _, stripped, _ = synthetic
    broken = copy.copy(stripped)
    broken.signals = dict(stripped.signals)
    for label in eeg_labels(stripped):
        sig = stripped.signals[label]
        broken.signals[label] = Signal(label, np.zeros_like(sig.data), sig.sfreq, sig.unit)
    del broken.signals["Airflow"]
    scoring = score_night(broken)
    assert not scoring.has_stages
    assert any(line.startswith("stages: no usable EEG (") and "is flat" in line
               for line in scoring.skipped)
    # RIPsum stands in for the missing airflow; everything not needing EEG is still scored.
    kinds = {e.type for e in scoring.events}
    assert {"desaturation", "limb_movement"} <= kinds and kinds & set(APNEA)
    assert any("RIPsum" in (e.source or "") for e in scoring.events)


def test_score_cli_writes_csv_that_reads_back_and_prints_agreement(
        sc4001, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "night.csv"
    ten_min = ROOT / "tests" / "fixtures" / "io" / "SC4001E0-PSG-first10min.edf"
    assert main(["score", str(ten_min), "--out", str(out), "--hypnogram", str(SC4001_HYP)]) == 0
    printed = capsys.readouterr().out
    assert "stages: YASA" in printed and "skipped: respiratory" in printed
    assert "agreement with" in printed and "kappa" in printed
    with out.open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["onset", "duration", "description"]
    back = read_scoring(out)
    assert len(back.stages) == 20 and np.all(back.stages >= 0)
    edf = tmp_path / "night.edf"
    assert main(["score", str(ten_min), "--out", str(edf)]) == 0
    assert np.array_equal(read_scoring(edf).stages, back.stages)
    assert main(["score", str(ten_min), "--out", str(tmp_path / "x.txt")]) == 2
    assert "name the file .csv or .edf" in capsys.readouterr().err


def test_app_night_without_hypnogram_is_the_machine_scoring(sc4001) -> None:
    from app.night import read_night
    from app.plots import night_figure

    _, scoring = sc4001
    bare = read_night(SC4001, "SC4001")
    bare.machine = scoring
    stages, source = bare.stages()
    assert source == "machine-scored (YASA, EEG Fpz-Cz)" and np.all(stages >= 0)
    events, events_source = bare.scored_events()
    assert events and events_source.startswith("machine-scored (") and "YASA" in events_source
    machine = bare.summary()
    assert machine.source == source and not machine.agreement
    expert_night = read_night(SC4001, "SC4001", SC4001_HYP)
    expert_night.machine = scoring
    expert = expert_night.summary()
    assert expert.source == "scored" and expert.agreement.startswith("κ 0.8")
    assert machine.stage_pct["REM"] == pytest.approx(expert.stage_pct["REM"], rel=0.1)
    assert machine.rem_latency_min == pytest.approx(expert.rem_latency_min, rel=0.1)
    names = {t.name for t in night_figure(expert_night.view()).data}
    assert {"scored (human)", source, "spindle (machine)"} <= names


DREAMS = ROOT / ".." / "shared" / "data" / "real" / "dreams_spindles"


def test_dreams_excerpt3_heart_from_50_hz_ecg_and_uncalibrated_spo2_skipped() -> None:
    rec = load_recording(DREAMS / "excerpt3.edf")
    scoring = score_night(rec, config=ScoringConfig(parts=("desaturations", "heart")))
    assert scoring.heart_rate is not None and "ECG" in scoring.heart_rate.label
    assert 40 < np.nanmedian(scoring.heart_rate.data) < 100
    # At 03:55:25 movement turns the ECG into 15 s of "beats" 0.2-0.4 s apart (150-290 bpm).
    assert np.nanmax(scoring.heart_rate.data) < 120
    assert not [e for e in scoring.events if e.type == "tachycardia"]
    assert any(line.startswith("desaturations: SAO2: only 0% of its values") and
               line.endswith("looks uncalibrated and is left out") for line in scoring.skipped)


def test_tuned_spindle_thresholds_beat_yasa_defaults_on_dreams_excerpt1() -> None:
    from sleeplm_core.scoring.microevents import SpindleConfig, detect_spindles

    rec = load_recording(DREAMS / "excerpt1.txt", sfreq=100.0)
    eeg = rec.signals[eeg_labels(rec)[0]]
    truth = intervals_of(read_scoring(DREAMS / "Visual_scoring1_excerpt1.txt").events, ("spindle",))
    f1 = {name: event_scores([(e.onset, e.offset) for e in detect_spindles(eeg, None, cfg)], truth).f1
          for name, cfg in (("defaults", SpindleConfig()), ("tuned", ScoringConfig().spindles))}
    assert f1["tuned"] > f1["defaults"] > 0.2, f1


def test_breath_amplitude_in_a_pause_is_near_zero_and_after_it_near_the_breaths_before() -> None:
    rate = 25.0
    t = np.arange(int(600 * rate)) / rate
    flow = 40.0 * np.sin(2 * np.pi * 0.25 * t)
    pause = (t >= 300) & (t < 330)
    flow[pause] *= 0.02
    during, after, before = amplitude_in_spans(Signal("Airflow", flow, rate, "a.u."),
                                               [(303, 327), (340, 370), (200, 280)])
    assert during < 10 and 80 < after < 120 and 80 < before < 120
    # a span outside the recording has no amplitude
    assert np.isnan(amplitude_in_spans(Signal("Airflow", flow, rate, "a.u."), [(700, 720)])[0])


def test_dreams_excerpt3_night_has_no_odi_from_its_uncalibrated_spo2() -> None:
    """Its summary read "ODI 0.0/h (0 desaturations)" from an SAO2 centred near 0."""
    from app.night import machine_score, read_night

    night = read_night(DREAMS / "excerpt3.edf", "excerpt3")
    machine_score(night)
    assert night.summary().odi is None
    assert night.summary().ahi is not None
