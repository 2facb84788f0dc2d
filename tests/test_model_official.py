"""Equivalence with the released SleepLM code, on its tiny golden fixture, and the
full-size manifest of sleeplm-base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from sleeplm_core.cli import main as cli_main
from sleeplm_core.errors import ModelError
from sleeplm_core.model import SleepLM, config_from_dict, create_model, load_model
from sleeplm_core.model.factory import base_config

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "official-sleeplm"
TINY = FIXTURES / "tiny"
SHARED_TINY = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "official-sleeplm" / "tiny"
TOL = 1e-4


@pytest.fixture(scope="module")
def golden() -> dict[str, torch.Tensor]:
    return load_file(str(TINY / "golden.safetensors"))


def _outputs(model: SleepLM, golden: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    with torch.no_grad():
        out = model(golden["signals"], golden["text_tokens"], channel_indices=golden["channel_indices"])
    logits = out["logits"]
    return {
        "image_features": out["image_features"],
        "text_features": out["text_features"],
        "signal_decoder_tokens": out["image_embs"],
        "decoder_logits_first2048": logits[..., :2048],
        "decoder_logits_at_labels": logits.gather(-1, golden["labels"][..., None])[..., 0],
        "decoder_logsumexp": logits.logsumexp(-1),
        "logit_scale": out["logit_scale"].reshape(1),
        "decoder_argmax": logits.argmax(-1),
        "labels": out["labels"],
    }


@pytest.mark.parametrize("weights", [TINY / "model.safetensors", SHARED_TINY / "checkpoint.pt"],
                         ids=["safetensors", "training-checkpoint"])
def test_tiny_model_reproduces_official_outputs(weights: Path, golden: dict[str, torch.Tensor]) -> None:
    model = SleepLM.from_pretrained(weights, config=TINY / "config.json")
    assert model.load_report.missing == [] and model.load_report.unexpected == []
    ours = _outputs(model, golden)
    for key in ("image_features", "text_features", "signal_decoder_tokens", "decoder_logits_first2048",
                "decoder_logits_at_labels", "decoder_logsumexp", "logit_scale"):
        err = (ours[key] - golden[key]).abs().max().item()
        assert err <= TOL, f"{key}: max abs error {err}"
    assert torch.equal(ours["decoder_argmax"], golden["decoder_argmax"])
    assert torch.equal(ours["labels"], golden["labels"])


@pytest.fixture(scope="module")
def tiny() -> SleepLM:
    return SleepLM.from_pretrained(TINY / "model.safetensors", config=TINY / "config.json")


def test_kv_cached_decoding_equals_full_forward(tiny: SleepLM, golden: dict[str, torch.Tensor]) -> None:
    tokens, cond = golden["text_tokens"][:, :20], golden["channel_indices"]
    with torch.no_grad():
        full = torch.log_softmax(tiny(golden["signals"], tokens, channel_indices=cond)["logits"], dim=-1)
        memory = tiny.biosignals(golden["signals"]).decoder_tokens
        session = tiny.decoding_session(memory, tiny.condition_embeddings(cond))
        # a 3-token first chunk, then one token at a time, as generation does
        steps = [session.step(tokens[:, :3])] + [session.step(tokens[:, i: i + 1]) for i in range(3, 19)]
    assert (steps[0] - full[:, 2]).abs().max() <= TOL
    for i, logp in enumerate(steps[1:], start=3):
        assert (logp - full[:, i]).abs().max() <= TOL, f"position {i}"


def test_official_mode_ignores_channel_mask_bit_for_bit(tiny: SleepLM, golden: dict[str, torch.Tensor]) -> None:
    signals = golden["signals"].clone()
    signals[:, 2] = 0.0
    assert not tiny.config.mask_absent_channels
    with torch.no_grad():
        plain = tiny(signals)["image_features"]
        masked = tiny(signals, channel_mask=torch.ones(10, dtype=torch.bool).index_fill(0, torch.tensor([2]), False))
    assert torch.equal(plain, masked["image_features"])


def test_mask_absent_channels_keeps_them_out_of_the_embedding(tiny: SleepLM, golden: dict[str, torch.Tensor]) -> None:
    tiny.config.mask_absent_channels = True
    try:
        mask = torch.ones(10, dtype=torch.bool)
        mask[[3, 7]] = False
        noisy = golden["signals"].clone()
        noisy[:, [3, 7]] = torch.randn(3, 2, 1920, generator=torch.Generator().manual_seed(0)) * 50
        zeroed = golden["signals"].clone()
        zeroed[:, [3, 7]] = 0.0
        emb_noisy = tiny.encode_signals(noisy, mask=mask)
        emb_zeroed = tiny.encode_signals(zeroed)  # all-zero channels are inferred as absent
        emb_full = tiny.encode_signals(golden["signals"])
    finally:
        tiny.config.mask_absent_channels = False
    assert (emb_noisy - emb_zeroed).abs().max() < 1e-5
    assert (emb_noisy - emb_full).abs().max() > 1e-3


def test_official_config_form_matches_sleeplm_base() -> None:
    official = json.loads((FIXTURES / "base_config.json").read_text())
    official.update(num_caption_channels=5, prefix_len=2, name="sleeplm-base")
    assert config_from_dict(official) == base_config()


def test_sleeplm_base_matches_released_manifest_on_meta_device() -> None:
    manifest = json.loads((FIXTURES / "base_state_dict_shapes.json").read_text())
    with torch.device("meta"):
        model = create_model("sleeplm-base", seed=None)
    ours = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert ours == manifest
    assert next(model.parameters()).is_meta


def test_convert_cli_writes_loadable_weights(tmp_path: Path, tiny: SleepLM, golden: dict[str, torch.Tensor]) -> None:
    src = SHARED_TINY / "checkpoint.pt"
    out_file, out_dir = tmp_path / "tiny.safetensors", tmp_path / "tiny_model"
    assert cli_main(["convert", str(src), "--config", str(TINY / "config.json"), "--out", str(out_file)]) == 0
    assert cli_main(["convert", str(src), "--config", str(TINY / "config.json"), "--out", str(out_dir)]) == 0
    from_file = SleepLM.from_pretrained(out_file, config=TINY / "config.json")
    from_dir = load_model(out_dir)
    with torch.no_grad():
        expected = tiny(golden["signals"])["image_features"]
        assert torch.equal(from_file(golden["signals"])["image_features"], expected)
        assert torch.equal(from_dir(golden["signals"])["image_features"], expected)


class _Opaque:
    """An arbitrary class: unpickling it is what weights_only loading refuses."""


def test_pickled_extras_are_refused_unless_trusted(tmp_path: Path) -> None:
    state = load_file(str(TINY / "model.safetensors"))
    path = tmp_path / "with_extras.pt"
    torch.save({"state_dict": state, "args": _Opaque()}, path)
    with pytest.raises(ModelError, match="trust_pickle=True"):
        SleepLM.from_pretrained(path, config=TINY / "config.json")
    model = SleepLM.from_pretrained(path, config=TINY / "config.json", trust_pickle=True)
    assert model.load_report.missing == []


def test_unreadable_checkpoints_raise_model_error(tmp_path: Path) -> None:
    garbage, not_a_state = tmp_path / "garbage.pt", tmp_path / "list.pt"
    garbage.write_bytes(b"not a checkpoint at all")
    torch.save([torch.zeros(2)], not_a_state)
    with pytest.raises(ModelError, match="not a readable PyTorch checkpoint"):
        SleepLM.from_pretrained(garbage, config=TINY / "config.json")
    with pytest.raises(ModelError, match="expected a state dict"):
        SleepLM.from_pretrained(not_a_state, config=TINY / "config.json")
    with pytest.raises(ModelError, match="not found"):
        SleepLM.from_pretrained(tmp_path / "absent.pt", config=TINY / "config.json")


def test_weights_of_another_config_are_refused() -> None:
    official = json.loads((TINY / "config.json").read_text())["model_config"]
    official["biosignals_cfg"]["decoder_tokens"] = 4
    with pytest.raises(ModelError, match="differ in shape"):
        SleepLM.from_pretrained(TINY / "model.safetensors", config=official)


def test_missing_and_unexpected_keys_are_reported(tmp_path: Path) -> None:
    state = load_file(str(TINY / "model.safetensors"))
    state.pop("text.cls_emb")
    state["extra.weight"] = torch.zeros(2)
    torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}}, tmp_path / "partial.pt")
    model = SleepLM.from_pretrained(tmp_path / "partial.pt", config=TINY / "config.json")
    assert model.load_report.missing == ["text.cls_emb"]
    assert model.load_report.unexpected == ["extra.weight"]


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"embed_dim": 8}', "neither a SleepLM Explorer config"),
    ('{"format": "sleeplm-explorer", "signal": {"width": 30, "heads": 4}}', "even size"),
    ('{"format": "sleeplm-explorer", "dense_rivals": {"obstructive apnea": {"central apnea": "-0.45"}}}',
     r"dense_rivals\['obstructive apnea'\]\['central apnea'\] is '-0.45'; write a number"),
    ('{"format": "sleeplm-explorer", "dense_rivals": {"obstructive apnea": "central apnea"}}',
     "dense_rivals\\['obstructive apnea'\\] is 'central apnea'; write an object"),
    ('{"format": "sleeplm-explorer", "dense_thresholds": {"hypopnea": 10}}', "keep them in 0-1"),
])
def test_bad_configs_raise_model_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(ModelError, match=message):
        create_model(path)


def test_unknown_model_name_is_refused() -> None:
    with pytest.raises(ModelError, match="sleeplm-mini"):
        create_model("sleeplm-huge")
