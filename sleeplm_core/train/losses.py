"""The training objective: contrastive + captioning + reconstruction, weighted."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.nn.functional import all_gather


@dataclass
class LossWeights:
    """Weights of the three terms in the total loss (0 disables a term)."""

    contrastive: float = 1.0
    caption: float = 1.0
    reconstruction: float = 0.5


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` from every rank; gradients flow back to each rank's own part."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return torch.cat(all_gather(x), dim=0)


def contrastive_loss(signal_features: torch.Tensor, text_features: torch.Tensor,
                     logit_scale: torch.Tensor, caption_ids: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE between L2-normalised signal and text features.

    Template captions repeat within a batch, so every pair whose caption string is the
    same counts as a positive (targets spread evenly over them) instead of forcing the
    model to tell identical texts apart.

    Args:
        signal_features, text_features: (B, D), already normalised.
        logit_scale: multiplier of the cosines, ``exp`` of the learned log-temperature.
        caption_ids: int (B,), string id of each caption (equal ids = same text).
    """
    sig, txt = gather_with_grad(signal_features), gather_with_grad(text_features)
    ids = gather_with_grad(caption_ids)
    logits = logit_scale * sig @ txt.t()
    same = (ids[:, None] == ids[None, :]).to(logits.dtype)
    targets = same / same.sum(1, keepdim=True)
    loss_s2t = torch.sum(-targets * F.log_softmax(logits, dim=1), dim=1).mean()
    loss_t2s = torch.sum(-targets * F.log_softmax(logits.t(), dim=1), dim=1).mean()
    return (loss_s2t + loss_t2s) / 2


def caption_loss(logits: torch.Tensor, labels: torch.Tensor, ignore_index: int) -> torch.Tensor:
    """Token cross-entropy of the caption decoder.

    Args:
        logits: (B, T, V) next-token logits (prefix positions already removed).
        labels: (B, T) target token ids, ``ignore_index`` at padding.
    """
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1),
                           ignore_index=ignore_index)


def reconstruction_loss(output: torch.Tensor, target: torch.Tensor,
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean squared error over the selected patches.

    Args:
        output, target: same shape, e.g. (B, C, n_patches, patch_len).
        weight: optional bool/float mask broadcastable to ``output`` selecting the
            patches that count (masked patches only, present channels only, ...).
    """
    err = (output.float() - target.float()) ** 2
    if weight is None:
        return err.mean()
    w = weight.to(err.dtype).expand_as(err)
    return (err * w).sum() / w.sum().clamp_min(1.0)


def total_loss(parts: dict[str, torch.Tensor], weights: LossWeights) -> torch.Tensor:
    """Weighted sum of the loss terms present in ``parts``."""
    total = torch.zeros((), device=next(iter(parts.values())).device)
    for name, value in parts.items():
        total = total + getattr(weights, name) * value
    return total
