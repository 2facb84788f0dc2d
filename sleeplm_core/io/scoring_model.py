"""The result every scoring reader returns, and annotation splitting shared by readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sleeplm_core.io.events import normalize_event
from sleeplm_core.io.recording import Event
from sleeplm_core.io.stages import decode_stages, is_stage_label, stage_grid


@dataclass
class Scoring:
    """Stages and events read from one scoring source.

    Attributes:
        stages: int8 stage code per 30-s epoch, -1 unscored.
        stage_offset: onset of the first epoch, seconds from recording start.
        events: scored events (onsets in seconds from recording start).
        format: detected format name (see :mod:`sleeplm_core.io.scoring`).
        path: the file read, None for scoring embedded in a PSG.
        warnings: non-fatal problems found while reading.
    """

    stages: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    stage_offset: float = 0.0
    events: list[Event] = field(default_factory=list)
    format: str = ""
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)


def from_annotations(
    onsets: list[float], durations: list[float], labels: list[str],
    channels: list[str | None] | None = None, source: str | Path = "scoring",
) -> tuple[np.ndarray, float, list[Event], list[str]]:
    """Split annotations into a stage grid and normalised events.

    Returns:
        (stages, offset, events, warnings): stage labels that do not decode
        leave their epochs unscored and are named in ``warnings``.
    """
    channels = channels if channels is not None else [None] * len(labels)
    stage_items, events = [], []
    for onset, duration, label, channel in zip(onsets, durations, labels, channels):
        if is_stage_label(label):
            stage_items.append((float(onset), float(duration), label))
        else:
            events.append(Event(float(onset), float(duration), normalize_event(label), channel))
    codes, warnings = decode_stages([label for _, _, label in stage_items], source)
    stages, offset = stage_grid([(on, dur, c) for (on, dur, _), c in zip(stage_items, codes)], source)
    return stages, offset, sorted(events, key=lambda e: e.onset), warnings
