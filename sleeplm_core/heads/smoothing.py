"""Temporal smoothing of per-epoch class probabilities into a hypnogram.

Two options:

* ``"median"``: a running median of each class probability over an odd number of
  epochs, then the arg-max. Removes isolated one-epoch flips.
* ``"hmm"``: Viterbi decoding with a "sticky" transition matrix (probability
  ``stay`` of keeping the same class from one 30-s epoch to the next, the rest
  spread evenly over the other classes), treating the per-epoch probabilities as
  emission likelihoods. Sleep stages persist for minutes, which is what the
  sticky prior encodes; it needs no training data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

SMOOTHING_METHODS: tuple[str, ...] = ("none", "median", "hmm")


@dataclass(frozen=True)
class SmoothingConfig:
    """How to smooth per-epoch probabilities.

    Attributes:
        method: one of :data:`SMOOTHING_METHODS`.
        window: median-filter length in epochs (odd).
        stay: HMM probability of keeping the same class between epochs (0-1).
    """

    method: str = "hmm"
    window: int = 5
    stay: float = 0.9


def smooth_labels(proba: np.ndarray, config: SmoothingConfig = SmoothingConfig()) -> np.ndarray:
    """Decode a label sequence from probabilities of shape (n_epochs, n_classes)."""
    if config.method not in SMOOTHING_METHODS:
        raise ValueError(f"unknown smoothing {config.method!r}; use one of {SMOOTHING_METHODS}")
    if config.method == "median":
        return median_filter(proba, size=(config.window | 1, 1), mode="nearest").argmax(1)
    if config.method == "hmm":
        return viterbi(proba, sticky_transitions(proba.shape[1], config.stay))
    return proba.argmax(1)


def sticky_transitions(n_classes: int, stay: float) -> np.ndarray:
    """Transition matrix with ``stay`` on the diagonal, the rest shared evenly."""
    if n_classes == 1:
        return np.ones((1, 1))
    trans = np.full((n_classes, n_classes), (1.0 - stay) / (n_classes - 1))
    np.fill_diagonal(trans, stay)
    return trans


def viterbi(proba: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Most likely state path given emission probabilities and a transition matrix.

    Works in log space; the initial state distribution is uniform.
    """
    n, k = proba.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    log_e = np.log(np.clip(proba, 1e-12, None))
    log_t = np.log(np.clip(transitions, 1e-12, None))
    score = log_e[0] - np.log(k)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + log_t
        back[t] = cand.argmax(0)
        score = cand.max(0) + log_e[t]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path
