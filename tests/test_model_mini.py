"""sleeplm-mini: training forward/backward, inference API, captions, persistence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sleeplm_core.errors import ModelError
from sleeplm_core.model import Caption, SleepLM, create_model, load_model, model_fingerprint
from sleeplm_core.model.factory import mini_config


@pytest.fixture(scope="module")
def model() -> SleepLM:
    torch.set_num_threads(1)
    return create_model("sleeplm-mini", seed=3)


@pytest.fixture(scope="module")
def epochs() -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((6, 10, 1920)).astype(np.float32)
    x[:, 9] = 0.0  # position channel absent
    return x


def test_forward_backward_trains_our_parts_only(model: SleepLM, epochs: np.ndarray) -> None:
    model.train()
    tokens = model.tokenizer.encode(["stage N2 with spindles", "wake with eye movements", "apnea event"])
    out = model(torch.from_numpy(epochs[:3]), tokens, channel_indices=torch.tensor([0, 4, 2]))
    assert out["image_features"].shape == out["text_features"].shape == (3, 256)
    assert out["logits"].shape == (3, tokens.shape[1] - 1, model.tokenizer.vocab_size)
    assert torch.equal(out["labels"], tokens[:, 1:])
    contrastive = F.cross_entropy(out["logit_scale"] * out["image_features"] @ out["text_features"].t(),
                                  torch.arange(3))
    caption = F.cross_entropy(out["logits"].transpose(1, 2), out["labels"], ignore_index=out["pad_id"])
    mask = out["reconstruction_mask"]
    recon = F.mse_loss(out["reconstruction"][mask], out["reconstruction_target"][mask])
    assert not mask[:, 9].any() and mask[:, :9].all()
    model.zero_grad()
    (contrastive + caption + recon).backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    for name in ("biosignals.patching.conv_patching.weight", "text.proj.weight", "logit_scale",
                 "text_decoder.vocab.token_in.weight", "text_decoder.vocab.token_out.weight",
                 "channel_embeddings", "signal_decoder.queries"):
        assert grads[name] is not None and grads[name].abs().sum() > 0, name
    frozen = [n for n in grads if n.startswith("text.hf.")]
    assert frozen and all(grads[n] is None for n in frozen)
    model.zero_grad()
    model.eval()


def test_encode_signals_and_text_are_normalised_and_batched(model: SleepLM, epochs: np.ndarray) -> None:
    emb = model.encode_signals(epochs, batch_size=4)
    assert emb.shape == (6, 256) and emb.dtype == torch.float32
    assert torch.allclose(emb.norm(dim=1), torch.ones(6), atol=1e-5)
    assert torch.allclose(emb[:2], model.encode_signals(epochs[:2]), atol=1e-5)
    txt = model.encode_text(["N3 deep sleep", "REM sleep"])
    assert txt.shape == (2, 256) and torch.allclose(txt.norm(dim=1), torch.ones(2), atol=1e-5)


def test_absent_channels_do_not_change_the_embedding(model: SleepLM, epochs: np.ndarray) -> None:
    mask = np.ones(10, dtype=bool)
    mask[9] = False
    garbage = epochs.copy()
    garbage[:, 9] = 100.0
    assert torch.allclose(model.encode_signals(garbage, mask=mask), model.encode_signals(epochs), atol=1e-5)


def test_bad_epoch_shape_is_a_model_error(model: SleepLM) -> None:
    with pytest.raises(ModelError, match=r"expected \[N, 10, 1920\]"):
        model.encode_signals(np.zeros((2, 10, 1000), dtype=np.float32))


@pytest.mark.parametrize("num_beams", [1, 3])
def test_captions_have_text_and_scores_and_are_deterministic(model: SleepLM, epochs: np.ndarray,
                                                             num_beams: int) -> None:
    first = model.caption(epochs[:2], ["brain", "respiratory"], max_new_tokens=10, num_beams=num_beams)
    again = model.caption(epochs[:2], ["brain", "respiratory"], max_new_tokens=10, num_beams=num_beams)
    assert first == again
    for cap in first:
        assert isinstance(cap, Caption) and cap.text
        assert len(cap.token_scores) == len(cap.tokens) <= 10
        assert all(s <= 0.0 for s in cap.token_scores) and np.isfinite(cap.score)
        assert cap.text == model.tokenizer.decode(cap.tokens)


@pytest.mark.parametrize("num_beams", [1, 4])
def test_token_scores_are_the_teacher_forced_log_probs(model: SleepLM, epochs: np.ndarray, num_beams: int) -> None:
    cap = model.caption(epochs[0], 4, max_new_tokens=8, num_beams=num_beams)[0]
    tok = model.tokenizer
    ids = torch.tensor([[tok.sot_id, *cap.tokens]])
    with torch.no_grad():
        out = model(torch.from_numpy(epochs[:1]), ids, channel_indices=torch.tensor([4]))
        logp = torch.log_softmax(out["logits"], dim=-1)[0].gather(-1, ids[0, 1:, None])[:, 0]
    assert torch.allclose(logp, torch.tensor(cap.token_scores), atol=1e-4)


def test_kv_cached_decoding_equals_full_forward(model: SleepLM, epochs: np.ndarray) -> None:
    x = torch.from_numpy(epochs[:2])
    tokens = model.tokenizer.encode(["light sleep stage n2 with a k complex", "stable breathing"])
    modality = torch.tensor([0, 2])
    with torch.no_grad():
        full = torch.log_softmax(model(x, tokens, channel_indices=modality)["logits"], dim=-1)
        memory = model.biosignals(x, model._channel_mask(x, None)).decoder_tokens
        session = model.decoding_session(memory, model.condition_embeddings(modality))
        for i in range(tokens.shape[1] - 1):
            assert (session.step(tokens[:, i: i + 1]) - full[:, i]).abs().max() <= 1e-4, f"position {i}"


def test_unknown_modality_is_a_model_error(model: SleepLM, epochs: np.ndarray) -> None:
    with pytest.raises(ModelError, match="unknown modality"):
        model.caption(epochs[0], "kidney")


def test_save_load_round_trip_without_minilm_weights(model: SleepLM, epochs: np.ndarray, tmp_path: Path) -> None:
    folder = model.save_pretrained(tmp_path / "mini")
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert size < 25e6
    loaded = load_model(folder)
    assert loaded.load_report.missing == [] and loaded.load_report.unexpected == []
    assert torch.equal(loaded.encode_signals(epochs), model.encode_signals(epochs))
    assert model_fingerprint(folder) == model_fingerprint(model) == model_fingerprint(loaded)
    with torch.no_grad():
        next(loaded.biosignals.parameters()).add_(1e-3)
    assert model_fingerprint(loaded) != model_fingerprint(model)


def test_unlocked_minilm_layers_train_and_are_saved(tmp_path: Path) -> None:
    config = mini_config()
    config = replace(config, text=replace(config.text, unlocked_layers=1))
    model = create_model(config, seed=1)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad and n.startswith("text.hf.")}
    assert trainable and all(n.startswith("text.hf.encoder.layer.5.") for n in trainable)
    loaded = load_model(model.save_pretrained(tmp_path / "unlocked"))
    key = sorted(trainable)[0]
    assert torch.equal(loaded.state_dict()[key], model.state_dict()[key])


def test_restricted_caption_vocabulary_limits_generated_tokens(tmp_path: Path, epochs: np.ndarray) -> None:
    model = create_model("sleeplm-mini", seed=5)
    corpus = ["stage n2 with sleep spindles", "regular breathing, no apnea", "wake with alpha rhythm"]
    size = model.restrict_caption_vocabulary(corpus)
    allowed = set(model.tokenizer.encode(corpus).unique().tolist()) - {model.tokenizer.pad_id,
                                                                         model.tokenizer.sot_id}
    assert size == len(allowed | {model.tokenizer.eot_id})
    for cap in model.caption(epochs[:2], "brain", max_new_tokens=12) + model.caption(
            epochs[0], "heart", max_new_tokens=12, num_beams=3):
        assert set(cap.tokens) <= allowed and cap.tokens
    loaded = load_model(model.save_pretrained(tmp_path / "restricted"))
    assert torch.equal(loaded.text_decoder.vocab.caption_vocab, model.text_decoder.vocab.caption_vocab)
    tiny_clip = Path(__file__).resolve().parent / "fixtures" / "official-sleeplm" / "tiny" / "config.json"
    with pytest.raises(ModelError, match="tied-vocabulary"):
        create_model(tiny_clip).restrict_caption_vocabulary(corpus)
    with pytest.raises(ModelError, match="tied_vocab"):
        create_model(replace(mini_config(), decoder=replace(mini_config().decoder, tied_vocab=False)))


def test_a_restricted_pass_scores_the_caption_vocabulary_like_the_full_one(epochs: np.ndarray) -> None:
    model = create_model("sleeplm-mini", seed=6).eval()
    tokens = model.tokenizer.encode(["stage n2 with sleep spindles", "regular breathing"])
    x, modality = torch.from_numpy(epochs[:2]), torch.tensor([4, 2])
    model.restrict_caption_vocabulary(["stage n2 with sleep spindles", "regular breathing, no apnea"])
    ids = model.text_decoder.vocab.caption_vocab.nonzero().flatten()
    with torch.no_grad():
        full = model(x, tokens, channel_indices=modality)
        part = model(x, tokens, channel_indices=modality, caption_vocab_only=True)
    assert part["logits"].shape == (*full["logits"].shape[:2], len(ids))
    assert torch.allclose(part["logits"], full["logits"][..., ids], atol=1e-5)
    real = full["labels"] != full["pad_id"]
    assert torch.equal(ids[part["labels"][real]], full["labels"][real])
    assert (part["labels"][~real] == part["pad_id"]).all()
    outside = model.tokenizer.encode(["kidney"])[0, 1]
    assert model.text_decoder.vocab.positions(outside[None], ids, -100).item() == -100


def test_precomputed_minilm_features_give_the_same_text_embedding(model: SleepLM, epochs: np.ndarray) -> None:
    tokens = model.tokenizer.encode(["slow waves", "irregular heart rate with ectopic beats"])
    x = torch.from_numpy(epochs[:2])
    with torch.no_grad():
        pooled = model.text.pool(tokens)
        direct = model(x, tokens, channel_indices=torch.tensor([0, 1]))
        cached = model(x, tokens, channel_indices=torch.tensor([0, 1]), text_pooled=pooled)
    assert pooled.shape == (2, 384)
    assert torch.allclose(direct["text_features"], cached["text_features"], atol=1e-6)
    assert torch.equal(direct["logits"], cached["logits"])


def test_masked_reconstruction_scores_only_the_masked_patches(epochs: np.ndarray) -> None:
    config = mini_config()
    config = replace(config, reconstruction=replace(config.reconstruction, mask_ratio=0.5))
    model = create_model(config, seed=2).train()
    torch.manual_seed(0)
    out = model(torch.from_numpy(epochs[:4]))
    mask = out["reconstruction_mask"]
    patches = mask.reshape(4, 10, -1, config.signal.patch_size)
    assert torch.equal(patches.all(-1), patches.any(-1))  # whole patches only
    share = patches[:, :9].any(-1).float().mean().item()
    assert 0.3 < share < 0.7 and not mask[:, 9].any()
    model.eval()
    assert model(torch.from_numpy(epochs[:4]))["reconstruction_mask"][:, :9].all()
