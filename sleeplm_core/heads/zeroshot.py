"""Zero-shot classification of epochs against labels described in text.

Each label is described by several prompts. Their text embeddings are averaged
and re-normalised into one prototype per label (a prompt ensemble, which is more
stable than any single wording); an epoch's probabilities are the softmax of its
cosine similarities to the prototypes times a scale (the inverse temperature).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sleeplm_core.captions.stage_event import STAGE_NAMES, STAGE_SENTENCES
from sleeplm_core.heads.encoder import EncodeText, l2_normalise, softmax_rows
from sleeplm_core.heads.smoothing import SmoothingConfig, smooth_labels
from sleeplm_core.io.recording import STAGES

_STAGE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "W": (
        "Wake: eyes open or closed with alpha rhythm and high chin muscle tone.",
        "Wakefulness with fast low-amplitude EEG, blinks and movement.",
    ),
    "N1": (
        "Light sleep N1 with theta activity and slow rolling eye movements.",
        "Drowsiness: alpha drops out, low-amplitude mixed-frequency EEG.",
    ),
    "N2": (
        "Stage N2 sleep with sleep spindles and K-complexes.",
        "Non-REM stage 2 with spindles on a theta background.",
    ),
    "N3": (
        "Deep N3 sleep with high-amplitude slow waves.",
        "Slow-wave sleep: delta waves dominate the EEG.",
    ),
    "REM": (
        "REM sleep with rapid eye movements and low chin muscle tone.",
        "Low-amplitude mixed-frequency EEG, rapid eye movements and muscle atonia.",
    ),
}


def _stage_prompts(stage: str) -> tuple[str, ...]:
    """The stage sentences of the stage_event captions the model is trained on, plus
    plain-language descriptions of the stage."""
    templated = tuple(sentence.format(stage=name) for sentence in STAGE_SENTENCES
                      for name in STAGE_NAMES[stage])
    return templated + _STAGE_DESCRIPTIONS[stage]


DEFAULT_STAGE_PROMPTS: dict[str, tuple[str, ...]] = {s: _stage_prompts(s) for s in STAGES}
"""Prompt ensemble for each AASM stage, keyed by :data:`STAGES` names."""


@dataclass
class ZeroShotClassifier:
    """Classifies signal embeddings against text-described labels.

    Attributes:
        prompts: label -> prompts that describe it (order = class index).
        scale: inverse temperature applied to cosines before the softmax; CLIP-style
            models use about 100 (their learned logit scale).
        smoothing: temporal smoothing used by :meth:`predict`.
    """

    prompts: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_STAGE_PROMPTS)
    scale: float = 100.0
    smoothing: SmoothingConfig = field(default_factory=lambda: SmoothingConfig(method="none"))

    def __post_init__(self) -> None:
        if not self.prompts or any(not p for p in self.prompts.values()):
            raise ValueError("every label needs at least one prompt")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.prompts)

    def prototypes(self, encode_text: EncodeText) -> np.ndarray:
        """One unit vector per label: the normalised mean of its prompt embeddings."""
        return l2_normalise(np.stack([encode_text(list(p)).mean(0) for p in self.prompts.values()]))

    def predict_proba(self, embeddings: np.ndarray, encode_text: EncodeText) -> np.ndarray:
        """Class probabilities (n_epochs, n_labels) for L2-normalised embeddings."""
        return softmax_rows(self.scale * (embeddings @ self.prototypes(encode_text).T))

    def predict(self, embeddings: np.ndarray, encode_text: EncodeText) -> tuple[np.ndarray,
                                                                               np.ndarray]:
        """Label codes (index into :attr:`labels`, smoothed) and their probabilities."""
        proba = self.predict_proba(embeddings, encode_text)
        return smooth_labels(proba, self.smoothing), proba
