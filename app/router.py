"""Deterministic chat routing: a question becomes a :class:`Route` (intent + arguments).

Routing is pure string work with ordered rules, so the same words always give
the same route and a table of phrasings can test it. The first intent rule
that matches wins; questions that match none but still talk about sleep fall
back to localization (search the night for the words), and questions with no
sleep vocabulary at all are routed to ``unsupported`` so that the app can say
honestly what it can do instead of highlighting something arbitrary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from app.timeexpr import TimeSpan, parse_time
from sleeplm_core.captions.levels import LEVELS


class Intent(str, Enum):
    """What the user wants done."""

    LOCATE = "locate"
    DESCRIBE = "describe"
    SIMILAR = "similar"
    CLASSIFY = "classify"
    SUMMARIZE = "summarize"
    COMPARE = "compare"
    HELP = "help"
    UNSUPPORTED = "unsupported"


_STAGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"rem(?:\s+sleep)?|rapid eye movement sleep|dream sleep", ("REM",)),
    (r"n3|stage\s*3|deep(?:est)?\s+sleep|slow[- ]wave sleep|sws", ("N3",)),
    (r"n2|stage\s*2", ("N2",)),
    (r"n1|stage\s*1", ("N1",)),
    (r"light\s+sleep", ("N1", "N2")),
    (r"nrem|non[- ]rem", ("N1", "N2", "N3")),
    (r"wake(?:fulness)?|awake|w", ("W",)),
)
_STAGE_FILTER_RE = [
    (re.compile(rf"\b(?:in|during|within|while in)\s+(?:stage\s+)?(?:{pat})\b", re.IGNORECASE), st)
    for pat, st in _STAGE_WORDS
]
_STAGE_TERM_RE = [(re.compile(rf"\b(?:{pat})\b", re.IGNORECASE), st) for pat, st in _STAGE_WORDS]

_MODALITY_WORDS: dict[str, str] = {
    "brain": r"eeg|brain|cortical|eog|eye movements?|spindles?|k-complex(?:es)?|alpha|delta|theta|slow waves?",
    "heart": r"heart(?:\s+rate)?|ecg|ekg|cardiac|pulse|hrv|bradycardia|tachycardia",
    "respiratory": (r"breath(?:ing)?|respirat\w*|airflow|apneas?|apnoeas?|hypopneas?|hypopnoeas?|"
                    r"spo2|oxygen|saturation|desaturations?|snor\w*"),
    "position_muscle": r"position|posture|muscle|emg|chin|leg movements?|limb|movement",
    "stage_event": r"hypnogram|arousals?|awakenings?",
}
_MODALITY_RE = {m: re.compile(rf"\b(?:{_MODALITY_WORDS[m]})\b", re.IGNORECASE) for m in LEVELS}

# Words that show a question is about sleep at all; without one we do not guess.
_DOMAIN_RE = re.compile(
    r"\b(?:sleep|stages?|epochs?|night|rem|n1|n2|n3|wake|awake|arousals?|events?|signals?|waves?|"
    r"spindles?|k-complex(?:es)?|alpha|delta|theta|beta|apneas?|apnoeas?|hypopneas?|breath\w*|"
    r"respirat\w*|airflow|oxygen|spo2|desat\w*|heart|ecg|pulse|eeg|eog|emg|eyes?|muscle|"
    r"position|movements?|snor\w*|limb|legs?|chin|hypnogram|arousal|sawtooth|artifacts?|"
    r"oscillations?|bursts?|rhythm|saturation|cardiac|brain)\b",
    re.IGNORECASE,
)
_OUT_OF_SCOPE_RE = re.compile(
    r"\b(?:diagnos\w*|prescri\w*|medication|treat(?:ment)?|cure|should i take|dose|dosage)\b",
    re.IGNORECASE,
)

_HELP_RE = re.compile(r"^\s*(?:help|\?|what can (?:you|i) (?:do|ask)|how do(?:es)? (?:this|it|i use)"
                      r"|what (?:can|should) i ask)\b", re.IGNORECASE)
_COMPARE_SPLIT_RE = re.compile(r"\s+(?:vs\.?|versus|compared (?:to|with)|against)\s+", re.IGNORECASE)
_COMPARE_RE = re.compile(r"\b(?:compare|comparison|difference between|differ)\b", re.IGNORECASE)
_SIMILAR_RE = re.compile(r"\b(?:similar|like this|like (?:the )?(?:current|epoch)|retrieve|library|"
                         r"look-?alikes?|more like|resembl\w*|nearest)\b", re.IGNORECASE)
_SUMMARY_RE = re.compile(r"\b(?:summar\w*|overview|statistics|stats|sleep efficiency|total sleep time|"
                         r"ahi|odi|apnea[- ]hypopnea index|how (?:well )?did .* sleep|sleep quality|"
                         r"sleep architecture|waso|sleep latency|rem latency|report)\b", re.IGNORECASE)
_CLASSIFY_RE = re.compile(r"\b(?:what|which)\s+(?:sleep\s+)?stage\b|\bclassify\b|\bstage (?:is it|at)\b|"
                          r"\bscore (?:this|epoch)\b|\bis (?:it|this|that)\s+(?:rem|n1|n2|n3|wake)\b",
                          re.IGNORECASE)
_DESCRIBE_RE = re.compile(r"\b(?:describe|description|what happens|what(?:'s| is) happening|"
                          r"what(?:'s| is) going on|how (?:is|are|does|do)|tell me about|explain|"
                          r"what does .* look like|caption\w*|characteri[sz]e)\b", re.IGNORECASE)
_LOCATE_RE = re.compile(r"\b(?:where|when|find|show|locate|highlight|are there|is there|any|"
                        r"search|point (?:me )?to|examples?)\b", re.IGNORECASE)

_RANK_WORDS: tuple[tuple[str, str], ...] = (
    (r"longest|long", "longest"),
    (r"shortest", "shortest"),
    (r"clearest|clear|best|strongest|most (?:obvious|typical|prominent)|typical|prominent", "strongest"),
    (r"first|earliest", "earliest"),
)
_RANK_RE = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), r) for p, r in _RANK_WORDS]
# "the first 10 minutes" is a time, not a count.
_COUNT_RE = re.compile(r"\b(?:top|the|longest|shortest|earliest|first|strongest|clearest|best)\s+"
                       r"(\d{1,2})\b(?!\s*(?:min\w*|hours?|h|s|sec\w*)\b)"
                       r"|\b(\d{1,2})\s+(?:examples?|epochs?|regions?|episodes?|events?)\b",
                       re.IGNORECASE)
_SINGLE_RE = re.compile(r"\b(?:an? (?:clear |good |single |typical )?example|one example|the best)\b",
                        re.IGNORECASE)

# Framing words removed to leave the thing the user is looking for.
_FRAME_RE = re.compile(
    r"\b(?:where|when|what|which|how|find|show|me|us|locate|highlight|search|for|are|is|was|were|there|"
    r"any|the|a|an|of|some|please|can|could|you|i|see|do|does|did|in|this|that|it|recording|night|"
    r"patient|give|clear|clearest|best|good|typical|example|examples|longest|shortest|strongest|"
    r"most|obvious|prominent|top|all|happen|happens|occur|occurs|occurring|during|look|looks|like|"
    r"describe|tell|about|explain|happening|going|on|epochs?\s+with|epochs?|regions?|periods?|"
    r"episodes?|to|me|point|get|want|need|let's|lets|whole|first|earliest|one|with|have|has|had|"
    r"and|at|occurring|moments?|times?|retrieve|similar|(?:from|in)\s+the\s+library)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Filter:
    """Restricts where an answer looks: scored/predicted stages and/or a time span."""

    stages: tuple[str, ...] = ()
    time: TimeSpan | None = None


@dataclass(frozen=True)
class Route:
    """A routed question.

    Attributes:
        intent: what to do.
        text: the question as asked.
        target: what is being looked for or described, framing words removed
            ("where are the longest apneas?" -> "apneas"); "" when none.
        modality: caption modality named or implied by the words, or None.
        where: stage and time restrictions.
        rank: "longest", "shortest", "strongest", "earliest" or None.
        count: how many regions the user asked for, None for the default.
        groups: for ``compare``, the two conditions compared.
    """

    intent: Intent
    text: str
    target: str = ""
    modality: str | None = None
    where: Filter = field(default_factory=Filter)
    rank: str | None = None
    count: int | None = None
    groups: tuple[Filter, Filter] | None = None


def _stage_filter(text: str) -> tuple[tuple[str, ...], str]:
    """Stages named after in/during; returns them and the text with that phrase removed."""
    for pattern, stages in _STAGE_FILTER_RE:
        if m := pattern.search(text):
            return stages, text[: m.start()] + " " + text[m.end():]
    return (), text


def _stage_term(text: str) -> tuple[str, ...]:
    for pattern, stages in _STAGE_TERM_RE:
        if pattern.search(text):
            return stages
    return ()


def _modality(text: str) -> str | None:
    for name, pattern in _MODALITY_RE.items():
        if pattern.search(text):
            return name
    return None


def _rank(text: str) -> str | None:
    for pattern, rank in _RANK_RE:
        if pattern.search(text):
            return rank
    return None


def _count(text: str) -> int | None:
    if m := _COUNT_RE.search(text):
        return int(m.group(1) or m.group(2))
    return 1 if _SINGLE_RE.search(text) else None


def _target(text: str) -> str:
    words = _FRAME_RE.sub(" ", re.sub(r"[?!.,;:]|\b\d+\b", " ", text))
    return " ".join(words.split()).lower()


def _condition(part: str) -> Filter:
    time = parse_time(part)
    stages, _ = _stage_filter(part)
    return Filter(stages or _stage_term(part), time)


def _compare(text: str) -> Route | None:
    parts = _COMPARE_SPLIT_RE.split(text, maxsplit=1)
    if len(parts) != 2:
        m = re.search(r"\bbetween\s+(.+?)\s+and\s+(.+)$", text, re.IGNORECASE)
        if not (_COMPARE_RE.search(text) and m):
            return None
        parts = [m.group(1), m.group(2)]
    left, right = _condition(parts[0]), _condition(parts[1])
    if not (left.stages or left.time) or not (right.stages or right.time):
        return None
    measure_text = parts[0]
    for pattern, _ in _STAGE_FILTER_RE + _STAGE_TERM_RE:
        measure_text = pattern.sub(" ", measure_text)
    if left.time:
        measure_text = measure_text.replace(left.time.text, " ")
    measure = _target(re.sub(r"\b(?:compare|comparison|difference|between)\b", " ", measure_text,
                             flags=re.IGNORECASE))
    return Route(Intent.COMPARE, text, measure, _modality(text), groups=(left, right))


def _intent(text: str) -> Intent:
    for pattern, intent in ((_SIMILAR_RE, Intent.SIMILAR), (_SUMMARY_RE, Intent.SUMMARIZE),
                            (_CLASSIFY_RE, Intent.CLASSIFY), (_DESCRIBE_RE, Intent.DESCRIBE),
                            (_LOCATE_RE, Intent.LOCATE)):
        if pattern.search(text):
            return intent
    return Intent.LOCATE


def route(text: str) -> Route:
    """Route one chat message; never raises."""
    text = " ".join(text.split())
    if not text or _HELP_RE.search(text):
        return Route(Intent.HELP, text)
    if _OUT_OF_SCOPE_RE.search(text):
        return Route(Intent.UNSUPPORTED, text)
    if compared := _compare(text):
        return compared
    time = parse_time(text)
    rest = text.replace(time.text, " ") if time else text
    stages, rest = _stage_filter(rest)
    intent = _intent(text)
    target = _target(rest)
    has_domain = bool(_DOMAIN_RE.search(text)) or time is not None
    if not has_domain and intent not in (Intent.SUMMARIZE, Intent.SIMILAR):
        return Route(Intent.UNSUPPORTED, text)
    if intent == Intent.LOCATE and not target and time is not None:
        # "show me 02:15" names a place, not a thing: show and describe what is there.
        intent = Intent.DESCRIBE
    return Route(intent, text, target, _modality(text), Filter(stages, time),
                 _rank(rest), _count(rest))
