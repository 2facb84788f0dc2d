"""Per-epoch features recover the known parameters of synthetic nights."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.features import night_features
from sleeplm_core.features import brain, heart, position_muscle, respiratory, stage_event
from sleeplm_core.features.schema import Trend, column_words, numeric_fields
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.load import open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.position import POSITION_NAMES
from sleeplm_core.io.recording import STAGES, Event, Recording
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.io.synth import eeg as synth_eeg

YASA_REM_EOG = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "yasa_snippets"
                / "data_EOGs_REM_256Hz.npz")
RESPIRATORY_EVENTS = ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")
HR_TOL_BPM = 2.0
RESP_TOL_PER_MIN = 1.0


def _features(cfg: SynthConfig):
    rec = synth_night(cfg)
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    return rec, epochs, night_features(rec, epochs, montage)


@pytest.fixture(scope="module")
def night():
    # 2.5 h with a short latency reaches REM; a high AHI gives many events.
    return _features(SynthConfig(hours=2.5, seed=5, ahi=30.0, sleep_latency_min=5.0))


def _column(facts: list, get) -> np.ndarray:
    return np.array([get(f) if f is not None else np.nan for f in facts], dtype=float)


def test_levels_come_in_release_order(night):
    _, _, feats = night
    assert tuple(feats.levels) == LEVELS
    assert feats.present_levels() == LEVELS


def test_ecg_beat_rate_and_pulse_match_true_heart_rate(night):
    rec, _, feats = night
    truth = rec.source["ground_truth"]["hr_bpm"]
    ecg = _column(feats.levels["heart"], lambda f: f.ecg.rate if f.ecg else np.nan)
    pulse = _column(feats.levels["heart"], lambda f: f.heart_rate.mean if f.heart_rate else np.nan)
    assert np.isfinite(ecg).mean() > 0.98 and np.isfinite(pulse).mean() > 0.98
    assert np.nanmax(np.abs(ecg - truth)) < HR_TOL_BPM
    assert np.nanmax(np.abs(pulse - truth)) < HR_TOL_BPM


def test_heart_rate_summary_is_ordered_and_trends_tile_the_epoch(night):
    _, _, feats = night
    for facts in feats.levels["heart"]:
        hr = facts.heart_rate
        assert hr.minimum <= hr.mean <= hr.maximum
        assert hr.trends[0].start == 0.0 and hr.trends[-1].end == 30.0
        assert all(a.end == b.start and a.direction != b.direction
                   for a, b in zip(hr.trends, hr.trends[1:]))


def _epochs_with(rec: Recording, epochs: EpochSet, types: tuple[str, ...]) -> np.ndarray:
    hit = np.zeros(len(epochs), dtype=bool)
    for e in rec.events:
        if e.type in types:
            hit |= (epochs.starts < e.offset) & (epochs.starts + 30.0 > e.onset)
    return hit


def test_respiratory_rate_matches_truth_outside_respiratory_events(night):
    rec, epochs, feats = night
    truth = rec.source["ground_truth"]["resp_rate_bpm"]
    # During an apnea the synthetic drive runs on while breathing stops, so the
    # true rate is only observable in epochs without respiratory events.
    clean = ~_epochs_with(rec, epochs, RESPIRATORY_EVENTS)
    assert clean.sum() > 100
    for source in respiratory.SOURCES.values():
        rate = _column(feats.levels["respiratory"], lambda f: next(
            (c.rate for c in f.channels if c.source == source), np.nan))
        err = np.abs(rate - truth)[clean]
        assert np.isfinite(err).all(), source
        assert err.max() < RESP_TOL_PER_MIN, (source, float(err.max()))


def test_inspiratory_flatness_is_a_ratio_between_sine_and_square(night):
    _, _, feats = night
    flat = _column(feats.levels["respiratory"], lambda f: f.flatness)
    flat = flat[np.isfinite(flat)]
    assert len(flat) > 200
    # mean/peak is 2/pi (0.64) for a sine-like breath and 1 for a square one.
    assert np.all((flat > 0.4) & (flat <= 1.0))


@pytest.fixture(scope="module")
def rhythms_only():
    """A night whose EEG is only the per-stage rhythms, without the 1/f background,
    so that each stage's dominant band is known exactly from the synthesis table."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(synth_eeg.STAGE_RMS, "pink", (0.0,) * len(STAGES))
        return _features(SynthConfig(hours=2.5, seed=5, ahi=30.0, sleep_latency_min=5.0, randomise=False))


