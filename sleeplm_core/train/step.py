"""Model construction for training and the module that turns a batch into loss terms."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from sleeplm_core.model import create_model
from sleeplm_core.model.config import config_from_dict
from sleeplm_core.model.factory import resolve_config
from sleeplm_core.train.losses import (
    LossWeights, caption_nll, contrastive_loss, dense_loss, reconstruction_sq_error, staging_loss,
)
from sleeplm_core.train.dense import pool_targets

TERMS: tuple[str, ...] = ("contrastive", "caption", "reconstruction", "dense", "staging")


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


class Objective(nn.Module):
    """The training loss as a module, so DDP wraps one forward per backward.

    Three options target the cost of a step (``bench/train.py`` measures whether the
    first two pay off on a given machine):

    * only the first ``caption_fraction`` of the (shuffled) batch feeds the caption
      decoder, whose projection onto MiniLM's 30,522-token vocabulary dominates the
      step; the other rows still give signal and text features;
    * rows are grouped into buckets of similar caption length, each padded only to
      its own longest caption (lengths run from ~15 to 128 tokens);
    * rows outside the caption share feed the text tower only their first
      ``text_tokens`` tokens: captions open with their plain-word summary (12-36
      tokens), and the text tower's cost grows with length.

    Features of all rows meet again in one contrastive loss.

    Attributes:
        model: the SleepLM being trained.
        terms: loss terms computed (see :data:`TERMS`).
        n_buckets: length buckets per group of rows (1 = pad the group together).
        caption_fraction: share of the batch trained on the caption loss.
        text_tokens: most tokens of a contrastive-only row's caption (None: all).
    """

    def __init__(self, model: nn.Module, terms: Sequence[str] = TERMS, n_buckets: int = 1,
                 caption_fraction: float = 1.0, text_tokens: int | None = None) -> None:
        super().__init__()
        self.model, self.terms = model, tuple(terms)
        self.n_buckets, self.caption_fraction = n_buckets, caption_fraction
        self.text_tokens = text_tokens

    def _buckets(self, rows: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
        if not len(rows):
            return []
        rows = rows[torch.argsort(lengths[rows])]
        return list(torch.tensor_split(rows, min(self.n_buckets, len(rows))))

    def forward(self, signals: torch.Tensor, channel_mask: torch.Tensor, tokens: torch.Tensor,
                modality: torch.Tensor, fact_keys: torch.Tensor,
                text_pooled: torch.Tensor | None = None,
                dense: tuple[torch.Tensor, ...] | None = None,
                staging: tuple[torch.Tensor, ...] | None = None,
                spo2: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Loss terms of a batch.

        Args:
            signals: float (B, 10, 1920); channel_mask: bool (B, 10).
            tokens: long (B, T) caption tokens from the model's tokenizer.
            modality: long (B,), the caption level's prefix index.
            fact_keys: long (B,) fact-key ids, so captions of the same facts count as positives.
            text_pooled: (B, 384) cached MiniLM features of every row's first
                ``text_tokens`` tokens (``train.text_cache``), or None to run the tower.
            dense: for the dense term, (event masks bool (B, K, 60) of ``train.dense``,
                known bool (B,) rows whose recording has scored events, phrase tokens
                (K, L), cached phrase features (K, 384) or None).
            staging: for the staging term, (stage codes long (B,), -1 unscored; the stage
                prompts' tokens (P, L); their cached features (P, 384) or None; each
                prompt's stage code long (P,)).
            spo2: float (B, 60) SpO2 beside the epochs (NaN missing) for a model with
                oximetry tokens, else None.
        """
        lengths = (tokens != self.model.tokenizer.pad_id).sum(1)
        rows = torch.arange(len(tokens), device=tokens.device)
        n_cap = round(self.caption_fraction * len(rows)) if "caption" in self.terms else 0
        sums: dict[str, list[torch.Tensor]] = {}
        image, text, order, dense_rows = [], [], [], []
        for idx, with_caption in ([(i, True) for i in self._buckets(rows[:n_cap], lengths)]
                                  + [(i, False) for i in self._buckets(rows[n_cap:], lengths)]):
            ids = tokens[idx, : int(lengths[idx].max())]
            pooled = None if text_pooled is None else text_pooled[idx]
            oxi = None if spo2 is None else spo2[idx]
            if with_caption:
                out = self.model(signals[idx], ids, channel_indices=modality[idx],
                                 channel_mask=channel_mask[idx], text_pooled=pooled,
                                 caption_vocab_only=True, spo2=oxi)
                text.append(out["text_features"])
                sums.setdefault("caption", []).append(
                    torch.stack(caption_nll(out["logits"], out["labels"], int(out["pad_id"]))))
            else:
                out = self.model(signals[idx], None, channel_mask=channel_mask[idx], spo2=oxi)
                short = ids[:, : self.text_tokens]
                features = (self.model.text(short) if pooled is None
                            else self.model.text(short, pooled=pooled))[0]
                text.append(F.normalize(features, dim=-1))
            image.append(out["image_features"])
            order.append(idx)
            if "dense_features" in out:
                dense_rows.append(out["dense_features"])
            if "reconstruction" in self.terms and "reconstruction" in out:
                sums.setdefault("reconstruction", []).append(torch.stack(reconstruction_sq_error(
                    out["reconstruction"], out["reconstruction_target"], out["reconstruction_mask"])))
        totals = {name: torch.stack(v).sum(0) for name, v in sums.items()}
        parts = {name: total / count.clamp_min(1) for name, (total, count) in totals.items()}
        if "contrastive" in self.terms:
            parts["contrastive"] = contrastive_loss(torch.cat(image), torch.cat(text),
                                                    out["logit_scale"], fact_keys[torch.cat(order)])
        if "dense" in self.terms and dense is not None and dense_rows:
            parts["dense"] = self._dense(torch.cat(dense_rows), torch.cat(order), dense, out)
        if "staging" in self.terms and staging is not None:
            parts["staging"] = self._staging(torch.cat(image), torch.cat(order), staging, out)
        return parts

    def _staging(self, image: torch.Tensor, order: torch.Tensor, staging: tuple[torch.Tensor, ...],
                 out: dict[str, torch.Tensor]) -> torch.Tensor:
        stages, prompt_tokens, prompt_pooled, prompt_stage = staging
        tower = self.model.text
        prompts = (tower(prompt_tokens) if prompt_pooled is None
                   else tower(prompt_tokens, pooled=prompt_pooled))[0]
        prompts = F.normalize(prompts.float(), dim=-1)
        # each stage's prototype: the mean of its prompts' embeddings, as heads.zeroshot reads it
        sums = torch.zeros(int(prompt_stage.max()) + 1, prompts.shape[1], device=prompts.device)
        prototypes = F.normalize(sums.index_add(0, prompt_stage, prompts), dim=-1)
        return staging_loss(image.float(), prototypes, out["logit_scale"], stages[order])

    def _dense(self, features: torch.Tensor, order: torch.Tensor, dense: tuple[torch.Tensor, ...],
               out: dict[str, torch.Tensor]) -> torch.Tensor:
        masks, known, phrase_tokens, phrase_pooled = dense
        keep = known[order]
        if not bool(keep.any()):
            # no scored events in this batch: a zero that still touches the parameters,
            # so DDP ranks agree on which gradients exist
            return 0.0 * features.sum()
        tower = self.model.text
        phrases = (tower(phrase_tokens) if phrase_pooled is None
                   else tower(phrase_tokens, pooled=phrase_pooled))[0]
        targets = pool_targets(masks[order][keep], features.shape[1])
        return dense_loss(features[keep], F.normalize(phrases, dim=-1), targets,
                          out["dense_logit_scale"], out["dense_logit_bias"])
