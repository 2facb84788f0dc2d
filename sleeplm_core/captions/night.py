"""Captions for every epoch of a night: the API the dataset builder, heads and app call."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sleeplm_core.captions.caption import render_caption
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.features.night import Facts, NightFeatures, night_features
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import Recording


@dataclass
class EpochCaptions:
    """Captions of one epoch.

    Attributes:
        index: epoch index in the EpochSet.
        start: epoch start in seconds from the recording start.
        captions: level -> caption variants; levels without facts are absent.
        facts: level -> the facts the captions were rendered from.
    """

    index: int
    start: float
    captions: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, Facts] = field(default_factory=dict)

    def to_json(self, recording_id: str) -> dict[str, Any]:
        """A JSON-ready record (the ``sleeplm captions`` line format)."""
        return {
            "recording_id": recording_id, "epoch": self.index, "start_s": self.start,
            "captions": self.captions,
            "facts": {level: dataclasses.asdict(f) for level, f in self.facts.items()},
        }


@dataclass
class NightCaptions:
    """Captions of every epoch of a night, with the features they came from."""

    recording_id: str
    epochs: list[EpochCaptions]
    features: NightFeatures

    def __len__(self) -> int:
        return len(self.epochs)

    def level(self, level: str, variant: int = 0) -> list[str | None]:
        """Variant ``variant`` of ``level``'s caption for each epoch, None where absent."""
        return [e.captions[level][variant] if level in e.captions else None for e in self.epochs]


def caption_night(rec: Recording, epochs: EpochSet, seed: int = 0, n_variants: int = 1,
                  approx_prob: float = 0.3, montage: Montage | None = None,
                  features: NightFeatures | None = None) -> NightCaptions:
    """Measure features (unless given) and render ``n_variants`` captions per epoch and level.

    Args:
        rec: the recording, in physical units.
        epochs: its epochs (starts, stages, channel mapping).
        seed: non-negative seed; a caption depends only on (seed, epoch start, level,
            variant), so captioning a subset of epochs gives the same text.
        n_variants: captions per epoch and level (augmentation).
        approx_prob: chance that a number is printed approximately.
        montage: the montage from ``open_night`` (for its position coding).
        features: precomputed :func:`night_features` of the same night.
    """
    feats = features if features is not None else night_features(rec, epochs, montage)
    return NightCaptions(feats.recording_id,
                         list(iter_epoch_captions(feats, seed, n_variants, approx_prob)), feats)


def iter_epoch_captions(features: NightFeatures, seed: int = 0, n_variants: int = 1,
                        approx_prob: float = 0.3) -> Iterator[EpochCaptions]:
    """Captions of each epoch in turn (see :func:`caption_night` for the arguments)."""
    for i in range(len(features)):
        start = float(features.starts[i])
        facts = {lv: features.levels[lv][i] for lv in LEVELS
                 if features.levels[lv][i] is not None}
        captions = {lv: caption_variants(lv, f, seed, start, n_variants, approx_prob)
                    for lv, f in facts.items()}
        yield EpochCaptions(i, start, captions, facts)


def caption_variants(level: str, facts: Facts, seed: int, start: float, n_variants: int = 1,
                     approx_prob: float = 0.3) -> list[str]:
    """``n_variants`` captions of one epoch's facts at ``level``.

    The generator is seeded from (seed, epoch start in tenths of a second, level
    index, variant), so the text does not depend on which other epochs are captioned.
    """
    key = [seed, int(round(start * 10)), LEVELS.index(level)]
    return [render_caption(level, facts, np.random.default_rng(key + [v]), approx_prob)
            for v in range(n_variants)]
