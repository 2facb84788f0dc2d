"""Execute step for "is that long?" or "how does it compare with the others?" with one event in
focus: that event's length against the night's other events of its kind, counted as the list
that showed it counts them."""

from __future__ import annotations

import numpy as np

from app.chat.events import events_for
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import EventRank, Message
from app.chat.sleep_breathing import spo2_channel
from app.night import LoadedNight
from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.desaturation import desaturation_depth


def event_rank(plan: Plan, night: LoadedNight) -> EventRank | Message:
    """The event the scope's span marks, its length ranked among the night's events of the
    asked phenomenon (1 = the longest), and their spread."""
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_target")
    events, source = events_for(night, phen.event_types)
    events = [e for e in events if e.type in phen.event_types]
    lo, hi = plan.where.span
    overlap = [min(e.onset + e.duration, hi) - max(e.onset, lo) for e in events]
    if not events or max(overlap) <= 0:
        return Message("no_target")
    event = events[int(np.argmax(overlap))]
    lengths = np.array([e.duration for e in events])
    q1, median, q3 = np.percentile(lengths, [25, 50, 75])
    return EventRank(phen.title.lower(), event.type.replace("_", " "), event.onset, event.duration,
                     len(events), int(np.sum(lengths > event.duration)) + 1,
                     int(np.sum(lengths < event.duration)), float(median), (float(q1), float(q3)),
                     (float(lengths.min()), float(lengths.max())), source,
                     _depth_rank(night, events, event) if phen.key == "desaturation" else None)


def _depth_rank(night: LoadedNight, events: list[Event], event: Event) -> tuple[float, int, float] | None:
    """A desaturation's fall below its baseline (% points), how many of the night's fall
    deeper, and their median fall; None without a readable SpO2 channel."""
    signal, _, why = spo2_channel(night)
    if signal is None or why:
        return None
    depths = np.array([desaturation_depth(signal.data, signal.sfreq, e.onset, e.duration) for e in events])
    own = depths[events.index(event)]
    if not np.isfinite(own):
        return None
    return float(own), int(np.sum(depths > own)), float(np.nanmedian(depths))
