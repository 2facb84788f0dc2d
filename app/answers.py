"""Routed questions -> answers with times, measured numbers and regions to highlight.

Every number in an answer comes from a head (localization scores, stage
probabilities, AASM statistics, measured features) or from the scored events;
nothing is invented. Times are given as wall-clock ``HH:MM:SS`` when the file has a
start time, else as elapsed time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from app.engine import Engine
from app.night import LoadedNight
from app.phenomena import Phenomenon, find_phenomenon
from app.plots import Highlight
from app.router import Filter, Intent, Route
from app.timeexpr import TimeSpan, format_clock, resolve
from sleeplm_core.heads.insights import InsightConfig, describe as describe_epochs
from sleeplm_core.index.search import Hit, search_text, search_vectors
from sleeplm_core.heads.localize import LocalizeConfig, Region, Track, find_regions, localize
from sleeplm_core.errors import SleepLMError
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event

DEFAULT_REGIONS = 5
# Refining only the best few epochs below the epoch keeps a first-time query under a
# second on two CPU cores; the heads' default (60 epochs) is meant for offline evaluation.
_SEARCH = LocalizeConfig(top_k=50, refine_epochs=8)
_FALLBACK_THRESHOLD = 1.0

# Channels that carry each caption level; without any of them the model cannot see it.
_LEVEL_CHANNELS: dict[str, tuple[str, ...]] = {
    "brain": ("EEG_C3", "EEG_C4", "EOG_L", "EOG_R"), "heart": ("ECG",),
    "respiratory": ("AF", "THX", "ABD"), "position_muscle": ("EMG_CHIN", "POS"),
}

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
        hits: library results, for the retrieval browser.
    """

    text: str
    highlights: list[Highlight] = field(default_factory=list)
    jump: int | None = None
    track: np.ndarray | None = None
    track_label: str = ""
    hits: list[Hit] = field(default_factory=list)


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
        start, end = _span(where.time, night, current)
        starts = night.epochs.starts
        mask &= (starts + EPOCH_SEC > start) & (starts < end)
    return mask


def _span(time: TimeSpan, night: LoadedNight, current: int) -> tuple[float, float]:
    """Seconds from the recording start of a time span, refused when outside the night."""
    start, end = resolve(time, night.clock(current))
    if start >= night.recording.duration or (time.kind == "epoch" and time.start >= night.n_epochs):
        last = night.recording.duration
        raise SleepLMError(f"“{time.text.strip()}” is outside this recording "
                           f"({_clock(night, 0.0)} to {_clock(night, last)}, epochs 0-"
                           f"{night.n_epochs - 1}); ask about a time inside it")
    return start, end


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


# Sort keys, on (start, duration) in seconds, of the ranks a question can ask for.
_RANK_KEYS: dict[str, Callable[[float, float], float]] = {
    "longest": lambda start, duration: -duration, "shortest": lambda start, duration: duration,
    "earliest": lambda start, duration: start,
}


def _rank(regions: list[Region], rank: str | None) -> list[Region]:
    if rank in _RANK_KEYS:
        return sorted(regions, key=lambda r: _RANK_KEYS[rank](r.start, r.duration))
    return sorted(regions, key=lambda r: -r.score)


def _scored_events(night: LoadedNight, phen: Phenomenon | None, mask: np.ndarray) -> list[Event]:
    """Scored events of the phenomenon's types that start in an allowed epoch."""
    if phen is None or not phen.event_types:
        return []
    return [e for e in night.recording.events
            if e.type in phen.event_types and mask[night.epoch_at(e.onset)]]


def _scored_section(night: LoadedNight, events: list[Event], name: str, where: str,
                    rank: str | None, k: int) -> tuple[str, list[Event]]:
    """The human-scored events, ranked and cut to ``k``, ahead of the model's matches."""
    if not events:
        return "", []
    # Scored events carry no strength, so "strongest" (and no rank) lists the longest.
    order = rank if rank in _RANK_KEYS else "longest"
    shown = sorted(events, key=lambda e: _RANK_KEYS[order](e.onset, e.duration))[:k]
    stages, source = night.stages()
    durations = np.array([e.duration for e in events])
    lines = [f"- **{_clock(night, e.onset)}–{_clock(night, e.onset + e.duration)}** "
             f"({_seconds(e.duration)}, {e.type.replace('_', ' ')}, {source} stage "
             f"{_stage_name(stages[night.epoch_at(e.onset)])})" for e in shown]
    head = (f"The human scoring has **{len(events)}** {name} events{where} "
            f"(mean {_seconds(durations.mean())}, total {durations.sum() / 60:.1f} min); "
            f"the {len(shown)} {order} (blue on the plots):")
    return head + "\n" + "\n".join(lines), shown


def _seconds(duration: float) -> str:
    # Spindles and K-complexes last about a second: whole seconds would hide their length.
    return f"{duration:.1f} s" if duration < 10 else f"{duration:.0f} s"


