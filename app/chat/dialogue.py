"""Per-session dialogue state, and follow-ups resolved against it.

A follow-up ("and in REM?", "zoom into the second one", "what happened just before
it?") becomes a full query built from the last query and the last result list; the
state lives in the browser session and is never shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.chat.aspects import Aspect, named_apnea_type
from app.chat.glossary import term
from app.chat.learner import BEST_HOUR_RE
from app.chat.norms import (ADULT_AGE, AROUSAL_ROW, BREATHING_ROW, CENTRAL_ROW, MOST_OFF_ROW, MOST_OFF_STAGE, NADIR_ROW,
                            NORMS, ODI_ROW, ROW_OF_STAGE, ROW_OF_STAT)
from app.chat.phenomena import article, find_phenomenon, phenomenon, plural
from app.chat.plan import length_text, scope_text
from app.chat.query import INDEX_STATS, LIST_ALL, SPAN_OXYGEN, THRESHOLD_BY, Intent, Query, Ref, Scope, transition_sides, two_stages
from app.chat.measures import measure_name, names_measure
from app.chat.results import LIBRARY_SOURCE, MOMENT_SEC, Item
from app.chat.surround import ZOOM_OUT_SEC, surround, surrounding
from app.chat.timespan import TimeSpan, around, described_span, parse_time, period_stage
from app.chat.understand import REM_LATENCY_SPAN, AND_ORDINAL_RE, DIFFERENT_REF_RE, EACH_EXAMPLE_RE, GOT_WRONG_RE, comparison_row
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

# "what was happening in the breathing?" right after moving to an epoch asks about that epoch.
_HAPPENING_RE = re.compile(r"\b(?:happening|happened|going on)\b", re.I)

_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                  "ninth", "tenth")


# "what does YASA say?", "do they agree?": the epoch's stage by the other staging
_OTHER_STAGER_SAYS_RE = re.compile(r"^\W*(?:and\s+)?(?:what (?:does|did|do) (?:yasa|the machine(?: staging)?|the expert"
                                   r"|the scorer|the hypnogram|the model|sleeplm) (?:say|think|call it|score it)"
                                   r"|(?:do|did) (?:they|the two|both) agree(?: here| on it| on this one)?)\W*$", re.I)
# "where is it strongest?", "where are they most common?": the phenomenon just explained, on the night
_WHERE_STRONGEST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?where (?:is|are|was|were) (?:it|they|that|those)\s+(?:the\s+)?"
                                 r"(?:strongest|most (?:common|frequent|prominent|obvious|visible)|densest|biggest"
                                 r"|clearest|best seen|most)(?: on this night| here| tonight)?\W*$", re.I)
# "what do the eyes do then?", "and the muscle tone?", "what about the breathing there?": a body
# system, in the stage the last answer was about (Dialogue._stage_in_view)
_SYSTEM_THEN_RE = re.compile(r"^\W*(?:(?:and|so)\s+(?:what about\s+|how about\s+)?|what about\s+|how about\s+"
                             r"|(?=.*\b(?:then|during (?:it|them|that|those)|in (?:them|those))\W*$))"
                             r"(?:(?:what|how) (?:do|does|did|is|was|are|were) )?(?:the |her "
                             r"|his |their )?(?P<sys>eyes?|eog|eye movements|eye channels?|chin(?: emg| tone)?"
                             r"|muscle tone|muscles?|emg|breathing|heart rate|heart|brain|eeg)(?: (?:do|does|did|doing"
                             r"|show|showing|look like|like|behave|behaving))?(?: (?:then|during (?:it|them|that"
                             r"|those)|in (?:them|those)))?\W*$", re.I)
# "what's the heart doing?", "how are the eyes?" with one epoch shown: that system in the epoch
_SYSTEM_NOW_RE = re.compile(r"^\W*(?:(?:and|so)\s+)?(?:what(?:'s| is| are| does| do)|how(?:'s| is| are| does| do)|(?P<other>what"
                            r" about|how about|and)) (?:the |her |his |their )?"
                            r"(?P<sys>eyes?|eog|chin(?: emg| tone)?|muscle tone|muscles?|emg|breathing|heart rate"
                            r"|heart|brain|eeg|oxygen|spo2)(?: (?:doing|like|behaving|up to|look(?:ing)? like|show(?:ing)?))?\W*$", re.I)
_CLINICAL_MEANING_RE = re.compile(r"\bclinic\w*|\bfor (?:her|him|them|the patient|my patient|me)\b", re.I)
"""A meaning asked of the clinical answer before ("what does it mean clinically?")."""
# "what's the kappa?" after two stagings were set against each other: that pair's
_KAPPA_RE = re.compile(r"^\W*(?:and\s+|so\s+)?what(?:'s| is| was) (?:the |their |its )?(?:cohen'?s )?(?:kappa|κ)"
                       r"(?: (?:then|there|between them|for (?:it|that|them)))?\W*$", re.I)
_IT_MOVED_AFTER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|does) (?:it|that|this) (?P<way>spike|rise|jump|go up|climb"
                                r"|increase|surge|drop|fall|go down|dip|decrease|sink)(?: up)?(?: (?:after(?:wards)?"
                                r"|after (?:it|that)|then|later))\W*$", re.I)
"""A signal just read during an event, asked to move after it ("did it spike afterwards?")."""
_IT_MOVED_IN_STAGE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:did|does) (?:it|that) (?P<way>drop|fall|go down|dip|decrease"
                                   r"|sink|rise|go up|climb|increase|spike)|(?:was|is) (?:it|that) (?P<way2>lower|higher))"
                                   r" (?:in|during) (?P<stage>rem|n[123]|nrem|deep sleep|light sleep)(?: sleep)?\W*$", re.I)
"""A signal just read, asked to move in one stage ("did it drop in REM?")."""


_EPOCH_SYSTEM_NAMES = {"eye": "eyes", "eog": "eyes", "chin emg": "chin", "chin tone": "chin", "muscle tone": "chin",
                       "muscle": "chin", "muscles": "chin", "emg": "chin", "heart rate": "heart", "eeg": "brain",
                       "spo2": "oxygen"}
"""A body system's words as a describe question names it."""
_EPOCH_SYSTEM_QUESTIONS = {"eyes": "what does the EOG show in this epoch?", "chin": "what does the chin do here?",
                           "brain": "what does the EEG show in this epoch?",
                           "oxygen": "what is the SpO2 in this epoch?"}
"""The plain question for a body system in the epoch on screen, where "describe" reads more."""


def _system_in_stage(system: str, stage: str) -> str:
    """The plain question for ``system`` ("eyes", "muscle tone") in ``stage``."""
    if system.startswith(("eye", "eog")):
        return f"what does the EOG show in {stage}?"
    if system.startswith(("chin", "muscle", "emg")):
        # REM's chin is read against the atonia rule; another stage's is described
        return "what is the muscle tone in REM?" if stage == "REM" else f"what does the chin do in {stage}?"
    if system == "heart rate":
        return f"what was the heart rate in {stage}?"
    return f"describe the {'brain' if system == 'eeg' else system} in {stage}"


# "why are they different?", "why do they differ?": two figures just given, set apart
_WHY_DIFFERENT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?why (?:are|were|is|do|does|did) (?:they|the two|these|those|that|it)"
                               r"\s+(?:so\s+)?(?:different|differ|not the same|disagree)\W*$", re.I)
# "how many of each?", "and how many of both?": the two kinds just explained, counted
_HOW_MANY_EACH_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how many (?:of each|of both|of them each|were there of each)"
                               r"(?: (?:were there|are there|did (?:she|he|they) have|in this night|tonight|here))?\W*$", re.I)
# "which one had the most deep sleep?": one of the listed cycles by what it holds
_WHICH_ONE_MOST_RE = re.compile(r"^\W*(?:and\s+)?which (?:one|of them|of those)\s+(?:had|has|held|contained|"
                                r"showed)\s+(?P<rest>(?:the\s+)?(?:most|least)\b.*)$", re.I)
# "which had more eye movements?" after two parts of the night were compared: those events in each
_WHICH_MORE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which (?:one |of them |of the two |of those |period |half |part )?"
                            r"(?:had|has|showed|held|contained) (?:more|fewer|less|the most|the fewest|the least)\s+"
                            r"(?P<what>.+?)\W*$", re.I)
_IT_HOLDS_RE = re.compile(r"\b(?:did|does|do|was|is) (?:it|that|this)(?: one| cycle| period| hour| stretch)? "
                          r"(?:have|hold|contain|include)\b|\bin (?:it|that one|this one)\W*$", re.I)
_WHERE_IT_DISAGREES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:where|when) (?:(?:does|did|do) (?:it|they|the two)"
                                    r" (?:disagree|differ|go wrong|get it wrong|get things wrong|err|fail|miss)"
                                    r"|(?:is|was|are|were) (?:it|they|the model) (?:wrong|mistaken|off|failing))"
                                    r"(?: the)?(?: most)?\W*$", re.I)
_HAD_NEITHER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how many|what (?:percent\w*|share|fraction|proportion))"
                             r"(?: of them)? (?:had|have|came with) neither\W*$", re.I)
_SHARE_OF_SLEEP_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:what|which|how much) )?(?:(?:is|was) (?:that|it) (?:as )?)?(?:an? )?"
                                r"(?:percent(?:age)?|share|fraction|proportion|%) of (?:the |their |her |his )?(?:total )?"
                                r"sleep(?: time)?\W*$", re.I)
_OF_IT_RE = re.compile(r"\bits (?:first|last|final|opening|closing|second|other)\b|\b(?:half|minutes?|seconds?"
                       r"|hours?|third|quarter) of (?:it|that|this)(?: one| period)?\W*$", re.I)
_AND_THE_OTHER_END_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:the\s+)?(?:(?P<fewest>fewest|least|lowest"
                                   r"|quietest|best)|(?P<most>most|highest|worst|busiest))(?: one)?\W*$", re.I)
_HOW_LONG_EACH_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how long (?:was|were|did|is|are) (?:each|every|all)"
                               r"(?: one| of them| of those| period| event)?(?: last)?|(?:what (?:was|were) )?the "
                               r"(?:lengths|durations) of (?:each|every|all)(?: of them| one)?)\W*$", re.I)
# "what interrupted it?", "what ended it?": what came right after the period in view
_ENDED_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|which events?) (?:interrupted|ended|broke|stopped|disrupted"
                          r"|cut|terminated) (?:it|that|this)(?: one| period| bout| stretch)?(?: up| short| off)?\W*$"
                          r"|^\W*(?:and\s+|so\s+)?why did (?:it|that|this)(?: one| period| bout)? (?:end|stop|break)\W*$",
                          re.I)
_THE_PHASE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was) (?:the |its )?(?:mean |preferred |coupling )?"
                           r"phase|(?:at )?which phase|phase)\W*$", re.I)
# "which is more variable?" after a signal compared in two parts of the night
_WHICH_VARIABLE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which (?:one |of (?:them|the two|those) )?(?:is|was|are|were) (?:the )?"
                                r"(?:more|most|less|least) (?:variable|irregular|steady|stable|regular)\W*$", re.I)
_VARIABILITY_OF = {"hr": "HRV", "resp": "breathing variability"}
"""The variability measure of a compared signal ("heart rate" -> "HRV")."""
# "and their density per minute of N2?": the density of what was just listed
_THEIR_DENSITY_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was| are| were)\s+)?(?:their|its) (?P<what>density"
                               r"|index|rate)(?P<rest>(?:\s+(?:per|in|during|by|over)\b[^?]*)?)\W*$", re.I)
# "did they get longer through the night?" after a stage's periods: their lengths in order
_THEY_TREND_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|do|does|have|were|are|was|is)\s+(?:they|these|those|it"
                            r"|the periods|the later ones)\s+(?:get(?:ting)?\s+|grow(?:ing)?\s+|become\s+|got\s+)?"
                            r"(?P<way>longer|shorter)\b(?:\s+(?:through|across|over|as)\b.*)?\W*$", re.I)
# "which one lasts longer?" after two kinds of events were shown: their lengths
_WHICH_LONGER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which (?:one |of them |of the two |of those |kind |type |period )?"
                              r"(?:(?:usually |typically )?(?:lasts?|lasted|is|are|was|were|runs?|ran|goes on|went on)\s+)?"
                              r"(?P<way>longer|shorter)\W*$", re.I)
# "when was it lowest?", "when did it peak?": the moment the signal just measured was at an extreme
_WHEN_EXTREME_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:when|what time|at what time)\s+(?:was|were|did|is)\s+"
                              r"(?:it|that|they|this|she|he)\s+(?:at\s+(?:its|their|her|his)\s+)?(?P<word>lowest"
                              r"|highest|loudest|quietest|worst|peak(?:ed)?|deepest|fastest|slowest|strongest"
                              r"|weakest|maximum|minimum|max|min|greatest|smallest|lower|higher)\W*$", re.I)
_LOW_WORDS = ("lowest", "quietest", "deepest", "slowest", "weakest", "minimum", "min", "smallest", "lower")
"""Extremes that are a signal's minimum ("deepest" for a desaturation's SpO2)."""
_FURTHER_RE = re.compile(r"\b(?:another|one more|next|(?:a )?(?:different|other) one)\b", re.I)
"""A follow-up asking past the examples shown ("another one"), not for the first ("show me one")."""
_BREATHING_KEYS = ("obstructive_event", "respiratory_event", "apnea", "obstructive_apnea", "central_apnea",
                   "mixed_apnea", "hypopnea")
"""Phenomena whose count or rate is the breathing a child's pediatric rule reads."""
_SUBTYPE_FAMILY = {"obstructive_apnea": "apnea", "central_apnea": "apnea", "mixed_apnea": "apnea"}
"""An apnea type's family: the whole its share is taken of."""


SPO2_LAG_SEC = 90.0
"""Seconds before an SpO2 reading in which the breathing event its dip follows may end: the
AASM's 30 s from an event's end to its desaturation's start, and the fall itself."""
NEAR_SEC = 30.0
"""Seconds either side of an event in which "a spindle next to it" is looked for: the epoch a
scorer would see it in."""
_BARE_SPAN_RE = re.compile(r"\b(first|last|final|opening|closing)\s+(\w+)\W*$", re.I)
_SPAN_UNIT_RE = re.compile(r"\b(hours?|minutes?|mins?)\b", re.I)


def _unit_borrowed(query: Query, last: Query) -> TimeSpan | None:
    """"and in the last two?" after "in the first two hours": the span the follow-up names, in
    the unit of the last one; None when it names no such span."""
    if query.scope.time is not None or last.scope.time is None or last.scope.time.kind not in (
            "elapsed", "from_end"):
        return None
    m, unit = _BARE_SPAN_RE.search(query.text), _SPAN_UNIT_RE.search(last.scope.time.text)
    if m is None or unit is None or _SPAN_UNIT_RE.search(m.group(2)):
        return None
    return parse_time(f"the {m.group(1)} {m.group(2)} {unit.group(1)}")


class NothingToReferTo(Exception):
    """A follow-up arrived before anything it could refer to; the message is "empty_list"
    when the last answer listed nothing to pick from."""


