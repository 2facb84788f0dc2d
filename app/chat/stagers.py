"""Execute steps that set the night's stagings side by side: "is the model better than YASA?"
(each against the expert), "does agreement drop at the end of the night?" (two stagings'
agreement hour by hour), and "how much N3 did the expert score vs YASA?" (each staging's
minutes of the stages asked); and the caveat under an answer read from the model's stages.

The stagings are the human scoring (when the file came with one), the machine's (YASA) and
the model's zero-shot stages, all on the model's 30-s epochs."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from app.chat.agreement import stagings
from app.chat.aspects import Aspect
from app.chat.phenomena import phenomenon, plural
from app.chat.plan import Plan, clock, scope_text, source_name
from app.chat.query import Query, Scope
from app.chat.results import AgreementRow, AgreementTrack, Message, StagerAmounts, StagerRace, StagerScore
from app.night import LoadedNight
from sleeplm_core.heads.metrics import staging_scores
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

MIN_HOUR_EPOCHS = 20
"""Epochs both stage that an hour needs for its own row (10 min): fewer say little."""


def _available(night: LoadedNight) -> list[tuple[np.ndarray, str]]:
    """Every staging the night has, as (stage codes per epoch, source), the human one first."""
    found = [(night.scored(), "scored"), (night.machine_stages(), night.machine.label() if night.machine else ""),
             (night.predicted, "predicted")]
    return [(codes, source) for codes, source in found if codes is not None and np.any(codes >= 0)]


def stager_race(plan: Plan, night: LoadedNight) -> StagerRace | Message:
    """The machine's and the model's stages, each against the human scoring over the epochs
    all three stage; a Message without a human scoring to hold them against."""
    human = night.scored()
    if human is None:
        return Message("no_agreement", "this night has no human scoring to hold YASA and the model "
                                       "against; ask *how does the model compare with YASA?* for the two "
                                       "side by side")
    others = [(codes, source) for codes, source in _available(night) if source != "scored"]
    if not others:
        return Message("no_agreement", "the night has neither a machine staging nor the model's stages")
    both = (human >= 0) & np.logical_and.reduce([codes >= 0 for codes, _ in others])
    rows = []
    for codes, source in others:
        s = staging_scores(human[both], codes[both], STAGES)
        rows.append(StagerScore(source, s.kappa, s.accuracy, s.per_class_f1))
    return StagerRace("scored", rows, int(both.sum()))


def agreement_track(plan: Plan, night: LoadedNight) -> AgreementTrack | Message:
    """Two stagings' agreement (share of epochs and Cohen's kappa) per clock hour and per third
    of the night, and Spearman's rho of the hourly agreement against time."""
    pair = stagings(night, plan.query.target or "machine")
    if isinstance(pair, str):
        return Message("no_agreement", pair)
    (ref, ref_source), (other, other_source) = pair
    both = (ref >= 0) & (other >= 0)
    starts = np.asarray(night.epochs.starts)
    hours = np.floor((starts + _clock_offset(night)) / 3600).astype(int)
    rows = [_row(f"{h % 24:02d}:00–{(h + 1) % 24:02d}:00", ref, other, both & (hours == h))
            for h in np.unique(hours[both])]
    rows = [r for r in rows if r.epochs >= MIN_HOUR_EPOCHS]
    idx = np.flatnonzero(both)
    thirds = [_row(name, ref, other, np.isin(np.arange(len(ref)), part))
              for name, part in zip(("first third", "middle third", "last third"), np.array_split(idx, 3))]
    rho, p = spearmanr(np.arange(len(rows)), [r.agree for r in rows]) if len(rows) >= 3 else (np.nan, np.nan)
    return AgreementTrack(ref_source, other_source, rows, thirds, float(rho), float(p))


def _clock_offset(night: LoadedNight) -> float:
    """Seconds from the last full hour of the clock to the recording's start (0 without a clock)."""
    start = night.recording.start_time
    return 0.0 if start is None else float(start.minute * 60 + start.second)


