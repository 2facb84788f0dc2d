"""Which events an answer rests on: the night's scoring, or the machine's for the micro-events
a clinical scoring does not mark."""

from __future__ import annotations

from app.night import LoadedNight
from sleeplm_core.io.recording import Event

MICRO_EVENTS = frozenset({"spindle", "k_complex", "slow_wave", "rapid_eye_movement"})
"""Event types a clinical scoring rarely marks (AASM scores stages and arousals, not these)."""


def events_for(night: LoadedNight, types: tuple[str, ...]) -> tuple[list[Event], str]:
    """The events a question about ``types`` rests on, with their source.

    The night's scoring (:meth:`LoadedNight.scored_events`), except that a human scoring
    without a single micro-event of ``types`` is silent on them rather than a finding of
    none: the machine scoring's are used then, under its own label."""
    events, source = night.scored_events()
    if (source == "scored" and set(types) <= MICRO_EVENTS and night.machine is not None
            and not any(e.type in types for e in events)
            and any(e.type in types for e in night.machine.events)):
        return list(night.machine.events), night.machine.events_label()
    return events, source
