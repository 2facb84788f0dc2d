"""Regions read from the event times inside generated stage_event captions.

A stage_event caption names each event with its start and end in seconds from
the epoch start ("Scored event: hypopnea from 4.5 to 22.0 s."). Parsing the
captions of consecutive epochs and joining spans that touch across an epoch
boundary gives event regions in recording time, an alternative to similarity
thresholds that uses the caption decoder instead of the embedding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from sleeplm_core.captions.caption import CaptionError, parse_caption
from sleeplm_core.heads.localize import Region
from sleeplm_core.io.recording import EPOCH_SEC

log = logging.getLogger(__name__)

EVENT_FAMILIES: dict[str, tuple[str, ...]] = {
    "apnea": ("obstructive_apnea", "central_apnea", "mixed_apnea"),
}
"""Query types that stand for several event types."""

JOIN_GAP_SEC = 1.0
"""Spans this close are one event: captions clip events at epoch edges and round times."""


def event_types(kind: str) -> tuple[str, ...]:
    """The event types a query type covers (``"apnea"`` -> the three apnea kinds)."""
    return EVENT_FAMILIES.get(kind, (kind,))


def caption_regions(captions: Sequence[str], starts: np.ndarray, kind: str,
                    scores: Sequence[float] | None = None) -> list[Region]:
    """Regions of events of ``kind`` stated by per-epoch stage_event captions.

    Args:
        captions: one generated stage_event caption per epoch.
        starts: epoch start times in seconds.
        kind: an event type or a family in :data:`EVENT_FAMILIES`.
        scores: per-caption confidence (e.g. mean token log-probability); a region
            scores the best caption it came from (0 when not given).
    """
    wanted = event_types(kind)
    spans: list[tuple[float, float, float, int]] = []
    for i, text in enumerate(captions):
        try:
            facts = parse_caption(text, "stage_event")
        except CaptionError:
            log.debug("epoch %d: caption not understood: %r", i, text[:60])
            continue
        for ev in facts.events:
            if ev.type in wanted and ev.end > ev.start:
                score = float(scores[i]) if scores is not None else 0.0
                spans.append((float(starts[i] + ev.start), float(starts[i] + min(ev.end, EPOCH_SEC)),
                              score, i))
    return _join(sorted(spans))


def _join(spans: list[tuple[float, float, float, int]]) -> list[Region]:
    regions: list[Region] = []
    for start, end, score, epoch in spans:
        if regions and start - regions[-1].end <= JOIN_GAP_SEC:
            last = regions[-1]
            epochs = last.epochs if epoch in last.epochs else (*last.epochs, epoch)
            regions[-1] = Region(last.start, max(end, last.end), max(score, last.score),
                                 float("nan"), epochs, "caption")
        else:
            regions.append(Region(start, end, score, float("nan"), (epoch,), "caption"))
    return regions