def _stage_name(code: int) -> str:
    return STAGES[code] if code >= 0 else "?"


def _blind_note(night: LoadedNight, phen: Phenomenon | None) -> str:
    """A warning when the recording lacks every channel the phenomenon shows on."""
    needed = _LEVEL_CHANNELS.get(phen.level, ()) if phen else ()
    if needed and not any(c in night.epochs.mapping for c in needed):
        return (f"\n\n⚠️ This recording has none of the {phen.level} channels "
                f"({', '.join(needed)}), so these matches cannot reflect {phen.title.lower()}.")
    return ""


def _fallback_regions(track: Track, k: int) -> list[Region]:
    return find_regions(track, LocalizeConfig(threshold=_FALLBACK_THRESHOLD, min_duration=0.0,
                                              top_k=k))


def locate(route: Route, night: LoadedNight, engine: Engine, current: int) -> Answer:
    """Find where the route's target happens, within its stage/time restrictions."""
    phen = find_phenomenon(route.target)
    query = phen.query if phen else route.target
    if not query:
        return Answer("What should I look for? Name a phenomenon or describe it in words.\n\n"
                      + CAPABILITIES)
    mask = allowed_epochs(route.where, night, current)
    if not mask.any():
        return Answer(f"No epoch is{_where_text(route.where)}, so there is nothing to search.")
    loc = localize(night.embedded, query, engine.text, _SEARCH)
    track = _masked_track(loc.fine if loc.fine is not None else loc.epochs, night.epochs.starts,
                          mask)
    k = route.count or DEFAULT_REGIONS
    regions = find_regions(track, _SEARCH)
    weak = not regions
    if weak:
        regions = _fallback_regions(track, k)
    regions = _rank(regions, route.rank)[:k]
    name = phen.title.lower() if phen else f"“{route.target}”"
    where = _where_text(route.where)
    per_epoch = np.where(mask, loc.epochs.calibrated, np.nan)
    scored_text, scored = _scored_section(night, _scored_events(night, phen, mask), name,
                                          where, route.rank, k)
    if not regions and not scored:
        return Answer(f"Nothing in the night matches {name}{where} "
                      f"(no epoch reaches z ≥ {_FALLBACK_THRESHOLD:.0f}).", track=per_epoch,
                      track_label=query)
    text = "\n\n".join(t for t in (scored_text, _model_section(night, regions, name, where, weak))
                       if t) + _blind_note(night, phen)
    label = phen.title if phen else route.target
    highlights = ([Highlight(e.onset, e.onset + e.duration, f"scored {label.lower()}", None)
                   for e in scored]
                  + [Highlight(r.start, r.end, label, r.score) for r in regions])
    return Answer(text, highlights, night.epoch_at(highlights[0].start), per_epoch, query)


def _model_section(night: LoadedNight, regions: list[Region], name: str, where: str,
                   weak: bool) -> str:
    if not regions:
        return (f"The model finds no match for {name}{where} "
                f"(no epoch reaches z ≥ {_FALLBACK_THRESHOLD:.0f}).")
    head = (f"The model's best matches for {name}{where}"
            + (f" are weak (no stretch of {_SEARCH.min_duration:.0f} s or more stays at z ≥ "
               f"{_SEARCH.threshold:.0f}); the strongest (orange) are:" if weak
               else f" ({len(regions)} region{'s' * (len(regions) > 1)}, z-score vs this night; "
               f"orange):"))
    return head + "\n" + "\n".join(_region_line(night, r) for r in regions)


def _region_line(night: LoadedNight, r: Region) -> str:
    stages, source = night.stages()
    return (f"- **{_clock(night, r.start)}–{_clock(night, r.end)}** ({r.duration:.0f} s, "
            f"z = {r.score:.2f}, cosine {r.cosine:.3f}, {source} stage "
            f"{_stage_name(stages[night.epoch_at(r.start)])})")


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
    start, _ = _span(route.where.time, night, current)
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


def epoch_runs(idx: np.ndarray) -> list[tuple[int, int]]:
    """[first, last] epoch pairs of the consecutive runs in sorted, non-empty ``idx``."""
    breaks = np.flatnonzero(np.diff(idx) > 1)
    firsts = np.concatenate([[idx[0]], idx[breaks + 1]])
    lasts = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(firsts.tolist(), lasts.tolist()))


def _describe_epochs(route: Route, night: LoadedNight, engine: Engine,
                     current: int) -> tuple[np.ndarray, str]:
    """Epochs a describe question is about, and how they were chosen."""
    if route.where.time is not None or route.where.stages:
        idx = np.flatnonzero(allowed_epochs(route.where, night, current))
        return idx, _where_text(route.where).strip()
    phen = find_phenomenon(route.target)
    if phen is not None:
        found = locate(replace(route, count=3), night, engine, current)
        if found.highlights:
            idx = np.unique(np.concatenate([
                np.arange(night.epoch_at(h.start), night.epoch_at(h.end - 1e-6) + 1)
                for h in found.highlights]))
            return idx, f"the {len(found.highlights)} regions that best match {phen.title.lower()}"
    return np.array([current]), "the current epoch"


