"""Routed questions -> answers with times, measured numbers and regions to highlight.

Every number in an answer comes from a head (localization scores, stage
probabilities, AASM statistics, measured features) or from the scored events;
nothing is invented. Times are given as wall-clock ``HH:MM:SS`` when the file has a
start time, else as elapsed time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.engine import Engine
from app.night import LoadedNight
from app.phenomena import Phenomenon, find_phenomenon
from app.plots import Highlight
from app.router import Filter, Intent, Route
from app.timeexpr import format_clock, resolve
from sleeplm_core.heads.localize import LocalizeConfig, Region, Track, find_regions, localize
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event

DEFAULT_REGIONS = 5
# Refining only the best few epochs below the epoch keeps a first-time query under a
# second on two CPU cores; the heads' default (60 epochs) is meant for offline evaluation.
_SEARCH = LocalizeConfig(top_k=50, refine_epochs=8)
_FALLBACK_THRESHOLD = 1.0

CAPABILITIES = (
    "I can answer questions about the loaded night:\n"
    "- **find** things: *where are the longest apneas?*, *show spindles in N2 between 1 and 2 am*\n"
    "- **describe** a time: *what happens at 02:15?*, *how is breathing during REM?*\n"
    "- **stage** an epoch: *what stage is it at 03:10?*, *classify epoch 300*\n"
    "- **summarize** the night: *summary*, *what is the AHI?*\n"
    "- **compare**: *heart rate in REM vs N3*\n"
    "- **retrieve** look-alikes: *find epochs like this one in the library*\n"
    "Times can be *at 02:15*, *between 1 and 2 am*, *the first hour* or *epoch 300*."
)


@dataclass
class Answer:
    """What the chat shows and how the plots change.

    Attributes:
        text: markdown reply.
        highlights: regions to draw on the overview and the epoch viewer.
        jump: epoch to show in the viewer, None to stay.
        track: per-epoch calibrated score of the query, for the overview's match track.
        track_label: the query the track belongs to.
    """

    text: str
    highlights: list[Highlight] = field(default_factory=list)
    jump: int | None = None
    track: np.ndarray | None = None
    track_label: str = ""


def _clock(night: LoadedNight, seconds: float) -> str:
    return format_clock(seconds, night.recording.start_time)


def allowed_epochs(where: Filter, night: LoadedNight, current: int) -> np.ndarray:
    """bool (n_epochs,): epochs inside the stage and time restrictions of ``where``."""
    mask = np.ones(night.n_epochs, dtype=bool)
    if where.stages:
        stages, _ = night.stages()
        codes = [STAGES.index(s) for s in where.stages]
        mask &= np.isin(stages, codes)
    if where.time is not None:
        start, end = resolve(where.time, night.clock(current))
        starts = night.epochs.starts
        mask &= (starts + EPOCH_SEC > start) & (starts < end)
    return mask


def _where_text(where: Filter) -> str:
    parts = []
    if where.stages:
        parts.append("in " + "/".join(where.stages))
    if where.time is not None:
        parts.append(where.time.text.strip())
    return (" " + " ".join(parts)) if parts else ""


def _masked_track(track: Track, starts: np.ndarray, mask: np.ndarray) -> Track:
    epoch_of_bin = np.clip(np.searchsorted(starts, track.starts, side="right") - 1, 0, len(starts) - 1)
    return Track(track.starts, track.width, track.cosine,
                 np.where(mask[epoch_of_bin], track.calibrated, -np.inf))


def _rank(regions: list[Region], rank: str | None) -> list[Region]:
    keys: dict[str | None, Callable[[Region], float]] = {
        "longest": lambda r: -r.duration, "shortest": lambda r: r.duration,
        "earliest": lambda r: r.start,
    }
    return sorted(regions, key=keys.get(rank, lambda r: -r.score))


def _scored_events(night: LoadedNight, phen: Phenomenon | None, mask: np.ndarray) -> list[Event]:
    if phen is None or not phen.event_types:
        return []
    starts = night.epochs.starts
    keep = []
    for e in night.recording.events:
        if e.type in phen.event_types:
            i = night.epoch_at(e.onset)
            if mask[i] and starts[i] <= e.onset + EPOCH_SEC:
                keep.append(e)
    return keep


def _scored_line(night: LoadedNight, events: list[Event], rank: str | None) -> str:
    if not events:
        return ""
    durations = np.array([e.duration for e in events])
    longest = max(events, key=lambda e: e.duration)
    line = (f"\n\nThe human scoring has **{len(events)}** such events here "
            f"(mean {durations.mean():.0f} s); the longest lasts {longest.duration:.0f} s "
            f"at {_clock(night, longest.onset)}.")
    if rank == "longest":
        top = sorted(events, key=lambda e: -e.duration)[:3]
        line += " Longest scored: " + ", ".join(
            f"{_clock(night, e.onset)} ({e.duration:.0f} s)" for e in top) + "."
    return line


def _fallback_regions(track: Track, k: int) -> list[Region]:
    return find_regions(track, LocalizeConfig(threshold=_FALLBACK_THRESHOLD, min_duration=0.0,
                                              top_k=k))


def locate(route: Route, night: LoadedNight, engine: Engine, current: int) -> Answer:
    """Find where the route's target happens, within its stage/time restrictions."""
    phen = find_phenomenon(route.target)
    query = phen.query if phen else route.target
    mask = allowed_epochs(route.where, night, current)
    if not mask.any():
        return Answer(f"No epoch is{_where_text(route.where)}, so there is nothing to search.")
    loc = localize(night.embedded, query, engine.text, _SEARCH)
    track = _masked_track(loc.fine or loc.epochs, night.epochs.starts, mask)
    k = route.count or DEFAULT_REGIONS
    regions = find_regions(track, _SEARCH)
    weak = not regions
    if weak:
        regions = _fallback_regions(track, k)
    regions = _rank(regions, route.rank)[:k]
    name = phen.title.lower() if phen else f"“{route.target}”"
    per_epoch = np.where(mask, loc.epochs.calibrated, np.nan)
    if not regions:
        return Answer(f"Nothing in the night matches {name}{_where_text(route.where)} "
                      f"(no epoch reaches z ≥ {_FALLBACK_THRESHOLD:.0f}).", track=per_epoch,
                      track_label=query)
    lines = [_region_line(night, r) for r in regions]
    head = (f"The model's best matches for {name}{_where_text(route.where)}"
            + (f" are weak (none reaches z ≥ {_SEARCH.threshold:.0f}); the strongest are:" if weak
               else f" ({len(regions)} region{'s' * (len(regions) > 1)}, z-score vs this night):"))
    text = head + "\n" + "\n".join(lines)
    text += _scored_line(night, _scored_events(night, phen, mask), route.rank)
    highlights = [Highlight(r.start, r.end, phen.title if phen else route.target, r.score)
                  for r in regions]
    return Answer(text, highlights, night.epoch_at(regions[0].start), per_epoch, query)