@dataclass
class Dialogue:
    """What a follow-up can refer to.

    Attributes:
        last: the last answered query (resolved, never a follow-up itself).
        items: the last result list, in the order it was shown.
        cursor: index into ``items`` of the result in focus, -1 for none.
        history: epochs the viewer showed before each jump, for "go back".
        shown: the last answered query of any kind (navigation too), for "why?".
        before: the answered query before ``last``, for "what's the difference between them?"
            after two phenomena were shown in turn.
        quiz: the epoch a quiz asked to stage, until the next question; None for none.
        quizzes: how many quizzes this session asked (each draws another epoch).
        viewed: the epoch the viewer showed after the last answer, None before any.
        quiz_marks: (the reply, the stage) of each quiz answered this session.
        stages_shown: the stage of each answer that showed or explained one stage's epoch, in
            turn, for "how do I tell them apart?" after two.
        explained: the phenomenon of each answer that explained one, in turn, for "how is that
            different?" after two with other questions between them.
        medical: the last question answered as a clinical one ("how severe is the apnea?"),
            until another is answered, for "what does it mean clinically?".
    """

    last: Query | None = None
    items: list[Item] = field(default_factory=list)
    cursor: int = -1
    history: list[int] = field(default_factory=list)
    shown: Query | None = None
    before: Query | None = None
    quiz: int | None = None
    quizzes: int = 0
    stages_shown: list[str] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)
    viewed: int | None = None
    quiz_marks: list[tuple[str, str]] = field(default_factory=list)
    quiz_scope: Scope = field(default_factory=Scope)
    """The stage the last quiz was asked on ("quiz me on REM"), which "another one" keeps."""
    medical: Query | None = None
    hours_picked: list[str] = field(default_factory=list)
    """The clock hour each answer by the clock hour picked ("05:00–06:00" for the worst), in
    turn, for "compare them" after the worst and the best hour."""
    moment_asked: str = ""
    """The words of the last question asked of one moment ("was she on her back" during the
    longest apnea), for "and at the nadir?"; "" once another question is answered."""
    report: tuple[Query | None, list] | None = None
    """The last report's sections with their answers ((Section, Answer) pairs), beside the query
    shown when it was written: "make it shorter" edits it while nothing else has been shown."""

    def report_shown(self) -> list | None:
        """The last report's (Section, Answer) pairs when it is the last thing shown, else None."""
        return self.report[1] if self.report is not None and self.report[0] is self.shown else None

    def resolve(self, query: Query) -> Query:
        """The full query a (follow-up) question stands for; raises NothingToReferTo."""
        if ((m := _ALL_OF_A_TYPE_RE.match(query.text)) and self.last is not None and self.last.intent == Intent.LOCATE
                and (phen := phenomenon(self.last.phenomenon)) is not None
                and f"{m['kind'].lower()}_apnea" in phen.event_types):
            # "count the apneas longer than 40 s", "list them", then "were they all obstructive?":
            # that type's share of the same events, their length and span kept
            return replace(self.last, text=query.text, share=f"{m['kind'].lower()}_apnea", ref=Ref.NONE, rank=None,
                           count=None, how_many=False)
        if (query.intent == Intent.COMPARE and query.groups and len(query.groups) == 2 and not (query.phenomenon or query.signal)
                and Aspect.DURATION in query.aspects and self.last is not None
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types):
            # "mean apnea duration?", then "mean duration in REM vs NREM?": those events' lengths
            # in the two groups (probe O: the EEG's band powers)
            return replace(query, phenomenon=phen.key, measure=None)
        if ((m := _MOST_OFF_RE.search(query.text)) and self.last is not None and self.last.intent == Intent.NORMAL
                and not self.last.groups):
            # "which stage is most off?" after the norms: their rows furthest outside their
            # ranges (probe O: an epoch was classified)
            return replace(self.last, text=query.text, target=MOST_OFF_STAGE if m["stage"] else MOST_OFF_ROW,
                           ref=Ref.NONE)
        if query.signal and query.scope == Scope() and _WHICH_OF_TWO_RE.search(query.text) and (
                groups := self._spans_set_apart()):
            # "events in the first 2 hours of sleep", "and the last 2 hours?", or "compare 23:00-01:00
            # with 03:00-05:00", then "which had worse sats?": that signal in the two spans (probe O:
            # the whole night's SpO2); the SpO2 by each span's nadir and time under 90 %, not its mean
            if query.signal == "spo2":
                return Query(Intent.COMPARE, query.text, target=SPAN_OXYGEN, scope=groups[0], groups=groups,
                             by_rule=True)
            return Query(Intent.COMPARE, query.text, target=query.target, signal=query.signal, modality=query.modality,
                         measure=query.signal, scope=groups[0], groups=groups, by_rule=True)
        if (_HOW_SURE_THAT_RE.search(query.text) and self.shown is not None and self.shown.intent == Intent.CLASSIFY
                and self.shown.scope.time is not None and not self.shown.labels):
            # "stage at 02:03:30?", then "how sure is that?": that epoch's stagings and evidence,
            # not the whole night's confidence
            return Query(Intent.CLASSIFY, query.text, stage_event="why", scope=Scope(time=self.shown.scope.time),
                         by_rule=True)
        if (m := _OTHER_SIDE_OF_TIE_RE.search(query.text)) and self.last is not None and self.last.together and (
                self.last.intent == Intent.LOCATE):
            # "how many hypopneas had a desaturation?", then "and without?", "only the ones
            # without", "show me one without": the same events on the other side of the tie
            return replace(self.last, text=query.text, ref=Ref.NONE, apart=m["side"].lower() == "without",
                           count=1 if m["one"] else self.last.count)
        if (query.ref == Ref.REPEAT and query.intent == Intent.LOCATE and query.scope == Scope()
                and (phen := phenomenon(query.phenomenon)) is not None and phen.event_types and self.last is not None
                and self.last.intent == Intent.MEASURE and self.last.signal in _SIGNAL_WORDS
                and self.last.phenomenon is None and _DURING_KIND_RE.search(query.text)):
            # "heart rate", then "what about during the apneas?": that signal during them, not
            # the apneas' list
            return Query(Intent.MEASURE, query.text, phen.key, signal=self.last.signal, modality=self.last.modality,
                         by_rule=True)
        if (query.ref == Ref.REPEAT and query.intent == Intent.LOCATE and query.scope == Scope()
                and (phen := phenomenon(query.phenomenon)) is not None and phen.event_types and self.last is not None
                and self.last.intent == Intent.BREAKDOWN and self.last.by in ("hour", "stage", "position")
                and self.last.phenomenon and self.last.phenomenon != phen.key):
            # "worst hour for apneas", then "and for desats?": the same split of the other kind
            return replace(self.last, text=query.text, phenomenon=phen.key, ref=Ref.NONE)
        if (query.ref == Ref.REPEAT and (t := query.scope.time) is not None and t.kind == "clock" and t.end is None
                and t.start % 3600 == 0 and self._hourly()):
            # "and 1am?" after the AHI by clock hour, "and 4am?" after "AHI in the 3am hour": that
            # hour, not its first 30 s
            query = replace(query, scope=replace(query.scope, time=replace(
                t, end=t.start + 3600.0, text=f"the {t.text} hour")))
        if (query.scope.time is None and (_IN_THAT_SPAN_RE.search(query.text) or query.stat == "dominant"
                                          and (_THAT_NOUN_RE.search(query.text) or len(query.text.split()) <= 4))
                and self.shown is not None
                and (span := self.shown.scope.time) is not None and (span := around(span) or span) and (
                query.stat == "dominant" or (span.end is not None and span.kind in ("clock", "elapsed", "from_end")
                                             and query.ref != Ref.ITEM
                    and query.intent in (Intent.SUMMARY, Intent.LOCATE, Intent.MEASURE, Intent.BREAKDOWN,
                                         Intent.STAGE_AMOUNT)))):
            # "how many events between 4 and 5?", then "what stage was mostly there?" or "AHI
            # then?": that span's ("what happened around 2:30?", then "the lowest sat near then":
            # the ten minutes described)
            query = replace(query, scope=replace(query.scope, time=span))
        if ((t := query.scope.time) is not None and t.kind == "current" and self.shown is not None
                and self.shown.intent == Intent.DESCRIBE and (_THAT_STRETCH_RE.match(t.text) or (
                    query.intent == Intent.LOCATE and query.phenomenon
                    and not re.search(r"\b(?:epoch|here|now|screen)\b", query.text, re.I)))
                and (place := self._place_in_view()) is not None):
            # "explain what I'm seeing at 02:10", then "is that an obstructive or central apnea?";
            # "between 1 and 2 am", then "spo2 nadir in that window": "that" is the span described,
            # not the epoch the viewer centres
            query = replace(query, scope=Scope(query.scope.stages, place))
        if (query.intent == Intent.LOCATE and query.phenomenon and query.scope == Scope() and query.ref == Ref.NONE
                and not query.count and (len(query.text.split()) <= 4 and not query.rank or query.share
                                         or query.rank == "longest" and _HOW_LONG_THE_RE.match(query.text))
                and (place := self._place_in_view()) is not None):
            # "what happened between 1 and 2 am?", then "how many centrals?" or "any events?";
            # "epoch 420", then "any events?"; "what happened at 00:16?", then "was it central?"
            # or "how long was the apnea?": there, not the whole night
            query = replace(query, scope=Scope((), place))
        if (query.intent in (Intent.OFF_TOPIC, Intent.UNKNOWN) and query.min_duration and _BARE_LENGTH_RE.match(query.text)
                and self.last is not None and self.last.intent in (Intent.LOCATE, Intent.STAGE_TIMING)):
            # "how many awakenings?", then "longer than a minute?": the same, that long or longer
            return replace(self.last, text=query.text, min_duration=query.min_duration, ref=Ref.NONE)
        if (m := _STAGE_BESIDE_RE.match(query.text)) and self.items and self._period_in_focus() and (
                item := self._focused()).label in STAGES and item.end - item.start > EPOCH_SEC:
            # "the longest wake period", then "what stage did he go back into?": the epoch just
            # after it (or before it), not its own first epoch
            after = m["before"] is None
            at = item.end if after else max(0.0, item.start - EPOCH_SEC)
            return Query(Intent.CLASSIFY, query.text, target="stage", by_rule=True, scope=Scope(time=TimeSpan(
                "item", at, None, f"the epoch {'after' if after else 'before'} that {item.label} period")))
        if query.ref == Ref.EXAMPLE and query.phenomenon and self.last is None:
            # "show me one k complex" as a first question: one of that kind, with nothing to refer to
            query = replace(query, ref=Ref.NONE)
        if _BARE_POSITION_RE.search(query.text) and self.items and self._one_in_focus():
            # "position?" after the worst apnea was picked: the body position during it
            query = Query(Intent.DESCRIBE, query.text, modality="position_muscle", ref=Ref.ITEM)
        if query.topic == "best_lead" and query.phenomenon is None:
            # "what channel shows it best?": the burst in focus (or the one example shown), else
            # the kind just asked about
            span = _span(self.items[max(self.cursor, 0)]) if self.items and (
                self._one_in_focus() or len(self.items) == 1) else None
            return replace(query, phenomenon=self._kind_in_view("no_lead_kind"), scope=Scope(time=span))
        if query.topic == "method" and query.phenomenon is None:
            # "which detector found them?", "what threshold?": the events just asked about
            return replace(query, phenomenon=self._kind_in_view("no_method"), ref=Ref.NONE)
        if (m := _AND_THE_OTHER_END_RE.search(query.text)) and self.last is not None and (
                self.last.intent == Intent.BREAKDOWN and (self.last.by in ("hour", "stage", "position")
                                                          or (self.last.by or "").startswith("period:"))
                and (self.last.phenomenon or self.last.stat) and not self.last.measure):
            # "which stage had the most arousals?", then "and the fewest?": the same split, led
            # by the other end
            return replace(self.last, text=query.text, ref=Ref.NONE, rank="lowest" if m["fewest"] else None)
        if (asked := surround(query.text)) is not None and asked.zoom and (
                wider := self._zoomed_out(query.text)) is not None:
            return wider
        if (asked := surround(query.text)) is not None and self.items and self._period_in_focus() and not (
                item := self._focused()).source.startswith(LIBRARY_SOURCE):
            # "show me the 5 minutes around it", "zoom into that hour": that stretch on screen
            lo, hi = surrounding(item.start, item.end, asked)
            label = item.label.split(" (")[0]
            words = f"{length_text(hi - lo)} around the {label}" if asked.seconds else label
            return Query(Intent.NAVIGATE, query.text, scope=Scope((), TimeSpan("item", lo, hi, words)),
                         by_rule=True)
        if (query.scope.time is None and query.ref == Ref.NONE and _THAT_SPAN_RE.search(query.text)
                and self.items and self._one_in_focus()):
            # "how many events in that hour?" after the worst hour was picked: inside it
            item = self._focused()
            label = item.label.split(" (")[0]
            query = replace(query, scope=Scope(query.scope.stages, replace(_span(item), text=f"in {label}")))
            if (query.phenomenon == "scored_event" and self.last is not None and self.last.phenomenon
                    and self.last.phenomenon != "scored_event"):
                # "events" there are the kind that hour was picked for (the worst hour for breathing)
                query = replace(query, phenomenon=self.last.phenomenon)
        elif (query.scope.time is None and query.ref == Ref.NONE and _THAT_SPAN_RE.search(query.text)
                and self.last is not None and self.last.scope.time is not None
                and self.last.scope.time.kind not in ("current", "epoch")):
            # "what happened in that hour?" after the SpO2 in the worst hour: that hour again
            query = replace(query, scope=Scope(query.scope.stages, self.last.scope.time))
        if (query.intent == Intent.STAGE_AMOUNT and query.ref == Ref.NONE and query.scope.time is None
                and _IT_HOLDS_RE.search(query.text)
                and (span := self._shown_span() or (self._focused_span() if self.items else None))):
            # "describe the first sleep cycle", then "how much N3 did it have?": in that cycle
            query = replace(query, scope=Scope(query.scope.stages, span))
        if (query.intent == Intent.DESCRIBE and query.scope.time is not None and query.scope.time.kind == "current"
                and not re.search(r"\bepoch\b", query.text, re.I) and self.shown is not None
                and self.shown.intent == Intent.NAVIGATE and (span := self._shown_span()) is not None):
            # "show 2:30 to 2:45", then "what's going on here?": that quarter hour, not the one
            # epoch at the viewer's centre
            query = replace(query, scope=Scope(query.scope.stages, span))
        if ((time := query.scope.time) is not None and time.kind in ("elapsed", "from_end", "fraction")
                and time.within is None and _OF_IT_RE.search(query.text) and self.items
                and self._period_in_focus() and (item := self._focused()).end - item.start > EPOCH_SEC):
            # "which was the longest?", then "show me its first minute": a part of that period
            return replace(query, ref=Ref.NONE, target=None, scope=Scope(query.scope.stages, replace(
                time, text=f"{'' if time.text.startswith('the ') else 'the '}{time.text} of {_span(item).text}",
                within=_span(item))))
        if (query.intent == Intent.STAGE_TIMING and query.how_many and query.phenomenon is None
                and (m := _HOW_MANY_IN_RE.search(query.text)) and self.last is not None
                and self.last.intent == Intent.LOCATE and (phen := phenomenon(self.last.phenomenon))
                and phen.event_types):
            # "any spindles?", then "how many per minute in N2?": those events there, not the
            # N2 periods
            query = Query(Intent.LOCATE, query.text, ref=Ref.COUNT, how_many=True, scope=query.scope,
                          per=m["per"] and m["per"].lower())
        if query.stage_event == "quiz":
            return replace(query, skip=self.quizzes)   # each quiz another stage and epoch
        if (query.ref in (Ref.EXAMPLE, Ref.STEP) and query.phenomenon is None and self.shown is not None
                and (self.shown.stage_event in ("quiz", "quiz_answer")
                     or self.quizzes and self.shown.stage_event == "why")):
            # "another one" or "next one" after a quiz (or after "why not?" on its reply): the
            # next quiz, on the stage the last one asked for if it named one
            return Query(Intent.CLASSIFY, query.text, stage_event="quiz", skip=self.quizzes, by_rule=True,
                         scope=self.quiz_scope)
        if query.note == "how_much":
            # "by how much?": the last comparison or split asked again, its difference first
            if self.last is None or self.last.intent not in (*_SPLITS, Intent.MEASURE):
                raise NothingToReferTo("no_sides")
            return self._asked_again(query)
        if query.note == "quartiles" and query.ref == Ref.REPEAT:
            # "and its interquartile range?": the signal just measured, read again
            if self.last is None or self.last.intent != Intent.MEASURE or not self.last.signal:
                raise NothingToReferTo("")
            return self._asked_again(query)
        if query.note == "table" and query.ref == Ref.REPEAT:
            # "make that a table": after the night's figures or a stage's amount, the sleep
            # architecture as a table; another answer is given again (its tables stand)
            if self.last is None:
                raise NothingToReferTo("")
            if self.last.intent in (Intent.SUMMARY, Intent.STAGE_AMOUNT, Intent.NORMAL):
                return replace(query, ref=Ref.NONE, note=None)
            return replace(self.last, text=query.text, ref=Ref.NONE)
        if query.note == "inventory" and query.ref == Ref.REPEAT:
            return self._commonest(query)
        if (hit := self._library_hit()) is not None and (
                Aspect.CAPTION in query.aspects or query.intent == Intent.SIMILAR and query.ref == Ref.NONE
                and not (query.phenomenon or query.target or query.scope.time or query.scope.stages)):
            # "show me the best one" of a library search, then "what does its caption say?" or
            # "find more like it": that hit's, not the loaded night's epoch on screen
            return _library_pick(hit, query.text, "caption" if Aspect.CAPTION in query.aspects else "similar")
        if query.note == "how_sure":
            return self._how_sure(query)
        if query.note == "shift":
            return self._shifted(query)
        if (_OTHER_STAGER_RE.search(query.text) and self.last is not None
                and self.last.intent == Intent.STAGE_AMOUNT and self.last.scope.stages):
            # "how many epochs does the expert score as N3?", then "and YASA?": each staging's
            return Query(Intent.RECORDING, query.text, topic="scoring", note="by_stager", by_rule=True,
                         scope=self.last.scope)
        if (m := _OTHER_STAGER_RE.search(query.text)) and self.last is not None and self.last.note in (
                "confusion", "disagree"):
            # "how does YASA compare with the expert?", then "and the model?": the other stager
            stager = "model" if re.match(r"model|sleeplm|zero", m.group(1), re.I) else "machine"
            return replace(self.last, text=query.text, target=stager, ref=Ref.NONE)
        if query.note == "confusion" and query.target is None:
            # "per-class F1?" after the model against the expert, "which stage does it confuse
            # most?" after YASA against the expert: the same pair (a list of where they disagree
            # names the model by its empty stager)
            last = self.last if self.last is not None and self.last.note in ("confusion", "disagree") else None
            return replace(query, target="machine" if last is None else last.target or "model")
        if query.note == "whole_night":
            # "and over the whole night?": the last question without its stage and time limits
            if self.last is None:
                raise NothingToReferTo
            if self.last.intent == Intent.DESCRIBE:
                # a moment described, widened: that body system's night (or the night's summary)
                return Query(Intent.SUMMARY, query.text, modality=self.last.modality,
                             topic="system" if self.last.modality else None, by_rule=True)
            # a stage the question is about ("how much REM?", an example of N2) stays
            about = self.last.intent in (Intent.CLASSIFY, Intent.STAGE_TIMING, Intent.STAGE_AMOUNT)
            return replace(self.last, text=query.text, ref=Ref.NONE,
                           scope=Scope(self.last.scope.stages if about else ()))
        if query.note == "pauses" and self.last is not None and self.last.modality == "heart":
            # "any pauses?" after the heart: pauses between beats, not in breathing
            return Query(Intent.MEASURE, query.text, scope=query.scope, signal="hr",
                         modality="heart", measure="rhythm", by_rule=True)
        if query.note == "them":
            return self._during_them(query)
        if query.note == "back_asleep" and not (self.items and self._focused().label == "W"):
            # "when did she fall back asleep?" with no awakening in view: the awakenings, each
            # with its end
            return Query(Intent.STAGE_TIMING, query.text, stage_event="awakenings", by_rule=True)
        if query.note == "trend":
            return self._trend(query)
        if query.note == "needs" and query.phenomenon is None and query.target != "staging":
            # "why can't you score apneas?", then "what would you need?": those events' channels
            if (self.last is not None and self.last.intent == Intent.RECORDING and self.last.topic == "scoring"
                    and self.last.phenomenon is None):
                # "can you stage this night?", then "what would you need?": the staging's
                return replace(query, target="staging", ref=Ref.NONE, by_rule=True)
            if self.last is None or not ((phen := phenomenon(self.last.phenomenon)) and phen.event_types):
                raise NothingToReferTo("no_needs")
            return replace(query, phenomenon=phen.key, ref=Ref.NONE, by_rule=True)
        if query.note == "by_type" and self.items and self._one_in_focus() and _IT_SINGULAR_RE.search(query.text):
            # "what type was it?" with one event shown: that event, whose answer names its type
            return Query(Intent.DESCRIBE, query.text, ref=Ref.ITEM, by_rule=True)
        if query.note == "by_type":
            # "what types were they?" after a list of apneas: that list, counted by type
            if self.last is None or self.last.intent != Intent.LOCATE or not (
                    (phen := phenomenon(self.last.phenomenon)) and len(phen.event_types) > 1):
                raise NothingToReferTo("no_types")
            return replace(self.last, text=query.text, ref=Ref.NONE, how_many=False)
        if (query.note == "significance" and (a := self.before) is not None and (b := self.last) is not None
                and a.intent == b.intent == Intent.LOCATE and a.phenomenon == b.phenomenon and a.per and b.per
                and a.scope != b.scope and Scope() not in (a.scope, b.scope)):
            # "spindle density in N2?", "and in N3?", then "is the difference significant?": the
            # two rates just given, tested against each other
            return Query(Intent.COMPARE, query.text, phenomenon=b.phenomenon, per=b.per,
                         groups=(a.scope, b.scope), by_rule=True)
        if (query.note == "significance" and self.last is not None and self.last.intent == Intent.LOCATE
                and self.last.per and self.last.phenomenon in ("spindle", "limb_movement", "central_apnea")):
            # "is that significant?" after the central apnea index: what that rate is read
            # against (ICSD-3's 5/h), as "does that matter?" reads it; no comparison to test
            return self._asked_again(replace(query, text="is that normal?"))
        if (query.note == "significance" and self.last is not None and self.last.intent == Intent.THRESHOLD
                and self.last.condition is not None and self.last.condition.signal == "spo2"):
            # "what's the T90?", then "is that significant?": the oxygen against its usual limits
            return Query(Intent.SUMMARY, query.text, modality=_SYSTEM_OF_SIGNAL["spo2"], signal="spo2",
                         topic="system", note="normal", by_rule=True)
        if query.note == "significance":
            # "is that difference significant?": the last comparison, tested; after an index in
            # REM and NREM ("AHI in REM vs NREM"), on the back and off it, or hour by hour, its
            # two sides' rates, or their lengths when the last question asked about lengths
            if self.last is None or not (self.last.intent == Intent.COMPARE or (
                    self.last.intent == Intent.BREAKDOWN and self.last.by in _TESTED_SPLITS)):
                raise NothingToReferTo("no_comparison")
            lengths = Aspect.DURATION in self.last.aspects and Aspect.DURATION not in query.aspects
            # (the aspects follow the words, so the lengths asked before stay asked)
            return replace(self.last, text=f"{query.text} ({self.last.text})" if lengths else query.text,
                           ref=Ref.NONE)
        if query.note == "which_side" and self.last is not None and self.last.intent == Intent.MEASURE and (
                self.last.contrast and self.last.signal):
            # "heart rate after apneas and after arousals", then "which had the bigger surge?"
            return self._asked_again(query)
        if ((m := _WHICH_LONGER_RE.search(query.text)) and self.last is not None and self.last.intent == Intent.COMPARE
                and self._two_spans() is not None):
            # "compare the first and last REM period", then "which one was longer?": their lengths
            shorter = m["way"].lower() == "shorter"
            return replace(self.last, text=query.text, ref=Ref.NONE, target="length",
                           rank="shortest" if shorter else None)
        if query.note == "which_side":
            # "which is higher?": the last comparison or split, the side it leans to first
            if self.last is None or self.last.intent not in _SPLITS:
                raise NothingToReferTo("no_sides")
            # "which had more N3?" names the row (Query.target) whose side comes first
            return replace(self.last, text=query.text, ref=Ref.NONE, target=query.target or self.last.target)
        if query.note == "likeness" and self.shown is not None and self.shown.note == "similar" and (
                self.shown.intent == Intent.SIMILAR and self.shown.ref == Ref.FOCUS):
            # "find more like it" of a library hit, then "how similar are they?": those matches
            return replace(self.shown, text=query.text)
        if query.note == "likeness":
            # "how similar are they?": the last library search, its matches judged
            if self.last is None or self.last.intent != Intent.SIMILAR:
                raise NothingToReferTo("no_search")
            # the search's own words stay: "... in other nights" still leaves this night out
            return self._asked_again(query)
        if query.note in ("soft_item", "soft_recovery"):
            query = self._soft_item(query)
        if query.note == "near_it":
            return self._near_focus(query)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and self.last.intent == Intent.LOCATE and self.last.per and self.last.phenomenon in (
                    "spindle", "limb_movement", "central_apnea", "rem")):
            # "is that normal for her age?" after the spindle density, "is that high for a
            # child?" after the PLM index or "is that high?" after the central apnea index: what
            # that rate can be read against (the list's answer says it), not the stage norms;
            # likewise the REM density
            return self._asked_again(query)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and self.last.intent == Intent.LOCATE and self.last.share == "central_apnea"):
            # "does that matter?" after the centrals' share: the ICSD-3's central sleep apnea
            # criteria read on this night, not the AHI's grade
            return Query(Intent.MEDICAL, query.text, condition_name="central sleep apnea", by_rule=True)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and (self.last.measure == "hypoxic_burden" or _HRV_WORDS_RE.search(self.last.measure or ""))):
            # "is that high?" after the hypoxic burden or the HRV: what that measure can be read
            # against (its answer says), not the stage norms
            return self._asked_again(query)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and self.last.intent == Intent.LOCATE and (phen := phenomenon(self.last.phenomenon))
                and phen.event_types and self.items and self._one_in_focus()
                and (item := self._focused()).source != "model" and item.label not in STAGES):
            # "is that long?" with one event shown: its length among the night's others of its kind
            return Query(Intent.MEASURE, query.text, phen.key, measure="event_rank",
                         scope=Scope(time=_span(item)), by_rule=True)
        if (query.intent == Intent.LOCATE and query.phenomenon in _BREATHING_KEYS and self.items
                and _THAT_ONE_EVENT_RE.search(query.text) and (item := self._focused()).end - item.start <= MOMENT_SEC
                and "spo2" in item.label.lower()):
            # "show me the worst one" (the lowest SpO2), then "how long was that apnea?": the breathing
            # event its dip follows, ending up to SPO2_LAG_SEC before the reading (probe Q: "0 apnea
            # events in lowest SpO2")
            span = TimeSpan("item", max(0.0, item.start - SPO2_LAG_SEC), item.start,
                            f"the {SPO2_LAG_SEC:g} s before the {item.label}", overlap=True)
            return replace(query, scope=Scope(query.scope.stages, span), rank="latest", count=1, ref=Ref.NONE)
        if (_THEIR_POSITION_RE.search(query.text) and self.last is not None and self.last.measure == "event_positions"):
            return replace(self.last, text=query.text)
        if (_THEIR_POSITION_RE.search(query.text) and self.last is not None and self.last.intent == Intent.LOCATE
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types and self.items
                and not self._one_in_focus()):
            # "central apneas over 40 s", then "where was the patient lying for those?": each one's
            # position (probe P: an epoch was classified, or the night's positions given)
            return Query(Intent.MEASURE, query.text, phen.key, measure="event_positions", scope=self.last.scope,
                         min_duration=self.last.min_duration, max_duration=self.last.max_duration, by_rule=True)
        if (query.ref == Ref.ITEM and query.signal and not self.items and self.last is not None
                and self.last.intent == Intent.RECORDING and re.search(r"\bthen\b", query.text, re.I)):
            # "is there an ECG?" ("No"), then "what's the heart rate then?": in that case, over the
            # night (from the pulse channel), not at a moment nothing named (probe P)
            return Query(Intent.MEASURE, query.text, signal=query.signal, modality=query.modality, by_rule=True)
        if (query.ref == Ref.CONTEXT and query.phenomenon == "scored_event"
                and re.search(r"\b(?:what|which) events? (?:caused|triggered)\b", query.text, re.I)):
            # "what event caused it?" at the nadir asks what came before it, as "what caused it?"
            # does, not whether any event did (probe P: "Yes" led, or every event of the night)
            query = replace(query, phenomenon=None)
        if (query.note == "severity" and query.phenomenon in (None, "apnea") and self.last is not None
                and self.last.phenomenon == "obstructive_event"):
            # "OAHI", then "is that severe?": that index's grade beside the AHI's
            query = replace(query, phenomenon="obstructive_event")
        if ((query.intent == Intent.NORMAL and not query.target or query.intent == Intent.OFF_TOPIC)
                and _of_a_child(query) and (row := self._child_row(query))):
            # "lowest sat", then "is that ok for a child?": the nadir against healthy children's;
            # "any central apneas?", then "are they significant in a child?": their index so
            # (probe O: the obstructive AHI, and "not about this recording")
            return Query(Intent.NORMAL, query.text, target=row, age=query.age, by_rule=True)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and ((self.last.intent == Intent.MEASURE and self.last.signal in _SYSTEM_OF_SIGNAL)
                     # "what's the T90?", then "is that normal?": the oxygen against its limits
                     or (self.last.intent == Intent.THRESHOLD and self.last.condition is not None
                         and self.last.condition.signal == "spo2" and self.last.condition.op == "<"))
                and not self.last.phenomenon):
            # "what's the respiratory rate in sleep?", then "is that normal?": that system
            # against its limits, not the stage norms
            signal = self.last.signal or "spo2"
            return Query(Intent.SUMMARY, query.text, modality=_SYSTEM_OF_SIGNAL[signal],
                         signal=signal, topic="system", note="normal", by_rule=True)
        if (query.intent == Intent.NORMAL and not query.target and self.last is not None
                and self.last.signal in _UNNORMED_SIGNALS and not self.last.phenomenon):
            # "how much did the temperature drop?", then "is that a normal drop?": no norm is held
            # for it, and the sleep norms answer another question
            raise NothingToReferTo("no_norm")
        if query.intent == Intent.NORMAL and not query.target and (row := self._norm_row()):
            # "that's long, isn't it?" after the sleep latency: that row of the norms first
            query = replace(query, target=row)
        if (query.ref == Ref.NONE and query.intent == Intent.SUMMARY and query.stat in INDEX_STATS
                and _THEN_RE.search(query.text) and self.last is not None and self.last.target
                and (self.last.measure == "position" or (self.last.intent == Intent.BREAKDOWN
                                                         and self.last.by == "position"))):
            # "when was the patient supine?" or "how long was he supine?", then "what was the
            # AHI then?": in that position
            return replace(query, intent=Intent.BREAKDOWN, by="position", target=self.last.target)
        if (query.ref == Ref.NONE and _RESPONSE_RE.search(query.text) and self.shown is not None
                and self.shown.ref in (Ref.CONTEXT, Ref.ITEM) and (query.signal or query.modality)
                and query.scope == Scope() and query.phenomenon is None):
            # "what happened to her heart rate?" just after one event was described: at it,
            # its whole reading (not the extreme the last question ranked)
            return replace(self.shown, text=query.text, signal=query.signal, rank=None,
                           modality=query.modality or self.shown.modality)
        if (query.ref == Ref.NONE and query.intent == Intent.LOCATE and query.phenomenon
                and query.scope == Scope() and _BARE_PRESENCE_RE.search(query.text)
                and self.shown is not None and self.shown.ref in (Ref.CONTEXT, Ref.ITEM) and self.items):
            # "what happened before it?", then "was there an apnea?": one near the event shown;
            # "how long did the first REM period last?", then "any eye movements?": in it
            item = self._focused()
            if item.label in STAGES:
                return replace(query, scope=Scope(time=_span(item)))
            return self._near_focus(query)
        if (query.ref == Ref.NONE and query.intent == Intent.BREAKDOWN and query.measure
                and query.scope == Scope() and _THERE_END_RE.search(query.text)
                and self.shown is not None and self.shown.intent in (Intent.CLASSIFY, Intent.NAVIGATE)):
            # "find a clear N3 epoch", then "how much delta is there?": in the epoch on screen
            return replace(query, by="scope", scope=Scope((), TimeSpan("current", text="this epoch")))
        if (query.ref == Ref.NONE and _ITS_RE.search(query.text) and self.items
                and self._focused().source.startswith(LIBRARY_SOURCE)):
            # "show me its signals" after a library match was picked: that match, which this
            # night's viewer cannot show
            return _library_pick(self._focused(), query.text, "")
        if query.ref == Ref.NONE:
            return self._at_view(query)
        if query.ref == Ref.BACK and _TO_THE_LIST_RE.search(query.text):
            # "go back to the list": the last list again, as it was asked
            if self.last is None:
                raise NothingToReferTo
            return replace(self.last, text=query.text, ref=Ref.NONE)
        if query.ref == Ref.BACK:
            if not self.history:
                raise NothingToReferTo
            epoch = self.history[-1]
            return Query(Intent.NAVIGATE, query.text, ref=Ref.BACK, note="Back to the earlier view: ",
                         scope=Scope(time=TimeSpan("epoch", float(epoch), None, f"epoch {epoch}")))
        if query.ref == Ref.STEP and query.phenomenon and not (
                self.items and self.last is not None and self.last.phenomenon == query.phenomenon
                and self.last.rank == "earliest"):
            # "the next spindle" goes on in time: through a list in time order, else from the
            # event in focus
            return self._kind_beyond(query)
        if (query.ordinal is not None and AND_ORDINAL_RE.search(query.text) and self.last is not None
                and self.last.scope.time is not None and self.last.scope.time.kind == "cycle"):
            # "how much N3 in the first cycle?", then "and the last?": N3 in the last cycle,
            # not the last N3 period listed
            word = "last" if query.ordinal < 0 else _ordinal(query.ordinal)
            return replace(self.last, text=query.text, ref=Ref.NONE, scope=Scope(
                self.last.scope.stages, TimeSpan("cycle", float(query.ordinal), None, f"the {word} cycle")))
        if (query.ref in (Ref.FOCUS, Ref.LIST) and query.ordinal is None and query.rank is None
                and self.last is not None and self.last.intent == Intent.EXPLAIN
                and self.last.ref == Ref.NONE and not self.last.contrast):
            # "where are they?" or "show them" after "what is an arousal?": all of them, not the
            # one example the explanation drew
            return self._on_night(query)
        if (query.ref == Ref.STEP and self.shown is not None and self.shown.intent == Intent.NAVIGATE
                and self.shown.step and self.shown.ref == Ref.NONE and len(self.items) <= 1):
            # "what's the next epoch?", then "and the one after?": one epoch further
            return replace(self.shown, text=query.text, step=query.step)
        if (query.ref == Ref.STEP and not query.phenomenon and self.shown is not None and len(self.items) <= 1
                and (self.shown.intent == Intent.NAVIGATE and self.shown.ref == Ref.NONE
                     or self.shown.intent == Intent.CLASSIFY and (self.shown.scope.time is None or (
                         self.shown.scope.time.kind in ("current", "epoch") and self.shown.scope.time.end is None)))):
            # "go to epoch 340", "what stage is that epoch?", then "and the next one": the epoch after
            return Query(Intent.NAVIGATE, query.text, step=query.step, by_rule=True)
        if (query.ref == Ref.STEP and query.step > 0 and not query.phenomenon and self.last is not None
                and self.last.intent == Intent.MEASURE and self.last.signal == "spo2" and self.last.rank == "lowest"
                and not self.last.phenomenon):
            # "lowest sat", then "show me the next one": the next deepest dip, the night's desaturations
            # ranked by depth past the first, not the highest SpO2 listed beside the lowest
            return Query(Intent.LOCATE, query.text, "desaturation", "desaturation", scope=self.last.scope,
                         rank="strongest", count=1, skip=query.step, modality="respiratory", by_rule=True)
        if query.ref in (Ref.FOCUS, Ref.STEP):
            return self._focus(query)
        if query.ref == Ref.WHY:
            why = self._why(query)
            # "what would a human score it?": the same evidence, led by who scored the night
            return replace(why, note="human_would") if query.note == "human_would" and why.stage_event == "why" else why
        if query.note == "woke" and not (self.items and (self.cursor >= 0 or (
                # the longest awakening picked, or the final one: that awakening's own
                self.last is not None and (self.last.rank or self.last.stage_event == "final_wake")))):
            # "what woke the patient?" with no one awakening in view: every awakening's tie
            return Query(Intent.MEASURE, query.text, measure="awakening_causes", by_rule=True)
        if (query.ref == Ref.REPEAT and self.shown is not None
                and self.shown.ref in (Ref.CONTEXT, Ref.ITEM) and (query.signal or query.modality)
                and query.scope == Scope() and query.phenomenon is None):
            # "what was the heart rate during it?", then "and the oxygen?": the same moment
            return replace(self.shown, text=query.text, signal=query.signal,
                           modality=query.modality or self.shown.modality)
        if query.ref in (Ref.CONTEXT, Ref.ITEM) and (span := self._shown_span()) is not None:
            # "show me the second cycle", then "what happened in it?": the span just shown
            # ("why was there no REM in it?": the stage asked stays)
            return replace(query, note=re.sub(r"^(?:the|that)\s+", "", span.text.strip(), flags=re.I),
                           scope=Scope(query.scope.stages, span))
        if (query.ref in (Ref.CONTEXT, Ref.ITEM) and self.cursor < 0 and self.shown is not None
                and self.shown.intent == Intent.NAVIGATE and self.shown.ref == Ref.NONE):
            # "show me 4:30", then "what stage is it?": the epoch the viewer moved to
            here = Scope(query.scope.stages, TimeSpan("current", text="this epoch"))
            if re.search(r"\bstage\b", query.text, re.I):
                return Query(Intent.CLASSIFY, query.text, scope=here, by_rule=True)
            return replace(query, ref=Ref.NONE, scope=here)
        if query.ref in (Ref.CONTEXT, Ref.ITEM) and self._focused().source.startswith(LIBRARY_SOURCE):
            # "what stage is it?" after a library hit was picked: the hit, which may lie in
            # another recording, never this night's signals at the same clock time
            return _library_pick(self._focused(), query.text, "")
        if (query.ref == Ref.ITEM and query.scope.stages and query.scope.time is None and self.last is not None
                and self.last.intent == Intent.STAGE_AMOUNT and set(self.last.scope.stages) == set(STAGES[1:])):
            # "how much was she asleep?", then "how much of it was deep sleep?": that stage's amount
            return Query(Intent.STAGE_AMOUNT, query.text, scope=Scope(query.scope.stages), by_rule=True)
        if (query.ref == Ref.CONTEXT and Aspect.CAUSE in query.aspects and self._one_in_focus()
                and self._focused().label == "arousal"):
            # "what caused it?" of one arousal: its cause by the rule the arousal counts use
            query = replace(query, ref=Ref.ITEM, step=0)
        if query.ref in (Ref.CONTEXT, Ref.ITEM):
            item = self._focused()
            # Without a pick the first listed item is meant; the answer says so.
            note = item.label if self._one_in_focus() else f"{item.label} (the first listed)"
            # "is that big enough for N3?": the stage asked stays
            return replace(query, note=note, scope=Scope(query.scope.stages, _span(item)))
        if (query.ref == Ref.COMPARE_WITH and self.shown is not None and len(query.groups) == 2
                and self.shown.intent in (Intent.NAVIGATE, Intent.CLASSIFY) and _one_moment(query.groups[1])):
            # "show me epoch 400", then "compare it with epoch 500": the epoch on screen and that one
            here = Scope(time=TimeSpan("epoch", float(self.viewed), None, f"epoch {self.viewed}"))
            return replace(query, ref=Ref.NONE, scope=Scope(), groups=(here, query.groups[1]))
        if (query.ref == Ref.COMPARE_WITH and self.shown is not None and len(query.groups) == 2
                and self.shown.intent in (Intent.NAVIGATE, Intent.CLASSIFY)
                and (span := _stage_epoch(query)) is not None):
            # "show me an N3 epoch", then "compare it with the first N2 epoch": the two epochs
            here = Scope(time=TimeSpan("epoch", float(self.viewed), None, f"epoch {self.viewed}"))
            return replace(query, ref=Ref.NONE, scope=Scope(), rank=None, groups=(here, Scope(time=span)))
        if query.ref == Ref.MEANING and self.medical is not None and (self.last is None or _CLINICAL_MEANING_RE.search(
                query.text)):
            # "how severe is the apnea?", then "what does it mean clinically?": what the night
            # measured, and that the meaning for the person is a clinician's to give
            return replace(self.medical, text=query.text, note="")
        if self.last is None and query.intent == Intent.SUMMARY and query.stat:
            return replace(query, ref=Ref.NONE)   # "and the WASO?" first: the night's WASO
        if self.last is None:
            raise NothingToReferTo
        if query.ref == Ref.COUNT and self.last.intent == Intent.EXPLAIN:
            return self._count_explained(query)
        if query.ref == Ref.COUNT and self.last.intent == Intent.SIMILAR and self.last.phenomenon:
            # "find REM epochs with eye movements in the library", then "how many are there?":
            # the library's epochs that state them, not the matches listed again
            return Query(Intent.RECORDING, query.text, phenomenon=self.last.phenomenon, topic="library",
                         scope=Scope(self.last.scope.stages), by_rule=True)
        if query.ref == Ref.COUNT:
            # "how many of them were in REM?": the last list, narrowed as a refinement is.
            narrowed = (query.scope.stages or query.scope.time or query.min_duration is not None)
            base = self._merge(replace(query, intent=self.last.intent,
                                       stage_event=self.last.stage_event)) if narrowed else self.last
            if query.note == "overall":
                # "spindles per minute in N2", then "how many per minute overall?": all of sleep
                if base.intent != Intent.LOCATE or not base.phenomenon:
                    raise NothingToReferTo("empty_list")
                base = replace(base, scope=Scope(), note="")
            if query.together and not (base.intent == Intent.LOCATE and base.phenomenon):
                raise NothingToReferTo("empty_list")
            ties = (_retied(base, query.text, query.together) if query.together and base.together
                    and query.together != base.together else {"together": query.together or base.together})
            return replace(self._listed(query, base), text=query.text, how_many=True, per=query.per or base.per,
                           apart=query.apart if query.together and ties["together"] == query.together else base.apart,
                           **ties)
        if query.ref == Ref.COMPARE_WITH:
            return self._compare_with(query)
        if query.ref == Ref.EXAMPLE:
            return self._example(query)
        if query.ref == Ref.MEANING:
            return self._meaning(query)
        if query.ref == Ref.SHARE:
            return self._share(query)
        if query.ref == Ref.LIST and self.last.intent == Intent.MEASURE and self.last.rank and self.items:
            # "what was the lowest heart rate?", then "when?": the moment it names
            named = next((i for i, item in enumerate(self.items) if item.label.startswith(self.last.rank)), 0)
            return self._focus(replace(query, ref=Ref.FOCUS, ordinal=named))
        if query.ref == Ref.LIST:
            return self._every(query)
        last = self.last
        if (last.together and query.phenomenon and query.phenomenon not in (last.phenomenon, last.together)
                and _OTHER_PARTNER_RE.search(query.text)):
            # "the average desaturation after an apnea?", then "and after a hypopnea?": the same
            # events, tied to the other kind (or, "and an arousal too?", to both)
            ties = _retied(last, query.text, query.phenomenon)
            return replace(last, text=query.text, ref=Ref.NONE, **ties,
                           tie_depth=last.tie_depth if ties.get("also") else query.tie_depth)
        if (query.ref == Ref.REPEAT and last.intent in _SPLITS and last.measure and not (query.phenomenon or query.signal)
                and (named := query.target or query.modality) and names_measure(named)):
            # "compare this epoch with N2", then "what about the eyes?": the eyes, on the same sides
            return replace(last, text=query.text, measure=named, ref=Ref.NONE)
        return self._listed(query, self._merge(query))

    def _trend(self, query: Query) -> Query:
        """"is there a trend?": the measure just split hour by hour, or the signal just
        measured, read hour by hour with its drift tested."""
        last = self.last
        if last is not None and last.intent == Intent.BREAKDOWN and last.by == "hour" and last.measure:
            return replace(last, text=query.text, ref=Ref.NONE)
        if last is not None and last.intent == Intent.MEASURE and last.signal in _SIGNAL_WORDS:
            return Query(Intent.BREAKDOWN, query.text, by="hour", measure=_SIGNAL_WORDS[last.signal],
                         by_rule=True)
        raise NothingToReferTo("no_trend")

    def against_machine(self, text: str) -> str | None:
        """The last question, when ``text`` asks it again of the machine's scoring ("what's the
        arousal index?", then "how does that compare to the machine's?"); None otherwise."""
        last = self.last
        if not _VS_MACHINE_RE.search(text) or last is None or not last.text:
            return None
        events = last.intent == Intent.LOCATE and (phen := phenomenon(last.phenomenon)) is not None and phen.event_types
        # a statistic of the stages ("REM latency?") is the machine's stages' too; a stage's
        # amount ("how much N3?", then "and YASA?") is set beside the machine's by resolve
        staged = last.intent in (Intent.SUMMARY, Intent.STAGE_TIMING) or (
            last.intent == Intent.STAGE_AMOUNT and not last.scope.stages)
        return last.text if events or staged else None

    def stage_stretch(self, text: str) -> tuple[Item, tuple[str, ...]] | None:
        """The one epoch whose stage was just told and the stages ``text`` names, when ``text``
        asks how long that stage went on ("what stage at 3:00?", then "how long did it last?" or
        "how long was that wake period?"); None otherwise. An epoch is 30 s by definition, so
        the question is about the unbroken stretch of its stage."""
        m = _STRETCH_LENGTH_RE.match(text)
        if m is None or text == STRETCH_QUESTION or self.last is None or self.last.intent != Intent.CLASSIFY or len(self.items) != 1:
            return None
        words = re.findall(r"[a-z0-9']+", m["rest"].lower())
        if not set(words) <= _STRETCH_WORDS or not set(words) & {"it", "that", "this", "then", "there"}:
            return None
        item = self.items[0]
        if not _told_epoch(item):
            return None
        named = next((_STRETCH_STAGES[w] for w in words if w in _STRETCH_STAGES), ())
        return item, named

    def asks_in_that_span(self, text: str) -> bool:
        """Whether ``text`` asks about "that hour" (or period) with one in focus to be it."""
        return bool(_THAT_SPAN_RE.search(text)) and bool(self.items) and self._one_in_focus()

    def _spans_set_apart(self) -> tuple[Scope, Scope] | None:
        """The two spans of the night the last turns set side by side: a comparison of two
        ("compare 23:00-01:00 with 03:00-05:00"), or one asked after the other ("events in the
        first 2 hours", "and the last 2 hours?"); None for none."""
        last = self.last
        if last is None:
            return None
        if (last.intent == Intent.COMPARE and len(last.groups) == 2
                and all(g.time is not None for g in last.groups) and last.groups[0] != last.groups[1]):
            return last.groups[0], last.groups[1]
        if (self.before is not None and (a := self.before.scope.time) is not None
                and (b := last.scope.time) is not None and a != b):
            return self.before.scope, last.scope
        return None

    def _hourly(self) -> bool:
        """The last question was asked by the clock hour: split by it, or over one clock hour."""
        for q in (self.shown, self.last):
            if q is None:
                continue
            if q.intent == Intent.BREAKDOWN and q.by == "hour":
                return True
            if _one_clock_hour(q.scope.time):
                return True
        return False

    def _one_in_focus(self) -> bool:
        """One result is in focus: picked, the only one, or the one the last question asked
        for ("show me the longest apnea")."""
        return self.cursor >= 0 or len(self.items) == 1 or (self.last is not None
                                                             and self.last.count == 1)

    def _first_of_ranked(self) -> bool:
        """"It" names one result: one in focus, or the first of a ranked list ("deepest desat" lists
        the five deepest; "what caused it?" asks of the deepest)."""
        return self._one_in_focus() or (self.last is not None and bool(self.last.rank) and bool(self.items))

    def _plainly(self) -> str | None:
        """The definition the last answer rests on, as a question: its phenomenon's, else its one
        stage's; None for neither."""
        phen = phenomenon(self.last.phenomenon)
        if phen is not None and phen.key not in ("scored_event", "respiratory_event"):
            return f"what is {article(phen.title.lower())}?"
        if len(self.last.scope.stages) == 1:
            return f"what is {self.last.scope.stages[0]} sleep?"
        return None

    def _period_in_focus(self) -> bool:
        """One stage period is in focus: as :meth:`_one_in_focus`, or the one a question named by
        its rank ("when did the longest N2 bout start?" lists them all, that one first)."""
        return self._one_in_focus() or (self.last is not None and self.last.intent == Intent.STAGE_TIMING
                                        and self.last.rank in ("longest", "shortest"))

    def _near_focus(self, query: Query) -> Query:
        """"and a spindle next to it?": that kind's events within :data:`NEAR_SEC` of the one
        event in focus, in time order; with none in focus, the night's."""
        # with none picked, "it" is the first listed, as "how long is it?" reads it
        if not self.items or self._focused().label in STAGES:
            return replace(query, note="")
        item = self._focused()
        span = TimeSpan("item", max(0.0, item.start - NEAR_SEC), item.end + NEAR_SEC,
                        f"the {NEAR_SEC:g} s either side of the {item.label} shown", overlap=True)
        return replace(query, note="", rank="earliest", count=LIST_ALL,
                       scope=Scope(query.scope.stages, span))

    def _soft_item(self, query: Query) -> Query:
        """"how low did the sat go?", "how long until the oxygen recovered?": about the one
        event in focus when there is one, else about the night."""
        if not (self.items and self._one_in_focus() and self._focused().label not in STAGES
                and not (self.last is not None and self.last.intent == Intent.BREAKDOWN)):
            # with no event in focus (a stage period is none, nor the top row of a split such
            # as the worst hour), the night: every desaturation's recovery, or its SpO2
            return replace(query, note="", measure="spo2_recoveries", intent=Intent.MEASURE) \
                if query.note == "soft_recovery" else replace(query, note="")
        if query.note == "soft_recovery":
            return Query(Intent.DESCRIBE, query.text, signal="spo2", modality="respiratory",
                         measure="spo2_recovery", ref=Ref.CONTEXT, step=1)
        return Query(Intent.DESCRIBE, query.text, ref=Ref.ITEM, signal=query.signal,
                     rank=query.rank, modality=query.modality)

    def _listed(self, query: Query, resolved: Query) -> Query:
        """"which of them were in REM?" after a library search: how many of the listed hits
        are, said before the search narrowed to those stages."""
        if not (self.last.intent == Intent.SIMILAR and query.scope.stages and self.items
                and resolved.intent == Intent.SIMILAR):
            return resolved
        hit = sum(i.stage in query.scope.stages for i in self.items)
        return replace(resolved, note=f"{hit} of the {len(self.items)} listed matches "
                                      f"{'is' if hit == 1 else 'are'} scored "
                                      f"{' or '.join(query.scope.stages)}. ")

    def _every(self, query: Query) -> Query:
        """"list them": the last list again, every item (up to :data:`LIST_ALL`) in time order;
        periods keep their own order."""
        last = self.last
        if last.measure == "busiest_epochs" and last.window and self.items:
            # "list them" after the worst 10 minutes: what happened in the busiest stretch
            top = self.items[0]
            return Query(Intent.DESCRIBE, query.text, scope=Scope(time=replace(
                _span(top), text=f"the busiest {top.label}")))
        if last.intent not in (Intent.LOCATE, Intent.THRESHOLD, Intent.STAGE_TIMING):
            # stretches drawn on the plots ("where do they disagree?") are listed by stepping
            raise NothingToReferTo("listed_all" if self.items else "empty_list")
        timed = last.intent != Intent.STAGE_TIMING
        return replace(last, text=query.text, ref=Ref.NONE, how_many=False, count=LIST_ALL,
                       rank="earliest" if timed else last.rank)

    def _during_them(self, query: Query) -> Query:
        """"what was the heart rate during them?": the signal around the events of the last
        list, in its scope."""
        last = self.last
        if last is None:
            raise NothingToReferTo
        phen = phenomenon(last.phenomenon)
        if phen is None or not phen.event_types:
            raise NothingToReferTo("empty_list")
        return replace(query, note="", phenomenon=phen.key, scope=last.scope)

    def _at_view(self, query: Query) -> Query:
        """A signal's "what was happening?" with no time of its own, just after a move to an
        epoch or an answer about it, is about the epoch on screen; asked anew it is about the
        whole night."""
        shown = self.shown
        moved = shown is not None and (shown.intent == Intent.NAVIGATE or (
            shown.scope.time is not None and shown.scope.time.kind == "current"))
        # "what is going on with the heart?" just after a move: that system in this epoch
        overview = query.intent == Intent.SUMMARY and query.topic == "system"
        if (moved and (query.intent in (Intent.MEASURE, Intent.DESCRIBE) or overview)
                and (query.signal or overview) and query.scope == Scope() and _HAPPENING_RE.search(query.text)):
            return replace(query, intent=Intent.DESCRIBE, topic=None,
                           scope=Scope(time=TimeSpan("current", text="this epoch")))
        return query

    def _asked_again(self, query: Query) -> Query:
        """The last query asked again with the follow-up's words after its own, whose aspects
        ("by how much?", "how similar are they?") shape the answer while the last question's
        ("... in other nights") still hold."""
        return replace(self.last, text=f"{self.last.text.rstrip(' ?.!')}: {query.text}", ref=Ref.NONE)

    def _commonest(self, query: Query) -> Query:
        """"which is most common?", "show me the least common one": after the night's event
        types, that type named first or its first event shown; after a list of events of
        several kinds, its commonest kind; else the night's event types, led by that one."""
        last = self.last
        if last is not None and last.note == "inventory" and self.items:
            if query.rank == "shown":   # the types are listed commonest first
                return self._focus(replace(query, intent=Intent.NAVIGATE, ref=Ref.FOCUS, rank=None,
                                           ordinal=0 if query.target == "most" else -1, note=None))
            return replace(last, text=query.text, target=query.target, ref=Ref.NONE)
        if (last is not None and last.intent == Intent.LOCATE and last.phenomenon and query.target == "most"
                and len({i.label for i in self.items}) > 1):
            return replace(last, text=f"{last.text.rstrip(' ?.!')}: {query.text}", ref=Ref.NONE)
        return replace(query, ref=Ref.NONE, rank=None)

    def _how_sure(self, query: Query) -> Query:
        """"how sure are you about that?": after a breathing index, that index re-read under
        each choice it rests on; after anything else, how sure the scoring it rests on is."""
        last = self.shown or self.last   # the answer just given, a severity grade too
        if last is not None and (last.stat in ("ahi", "rdi") or last.condition_name == "sleep apnea"
                                 or last.measure in ("hypopnea_rules", "ahi_robustness")):
            return Query(Intent.MEASURE, query.text, measure="ahi_robustness",
                         modality="respiratory", by_rule=True)
        if (last is not None and last.intent == Intent.LOCATE and (phen := phenomenon(last.phenomenon)) is not None
                and phen.event_types and self.items and not any(i.source == "scored" for i in self.items)):
            # "arousal index?", then "how sure are you?" on a machine-scored night: how the detector
            # found them and how well it did where it was checked, not how sure the staging is
            return Query(Intent.RECORDING, query.text, phen.key, topic="method", by_rule=True)
        if last is not None and last.intent == Intent.STAGE_AMOUNT and last.scope.stages:
            # "how much REM?", then "how sure are you?": that stage's minutes by each staging the
            # night has, where they differ being the doubt (YASA's 13 min of REM against the
            # model's 52 on an unscored night went unsaid)
            return Query(Intent.RECORDING, query.text, topic="scoring", note="by_stager", by_rule=True,
                         scope=last.scope)
        if last is not None and last.intent == Intent.CLASSIFY and not last.stage_event and not last.labels and (
                last.scope.time is None or last.scope.time.kind in ("current", "epoch")):
            # "what stage is it?", then "are you sure?": that epoch's evidence, each stager's odds
            return Query(Intent.CLASSIFY, query.text, scope=Scope(time=last.scope.time or TimeSpan(
                "current", 0.0, None, "this epoch")), stage_event="why", by_rule=True)
        if (self.items and last is not None and last.intent == Intent.STAGE_TIMING
                and (item := self._focused()).label in STAGES):
            # "when did REM first start?", then "how sure are you?": the evidence for the first
            # epoch of the period in focus (the first listed), with each stager's odds
            return Query(Intent.CLASSIFY, query.text, stage_event="why", by_rule=True, scope=Scope(
                time=TimeSpan("item", item.start, None, f"the first epoch of that {item.label} period")))
        return replace(query, ref=Ref.NONE, note=None)

    def _shifted(self, query: Query) -> Query:
        """"and 30 minutes later?": the last question asked about a time, at that time moved by
        ``query.step * query.window`` seconds; after an event in focus, what happened then."""
        delta = query.step * (query.window or 0.0)
        for base in (self.shown, self.last):
            if base is not None and (span := _moved(base.scope.time, delta)) is not None:
                return replace(base, text=query.text, ref=Ref.NONE, scope=Scope(base.scope.stages, span))
        if self.items and self._one_in_focus():
            item = self._focused()
            span = TimeSpan("item", max(0.0, item.start + delta), None,
                            f"around {_amount(query.window or 0.0)} {'after' if delta > 0 else 'before'} the "
                            f"{item.label}")
            return Query(Intent.DESCRIBE, query.text, scope=Scope(time=span), by_rule=True)
        if self.viewed is not None and delta and _VIEWER_MOVE_RE.search(query.text):
            # "go forward 5 minutes" with nothing timed asked: the viewer moved from where it is
            # ("and 30 minutes later?" after the AHI has nothing to move, and says so)
            epoch = max(0, self.viewed + int(round(delta / EPOCH_SEC)))
            return Query(Intent.NAVIGATE, query.text, scope=Scope(time=TimeSpan(
                "epoch", float(epoch), None, f"epoch {epoch}")), by_rule=True)
        raise NothingToReferTo("no_time")

    def _shown_span(self) -> TimeSpan | None:
        """The span the last answer moved the viewer to ("show me the second cycle"),
        described or summarised ("tell me about the second REM period"), unless a result in the
        list is in focus; None for a moment or the epoch on screen."""
        shown = self.shown
        if shown is None or self.cursor >= 0 or not (
                shown.intent in (Intent.NAVIGATE, Intent.DESCRIBE, Intent.SUMMARY)
                or shown.ref in (Ref.ITEM, Ref.CONTEXT)):
            return None
        time = shown.scope.time
        if time is None or time.kind == "current" or (
                time.end is None and time.kind in ("clock", "epoch", "elapsed")):
            return None
        return time

    def _kind_in_view(self, lacking: str) -> str:
        """The phenomenon the answer shown (else the last question) was about; raises
        NothingToReferTo(``lacking``) without one."""
        kind = next((q.phenomenon for q in (self.shown, self.last) if q is not None and q.phenomenon), None)
        if kind is None:
            raise NothingToReferTo(lacking)
        return kind

    def _focused_span(self) -> TimeSpan | None:
        """The span of the one item in focus, None when the list has none in focus."""
        return _span(self._focused()) if self._one_in_focus() else None

    def _focused(self) -> Item:
        if not self.items and self.last is not None and self.last.stage_event == "final_wake":
            raise NothingToReferTo("ends_asleep")   # no final awakening to look around
        if not self.items:
            raise NothingToReferTo("empty_list" if self.last is not None else "")
        return self.items[max(self.cursor, 0)]

    def _focus(self, query: Query) -> Query:
        if query.note and query.note.startswith("nth:") and len(self.items) > 1:
            return self._nth(query, query.note[4:])
        if query.rank == "strongest" and self.items and self.items[0].source.startswith(LIBRARY_SOURCE):
            # "show me the best match": a search's matches are ranked already, the best first
            query = replace(query, rank=None, ordinal=0)
        if query.note in ("in_time", "length"):
            # "how long was the last one?": the last in time, whatever "long" ranks; "how long
            # was the third one?": the third listed
            query = replace(query, rank=None)
        if query.rank in ("lowest", "highest"):
            # "which was the lowest?" after SpO2 stretches: the list's most extreme value
            query = replace(query, rank="strongest")
        if query.rank == "strongest" and self.last is not None and self.last.phenomenon:
            # "the deepest one" after desaturations: ranked by what each event measures, which
            # the list (ordered by length) does not carry; the search ranks them; after two
            # groups were compared ("show me the worst one"), over both
            last = self.last
            if last.intent in _SPLITS:
                last = Query(Intent.LOCATE, last.text, last.phenomenon, scope=Scope(
                    tuple(sorted({st for g in last.groups for st in g.stages}, key=STAGES.index)))
                    if last.groups else Scope())
            return replace(last, text=query.text, rank="strongest", count=1,
                           how_many=False, ref=Ref.NONE)
        if not self.items and self.last is None and query.phenomenon and query.rank:
            # "longest event" as a first question: the night's, not a list's
            return Query(Intent.LOCATE, query.text, query.phenomenon, scope=query.scope, rank=query.rank,
                         count=1, by_rule=True)
        if not self.items:
            raise NothingToReferTo("empty_list" if self.last is not None else "")
        n = len(self.items)
        if query.rank in ("longest", "shortest"):
            durations = [i.duration for i in self.items]
            index = durations.index(max(durations) if query.rank == "longest" else min(durations))
        elif query.rank == "strongest":
            index = _strongest(self.items)
        elif query.ref == Ref.STEP:
            index = self.cursor + query.step if self.cursor >= 0 else (0 if query.step > 0 else n - 1)
        elif ((query.note == "in_time" or _FIRST_OR_LAST_RE.search(query.text))
              and (order := _time_order(self.items)) is not None):
            # "when was the first one?" or "and the last?" after the longest apneas: the night's
            # first (last) of them, not the first (last) of a list ranked by length
            return self._in_time(query, order)
        else:
            index = self.cursor if query.ordinal is None and self.cursor >= 0 else (query.ordinal or 0)
        index = index % n if query.ordinal == -1 else index
        if not 0 <= index < n:
            edge = "last" if index >= n else "first"
            index = n - 1 if index >= n else 0
            note = f"That was the {edge} one; still at the {_ordinal(index, n)} of {n}: "
        else:
            which = ("most extreme" if query.rank == "strongest" else query.rank
                     if query.rank in ("longest", "shortest") else _ordinal(index, n))
            if which == _ordinal(index, n) and _time_order(self.items) is not None:
                # a list ranked by length: "the first" would read as the earliest
                which += " listed"
            # ranked by length: the length it was picked for, said ("how long was the longest?")
            length = (f", {length_text(self.items[index].duration)}"
                      if query.rank in ("longest", "shortest") or query.note in ("in_time", "length") else "")
            note = (f"The {which} of {n} ({self.items[index].label}{length}): " if n > 1
                    else f"The only one ({self.items[index].label}{length}): ")
        self.cursor = index
        item = self.items[index]
        if item.source.startswith(LIBRARY_SOURCE):
            return _library_pick(item, query.text, note)
        return Query(Intent.NAVIGATE, query.text, ref=Ref.FOCUS, note=note,
                     scope=Scope(time=_span(item)))

    def _nth(self, query: Query, rank: str) -> Query:
        """"and the second lowest?": the ``query.ordinal``-th of the list ranked by ``rank``."""
        order = _ranked(self.items, rank)
        k = min(query.ordinal or 0, len(order) - 1)
        index = order[k]
        self.cursor = index
        item = self.items[index]
        word = {"strongest": "most extreme"}.get(rank, rank)
        note = (("" if k == (query.ordinal or 0) else f"The list holds only {len(order)}. ")
                + f"The {_ordinal(k)} {word} of {len(order)} ({item.label}): ")
        if item.source.startswith(LIBRARY_SOURCE):
            return _library_pick(item, query.text, note)
        return Query(Intent.NAVIGATE, query.text, ref=Ref.FOCUS, note=note, scope=Scope(time=_span(item)))

    def _in_time(self, query: Query, order: list[int]) -> Query:
        """The ``query.ordinal``-th of the list in time order (the last for -1), the list being
        shown in another order."""
        n = len(order)
        rank = min(max(query.ordinal or 0, -n), n - 1)
        index = order[rank]
        which = ("earliest" if rank == 0 else "latest" if rank in (-1, n - 1)
                 else f"{_ordinal(rank % n, n)} in time")
        self.cursor = index
        item = self.items[index]
        return Query(Intent.NAVIGATE, query.text, ref=Ref.FOCUS, scope=Scope(time=_span(item)),
                     note=f"The {which} of {n} ({item.label}, {length_text(item.duration)}): ")

    def _kind_beyond(self, query: Query) -> Query:
        """"the next apnea" when the last list was of another kind, or not in time order: the
        first of that kind after the event in focus (the last before it, for "the previous
        apnea"), else the night's first (last)."""
        rank = "earliest" if query.step > 0 else "latest"
        scope = Scope()
        if self.items and self._one_in_focus():
            item = self._focused()
            scope = Scope(time=TimeSpan("elapsed", item.end, 1e9, f"after the {item.label}")
                          if query.step > 0 else TimeSpan("elapsed", 0.0, item.start, f"before the {item.label}"))
        return Query(Intent.LOCATE, query.text, query.phenomenon, target=query.target,
                     modality=query.modality, scope=scope, rank=rank, count=1)

    def _example(self, query: Query) -> Query:
        """"show me one" after "what is a K-complex?": that phenomenon found in the night, in
        the scope the follow-up names (else the last one's)."""
        last = self.last
        if last.note == "disagree" and last.topic == "scoring" and self.items and not GOT_WRONG_RE.search(query.text):
            # "where does it disagree most?", then "show me an example": the first stretch listed
            return self._focus(Query(Intent.DESCRIBE, query.text, ref=Ref.FOCUS, ordinal=0))
        if last.note in ("confusion", "disagree") and last.topic == "scoring" and (
                GOT_WRONG_RE.search(query.text) or query.phenomenon is None):
            # "which stage does it get wrong most?", then "show me one it got wrong": where the
            # stagings just set against each other disagree
            return Query(Intent.RECORDING, query.text, topic="scoring", note="disagree", target=last.target,
                         scope=Scope(query.scope.stages), by_rule=True)
        if query.note == "on_night":
            return self._on_night(query)
        if query.note == "each" and last.intent == Intent.EXPLAIN and last.contrast:
            # "show me one of each" after a difference: the next example of each, drawn without
            # the explanations again
            return replace(last, text=query.text, ref=Ref.NONE, note="examples", skip=last.skip + 1)
        stage = term(last.target).stage if last.note == "glossary" and term(last.target) else ""
        if last.phenomenon is None and stage:
            # "what is N3 sleep?" then "show me the clearest example": its clearest epoch
            return Query(Intent.CLASSIFY, query.text, scope=Scope((stage,), query.scope.time),
                         stage_event="example")
        if last.phenomenon is None and (view := self._glossary_view(query)) is not None:
            return view
        if last.phenomenon is None:
            raise NothingToReferTo("no_phenomenon")
        # after "how big is it?" the last scope is that one event's own seconds, which another
        # example cannot lie in
        about_one = last.ref in (Ref.ITEM, Ref.CONTEXT) or last.note == "why_this" or (
            # "is that typical?" of the one shown: its rank, read in its own seconds
            last.scope.time is not None and last.scope.time.kind == "item" and last.measure == "event_rank")
        scope = Scope(query.scope.stages or last.scope.stages,
                      query.scope.time or (None if about_one else last.scope.time))
        skip = 0
        if _FURTHER_RE.search(query.text) and about_one:
            skip = 1
        elif _FURTHER_RE.search(query.text) and scope == last.scope:
            # "another one": past the typical one an explanation drew, or the examples shown
            skip = last.skip + 1 if last.intent == Intent.LOCATE else 1
        together, apart = last.together, last.apart
        if (m := _ONE_WITH_RE.search(query.text)) and query.phenomenon and query.phenomenon != last.phenomenon:
            # "what's a hypopnea?", then "show me one with an arousal": a hypopnea tied to one
            together, apart = query.phenomenon, m.group(1).lower() == "without"
        # "show me one of those" after the desaturations not tied to an apnea: one of them;
        # "show me one" after a respiratory arousal was explained: one of that cause
        text = (f"{query.text} (a {last.listed_cause} arousal)" if last.phenomenon == "arousal"
                and last.listed_cause and not query.listed_cause else query.text)
        return Query(Intent.LOCATE, text, phenomenon=last.phenomenon, target=last.target,
                     modality=last.modality, scope=scope, count=query.count, skip=skip, rank=query.rank,
                     together=together, apart=apart, lacking=last.lacking)

    def _on_night(self, query: Query) -> Query:
        """"show me on this night" or "where are they?" after an explanation: every one of that
        phenomenon in the night, or a stage's periods."""
        last = self.last
        stage = term(last.target).stage if last.note == "glossary" and term(last.target) else ""
        scope = Scope(query.scope.stages or last.scope.stages, query.scope.time or last.scope.time)
        phen = phenomenon(last.phenomenon)
        if phen is not None and phen.event_types:
            return Query(Intent.LOCATE, query.text, phenomenon=last.phenomenon, target=last.target,
                         modality=last.modality, scope=scope)
        if stage:
            return Query(Intent.STAGE_TIMING, query.text, scope=Scope((stage,), scope.time),
                         stage_event="periods")
        entry = term(last.target) if last.note == "glossary" else None
        if entry is not None and entry.key == "cycle":
            return Query(Intent.STAGE_TIMING, query.text, stage_event="cycles")
        if last.phenomenon is not None:
            return self._example(replace(query, note=""))
        if (view := self._glossary_view(query)) is not None:
            return view
        raise NothingToReferTo("no_phenomenon")

    def _glossary_view(self, query: Query) -> Query | None:
        """"what is a hypnogram?", then "show it": this night's hypnogram; None after anything else."""
        last = self.last
        if last is None or last.note != "glossary" or last.target != "hypnogram":
            return None
        return Query(Intent.SHOW, query.text, target="hypnogram", modality="stage_event", view="hypnogram",
                     by_rule=True)

    def _count_explained(self, query: Query) -> Query:
        """"how many were there?" after "what is an arousal?": that phenomenon counted in the
        night; after a stage or "what is a sleep cycle?", its periods or the cycles."""
        last = self.last
        phen = phenomenon(last.phenomenon)
        if phen is not None and phen.event_types:
            return Query(Intent.LOCATE, query.text, phenomenon=last.phenomenon, target=last.target,
                         modality=last.modality, scope=query.scope, how_many=True, per=query.per)
        entry = term(last.target) if last.note == "glossary" else None
        if entry is not None and entry.key == "cycle":
            return Query(Intent.STAGE_TIMING, query.text, stage_event="cycles")
        if entry is not None and entry.stage:
            return Query(Intent.STAGE_TIMING, query.text, scope=Scope((entry.stage,), query.scope.time),
                         stage_event="periods")
        raise NothingToReferTo("no_phenomenon")

    def _share(self, query: Query) -> Query:
        """"what percentage is that?" after a count of events: the scope's share of all of
        them ("how many obstructive apneas in NREM?"), or a subtype's share of its family
        ("how many central apneas?")."""
        last = self.last
        if last.intent == Intent.STAGE_AMOUNT and last.scope.stages:
            # "how much REM?", then "what percentage?": its share of sleep, which that answer gives
            return replace(last, text=query.text, ref=Ref.NONE)
        if last.intent != Intent.LOCATE or last.phenomenon is None or last.share is not None:
            raise NothingToReferTo("no_share")
        if last.scope.stages or last.scope.time:
            return replace(last, text=query.text, share="scope", ref=Ref.NONE)
        if last.together:
            # "how many hypopneas had an arousal?", then "what share is that?": of all of them
            return replace(last, text=query.text, share="tie", ref=Ref.NONE)
        if last.phenomenon in _SUBTYPE_FAMILY:
            return replace(last, text=query.text, phenomenon=_SUBTYPE_FAMILY[last.phenomenon],
                           share=last.phenomenon, ref=Ref.NONE)
        raise NothingToReferTo("no_share")

    def _meaning(self, query: Query) -> Query:
        """"what does that mean?": the last answer's phenomenon explained, or its statistic
        again (its answer says what it counts)."""
        last = self.last
        if query.note == "differ":
            raise NothingToReferTo("no_other")   # one kind shown: different from what?
        if last.phenomenon is not None:
            return Query(Intent.EXPLAIN, query.text, phenomenon=last.phenomenon,
                         target=last.target, modality=last.modality)
        if last.stat is not None or last.note == "glossary":
            # "what is REM sleep?", then "why does it matter?": the term's definition again
            return replace(last, text=query.text, ref=Ref.NONE)
        raise NothingToReferTo("no_meaning")

    def _why(self, query: Query) -> Query:
        """"why?" after an epoch's stage, or after moving to an epoch: the evidence for that
        epoch's stage; "why not?" after events were asked for (that could not be scored): the
        rule that scores them; nothing else has evidence to show beyond its own answer."""
        shown = self.shown
        if shown is not None and shown.intent == Intent.CLASSIFY and not shown.labels:
            return replace(shown, text=query.text, stage_event="why", ref=Ref.NONE)
        if shown is not None and (shown.intent == Intent.NAVIGATE or (
                shown.ref == Ref.FOCUS and shown.note == "disagree")):
            # after a move, or after one stretch the stagings disagree on was shown: the evidence
            # for the epoch on screen, each staging's call among it
            return Query(Intent.CLASSIFY, query.text, stage_event="why",
                         scope=Scope(time=TimeSpan("current", text="this epoch")))
        if shown is not None and shown.note in ("where_unsure", "disagree") and shown.topic == "scoring" and self.items:
            # "where are you least sure?", then "why?": the evidence for the first epoch of the
            # stretch in focus, whose stage probabilities show the split; "why did it get that
            # wrong?" after the stretches two stagings disagree on: each staging's call there
            item = self._focused()
            return Query(Intent.CLASSIFY, query.text, stage_event="why", by_rule=True,
                         scope=Scope(time=TimeSpan("item", item.start, item.start + EPOCH_SEC, "that stretch")))
        if query.intent == Intent.EXPLAIN and query.phenomenon:
            return self._why_kind(query)
        if (short := _shortfall_of(shown, query.text)) is not None:
            # "what's the REM latency?" or "is the N3 normal?", then "why?": what the night shows
            # of why the first REM came when it did, or why the stage's amount was what it was
            return short
        if shown is not None and shown.note == "staging_channel":
            # "which channel did you stage on?", then "why that one?": the order the staging
            # reads the leads in, which that answer leads with
            return replace(shown, text=query.text, ref=Ref.NONE)
        if (shown is not None and shown.ref == Ref.ITEM and Aspect.BREATHING in shown.aspects and self.items
                and self._one_in_focus() and (phen := find_phenomenon(self._focused().label)) is not None
                and phen.event_types):
            # "was it obstructive?", then "what tells you that?": the rule that types it, read
            # against this event's belts
            return self._why_kind(Query(Intent.EXPLAIN, query.text, phen.key, by_rule=True))
        if (query.note == "good_example" and shown is not None and shown.intent == Intent.LOCATE
                and (phen := phenomenon(shown.phenomenon)) is not None and phen.event_types):
            # "is it a good example?" after a K-complex was shown: the rule read against it
            return self._why_kind(replace(query, phenomenon=phen.key, note=""))
        if (last := self.last) is not None and self.items and not _WHY_NOT_RE.search(query.text) and (
                (last.intent == Intent.BREAKDOWN and last.by == "hour" and not last.measure
                 and last.stat != "stages") or (last.measure == "busiest_epochs" and last.window)):
            # "when was the worst hour?", then "why?": how far its stages and positions explain it
            item = self._focused()
            name = (f"the {'quietest' if last.rank == 'lowest' else 'worst'} hour"
                    if last.intent == Intent.BREAKDOWN else f"the busiest {item.label}")
            return Query(Intent.MEASURE, query.text, last.phenomenon, stat=last.stat, measure="window_why",
                         note=name if self.cursor <= 0 else "", scope=Scope(time=_span(item)), by_rule=True)
        if _WHY_NOT_RE.search(query.text) and shown is not None and shown.intent in (Intent.LOCATE, Intent.RECORDING) and (
                (phen := phenomenon(shown.phenomenon)) is not None and phen.event_types):
            # "can you score apneas on this?", then "why not?": what the rule reads, and why
            # this night could not give it (the channels it lacks first, when it lacks them)
            return Query(Intent.EXPLAIN, query.text, phen.key, note="why_not", by_rule=True)
        if _WHY_NOT_RE.search(query.text) and shown is not None and shown.intent == Intent.RECORDING and (
                shown.topic == "scoring"):
            # "can you stage this night?", then "why not?": what the file lacks and what the
            # scoring could not read (the plain question's words ask for the absent channels)
            return Query(Intent.RECORDING, "which sensors are missing?", topic="channels", by_rule=True)
        raise NothingToReferTo("no_why")

    def _why_kind(self, query: Query) -> Query:
        """"why is that a K-complex?" with one event shown: the definition read against that
        event's own measures (an apnea's is what the belts did, :meth:`named_follow_up`); with
        none shown, the definition and a typical example."""
        if self.items and self._one_in_focus() and (item := self._focused()).label not in STAGES:
            return Query(Intent.EXPLAIN, query.text, query.phenomenon, ref=Ref.NONE, note="why_this",
                         scope=Scope(time=_span(item)), by_rule=True)
        return replace(query, ref=Ref.NONE)

    def _compare_with(self, query: Query) -> Query:
        last = self.last
        mine, theirs = phenomenon(query.phenomenon), phenomenon(last.phenomenon)
        if (mine is not None and theirs is not None and mine.event_types and theirs.event_types
                and mine.key != theirs.key and last.intent == Intent.MEASURE and last.signal):
            # "did heart rate rise at the arousals?", then "compare that with the apneas": the
            # signal around each kind
            return Query(Intent.MEASURE, query.text, theirs.key, contrast=mine.key, signal=last.signal,
                         modality=last.modality, scope=last.scope)
        if (mine is not None and theirs is not None and mine.event_types and theirs.event_types
                and mine.key != theirs.key):
            # "compare them with the centrals" after obstructive apneas: the two kinds
            return Query(Intent.MEASURE, query.text, theirs.key, contrast=mine.key,
                         measure="event_kinds", scope=last.scope)
        other = query.groups[1] if query.groups else Scope()
        if (span := _neighbour_period(query.text, last.scope.time)) is not None:
            # "compare it with the previous REM period" after the second one: the first
            other = Scope((period_stage(span),), span)
        if last.intent == Intent.STAGE_AMOUNT and last.scope.stages and not other.stages:
            # "N1 percentage", then "compare with the first half": N1 there too, not every stage
            other = Scope(last.scope.stages, other.time)
        words = (last.measure or (last.signal and _SIGNAL_WORDS[last.signal]) or last.modality
                 or last.target or "eeg")
        # "compare it with the first half" after the ODI: that index in both parts
        stat = last.stat if last.stat in INDEX_STATS else None
        return Query(Intent.COMPARE, query.text, measure=words, signal=last.signal,
                     groups=(last.scope, other), phenomenon=last.phenomenon, stat=stat)

    def _merge(self, query: Query) -> Query:
        """"and in REM?", "only the ones after 4 am", "and breathing?": the last query with the
        slots the follow-up names replaced."""
        last = self.last
        if last.measure == "ahi_robustness":
            # "how sure are you about the AHI?", then "and supine?": the AHI, supine
            last = Query(Intent.SUMMARY, last.text, stat="ahi", by_rule=True)
        if (span := _unit_borrowed(query, last)) is not None:
            # "and in the last two?": a span, not two items ranked latest
            query = replace(query, scope=Scope(query.scope.stages, span), rank=None, count=None)
        if (last.intent == Intent.COMPARE and last.groups and query.scope.time is not None and not query.groups
                and not (query.phenomenon or query.stat or query.signal)):
            # "compare that with the first half", then "and the second half?": the side just
            # named against the new one
            # ("N1 percentage", "compare with the first half", "and the second half?": N1 in each)
            return replace(last, text=query.text, ref=Ref.NONE, groups=(last.groups[1], Scope(
                query.scope.stages or last.groups[1].stages, query.scope.time)))
        # A comparison's own scopes are its two groups; only a plain scope carries on.
        kept = Scope() if last.intent == Intent.COMPARE else last.scope
        scope = Scope(query.scope.stages or kept.stages, query.scope.time or kept.time)
        if query.by_rule and query.intent in _SPLITS:
            return _counted(replace(query, ref=Ref.NONE, scope=scope), last)
        if last.intent == Intent.NORMAL and last.target in NORMS and (row := _norm_row_named(query)):
            # "is her sleep efficiency normal?", then "what about REM?" or "and the WASO?": that
            # row against the same norms
            return replace(last, text=query.text, target=row, ref=Ref.NONE, stated=None)
        if query.intent == Intent.SUMMARY and query.stat:
            # "and the WASO?": the statistic named, over the span the last answer read
            return replace(query, ref=Ref.NONE, scope=scope)
        if (last.intent == Intent.MEASURE and last.signal and last.phenomenon and query.phenomenon
                and query.intent == Intent.LOCATE and not query.signal):
            # "how does the heart rate change after arousals?", then "and after apneas?": the
            # same signal around the other events, all of them unless the follow-up ranks one
            # ("during the worst desaturation", then "the average after apneas?")
            return replace(last, text=query.text, phenomenon=query.phenomenon, scope=scope, ref=Ref.NONE,
                           rank=query.rank, count=query.count)
        if query.by_rule and (query.intent != last.intent or query.stage_event != last.stage_event):
            # "and REM latency?": the rules read a question of its own; only the scope carries.
            return replace(query, ref=Ref.NONE, scope=scope)
        merged = replace(last, text=query.text, scope=scope, how_many=False, ref=Ref.NONE,
                         min_duration=query.min_duration if query.min_duration is not None
                         else last.min_duration, rank=query.rank or last.rank,
                         max_duration=query.max_duration if query.max_duration is not None
                         else last.max_duration,
                         min_amplitude=query.min_amplitude if query.min_amplitude is not None
                         else last.min_amplitude)
        if last.count == 1 and not query.rank and _ALL_OF_THEM_RE.search(query.text):
            # "heart rate during the worst desaturation", then "and the average after apneas?":
            # all of them, no longer the one ranked first
            merged = replace(merged, rank=None, count=None)
        if Aspect.PROPERTY in query.aspects and last.per:
            # "what's the spindle density?", then "how fast were they?": their frequency leads,
            # not the rate again
            merged = replace(merged, per=None)
        if query.phenomenon and query.phenomenon != last.phenomenon:
            merged = replace(merged, **_other_part(query.phenomenon, last))
        if query.condition is not None and last.intent == Intent.THRESHOLD:
            # "how long was she below 90 %?", then "and below 88?": the new limit
            merged = replace(merged, condition=query.condition, signal=query.signal or last.signal)
            if last.condition is not None and re.search(rf"\b{last.condition.value:g}\b", last.text):
                # the last question's words with the new limit, which say what it asked ("how
                # long ...?" asks for the time below it)
                merged = replace(merged, text=re.sub(rf"\b{last.condition.value:g}\b",
                                                     f"{query.condition.value:g}", last.text))
        if last.topic == "system" and query.topic == "system":
            merged = replace(merged, modality=query.modality)  # "and the heart?"
        elif query.signal and query.signal != last.signal:
            if last.intent == Intent.COMPARE:
                # "which one had more eye movements?", then "and the heart rate?": the signal on
                # the same two sides, no longer the events counted
                merged = replace(merged, measure=query.signal, signal=query.signal,
                                 phenomenon=query.phenomenon, modality=query.modality or merged.modality)
            elif last.intent == Intent.BREAKDOWN and last.measure:
                # "the heart rate hour by hour, is there a trend?", then "and the SpO2?": that
                # signal split the same way, asked the same (the aspects follow the words)
                merged = replace(merged, measure=_SIGNAL_WORDS.get(query.signal, query.signal),
                                 signal=query.signal, text=f"{query.text} ({last.text})")
            elif last.intent in (Intent.MEASURE, Intent.THRESHOLD):
                merged = replace(merged, signal=query.signal, condition=query.condition)
                if last.measure == "event_kinds":
                    # "and the heart rate?" after two kinds side by side: it around each kind
                    merged = replace(merged, measure=None)
            else:
                merged = replace(merged, intent=Intent.MEASURE, signal=query.signal, topic=None)
        elif query.modality and query.modality != last.modality and last.intent in (
                Intent.DESCRIBE, Intent.COMPARE):
            merged = replace(merged, modality=query.modality, measure=query.modality)
        if last.intent == Intent.COMPARE and last.groups and scope.stages and query.scope.stages:
            merged = replace(merged, groups=(last.groups[0], Scope(query.scope.stages)))
        elif last.groups and (query.scope.stages or (
                query.scope.time and last.measure != "stage_ratio")):
            # "compare the heart rhythm in REM and NREM", then "and in the first hour?": one
            # scope; "the N2 to N3 ratio", then "and in the second half?": the same two stages.
            merged = replace(merged, groups=None)
        if merged.topic == "system" and (scope.stages or scope.time):
            # The overview is the whole night's; "and in REM?" reads the system's measurements
            # there, as "describe the breathing in REM" does.
            merged = replace(merged, intent=Intent.DESCRIBE, topic=None)
        if last.intent == Intent.RECORDING and query.topic not in (None, "system"):
            merged = replace(merged, topic=query.topic)  # "and the scoring?"
        if (last.scope.time is not None and last.scope.time.kind == "cycle"
                and query.scope.time is None and query.ordinal is not None):
            # "how much N3 in the first cycle?" / "and in the last one?"
            merged = replace(merged, scope=Scope(scope.stages, TimeSpan(
                "cycle", float(query.ordinal), None,
                f"the {'last' if query.ordinal < 0 else _ordinal(query.ordinal)} cycle")))
        if (last.intent == Intent.STAGE_TIMING and last.stage_event == "onset" and query.scope.stages
                and "W" not in query.scope.stages):
            # "how long did it take to fall asleep?", then "and to reach REM?": REM's latency
            merged = replace(merged, stage_event="latency")
        if last.measure == "transitions" and query.scope.stages:
            # "what stage usually followed REM?" / "and N3?": N3 is the stage asked about
            merged = replace(merged, scope=Scope((), scope.time),
                             target=_transition_side(last.target or ">", query.scope.stages))
        return merged

    def named_follow_up(self, text: str) -> str | None:
        """A follow-up whose pronoun only the last answer names, as the question it asks: "does
        this patient have it?" after a definition; "what distinguishes them?" after two stages
        were compared; "why is it so slow?" after N3; "and on the oxygen?", "was it
        obstructive?" or "what position was she in?" after one event was shown; "and after?"
        after what came before it; "where do they cluster?", "were they faster in the second
        half?" or "show me a spontaneous one" after a list of events; "which of them are from
        other nights?" after a library search; "why is it an estimate?" after the REI; "how long
        is the delay?" after the oxygen's lag; "how is it different from an obstructive one?"
        after a phenomenon was shown; None otherwise."""
        if (_THE_DROP_RE.search(text) and self.items and self._one_in_focus()
                and self._focused().label.lower().endswith(("apnea", "hypopnea"))):
            # "show me the longest hypopnea", then "what was the spo2 drop?": its desaturation
            return "how deep was the desaturation after it?"
        if (_CYCLE_LENGTH_RE.search(text) and self.last is not None and self.last.phenomenon == "cheyne_stokes"):
            # "any Cheyne-Stokes?", then "cycle length?": the runs' cycles, not the sleep cycles
            return "Cheyne-Stokes breathing cycle length"
        if (_SERIES_FIGURE_RE.search(text) and self.last is not None and self.last.measure == "plm_series"
                and self.items and not _IT_RE.search(text)):
            # "show me the longest PLM series", then "what was the mean interval?": of that series
            # (probe P: the fallback)
            return f"{text.strip().rstrip(' ?.!')} in it?"
        if (self.last is not None and self.last.measure == "plm_series" and re.search(r"\bseries\b", text, re.I)
                and not re.search(r"\b(?:plms?|leg|limb|lms?)\b", text, re.I)):
            # "how many PLM series?", then "show me the longest series": of leg movements still
            return re.sub(r"\bseries\b", "PLM series", text, count=1, flags=re.I)
        if (BEST_HOUR_RE.search(text) and self.last is not None and self.last.intent == Intent.BREAKDOWN
                and self.last.by == "hour" and (phen := phenomenon(self.last.phenomenon)) is not None):
            # "which hour had the most apneas?", then "and the quietest hour?": of apneas still
            return f"which hour had the fewest {plural(phen.title.lower())}?"
        if (_ANOTHER_HIT_RE.search(text) and self.items and self.last is not None and self.last.intent == Intent.SIMILAR
                and all(i.source.startswith(LIBRARY_SOURCE) for i in self.items)):
            # "show me another" after a library search: its next match (the list leads with the
            # best, so another is the second), not the loaded night's events
            return "next one" if self.cursor >= 0 else "the second one"
        if ((m := _NEXT_EPOCH_RE.search(text)) and self.shown is not None and self.shown.intent == Intent.CLASSIFY
                and self.shown.stage_event not in ("quiz", "quiz_answer") and self.viewed is not None
                and len(self.items) <= 1):
            # "what stage was 03:00?", then "and the next one": the epoch after it, staged
            return f"what stage is epoch {self.viewed + (-1 if m['way'].lower().startswith(('prev', 'last', 'one before')) else 1)}?"
        if (_BARE_POSITION_RE.match(text) and self.last is not None and self.last.signal
                and self.last.rank in ("lowest", "highest") and self.last.intent == Intent.MEASURE):
            # "the SpO2 nadir?", then "and the position?": the position at that moment, not the
            # night's positions
            return "what position was she in then?"
        if (m := _AROUSAL_CAUSE_RE.match(text)) and self.last is not None and self.last.phenomenon == "arousal":
            # "arousal index?", then "how many of them respiratory?", "spontaneous ones?", "and from
            # leg movements?": the arousals of that cause
            cause = m["cause"].lower()
            cause = "limb movement" if cause.startswith(("leg", "limb", "plm")) else cause
            return f"how many of them were {cause} arousals?"
        if _BARE_PAUSES_RE.match(text) and self.last is not None and (
                self.last.measure == "rhythm" or self.last.signal == "hr"):
            # "any arrhythmia?" or "lowest HR", then "pauses?": the heart's pauses, not the
            # breathing's
            return "any heart pauses?"
        if (_LATER_PERIODS_RE.search(text) and self.last is not None and self.last.per
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types):
            # "REM density?", then "is it higher in later REM periods?": the rate in each cycle,
            # not REM against NREM
            if phen.key == "rem":
                return "REM density in each REM period"
            return f"{plural(phen.title.lower())} per {self.last.per} in each sleep cycle"
        if (terse := self._terse(text)) is not None:
            return terse
        if (_BY_MODEL_RE.search(text) and self.last is not None and self.last.text
                and self.last.intent in (Intent.SUMMARY, Intent.STAGE_TIMING, Intent.STAGE_AMOUNT)):
            # "REM latency?", then "and according to the model?": the same, from the model's stages
            return f"{self.last.text.strip().rstrip(' ?.!')} according to the model?"
        if _WHY_DIFFERENCE_RE.search(text) and self._stagings_set_side_by_side():
            # "how much REM did YASA and the model find?" or "AHI according to the model?", then
            # "why the difference?": the epochs the stagings read differently are where it comes from
            stages = self.last.scope.stages
            return f"where do the stagings disagree{f' about {stages[0]}' if len(stages) == 1 else ''}?"
        if (again := self._at_other_time(text) or self._with_other_number(text) or self._other_part(text)) is not None:
            return again
        if (partner := self._other_partner(text)) is not None:
            return partner
        if _ARE_THEY_REAL_RE.search(text) and self.last is not None and (
                self.last.stage_event == "awakenings" or self.last.scope.stages == ("W",)):
            # "34 awakenings seems a lot, are they real?": how sure the staging is of its wake
            return "how sure are you about wake?"
        if _MACHINE_FOUND_RE.search(text) and self.last is not None and self.last.intent in (Intent.LOCATE, Intent.SUMMARY):
            # "how many did YASA find?" after the scoring's spindles or its AHI: the machine's beside it
            phen = phenomenon(self.last.phenomenon)
            return (f"how many {plural(phen.title.lower())} did the tech score vs the machine?"
                    if phen is not None and phen.event_types and self.last.intent == Intent.LOCATE
                    else "how does that compare to the machine's?")
        if self.items and self._one_in_focus() and self._focused().label not in STAGES:
            # terse questions about the one event shown: "how deep", "HR response?"
            if _HOW_DEEP_RE.search(text):
                return "how deep was it?"
            if _HR_RESPONSE_RE.search(text):
                return "did the heart rate rise after it?"
        if (self.last is not None and self.last.measure == "spo2_recoveries"
                and _RECOVERY_FOLLOW_RE.search(text)):
            # "how long does it take on average?", "what's the slowest one?" after the
            # recoveries: the same reading, led by what was asked
            return f"{self.last.text.split(': ')[0].rstrip(' ?.!')}: {text}"
        if (m := _OF_THE_ONE_RE.search(text)) and self.items and self._one_in_focus() and (
                asked := self._of_the_one(m)) is not None:
            # "how long was the apnea?", "how deep was the desaturation?" with one apnea shown:
            # that one (and the desaturation tied to it), not the night's longest or deepest
            return asked
        if (m := _AROUND_THE_KIND_RE.search(text)) and self._lists_kind(m.group("noun")):
            # "what happened just before the apnea?" after the apneas: the one in focus
            return f"{text[:m.start('the')]}it{text[m.end('noun'):]}"
        if ((m := _STAT_AGAINST_RE.search(text)) and self.last is not None and self.last.intent == Intent.SUMMARY
                and self.last.stat in _STAT_NAMES and self.last.scope == Scope()):
            # "what's the ODI?", then "how does that compare to the AHI?": both figures
            return f"what are the {_STAT_NAMES[self.last.stat]} and the {m.group('other')}?"
        if ((m := _STAT_DIFFERS_RE.search(text)) and self.last is not None and self.last.intent == Intent.SUMMARY
                and self.last.stat in ("ahi", "oahi", "odi", "rdi", "rei")
                # the REI is read as the AHI's statistic, named by its own word
                and (mine := "rei" if re.search(r"\brei\b", self.last.text, re.I) else self.last.stat)
                != m["other"].lower()):
            # "what's the REI?", then "how is that different from the AHI?": the two defined
            return f"how is the {mine.upper()} different from the {m['other'].upper()}?"
        if (m := _IT_SPLIT_RE.search(text) or _IT_TRACKS_RE.search(text)) and (
                subject := self._last_subject()) is not None:
            # "what's the AHI?", then "how does it compare in REM vs NREM?": the AHI, split;
            # "any snoring?", then "does it track the AHI?": that measure against the index
            verb = m.group("verb") or ""
            if subject[1] and verb.lower() in ("does ", "is "):
                verb = {"does ": "do ", "is ": "are "}[verb.lower()]
            return f"{m.group('lead')}{verb}the {subject[0]}{m.group('rest')}"
        if ((m := _IT_AROUND_EVENTS_RE.search(text)) and self.last is not None and self.last.phenomenon is None
                and (signal := _signal_named(self.last)) and (phen := find_phenomenon(m.group("events")))
                and phen.event_types):
            # "what's the heart rate?", then "did it spike after apneas?": that signal around them
            return f"what did the {signal} do {m.group('when').lower()} the {m.group('events')}?"
        if (m := _HOW_MUCH_IT_RE.search(text)) and self.last is not None and (signal := _signal_named(self.last)):
            # "when was the temperature lowest?", then "how much did it drop?": over the night
            return f"how much did the {signal} {m['way'].lower()}?"
        if (_OTHER_STAGER_SAYS_RE.search(text) and self.last is not None and self.last.intent == Intent.CLASSIFY
                and self.last.scope.time is not None and self.last.scope.time.kind in ("current", "clock", "epoch")):
            # "what does YASA say?", "do they agree?" after the model's stage of an epoch: that
            # epoch's stage by each staging, as "what stage is this epoch?" gives them
            return "what stage is this epoch?"
        if (_WHERE_STRONGEST_RE.search(text) and self.last is not None and self.last.intent == Intent.EXPLAIN
                and (phen := phenomenon(self.last.phenomenon)) is not None and not self.last.contrast):
            # "where is it strongest?" after "what does alpha look like?": where the night has most
            title = phen.title.lower()
            return f"where are the {plural(title)} densest?" if phen.event_types else f"where is there {title}?"
        if (_WHY_DIFFERENT_RE.search(text) and self.last is not None and {"ahi", "odi"} <= {
                self.last.stat, *self.last.more_stats, self.before.stat if self.before is not None else None}):
            # "why are they different?" after the ODI and the AHI: the events each counts alone
            return ("how many apneas and hypopneas had no desaturation and how many desaturations had no "
                    "apnea or hypopnea?")
        if (_WHERE_IT_DISAGREES_RE.search(text) and self.last is not None and self.last.topic == "scoring"
                and self.last.note in ("confusion", "disagree")):
            # "how well does the model agree with the scoring?", then "where does it disagree
            # most?": the stretches where those two stagings differ
            if self.last.target == "model_machine":
                return "where do the machine and the model disagree?"   # "... agree with YASA?" first
            who = "the machine" if self.last.target == "machine" else "the model"
            return f"where does {who} disagree with the scoring?"
        if (_HAD_NEITHER_RE.search(text) and self.last is not None and self.before is not None
                and self.last.together and self.before.together and self.last.together != self.before.together
                and self.last.phenomenon == self.before.phenomenon
                and (phen := phenomenon(self.last.phenomenon)) is not None
                and (a := phenomenon(self.before.together)) is not None
                and (b := phenomenon(self.last.together)) is not None):
            # "how many hypopneas had an arousal?", "and how many had a desaturation?", then "how
            # many had neither?": those with no event of either kind
            return (f"how many {plural(phen.title.lower())} had neither {article(a.title.lower())} nor "
                    f"{article(b.title.lower())}?")
        if (_SHARE_OF_SLEEP_RE.search(text) and self.last is not None and self.last.intent == Intent.THRESHOLD
                and not self.last.by):
            # "did oxygen drop below 90 %?", then "what percent of sleep time?": that time's share
            # of sleep, which the same answer gives
            return self.last.text
        if _HOW_LONG_EACH_RE.search(text) and self.last is not None and self.last.intent in (
                Intent.STAGE_TIMING, Intent.LOCATE, Intent.THRESHOLD):
            # "how many REM periods were there?", then "how long was each one?": all of them listed
            return "list them"
        if _THE_PHASE_RE.search(text) and self.last is not None and self.last.measure == "coupling":
            # "what's the phase?" after the spindle-slow-wave coupling: its answer leads with it
            return self.last.text
        if _WHICH_VARIABLE_RE.search(text) and (asked := self._variability_of_last()) is not None:
            # "compare heart rate in REM and N3", then "which is more variable?": its variability
            return asked
        if ((m := _THEIR_DENSITY_RE.match(text)) and self.last is not None
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types):
            # "and their density per minute of N2?" after the spindles: that phenomenon's
            return f"{phen.title.lower()} {m['what'].lower()}{m['rest']}"
        if _ENDED_IT_RE.search(text) and self.items and self._period_in_focus():
            # "what interrupted it?" after the longest N2 period: what came right after its end
            return "what happened right after it?"
        if (m := _THEY_TREND_RE.search(text)) and (stage := self._periods_stage()) is not None:
            # "how many REM periods were there?", then "did they get longer?": REM cycle by cycle
            return f"do the {stage} periods get {m['way'].lower()} across the night?"
        if _WHICH_LONGER_RE.search(text) and self._two_spans() is not None and self.last.intent == Intent.COMPARE:
            return None   # "compare the first and last REM period", then "which was longer?" (resolve)
        if (m := _WHICH_LONGER_RE.search(text)) and (pair := self._two_shown()) is not None:
            # "which one lasts longer?" after a spindle and a K-complex: the two kinds' lengths
            return f"are {plural(pair[0])} {m['way'].lower()} than {plural(pair[1])}?"
        if _HOW_MANY_EACH_RE.search(text) and self.last is not None and self.last.intent == Intent.EXPLAIN:
            # "how many of each?" after a difference: both counted in the night
            pair = self._explained_pair()
            if pair is not None:
                return f"how many {pair[0]} and how many {pair[1]}?"
        if ((m := _WHICH_MORE_RE.search(text)) and (spans := self._two_spans()) is not None
                and not comparison_row(m["what"])
                and (phen := find_phenomenon(m["what"])) is not None and phen.event_types):
            # "compare the first and last REM period", then "which had more eye movements?":
            # those events in each (a row the comparison's table holds is read there)
            a, b = (re.sub(r"^(?!the\s)", "the ", span.text.strip(), flags=re.I) for span in spans)
            return f"{m['what']} in {a} vs {b}"
        if ((m := _IN_EACH_RE.search(text)) and (spans := self._two_spans()) is not None
                and (phen := find_phenomenon(m["what"])) is not None and phen.event_types):
            # "compare the first and last REM period", then "what about eye movements in each?"
            a, b = (re.sub(r"^(?!the\s)", "the ", span.text.strip(), flags=re.I) for span in spans)
            return f"{m['what']} in {a} vs {b}"
        if ((m := _WHICH_ONE_MOST_RE.search(text)) and self.last is not None
                and self.last.stage_event == "cycles"):
            # "which one had the most deep sleep?" after the sleep cycles: that cycle
            return f"which cycle had {m['rest']}"
        if (m := _WHEN_EXTREME_RE.search(text)) and self.last is not None and (signal := _signal_named(self.last)):
            # "how loud was the snoring?", then "when was it loudest?" (or "at its worst?": the
            # SpO2's lowest, any other signal's highest)
            word = m["word"].lower()
            low = word in _LOW_WORDS or (word == "worst" and signal == "spo2")
            return f"when was the {signal} {'lowest' if low else 'highest'}{_scope_words(self.last.scope)}?"
        if (m := _HOW_FAR_IT_RE.search(text)) and self.last is not None and (signal := _signal_named(self.last)):
            # "what's her oxygen baseline?", then "how low did it get?": that signal's extreme
            where = _scope_words(self.last.scope)
            return f"what was the {'lowest' if m['way'].lower() == 'low' else 'highest'} {signal}{where}?"
        if _HOW_VARIABLE_RE.search(text) and self.last is not None and (signal := _signal_named(self.last)):
            # "heart rate in each stage", then "how variable was it?": that signal's spread
            return f"how variable was the {signal}?"
        if _THEM_APART_RE.search(text) and (pair := self._two_stages_named()) is not None:
            # "show me N1", "now N2", then "what's the difference between them?"
            return f"what's the difference between {pair[0]} and {pair[1]}?"
        if (_COMPARE_THEM_RE.search(text) or _THEM_APART_RE.search(text)) and (hours := self._two_hours()):
            # "worst hour for breathing", "and the best hour?", then "compare them": those two hours
            return f"compare {hours[0]} with {hours[1]}"
        if (_COMPARE_THEM_RE.search(text) or _THEM_APART_RE.search(text) or _WHAT_CHANGED_RE.search(text)) and (
                spans := self._two_periods()) is not None:
            # "the numbers for the first 2 hours", "and the last 2 hours?", then "what changed?"
            return f"compare {spans[0]} with {spans[1]}"
        if (_COMPARE_THEM_RE.search(text) or _THEM_APART_RE.search(text)) and (
                two := self._two_scopes()) is not None:
            # "describe the heart in REM", "and in N3?", then "compare them" or "what's the
            # difference?"
            return f"compare {two[0]} in {two[1]} and {two[2]}"
        if (_HOW_LONG_IT_TOOK_RE.search(text) and self.last is not None
                and self.last.intent == Intent.STAGE_TIMING and self.last.stage_event == "onset"):
            return "how long did it take to fall asleep?"   # after "when did she fall asleep?"
        showing_stage = self.shown is not None and self.shown.intent == Intent.CLASSIFY
        if _NOTICE_RE.search(text) and showing_stage:
            # "what should they notice?" after a stage's example: what its rules read there
            return "what should students notice here?"
        if (m := _SHOW_STAGE_TOO_RE.search(text)) and (showing_stage or (
                self.stages_shown and re.match(r"^\W*(?:(?:and|now|then|next),?\s+)+", text, re.I))):
            # "now show me REM" after examples of other stages, whatever was asked between
            # "now show them N3" after an example of REM (or what to notice in it): an example
            # of N3, not its periods
            return f"show me an example of {m.group('stage')}"
        if _HAVE_IT_RE.search(text) and (asked := self._found_on_night()) is not None:
            # "does this patient have it?" after a definition: that one, asked of the night
            return asked
        compared = self.last.groups if self.last is not None and self.last.intent == Intent.COMPARE else None
        if EACH_EXAMPLE_RE.search(text) and (stages := two_stages(compared)) is not None:
            # "what's the difference between N1 and REM?", then "show me both": an example of each
            return f"show me an example of {stages[0]} and an example of {stages[1]}"
        if ((m := _WHICH_HAS_MORE_RE.search(text)) and (stages := two_stages(compared) or self._two_stages_shown())
                and (phen := find_phenomenon(m["what"])) is not None and phen.event_types):
            # "what's the difference between N2 and N3?" (or an example of each), then "which one
            # has more slow waves?": those events in the two stages, the one with more named
            return f"are there more {m['what']} in {stages[0]} or {stages[1]}?"
        if _HOW_MUCH_GOT_RE.search(text) and (asked := self._found_on_night()) is not None:
            return asked   # "why do we have REM sleep?", then "how much did she get?"
        if (_NOT_THEM_RE.search(text) and self.last is not None and self.last.together
                and (events := self._listed_events()) is not None
                and (partner := phenomenon(self.last.together)) is not None):
            # "how many hypopneas had a desaturation?", then "how many didn't?": the others
            name = partner.title.lower()
            return (f"how many {events} {'with' if self.last.apart else 'without'} "
                    f"{article(name)}?")
        if (_WHICH_NIGHT_RE.search(text) and self.items and self._one_in_focus()
                and self._focused().source.startswith(LIBRARY_SOURCE)):
            # "what night is it from?" after opening a library match: that match again, which
            # names its recording and where it comes from
            return f"show me number {max(self.cursor, 0) + 1}"
        if (m := _BARE_SIDE_RE.search(text)) and self.items and self._one_in_focus():
            # "was there an arousal after?" with one event in focus: after it
            return f"{re.sub(r'afterwards?$', 'after', m.group('asked'), flags=re.I)} it?"
        if _DENSER_RE.search(text) and (spans := self._two_spans()) is not None:
            # "compare the first and second half", then "which one was denser?": the density of
            # the stage's events (eye movements in REM periods, else spindles) in each
            rem = all(span.kind == "period" and period_stage(span) == "REM" for span in spans)
            words = [re.sub(r"^(?:in|during)\s+", "", span.text) for span in spans]
            return f"compare {'REM' if rem else 'spindle'} density in {words[0]} and {words[1]}"
        if ((m := _WHAT_ABOUT_CHANNEL_RE.search(text)) and self.last is not None
                and self.last.intent == Intent.RECORDING and self.last.topic in ("quality", "channels")):
            # "which channels are bad?", then "what about the ECG?": whether the file has one
            return f"is there {article(m.group('what').upper() if len(m.group('what')) <= 4 else m.group('what'))}?"
        if (_QUALITY_FOLLOW_RE.search(text) and self.last is not None and self.last.intent == Intent.RECORDING
                and self.last.topic == "quality"):
            # "which channels are bad?", then "why is it bad?" or "how much of the night is
            # affected?": the signal check again, which says what it flagged and how much
            return self.last.text
        if (_OTHER_NIGHTS_RE.search(text) and self.last is not None and self.last.intent == Intent.SIMILAR
                and not _OTHER_NIGHTS_RE.search(self.last.text)):
            # "only from other nights" after a library search: the same search, this night left out
            return f"{self.last.text.rstrip(' ?.!')} in other nights"
        if (_HOW_LONG_IT_RE.search(text) and self.last is not None and self.last.intent == Intent.RECORDING
                and self.last.topic in (None, "channels")):
            return "how long is the recording?"   # "which channels are there?", "how long is it?"
        if _TAKE_TO_RECOVER_RE.search(text) and self.last is not None and self.last.phenomenon in _DIPPING:
            # "show me where the oxygen dropped the most", then "how long did it take to recover?"
            return "how long did it take the oxygen to recover after it?"
        if (m := _LOOK_LIKE_RE.search(text)) and self.items and (
                self._one_in_focus() or (self.last is not None and self.last.rank)):
            # "show me a central apnea", then "what does the effort look like?": during it
            return f"what does the {m.group('what') or m.group('what2')} look like during it?"
        if _HOW_MANY_MINUTES_RE.search(text) and self.items and (
                self._one_in_focus() or (self.last is not None and self.last.rank)):
            return "how long was it?"   # "the longest awakening", then "how many minutes?"
        if (_WHY_THAT_LOW_RE.search(text) and self.last is not None and self.last.intent == Intent.STAGE_TIMING
                and self.last.stage_event == "latency" and self.last.scope.stages == ("REM",)):
            # "REM latency", then "why is it late?": what the minutes before the first REM held
            return "why is the REM latency long?"
        if _WHY_THAT_LOW_RE.search(text) and self.last is not None and self.last.stat in ("se", "tst", "waso"):
            # "what's the sleep efficiency?", then "why is it low?": where the time awake went
            return ("how many times did the patient wake up?" if self.last.stat == "waso"
                    else "why is the sleep efficiency low?")
        if _ITS_LENGTH_RE.search(text) and self.items and self._period_in_focus():
            return "how long was it?"   # "show me a spindle", then "what's its duration?"
        if _IT_LASTS_RE.search(text):
            # "how long does it last?", "when does it end?": the one in focus, else the stretch
            # of the stage on screen
            return "how long was it?" if self.items else "how long is this stage?"
        if _WHAT_CAUSED_IT_RE.search(text) and self.items and self._first_of_ranked() and (
                label := self._focused().label) not in STAGES and not self._focused().source.startswith(
                    LIBRARY_SOURCE):
            # "show me the deepest desaturation", then "what caused it?": that one's cause, not
            # the whole list's
            if label == "arousal":
                return None   # its own cause, by the association rule (resolve)
            if label in ("desaturation", "oxygen desaturation"):
                return "was there an apnea or hypopnea before it?"
            return "what happened just before it?"
        if (_BIG_ENOUGH_RE.search(text) and not re.search(r"\b(?:n[123]|rem|stage|deep sleep|epoch)\b", text, re.I)
                and self.items and self._one_in_focus()
                and self._focused().label.replace("-", " ").lower().startswith(("k complex", "slow wave"))):
            # "is that big enough to count?" after a K-complex: its amplitude against the least
            return "how big is it?"
        if _HOW_MUCH_ALONE_RE.search(text) and self.last is not None and self.last.intent == Intent.THRESHOLD and self.last.text:
            # "did she snore?", then "how much?": the time past the line, which that answer leads
            # with (not the night's minutes asleep)
            return self.last.text
        if _EXPLAIN_THAT_RE.search(text) and self.last is not None and (plain := self._plainly()) is not None:
            # "explain that to a first-year student" after spindles or N1: the term explained,
            # with this night's own (the audience changes nothing asked)
            return plain
        if ((m := _DID_IT_HAVE_RE.search(text)) and self.items and self._one_in_focus()
                and (phen := find_phenomenon(self._focused().label)) is not None and phen.event_types
                and (kind := find_phenomenon(m["kind"])) is not None and kind.event_types and kind.key != phen.key):
            # "show me a hypopnea", then "did it have a desaturation?": after that one, not the night's
            return f"was there {article(kind.title.lower())} after it?"
        if ((_REAL_OR_ARTEFACT_RE.search(text) or _HOW_SURE_OF_IT_RE.search(text)) and self.items
                and self._one_in_focus() and (
                    phen := find_phenomenon(self._focused().label)) is not None and phen.event_types):
            # "is that a real apnea or artefact?": the scoring rule read against that event's signals
            return f"why is that {article(phen.title.lower())}?"
        if ((m := _DID_THEY_CAUSE_RE.search(text)) and self.last is not None and self.last.intent == Intent.LOCATE
                and not self.last.together and (mine := phenomenon(self.last.phenomenon)) is not None
                and mine.event_types and (theirs := find_phenomenon(m["kind"])) is not None
                and theirs.event_types and theirs.key != mine.key):
            # "were there leg movements?", then "did they cause arousals?": how many of them
            # were tied to one, by the association rule
            return f"how many {plural(mine.title.lower())} caused {plural(theirs.title.lower())}?"
        if _WHAT_CAUSED_THEM_RE.search(text) and (cause := self._cause_question()) is not None:
            return cause   # "how many arousals?", then "what caused most of them?"
        if (_MEET_THEM_RE.search(text) and self.last is not None and self.last.note == "glossary"
                and (rules := term(self.last.target)) is not None and rules.stage):
            # "what are the rules for N3?", then "does this epoch meet them?"
            return f"does this epoch meet the criteria for {rules.stage}?"
        if _TELL_MORE_RE.search(text) and (more := self._more()) is not None:
            return more   # "anything else?", "tell me more": the next layer of the last answer
        if (_WHEN_HAD_IT_RE.search(text) and self.last is not None and self.last.note == "glossary"
                and (entry := term(self.last.target)) is not None and entry.stage):
            return f"when was {entry.stage}?"   # "what is REM sleep?", then "when did he have it?"
        if _HERS_RE.search(text) and self.last is not None:
            # "what is WASO?", then "what was hers?": the night's own, as asked or as defined
            return self._found_on_night() or self.last.text
        if _THEM_APART_RE.search(text) and (stages := two_stages(compared)) is not None:
            # "what distinguishes them?" after comparing two stages: how a scorer tells them apart
            return f"how do I tell {stages[0]} from {stages[1]}?"
        if _THEM_APART_RE.search(text) and (shown := self._two_stages_shown()) is not None:
            # "show me what wake looks like", "and N1?", then "how do I tell them apart?"
            return f"how do I tell {shown[0]} from {shown[1]}?"
        if ((m := _IT_MOVED_AFTER_RE.search(text)) and self.shown is not None and self.shown.ref in (Ref.ITEM, Ref.CONTEXT)
                and self.shown.signal in _SIGNAL_WORDS and self.items):
            # "what was her pulse?" during a desaturation, then "did it spike afterwards?": that
            # signal after the event against during it
            way = "drop" if m["way"].lower() in ("drop", "fall", "go down", "dip", "decrease", "sink") else "rise"
            return f"did the {_SIGNAL_WORDS[self.shown.signal]} {way} after it?"
        if ((m := _IT_MOVED_IN_STAGE_RE.search(text)) and self.last is not None and self.last.intent == Intent.MEASURE
                and self.last.signal in _SIGNAL_WORDS and not self.last.phenomenon):
            # "what's the temperature doing?", then "did it drop in REM?": that signal in the
            # stage against the rest of sleep
            low = (m["way"] or m["way2"]).lower() in ("drop", "fall", "go down", "dip", "decrease", "sink", "lower")
            return f"was the {_SIGNAL_WORDS[self.last.signal]} {'lower' if low else 'higher'} in {m['stage']}?"
        if _KAPPA_RE.search(text) and self.last is not None and self.last.note == "confusion":
            # "how well does the model stage this night?", then "what's the kappa?": that pair's,
            # which its answer leads with
            return self.last.text
        if (m := _SYSTEM_NOW_RE.search(text)) and self.last is not None and (
                (self.last.intent == Intent.CLASSIFY and self.last.stage_event in ("example", "why"))
                # "and the EEG?" after a measure of the epoch on screen: that measure's own follow-up
                or (self.last.scope.time is not None and self.last.scope.time.kind == "current" and not m["other"])):
            # "show me a typical REM epoch", then "what's the heart doing?": in that epoch
            system = _EPOCH_SYSTEM_NAMES.get(m["sys"].lower(), m["sys"].lower())
            return _EPOCH_SYSTEM_QUESTIONS.get(system, f"describe the {system} in this epoch")
        if (m := _SYSTEM_THEN_RE.search(text)) and (stage := self._stage_in_view()) is not None:
            # "what do the eyes do then?" after the REM periods, "and the muscle tone?" after the
            # rapid eye movements: that body system in the stage the last answer was about
            return _system_in_stage(m["sys"].lower(), stage)
        if DIFFERENT_REF_RE.search(text) and (pair := self._set_against()) is not None:
            # "how is that different?" after an apnea and a hypopnea were explained in turn, with
            # other answers between them
            return f"what is the difference between {article(pair[0])} and {article(pair[1])}?"
        if _THEM_APART_RE.search(text) and (pair := self._two_shown()) is not None:
            # "what would a central one look like?" after an obstructive one, then "how are they
            # different?": how the two kinds are told apart
            return f"what is the difference between {article(pair[0])} and {article(pair[1])}?"
        if (m := _DIFFERENCE_IN_RE.search(text)) and (pair := self._two_shown()) is not None:
            # "what's the difference in effort?" after a central and an obstructive apnea: that
            # signal around each kind
            what = m.group("what").lower()
            signal = ("heart rate" if "heart" in what or "pulse" in what else "SpO2"
                      if re.search(r"oxygen|spo2|sat", what) else "breathing effort")
            return f"compare the {signal} during {pair[0]}s and {pair[1]}s"
        if _THEM_APART_RE.search(text) and (pair := self._two_shown()) is not None:
            # "what's the difference between them?" after a K-complex, then a spindle
            return f"what's the difference between {pair[0]} and {pair[1]}?"
        key = self.last.phenomenon if self.last is not None else None
        if (m := _THOSE_WAVES_RE.search(text)) and self._about_deep_sleep() and self.last.phenomenon is None:
            # "show me the best N3 epoch", then "how big are those waves?": N3's slow waves
            return ("what is the frequency of the slow waves?" if m["freq"]
                    else "how big are the slow waves in N3?")
        if _WHY_SO_SLOW_RE.search(text) and self._about_deep_sleep():
            return "why is N3 so slow?"   # "why is it so slow?" after N3 was shown
        if (m := _PACE_ONE_RE.search(text)) and self.last is not None and self.last.phenomenon == "spindle":
            # "and in N3?", then "show me the slowest one": by frequency, in that scope
            return f"show me the {m['pace'].lower()} spindle{_scope_words(self.last.scope)}"
        if ((m := _CHANNEL_SHOWS_RE.search(text)) and self.shown is not None
                and self.shown.intent in (Intent.CLASSIFY, Intent.NAVIGATE, Intent.STAGE_TIMING)):
            # "show me the first epoch of REM", then "what does the EOG show?": there, against the night
            return f"describe the {m['what'].lower()} in this epoch"
        if (_IN_TOTAL_RE.search(text) and self.last is not None and self.last.text
                and self.last.intent in (Intent.THRESHOLD, Intent.LOCATE)):
            # "any periods of low oxygen?", then "how long in total?": that list's total, which its
            # answer states
            return self.last.text
        if (_AFTER_ONSET_RE.search(text) and self.last is not None and self.last.intent == Intent.LOCATE
                and self.last.rank == "earliest" and self.last.text):
            return self.last.text   # "when was the first spindle?", then "how long after sleep onset?"
        if _WOKE_BY_IT_RE.search(text) and self.items and self._one_in_focus() and (
                self._focused().label not in STAGES):
            return "did she wake up after it?"   # "did it wake her up?" with one event shown
        if (_WOKE_BY_THEM_RE.search(text) and self.last is not None and self.last.intent == Intent.LOCATE
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types
                and phen.key != "arousal"):
            # "any leg movements?", then "did they wake her up?": how many led to waking, and
            # how many to an arousal, the briefer way to be woken
            name = plural(phen.title.lower())
            return f"how many {name} were followed by an awakening, and how many {name} had an arousal?"
        if _HOW_OFTEN_THAT_RE.search(text) and (asked := self._how_often_after()) is not None:
            # "how many times did that happen?" after "did she wake up after it?": of the list's
            # kind, those followed by the same
            return asked
        if (m := _OTHER_SIDE_RE.search(text)) and self.shown is not None and self.shown.ref == Ref.CONTEXT:
            # "and after?" after "what happened before it?": the other side of the same event
            return f"what happened just {m.group(1).lower()} it?"
        if _DELAY_RE.search(text) and self.last is not None and (
                self.last.target == "desat_lag" or self.last.phenomenon == "desaturation"):
            # "how long is the delay?" after why the oxygen lags: the lag after each event
            return "how long after the respiratory events does the oxygen bottom out?"
        if (_WHERE_FROM_RE.search(text) or _MATCH_STAGES_RE.search(text)) and self._searched():
            # "which night are they from?", "are they all N2?": the matches judged, their
            # recordings and stages among it; after a count of the library's matches, that
            # count again, whose table is by recording
            return "how similar are they?" if self.last.intent == Intent.SIMILAR else self.last.text
        if _FROM_OTHER_NIGHTS_RE.search(text) and self.last is not None and self.last.intent == Intent.SIMILAR:
            # "which of them are from other nights?": the same search, the loaded night left out
            return f"{self.last.text} in other nights"
        if _ESTIMATE_RE.search(text) and self.last is not None and (
                self.last.stat in (*INDEX_STATS, "stages") or self.last.intent == Intent.SUMMARY):
            # "why is it an estimate?" after the REI or the stages: how sleep was found
            return "how do you know when they were asleep?"
        if ((m := _IT_BY_POSITION_RE.search(text)) and self.last is not None
                and (signal := self.last.signal or ("snore" if self.last.phenomenon == "snoring" else None))
                and signal in _SIGNAL_WORDS and signal != "spo2"):
            # "how much snoring was there?" (or "snoring"), then "was it worse on her back?": that
            # signal by position, not the AHI ("spo2" stays the breathing's: its drops are the events)
            return f"was the {_SIGNAL_WORDS[signal]} {m.group('way')} {m.group('where')}?"
        typed = _APNEA_TYPE_RE.search(text) or _WHY_APNEA_RE.search(text)
        if typed and self.items and self._one_in_focus() and (
                self._focused().label.endswith((" apnea", "hypopnea"))):
            # "was it obstructive?", "how can you tell?" with one apnea shown: what the belts
            # did during it is what types it; a type claimed is answered yes or no first
            claim = named_apnea_type(text)
            if claim is None and re.search(r"\b(?:or|vs\.?|versus)\b", text, re.I):
                return "what did the belts do during it: which type was it?"   # "central or obstructive?"
            return (f"what did the belts do during it: was it {claim.split()[0]}?" if claim
                    else "what did the belts do during it?")
        if self.items and self._one_in_focus() and self._focused().label not in STAGES:
            # "what position was she in?" with one event shown: during it; "was she on her
            # back?" is answered yes or no
            if _WHAT_POSITION_RE.search(text):
                return "what position was she in during it?"
            if m := _IN_POSITION_RE.search(text):
                return f"was she {m.group('where').lower()} during it?"
        described = self.shown is not None and self.shown.ref in (Ref.CONTEXT, Ref.ITEM)
        if (_HOW_LOUD_IT_RE.search(text) and self.items and self._one_in_focus()
                and self._focused().label not in STAGES):
            # "how loud was it?" with one event shown: the snoring during it, not the night's
            return "what was the snoring loudness during it?"
        # after a question about one event, where it was read: ``resolve``
        if (m := None if described else _RESPONSE_RE.search(text)) is not None:
            if self.items and self._focused().label not in STAGES and (
                    self._one_in_focus() or re.search(r"\b(?:during|after) it\b", text, re.I)):
                # "what happened to her heart rate?" with one event shown: during it; "what was
                # the oxygen during it?" after several: the first listed, as the answer says
                return f"what was the {m.group('signal').lower()} during it?"
            if self._listed_events() is not None:
                # ... after a list of events: during them, against the rest of sleep
                return f"what was the {m.group('signal').lower()} during them?"
        if (m := _ON_CHANNEL_RE.search(text)) and self.items and self._one_in_focus():
            # "what should they look for on the belts?", "and on the oxygen?" with one event
            # shown: that channel during it
            return f"what did the {m.group('channel').lower()} do during it?"
        if ((mostly := _THEY_MOSTLY_RE.search(text)) and self.last is not None and self.last.scope != Scope()
                and self._listed_events() is not None):
            # "were most of them in the second half?" after the arousals in REM: a share of a
            # part of the night has no whole-night answer; those of the list there, counted
            return f"how many of them were {mostly.group('rest')}?"
        if (listed := self._listed_events()) is not None and (asked := _of_the_list(text, listed, key)):
            if asked.startswith("how many ") and self.last is not None:
                # "how many were respiratory?" after the arousals after 4 am: of those, there
                asked = f"{asked.rstrip('?')}{_scope_words(self.last.scope)}?"
            return asked
        if (m := _HOW_MANY_IN_POSITION_RE.search(text)) and self.last is not None and self.last.target in (
                "supine", "position"):
            # "how many were supine?" after the AHI by body position: its events there
            return f"how many apneas and hypopneas were {m.group('pos')}?"
        m = _IT_DIFFERS_RE.search(text)
        if m is None or (phen := phenomenon(key)) is None:
            return None
        noun = phen.title.lower()
        head = noun.split()[-1]
        other = re.sub(r"\bones?\b", lambda w: head + "s" * (w.group(0) == "ones"), m.group(2))
        return f"how is {noun} different from {other}?"

    def _other_partner(self, text: str) -> str | None:
        """"what's the average desaturation after an apnea?" (or "mean desaturation depth"), then "and
        after a hypopnea?": the last question with the other kind, its words and measure kept (None
        unless the last asked of desaturations and the follow-up names another breathing event)."""
        last = self.last
        if (last is None or last.phenomenon != "desaturation" or not (m := _PARTNER_NAMED_RE.search(text))
                or (kind := find_phenomenon(m["kind"])) is None or not kind.event_types or kind.key == "desaturation"):
            return None
        if not last.together:
            return f"{last.text.rstrip(' ?.!')} {m['how'].lower()} {article(kind.title.lower())}?"
        old = phenomenon(last.together)
        words = re.compile(rf"\b(?:an? )?{re.escape(old.title.lower())}s?\b", re.I) if old is not None else None
        if words is None or not words.search(last.text):
            return None
        return words.sub(article(kind.title.lower()), last.text, count=1)

    def _at_other_time(self, text: str) -> str | None:
        """"what was the stage at 1 am?", then "and at 2?"; "apneas between 2 and 3", then "and 3 to
        4?": the last question at the new clock time, in the last one's half of the day when the
        follow-up names none (None unless the last question named a clock time)."""
        # "the 2am hour?" (a move of the viewer, which keeps no question) then "and 3am?": the move
        last = (self.shown if self.shown is not None and self.shown.intent == Intent.NAVIGATE
                and self.shown.scope.time is not None else self.last)
        span = last.scope.time if last is not None else None
        if (span is None or span.kind != "clock" or not span.text or span.text not in last.text
                or not (m := _OTHER_TIME_RE.search(text))):
            return None
        first, second = m["a"], m["b"]
        half = re.search(r"\s*[ap]\.?m\.?\b", span.text, re.I)
        if half and not re.search(r"[ap]\.?m\b", text, re.I):
            first, second = first + half.group(0), second and second + half.group(0)
        elif re.search(r"\d:\d\d", span.text):
            # "what happened at 02:44?", then "and at 3?": a bare hour on the last one's 24-h clock
            first, second = (f"{int(t):02d}:00" if t and t.isdigit() else t for t in (first, second))
        if not second and _one_clock_hour(span) and re.fullmatch(
                r"\d{1,2}(?::00)?\s*(?:[ap]\.?m\.?)?", first.strip(), re.I):
            # "AHI in the 3am hour", then "and 4am?": the 4am hour, not its first 30 s
            return last.text.replace(span.text, f"the {first.strip()} hour")
        words = (f"between {first} and {second}" if second and "between" in span.text
                 else f"from {first} to {second}" if second else f"at {first}")
        return last.text.replace(span.text, words)

    def _other_part(self, text: str) -> str | None:
        """"how many central apneas in the second half?", then "and in the first?"; "when was the
        first REM period?", then "and the second REM period?": the last question with its ordinal
        part of the night changed (None unless it named one)."""
        if self.last is None or self.last.intent == Intent.COMPARE or not (m := _OTHER_PART_RE.search(text)):
            return None   # "compare that with the first half", "and the second half?": both halves (_merge)
        named = _ORDINAL_PART_RE.search(self.last.text)
        if named is None or (m["unit"] and not named["unit"].lower().startswith(m["unit"].lower())):
            return None
        new = m["ord"].lower()
        if new == "other":
            new = {"first": "second", "second": "first"}.get(named["ord"].lower())
            if new is None:
                return None
        return self.last.text[:named.start("ord")] + new + self.last.text[named.end("ord"):]

    def _with_other_number(self, text: str) -> str | None:
        """"how many hypopneas have a 3% desat?", then "and with 4%?": the last question with its
        one number of that unit changed (None unless it had exactly one)."""
        if self.last is None or not (m := _OTHER_NUMBER_RE.search(text)):
            return None
        unit = m["unit"] or ""
        found = list(re.finditer(rf"\b\d+(?:\.\d+)?(?=\s*{re.escape(unit)})" if unit else r"\b\d+(?:\.\d+)?\b",
                                 self.last.text))
        if len(found) != 1 or (not unit and "%" in self.last.text):
            return None
        return self.last.text[:found[0].start()] + m["n"] + self.last.text[found[0].end():]

    def _two_scopes(self) -> tuple[str, str, str] | None:
        """(what, stage a, stage b) when the last two answers read one body system or signal in
        one stage (or NREM) each, two different ones; None otherwise."""
        a, b = self.before, self.last
        if a is None or b is None or Intent.DESCRIBE not in (a.intent, b.intent) and a.intent != b.intent:
            return None
        stages = (_stage_word(a.scope.stages), _stage_word(b.scope.stages))
        if None in stages or stages[0] == stages[1] or a.scope.time or b.scope.time:
            return None
        what = {(x.signal and _SIGNAL_WORDS.get(x.signal)) or _SYSTEM_WORDS.get(x.modality or "") for x in (a, b)}
        return (what.pop(), stages[0], stages[1]) if len(what) == 1 and None not in what else None

    def _two_stages_named(self) -> tuple[str, str] | None:
        """The stages the last two answers were each about (their periods, amounts, examples or
        definitions), when they are two different ones; None otherwise."""
        def stage_of(q: Query | None) -> str | None:
            if q is None or q.scope.time is not None:
                return None
            if q.note == "glossary":
                entry = term(q.target)
                return entry.stage if entry is not None and entry.stage else None
            if q.intent in (Intent.STAGE_TIMING, Intent.STAGE_AMOUNT, Intent.CLASSIFY) and len(q.scope.stages) == 1:
                return q.scope.stages[0]
            return None
        a, b = stage_of(self.before), stage_of(self.last)
        return (a, b) if a and b and a != b else None

    def _two_periods(self) -> tuple[str, str] | None:
        """The time spans of the last two answers, as a question names them ("the first 2
        hours", "the last 2 hours"), when both read the whole night's parts without a stage
        and differ; None otherwise."""
        a, b = self.before, self.last
        if a is None or b is None or a.scope.stages or b.scope.stages:
            return None
        spans = [x.scope.time for x in (a, b)]
        if any(t is None or t.kind not in _PART_KINDS for t in spans) or spans[0] == spans[1]:
            return None
        return spans[0].text.strip(), spans[1].text.strip()

    def _index_events(self) -> str | None:
        """The events the last answer's index or count counts, in words ("apneas and
        hypopneas" for the AHI); None when it gave neither."""
        last = self.last
        if last is None:
            return None
        if last.stat in INDEX_STATS:
            return _STAT_EVENTS[last.stat]
        if ((last.per or last.intent == Intent.LOCATE) and (phen := phenomenon(last.phenomenon)) is not None
                and phen.event_types):
            # a rate's events, or a count's ("how many apneas and hypopneas?", then "how many
            # events was that in REM")
            return plural(phen.title.lower())
        return None

    def _stagings_set_side_by_side(self) -> bool:
        """The last answer read the night by more than one staging, or by the model's against
        the one before it: a stagers' question, or a figure asked again "according to the model"."""
        last = self.last
        if last is None:
            return False
        if last.intent == Intent.RECORDING and last.topic == "scoring" and last.note in ("by_stager", "which_right"):
            return True
        return bool(_ACCORDING_TO_RE.search(last.text)) and self.before is not None and (
            self.before.intent == last.intent and self.before.stat == last.stat)

    def _place_in_view(self) -> TimeSpan | None:
        """The stretch the last answer was about, when it described one ("what happened at
        00:16?": that minute) or told one epoch's stage; None otherwise."""
        shown = self.shown
        if shown is not None and shown.intent == Intent.DESCRIBE and shown.scope.time is not None and (
                shown.scope.time.kind in ("clock", "epoch")):
            # its events are those overlapping it, as the description listed them
            span = shown.scope.time
            return replace(described_span(span) if span.kind == "clock" else span, overlap=True)
        if shown is not None and shown.intent == Intent.CLASSIFY and len(self.items) == 1 and _told_epoch(self.items[0]):
            return _span(self.items[0])
        return None

    def _two_hours(self) -> tuple[str, str] | None:
        """The clock hours the last two answers picked by the clock hour, when they differ."""
        a, b = self.before, self.last
        if (a is None or b is None or len(self.hours_picked) < 2 or any(
                x.intent != Intent.BREAKDOWN or x.by != "hour" for x in (a, b))):
            return None
        first, second = self.hours_picked[-2:]
        return (first, second) if first != second else None

    def _explained_pair(self) -> tuple[str, str] | None:
        """The two things the last explanation set apart, as plural nouns a count can name
        ("hypopneas", "apneas"), None when it explained one."""
        last = self.last
        if last.note == "glossary" and last.target == "arousal_awakening":
            return "arousals", "awakenings"
        kinds = [phenomenon(key) for key in (last.phenomenon, last.contrast)]
        if None in kinds:
            return None
        return tuple(plural(k.title.lower()) for k in kinds)

    def _of_the_one(self, m: re.Match[str]) -> str | None:
        """The question ``m`` asks of "the <noun>" put to the one event in focus, when the noun
        names its kind ("how long was the apnea?": "how long was it?"), or names the
        desaturation tied to a breathing event in focus ("how deep was the desaturation?": the
        one after it); None when the noun names something else."""
        named = find_phenomenon(m["noun"])
        label = self._focused().label.lower().replace(" ", "_")
        if named is None or not named.event_types:
            return None
        if label in named.event_types:
            return f"{m['lead']} {m['verb']} it{m['rest'] or ''}?"
        tied = named.event_types == ("desaturation",) and label.endswith(("apnea", "hypopnea"))
        # "how long did the desat last?" after the longest apnea: that desaturation, its span said
        # with its depth (probe Q: every desaturation of the night was listed)
        return ("how deep was the desaturation after it?" if tied and re.match(r"how (?:deep|low|big|long)", m["lead"], re.I)
                else None)

    def _lists_kind(self, noun: str) -> bool:
        """The last list holds events of the kind ``noun`` names ("the apnea" after the
        obstructive apneas), or of one it names ("the obstructive apnea" after the apneas)."""
        named = find_phenomenon(noun)
        listed = phenomenon(self.last.phenomenon) if self.last is not None else None
        return bool(self.items and named is not None and listed is not None and named.event_types
                    and set(named.event_types) & set(listed.event_types))

    def _child_row(self, query: Query) -> str:
        """The child's norm a "is that ok for a child?" asks of the last answer: the nadir after
        the lowest SpO2, the central apnea index after the central apneas; "" for another."""
        last = self.last
        if query.phenomenon == "central_apnea":
            return CENTRAL_ROW
        if last is None or query.phenomenon:
            return ""
        if last.intent == Intent.NORMAL and last.target in (NADIR_ROW, CENTRAL_ROW):
            return last.target
        if last.phenomenon == "central_apnea":
            return CENTRAL_ROW
        if last.intent == Intent.MEASURE and last.signal == "spo2" and last.rank == "lowest":
            return NADIR_ROW
        return ""

    def _norm_row(self) -> str:
        """The row of the age norms (``norms.NORMS``) the last answer gave a figure of, "" for
        none."""
        last = self.last
        if last is None:
            return ""
        if last.intent == Intent.STAGE_TIMING and last.stage_event == "onset":
            return "sleep onset latency"
        if last.intent == Intent.NORMAL and last.target in NORMS:
            return last.target   # "did they get enough?" after the sleep needed at an age
        if (last.intent == Intent.STAGE_TIMING and last.stage_event in ("latency", "first")
                and last.scope.stages == ("REM",)):
            # "when did REM first start?" then "is that early?": the first REM is the latency's end
            return "REM latency"
        if last.intent == Intent.SUMMARY and last.stat == "odi":
            return ODI_ROW   # "is that normal?" after the ODI: that index, not the AHI
        if (last.intent == Intent.SUMMARY and last.stat in INDEX_STATS
                or last.intent == Intent.LOCATE and last.phenomenon in _BREATHING_KEYS):
            # "is that abnormal for a child?" after the (obstructive) AHI or the apneas
            return BREATHING_ROW
        if last.intent == Intent.SUMMARY:
            return ROW_OF_STAT.get(last.stat or "", "")
        if last.intent == Intent.LOCATE and last.phenomenon == "arousal":
            # "is that high?" after the arousal index (or their count), in a stage too: the
            # norms are the whole night's index
            return AROUSAL_ROW
        if last.intent == Intent.STAGE_AMOUNT and len(last.scope.stages) == 1:
            return ROW_OF_STAGE.get(last.scope.stages[0], "")
        return ""

    def _how_often_after(self) -> str | None:
        """After "did she wake up after it?" (or "... have an arousal after it?") about one of
        a list of events, the count of the list's events followed by the same; else None."""
        shown, listed = self.shown, self._listed_events()
        if shown is None or listed is None or shown.ref != Ref.CONTEXT or shown.step < 0:
            return None
        if shown.scope.stages == ("W",):
            return f"how many {listed} were followed by an awakening?"
        partner = phenomenon(shown.phenomenon)
        if partner is not None and partner.event_types and partner.key != self.last.phenomenon:
            return f"how many {listed} were followed by {article(partner.title.lower())}?"
        return None

    def _two_stages_shown(self) -> tuple[str, str] | None:
        """The stages of the last two stage answers, when the last answer was about a stage's
        epoch (its example, or what to notice in it) and the two stages differ."""
        if self.last is None or self.last.intent != Intent.CLASSIFY or len(self.stages_shown) < 2:
            return None
        a, b = self.stages_shown[-2:]
        return None if a == b else (a, b)

    def _variability_of_last(self) -> str | None:
        """The last comparison of a heart or breathing signal between two parts of the night,
        asked again of that signal's variability; None after anything else."""
        last = self.last
        if last is None or last.intent != Intent.COMPARE or not last.groups or len(last.groups) != 2:
            return None
        signal = last.signal or ("resp" if last.measure and re.search(r"breath|resp", last.measure, re.I) else None)
        if signal not in _VARIABILITY_OF:
            return None
        sides = [("NREM" if g.stages == ("N1", "N2", "N3") else " or ".join(g.stages)) if g.stages and not g.time
                 else (g.time.text if g.time else "") for g in last.groups]
        if not all(sides):
            return None
        return f"which has the higher {_VARIABILITY_OF[signal]}, {sides[0]} or {sides[1]}?"

    def _library_hit(self) -> Item | None:
        """The library hit in focus (one picked from a search's matches), else None."""
        if not self.items or self.cursor < 0:
            return None
        item = self._focused()
        return item if item.source.startswith(LIBRARY_SOURCE) else None

    def _searched(self) -> bool:
        """The last answer was a library search, or a count of its matches ("how many did you
        find?")."""
        last = self.last
        return last is not None and (last.intent == Intent.SIMILAR or (
            last.intent == Intent.RECORDING and last.topic == "library"))

    def _periods_stage(self) -> str | None:
        """The one stage whose periods the last answer was about ("how many REM periods?", "how
        long was the longest N3 period?"), else None."""
        last = self.last
        if last is None or last.intent != Intent.STAGE_TIMING:
            return None
        if len(last.scope.stages) == 1:
            return last.scope.stages[0]
        time = last.scope.time
        return period_stage(time) if time is not None and time.kind == "period" else None

    def _zoomed_out(self, text: str) -> Query | None:
        """"zoom out" with a stretch on screen: twice it, on the same centre; with only an epoch
        on screen and no event in focus: :data:`ZOOM_OUT_SEC` around that epoch; None when an
        event is in focus (the minutes around it) or nothing was shown."""
        shown = self.shown
        if (shown is not None and shown.intent == Intent.NAVIGATE and shown.scope.time is not None
                and shown.scope.time.kind == "item" and shown.scope.time.end is not None):
            lo, hi = shown.scope.time.start, shown.scope.time.end
            length, where = 2 * (hi - lo), "the stretch shown"
        elif self.viewed is not None and not (self.items and self._period_in_focus()) and shown is not None:
            lo, hi = self.viewed * EPOCH_SEC, (self.viewed + 1) * EPOCH_SEC
            length, where = ZOOM_OUT_SEC, f"epoch {self.viewed}"
        else:
            return None
        start = max(0.0, (lo + hi) / 2 - length / 2)
        return Query(Intent.NAVIGATE, text, by_rule=True,
                     scope=Scope((), TimeSpan("item", start, start + length, f"{length_text(length)} around {where}")))

    def _stage_in_view(self) -> str | None:
        """The one stage the last answer was about as a whole (its periods or amount, its
        definition, or the rapid eye movements and the chin atonia that mark REM), with no one
        item picked; None otherwise."""
        last = self.last
        if last is None or self.cursor >= 0 or last.scope.time is not None:
            return None
        if len(last.scope.stages) == 1 and (last.intent == Intent.STAGE_AMOUNT or (
                last.intent == Intent.STAGE_TIMING and last.stage_event == "periods")):
            return last.scope.stages[0]
        if (last.intent == Intent.LOCATE and last.phenomenon == "rem" and last.scope.stages in ((), ("REM",))) or (
                last.measure == "atonia"):
            return "REM"   # ("what are the eyes doing in REM?" names the stage the eyes mark)
        entry = term(last.target) if last.note == "glossary" else None
        return entry.stage if entry is not None and entry.stage else None

    def _set_against(self) -> tuple[str, str] | None:
        """(the kind the last answer was about, the kind explained before it), as titles, when
        both are kinds of event and differ; None otherwise."""
        mine = phenomenon(self.last.phenomenon) if self.last is not None else None
        if mine is None:
            return None
        earlier = [key for key in self.explained if key != mine.key]
        theirs = phenomenon(earlier[-1]) if earlier else None
        if theirs is None or not (mine.event_types and theirs.event_types):
            return None
        return mine.title.lower(), theirs.title.lower()

    def _two_shown(self) -> tuple[str, str] | None:
        """The phenomena of the last two answers, or the two kinds the last one compared, when
        they are two different kinds of event."""
        if self.last is not None and self.last.contrast:
            first, second = phenomenon(self.last.phenomenon), phenomenon(self.last.contrast)
        else:
            first = phenomenon(self.before.phenomenon) if self.before is not None else None
            second = phenomenon(self.last.phenomenon) if self.last is not None else None
        if first is None or second is None or first.key == second.key or not (
                first.event_types and second.event_types):
            return None
        return first.title.lower(), second.title.lower()

    def _ratio_verdict(self, text: str) -> str | None:
        """"ratio?" after the AHI by stage or by position, or after "AHI in REM?" and "and NREM?";
        "why not?" after "is it positional?": the verdict question that reads the ratio against its
        rule (REM to NREM, supine to off the back); None otherwise."""
        last, before = self.last, self.before
        if last is None or last.stat not in INDEX_STATS:
            return None
        if last.intent == Intent.BREAKDOWN and last.by in _RATIO_VERDICT and (
                _RATIO_RE.search(text) or _BARE_WHY_RE.search(text) and _VERDICT_ASKED_RE.search(last.text)):
            return _RATIO_VERDICT[last.by]
        if (_RATIO_RE.search(text) and before is not None and before.stat == last.stat
                and {last.scope.stages, before.scope.stages} == {("REM",), ("N1", "N2", "N3")}):
            return _RATIO_VERDICT["stage"]
        return None

    def _terse(self, text: str) -> str | None:
        """A technician's one- or two-word follow-up after a list of events, spelt out: "count",
        "deepest", "when", "position", "arousal after?", "mean depth", "% of all desats"; None
        for anything else or with no list to refer to."""
        if (self.last is not None and self.last.intent == Intent.COMPARE and len(self.last.groups or ()) == 2
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types
                and all(g.stages and not g.time for g in self.last.groups)
                and (m := _TERSE_PROPERTY_RE.match(text.strip().rstrip("?.! ").lower()))
                and m["what"] in ("amplitude", "frequency")):
            # "how many spindles in N2 vs N3?", then "what's their average frequency?": in each
            a, b = (" or ".join(g.stages) for g in self.last.groups)
            return f"compare {phen.title.lower()} {m['what']} in {a} and {b}"
        if (verdict := self._ratio_verdict(text)) is not None:
            return verdict
        if ((m := _BARE_WITH_RE.match(text)) and self.last is not None and self.last.intent == Intent.LOCATE
                and not self.last.together and (phen := phenomenon(self.last.phenomenon)) is not None
                and phen.event_types and phen.key not in ("desaturation", "arousal")):
            # "how many hypopneas?", then "with 4% desat?": those with one, not every desaturation
            depth = f"{m['depth']}% " if m["depth"] else ""
            where = scope_text(self.last.scope)
            return f"how many {plural(phen.title.lower())}{' ' + where if where else ''} had {article(depth + 'desaturation')}?"
        if (_JUDGED_THAT_RE.match(text) and self.last is not None and self.last.intent == Intent.LOCATE
                and self.last.phenomenon == "limb_movement"):
            # "PLMI", then "is that significant?": the PLMS index against the ICSD-3's cut, not a
            # test of significance or the sleep-architecture norms
            return "is the PLMI normal?"
        if _HOW_MUCH_OF_NIGHT_RE.match(text) and self.last is not None and (
                self.last.intent == Intent.THRESHOLD or (self.last.intent == Intent.LOCATE and (
                    phen := phenomenon(self.last.phenomenon)) is not None and phen.condition is not None)):
            # "was she snoring?", then "how much of the night?": that answer, whose share of the
            # night and of sleep it states, not the hypnogram
            return self.last.text
        if (m := _EVENTS_OF_THAT_RE.match(text)) and (events := self._index_events()) is not None:
            # "AHI?", then "how many events was that?" (or "... in REM"): the events the index
            # counts, not every scored event of the night
            where = f" {m['where'].strip()}" if m["where"] else _scope_words(self.last.scope)
            return f"how many {events}{where}?"
        if ((m := _COUNT_IN_STAGE_RE.match(text)) and self.last is not None and self.last.intent == Intent.LOCATE
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types):
            # "limb movements", then "any in REM?" or "how many in supine REM": those events
            # there, not the stage's periods
            return f"how many {plural(phen.title.lower())} in {m['where']}?"
        if ((m := _DEEPEST_RE.match(text)) and self.last is not None and self.last.intent == Intent.LOCATE
                and (phen := phenomenon(self.last.phenomenon)) is not None and phen.event_types):
            # "desats in REM", then "the deepest?" or "the deepest 3": those, not deep sleep
            n = m["n"] or m["n2"]
            return f"the {n} deepest {plural(phen.title.lower())}{_scope_words(self.last.scope)}" if n and n != "1" \
                else "the deepest one"
        if ((m := _BARE_STAGE_RE.match(text)) and self.last is not None and self.last.stat in INDEX_STATS
                and self.last.intent in (Intent.SUMMARY, Intent.BREAKDOWN)):
            # "rem ahi?", then "nrem?": the index again in that stage, as "and in NREM?" asks;
            # "vs NREM": the two side by side
            if m["vs"]:
                stages = self.last.scope.stages
                other = stages[0] if len(stages) == 1 else ("NREM" if m["stage"].lower() == "rem" else "REM")
                return f"{self.last.stat.upper()} in {other} vs {m['stage']}"
            return f"and in {m['stage']}?"
        if not self.items or self.last is None:
            return None
        focused = self._one_in_focus() or self.cursor >= 0
        words = text.strip().rstrip("?.! ").lower()
        if words in _TERSE_WORDS:
            return _TERSE_WORDS[words]
        if (m := _TERSE_OWN_RE.match(words)) and focused:
            # "what frequency?" with one spindle in view: its own
            return f"what {m['what']} was it?"
        if words in ("when", "position", "stage") and focused:
            return {"when": "when was it?", "position": "what position was she in?",
                    "stage": "what stage was it in?"}[words]
        if (m := _TERSE_SIDE_RE.match(words)) and focused and (phen := find_phenomenon(m["kind"])) is not None:
            # "arousal after?" with one event in focus: after it
            return f"was there {article(phen.title.lower())} {m['side']} it?"
        events = self._listed_events()
        if events is None:
            return None
        stages = f" in {' or '.join(self.last.scope.stages)}" if self.last.scope.stages else ""
        if m := _TERSE_PROPERTY_RE.match(words):
            return f"what is the {m['stat']} {m['what']} of the {events}{stages}?"   # "mean depth"
        if m := _TERSE_SHARE_RE.match(words):
            return f"what percentage of all {m['what']} is that?"   # "% of all desats"
        return None

    def _two_spans(self) -> tuple[TimeSpan, TimeSpan] | None:
        """The two parts of the night the last answer compared, None when it compared none."""
        groups = self.last.groups if self.last is not None else None
        if not groups or len(groups) != 2 or any(g.time is None for g in groups):
            return None
        return groups[0].time, groups[1].time

    def _about_deep_sleep(self) -> bool:
        """The last answer was about N3 or its slow waves."""
        last = self.last
        return last is not None and (last.scope.stages == ("N3",) or last.phenomenon == "slow_waves"
                                     or (last.note == "glossary" and last.target == "n3"))

    def _more(self) -> str | None:
        """What "tell me more" asks after the last answer: a list's every item, an index by
        position and stage, an overview's whole report, a definition's phenomenon on this
        night; None after anything else."""
        last = self.last
        if last is None:
            return None
        if last.intent in (Intent.LOCATE, Intent.THRESHOLD, Intent.STAGE_TIMING) and self.items:
            return "list them"
        if last.intent == Intent.SUMMARY and last.stat in INDEX_STATS and last.scope == Scope():
            return f"{_STAT_NAMES.get(last.stat, last.stat.upper())} by position and stage"
        if last.intent in (Intent.SUMMARY, Intent.NORMAL) and not last.stat:
            return "write a report"   # after what stands out, the norms or the summary
        return self._found_on_night()   # after a definition: it on this night

    def _last_subject(self) -> tuple[str, bool] | None:
        """What the last answer measured, as a noun a question can name, and whether it is
        plural: ("AHI", False), ("heart rate", False), ("hypopneas", True); None for none."""
        last = self.last
        if last is None:
            return None
        if last.stat in _STAT_NAMES and last.intent in (Intent.SUMMARY, Intent.BREAKDOWN):
            return _STAT_NAMES[last.stat], False
        if last.intent in (Intent.MEASURE, Intent.COMPARE, Intent.THRESHOLD, Intent.EXPLAIN) and (
                signal := _signal_named(last)):
            return signal, False   # "what does her snoring look like?", then "is it worse in REM?"
        if last.intent == Intent.LOCATE and (events := self._listed_events()) is not None:
            return events, True
        if last.intent in (Intent.COMPARE, Intent.BREAKDOWN) and last.measure and (
                named := measure_name(last.measure)):
            return named, False   # "RMSSD in REM vs NREM", then "is it lower in REM?"
        return None

    def _cause_question(self) -> str | None:
        """What the last answer's events were caused by, as the question that counts it: the
        arousals' and awakenings' causes, the breathing events behind desaturations; None for
        events without a cause the night can show."""
        last = self.last
        if last is None:
            return None
        if last.stage_event == "awakenings" or (last.intent == Intent.STAGE_TIMING and last.scope.stages == ("W",)):
            return "what caused the awakenings?"
        events = self._listed_events()
        if events == "arousals":
            return "what caused the arousals?"
        if events == "desaturations":
            return "how many desaturations followed an apnea or hypopnea?"
        if (phen := phenomenon(last.phenomenon)) is not None and phen.event_types:
            # "what causes them?" after apneas or K-complexes: what they are and what brings them
            # on, the explanation's words, with an example of this night
            return f"what is {article(phen.title.lower())}?"
        return None

    def _listed_events(self) -> str | None:
        """The events the last answer was about, as a plural noun a question can name
        ("central apneas"), None when it was about no kind of event."""
        last = self.last
        if last is None:
            return None
        # "how many arousals?", "is that a lot?": the index judged is still the arousals'
        judged = "arousal" if last.intent == Intent.NORMAL and last.target == AROUSAL_ROW else None
        phen = phenomenon(last.phenomenon or judged)
        if phen is None or not phen.event_types or phen.key == "scored_event":
            return None
        return plural(phen.title.lower())

    def _found_on_night(self) -> str | None:
        """The question that asks the night for what the last answer defined, None when it
        defined nothing that the night can show."""
        last = self.last
        if last is None or last.intent != Intent.EXPLAIN:
            return None
        if last.note == "glossary":
            entry = term(last.target)
            if entry is not None and entry.stage:
                return f"how much {entry.stage}?"   # "what is N3 sleep?" then "does she have it?"
            return _TERM_ON_NIGHT.get(last.target or "")
        phen = phenomenon(last.phenomenon)
        return f"any {phen.title.lower()}?" if phen is not None and phen.event_types else None

    def quiz_reply(self, text: str, stage: str) -> Query | None:
        """A reply (``stage``) to the quiz asked just before, as the query that marks it; None
        when no quiz is open."""
        if self.quiz is None:
            return None
        span = TimeSpan("epoch", float(self.quiz), None, f"epoch {self.quiz}")
        return Query(Intent.CLASSIFY, text, stage_event="quiz_answer", scope=Scope((stage,), span),
                     by_rule=True)

    def remember(self, query: Query, items: list[Item] | None, before: int, after: int) -> None:
        """Keep what the answer showed; navigation keeps the list it moved through."""
        # a quiz stays open for its reply only
        self.viewed = after
        self.quiz = after if query.stage_event == "quiz" else None
        if query.stage_event == "quiz":
            self.quiz_scope = query.scope
        self.quizzes += query.stage_event == "quiz"
        self.shown = query
        if query.intent == Intent.CLASSIFY and len(query.scope.stages) == 1:
            self.stages_shown.append(query.scope.stages[0])
        if query.intent == Intent.EXPLAIN and query.phenomenon and not query.contrast:
            self.explained.append(query.phenomenon)
        if after != before and query.ref != Ref.BACK:
            self.history.append(before)
        elif query.ref == Ref.BACK and self.history:
            self.history.pop()
        if query.intent == Intent.NAVIGATE and query.note == "period" and items:
            # "take me to the next REM period": that period is what "it" names next
            self.items, self.cursor = list(items), 0
            return
        if (query.intent == Intent.LOCATE and query.phenomenon and query.ref == Ref.ITEM
                and query.scope.time is not None and (query.how_many or not items)):
            # "how many slow waves are in it?", then "how big are they?": those, not the question
            # the list came from; the list and its focus stay ("events in it", a list shown,
            # becomes the list: "the longest one" then picks from it)
            self.before, self.last = self.last, replace(query, ref=Ref.NONE, how_many=False)
            return
        if query.intent == Intent.LOCATE and query.phenomenon and query.ref == Ref.ITEM and items:
            self.before, self.last = self.last, replace(query, ref=Ref.NONE, how_many=False)
            self.items, self.cursor = list(items), -1
            return
        if query.intent == Intent.NAVIGATE or query.ref in (Ref.CONTEXT, Ref.ITEM, Ref.FOCUS):
            return   # a pick or a move keeps the list and the question it came from
        if query.intent == Intent.MEDICAL:
            self.medical = query
            return
        if query.intent in (Intent.HELP, Intent.OFF_TOPIC, Intent.UNKNOWN):
            return
        if query.intent == Intent.SIMILAR and query.target is None and query.scope.time is None:
            # a search from the epoch on screen stays that epoch's: picking one of its hits may
            # move the screen (a hit in this night), and "which of them were in REM?" narrows it
            query = replace(query, scope=Scope(query.scope.stages,
                                               TimeSpan("epoch", float(before), None, f"epoch {before}")))
        # an answer that found nothing leaves the event in focus there: "did she have an arousal
        # after it?" after "how many times did that happen?" (none) is still about it
        keep = items is not None and not items and bool(self.items) and self._one_in_focus()
        if keep and self.cursor < 0:
            self.cursor = 0
        # a library search's note says what the list before it held, not what this one holds
        self.before, self.medical = self.last, None
        self.last = replace(query, ref=Ref.NONE, how_many=False,
                            note="" if query.intent == Intent.SIMILAR else query.note)
        if items is not None and not keep:
            # "show me the first apnea" shows one of the list: "next one" moves on from it
            # "show me the most interesting epoch" shows the findings' first moment likewise
            # "what was the lowest SpO2?" lists the next dips after it, the lowest in focus
            shows_one = (query.count == 1 or (query.topic == "findings" and query.rank == "shown")
                         or (query.intent == Intent.MEASURE and query.rank in ("lowest", "highest")))
            self.items, self.cursor = list(items), 0 if shows_one and items else -1
            if query.intent == Intent.MEASURE and query.rank and 0 < (query.ordinal or 0) < len(self.items):
                self.cursor = query.ordinal   # "second lowest SpO2": that dip is what "it" names
            if query.intent == Intent.BREAKDOWN and query.by == "hour" and len(items) == 1:
                self.hours_picked.append(items[0].label.split(" (")[0])


