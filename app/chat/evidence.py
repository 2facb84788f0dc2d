"""Execute step for "why is this epoch N3?": what in the epoch's signals backs its stage.

The evidence is what the AASM rules read: the EEG's band shares, slow-wave coverage,
spindles and K-complexes, eye movements and chin tone, measured on the epoch, next to
the stage each scorer gave it (the scoring, the machine's probabilities, the model's).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd

from app.chat.events import MICRO_EVENTS, events_for
from app.chat.periods import stage_name
from app.chat.plan import Plan, span_stage
from app.chat.results import Message, StageEvidence
from app.chat.timespan import TimeSpan
from app.night import LoadedNight
from sleeplm_core.features.brain import EEG_BAND_NAMES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def _mean_columns(frame: pd.DataFrame, i: int, prefix: str, suffix: str) -> float | None:
    cols = [c for c in frame.columns if c.startswith(prefix) and c.endswith(suffix)]
    if not cols:
        return None
    values = pd.to_numeric(frame.iloc[i][cols], errors="coerce").to_numpy(dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else None


def _chin_tone(night: LoadedNight, i: int) -> float | None:
    tones = night.chin_tones()
    return None if tones is None else float(tones[i])


def night_events(night: LoadedNight) -> list:
    """The events the evidence reads: the scoring's, with the micro-events a human scoring
    lacks from the machine's (:func:`events_for`)."""
    events, source = night.scored_events()
    for micro in sorted(MICRO_EVENTS):
        extra, extra_source = events_for(night, (micro,))
        if extra_source != source:
            events = events + [e for e in extra if e.type == micro]
    return events


def _events_in(events: list, lo: float, hi: float) -> tuple[dict[str, int], float]:
    """Events starting in [lo, hi) by type, and the % of the span covered by slow waves."""
    inside = [e for e in events if lo <= e.onset < hi]
    covered = sum(min(e.offset, hi) - e.onset for e in inside if e.type == "slow_wave")
    return dict(Counter(e.type.replace("_", " ") for e in inside)), 100 * covered / (hi - lo)


_HALLMARKS = {"REM": ("rapid eye movement", "rapid eye movements"), "N2": ("spindle", "k complex"),
              "N3": ("slow waves",)}
"""What a teaching example of a stage should show, as the event types :func:`_events_in` counts,
and the words that say so."""
SLOW_WAVE_SHARE = 20.0
"""% of an epoch slow waves must cover for N3 (the AASM rule)."""


_DISTURBANCES = ("apnea", "hypopnea", "arousal", "desaturation", "limb movement")


def _disturbed(events: list, start: float) -> bool:
    """Whether a breathing event, desaturation, arousal or leg movement starts in the epoch."""
    counts, _ = _events_in(events, start, start + EPOCH_SEC)
    return any(kind.endswith(_DISTURBANCES) for kind in counts)


def _shows_hallmark(events: list, stage: str, start: float) -> bool:
    """Whether the epoch from ``start`` shows what ``stage`` is scored on: rapid eye movements
    for REM, a spindle or K-complex for N2, slow waves over :data:`SLOW_WAVE_SHARE` for N3."""
    counts, coverage = _events_in(events, start, start + EPOCH_SEC)
    if stage == "N3":
        return coverage >= SLOW_WAVE_SHARE
    return any(counts.get(kind) for kind in _HALLMARKS[stage] if kind in counts)