def describe(route: Route, night: LoadedNight, engine: Engine, current: int) -> Answer:
    """Measured features (and, for one modality, the model's own words) of some epochs."""
    idx, how = _describe_epochs(route, night, engine, current)
    if not len(idx):
        return Answer(f"No epoch is {how}, so there is nothing to describe.")
    frame = night.feature_frame()
    stages, _ = night.stages()
    levels = [route.modality] if route.modality else list(night.features.present_levels())
    paragraphs = []
    for level in levels:
        # Generating text is the slow part on a CPU: only for one modality, first epoch.
        captions = night.generated_captions([int(idx[0])], level, engine) if route.modality else None
        insight = describe_epochs(idx, level, frame, night.epochs.starts, captions, stages,
                                  night.recording.start_time,
                                  InsightConfig(max_features=4 if route.modality else 3))
        paragraphs.append(f"**{level.replace('_', '/')}** — {insight.text}")
    runs = epoch_runs(idx)
    starts = night.epochs.starts
    highlights = [Highlight(float(starts[a]), float(starts[b]) + EPOCH_SEC, "described")
                  for a, b in runs[:DEFAULT_REGIONS]]
    return Answer(f"About {how}:\n\n" + "\n\n".join(paragraphs), highlights, int(idx[0]))


def _feature_column(measure: str, level: str | None, frame: pd.DataFrame) -> str | None:
    """The feature column whose name shares most words with ``measure``, preferring ``level``."""
    words = set(re.findall(r"[a-z0-9]+", measure.lower())) - {"the", "of", "in"}
    best, best_score = None, 0
    for col in frame.columns:
        if "[" not in col:
            continue
        score = len(words & set(re.findall(r"[a-z0-9]+", col.lower())))
        score += 1 if level and col.startswith(f"{level}.") else 0
        if score > best_score:
            best, best_score = col, score
    # With a level named, its first feature is the fallback ("breathing" -> belt rate).
    return best if best_score >= 1 else None


def compare(route: Route, night: LoadedNight, current: int) -> Answer:
    """A measured feature in two conditions (stages or time spans), with mean and spread."""
    frame = night.feature_frame()
    col = _feature_column(route.target, route.modality, frame)
    if col is None or route.groups is None:
        level = route.modality or "brain"
        names = [c for c in frame.columns if c.startswith(f"{level}.")]
        return Answer(f"I can compare measured features; none matches “{route.target}”. "
                      f"Measured at the {level} level: " + ", ".join(names[:12]) + ".")
    parts = []
    for group in route.groups:
        mask = allowed_epochs(group, night, current)
        values = pd.to_numeric(frame.loc[mask, col], errors="coerce").dropna()
        label = _where_text(group).strip() or "elsewhere"
        if values.empty:
            parts.append(f"{label}: no epoch with a measurement")
        else:
            parts.append(f"{label}: **{values.mean():.1f}** (sd {values.std(ddof=0):.1f}, "
                         f"{len(values)} epochs)")
    return Answer(f"{col}, mean per epoch — " + " vs ".join(parts) + ".")


def similar(route: Route, night: LoadedNight, engine: Engine, current: int, k: int = 6) -> Answer:
    """Library epochs that look like an epoch of this night, or that match a text."""
    library = engine.library
    if library is None:
        return Answer("No retrieval library is loaded, so I cannot search other recordings. "
                      "Start the app with `--index DIR` (build one with `sleeplm index build "
                      "RECORDINGS... --out DIR`).")
    phen = find_phenomenon(route.target)
    if route.where.time is None and route.target and phen is not None:
        hits = search_text(library, phen.query, engine.text, k)
        what = f"“{phen.title.lower()}”"
    else:
        i = _named_epoch(route, night, current)
        hits = search_vectors(library, night.embedded.vectors[i:i + 1], k)[0]
        what = f"epoch {i} ({_clock(night, float(night.epochs.starts[i]))})"
    lines = [f"- {h.score:+.3f} · {h.meta['recording']} epoch {h.meta['epoch']} "
             f"({h.meta['clock'] or str(h.meta['time_s']) + ' s'}, stage {h.meta['stage'] or '?'}, "
             f"{h.meta['kind']}, {h.meta['licence']}): {h.meta['caption']}" for h in hits]
    return Answer(f"Library epochs closest to {what} (cosine):\n" + "\n".join(lines), hits=hits)


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
    if route.intent == Intent.COMPARE:
        return compare(route, night, current)
    if route.intent == Intent.SIMILAR:
        return similar(route, night, engine, current)
    if route.intent == Intent.DESCRIBE:
        return describe(route, night, engine, current)
    return locate(route, night, engine, current)
