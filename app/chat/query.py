"""The structured form of a chat question, shared by every step of the pipeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from app.chat.aspects import (Aspect, asked_direction, asked_fewer, asked_length_way, asked_rate_way, asked_swing,
                              asked_trend, listed_cause, named_apnea_type, named_cause, named_channels, named_position,
                              read_aspects)
from app.chat.timespan import TimeSpan


INDEX_STATS: tuple[str, ...] = ("ahi", "rdi", "odi")
"""Whole-night statistics that are event rates, and so can be split by scope or group."""
THRESHOLD_BY: tuple[str, ...] = ("hour", "stage", "position", "cycle")
"""Groupings the time a signal spends past a line can be split by ("T90 by stage")."""
SLEEP_STATS: tuple[str, ...] = ("se", "sme", "tst", "waso", "tib")
"""Statistics of the hypnogram alone, which a time span restricts ("efficiency after 3 am")."""


class Intent(str, Enum):
    """What the user wants done."""

    HELP = "help"
    OFF_TOPIC = "off_topic"
    UNKNOWN = "unknown"
    MEDICAL = "medical"
    STAGE_TIMING = "stage_timing"
    STAGE_AMOUNT = "stage_amount"
    SUMMARY = "summary"
    NORMAL = "normal"
    SHOW = "show"
    NAVIGATE = "navigate"
    EXPLAIN = "explain"
    LOCATE = "locate"
    THRESHOLD = "threshold"
    MEASURE = "measure"
    CLASSIFY = "classify"
    COMPARE = "compare"
    DESCRIBE = "describe"
    SIMILAR = "similar"
    RECORDING = "recording"
    BREAKDOWN = "breakdown"


class Ref(str, Enum):
    """How a follow-up refers back to the dialogue."""

    NONE = "none"
    REPEAT = "repeat"          # "and in REM?", "and breathing?": last query, slots replaced
    REFINE = "refine"          # "only the ones after 4 am": filter the last result list
    COUNT = "count"            # "how many were there?"
    FOCUS = "focus"            # "zoom into the second one", "zoom to it"
    STEP = "step"              # "next one", "previous one"
    BACK = "back"              # "go back"
    CONTEXT = "context"        # "what happened just before it?"
    COMPARE_WITH = "compare_with"  # "compare with the first half"
    ITEM = "item"              # "how long was it?", "what was the oxygen during it?"
    EXAMPLE = "example"        # "show me one", "find one in REM": the last phenomenon, found
    MEANING = "meaning"        # "what does that mean?": the last phenomenon or statistic explained
    WHY = "why"                # "why?", "how do you know?": the evidence for the last answer
    SHARE = "share"            # "what percentage is that?": the last count as a share
    LIST = "list"              # "list them", "show me all of them": every item of the last list


SPAN_FAMILIES = ("apneas and hypopneas", "desaturations", "arousals")
"""The event families a comparison of two parts of the night counts, by the names its rows and
a "which had more arousals?" give them (``app.chat.architecture.EVENT_FAMILIES``)."""
SPAN_OXYGEN = "oxygen"
"""The row of a comparison of two parts of the night that a "which had worse sats?" asks about:
each part's SpO2."""

AWAKENING = "awakening"
"""``Query.together`` for events that led into an awakening, which is no kind of event but a
run of wake in the hypnogram ("apneas followed by an awakening")."""

LIST_ALL = 100
"""Items "list them" shows at most: a list longer than that belongs in the export."""


@dataclass(frozen=True)
class Condition:
    """A numeric condition on a measured signal.

    Attributes:
        signal: "spo2" (%), "hr" (bpm), "resp" (breaths/min).
        op: "<" or ">".
        value: threshold in the signal's unit.
    """

    signal: str
    op: str
    value: float


@dataclass(frozen=True)
class Scope:
    """Where a question looks: stages and/or a time span (unresolved)."""

    stages: tuple[str, ...] = ()
    time: TimeSpan | None = None


def two_stages(groups: tuple[Scope, ...] | None) -> tuple[str, str] | None:
    """The two stages two groups are, each one stage and the two different ("compare N1 and
    REM"); None otherwise."""
    named = [g.stages for g in groups or ()]
    if len(named) == 2 and all(len(n) == 1 for n in named) and named[0] != named[1]:
        return named[0][0], named[1][0]
    return None


EITHER_TYPE = "either"
"""The apnea type a question asks for without claiming one ("central or obstructive?")."""
_WHICH_TYPE_RE = re.compile(r"\bwhich type was it\b", re.I)


