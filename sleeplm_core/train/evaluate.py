"""Validation during training: zero-shot staging, text->signal retrieval, caption loss.

The validation subset is fixed (seeded) for the whole run, so the numbers of two
evaluations differ only because the model changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from sleeplm_core.heads.encoder import TextEncoder, l2_normalise, to_numpy
from sleeplm_core.heads.metrics import staging_scores
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.io.recording import STAGES
from sleeplm_core.train.data import EpochDataset, sample_captions
from sleeplm_core.train.step import Objective


@dataclass
class EvalSet:
    """A fixed validation subset held in memory.

    Attributes:
        signals: float32 (n, 10, 1920); channel_mask: bool (n, 10); stages: int (n,).
        caption_ids: int (n,), one sampled caption string id per epoch (the queries).
        levels: int (n,), caption level of each query.
        relevant: bool (n, n), ``relevant[q, e]`` when epoch ``e`` carries query ``q``'s text.
        strings: the dataset's string table.
        level_modality: modality prefix index per level.
        spo2: float32 (n, 60) SpO2 beside the epochs, NaN where missing.
    """

    signals: np.ndarray
    channel_mask: np.ndarray
    stages: np.ndarray
    caption_ids: np.ndarray
    levels: np.ndarray
    relevant: np.ndarray
    strings: list[str]
    level_modality: np.ndarray
    spo2: np.ndarray


def make_eval_set(dataset: EpochDataset, max_epochs: int, seed: int) -> EvalSet:
    """Draw ``max_epochs`` validation epochs (all if fewer) and one query caption each."""
    rng = np.random.default_rng(seed)
    n = len(dataset)
    pick = np.sort(rng.choice(n, size=min(n, max_epochs), replace=False))
    items = [dataset[int(i)] for i in pick]
    signals = np.stack([item[0] for item in items])
    captions = dataset.captions[pick]
    ids, levels = sample_captions(captions, rng)
    flat = captions.reshape(len(pick), -1)
    # an epoch is a correct answer when any of its captions is the query text, since
    # template captions are shared by many epochs
    relevant = np.stack([(flat == q).any(axis=1) if q >= 0 else np.zeros(len(pick), bool)
                         for q in ids])
    return EvalSet(signals=signals, channel_mask=dataset.channel_mask[pick],
                   stages=dataset.stages[pick], caption_ids=ids, levels=levels,
                   relevant=relevant, strings=dataset.strings,
                   level_modality=dataset.level_modality,
                   spo2=np.stack([item[4] for item in items]))


def encode_signals(model: torch.nn.Module, signals: np.ndarray, mask: np.ndarray,
                   device: torch.device, batch_size: int,
                   spo2: np.ndarray | None = None) -> np.ndarray:
    """L2-normalised signal embeddings (n, D), in eval mode without gradients."""
    out = []
    with torch.inference_mode():
        for s in range(0, len(signals), batch_size):
            x = torch.from_numpy(signals[s:s + batch_size]).to(device)
            m = torch.from_numpy(mask[s:s + batch_size]).to(device)
            o = None if spo2 is None else torch.from_numpy(spo2[s:s + batch_size]).to(device)
            out.append(to_numpy(model.encode_signals(x, m, spo2=o)))
    return l2_normalise(np.concatenate(out))


def recall_at_k(similarity: np.ndarray, relevant: np.ndarray, ks: Sequence[int]) -> dict[str, float]:
    """Fraction of queries with a relevant item among their top-k (rows = queries)."""
    valid = relevant.any(axis=1)
    order = np.argsort(-similarity[valid], axis=1)
    hits = np.take_along_axis(relevant[valid], order, axis=1)
    return {f"R@{k}": float(hits[:, :k].any(axis=1).mean()) if valid.any() else 0.0 for k in ks}


def embedding_health(emb: np.ndarray) -> dict[str, float]:
    """Collapse diagnostics of unit embeddings (n, D).

    ``emb_mean_cos``: mean cosine over distinct pairs (near 1 = everything embeds alike).
    ``emb_eff_rank``: exp of the entropy of the normalised singular values of the
    centred embeddings (1 = one direction; D = all directions used evenly).
    """
    n = len(emb)
    gram = emb @ emb.T
    mean_cos = float((gram.sum() - np.trace(gram)) / max(n * (n - 1), 1))
    s = np.linalg.svd(emb - emb.mean(0), compute_uv=False)
    p = s / max(s.sum(), 1e-12)
    p = p[p > 0]
    return {"emb_mean_cos": mean_cos, "emb_eff_rank": float(np.exp(-(p * np.log(p)).sum()))}


def caption_loss_on(model: torch.nn.Module, evalset: EvalSet, device: torch.device,
                    batch_size: int) -> float:
    """Mean caption cross-entropy per token of the decoder on the query captions."""
    objective = Objective(model, terms=("caption",))
    keep = np.flatnonzero(evalset.caption_ids >= 0)
    total, weight = 0.0, 0
    with torch.inference_mode():
        for s in range(0, len(keep), batch_size):
            idx = keep[s:s + batch_size]
            tokens = model.tokenizer.encode([evalset.strings[i] for i in evalset.caption_ids[idx]])
            n_tokens = int((tokens[:, 1:] != model.tokenizer.pad_id).sum())
            parts = objective(torch.from_numpy(evalset.signals[idx]).to(device),
                              torch.from_numpy(evalset.channel_mask[idx]).to(device),
                              tokens.to(device),
                              torch.from_numpy(evalset.level_modality[evalset.levels[idx]]).to(device),
                              torch.from_numpy(evalset.caption_ids[idx]).to(device),
                              spo2=_oximetry(model, evalset, idx, device))
            total += float(parts["caption"]) * n_tokens
            weight += n_tokens
    return total / max(weight, 1)


def _oximetry(model: torch.nn.Module, evalset: EvalSet, idx: np.ndarray,
              device: torch.device) -> torch.Tensor | None:
    """The SpO2 rows ``idx`` of the validation set for a model that reads SpO2, else None."""
    return torch.from_numpy(evalset.spo2[idx]).to(device) if model.reads_oximetry else None


def evaluate(model: torch.nn.Module, evalset: EvalSet, device: torch.device,
             batch_size: int = 128) -> dict[str, float]:
    """All validation metrics of the current model (call on one rank only)."""
    was_training = model.training
    model.eval()
    try:
        emb = encode_signals(model, evalset.signals, evalset.channel_mask, device, batch_size,
                             evalset.spo2 if model.reads_oximetry else None)
        texts = TextEncoder(model)
        proba = ZeroShotClassifier().predict_proba(emb, texts)
        scores = staging_scores(evalset.stages, proba.argmax(1), STAGES)
        queries = [evalset.strings[i] if i >= 0 else "" for i in evalset.caption_ids]
        sim = texts(queries) @ emb.T
        metrics = {"zs_acc": scores.accuracy, "zs_kappa": scores.kappa,
                   "zs_macro_f1": scores.macro_f1,
                   **recall_at_k(sim, evalset.relevant, (1, 10)),
                   "caption_loss": caption_loss_on(model, evalset, device, batch_size),
                   **embedding_health(emb)}
    finally:
        model.train(was_training)
    return metrics
