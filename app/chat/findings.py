"""Execute step for "what stands out in this night?": the findings a scorer would look at
first, most important first, each with the moment to jump to. Every finding is a measured
number against a stated limit (AASM bands, age norms, the stager's confidence), never a
diagnosis; a night where nothing crosses a limit says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.chat import norms
from app.chat.events import events_for
from app.chat.periods import awakening_runs
from app.chat.plan import Plan, clock, reading_span, scope_bounds, span_phrase, stages_guessed
from app.chat.recording import UNSURE_BELOW
from app.chat.results import Finding, Findings, Item, Message
from app.night import LoadedNight
from sleeplm_core.heads.summary import APNEA_TYPES, NightSummary
from sleeplm_core.io.recording import EPOCH_SEC

if TYPE_CHECKING:  # execute imports this module to run it
    from app.chat.execute import Series

AHI_NOTABLE = 5.0
"""Events per hour from which breathing is a finding (the AASM adult lower bound of mild)."""
LONG_WAKE_MIN = 20.0
"""A wake period after sleep onset at least this long (min) is a finding."""
UNSURE_NOTABLE_PCT = 10.0
"""Share of machine-staged epochs under the confidence limit (%) that makes the staging a
finding of its own."""


ChildBreathing = tuple[float | None, int, float]
"""A child's obstructive AHI (/h of sleep, None unscored), its events and minutes asleep."""


def _breathing(night: LoadedNight, s: NightSummary, child: ChildBreathing | None,
               span: tuple[float, float]) -> list[Finding]:
    if child is not None:
        return _child_breathing(night, child)
    rei = stages_guessed(night, s.source) and s.rei is not None
    index, name = (s.rei, "REI") if rei else (s.ahi, "AHI")
    if index is None or index < AHI_NOTABLE:
        return []
    text = f"{name} **{index:.1f}/h**: {norms.graded(index, night)}{_central(night, s, span)}"
    return [Finding(*_with_longest(night, text, span))]


def _central(night: LoadedNight, s: NightSummary, span: tuple[float, float]) -> str:
    """Where central apneas reach the ICSD-3's index: the index and their share of the apneas and
    hypopneas in sleep, "predominate" past half (probe P: a night with 91 % of its apneas central,
    CAI 15.3/h, gave only the AHI); "" below the index or on a guessed staging."""
    if stages_guessed(night, s.source) or s.tst_min <= 0:
        return ""
    stages = night.stages()[0]
    events, _ = events_for(night, APNEA_TYPES)
    asleep = [e for e in events if e.type in APNEA_TYPES and span[0] <= e.onset < span[1]
              and stages[night.epoch_at(e.onset)] > 0]
    central = sum(e.type == "central_apnea" for e in asleep)
    index = central / (s.tst_min / 60)
    if index < norms.CENTRAL_APNEA_INDEX or not asleep:
        return ""
    share = central / len(asleep)
    return (f"; {'central apneas predominate' if share > 0.5 else 'many central apneas'}: **{central}** of the "
            f"{len(asleep)} apneas and hypopneas ({100 * share:.0f} %), a central apnea index of **{index:.1f}/h** (the "
            f"ICSD-3 reads central sleep apnea from 5/h with more than half central; ask *is this central sleep "
            f"apnea?*)")


def _child_breathing(night: LoadedNight, child: ChildBreathing) -> list[Finding]:
    """A child's breathing against the AASM's pediatric rule, not the adult 5/h."""
    oahi, n, _ = child
    if oahi is None or oahi < norms.PEDIATRIC_OAHI:
        return []
    text = (f"obstructive AHI **{oahi:.1f}/h** ({n} obstructive or mixed apneas and hypopneas): "
            f"at or above the **{norms.PEDIATRIC_OAHI:g}/h** from which a child's breathing in "
            f"sleep counts as abnormal (the file's header gives age "
            f"{night.recording.patient.age:g})")
    return [Finding(*_with_longest(night, text, (0.0, night.recording.duration)))]