@dataclass(frozen=True)
class Query:
    """One understood question.

    Attributes:
        intent: what to do.
        text: the question as asked.
        phenomenon: key of a known phenomenon (``app.chat.phenomena``), or None.
        target: free words of what is looked for when no phenomenon is known.
        scope: stage filter and time span.
        condition: numeric condition on a measured signal ("SpO2 below 90 %").
        signal: measured signal named ("spo2", "hr", "resp") for measure/threshold.
        min_duration: shortest event or run wanted, seconds ("longer than 20 s").
        rank: "longest", "shortest", "strongest", "typical", "earliest", "latest", "lowest",
            "highest" or None.
        count: how many results were asked for, None for the default.
        how_many: the user asked for a count ("how many apneas").
        labels: the user's own class labels for zero-shot classification.
        modality: caption level named ("brain", "heart", "respiratory", ...), or None.
        measure: what a compare/measure question measures ("eeg", "heart rate", ...).
        groups: the two scopes a comparison contrasts.
        stage_event: for stage timing: "onset", "first", "last", "latency", "final_wake",
            "last_awakening".
        view: for show: "hypnogram", "spectrogram", "overview", "signals".
        ref: how the question refers back to the dialogue.
        ordinal: which result a focus follow-up names (0-based; -1 the last).
        step: +1 / -1 for next / previous.
        age: the age a normality question is about, years.
        stat: the whole-night statistic a summary question asks for first ("tst", "tib",
            "se", "waso", "ahi", "rdi", "odi"), None for the whole summary.
        more_stats: further statistics the same question names ("total sleep time and
            WASO?": ("waso",) after ``stat`` "tst").
        contrast: a second phenomenon beside ``phenomenon``: explained ("the difference
            between a spindle and a K-complex"), or with a signal read around its events too
            ("compare heart rate during apneas and hypopneas").
        min_depth: shortest SpO2 fall a desaturation must reach, percentage points below
            its pre-event baseline ("desaturations of 4 % or more").
        max_duration: longest length, seconds, an event may last ("hypopneas shorter than
            15 s"), None for none.
        skip: for "another one": how many of the ranked events were shown already (the
            next one leads).
        window: for "the worst 10 minutes": the length, seconds, of the stretches whose
            events are counted (None: 30-s epochs); for "within 2 min of each other": the
            interval between two events' onsets that counts as close.
        stated: a value the question gives its index instead of the night's ("is an AHI of
            12 bad?", "is an arousal index of 30 normal?"), per hour; read against the same
            scale, beside the night's own.
        min_amplitude: smallest peak-to-peak amplitude, µV, a slow wave or K-complex must
            reach ("slow waves over 100 µV").
        condition_name: for a diagnosis question, the disorder named ("sleep apnea").
        semantic: (label, cosine) of the semantic layer's nearest phrasing, when used.
        note: what a follow-up refers to, in words ("the 2nd of 12 desaturations"), or
            "unmeasured" for a thing the app cannot measure (sawtooth waves, seizures).
        by_rule: the intent came from an unmistakable wording, not from the semantic layer
            or from the slots alone.
        per: a rate asked for ("spindles per minute", "arousal index"): "minute" or "hour"
            of sleep in the scope, None for none.
        share: the part of ``phenomenon``'s events whose share of them is asked: a subtype
            ("what percentage of apneas were central?": "central_apnea") or "scope" (the
            question's stages and time: "what percentage of the hypopneas were in REM?");
            None for none.
        by: for a breakdown: "position", "stage" (REM vs NREM), "hour", or "correlation"
            (two measures against each other, epoch by epoch).
        topic: for a question about the recording itself: "channels", "scoring" (who
            scored it, and how sure the machine staging is) or "quality"; "system" for a
            whole-night overview of the body system in ``modality`` ("how was the breathing?").
        against: for a correlation (``by`` "correlation"), the measure read against
            ``measure`` ("delta power" against "heart rate").
        together: key of a second phenomenon the events must be tied to ("hypopneas with a
            desaturation": "desaturation"), None for none.
        apart: the events must not be tied to ``together`` ("hypopneas without a
            desaturation").
        lacking: key of a phenomenon the tied events must also not be tied to ("hypopneas
            with an arousal but no desaturation": "desaturation"), None for none.
        also: key of a phenomenon the tied events must be tied to as well ("hypopneas with a
            desaturation and an arousal": "arousal"), None for none.
        tie_lead: the order the question puts a tie in: True when the asked events come first
            ("apneas followed by an arousal"), False when they come after ("spindles that
            followed a K-complex"), None when it names none.
        tie_depth: the least fall in SpO2 (% points) the desaturations of a tie must reach
            ("hypopneas with a 4 % desaturation"), None for any.
    """

    intent: Intent
    text: str = ""
    phenomenon: str | None = None
    target: str = ""
    scope: Scope = field(default_factory=Scope)
    condition: Condition | None = None
    signal: str | None = None
    min_duration: float | None = None
    rank: str | None = None
    count: int | None = None
    how_many: bool = False
    labels: tuple[str, ...] = ()
    modality: str | None = None
    measure: str | None = None
    groups: tuple[Scope, Scope] | None = None
    stage_event: str | None = None
    view: str | None = None
    ref: Ref = Ref.NONE
    ordinal: int | None = None
    step: int = 0
    age: int | None = None
    stat: str | None = None
    more_stats: tuple[str, ...] = ()
    contrast: str | None = None
    min_depth: float | None = None
    condition_name: str | None = None
    semantic: tuple[str, float] | None = None
    note: str = ""
    by_rule: bool = False
    per: str | None = None
    share: str | None = None
    by: str | None = None
    topic: str | None = None
    together: str | None = None
    apart: bool = False
    lacking: str | None = None
    also: str | None = None
    tie_lead: bool | None = None
    tie_depth: float | None = None
    against: str | None = None
    min_amplitude: float | None = None
    max_duration: float | None = None
    skip: int = 0
    window: float | None = None
    stated: float | None = None

    @property
    def aspects(self) -> frozenset[Aspect]:
        """How the question's words shape its answer (:mod:`app.chat.aspects`); they follow
        :attr:`text`, which a follow-up replaces with its own."""
        return read_aspects(self.text)

    @property
    def direction(self) -> str | None:
        """How the question expects a measure to move between two parts of the night
        ("higher", "lower", "change", "either"), None for none
        (:func:`app.chat.aspects.asked_direction`)."""
        return asked_direction(self.text)

    @property
    def asks_fewer(self) -> bool:
        """The question asks which side had less ("which had fewer arousals?")
        (:func:`app.chat.aspects.asked_fewer`)."""
        return asked_fewer(self.text)

    @property
    def rate_way(self) -> str:
        """How the question expects an event rate to differ between the two sides of its
        split (REM against NREM, supine against the rest), "" for no way
        (:func:`app.chat.aspects.asked_rate_way`)."""
        return asked_rate_way(self.text, self.by or "")

    @property
    def trend(self) -> str | None:
        """"longer" or "shorter" when the question asks how a stage's periods change in length
        across the night, None otherwise (:func:`app.chat.aspects.asked_trend`)."""
        return asked_trend(self.text)

    @property
    def swing(self) -> str:
        """"rise" or "fall" when the question asks which of two kinds of event moves a signal
        more that way (:func:`app.chat.aspects.asked_swing`), "" otherwise."""
        return asked_swing(self.text)

    @property
    def counted_cause(self) -> str | None:
        """The arousal cause whose count the question asks for ("how many arousals were
        spontaneous?"), None for none."""
        return named_cause(self.text)

    @property
    def listed_cause(self) -> str | None:
        """The cause of the arousals a question lists ("show me a spontaneous arousal"), None
        for none."""
        return listed_cause(self.text)

    @property
    def length_way(self) -> str:
        """"longer" or "shorter" where the question asks which of two groups' events last longer
        (:func:`app.chat.aspects.asked_length_way`), "" for none."""
        return asked_length_way(self.text)

    @property
    def type_named(self) -> str | None:
        """The apnea type a yes-or-no question claims for the event shown ("was it
        obstructive?": "obstructive apnea"), :data:`EITHER_TYPE` where it asks which type it was
        ("central or obstructive?"), None for none."""
        return named_apnea_type(self.text) or (EITHER_TYPE if _WHICH_TYPE_RE.search(self.text) else None)

    @property
    def position_named(self) -> str | None:
        """The body positions a question names ("was she on her back?": "supine"; "left,right"
        for a side), None for none."""
        return named_position(self.text)

    @property
    def channels_named(self) -> tuple[str, ...]:
        """Model slot prefixes of the channels a question about rates or presence names
        ("what's the sampling rate of the EEG?": ("EEG",)), () for none."""
        return named_channels(self.text)


def transition_sides(pair: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stages on each side of a transition question's "FROM>TO" target (``Query.target``
    for ``measure`` "transitions"): ("REM",), ("W",) from "REM>W"; an empty side is ()."""
    origin, _, target = pair.partition(">")
    return tuple(s for s in origin.split(",") if s), tuple(s for s in target.split(",") if s)
