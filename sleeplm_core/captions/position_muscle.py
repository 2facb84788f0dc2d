"""Position/muscle captions: a chin EMG sentence and body-position sentences."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import (
    NumberStyle, alternation, find, find_all, join_items, match_start, number_in, parse_number,
    pick,
)
from sleeplm_core.features.position_muscle import (
    BodyPosition, ChinEmg, PositionChange, PositionMuscleFacts,
)
from sleeplm_core.io.position import POSITION_NAMES

EMG_HEADS = ("Chin EMG:", "Submental EMG:", "Chin muscle tone (EMG):")
EMG_PHRASES = {
    "median_frequency": ("median frequency {value} Hz", "a median frequency of {value} Hz",
                         "spectral median at {value} Hz"),
    "burst_ratio": ("burst intensity ratio {value}", "a burst-to-baseline intensity ratio of {value}",
                    "burst intensity {value} times the baseline"),
    "burst_rate": ("{value} bursts per minute", "burst modulation rate {value}/min",
                   "bursts recurring {value} times a minute"),
}
POSITION_SENTENCES = (
    "Body position: {position} at the start of the epoch.",
    "The epoch begins in the {position} position.",
    "Position at epoch start: {position}.",
)
CHANGE_SENTENCES = (
    "A turn to {position} occurs at {time} s.", "Position changes to {position} at {time} seconds.",
    "At {time} s the sleeper turns {position}.",
)
NO_CHANGE_SENTENCES = ("No position change occurs.", "The position stays the same throughout.")
_POSITION = alternation(POSITION_NAMES)


def render(facts: PositionMuscleFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A position/muscle caption for one epoch."""
    parts = []
    if facts.emg:
        items = [pick(rng, EMG_PHRASES[k]).format(value=number(ChinEmg, k, getattr(facts.emg, k)))
                 for k in EMG_PHRASES]
        parts.append(f"{pick(rng, EMG_HEADS)} {join_items(items, rng)}.")
    if facts.position:
        parts.append(pick(rng, POSITION_SENTENCES).format(position=facts.position.position))
        parts += [pick(rng, CHANGE_SENTENCES).format(
            position=c.position, time=number.exact(PositionChange, "time", c.time))
            for c in facts.position.changes]
        if not facts.position.changes and rng.random() < 0.5:
            parts.append(pick(rng, NO_CHANGE_SENTENCES))
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[PositionMuscleFacts | None, int]:
    """Position/muscle facts from caption sentences, and how many sentences were understood."""
    emg = None
    position: str | None = None
    changes: list[PositionChange] = []
    n = 0
    for sentence in sentences:
        if head := match_start(EMG_HEADS, sentence):
            body = sentence[head.end():]
            emg = ChinEmg(*(number_in(EMG_PHRASES[k], body) for k in EMG_PHRASES))
        elif m := find(POSITION_SENTENCES, sentence, position=_POSITION):
            position = m["position"]
        elif found := find_all(CHANGE_SENTENCES, sentence, position=_POSITION):
            changes += [PositionChange(m["position"], parse_number(m["time"])) for m in found]
        elif sentence not in NO_CHANGE_SENTENCES:
            continue
        n += 1
    body_position = BodyPosition(position, tuple(changes)) if position else None
    return (PositionMuscleFacts(emg, body_position) if n else None), n
