"""Heart captions: an ECG sentence, a heart-rate sentence and an SpO2 sentence,
each present only when its signal is."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.grammar import (
    NumberStyle, alternation, find_all, join_items, match_start, number_in, parse_number, pick,
)
from sleeplm_core.features.heart import EcgBeats, HeartFacts, HeartRate, Oxygen
from sleeplm_core.features.schema import Trend

ECG_HEADS = ("ECG:", "Electrocardiogram:", "From the ECG,")
ECG_PHRASES = {
    "rate": ("beat rate {value} bpm", "{value} beats per minute", "a beat rate of {value} bpm"),
    "rmssd": ("RMSSD {value} ms", "an RMSSD of {value} ms",
              "beat-to-beat variability (RMSSD) {value} ms"),
}
HR_HEADS = ("Heart rate:", "Heart rate (bpm):", "Heart rate in beats per minute:")
# Heads that name where the rate comes from (the pulse channel or the ECG).
HR_SOURCE_HEADS = ("Heart rate from {source}:", "Heart rate (from {source}):",
                   "Heart rate measured from {source}:")
SOURCE = r"[^():]+"
SPO2_HEADS = ("SpO2:", "Oxygen saturation (SpO2):", "Blood oxygen (SpO2):")
STAT_PHRASES = {
    "minimum": ("minimum {value}", "lowest {value}", "a low of {value}"),
    "maximum": ("maximum {value}", "highest {value}", "a peak of {value}"),
    "mean": ("mean {value}", "average {value}", "a mean of {value}"),
}
TREND_WORDS = {
    "increasing": ("increasing", "rising"),
    "decreasing": ("decreasing", "falling"),
    "stable": ("stable", "steady"),
}
TREND_PHRASES = (
    "a {word} phase from {start} to {end} seconds", "{word} from {start} s to {end} s",
    "{word} between {start} and {end} seconds",
)
_WORD_TO_DIRECTION = {w: d for d, words in TREND_WORDS.items() for w in words}
_WORD = alternation(tuple(_WORD_TO_DIRECTION))


def render(facts: HeartFacts, rng: np.random.Generator, number: NumberStyle) -> str:
    """A heart caption for one epoch."""
    parts = []
    if facts.ecg:
        items = [pick(rng, ECG_PHRASES[k]).format(value=number(EcgBeats, k, getattr(facts.ecg, k)))
                 for k in ("rate", "rmssd")]
        parts.append(f"{pick(rng, ECG_HEADS)} {join_items(items, rng)}.")
    if facts.heart_rate:
        source = facts.heart_rate.source
        heads = tuple(h.format(source=source) for h in HR_SOURCE_HEADS) if source else HR_HEADS
        parts.append(_summary(heads, facts.heart_rate, ("minimum", "maximum", "mean"), "",
                              rng, number))
    if facts.spo2:
        parts.append(_summary(SPO2_HEADS, facts.spo2, ("minimum", "mean"), "%", rng, number))
    return " ".join(parts)


def parse(sentences: list[str]) -> tuple[HeartFacts | None, int]:
    """Heart facts from caption sentences, and how many sentences were understood."""
    ecg = hr = spo2 = None
    n = 0
    for sentence in sentences:
        if head := match_start(ECG_HEADS, sentence):
            body = sentence[head.end():]
            ecg = EcgBeats(*(number_in(ECG_PHRASES[k], body) for k in ("rate", "rmssd")))
        elif head := (match_start(HR_SOURCE_HEADS, sentence, source=SOURCE)
                      or match_start(HR_HEADS, sentence)):
            body = sentence[head.end():]
            hr = HeartRate(*_stats(body, ("minimum", "maximum", "mean"), ""), _trends(body),
                           (head.groupdict().get("source") or "").strip())
        elif head := match_start(SPO2_HEADS, sentence):
            body = sentence[head.end():]
            spo2 = Oxygen(*_stats(body, ("minimum", "mean"), "%"), _trends(body))
        else:
            continue
        n += 1
    return (HeartFacts(ecg, hr, spo2) if n else None), n


def _summary(heads: tuple[str, ...], stats: HeartRate | Oxygen, names: tuple[str, ...],
             suffix: str, rng: np.random.Generator, number: NumberStyle) -> str:
    items = [pick(rng, STAT_PHRASES[k]).format(value=number(type(stats), k, getattr(stats, k)))
             + suffix for k in names]
    trends = [pick(rng, TREND_PHRASES).format(
        word=pick(rng, TREND_WORDS[t.direction]),
        start=number.exact(Trend, "start", t.start), end=number.exact(Trend, "end", t.end))
        for t in stats.trends]
    if len(trends) > 1 and rng.random() < 0.5:
        trends = [", then ".join(trends)]
    return f"{pick(rng, heads)} {join_items(items + trends, rng)}."


def _stats(body: str, names: tuple[str, ...], suffix: str) -> list[float]:
    return [number_in(tuple(p + suffix for p in STAT_PHRASES[k]), body) for k in names]


def _trends(body: str) -> tuple[Trend, ...]:
    return tuple(
        Trend(_WORD_TO_DIRECTION[m["word"]], parse_number(m["start"]), parse_number(m["end"]))
        for m in find_all(TREND_PHRASES, body, word=_WORD)
    )
