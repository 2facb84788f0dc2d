"""Execute step for an index, a stage's time or a measure split by body position, stage,
both at once or clock hour: "is the apnea worse when supine?", "AHI in REM vs NREM", "which hour had the
most apneas?", "how long was the patient supine?", "which hour had the most N3?",
"which stage has the highest heart rate?".

Events count where they start, and only in sleep epochs, as the summary's AHI and ODI
count them (:mod:`sleeplm_core.heads.summary`); each group's rate is per hour of its
own sleep. Measures are the per-epoch features averaged over each group's epochs.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from app.chat.aspects import Aspect
from app.chat.events import events_for, unscored_reason
from app.chat.measures import measure_columns, missing_measure
from app.chat.periods import stage_periods
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan, reading_span, stages_guessed
from app.chat.results import Breakdown, BreakdownRow, Message, PairTest, Trend
from app.chat.significance import pair_test, period_test
from app.night import LoadedNight
from app.timeexpr import format_clock
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.position import POSITION_NAMES, unread_position
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

POSITION_COLUMN = "position_muscle.position.position"
"""Feature column holding each epoch's body position (``sleeplm_core.io.position`` names)."""
_INDEX_TYPES = {"ahi": ("AHI", APNEA_TYPES), "rdi": ("RDI", (*APNEA_TYPES, "rera")),
                "odi": ("ODI", ("desaturation",))}
_NREM = ("N1", "N2", "N3")


def positions(night: LoadedNight) -> np.ndarray | None:
    """Each epoch's body position name ("unknown" where unread); None without a position channel."""
    frame = night.feature_frame()
    if POSITION_COLUMN not in frame.columns:
        return None
    labels = frame[POSITION_COLUMN].astype("string").fillna("unknown").to_numpy(dtype=object)
    return None if np.all(labels == "unknown") else labels


def no_positions(night: LoadedNight) -> Message:
    """Why the night has no body position to read: no channel, or one whose values are in no
    encoding the loader recognises (the loader's warning says which values)."""
    unread = unread_position(night.montage.warnings)
    return Message("unread_position", unread) if unread else Message("no_signal", "body position")


def sums_others(group: str) -> bool:
    """A row that adds up others ("NREM", "non-supine", "non-supine REM"): left out of totals
    and of the highest and lowest."""
    return group == "NREM" or group.split(" ")[0] == "non-supine"


def _groups(night: LoadedNight, by: str) -> dict[str, np.ndarray] | Message:
    """Group name -> bool mask over epochs, in reading order."""
    stages, _ = night.stages()
    if by == "position":
        labels = positions(night)
        if labels is None:
            return no_positions(night)
        names = [p for p in POSITION_NAMES if np.any(labels == p)]
        names += ["unknown"] if np.any(labels == "unknown") else []
        groups = {p: labels == p for p in names}
        if "supine" in groups and len(names) > 1:
            groups["non-supine"] = ~groups["supine"] & (labels != "unknown")
        return groups
    if by == "stage":
        codes = {s: stages == STAGES.index(s) for s in STAGES}
        return {"REM": codes["REM"], "NREM": np.any([codes[s] for s in _NREM], axis=0),
                **{s: codes[s] for s in _NREM}}
    if by == "cycle":
        # "how did slow-wave activity change across the cycles?": each NREM-REM cycle's epochs
        cycles = sleep_cycles(stages).cycles
        index = np.arange(night.n_epochs)
        return {f"cycle {k + 1}": (index >= c.start) & (index < c.end) for k, c in enumerate(cycles)}
    if by == "third":
        # "spindle density by third of the night": thirds of the sleep period (sleep onset to the
        # final awakening), as the night's stage patterns are read
        sleep = np.flatnonzero(stages >= STAGES.index("N1"))
        if not len(sleep):
            return Message("empty_scope", "asleep")
        edges = np.linspace(sleep[0], sleep[-1] + 1, 4).round().astype(int)
        index, t0, starts = np.arange(night.n_epochs), night.recording.start_time, night.epochs.starts
        return {f"{name} third ({format_clock(float(starts[a]), t0)[:5]}–{format_clock(float(starts[b - 1]) + EPOCH_SEC, t0)[:5]})":
                (index >= a) & (index < b) for name, a, b in zip(("first", "middle", "last"), edges[:-1], edges[1:])}
    if by.startswith("period:"):
        # "which REM period had the most eye movements?": each period of that stage, its own
        # epochs of the stage only (the wake inside a REM period is not REM time)
        code = STAGES.index(by.split(":", 1)[1])
        index = np.arange(night.n_epochs)
        t0, starts = night.recording.start_time, night.epochs.starts
        return {f"{STAGES[code]} period {k + 1} ({format_clock(float(starts[a]), t0)[:5]}–"
                f"{format_clock(float(starts[b]) + EPOCH_SEC, t0)[:5]})": (index >= a) & (index <= b) & (stages == code)
                for k, (a, b) in enumerate(stage_periods(stages, [code], np.ones(night.n_epochs, dtype=bool)))}
    if by == "position_stage":
        # each position (and non-supine) within REM and within NREM
        places, sleep = _groups(night, "position"), _groups(night, "stage")
        if isinstance(places, Message):
            return places
        return {f"{p} {s}": places[p] & sleep[s] for p in places for s in ("NREM", "REM")}
    starts = night.epochs.starts
    t0 = night.recording.start_time
    offset = t0.minute * 60 + t0.second if t0 is not None else 0.0
    hour = np.floor((starts + offset) / 3600).astype(int)
    return {_hour_name(night, h * 3600.0 - offset): hour == h for h in np.unique(hour)}