def _library_pick(item: Item, text: str, note: str) -> Query:
    """A library hit picked or asked about: it lies in its own recording, shown only if that
    is the loaded one (``execute.library_pick``)."""
    return Query(Intent.SIMILAR, text, ref=Ref.FOCUS, note=note, target=item.source[len(LIBRARY_SOURCE):],
                 ordinal=_hit_epoch(item), scope=Scope(stages=(item.stage,) if item.stage in STAGES else ()))


def _hit_epoch(item: Item) -> int:
    """The epoch of a library hit, as its label ("night epoch 23") names it."""
    return int(item.label.rsplit(" ", 1)[-1])


_HAVE_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:does|did|is|was|has|do) (?:this|the|my|our|that)"
                         r" (?:patient|sleeper|person|night|recording|study|subject)(?: have| has| show| meet"
                         r"| got)? (?:it|that|this|one|any)\W*$|^\W*(?:and\s+|so\s+)?(?:does|did) (?:he|she|they)"
                         r" have (?:it|that|this|one|any)\W*$|^\W*(?:and\s+|so\s+)?(?:any|are there any|were"
                         r" there any) (?:here|in this (?:night|recording))\W*$", re.I)
_TERM_ON_NIGHT = {"rem_osa": "is this REM-related OSA?",
                  "arousal_threshold": "does this patient have a low arousal threshold?"}
