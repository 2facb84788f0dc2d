"""The training objective: contrastive + captioning + reconstruction, weighted."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.nn.functional import all_gather


@dataclass
class LossWeights:
    """Weights of the terms in the total loss (0 disables a term; ``dense`` needs a
    model with dense tokens and a dataset with event targets; ``staging`` is the
    zero-shot stage read, see :func:`staging_loss`)."""

    contrastive: float = 1.0
    caption: float = 1.0
    reconstruction: float = 0.5
    dense: float = 0.0
    staging: float = 0.0


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` from every rank; gradients flow back to each rank's own part."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return torch.cat(all_gather(x), dim=0)


def contrastive_loss(signal_features: torch.Tensor, text_features: torch.Tensor,
                     logit_scale: torch.Tensor, fact_keys: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE between L2-normalised signal and text features, multi-positive.

    Captions in a batch often state the same facts in other numbers or words, so every
    pair whose fact key is the same counts as a positive (targets spread evenly over
    them) instead of forcing the model to tell near-duplicate texts apart.

    Args:
        signal_features, text_features: (B, D), already normalised.
        logit_scale: multiplier of the cosines, ``exp`` of the learned log-temperature.
        fact_keys: int (B,), fact-key id of each caption (equal ids = same binned facts,
            see :func:`sleeplm_core.captions.words.caption_key`; string ids also work).
    """
    sig, txt = gather_with_grad(signal_features), gather_with_grad(text_features)
    ids = gather_with_grad(fact_keys)
    logits = logit_scale * sig @ txt.t()
    same = (ids[:, None] == ids[None, :]).to(logits.dtype)
    targets = same / same.sum(1, keepdim=True)
    loss_s2t = torch.sum(-targets * F.log_softmax(logits, dim=1), dim=1).mean()
    loss_t2s = torch.sum(-targets * F.log_softmax(logits.t(), dim=1), dim=1).mean()
    return (loss_s2t + loss_t2s) / 2


def dense_loss(dense_features: torch.Tensor, phrase_features: torch.Tensor,
               targets: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Per-bin sigmoid loss between patch-time and event-phrase embeddings.

    Every (bin, event type) pair is its own binary question "does this bin hold this
    event?", answered by sigmoid(scale * cosine + bias) (SigLIP's pairwise form), so a bin
    may hold several events or none, and the probability is usable as it stands.

    Args:
        dense_features: (B, T, D) normalised patch-time embeddings.
        phrase_features: (K, D) normalised embeddings of one phrase per event type.
        targets: (B, T, K) 1 where the bin holds the event, else 0.
        scale, bias: the model's learned sigmoid scale (already exponentiated) and bias.

    Returns the binary cross-entropy summed over event types, averaged over bins.
    """
    logits = scale * torch.einsum("btd,kd->btk", dense_features.float(), phrase_features.float()) + bias
    bce = F.binary_cross_entropy_with_logits(logits, targets.float(), reduction="none")
    return bce.sum(-1).mean()


def caption_nll(logits: torch.Tensor, labels: torch.Tensor,
                ignore_index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed token cross-entropy of the caption decoder and the number of tokens.

    Sums (not means) let a batch split into length buckets average over all its tokens.

    Args:
        logits: (B, T, V) next-token logits (prefix positions already removed).
        labels: (B, T) target token ids, ``ignore_index`` at padding.
    """
    flat = labels.reshape(-1)
    total = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), flat,
                            ignore_index=ignore_index, reduction="sum")
    return total, (flat != ignore_index).sum()


def reconstruction_sq_error(output: torch.Tensor, target: torch.Tensor,
                            weight: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed squared error over the selected samples and how many were selected.

    Args:
        output, target: same shape, e.g. (B, C, L) in z-score units.
        weight: optional bool mask broadcastable to ``output`` selecting what counts
            (masked patches only, or every sample of the present channels).
    """
    err = (output.float() - target.float()) ** 2
    if weight is None:
        return err.sum(), torch.tensor(err.numel(), device=err.device)
    w = weight.to(err.dtype).expand_as(err)
    return (err * w).sum(), w.sum()


def staging_loss(signal_features: torch.Tensor, prototypes: torch.Tensor,
                 logit_scale: torch.Tensor, stages: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of each epoch's scored stage over its cosines to the stage prototypes.

    This is the zero-shot head's own read (``heads.zeroshot``: the epoch goes to the
    stage whose prompts' mean text embedding is nearest), trained directly, so that
    fine-tuning for other terms cannot drift the stages apart unnoticed.

    Args:
        signal_features: (B, E) L2-normalised epoch embeddings.
        prototypes: (S, E) L2-normalised stage prototypes, in ``io.recording.STAGES`` order.
        logit_scale: exp of the contrastive temperature (the same scale is shared).
        stages: long (B,), stage code, -1 where unscored (left out).
    """
    scored = stages >= 0
    if not bool(scored.any()):
        return 0.0 * signal_features.sum()
    logits = logit_scale * signal_features[scored] @ prototypes.T
    return F.cross_entropy(logits.float(), stages[scored])


def total_loss(parts: dict[str, torch.Tensor], weights: LossWeights) -> torch.Tensor:
    """Weighted sum of the loss terms present in ``parts``."""
    total = torch.zeros((), device=next(iter(parts.values())).device)
    for name, value in parts.items():
        total = total + getattr(weights, name) * value
    return total
