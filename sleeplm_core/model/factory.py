"""Named configurations and :func:`create_model` (open_clip-style factory)."""

from __future__ import annotations

from pathlib import Path

import torch

from sleeplm_core.errors import ModelError
from sleeplm_core.model.config import (
    DecoderConfig, ModelConfig, ReconstructionConfig, SignalEncoderConfig, TextConfig, config_from_dict,
    load_config,
)
from sleeplm_core.model.sleeplm import SleepLM


def base_config() -> ModelConfig:
    """The released SleepLM-Base (385M parameters): its ``base_config.json`` with
    5 modality conditions and a 2-token prefix, official channel handling."""
    return ModelConfig(
        name="sleeplm-base", embed_dim=512,
        signal=SignalEncoderConfig(patch_size=16, conv_embed_dim=256, width=768, heads=12, layers=3,
                                   temporal_layers=1, mlp_ratio=3.0, decoder_tokens=32),
        text=TextConfig(kind="clip", context_length=256, vocab_size=49408, width=768, heads=12, layers=12),
        decoder=DecoderConfig(width=768, heads=12, layers=12, mlp_ratio=4, context_length=256),
        prefix_len=2, num_caption_channels=5, mask_absent_channels=False,
    )


def mini_config() -> ModelConfig:
    """A CPU-sized model of the same signal-encoder family.

    1-s patches (64 samples) give 30 tokens per channel; two dual-axis blocks at width
    128 keep a whole night (960 epochs) within seconds on two cores. Text goes through
    the packaged MiniLM; the 2-layer caption decoder reads and writes MiniLM's
    WordPiece vocabulary through its frozen embedding matrix, so it stores no vocab matrix.
    """
    return ModelConfig(
        name="sleeplm-mini", embed_dim=256,
        signal=SignalEncoderConfig(patch_size=128, conv_embed_dim=128, width=128, heads=4, layers=2,
                                   temporal_layers=1, mlp_ratio=2.0, decoder_tokens=16, dropout=0.1),
        text=TextConfig(kind="minilm", context_length=128, vocab_size=30522, width=384, heads=12, layers=6),
        decoder=DecoderConfig(width=128, heads=4, layers=2, mlp_ratio=4, context_length=128, tied_vocab=True),
        reconstruction=ReconstructionConfig(enabled=True, heads=4, mask_ratio=0.0),
        prefix_len=1, num_caption_channels=5, mask_absent_channels=True,
    )


NAMED_CONFIGS = {"sleeplm-base": base_config, "sleeplm-mini": mini_config}


def resolve_config(spec: str | Path | dict | ModelConfig) -> ModelConfig:
    """A config from a name in :data:`NAMED_CONFIGS`, a JSON path, a dict or itself."""
    if isinstance(spec, ModelConfig):
        return spec
    if isinstance(spec, dict):
        return config_from_dict(spec)
    if str(spec) in NAMED_CONFIGS:
        return NAMED_CONFIGS[str(spec)]()
    if Path(spec).suffix == ".json" or Path(spec).is_file():
        return load_config(spec)
    raise ModelError(f"unknown model {spec!r}: use one of {', '.join(NAMED_CONFIGS)} or a config.json path")


def create_model(spec: str | Path | dict | ModelConfig, seed: int | None = 0,
                 device: str | torch.device | None = None) -> SleepLM:
    """A freshly initialised model (use ``load_model`` for trained weights).

    ``seed`` makes the initialisation reproducible (None leaves the global RNG alone).
    Build under ``with torch.device("meta"):`` to get shapes without allocating.
    """
    config = resolve_config(spec)
    if seed is not None:
        torch.manual_seed(seed)
    model = SleepLM(config)
    return model.to(device) if device is not None else model
