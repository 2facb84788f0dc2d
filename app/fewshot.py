"""Few-shot labelling from the app: examples picked in the UI (or a CSV) -> a head -> the night.

The user labels a handful of epochs per class; the heads package fits a
prototype or logistic-regression head on their embeddings, reports its
cross-validated accuracy, and the app highlights where the chosen class is
predicted across the night.
"""

from __future__ import annotations

import numpy as np

from app.chat.execute import DEFAULT_REGIONS, epoch_runs
from app.chat.render import Answer
from app.night import LoadedNight
from app.plots import Highlight
from sleeplm_core.heads.fewshot import (FewShotConfig, FewShotError, cross_validated_accuracy,
                                        fit_fewshot)
from sleeplm_core.io.recording import EPOCH_SEC

_MAX_HIGHLIGHTS = 2 * DEFAULT_REGIONS


def apply_fewshot(night: LoadedNight, examples: list[tuple[int, str]], kind: str,
                  target: str) -> Answer:
    """Fit a head on ``examples`` (epoch, label) and show where ``target`` is predicted."""
    if not examples:
        raise FewShotError("no labelled epoch yet; label a few epochs of each class first")
    idx = np.array([i for i, _ in examples])
    labels = [label for _, label in examples]
    config = FewShotConfig(kind=kind)
    vectors = night.embedded.vectors
    head = fit_fewshot(vectors[idx], labels, config)
    try:
        accuracy = f"{cross_validated_accuracy(vectors[idx], labels, config):.0%}"
    except FewShotError as err:
        accuracy = f"not measurable ({err})"
    proba = head.predict_proba(vectors)
    chosen = target if target in head.labels else head.labels[0]
    k = head.labels.index(chosen)
    predicted = proba.argmax(1)
    counts = ", ".join(f"{lab} {int(np.sum(predicted == j))}" for j, lab in enumerate(head.labels))
    starts = night.epochs.starts
    hits = np.flatnonzero(predicted == k)
    runs = sorted(epoch_runs(hits) if len(hits) else [],
                  key=lambda r: -float(proba[r[0]:r[1] + 1, k].mean()))
    highlights = [Highlight(float(starts[a]), float(starts[b]) + EPOCH_SEC, chosen,
                            float(proba[a:b + 1, k].mean())) for a, b in runs[:_MAX_HIGHLIGHTS]]
    text = (f"{kind} head on {len(examples)} labelled epochs ({len(head.labels)} classes): "
            f"cross-validated accuracy {accuracy}. Epochs predicted per class: {counts}. "
            f"Highlighted: the {len(highlights)} most confident runs of **{chosen}**.")
    jump = int(np.searchsorted(starts, highlights[0].start)) if highlights else None
    return Answer(text, highlights, jump, proba[:, k], f"few-shot: {chosen}")
