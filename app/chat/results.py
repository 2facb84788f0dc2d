"""What the execute step returns: data only, no text (``app.chat.render`` writes it).

Times are seconds from the recording start; durations seconds; measured values in
the unit each result names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.chat.aspects import Aspect
from app.chat.glossary import Term
from app.chat.phenomena import Phenomenon
from app.chat.query import Condition
from sleeplm_core.heads.localize import LocalizeConfig
from sleeplm_core.heads.summary import NightSummary
from sleeplm_core.index.search import Hit
from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.margins import RuleMargin
from sleeplm_core.io.patient import Patient
from sleeplm_core.scoring.coupling import Coupling
from sleeplm_core.scoring.desaturation import Resaturation, ResaturationConfig
from sleeplm_core.scoring.hypoxic_burden import HypoxicBurden
from sleeplm_core.scoring.noise import ChannelNoise
from sleeplm_core.scoring.rem_atonia import RemAtonia
from sleeplm_core.scoring.rhythm import RhythmSummary


LIBRARY_SOURCE = "library:"
"""An :class:`Item`'s source prefix for a library hit; the recording's name follows."""

UNSURE_BELOW = 0.6
"""Machine-staging probability under which an epoch counts as uncertain (0-1)."""

MOMENT_SEC = 0.5
"""Length of an item that marks one reading of a signal: under a clock second, so it is said as
one time."""


@dataclass(frozen=True)
class Item:
    """One entry of a result list: an event, a run, a stage period or a model region.

    Attributes:
        start, end: seconds from the recording start.
        label: what it is ("obstructive apnea", "REM", "SpO2 < 90 %").
        source: who found it: "scored", a machine-scoring label, "model" or "measured";
            for a library hit :data:`LIBRARY_SOURCE` and its recording (``start``/``end`` are
            then that recording's seconds).
        stage: stage at its start, "?" when unknown.
        score: the model's score, None for scored or measured items.
        score_name: how ``score`` reads: "z" (z-score against the night) or "p" (a
            dense-token model's probability that the moment holds the event).
        value: the measured extreme inside it (e.g. lowest SpO2), None when not measured.
        unit: unit of ``value``.
    """

    start: float
    end: float
    label: str
    source: str
    stage: str = "?"
    score: float | None = None
    value: float | None = None
    unit: str = ""
    score_name: str = "z"

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Message:
    """A reply with no night data: help, not understood, off topic, medical, no reference.

    Attributes:
        kind: "help", "unknown", "off_topic", "medical", "severity" (an index's grade,
            with the facts a medical reply gives), "no_reference", "empty", "too_long", among
            others.
        detail: words to quote back (the question's target, the nearest phrasing); for
            "medical", where the night's events come from.
        facts: measured numbers a medical reply may still state (name -> text).
        note: for "medical", what the disorder is diagnosed from, said before the numbers.
    """

    kind: str
    detail: str = ""
    facts: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Strongest:
    """Where a measured band share is highest ("where is there alpha?").

    Attributes:
        measure: the feature in words ("EEG C3-M2 alpha"), a share (%) of the 0.5-30 Hz power.
        items: the epochs where it is highest, highest first (``value`` in %).
        medians: its median per stage over the scope (%), for stages present.
        stages: where the stages come from.
    """

    measure: str
    items: list[Item]
    medians: dict[str, float]
    stages: str


@dataclass
class EventList:
    """Scored events of a phenomenon, and the model's matching regions.

    Attributes:
        name: phenomenon title or the user's words.
        where: the scope in words ("in REM after 03:00:00").
        scored: all scored events in scope, in the order asked for.
        shown: how many of ``scored`` to list.
        events_source: "scored" or a machine-scoring label; "none" without events.
        model: the model's regions (ranked), empty when not searched.
        weak: the model's regions are below its detection threshold.
        search: the settings the model's regions were detected with (defaults filled
            in), None without search.
        blind: caption level whose channels are all missing, "" when present.
        cannot_show: why this recording's channels cannot show these events at all (a 1-Hz
            airflow, no SpO2, no leg EMG: :func:`~sleeplm_core.scoring.coverage.blind_types`),
            "" when they can; events listed then come from a scoring made on other channels.
        track: per-epoch calibrated model score, for the overview; None without search.
        track_label: the text the model searched for.
        rivals: phrases that took the model's moments where they read more strongly
            (its rival read-out for ``track_label``, e.g. "obstructive apnea").
        how_many: the user asked for a count.
        order: how ``scored`` is ordered ("longest", "earliest", ...).
        unscored: why these events could not be scored on this night (the machine
            scoring's skipped line), "" when they could.
        min_depth: the desaturation depth asked for, % points below the pre-event baseline.
        tst_h: hours of total sleep, for a per-hour index of a whole-night count; None
            for a scoped list.
        per: the rate asked for, "minute" or "hour" of ``sleep_min``; None for none.
        sleep_min: minutes of sleep inside the scope (the stages asked for, when named).
        periodic: leg movements in sleep that belong to a periodic series (AASM), None when
            not counted.
        causes: arousals by what they are tied to (``sleeplm_core.scoring.association``),
            {} for other events; "no scored cause" where a cause could not be looked for.
        cause_gaps: why breathing events or leg movements could not be scored, "" when both
            were.
        causes_asleep: ``causes`` of the arousals starting asleep alone, which per-hour-of-sleep
            rates count.
        measured_on: the channel the items' values were measured on (spindles: their
            frequency, Hz; slow waves and K-complexes: their peak-to-peak amplitude, µV;
            desaturations: their depth below the pre-event baseline, % points), "" when not
            measured.
        share: the item label whose share of ``scored`` was asked ("central apnea"), "scope"
            when ``scored`` is the share asked of ``share_of`` events in the whole night, "tie"
            when it is the share of ``share_of`` events in scope that the tie keeps ("what
            percentage of hypopneas had a desaturation?"), "" for none.
        share_of: the whole night's count of these events, for a scope's share; the scope's
            count before the tie, for a tie's share.
        asks: how the question shapes the list's answer (its lengths, causes, commonest kind
            first; :mod:`app.chat.aspects`).
        counted_cause: the arousal cause whose count the question asks for ("how many
            arousals were spontaneous?"), None for none.
        tied: key of the phenomenon every item is tied to ("arousal": leg movements with an
            arousal), "" for none.
        strongest: for a rhythm no detector finds (alpha), where it measures strongest; None
            otherwise.
    """

    name: str
    where: str
    scored: list[Item]
    shown: int
    events_source: str
    model: list[Item] = field(default_factory=list)
    weak: bool = False
    search: LocalizeConfig | None = None
    blind: str = ""
    cannot_show: str = ""
    track: np.ndarray | None = None
    track_label: str = ""
    rivals: tuple[str, ...] = ()
    how_many: bool = False
    order: str = "longest"
    unscored: str = ""
    min_depth: float | None = None
    tst_h: float | None = None
    per: str | None = None
    sleep_min: float = 0.0
    recorded: bool = False
    measured_on: str = ""
    periodic: int | None = None
    periodic_wake: int = 0
    """Leg movements of periodic series in epochs a machine staged wake, which the PLMS index
    leaves out (0 on a human staging)."""
    causes: dict[str, int] = field(default_factory=dict)
    cause_gaps: str = ""
    causes_asleep: dict[str, int] = field(default_factory=dict)
    share: str = ""
    share_of: int | None = None
    asks: frozenset[Aspect] = frozenset()
    counted_cause: str | None = None
    tied: str = ""
    strongest: Strongest | None = None


@dataclass(frozen=True)
class Episode:
    """The main sleep episode of a recording, the whole night around its longest stretch of
    sleep (:func:`sleeplm_core.heads.cycles.night_episode`).

    Attributes:
        start, end: seconds from the recording start; (0, 0) without sleep.
        other_sleep_min: minutes of sleep outside it (naps, stray epochs, another night).
        beyond_sleep_min: minutes of the recording outside it: the hours a day-long file
            holds beyond the night.
    """

    start: float
    end: float
    other_sleep_min: float
    beyond_sleep_min: float


@dataclass
class StagePeriods:
    """Stage timing: a moment (sleep onset, first REM, ...) and the stage's periods.

    Attributes:
        event: "onset", "first", "last", "latency", "final_wake", "periods".
        stages: the stage(s) asked about.
        moment: seconds of the moment asked for, None when it never happens.
        latency_min: a stage's or sleep-onset latency in minutes when asked, else None.
        periods: runs of the stage(s) in scope, in time order.
        source: where the stages come from ("scored", a machine-scoring label, "predicted").
        where: the scope in words.
        episode: the main sleep episode, for answers that count from sleep onset or to the
            final awakening; None for the others.
        soremp: the question asked whether REM came within a sleep-onset REM period.
        final_wake: seconds of the final awakening when asked beside sleep onset, else None.
        shown: how many of the ranked periods were asked for ("the 5 longest wake bouts"),
            None for the usual list.
        latency_asked: the question asked how long sleep took to come (the sleep onset
            latency), not when it came.
        window_asked: what the question asked of the span from sleep onset to the final
            awakening (with ``final_wake``): "midpoint" (halfway through it) or "period" (the
            sleep period time, its length), "" for neither.
        trend_asked: the way the question expects the periods to change in length across the
            night ("longer", "shorter"), "" for none.
        persistent: sleep onset was asked as the start of persistent sleep (the first of
            ``app.chat.execute.PERSISTENT_EPOCHS`` unbroken sleep epochs), and ``moment`` and
            ``latency_min`` are that start's.
    """

    event: str
    stages: tuple[str, ...]
    moment: float | None
    latency_min: float | None
    periods: list[Item]
    source: str
    where: str = ""
    episode: Episode | None = None
    soremp: bool = False
    final_wake: float | None = None
    shown: int | None = None
    latency_asked: bool = False
    window_asked: str = ""
    trend_asked: str = ""
    persistent: bool = False
    other_latency: float | None = None
    """On a machine staging nobody checked, for a stage's latency (a SOREMP's too): the same
    latency (min) under the model's zero-shot stages, None otherwise."""


@dataclass
class StageAmount:
    """Minutes of some stages in a scope, and their share of sleep and of the scope;
    ``epochs_asked`` when the question counted epochs ("how many epochs were N1?");
    ``night_min`` the stages' minutes over the whole night when the question asked what share
    of them fell in the scope ("what share of N3 was in the first third?"), else None."""

    stages: tuple[str, ...]
    minutes: float
    pct_sleep: float
    pct_scope: float
    sleep_min: float
    scope_min: float
    periods: list[Item]
    source: str
    where: str = ""
    epochs_asked: bool = False
    night_min: float | None = None
    other: tuple[float, float, str] | None = None
    """On a machine staging nobody checked: the same stages' minutes, share of sleep (%) and
    source by the model's zero-shot staging, the second reading the figure is set against."""


@dataclass
class StageRatio:
    """Two stage amounts over one span, for their ratio ("the N2 to N3 ratio")."""

    top: StageAmount
    bottom: StageAmount


@dataclass
class SignalRuns:
    """Runs where a measured signal meets a condition.

    Attributes:
        extreme: the lowest (for "<") or highest (for ">") value in scope, unit.
        definition: the phenomenon whose definition set the condition, "" for the user's.
        in_sleep: (minutes of the runs in sleep epochs, minutes measured in sleep, where the
            stages come from); None when the scope holds no sleep.
        bridged: breaks shorter than this (s) were bridged (a slow signal's), 0 for none.
        time_asked: the question asks for the time past the line ("what's the T90?"), which
            then leads.
        by: the grouping the time past the line is split by ("hour", "stage", "position",
            "cycle"), "" for none.
        split: that time per group, in sleep (:class:`SplitTime`), which then leads.
    """

    condition: Condition
    label: str
    unit: str
    runs: list[Item]
    shown: int
    total_min: float
    min_duration: float
    where: str
    source: str
    scope_min: float
    extreme: float
    definition: str = ""
    in_sleep: tuple[float, float, str] | None = None
    bridged: float = 0.0
    time_asked: bool = False
    by: str = ""
    split: list[SplitTime] = field(default_factory=list)
    extreme_at: float | None = None
    """When ``extreme`` was read (s from the recording start), None for an empty scope."""


@dataclass(frozen=True)
class SplitTime:
    """One group's share of the time a signal spent past a line ("T90 by stage").

    Attributes:
        group: the group's name ("REM", "supine", "02:00–03:00", "cycle 2").
        measured_min: minutes of the group's sleep with the signal measured.
        past_min: of those, minutes past the line.
        span: (first, last) second of the group's epochs, None for none.
    """

    group: str
    measured_min: float
    past_min: float
    span: tuple[float, float] | None = None

    @property
    def share_pct(self) -> float:
        return 100.0 * self.past_min / self.measured_min if self.measured_min else 0.0


@dataclass
class SignalStats:
    """Statistics of a measured signal over a scope.

    Attributes:
        cv_pct: coefficient of variation, 100 * sd / mean.
        minute_sd: standard deviation of the one-minute means (slow drift), unit.
        focus: "lowest" or "highest" when the question asked where that is, else None.
        rest: mean and sample count of the signal in the rest of sleep (outside the scope),
            when the question set the scope against it ("was the heart rate high in REM?").
        top: for a per-epoch measure's extreme, the epochs nearest it, most extreme first
            ("which epochs have the highest sigma power in N2?").
        smooth_low: for a body temperature's low point, or the extreme a change was asked
            toward, the lowest (highest for a rise) 30-min running mean of its one-minute means
            and the time at its centre (unit, s).
        change: "drop" or "rise" when the question asked how much the signal fell or rose.
        start_mean: then its mean over the first 30 min of sleep and their start (unit, s).
    """

    label: str
    unit: str
    where: str
    mean: float
    sd: float
    low: float
    low_at: float
    high: float
    high_at: float
    cv_pct: float
    minute_sd: float
    n: int
    source: str
    span: tuple[float, float]
    focus: str | None = None
    rest: tuple[float, int] | None = None
    top: list[Item] = field(default_factory=list)
    smooth_low: tuple[float, float] | None = None
    change: str | None = None
    start_mean: tuple[float, float] | None = None
    quartiles: tuple[float, float, float] | None = None
    """The 25th, 50th and 75th percentiles of the samples, when the median was asked for."""
    dips: list[Item] = field(default_factory=list)
    """For a signal read more often than once an epoch, with ``focus`` set:
    the extreme reading of each separate dip (peak), most extreme first (the first is ``low`` or
    ``high``)."""
    nth: int = 0
    """Which of ``dips`` the question asked for ("second lowest SpO2": 1); 0 for the extreme."""


@dataclass
class HypopneaRules:
    """The AHI with the hypopneas as scored and re-read under the AASM's oxygen rules.

    Attributes:
        apneas: apneas of sleep (every rule counts them).
        hypopneas: hypopneas of sleep as scored.
        with_drop: hypopneas tied to a desaturation of at least that many % points, by drop.
        hours: hours of sleep the index is over (recorded on a home test).
        recorded: a home test without EEG: the index is per hour recorded (the REI).
        source: where the events come from.
        channel: the SpO2 channel the falls are measured on.
        machine_rule: the hypopnea rule the machine scoring applied, in words ("" for a
            human scoring, whose rule the file does not record).
    """

    apneas: int
    hypopneas: int
    with_drop: dict[float, int]
    hours: float
    recorded: bool
    source: str
    channel: str
    machine_rule: str = ""


@dataclass(frozen=True)
class AhiReading:
    """The AHI under one choice it rests on.

    Attributes:
        label: the choice, in words ("as reported", "every hour recorded ...").
        events: apneas and hypopneas counted.
        hours: hours divided by (of sleep, or recorded).
    """

    label: str
    events: int
    hours: float

    @property
    def rate(self) -> float:
        """Events per hour (NaN over no hours)."""
        return self.events / self.hours if self.hours > 0 else float("nan")


@dataclass
class AhiRobustness:
    """The night's AHI (REI on a home test) re-read under each choice it rests on.

    Attributes:
        readings: the index as reported first, then one per changed choice.
        recorded: a home test without EEG: the index is per hour recorded (the REI).
        source: where the events come from.
        stage_source: where the stages of the reported index come from.
        checked: how far the events' scorer was checked, in one sentence.
    """

    readings: list[AhiReading]
    recorded: bool
    source: str
    stage_source: str
    checked: str


@dataclass
class BandRatio:
    """The ratio of two EEG bands' power, in the scope and per stage.

    Attributes:
        top, bottom: the bands divided ("theta", "delta").
        edges: each band's (low, high) edges, Hz.
        channel: the EEG derivation read.
        ratio: mean power of ``top`` over mean power of ``bottom`` across the scope's epochs;
            None when the scope has no epoch with both.
        median, q1, q3: the per-epoch ratios' median and quartiles in the scope.
        n: epochs read in the scope.
        by_stage: (stage, ratio of mean powers, epochs) for each stage with epochs.
        where: the scope in words ("" for the night).
        source: where the stages come from.
    """

    top: str
    bottom: str
    edges: dict[str, tuple[float, float]]
    channel: str
    ratio: float | None
    median: float
    q1: float
    q3: float
    n: int
    by_stage: list[tuple[str, float, int]]
    where: str
    source: str


@dataclass
class CheyneStokes:
    """Runs of central apneas read against the AASM's Cheyne-Stokes rule
    (``sleeplm_core.scoring.cheyne_stokes``).

    Attributes:
        runs: one item per run, from its first event's start to its last's end; ``value``
            holds how many central apneas it has.
        cycles: mean cycle length of each run, seconds.
        in_runs: central apneas in runs that start in sleep; sleep_h: hours of sleep
            in the scope; rate: in_runs per hour of it.
        hours: hours of recording in the scope.
        met: both parts of the rule that the events can show hold.
        source: who scored the events; where: the scope in words.
    """

    runs: list[Item]
    cycles: list[float]
    in_runs: int
    sleep_h: float
    rate: float
    hours: float
    met: bool
    source: str
    where: str


@dataclass
class RemTone:
    """Chin tone in the REM epochs of a scope against the AASM's REM-without-atonia rule
    (``sleeplm_core.scoring.rem_atonia``).

    Attributes:
        atonia: the night's reading; mask: bool per judged REM epoch, inside the scope.
        epochs: one item per REM epoch in the scope that meets the rule.
        stretches: runs of consecutive such epochs, longest first.
        stages: where the stages come from; where: the scope in words.
    """

    atonia: RemAtonia
    mask: np.ndarray
    epochs: list[Item]
    stretches: list[Item]
    stages: str
    where: str


@dataclass
class HeartRhythm:
    """Beat timing of the ECG in a scope (``sleeplm_core.scoring.rhythm``).

    Attributes:
        summary: the beats' figures inside the scope.
        source: the ECG channel's label.
        where: the scope in words, "" for the whole recording.
        stages: where the stages come from (the scope's stage filter reads them).
        sides: for a comparison, each side's scope in words and its figures (``summary``
            is then the first side's).
    """

    summary: RhythmSummary
    source: str
    where: str
    stages: str
    sides: list[tuple[str, RhythmSummary]] = field(default_factory=list)


@dataclass
class EventSignal:
    """A measured signal during a phenomenon's events, just after them, and elsewhere in sleep.

    Attributes:
        label, unit: the signal.
        name: the events' name; n_events: how many were measured.
        during, after, elsewhere: (mean, lowest, highest) of the signal in the events, in
            the :data:`app.chat.execute.AFTER_EVENT_SEC` after each ends, and in the rest of
            sleep; None where no sample falls.
        source: the signal's source; events_source: who scored the events.
        where: the scope in words.
        items: the events measured (one when the question ranked them: "the longest apnea").
        amplitudes: breathing only: (channel, median breath amplitude during the events, the
            same in the 30 s after), in % of the breaths before each (100 = unchanged).
        why: for a "why ...?" question, the physiology that explains it ("" otherwise).
        before: (mean, lowest, highest) in the same time before each event starts, when the
            question asked about it ("did the heart rate go up before the awakenings?"), else
            None; ``elsewhere`` then leaves that time out too.
        how_much: the question asked how big the change is ("by how much?"): answered first.
    """

    label: str
    unit: str
    name: str
    n_events: int
    during: tuple[float, float, float] | None
    after: tuple[float, float, float] | None
    elsewhere: tuple[float, float, float] | None
    source: str
    events_source: str
    where: str = ""
    items: tuple[Item, ...] = ()
    amplitudes: tuple[tuple[str, float, float], ...] = ()
    why: str = ""
    before: tuple[float, float, float] | None = None
    how_much: bool = False


@dataclass
class Comparison:
    """Measured features in two scopes: rows (feature, unit, [(mean, sd, n) per group]);
    ``note``: what each stage compared is known by, when the question named no measure;
    ``per``: what each value is measured on ("epoch", or the event for an event's own value:
    "spindle" for spindle frequency, "slow wave" or "K-complex" for amplitude); ``tests``:
    when significance was asked of epoch measures, each row's Welch's test over the groups'
    periods (:class:`PeriodTest`; None where a group has fewer than two periods);
    ``direction``: the way the question expects the first group's measure to differ from the
    second's ("higher", "lower", "change"; "" for none), answered first."""

    groups: tuple[str, str]
    rows: list[tuple[str, str, list[tuple[float, float, int]]]]
    note: str = ""
    per: str = "epoch"
    tests: list[PeriodTest | None] | None = None
    direction: str = ""


@dataclass(frozen=True)
class PeriodTest:
    """Welch's t-test of a measure between two groups over their periods (runs of consecutive
    epochs), each period's mean counting once: epochs of one period are not independent."""

    periods: tuple[int, int]
    p: float


@dataclass(frozen=True)
class Trend:
    """How a per-epoch measure drifts over the night ("is there a trend?").

    Attributes:
        slope: the least-squares line's slope over the epochs, in the measure's unit per hour.
        rho: Spearman's rank correlation of the hourly means with the hour.
        p: its two-sided p-value (hours are few and not independent: a guide).
        hours: the hourly means it ranks.
        epochs: the epochs the line is fitted to.
    """

    slope: float
    rho: float
    p: float
    hours: int
    epochs: int


@dataclass(frozen=True)
class PairTest:
    """Whether two groups' events differ by more than chance ("is that significant?").

    Attributes:
        sides: the two groups' names, in the order tested ("REM", "NREM").
        lengths: True for a test of the events' lengths (Mann-Whitney U), False for one of
            their rates per minute asleep (an exact test of two Poisson rates).
        counts: the events on each side.
        p: the two-sided p-value.
    """

    sides: tuple[str, str]
    lengths: bool
    counts: tuple[int, int]
    p: float


@dataclass(frozen=True)
class EventGaps:
    """Onset-to-onset intervals (s) between consecutive events of one kind in a scope
    ("median time between central apneas"); ``close``: the interval (s) under which two count
    as close; ``source`` who scored the events; ``where`` the scope in words."""

    name: str
    gaps: list[float]
    close: float
    source: str
    where: str = ""
    close_asked: bool = False
    """The question named the close interval ("within 2 min of each other"): that count leads."""


@dataclass(frozen=True)
class EventPositions:
    """The body position during each of a list's events ("where was she lying for those?"):
    ``rows`` (event, positions in order), ``counts`` of the events by the position they began
    in, ``name`` the events in words; ``rows`` is empty for a list too long to read event by
    event."""

    name: str
    rows: list[tuple[Item, str]]
    counts: dict[str, int]
    limit: str = ""
    """The length limit of the list in words ("lasting 40 s or more"), "" for none."""


@dataclass(frozen=True)
class SpanOxygen:
    """SpO2 over one span, from its samples in the physiological range: mean and lowest (%),
    and minutes under 90 % (T90)."""

    mean: float
    lowest: float
    below_90_min: float


@dataclass(frozen=True)
class SpanColumn:
    """One span of a :class:`SpanArchitecture`: its words, (start, end) seconds, minutes of
    each stage (min), the scored events of each family that start in it, and its SpO2 (None
    without a usable one)."""

    label: str
    span: tuple[float, float]
    stage_min: dict[str, float]
    events: dict[str, int]
    spo2: SpanOxygen | None = None

    @property
    def sleep_min(self) -> float:
        return sum(m for s, m in self.stage_min.items() if s != "W")


@dataclass(frozen=True)
class SpanArchitecture:
    """Spans (two compared, or one alone) by stage minutes and event counts; ``source``
    scored the stages, ``events_source`` the events ("" when no family was scored);
    ``asked``: the row a "which had more N3?" asks about (a stage or an event family, "" for
    none), ``fewer`` when it asks for less of it."""

    columns: tuple[SpanColumn, ...]
    source: str
    events_source: str
    asked: str = ""
    fewer: bool = False


@dataclass
class Classification:
    """Zero-shot (user labels) or stage classification of one epoch or a span.

    Attributes:
        labels: class labels in order.
        epoch: the epoch classified (the first of a span).
        proba: probabilities of ``labels`` for that epoch.
        counts: epochs per label over a span, None for one epoch.
        runs: runs of the most frequent user label over a span.
        scored_stage: the scoring's stage of ``epoch``, None when unscored.
        source: source of ``scored_stage``.
        user_labels: the labels are the user's (through the model's text tower).
    """

    labels: tuple[str, ...]
    epoch: int
    start: float
    proba: np.ndarray
    counts: dict[str, int] | None
    runs: list[Item]
    scored_stage: str | None
    source: str
    user_labels: bool
    where: str = ""
    asked: tuple[str, ...] = ()
    """The stages a yes-or-no question names ("is this REM?", "are they asleep?"), () for none."""
    machine: tuple[str, str] | None = None
    """On a night a person scored: (stage, source) of the machine staging for the epoch, so that
    the three stagings stand side by side; None otherwise."""
    staged: dict[str, int] | None = None
    """Over a span of a night a person or a machine staged: epochs per stage of that staging, the
    commonest first (``counts`` are then the model's); None otherwise."""


@dataclass
class NormCheck:
    """The night's statistics against age norms (rows: name, value, unit, low, high);
    ``where``: the span read ("the main sleep period, ..."), "" for the whole night;
    ``no_eeg``: the stages are the model's guess on a night without EEG, so no row is read
    and ``ahi`` holds the REI; ``asked``: the row a question named ("was there enough REM?"),
    answered first, "" for none."""

    age: int | None
    band: str
    rows: list[tuple[str, float, str, float, float]]
    source: str
    citation: str
    ahi: float | None
    where: str = ""
    no_eeg: bool = False
    asked: str = ""
    bands: tuple[str, ...] = ()
    by_age: list[tuple[str, str, tuple[tuple[float, float], ...]]] = field(default_factory=list)
    """"how does sleep change with age?": the age bands, and each statistic's (name, unit,
    (low, high) per band); empty otherwise."""
    child: tuple[float | None, int, float] | None = None
    """For a child ("is this normal for a child?", an age under 18): no adult row is read, and
    this holds the obstructive AHI (/h of sleep, None without scored breathing), the events it
    counts and the minutes asleep; None for an adult."""
    header_age: float | None = None
    """The age the file's header states (years), None when it states none; ``age`` is this
    one unless the question gave another."""
    short_min: float | None = None
    """The time in bed (min) of a recording too short for whole-night norms (a 30-min
    excerpt): no row is read; None for a night."""
    arousal: tuple[float | None, int, float] | None = None
    """When the arousal index was asked ("is that high?" after it): the index (/h of sleep,
    None where arousals could not be scored), the arousals starting in sleep and the minutes
    asleep; read against :data:`app.chat.norms.AROUSAL_MEANS` instead of the stage norms."""
    stated: float | None = None
    """A value the question gave the arousal index or the asked statistic ("is an arousal
    index of 30 normal?", "is a sleep efficiency of 75 % normal?"), in the statistic's unit,
    read first; None for the night's own."""
    rebound: bool = False
    """"Is there REM rebound?": REM's share and latency are read first for what a rebound shows."""
    odi: float | None = None
    """The night's ODI (desaturations per hour of sleep), read first when it was asked ("is
    that normal?" after the ODI); None without oximetry."""
    adult_rule: bool = False
    """"What's the adult cut-off?": the AHI on the adult scale, a child's night too."""
    other_arousal: tuple[float | None, int, float] | None = None
    """``arousal`` under the model's zero-shot stages, where the stages are a machine's nobody
    checked (arousals in epochs it calls wake are not counted); None otherwise."""
    other_rows: dict[str, float] = field(default_factory=dict)
    """Each row's value under the model's zero-shot stages, where the rows rest on a machine
    staging nobody checked (a verdict the two stagings read differently is not settled);
    empty on a human-scored night."""
    nadir: SpanOxygen | None = None
    """When the SpO2 nadir was asked ("is a nadir of 90 % ok for a 10-year-old?"): the night's
    SpO2, its lowest among it; None otherwise or without a readable SpO2."""
    central: tuple[float | None, int, float] | None = None
    """When the central apneas were asked of a child ("are they significant in a child?"): the
    central apnea index as :attr:`arousal` holds the arousal index; None otherwise."""


@dataclass
class InventoryRow:
    """One event type of a night's scoring.

    Attributes:
        label: the type in words ("obstructive apnea").
        count: events of the type in the recording.
        per_hour: those starting in sleep per hour of sleep (every one per hour recorded on a
            night without EEG); None without sleep.
        first: the type's first event, to show.
    """

    label: str
    count: int
    per_hour: float | None
    first: Item


@dataclass
class EventInventory:
    """"What events were scored?": the scoring's event types, the commonest first.

    Attributes:
        rows: one per type, by count, the commonest first.
        source: who scored the events (``LoadedNight.scored_events``).
        machine_extra: the machine scoring's label when its spindles, K-complexes, slow
            waves or eye movements are counted beside a human scoring that marks none;
            ``machine_types``: those types.
        per_recorded: rates are per hour recorded (no EEG), not per hour of sleep.
        skipped: what the machine scoring could not score, and why.
        lead: "most" or "least" for the type a question asked after ("which is most
            common?"), "" for the whole list.
    """

    rows: list[InventoryRow]
    source: str
    machine_extra: str = ""
    machine_types: list[str] = field(default_factory=list)
    per_recorded: bool = False
    skipped: list[str] = field(default_factory=list)
    lead: str = ""


@dataclass
class WhyFactor:
    """A stage or body position behind a stretch's event rate.

    Attributes:
        name: the stage ("REM") or the body position ("supine", "left").
        share: its share of the stretch's sleep (0-1); ``rest_share``: of the rest of the
            night's sleep.
        rate_in, rate_out: the rest of the night's events per hour of sleep in it and outside
            it; None for under a minute.
    """

    name: str
    share: float
    rest_share: float
    rate_in: float | None
    rate_out: float | None


@dataclass
class WindowWhy:
    """"Why?" after the worst hour: a stretch's event rate against the rest of the night's,
    and how much of the difference its stages and positions explain.

    Attributes:
        name: the index or events counted ("AHI", "respiratory event").
        where: the stretch in words.
        rate, rest_rate: events starting in sleep per hour of sleep, in the stretch and in the
            rest of the night.
        expected: the stretch's rate were each of its stage-and-position cells at the rest's
            rate for that cell (per hour); None where a cell has no rest to read.
        window_min: the stretch's minutes asleep; ``events``: its events.
        factors: each sleep stage, then each body position where one was read.
        types: (type in words, count in the stretch, share there, share in the rest), the
            stretch's commonest first.
        stage_source, events_source: who scored the stages and the events.
        recorded: a home test without EEG: minutes and rates are of the time recorded, and
            only the body position is weighed.
    """

    name: str
    where: str
    rate: float | None
    rest_rate: float | None
    expected: float | None
    window_min: float
    events: int
    factors: list[WhyFactor]
    types: list[tuple[str, int, float, float]]
    stage_source: str
    events_source: str
    recorded: bool = False


@dataclass
class ChannelNoiseRow:
    """One waveform channel's noise (``sleeplm_core.scoring.noise.ChannelNoise``), its model
    slot and the share of epochs the loader flagged on it (None for an auxiliary slot)."""

    noise: ChannelNoise
    slot: str
    flagged: float | None


@dataclass
class NoiseReport:
    """"Which channel is noisiest?": the waveform channels, the noisiest first.

    Attributes:
        rows: one per channel read.
        stage_source: who staged the night the artefact windows were judged stage by stage
            against; "none" when judged against the whole night.
        too_slow: channels left out as sampled too slowly to hold a waveform ("label (1 Hz)").
        lead: "most" for the noisiest, "least" for the cleanest, "hum" for the mains hum.
    """

    rows: list[ChannelNoiseRow]
    stage_source: str
    too_slow: list[str]
    lead: str = "most"


@dataclass
class EpochPair:
    """"compare epoch 400 with epoch 500": two single epochs side by side.

    Attributes:
        epochs: the two epoch indices; ``starts``: their start times (s).
        stages: each one's stage (``stage_source`` scored it).
        rows: (measure, unit, (value in the first, value in the second), the measure's SD over
            the night's epochs).
        events: the event types overlapping each, in words; ``events_source`` scored them.
    """

    epochs: tuple[int, int]
    starts: tuple[float, float]
    stages: tuple[str, str]
    stage_source: str
    rows: list[tuple[str, str, tuple[float, float], float]]
    events: tuple[list[str], list[str]]
    events_source: str


@dataclass
class StabilityRow:
    """One sleep stage's bouts: how many, their mean length (min) and the share (0-1) under
    two minutes."""

    stage: str
    bouts: int
    mean_min: float
    short_share: float


@dataclass
class StageStability:
    """"Which stage was least stable?": each sleep stage's bouts; ``most``: the question asked
    for the most stable, else the least (the shortest mean bout leads); ``where``: the scope."""

    rows: list[StabilityRow]
    source: str
    where: str
    most: bool = False


@dataclass
class Explanation:
    """A phenomenon's text and its best example in the night; ``contrast``: a second one
    explained beside it ("the difference between a spindle and a K-complex");
    ``examples_only``: the text was given already ("show me one of each"), only the example."""

    phenomenon: Phenomenon
    example: Item | None
    how: str
    total: int
    contrast: Explanation | None = None
    examples_only: bool = False
    unscored: str = ""
    """Why the night's events of this kind could not be scored ("" when they could): the
    reason no example is shown."""
    why: bool = False
    """The example is the event the conversation shows, asked why it is one ("why is that a
    K-complex?"): its measures are read against the kind's criteria."""
    breaths: tuple[tuple[str, float, float, float], ...] = ()
    """For a breathing event shown, its breathing channels as :attr:`Context.breaths` reads them,
    which its airflow and effort criteria are read on."""


@dataclass(frozen=True)
class Definition:
    """A glossary term (``app.chat.glossary``) with the night's own lines about it and the
    items to draw (a stage's longest period)."""

    term: Term
    lines: list[str]
    items: list[Item]


@dataclass(frozen=True)
class Finding:
    """One thing that stands out: a sentence with its measured number and limit, and the
    moment to draw (None when it has no single moment)."""

    text: str
    item: Item | None


@dataclass(frozen=True)
class Findings:
    """What stands out in the night, most important first; ``source`` scored the stages,
    ``events_source`` the events; ``where`` the span read when not the whole recording;
    ``part`` when that span is the one a question named, which norms for whole nights do not fit."""

    found: list[Finding]
    source: str
    events_source: str
    where: str = ""
    part: bool = False
    shown: bool = False
    """"Show me the most interesting epoch": the first moment drawn is named first."""
    top: bool = False
    """"What's the single most abnormal finding?": the first finding is named first."""


@dataclass
class Navigation:
    """Where the viewer moves and what is there.

    Attributes:
        epoch: the epoch the viewer centres on.
        start: its start, seconds from the recording start.
        stage: its stage.
        events: scored events near it (near the epoch, or inside ``end``'s span).
        source: who scored the stages.
        note: what a follow-up referred to, in words.
        window: viewer width to set, seconds; None keeps it.
        span: (start, end) seconds of a time range asked for ("3:15 to 3:45"), None for a
            point in time.
        stage_minutes: minutes of each stage inside ``span``.
        event_counts: scored events inside ``span``, by type.
        missing: the kind of signal the question asked to see ("brain" for "show me the EEG
            at 1 am") where the night has none of its channels, "" otherwise.
    """

    epoch: int
    start: float
    stage: str
    events: list[Item]
    source: str
    note: str = ""
    window: float | None = None
    span: tuple[float, float] | None = None
    stage_minutes: dict[str, float] = field(default_factory=dict)
    event_counts: dict[str, int] = field(default_factory=dict)
    shown: Item | None = None
    missing: str = ""
    """The stage period moved to ("take me to the next REM period"), which "it" then names."""


@dataclass
class Context:
    """What happened in a window next to an item.

    Attributes:
        item: the item referred to.
        span: (start, end) of the window looked at.
        stages: stage sequence in the window, run-length ("N2 60 s, W 30 s").
        events: scored events in the window.
        measures: (label, unit, mean, lowest and highest in the window, then in the item).
        around: the window is next to the item; False: it is the item itself.
        own: the item with its own measured value (a spindle's frequency, a wave's
            amplitude, a desaturation's depth), None for none.
        asked: (label of the measure asked about, "lowest"/"highest"/None) when the question
            named a signal ("what was the lowest saturation during it?"), else None.
        tied: for an apnea or hypopneas, the desaturation tied to it with its depth (``value``,
            % points), and its lowest SpO2 (%); None for none.
        breaths: when the question asked about the breathing ("what does the effort look like
            during it?"), per breathing channel: (name, median breath amplitude over the window,
            over its first third, over its last third), each in % of the breaths before it.
        stage_asked: the question asked for the stage ("what stage was she in then?"), which
            then leads.
        positions: the body positions the item spans, in order ("right, then supine"), "" for
            a window next to it or a night without a readable position channel.
        position_asked: the question asked for the position, which then leads.
        length_asked: the question asked how long the item lasted ("how long is it?"), which
            then leads before its own value.
        position_named: the positions a yes/no question named ("was she on her back?":
            "supine"; "left,right" for a side), "" for none; the answer then says yes or no.
        asked_types: event types a yes/no question about the window named ("did she have an
            arousal after it?"), () for none; ``wake_asked``: it asked whether she woke ("did
            she wake up after it?"). The answer then says yes or no first.
        cause: for an arousal itself, its cause by the association rule (one of
            ``sleeplm_core.scoring.association.CAUSES``), "" for none or unknown;
            ``cause_gap``: why a cause could not be looked for; ``cause_asked``: the cause a
            yes/no question named ("is it respiratory?"), then answered first; ``cause_led``:
            the question asked what caused it, so the cause leads.
        type_asked: the apnea type a yes/no question claimed for the item ("was it
            obstructive?": "obstructive apnea"), "" for none; the answer then says yes or no
            first, by the item's scored type and what its belts did.
        way_asked: "higher" or "lower", the way a yes/no question expects the asked signal to
            move in the window against the item itself ("did the heart rate rise after it?"),
            "" for none; the answer then says yes or no first.
    """

    item: Item
    span: tuple[float, float]
    before: bool
    stages: list[tuple[str, float]]
    events: list[Item]
    measures: list[tuple[str, str, float, float, float, float, float, float]]
    source: str
    around: bool = True
    own: Item | None = None
    asked: tuple[str, str | None] | None = None
    tied: tuple[Item, float] | None = None
    breaths: tuple[tuple[str, float, float, float], ...] = ()
    stage_asked: bool = False
    positions: str = ""
    position_asked: bool = False
    position_named: str = ""
    asked_types: tuple[str, ...] = ()
    wake_asked: bool = False
    cause: str = ""
    cause_gap: str = ""
    cause_asked: str = ""
    cause_led: bool = False
    length_asked: bool = False
    type_asked: str = ""
    way_asked: str = ""
    led_by: tuple[Item, Item] | None = None
    """For one SpO2 reading (the night's lowest, a dip's), the desaturation it falls in and the
    apnea or hypopnea tied to that desaturation, its likely cause; None for none."""


@dataclass
class Description:
    """Measured features (and the model's caption) of some epochs; ``background`` is the
    hallmark of a stage asked about in general ("what happens in the brain in N3?"): that
    phenomenon's title and explanation, else None; ``events``: for a span of the night, its
    breathing events, desaturations, arousals and leg movements in time order, scored by
    ``events_source``; ``bursts``: the span's brief events counted by type (rapid eye
    movements, spindles, K-complexes, slow waves), over ``minutes`` of described epochs;
    ``span``: the start and end (s) of a named span ("the first REM period"), else None;
    ``breathing``: for the breathing in a sleep stage ("summarize the breathing in REM"), the
    apneas and hypopneas and the desaturations starting there, its minutes asleep and its
    SpO2, else None."""

    how: str
    paragraphs: list[tuple[str, str]]
    runs: list[Item]
    first_epoch: int
    background: tuple[str, str] | None = None
    events: list[Item] = field(default_factory=list)
    events_source: str = ""
    bursts: dict[str, int] = field(default_factory=dict)
    minutes: float = 0.0
    span: tuple[float, float] | None = None
    breathing: StageBreathing | None = None


@dataclass(frozen=True)
class StageBreathing:
    """The breathing of some sleep stages: apneas and hypopneas and desaturations starting in
    them (None where the night could not score them), minutes asleep there, and their SpO2."""

    events: int | None
    desaturations: int | None
    sleep_min: float
    spo2: SignalStats | None


@dataclass(frozen=True)
class LibraryNight:
    """One recording of the retrieval library: its name, kind ("synthetic", "real"),
    epochs, hours, epochs per stage, and epochs whose caption states each event family."""

    name: str
    kind: str
    epochs: int
    hours: float
    stages: dict[str, int]
    epochs_with: dict[str, int]


@dataclass(frozen=True)
class LibraryContents:
    """The library's recordings; ``families`` the event families counted, ``ranked`` the
    one they are sorted by (None: library order)."""

    nights: list[LibraryNight]
    families: tuple[str, ...]
    ranked: str | None
    common: list[tuple[str, tuple[str, ...], int]] | None = None
    """When asked for the most common captions: (stage, event types stated, epochs), most
    frequent first; None otherwise."""
    stages: tuple[str, ...] = ()
    """The stages the event counts were cut to ("how many REM epochs state eye movements?"),
    () for all."""


@dataclass
class Retrieval:
    """Library epochs nearest to a text or an epoch, and for an epoch the library
    captions nearest to it as (caption, cosine), ``grounded`` when ranked by the
    epoch's stage and event readings; ``note``: what the last list held, said first."""

    what: str
    hits: list[Hit]
    available: bool = True
    captions: list[tuple[str, float]] = field(default_factory=list)
    grounded: bool = False
    note: str = ""
    searched_stage: tuple[str, str] | None = None
    """An epoch search's (stage, where that stage comes from), which the matches are held against."""


@dataclass(frozen=True)
class Likeness:
    """How alike a library search's matches are to what was searched ("how similar are
    they?").

    Attributes:
        what: what was searched ("epoch 12", "“apnea”").
        cosines: each match's cosine to the query, in rank order.
        stages: each match's stage.
        stated: each match's event types, as its caption states them.
        stage: the searched epoch's stage ("" for a search by words naming no stage).
        stage_source: where that stage comes from ("scored", a machine scorer's label), ""
            for a search by words.
        types: the event types the searched epoch holds, or the words name.
        events_source: where the epoch's events come from, "" for a search by words.
        recordings: each match's recording.
        kinds: each match's kind of recording ("real", "synthetic").
    """

    what: str
    cosines: tuple[float, ...]
    stages: tuple[str, ...]
    stated: tuple[frozenset[str], ...]
    stage: str
    stage_source: str
    types: tuple[str, ...]
    events_source: str
    recordings: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass
class Summary:
    """The night's statistics, the one asked for first.

    Attributes:
        summary: the statistics.
        stat: the statistic asked for ("tst", "ahi", ...), None for all.
        gaps: why an index is missing ("AHI" -> the machine scoring's skipped line).
        odi_by_depth: desaturations per hour of sleep by depth (% points), when asked.
        events_source: where the events behind the indices come from.
        episode: the main sleep episode.
        snoring: (minutes snoring in sleep, minutes asleep measured, False) from the snore
            channel (on a home test whose sleep is a guess, minutes snoring and recorded, True),
            None without one.
        more_stats: further statistics asked in the same question, each answered after ``stat``.
        where: the time span summarised ("in the main sleep period"), "" for the whole night.
        stated: a value the question gave the asked index ("is an AHI of 12 bad?"), graded
            first; None for the night's own.
        whole: the whole recording's statistics, when ``summary`` reads the main sleep period
            of a recording that runs hours beyond it; None otherwise.
    """

    summary: NightSummary
    stat: str | None = None
    events_source: str = "none"
    gaps: dict[str, str] = field(default_factory=dict)
    odi_by_depth: dict[float, float] = field(default_factory=dict)
    episode: Episode | None = None
    snoring: tuple[float, float, bool] | None = None
    more_stats: tuple[str, ...] = ()
    where: str = ""
    stated: float | None = None
    whole: NightSummary | None = None


@dataclass
class View:
    """A named view of the night (hypnogram, spectrogram) with its statistics.

    Attributes:
        span: (start, end) in seconds of the part asked for, None for the whole night;
            ``summary`` is then that part's, its edges taken as lights off and on.
        where: the part in words ("between 00:00 and 03:00"), "" for the whole night.
    """

    view: str
    summary: NightSummary
    gaps: dict[str, str] = field(default_factory=dict)
    span: tuple[float, float] | None = None
    where: str = ""



@dataclass(frozen=True)
class ChannelRow:
    """One channel of the file: its label, rate (Hz), unit, model slot ("" unused), length
    (s), and why its values cannot be read as what its slot says ("" when they can)."""

    label: str
    sfreq: float
    unit: str
    slot: str
    seconds: float
    unreadable: str = ""


@dataclass
class StageAgreement:
    """Two stagings of the night epoch by epoch ("show the confusion matrix").

    Attributes:
        reference: source of the rows (the human scoring, else the machine's).
        compared: source of the columns (the machine's or the model's stages).
        confusion: epochs per (reference stage, compared stage), in :data:`STAGES` order.
        kappa: Cohen's kappa over those epochs.
    """

    reference: str
    compared: str
    confusion: np.ndarray
    kappa: float
    cell: tuple[str, str] | None = None
    """(reference stage, compared stage) a question asks the count of, said first; None for none."""
    worst_first: bool = False
    """The question asks which stage they agree on least ("which stage does it confuse most?"),
    which then leads."""


@dataclass(frozen=True)
class StagerScore:
    """One staging against the human scoring: Cohen's kappa, accuracy and F1 per stage."""

    source: str
    kappa: float
    accuracy: float
    per_class_f1: tuple[float, ...]


@dataclass(frozen=True)
class StagerRace:
    """The machine's and the model's stagings, each against ``reference`` over ``epochs``
    epochs all of them stage ("is the model better than YASA?")."""

    reference: str
    rows: list[StagerScore]
    epochs: int


@dataclass(frozen=True)
class AgreementRow:
    """Two stagings over one part of the night: epochs both stage, the share they agree on,
    Cohen's kappa (NaN when the reference holds one stage there) and the reference's commonest
    stage."""

    label: str
    epochs: int
    agree: float
    kappa: float
    common: str


@dataclass(frozen=True)
class AgreementTrack:
    """Two stagings' agreement hour by hour and by thirds ("does agreement drop at the end of
    the night?"); ``rho``/``p``: Spearman's rho of the hourly agreement against time (NaN with
    fewer than three hours)."""

    reference: str
    compared: str
    hours: list[AgreementRow]
    thirds: list[AgreementRow]
    rho: float
    p: float


@dataclass(frozen=True)
class StagerAmounts:
    """Minutes of each asked stage by each staging ("how much N3 did the expert score vs YASA?")."""

    stages: tuple[str, ...]
    sources: list[str]
    minutes: dict[str, list[float]]
    where: str = ""


@dataclass(frozen=True)
class StagingChannel:
    """The file's EEG leads in the order the machine staging reads them ("which EEG channel is
    best for staging?").

    Attributes:
        leads: (label, why it cannot be staged from: "" when it can), most preferred first.
        used: tool and channels of the machine staging, "" when the night was not staged.
    """

    leads: tuple[tuple[str, str], ...]
    used: str


@dataclass(frozen=True)
class StudyUse:
    """One use of an attended study ("breathing events") and whether its channels held.

    Attributes:
        name: the use, in words.
        hours: hours its needed channels were all usable at once; None when one is missing.
        lacking: the needed channels the study lacks, in words ("" when none).
        without: channels it reads when present that the study lacks ("" when none).
    """

    name: str
    hours: float | None
    lacking: str = ""
    without: str = ""


@dataclass(frozen=True)
class StudyAdequacy:
    """"Is the study technically adequate?" on a night with EEG: each use's usable hours and
    what sleep the study sampled.

    Attributes:
        uses: sleep staging, breathing events, leg movements and heart rhythm.
        recorded_h: hours recorded.
        sleep_min, rem_min: minutes asleep and in REM by ``source``'s stages.
        supine_min: minutes asleep supine; None without a readable body position.
        source: where the stages come from.
    """

    uses: tuple[StudyUse, ...]
    recorded_h: float
    sleep_min: float
    rem_min: float
    supine_min: float | None
    source: str


@dataclass(frozen=True)
class ChannelNeeds:
    """What the machine scorer needs to score one kind of event, and whether this recording
    has it ("what would you need to score apneas?").

    Attributes:
        what: the events in words ("apneas").
        needs: (event type, the channel it needs with its limit, why this recording cannot
            show it: "" when it can), one per event type.
    """

    what: str
    needs: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Restaged:
    """The night staged again on another EEG lead ("stage it using Pz-Oz").

    Attributes:
        lead: the lead staged on now; used: the one the app's staging reads.
        kappa: Cohen's κ between the two stagings, None when ``lead`` is ``used``.
        changed, epochs: epochs whose stage changed, of those both staged.
        minutes_before, minutes_after: minutes per stage over those epochs.
        human_before, human_after: each staging's κ against the human scoring, None without one.
        source: the new staging's tool and channels.
    """

    lead: str
    used: str
    kappa: float | None
    changed: int
    epochs: int
    minutes_before: dict[str, float]
    minutes_after: dict[str, float]
    human_before: float | None
    human_after: float | None
    source: str


@dataclass(frozen=True)
class BestLead:
    """Which EEG lead shows a kind of burst best ("what channel shows it best?").

    Attributes:
        name: the events in words ("K-complex"); n: how many were measured.
        focused: they are the one in focus (or those in the span asked), not the night's first.
        ranked: (lead, mean peak-to-peak amplitude in µV in the burst's band), the largest first.
        where_read: where the AASM reads them, in words.
        detected_on: the events' sources (a machine detector names its lead).
    """

    name: str
    n: int
    focused: bool
    ranked: tuple[tuple[str, float], ...]
    where_read: str
    detected_on: list[str]


@dataclass(frozen=True)
class ScoringMethod:
    """How a night's events of one kind were found ("which detector found the spindles?").

    Attributes:
        name: the events in words ("Sleep spindle").
        source: the events' source ("scored" or the machine scoring's label).
        tools: (who scored them: a machine tool and its lead, or "human-scored"; how many),
            most first.
        rules: the machine scorer's rule for each of their types, in words with its numbers.
        checked: how well that rule found them where it was checked, in words with the F1.
    """

    name: str
    source: str
    tools: tuple[tuple[str, int], ...]
    rules: tuple[str, ...]
    checked: tuple[str, ...] = ()


@dataclass(frozen=True)
class StretchRate:
    """Events of one kind per hour of sleep in a stretch and in the rest of the night.

    Attributes:
        name: the events in words ("arousals").
        inside, rest: per hour of sleep; ``rest`` None when the stretch is the night, either
            None without sleep there.
    """

    name: str
    inside: float | None
    rest: float | None


@dataclass(frozen=True)
class StageShortfall:
    """Why a stretch held little or none of a stage ("why was there no deep sleep in the second
    cycle?").

    Attributes:
        stage: "N3" or "REM"; where: the stretch in words, "" for the night; span: its (start,
            end) in seconds.
        source: who scored the stages.
        minutes: the stage's minutes in the stretch; sleep_minutes: its minutes asleep;
            stage_minutes: its minutes of each of ``STAGES``.
        rest_share: the stage's % of the sleep in the rest of the night, None for the night.
        by_cycle: (cycle number, the stage's minutes in it, whether it overlaps the stretch).
        rates: the stretch's awakenings and events per hour of sleep against the rest's.
        closest: for N3, (highest slow-wave coverage % of its N1 and N2 epochs, how many came
            within :data:`app.chat.stage_shortfall.NEAR_MISS_PCT`); None otherwise or without
            detected slow waves.
        sure: on machine stages, the staging's mean probability of the stage over the stretch's
            epochs of it (how sure it is of what it found); None otherwise or without them.
        ends_recording: the stretch runs to the end of the recording.
        asked: "absence" when the question said there was none ("why was there no REM?"),
            "latency" when it asked why the first REM came late (the stretch is then sleep onset
            to the first REM epoch), else "shortfall".
    """

    stage: str
    where: str
    span: tuple[float, float]
    source: str
    minutes: float
    sleep_minutes: float
    stage_minutes: dict[str, float]
    rest_share: float | None
    by_cycle: tuple[tuple[int, float, bool], ...]
    rates: tuple[StretchRate, ...]
    closest: tuple[float, int] | None
    sure: float | None
    ends_recording: bool
    asked: str


@dataclass(frozen=True)
class ModelFacts:
    """What the sleep-language model in use is and how far it has been checked ("what model is
    this?", "how accurate is it on real data?").

    Attributes:
        status: the engine's line on which model is loaded.
        parameters: its parameter count.
        text_parameters: those of its text tower (MiniLM, frozen, and a projection), 0 when
            it has none apart.
        shipped: the shipped ``sleeplm-mini``, whose measured figures the answer gives.
        kappa: its zero-shot stages against this night's reference staging, None without both.
        epochs: epochs that κ was read over.
        reference: who staged the reference ("scored" for the human scoring, else the machine
            staging's label).
    """

    status: str
    parameters: int
    text_parameters: int
    shipped: bool
    kappa: float | None
    epochs: int
    reference: str


@dataclass
class RecordingFacts:
    """What a question about the recording itself is answered from.

    Attributes:
        topic: "channels", "scoring" or "quality".
        channels: the file's channels (channels).
        missing: model input slots the file has no channel for (channels).
        human_files: scoring files loaded with the recording (scoring).
        human_stages: the recording came with a human hypnogram (scoring).
        human_events: human-scored events loaded (scoring).
        machine_source: tool and channels of the machine staging, "" without (scoring).
        mean_confidence: mean probability of the machine's chosen stage, 0-1 (scoring).
        unsure_pct: % of machine-staged epochs whose chosen stage has probability under
            ``unsure_below`` (scoring).
        unsure_below: the probability under which an epoch counts as unsure, 0-1: the
            question's ("epochs under 0.5") or ``app.chat.recording.UNSURE_BELOW`` (scoring).
        unsure_in: the machine stages the unsure stretches were sought in ("uncertain
            stretches in REM"), () for all; ``unsure_count`` the unsure epochs there and the
            epochs there, on the model's grid, when either was asked (scoring).
        stage_confidence: mean probability per chosen stage (scoring).
        agreement: machine vs human scoring in one line, "" without both (scoring).
        skipped: parts the machine scoring could not score, and why.
        flags: channel -> {flag: epochs} of the quality flags raised (quality).
        checked: model channels the flags were computed on (quality).
        n_epochs: epochs checked (quality).
        warnings: loader warnings about the file (quality).
        items: the longest uncertain or flagged stretches, for the plots.
        asked: the channels a question about rates named (channels).
        asked_for: the model slot prefixes it named ("EEG"), () for none (channels).
        length_asked: the question asked how long the recording is or when it ran (channels).
        absent: when the question asked which channels are missing, the usual PSG channels the
            file lacks, in a technician's words, and why channels it has cannot be scored
            (channels); None when not asked.
        presence_asked: the question asked whether a channel is there ("is there an SpO2
            channel?"): answered yes or no first (channels).
        study: what kind of study the usable channels make, in words, "" when not asked
            (channels).
        valid_epochs: epochs with no flag on any checked channel (quality).
        spo2_valid: share of the SpO2 channel's samples in the 50-100 % range, 0-1, None
            without one (quality).
        where: the span the machine staging's confidence was read over, "" for the whole
            night (scoring).
        machine_events: machine-scored events by type, on a night without human-scored
            events, whose answers use them (scoring).
        differ_by: the machine staging's source when ``differ`` holds it against the human
            scoring instead of the model's stages ("where does YASA disagree with the
            expert?"), "" for the model's.
        differ: epochs where the model's zero-shot stage differs from the reference staging,
            and epochs compared, when asked where they disagree (``items`` are then those
            stretches); None otherwise (scoring). ``differ_in``: the reference stages they
            were counted in ("an N1 epoch the model got wrong"), () for all. ``differ_ref``:
            the reference staging's source.
        patient: the recorded person as the file's header states them (channels, patient).
        claim: the class a yes-or-no question put to the patient ("child", "adult", "older",
            "female", "male"), or an age it puts ("over:60", "under:18"), "" for none (patient).
    """

    topic: str
    channels: list[ChannelRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    human_files: list[str] = field(default_factory=list)
    human_stages: bool = False
    human_events: int = 0
    machine_source: str = ""
    mean_confidence: float | None = None
    unsure_pct: float | None = None
    unsure_below: float = UNSURE_BELOW
    unsure_in: tuple[str, ...] = ()
    unsure_count: tuple[int, int] | None = None
    stage_confidence: dict[str, float] = field(default_factory=dict)
    agreement: str = ""
    skipped: list[str] = field(default_factory=list)
    flags: dict[str, dict[str, int]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    n_epochs: int = 0
    warnings: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    asked: list[ChannelRow] = field(default_factory=list)
    asked_for: tuple[str, ...] = ()
    length_asked: bool = False
    presence_asked: bool = False
    absent: list[str] | None = None
    study: str = ""
    valid_epochs: int = 0
    spo2_valid: float | None = None
    where: str = ""
    machine_events: dict[str, int] = field(default_factory=dict)
    patient: Patient = field(default_factory=Patient)
    claim: str = ""
    differ_ref: str = ""
    differ: tuple[int, int] | None = None
    differ_by: str = ""
    differ_in: tuple[str, ...] = ()
    which_right: bool = False
    """"Which one is right?" on a night without a human scoring: how YASA and the model each
    fared against experts, first (scoring)."""
    adequate: tuple[float | None, float | None, float | None] | None = None
    """"Is this a valid home sleep test?": hours of usable airflow, of valid SpO2 and of both
    (None for a channel the night lacks); None when not asked (quality)."""
    study_adequacy: StudyAdequacy | None = None
    """"Is the study technically adequate?" on a night with EEG; None when not asked (quality)."""
    unsure_lead: str = ""
    """What a question on the machine staging's doubt asked first: "where" (``items``, its
    uncertain stretches, lead), "stage" (the stage it is least sure of), "" for neither
    (scoring)."""
    scorable: tuple[str, str] | None = None
    """"Could you score the breathing?": the events asked about (plural noun) and why this night
    cannot show them ("" when it can), answered first (scoring)."""


@dataclass
class CycleList:
    """The NREM-REM cycles of the main sleep episode.

    Attributes:
        cycles: one item per cycle (start, end; label "cycle N" or "cycle N (no REM period)").
        minutes: stage minutes (W, N1, N2, N3, REM) of each cycle, in the same order.
        rem_starts: start of each cycle's REM period, seconds; None for an incomplete cycle.
        episode: the main sleep episode, with the sleep outside it.
        source: who scored the stages.
        asked: the stages a question asked about per cycle ("which cycle had the most N3?"),
            () for none; least: it asked for the fewest minutes.
        by_length: "longest" or "shortest" when a question asked for that cycle ("which sleep
            cycle was the longest?"), "" otherwise.
    """

    cycles: list[Item]
    minutes: list[dict[str, float]]
    rem_starts: list[float | None]
    episode: Episode
    source: str
    asked: tuple[str, ...] = ()
    least: bool = False
    by_length: str = ""


@dataclass
class StageEvidence:
    """What backs one epoch's stage.

    Attributes:
        epoch, start: the epoch and its start (s).
        stage: its stage in the answers' hypnogram; source: who scored it.
        asked: the stage the question named ("why N3?"), None when it named none.
        machine: the machine staging's probability of each of ``STAGES``, None without.
        machine_source: the machine scoring's label.
        model: the model's zero-shot probability of each of ``STAGES``, None without.
        bands: EEG band -> % of 0.5-30 Hz power (mean over the EEG channels).
        slow_eye: % of EOG power in the slow-eye-movement band (mean over the EOG channels),
            None without EOG.
        rems: rapid eye movements YASA's detector found in the epoch, None without EOG.
        chin: chin EMG spread over the night's median epoch (1 = typical), None without.
        events: events starting in the epoch, by type.
        slow_wave_pct: % of the epoch covered by slow waves.
        chosen: why this epoch was shown (the clearest example of its stage, the one the machine
            staging is least sure of), "" when it was asked for.
        guess: the stage a quiz reply gave ("N2" after "quiz me"), marked first; None
            otherwise.
        human: the question asked what a human scorer would call the epoch.
    """

    epoch: int
    start: float
    stage: str
    source: str
    asked: str | None
    machine: np.ndarray | None
    machine_source: str
    model: np.ndarray | None
    bands: dict[str, float]
    slow_eye: float | None
    rems: int | None
    chin: float | None
    events: dict[str, int]
    slow_wave_pct: float
    chosen: str = ""
    guess: str | None = None
    human: bool = False


@dataclass(frozen=True)
class QuizQuestion:
    """"quiz me": the epoch to stage (index and start, s), who scored the night (the answer's
    source) and the quiz's number in the session (1 for the first)."""

    epoch: int
    start: float
    source: str
    number: int


@dataclass(frozen=True)
class BreakdownRow:
    """One group of a breakdown: minutes in it, minutes asleep in it, the index's events that
    start in its sleep (None when no index was asked) and their mean duration (s), and for a
    measure, each feature column's (mean, sd, epochs) over the group's epochs; for the stage
    mix, the minutes of each stage in the group and ``shifts``, the changes of stage into its
    epochs from the epoch before; ``span``: seconds from its first epoch's start to its last
    epoch's end (None when empty)."""

    group: str
    minutes: float
    sleep_min: float
    events: int | None
    mean_sec: float | None = None
    values: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    stage_min: dict[str, float] = field(default_factory=dict)
    span: tuple[float, float] | None = None
    shifts: int = 0
    durations: tuple[float, ...] = ()
    """Each counted event's length (s), for a test of two groups' lengths."""

    @property
    def per_hour(self) -> float | None:
        if self.events is None or self.sleep_min <= 0:
            return None
        return self.events / (self.sleep_min / 60)


@dataclass
class EventSignals:
    """One signal read around two kinds of events, side by side; ``swing``: "rise" or "fall"
    when the question asked which kind moves the signal more that way after it ("which had
    the bigger surge?"), answered first; "" otherwise."""

    first: EventSignal
    second: EventSignal
    swing: str = ""


@dataclass(frozen=True)
class CorrelationRow:
    """Spearman's ρ over one group of epochs; ``rho`` and ``p`` are None under the fewest
    epochs a correlation is given for, or where a measure does not vary."""

    group: str
    n: int
    rho: float | None
    p: float | None


@dataclass
class Correlation:
    """Two per-epoch measures against each other: over all the scope's epochs ("all", or
    the stages named) first, then within each stage.

    Attributes:
        first, second: the measures in words ("heart rate (mean)").
        rows: the groups, the whole scope first.
        source: who scored the stages.
        where: the scope in words ("in sleep").
    """

    first: str
    second: str
    rows: list[CorrelationRow]
    source: str
    where: str


@dataclass(frozen=True)
class IndexTrackRow:
    """One clock hour of an :class:`IndexTrack`: its minutes asleep, the index's events that
    start in that sleep, and the measure's mean over it (None where unmeasured)."""

    group: str
    sleep_min: float
    events: int
    measure: float | None

    @property
    def per_hour(self) -> float:
        return self.events / (self.sleep_min / 60) if self.sleep_min > 0 else 0.0


@dataclass
class IndexTrack:
    """A per-epoch measure and an event index read hour by hour ("does the snoring track the
    AHI?").

    Attributes:
        measure: the measure in words ("snoring loudness (mean)").
        unit: the measure's unit ("dB"), "" for none.
        index: what is counted ("AHI", a phenomenon's name).
        rows: every clock hour with sleep in the scope, in time order.
        hours: how many hours hold enough sleep to count towards ``rho``.
        rho, p: Spearman's ρ of the measure against the rate over those hours, and its p;
            None for too few hours or a flat series.
        source, events_source: who scored the stages, and the events.
    """

    measure: str
    unit: str
    index: str
    rows: list[IndexTrackRow]
    hours: int
    rho: float | None
    p: float | None
    source: str
    events_source: str


@dataclass(frozen=True)
class ScopedSleep:
    """Sleep inside a time span ("sleep efficiency in the second half"), minutes.

    Attributes:
        where: the span in words.
        minutes: recorded (scored) minutes in the span.
        sleep_min: of them, asleep (N1, N2, N3, REM).
        waso_min: of them, awake after the night's sleep onset and before its final awakening.
        source: who scored the stages.
        night_efficiency: the whole night's sleep efficiency, %.
        night_tst: the whole night's total sleep time, minutes.
        stat: the statistic asked for ("se", "sme", "tst", "waso", "tib"), answered first.
    """

    where: str
    minutes: float
    sleep_min: float
    waso_min: float
    source: str
    night_efficiency: float
    night_tst: float
    stat: str = "se"


@dataclass
class Breakdown:
    """An index or the time split by "position", "stage", "hour", or the two "groups" of a
    comparison.

    Attributes:
        by: the grouping.
        index: what is counted ("AHI", "ODI", a phenomenon's name), "" for time alone.
        rows: the groups in reading order.
        source: who scored the stages; events_source: who scored the events.
        where: the time scope in words, "" for the whole night.
        stages: the stages the groups were cut to ("which hour had the most N3?"), () for all.
        measured: feature columns averaged per group ("heart rate by stage"), () for none.
        recorded: the rows count events anywhere, per hour recorded (a night without EEG,
            whose sleep is a guess); their ``sleep_min`` holds the minutes recorded.
        mix: the rows hold the minutes of every stage ("stages by hour").
        named: the group the question names ("how much time supine?"), read first; "" for
            none.
        norm_asked: the question asks whether a measure is normal ("is the HRV normal?").
        direction: for a measure by stage or position with ``named``, the way the question
            expects that group's measure to differ from the rest ("was the heart rate higher in
            REM?", "is the SpO2 lower on her back?"; "higher", "lower", "change", "either");
            for two "groups" of events, the way it expects the first group's rate to differ
            ("were there more spindles in the second half?"); answered first; "" for none.
        lengths_first: the question asks about the events' lengths ("were apneas longer in
            REM?"): REM's mean length against NREM's leads.
        lengths_asked: for two groups' events, "longer" or "shorter" where the question asks
            which group's last longer ("are spindles longer in N3?"), answered first; "" for none.
        rate_way: for an index split by stage or position, how the question expects the rate
            to differ between REM and NREM, or supine and the other positions ("was the AHI
            higher in REM?": "higher"; "lower", "change", "which"; "rule": "is it
            REM-related?", "is it positional?"), answered first; "" for none.
        lowest: an index split asked for its quietest group ("which hour had the fewest
            apneas?", "and the fewest?" after the stage with the most): that group leads (an
            hour is shown), not the worst.
    """

    by: str
    index: str
    rows: list[BreakdownRow]
    source: str
    events_source: str = ""
    where: str = ""
    stages: tuple[str, ...] = ()
    measured: tuple[str, ...] = ()
    recorded: bool = False
    mix: bool = False
    named: str = ""
    norm_asked: bool = False
    direction: str = ""
    lengths_first: bool = False
    lengths_asked: str = ""
    rate_way: str = ""
    lowest: bool = False
    test: PairTest | None = None
    """For two groups' events when asked whether they differ by more than chance: the test
    of their rates, or of their lengths when the lengths were asked; None otherwise."""
    trend: Trend | None = None
    """For a measure hour by hour when its drift over the night was asked: the first measure's
    trend; None otherwise."""
    in_sleep: bool = False
    """For two groups' events of a kind whose index counts them in sleep alone (desaturations,
    arousals, leg movements, breathing events): those starting in sleep only, as the index."""
    other_staging: list[BreakdownRow] | None = None
    """For an index split by stage on a night whose stages are a machine's: the REM and NREM rows
    under the model's stages, the check a verdict resting on which epochs are REM needs; None
    otherwise."""
    measure_tests: dict[str, PeriodTest | None] = field(default_factory=dict)
    """For a measure split by stage or position when asked whether the two sides (REM and
    NREM, supine and non-supine: :attr:`tested`) differ by more than chance: each measured
    column's test over periods (None with too few periods a side); empty otherwise."""
    tested: tuple[str, str] = ()

    @property
    def per_minute(self) -> bool:
        """Rates read per minute of sleep (spindle density, REM density), not per hour."""
        return self.index in ("sleep spindle", "rapid eye movements")


@dataclass
class PositionPeriods:
    """When the sleeper lay in some body positions ("when was the patient on their back?").

    Attributes:
        positions: the position names asked about (``sleeplm_core.io.position``).
        periods: runs of epochs in them, in time order (the item's stage: its first epoch's).
        total_min: minutes recorded in them; asleep_min: of those, minutes asleep.
        sleep_min: minutes asleep over the scope; stages: where the stages come from.
        where: the scope in words.
    """

    positions: tuple[str, ...]
    periods: list[Item]
    total_min: float
    asleep_min: float
    sleep_min: float
    stages: str
    where: str = ""


@dataclass
class PlmSeries:
    """Periodic series of leg movements ("the longest series of PLMs").

    Attributes:
        series: one item per series (its first movement's onset to its last one's end),
            ``value`` its number of leg movements, ``stage`` its commonest stage.
        intervals: each series' mean onset-to-onset interval, seconds.
        total: leg movements of the night; source: who scored them.
        where: the scope in words; order: "longest" (by duration) or "time".
    """

    series: list[Item]
    intervals: list[float]
    total: int
    source: str
    where: str = ""
    order: str = "time"


@dataclass
class EventFree:
    """The longest stretches without one kind of event ("the longest stretch without an
    apnea?").

    Attributes:
        name: the events, in words.
        stretches: longest first; ``value`` the minutes asleep in each.
        events: events of that kind in the span searched.
        source: who scored the events.
        span: (start, end) seconds searched: the main sleep episode inside the scope.
        where: the scope in words ("" for the whole night).
    """

    name: str
    stretches: list[Item]
    events: int
    source: str
    span: tuple[float, float]
    where: str = ""


@dataclass(frozen=True)
class EventRank:
    """One event's length among the night's events of its kind ("is that long?").

    Attributes:
        name: the kind, in words ("apnea"); label: the event's own type ("central apnea").
        start, length: its onset and length, seconds.
        n: events of the kind; rank: its place by length (1 = the longest); shorter: how many
            are shorter.
        median, quartiles, extremes: the kind's lengths, seconds.
        source: who scored the events.
        depth: a desaturation's fall below its baseline (% points), how many of the night's
            fall deeper, and their median fall; None for other events or without SpO2.
    """

    name: str
    label: str
    start: float
    length: float
    n: int
    rank: int
    shorter: int
    median: float
    quartiles: tuple[float, float]
    extremes: tuple[float, float]
    source: str
    depth: tuple[float, int, float] | None = None


@dataclass(frozen=True)
class Dispersion:
    """How a kind's events spread over the stretches of sleep ("are the apneas clustered?").

    Attributes:
        events: events starting in the stretches counted.
        stretches: stretches of sleep; minutes: the sleep each holds.
        ratio: variance over mean of the counts per stretch (1 for events at random).
        p_clustered, p_even: chi-square probabilities of a ratio this high, or this low, by
            chance.
        top_share: share of the events in the busiest ``top`` stretches (a fifth of them).
        over: what the stretches cut: "sleep", or "recording" on a home test without EEG.
    """

    events: int
    stretches: int
    minutes: float
    ratio: float
    p_clustered: float
    p_even: float
    top_share: float
    top: int
    over: str = "sleep"


@dataclass
class BusiestEpochs:
    """The 30-s epochs holding the most events of a kind ("which epoch had the most
    arousals?").

    Attributes:
        name: the events, in words.
        epochs: one item per epoch, most events first, ``value`` its count.
        total: events in scope; with_any: epochs holding at least one.
        source: who scored the events; where: the scope in words.
        scope_epochs: epochs in scope; share: the question asked what share of them hold
            one ("what percentage of REM epochs had rapid eye movements?").
        window: the length, seconds, of the stretches counted ("the worst 10 minutes"),
            None for single epochs; each item's stage is the stretch's commonest.
        dispersion: for "are they clustered?", how unevenly they spread over sleep (None
            when not asked, or too few to judge); clustered: it was asked.
    """

    name: str
    epochs: list[Item]
    total: int
    with_any: int
    source: str
    where: str = ""
    scope_epochs: int = 0
    share: bool = False
    window: float | None = None
    dispersion: Dispersion | None = None
    clustered: bool = False


@dataclass(frozen=True)
class PeakRow:
    """One stage's EEG spectrum: its 1/f background and the peaks above it (FOOOF).

    Attributes:
        stage: the stage; epochs: 30-s epochs averaged.
        peak_hz: the strongest peak above the background in the band asked (Hz), None
            when no peak stands above it there.
        peak_ratio: that peak's power over the background's at its frequency (times).
        raw_max_hz: where the raw spectrum is highest in the fitted range (Hz).
        exponent: the background's aperiodic exponent (the 1/f slope's size; larger in
            deeper sleep).
        r_squared: how well the model fits the spectrum (0-1).
        peaks: every peak's centre (Hz), low to high.
    """

    stage: str
    epochs: int
    peak_hz: float | None
    peak_ratio: float
    raw_max_hz: float
    exponent: float
    r_squared: float
    peaks: list[float]


@dataclass
class PeakFrequencies:
    """Peak frequencies per stage ("what's the alpha peak frequency?", "the dominant
    frequency in N2", "the aperiodic slope").

    Attributes:
        band: the band asked ("alpha"), "" for the strongest rhythm anywhere.
        channel: the EEG read; rows: one per stage with enough epochs.
        source: who scored the stages; where: the scope in words.
        slope_asked: the question asked for the background's slope.
    """

    band: str
    channel: str
    rows: list[PeakRow]
    source: str
    where: str = ""
    slope_asked: bool = False


@dataclass(frozen=True)
class ChannelEventRow:
    """One EEG channel's detected events: its label and rate (Hz), the events in the stages
    read, their rate per minute of those stages, mean length (s), and mean frequency (Hz,
    spindles) or peak-to-peak amplitude (µV, slow waves); None without events."""

    label: str
    sfreq: float
    events: int
    per_minute: float
    mean_duration: float | None
    mean_value: float | None


@dataclass
class ChannelEvents:
    """Spindles or slow waves detected on each EEG channel ("spindle density on each channel").

    Attributes:
        kind: "spindle" or "slow_waves"; title: its name.
        rows: one per usable EEG channel, in the machine scoring's order of preference.
        stages: the stages read; minutes: their minutes in the scope.
        source: who scored those stages; skipped: channels left out, and why.
        where: the scope in words, "" for the whole night.
        asked: the lead the question named ("spindles on Pz-Oz"), "" for none.
    """

    kind: str
    title: str
    rows: list[ChannelEventRow]
    stages: tuple[str, ...]
    minutes: float
    source: str
    skipped: list[str]
    where: str = ""
    asked: str = ""


@dataclass
class LeadBands:
    """One EEG channel's band powers ("compare Fpz-Cz and Pz-Oz").

    Attributes:
        label: the channel's label.
        sleep: band -> mean power over the sleep epochs in scope, % of the EEG power.
        in_stage: band -> mean power in the stage it is read in
            (``app.chat.eeg_leads.BAND_STAGE``: alpha in W, sigma in N2, delta in N3), for the
            stages the scope holds.
    """

    label: str
    sleep: dict[str, float]
    in_stage: dict[str, float]


@dataclass
class LeadComparison:
    """"Compare the two EEG leads": each EEG channel's band powers side by side.

    Attributes:
        rows: one per EEG channel, in the file's order.
        sleep_epochs: sleep epochs the means are over; source: who staged them.
        where: the scope in words, "" for the whole night.
    """

    rows: list[LeadBands]
    sleep_epochs: int
    source: str
    where: str = ""


@dataclass
class PositionNadirRow:
    """One body position's lowest SpO2 (%), when it fell (seconds), and the minutes spent in it."""

    position: str
    lowest: float
    at: float
    minutes: float


@dataclass
class PositionNadir:
    """"What was the nadir when supine?": each position's lowest SpO2, the lowest first.

    Attributes:
        rows: one per position read; source: the SpO2 channel in words.
        asked: the position the question named ("supine"), "" for none.
        where: the scope in words, "" for the whole night.
    """

    rows: list[PositionNadirRow]
    source: str
    asked: str = ""
    where: str = ""


@dataclass
class RuleMargins:
    """"Which events are borderline?": the breathing events and desaturations near their rule's cut.

    Attributes:
        margins: each event near each cut, in time order.
        judged: apneas, hypopneas and desaturations read.
        source: where the events come from.
        counted: apneas and hypopneas the AHI counts (in sleep; every one on a home test).
        dropped: how many of those the other side of a cut would not score at all.
        hours: hours the AHI divides by (of sleep, or recorded on a home test).
        recorded: a home test: the index is the REI, per hour recorded.
        kinds: the kinds read, in words ("apneas, hypopneas and desaturations").
    """

    margins: list[RuleMargin]
    judged: int
    source: str
    counted: int
    dropped: int
    hours: float
    recorded: bool
    kinds: str


@dataclass
class SignOff:
    """"What should I check before I sign this off?": where the staging is least sure, then the
    events nearest their rule's cut (a Message when the breathing was not scored) and the apneas
    and hypopneas starting in epochs staged wake (``in_wake``: events, which the AHI leaves out)."""

    facts: RecordingFacts
    events: RuleMargins | Message
    in_wake: list[Event] = field(default_factory=list)


@dataclass
class SOCoupling:
    """Slow-oscillation–sigma coupling ("what is the SO-spindle coupling?").

    Attributes:
        coupling: the phases and their statistics, overall and per stage.
        source: who scored the stages; where: the scope in words.
    """

    coupling: Coupling
    source: str
    where: str = ""


@dataclass
class SpO2Recoveries:
    """How SpO2 came back after every event of one kind in sleep.

    Attributes:
        name: the events' kind, in words.
        n: events read (with valid SpO2 around them).
        seconds: nadir-to-recovery time of each event that recovered, s.
        not_back: events whose SpO2 was not back within the rule's time.
        slowest, slowest_found: the event that took longest, and its fall and recovery.
        rule: where the nadir and the recovery were looked for.
        where: the scope in words.
        source: where the events come from.
        nadir_lags: seconds from each event's end to its SpO2 nadir.
        nadir_asked: the question asked when SpO2 bottomed out, which then leads.
        lead: "mean" or "slowest" when a follow-up asked for the mean time or the slowest
            recovery, which then leads; "" otherwise.
    """

    name: str
    n: int
    seconds: list[float]
    not_back: int
    slowest: Item | None
    slowest_found: Resaturation | None
    rule: ResaturationConfig
    where: str
    source: str
    nadir_lags: list[float] = field(default_factory=list)
    nadir_asked: bool = False
    lead: str = ""


@dataclass
class SpO2Recovery:
    """How SpO2 fell and came back around one item ("how long did the oxygen take to
    recover after the longest apnea?").

    Attributes:
        item: the item referred to.
        found: baseline, nadir and recovery (%, seconds from the recording start).
        rule: where the nadir and the recovery were looked for.
    """

    item: Item
    found: Resaturation
    rule: ResaturationConfig


@dataclass
class StageTransitions:
    """Changes from one stage to the next ("how many times did she go from REM to wake?").

    Attributes:
        origin, target: the stages a question names on each side, () for any.
        counts: every transition in scope, (from, to) -> count.
        items: the asked transitions, each at the first epoch of its new stage, labelled
            "REM → W", in time order.
        sleep_h: hours asleep over the scope; stages: where the stages come from.
        where: the scope in words; period: the sleep period counted, in words.
    """

    origin: tuple[str, ...]
    target: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    items: list[Item]
    sleep_h: float
    stages: str
    where: str = ""
    period: str = ""


@dataclass
class PositionChanges:
    """Changes of body position ("how many times did the patient turn?").

    Attributes:
        changes: one item per change, at the first epoch in the new position, labelled
            "supine → left", in time order.
        in_sleep: how many of them start in a sleep epoch.
        sleep_h: hours asleep over the scope; stages: where the stages come from.
        where: the scope in words.
    """

    changes: list[Item]
    in_sleep: int
    sleep_h: float
    stages: str
    where: str = ""


@dataclass
class SystemOverview:
    """One body system over the whole night, in the numbers a sleep report gives for it
    ("how was the breathing overall?", "summarize the heart").

    Attributes:
        system: "respiratory" or "heart".
        summary: the night's statistics (AHI, RDI, ODI and their counts).
        events_source: where the events come from; counts: events of each type in it.
        gaps: why an index is missing (as :class:`Summary`).
        spo2, breathing, heart_rate: the signal over the night, None without it.
        below_90: SpO2 under 90 % (T90), None without an SpO2 channel.
        snoring: (minutes snoring in sleep, minutes asleep measured, False; minutes snoring and
            recorded, True, on a home test whose sleep is a guess), None without a snore channel.
        heart_sleep_wake: mean heart rate asleep and awake (bpm; NaN without either).
        rhythm: the ECG's beat timing over the night, None with ``rhythm_why`` saying why.
        unread: why the system's SpO2 or heart-rate channel was left out (uncalibrated).
        judged: the question asked whether it was normal ("is the heart rate normal?"): the
            answer leads with the measures against their published limits.
        judged_signal: the signal such a question named ("is the breathing rate normal?":
            "resp"; "spo2"), whose limit is read first; "" for the system as a whole.
    """

    system: str
    summary: NightSummary
    events_source: str
    counts: dict[str, int]
    gaps: dict[str, str]
    spo2: SignalStats | None = None
    below_90: SignalRuns | None = None
    breathing: SignalStats | None = None
    snoring: tuple[float, float, bool] | None = None
    heart_rate: SignalStats | None = None
    heart_sleep_wake: tuple[float, float] | None = None
    rhythm: RhythmSummary | None = None
    rhythm_why: str = ""
    unread: list[str] = field(default_factory=list)
    judged: bool = False
    where: str = ""
    """The span read ("in the first half"), "" for the whole night."""
    span: tuple[float, float] | None = None
    """That span in seconds from the recording start, None for the whole night."""
    judged_signal: str = ""


@dataclass(frozen=True)
class Fragmentation:
    """How one stage's time breaks up ("how fragmented was REM?").

    Attributes:
        stage: the stage read; source: who scored the hypnogram; where: the scope in words.
        periods: the stage's periods (REM runs under 15 min apart joined), in time order.
        bout_sec: the lengths, seconds, of the stage's unbroken runs (bouts), in time order.
        short_bouts: bouts shorter than two minutes.
        breaks: interruptions inside the periods, by the stage that interrupts.
        exits: the stage each bout gives way to, counted.
        arousal_rate: arousals starting in the stage per hour of it, None when arousals
            were not scored; arousal_source: who scored them.
    """

    stage: str
    source: str
    where: str
    periods: list[Item]
    bout_sec: list[float]
    short_bouts: int
    breaks: dict[str, int]
    exits: dict[str, int]
    arousal_rate: float | None
    arousal_source: str
    other: Fragmentation | None = None
    """The same stage's bouts under the model's zero-shot stages, where the night's are a
    machine's nobody checked; None otherwise."""


@dataclass(frozen=True)
class AwakeningCauses:
    """The night's awakenings by what came with them ("what woke the patient?").

    Attributes:
        awakenings: one item per awakening (wake run), its label the cause.
        causes: awakenings per cause, in :data:`CAUSES` order ("no scored cause" where a
            cause could not be looked for).
        source: who scored the hypnogram; event_source: who scored the events.
        gaps: why a cause could not be looked for, "" when both could.
        where: the scope in words; lead_sec: seconds before the wake epoch the window opens.
        arousals: the scored arousals in scope; arousals_led: how many of them started in an
            awakening's window (led into it); arousal_source: who scored them; arousal_gap:
            why arousals could not be scored ("" when they could).
        arousals_asked: the question was about the arousals ("how many arousals were
            followed by an awakening?"), so their line leads.
    """

    awakenings: list[Item]
    causes: dict[str, int]
    source: str
    event_source: str
    gaps: str
    where: str
    lead_sec: float
    arousals: int = 0
    arousals_led: int = 0
    arousal_source: str = ""
    arousal_gap: str = ""
    arousals_asked: bool = False


@dataclass(frozen=True)
class EventKind:
    """One kind of events in a two-kind comparison: its name, each event's length (s) and
    the stage it starts in, in time order, and who scored them."""

    name: str
    durations: list[float]
    stages: list[str]
    source: str


@dataclass(frozen=True)
class EventKinds:
    """Two kinds of events side by side ("compare obstructive and central apneas");
    ``sleep_h``: hours of sleep in the scope, for the rates; ``where``: the scope in words;
    ``lengths_asked``: "longer" or "shorter" where the question asked which lasts longer or
    shorter, answered first; "" otherwise."""

    first: EventKind
    second: EventKind
    sleep_h: float
    where: str
    lengths_asked: str = ""


@dataclass(frozen=True)
class BurdenResult:
    """The sleep apnea-specific hypoxic burden ("what's the hypoxic burden?").

    Attributes:
        burden: the measurement (``sleeplm_core.scoring.hypoxic_burden``), None when it
            could not be read, with ``why`` saying why.
        events_source: who scored the apneas and hypopneas; channel: the SpO2 channel.
        per_recorded: the hours are the recording's, not sleep's (a home test without EEG).
        norm_asked: the question asks whether it is high or normal ("is that high?").
    """

    burden: HypoxicBurden | None
    events_source: str
    channel: str
    why: str = ""
    per_recorded: bool = False
    norm_asked: bool = False


Result = (Message | EventList | StagePeriods | StageAmount | StageRatio | SignalRuns | SignalStats
          | Comparison | Classification | NormCheck | Explanation | Navigation | Context
          | Description | Retrieval | Summary | View | RecordingFacts | CycleList
          | StageEvidence | Breakdown | EventSignal | HeartRhythm | CheyneStokes | RemTone
          | SystemOverview | PositionPeriods | PositionChanges | StageTransitions
          | SpO2Recovery | BusiestEpochs | PeakFrequencies | Fragmentation
          | Likeness | AwakeningCauses | EventKinds | BurdenResult | PlmSeries | AhiRobustness
          | ModelFacts | Restaged | StageShortfall | ScoringMethod | BestLead)