"""Glossary terms a night can be asked for, and the question that asks it."""
# "what happened just before the apnea?" with a list of apneas shown: "the apnea" is the one in
# focus; a ranked one ("the longest apnea") is found anew (understand.around_the_one)
_NEXT_EPOCH_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+)?(?:the\s+)?(?P<way>next|previous|prev|one before|last)"
                            r"(?: one| epoch)?(?: (?:after|before) (?:it|that))?\W*$", re.I)
"""The epoch beside one just staged ("what stage was 03:00?", then "and the next one")."""
_ANOTHER_HIT_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+)?(?:(?:show|give|find)(?: me)? )?(?:another|one more"
                             r"|a different one|the next(?: match| hit)?)(?: one| match| hit| example)?(?:,?\s*please)?\W*$", re.I)
"""The next match of a library search ("show me another")."""
_OTHER_SIDE_OF_TIE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|what about\s+|how about\s+)?(?:(?:only|just) )?(?:(?:show|give|find)"
                                   r"(?: me)? (?P<one>(?:one|an? example)) |(?:the ones?|those|ones|how many(?: were| are)?)"
                                   r" )?(?P<side>with|without)(?: (?:one|it|them|that|those|any))?\W*$", re.I)
"""The other side of the tie just asked about ("how many hypopneas had a desaturation?", then
"and without?", "show me one without")."""
# "how long was the apnea?", "what stage was the arousal in?", "how deep was the desaturation?":
# a question of "the" one kind of event, singular, which one event in focus may be
_OF_THE_ONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?P<lead>how (?:long|deep|low|big|severe|loud)|when|what time"
                            r"|(?:in )?(?:what|which) (?:stage|position)|where)\s+(?P<verb>was|did|is)\s+the\s+"
                            r"(?P<noun>(?!(?:longest|shortest|deepest|worst|biggest|largest|first|last|next|previous"
                            r"|lowest|strongest)\b)[a-z][a-z -]*?[a-z])(?<!s)(?P<rest>\s+(?:in|last|start|end|begin"
                            r"|happen|occur|go|drop|fall))?\W*$", re.I)
