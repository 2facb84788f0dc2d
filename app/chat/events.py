"""Which events an answer rests on: the night's scoring, or the machine's for the micro-events
a clinical scoring does not mark."""

from __future__ import annotations

from collections import Counter

from app.night import LoadedNight
from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.association import CAUSES

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


_PART_OF_TYPE: dict[str, str] = {
    "obstructive_apnea": "respiratory", "central_apnea": "respiratory",
    "mixed_apnea": "respiratory", "hypopnea": "respiratory", "desaturation": "desaturations",
    "arousal": "arousals", "spindle": "spindles", "slow_wave": "slow waves", "k_complex": "slow waves",
    "rapid_eye_movement": "REMs", "limb_movement": "limb movements", "bradycardia": "heart",
    "tachycardia": "heart", "rera": "respiratory",
}
NOT_MACHINE_SCORED: dict[str, str] = {
    "rera": "RERAs: no machine detector is used (they need a nasal-pressure signal read by hand)",
}
"""Event types the machine scoring never detects, with the line an answer gives."""


NO_CAUSE = "no scored cause"
"""What an arousal or awakening without a tie is called when a cause could not be looked for."""


def counted_causes(night: LoadedNight, causes: list[str]) -> tuple[dict[str, int], str]:
    """Causes (of :data:`CAUSES`) counted in that order, and why a cause could not be looked
    for ("" when breathing events and leg movements were both scored): without that, no tie
    is no proof of a spontaneous one, so those count as :data:`NO_CAUSE`."""
    gaps = "; ".join(r for r in (unscored_reason(night, ("hypopnea",)),
                                 unscored_reason(night, ("limb_movement",))) if r)
    tied = Counter(NO_CAUSE if gaps and c == "spontaneous" else c for c in causes)
    return {c: tied[c] for c in (*CAUSES, NO_CAUSE) if tied[c]}, gaps


def cannot_show(night: LoadedNight, types: tuple[str, ...]) -> str:
    """Why the night's channels cannot show any of ``types`` ("" when they can show one): the
    model's reading of them there would be noise, and a scoring file's are unchecked."""
    blind = night.blind_types()
    if not types or not all(t in blind for t in types):
        return ""
    return "; ".join(dict.fromkeys(blind[t] for t in types))


def unscored_reason(night: LoadedNight, types: tuple[str, ...]) -> str:
    """Why events of ``types`` cannot have been scored on this night ("" when they could):
    the machine-scoring's skipped line of every part that scores them. A human scoring
    is taken as complete: an event type it lacks is a finding, not a gap."""
    if not types or night.recording.events or night.machine is None:
        return ""
    never = [NOT_MACHINE_SCORED[t] for t in types if t in NOT_MACHINE_SCORED]
    if never and len(never) == len(types):
        return "; ".join(never)
    parts = {_PART_OF_TYPE.get(t, t) for t in types}
    lines = [line for line in night.machine.skipped if line.split(":", 1)[0] in parts]
    return "; ".join(lines) if len(lines) == len(parts) else ""
