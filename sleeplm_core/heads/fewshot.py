"""Few-shot heads trained on K labelled epochs per class.

Two heads on the frozen signal embeddings:

* ``"prototype"``: each class is the normalised mean of its examples; an epoch
  takes the class of the most similar prototype (cosine), probabilities are a
  softmax over the cosines times ``scale``.
* ``"logreg"``: multinomial logistic regression (scikit-learn, L2, ``C``).

Labelled examples come as a list of (epoch index, label) pairs, from the UI or
from a CSV file with columns ``epoch,label`` (or ``time,label`` with the epoch
start time in seconds).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.encoder import l2_normalise, softmax_rows
from sleeplm_core.io.recording import EPOCH_SEC

FEWSHOT_KINDS: tuple[str, ...] = ("prototype", "logreg")


class FewShotError(SleepLMError):
    """The labelled examples cannot train a few-shot head."""


@dataclass(frozen=True)
class FewShotConfig:
    """Few-shot head settings.

    Attributes:
        kind: one of :data:`FEWSHOT_KINDS`.
        scale: inverse temperature for prototype probabilities.
        c: inverse L2 strength of the logistic regression.
        folds: maximum cross-validation folds (fewer when a class has fewer examples).
        seed: seed of the fold shuffling.
    """

    kind: str = "prototype"
    scale: float = 20.0
    c: float = 1.0
    folds: int = 5
    seed: int = 0


@dataclass
class FewShotHead:
    """A fitted few-shot head; build it with :func:`fit_fewshot`."""

    labels: tuple[str, ...]
    config: FewShotConfig
    prototypes: np.ndarray | None = None
    model: LogisticRegression | None = field(default=None, repr=False)

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Probabilities (n, n_labels) in the order of :attr:`labels`."""
        if self.model is not None:
            return self.model.predict_proba(embeddings)
        return softmax_rows(self.config.scale * embeddings @ self.prototypes.T)

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        """Label codes (index into :attr:`labels`)."""
        return self.predict_proba(embeddings).argmax(1)


def fit_fewshot(embeddings: np.ndarray, labels: list[str],
                config: FewShotConfig = FewShotConfig()) -> FewShotHead:
    """Fit a head on examples (embeddings (n, dim), one label string each)."""
    if config.kind not in FEWSHOT_KINDS:
        raise FewShotError(f"unknown few-shot head {config.kind!r}; use one of {FEWSHOT_KINDS}")
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise FewShotError("few-shot needs labelled epochs of at least two classes")
    y = np.array([classes.index(lab) for lab in labels])
    if config.kind == "logreg":
        model = LogisticRegression(C=config.c, max_iter=1000, random_state=config.seed)
        return FewShotHead(classes, config, model=model.fit(embeddings, y))
    protos = l2_normalise(np.stack([embeddings[y == k].mean(0) for k in range(len(classes))]))
    return FewShotHead(classes, config, prototypes=protos)


def cross_validated_accuracy(embeddings: np.ndarray, labels: list[str],
                             config: FewShotConfig = FewShotConfig()) -> float:
    """Mean held-out accuracy over stratified folds (0-1).

    The number of folds is ``config.folds`` or the size of the smallest class,
    whichever is smaller; every class needs at least two examples.
    """
    counts = Counter(labels)
    folds = min(config.folds, min(counts.values()))
    if folds < 2:
        rare = min(counts, key=counts.get)
        raise FewShotError(f"class {rare!r} has one example; give at least two per class "
                           "for cross-validation")
    y = np.asarray(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    correct = 0
    for train, test in splitter.split(embeddings, y):
        head = fit_fewshot(embeddings[train], list(y[train]), config)
        pred = np.asarray(head.labels)[head.predict(embeddings[test])]
        correct += int(np.sum(pred == y[test]))
    return correct / len(y)


def read_labels_csv(path: Path, starts: np.ndarray) -> list[tuple[int, str]]:
    """(epoch index, label) pairs from a CSV with ``epoch,label`` or ``time,label``.

    Args:
        path: the CSV file.
        starts: epoch start times in seconds, to map ``time`` rows to epochs.
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as err:
        raise FewShotError(f"cannot read labels file {path}: {err}") from err
    cols = {c.lower().strip(): c for c in table.columns}
    if "label" not in cols or not ({"epoch", "time"} & cols.keys()):
        raise FewShotError(f"labels file {path} needs columns 'epoch,label' or 'time,label'")
    if "epoch" in cols:
        idx = table[cols["epoch"]].to_numpy(dtype=int)
    else:
        times = table[cols["time"]].to_numpy(dtype=float)
        idx = np.searchsorted(starts, times, side="right") - 1
    bad = (idx < 0) | (idx >= len(starts))
    if bad.any():
        raise FewShotError(f"labels file {path}: row {int(np.argmax(bad)) + 2} points outside "
                           f"the recording's {len(starts)} epochs of {EPOCH_SEC:g} s")
    return list(zip(idx.tolist(), table[cols["label"]].astype(str).str.strip()))