def night_groups(night: LoadedNight, by: str) -> dict[str, np.ndarray] | Message:
    """Group name -> bool mask over epochs for a grouping ("position", "stage", "cycle", "third",
    "position_stage" or "hour"), in reading order; a Message where the night cannot be
    grouped so (no body position)."""
    return _groups(night, by)


def stage_groups(night: LoadedNight) -> dict[str, np.ndarray]:
    """REM, NREM and each NREM stage -> bool mask over epochs."""
    return _groups(night, "stage")


def _hour_name(night: LoadedNight, start: float) -> str:
    t0 = night.recording.start_time
    lo = format_clock(max(start, 0.0), t0)[:5]
    hi = format_clock(start + 3600.0, t0)[:5]
    return f"{lo}–{hi}"


def counted_index(plan: Plan) -> tuple[str, tuple[str, ...]] | None:
    """(name, event types) of the index a question counts ("AHI", or a phenomenon's events),
    None for time alone."""
    q = plan.query
    if q.stat in _INDEX_TYPES:
        return _INDEX_TYPES[q.stat]
    phen = phenomenon(q.phenomenon)
    if phen is not None and phen.event_types:
        return phen.title.lower(), phen.event_types
    return None


def breakdown(plan: Plan, night: LoadedNight) -> Breakdown | Message:
    """Minutes in bed and asleep per group, with the index's events and rate when one is named."""
    by = plan.query.by or "position"
    if by == "scope":   # "what was the HRV in REM?": the scope against the whole night
        return _measured(plan, night, {plan.where.text: plan.where.mask,
                                       "the whole night": np.ones(night.n_epochs, dtype=bool)},
                         night.stages()[1])
    groups = _groups(night, by)
    if isinstance(groups, Message):
        return groups
    where, inside = plan.where.text, plan.where.mask
    if by == "hour" and plan.query.scope.time is None:
        # A 22-h recording hour by hour is read over its main sleep period, as its findings are
        lo, hi, span = reading_span(night)
        if span:
            inside = inside & (np.arange(night.n_epochs) >= lo) & (np.arange(night.n_epochs) < hi)
            where = " ".join(w for w in (where, f"over {span}") if w)
    groups = {name: mask & inside for name, mask in groups.items() if (mask & inside).any()}
    stages, source = night.stages()
    asleep = stages >= STAGES.index("N1")
    if plan.query.stat == "stages":
        return _stage_mix(by, groups, stages, source, where, plan.query.target or "", night.epochs.starts)
    if plan.query.measure and by == "cycle":
        # Slow-wave activity is NREM's delta power (Borbely's Process S tracks it cycle by
        # cycle); any other measure per cycle is read over its sleep, not its wake
        nrem = re.search(r"\bdelta\b", plan.query.measure, re.I) is not None
        keep = np.isin(stages, [STAGES.index(s) for s in _NREM]) if nrem else asleep
        groups = {name: mask & keep for name, mask in groups.items()}
        where = " ".join(w for w in (where, "in NREM epochs" if nrem else "in sleep epochs") if w)
        return _measured(plan, night, groups, source, where)
    if plan.query.measure:
        if by == "stage" and not plan.query.scope.stages:
            # A measure by stage reads wake too ("was the heart rate lower asleep than awake?",
            # "what was the alpha power?"): wake is where alpha and heart rate differ most.
            groups["W"] = (stages == STAGES.index("W")) & inside
        return _measured(plan, night, groups, source, where)
    index = counted_index(plan)
    if index is not None and (why := unscored_reason(night, index[1])):
        return Message("not_scored", index[0], {"why": why})
    if index is not None and by != "stage" and (stages_guessed(night, source) or plan.query.note == "rei"):
        # Without EEG the rate is per hour recorded, wherever the events fall (the REI of a
        # home test): per hour of the model's guessed sleep would rest on a guess; "REI by
        # position" asks for that rate on a staged night too.
        everywhere = np.ones(night.n_epochs, dtype=bool)
        rows, events_source = group_rows(night, groups, index[1], everywhere, recorded=True)
        name = "REI" if index[0] == "AHI" else index[0]
        return Breakdown(by, name, [r for r in rows if r.minutes > 0], source, events_source,
                         where, recorded=True, rate_way=plan.query.rate_way, named=plan.query.target,
                         lowest=plan.query.rank == "lowest")
    rows, events_source = group_rows(night, groups, index[1] if index else None, asleep)
    other = _by_model_stages(night, index[1], inside) if index is not None and by == "stage" else None
    return Breakdown(by, index[0] if index else "", [r for r in rows if r.minutes > 0], source,
                     events_source, where, plan.query.scope.stages, named=plan.query.target,
                     lengths_first=index is not None and Aspect.DURATION in plan.query.aspects,
                     rate_way=plan.query.rate_way if index is not None else "",
                     lowest=plan.query.rank == "lowest",
                     test=_asked_test(rows, plan, by) if index is not None else None, other_staging=other)