_AROUND_THE_KIND_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|anything)\b.*\b(?:before|after|around|during"
                                 r"|preceding|following|prior to|leading up to)\s+(?P<the>the|that|this)\s+(?P<noun>(?!"
                                 r"(?:longest|shortest|deepest|worst|biggest|largest|first|last|earliest|latest"
                                 r"|strongest|lowest|next|previous)\b)[a-z][a-z -]*?)(?: one)?\W*$", re.I)
# "how does that compare to the AHI?" after a whole-night figure: the two figures side by side
_STAT_AGAINST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:does|did|do) (?:that|it|this) compare|how (?:is|was)"
                              r" (?:that|it|this) (?:compared|relative)|what about (?:that|it)) (?:to|with|against)"
                              r" (?:the |her |his |their )?(?P<other>ahi|odi|rdi|rei|t90|sleep efficiency|efficiency"
                              r"|total sleep(?: time)?|tst|waso|arousal index)\W*$", re.I)
_STAT_DIFFERS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:is|was|does|did) (?:that|it|this) (?:differ(?:ent)?|compare)"
                              r"|what(?:'s| is) the difference) (?:from|to|with|between (?:it|that) and) (?:the |her |his "
                              r"|their )?(?P<other>o?ahi|odi|rdi|rei)\W*$", re.I)
