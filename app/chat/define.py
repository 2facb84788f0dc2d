"""Execute step for a glossary term ("what is N2 sleep?", "what does the EOG record?"):
its paragraph and where the loaded night shows it (a stage's minutes and longest period,
the file's channels that record a signal, the night's architecture or cycles)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from app.chat.breakdown import index_rows, stage_groups
from app.chat.events import events_for, unscored_reason
from app.chat import norms
from app.chat.glossary import Term
from app.chat.measures import EEG_PREFIX, column_name, measure_columns
from app.chat.periods import stage_periods
from app.chat.plan import Plan, source_name, stages_guessed
from app.chat.recovery import RECOVERY
from app.chat.results import BreakdownRow, Definition, Item, Message
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.features.brain import EEG_BAND_NAMES
from sleeplm_core.features.heart import SPO2_RANGE
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.desaturation import resaturation
from sleeplm_core.scoring.association import tied_after_sec, tied_mask
from sleeplm_core.scoring.intervals import runs


def _stage_lines(term: Term, night: LoadedNight) -> tuple[list[str], list[Item]]:
    stages, source = night.stages()
    code = STAGES.index(term.stage)
    periods = stage_periods(stages, [code], np.ones(len(stages), dtype=bool))
    s = night.summary()
    minutes = s.stage_min[term.stage]
    if not periods:
        return [f"This night ({source_name(source)} stages) holds no {term.stage}."], []
    starts = night.epochs.starts
    a, b = max(periods, key=lambda p: p[1] - p[0])
    share = f"{s.stage_pct[term.stage]:.0f} % of {'the time in bed' if term.stage == 'W' else 'sleep'}"
    longest = Item(float(starts[a]), float(starts[b]) + EPOCH_SEC, f"longest {term.stage} period",
                   "measured", term.stage)
    return [f"This night ({source_name(source)} stages): **{minutes:.1f} min** of {term.stage}, "
            f"{share}, in {len(periods)} period{'s' * (len(periods) != 1)}; the longest is drawn "
            f"on the plots."], [longest]


def _every_stage(term: Term, night: LoadedNight) -> Definition:
    """Each stage's minutes and share in this night, its longest period drawn."""
    stages, source = night.stages()
    s, starts = night.summary(), night.epochs.starts
    parts, items = [], []
    for code, stage in enumerate(STAGES):
        periods = stage_periods(stages, [code], np.ones(len(stages), dtype=bool))
        parts.append(f"{stage} **{s.stage_min[stage]:.0f} min** ({s.stage_pct[stage]:.0f} %)")
        if periods:
            a, b = max(periods, key=lambda p: p[1] - p[0])
            items.append(Item(float(starts[a]), float(starts[b]) + EPOCH_SEC,
                              f"longest {stage} period", "measured", stage))
    return Definition(term, [
        f"This night ({source_name(source)} stages): {', '.join(parts)} (W as a share of the time "
        f"in bed, the others of sleep); each stage's longest period is drawn on the plots. Ask "
        f"e.g. *what is N2 sleep?* for one stage, or *show me an example of N3* for its "
        f"clearest epoch."], items)


def _channel_lines(term: Term, night: LoadedNight) -> list[str]:
    mapping = night.epochs.slots
    labels = [mapping[slot] for slot in term.slots if slot in mapping]
    if not labels:
        return ["This file has no channel for it."]
    signals = night.recording.signals
    return ["In this file: " + ", ".join(f"**{label}** ({signals[label].sfreq:g} Hz)"
                                         for label in labels if label in signals) + "."]


TREND_MIN = 10.0
"""Minutes of a stage below which its split into thirds shows no pattern worth a verdict."""