def _row(label: str, ref: np.ndarray, other: np.ndarray, mask: np.ndarray) -> AgreementRow:
    n = int(mask.sum())
    if n == 0:
        return AgreementRow(label, 0, float("nan"), float("nan"), "")
    a, b = ref[mask], other[mask]
    # kappa needs both stagings to use two stages or more there (an hour of wake has none)
    kappa = staging_scores(a, b, STAGES).kappa if len(np.unique(a)) > 1 and len(np.unique(b)) > 1 else float("nan")
    common = STAGES[int(np.bincount(a, minlength=len(STAGES)).argmax())]
    return AgreementRow(label, n, float(np.mean(a == b)), kappa, common)


def stager_amounts(plan: Plan, night: LoadedNight) -> StagerAmounts | Message:
    """Minutes of each asked stage (every stage when none is named) by each staging of the
    night, in the question's span."""
    found = _available(night)
    if len(found) < 2:
        return Message("no_agreement", "the night has only one staging")
    asked = plan.query.scope.stages or STAGES
    mask = _span_mask(plan, night)
    minutes = {source: [float(np.sum((codes == STAGES.index(st)) & mask)) * EPOCH_SEC / 60 for st in asked]
               for codes, source in found}
    return StagerAmounts(tuple(asked), [source for _, source in found], minutes,
                         scope_text(Scope((), plan.query.scope.time)))


def _span_mask(plan: Plan, night: LoadedNight) -> np.ndarray:
    """The question's time span over the night's epochs, whatever its stages (each staging
    has its own)."""
    lo, hi = plan.where.span
    starts = np.asarray(night.epochs.starts)
    return (starts + EPOCH_SEC > lo) & (starts < hi)


def human_holds_none(query: Query, night: LoadedNight) -> bool:
    """Whether the night has a human scoring that marks none of the events ``query`` asks about
    (SC4001's expert scored stages only), so that its events are the machine's alone."""
    phen, rec = phenomenon(query.phenomenon), night.recording
    return (phen is not None and bool(phen.event_types) and (rec.has_scoring or bool(rec.events))
            and not any(e.type in phen.event_types for e in rec.events))


def human_silence(query: Query, night: LoadedNight) -> str:
    """"**None**: ..." before the machine's events when the question asks what the human scored
    ("how many spindles did the human score?") and the night's human scoring marks none of them
    (a human scoring of stages alone); "" otherwise."""
    if Aspect.HUMAN not in query.aspects or not human_holds_none(query, night):
        return ""
    phen, rec = phenomenon(query.phenomenon), night.recording
    held = sorted({e.type.replace("_", " ") for e in rec.events})
    holds = f"its events are {', '.join(held)}" if held else "it holds stages only"
    return (f"**None**: the human scoring of this night marks no {plural(phen.title.lower())} ({holds}). "
            f"What follows is the machine's.\n\n")


def model_stages_caveat(night: LoadedNight) -> str:
    """The caveat under an answer read from the model's zero-shot stages ("REM latency according
    to the model?"): how far they agree with the night's other staging, the human one first."""
    others = [(codes, source) for codes, source in _available(night) if source != "predicted"]
    if night.predicted is None or not others:
        return ("\n\nThese are the model's zero-shot stages, a research read-out and not a validated "
                "staging.")
    codes, source = others[0]
    both = (codes >= 0) & (night.predicted >= 0)
    kappa = staging_scores(codes[both], night.predicted[both], STAGES).kappa
    return (f"\n\nThese are the model's zero-shot stages, a research read-out and not a validated staging: "
            f"against the {source_name(source)} stages of this night, Cohen's κ **{kappa:.2f}** over "
            f"{int(both.sum())} epochs.")


_STAGE_WORD = {"W": "wake", "REM": "REM", "N1": "N1", "N2": "N2", "N3": "N3"}


def other_stage_lead(night: LoadedNight, epoch: int, named: tuple[str, ...]) -> str:
    """"At 03:00 the stage was **N2**, not wake." before the stretch of an epoch's stage, when
    the question named stages ("how long was that wake period?") the epoch is not in; ""
    otherwise."""
    codes, source = night.stages()
    code = int(codes[epoch])
    if not named or code < 0 or STAGES[code] in named:
        return ""
    asked = "sleep" if len(named) == 4 else " or ".join(_STAGE_WORD[s] for s in named)
    return (f"At {clock(night, float(night.epochs.starts[epoch]))[:5]} the {source_name(source)} stage was "
            f"**{STAGES[code]}**, not {asked}, so this is the stretch of {STAGES[code]} around it.\n\n")
