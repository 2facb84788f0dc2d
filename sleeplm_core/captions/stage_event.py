"""Stage/event captions: the scored stage, then each event with its times."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import (
    NumberStyle, alternation, find, match_start, parse_number, pick,
)
from sleeplm_core.features.stage_event import EventSpan, StageEventFacts

STAGE_NAMES: dict[str, tuple[str, ...]] = {
    "W": ("wake", "wakefulness"),
    "N1": ("N1", "light N1 sleep"),
    "N2": ("N2", "N2 sleep"),
    "N3": ("N3", "deep N3 sleep"),
    "REM": ("REM", "REM sleep"),
}
EVENT_NAMES: dict[str, str] = {
    "obstructive_apnea": "obstructive apnea", "central_apnea": "central apnea",
    "mixed_apnea": "mixed apnea", "hypopnea": "hypopnea", "desaturation": "oxygen desaturation",
    "arousal": "arousal", "spindle": "sleep spindle", "k_complex": "K-complex",
    "limb_movement": "limb movement",
}
"""Event type -> caption name; other (verbatim) types are printed as they are."""
STAGE_SENTENCES = (
    "This epoch is scored as {stage}.", "Scored stage: {stage}.",
    "The hypnogram marks {stage} for this epoch.",
)
EVENT_SENTENCES = (
    "Scored event: {name} from {start} to {end} s.",
    "The {name} event is marked from {start} to {end} seconds.",
    "Between {start} and {end} s: {name}.",
)
NO_EVENT_SENTENCES = (
    "No scored events fall in this epoch.", "No events are scored in this epoch.",
    "The epoch contains no scored events.",
)
_NAME_TO_STAGE = {name: code for code, names in STAGE_NAMES.items() for name in names}
_NAME_TO_TYPE = {name: kind for kind, name in EVENT_NAMES.items()}
_STAGE = alternation(tuple(_NAME_TO_STAGE))
_EVENT = r".+?"


def render(facts: StageEventFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A stage/event caption for one epoch."""
    parts = []
    if facts.stage:
        parts.append(pick(rng, STAGE_SENTENCES).format(stage=pick(rng, STAGE_NAMES[facts.stage])))
    parts += [pick(rng, EVENT_SENTENCES).format(
        name=EVENT_NAMES.get(e.type, e.type),
        start=number.exact(EventSpan, "start", e.start), end=number.exact(EventSpan, "end", e.end))
        for e in facts.events]
    if not facts.events:
        parts.append(pick(rng, NO_EVENT_SENTENCES))
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[StageEventFacts | None, int]:
    """Stage/event facts from caption sentences, and how many sentences were understood."""
    stage: str | None = None
    events: list[EventSpan] = []
    n = 0
    for sentence in sentences:
        if m := find(STAGE_SENTENCES, sentence, stage=_STAGE):
            stage = _NAME_TO_STAGE[m["stage"]]
        elif m := match_start(EVENT_SENTENCES, sentence, whole=True, name=_EVENT):
            # Whole-sentence match: the event name is free text, so a partial
            # match could swallow the start of another clause.
            name = m["name"]
            events.append(EventSpan(_NAME_TO_TYPE.get(name, name), parse_number(m["start"]),
                                    parse_number(m["end"])))
        elif sentence not in NO_EVENT_SENTENCES:
            continue
        n += 1
    return (StageEventFacts(stage, tuple(events)) if n else None), n