def _by_third(night: LoadedNight, stage: str) -> str:
    """A stage's minutes in each third of the sleep period (sleep onset to the final
    awakening), as the night bears a term about its timing out."""
    stages, source = night.stages()
    sleep = np.flatnonzero(stages >= STAGES.index("N1"))
    if not len(sleep):
        return f"This night ({source_name(source)} stages) holds no sleep."
    edges = np.linspace(sleep[0], sleep[-1] + 1, 4).round().astype(int)
    minutes = [float(np.sum(stages[a:b] == STAGES.index(stage))) * EPOCH_SEC / 60
               for a, b in zip(edges[:-1], edges[1:])]
    lead = 0 if stage == "N3" else 2   # N3 leads early, REM late
    others = [m for i, m in enumerate(minutes) if i != lead]
    verdict = (f"; too little {stage} ({sum(minutes):.1f} min) to show the usual pattern" if sum(minutes) < TREND_MIN
               else " as usual" if minutes[lead] > max(others) else
               f"; this night departs from the usual pattern, with no more {stage} in the "
               f"{'first' if lead == 0 else 'last'} third than in the others")
    return (f"This night ({source_name(source)} stages), {stage} in each third of the sleep "
            f"period: first **{minutes[0]:.1f} min**, middle **{minutes[1]:.1f} min**, last "
            f"**{minutes[2]:.1f} min**{verdict}.")


def _band_shares(night: LoadedNight) -> str:
    """Each stage's mean EEG band shares (% of 0.5-30 Hz power, the first EEG channel), or
    the line that says the file has no EEG to measure them on."""
    frame = night.feature_frame()
    # every band from one channel, so that the shares are of one spectrum (alpha power alone
    # is read on a posterior lead elsewhere)
    tail = f".{EEG_BAND_NAMES[0]} [%]"
    first = next((c for c in frame.columns if c.startswith(EEG_PREFIX) and c.endswith(tail)), None)
    if first is None:
        return "This file has no EEG channel to measure the bands on."
    channel = first[len(EEG_PREFIX):-len(tail)]
    cols = {band: col for band in EEG_BAND_NAMES
            if (col := f"{EEG_PREFIX}{channel}.{band} [%]") in frame.columns}
    stages, source = night.stages()
    rows = []
    for code, stage in enumerate(STAGES):
        mask = stages == code
        if mask.any():
            means = frame.loc[mask, list(cols.values())].apply(pd.to_numeric, errors="coerce").mean()
            rows.append(f"{stage} " + ", ".join(f"{band} {means[col]:.0f}" for band, col in cols.items()))
    return (f"This night (EEG {channel}, mean share of each epoch's power, %, by {source_name(source)} "
            f"stage): " + "; ".join(rows) + ".")


def _rem_density(night: LoadedNight) -> str:
    """The night's rapid eye movements per minute of REM (its REM density)."""
    stages, source = night.stages()
    rem_min = float(np.sum(stages == STAGES.index("REM"))) * EPOCH_SEC / 60
    if not rem_min:
        return f"This night ({source_name(source)} stages) holds no REM."
    events, events_source = events_for(night, ("rapid_eye_movement",))
    if not events and (why := unscored_reason(night, ("rapid_eye_movement",))):
        return f"This night's eye movements could not be read: {why}."
    n = sum(stages[night.epoch_at(e.onset)] == STAGES.index("REM") for e in events)
    return (f"This night: **{n}** rapid eye movements in {rem_min:.1f} min of REM, "
            f"**{n / rem_min:.1f} per minute** ({source_name(events_source)}); ask *show me rapid "
            f"eye movements* to see them.")


def _nadir_lag(night: LoadedNight) -> str:
    """How long after this night's apneas and hypopneas of sleep the SpO2 bottomed out."""
    signal, label, why = spo2_channel(night)
    if signal is None or why:
        return f"This night's lag cannot be measured: {why}."
    breath = sleep_breathing(night)
    lags = np.array([found.nadir_at - e.offset for e in breath.breathing
                     if (found := resaturation(signal.data, signal.sfreq, e.onset, e.offset, RECOVERY))
                     is not None])
    if not len(lags):
        return "This night has no apnea or hypopnea of sleep to measure the lag after."
    q1, mid, q3 = np.percentile(lags, [25, 50, 75])
    return (f"This night ({label}): after {len(lags)} apneas and hypopneas of sleep "
            f"({source_name(breath.source)}), the SpO2 bottomed out a median **{mid:.0f} s** after "
            f"the event ended (quartiles {q1:.0f}-{q3:.0f} s).")


