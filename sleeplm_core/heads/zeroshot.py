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

from sleeplm_core.heads.encoder import EncodeText, l2_normalise, softmax_rows
from sleeplm_core.heads.smoothing import SmoothingConfig, smooth_labels

DEFAULT_STAGE_PROMPTS: dict[str, tuple[str, ...]] = {
    "W": (
        "Wake: eyes open or closed with alpha rhythm and high chin muscle tone.",
        "Stage W, the subject is awake with alpha activity and eye blinks.",
        "Wakefulness with fast low-amplitude EEG, blinks and movement.",
    ),
    "N1": (
        "Stage N1, light sleep with theta activity and slow rolling eye movements.",
        "N1 drowsiness: alpha drops out, low-amplitude mixed-frequency EEG.",
        "Light sleep N1 with vertex waves and slow eye movements.",
    ),
    "N2": (
        "Stage N2 sleep with sleep spindles and K-complexes.",
        "N2, light non-REM sleep with spindles in the central EEG.",
        "Non-REM stage 2 with K-complexes and spindles on a theta background.",
    ),
    "N3": (
        "Stage N3, deep sleep with high-amplitude slow waves.",
        "N3 slow-wave sleep: delta waves above 75 uV dominate the EEG.",
        "Deep non-REM sleep with abundant delta activity and low muscle tone.",
    ),
    "REM": (
        "REM sleep with rapid eye movements and low chin muscle tone.",
        "Stage REM: low-amplitude mixed-frequency EEG, rapid eye movements, atonia.",
        "Rapid eye movement sleep with sawtooth waves and irregular breathing.",
    ),
}
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
