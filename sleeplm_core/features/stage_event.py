"""Stage/event level: the scored stage and every scored event overlapping the epoch.

Event times are clipped to the epoch and given in seconds from its start, so
an apnea that began in the previous epoch starts at 0.0 here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.features.schema import quantity
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording


@dataclass(frozen=True)
class EventSpan:
    """One scored event inside an epoch.

    Attributes:
        type: event type (see ``sleeplm_core.io.events.EVENT_TYPES``) or verbatim label.
        start: onset clipped to the epoch, seconds from the epoch start.
        end: offset clipped to the epoch, seconds from the epoch start.
    """

    type: str
    start: float = quantity("s", 1, 1)
    end: float = quantity("s", 1, 1)


@dataclass(frozen=True)
class StageEventFacts:
    """Stage (one of :data:`~sleeplm_core.io.recording.STAGES`, None if unscored)
    and the events of one epoch, by start time."""

    stage: str | None = None
    events: tuple[EventSpan, ...] = ()


def stage_event_features(rec: Recording, epochs: EpochSet) -> list[StageEventFacts | None]:
    """Stage/event facts per epoch.

    The whole level is None when the night has neither stages nor events; an
    epoch is None when it is unscored and holds no event.
    """
    stages = np.asarray(epochs.stages)
    if not np.any(stages >= 0) and not rec.events:
        return [None] * len(epochs)
    spans = _event_spans(rec, epochs.starts)
    out: list[StageEventFacts | None] = []
    for code, events in zip(stages, spans):
        stage = STAGES[code] if code >= 0 else None
        out.append(StageEventFacts(stage, events) if stage or events else None)
    return out


def _event_spans(rec: Recording, starts: np.ndarray) -> list[tuple[EventSpan, ...]]:
    if not rec.events:
        return [()] * len(starts)
    onsets = np.array([e.onset for e in rec.events])
    offsets = np.array([e.offset for e in rec.events])
    ends = starts + EPOCH_SEC
    out = []
    for start, end in zip(starts, ends):
        # Instantaneous markers (duration 0) count when they fall inside the epoch.
        hit = np.flatnonzero((onsets < end) & ((offsets > start) | (onsets >= start)))
        out.append(tuple(
            EventSpan(rec.events[i].type, float(max(onsets[i], start) - start),
                      float(min(offsets[i], end) - start))
            for i in hit
        ))
    return out
