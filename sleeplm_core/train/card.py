"""Staging numbers for a model card: zero-shot and few-shot on one scored night.

Both are scored on the night's sleep window (see ``io.stages.sleep_window``).
Few-shot draws ``shots`` labelled epochs per stage (seeded) from that window, fits
the heads' few-shot head on them and scores every other epoch of the window, raw
and through the same HMM smoothing as zero-shot (Viterbi over the whole window).
One draw of 10 epochs per stage moves kappa by about 0.02-0.03, so the draw is
repeated ``draws`` times (seeds ``seed``, ``seed + 1``, ...) and the spread reported.
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
from sleeplm_core.heads.smoothing import SmoothingConfig, smooth_labels
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES


@dataclass(frozen=True)
class CardStaging:
    """Staging results of one model on one night.

    Attributes:
        zero_shot: zero-shot scores without temporal smoothing.
        zero_shot_smoothed: the same with the heads' HMM smoothing.
        few_shot: prototype head fitted on ``shots`` epochs per stage (first draw).
        few_shot_smoothed: the same draw with the HMM smoothing.
        shots: labelled epochs per stage used by few-shot.
        few_shot_kappas: (raw, smoothed) kappa of every draw.
    """

    zero_shot: StagingScores
    zero_shot_smoothed: StagingScores
    few_shot: StagingScores
    few_shot_smoothed: StagingScores
    shots: int
    few_shot_kappas: tuple[tuple[float, float], ...]

    def few_shot_summary(self) -> str:
        """Mean +- SD of few-shot kappa over the draws, raw and smoothed, in one line."""
        raw, hmm = np.array(self.few_shot_kappas).T
        return (f"raw {raw.mean():.3f} +- {raw.std():.3f}, HMM {hmm.mean():.3f} +- {hmm.std():.3f} "
                f"({len(raw)} draws of {self.shots}/stage)")


def few_shot_picks(stages: np.ndarray, shots: int, seed: int) -> np.ndarray:
    """Indices of ``shots`` epochs of each stage present (fewer when a stage is rarer)."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(stages == code), size=min(shots, int(np.sum(stages == code))),
                        replace=False)
             for code in range(len(STAGES)) if np.any(stages == code)]
    return np.sort(np.concatenate(picks))


def card_staging(model: str, recording: str | Path, hypnogram: str | Path | None,
                 shots: int = 10, seed: int = 0,
                 mapping: dict[str, str] | None = None, draws: int = 10) -> CardStaging:
    """Zero-shot (raw and smoothed) and few-shot staging scores of ``model`` on a night.

    ``mapping`` overrides montage slots (slot -> label, "none" leaves a slot empty).
    """
    _, _, epochs = open_night(recording, hypnogram=hypnogram, mapping=mapping)
    window = sleep_window(epochs.stages)
    stages = np.asarray(epochs.stages[window])
    loaded = resolve_model(model)
    vectors = encode_epochs(loaded.model, epochs.data[window], epochs.channel_mask,
                            spo2=epochs.spo2_rows(window))
    texts = TextEncoder(loaded.model)
    zero = {}
    for method in ("none", "hmm"):
        head = ZeroShotClassifier(scale=loaded.logit_scale, smoothing=SmoothingConfig(method=method))
        zero[method] = staging_scores(stages, head.predict(vectors, texts)[0], STAGES)
    draws_scores = [few_shot(vectors, stages, shots, seed + i) for i in range(draws)]
    kappas = tuple((raw.kappa, hmm.kappa) for raw, hmm in draws_scores)
    return CardStaging(zero["none"], zero["hmm"], *draws_scores[0], shots, kappas)


def few_shot(vectors: np.ndarray, stages: np.ndarray, shots: int,
             seed: int) -> tuple[StagingScores, StagingScores]:
    """Raw and HMM-smoothed scores of a prototype head fitted on one seeded draw of
    ``shots`` epochs per stage, on every other scored epoch."""
    picks = few_shot_picks(stages, shots, seed)
    head = fit_fewshot(vectors[picks], [STAGES[c] for c in stages[picks]], FewShotConfig(seed=seed))
    codes = np.array([STAGES.index(label) for label in head.labels])
    proba = head.predict_proba(vectors)
    rest = np.setdiff1d(np.flatnonzero(stages >= 0), picks)
    return tuple(staging_scores(stages[rest], codes[predicted][rest], STAGES)
                 for predicted in (proba.argmax(1), smooth_labels(proba, SmoothingConfig(method="hmm"))))


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