def _stage_ahi(night: LoadedNight) -> tuple[list[BreakdownRow], str] | str:
    """The AHI's rows for REM, NREM and each NREM stage with their events' source, or the
    line that says why the night has none."""
    found = index_rows(night, stage_groups(night), "ahi")
    if isinstance(found, Message):
        return f"This night's breathing events were not scored: {found.facts.get('why', '')}."
    _, rows, events_source = found
    return rows, events_source


def _index_by_stage(night: LoadedNight) -> str:
    """The AHI in each stage of this night, as the term's explanation is borne out or not."""
    found = _stage_ahi(night)
    if isinstance(found, str):
        return found
    rows, events_source = found
    rates = [(row.group, row.per_hour) for row in rows if row.per_hour is not None]
    if not rates:
        return "This night holds no sleep to count breathing events in."
    text = ", ".join(f"{group} **{rate:.1f}/h**" for group, rate in rates)
    stages = [(g, r) for g, r in rates if g != "NREM"]
    low, high = min(stages, key=lambda gr: gr[1]), max(stages, key=lambda gr: gr[1])
    return (f"This night, the AHI in each stage ({source_name(events_source)} events, "
            f"{source_name(night.stages()[1])} stages): {text}; highest in **{high[0]}**, lowest "
            f"in **{low[0]}** (stages with few minutes give unsteady rates; ask *AHI by stage* for "
            f"the minutes and counts).")


def _rem_related(night: LoadedNight) -> str:
    """This night's REM and NREM AHI against the definitions of REM-related OSA."""
    found = _stage_ahi(night)
    if isinstance(found, str):
        return found
    rows, events_source = found
    by = {row.group: row for row in rows}
    rem, nrem = by["REM"], by["NREM"]
    if rem.per_hour is None or nrem.per_hour is None or nrem.per_hour == 0:
        return "This night has no REM or no NREM apnea-hypopnea index to compare."
    ratio = rem.per_hour / nrem.per_hour
    strict = ratio >= 2 and nrem.per_hour < 15 and rem.sleep_min >= 30
    verdict = ("meets the usual definition and the stricter one" if strict else
               "meets the usual definition (ratio 2 or more), not the stricter one" if ratio >= 2 else
               "does not meet the usual definition (ratio under 2)")
    return (f"This night ({source_name(events_source)} events, {source_name(night.stages()[1])} "
            f"stages): REM AHI **{rem.per_hour:.1f}/h** over {rem.sleep_min:.0f} min of REM, NREM AHI "
            f"**{nrem.per_hour:.1f}/h**, ratio **{ratio:.1f}**: it {verdict}. One night's indices, "
            f"not a diagnosis.")


EDWARDS = (30.0, 82.5, 58.3)
"""Edwards et al. 2014's cut-offs: AHI under 30/h, lowest SpO2 above 82.5 %, hypopneas over
58.3 % of the apneas and hypopneas; a point for each, 2 or more predicts a low arousal threshold."""


