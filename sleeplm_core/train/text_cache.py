"""MiniLM features of each contrastive text, computed once per run instead of once per step.

With the MiniLM tower fully frozen (``unlocked_layers`` 0), a text's pooled MiniLM
state depends on the text only, and the text tower's trainable part is the projection
after it. Most of a CPU step's cost was MiniLM re-reading the same template captions,
so the features are computed once and read back.

``contrastive_text="summary"`` trains the contrastive head on each caption's plain-word
summary ("In words: N2 sleep with sleep spindles ...; obstructive apnea, airflow absent
for 18 s."): a few thousand distinct texts instead of one per epoch, all computed
before the first step. The caption decoder still learns the whole caption.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from sleeplm_core.captions.words import summary_of
from sleeplm_core.model.text_towers import MiniLMTextTower

CONTRASTIVE_TEXTS: tuple[str, ...] = ("caption", "summary")
BATCH = 256


def cacheable(model: torch.nn.Module) -> bool:
    """True when the model's text features can be cached (frozen MiniLM tower)."""
    text = getattr(model, "text", None)
    return isinstance(text, MiniLMTextTower) and text.unlocked_layers == 0


def contrastive_text(caption: str, mode: str) -> str:
    """The text of ``caption`` that the contrastive head reads (see the module docstring)."""
    if mode not in CONTRASTIVE_TEXTS:
        raise ValueError(f"contrastive_text {mode!r} is not one of {CONTRASTIVE_TEXTS}")
    return summary_of(caption) if mode == "summary" else caption


class PooledTextCache:
    """String id -> MiniLM mean-pooled state [384] of its contrastive text.

    Attributes:
        max_tokens: tokens read per text (None: all), as ``TrainConfig.text_tokens``.
        text_of: per string id, the id of its contrastive text in :attr:`texts`.
        texts: the distinct contrastive texts.
    """

    def __init__(self, strings: Sequence[str], max_tokens: int | None, mode: str = "caption") -> None:
        self.max_tokens = max_tokens
        lookup: dict[str, int] = {}
        self.text_of = np.array([lookup.setdefault(contrastive_text(s, mode), len(lookup))
                                 for s in strings], dtype=np.int64)
        self.texts = list(lookup)
        self._store: dict[int, torch.Tensor] = {}
        self._phrases: dict[str, torch.Tensor] = {}

    def __len__(self) -> int:
        return len(self._store)

    @torch.no_grad()
    def _encode(self, texts: Sequence[str], model: torch.nn.Module) -> torch.Tensor:
        tower = model.text
        tokens = model.tokenizer.encode(list(texts))[:, : self.max_tokens]
        return tower.pool(tokens.to(tower.proj.weight.device)).float().cpu()

    def warm(self, model: torch.nn.Module, progress: bool = False) -> None:
        """Compute every distinct text now (worth it when they are few, as summaries are)."""
        todo = [i for i in range(len(self.texts)) if i not in self._store]
        for start in tqdm(range(0, len(todo), BATCH), desc="text features", unit="batch",
                          disable=not progress):
            chunk = todo[start: start + BATCH]
            self._store.update(zip(chunk, self._encode([self.texts[i] for i in chunk], model)))

    def pooled(self, ids: np.ndarray, model: torch.nn.Module) -> torch.Tensor:
        """[len(ids), hidden] float32 on the CPU for string ids, computing unseen texts."""
        keys = self.text_of[np.asarray(ids)]
        missing = sorted({int(k) for k in keys} - self._store.keys())
        if missing:
            self._store.update(zip(missing, self._encode([self.texts[k] for k in missing], model)))
        return torch.stack([self._store[int(k)] for k in keys])

    def pooled_texts(self, texts: Sequence[str], model: torch.nn.Module) -> torch.Tensor:
        """[len(texts), hidden] for texts outside the dataset (the dense-loss phrases)."""
        missing = sorted(set(texts) - self._phrases.keys())
        if missing:
            self._phrases.update(zip(missing, self._encode(missing, model)))
        return torch.stack([self._phrases[t] for t in texts])
