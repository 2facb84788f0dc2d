"""The embedding interface the heads need, and batched encoding of a night.

A head needs two things from a model: L2-normalised signal embeddings (one row
per 30-s epoch or window) and a callable that turns texts into L2-normalised
embeddings of the same width. :func:`encode_epochs` and :class:`TextEncoder`
produce them from any model with ``encode_signals`` / ``encode_text``;
:func:`encode_dense` adds the 2-s time-bin vectors of a dense-token model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import torch

EncodeText = Callable[[Sequence[str]], np.ndarray]
"""Texts -> float32 array (n_texts, dim), rows L2-normalised."""


class SignalTextModel(Protocol):
    """What the heads use from a SleepLM model."""

    def encode_signals(self, epochs: Any, mask: Any) -> Any: ...

    def encode_text(self, texts: list[str]) -> Any: ...


def to_numpy(x: Any) -> np.ndarray:
    """A float32 numpy copy of a tensor or array."""
    if isinstance(x, torch.Tensor):
        x = x.detach().to("cpu", torch.float32).numpy()
    return np.asarray(x, dtype=np.float32)


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large logits."""
    z = np.exp(logits - logits.max(1, keepdims=True))
    return z / z.sum(1, keepdims=True)


def batches(n: int, batch_size: int) -> Iterator[slice]:
    """Consecutive slices covering ``range(n)``."""
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def encode_epochs(model: SignalTextModel, data: np.ndarray, channel_mask: np.ndarray,
                  batch_size: int = 64, progress: Callable[[int], None] | None = None,
                  spo2: np.ndarray | None = None) -> np.ndarray:
    """Signal embeddings of model-ready epochs.

    Args:
        model: a SleepLM model (``encode_signals(epochs [B,10,1920], mask [10])``).
        data: float32 (n, 10, 1920) epochs as in ``EpochSet.data`` (may be a memmap).
        channel_mask: bool (10,), True where a channel is present.
        batch_size: epochs per forward pass.
        progress: called with the number of epochs done after each batch.
        spo2: float32 (n, 60) SpO2 beside the epochs as in ``EpochSet.spo2``, or None;
            read by models with oximetry tokens.

    Returns:
        float32 (n, dim), rows L2-normalised.
    """
    mask = torch.as_tensor(np.asarray(channel_mask, dtype=bool))
    out: list[np.ndarray] = []
    with torch.inference_mode():
        for sl in batches(len(data), batch_size):
            chunk = torch.from_numpy(np.ascontiguousarray(data[sl], dtype=np.float32))
            out.append(l2_normalise(to_numpy(model.encode_signals(chunk, mask, **_oximetry(spo2, sl)))))
            if progress is not None:
                progress(sl.stop - sl.start)
    if not out:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(out)


def encode_dense(model: SignalTextModel, data: np.ndarray, channel_mask: np.ndarray,
                 batch_size: int = 64, progress: Callable[[int], None] | None = None,
                 spo2: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Epoch embeddings float32 (n, dim) and dense bin embeddings float16 (n, bins, dim)
    from one encoder pass (``model.encode_with_dense``), both L2-normalised; arguments
    as in :func:`encode_epochs`.

    float16 keeps an 8-h night's dense vectors at 7 MB; its 3 significant digits are far
    finer than the cosine differences a threshold acts on.
    """
    mask = torch.as_tensor(np.asarray(channel_mask, dtype=bool))
    epochs_out: list[np.ndarray] = []
    dense_out: list[np.ndarray] = []
    for sl in batches(len(data), batch_size):
        chunk = torch.from_numpy(np.ascontiguousarray(data[sl], dtype=np.float32))
        emb, dense = model.encode_with_dense(chunk, mask, batch_size, **_oximetry(spo2, sl))
        epochs_out.append(to_numpy(emb))
        dense_out.append(to_numpy(dense).astype(np.float16))
        if progress is not None:
            progress(sl.stop - sl.start)
    if not epochs_out:
        return np.zeros((0, 0), np.float32), np.zeros((0, 0, 0), np.float16)
    return np.concatenate(epochs_out), np.concatenate(dense_out)


def _oximetry(spo2: np.ndarray | None, sl: slice) -> dict[str, np.ndarray]:
    """The ``spo2`` keyword of one batch, or none at all, so that models without an
    oximetry input keep their two-argument interface."""
    return {} if spo2 is None else {"spo2": np.ascontiguousarray(spo2[sl], dtype=np.float32)}


class TextEncoder:
    """Memoising text encoder: each distinct text goes through the model once."""

    def __init__(self, model: SignalTextModel) -> None:
        self._model = model
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            with torch.inference_mode():
                vecs = l2_normalise(to_numpy(self._model.encode_text(list(todo))))
            self._cache.update(zip(todo, vecs))
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)
