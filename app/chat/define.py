"""Execute step for a glossary term ("what is N2 sleep?", "what does the EOG record?"):
its paragraph and where the loaded night shows it (a stage's minutes and longest period,
the file's channels that record a signal, the night's architecture or cycles)."""

from __future__ import annotations

import numpy as np

from app.chat.breakdown import index_rows, stage_groups
from app.chat.glossary import Term
from app.chat.periods import stage_periods
from app.chat.plan import Plan, source_name
from app.chat.results import Definition, Item, Message
from app.night import LoadedNight
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


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
    mapping = {**night.epochs.mapping, **night.epochs.aux_mapping}
    labels = [mapping[slot] for slot in term.slots if slot in mapping]
    if not labels:
        return ["This file has no channel for it."]
    signals = night.recording.signals
    return ["In this file: " + ", ".join(f"**{label}** ({signals[label].sfreq:g} Hz)"
                                         for label in labels if label in signals) + "."]


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
    usual = minutes[0] if stage == "N3" else minutes[2]   # N3 leads early, REM late
    verdict = (" as usual" if usual == max(minutes) else
               "; this night departs from the usual pattern")
    return (f"This night ({source_name(source)} stages), {stage} in each third of the sleep "
            f"period: first **{minutes[0]:.1f} min**, middle **{minutes[1]:.1f} min**, last "
            f"**{minutes[2]:.1f} min**{verdict}.")


def _index_by_stage(night: LoadedNight) -> str:
    """The AHI in each stage of this night, as the term's explanation is borne out or not."""
    found = index_rows(night, stage_groups(night), "ahi")
    if isinstance(found, Message):
        return f"This night's breathing events were not scored: {found.facts.get('why', '')}."
    _, rows, events_source = found
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
    if term.key in ("sws_early", "rem_late"):
        return [_by_third(night, "N3" if term.key == "sws_early" else "REM")]
    if term.key == "apnea_stage":
        return [_index_by_stage(night)]
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