def _with_longest(night: LoadedNight, text: str, span: tuple[float, float]) -> tuple[str, Item | None]:
    """``text`` with the longest apnea starting in ``span`` (seconds) named, and that apnea as
    the item to draw."""
    events, _ = events_for(night, APNEA_TYPES)
    apneas = [e for e in events if e.type in APNEA_TYPES and span[0] <= e.onset < span[1]]
    longest = max(apneas, key=lambda e: e.duration) if apneas else None
    item = (Item(longest.onset, longest.offset, longest.type.replace("_", " "), "measured", "?")
            if longest else None)
    if longest is not None:
        text += (f"; the longest event, a {longest.duration:.0f}-s "
                 f"{longest.type.replace('_', ' ')}, at {clock(night, longest.onset)}")
    return text, item


def _oxygen(night: LoadedNight, spo2: Series | None, span: tuple[float, float]) -> list[Finding]:
    if spo2 is None:
        return []
    inside = (spo2.times >= span[0]) & (spo2.times < span[1])
    values, times = spo2.values[inside], spo2.times[inside]
    if not np.isfinite(values).any():
        return []
    low = int(np.nanargmin(values))
    value, at = float(values[low]), float(times[low])
    if value >= 90.0:
        return []
    item = Item(max(at - 15.0, 0.0), at + 15.0, "lowest SpO2", "measured", "?")
    return [Finding(f"lowest SpO2 **{value:.0f} %** at {clock(night, at)} (under 90 %)", item)]


def _norms(s: NightSummary, span: bool, age: float | None, other: dict[str, float]) -> list[Finding]:
    """Statistics outside the healthy range of the age the file's header gives, else of any
    adult; none for a child, whom the adult ranges do not fit. ``other``: the same rows under
    the model's zero-shot stages (:func:`model_norm_rows`), which may read a verdict apart."""
    if age is not None and age < norms.ADULT_AGE:
        return [Finding(f"the stage statistics are not read against norms: the file's header "
                        f"gives age {age:g}, and the ranges held are for adults", None)]
    if norms.too_short(s):
        return [Finding(f"the stage statistics are not read against norms: the recording is "
                        f"{s.tib_min:.0f} min in bed, and the norms describe whole nights "
                        f"({norms.MIN_NIGHT_MIN / 60:.0f} h or more)", None)]
    _, rows = norms.compare_with_norms(s, None if age is None else int(age), cut_at_onset=span)
    who = "healthy adults" if age is None else f"healthy {age:g}-year-olds"
    return [Finding(f"{name} **{value:.1f} {unit}**: {'below' if value < lo else 'above'} the "
                    f"typical {lo:g}-{hi:g} {unit} of {who}" + norms.unsettled(value, other.get(name), lo, hi, unit),
                    None)
            for name, value, unit, lo, hi in rows if not lo <= value <= hi]


def model_norm_rows(night: LoadedNight, span: tuple[int, int] | None, age: int | None) -> dict[str, float]:
    """The norm rows' values under the model's zero-shot stages, over the same span, where the
    night's stages are a machine's nobody checked (YASA called 23 single REM epochs wake on
    seed 11324 and read its WASO above the norm; the true WASO was within it); empty on a
    human-scored night or before the night is embedded."""
    model = night.model_check()
    if model is None:
        return {}
    s = model.span_summary(*span) if span else model.summary()
    _, rows = norms.compare_with_norms(s, age, cut_at_onset=span is not None)
    return {name: value for name, value, *_ in rows}