# "how does it compare in REM vs NREM?", "is it worse on the back?": a split of what the last
# answer measured, which the pronoun stands for
_IT_SPLIT_RE = re.compile(r"^(?P<lead>\W*(?:and\s+|so\s+)?(?:how\s+)?)(?P<verb>(?:does|did|is|was)\s+)?"
                          r"(?:it|that|this)(?P<rest>\s+(?:compare[sd]?|differ|change[sd]?|vary|varies|look"
                          r"|different|higher|lower|worse|better|greater|more|less)\b.*\b(?:n?rem|non-rem|n[123]"
                          r"|supine|back|sides?|non-supine|prone|halves|half|cycles?|hours?|positions?|stages?"
                          r"|wake|awake|asleep|morning|night|first|second|last)\b.*)$", re.I)
_IT_TRACKS_RE = re.compile(r"^(?P<lead>\W*(?:and\s+|so\s+)?(?:how\s+(?:well\s+|closely\s+)?)?)(?P<verb>(?:does"
                           r"|did|do|is|was|are|were)\s+)?(?:it|that|this|they)(?P<rest>\s+(?:track(?:s|ed)?"
                           r"|correlat\w*|relate[sd]?|related|associated|go(?:es)? together)\b.*)$", re.I)
_WHICH_NIGHT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|which) (?:night|recording|file|study|patient|sleeper|dataset)"
                             r" (?:is|was|does|did) (?:it|that|this)(?: one| epoch| match)? (?:from|come from|in|belong to)"
                             r"\W*$|^\W*where (?:is|was|does|did) (?:it|that|this)(?: one| epoch| match)? (?:from|come from)\W*$",
                             re.I)
_VIEWER_MOVE_RE = re.compile(r"\b(?:go|move|jump|skip|scroll|step|forward|ahead|backwards?|rewind)\b", re.I)
_PART_KINDS = ("clock", "after", "before", "elapsed", "from_end", "fraction", "cycle", "period",
               "before_onset", "after_onset")
"""Time spans that are parts of the night a comparison can set side by side."""
# "what changed?", "how was it different?": the last two parts of the night side by side
_WHAT_CHANGED_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what (?:changed|changes|is different|was different"
                              r"|differs|differed)|what(?:'s| is) changed|how (?:did|does) (?:it|that|things) change"
                              r"|how (?:was|is) (?:it|that) different|any (?:change|difference)s?)(?: between (?:them|the two))?"
                              r"\W*$", re.I)
_THAT_SPAN_RE = re.compile(r"\b(?:in|during|for|over|within|across|inside|most of) (?:that|this|the same) (?:hour|period|stretch"
                           r"|window|span|part|time|interval|stage|episode|cluster)\b", re.I)
_BARE_SIDE_RE = re.compile(r"^\W*(?P<asked>(?:and\s+|so\s+)?(?:was there|were there|is there|are there|did (?:she|he|they)"
                           r" have|any)\b.*\b(?:after|before|during|right after|just after|just before|afterwards?))\W*$",
                           re.I)
_ONE_WITH_RE = re.compile(r"\bones?\s+(with(?:out)?|followed by|that (?:had|has|ended with|caused|led to))\b", re.I)
_OTHER_STAGER_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:for\s+)?(?:the\s+)?(model|sleeplm|zero[- ]?shot"
                              r"(?: model)?|yasa|machine)(?:'s)?(?: staging| stages| score| scoring)?\W*$", re.I)
_TERSE_WORDS = {"count": "how many were there?", "total": "how many were there?", "number": "how many were there?",
                "n": "how many were there?", "how many": "how many were there?",
                "deepest": "the deepest one", "longest": "the longest one", "shortest": "the shortest one",
                "worst": "the worst one", "biggest": "the biggest one", "first": "the first one",
                "last": "the last one", "nadir": "how low did the sat go?", "lowest sat": "how low did the sat go?",
                "lowest spo2": "how low did the sat go?"}
"""One-word follow-ups after a list, as the questions they stand for."""
_TERSE_OWN_RE = re.compile(r"^(?:(?:and|so)\s+)?(?:what|which)?\s*(?P<what>frequency|amplitude|depth)$")
_TERSE_SIDE_RE = re.compile(r"^(?:any\s+)?(?P<kind>[a-z-]+(?: [a-z-]+){0,2}?)\s+(?P<side>after|before|during)$")
# "mean depth", and spelt out after a list: "what's their average frequency?"
_TERSE_PROPERTY_RE = re.compile(r"^(?:(?:and|so)\s+)?(?:what(?:'s|’s| is| was| are| were)\s+)?(?:their\s+|the\s+)?"
                                r"(?P<stat>mean|average|avg|median|typical)\s+(?P<what>depth|length|duration"
                                r"|amplitude|frequency|size)$")
_TERSE_SHARE_RE = re.compile(r"^(?:%|percent(?:age)?|share|fraction|proportion)\s+of\s+(?:all\s+)?(?:the\s+)?(?P<what>.+)$")
_HRV_WORDS_RE = re.compile(r"\b(?:hrv|rmssd|sdnn|heart rate variab\w*)\b", re.I)
_DENSER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what)(?: one| of (?:them|the two|those|these)| part| half"
                        r"| period)? (?:was|is|had|has) (?:the )?(?:denser|more dense|(?:higher|greater|larger)"
                        r" density|densest)\W*$", re.I)
_TAKE_TO_RECOVER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:long|much time) did it take (?:it )?to (?:recover"
                                 r"|come back|return|normali[sz]e)\W*$|^\W*(?:and\s+|so\s+)?how (?:fast|quickly) did it"
                                 r" (?:recover|come back)\W*$", re.I)
_DIPPING = ("desaturation", "apnea", "obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea",
            "respiratory_event")
"""Events whose oxygen recovery afterwards a bare "how long did it take to recover?" asks about."""
_LOOK_LIKE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?what (?:does|did|do) (?:the |her |his |their )?(?P<what>effort(?: belts?)?"
                           r"|breathing|airflow|flow|belts?|chest|abdomen|respiration) look like(?: there| here| then"
                           r"| in (?:it|that|this)(?: one)?)?\W*$"
                           r"|^\W*(?:and|what about|how about)\s+(?:the\s+)?(?P<what2>effort(?: belts?)?|belts?|airflow|flow"
                           r"|chest|abdomen)\W*$", re.I)
_HOW_MANY_MINUTES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how many (?:minutes|seconds|hours|mins|secs)"
                                  r"|for how long|how long(?: exactly| precisely)?|exactly how long)\W*$", re.I)
_WHAT_ABOUT_CHANNEL_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:the\s+|an?\s+)?(?P<what>ecg|ekg|eeg|eog"
                                    r"|emg|chin emg|leg emg|spo2|oximeter|airflow|effort belts?|belts?|snore"
                                    r" (?:channel|sensor)|position (?:channel|sensor))(?: channels?| leads?)?\W*$", re.I)
_QUALITY_FOLLOW_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:why (?:is|was|are|were) (?:it|that|this|they|those) (?:so )?(?:bad"
                                r"|poor|noisy|flagged|unusable)|how much (?:of (?:the|this) (?:night|recording) )?(?:is|was)"
                                r" (?:affected|bad|lost|unusable|flagged)|which (?:part|parts|epochs?|stretch\w*)"
                                r" (?:is|are|was|were) (?:affected|bad|flagged))\W*$", re.I)
_OTHER_NIGHTS_RE = re.compile(r"^\W*(?:and\s+|now\s+)?(?:only|just)?\s*(?:(?:the\s+)?ones?\s+|matches\s+)?(?:from|in)"
                              r" (?:other|another|different) (?:nights?|recordings?|files?|studies|patients?)\W*$"
                              r"|\bin other (?:nights|recordings)\b", re.I)
_WHY_THAT_LOW_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:why (?:is|was) (?:it|that|this) (?:so |that |this )?(?:low"
                              r"|poor|bad|high|short|long|late|early|delayed)|what (?:made|makes|kept|keeps) (?:it|that|this) (?:so )?(?:low"
                              r"|poor|high|short)|what (?:lowered|caused|explains|drove|drives) (?:it|that|this))\W*$", re.I)
