"""Envelope tokens: the sigma envelope inside each patch, and models extended with them."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest
import torch
from test_train import TINY_MODEL, build_tiny_dataset, tiny_config

from sleeplm_core.model.envelope import PatchEnvelope
from sleeplm_core.train.checkpoint import CheckpointError, init_weights
from sleeplm_core.train.config import ConfigError, OptimConfig, load_config
from sleeplm_core.train.loop import param_groups, train
from sleeplm_core.train.step import build_model

DENSE = {**TINY_MODEL["signal"], "spectral_tokens": True, "dense_tokens": True}
DENSE_MODEL = {**TINY_MODEL, "signal": DENSE}
ENVELOPE_MODEL = {**TINY_MODEL, "signal": {**DENSE, "envelope_tokens": True}}
RATE = 64.0


def _noise_with_burst(start_sec: float, freq_hz: float, seconds: float = 0.5) -> torch.Tensor:
    """[1, 1, 1920] white noise (SD 1) with a sine burst of amplitude 3 at ``start_sec``."""
    signal = torch.randn(1920, generator=torch.Generator().manual_seed(3))
    t = torch.arange(int(seconds * RATE)) / RATE
    first = int(start_sec * RATE)
    signal[first:first + len(t)] += 3.0 * torch.sin(2 * math.pi * freq_hz * t)
    return signal[None, None]


@pytest.mark.parametrize("start_sec", [10.0, 11.5])  # a patch's first and last half-second
def test_a_half_second_spindle_marks_its_patch_wherever_it_lies_in_it(start_sec: float) -> None:
    envelope = PatchEnvelope(patch_size=128, sample_rate=RATE, width=8)
    largest, _, ratio = envelope.features(_noise_with_burst(start_sec, 13.0))[0, 0].unbind(-1)
    assert largest.argmax() == 5 and ratio.argmax() == 5  # the patch of 10-12 s
    others = torch.cat([largest[:5], largest[6:]])
    assert largest[5] > others.max() + 0.5  # over three times the sigma power


def test_a_burst_outside_the_sigma_band_leaves_the_envelope_alone() -> None:
    envelope = PatchEnvelope(patch_size=128, sample_rate=RATE, width=8)
    largest = envelope.features(_noise_with_burst(10.0, 4.0, seconds=1.0))[0, 0, :, 0]
    assert largest[5] - largest.median() < 0.3  # a 13-Hz burst of this size adds > 0.5


def test_a_model_extended_with_envelope_tokens_encodes_as_before_until_trained() -> None:
    plain = build_model(load_config(None, ["data=x", "out=x", f"model_overrides={DENSE_MODEL!r}"]))
    extended = build_model(load_config(None, ["data=x", "out=x",
                                              f"model_overrides={ENVELOPE_MODEL!r}"]))
    extended.load_state_dict(plain.state_dict(), strict=False)
    plain.eval(), extended.eval()
    signals = torch.randn(2, 10, 1920, generator=torch.Generator().manual_seed(0)).numpy()
    with torch.no_grad():
        a, b = plain.encode_with_dense(signals), extended.encode_with_dense(signals)
    for x, y in zip(a, b):
        assert torch.equal(x, y)
    extended.biosignals.envelope.proj.weight.data.fill_(0.1)
    with torch.no_grad():
        moved = extended.encode_with_dense(signals)
    assert not torch.allclose(moved[0], a[0])


def test_a_fine_tune_may_add_envelope_tokens_but_not_drop_them(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    dataset = build_tiny_dataset(tmp_path / "ds")
    train(tiny_config(dataset, tmp_path / "plain", 2, f"model_overrides={DENSE_MODEL!r}"),
          progress=False)
    extended = build_model(load_config(None, ["data=x", "out=x",
                                              f"model_overrides={ENVELOPE_MODEL!r}"]))
    with caplog.at_level(logging.INFO, logger="sleeplm_core.train.checkpoint"):
        added = init_weights(extended, tmp_path / "plain" / "best")
    assert added == ["biosignals.envelope.proj.bias", "biosignals.envelope.proj.weight"]
    assert "envelope.proj.weight" in caplog.text and "keep their initialisation" in caplog.text
    assert extended.biosignals.envelope.proj.weight.abs().sum() == 0
    # the added projection trains at its own peak rate, everything else at lr
    groups = param_groups(extended, OptimConfig(lr=1e-4, added_lr=1e-3), added)
    fast = {id(p) for g in groups if g["lr_scale"] == pytest.approx(10.0) for p in g["params"]}
    assert fast == {id(p) for p in extended.biosignals.envelope.proj.parameters()}
    assert all(g["lr_scale"] == 1.0 for g in groups if not set(map(id, g["params"])) & fast)
    train(tiny_config(dataset, tmp_path / "extended", 2, f"model_overrides={ENVELOPE_MODEL!r}"),
          progress=False)
    plain = build_model(load_config(None, ["data=x", "out=x", f"model_overrides={DENSE_MODEL!r}"]))
    with pytest.raises(CheckpointError, match="does not fit.*envelope"):
        init_weights(plain, tmp_path / "extended" / "best")


@pytest.mark.parametrize("setting", ["optim.added_lr=-1e-3", "optim.added_lr=0", "optim.lr=0",
                                     "optim.text_lr='fast'"])
def test_a_learning_rate_that_is_not_positive_is_refused_in_one_line(setting: str) -> None:
    name = setting.split("=")[0]
    with pytest.raises(ConfigError, match=f"{name} = .* is not a positive learning rate"):
        load_config(None, ["data=x", "out=x", setting])