def _by_model_stages(night: LoadedNight, types: tuple[str, ...], inside: np.ndarray) -> list[BreakdownRow] | None:
    """The index's REM and NREM rows under the model's stages, where the night's stages are a
    machine's nobody checked: which epochs are REM decides a REM-related verdict (YASA missed 38
    min of REM on seed 11324 and read a REM/NREM ratio of 2.8 against a true 1.7); None on a
    human-scored night or before the night is embedded."""
    model = night.model_check()
    if model is None:
        return None
    groups = {name: mask & inside for name, mask in stage_groups(model).items() if name in ("REM", "NREM")}
    asleep = model.stages()[0] >= STAGES.index("N1")
    rows, _ = group_rows(model, groups, types, asleep)
    return rows


_TESTED = {"stage": ("REM", "NREM"), "position": ("supine", "non-supine")}
"""The two rows of a split whose events "is that significant?" tests."""


def _asked_test(rows: list[BreakdownRow], plan: Plan, by: str) -> PairTest | None:
    """"is that significant?" after an index in REM and NREM, on the back and off it, or hour
    by hour (the earlier hours against the later): the test of the two sides' rates, or of
    their lengths when the question asked about lengths; None when not asked."""
    if Aspect.SIGNIFICANCE not in plan.query.aspects:
        return None
    lengths = Aspect.DURATION in plan.query.aspects
    if by == "hour":
        early, late = sleep_halves(rows)
        if not early or not late:
            return None
        return pair_test(_merged(early, "the earlier hours"), _merged(late, "the later hours"), lengths)
    pair = {row.group: row for row in rows}
    if by not in _TESTED or not set(_TESTED[by]) <= pair.keys():
        return None
    return pair_test(pair[_TESTED[by][0]], pair[_TESTED[by][1]], lengths)


def sleep_halves(rows: list[BreakdownRow]) -> tuple[list[BreakdownRow], list[BreakdownRow]]:
    """Hour rows split where half their minutes (of sleep, or recorded) are behind."""
    total = sum(row.sleep_min for row in rows)
    k = int(np.searchsorted(np.cumsum([row.sleep_min for row in rows]), total / 2)) + 1
    return rows[:k], rows[k:]