_ITS_LENGTH_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s|’s| is| was) )?its (?:duration|length)\W*$", re.I)
_HOW_LONG_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how long (?:is|was) (?:it|that|this)(?: one)?\W*$", re.I)
# "how long was that wake period?", "how long did it last?", "how long was she awake then?"
# after one epoch's stage: the words after "how long was", read by Dialogue.stage_stretch
_STRETCH_LENGTH_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?how long (?:was|were|is|did|had) (?P<rest>.+?)\W*$", re.I)
STRETCH_QUESTION = "how long is this stage?"
"""The question a stage stretch's length is asked as, once its epoch is in view."""
_STRETCH_STAGES: dict[str, tuple[str, ...]] = {
    "wake": ("W",), "awake": ("W",), "w": ("W",), "rem": ("REM",), "n1": ("N1",), "n2": ("N2",),
    "n3": ("N3",), "deep": ("N3",), "light": ("N1", "N2"), "asleep": ("N1", "N2", "N3", "REM")}
"""Stages a word of such a question names ("that wake period": W)."""
_STRETCH_WORDS = set(_STRETCH_STAGES) | {
    "it", "that", "this", "then", "there", "she", "he", "they", "the", "patient", "in", "stage", "sleep",
    "period", "stretch", "bout", "episode", "phase", "run", "last", "lasted", "go", "on", "for", "been",
    "one", "state"}
"""Every word such a question may hold; any other makes it another question."""
_IT_LASTS_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:how long (?:does|will|did|do) (?:it|that|this)(?: one)?"
                          r" (?:last|go on|continue|take)|when (?:does|did|will) (?:it|that|this)(?: one)? (?:end|stop"
                          r"|finish))\W*$", re.I)
# "which one has more slow waves?" after two stages were set side by side
_WHICH_HAS_MORE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which(?: one| stage| of them| of the two)? (?:has|had|have|shows?"
                                r"|showed) (?:the )?more (?P<what>[a-z][\w -]*?)\W*$", re.I)
# "did they cause arousals?" after leg movements: how many of them were tied to that kind
_DID_THEY_CAUSE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|do|were|are) (?:they|these|those|any of them|some of them"
                                r"|most of them)(?: ever)? (?:cause|lead to|trigger|provoke|bring on|end (?:in|with)"
                                r"|come with|followed by|tied to|linked to|associated with) (?:an? |any |the )?"
                                r"(?P<kind>[a-z][\w -]*?)\W*$", re.I)
# "what caused most of them?", "why did they happen?": the causes of the events just listed
_WHAT_CAUSED_THEM_RE = re.compile(
    r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:(?:what|which events?) (?:caused|causes|triggers|triggered|provoked|led to"
    r"|explains?|was behind|were behind|is (?:causing|triggering|behind)|are (?:causing|triggering|behind)|sets? off"
    r"|produces)(?: (?:most|all|each|many|some) of)? (?:them|those|these|it|that)(?: usually| in general)?"
    r"|what(?:'s|’s) (?:causing|triggering|behind) (?:them|those|these|it|that)"
    r"|what (?:were|are) (?:the|their) (?:causes|triggers|reasons)|why (?:did|do) (?:they|those|these) (?:happen|occur)"
    r"|where do (?:they|those|these) come from"
    r"|what (?:were|are) (?:they|those|these) (?:caused by|due to|from))\W*$", re.I)
_WHAT_CAUSED_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what (?:caused|triggered|provoked|led to|brought on"
                                r"|set off|was behind) (?:it|that|this)(?: one)?|why did (?:it|that|this)(?: one)? happen"
                                r"|what was (?:it|that|this)(?: one)? (?:caused by|due to))\W*$", re.I)
_REAL_OR_ARTEFACT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|it|this)(?: one)? (?:an? )?(?:real|true"
                                  r"|genuine|actual|proper)\b.*$|^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|could) (?:that|it|this)"
                                  r"(?: one)? (?:be )?(?:an? )?(?:artefact|artifact|noise|false (?:positive|alarm)|mistake)\W*$",
                                  re.I)
_BIG_ENOUGH_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|it|this)(?: one)? (?:big|large|tall|high"
                            r"|deep) enough\b.*$|^\W*(?:does|did) (?:that|it|this)(?: one)? (?:count|qualify)\b.*$", re.I)
"""Whether the wave in focus is large enough to be scored ("is that big enough to count?")."""
_HOW_MUCH_ALONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:much|long)(?: (?:of it|in total|altogether|overall|time|for))?"
                                r"(?: (?:was it|did (?:she|he|they|it)))?\W*$", re.I)
"""How much of what the last answer found, asked alone ("how much?" after "did she snore?")."""
_EXPLAIN_THAT_RE = re.compile(r"^\W*(?:can you |could you |please |now )?(?:explain|describe|say|put) (?:that|it|this)"
                              r"(?: again)?\b.*$|^\W*(?:explain it |say it |put it )?(?:more )?(?:simpl(?:er|y)|plain(?:er|ly))"
                              r"(?: (?:terms|words|english))?(?: please)?\W*$", re.I)
"""The last answer asked again for an audience ("explain that to a first-year student", "simpler")."""
_ALL_OF_THEM_RE = re.compile(r"\b(?:average|mean|typical|overall|all(?: the)?|every|each)\b", re.I)
"""A follow-up that asks about every event, not the one the last question ranked first."""
_DID_IT_HAVE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|does|was|were) (?:it|that|this)(?: one| event)? (?:have|had|come with"
                             r"|cause|lead to|end (?:in|with)|get|followed by|tied to|associated with|linked to)"
                             r" (?:an? |any |some )?(?P<kind>[\w -]+?)\W*$", re.I)
"""Whether the one event in focus was followed by another ("did it have a desaturation?")."""
_MACHINE_FOUND_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how many|what) (?:did|does) (?:yasa|the machine|the detector|the algorithm)"
                               r" (?:find|get|score|detect|count|say)\W*$", re.I)
"""The machine's count beside the one just given ("how many did YASA find?")."""
_HOW_DEEP_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:deep|low)(?: did it (?:go|drop|fall))?\W*$", re.I)
_HR_RESPONSE_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about (?:the\s+)?)?(?:hr|heart[- ]?rate|pulse)(?: (?:response|reaction|change)"
                             r"(?: after(?: it)?)?| after(?: it)?)\W*$", re.I)
"""Terse questions about the one event shown ("how deep", "HR response?")."""
_CLOCK = r"\d{1,2}(?:[:.]\d\d)?(?:\s*[ap]\.?m\.?)?"
_OTHER_TIME_RE = re.compile(rf"^\W*(?:and|what about|how about|now|then)\s+(?:at\s+|from\s+|between\s+)?(?P<a>{_CLOCK})"
                            rf"(?:\s*(?:to|and|-|–|until|till)\s*(?P<b>{_CLOCK}))?(?:\s*o'?clock)?\W*$", re.I)
"""A follow-up naming only another clock time or span ("and at 2?", "and 3 to 4?")."""
_OTHER_NUMBER_RE = re.compile(r"^\W*(?:and|what about|how about|now)\s+(?:with|at|for|of|below|under|above|over)?\s*"
                              r"(?:a\s+|an\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|s|sec|min|bpm|µv|uv)?\W*$", re.I)
"""A follow-up naming only another number ("and with 4%?", "what about 88?")."""
_HOW_SURE_OF_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:how (?:sure|certain|confident)(?: are you| is (?:that|it))?"
                                r"(?: (?:about|of) (?:that|it|this|that one|this one))?|are you sure(?: about (?:that|it))?)\W*$",
                                re.I)
"""How sure the scoring of the one event in focus is ("show me a hypopnea", then "how sure?")."""
# "does this epoch meet them?" after a stage's rules
_MEET_THEM_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:does|would|did|do) (?:this|the current|that|it)(?: one| epoch)?"
                           r" (?:meet|satisfy|fulfil+|pass|fit|match) (?:them|those|these|it|the (?:rules|criteria))\W*$", re.I)
# "did it spike after apneas?", "does it drop during the hypopneas?": the signal just measured,
# around those events
_IT_AROUND_EVENTS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:how|what) )?(?:did|does|do|was|is)\s+(?:it|that)"
                                  r"\s+(?:spike|rise|go up|jump|increase|surge|drop|fall|go down|dip|change|do"
                                  r"|react|respond|climb)\w*\s+(?:at all\s+)?(?P<when>after|during|with|around)"
                                  r"\s+(?:the\s+|each\s+|every\s+)?(?P<events>[a-z -]+?)\W*$", re.I)
# "how much did she get?" after a stage was explained: that stage on this night
_HOW_MUCH_GOT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how much (?:of it |of that )?(?:did|does|do) (?:she|he|they"
                              r"|the patient|this patient|this sleeper) (?:get|have|spend)(?: tonight)?\W*$", re.I)
# "how much did it drop?": the signal just measured, from the start of sleep to its extreme
_HOW_MUCH_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:by )?how much did (?:it|that|they) (?P<way>drop|fall|decline|decrease"
                             r"|rise|increase|climb)(?: over(?:night)?| overnight| during sleep| over the night)?\W*$", re.I)
# "how low did it get?", "how high did it go?": the extreme of the signal just measured
_HOW_FAR_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?P<way>low|high) did (?:it|that|they) (?:get|go|drop|fall|reach"
                            r"|climb|rise)\W*$", re.I)
# "how many didn't?", "and the rest?" after events tied to another kind: those not tied
_NOT_THEM_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:how many (?:of them |of those )?(?:did ?n[o']?t|did not"
                          r"|were ?n[o']?t|were not|had none|had no\w*)(?: have (?:one|any))?|(?:and )?the (?:rest|others)"
                          r"|what about the (?:rest|others))\W*$", re.I)
# "anything else?", "tell me more", "more detail": the next layer of the last answer
_TELL_MORE_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:anything else|what else|tell me more|more detail(?:s)?"
                           r"|(?:can you |could you )?(?:go on|elaborate|expand on (?:that|it))|(?:give me |show me )?more"
                           r"(?: (?:info(?:rmation)?|details?))?)(?:,?\s*please)?\W*$", re.I)
# "what was hers?", "and his?", "what about this patient?": the night's own value
_WHEN_HAD_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:when|what times?|at what times?) (?:did|does|do) (?:he|she|they|the patient"
                             r"|the child|the sleeper|we|i) (?:have|get|reach|enter|go into) (?:it|that|any)\W*$"
                             r"|^\W*(?:and\s+|so\s+)?when (?:was|were) (?:it|that|there any)\W*$", re.I)
_HERS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was| were) |what about |how about )?(?:hers|his"
                      r"|theirs|this patient(?:'s)?|the patient's|this night(?:'s)?)(?: then)?\W*$", re.I)
_STAT_NAMES = {"ahi": "AHI", "odi": "ODI", "rdi": "RDI", "se": "sleep efficiency", "tst": "total sleep time",
               "waso": "WASO"}
"""Whole-night statistics by the names a question gives them."""
_THEM_APART_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|how|what's)\s+(?:distinguishes|separates|sets apart|tells"
                            r" apart|is the difference between|are the differences between|the difference between)"
                            r"\s+(?:them|these|those"
                            r"|the two)(?: apart)?\W*$|^\W*(?:and\s+|so\s+)?how (?:do|can|would) (?:i|you|we|one|a"
                            r" scorer) tell (?:them|these|those|the two) apart\W*$|^\W*(?:and\s+|so\s+)?(?:what(?:'s| is)"
                            r" the difference|what are the differences|what(?:'s| is| was) different|how do they"
                            r" differ|how (?:are|were) (?:they|these|those|the two) different)\W*$", re.I)
_DIFFERENCE_IN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was| are| were) the differences? in|how (?:do|did"
                               r"|does) (?:they|the two|these|those) differ in|(?:and\s+)?compare) (?:the |their )?"
                               r"(?P<what>(?:breathing )?effort|belts?|airflow|heart ?rate|pulse|oxygen|spo2"
                               r"|saturation|sats)\W*$", re.I)
_MATCH_STAGES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:what|which) stages? (?:are|were|is) (?:they|these|those|the"
                              r" (?:matches|hits|results))(?: in)?|(?:are|were) (?:they|these|those|the (?:matches|hits"
                              r"|results)) all (?:in )?(?:stage )?(?:w|n1|n2|n3|rem|wake|nrem))\W*$", re.I)
_WHERE_FROM_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:which|what) (?:recordings?|nights?|files?|patients?|studies)"
                            r" (?:do|did|are|were) (?:they|these|those|the (?:matches|hits|results)) (?:come )?from"
                            r"|where (?:do|did|are|were) (?:they|these|those|the (?:matches|hits|results)) (?:come )?from"
                            r"|(?:are|were) (?:they|these|those|the (?:matches|hits|results)) (?:all )?from (?:this|the same"
                            r"|the loaded|my|one) (?:night|recording|file|patient))\W*$"
                            # "how many of those are from real recordings?": the matches by kind
                            r"|^\W*(?:and\s+|so\s+)?how many (?:of (?:them|those|these|the (?:matches|hits|results)) )?"
                            r"(?:are|were|come) (?:from )?(?:real|synthetic|generated)(?: (?:recordings?|nights?|data"
                            r"|patients?|sleepers?|ones?))?\W*$", re.I)
"""Which recordings a library search's matches come from ("which recordings do they come from?")."""
_NOTICE_RE = re.compile(r"^\W*(?:and\s+|so\s+|now\s+)?what (?:should|would|do|does|can|could|will|might) (?:i|we|you"
                        r"|they|students|my students|the students|the class|a student|trainees) (?:see|notice|look"
                        r" for|look at|spot|pick out)(?: in (?:it|this|that|this one|that one))?\W*$", re.I)
_ALL_OF_A_TYPE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:were|are)\s+(?:they|those|these|them)\s+all\s+(?P<kind>obstructive"
                               r"|central|mixed)(?:\s+(?:ones|apneas|events))?\W*$", re.I)
"""Whether the events just listed are all of one apnea type ("were they all obstructive?")."""
_MOST_OFF_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:which|what)(?:\s+(?:(?P<stage>stages?)|ones?|figures?|numbers?"
                          r"|values?|measures?|metrics?|parameters?|results?))?\s+(?:is|was|are|were|looks?|stands? out as)"
                          r"\s+(?:the\s+)?(?:most\s+(?:off|abnormal|out of (?:range|line)|unusual|deviant|extreme)"
                          r"|furthest|farthest|worst)\b", re.I)
"""Which row of the norms just shown lies furthest outside its range ("which stage is most off?")."""
_THAT_ONE_EVENT_RE = re.compile(r"\b(?:that|the|this)\s+(?:\w+\s+)?(?:apn\w*|hypopn\w*|event)\b(?!s)", re.I)
_THEIR_POSITION_RE = re.compile(r"\b(?:what|which) (?:body )?positions? (?:were|are) (?:they|those|these)(?: in)?\W*$"
                                r"|\b(?:where|how) (?:was|were) (?:she|he|they|the patient|the sleeper) lying (?:for|during|in)"
                                r" (?:those|them|these|they)\b|\bpositions? (?:for|during|of|in) (?:those|them|these)\b", re.I)
"""The body position during the events just listed ("where was the patient lying for those?")."""
_THE_DROP_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|how big|how much|how deep)\s+(?:was|is)\s+(?:the|its)\s+(?:spo2|sat\w*"
                          r"|oxygen|o2)\s+(?:drop|fall|dip|desat\w*)\W*$", re.I)
_CYCLE_LENGTH_RE = re.compile(r"^\W*(?:and\s+|so\s+|what(?:'s| is| was| about)\s+)?(?:the\s+)?(?:mean\s+|average\s+)?"
                              r"(?:cycle (?:length|time|duration)|periodicity|how long (?:is|was|were) (?:a |the |each )?"
                              r"cycles?)\W*$", re.I)
"""The length of a breathing cycle asked after Cheyne-Stokes breathing ("cycle length?")."""
_SERIES_FIGURE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was)\s+(?:the\s+)?(?:mean|average|median|typical)?\s*"
                               r"(?:interval|spacing|gap|period(?:icity)?)s?|how many (?:leg |limb )?(?:movements|kicks|lms|plms)"
                               r"(?: (?:were there|did it have|does it have))?)\W*$", re.I)
"""A figure of the leg-movement series shown ("what was the mean interval?")."""
_IT_RE = re.compile(r"\b(?:it|that one|this one)\b", re.I)
_WHICH_OF_TWO_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which(?:\s+(?:one|half|part|period|window|span|of them|of the two))?\s+"
                              r"(?:had|has|was|showed|shows|is)\s+(?:the\s+)?(?:worse|better|lower|higher|deeper|more|less"
                              r"|fewer|bigger|smaller)\b", re.I)
"""Which of the two spans asked in turn fares worse in a signal ("which had worse sats?")."""
_SHOW_STAGE_TOO_RE = re.compile(r"^\W*(?:(?:and|now|then|next|ok(?:ay)?),?\s+)*(?:show|give)(?: (?:me|us|them|the class"
                                r"|my students|the students))?(?: (?:an?|one|the))?(?: (?:good |clear )?example of)?"
                                r" (?:stage )?(?P<stage>wake|w|n1|n2|n3|rem|deep sleep|light sleep|slow[- ]wave sleep)"
                                r"(?: sleep)?(?: next| too| as well)?\W*$", re.I)
_WOKE_BY_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|does) (?:it|that|this(?: one)?) (?:wake|rouse|awaken)"
                            r" (?:her|him|them|the patient|the sleeper)(?: up)?\W*$", re.I)
"""Whether the one event shown woke the sleeper ("did it wake her up?")."""
_CHANNEL_SHOWS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?what (?:does|did|do) (?:the )?(?P<what>eog|eeg|chin(?: emg)?|emg|ecg)"
                               r" (?:show|say|tell (?:us|me)|look like)(?: here| there| now| in (?:it|this epoch|that epoch))?\W*$",
                               re.I)
_IN_TOTAL_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:long|much time|many minutes)(?: (?:was|were) (?:it|that|they|there))?"
                          r" (?:in total|altogether|all together|overall|combined)|(?:what(?:'s| is| was) )?(?:the )?total"
                          r" (?:time|duration|length|minutes))\W*$", re.I)
_AFTER_ONSET_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:long|many minutes|soon) after (?:sleep onset|(?:she|he|they|the"
                             r" patient) fell asleep|falling asleep|sleep (?:began|started)|the start of sleep)"
                             # "how long after she fell asleep was that?"
                             r"(?: (?:was|is|did|does) (?:that|it|this)(?: one)?(?: come| start| happen| occur)?)?\W*$", re.I)
_VS_MACHINE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:does|did|do) (?:that|it|this|they) compare (?:to|with|against)"
                            r"|what about|and|vs\.?|versus|compared (?:to|with)|what did|(?:and )?(?:according to|by))"
                            r" (?:the machine(?:'s)?|yasa(?:'s)?"
                            r"|the machine scoring|what the machine (?:found|scored)|the automatic (?:scoring|one))"
                            r"(?: one| scoring| score| find| say)?\W*$", re.I)
_BARE_LENGTH_RE = re.compile(r"^\W*(?:and\s+|only\s+|just\s+|what about\s+)?(?:(?:the\s+)?ones?\s+|those\s+)?(?:longer|more)"
                             r"\s+than\s+[\w.\s]+\W*$|^\W*(?:and\s+|only\s+)?(?:over|above|at least)\s+\d[\w.\s]*\W*$", re.I)
# ("the respiratory ones" lists them: a list's own follow-up, left to it)
_AROUSAL_CAUSE_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+)?(?:how many(?: of (?:them|those|these))?\s+)?(?!the\b|were\b)"
                               r"(?:ones?\s+)?(?:from\s+|due to\s+|caused by\s+|after\s+)?(?P<cause>respiratory"
                               r"|spontaneous|leg movements?|limb movements?|plms?|snoring)(?:\s+ones?)?(?:\s+arousals?)?\W*$",
                               re.I)
_BARE_PAUSES_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+|any\s+)?(?:pauses?|asystole|long pauses?|sinus pauses?)"
                             r"(?:\s+(?:then|too|either))?\W*$", re.I)
_IN_THAT_SPAN_RE = re.compile(r"\b(?:there|then|in (?:it|that|this|those)(?: (?:hour|window|span|time|period|stretch"
                              r"|part|minutes))?)\b", re.I)
# "why the difference?", "where does the discrepancy come from?", "why do they differ?"
_WHY_DIFFERENCE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s+)?(?:why|how come|what explains|what causes"
                                r"|where does|where do)\s+(?:is\s+|was\s+|are\s+)?(?:there\s+)?(?:such\s+)?(?:a\s+|the\s+"
                                r"|that\s+|this\s+)?(?:(?:big|large|huge)\s+)?(?:difference|discrepancy|gap|mismatch"
                                r"|disagreement|they differ|they disagree)(?:\s+come from)?(?:\s+between them)?\W*$", re.I)
_ACCORDING_TO_RE = re.compile(r"\baccording to (?:the model|sleeplm|yasa|the machine)\b", re.I)
_BY_MODEL_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+|how about\s+)?(?:(?:according to|by|from|with)\s+)?"
                          r"(?:what (?:does|do) )?(?:the model|sleeplm|the ai)(?:'s)?(?: staging| stages| one| says?| think)?\W*$",
                          re.I)
_WOKE_BY_THEM_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|do|does) (?:they|these|those|them|any of them) (?:wake"
                              r"|rouse|awaken|disturb|arouse)(?: (?:her|him|them|the patient|the sleeper))?(?: up)?\W*$",
                              re.I)
_HOW_OFTEN_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:many times|often) (?:did|does|has) (?:that|this|it)"
                                r" happen(?:ed)?(?: (?:in total|overall|that night|tonight|in the night))?|how often"
                                r"(?: (?:was|is) (?:that|this|it))?|how many times)\W*$", re.I)
"""How often what was just asked of one event happened over the list ("how many times did
that happen?")."""
_OTHER_SIDE_RE = re.compile(r"^\W*(?:and|what about|how about|and what about)\s+(after|before)(?:wards?| it| that)?\W*$",
                            re.I)
"""The other side of the moment just described ("and after?" after "what happened before it?")."""
_TO_THE_LIST_RE = re.compile(r"\b(?:the|that|my) (?:list|results|events)\b", re.I)
"""A return to the last list, not to the last view ("go back to the list")."""
_WHAT_POSITION_RE = re.compile(r"^\W*(?:and\s+)?(?:what|which) (?:body |sleeping )?position (?:was|were) (?:she|he|they"
                               r"|the patient|the sleeper)(?: lying| sleeping)?(?: in)?(?: then| at the time| at that"
                               r" point)?\W*$", re.I)
"""The body position during the one event shown ("what position was she in?")."""
_IN_POSITION_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:was|were) (?:she|he|they|the patient|the sleeper)(?: lying"
                             r"| sleeping)? (?P<where>on (?:her|his|their|the) (?:back|(?:left |right )?side|stomach"
                             r"|belly|front)|supine|prone)(?: then| at the time| at that point)?\W*$", re.I)
"""Whether the one event shown happened in a body position ("was she on her back?")."""
_OF_A_CAUSE_RE = re.compile(r"^\W*(?:and\s+|now\s+|so\s+)?(?:show me|find|list|give me|what about|and)?\s*(?:a|an|one"
                            r"|the|some)?\s*(spontaneous|respiratory|breathing|limb[- ]movement|leg[- ]movement)"
                            r"(?: (ones?))?\W*$", re.I)
"""After the arousals, those of one cause ("show me a spontaneous one")."""
_RECOVERY_FOLLOW_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how long (?:does|did) (?:it|that|this) (?:take|last)"
                                 r"(?: on average| typically| usually)?|(?:what(?:'s| is| was)|show me|and) the (?:average"
                                 r"|mean|slowest|longest|worst)(?: one| recovery| time)?|on average|(?:and )?(?:the )?"
                                 r"(?:slowest|longest|worst) one|(?:is|was) (?:that|it|this) (?:normal|usual|typical|ok(?:ay)?"
                                 r"|too (?:long|slow))|(?:is|was) (?:that|it|this) (?:a )?(?:normal|usual|typical) (?:delay"
                                 r"|lag|time))\W*$", re.I)
"""After the SpO2 recoveries, their mean or their slowest ("how long does it take on average?"),
or whether the lag is usual ("is that normal?")."""
_HOW_MANY_OF_CAUSE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?P<ask>how many|what (?:percent\w*|share|fraction|proportion))"
                                   r" (?:of (?:them|those|these) )?(?:were|came|was|are) (?:(?:from|due to|caused by|after"
                                   r"|with|tied to|linked to|triggered by|associated with) (?:an? |the )?(?P<cause>"
                                   r"(?:leg|limb) movements?|leg kicks?|plms?|apneas?|hypopneas?|breathing(?: events?)?"
                                   r"|respiratory events?)|(?P<kind>respiratory|spontaneous|limb movement|leg movement)"
                                   r"(?: ones| arousals)?)\W*$", re.I)
"""After the arousals, how many had one cause ("how many were from leg movements?", "what
fraction were respiratory?")."""
_HOW_SURE_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:sure|confident|certain)(?: (?:is|are|was) (?:that|it|this|you"
                               r"|the staging|yasa)(?: about (?:it|that|this|that one|this one))?(?: one)?)?\W*$", re.I)
_BARE_POSITION_RE = re.compile(r"^\W*(?:and |so )?(?:what |which |the |her |his )?(?:body |sleeping )?position(?: then| there| was"
                               r" (?:she|he|they|the patient) in)?\W*$", re.I)


def _shortfall_of(shown: Query | None, text: str) -> Query | None:
    """The stage shortfall a "why?" asks after the REM latency or a stage's amount was given
    (alone or judged against the norms), else None."""
    if shown is None:
        return None
    if "REM" in shown.scope.stages and shown.stage_event == "latency" or (
            shown.intent == Intent.NORMAL and shown.target == "REM latency"):
        return Query(Intent.STAGE_AMOUNT, text, scope=Scope(("REM",), REM_LATENCY_SPAN), measure="latency",
                     by_rule=True)
    stage = next((s for s, row in ROW_OF_STAGE.items() if shown.intent == Intent.NORMAL and shown.target == row),
                 shown.scope.stages[0] if shown.intent == Intent.STAGE_AMOUNT and len(shown.scope.stages) == 1
                 else None)
    if stage in ("N3", "REM"):
        return Query(Intent.STAGE_AMOUNT, text, scope=Scope((stage,), shown.scope.time), measure="shortfall",
                     by_rule=True)
    return None


_WHY_NOT_RE = re.compile(r"\b(?:why|how come) not\b", re.I)
_DELAY_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:long|big|much) is (?:the|that|this) (?:delay|lag)|how long (?:is it|does"
                       r" it take|until it bottoms out)|how (?:long|much) later|what(?:'s| is) the (?:delay|lag))"
                       r"(?: here| there| on this night| in this night| in this case)?\W*$", re.I)
"""The oxygen's lag behind the breathing ("how long is the delay?")."""
_FROM_OTHER_NIGHTS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|how many|what share|what fraction)(?: of)?"
                                  r" (?:them|these|those|the (?:matches|hits|results|epochs))(?: \w+)? (?:are|were|come"
                                  r"|came) (?:from|in|of) (?:an?\s+)?(?:other|another|different) (?:nights?|recordings?"
                                  r"|patients?|people|sleepers?)\W*$", re.I)
"""After a library search, its matches from other recordings ("which of them are from other nights?")."""
_ESTIMATE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:why|how) (?:is|was|are) (?:it|that|this|these|those|the"
                          r" (?:rei|ahi|odi|number|index|figure|stages|hypnogram))(?: (?:only|just|merely))? (?:an?"
                          r" )?(?:estimates?|guess(?:es)?|approximat\w*|rough|uncertain|a guess)\W*$", re.I)
"""Why a figure just given is a guess ("why is it an estimate?" after a home test's REI)."""
_APNEA_TYPE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:(?:csa|osa|obstructive|central|mixed)(?: one| apn\w*)? (?:or"
                            r"|vs\.?|versus) (?:an? )?(?:csa|osa|obstructive|central|mixed)(?: one| apn\w*)?"
                            r"|(?:was|is) (?:it|that|this)(?: one)?"
                            r"(?: (?:really|actually|definitely|truly|not|certainly))? (?:an? )?"
                            r"(?:obstructive|central|mixed)(?: (?:one|apn\w*|event))?(?: or (?:an? )?(?:obstructive"
                            r"|central|mixed)(?: (?:one|apn\w*|event))?)?"
                            # "how sure are you that it's central?", "could it be a central one?"
                            r"|(?:how (?:sure|certain|confident) (?:are you|is the (?:scor\w*|machine))|are you (?:sure"
                            r"|certain|confident)) (?:that )?(?:it|that|this)(?: one)?(?:'s| is| was) (?:really )?(?:an? )?"
                            r"(?:obstructive|central|mixed)(?: (?:one|apn\w*|event))?"
                            r"|(?:could|might|can) (?:it|that|this)(?: one)? (?:be|have been) (?:an? )?(?:obstructive"
                            r"|central|mixed)(?: (?:one|apn\w*|event))?(?: instead| after all)?"
                            r"|what (?:type|kind|sort) (?:of (?:apn\w*"
                            r"|event) )?(?:was|is) (?:it|that|this)(?: one)?|(?:why|how) (?:is|was) (?:it|that|this)"
                            r"(?: one)? (?:obstructive|central|mixed)|how (?:can|do|did|could|would) (?:you|we|i|one"
                            r"|they|the scorer|the machine) (?:tell|know)(?: (?:it|that)(?:'s| is| was) (?:an? )?"
                            r"(?:obstructive|central|mixed)(?: (?:one|apn\w*))?)?)(?: too| as well| also)?\W*$", re.I)
"""A question about the type of the one apnea shown ("was it obstructive?", "how can you tell?")."""
_HOW_LOUD_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how loud (?:was|is) (?:it|that|that one|this one)\W*$", re.I)
"""The snoring during the one event shown ("how loud was it?")."""
_RESPONSE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what happened to|what did|how did|what was)\s+(?:her|his|their|the"
                          r"|the patient's)\s+(?P<signal>heart ?rate|pulse|oxygen|spo2|saturation|sats|breathing"
                          r"|belts?|airflow|eeg)(?:\s+(?:do|respond|react|change|doing|like))?(?: then| there| during it| after"
                          r" it)?\W*$", re.I)
"""How a signal behaved at the one event just described ("what happened to her heart rate?")."""
_THEN_RE = re.compile(r"\bthen\W*$|\b(?:during|in|over) (?:those|these|them|that time|those periods|those times)\b",
                      re.I)
"""A figure asked of the time just listed ("what was the AHI then?")."""
_IT_BY_POSITION_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was) (?:it|that|this|they) (?P<way>worse|louder|higher"
                                r"|lower|faster|slower|better) (?P<where>(?:on|lying on) (?:her|his|their|the) (?:back"
                                r"|side|stomach|left|right)|supine|when supine|lying supine)\W*$", re.I)
