"""Heads that need no model: metrics, smoothing, night summary, oximetry, region
logic, caption regions and insights, on real scorings and synthetic nights."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yasa

from sleeplm_core.captions.night import caption_night
from sleeplm_core.errors import SleepLMError
from sleeplm_core.features.night import night_features
from sleeplm_core.heads.caption_regions import caption_regions, event_types
from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.heads.fewshot import FewShotError, read_labels_csv
from sleeplm_core.heads.insights import describe
from sleeplm_core.heads.localize import LocalizeConfig, Track, calibrate, find_regions
from sleeplm_core.heads.metrics import event_scores, staging_scores
from sleeplm_core.scoring.desaturation import detect_desaturations
from sleeplm_core.heads.smoothing import SmoothingConfig, smooth_labels
from sleeplm_core.heads.summary import count_awakenings, summarize_night
from sleeplm_core.io.load import load_recording, open_night
from sleeplm_core.io.recording import STAGES, Event
from sleeplm_core.io.scoring import read_scoring

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
DREAMS = SHARED / "dreams_spindles"
HYPNOGRAMS = SHARED / "sleep_edf_hypnograms"
RK_TO_AASM = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3, 5: 4}


def sleep_edf_stages(name: str) -> np.ndarray:
    """30-s stage codes of a Sleep-EDF per-second hypnogram (S3+S4 -> N3)."""
    per_second = np.loadtxt(HYPNOGRAMS / f"{name}-PSG.edf.csv", dtype=int)
    return np.array([RK_TO_AASM[v] for v in per_second.reshape(-1, 30)[:, 0]])


def spindles(expert: int, excerpt: int) -> list[tuple[float, float]]:
    scoring = read_scoring(DREAMS / f"Visual_scoring{expert}_excerpt{excerpt}.txt")
    return intervals_of(scoring.events, ("spindle",))


# ---------------------------------------------------------------- metrics
def test_event_scores_between_dreams_experts_is_symmetric_and_partial() -> None:
    one, two = spindles(1, 1), spindles(2, 1)
    forward, backward = event_scores(two, one), event_scores(one, two)
    assert forward.n_reference == 52 and forward.n_detected == 115
    assert forward.f1 == pytest.approx(backward.f1)
    assert forward.precision == pytest.approx(backward.recall)
    assert 0.2 < forward.f1 < 0.9
    assert forward.line().startswith("by-event F1: ")


def test_event_scores_match_one_to_one_and_respect_iou() -> None:
    reference = [(10.0, 12.0)]
    assert event_scores(reference, reference).f1 == 1.0
    twice = event_scores([(10.0, 12.0), (10.2, 12.0)], reference)
    assert (twice.n_matched, twice.precision, twice.recall) == (1, 0.5, 1.0)
    # IoU of (10, 16) with (10, 12) is 1/3: a match at 0.3, not at 0.4.
    assert event_scores([(10.0, 16.0)], reference, 0.3).n_matched == 1
    assert event_scores([(10.0, 16.0)], reference, 0.4).n_matched == 0
    assert event_scores([], reference).f1 == 0.0


def test_staging_scores_on_a_real_hypnogram() -> None:
    ref = sleep_edf_stages("SC4001E0")
    assert staging_scores(ref, ref, STAGES).kappa == pytest.approx(1.0)
    shifted = np.roll(ref, 3)
    s = staging_scores(ref, shifted, STAGES)
    assert s.accuracy == pytest.approx(np.mean(ref == shifted))
    assert s.confusion.sum() == len(ref) and np.trace(s.confusion) == np.sum(ref == shifted)
    assert 0 < s.kappa < 1 and len(s.per_class_f1) == 5
    unscored = ref.copy()
    unscored[:10] = -1
    assert staging_scores(unscored, ref, STAGES).n_epochs == len(ref) - 10


# ---------------------------------------------------------------- smoothing
def test_hmm_and_median_smoothing_beat_argmax_on_a_noisy_real_hypnogram() -> None:
    truth = sleep_edf_stages("SC4002E0")
    rng = np.random.default_rng(0)
    proba = np.full((len(truth), 5), 0.1)
    proba[np.arange(len(truth)), truth] = 0.3
    proba += rng.uniform(0, 0.5, proba.shape)
    proba /= proba.sum(1, keepdims=True)
    raw = np.mean(proba.argmax(1) == truth)
    hmm = np.mean(smooth_labels(proba, SmoothingConfig("hmm", stay=0.9)) == truth)
    median = np.mean(smooth_labels(proba, SmoothingConfig("median", window=5)) == truth)
    assert raw < 0.9
    assert hmm > raw + 0.05 and median > raw


# ---------------------------------------------------------------- summary
def test_night_summary_on_a_real_hypnogram_follows_the_stated_definitions() -> None:
    stages = sleep_edf_stages("SC4011E0")
    s = summarize_night(stages)
    sleep = np.flatnonzero(stages >= 1)
    assert s.tib_min == len(stages) / 2
    assert s.tst_min == np.sum(stages >= 1) / 2
    assert s.se_pct == pytest.approx(100 * s.tst_min / s.tib_min)
    assert s.sol_min == sleep[0] / 2
    assert s.waso_min == np.sum(stages[sleep[0]:sleep[-1] + 1] == 0) / 2
    first_rem = np.flatnonzero(stages == 4)[0]
    assert s.rem_latency_min == (first_rem - sleep[0]) / 2
    assert sum(s.stage_pct[k] for k in ("N1", "N2", "N3", "REM")) == pytest.approx(100)
    runs = sum(1 for i in range(sleep[0] + 1, sleep[-1] + 1)
               if stages[i] == 0 and stages[i - 1] != 0)
    assert s.awakenings == runs == count_awakenings(stages)
    assert s.ahi is None and s.odi is None
    assert yasa.Hypnogram(np.where(stages == 4, "R", np.array(STAGES)[stages]).astype(object)
                          .tolist(), n_stages=5).sleep_statistics()["TST"] == s.tst_min


def test_night_summary_ahi_and_odi_on_a_synthetic_night(synthetic_edf: Path) -> None:
    rec = load_recording(synthetic_edf)
    s = summarize_night(rec.stages, rec.stage_offset, rec.events, rec.signals["SpO2"])
    in_sleep = [e for e in rec.events if e.type in ("obstructive_apnea", "central_apnea",
                                                    "mixed_apnea", "hypopnea")
                and rec.stages[int((e.onset - rec.stage_offset) // 30)] >= 1]
    assert s.n_apneas_hypopneas == len(in_sleep) > 0
    assert s.ahi == pytest.approx(len(in_sleep) / (s.tst_min / 60))
    assert s.odi is not None and s.n_desaturations > 0
    assert s.rdi == s.ahi and s.n_reras == 0   # the file scores no RERA
    reras = [Event(e.onset + 1.0, 12.0, "rera") for e in in_sleep[:3]]   # in sleep epochs
    with_reras = summarize_night(rec.stages, rec.stage_offset, rec.events + reras)
    assert with_reras.n_reras == 3 and with_reras.ahi == s.ahi
    assert with_reras.rdi == pytest.approx((len(in_sleep) + 3) / (s.tst_min / 60))
    with pytest.raises(SleepLMError, match="no scored epoch"):
        summarize_night(np.full(10, -1))


def test_desaturations_measured_from_synthetic_spo2_match_the_truth(synthetic_edf: Path) -> None:
    rec = load_recording(synthetic_edf)
    spo2 = rec.signals["SpO2"]
    found = [(e.onset, e.offset) for e in detect_desaturations(spo2.data, spo2.sfreq)]
    truth = intervals_of(rec.events, ("desaturation",))
    assert len(truth) > 3
    assert event_scores(found, truth).f1 > 0.8


# ---------------------------------------------------------------- regions
def test_find_regions_merges_filters_and_ranks() -> None:
    starts = np.arange(20) * 5.0
    cal = np.zeros(20)
    cal[2:4] = 3.0      # 10 s, merged with the next run (gap 5 s)
    cal[5:6] = 2.5
    cal[10:11] = 5.0    # 5 s alone: shorter than min_duration
    cal[14:18] = 2.2    # 20 s
    track = Track(starts, 5.0, cal / 10, cal)
    regions = find_regions(track, LocalizeConfig(threshold=2.0, min_duration=10.0,
                                                 merge_gap=5.0, top_k=5))
    assert [(r.start, r.end) for r in regions] == [(10.0, 30.0), (70.0, 90.0)]
    assert regions[0].score == 3.0 and regions[0].cosine == pytest.approx(0.3)
    assert len(find_regions(track, LocalizeConfig(threshold=2.0, top_k=1))) == 1


def test_calibration_is_relative_to_the_night() -> None:
    scores = np.random.default_rng(1).normal(0.1, 0.02, 500)
    z = calibrate(scores, "zscore")
    assert abs(np.median(z)) < 1e-9 and 0.8 < np.std(z) < 1.2
    assert calibrate(scores + 0.5, "zscore") == pytest.approx(z)
    pct = calibrate(scores, "percentile")
    assert pct.max() == 100 and np.argmax(pct) == np.argmax(scores)


def test_caption_regions_recover_scored_events_of_a_synthetic_night(synthetic_edf: Path) -> None:
    rec, _, epochs = open_night(synthetic_edf)
    captions = [c or "" for c in caption_night(rec, epochs, seed=3).level("stage_event")]
    for kind in ("hypopnea", "apnea", "arousal"):
        truth = intervals_of(rec.events, event_types(kind))
        found = [(r.start, r.end) for r in caption_regions(captions, epochs.starts, kind)]
        assert len(truth) > 0
        assert event_scores(found, truth, 0.5).f1 > 0.9, kind


# ---------------------------------------------------------------- insights
def test_insight_numbers_come_from_measurement_on_real_eeg() -> None:
    rec, _, epochs = open_night(DREAMS / "excerpt1.txt", sfreq=100,
                                hypnogram=DREAMS / "Hypnogram_excerpt1.txt")
    table = night_features(rec, epochs).to_frame()
    generated = ["Strong delta activity in the central EEG. Delta power is 99 %.",
                 "Strong delta activity in the central EEG."]
    insight = describe([12, 10, 11], "brain", table, epochs.starts, generated, epochs.stages)
    assert insight.epochs == (10, 11, 12)
    assert "99" not in insight.text and "Strong delta activity" in insight.text
    delta = next(c for c in insight.measured if c.endswith("delta [%]"))
    assert insight.measured[delta] == pytest.approx(table[delta].iloc[10:13].mean())
    allowed = {f"{v:.1f}" for v in insight.measured.values()}
    allowed |= {f"{table[c].iloc[10:13].agg(f):.1f}" for c in insight.measured
                for f in ("min", "max")}
    body = insight.text.split("Measured (mean):")[1]
    assert set(re.findall(r"\d+\.\d", body)) <= allowed
    with pytest.raises(SleepLMError):
        describe([], "brain", table, epochs.starts)


def test_insights_never_quote_the_model_on_what_the_night_did_not_measure() -> None:
    """A DREAMS excerpt holds one EEG lead and nothing else: the decoder's habitual "normal heart
    rate" and breathing sentences are not readings of it (a home test without ECG was described as
    having a "normal heart rate")."""
    rec, _, epochs = open_night(DREAMS / "excerpt1.txt", sfreq=100,
                                hypnogram=DREAMS / "Hypnogram_excerpt1.txt")
    table = night_features(rec, epochs).to_frame()
    assert not any(c.startswith(("heart.", "respiratory.")) for c in table.columns)
    generated = ["Strong delta activity in the central EEG. Normal heart rate. Regular breathing, no apnea.",
                 "Strong delta activity in the central EEG. Normal heart rate."]
    insight = describe([10, 11], "brain", table, epochs.starts, generated, epochs.stages)
    assert insight.quoted == ("Strong delta activity in the central EEG.",)
    with_heart = table.assign(**{"heart.heart_rate.mean [bpm]": 60.0})
    assert "Normal heart rate." in describe([10, 11], "brain", with_heart, epochs.starts, generated).quoted


def test_sleep_window_pads_the_sleep_period() -> None:
    stages = np.array([0] * 100 + [2] * 10 + [0] * 100)
    window = sleep_window(stages, pad_min=30)
    assert (window.start, window.stop) == (40, 170)
    # a stray sleep epoch stretches the first-to-last window, not the main period's
    stray = stages.copy()
    stray[5] = 1
    assert sleep_window(stray, pad_min=30).start == 0
    main = sleep_window(stray, pad_min=30, main_period=True)
    assert (main.start, main.stop) == (40, 171)


def test_labels_csv_by_epoch_or_time(tmp_path: Path) -> None:
    starts = np.arange(10) * 30.0
    (tmp_path / "a.csv").write_text("epoch,label\n1,W\n4,N2\n")
    (tmp_path / "b.csv").write_text("time,label\n45,W\n299,N3\n")
    (tmp_path / "c.csv").write_text("epoch,label\n12,W\n")
    assert read_labels_csv(tmp_path / "a.csv", starts) == [(1, "W"), (4, "N2")]
    assert read_labels_csv(tmp_path / "b.csv", starts) == [(1, "W"), (9, "N3")]
    with pytest.raises(FewShotError, match="outside"):
        read_labels_csv(tmp_path / "c.csv", starts)


def test_insights_quote_the_model_without_the_summary_lead() -> None:
    from sleeplm_core.heads.insights import _quoted

    captions = ["in words: normal heart rate; saturation falling. heart rate 60 bpm.",
                "In words: normal heart rate; saturation falling. Regular rhythm."]
    # the shared sentence comes first, numbers are never quoted, the lead is dropped
    assert _quoted(captions, 3) == ("normal heart rate; saturation falling.", "Regular rhythm.")