def _merged(rows: list[BreakdownRow], name: str) -> BreakdownRow:
    """Consecutive rows read as one group (their minutes, events and lengths pooled)."""
    return BreakdownRow(name, sum(r.minutes for r in rows), sum(r.sleep_min for r in rows),
                        sum(r.events or 0 for r in rows),
                        durations=tuple(d for r in rows for d in r.durations))


def _stage_mix(by: str, groups: dict[str, np.ndarray], stages: np.ndarray, source: str,
               where: str, named: str, starts: np.ndarray) -> Breakdown:
    """Each group's minutes in every stage ("a table of stages by hour"); ``named``: the
    stage a question follows ("did REM increase across the night?"); ``starts``: the epochs'
    start times (s), for each group's span."""
    minute = EPOCH_SEC / 60
    # a shift is an epoch whose stage differs from the scored epoch before it
    shifted = np.zeros(len(stages), dtype=bool)
    shifted[1:] = (stages[1:] != stages[:-1]) & (stages[1:] >= 0) & (stages[:-1] >= 0)
    rows = [BreakdownRow(name, float(mask.sum()) * minute,
                         float((mask & (stages >= STAGES.index("N1"))).sum()) * minute, None,
                         stage_min={s: float((mask & (stages == STAGES.index(s))).sum()) * minute
                                    for s in STAGES}, shifts=int((mask & shifted).sum()),
                         span=_mask_span(mask, starts))
            for name, mask in groups.items()]
    return Breakdown(by, "", rows, source, where=where, mix=True, named=named)


def index_rows(night: LoadedNight, groups: dict[str, np.ndarray],
               stat: str) -> tuple[str, list[BreakdownRow], str] | Message:
    """(name, rows, events source) of an index statistic ("ahi") per group (epoch mask):
    events starting in each group's sleep; the refusal where its events were not scored."""
    name, types = _INDEX_TYPES[stat]
    if why := unscored_reason(night, types):
        return Message("not_scored", name, {"why": why})
    rows, source = group_rows(night, groups, types, night.stages()[0] >= STAGES.index("N1"))
    return name, rows, source


def scoped_index(plan: Plan, night: LoadedNight) -> Breakdown | Message:
    """An AHI or ODI inside the question's stages and time ("AHI in REM", "ODI after 3 am"),
    beside the whole night's: events starting in the scope's sleep per hour of that sleep; an
    REI inside a time ("REI between 1 and 2 am"), or any index there on a night without EEG, is
    per hour recorded, as the REI is (probe Q: per hour of a home test's guessed sleep, 38.8/h
    where the machine's own REI there was 16.5)."""
    groups = {plan.where.text: plan.where.mask, "the whole night": np.ones(night.n_epochs, dtype=bool)}
    source = night.stages()[1]
    index = counted_index(plan)
    if (index is not None and not plan.query.scope.stages
            and (plan.query.note == "rei" or stages_guessed(night, source))):
        if why := unscored_reason(night, index[1]):
            return Message("not_scored", index[0], {"why": why})
        rows, events_source = group_rows(night, groups, index[1], np.ones(night.n_epochs, dtype=bool), recorded=True)
        return Breakdown("scope", "REI" if index[0] == "AHI" else index[0], rows, source, events_source,
                         plan.where.text, recorded=True)
    found = index_rows(night, groups, plan.query.stat or "")
    if isinstance(found, Message):
        return found
    name, rows, events_source = found
    return Breakdown("scope", name, rows, night.stages()[1], events_source, plan.where.text)