def _region_line(night: LoadedNight, r: Region) -> str:
    stages, source = night.stages()
    stage = STAGES[stages[night.epoch_at(r.start)]] if stages[night.epoch_at(r.start)] >= 0 else "?"
    return (f"- **{_clock(night, r.start)}–{_clock(night, r.end)}** ({r.duration:.0f} s, "
            f"z = {r.score:.2f}, cosine {r.cosine:.3f}, {source} stage {stage})")


def classify(route: Route, night: LoadedNight, current: int) -> Answer:
    """Stage of the epoch named by the route (the current epoch by default)."""
    i = _named_epoch(route, night, current)
    t = float(night.epochs.starts[i])
    order = np.argsort(-night.proba[i])
    probs = ", ".join(f"{STAGES[j]} {night.proba[i, j]:.0%}" for j in order[:3])
    text = (f"Epoch {i} ({_clock(night, t)}–{_clock(night, t + EPOCH_SEC)}): the model says "
            f"**{STAGES[night.predicted[i]]}** ({probs}).")
    scored = night.scored()
    if scored is not None and scored[i] >= 0:
        agree = "agrees" if scored[i] == night.predicted[i] else "disagrees"
        text += f" The human scoring says **{STAGES[scored[i]]}**; the model {agree}."
    return Answer(text, [Highlight(t, t + EPOCH_SEC, STAGES[night.predicted[i]],
                                   float(night.confidence[i]))], i)


def _named_epoch(route: Route, night: LoadedNight, current: int) -> int:
    if route.where.time is None:
        return current
    start, _ = resolve(route.where.time, night.clock(current))
    return night.epoch_at(start)


def summarize(night: LoadedNight) -> Answer:
    """AASM statistics of the night, with AHI/ODI where they can be measured."""
    s = night.summary()
    text = (f"From the **{s.source}** hypnogram: time in bed {s.tib_min:.0f} min, total sleep "
            f"{s.tst_min:.0f} min, efficiency {s.se_pct:.1f}%, sleep onset latency "
            f"{s.sol_min:.1f} min, WASO {s.waso_min:.0f} min, REM latency "
            + ("n/a" if s.rem_latency_min != s.rem_latency_min else f"{s.rem_latency_min:.0f} min")
            + f", {s.awakenings} awakenings. Stages: "
            + ", ".join(f"{k} {v:.0f} min ({s.stage_pct[k]:.0f}%)" for k, v in s.stage_min.items())
            + ".")
    if s.ahi is not None:
        text += f" AHI {s.ahi:.1f}/h ({s.n_apneas_hypopneas} apneas+hypopneas)."
    if s.odi is not None:
        text += f" ODI {s.odi:.1f}/h ({s.n_desaturations} desaturations ≥3%)."
    return Answer(text)


def answer(route: Route, night: LoadedNight, engine: Engine, current: int) -> Answer:
    """Dispatch a routed question to the head that answers it."""
    if route.intent == Intent.HELP:
        return Answer(CAPABILITIES)
    if route.intent == Intent.UNSUPPORTED:
        return Answer("I can't answer that: I only read the signals of the loaded night and "
                      "never give medical advice.\n\n" + CAPABILITIES)
    if route.intent == Intent.SUMMARIZE:
        return summarize(night)
    if route.intent == Intent.CLASSIFY:
        return classify(route, night, current)
    return locate(route, night, engine, current)