"""A signal just measured asked of a position ("was it worse on her back?" after the snoring)."""
_ARE_THEY_REAL_RE = re.compile(r"\b(?:are|were) (?:they|these|those|all of them|the awakenings) (?:all )?(?:real|true|genuine"
                               r"|right|correct)\b|\bseems? (?:like )?(?:a lot|too many|many|high)\b", re.I)
"""Doubt about the awakenings just counted ("are they real?")."""
_PARTNER_NAMED_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?P<how>after|with|following)\s+(?:an?\s+|the\s+)?"
                               r"(?P<kind>[a-z -]+?)s?\W*$", re.I)
"""A follow-up naming another event kind a desaturation follows ("and after a hypopnea?")."""
_OTHER_PARTNER_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:after|with|following|before|preceded by"
                               r"|tied to|an?)\b", re.I)
"""A follow-up naming another partner kind for tied events ("and after a hypopnea?")."""
_TOO_RE = re.compile(r"\b(?:too|as well|also|both)\b", re.I)
"""A follow-up that adds a tie to the one already asked ("and an arousal too?")."""
_WHY_APNEA_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:why (?:is|was)|what makes|how (?:do|did|can) (?:you|we"
                           r"|i) (?:know|tell)) (?:that|it|this)(?: one)?(?:'s| is| was)? (?:scored as |counted as"
                           r" |called )?an? (?:\w+ )?(?:apn\w*|hypopn\w*)\W*$", re.I)
"""Why the one breathing event shown is one ("why is that an apnea?"): what the belts did."""
_IT_DIFFERS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:is|are|does|do) (it|this|that|they|these|those)"
                            r" differ(?:ent)? from (.+?)\W*$", re.I)
_THEM = r"(?:they|these|those|them|the (?P<kind>central|obstructive|mixed) ones)"
_THEY_CLUSTER_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?(?:(?:where|when) (?:do|did|are|were)|are|were) {_THEM}"
                              r"(?: events)? (?:cluster(?:ed)?|bunch(?:ed)? up|concentrated)\W*$", re.I)
_THEIR_STAGES_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?(?:in )?(?:which|what) (?:sleep )?stages? (?:were|was|are|did)"
                              rf" {_THEM}(?: mostly| mainly| usually| generally)?(?: (?:in|occur|happen|fall)(?: in)?)?"
                              r"\W*$", re.I)
_HOW_MANY_IN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how many(?: (?:were there|are there))?(?: (?:per|an?) (?P<per>minute"
                             r"|hour)(?: of sleep)?)? (?:in|during)\b", re.I)
"""A count narrowed to a scope, with no event named ("how many per minute in N2?")."""
_ITS_RE = re.compile(r"\b(?:its|it's) (?:signals?|traces?|eeg|channels?|data|waveforms?|plots?)\b", re.I)
"""The signals of the item in focus ("show me its signals")."""
_THERE_END_RE = re.compile(r"\b(?:(?:is|was|are|were) there|in it|in there|here)\W*$", re.I)
"""A measure asked of what was just shown ("how much delta is there?")."""
_BARE_PRESENCE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:was|were|is|are) there (?:an?|any|some)|any)(?: \w+){1,3}\W*$",
                               re.I)
"""A yes-or-no question on one kind of event with no scope ("was there an apnea?")."""
_NREM_OR_REM = r"(?:in |during )?(?:n-?rem|non-?rem|rem)(?: sleep)?"
_THEY_REM_OR_NREM_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?(?:(?:are|were|did|do) (?:they|these|those|most of them)"
                                  rf"\s+)?(?:mostly |mainly |more )?(?:(?:happen|occur|fall)\w*\s+)?{_NREM_OR_REM}"
                                  rf" or {_NREM_OR_REM}\W*$", re.I)
"""Whether the events just listed fell in REM or NREM ("are they in NREM or REM?")."""
_THEY_DENSEST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:where|when) (?:are|were|is|was) (?:they|these|those|them)"
                              r" (?:densest|most dense|most frequent|most common|most concentrated)\W*$"
                              # "where in the night do they happen most?", "when were most of them?"
                              r"|^\W*(?:and\s+|so\s+)?(?:when|where)(?: (?:in|during|of) the night)? (?:do|did|are|were)"
                              r" (?:they|those|these|them) (?:(?:happen|occur|appear|show up|cluster|come)(?: up)?"
                              r" (?:the )?most(?: often)?|most (?:common|frequent|often seen|numerous))\W*$"
                              r"|^\W*(?:and\s+|so\s+)?(?:when|where)(?: (?:in|during|of) the night)? (?:were|did|do|are)"
                              r" most of (?:them|those|these)(?: (?:happen|occur|fall|come))?\W*$", re.I)
_THEY_MOSTLY_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:(?P<most>(?:were|are|did) (?:most|the majority|the bulk"
                             r"|more than half) of (?:them|these|those))|(?P<mostly>(?:were|are|did|do) (?:they|these"
                             r"|those)(?: happen| occur| fall)? (?:mostly|mainly|largely|primarily|predominantly))"
                             r"|(?P<share>what (?:share|percentage|percent|proportion|fraction|part) of (?:them|these"
                             r"|those)(?: were| are| happened| occurred| fell)?))\s+(?:(?:happen|occur|fall)\s+)?"
                             r"(?P<rest>\w.*?)\W*$", re.I)
"""Whether the events just listed were mostly somewhere ("were most of them in the second
half?", "what share of them were in REM?")."""
_HOW_MANY_PERIODIC_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how many(?: of (?:them|those|these))? (?:were|are)"
                                   r"|(?:are|were) (?:they|those|these|any of (?:them|those))(?: at all)?)"
                                   r" (?:in )?periodic(?: series| ones)?\W*$", re.I)
_THEY_COMPARED_RE = re.compile(r"^(\W*(?:and\s+|so\s+)?(?:were|are|did|do) )(?:they|these|those)((?: get| become"
                               r"| grow)? (?:\w+er|more \w+|less \w+)\b(?<!\bbetter)(?<!\bworse).*)$", re.I)
"""A comparison of the events just listed ("were they faster in the second half?"); "were they
worse in REM?" is a split of them (``understand``'s own)."""
_IN_EACH_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:what|how) about |and |how many )?(?:the )?(?P<what>[a-z][a-z -]+?)"
                         r" (?:in|during) (?:each|both|each one|each of them|the two|them)(?: of them)?\W*$", re.I)
_PACE_ONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:show|give|find)(?: me)? |(?:which|what) (?:is|was) )?(?:the )?"
                          r"(?P<pace>slowest|fastest)(?: one| of them| of those)?\W*$", re.I)
_MORE_COMMON_WHEN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:are|were|do|did) (?:they|these|those|them)\s+(?:more (?:common"
                                  r"|frequent|numerous)|commoner|(?:happen|occur|appear|come) more(?: often)?)\s+(?:early"
                                  r"|earlier|late|later|at the (?:start|beginning|end)|(?:in|during) the (?:first|second|last)"
                                  r" half|(?:in|towards?) the morning|in the evening)(?: (?:in|of) the night)?\W*$", re.I)
_HOW_THEY_COMPARE_RE = re.compile(r"^(\W*(?:and\s+|so\s+)?(?:how (?:do|did|does) |(?:can you |could you |now )?compare ))"
                                  r"(?:they|these|those|them)( (?:compare )?(?:between|across|in|from)\b.*)$", re.I)
_THOSE_WAVES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is)? (?:the )?(?P<freq>frequency|freq)(?: (?:are|is|of))?"
                             r"|how (?:big|large|tall|high) (?:are|were|is|was)) (?:those|these|the|they|them)(?: (?:slow |big "
                             r"|large )?waves)?\W*$", re.I)
_WHY_SO_SLOW_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why (?:is|are|does|do) (?:it|this|that|they|these|those"
                             r"|the eeg|the brain|the waves|these waves)(?: look)? so (?:slow|big|large)\W*$", re.I)
_ON_CHANNEL_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what (?:should|would|do|does|can|could) (?:they|the class|the"
                            r" students|students|we|i|you|one|a student) (?:look for|see|notice|look at|expect) )?(?:on|in)"
                            r" the (?P<channel>belts?|airflow|flow|oxygen|spo2|saturation|pulse|heart rate)\W*$", re.I)
"""A question about one channel of the event just shown ("and on the oxygen?")."""
_COMPARE_THEM_RE = re.compile(r"^\W*(?:and\s+|so\s+|now\s+|ok(?:ay)?,?\s+)?(?:(?:can you |could you |please )?compare"
                              r" (?:them|the two|those|these|both)(?: (?:two|for me))?|how do (?:they|the two|these|those)"
                              r" compare)\W*$", re.I)
"""A comparison of the last two answers' scopes ("compare them" after the heart in REM, then N3)."""
_HOW_LONG_IT_TOOK_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how long did (?:it|that) take(?: (?:her|him|them))?\W*$",
                                  re.I)
_HOW_VARIABLE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:variable|stable|steady|consistent) (?:was|is|were)"
                              r" (?:it|that|they)\W*$|^\W*(?:and\s+|so\s+)?how much did (?:it|that) (?:vary|change"
                              r"|fluctuate)\W*$", re.I)
_SIGNAL_NAMED_RE = re.compile(r"\b(?:heart rate|pulse rate|spo2|oxygen saturation|breathing rate|respiratory rate"
                              r"|body temperature|temperature)\b", re.I)
_SYSTEM_WORDS = {"heart": "the heart", "respiratory": "breathing", "brain": "the EEG"}
"""Body systems as a comparison names them."""
_APNEA_FAMILY = ("apnea", "respiratory_event", "obstructive_event", *_SUBTYPE_FAMILY)
"""Phenomena after which "the central ones" are central apneas."""
_SPLITS = (Intent.BREAKDOWN, Intent.COMPARE)
_SYSTEM_OF_SIGNAL = {"hr": "heart", "resp": "respiratory", "spo2": "respiratory"}
_UNNORMED_SIGNALS = ("temp", "snore")
"""Signals no norm is held for: "is that normal?" after one says so."""
"""The body system whose limits "is that normal?" reads after a signal was measured."""
_TESTED_SPLITS = ("stage", "position", "hour")
"""Splits of an index whose two sides "is that significant?" tests (:mod:`app.chat.breakdown`)."""
_SIGNAL_WORDS = {"spo2": "spo2", "hr": "heart rate", "resp": "breathing", "snore": "snoring",
                 "temp": "temperature"}


_HOW_MANY_IN_POSITION_RE = re.compile(
    r"^\W*(?:and\s+)?how many(?: of them| of those| of these)?\s+(?:were|was|happened|occurred|came)\s+"
    r"(?:while\s+|when\s+)?(?P<pos>supine|prone|upright|(?:lying\s+)?on (?:her|his|their|the) (?:back|front|stomach"
    r"|(?:left |right )?side)|on the (?:left|right)(?: side)?)\W*$", re.I)


def _of_the_list(text: str, listed: str, key: str | None) -> str | None:
    """A follow-up about the events just listed (``listed``, their plural noun; ``key``, their
    phenomenon) as the question it asks, None when it is not one."""
    if (m := _THEY_CLUSTER_RE.search(text) or _THEIR_STAGES_RE.search(text)) is not None:
        # "where do they cluster?", "which stages were they in?": those events' busiest
        # stretch, or their split by stage; "the central ones" after the apneas are the
        # central apneas
        if m.group("kind") and key in _APNEA_FAMILY:
            listed = f"{m.group('kind').lower()} apneas"
        return (f"where do the {listed} cluster?" if m.re is _THEY_CLUSTER_RE
                else f"which stages were the {listed} in?")
    if _THEY_REM_OR_NREM_RE.search(text):
        return f"{listed} in REM vs NREM"   # "are they in NREM or REM?": the two rates, side by side
    if _MORE_COMMON_WHEN_RE.search(text):
        # "are they more common early in the night?": the two halves' counts and rates
        return f"compare the {listed} in the first and second half"
    if _THEY_DENSEST_RE.search(text):
        return f"where are the {listed} densest?"   # "where are they densest?" after the spindles
    if (m := _THEY_MOSTLY_RE.search(text)) is not None:
        # "were most of them in the second half?" after the hypopneas: their share there
        return (f"what percentage of the {listed} were {m.group('rest')}?" if m.group("share")
                else f"were most of the {listed} {m.group('rest')}?")
    if (m := _HOW_MANY_IN_POSITION_RE.search(text)) is not None:
        # "how many were supine?" after the apneas: those events by body position
        return f"how many {listed} were {m.group('pos')}?"
    if key == "limb_movement" and _HOW_MANY_PERIODIC_RE.search(text):
        return "how many periodic leg movements?"
    if key == "arousal" and (m := _OF_A_CAUSE_RE.search(text)) is not None:
        # "show me a spontaneous one" after the arousals: those of that cause
        many = bool(m.group(2)) and m.group(2).lower() == "ones"
        return f"{'list the' if many else 'show me a'} {m.group(1).lower()} arousal{'s' * many}"
    if key == "arousal" and (m := _HOW_MANY_OF_CAUSE_RE.search(text)) is not None:
        # "how many were from leg movements?" after the arousals: the arousals of that cause,
        # not the leg movements
        cause = (m.group("cause") or m.group("kind")).lower()
        named = ("from leg movements" if cause[:3] in ("leg", "lim", "plm") else "spontaneous"
                 if cause == "spontaneous" else "respiratory")
        return f"{m.group('ask')} arousals were {named}?"
    if (m := _THEY_COMPARED_RE.search(text) or _HOW_THEY_COMPARE_RE.search(text)) is not None:
        # "were they faster in the second half?", "how do they compare between the halves?"
        # after the spindles: those events compared
        return f"{m.group(1)}the {listed}{m.group(2)}"
    return None


def _other_part(key: str, last: Query) -> dict[str, str | int]:
    """The slot a follow-up naming phenomenon ``key`` replaces: after a subtype's share ("what
    percentage of all apneas is that?" after the obstructive ones), "and the centrals?" asks
    that subtype's share of the same events; else the phenomenon itself."""
    named, family = phenomenon(key), phenomenon(last.phenomenon)
    if (last.share not in (None, "scope", "tie") and named is not None and family is not None
            and len(named.event_types) == 1 and set(named.event_types) < set(family.event_types)):
        return {"share": named.event_types[0]}
    return {"phenomenon": key, "skip": 0}   # "now show me a K-complex" after "another" spindle


def _moved(span: TimeSpan | None, delta: float) -> TimeSpan | None:
    """``span`` moved by ``delta`` seconds, None for a span that is not a time of the night
    (a fraction, a cycle, a stage's period) or for none."""
    if span is None or span.kind not in ("clock", "elapsed", "item", "epoch"):
        return None
    step = delta / 30.0 if span.kind == "epoch" else delta
    start = span.start + step
    end = None if span.end is None else span.end + step
    if span.kind == "clock":
        start, end = start % 86400.0, None if end is None else end % 86400.0
        words = f"at {_clock(start)}" if end is None else f"between {_clock(start)} and {_clock(end)}"
    elif span.kind == "epoch":
        start, end = float(round(start)), None if end is None else float(round(end))
        words = f"at epoch {start:.0f}" if end is None else f"in epochs {start:.0f} to {end:.0f}"
    else:
        what = span.text if re.match(r"(?:the|an?)\s", span.text, re.I) else f"the {span.text}"
        words = f"around {_amount(abs(delta))} {'after' if delta > 0 else 'before'} {what}"
    if start < 0 or (span.kind != "clock" and end is not None and end < 0):
        return None
    return TimeSpan(span.kind, start, end, words, span.within)


def _stage_epoch(query: Query) -> TimeSpan | None:
    """"the first N2 epoch", "the last REM epoch" as the other side of a comparison, else None."""
    other = query.groups[1]
    if (len(other.stages) != 1 or other.time is not None or query.rank not in ("earliest", "latest")
            or not re.search(r"\bepoch\b", query.text, re.I)):
        return None
    first = query.rank == "earliest"
    return TimeSpan("stage_epoch", 0.0 if first else -1.0, None,
                    f"the {'first' if first else 'last'} {other.stages[0]} epoch")


def _one_moment(scope: Scope) -> bool:
    """A scope that names one epoch: an epoch number or a clock time, no stage."""
    time = scope.time
    return (not scope.stages and time is not None and time.end is None
            and time.kind in ("epoch", "clock", "current"))


def _clock(seconds: float) -> str:
    """Seconds after midnight as a wall clock, "02:30" (seconds shown only when not zero)."""
    h, rest = divmod(int(round(seconds)) % 86400, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _amount(seconds: float) -> str:
    """A time shift in words: "30 min", "1 h", "45 s"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def _norm_row_named(query: Query) -> str | None:
    """The row of the age norms a follow-up names by its one stage or its statistic, else None."""
    if len(query.scope.stages) == 1 and query.scope.stages[0] in ROW_OF_STAGE:
        return ROW_OF_STAGE[query.scope.stages[0]]
    return ROW_OF_STAT.get(query.stat or "")


def _stage_word(stages: tuple[str, ...]) -> str | None:
    """One stage's name, "NREM" for N1-N3 together, None for none or another set."""
    if stages == ("N1", "N2", "N3"):
        return "NREM"
    return stages[0] if len(stages) == 1 else None


def _scope_words(scope: Scope) -> str:
    """A scope as words a question ends on (" in REM in the second half"), "" for the night."""
    return "".join([f" in {stage}" if (stage := _stage_word(scope.stages)) else "",
                    f" {scope.time.text.strip()}" if scope.time is not None else ""])


def _signal_named(query: Query) -> str | None:
    """The signal a query measured, in words ("heart rate"), from its slot or, for a feature
    split by stage, its words; None for none."""
    if query.signal in _SIGNAL_WORDS:
        return _SIGNAL_WORDS[query.signal]
    m = _SIGNAL_NAMED_RE.search(query.text)
    return m.group(0).lower() if m else None


def _counted(query: Query, last: Query) -> Query:
    """"what about on the back?", "and in REM vs NREM?", "by hour?": a split that names
    nothing to count or measure splits the last question's index, events or measure."""
    if last.stat in INDEX_STATS:
        return replace(query, stat=last.stat, measure=None)
    if last.intent == Intent.THRESHOLD and query.by in THRESHOLD_BY and (
            last.phenomenon is None or query.by == "hour"):
        # "how long below 90 %?", then "by stage?" or "when was most of it?": that time, split;
        # "did she snore?", then "what about on the back?" splits the loudness (below)
        return replace(last, text=query.text, by=query.by, scope=query.scope, rank=None)
    if last.stat == "stages" and query.by in ("hour", "position"):
        return replace(query, stat="stages")   # "a table of stages by hour", "and by position?"
    phen = phenomenon(last.phenomenon)
    if phen is not None and phen.event_types:
        # "cheyne-stokes?", then "in which position?": the central apneas its rule reads, under
        # their own name (a table of "Cheyne-Stokes events" would call every central apnea one)
        key = "central_apnea" if phen.key == "cheyne_stokes" else phen.key
        return replace(query, phenomenon=key, measure=None)
    words = last.measure or (last.signal and _SIGNAL_WORDS[last.signal]) or last.modality
    return replace(query, measure=words, signal=last.signal) if words else query


def _told_epoch(item: Item) -> bool:
    """``item`` is one epoch whose stage an answer told ("what stage at 3:00?"), not a stage's
    period or an event."""
    return item.label in STAGES and item.source == "model" and item.end - item.start == EPOCH_SEC


def _span(item: Item) -> TimeSpan:
    # "item", not "elapsed": an event's own seconds, never "the first N minutes" of the main
    # sleep period of a 22-h recording; a spindle's 0.8 s stay 0.8 s ("how long was it?"), and
    # only an event marked at one instant gets a second to be looked at in
    # a stage's period is named as one ("in that REM period"), not as the stage ("in REM")
    # one reading of a signal (the lowest heart rate) is "during an apnea" when the apnea spans it
    # one epoch whose stage was asked ("what stage at 4am?") is that epoch, and an event is in it
    # when it overlaps it ("was there an event then?": an apnea from 3 s before it too)
    epoch = _told_epoch(item)
    return TimeSpan("item", item.start, item.end if item.end > item.start else item.start + 1.0,
                    "that epoch" if epoch else f"that {item.label} period" if item.label in STAGES else item.label,
                    overlap=epoch or item.end - item.start <= MOMENT_SEC)


_PART_UNITS = r"half|third|hour|cycle|(?:rem |nrem |sleep )?period"
_PART_ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|last|final|\d{1,2}(?:st|nd|rd|th)"
_ORDINAL_PART_RE = re.compile(rf"\b(?P<ord>{_PART_ORDINALS}) (?P<unit>{_PART_UNITS})\b", re.I)
_OTHER_PART_RE = re.compile(rf"^\W*(?:and |what about |how about |now )?(?:in |during |for )?the (?P<ord>{_PART_ORDINALS}"
                            rf"|other)(?: (?P<unit>{_PART_UNITS}))?\W*$", re.I)
# "with 4% desat?", "and with a desaturation?": after a list of events, those carrying one
# (an arousal is the merge's, which keeps the list's scope)
_BARE_WITH_RE = re.compile(r"^\W*(?:and\s+|how many\s+|only\s+)?with\s+(?:an?\s+)?(?:(?P<depth>\d(?:\.\d)?)\s*%\s*)?"
                           r"desat\w*\W*$", re.I)
# "what type was it?", "what kind is this one?": one event, not a list
_IT_SINGULAR_RE = re.compile(r"\b(?:was|is)\s+(?:it|this|that)(?:\s+one)?\b", re.I)
# "is it higher in later REM periods?", "does it rise across the cycles?": after a rate
_LATER_PERIODS_RE = re.compile(r"\b(?:it|they|that|this|those|these)\b.*\b(?:later|earlier|successive|each|every"
                               r"|the last|the first)\s+(?:rem\s+|nrem\s+|sleep\s+)?(?:periods?|cycles?)\b"
                               r"|\b(?:it|they|that)\b.*\b(?:rise|rises|increase|increases|fall|falls|drop|drops)"
                               r"\s+(?:across|over|through)\s+the\s+(?:night|cycles?|rem periods?)\b", re.I)
# "is that significant?", "is it clinically significant?", "is that a problem?": a judgement of
# the figure just given
_JUDGED_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|it|this)(?: (?:clinically|medically))?"
                             r" (?:normal|significant|abnormal|high|elevated|too high|bad|a problem|ok|okay|concerning"
                             r"|worrying|relevant|meaningful)\W*$", re.I)
# "what stage did he go back into?", "what stage followed it?", "what stage came before it?"
_STAGE_BESIDE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|which) stage (?:did (?:he|she|they|the patient) (?:go back"
                              r"|return|fall back|go|drift back)(?: in)?(?: to| into)?(?: after(?: it| that))?"
                              r"|(?:followed|came after|comes after|was next after|was after)(?: it| that| this)?"
                              r"|(?P<before>(?:preceded|came before|was before)(?: it| that| this)?))\W*$", re.I)
_DURING_KIND_RE = re.compile(r"\b(?:during|in|around|with)\s+(?:the\s+)?\w+", re.I)
"""A kind of event named as a time ("during the apneas"), after a signal measured."""
_THAT_NOUN = r"(?:that|this) (?:window|span|hour|period|stretch|time|interval|minute|part)"
_THAT_STRETCH_RE = re.compile(rf"^{_THAT_NOUN}$", re.I)
"""A time span's own words when they only point back ("that window"), read as the span shown."""
_THAT_NOUN_RE = re.compile(rf"\b{_THAT_NOUN}\b", re.I)
_HOW_LONG_THE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how long (?:was|did) the \w+(?: last)?\W*$", re.I)
_HOW_MUCH_OF_NIGHT_RE = re.compile(r"^\W*(?:and\s+)?(?:how much|what (?:part|share|fraction|proportion|percent(?:age)?))"
                                  r" of the (?:night|recording|sleep|time)(?: (?:was|is) (?:that|it))?\W*$", re.I)
# "how many events was that?", "how many events is that in REM": after an index, its events
_EVENTS_OF_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?how many (?:events|of them|apneas and hypopneas"
                                r"|desats?|desaturations)\s+(?:was|were|is|are|does)\s+(?:that|this|it)(?:\s+based on"
                                r"|\s+from)?(?P<where>\s+(?:in|during|on|while)\s+.+?)?\W*$", re.I)
_STAT_EVENTS = {"ahi": "apneas and hypopneas", "rdi": "apneas, hypopneas and RERAs", "odi": "desaturations"}
"""The events each index counts, as a count question names them."""
_STAGE_NAME = r"(?:nrem|non[- ]rem|rem|n1|n2|n3|stage [123])"
"""A stage as a terse follow-up names it ("nrem?", "any in REM?")."""
# "any in REM?", "how many in N3", "and how many in supine REM": after events, those there
_COUNT_IN_STAGE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:any|how many|were there any|are there any|were any"
                                r"|how many were there|how many were|any of them|how many of them|how many of those)\s+"
                                rf"(?:in|during)\s+(?P<where>(?:(?:supine|non[- ]?supine|lateral|prone)\s+)?{_STAGE_NAME}"
                                r"(?:\s+sleep)?)\W*$", re.I)
_DEEPEST_RE = re.compile(r"^\W*(?:and\s+)?(?:(?:show\s+me|list)\s+)?(?:the\s+)?(?:(?P<n>\d)\s+)?deepest(?:\s+(?P<n2>\d))?"
                         r"(?:\s+ones?)?\W*$", re.I)
"""A bare "the deepest?" or "the deepest 3", which alone would read as deep sleep."""
# "nrem?", "and rem?", "n2": a stage alone, after an index
_BARE_STAGE_RE = re.compile(rf"^\W*(?:and\s+|(?P<vs>vs\.?\s+|versus\s+|compared (?:to|with)\s+|against\s+))?(?:in\s+)?(?P<stage>{_STAGE_NAME})\W*$", re.I)
_RATIO_RE = re.compile(r"^\W*(?:and |so |what(?:'s| is| was) )?(?:the )?ratio\W*$", re.I)
_BARE_WHY_RE = re.compile(r"^\W*(?:but |and |so )?why(?: not| so| is that| is it)?\W*$", re.I)
_VERDICT_ASKED_RE = re.compile(r"\b(?:rem[- ]related|positional)\b", re.I)
_RATIO_VERDICT = {"stage": "is it REM-related?", "position": "is it positional?"}
_FIRST_OR_LAST_RE = re.compile(r"^\W*(?:and |so |ok(?:ay)?,? |now )?(?:(?:what|how) about )?the (?:first|last|final)"
                               r"(?: one)?\W*$", re.I)


def _time_order(items: list[Item]) -> list[int] | None:
    """Indices of ``items`` by start time, None when they are listed in time order already
    or are library hits (each in its own recording's time)."""
    if any(i.source.startswith(LIBRARY_SOURCE) for i in items):
        return None
    order = sorted(range(len(items)), key=lambda k: items[k].start)
    return None if order == list(range(len(items))) else order


def _of_a_child(query: Query) -> bool:
    """The question asks of a child ("is that ok for a 10-year-old?", "in kids?")."""
    return Aspect.CHILD in query.aspects or (query.age is not None and query.age < ADULT_AGE)


def _one_clock_hour(span: TimeSpan | None) -> bool:
    """Whether ``span`` is one clock hour ("the 3am hour", "between 2 and 3 am")."""
    return span is not None and span.kind == "clock" and span.end is not None and abs(span.end - span.start - 3600.0) < 1


def _ranked(items: list[Item], rank: str) -> list[int]:
    """Indices of ``items`` by ``rank``: "longest"/"shortest" by length, "lowest"/"highest" by
    measured value, "strongest" the way :func:`_strongest` picks; the list's own order where
    its items carry no such value."""
    n = len(items)
    values = [i.value for i in items]
    if rank in ("longest", "shortest"):
        sign = -1.0 if rank == "longest" else 1.0
        return sorted(range(n), key=lambda k: sign * items[k].duration)
    if rank in ("lowest", "highest", "strongest") and all(v is not None for v in values):
        low = rank == "lowest" or (rank == "strongest" and values[_strongest(items)] == min(values))
        return sorted(range(n), key=lambda k: values[k] if low else -values[k])
    if rank == "strongest":
        first = _strongest(items)
        return [first] + [k for k in range(n) if k != first]
    return list(range(n))


def _retied(base: Query, text: str, kind: str) -> dict[str, str | None]:
    """The tie fields of a follow-up naming another partner ``kind`` for ``base``'s tied events:
    "and an arousal too?" keeps the first tie and adds ``kind`` (probe O: the first was dropped);
    otherwise ``kind`` alone, with any tie left out before ("arousal only", then "and with a 3%
    desat?": probe O counted those with and without a desaturation, 0) set aside."""
    if _TOO_RE.search(text) and not base.apart:
        return {"together": base.together, "also": kind}
    return {"together": kind, "lacking": None, "also": None}


def _strongest(items: list[Item]) -> int:
    """Index of the most extreme item of a measured list (the lowest run under "<", the
    highest over ">"), else the model's surest match, else the longest."""
    values = [i.value for i in items]
    if all(v is not None for v in values):
        # a signal's separate dips lead with "lowest SpO2" (probe O: "show me the worst one" after
        # the lowest saturations took the highest of the five dips)
        lowest = all(" < " in i.label for i in items) or items[0].label.startswith("lowest ")
        return values.index(min(values) if lowest else max(values))
    scores = [i.score for i in items]
    if all(v is not None for v in scores):
        return scores.index(max(scores))
    durations = [i.duration for i in items]
    return durations.index(max(durations))


# "the previous REM period", "the next deep sleep episode": one period on from the one in focus
_NEIGHBOUR_PERIOD_RE = re.compile(r"\b(previous|preceding|prior|earlier|next|following|later|subsequent)\s+"
                                  r"(?:(?:rem|n[123]|deep|slow[- ]wave)(?:\s+sleep)?\s+)?(?:period|episode|bout|one)\b", re.I)


def _neighbour_period(text: str, focus: TimeSpan | None) -> TimeSpan | None:
    """The period before or after ``focus`` (a period counted from the night's first) that
    ``text`` names, None when it names none or ``focus`` is no such period."""
    m = _NEIGHBOUR_PERIOD_RE.search(text)
    if m is None or focus is None or focus.kind != "period" or focus.start < 0:
        return None
    after = m.group(1).lower() in ("next", "following", "later", "subsequent")
    index = int(focus.start) + (1 if after else -1)
    if index < 0:
        raise NothingToReferTo("first_period")
    stage = period_stage(focus)
    return TimeSpan("period", float(index), None, f"the {_ordinal(index)} {stage} period")


def _ordinal(index: int, n: int = 0) -> str:
    """"second", or "last" for the last of ``n`` items, or "#12"."""
    if n > 1 and index == n - 1:
        return "last"
    return _ORDINAL_WORDS[index] if index < len(_ORDINAL_WORDS) else f"#{index + 1}"


def _transition_side(pair: str, stages: tuple[str, ...]) -> str:
    """The "FROM>TO" pair of a transition question with the side it named ("REM>" asked
    where REM went) given to ``stages``; with both sides named, the origin."""
    origin, target = transition_sides(pair)
    named = ",".join(stages)
    if target and not origin:
        return f">{named}"
    return f"{named}>{','.join(target)}"