def test_dominant_eeg_band_per_stage_is_the_strongest_synthetic_rhythm(rhythms_only):
    _, epochs, feats = rhythms_only
    bands = [name for _, _, name in brain.EEG_BANDS]
    for code, stage in enumerate(STAGES):
        # The generator's 0.5-2 Hz "delta" and 2-4 Hz "slow" rows both fall in the features' 0.5-4 Hz delta.
        rms = {b: (np.hypot(synth_eeg.STAGE_RMS["delta"][code], synth_eeg.STAGE_RMS["slow"][code]) if b == "delta"
                   else synth_eeg.STAGE_RMS[b][code]) for b in bands}
        expected = max(bands, key=rms.get)
        sel = [f for f, s in zip(feats.levels["brain"], epochs.stages) if s == code]
        assert len(sel) >= 10, stage
        for ch in range(2):
            dominant = [bands[int(np.argmax([getattr(f.eeg[ch], b) for b in bands]))]
                        for f in sel]
            # Arousals add alpha and beta to some sleep epochs; they may differ.
            assert dominant.count(expected) >= 0.8 * len(sel), (stage, ch, dominant)


def test_slow_wave_share_grows_with_sleep_depth(night):
    _, epochs, feats = night
    delta = _column(feats.levels["brain"], lambda f: f.eeg[0].delta)
    mean = [np.mean(delta[epochs.stages == code]) for code in range(len(STAGES))]
    assert mean[0] < mean[2] < mean[3]
    assert mean[1] < mean[2]


def test_eeg_band_powers_add_up_to_the_whole_band(night):
    _, _, feats = night
    totals = [sum(getattr(ch, b) for _, _, b in brain.EEG_BANDS)
              for f in feats.levels["brain"] for ch in f.eeg]
    np.testing.assert_allclose(totals, 100.0, atol=3.0)


def test_body_position_and_turns_match_truth(night):
    rec, _, feats = night
    truth = rec.source["ground_truth"]["position"]
    facts = [f.position for f in feats.levels["position_muscle"]]
    assert [p.position for p in facts] == [POSITION_NAMES[c] for c in truth]
    turns = sum(len(p.changes) for p in facts)
    assert turns == rec.source["ground_truth"]["config"]["position_changes"]


def test_chin_emg_is_measured_in_every_epoch(night):
    _, _, feats = night
    emg = [f.emg for f in feats.levels["position_muscle"]]
    assert all(e is not None and 10.0 <= e.median_frequency <= 45.0 and e.burst_ratio >= 1.0
               for e in emg)


def test_every_event_is_in_the_epochs_it_overlaps(night):
    rec, epochs, feats = night
    for event in rec.events:
        first = int(event.onset // 30)
        spans = [s for s in feats.levels["stage_event"][first].events if s.type == event.type]
        assert any(abs(s.start - (event.onset - epochs.starts[first])) < 1e-6 for s in spans)


def test_missing_channels_leave_their_parts_out():
    drop = ("ECG II", "Pulse", "SpO2", "Airflow", "Position", "C4-M1", "E2-M1")
    rec, _, feats = _features(SynthConfig(hours=0.5, seed=2, dropout=drop))
    assert all(f is None for f in feats.levels["heart"])
    for f in feats.levels["respiratory"]:
        assert f.flatness is None and "airflow" not in {c.source for c in f.channels}
    for f in feats.levels["position_muscle"]:
        assert f.position is None and f.emg is not None
    assert all(len(f.eeg) == 1 and len(f.eog) == 1 for f in feats.levels["brain"])
    assert "heart" not in feats.present_levels()
    assert not any(label in col for col in feats.to_frame().columns for label in ("heart", "POS"))


def test_stage_event_clips_events_to_the_epoch():
    n = 3
    rec = Recording({}, None, 90.0, stages=np.array([2, -1, -1], dtype=np.int8), events=[
        Event(25.0, 10.0, "hypopnea"), Event(44.0, 0.0, "k_complex"), Event(80.0, 30.0, "xyz")])
    epochs = EpochSet(np.zeros((n, 10, 1920), np.float32), np.zeros(10, bool),
                      np.zeros((n, 10), bool), np.arange(n) * 30.0, rec.stages)
    facts = stage_event.stage_event_features(rec, epochs)
    assert facts[0] == stage_event.StageEventFacts("N2", (stage_event.EventSpan("hypopnea", 25.0, 30.0),))
    assert facts[1] == stage_event.StageEventFacts(None, (
        stage_event.EventSpan("hypopnea", 0.0, 5.0), stage_event.EventSpan("k_complex", 14.0, 14.0)))
    assert facts[2] == stage_event.StageEventFacts(None, (stage_event.EventSpan("xyz", 20.0, 30.0),))


@pytest.mark.parametrize("cls", [
    brain.EegBands, brain.EogActivity, heart.EcgBeats, heart.HeartRate, heart.Oxygen, Trend,
    respiratory.Breathing, respiratory.RespiratoryFacts, position_muscle.ChinEmg,
    position_muscle.PositionChange, stage_event.EventSpan,
])
def test_every_number_states_its_unit(cls):
    names = numeric_fields(cls)
    assert names
    hinted = {f.name for f in dataclasses.fields(cls) if "float" in str(f.type)}
    assert hinted == set(names)
    assert all(f.metadata["unit"] for f in dataclasses.fields(cls) if f.name in names)


def test_feature_table_has_a_unit_in_every_column(night):
    _, epochs, feats = night
    frame = feats.to_frame()
    assert len(frame) == len(epochs)
    assert "brain.eeg.C3-M2.delta [%]" in frame.columns
    assert "heart.heart_rate.mean [bpm]" in frame.columns
    assert "respiratory.channels.airflow.rate [breaths/min]" in frame.columns
    assert frame["position_muscle.position.position"].isin(POSITION_NAMES).all()
    numeric = [c for c in frame.columns if c != "epoch" and frame[c].dtype.kind == "f"]
    # start + 12 brain shares + 7 heart + 7 respiratory + 3 EMG; the eye-movement count is whole
    assert frame["brain.rems.count [count]"].dtype.kind in "iu"
    assert len(numeric) == 30 and all(c.endswith("]") for c in numeric)


def test_gaps_leave_only_the_epochs_they_touch_out():
    cfg = SynthConfig(hours=0.5, seed=8)
    _, _, clean = _features(cfg)
    rec = synth_night(cfg)
    for label in ("C3-M2", "Airflow", "Chin EMG"):
        sig = rec.signals[label]
        sig.data[int(305 * sig.sfreq): int(312 * sig.sfreq)] = np.nan  # inside epoch 10
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    gappy = night_features(rec, epochs, montage)
    assert [c.channel for c in gappy.levels["brain"][10].eeg] == ["C4-M1"]
    assert "airflow" not in {c.source for c in gappy.levels["respiratory"][10].channels}
    assert gappy.levels["respiratory"][10].flatness is None
    assert gappy.levels["position_muscle"][10].emg is None
    far = [0, 30, 59]
    for level in ("brain", "respiratory", "position_muscle"):
        for i in far:
            assert_close(gappy.levels[level][i], clean.levels[level][i])


def assert_close(a, b) -> None:
    """Facts equal up to floating-point noise."""
    flat_a, flat_b = _flat(a), _flat(b)
    assert list(flat_a) == list(flat_b)
    np.testing.assert_allclose(list(flat_a.values()), list(flat_b.values()), rtol=1e-6)


def _flat(obj) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, float):
            out[f.name] = value
        elif dataclasses.is_dataclass(value):
            out.update({f"{f.name}.{k}": v for k, v in _flat(value).items()})
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                out.update({f"{f.name}{i}.{k}": v for k, v in _flat(item).items()})
    return out


