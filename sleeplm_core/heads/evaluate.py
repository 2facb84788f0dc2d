"""Evaluation procedures behind ``sleeplm eval``: staging, localization, retrieval.

Each returns plain numbers; the CLI prints them and ``docs/evaluation.md`` holds
the tables. Conventions:

* Staging is scored on the sleep window: from ``pad_min`` minutes before the
  first to ``pad_min`` after the last scored sleep epoch (30 min by default, the
  usual Sleep-EDF practice that keeps hours of lights-on wake out of the score).
  Unscored epochs are left out.
* Localization is scored by event (IoU >= 0.3, see :mod:`metrics`).
* Retrieval pairs each epoch with the caption rendered from its own measured
  facts; R@k is the fraction of queries whose partner ranks in the top k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.heads.encoder import EncodeText
from sleeplm_core.io.recording import Event


def intervals_of(events: list[Event], types: tuple[str, ...]) -> list[tuple[float, float]]:
    """(onset, offset) in seconds of the events whose type is in ``types``, sorted."""
    return sorted((e.onset, e.offset) for e in events if e.type in types)


@dataclass(frozen=True)
class RetrievalScores:
    """Paired retrieval between epochs and their captions.

    Attributes:
        ks: the k values.
        text_to_signal, signal_to_text: R@k for each k (0-1).
        n: number of pairs (chance R@k is k / n).
    """

    ks: tuple[int, ...]
    text_to_signal: tuple[float, ...]
    signal_to_text: tuple[float, ...]
    n: int


def paired_recall(signal_vectors: np.ndarray, captions: list[str], encode_text: EncodeText,
                  ks: tuple[int, ...] = (1, 5, 10)) -> RetrievalScores:
    """R@k in both directions for row-aligned epoch embeddings and captions.

    Ties are broken against the true partner (its rank counts every item scoring
    at least as high), so identical captions cannot inflate the score.
    """
    sim = encode_text(captions) @ signal_vectors.T

    def recall(matrix: np.ndarray) -> tuple[float, ...]:
        diag = np.diag(matrix)
        rank = np.sum(matrix >= diag[:, None], axis=1)
        return tuple(float(np.mean(rank <= k)) for k in ks)

    return RetrievalScores(ks, recall(sim), recall(sim.T), len(captions))
