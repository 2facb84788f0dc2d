"""Where inside each epoch the scored events are: targets of the dense alignment loss.

A dense model (``SignalEncoderConfig.dense_tokens``) embeds every 2-s patch time. The
loss asks each patch time to sit near the phrase of every event it holds and away from
the phrases of the events it does not hold. The targets are stored with the dataset
at a fixed 0.5-s resolution (``events.npy``), independent of any model's patch size,
and pooled to the model's bins at training time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from sleeplm_core.features.brain import eye_leads
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Event, Recording
from sleeplm_core.scoring.microevents import detect_rems

DENSE_EVENTS: dict[str, tuple[str, ...]] = {
    "obstructive_apnea": ("obstructive apnea", "apnea: airflow stops while breathing effort goes on",
                          "breathing stopped with effort"),
    "central_apnea": ("central apnea", "apnea: airflow and breathing effort both stop",
                      "breathing stopped without effort"),
    "mixed_apnea": ("mixed apnea", "mixed apnea: central at first, then obstructive"),
    "hypopnea": ("hypopnea", "shallow breathing with airflow reduced", "hypopnea: reduced airflow"),
    "desaturation": ("oxygen desaturation", "SpO2 drop", "blood oxygen saturation falling"),
    "arousal": ("arousal", "EEG arousal: a sudden shift to faster brain waves", "brief awakening"),
    "spindle": ("sleep spindle", "a burst of 12-15 Hz sigma activity in the EEG", "spindle"),
    "k_complex": ("K-complex", "a large biphasic EEG wave of N2 sleep"),
    "limb_movement": ("limb movement", "leg movement in the leg EMG", "leg jerk"),
    "rapid_eye_movement": ("rapid eye movements", "a rapid eye movement in the EOG", "REM saccade"),
}
"""Event type -> phrases a text may use for it; one is drawn per type and step."""
TEACHER_TYPES: tuple[str, ...] = ("rapid_eye_movement",)
"""Types whose targets come from a field detector run on the night (:func:`teacher_events`),
not from its scoring: no scorer marks every eye movement."""

DENSE_TYPES: tuple[str, ...] = tuple(DENSE_EVENTS)
BIN_SEC = 0.5
"""Resolution of the stored targets, in seconds."""
BINS_PER_EPOCH = int(round(EPOCH_SEC / BIN_SEC))
MIN_COVER = 0.25
"""Share of a model bin an event must cover to be a positive (0.5 s of a 2-s patch),
so that a 0.5-2-s spindle still marks the bin it falls in."""


def teacher_events(rec: Recording, epochs: EpochSet) -> list[Event]:
    """Rapid eye movements found by YASA's ``rem_detect`` on the night's eye leads (the
    detector the features count them with), as events; none without a usable EOG."""
    leads = eye_leads(rec, epochs)
    if leads is None:
        return []
    return detect_rems(*leads, stages=None)


def event_masks(events: Sequence[Event], starts: np.ndarray) -> np.ndarray:
    """bool [N, len(DENSE_TYPES), BINS_PER_EPOCH]: True where half or more of a 0.5-s
    bin lies inside an event of that type. ``starts`` are epoch starts in seconds."""
    n = len(starts)
    out = np.zeros((n, len(DENSE_TYPES), BINS_PER_EPOCH), dtype=bool)
    if n == 0:
        return out
    bin_starts = np.asarray(starts, dtype=float)[:, None] + BIN_SEC * np.arange(BINS_PER_EPOCH)
    for event in events:
        if event.type not in DENSE_EVENTS:
            continue
        k = DENSE_TYPES.index(event.type)
        end = event.onset + max(event.duration, BIN_SEC)
        overlap = (np.minimum(bin_starts + BIN_SEC, end) - np.maximum(bin_starts, event.onset))
        out[:, k] |= overlap >= BIN_SEC / 2
    return out


def pool_targets(masks: torch.Tensor, n_bins: int) -> torch.Tensor:
    """bool [B, K, BINS_PER_EPOCH] -> float [B, n_bins, K] positives of the model's bins."""
    b, k, fine = masks.shape
    if fine % n_bins:
        raise ValueError(f"{fine} stored bins do not split into {n_bins} model bins")
    cover = masks.float().reshape(b, k, n_bins, fine // n_bins).mean(-1)
    return (cover >= MIN_COVER).float().transpose(1, 2)


def draw_phrases(rng: np.random.Generator) -> list[str]:
    """One phrase per dense type (in :data:`DENSE_TYPES` order), drawn per step."""
    return [phrases[rng.integers(len(phrases))] for phrases in DENSE_EVENTS.values()]
