"""Captions for the dataset builder, from the captions package."""

from __future__ import annotations

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.captions.night import caption_night
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import Recording
from sleeplm_core.train.build import Captioner, NightCaptions


def night_captioner(n_paraphrases: int, seed: int) -> Captioner:
    """A captioner rendering ``n_paraphrases`` variants per epoch and level.

    Variants depend only on (seed, epoch, level, variant), so a resumed build writes
    the same text as an unbroken one.
    """
    def captioner(recording: Recording, montage: Montage, epochs: EpochSet) -> NightCaptions:
        night = caption_night(recording, epochs, seed=seed, n_variants=n_paraphrases,
                              montage=montage)
        return {level: [e.captions.get(level, []) for e in night.epochs] for level in LEVELS}
    return captioner
