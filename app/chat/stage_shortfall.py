"""Execute step for "why was there so little deep sleep?", "why was there no REM in the third
cycle?": how much of the stage the stretch held, and what the night shows about why.

Three things set how much N3 or REM a stretch of sleep holds, and a recording shows each:
*when* in the night it lies (N3 is front-loaded, discharged with the sleep pressure the
first cycles carry; REM periods lengthen toward morning with the circadian rhythm), *how
broken* its sleep was (wake, arousals and breathing events cut stages short), and, for N3,
*how close* its slow waves came to the rule (20 % of an epoch; slow-wave amplitude falls
with age). What a recording cannot show (sleep debt, alcohol, REM-suppressing drugs, a first
night in the lab) the answer names without weighing. The same reading answers why a stage ran
high ("why so much N2?") and why the first REM came late (the stretch from sleep onset to it).
"""

from __future__ import annotations

import numpy as np

from app.chat.events import events_for, unscored_reason
from app.chat.evidence import night_events
from app.chat.periods import awakening_runs
from app.chat.plan import Plan, resolve_scope, span_phrase
from app.chat.query import Scope
from app.chat.timespan import TimeSpan
from app.chat.results import Message, StageShortfall, StretchRate
from app.night import LoadedNight
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

SHORTFALLS = ("shortfall", "absence", "latency", "excess")
"""``Query.measure`` of a stage's shortfall: "why so little N3?", "why no N3?", "why is the REM
latency so long?" (REM's shortfall from sleep onset to the first REM epoch), and of its excess:
"why so much N2?"."""
NEAR_MISS_PCT = 15.0
"""Slow-wave coverage (% of an epoch) from which an N1 or N2 epoch counts as close to the N3 rule
(:data:`app.chat.evidence.SLOW_WAVE_SHARE`)."""
_SLEEP = [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]
_NREM_LIGHT = [STAGES.index(s) for s in ("N1", "N2")]


def stage_shortfall(plan: Plan, night: LoadedNight) -> StageShortfall | Message:
    """The stage's minutes in the plan's stretch (the night without one), its minutes cycle by
    cycle, the stretch's wake, arousal and breathing-event rates against the rest of the night,
    and for N3 the slow-wave coverage its lighter NREM epochs reached."""
    stage = plan.query.scope.stages[0]
    stages, source = night.stages()
    # the stretch is the question's time alone: its stage names what is missing, not where to look
    span = resolve_scope(Scope((), plan.query.scope.time), night, plan.current)
    stretch = span.mask & (stages >= 0)
    whole = plan.query.scope.time is None
    code = STAGES.index(stage)
    asleep = np.isin(stages, _SLEEP)
    if not (stretch & asleep).any():
        return Message("no_sleep_span")
    asked = plan.query.measure
    if asked == "latency" and not (stages == code).any():
        asked, whole = "absence", True   # no REM, no latency: the night's lack of REM instead
    minutes = _minutes(stages, stretch, [code])
    rest = ~stretch & (stages >= 0)
    return StageShortfall(
        stage=stage, where="" if whole else _where(plan.query.scope.time, span.text), span=span.span, source=source,
        minutes=minutes, sleep_minutes=_minutes(stages, stretch, _SLEEP),
        stage_minutes={s: _minutes(stages, stretch, [i]) for i, s in enumerate(STAGES)},
        rest_share=None if whole else _share(stages, rest, code),
        by_cycle=_by_cycle(stages, stage, stretch) if stage in ("N3", "REM") else (),
        rates=_rates(night, stages, stretch, rest, whole),
        closest=_closest_slow_waves(night, stages, stretch) if stage in ("N2", "N3") else None,
        sure=_machine_sure(night, source, stretch & (stages == code), code),
        ends_recording=bool(stretch[-1]) and not whole,
        asked=asked)


def _where(time: TimeSpan, text: str) -> str:
    """The stretch as a phrase after a noun ("in the second cycle", "in epochs 100-400")."""
    if time.kind == "epoch" and time.end is not None:
        return f"in epochs {time.start:.0f}-{time.end:.0f}"   # its text lost the "between"
    return span_phrase(text)


