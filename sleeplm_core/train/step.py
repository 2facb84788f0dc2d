"""Model construction for training and the forward pass that yields the loss terms."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch

from sleeplm_core.model import create_model
from sleeplm_core.model.config import config_from_dict
from sleeplm_core.model.factory import resolve_config
from sleeplm_core.train.losses import LossWeights, caption_loss, contrastive_loss, reconstruction_loss

TERMS: tuple[str, ...] = ("contrastive", "caption", "reconstruction")


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def build_model(config: Any) -> torch.nn.Module:
    """A fresh model from ``config.model`` (a name or config.json) plus ``config.model_overrides``.

    Seeded with ``config.seed`` so every DDP rank starts from the same weights.
    """
    spec = resolve_config(config.model).to_dict()
    return create_model(config_from_dict(_merge(spec, config.model_overrides)), seed=config.seed)


def active_terms(weights: LossWeights) -> tuple[str, ...]:
    """Loss terms with a non-zero weight (the others are not computed)."""
    return tuple(t for t in TERMS if getattr(weights, t) != 0)


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The model inside a DistributedDataParallel wrapper (or the model itself)."""
    return getattr(model, "module", model)


def forward_losses(model: torch.nn.Module, signals: torch.Tensor, channel_mask: torch.Tensor,
                   texts: Sequence[str], modality: torch.Tensor, caption_ids: torch.Tensor,
                   terms: Sequence[str] = TERMS) -> dict[str, torch.Tensor]:
    """Run the model on a batch and return the requested loss terms.

    Args:
        model: a SleepLM (or its DDP wrapper, so gradients synchronise).
        signals: float (B, 10, 1920); channel_mask: bool (B, 10).
        texts: one caption per epoch; modality: long (B,) its level's prefix index.
        caption_ids: long (B,) string ids, to treat repeated captions as positives.
        terms: subset of :data:`TERMS`.
    """
    tokens = unwrap(model).tokenizer.encode(list(texts)).to(signals.device)
    out = model(signals, tokens, channel_indices=modality, channel_mask=channel_mask)
    parts: dict[str, torch.Tensor] = {}
    if "contrastive" in terms:
        parts["contrastive"] = contrastive_loss(out["image_features"], out["text_features"],
                                                out["logit_scale"], caption_ids)
    if "caption" in terms:
        parts["caption"] = caption_loss(out["logits"], out["labels"], int(out["pad_id"]))
    if "reconstruction" in terms and "reconstruction" in out:
        parts["reconstruction"] = reconstruction_loss(out["reconstruction"],
                                                      out["reconstruction_target"],
                                                      out["reconstruction_mask"])
    return parts