def _rem_counts(feats) -> np.ndarray:
    return _column(feats.levels["brain"], lambda f: f.rems.count if f.rems else np.nan)


def test_rapid_eye_movements_are_counted_in_rem_and_wake_not_in_deep_sleep(night):
    # The 1-5 Hz share of EOG power that captions read before was highest in N3 (the EEG at the
    # eye leads); the detector wants the two leads to deflect in opposite directions.
    rec, epochs, feats = night
    counts, stages = _rem_counts(feats), np.asarray(epochs.stages)
    assert np.isfinite(counts).all()
    assert np.median(counts[stages == STAGES.index("REM")]) >= 3
    assert np.median(counts[stages == STAGES.index("W")]) >= 3
    assert counts[np.isin(stages, [STAGES.index("N2"), STAGES.index("N3")])].mean() < 0.3
    assert feats.levels["brain"][0].rems.channel == "E1-M2 + E2-M1"


def test_rapid_eye_movements_read_millivolt_leads_as_microvolts(night):
    rec, epochs, feats = night
    scaled = dataclasses.replace(rec, signals={
        k: (dataclasses.replace(s, data=s.data / 1000.0, unit="mV") if k.startswith("E") else s)
        for k, s in rec.signals.items()})
    assert np.array_equal(_rem_counts(night_features(scaled, epochs)), _rem_counts(feats))


def test_one_bipolar_eye_lead_stands_in_for_both():
    rec, epochs, feats = _features(SynthConfig(hours=1.0, seed=3, sleep_latency_min=2.0,
                                               profile="sleep-edf"))
    counts = _rem_counts(feats)
    assert feats.levels["brain"][0].rems.channel == "horizontal"
    assert np.nanmedian(counts[np.asarray(epochs.stages) == STAGES.index("W")]) >= 3


def test_real_rem_eog_has_many_rapid_eye_movements():
    # YASA's 14-min sample of real REM-sleep EOG (LOC, ROC), from ../shared/data/real
    rec, montage, epochs = open_night(YASA_REM_EOG)
    counts = _rem_counts(night_features(rec, epochs, montage))
    assert np.median(counts) >= 4 and counts.min() >= 0


@pytest.mark.parametrize(("column", "words"), [
    ("heart.ecg.rmssd [ms]", "ECG RMSSD"),
    ("position_muscle.emg.burst_ratio [ratio]", "EMG burst ratio"),
    ("respiratory.channels.thoracic_belt.rate [breaths/min]", "thoracic belt rate"),
    ("brain.eeg.C3-M2.delta [%]", "EEG C3-M2 delta"),
    ("brain.rems.count [count]", "rapid eye movements count"),
])
def test_column_words_name_a_feature_path_without_its_level_or_unit(column: str, words: str) -> None:
    assert column_words(column) == words