def _machine_sure(night: LoadedNight, source: str, epochs: np.ndarray, code: int) -> float | None:
    """The machine staging's mean probability of stage ``code`` over ``epochs`` when the answers'
    stages are the machine's, else None."""
    if source == "scored" or not epochs.any() or (odds := night.machine_proba(epochs)) is None:
        return None
    proba = odds[:, code]
    return float(np.nanmean(proba)) if np.isfinite(proba).any() else None


def _minutes(stages: np.ndarray, mask: np.ndarray, codes: list[int]) -> float:
    return float(np.sum(mask & np.isin(stages, codes))) * EPOCH_SEC / 60


def _share(stages: np.ndarray, mask: np.ndarray, code: int) -> float | None:
    """% of the sleep in ``mask`` scored ``code``, None without sleep there."""
    sleep = _minutes(stages, mask, _SLEEP)
    return 100 * _minutes(stages, mask, [code]) / sleep if sleep else None


def _by_cycle(stages: np.ndarray, stage: str, stretch: np.ndarray) -> tuple[tuple[int, float, bool], ...]:
    """(cycle number, the stage's minutes in it, whether it overlaps the stretch) per cycle."""
    return tuple((n, c.stage_min[stage], bool(stretch[c.start:c.end].any()))
                 for n, c in enumerate(sleep_cycles(stages).cycles, 1))


def _rates(night: LoadedNight, stages: np.ndarray, stretch: np.ndarray, rest: np.ndarray,
           whole: bool) -> tuple[StretchRate, ...]:
    """Awakenings, arousals and apneas with hypopneas per hour of sleep, in the stretch and in the
    rest of the night (None for the rest when the stretch is the night); events the night could
    not score are left out."""
    asleep = np.isin(stages, _SLEEP)
    hours_in = float(np.sum(stretch & asleep)) * EPOCH_SEC / 3600
    hours_rest = float(np.sum(rest & asleep)) * EPOCH_SEC / 3600
    # an awakening counts in the sleep it broke: the epoch before its wake run
    woke = [a - 1 for a, _ in awakening_runs(stages, np.ones(len(stages), dtype=bool))]
    rates = [StretchRate("awakenings", *_per_hour(woke, stretch, rest, hours_in, hours_rest, whole))]
    for name, types in (("arousals", ("arousal",)), ("apneas and hypopneas", APNEA_TYPES)):
        if unscored_reason(night, types):
            continue
        events, _ = events_for(night, types)
        starts = [night.epoch_at(e.onset) for e in events if e.type in types]
        starts = [i for i in starts if asleep[i]]
        rates.append(StretchRate(name, *_per_hour(starts, stretch, rest, hours_in, hours_rest, whole)))
    return tuple(rates)


def _per_hour(starts: list[int], stretch: np.ndarray, rest: np.ndarray, hours_in: float, hours_rest: float,
              whole: bool) -> tuple[float | None, float | None]:
    inside = sum(bool(stretch[i]) for i in starts)
    outside = sum(bool(rest[i]) for i in starts)
    return (inside / hours_in if hours_in else None,
            None if whole or not hours_rest else outside / hours_rest)


def _closest_slow_waves(night: LoadedNight, stages: np.ndarray, stretch: np.ndarray) -> tuple[float, int] | None:
    """(highest slow-wave coverage %, epochs at :data:`NEAR_MISS_PCT` or more) over the stretch's
    N1 and N2 epochs, None when slow waves were not detected on this night."""
    waves = [e for e in night_events(night) if e.type == "slow_wave"]
    light = np.flatnonzero(stretch & np.isin(stages, _NREM_LIGHT))
    if not waves or not len(light):
        return None
    starts = night.epochs.starts
    cover = np.zeros(len(stages))
    for e in waves:
        first, last = night.epoch_at(e.onset), night.epoch_at(max(e.offset - 1e-6, e.onset))
        for i in range(first, last + 1):
            lo, hi = float(starts[i]), float(starts[i]) + EPOCH_SEC
            cover[i] += max(0.0, min(e.offset, hi) - max(e.onset, lo))
    pct = 100 * cover[light] / EPOCH_SEC
    return float(pct.max()), int(np.sum(pct >= NEAR_MISS_PCT))