def _long_wake(night: LoadedNight, lo: int, hi: int) -> list[Finding]:
    stages, _ = night.stages()
    span = np.zeros(len(stages), dtype=bool)
    span[lo:hi] = True
    runs = awakening_runs(stages, span)
    if not runs:
        return []
    a, b = max(runs, key=lambda r: r[1] - r[0])
    minutes = (b - a + 1) * EPOCH_SEC / 60
    if minutes < LONG_WAKE_MIN:
        return []
    starts = night.epochs.starts
    item = Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, "longest awakening", "measured", "W")
    return [Finding(f"an awakening of **{minutes:.0f} min** at {clock(night, starts[a])}, the "
                    f"longest after sleep onset", item)]


def _staging(night: LoadedNight) -> list[Finding]:
    machine = night.machine
    if night.recording.has_scoring or machine is None or not machine.has_stages:
        return []
    conf = machine.confidence
    ok = np.isfinite(conf)
    unsure = float(100 * np.mean(conf[ok] < UNSURE_BELOW)) if ok.any() else 0.0
    if unsure < UNSURE_NOTABLE_PCT:
        return []
    return [Finding(f"the machine staging is unsure (under {UNSURE_BELOW:.1f}) for **{unsure:.0f} %**"
                    f" of epochs; ask *how confident is the staging?*", None)]


def findings(plan: Plan, night: LoadedNight, spo2: Series | None,
             child: ChildBreathing | None = None) -> Findings | Message:
    """What stands out, breathing and oxygen first, then the night's structure; ``spo2`` is
    the night's SpO2 as the chat measures it (``app.chat.execute.series``), ``child`` the
    obstructive AHI of a child's night (by the header's age), None for an adult."""
    if plan.where.text:
        return _in_span(plan, night, spo2)
    lo, hi, where = reading_span(night)
    s = night.summary() if not where else night.span_summary(lo, hi)
    found = _breathing(night, s, child, (0.0, night.recording.duration)) + _oxygen(
        night, spo2, (0.0, night.recording.duration))
    if stages_guessed(night, s.source):
        # Without EEG the stages are the model's guess: their norms would be findings of it.
        found.append(Finding("no EEG: sleep cannot be staged, so the stage statistics are not "
                             "read against norms", None))
    else:
        age = night.recording.patient.age
        found += (_long_wake(night, lo, hi)
                  + _norms(s, bool(where), age, model_norm_rows(night, (lo, hi) if where else None,
                                                                None if age is None else int(age)))
                  + _staging(night))
    return Findings(found, s.source, night.scored_events()[1], where, shown=plan.query.rank == "shown",
                    top=plan.query.rank == "top")


def _in_span(plan: Plan, night: LoadedNight, spo2: Series | None) -> Findings | Message:
    """What stands out in the span the question names ("anything unusual in that hour?"): its
    breathing, oxygen and longest awakening; whole-night norms are not read over a part of it
    (a child's obstructive rule neither, which is a whole-night index)."""
    span, bounds = plan.where.span, scope_bounds(plan.where)
    if bounds is None:   # as the breathing overview and a span's summary refuse it
        return Message("empty_scope", plan.where.text)
    lo, hi = bounds
    s = night.span_summary(lo, hi)
    found = _span_breathing(night, s, span) + _oxygen(night, spo2, span) + _long_wake(night, lo, hi)
    return Findings(found, s.source, night.scored_events()[1], span_phrase(plan.where.text), part=True)


def _span_breathing(night: LoadedNight, s: NightSummary, span: tuple[float, float]) -> list[Finding]:
    """The span's event rate beside the night's: the AASM grades severity on a whole night's
    index, so a part's rate is set against the night rather than graded."""
    whole = night.summary()
    rei = stages_guessed(night, s.source) and s.rei is not None
    index, night_index, name = (s.rei, whole.rei, "REI") if rei else (s.ahi, whole.ahi, "AHI")
    if index is None or index < AHI_NOTABLE:
        return []
    against = f" (the whole night: {night_index:.1f}/h)" if night_index is not None else ""
    return [Finding(*_with_longest(night, f"{name} **{index:.1f}/h** here{against}", span))]