def clearest_epoch(night: LoadedNight, stage: str) -> tuple[int, str] | None:
    """The epoch of ``stage`` its stagers are surest of, and why it was chosen; None when the
    night has no epoch of that stage. The machine staging's probability ranks first (the
    field's validated stager), then the model's."""
    stages, _ = night.stages()
    idx = np.flatnonzero(stages == STAGES.index(stage))
    if not len(idx):
        return None
    shown = ""
    if stage in _HALLMARKS:
        # a teaching example shows what the stage is scored on, where any epoch does
        events = night_events(night)
        marked = idx[[_shows_hallmark(events, stage, float(night.epochs.starts[i])) for i in idx]]
        # ... and, where one can, nothing else: no apnea, arousal or leg movement beside it
        quiet = marked[[not _disturbed(events, float(night.epochs.starts[i])) for i in marked]]
        marked = quiet if len(quiet) else marked
        if stage == "REM" and (tones := night.chin_tones()) is not None:
            # ... with the low chin tone REM is scored on: no more than the night's typical epoch
            slack = marked[np.asarray(tones)[marked] <= 1.0]
            marked = slack if len(slack) else marked
        if len(marked):
            idx, shown = marked, f" with {_HALLMARKS[stage][-1]}" if stage != "N2" else " with a spindle or K-complex"
    code = STAGES.index(stage)
    proba = night.machine_proba(idx)
    if proba is not None and np.isfinite(proba[:, code]).any():
        best = int(np.nanargmax(proba[:, code]))
        return int(idx[best]), f"the machine staging's surest {stage}{shown} ({proba[best, code]:.0%})"
    if night.proba is not None:
        best = int(np.argmax(night.proba[idx, code]))
        return int(idx[best]), f"the model's surest {stage}{shown} ({night.proba[idx[best], code]:.0%})"
    return int(idx[len(idx) // 2]), f"the middle {stage} epoch{shown}"


def stage_example(plan: Plan, night: LoadedNight) -> StageEvidence | Message:
    """The clearest epoch of the stage asked for, with its evidence."""
    stage = plan.query.scope.stages[0]
    if night.stages()[1] == "predicted":
        return Message("no_example", stage)   # the model's guess shows no stage to a class
    found = clearest_epoch(night, stage)
    if found is None:
        return Message("empty_scope", f"scored {stage} in this night")
    return replace(stage_evidence(plan, night, epoch=found[0]), chosen=found[1], asked=None)


def stage_evidence(plan: Plan, night: LoadedNight, epoch: int | None = None) -> StageEvidence:
    """The stage of the epoch asked about (a time, an epoch, or the one on screen), and the
    measurements the stage rules read in it."""
    q = plan.query
    i = epoch if epoch is not None else (
        night.epoch_at(plan.where.span[0]) if q.scope.time is not None else plan.current)
    stages, source = night.stages()
    start = float(night.epochs.starts[i])
    frame = night.feature_frame()
    bands = {b: v for b in EEG_BAND_NAMES if (v := _mean_columns(frame, i, "brain.eeg.", f".{b} [%]"))
             is not None}
    slow = _mean_columns(frame, i, "brain.eog.", ".slow [%]")
    rems = _mean_columns(frame, i, "brain.rems.", "count [count]")
    events, coverage = _events_in(night_events(night), start, start + EPOCH_SEC)
    machine = night.machine.proba_at(np.array([start]))[0] if night.machine is not None and \
        night.machine.has_stages else None
    return StageEvidence(
        chosen=_chosen(q.scope.time, machine),
        epoch=i, start=start, stage=stage_name(int(stages[i])),
        source=source, asked=q.scope.stages[0] if len(q.scope.stages) == 1 else None,
        machine=None if machine is None or not np.isfinite(machine).all() else machine,
        machine_source=night.machine.label() if night.machine is not None else "",
        model=night.proba[i] if night.proba is not None else None, bands=bands,
        slow_eye=slow, rems=None if rems is None else int(rems),
        chin=_chin_tone(night, i), events=events, slow_wave_pct=coverage, human=q.note == "human_would")


def _chosen(time: TimeSpan | None, machine: np.ndarray | None) -> str:
    """How the epoch was picked, when it was by the machine staging's confidence ("the N1
    epoch the machine staging is least sure of (...)"); "" otherwise."""
    if time is None or time.kind != "least_sure" or machine is None:
        return ""
    stage = f"{named} " if (named := span_stage(time)) else ""
    return (f"the {stage}epoch the machine staging is {'most' if time.start == 1 else 'least'} sure of "
            f"(its likeliest stage at {np.nanmax(machine):.0%})")
