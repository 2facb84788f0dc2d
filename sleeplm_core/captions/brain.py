"""Brain captions: one sentence per EEG channel (band powers) and per EOG channel.

A band the channel's rate cannot measure (None) is not mentioned; parsed back it is NaN,
like any number a caption omits."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import (
    NumberStyle, fill, join_items, match_start, number_in, pick,
)
from sleeplm_core.features.brain import EEG_BAND_NAMES, BrainFacts, EegBands, EogActivity

CHANNEL = r"[^()]+"
EEG_HEADS = (
    "EEG activity ({channel}):", "EEG band powers ({channel}):", "In the EEG ({channel}),",
    "The EEG derivation ({channel}) shows",
)
EOG_HEADS = (
    "EOG activity ({channel}):", "Eye movements in the EOG ({channel}):",
    "In the EOG ({channel}),",
)
BAND_PHRASES = (
    "{band} relative power measuring {value}%", "{band} relative power of {value}%",
    "{band} at {value}%", "{band} making up {value}%", "{value}% {band} power",
)
EOG_PHRASES = {
    "slow": ("slow eye movement power {value}%", "slow eye movements at {value}%",
             "{value}% in the slow eye movement band"),
    "rapid": ("REM saccade power {value}%", "REM saccades at {value}%",
              "{value}% in the REM saccade band"),
}


def render(facts: BrainFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A brain caption for one epoch."""
    parts = [_eeg_sentence(ch, rng, number) for ch in facts.eeg]
    parts += [_eog_sentence(ch, rng, number) for ch in facts.eog]
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[BrainFacts | None, int]:
    """Brain facts from caption sentences, and how many sentences were understood."""
    eeg, eog = [], []
    for sentence in sentences:
        if head := match_start(EEG_HEADS, sentence, channel=CHANNEL):
            body = sentence[head.end():]
            eeg.append(EegBands(head["channel"].strip(), *(
                number_in(fill(BAND_PHRASES, band=band), body) for band in EEG_BAND_NAMES)))
        elif head := match_start(EOG_HEADS, sentence, channel=CHANNEL):
            body = sentence[head.end():]
            eog.append(EogActivity(head["channel"].strip(), *(
                number_in(EOG_PHRASES[key], body) for key in ("slow", "rapid"))))
    n = len(eeg) + len(eog)
    return (BrainFacts(tuple(eeg), tuple(eog)) if n else None), n


def _eeg_sentence(ch: EegBands, rng: np.random.Generator, number: NumberStyle) -> str:
    # Bands above the channel's Nyquist limit are None and not mentioned.
    bands = [band for band in EEG_BAND_NAMES if getattr(ch, band) is not None]
    order = rng.permutation(len(bands)) if rng.random() < 0.3 else range(len(bands))
    items = [
        pick(rng, BAND_PHRASES).format(band=bands[i],
                                       value=number(EegBands, bands[i], getattr(ch, bands[i])))
        for i in order
    ]
    return f"{pick(rng, EEG_HEADS).format(channel=ch.channel)} {join_items(items, rng)}."


def _eog_sentence(ch: EogActivity, rng: np.random.Generator, number: NumberStyle) -> str:
    items = [
        pick(rng, EOG_PHRASES[key]).format(value=number(EogActivity, key, getattr(ch, key)))
        for key in ("slow", "rapid")
    ]
    return f"{pick(rng, EOG_HEADS).format(channel=ch.channel)} {join_items(items, rng)}."

