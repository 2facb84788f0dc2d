"""Execute step for "how similar are they?" after a library search: how alike its matches
are to what was searched, by the model's cosine and by what is scored (stage, events)."""

from __future__ import annotations

from app.chat.library import stated_event_types
from app.chat.periods import stage_name
from app.chat.results import Likeness, Retrieval
from app.night import LoadedNight
from sleeplm_core.heads.grounding import GROUNDED_TYPES
from sleeplm_core.io.recording import EPOCH_SEC


def epoch_likeness(found: Retrieval, night: LoadedNight, epoch: int) -> Likeness:
    """The matches of a search from ``epoch`` against that epoch's stage and scored events
    (the human scoring's, else the machine's)."""
    stages, source = night.stages()
    start = float(night.epochs.starts[epoch])
    end = start + EPOCH_SEC
    events, events_source = night.scored_events()
    blind = night.blind_types()
    # only what a library caption can state is compared
    held = tuple(sorted({e.type for e in events if e.onset < end and e.offset > start
                         and e.type in GROUNDED_TYPES and e.type not in blind}))
    return _likeness(found, stage_name(int(stages[epoch])), source, held, events_source)


def hit_likeness(found: Retrieval, stage: str, caption: str) -> Likeness:
    """The matches of a search from a library epoch against that epoch's stage and the events
    its caption states."""
    held = tuple(sorted(set(stated_event_types(caption)) & set(GROUNDED_TYPES)))
    return _likeness(found, stage, "library caption", held, "its caption")


def words_likeness(found: Retrieval, stages: tuple[str, ...], types: tuple[str, ...]) -> Likeness:
    """The matches of a search by words against the stages and event types the words name."""
    return _likeness(found, " or ".join(stages), "", types, "")


def _likeness(found: Retrieval, stage: str, source: str, types: tuple[str, ...],
              events_source: str) -> Likeness:
    hits = found.hits
    return Likeness(what=found.what, cosines=tuple(h.score for h in hits),
                    stages=tuple(str(h.meta.get("stage", "?")) for h in hits),
                    stated=tuple(frozenset(stated_event_types(str(h.meta.get("caption", "")))) for h in hits),
                    stage=stage, stage_source=source, types=types, events_source=events_source,
                    recordings=tuple(str(h.meta.get("recording", "?")) for h in hits),
                    kinds=tuple(str(h.meta.get("kind", "?")) for h in hits))
