"""Heads driven by a real (untrained, seed-0) sleeplm-mini on real and synthetic nights.

An untrained model cannot be judged on accuracy against text, so these tests
check what must hold for any model: probabilities, shapes and alignment of the
shifted windows, query-by-example localization, and few-shot heads whose
cross-validated accuracy on real SC4001 epochs must beat chance clearly (random
convolutional features already separate wake, N2, N3 and REM).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sleeplm_core.heads.encoder import TextEncoder, encode_epochs
from sleeplm_core.heads.fewshot import (FewShotConfig, FewShotError, cross_validated_accuracy,
                                        fit_fewshot)
from sleeplm_core.heads.localize import LocalizeConfig, localize
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.heads.smoothing import SmoothingConfig
from sleeplm_core.heads.zeroshot import DEFAULT_STAGE_PROMPTS, ZeroShotClassifier
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES
from sleeplm_core.model import SleepLM, create_model

ROOT = Path(__file__).resolve().parents[1]
DREAMS = ROOT / ".." / "shared" / "data" / "real" / "dreams_spindles"
SC4001 = ROOT / "assets" / "demo" / "SC4001E0_inbed.edf"
SC4001_HYPNOGRAM = ROOT / "assets" / "demo" / "SC4001E0_inbed_hypnogram.edf"


@pytest.fixture(scope="module")
def model() -> SleepLM:
    torch.set_num_threads(1)
    return create_model("sleeplm-mini", seed=0).eval()


@pytest.fixture(scope="module")
def synthetic_night(model: SleepLM, synthetic_edf: Path) -> EmbeddedNight:
    _, _, epochs = open_night(synthetic_edf)
    return EmbeddedNight.from_model(model, epochs)


def test_zero_shot_gives_probabilities_for_any_label_set(model: SleepLM,
                                                         synthetic_night: EmbeddedNight) -> None:
    encode_text = TextEncoder(model)
    head = ZeroShotClassifier(smoothing=SmoothingConfig("hmm", stay=0.95))
    codes, proba = head.predict(synthetic_night.vectors, encode_text)
    assert head.labels == STAGES == tuple(DEFAULT_STAGE_PROMPTS)
    assert proba.shape == (len(synthetic_night.vectors), 5)
    assert np.allclose(proba.sum(1), 1.0) and (proba >= 0).all()
    assert np.allclose(np.linalg.norm(head.prototypes(encode_text), axis=1), 1.0)
    flips = np.count_nonzero(np.diff(codes))
    assert flips <= np.count_nonzero(np.diff(proba.argmax(1)))
    custom = ZeroShotClassifier({"apnea": ["breathing stops"], "normal": ["regular breathing"]})
    assert custom.predict_proba(synthetic_night.vectors, encode_text).shape[1] == 2
    with pytest.raises(ValueError):
        ZeroShotClassifier({"empty": []})


def test_text_encoder_memoises_and_normalises(model: SleepLM) -> None:
    encode_text = TextEncoder(model)
    a = encode_text(["sleep spindle", "sleep spindle", "apnea"])
    assert a.shape[0] == 3 and np.allclose(a[0], a[1])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_shifted_windows_line_up_with_the_epochs(synthetic_night: EmbeddedNight) -> None:
    night = synthetic_night
    last = len(night.epochs) - 1
    windows = night.window_vectors(np.array([3, last]))
    assert windows.shape == (2, 6, night.vectors.shape[1])
    assert np.allclose(windows[0, 0], night.vectors[3])
    assert np.isfinite(windows[0]).all() and np.isnan(windows[1, 1:]).all()
    # A 30-s window shifted by a whole epoch is the next epoch: check the cut itself.
    data = night.epochs.data
    half = night.encode(np.stack([night._cut(data, 3, 960)]), None)[0]
    assert not np.allclose(half, night.vectors[3], atol=1e-3)
    assert np.allclose(night._cut(data, 3, 0), data[3])
    assert np.allclose(night._cut(data, 3, 1920 - 320)[:, 320:], data[4][:, :1600])
    # The SpO2 beside the epochs is cut the same way, at its own rate (2 Hz).
    spo2 = np.arange(len(data) * 60, dtype=np.float32).reshape(len(data), 60)
    assert np.array_equal(night._cut(spo2, 3, 10), np.arange(3 * 60 + 10, 4 * 60 + 10))


def test_query_by_example_finds_the_example_epoch(synthetic_night: EmbeddedNight) -> None:
    night = synthetic_night
    target = 40
    def example(_: list[str]) -> np.ndarray:
        return night.vectors[target:target + 1]
    # Untrained embeddings are nearly parallel (cosines > 0.98), so rank by percentile.
    exact = localize(night, "like epoch 40", example,
                     LocalizeConfig(calibration="percentile", threshold=99.0, refine=False))
    assert target in exact.regions[0].epochs
    assert exact.regions[0].cosine == pytest.approx(1.0, abs=1e-5)
    # Refined bins average every window over them; only the bin where the example's own
    # window starts is certain to stay on top, and it is one 5-s bin long.
    result = localize(night, "like epoch 40", example,
                      LocalizeConfig(calibration="percentile", threshold=95.0, top_k=3,
                                     min_duration=5.0))
    assert target in result.regions[0].epochs
    assert result.regions[0].start == night.epochs.starts[target]
    assert all(a.score >= b.score for a, b in zip(result.regions, result.regions[1:]))
    assert all(r.duration >= 5.0 for r in result.regions)
    assert result.fine is not None and result.fine.width == 5.0
    assert len(result.fine.starts) == 6 * len(night.epochs)


def test_localize_on_real_dreams_eeg_returns_calibrated_regions(model: SleepLM) -> None:
    _, _, epochs = open_night(DREAMS / "excerpt1.txt", sfreq=100)
    night = EmbeddedNight.from_model(model, epochs)
    result = localize(night, "sleep spindle in the central EEG", TextEncoder(model),
                      LocalizeConfig(calibration="percentile", threshold=90, top_k=4))
    assert len(result.epochs.cosine) == len(epochs) == 60
    assert result.epochs.calibrated.max() == 100.0
    assert 1 <= len(result.regions) <= 4
    assert all(0 <= r.start < r.end <= epochs.starts[-1] + 30 for r in result.regions)


def test_few_shot_heads_beat_chance_on_real_sc4001_epochs(model: SleepLM) -> None:
    _, _, epochs = open_night(SC4001, hypnogram=SC4001_HYPNOGRAM)
    rng = np.random.default_rng(0)
    idx = np.concatenate([rng.choice(np.flatnonzero(epochs.stages == c), 15, replace=False)
                          for c in (0, 2, 3, 4)])
    vectors = encode_epochs(model, epochs.data[idx], epochs.channel_mask)
    labels = [STAGES[c] for c in epochs.stages[idx]]
    for kind in ("prototype", "logreg"):
        accuracy = cross_validated_accuracy(vectors, labels, FewShotConfig(kind=kind))
        assert accuracy > 0.45, kind   # chance is 0.25
    head = fit_fewshot(vectors, labels, FewShotConfig(kind="logreg"))
    assert head.labels == ("N2", "N3", "REM", "W")
    assert np.allclose(head.predict_proba(vectors).sum(1), 1.0)
    with pytest.raises(FewShotError, match="one example"):
        cross_validated_accuracy(vectors[:3], ["W", "W", "N3"])
    with pytest.raises(FewShotError, match="two classes"):
        fit_fewshot(vectors[:3], ["W"] * 3)
