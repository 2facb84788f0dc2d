"""Brain captions: one sentence per EEG channel (band powers), per EOG channel (slow eye
movements) and one for the rapid eye movements of the eye leads.

A band the channel's rate cannot measure (None) is not mentioned; parsed back it is NaN,
like any number a caption omits."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import (
    NumberStyle, fill, join_items, match_start, number_in, pick,
)
from sleeplm_core.features.brain import EEG_BAND_NAMES, BrainFacts, EegBands, EogActivity, RapidEyeMovements

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
SLOW_PHRASES = ("slow eye movement power {value}%", "slow eye movements at {value}%",
                "{value}% in the slow eye movement band")
REM_HEADS = ("Rapid eye movements ({channel}):", "Eye-movement detector ({channel}):",
             "On the eye leads ({channel}),")
REM_PHRASES = ("{value} detected", "{value} rapid eye movements in the epoch",
               "{value} saccades found")


def render(facts: BrainFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A brain caption for one epoch."""
    parts = [_eeg_sentence(ch, rng, number) for ch in facts.eeg]
    parts += [_eog_sentence(ch, rng, number) for ch in facts.eog]
    if facts.rems is not None:
        parts.append(_rem_sentence(facts.rems, rng, number))
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[BrainFacts | None, int]:
    """Brain facts from caption sentences, and how many sentences were understood."""
    eeg, eog, rems = [], [], None
    for sentence in sentences:
        if head := match_start(EEG_HEADS, sentence, channel=CHANNEL):
            body = sentence[head.end():]
            eeg.append(EegBands(head["channel"].strip(), *(
                number_in(fill(BAND_PHRASES, band=band), body) for band in EEG_BAND_NAMES)))
        elif head := match_start(EOG_HEADS, sentence, channel=CHANNEL):
            body = sentence[head.end():]
            eog.append(EogActivity(head["channel"].strip(), number_in(SLOW_PHRASES, body)))
        elif head := match_start(REM_HEADS, sentence, channel=CHANNEL):
            rems = RapidEyeMovements(head["channel"].strip(),
                                     number_in(REM_PHRASES, sentence[head.end():]))
    n = len(eeg) + len(eog) + (rems is not None)
    return (BrainFacts(tuple(eeg), tuple(eog), rems) if n else None), n


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
    slow = pick(rng, SLOW_PHRASES).format(value=number(EogActivity, "slow", ch.slow))
    return f"{pick(rng, EOG_HEADS).format(channel=ch.channel)} {slow}."


def _rem_sentence(rems: RapidEyeMovements, rng: np.random.Generator, number: NumberStyle) -> str:
    count = pick(rng, REM_PHRASES).format(value=number(RapidEyeMovements, "count", rems.count))
    return f"{pick(rng, REM_HEADS).format(channel=rems.channel)} {count}."

