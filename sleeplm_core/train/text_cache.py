"""MiniLM features of each caption, computed once per run instead of once per step.

With the MiniLM tower fully frozen (``unlocked_layers`` 0), a caption's pooled MiniLM
state depends on its text only, and the text tower's trainable part is the projection
after it. Template captions repeat across epochs and passes, so most of a step's
MiniLM forwards (the bulk of a CPU step) can be read back instead of recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from sleeplm_core.model.text_towers import MiniLMTextTower


def cacheable(model: torch.nn.Module) -> bool:
    """True when the model's text features can be cached (frozen MiniLM tower)."""
    text = getattr(model, "text", None)
    return isinstance(text, MiniLMTextTower) and text.unlocked_layers == 0


class PooledTextCache:
    """String id -> MiniLM mean-pooled state [384] of its first ``max_tokens`` tokens.

    Attributes:
        strings: the dataset's caption strings (ids index them).
        max_tokens: tokens read per caption (None: all), as ``TrainConfig.text_tokens``.
        hits, misses: lookups served from the cache and computed, for the log.
    """

    def __init__(self, strings: Sequence[str], max_tokens: int | None) -> None:
        self.strings, self.max_tokens = strings, max_tokens
        self._store: dict[int, torch.Tensor] = {}
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._store)

    @torch.no_grad()
    def pooled(self, ids: np.ndarray, model: torch.nn.Module) -> torch.Tensor:
        """[len(ids), hidden] float32 on the CPU, computing the ids not yet seen."""
        missing = sorted({int(i) for i in ids} - self._store.keys())
        if missing:
            tokens = model.tokenizer.encode([self.strings[i] for i in missing])[:, : self.max_tokens]
            tower = model.text
            feats = tower.pool(tokens.to(tower.proj.weight.device)).float().cpu()
            self._store.update(zip(missing, feats))
        self.misses += len(missing)
        self.hits += len(ids) - len(missing)
        return torch.stack([self._store[int(i)] for i in ids])