def _edwards_score(night: LoadedNight) -> str:
    """Edwards's clinical score of the respiratory arousal threshold on this night."""
    breath = sleep_breathing(night)
    s = night.summary()
    spo2, _, why = spo2_channel(night)
    if s.ahi is None or not breath.breathing or spo2 is None or why:
        return ("This night cannot be scored for it: the score needs scored apneas and hypopneas "
                "and a usable SpO2 channel.")
    epochs = np.minimum((np.arange(len(spo2.data)) / spo2.sfreq // EPOCH_SEC).astype(int),
                        night.n_epochs - 1)
    asleep = night.stages()[0][epochs] >= STAGES.index("N1")
    lo, hi = SPO2_RANGE
    values = spo2.data[asleep & (spo2.data >= lo) & (spo2.data <= hi)]
    if not len(values):
        return "This night has no valid SpO2 during sleep to score it with."
    nadir = float(values.min())
    hypopneas = 100 * sum(e.type == "hypopnea" for e in breath.breathing) / len(breath.breathing)
    points = [s.ahi < EDWARDS[0], nadir > EDWARDS[1], hypopneas > EDWARDS[2]]
    yes = lambda p: "yes" if p else "no"  # noqa: E731
    verdict = "predicts" if sum(points) >= 2 else "does not predict"
    return (f"Edwards's score on this night ({source_name(breath.source)} events), a point each: AHI "
            f"under {EDWARDS[0]:.0f}/h ({s.ahi:.1f}/h, {yes(points[0])}); lowest SpO2 in sleep above "
            f"{EDWARDS[1]} % ({nadir:.1f} %, {yes(points[1])}); hypopneas over {EDWARDS[2]} % of the "
            f"apneas and hypopneas ({hypopneas:.0f} %, {yes(points[2])}): **{sum(points)} of 3**, which "
            f"{verdict} a low arousal threshold (2 or more predicts it, with 80 % sensitivity and 88 % "
            f"specificity in the study that set it).")


def _ended_by_arousal(night: LoadedNight) -> str:
    """How many of this night's apneas and hypopneas of sleep have an arousal tied to them."""
    breath = sleep_breathing(night)
    arousals = np.array([(e.onset, e.offset) for e in breath.events if e.type == "arousal"])
    if not breath.breathing:
        return "This night has no scored apneas or hypopneas in sleep."
    if not len(arousals):
        return (f"This night's {len(breath.breathing)} apneas and hypopneas ({source_name(breath.source)}) "
                f"come with no scored arousal.")
    spans = np.array([(e.onset, e.offset) for e in breath.breathing])
    tied = tied_mask(spans, arousals, tied_after_sec("hypopnea", "arousal"), spans_lead=True)
    return (f"This night: **{int(tied.sum())} of {len(spans)}** apneas and hypopneas of sleep "
            f"({100 * tied.mean():.0f} %) have an arousal starting during them or within "
            f"{tied_after_sec('hypopnea', 'arousal'):.0f} s of their end ({source_name(breath.source)}).")


SUSTAINED_LOW_SPO2 = (88.0, 5.0)
"""SpO2 at or below this %, for at least this many minutes: the sustained desaturation of the
Medicare criterion for nocturnal oxygen, a common oximetry screen for sleep hypoventilation
when no CO2 is recorded (the AASM scores hypoventilation from CO2 only)."""


def _sustained_low(night: LoadedNight) -> str:
    """This night's CO2 channels (none are read) and its longest stretch of SpO2 at or under
    :data:`SUSTAINED_LOW_SPO2`, the oximetry screen for hypoventilation."""
    signal, label, why = spo2_channel(night)
    level, minutes = SUSTAINED_LOW_SPO2
    head = "This recording has no CO2 channel, so hypoventilation cannot be scored here."
    if signal is None or why:
        return f"{head} Nor can it be screened for with oximetry: {why}."
    low = np.asarray(signal.data, dtype=float) <= level
    longest = max(((b - a) / signal.sfreq / 60 for a, b in runs(low)), default=0.0)
    total = float(low.sum()) / signal.sfreq / 60
    verdict = (f"a stretch of **{longest:.1f} min** reaches the screen's {minutes:g} min, so CO2 is worth "
               f"measuring" if longest >= minutes else
               f"none reaches the screen's {minutes:g} min, so oximetry gives no hint of it")
    return (f"{head} On channel {label}, the usual screen without CO2 is a stretch at or under "
            f"{level:g} % for {minutes:g} min or more: {total:.1f} min at or under {level:g} % in all, the "
            f"longest stretch **{longest:.1f} min**; {verdict}.")


def _spindles_by_stage(night: LoadedNight) -> str:
    """This night's spindles per minute of each stage, where they start."""
    if why := unscored_reason(night, ("spindle",)):
        return f"Spindles were not scored on this night ({why})."
    events, source = events_for(night, ("spindle",))
    stages, stage_source = night.stages()
    onsets = [int(stages[night.epoch_at(e.onset)]) for e in events if e.type == "spindle"
              and e.onset < night.recording.duration]
    rates = []
    for code, name in enumerate(STAGES):
        minutes = float((stages == code).sum()) * EPOCH_SEC / 60
        if minutes >= 1:
            rates.append(f"{name} **{onsets.count(code) / minutes:.2f}**")
    return (f"This night, spindles per minute of each stage ({source_name(source)} spindles, "
            f"{source_name(stage_source)} stages): {', '.join(rates)}.")


AROUND_SEC = 30.0
"""Seconds before each apnea the snoring is read in, against the apnea itself."""
APNEAS = ("obstructive_apnea", "central_apnea", "mixed_apnea")
"""The apnea types (a hypopnea keeps some airflow, and some snoring)."""


def _snore_in_apneas(night: LoadedNight) -> str:
    """This night's snoring loudness during its apneas against the 30 s before each."""
    loud = night.snore()
    if loud is None:
        return "This recording has no readable snore channel, so its snoring cannot be read against its apneas."
    if why := unscored_reason(night, APNEAS):
        return f"Apneas were not scored on this night ({why})."
    events, source = events_for(night, APNEAS)
    during, before = [], []
    for e in (e for e in events if e.type in APNEAS):
        inside = (loud.times >= e.onset) & (loud.times < e.offset)
        ahead = (loud.times >= e.onset - AROUND_SEC) & (loud.times < e.onset)
        if inside.any() and ahead.any():
            during.append(float(np.nanmean(loud.db[inside])))
            before.append(float(np.nanmean(loud.db[ahead])))
    if not during:
        return "No apnea of this night has snore readings around it."
    return (f"This night ({source_name(source)} apneas, channel {loud.label}): snoring loudness "
            f"**{np.median(during):.1f} dB** during the {len(during)} apneas against "
            f"**{np.median(before):.1f} dB** in the {AROUND_SEC:.0f} s before each (medians, dB over "
            f"the channel's quiet level).")


def _stage_means(night: LoadedNight, words: str, what: str, unit: str, stages: tuple[str, ...]) -> str:
    """This night's mean of one feature column (the first ``words`` name whose unit is
    ``unit``) in each of
    ``stages`` with at least a minute of epochs (NREM: N1-N3 pooled), where the term's
    explanation is borne out or not."""
    frame = night.feature_frame()
    cols = [c for c in measure_columns(words, frame) if c.endswith(f"[{unit}]")]
    if not cols:
        return f"This recording has no channel to read its {what} from."
    values = frame[cols[0]].to_numpy(dtype=float)
    codes, source = night.stages()
    masks = {st: np.isin(codes, [STAGES.index(x) for x in _STAGE_SET.get(st, (st,))]) for st in stages}
    parts = [f"{st} **{np.nanmean(values[m]):.1f} {unit}**" for st, m in masks.items()
             if m.sum() * EPOCH_SEC >= 60 and np.isfinite(values[m]).any()]
    if not parts:
        return f"This night holds too little staged sleep to read its {what} by stage."
    return (f"This night, the mean {what} by stage ({column_name(cols[0])}, {source_name(source)} "
            f"stages): {', '.join(parts)}.")


_STAGE_SET = {"NREM": ("N1", "N2", "N3")}


def _child_night(night: LoadedNight) -> str:
    """This night's slow-wave share and total sleep, against the recommended hours when the
    file gives a child's age."""
    s, (_, source) = night.summary(), night.stages()
    age = night.recording.patient.age
    complete = [c.minutes for c in sleep_cycles(night.stages()[0]).cycles if c.complete]
    cycles = (f", {len(complete)} complete cycle{'s' * (len(complete) != 1)} of mean "
              f"**{np.mean(complete):.0f} min**" if complete else ", no complete cycle")
    head = (f"This night ({source_name(source)} stages): N3 **{s.stage_pct['N3']:.0f} %** of sleep{cycles}, total "
            f"sleep **{s.tst_min / 60:.1f} h**")
    hours = norms.child_sleep_hours(age) if age is not None and age < norms.ADULT_AGE else None
    if hours is None:
        return head + (f"; the file gives the sleeper's age as {age:g}." if age is not None else
                       "; the file gives no age.")
    return head + f", against the {hours[0]}-{hours[1]} h a day the AASM recommends at {age:g} years."


def _respiratory_index(night: LoadedNight, key: str) -> str:
    """This night's AHI, REI or ODI, from the summary the answers use; a home test's AHI is
    its REI (its sleep is only guessed)."""
    s = night.summary()
    _, events_source = night.scored_events()
    if s.n_apneas_hypopneas is None:
        return "This night's breathing events could not be scored; ask *what is the AHI?* for why."
    per_recorded = s.n_apneas_hypopneas / (s.tib_min / 60) if s.tib_min else float("nan")
    if key == "rei" or (key == "ahi" and stages_guessed(night, s.source)):
        return (f"This night: REI **{per_recorded:.1f}/h**, {s.n_apneas_hypopneas} apneas and hypopneas "
                f"over {s.tib_min / 60:.1f} h recorded ({source_name(events_source)} events).")
    if key == "odi":
        return (f"This night: ODI **{s.odi:.1f}/h**, {s.n_desaturations} desaturations in "
                f"{s.tst_min:.0f} min of sleep." if s.odi is not None else
                "This night's desaturations could not be scored; ask *what is the ODI?* for why.")
    return (f"This night: AHI **{s.ahi:.1f}/h**, {s.n_apneas_hypopneas} apneas and hypopneas in "
            f"{s.tst_min:.0f} min of sleep ({source_name(events_source)} events, "
            f"{source_name(s.source)} stages).")


def _hypnogram_figure(night: LoadedNight, key: str) -> str:
    """This night's sleep efficiency, WASO or sleep onset latency, with where its stages come from."""
    s = night.summary()
    figure = {"se": f"sleep efficiency **{s.se_pct:.1f} %** ({s.tst_min:.0f} of {s.tib_min:.0f} min in bed)",
              "waso": f"WASO **{s.waso_min:.0f} min** in {s.awakenings} awakenings",
              "sol": f"sleep onset latency **{s.sol_min:.1f} min**"}[key]
    guessed = " (the model's guess: no EEG)" if stages_guessed(night, s.source) else ""
    return f"This night ({source_name(s.source)} stages{guessed}): {figure}."


def _arousal_index(night: LoadedNight) -> str:
    """This night's arousals per hour of sleep."""
    stages, source = night.stages()
    sleep_min = float(np.isin(stages, [STAGES.index(st) for st in STAGES[1:]]).sum()) * EPOCH_SEC / 60
    events, events_source = events_for(night, ("arousal",))
    if not events and (why := unscored_reason(night, ("arousal",))):
        return f"This night's arousals could not be scored: {why}."
    if not sleep_min:
        return f"This night ({source_name(source)} stages) holds no sleep to count arousals in."
    n = sum(e.type == "arousal" and stages[night.epoch_at(e.onset)] > 0 for e in events)
    return (f"This night: **{n}** arousals in {sleep_min:.0f} min of sleep, **{n / (sleep_min / 60):.1f} per "
            f"hour** ({source_name(events_source)} events, {source_name(source)} stages).")


def _time_under_90(night: LoadedNight) -> str:
    """This night's minutes of SpO2 under 90 %, over the whole recording."""
    signal, label, why = spo2_channel(night)
    if signal is None or why:
        return f"This night has no T90: {why}."
    minutes = float((np.asarray(signal.data, dtype=float) < 90).sum()) / signal.sfreq / 60
    return (f"This night: **{minutes:.1f} min** under 90 % on {label}, over the whole recording; ask "
            f"*T90?* for it within sleep.")


_NIGHT_LINE: dict[str, Callable[[LoadedNight], str]] = {
    "ahi": lambda night: _respiratory_index(night, "ahi"), "rei": lambda night: _respiratory_index(night, "rei"),
    "odi": lambda night: _respiratory_index(night, "odi"), "se": lambda night: _hypnogram_figure(night, "se"),
    "waso": lambda night: _hypnogram_figure(night, "waso"), "sol": lambda night: _hypnogram_figure(night, "sol"),
    "arousal_index": _arousal_index, "t90": _time_under_90, "rem_density": _rem_density,
    "sws_early": lambda night: _by_third(night, "N3"), "eeg_bands": _band_shares,
    "rem_eyes": _rem_density, "desat_lag": _nadir_lag, "apnea_stage": _index_by_stage,
    "rem_osa": _rem_related, "arousal_threshold": _edwards_score, "apnea_arousal": _ended_by_arousal,
    "hypoventilation": _sustained_low, "spindle_n2": _spindles_by_stage, "snore_apnea": _snore_in_apneas,
    "heart_sleep": lambda night: _stage_means(night, "heart rate", "heart rate", "bpm",
                                              ("W", "N1", "N2", "N3", "REM")),
    "child_sleep": _child_night,
    "rem_breathing": lambda night: _stage_means(night, "breathing variability", "breath-to-breath variability",
                                                "%", ("NREM", "REM")),
}
"""The one line of this night's figures that grounds an explained term, by the term's key."""


def _night_lines(term: Term, night: LoadedNight) -> list[str]:
    stages, source = night.stages()
    s = night.summary()
    if term.key == "architecture":
        shares = ", ".join(f"{st} {s.stage_pct[st]:.0f} %" for st in STAGES[1:])
        return [f"This night ({source_name(source)} stages): total sleep {s.tst_min:.0f} min, "
                f"efficiency {s.se_pct:.1f} %, sleep onset latency {s.sol_min:.1f} min, WASO "
                f"{s.waso_min:.0f} min; of sleep: {shares}."]
    if term.key == "cycle":
        cycles = sleep_cycles(stages).cycles
        return [f"This night ({source_name(source)} stages) holds **{len(cycles)}** cycle"
                f"{'s' * (len(cycles) != 1)}; ask *how many sleep cycles?* to list them."]
    if term.key == "hypnogram":
        cycles = sleep_cycles(stages).cycles
        rem = "no REM" if s.rem_latency_min != s.rem_latency_min else \
            f"the first REM {s.rem_latency_min:.0f} min after sleep onset"
        return [f"This night's ({source_name(source)}) hypnogram is the top track of the night "
                f"overview. Against that picture: sleep came after {s.sol_min:.0f} min, with "
                f"{rem}, {len(cycles)} cycle{'s' * (len(cycles) != 1)} and {s.waso_min:.0f} min "
                f"awake after sleep onset in {s.awakenings} awakenings.",
                _by_third(night, "N3"), _by_third(night, "REM")]
    if (line := _NIGHT_LINE.get(term.key)) is not None:
        return [line(night)]
    if term.key == "early_rem":
        if s.rem_latency_min != s.rem_latency_min:
            return [f"This night ({source_name(source)} stages) holds no REM."]
        side = ("within the 15 min of a sleep-onset REM period" if s.rem_latency_min <= 15 else
                "under the usual 60-110 min" if s.rem_latency_min < 60 else
                "within the usual 60-110 min" if s.rem_latency_min <= 110 else "over the usual 60-110 min")
        return [f"This night ({source_name(source)} stages) reached REM **{s.rem_latency_min:.0f} min** "
                f"after sleep onset, {side}."]
    if term.key == "rem_late":
        first = ("holds no REM" if s.rem_latency_min != s.rem_latency_min else
                 f"reached REM **{s.rem_latency_min:.0f} min** after sleep onset")
        return [f"This night ({source_name(source)} stages) {first}.", _by_third(night, "REM")]
    if term.key == "psg":
        return [f"This file holds {len(night.recording.signals)} channels; ask *which channels "
                f"are in this file?* for the list."]
    return []


def define(plan: Plan, night: LoadedNight, term: Term) -> Definition:
    """The term's paragraph with the night's own numbers for it."""
    if term.stage:
        lines, items = _stage_lines(term, night)
        return Definition(term, lines, items)
    if term.slots:
        return Definition(term, _channel_lines(term, night), [])
    if term.key == "stages":
        return _every_stage(term, night)
    return Definition(term, _night_lines(term, night), [])
