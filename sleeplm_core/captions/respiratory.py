"""Respiratory captions: one sentence per breathing channel, one for flow flatness."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import NumberStyle, alternation, find, parse_number, pick
from sleeplm_core.features.respiratory import SOURCES, Breathing, RespiratoryFacts

CHANNEL_SENTENCES = (
    "{Source}: {rate} breaths per minute, breath-interval variability {variability}%.",
    "The {source} shows a respiratory rate of {rate} breaths/min with {variability}% "
    "interval variability.",
    "Breathing on the {source} runs at {rate} breaths per minute "
    "(interval variability {variability}%).",
)
FLATNESS_SENTENCES = (
    "Inspiratory flow flatness is {flatness}.", "Inspiratory flatness index: {flatness}.",
    "The inspiratory flow contour has a flatness of {flatness}.",
)
_NAMES = tuple(SOURCES.values())
_SOURCE = alternation(_NAMES)
_SOURCE_CAP = alternation(tuple(n.capitalize() for n in _NAMES))


def render(facts: RespiratoryFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A respiratory caption for one epoch."""
    parts = [
        pick(rng, CHANNEL_SENTENCES).format(
            source=ch.source, Source=ch.source.capitalize(),
            rate=number(Breathing, "rate", ch.rate),
            variability=number(Breathing, "variability", ch.variability))
        for ch in facts.channels
    ]
    if facts.flatness is not None:
        parts.append(pick(rng, FLATNESS_SENTENCES).format(
            flatness=number(RespiratoryFacts, "flatness", facts.flatness)))
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[RespiratoryFacts | None, int]:
    """Respiratory facts from caption sentences, and how many sentences were understood."""
    channels: list[Breathing] = []
    flatness = None
    n = 0
    for sentence in sentences:
        if m := find(CHANNEL_SENTENCES, sentence, source=_SOURCE, Source=_SOURCE_CAP):
            source = (m.groupdict().get("source") or m["Source"]).lower()
            channels.append(Breathing(source, parse_number(m["rate"]),
                                      parse_number(m["variability"])))
        elif m := find(FLATNESS_SENTENCES, sentence):
            flatness = parse_number(m["flatness"])
        else:
            continue
        n += 1
    return (RespiratoryFacts(tuple(channels), flatness) if n else None), n