def _measured(plan: Plan, night: LoadedNight, groups: dict[str, np.ndarray],
              source: str, where: str | None = None) -> Breakdown | Message:
    """The per-epoch features the question names, averaged over each group's epochs;
    ``where``: the span read in words, the question's scope by default."""
    frame = night.feature_frame()
    cols = measure_columns(plan.query.measure or "", frame)
    if not cols:
        return missing_measure(plan.query.measure or "")
    rows = []
    for name, mask in groups.items():
        values = {}
        for col in cols:
            v = pd.to_numeric(frame.loc[mask, col], errors="coerce").dropna()
            if len(v):
                values[col] = (float(v.mean()), float(v.std(ddof=0)), len(v))
        if values:
            rows.append(BreakdownRow(name, float(mask.sum()) * EPOCH_SEC / 60, 0.0, None,
                                     values=values))
    # Two columns that read the same signal (pulse and ECG rate) would repeat one table.
    kept = [c for i, c in enumerate(cols) if not any(
        all(abs(row.values.get(c, (0,))[0] - row.values.get(d, (0,))[0]) < 0.05 for row in rows)
        for d in cols[:i])]
    by = plan.query.by or "stage"
    trend = None
    if by == "hour" and kept and (Aspect.TREND in plan.query.aspects or plan.query.direction):
        # "is there a trend?", "does the heart rate fall across the night?"
        trend = _trend(night, pd.to_numeric(frame[kept[0]], errors="coerce").to_numpy(dtype=float),
                       groups)
    tested = _TESTED.get(by, ()) if Aspect.SIGNIFICANCE in plan.query.aspects else ()
    tests = {}
    if tested and set(tested) <= groups.keys():
        # "is that significant?" after the snoring on the back and off it: each measure's
        # test over the two sides' periods
        tests = {col: period_test(pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float),
                                  groups[tested[0]], groups[tested[1]]) for col in kept}
    return Breakdown(by, "", rows, source,
                     where=plan.where.text if where is None else where, measured=tuple(kept),
                     norm_asked=Aspect.NORM in plan.query.aspects,
                     named=plan.query.target if by in ("stage", "position") else "",
                     direction=(plan.query.direction or "") if by in ("stage", "position", "hour") else "",
                     measure_tests=tests, tested=tested if tests else (), trend=trend)


MIN_TREND_HOURS = 3
"""Fewest hourly means a trend is read from."""


def _trend(night: LoadedNight, values: np.ndarray, hours: dict[str, np.ndarray]) -> Trend | None:
    """The drift of a per-epoch measure over the epochs of ``hours`` (clock-hour masks): its
    least-squares slope per hour and the rank correlation of the hourly means with time;
    None under :data:`MIN_TREND_HOURS` measured hours."""
    inside = np.any(list(hours.values()), axis=0) & np.isfinite(values)
    means = [float(np.nanmean(values[mask])) for mask in hours.values() if (mask & inside).any()]
    if len(means) < MIN_TREND_HOURS or inside.sum() < 2:
        return None
    t = night.epochs.starts[inside] / 3600.0
    slope = float(np.polyfit(t, values[inside], 1)[0])
    rho, p = spearmanr(np.arange(len(means)), means)
    return Trend(slope, float(rho), float(p), len(means), int(inside.sum()))


def group_rows(night: LoadedNight, groups: dict[str, np.ndarray], types: tuple[str, ...] | None,
               counted: np.ndarray, recorded: bool = False) -> tuple[list[BreakdownRow], str]:
    """One row per group (epoch mask): its minutes, its minutes asleep (``recorded``: its
    minutes again, the denominator of a rate per hour recorded) and, with ``types``, the
    events of those types that start in its ``counted`` epochs, with their mean length."""
    asleep = np.ones(night.n_epochs, dtype=bool) if recorded else (
        night.stages()[0] >= STAGES.index("N1"))
    epochs = np.array([], dtype=int)
    durations = np.array([])
    source = ""
    if types is not None:
        events, source = events_for(night, types)
        kept = [e for e in events if e.type in types and e.onset < night.recording.duration]
        epochs = np.array([night.epoch_at(e.onset) for e in kept], dtype=int)
        durations = np.array([e.duration for e in kept])
        inside = counted[epochs] if len(epochs) else np.zeros(0, dtype=bool)
        epochs, durations = epochs[inside], durations[inside]
    rows = []
    starts = night.epochs.starts
    for name, mask in groups.items():
        hit = mask[epochs] if len(epochs) else np.zeros(0, dtype=bool)
        rows.append(BreakdownRow(name, float(mask.sum()) * EPOCH_SEC / 60,
                                 float((mask & asleep).sum()) * EPOCH_SEC / 60,
                                 int(hit.sum()) if types is not None else None,
                                 float(durations[hit].mean()) if hit.any() else None,
                                 durations=tuple(float(d) for d in durations[hit]),
                                 span=_mask_span(mask, starts)))
    return rows, source


def _mask_span(mask: np.ndarray, starts: np.ndarray) -> tuple[float, float] | None:
    """Seconds from the first epoch of ``mask`` to the end of its last; None for no epoch."""
    inside = np.flatnonzero(mask)
    return (float(starts[inside[0]]), float(starts[inside[-1]]) + EPOCH_SEC) if len(inside) else None
