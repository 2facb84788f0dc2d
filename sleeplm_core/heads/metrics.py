"""Agreement metrics: epoch-wise staging scores and by-event detection scores.

By-event matching follows the usual spindle/apnea-detection convention: a detected
interval and a reference interval match when their intersection-over-union (IoU)
is at least a threshold (0.3 by default), each interval matched at most once
(the one-to-one assignment with the most matches).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score

Interval = tuple[float, float]
"""(onset, offset) in seconds."""


@dataclass(frozen=True)
class StagingScores:
    """Epoch-wise agreement between a reference and a predicted hypnogram.

    Attributes:
        labels: class names, the order of ``per_class_f1`` and ``confusion`` axes.
        accuracy: fraction of epochs that agree (0-1).
        macro_f1: unweighted mean of the per-class F1 (0-1).
        kappa: Cohen's kappa (chance-corrected agreement, -1 to 1).
        per_class_f1: F1 of each class (0-1).
        confusion: counts, rows = reference, columns = prediction.
        n_epochs: epochs compared (unknown reference epochs are left out).
    """

    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    kappa: float
    per_class_f1: tuple[float, ...]
    confusion: np.ndarray
    n_epochs: int


def staging_scores(reference: np.ndarray, predicted: np.ndarray,
                   labels: tuple[str, ...]) -> StagingScores:
    """Score predicted stage codes against reference codes.

    Args:
        reference: int codes (index into ``labels``), -1 for unscored epochs.
        predicted: int codes of the same length.
        labels: class names indexed by code.
    """
    reference = np.asarray(reference)
    predicted = np.asarray(predicted)
    if reference.shape != predicted.shape:
        raise ValueError(f"reference {reference.shape} and prediction {predicted.shape} differ")
    keep = reference >= 0
    ref, pred = reference[keep], predicted[keep]
    codes = list(range(len(labels)))
    return StagingScores(
        labels=labels,
        accuracy=float(accuracy_score(ref, pred)),
        macro_f1=float(f1_score(ref, pred, labels=codes, average="macro", zero_division=0)),
        kappa=float(cohen_kappa_score(ref, pred, labels=codes)),
        per_class_f1=tuple(float(f) for f in f1_score(ref, pred, labels=codes, average=None,
                                                      zero_division=0)),
        confusion=confusion_matrix(ref, pred, labels=codes),
        n_epochs=int(keep.sum()),
    )


@dataclass(frozen=True)
class EventScores:
    """By-event agreement between detected and reference intervals.

    Attributes:
        f1, precision, recall: by-event scores (0-1).
        n_detected, n_reference, n_matched: counts behind them.
        iou_threshold: the IoU a pair needs to count as a match.
    """

    f1: float
    precision: float
    recall: float
    n_detected: int
    n_reference: int
    n_matched: int
    iou_threshold: float

    def line(self) -> str:
        """One line, starting ``by-event F1:``, as the eval CLI prints it."""
        return (f"by-event F1: {self.f1:.3f}  precision: {self.precision:.3f}  "
                f"recall: {self.recall:.3f}  (detected {self.n_detected}, reference "
                f"{self.n_reference}, matched {self.n_matched}, IoU >= {self.iou_threshold:g})")


def iou_matrix(detected: list[Interval], reference: list[Interval]) -> np.ndarray:
    """IoU of every detected (rows) against every reference (columns) interval."""
    if not detected or not reference:
        return np.zeros((len(detected), len(reference)))
    det = np.asarray(detected, dtype=float)
    ref = np.asarray(reference, dtype=float)
    inter = (np.minimum(det[:, None, 1], ref[None, :, 1])
             - np.maximum(det[:, None, 0], ref[None, :, 0])).clip(min=0)
    union = ((det[:, 1] - det[:, 0])[:, None] + (ref[:, 1] - ref[:, 0])[None, :] - inter)
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def event_scores(detected: list[Interval], reference: list[Interval],
                 iou_threshold: float = 0.3) -> EventScores:
    """By-event F1, precision and recall with one-to-one IoU matching.

    Precision is 0 when nothing was detected, recall is 0 when there is no
    reference; F1 is their harmonic mean (0 when both are 0).
    """
    iou = iou_matrix(detected, reference)
    matched = 0
    if iou.size:
        # Maximise the number of pairs above the threshold first, IoU only breaks ties.
        gain = np.where(iou >= iou_threshold, 1.0 + iou, 0.0)
        rows, cols = linear_sum_assignment(-gain)
        matched = int(np.sum(iou[rows, cols] >= iou_threshold))
    precision = matched / len(detected) if detected else 0.0
    recall = matched / len(reference) if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EventScores(f1=f1, precision=precision, recall=recall, n_detected=len(detected),
                       n_reference=len(reference), n_matched=matched,
                       iou_threshold=iou_threshold)
