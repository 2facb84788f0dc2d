"""Spectral tokens, dense (patch-time) alignment and summary contrastive texts: the parts
and a tiny end-to-end run that trains them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from test_train import TINY_MODEL, build_tiny_dataset, tiny_config

from sleeplm_core.captions.words import summary_of
from sleeplm_core.io.recording import Event
from sleeplm_core.model.spectral import BAND_EDGES_HZ, PatchSpectrum
from sleeplm_core.train.checkpoint import CheckpointError, init_weights
from sleeplm_core.train.config import ConfigError, load_config
from sleeplm_core.train.data import EpochDataset
from sleeplm_core.train.dense import DENSE_TYPES, event_masks, pool_targets
from sleeplm_core.train.logbook import read_metrics
from sleeplm_core.train.loop import train
from sleeplm_core.train.step import build_model
from sleeplm_core.train.losses import dense_loss

DENSE_MODEL = {**TINY_MODEL, "signal": {**TINY_MODEL["signal"], "spectral_tokens": True,
                                        "dense_tokens": True}}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("ds"))


def _sine(freq_hz: float) -> torch.Tensor:
    t = torch.arange(1920) / 64.0
    return torch.sin(2 * math.pi * freq_hz * t)[None, None]


def test_a_13_hz_rhythm_lands_in_the_sigma_band_whatever_its_gain() -> None:
    spectrum = PatchSpectrum(patch_size=128, sample_rate=64.0, width=8)
    n_bands = len(BAND_EDGES_HZ) - 1
    sigma = BAND_EDGES_HZ.index(12.0)
    relative = spectrum.features(_sine(13.0))[0, 0, :, n_bands:]
    assert relative.argmax(-1).eq(sigma).all()
    assert relative[:, sigma].gt(-0.05).all()  # almost all power in that one band
    # a gain is an offset in log power, and relative powers do not see it (bands with
    # power well above the log floor; the floor itself does not scale)
    noise = torch.randn(1, 1, 1920, generator=torch.Generator().manual_seed(0))
    quiet, loud = spectrum.features(noise), spectrum.features(30.0 * noise)
    above = quiet[..., :n_bands] > -2.0
    assert above.sum() >= 15 * 10
    assert torch.allclose(loud[..., n_bands:][above], quiet[..., n_bands:][above], atol=1e-3)
    offset = loud[..., :n_bands][above] - quiet[..., :n_bands][above]
    assert torch.allclose(offset, torch.full_like(offset, 2 * math.log10(30.0)), atol=1e-3)


def test_event_masks_mark_the_half_seconds_an_event_covers() -> None:
    starts = np.array([0.0, 30.0])
    events = [Event(onset=10.0, duration=2.0, type="obstructive_apnea"),
              Event(onset=44.4, duration=0.6, type="spindle"),
              Event(onset=50.0, duration=5.0, type="snore")]
    masks = event_masks(events, starts)
    apnea, spindle = DENSE_TYPES.index("obstructive_apnea"), DENSE_TYPES.index("spindle")
    assert np.flatnonzero(masks[0, apnea]).tolist() == [20, 21, 22, 23]
    assert not masks[1, apnea].any()
    # 44.4-45.0 s = 14.4-15.0 s into epoch 1: 0.1 s of bin 28 (too little), bin 29 fully
    assert np.flatnonzero(masks[1, spindle]).tolist() == [29]
    assert masks.sum() == 5  # the snore is not a dense type
    # pooled to 2-s bins: the apnea fills bins 5; the 0.5-s spindle still marks bin 7
    pooled = pool_targets(torch.from_numpy(masks), n_bins=15)
    assert pooled.shape == (2, 15, len(DENSE_TYPES))
    assert torch.nonzero(pooled[0, :, apnea]).flatten().tolist() == [5]
    assert torch.nonzero(pooled[1, :, spindle]).flatten().tolist() == [7]


def test_dense_loss_prefers_bins_that_point_at_their_events() -> None:
    gen = torch.Generator().manual_seed(0)
    phrases = torch.nn.functional.normalize(torch.randn(3, 16, generator=gen), dim=-1)
    targets = torch.zeros(4, 15, 3)
    targets[:, 3:6, 1] = 1
    aligned = torch.nn.functional.normalize(
        torch.randn(4, 15, 16, generator=gen) * 0.1 + targets @ phrases * 3, dim=-1)
    scale, bias = torch.tensor(10.0), torch.tensor(-5.0)
    good = dense_loss(aligned, phrases, targets, scale, bias)
    wrong = dense_loss(aligned, phrases, targets.roll(5, dims=1), scale, bias)
    assert good < wrong - 0.5


def test_the_dataset_stores_event_targets_of_synthetic_nights(dataset: Path) -> None:
    data = EpochDataset(dataset, "train")
    assert data.has_event_targets
    masks, known = data.event_targets(np.arange(len(data)))
    assert known.all() and masks.shape == (len(data), len(DENSE_TYPES), 60)
    assert masks[:, DENSE_TYPES.index("spindle")].any()
    # rapid eye movements come from YASA's detector (no scorer marks them): in wake, not in N2/N3
    eyes = masks[:, DENSE_TYPES.index("rapid_eye_movement")].any(1)
    assert eyes[data.stages == 0].mean() > 0.8
    assert not eyes[np.isin(data.stages, [2, 3])].any()


def test_summary_contrastive_and_dense_terms_train_end_to_end(dataset: Path, tmp_path: Path) -> None:
    train(tiny_config(dataset, tmp_path, 4, f"model_overrides={DENSE_MODEL!r}",
                      "contrastive_text='summary'", "weights.dense=1.0"), progress=False)
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["split"] == "train"]
    assert all(np.isfinite(r["dense"]) and r["dense"] > 0 for r in rows)
    assert np.isfinite(rows[-1]["contrastive"])


def test_recipes_that_the_model_cannot_serve_are_refused(dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dense_tokens"):
        train(tiny_config(dataset, tmp_path / "a", 1, "weights.dense=1.0"), progress=False)
    unlocked = {**TINY_MODEL, "text": {"context_length": 32, "unlocked_layers": 1}}
    with pytest.raises(ConfigError, match="frozen MiniLM"):
        train(tiny_config(dataset, tmp_path / "b", 1, f"model_overrides={unlocked!r}",
                          "contrastive_text='summary'"), progress=False)
    with pytest.raises(ConfigError, match="contrastive_text"):
        train(tiny_config(dataset, tmp_path / "c", 1, "contrastive_text='words'"), progress=False)
    assert not any((tmp_path / name).exists() for name in "abc")


def test_summary_of_returns_the_plain_word_sentence_only() -> None:
    caption = "In words: N2 sleep; obstructive apnea, airflow absent for 18 s. Epoch scored as N2."
    assert summary_of(caption) == "In words: N2 sleep; obstructive apnea, airflow absent for 18 s."
    assert summary_of("EEG delta 70%.") == "EEG delta 70%."


def test_a_fine_tune_starts_from_saved_weights_of_the_same_shape(dataset: Path, tmp_path: Path) -> None:
    train(tiny_config(dataset, tmp_path / "first", 2, f"model_overrides={DENSE_MODEL!r}",
                      "weights.dense=1.0"), progress=False)
    saved = tmp_path / "first" / "best"
    same = build_model(load_config(None, [f"data={dataset}", "out=x", f"model_overrides={DENSE_MODEL!r}",
                                          "seed=9"]))
    init_weights(same, saved)
    reference = build_model(load_config(None, [f"data={dataset}", "out=x",
                                               f"model_overrides={DENSE_MODEL!r}"]))
    init_weights(reference, saved)
    for (name, a), b in zip(same.state_dict().items(), reference.state_dict().values()):
        assert torch.equal(a, b), name
    other = build_model(load_config(None, [f"data={dataset}", "out=x", f"model_overrides={TINY_MODEL!r}"]))
    with pytest.raises(CheckpointError, match="does not fit"):
        init_weights(other, saved)


def test_a_probability_track_defaults_to_the_models_operating_point() -> None:
    from sleeplm_core.heads.localize import LocalizeConfig, Track, find_regions

    probability = np.array([0.05, 0.3, 0.35, 0.05, 0.05, 0.6, 0.05])
    track = Track(np.arange(7) * 2.0, 2.0, probability, probability, "probability", dense=True,
                  operating_point=0.25)
    assert [(r.start, r.end) for r in find_regions(track, LocalizeConfig())] == [(10.0, 12.0), (2.0, 6.0)]
    plain = Track(track.starts, 2.0, probability, probability, "probability", dense=True)
    assert [(r.start, r.end) for r in find_regions(plain, LocalizeConfig())] == [(10.0, 12.0)]
    # an explicit threshold still wins over the model's
    assert len(find_regions(track, LocalizeConfig(threshold=0.9))) == 0
