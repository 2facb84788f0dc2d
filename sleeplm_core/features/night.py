"""Features of every epoch of a night, for all five caption levels."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np
import pandas as pd

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.features.brain import BrainFacts, brain_features
from sleeplm_core.features.heart import HeartFacts, heart_features
from sleeplm_core.features.position_muscle import PositionMuscleFacts, position_muscle_features
from sleeplm_core.features.respiratory import RespiratoryFacts, respiratory_features
from sleeplm_core.features.stage_event import StageEventFacts, stage_event_features
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import Recording

log = logging.getLogger(__name__)

FEATURES_VERSION = 3
"""Version of the feature definitions: 2 measures EEG bands up to Nyquist after a 0.3-Hz
high-pass and keeps notes; 3 counts rapid eye movements with YASA's detector instead of
reading a 1-5 Hz EOG share. Caches of computed features include it in their key."""

Facts = Union[BrainFacts, HeartFacts, RespiratoryFacts, PositionMuscleFacts, StageEventFacts]
"""Facts of one level for one epoch."""

@dataclass
class NightFeatures:
    """Per-epoch facts of a night.

    Attributes:
        recording_id: the EpochSet's recording id.
        starts: epoch starts in seconds from the recording start, (n_epochs,).
        levels: level name -> one Facts (or None where the level is absent) per epoch.
        notes: one line per channel or band left out, with the reason (a band
            above Nyquist, an uncalibrated SpO2, undetectable R peaks, ...).
    """

    recording_id: str
    starts: np.ndarray
    levels: dict[str, list[Facts | None]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def present_levels(self) -> tuple[str, ...]:
        """Levels with facts in at least one epoch, in :data:`LEVELS` order."""
        return tuple(lv for lv in LEVELS if any(f is not None for f in self.levels[lv]))

    def to_frame(self) -> pd.DataFrame:
        """One row per epoch, one column per scalar feature.

        Column names are ``level.path [unit]``, e.g. ``brain.eeg.C3-M2.delta [%]``
        or ``heart.heart_rate.mean [bpm]``; trends and events stay in the facts.
        """
        rows = []
        for i in range(len(self)):
            row: dict[str, Any] = {"epoch": i, "start [s]": float(self.starts[i])}
            for level in LEVELS:
                facts = self.levels[level][i]
                if facts is not None:
                    row.update(_flatten(facts, level))
            rows.append(row)
        return pd.DataFrame(rows)


def night_features(rec: Recording, epochs: EpochSet,
                   montage: Montage | None = None) -> NightFeatures:
    """Measure every level's features for every epoch of ``epochs``.

    Args:
        rec: the recording, in physical units.
        epochs: its epochs; ``mapping``/``aux_mapping`` say which channel plays which role.
        montage: the montage from ``open_night``, for its position coding; None
            when the position channel uses the released codes.
    """
    codes = montage.position_codes if montage is not None else None
    notes: list[str] = []
    levels = {
        "brain": brain_features(rec, epochs, notes),
        "heart": heart_features(rec, epochs, notes),
        "respiratory": respiratory_features(rec, epochs),
        "position_muscle": position_muscle_features(rec, epochs, codes),
        "stage_event": stage_event_features(rec, epochs),
    }
    for level, facts in levels.items():
        log.debug("%s: %s facts in %d epochs", epochs.recording_id, level,
                  sum(f is not None for f in facts))
    for note in notes:
        log.info("%s: %s", epochs.recording_id, note)
    return NightFeatures(epochs.recording_id, np.asarray(epochs.starts, dtype=float), levels, notes)


def _flatten(obj: Any, prefix: str) -> dict[str, Any]:
    """Scalar fields of a facts tree as ``{"prefix.name [unit]": value}``.

    Lists of channels become one column group per channel; trend and event
    lists, which have no fixed width, stay in the facts.
    """
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None or f.name in _KEY_FIELDS:
            continue
        if "unit" in f.metadata:
            out[f"{prefix}.{f.name} [{f.metadata['unit']}]"] = value
        elif isinstance(value, str):
            out[f"{prefix}.{f.name}"] = value
        elif dataclasses.is_dataclass(value):
            out.update(_flatten(value, f"{prefix}.{f.name}"))
        elif value and all(_key(item) for item in value):
            for item in value:
                out.update(_flatten(item, f"{prefix}.{f.name}.{_key(item)}"))
    return out


_KEY_FIELDS = ("channel", "source")


def _key(item: Any) -> str | None:
    """The channel or source naming a list item, None for items without one."""
    return next((getattr(item, k) for k in _KEY_FIELDS if hasattr(item, k)), None)
