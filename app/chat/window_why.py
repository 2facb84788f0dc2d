"""Execute step for "why?" after the worst hour or the busiest stretch: how far the stretch's
stages and body positions explain its event rate.

Obstructive events are more frequent in REM and on the back, and spindles in N2; a stretch
that holds more of such sleep than the rest of the night is expected to hold more events. The
rest of the night's own rate in each stage and position, weighted by the stretch's minutes in
each, gives the rate the stretch's mix alone predicts; what it had beyond that is not explained
by the mix. Events count where they start, in sleep, as the AHI counts them; on a home test
without EEG, wherever they start, per hour recorded (its REI), and only the position is weighed.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.chat.breakdown import counted_index, positions
from app.chat.events import events_for, unscored_reason
from app.chat.inventory import type_title
from app.chat.plan import Plan, clock, stages_guessed
from app.chat.results import Message, WhyFactor, WindowWhy
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

SLEEP_STAGES = ("N1", "N2", "N3", "REM")
MIN_CELL_MIN = 5.0
"""Minutes of the rest of the night a stage-and-position cell needs for its own rate; a
thinner cell takes its stage's rate."""


def window_why(plan: Plan, night: LoadedNight) -> WindowWhy | Message:
    """The stretch in scope against the rest of the night: its event rate, the rate its stage
    and position mix predicts, the factors behind the difference and its event types."""
    index = counted_index(plan)
    if index is None:
        return Message("no_reference", "no_why")
    name, types = index
    if why := unscored_reason(night, types):
        return Message("not_scored", name, {"why": why})
    stages, stage_source = night.stages()
    # without EEG the stages are a guess: every epoch counts, rates are per hour recorded, and
    # only the body position can set the stretch apart
    recorded = stages_guessed(night, stage_source)
    events, events_source = events_for(night, types)
    asleep = np.ones(len(stages), dtype=bool) if recorded else np.isin(stages, [STAGES.index(s) for s in SLEEP_STAGES])
    window = plan.where.mask & asleep
    rest = ~plan.where.mask & asleep
    if not window.any() or not rest.any():
        return Message("no_reference", "no_why")
    kept, epoch_of, counts = _counted(night, events, types)
    classes = positions(night)
    if recorded and classes is None:
        return Message("window_why_unstaged")
    stage_masks = ({"recorded": asleep} if recorded else {s: stages == STAGES.index(s) for s in SLEEP_STAGES})
    groups = ({} if recorded else {s: stage_masks[s] for s in SLEEP_STAGES}) | (
        {p: classes == p for p in np.unique(classes) if p != "unknown"} if classes is not None else {})
    factors = [_factor(group, inside, window, rest, counts, asleep) for group, inside in groups.items()]
    return WindowWhy(
        name, _where(plan, night), _rate(counts, window), _rate(counts, rest),
        _expected(window, rest, counts, stage_masks, classes), window_min=_minutes(window),
        events=int(counts[window].sum()), factors=factors,
        types=_type_mix(kept, epoch_of, window, rest), stage_source=stage_source,
        events_source=events_source, recorded=recorded)


def _where(plan: Plan, night: LoadedNight) -> str:
    """The stretch in words: what it was called ("the worst hour") and its clock times."""
    span = plan.query.scope.time
    if span is None or span.end is None:
        return plan.where.text
    times = f"{clock(night, span.start)[:5]}–{clock(night, span.end)[:5]}"
    return f"{plan.query.note}, {times}" if plan.query.note else times


def _counted(night: LoadedNight, events: list, types: tuple[str, ...]) -> tuple[list, np.ndarray, np.ndarray]:
    """The events of ``types`` inside the recording, the epoch each starts in, and the count of
    them starting in each epoch."""
    kept = [e for e in events if e.type in types and e.onset < night.recording.duration]
    epoch_of = np.array([night.epoch_at(e.onset) for e in kept], dtype=int)
    counts = np.bincount(epoch_of, minlength=night.n_epochs) if len(kept) else np.zeros(night.n_epochs, int)
    return kept, epoch_of, counts


def _minutes(mask: np.ndarray) -> float:
    return float(mask.sum()) * EPOCH_SEC / 60


def _rate(counts: np.ndarray, mask: np.ndarray) -> float | None:
    """Events starting in ``mask`` per hour of it; None for under a minute."""
    minutes = _minutes(mask)
    return float(counts[mask].sum()) * 60 / minutes if minutes >= 1 else None


def _factor(name: str, inside: np.ndarray, window: np.ndarray, rest: np.ndarray,
            counts: np.ndarray, asleep: np.ndarray) -> WhyFactor:
    """A stage or position's share of the stretch's sleep and of the rest's, and the rest's
    rate in it and outside it."""
    return WhyFactor(name, _minutes(window & inside) / _minutes(window), _minutes(rest & inside) / _minutes(rest),
                     _rate(counts, rest & inside), _rate(counts, rest & ~inside & asleep))


def _expected(window: np.ndarray, rest: np.ndarray, counts: np.ndarray,
              stage_masks: dict[str, np.ndarray], classes: np.ndarray | None) -> float | None:
    """The stretch's rate (per hour) were each of its stage-and-position cells at the rest of
    the night's rate for that cell; None where a stage of the stretch has no rest to read."""
    cells = [(s, mask, None) for s, mask in stage_masks.items()] if classes is None else [
        (s, mask & (classes == c), mask) for s, mask in stage_masks.items() for c in np.unique(classes)]
    total = 0.0
    for _, cell, stage_mask in cells:
        here = _minutes(window & cell)
        if here == 0:
            continue
        rate = _rate(counts, rest & cell) if _minutes(rest & cell) >= MIN_CELL_MIN else None
        if rate is None and stage_mask is not None and _minutes(rest & stage_mask) >= MIN_CELL_MIN:
            rate = _rate(counts, rest & stage_mask)
        if rate is None:
            return None
        total += rate * here
    return total / _minutes(window)


def _type_mix(kept: list, epoch_of: np.ndarray, window: np.ndarray,
              rest: np.ndarray) -> list[tuple[str, int, float, float]]:
    """(type in words, count in the stretch, its share there, its share in the rest), the
    stretch's commonest first; events start in sleep."""
    here = Counter(e.type for e, ep in zip(kept, epoch_of) if window[ep])
    there = Counter(e.type for e, ep in zip(kept, epoch_of) if rest[ep])
    n_here, n_there = sum(here.values()), sum(there.values())
    return [(type_title(kind), n, n / n_here, there[kind] / n_there if n_there else 0.0)
            for kind, n in here.most_common()]
