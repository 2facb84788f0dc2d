"""Staging numbers for a model card: zero-shot and few-shot on one scored night.

Both are scored on the night's sleep window (see ``io.stages.sleep_window``).
Few-shot draws ``shots`` labelled epochs per stage (seeded) from that window, fits
the heads' few-shot head on them and scores every other epoch of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sleeplm_core.heads.encoder import TextEncoder, encode_epochs
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.heads.fewshot import FewShotConfig, fit_fewshot
from sleeplm_core.heads.metrics import StagingScores, staging_scores
from sleeplm_core.heads.models import resolve_model
from sleeplm_core.heads.smoothing import SmoothingConfig
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES


@dataclass(frozen=True)
class CardStaging:
    """Staging results of one model on one night.

    Attributes:
        zero_shot: zero-shot scores without temporal smoothing.
        zero_shot_smoothed: the same with the heads' HMM smoothing.
        few_shot: prototype head fitted on ``shots`` epochs per stage.
        shots: labelled epochs per stage used by few-shot.
    """

    zero_shot: StagingScores
    zero_shot_smoothed: StagingScores
    few_shot: StagingScores
    shots: int


def few_shot_picks(stages: np.ndarray, shots: int, seed: int) -> np.ndarray:
    """Indices of ``shots`` epochs of each stage present (fewer when a stage is rarer)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(stages == code), size=min(shots, int(np.sum(stages == code))),
                        replace=False)
             for code in range(len(STAGES)) if np.any(stages == code)]
    return np.sort(np.concatenate(picks))


def card_staging(model: str, recording: str | Path, hypnogram: str | Path | None,
                 shots: int = 10, seed: int = 0,
                 mapping: dict[str, str] | None = None) -> CardStaging:
    """Zero-shot (raw and smoothed) and few-shot staging scores of ``model`` on a night.

    ``mapping`` overrides montage slots (slot -> label, "none" leaves a slot empty).
    """
    _, _, epochs = open_night(recording, hypnogram=hypnogram, mapping=mapping)
    window = sleep_window(epochs.stages)
    stages = np.asarray(epochs.stages[window])
    loaded = resolve_model(model)
    vectors = encode_epochs(loaded.model, epochs.data[window], epochs.channel_mask)
    texts = TextEncoder(loaded.model)
    zero = {}
    for method in ("none", "hmm"):
        head = ZeroShotClassifier(scale=loaded.logit_scale, smoothing=SmoothingConfig(method=method))
        zero[method] = staging_scores(stages, head.predict(vectors, texts)[0], STAGES)
    picks = few_shot_picks(stages, shots, seed)
    head = fit_fewshot(vectors[picks], [STAGES[c] for c in stages[picks]], FewShotConfig(seed=seed))
    rest = np.setdiff1d(np.flatnonzero(stages >= 0), picks)
    predicted = np.array([STAGES.index(head.labels[k]) for k in head.predict(vectors[rest])])
    few = staging_scores(stages[rest], predicted, STAGES)
    return CardStaging(zero["none"], zero["hmm"], few, shots)


def markdown_row(name: str, s: StagingScores) -> str:
    """One row of the card's comparison table."""
    f1 = " / ".join(f"{f:.2f}" for f in s.per_class_f1)
    return (f"| {name} | {s.n_epochs} | {s.accuracy:.3f} | {s.macro_f1:.3f} | {s.kappa:.3f} "
            f"| {f1} |")


def markdown_confusion(s: StagingScores) -> str:
    """Confusion matrix as a markdown table (rows reference, columns predicted)."""
    lines = ["| ref \\ pred | " + " | ".join(s.labels) + " |",
             "|---|" + "---|" * len(s.labels)]
    lines += [f"| {name} | " + " | ".join(str(int(v)) for v in row) + " |"
              for name, row in zip(s.labels, s.confusion)]
    return "\n".join(lines)
