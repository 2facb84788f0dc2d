"""Understanding: a question becomes a :class:`~app.chat.query.Query`.

Rules come first, for what they do well: times, numbers, stage names, label
lists and unmistakable wordings. What they cannot place goes to the semantic layer
(MiniLM nearest phrasings, :mod:`app.chat.semantic`), which also names things by
synonym ("dream sleep", "racing heart"). A question whose nearest phrasing is below
the calibrated threshold is not understood, and one with no sleep word at all is
off topic; neither is read as a request for medical advice, which only diagnosis,
treatment and medication questions are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache

from app.chat import bank
from app.chat.aspects import MODEL_CAPTION, asked_trend, listed_cause, named_position
from app.chat.measures import measure_name, names_measure
from app.chat.glossary import asked_term, channel_shown, find_term, stage_rules
from app.chat.norms import BREATHING_ROW, NADIR_ROW, NORMS, ODI_ROW, ROW_OF_STAGE, ROW_OF_STAT
from app.chat.phenomena import (PHENOMENA, STAGE_HALLMARK, Phenomenon, article, counted_phenomenon, find_phenomenon,
                                 phenomenon)
from app.chat.query import (AWAKENING, INDEX_STATS, SLEEP_STATS, SPAN_FAMILIES, SPAN_OXYGEN, THRESHOLD_BY, LIST_ALL, Condition, Intent, Query,
                            Ref, Scope)
from app.chat.semantic import PhraseBank
from app.chat.judgement import judged
from app.chat.learner import standard_english
from app.chat.spelling import repair
from app.chat.timespan import NUMBER_WORDS, TimeSpan, parse_time, period_stage
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.io.recording import STAGES

I = re.IGNORECASE

_STAGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # ("non-REM" is NREM's, whatever order the patterns are tried in)
    (r"(?<!non-)(?<!non )rem(?:\s+sleep)?|rapid eye movement sleep|dream(?:ing)?(?:\s+sleep)?|paradoxical sleep",
     ("REM",)),
    # "deep" is N3 unless it measures something else ("the deepest one", "deep desaturations",
    # "how deep was the desaturation?")
    (r"n3|stage\s*(?:3|three)|(?<!how )deep(?:est)?(?!\s+(?:ones?|desat\w*|drops?|dips?"
     r"|falls?|breath\w*|(?:was|were|is|are|did)\b))"
     r"(?:\s+sleep)?|slow[- ]wave sleep|sws|delta sleep",
     ("N3",)),
    (r"n2|stage\s*(?:2|two)", ("N2",)),
    (r"n1|stage\s*(?:1|one)|drows(?:y|iness)", ("N1",)),
    (r"light\s+sleep", ("N1", "N2")),
    (r"nrem|non[- ]?rem(?:\s+sleep)?", ("N1", "N2", "N3")),
    (r"wake(?:fulness)?|awake|w", ("W",)),
)
# "while asleep", "during sleep": every sleep stage, but only after in/during/while
# ("sleep" alone names too much to be a stage).
_SLEEP_WORDS = (r"asleep|sleep(?:ing)?(?! spindles?| apn\w*| onset| latency| efficiency)",
                ("N1", "N2", "N3", "REM"))
_STAGE_FILTER_RE = [(re.compile(rf"\b(?:in|during|within|while in|while|from|only in)\s+"
                                rf"(?:stage\s+)?(?:{p})\b(?:\s+(?:sleep|epochs?|periods?))?", I), s)
                    for p, s in _STAGE_WORDS + (_SLEEP_WORDS,)] + [
    # "find REM epochs with lots of eye movements", "N3 with an arousal": the stage as the
    # epochs' adjective ("compare REM with N3" names two stages, not one with something)
    (re.compile(rf"\b(?:stage\s+)?(?:{p})\s+epochs?\b(?=\s+(?:with|containing|that|having|showing"
                rf"|where)\b)|\b(?:stage\s+)?(?:{p})(?:\s+sleep)?(?=\s+(?:with|containing|having|showing)\s+"
                rf"(?!(?:stage\s+)?(?:n1|n2|n3|nrem|rem|wake|deep|light|slow)\b))", I), s) for p, s in _STAGE_WORDS]
_STAGE_TERM_RE = [(re.compile(rf"\b(?:{p})\b", I), s) for p, s in _STAGE_WORDS if p != r"wake(?:fulness)?|awake|w"]
# "the longest W period": the capital W of the hypnogram, never the letter in other words
_WAKE_TERM_RE = re.compile(r"\b(?:wake(?:fulness)?|awake|stage w)\b|(?-i:\bW\b)(?=\s+(?:periods?|epochs?|bouts?|runs?"
                           r"|stretch(?:es)?|episodes?)\b)", I)
# The rest of a list of stages after the first ("in N2[, N3 and REM]").
_MORE_STAGES_RE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*/\s*)(?:stage\s+)?("
                             + "|".join(p for p, _ in _STAGE_WORDS if p != r"wake(?:fulness)?|awake|w")
                             + r"|wake(?:fulness)?|awake)\b(?:\s+sleep)?", I)

_MODALITY_WORDS: dict[str, str] = {
    "brain": r"eeg|brain|cortical|eog|eye movements?|spindles?|k-complex(?:es)?|alpha|delta|theta"
             r"|sigma|beta|slow waves?",
    "heart": r"heart(?:\s*rate)?|ecg|ekg|cardiac|pulse|hrv|bradycardia|tachycardia",
    "respiratory": r"breath\w*|respirat\w*|airflow|apn\w*|hypopn\w*|spo2|oxygen|saturation"
                   r"|desaturations?|snor\w*",
    "position_muscle": r"position|posture|muscle|emg|chin|leg movements?|limb|movement",
    "stage_event": r"hypnogram|arousals?|awakenings?",
}
_MODALITY_RE = {m: re.compile(rf"\b(?:{_MODALITY_WORDS[m]})\b", I) for m in LEVELS}

_SIGNAL_RE: dict[str, re.Pattern[str]] = {
    "spo2": re.compile(r"\b(?:spo2|sp o2|sao2|oxygen|o2|saturation|sats?|desat\w*|oximetry)\b", I),
    "hr": re.compile(r"\b(?:heart\s*rate|hr|pulse|bpm|heart|tachycardi\w*|bradycardi\w*|cardiac"
                     r"|heartbeat)\b", I),
    "resp": re.compile(r"\b(?:breathing(?:\s+rate)?|respiratory\s+rate|resp(?:iration)?(?:\s+rate)?"
                       r"|breaths?(?:\s+per|/)\s*min\w*|breathing frequency|rr|respiration"
                       r"|tachypn\w*)\b", I),
    "snore": re.compile(r"\bsnor\w*", I),
    "temp": re.compile(r"\b(?:(?:body|core|rectal|skin) )?temp(?:erature)?s?\b|\bthermoregulat\w*", I),
}
_UNIT_SIGNAL = {"%": "spo2", "percent": "spo2", "bpm": "hr", "beats": "hr", "breaths": "resp"}

# A sleep word anywhere: without one (and no time) a question is off topic.
_DOMAIN_RE = re.compile(
    r"\b(?:sleep\w*|asleep|stages?|epochs?|night|rem|n1|n2|n3|wake|awake|woke|arousals?|events?"
    r"|signals?|waves?|spindles?|k-?complex\w*|alpha|delta|theta|sigma|apn\w*|hypopn\w*|breath\w*"
    r"|respirat\w*|airflow|oxygen|spo2|desat\w*|heart|hr|ecg|pulse|eeg|eog|emg|eyes?|muscle"
    r"|position|movements?|snor\w*|limb|legs?|chin|hypnogram|spectrogram|sawtooth|artifacts?"
    r"|oscillations?|bursts?|rhythm|saturation|cardiac|brain|patient|recording|ahi|odi|waso"
    r"|latency|efficiency|dream\w*|tachycardi\w*|bradycardi\w*|hypnogram|psg|study|norms?"
    r"|normal|drows\w*|doz\w*|nap|bed|awakenings?|insomnia|snore|zoom|jump|library|classify"
    r"|label|episodes?|stable|variab\w*|saturat\w*|lights?|t\d\d)\b", I)
_MEDICAL_RE = re.compile(
    r"\b(?:diagnos\w*|prescri\w*|medications?|medicines?|drugs?|pills?|tablets?|treat(?:ment|ed"
    r"|ing|able)?|therap\w*|cure|dose|dosage|cpap|bipap|surgery|melatonin|zolpidem|ambien|sedatives?"
    r"|should (?:i|he|she|they|we) (?:take|use|get|worry|be worried|see (?:an? |the |my |his |her |their )?"
    r"(?:sleep )?(?:doctor|physician|specialist|gp|cardiologist|neurologist|pulmonologist|someone"
    r"|somebody|professional))|see a doctor"
    r"|is it dangerous"
    # "what pressure?" after CPAP: a pressure or a device setting is prescribed
    r"|^\W*(?:and\s+|so\s+)?(?:what|which) (?:pressure|setting)s?(?: (?:should|would|do|does|to)\b.*)?(?=\W*$)"
    r"|\b(?:pressure|pap) (?:setting|titration)s?\b"
    # "what should be done next?", "what are the next steps?": the plan is a clinician's
    r"|what (?:else )?(?:should|must|needs to|ought to) (?:be done|happen|(?:i|we|they|he|she) do)"
    r"(?: next| now| about (?:it|this|that))?(?=\W*$)|next steps?(?=\W*$)"
    # "what would improve it?", "how can her sleep be improved?": so is a remedy (_REMEDY_RE)
    r"|(?:what|how) (?:would|could|can|might|will|should|to|do (?:i|we|you)) (?:\w+ ){0,3}improve\b"
    r"|how (?:can|could|would|might) (?:\w+ ){0,4}be improved\b"
    # "what would you recommend?", "any recommendations?": advice is a clinician's
    r"|^(?!.*\b(?:channels?|leads?|derivations?|montage|electrodes?|eeg|eog|emg|sensors?|plots?|views?)\b)"
    r".*\brecommend(?:s|ed|ing|ations?)?\b"
    # "what would you tell the patient?": what a clinician says to a patient
    r"|(?:tell|say to|explain to|advise|reassure) (?:the |this |my |our )?patient\b"
    # "is a full PSG needed?": a referral is a clinician's call
    r"|(?:need|needs|needed|require[sd]?|should (?:have|get|do|be referred for|be sent for))\b.{0,30}"
    r"\b(?:psg|polysomnogra\w+|in-?lab (?:study|test)|sleep study|titration)"
    r"|(?:psg|polysomnogra\w+|in-?lab (?:study|test)|sleep study|titration)\b.{0,20}\b(?:needed|necessary"
    r"|required|indicated|warranted)"
    # "does she need oxygen?", "would she qualify for a split-night?", "should I refer her to
    # cardiology?": a treatment or a referral is a clinician's call
    r"|(?:need|needs|require[sd]?|qualif\w* for|eligible for|candidate for|benefit from)\b.{0,20}\b(?:oxygen"
    r"|o2|supplemental|split[- ]night|asv|oral (?:appliance|device)|referral)"
    r"|\brefer(?:red|ring)? (?:her|him|them|the patient|this patient)\b|\breferral)\b", I)
_REMEDY_RE = re.compile(r"\bimprov\w*\b", I)
"""A medical question that asks for a remedy, answered with the whole night's numbers."""
# "how severe is the apnea?", "what's the severity of the AHI?": the disorder's grade.
# "how severe is it?" asked alone (after the AHI or REI) is the apnea's severity too.
_APNEA_SEVERITY_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:severe|bad|serious)(?: is (?:it|that|this))?"
                                r"(?: for (?:an? |his |her |their |my |the )?(?:\d+[- ]?(?:years?|yrs?)[- ]?old"
                                r"|age|(?:older |elderly )?(?:adult|man|woman|patient|person)))?\W*$"
                                r"|\b(?:how (?:severe|bad|serious)|severity|grade)\b.*\b(?:apn\w*"
                                r"|ahi|osa|breathing)\b|\b(?:apn\w*|ahi|osa)\b.*\b(?:severity"
                                r"|how (?:severe|bad|serious))\b|\b(?:mild|moderate|severe)"
                                r" (?:or|vs\.?) (?:mild|moderate|severe)\b", I)
# "why am I tired?", "is it bad that I stopped breathing so often?": a judgement about the
# person, answered as the diagnosis questions are (no verdict, the night's numbers).
_JUDGEMENT_RE = re.compile(r"\bwhy (?:am|is|are|do|does) (?:i|he|she|they|the patient|this person)"
                           r"(?: feel)? (?:so |always |still )?(?:tired|sleepy|exhausted|fatigued"
                           r"|drowsy)\b|\bdaytime (?:sleepiness|fatigue|tiredness)\b|\bis (?:it|that"
                           r"|this) (?:bad|serious|dangerous|harmful|worrying|concerning)\b"
                           r"|\bshould (?:i|we) (?:be )?(?:worried|concerned)\b", I)
# A disorder named in a question about this person: a diagnosis question whatever its verb
# ("does this patient have sleep apnea?", "is this insomnia?", "could it be narcolepsy?").
_DISORDERS: tuple[tuple[str, str], ...] = (
    ("central sleep apnea", r"central sleep[- ]apn\w*|csa"),
    ("sleep apnea", r"(?:obstructive )?sleep[- ]apn\w*|osa|apn(?:o)?ea syndrome"
                    r"|sleep[- ]disordered breathing"),
    ("insomnia", r"insomni\w*"), ("narcolepsy", r"narcolep\w*|cataplexy"),
    ("restless legs", r"restless legs?(?: syndrome)?|rls|periodic limb movement disorder|plmd"),
    ("hypersomnia", r"hypersomni\w*"), ("a sleep disorder", r"(?:a )?sleep disorders?"),
)
_DISORDER_RE = [(name, re.compile(rf"\b(?:{p})\b", I)) for name, p in _DISORDERS]
_DIAGNOSIS_RE = re.compile(
    r"\b(?:do(?:es)?|did|could|might|may|would)\b.*\b(?:have|has|suffer\w*|got)\b"
    r"|\b(?:is|could|might|may)\b.*\b(?:this|it|that|he|she|they|patient|person)\b.*\b(?:be|is"
    r"|have|has|like|sign|signs|case|consistent|suggest\w*|indicat\w*)\b"
    r"|^\s*(?:is|was)\s+(?:this|it|that)\b|\b(?:signs?|symptoms?|evidence|case) of\b"
    r"|\bconsistent with\b|\bsuggest\w* \b|\bindicat\w*\b|\b(?:this|it|that|he|she|they|patient|night"
    r"|recording|study) (?:looks?|looked|seems?|sounds?) like\b"
    # "does this meet criteria for OSA?" (probe Q: "not about this recording")
    r"|\b(?:meets?|met|fulfil\w*|satisf\w*) (?:the )?(?:\w+ )?criteria\b", I)
# "RLS?", "any narcolepsy?", "signs of insomnia?": a disorder named alone asks whether this is it
_BARE_DISORDER_RE = re.compile(r"^\W*(?:any\s+|(?:any\s+)?(?:signs?|evidence|hint)\s+of\s+)?(?:"
                               + "|".join(p for _, p in _DISORDERS[:-1]) + r")\W*$", I)
_HELP_RE = re.compile(
    r"^\s*(?:help|\?|hi|hello|hey|good (?:morning|evening|afternoon)|greetings)\b"
    r"|\bwhat (?:can|do) (?:you|i) (?:do|ask|know)\b|\bhow do(?:es)? (?:this|it) work\b"
    r"|\bhow do i use\b"
    r"|\bwhat (?:can|should) i (?:ask|type)\b|\bwho are you\b|\bexample questions\b", I)

# -- follow-ups ---------------------------------------------------------------------------
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
             "4th": 3, "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "eighth": 7,
             "ninth": 8, "tenth": 9, "last": -1, "final": -1, "latest": -1}
_ORDINAL = r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|eighth" \
           r"|ninth|tenth|last|final|#\s*\d+|number\s+\d+|\d+(?:st|nd|rd|th))"
_FOCUS_RE = re.compile(
    rf"\b(?:zoom|go|jump|move|take me|show(?: me)?|open|look|focus|center|centre|view)\b"
    rf"(?:\s+(?:in|into|to|at|on|onto))*\s+(?:the\s+)?{_ORDINAL}"
    rf"(?:\s+(?:one|event|result|match|region|episode|item|period|hit|run|stretch|bout|instance|occurrence))?\b"
    # "take me to the first apnea", "zoom to the second cycle" name what to find anew.
    rf"(?!\s+(?!(?:please|of them|of those|and|then|now)\b)[a-z0-9])", I)
_FOCUS_IT_RE = re.compile(
    r"^\s*(?:ok(?:ay)?,?\s*|now\s+|(?:can|could) you\s+|please\s+)*(?:zoom|go|jump|move|take me"
    r"|show(?: me)?|focus|open|let me see|can i see)\s*(?:in)?\s*"
    r"(?:to|into|on|at|there)?\s*(?:it|that|that one|this one|there|in|where(?: (?:it|that|they) (?:is|was|are"
    r"|were))?)?"
    # "show it to me", "show me that please", "show me where"
    r"(?:\s+to me)?(?:,?\s*please)?\W*$", I)
_FOCUS_RANK_RE = re.compile(r"^\s*(?:ok,?\s*)?(?:zoom|go|jump|move|take me|show(?: me)?|open|focus)"
                            r"\b(?:\s+(?:in|into|to|at|on|onto))*\s+the\s+(longest|shortest|deepest"
                            r"|biggest|largest|strongest|worst|severest|most (?:severe|extreme|intense))"
                            # "show me the longest" after a list: its longest, "one" understood
                            r"(?:\s+(?:one|of (?:them|those|these)|event|episode|period|run|stretch|bout))?\W*$", I)
# "which was the deepest?", "when was the longest one?": a rank over the last list.
# "how long was the longest?", "how deep was the deepest?": the same pick, its size said
_WHICH_RANK_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:(?:which|when|where|what|how (?:long|deep|big|large))"
                            r" (?:one )?(?:was|is|were|came) |(?:what|which|when|where)(?:'|’)?s )(?:the )?(longest|shortest|deepest|strongest|biggest"
                            r"|worst|largest|lowest|highest|severest|most (?:severe|extreme|intense))"
                            r"(?:\s+(?:one|of them|of those))?(?: last)?\W*$", I)
_NTH_OF_RANK_RE = re.compile(r"\b(second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(?:lowest|highest)\b", I)
# "and the second lowest?", "what was the 3rd longest one?": that rank in the last list
_NTH_RANK_RE = re.compile(r"^\W*(?:and|so|ok(?:ay)?|what about|how about|what was|when was|where was|which was"
                          r"|show(?: me)?|go to)?,?\s*(?:the\s+)?(second|2nd|third|3rd|fourth|4th|fifth|5th)\s+"
                          r"(lowest|highest|longest|shortest|deepest|worst|biggest|largest)(?:\s+(?:one|value|reading))?"
                          r"(?:\s+(?:of (?:them|those|these)|then|please))?\W*$", I)
# "where was the first one?", "when did the last one happen?": the list's events in time
# order, whatever order the list was shown in
_WHEN_ORDINAL_RE = re.compile(rf"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:where|when|what time|at what time|how long)"
                              rf" (?:was|is|did|does|were|came) the {_ORDINAL}(?:\s+(?:one|of them|of those"
                              rf"|of these|event|episode))?(?:\s+(?:happen|occur|start|begin|take place|come|last))?"
                              rf"(?:\s+(?:at|in the night))?\W*$", I)
# "were any of them long?": the longest of the last list; "were any deep?": the most extreme
_ANY_LONG_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:were|was|are|is) (?:there )?(?:any|some)(?: of (?:them|those"
                          r"|these))? (?:very |really |particularly |especially |unusually )?(?:(long|lengthy"
                          r"|prolonged)|(deep|severe|big|large|bad))\W*$", I)
# "and the last?", "and in the second?": the next item picked, or the same question in that
# cycle when the last one was about a cycle (Dialogue.resolve)
AND_ORDINAL_RE = re.compile(rf"^\W*and\s+(?:in\s+|for\s+)?the\s+({_ORDINAL})(?:\s+one)?\W*$", I)
# A bare pick from the last list: "the longest one", "the second", "that one", "the last".
_PICK_RE = re.compile(rf"^\s*(?:ok(?:ay)?,?\s*|and\s+|now\s+|so\s+)?(?:(?:what about|how about"
                      rf"|just|only)\s+)?(?:the\s+)?(?:(longest|shortest|deepest|strongest|biggest"
                      rf"|worst|largest|severest|most (?:severe|extreme|intense))|{_ORDINAL}|(that|this))"
                      rf"(?:\s+(?:one|of them|of those|event|episode|result|match|period|item|hit"
                      rf"|run|stretch|bout|please))*\W*$", I)
_AHEAD = ("forward", "forwards", "ahead", "on", "onward", "onwards", "later")
_EPOCHS_STEP_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|then\s+)?(?:(?:go|move|skip|jump|step|scroll|page)\s+)?"
                             r"(?P<way>forwards?|ahead|on|onwards?|later|back|backwards?|earlier)\s+(?:by\s+)?(?P<n>\d{1,3}|one"
                             r"|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+epochs?\W*$", I)
_STEP_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|then\s+)?(?:(?:go|move|show(?: me)?|jump|take me)\s+(?:to\s+)?)?(?:the\s+)?"
                      r"(?:(?:what(?:'s| is| was)|and)\s+(?:the\s+)?(?=(?:next|previous|prev|following|preceding)(?:\s+"
                      r"(?:one|epoch)\b|\W*$)))?(next|previous|prev|following|preceding)(?:\s+(one|event|result|match"
                      r"|region|epoch|episode))?(?:\s+please)?\W*$", I)
# "the next apnea", "and the previous spindle?": a step through one kind of event
_STEP_KIND_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|then\s+)?(?:(?:go|move|show(?: me)?|jump|take me)\s+"
                           r"(?:to\s+)?)?(?:the\s+)?(next|previous|prev|following|preceding)\s+(\D+?)\W*$", I)
_ONE_AFTER_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+)?(?:show me\s+|go to\s+)?the (?:one|next"
                           r" one|event) (after|before)(?: (?:that|this|it)(?: one)?)?\W*$", I)
_BACK_RE = re.compile(r"^\s*(?:please\s+)?(?:go|take me|jump|move|zoom)?\s*back\b|^\s*undo\b"
                      r"|\bwhere i was\b|\bprevious view\b|\bzoom out\b", I)
# "in the 30 seconds after it", "the two minutes before that": the window's length.
_CONTEXT_LENGTH_RE = re.compile(r"\b(\d+(?:\.\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty"
                                r"|thirty|half an?)[- ](s|secs?|seconds?|mins?|minutes?)\b", I)
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
                "fifteen": 15, "twenty": 20, "thirty": 30, "half a": 0.5, "half an": 0.5}
CONTEXT_LENGTH_SEC = (5.0, 1800.0)
"""Shortest and longest window, seconds, a context question may name."""


def _context_length(text: str) -> float | None:
    """Seconds a context question's window lasts ("the 30 seconds after it"), None unnamed."""
    if (m := _CONTEXT_LENGTH_RE.search(text)) is None:
        return None
    word = m.group(1).lower()
    count = float(word) if word[0].isdigit() else _COUNT_WORDS[word]
    seconds = count * (60.0 if m.group(2).lower().startswith("m") else 1.0)
    return min(max(seconds, CONTEXT_LENGTH_SEC[0]), CONTEXT_LENGTH_SEC[1])


_CONTEXT_RE = re.compile(
    r"\b(just |right |immediately |shortly )?(before|after|preceding|following|prior to|leading"
    r" (?:up )?to)\s+(it|that|this|them|the event|this one|that one|this event|that event)\b"
    r"|\bwhat (?:led|leads) (?:up )?to (?:it|that|this)\b|\b(?:what|which)(?: events?)? (?:caused|triggered) (?:it|that"
    r"|this)\b"
    # "what woke the patient?" after an awakening was shown: the minute before it
    r"|^\s*(?:and\s+|so\s+)?what (?:woke|roused) (?:the patient|the sleeper|him|her|them|he|she"
    r"|they)(?: up)?\s*\W*$"
    # "what was happening just before?": before or after with nothing after it.
    r"|^\s*(?:and\s+)?(?:what|how)\b.*?\b(just |right |immediately |shortly )?(before|after)"
    r"(?:\s+(?:that|then|it))?\s*\W*$"
    # "and then?", "what happened next?": what followed
    r"|^\s*(?:and\s+)?(?:(then)|what (?:happened|came) (next|after that))\s*\W*$", I)
# "how long did it take SpO2 to recover after it?", "resaturation time": how SpO2 came back.
NADIR_ASK = (r"\b(?:how (?:long|soon|quickly|many seconds)|when)\b.{0,50}\b(?:spo2|oxygen|o2|sat\w*)\b"
             r".{0,30}\b(?:bottom\w* out|(?:reach|hit)\w* (?:its |the |their )?(?:lowest|nadir|bottom"
             r"|low point)|(?:was|is) (?:at )?(?:its |the )?(?:lowest|nadir))\b"
             # "the lag between apnea end and nadir", "delay to the lowest SpO2"
             r"|\b(?:lag|delay|interval|time)\b.{0,40}\b(?:nadir|lowest (?:spo2|sat\w*|oxygen))\b")
"""A question about when SpO2 reached its nadir after an event (read as rank "lowest")."""
_ONE_EVENT_RE = re.compile(r"\b(?:the|that|this) (?:\w+ )?(?:apn(?:o)?ea|hypopn(?:o)?ea|event|desaturation"
                           r"|desat|arousal)\b(?!s)", I)
_RECOVERY_RE = re.compile(
    r"\b(?:how (?:long|quickly|fast|soon|much time)|time|when)\b.{0,40}\b(?:spo2|sp02|oxygen|o2|sat"
    r"(?:uration)?s?|oximetry)\b.{0,40}\b(?:recover\w*|c[oa]me back|return\w*|go(?:ne)? back up"
    r"|went back up|normali[sz]\w*|rebound\w*|resaturat\w*|get back|got back)\b"
    r"|\bresaturat\w*\b|\b(?:spo2|oxygen|saturation) recovery\b"
    # "how does the oxygen recover after apneas?"
    r"|\bhow (?:does|did|do) (?:the |her |his |their )?(?:spo2|sp02|oxygen|o2|sat(?:uration)?s?) (?:recover"
    r"|come back|return|rebound|go back up)\b"
    # "how long after the apnea did the oxygen bottom out?": the nadir, which the same reading gives
    rf"|{NADIR_ASK}", I)
_COUNT_REF_RE = re.compile(r"^\s*(?:and\s+)?(?:so\s+)?how many(?:\s+of (?:them|those|these))?(?:\s+(?:were|are|was|is)\s+"
                           r"(?:there|they|those|these|that)|\s+did (?:this|the) (?:night|recording|person|child"
                           r"|patient|sleeper)(?: have| show| hold| get)?|\s+(?:does|did) (?:he|she|they|it)"
                           r" (?:have|get))?(?:\s+(?:of them|in total|altogether|all together|total|in this"
                           r" night|tonight))?(?:\s+(?:per|an|a) (hour|minute)(?: of sleep)?)?\W*$"
                           r"|^\s*count them\W*$"
                           # "how many did you find?" after a library search
                           r"|^\W*(?:and\s+|so\s+)?how many (?:did you|did it|have you|were) (?:find|found|get|got)\W*$"
                           # "how many hits?", "how many matches did you find?"
                           r"|^\W*(?:and\s+|so\s+)?how many (?:hits|matches|results)(?: (?:are|were) there| (?:did|have)"
                           r" you (?:find|found|get|got)| (?:came|come) (?:up|back)| in (?:total|all))?\W*$"
                           # "how many times?", "how many times did that happen?"
                           r"|^\W*(?:and\s+|so\s+)?how many times(?: (?:did|does) (?:it|that|this) happen)?"
                           r"(?: in total| altogether)?\W*$", I)
# "which is higher?" after two parts of the night were compared: the side, first
_WHICH_SIDE_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?which (?:one |side |group |stage |half |part "
                                r"|of the two |of them |of those |period )?(?:is|was|are|were|has|had|came out|comes"
                                r" out|ran) (?:the )?(?:higher|lower|bigger|smaller|larger|faster|slower|greater"
                                r"|louder|quieter|deeper|worse|better)\W*$"
                                # "which had the bigger surge?", "which dropped more?" after a
                                # signal around two kinds of event
                                r"|^\W*(?:and\s+|so\s+)?which (?:one |kind |of the two |of them )?(?:(?:had|has|showed|gave"
                                r"|caused) (?:the )?(?:bigger|larger|greater|smaller|deeper) (?:surge|rise|jump|spike|drop"
                                r"|fall|dip|change|response)|(?:dropped|fell|rose|dipped|surged|jumped|spiked)"
                                r" (?:the )?(?:more|most|less|least|further|higher|lower))\W*$", I)
# "which had more N3?", "which one had fewer arousals?" after two parts of the night were
# compared: that row's side, first
_WHICH_MORE_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?which (?:one |side |half |part "
                                r"|cycle |period |hour |of the two |of them |of those )?(?:had|has|have|showed|shows"
                                r"|held|holds|contained|got) (?:the )?(?:more|less|fewer) (?P<what>\w+"
                                r"(?: sleep)?)\W*$", I)
# How a question names each event family a comparison of two parts counts
_FAMILY_ROWS = tuple((name, re.compile(p, I)) for name, p in zip(
    SPAN_FAMILIES, (r"\b(?:apn\w*|hypopn\w*|events?)\b", r"\bdesat\w*", r"\barousals?\b")))


def comparison_row(words: str) -> str:
    """The row of a two-part comparison's table that ``words`` name ("apneas": the breathing
    events' row; "N3": that stage's), "" for none."""
    named = stage_term(words)
    return next((name for name, pattern in _FAMILY_ROWS if pattern.search(words)),
                named[0] if len(named) == 1 else "")


# "how similar are they?" after a library search: how alike its matches are
_LIKENESS_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s+)?how (?:similar|alike|close|good|relevant)"
                              r" (?:are|were|is) (?:they|these|those|them|the (?:matches|hits|results|epochs|examples)"
                              r"|these (?:matches|hits|results|epochs|examples))(?: really)?(?: to (?:it|this|that|this"
                              r" epoch|the epoch|the query|mine|each other|one another))?\W*$"
                              # "are any from real recordings?": the matches' kinds among their likeness
                              r"|^\W*(?:and\s+|so\s+)?(?:are|were|is) (?:any|all|some|none|they|these|those)(?: of (?:them"
                              r"|those|these|the (?:matches|hits|results)))? (?:from )?(?:real|synthetic|human)(?: (?:recordings?"
                              r"|nights?|data|patients?|people|psg))?\W*$", I)
_MOST_SIMILAR_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:one |of them |of those |match |epoch |hit )?(?:is|was)"
                              r" (?:the )?(?:most similar|closest|nearest|best(?: match| one)?|most alike)\W*$", I)
"""The best of a library search's matches ("which one is most similar?")."""
_SIGNIFICANT_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|are|were) (?:that|this|it|the|these|those)"
                                 r"(?: (?:difference|differences|gap|result))? (?:statistically )?significant\W*$"
                                 r"|^\W*(?:and\s+|so\s+)?(?:what(?:'s| is) the p[- ]?value|could (?:that|this|it) be"
                                 r" (?:due to )?chance|is (?:that|this|it) (?:a )?real(?: difference)?)\W*$", I)
_HOW_MUCH_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how much(?: time)?(?: (?:was there|is there|of it|did (?:they"
                              r"|he|she|the patient) (?:get|have)|in total|altogether))?\W*$", I)
_IS_THAT_HIGH_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|are|were) (?:that|this|it|these"
                              r"|those|they) (?:too |very |really |unusually |abnormally )?(?:high|low"
                              r"|a lot|many|much|bad|good|ok(?:ay)?|worrying|concerning|elevated"
                              r"|excessive|a problem|significant|enough|sufficient|adequate|little|few"
                              r"|typical|usual|unusual|alright|all right|fine)\W*$"
                              # "does that look right to you?" after a figure: it against the norms
                              r"|^\W*(?:and\s+|so\s+|but\s+)?(?:does|did) (?:that|this|it) (?:look|seem|sound) (?:right"
                              r"|normal|ok(?:ay)?|plausible|reasonable|fine|typical|abnormal|off|wrong|unusual|high|low"
                              r"|long|short)(?: to you)?\W*$"
                              # "did they get enough?" after the sleep a child needs
                              r"|^\W*(?:and\s+|so\s+|but\s+)?(?:did|does|do) (?:she|he|they|the patient|the child"
                              r"|the kid|the sleeper|the teen(?:ager)?) (?:get|have|sleep) enough\W*$"
                              # "is that a long sleep latency?", "is this a normal AHI?"
                              r"|^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|this|it) (?:an? )?(?:too |very "
                              r"|really |unusually )?(?:long|short|high|low|normal|abnormal|elevated)"
                              r" (?:[\w-]+ ){0,2}(?:latency|index|efficiency|ahi|odi|rdi|waso|amount"
                              r"|time|sleep time|percentage)\W*$"
                              # "that's long, isn't it?", "isn't that low?"
                              r"|^\W*(?:and\s+|so\s+|but\s+|hm+,?\s+|wow,?\s+)?(?:that(?:'s| is)|it(?:'s| is)|this is)"
                              r" (?:too |very |really |quite |pretty |rather |unusually )?(?:long|short|high|low|a lot"
                              r"|bad|poor|abnormal|elevated)(?:,? (?:isn't|is|wasn't) (?:it|that)| right)?\W*$"
                              r"|^\W*(?:and\s+|so\s+|but\s+)?(?:isn't|wasn't) (?:that|this|it) (?:too |very |really "
                              r"|quite |rather |unusually )?(?:long|short|high|low|a lot|bad|abnormal|elevated)\W*$", I)
# "what does that mean?", "explain that": what the last answer was about.
_MEANING_RE = re.compile(r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s*|sorry,?\s*)?(?:what does (?:that|this"
                         r"|it) (?:mean|stand for|measure|tell (?:me|us))(?: clinically| in practice| for (?:her|him|them"
                         r"|the patient|my patient|me))?|what(?:'s| is| are) the clinical (?:meaning|significance"
                         r"|implications?)(?: of (?:that|this|it))?|what do you mean(?: by that)?"
                         r"|(?:can you |could you |please )?explain (?:that|this|it)(?: to me)?"
                         r"|meaning|what is that|what's that"
                         # "why do they matter?", "what are they for?" after a phenomenon: its
                         # definition, which says what it does
                         r"|why (?:do|does|did) (?:they|it|those|these|that|this)(?: ones?)? (?:matter|count)"
                         r"|why (?:are|is) (?:they|it|those|these|that|this) (?:so )?(?:important|relevant|useful"
                         r"|significant|interesting)|what (?:are|is) (?:they|it|those|these|that|this)(?: ones?)?"
                         r" (?:good |used |needed )?for|what(?:'s| is) the (?:point|purpose|function|role|use)"
                         r" of (?:them|it|those|these|that|this)|what (?:do|does) (?:they|it|those|these) do"
                         r"|why should (?:i|we) care(?: about (?:them|it|that|this))?)\W*$", I)
DIFFERENT_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s*)?(?:how (?:is|was|does|did) (?:it|that|this)"
                              r"(?: one)? (?:differ(?:ent)?|compare)|what(?:'s| is) the difference)\W*$", I)
"""A bare "how is that different?": the kind just shown set against the one explained before it."""
# "why is that a K-complex?", "what makes it a spindle?", "how do you know that's an arousal?"
_WHY_KIND_RE = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?(?:why (?:is|was) (?:that|it|this)(?: one)?"
                          r"|what makes (?:that|it|this)(?: one)?|how (?:do|did|can) (?:you|we|i) (?:know|tell)"
                          r" (?:that|it|this)(?: one)?(?:'s| is| was)) (?:scored as |counted as |called )?an? "
                          r"(?P<kind>[\w -]+?)\W*$", I)
# "why?", "how do you know?", "what makes you say that?": the evidence behind the last answer.
_WHY_REF_RE = re.compile(r"^\s*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s*|really\W*\s*)?(?:why(?: (?:is|was)"
                         r" (?:that|it|this))?(?: so| not)?|how come(?: not)?|how (?:do|did|can|could) you (?:know"
                         r"|tell|decide|say that)|why do you (?:say|think) (?:that|so)|what makes you"
                         r" (?:say|think) (?:that|so)|on what basis|based on what|what(?:'s| is) the"
                         r" evidence(?: for that)?|what evidence|what (?:gives|gave) (?:it|that|this)(?: one)? away"
                         r"|how (?:can|do) (?:you|i|we) tell|what (?:tells|told|shows|showed) (?:you|us|me)(?: (?:that|so))?"
                         r"|why (?:that|this|pick that|choose that|use that)(?: one| lead| channel)?"
                         r"|what (?:shows|showed|proves|proved) (?:that|it|this)"
                         # "why is it hard?" after the stretches the staging is least sure of
                         r"|why (?:is|was) (?:it|that|this)(?: one| epoch| stretch)? (?:so )?(?:hard|difficult|tricky"
                         r"|uncertain|unclear|ambiguous|borderline)(?: to (?:score|stage|call|tell))?"
                         r"|why (?:are|were) you (?:so )?(?:unsure|uncertain|not sure|doubtful)(?: (?:there|about it|of it))?"
                         # "why did it get it wrong?" after an epoch the model missed
                         r"|why (?:did|does) (?:it|the model|you|they) (?:get (?:it|that|this)(?: one)? wrong|miss (?:it|that)"
                         r"|disagree|go wrong)(?: (?:there|here))?|why (?:is|was) (?:it|the model) wrong(?: (?:there|here))?)"
                         r"\W*$", I)
# "show me one", "find one in REM", "give me an example": the phenomenon just talked about,
# found in the night (no phenomenon named: one would be a question of its own).
_EXAMPLE_REF_RE = re.compile(r"^\s*(?:ok(?:ay)?,?\s*|now\s+|and\s+|so\s+|can you\s+|could you\s+"
                             r"|please\s+)*(?:find|show(?: me)?|give me|locate|point (?:me )?to|get"
                             r" me)\s+(?:one|an? (?:example|instance)|(?:the|a|an) (?:clearest|best"
                             r"|most typical|typical|good|classic|textbook) (?:one|example)|another"
                             r"(?: one| example)?|one more|some"
                             r"(?: more)?|more(?: of them)?)\b(?!\s+like\b)(?!\s+(?:of (?:the|those|these) )?"
                             r"(?:apn|hypopn|spindle|arousal|desat|k-?complex|slow|rem\b))"
                             # "an example of a K-complex" names its own thing; "of that" does not
                             r"(?!\s+of\s+(?!(?:that|this|it|them|those|these|one)\b))", I)
EACH_EXAMPLE_RE = re.compile(r"^\W*(?:ok(?:ay)?,?\s+|and\s+|now\s+|(?:can|could) you\s+|please\s+)*"
                             r"(?:(?:show(?: me| us)?|find|give me|get me)\s+)?(?:an? (?:example|instance)"
                             r"|one) of (?:each|both)(?: of them)?\W*$|^\W*(?:show(?: me| us)?|find|give me)"
                             r" (?:them )?(?:both|each)\W*$", I)
""""show me one of each", "show me both": an example of each of the last two things named."""
# "where's the clearest one?", "which is the best example?": the phenomenon just talked about
_CLEAREST_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:where(?:'s| is| are)|which(?:'s| is)|what(?:'s"
                          r"| is)|show me|find) (?:the|a) (?:clearest|best|most typical|cleanest|nicest"
                          r"|good|clear|typical|classic|textbook) (?:one|example|instance)\W*$"
                          # "show me a clearer example": past the typical one, the most marked
                          r"|^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:(?:can|could) you\s+)?(?:show(?: me)?|find|give me"
                          r"|is there|do you have|(?=an? \w+ (?:one|example|instance)\W*$)) ?(?:an? )?(?P<more>clearer|better|bigger|larger|stronger|more obvious"
                          r"|more visible|more pronounced|more marked) (?:one|example|instance)(?: of (?:it|that|them|one))?"
                          r"(?:,? please)?\W*$", I)
_EACH_PERIOD_RE = re.compile(r"\b(?:each|every|all(?: the)?|list(?: the)?)\s+(?:\w+\s+)?(?:periods?"
                             r"|episodes?|bouts?)\b|\b(?:periods?|episodes?|bouts?)\b.*\b(?:each|every"
                             r" one)\b", I)
# "what percentage is that?", "as a fraction?": the last count as a share of its whole.
_SHARE_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:(?:what|which|how much)\s+(?:percent"
                           r"(?:age)?|fraction|proportion|share)\s+(?:of (?:the |all )?(?:total|them"
                           # "what fraction of all spindles is that?": of the kind just counted
                           r"|all|(?:the |all (?:the )?)?[a-z-]+s)\s+)?(?:is|was|are|were|does)\s+(?:that|this"
                           r"|those|these|it|them)"
                           r"(?: make)?|(?:as\s+an?\s+)?(?:percent(?:age)?|fraction|share|proportion)"
                           r"(?: of (?:the )?(?:total|all)(?: of them)?)?|how many percent is (?:that"
                           r"|it)|(?:what|which) (?:percent(?:age)?|fraction|share|proportion)|in percent(?:age)?)\W*$", I)
# "list them", "show me all of them", "the full list": every item of the last list.
_LIST_REF_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|so\s+)?(?:(?:can|could) you\s+)?(?:please\s+)?"
                          r"(?:(?:list|show(?: me)?|give me|name|read(?: me)?|tell me)\s+(?:them|those"
                          r"|these|all(?: of)?(?: (?:them|those|these))?|them all|the rest|the others"
                          r"|every(?: single)? one(?: of them)?|the (?:full|whole|complete|entire) list)"
                          r"(?:\s+(?:all|out|please))*|all of them|the (?:full|whole|complete|entire)"
                          r" list)\W*$", I)
# "where were they?", "when did they happen?", a bare "where?": the times of the last list.
_WHERE_REF_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|so\s+)?(?:(?:where|when|at what times?|what times?)"
                           r"(?:\s+(?:were|are|did|do)\s+(?:they|those|these|them)(?:\s+(?:happen|occur|fall"
                           r"|start|come|take place|be))?(?:\s+at)?|\s+exactly)?(?:\s+in the night)?"
                           r"|show me where they (?:were|are))\W*$", I)
# "how many of them were central?", "how many were spontaneous?": the last count, of one kind
# (an apnea type, or an arousal cause that the arousals' answer counts from its text)
_KIND_OF_THEM_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how many(?:\s+of\s+(?:them|those|these|the ones))?"
                              r"\s+(?:were|was|are|is)\s+(?P<kind>central|obstructive|mixed|spontaneous"
                              r"|respiratory|breathing[- ]related|limb[- ]movement(?:[- ]related)?)"
                              r"(?:\s+(?:ones?|apn(?:o)?eas?|arousals?|events?|type|kind))?\W*$", I)
_KIND_ONE_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|so\s+)?(?:(?:can|could) you\s+)?(?:show|find|give|point)"
                          r"(?: me| us)?(?: to)? (?:a|an|one) (?P<kind>central|obstructive|mixed|spontaneous"
                          r"|respiratory|breathing[- ]related)(?: one| example| case)?(?:,?\s*please)?\W*$"
                          # "what would a central one look like?"
                          r"|^\W*(?:and\s+|so\s+)?what (?:would|does|do|did|might) (?:a|an) (?P<kind2>central"
                          r"|obstructive|mixed|spontaneous|respiratory) one look like\W*$", I)
# "how many events were obstructive?": that type of apnea counted (hypopneas are not typed)
_EVENTS_OF_KIND_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how many (?:of the )?(?:scored |breathing |respiratory )?"
                                r"(?:events|apn(?:o)?eas|pauses)\s+(?:were|was|are|is)\s+(?P<kind>central|obstructive"
                                r"|mixed)(?: (?:ones?|type|kind))?\W*$", I)
# "and another one", "one more please": a further example of what was just shown.
_ANOTHER_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+)?(?:another|one more)(?: one| example)?"
                         r"(?:,?\s*please)?\W*$", I)
# "how many of them were in REM?", "how many were after 4 am?": the last list, narrowed.
_COUNT_IN_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:how many|were any|was any|did any)(?: of (?:them|those"
                          r"|these|the ones))?(?: (?:lasted|last|went on|ran|were|was))?(?: for)? (?:longer|shorter"
                          r"|more|less|over|under|at least|at most)\b"
                          r"|^\s*(?:and\s+|so\s+)?how many (?:of (?:them|those|these|the ones)"
                          r"(?:\s+(?:were|are|was|happened|occurred|fell))?|(?:were|are|happened"
                          r"|occurred|fell))\s+(?:in|during|after|before|between|while|longer"
                          r"|shorter|on)\b"
                          # "how many of those are N2?" after a list or a library search
                          r"|^\s*(?:and\s+|so\s+)?how many of (?:them|those|these|the ones) (?:are|were|is|was)"
                          r" (?:scored |staged )?(?:as )?(?:n1|n2|n3|rem|nrem|wake|stage \w+)\W*$", I)
# "how many of them had an arousal?", "how many caused desaturations?": the last list's
# events tied to events of another kind.
_TIE_REF_RE = re.compile(r"^\s*(?:and\s+|so\s+)?how many(?:\s+of\s+(?:them|those|these))?\s+"
                         r"(?:(?:were|was)\s+)?(?:had|have|with|caused|triggered|led to|followed by"
                         r"|ended (?:in|with)|came with|(?:were|was) (?:followed by|tied to|associated"
                         r" with|linked to))\s+(?:an?\s+|any\s+)?(.+?)\W*$", I)
# "and with arousals?", "what about the ones without a desaturation?": the same.
_WITH_REF_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:the ones\s+|those\s+|them\s+|ones\s+)?"
                          r"(with|without)\s+(?:an?\s+|any\s+)?(.+?)\W*$", I)
_REFINE_RE = re.compile(r"^\s*(?:ok,?\s*)?(?:only|just|keep(?: only)?|restrict(?: it)? to"
                        r"|filter(?: to)?|limit(?: it)? to)\b.*\b(?:ones?|those|them|these"
                        r"|events?|results?|matches)\b|^\s*(?:only|just)\s+(?:after|before"
                        r"|between|in|during)\b"
                        # "which of them were in REM?", "which ones happened after 4 am?"
                        r"|^\s*(?:and\s+|so\s+)?(?:which|what) (?:of (?:them|those|these)|ones)\s+"
                        r"(?:were|are|was|happened|occurred|fell|came)\s+(?:in|during|after|before"
                        r"|between|while|on)\b", I)
_COMPARE_WITH_RE = re.compile(
    r"^\s*(?:and\s+)?(?:now\s+)?compare(?:\s+(?:it|this|that|them|these))?\s+(?:with|to|against)"
    r"\b|\bhow does (?:it|that|this) compare (?:with|to)\b", I)
# "how does that compare with normal?" asks for the norms, not for another part of the night.
_AGAINST_NORMS_RE = re.compile(r"\b(?:with|to|against)\s+(?:the\s+)?(?:normal|norms?|healthy"
                               r"|typical|reference|expected|average (?:adults?|people|sleepers?)"
                               r"|(?:most\s+)?(?:people|adults|others))\b", I)
_ITEM_RE = re.compile(r"^\W*(?:ok(?:ay)?,?\s+|now\s+|and\s+|so\s+|(?:can|could) you\s+|please\s+)*"
                      r"(?:describe|tell me (?:more )?about|what(?:'s| is| was) (?:going on|happening) in)"
                      r" (?:it|that(?: one)?|this(?: one)?|that (?:period|event|epoch)|this (?:period"
                      r"|event|epoch))(?:,?\s*please)?\W*$"
                      r"|^\W*(?:and\s+|so\s+)?how long\W*$"
                      r"|\b(?:how long (?:was|is) (?:it|that|this)|how long did (?:it|that|this(?: one)?"
                      r"|that one) (?:last|go on)|(?:during|in|of|for) (?:it|that"
                      r" one|this one|that event|this event|that period)|(?:was|is) (?:it|that|this"
                      r" one|that one) (?:in|during)|what (?:stage|time) (?:was|is) (?:it|that)"
                      r"|when did (?:it|that) (?:start|end|happen|begin)|(?:when|where) (?:was|is) (?:it|that|this)(?: one)?(?=\W*$)|how (?:deep|low|long|bad"
                      r"|fast|big|large|tall|high|strong) (?:was|is) (?:it|that)|what (?:frequency"
                      r"|amplitude|depth) (?:was|is|did) (?:it|that)(?: have)?|what(?:'s| was| is) its (?:frequency|amplitude"
                      r"|depth|size)|\bits (?:frequency|amplitude|depth|size)(?=\W*$))\b"
                      # "what was the heart rate then?": at the item the last answer pointed to
                      r"|\b(?:then|at that (?:time|moment|point)|at the time|during that)\s*\??\s*$", I)
_TRAILING_THEN_RE = re.compile(r",?\s+then\W*$", I)
_ONE_RANKED_RE = re.compile(r"\b(?:the|that|this) (?:longest|shortest|deepest|first|last|worst"
                            r"|biggest|one)\b", I)
# "how low did the sat go?", "how far did the oxygen drop?": an excursion, of the event in
# focus when one is.
_EXCURSION_RE = re.compile(r"\bhow (?:low|high|far|much|deep)\b.{0,30}\b(?:go|get|got|drop\w*|fall|fell"
                           r"|dip\w*|rise|rose|climb\w*|reach\w*)\b"
                           # "what was the nadir?" with one event picked: its own
                           r"|^\W*(?:and\s+|so\s+)?what (?:was|is) (?:the|its|her|his) (?:spo2 |oxygen |sat(?:uration)? )?nadir\W*$", I)
_DURING_IT_RE = re.compile(r"\b(?:during|in|of|for) (?:it|that one|this one|that event|this event"
                           r"|that period)\b|\bduring that\W*$", I)
_REPEAT_RE = re.compile(r"^\s*(?:and|what about|how about|now|same(?: thing)?(?: for)?|also"
                        r"|then|ok(?:ay)?,? (?:and|what about)|and what about|and for|what of)\b",
                        I)

# -- intents ------------------------------------------------------------------------------
# "compared to normal breathing" is the rest of the night, not the norms.
_NOT_NORM = r"(?!\s+(?:breath\w*|sleep(?:ing)?|rhythm|beats?|periods?|epochs?|stretches|times?|parts?)\b)"
_NORMAL_RE = re.compile(
    rf"\b(?:is|was|are|were|looks?|seems?)\b[^?]*\b(?:normal|healthy|typical|within (?:the )?"
    rf"(?:normal )?(?:range|limits))\b{_NOT_NORM}|\bnorm(?:s|ative)?\b"
    # "what does a normal night look like compared to this one?"
    rf"|\b(?:a |an )?(?:normal|healthy|typical) (?:night|sleeper|adult|person)'?s?\b(?! (?:of|in) )"
    rf"|\bfor (?:his|her|their|the "
    r"patient'?s?|this person'?s?|a person'?s?) age\b|\bage[- ]matched\b|\bcompared? (?:to|with)"
    rf" (?:healthy|normal|typical)\b{_NOT_NORM}|\breference (?:values|ranges?)\b|\bnormal (?:range|values)\b"
    r"|\b(?:abnormal|unusual)\b"
    # "what's a normal number of awakenings?", "how much REM should an adult get?"
    r"|\bwhat(?:'s| is| are) (?:a |the )?(?:normal|healthy)\b(?!\s+(?:ahi|odi|rei|rdi|apn\w*))"
    r"|\bshould (?:an? |the )?(?:adults?"
    r"|person|child|teenager|older (?:adults?|person)|someone|i|we|people|he|she|they|my \w+)"
    r" (?:get|have|sleep|spend)\b"
    # "what percentage of sleep should be N3 for a 45 year old?", "how much REM should a
    # 70-year-old get?"
    r"|\bshould (?:\w+ ){0,3}(?:be|get|have|spend|take)\b.{0,40}\bfor (?:an? |the )?"
    r"(?:\d{1,3}[- ]?(?:years?|yrs?)[- ]old|adults?|older (?:adults?|people|person)|(?:man|woman|person) (?:of|aged) \d{1,3})\b"
    r"|\bshould (?:an? )?\d{1,3}[- ]?(?:years?|yrs?)[- ]old (?:\w+ )?(?:get|have|sleep|spend)\b", I)
_SIMILAR_RE = re.compile(r"\b(?:similar|like this|like (?:the )?(?:current|epoch)|retrieve"
                         # "find me another one like that", "are there others like it?"
                         r"|(?:another|more|others?|other ones)\b.{0,20}\blike (?:that|it|this)(?: one)?"
                         r"|library|look-?alikes?|more like|resembl\w*|nearest neighbou?rs?"
                         r"|other (?:recordings|nights|patients|sleepers|studies)|captions? (?:match\w*|for|fit\w*"
                         r"|closest to|that fit))\b"
                         r"|\bwhich captions?\b", I)
_MODEL_CAPTION_RE = re.compile(MODEL_CAPTION, I)
_VIEW_RE = re.compile(r"\b(hypnogram|spectrogram|overview|whole night|stage (?:plot|graph|chart)"
                      r"|sleep stages over|all (?:the )?signals)\b", I)
_NAVIGATE_RE = re.compile(r"\b(?:zoom|jump|go|move|take me|navigate|scroll|skip|bring me"
                          r"|center|centre|pan)\b", I)
_SHOW_TIME_RE = re.compile(r"^\s*(?:please\s+)?(?:show|display|open|view)(?: me)?\b", I)
_LABELS_RE = re.compile(r"\b(?:classify|label|categori[sz]e|sort|assign|tag|call)\b.*?\b"
                        r"(?:as|into|among|between|with (?:the )?labels?|using (?:the )?labels?"
                        r"|with|using)"
                        r"\s*:?\s*(.+)$|\b(?:labels?|classes|categories)\s*:?\s*(.+)$", I)
_LABELS_Q_RE = re.compile(r"^\s*(?:is|was)\s+(?:it|this|that|the|he|she|they)(?:\s+(?:current"
                          r"\s+)?(?:epoch|patient|person|one))?\s+(?:more\s+)?(?:like\s+)?"
                          r"(.+?\bor\b.+?)\W*$", I)
_CLASSIFY_RE = re.compile(r"\b(?:what|which)\s+(?:sleep\s+)?stage\b|\bclassify\b|\bstage (?:is it"
                          r"|at)\b|\b(?:score|stage) (?:this|the|epoch)\b(?! (?:night|recording|study|file|edf|psg)\b)|\bis (?:it|this|that|the patient"
                          r"|he|she|they)\s+(?:in\s+)?(?:rem|n1|n2|n3|wake|awake|asleep)\b|\bis"
                          r" (?:the patient|he|she|they) (?:asleep|awake) (?:here|now|at)\b"
                          # "was she awake at 3:05?", "was he in deep sleep at 2?": one moment's stage,
                          # yes or no, not the minutes of that stage around a clock time
                          r"|\b(?:was|were) (?:it|this|that|the patient|he|she|they) (?:in (?:stage )?)?(?:rem|n1|n2|n3"
                          r"|wake|awake|asleep|deep sleep|light sleep|slow[- ]wave sleep)(?: sleep)?"
                          r" (?:(?:at|around) (?=\d{1,2}(?::\d\d|\s*(?:am|pm|a\.m|p\.m|h\b|o'clock)))|here\b|then\b"
                          r"|right then\b)", I)
_EXPLAIN_RE = re.compile(r"^\s*(?:(?:can|could) you\s+)?(?:please\s+)?(?:explain|define|teach"
                         r"|what(?:'s| is| are| does| do)\b|tell me (?:what|about)|describe what|show (?:me|us) what"
                         r"|how (?:does|do) (?:an? |the )?\w+(?: \w+)? (?:look|work)"
                         r"|i (?:want|would like) to (?:see|know) what)", I)
# "tell me about the apneas", "tell me about her leg movements": the night's events, where
# "tell me about apneas" (no article) asks what they are.
_NIGHT_EVENTS_RE = re.compile(r"^\W*(?:(?:can|could) you\s+)?(?:please\s+)?tell (?:me|us) (?:more )?about"
                              r" (?:the|his|her|their|these|those|all(?: of)? the|this night's)\s+"
                              r"(?!differen|distinction)(?:[\w-]+\s+){0,2}[\w-]+s\b", I)
# "what is a K-complex?", "explain REM sleep": a definition, not a search.
_AVERAGE_RE = re.compile(r"\b(?:average|median|(?:the|a) mean)\b", I)
_DEFINE_RE = re.compile(r"^\s*why (?:do|does|is|are|did) (?:we|people|humans|you|sleepers)\b"
                        r"|^\s*(?:(?:can|could) you\s+)?(?:please\s+)?(?:explain|define|teach me"
                        r"|tell me (?:what|about)|describe what|show (?:me|us) what|i (?:want|would like) to (?:see|know)"
                        r" what)\b|^\s*what(?:'s| is| are)\s+(?:an?\s+|the\s+)?[\w-]+(?:\s+[\w-]+)?"
                        r"(?:\s+sleep)?\s*(?:\?|$|and\b|,)|^\s*what (?:does|do) .+ (?:look like|mean)\b",
                        I)
# "what does the arousal index mean?" asks for the definition, not the night's rate.
_MEAN_RE = re.compile(r"\b(?:mean|means|meaning|stand for|stands for|definition|defined)\b", I)
# "how does a central apnea differ?", "how do hypopneas differ from apneas?": the definitions.
_DIFFER_RE = re.compile(r"^\s*how (?:does|do|is|are) (?:an? |the )?[\w-]+(?:\s+[\w-]+)? "
                        r"(?:differ|different)\b", I)
_EACH_STAGE_RE = re.compile(r"\b(?:each|every|all(?: the)?|per|by) (?:sleep )?stages?\b|\bstage "
                            r"(?:distribution|breakdown|percentages|proportions)\b", I)
_AWAKENINGS_RE = re.compile(r"\bhow many (?:times|awakenings)\b|\bnumber of (?:awakenings|times)\b"
                            r"|\bawakenings\b|\b(?:longest|shortest) (?:awakening|wake period|wake bout)\b"
                            # "was there a long awakening in the second half?": a wake period, not an arousal
                            r"|\b(?:an?|any) (?:long|longer|lengthy|prolonged|extended) awakening\b"
                            r"|\bafter sleep onset\b|\bhow often did (?:the patient|he|she|they|the person)"
                            r" wake\b|\bw(?:a|o)ke (?:up )?(?:during|in|at|through) the night\b"
                            r"|\bw(?:a|o)ke (?:up )?(?:at night|overnight)\b"
                            r"|\bw(?:a|o)ke (?:up )?(?:a lot|often|frequently|many times|much"
                            r"|repeatedly)\b", I)
_LONGEST_RUN_RE = re.compile(
    r"\b(longest|shortest)\s+(?:\w+\s+)?(?:period|stretch|bout|run|episode|block|spell)s?\s+of\s+"
    r"(?:continuous\s+|uninterrupted\s+|consolidated\s+|unbroken\s+)?([\w ]+)", I)
# "when did I get the best sleep?", "her longest sleep bout": the longest unbroken stretch of sleep.
_BEST_SLEEP_RE = re.compile(r"\b(?:best|most (?:restful|solid|consolidated)|soundest|longest (?:continuous"
                            r"|uninterrupted|unbroken|consolidated))\s+(?:stretch of |period of |run of )?"
                            r"sleep\b|\blongest (?:continuous |uninterrupted |unbroken |consolidated )?sleep"
                            r" (?:bout|stretch|run|episode|block|spell)\b"
                            # "the longest time asleep without waking"
                            r"|\blongest (?:time|stretch|period|spell) (?:asleep|of sleep|sleeping|she slept|he slept"
                            r"|they slept) without (?:waking(?: up)?|an awakening|interruption|a break)\b", I)
# "was there a fever?": a core temperature of 38 °C or more, as fever is defined; "any
# hypothermia?": below 35 °C
_FEVER_RE = re.compile(r"\b(?:an? |any )?(fever\w*|febrile|hypotherm\w*)", I)
_FEVER = {"feve": "body temperature above 38 °C", "febr": "body temperature above 38 °C",
          "hypo": "body temperature below 35 °C"}
# "how many epochs were scored as N1?", "number of REM epochs": a stage's amount in epochs
_EPOCH_COUNT_RE = re.compile(r"\b(?:how many|number of|count of)(?: \w+)? epochs\b", I)
# "what was the sleep period time?": sleep onset to the final awakening, as reports give it
_SPT_RE = re.compile(r"\bsleep period time\b|\bspt\b", I)
# "what's her sleep midpoint?", "when was mid-sleep?": a chronotype's marker
_MIDPOINT_RE = re.compile(r"\b(?:mid-?point|middle) of (?:the |her |his |their )?sleep\b(?! (?:period|cycle|stage))"
                          r"|\bsleep mid-?point\b|\bmid-?sleep\b", I)
# Things a user may ask about that this app does not measure: said plainly, never guessed.
_UNMEASURED_RE = re.compile(r"\b(sawtooth\w*|vertex(?: sharp)? waves?|teeth grinding|bruxism|sleep ?walk\w*"
                            r"|sleep ?talk\w*|talk(?:s|ed|ing)? in (?:their|her|his|the) sleep|somniloqu\w*"
                            r"|seizures?|epilep\w*|nightmares?|dreams? about"
                            r"|blood pressure|cortisol|(?:leg|calf|foot|night|nocturnal) cramps?|charley horses?"
                            r"|(?-i:POSTS?)|positive occipital sharp transients?(?: of sleep)?)\b", I)
_HYPOXIC_BURDEN_RE = re.compile(r"\bhypox\w*[- ]burden\b|\bsasHB\b|\b(?:oxygen|desaturation) burden\b", I)
# "AHI 3 % vs 4 %?", "the 4 % rule", "CMS AHI": the AHI under each hypopnea rule.
_PCT = r"[34]\s?%|[34] ?percent"
_HYPOPNEA_RULE_RE = re.compile(
    rf"\b(?:{_PCT}|aasm|cms|medicare|1a|1b)[- ]?(?:hypopn\w* )?(?:rule|criteri\w*|definition)s?\b"
    rf"|\b(?:ahi|rdi|rei|apn(?:o)?ea[- ]hypopn(?:o)?ea index)\b.{{0,40}}?(?:\b|(?<=\s))(?:{_PCT}|cms\b"
    rf"|medicare\b|rule 1[ab]\b)|(?:{_PCT})\s+(?:ahi|rdi|rei)\b|\b(?:cms|medicare) (?:ahi|rdi)\b"
    # "is that based on 4 % or 3 % hypopneas?", "which hypopnea rule did you use?"
    rf"|(?:{_PCT}) (?:or|vs\.?|versus) (?:{_PCT})|(?:{_PCT}) hypopn\w*|\bhypopn\w* (?:scoring )?(?:rule|criteri\w*)s?\b"
    rf"|\b(?:which|what) rules? (?:for|of) (?:the |scoring )?hypopn\w*", I)
# "theta/delta ratio", "the ratio of beta to alpha": two EEG bands' power, divided.
_BAND = r"(delta|theta|alpha|sigma|spindle|beta)"
_BAND_RATIO_RE = re.compile(rf"\b{_BAND}(?:\s+power)?(?:\s*[/:]\s*|\s*-\s*|\s+(?:to|over|vs\.?"
                            rf"|versus)\s+){_BAND}(?:\s+power)?\s+(?:power\s+)?ratios?\b", I)
_RATIO_OF_RE = re.compile(rf"\bratios? (?:of|between) (?:the )?{_BAND}(?:\s+power)?\s+(?:to|over|and"
                          rf"|vs\.?|versus)\s+(?:the )?{_BAND}\b", I)
_BAND_ALIAS = {"spindle": "sigma"}
# "did the heart rate go up before the awakenings?", "the SpO2 around awakenings"
_AWAKENINGS_AROUND_RE = re.compile(r"\b(?:before|prior to|leading (?:up )?to|preceding|ahead of|around"
                                   r"|during|after|following|with)\s+(?:the\s+|her\s+|his\s+|their\s+"
                                   r"|each\s+|every\s+)?(?:awakenings?|wake[- ]ups?|wakings?)\b", I)
# "the longest series of periodic leg movements", "PLM series", "runs of PLMs"
_GAPS_BETWEEN_RE = re.compile(r"\b(?:time|interval|gap|spacing|distance)s? between (?:the |consecutive |successive |two )?\w"
                              r"|\bwithin (?P<n>\d+(?:\.\d+)?|one|two|three|five|ten) ?(?P<unit>s|sec\w*|min\w*)"
                              r" of each other\b|\bhow (?:far|long) apart\b", I)
"""The intervals between consecutive events of a kind ("median time between central apneas")."""
_SERIES_AT_RE = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:am|pm)?\s+series\b|\bseries (?:at|from|starting at|running at"
                           r"|around) (?:about )?\d", I)
"""A series named by its clock time ("the 01:45 series")."""
_PLM_SERIES_RE = re.compile(r"\b(?:series|runs?|trains?|sequences?|clusters?|bursts?) of (?:periodic )?"
                            r"(?:(?:leg|limb) movements?|plms?|lms)\b|\b(?:plms?|periodic (?:leg|limb)"
                            r" movements?|(?:leg|limb) movements?) (?:series|runs|trains|sequences"
                            r"|clusters)\b", I)
# "which cycle had the most N3?", "REM in each cycle", "N3 per cycle"
_PER_CYCLE_RE = re.compile(r"\b(?:each|every|per|by|which|what) (?:sleep |nrem[- ]rem )?cycles?\b"
                           r"|\bcycles? (?:had|has|held|with) the (?:most|least|longest|shortest)\b"
                           r"|\bacross (?:the )?cycles\b", I)
# "the N2 to N3 ratio", "REM/NREM ratio", "ratio of deep to light sleep": two stages' minutes.
_STAGE_SIDE = "(" + "|".join(p for p, _ in _STAGE_WORDS) + r")(?:\s+sleep)?"
_STAGE_RATIO_RE = re.compile(rf"\b{_STAGE_SIDE}(?:\s*[/:]\s*|\s+(?:to|over|vs\.?|versus)\s+)"
                             rf"(?:stage\s+)?{_STAGE_SIDE}\s+(?:sleep\s+)?ratios?\b"
                             rf"|\bratios? (?:of|between) (?:the )?(?:stage\s+)?{_STAGE_SIDE}\s+(?:to|over"
                             rf"|and|vs\.?|versus)\s+(?:the )?(?:stage\s+)?{_STAGE_SIDE}", I)
_INDEX_RE = re.compile(r"\b(?:ahi|odi|index|efficiency|waso|total sleep time|tst|sever\w*)\b", I)
# Whole-night statistics a question asks for by name, most specific first.
_STAT_WORDS: tuple[tuple[str, str], ...] = (
    ("rdi", r"rdi|respiratory disturbance index"),
    # the obstructive AHI is an event rate of its own (app.chat.phenomena)
    ("ahi", r"ahi|rei|(?<!obstructive )apn(?:o)?ea[- ]hypopn(?:o)?ea index|respiratory event index"),
    ("odi", r"odi|(?:oxygen )?desaturation index"),
    # "give me a one-line summary", "the night in one sentence": the night's main figures in one
    ("brief", r"(?:one|1|single)[- ](?:line|sentence)|in (?:a|one) (?:line|sentence)|in a nutshell"
              r"|(?:very )?(?:short|brief|quick) summary|summar\w* (?:it |this |the night )?(?:briefly|in brief)"),
    # "give me the sleep architecture in a table": every stage's minutes, shares and periods
    ("architecture", r"(?:sleep )?architecture\b.{0,30}\btable|\btable\b.{0,30}\b(?:sleep )?architecture"
                     r"|(?:stage|sleep) (?:summary |statistics |stats )?table|table (?:of|with) (?:the |all |each |every )?"
                     r"(?:sleep )?stages(?!.{0,20}\b(?:by|per|each|every) (?:hour|position|cycle))"
                     # "give me the stage durations in minutes", "minutes in each stage"
                     r"|(?:sleep )?stage (?:durations?|lengths|minutes|times)\b(?!.{0,20}\b(?:by|per) (?:hour|position|cycle))"
                     r"|(?:time|minutes|durations?) (?:spent )?(?:in|of|for) (?:each|every|all(?: the)?) (?:sleep )?stages?\b"
                     r"(?!.{0,20}\b(?:by|per) (?:hour|position|cycle))"),
    # "what stage was the patient in most of the time?"
    ("dominant", r"(?:which|what) (?:sleep )?stage\b.{0,40}\b(?:most of (?:the|that|this) (?:time|night|sleep|hour)"
                 r"|(?:pre)?dominant|dominat\w*|prevail\w*|prevalent"
                 # "which stage had the most events?" splits the events by stage
                 r"|mostly|the most(?!\s+(?:\w+\s+)?(?:events?|apn|hypopn|arous|desat|spindl|k-?compl"
                 r"|movem|snor|kicks?|jerks?)\w*)|most often|most common|\bin most(?=\W*$))|(?:most common|dominant"
                 r"|predominant|main)"
                 r" (?:sleep )?"
                 r"stage"),
    ("shifts", r"stage (?:shifts?|changes?|transitions?)|(?:shifts?|transitions?|changes?) "
               r"(?:of|between) (?:sleep )?stages?|sleep fragmentation(?: index)?"
               r"|fragment(?:ed|ation)|broken (?:up )?sleep|how (?:restless|disrupted)"
               # "how many shifts per hour?": in a sleep study a bare shift is a change of stage
               r"|(?<!position )(?<!posture )shifts (?:per|an|each|every) hour"),
    ("lights", r"lights?(?:[- ]\w+)?[- ](?:off|out|on)|(?:went|go|got|get) to bed|in bed at"
               r"|bed ?time"),
    ("sme", r"(?:sleep )?maintenance(?: efficiency)?"),
    ("se", r"(?:sleep )?efficiency|sleep eff|(?:percent(?:age)?|fraction|proportion|share|%) of"
           r" (?:the )?(?:time|night|recording|time in bed) (?:\w+ ){0,3}(?:asleep|sleeping)"),
    ("waso", r"waso|wake(?:fulness)? after sleep onset|awake after (?:falling asleep|sleep onset)"
             # "how much wake was there after she fell asleep?"
             r"|(?:wake|awake|wakefulness)(?: time)?(?: (?:was there|did (?:she|he|they) have))? after"
             r" (?:she|he|they|the (?:patient|sleeper)) (?:fell|had fallen|first fell) asleep"
             # "how long was she awake in the night?": the wake inside the night, not before or after it
             r"|(?<=how long )(?:was|were) (?:she|he|they|the (?:patient|sleeper)) awake (?:in|during|through)"
             r" the night"),
    ("tib", r"time in bed|tib|(?:minutes|hours) (?:\w+ ){0,3}in bed|(?:recording|study) (?:time"
            r"|length|duration)|how long (?:was|were)"
            r" (?:they|he|she|the patient|this person) in bed"),
    ("tst", r"total sleep(?: time)?|tst|how much sleep|sleep (?:duration|time)|(?:hours|minutes) of"
            r" sleep|how (?:much|long|many (?:hours|minutes)) (?:did|does|do|was|were) (?:the |this )?"
            # "how long was her sleep latency?" names another statistic of sleep
            r"(?:\w+ ){0,2}(?:sleep(?!\s+(?:onset|latency|efficiency|period|cycles?|stages?|spindles?"
            r"|apn\w*))|slept|asleep)|how long (?:they|he|she|the patient|this person) slept"
            # "and how long asleep?" after the time in bed
            r"|how (?:long|much time) (?:in total )?(?:asleep|sleeping)"),
)
_STAT_RE = [(key, re.compile(rf"\b(?:{p})\b", I)) for key, p in _STAT_WORDS]
_TIMING_RE = re.compile(
    r"\b(?:when|what time|at what time|how long (?:until|before|till|after|did it take|does it"
    r" take)|how (?:soon|quickly|fast)|onset|latency|time of|start(?:s|ed)?|begin\w*|end(?:s|ed)?"
    r"|first|last|final|woke|wake up|awaken\w*|fell asleep|fall(?:ing)? asleep|got up|lights on)"
    r"\b", I)
_ONSET_RE = re.compile(r"\b(?:fall(?:ing)? asleep|fell asleep|sleep onset|onset of sleep"
                       r"|sleep latency|go(?:es)? to sleep|went to sleep|get to sleep|got to sleep"
                       r"|nod(?:ded)? off|drift(?:ed)? off|dozed? off)\b", I)
_FINAL_RE = re.compile(r"\b(?:final awakening|last awakening|finally woke|woke up(?: for good|"
                       r" in the morning)?|wake up(?: for good| in the morning)?|g[eo]t up|got out"
                       r" of bed|final wake"
                       r"|lights on|end of sleep|last wak\w*)\b", I)
# "REM latency", "N3 latency", "how long did it take to reach N3?", "time to first deep sleep":
# sleep onset to a stage's first epoch. The stage comes from the stage words.
_LATENCY_RE = re.compile(r"\b(?:latency|how long (?:until|before|till|after|did it take|does it"
                         r" take|to)\b[^?]*\b(?:rem|n[123]|stage|deep|slow[- ]wave|sws|light|reach"
                         r"\w*|enter\w*|get(?:ting)? (?:in)?to|go(?:ing)? (?:in)?to)|time (?:to|until|till)"
                         r" (?:the )?(?:first|reach\w*|enter\w*))\b", I)
_AMOUNT_RE = re.compile(r"(?<!\s\d )(?<!\s\d\d )(?<!^\d )\b(?:mins?|minutes|hrs|hours)\W*$"  # "n3 mins"
                        r"|\b(?:how (?:much|long|many (?:minutes|hours|epochs))|what (?:fraction"
                        r"|percentage|percent|proportion|share|part|amount|portion)|time spent"
                        r"|minutes (?:of|in)|hours (?:of|in)|percent(?:age)? of|% of|amount of"
                        r"|fraction of|proportion of|total (?:time|minutes)|percent(?:age)?s?|shares?"
                        r"|proportion|minutes of|how long)\b|%", I)
_SUMMARY_RE = re.compile(r"\b(?:summar\w*|overview|statistics|stats|sleep efficiency|sleep eff|efficiency"
                         r"|total sleep time|tst|ahi|odi|apnea[- ]hypopnea index|desaturation "
                         r"index|how (?:well )?did .* sleep|sleep quality|architecture|waso"
                         r"|report|key (?:numbers|figures|stats|metrics|results)|sleep latency"
                         r"|headlines?(?: (?:numbers|figures|stats|results))?|main (?:numbers|figures)"
                         r"|at a glance|big picture|bottom line|tl;?dr)\b", I)
_COMPARE_RE = re.compile(r"\b(?:compare|comparison|contrast|difference|differ\w*|versus|vs\.?"
                         r"|compared (?:to|with)|relative to)\b", I)
_COMPARE_STRONG_RE = re.compile(r"\s+(?:vs\.?|versus|compared? (?:to|with)|compares (?:to|with)"
                                r"|against|relative to)\s+", I)
_ORDINAL_WORD = r"first|second|third|fourth|fifth|sixth|middle|last|final"
# "the first sleep cycle ... the last": the bare side borrows the other's noun.
_ORDINAL_NOUN_RE = re.compile(rf"\b(?:{_ORDINAL_WORD})\s+((?:sleep\s+)?cycle|(?:rem|n[123])\s+period|half"
                              r"|hour|third)\b", I)
_LATENCY_ASK_RE = re.compile(r"\b(?:how long|how much time|how many minutes)\b.*\b(?:awake|wake"
                             r"|lying|in bed|take)\b", I)
_WASO_NAME_RE = re.compile(r"\b(?:wake|awake|wakefulness)\s+(?:time\s+)?(?:(?:was there|did (?:she|he|they)"
                           r" have)\s+)?after\s+(?:sleep\s+onset|(?:she|he|they|the (?:patient|sleeper))\s+"
                           r"(?:fell|had fallen|first fell)\s+asleep)\b", I)
_WOKE_AT_RE = re.compile(r"\b(?:what|which events?) (?:woke|wakes|awoke|roused|caused|triggered|led to)\b"
                         r"|\bwhy (?:did|does|was|were|is) (?:he|she|they|the (?:patient|sleeper))"
                         r" (?:wake|waking|awake|woken)\b", I)
_WHAT_WOKE_RE = re.compile(r"\b(?:what|which events?) (?:caused|causes|triggered|led to|explains?) (?:the |"
                           r"(?:his|her|their|these|those|all the|so many) )?(?:awakenings?|wakings?"
                           r"|wake[- ]ups?|waso|wake after sleep onset)\b|\bwhy (?:did|does|do|was|were|is) (?:he|she|they|the "
                           r"(?:patient|sleeper|subject)|i) (?:keep |kept )?(?:waking|wake|woken|awake"
                           r"|wakes)(?: up)?(?: so (?:often|much))?\b|\bwhat (?:woke|wakes|kept waking)"
                           r" (?:the patient|the sleeper|him|her|them|me)(?: up)? (?:during|in|through"
                           r"(?:out)?|at) (?:the )?night\b|\bcauses? of (?:the )?(?:awakenings?"
                           r"|waking)\b"
                           # "what woke her up most often?", "what usually woke him?": every awakening's
                           r"|\bwhat (?:woke|wakes|kept waking) (?:the patient|the sleeper|him|her|them|me)"
                           r"(?: up)? (?:most(?: often)?|mostly|usually|the most)\b|\bwhat (?:usually"
                           r"|mostly|most often) (?:woke|wakes) (?:the patient|the sleeper|him|her|them"
                           r"|me)\b", I)
# "how many arousals were followed by an awakening?", "did the arousals wake her up?": the
# arousals that led into an awakening, beside what each awakening came with.
_AROUSAL_AWAKENING_RE = re.compile(
    r"\barousals?\b.{0,40}?\b(?:(?:were |was |got )?(?:followed by|led to|leading to|lead to|led into"
    r"|ended (?:in|with)|ending (?:in|with)|turned into|turning into|became|resulted in|progressed"
    r" to|went on to)\s+(?:an?\s+|full\s+|real\s+)*(?:awakenings?|wak(?:ing|e)(?:[- ]ups?)?"
    r"|wakefulness)|woke (?:him|her|them|the (?:patient|sleeper))(?: up)?|wake (?:him|her|them"
    r"|the (?:patient|sleeper)) up)\b", I)
_CONTEXT_WOKE_RE = re.compile(r"\bwhat (?:woke|roused)\b", I)
_PLOT_TREND_RE = re.compile(r"^\W*(?:please\s+|can you\s+|could you\s+)*(?:plot|graph|chart|draw|trend"
                            r"|track|show(?: me)?)\s+(?:the\s+|a\s+)?(?:trend (?:of|in)\s+(?:the\s+)?)?"
                            r"(.+?)\s+(?:across|over|through(?:out)?|during)\s+the\s+(?:whole\s+"
                            r"|entire\s+)?night\W*$", I)
_ENOUGH_RE = re.compile(r"\b(?:enough|too (?:much|little)|sufficient|adequate|normal amount of|a normal"
                        r" amount of)\s+(rem(?: sleep)?|deep sleep|n3|slow[- ]wave sleep|sws|n2|n1|light"
                        r" sleep|sleep)\b", I)
# "how much REM would you expect at this age?": that statistic against the norms
_EXPECTED_RE = re.compile(r"\bhow much (rem(?: sleep)?|deep sleep|n3|slow[- ]wave sleep|sws|n2|n1|light sleep|sleep)"
                          r" (?:would|should|do|does|could|is|would one) (?:you |one |i |we |be )?(?:expect(?:ed)?|normal"
                          r"|typical)\b", I)
_STAGE_LOW_RE = re.compile(r"^\W*(?:and\s+)?(?:is|was|are|were)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
                           r"(rem(?: sleep)?|deep sleep|n3|slow[- ]wave sleep|sws|n2|n1|light sleep)"
                           r"(?:\s+(?:percentage|percent|share|proportion|amount|time|%))?\s+(?:too\s+)?"
                           r"(?:low|high|normal|abnormal|reduced|increased|short|long|little|much)\b", I)
# A statistic named in "is that a long sleep latency?", by its row of the norms.
_NORM_ROWS = ((r"\brem latency\b", "REM latency"), (r"\b(?:sleep )?(?:onset )?latency\b", "sleep onset latency"),
              (r"\befficiency\b", "sleep efficiency"), (r"\bwaso\b", "wake after sleep onset"),
              (r"\b(?:total )?sleep time\b|\btotal sleep\b|\bhow (?:long|much) (?:she |he |they )?sle(?:pt|ep)\b",
               "total sleep time"))
# A stage named anywhere in a norms question ("how much deep sleep compared to normal?"), by
# its row of the norms; read after _NORM_ROWS, so "REM latency" is not REM.
_STAGE_NORM_ROWS = ((r"\brem\b", "REM"), (r"\b(?:deep sleep|n3|slow[- ]wave sleep|sws)\b",
                     "N3 (slow-wave sleep)"), (r"\bn2\b", "N2"), (r"\b(?:n1|light sleep)\b", "N1"))
_NORM_ROW_NAMES = frozenset(row for _, row in _NORM_ROWS + _STAGE_NORM_ROWS)


def _norm_row(text: str) -> str:
    """The row of the norms a question names first, "" for none."""
    return next((row for pattern, row in _NORM_ROWS + _STAGE_NORM_ROWS if re.search(pattern, text, I)), "")


_SYSTEM_NORMAL_RE = re.compile(r"^\W*(?:and\s+)?(?:is|was|are|were|does|did) (?:the |his |her |their )?"
                               r"(heart(?: ?rate)?|pulse(?: rate)?|breathing(?: rate)?|respiration(?: rate)?"
                               r"|respiratory rate|oxygen(?: levels?)?|spo2"
                               r"|saturation|sats?|o2) (?:look )?(?:normal|ok(?:ay)?|healthy|fine|within"
                               r" (?:the )?normal (?:range|limits))(?: for (?:an? |this |the |his |her |my |their )?"
                               r"(?:\w+[- ]?){1,3})?\W*$", I)
_KIND_CHOICE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:were|are|was|is) (?:they|these|those|it|the"
                             r" (?:events|apneas))\s+)?(?:mostly\s+|mainly\s+|more\s+|predominantly\s+)?"
                             r"(obstructive|central|mixed)\s+(?:or|vs\.?|versus)\s+(?:obstructive|central"
                             r"|mixed)(?:\s+(?:apn\w*|events?|ones))?\W*$", I)
_BARE_PAUSES_RE = re.compile(r"^\s*(?:and\s+)?(?:any|were there(?: any)?|are there(?: any)?|did it have"
                             r"(?: any)?)\s+(?:long\s+)?pauses\W*$", I)
_ONSET_BARE_RE = re.compile(r"\b(before|after)\W*$", I)
_ONSET_ANCHOR_RE = re.compile(r"\b(?:before|after)\s+((?:the\s+)?sleep\s+onset|falling asleep)\b", I)
_BARE_ORDINAL_RE = re.compile(rf"^\s*(?:the\s+)?({_ORDINAL_WORD})(?:\s+one)?\W*$", I)
_COMPARE_WEAK_RE = re.compile(r"\s+(?:with|and|or)\s+", I)
# "was the ODI higher in the first or the second half?": a comparative between two sides.
_EITHER_RE = re.compile(r"\b(?:higher|lower|more|less|fewer|worse|better|longer|shorter|deeper"
                        r"|greater|bigger|smaller|faster|slower|louder|quieter|stronger|weaker)\b"
                        r".*\bor\b", I)
_NAMED_VIEW_RE = re.compile(r"\b(?:epoch|window|screen|this one|right here)\b", I)
_WHERE_SPAN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?where\s+(?:is|was|are|were)\s*(?:it|that|this)?\W*$", I)
_SPAN_LENGTH_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:how long (?:was|is|did|does|were)(?:\s+it)?"
                             r"(?:\s+(?:last|take))?|(?:what (?:was|is) )?(?:the )?(?:length|duration)"
                             r"(?: of)?)\s*\W*$", I)
_THAN_RE = re.compile(r"\b(?:more|less|fewer|longer|shorter|faster|slower|bigger|larger|smaller"
                      r"|higher|lower|deeper|greater|worse|better|taller)\b.*\bthan\b", I)
_MEASURE_RE = re.compile(r"\b(?:stable|stability|steady|variab\w*|fluctuat\w*|regular\w*"
                         r"|average|mean|median|lowest|highest|minimum|maximum|min|max|range"
                         r"|level|levels|trend|sd|standard deviation|spread|how (?:high|low|fast"
                         r"|slow|loud)|what (?:was|is|were) the"
                         # "did her temperature drop during sleep?", "did his pulse fall?"
                         r"|(?:drop|fall|dip|declin|decreas|ris|increas|climb)\w*|fell|rose"
                         r"|(?:go|went|gone) (?:up|down))\b", I)
_DESCRIBE_RE = re.compile(r"\b(?:describe|description|what happens|what happened|what(?:'s| is"
                          r"| was) happening|what(?:'s| is| was) going on|what goes on|what went on|how (?:is|are|was|were)"
                          r"|tell me about|caption\w*|characteri[sz]e|look like)\b", I)
_PERIOD_SUMMARY_RE = re.compile(r"\b(?:summar\w*|overview|what (?:did|does) (?:it|the \w+) (?:look|show)"
                                r"|what(?:'s| is| was) in)\b", I)
_LOCATE_RE = re.compile(r"\b(?:where|when|find|show|locate|highlight|are there|is there|were"
                        r" there|was there|any|list|search|point (?:me )?to|examples?|how many"
                        r"|count|did\b.*\bever|episodes?|occurr?\w*)\b", I)
# "is there REM rebound?": REM's share and latency against the norms, as one night can show it
_REM_REBOUND_RE = re.compile(r"\brem\s+(?:sleep\s+)?rebound\b|\brebound\s+(?:of\s+)?rem\b", I)
# Chin tone in REM: REM sleep without atonia, the polysomnographic side of RBD.
_ATONIA_RE = re.compile(r"\b(?:rem (?:sleep )?without atonia|rswa|rbd|rem (?:sleep )?behaviou?r"
                        r"(?: disorder)?|dream enact\w*|act\w* out (?:\w+ )?dreams?|atonia"
                        r"|(?:chin|muscle|emg) (?:tone|activity|twitch\w*)\b.{0,25}\brem"
                        r"|rem\b.{0,25}\b(?:chin|muscle|emg) (?:tone|activity|twitch\w*)"
                        # "is the chin quiet in REM?", "was she paralysed during REM?"
                        r"|(?:chin|muscles?|emg|body|she|he|they|patient)\b.{0,20}\b(?:quiet|relaxed|silent"
                        r"|paraly[sz]ed|flat|limp|atonic|slack)\b.{0,25}\brem"
                        r"|\brem\b.{0,25}\b(?:chin|muscles?|emg)\b.{0,20}\b(?:quiet|relaxed|silent|paraly[sz]ed"
                        r"|flat|limp|atonic|slack))\b", I)
# A per-epoch feature named outright ("power", "HRV", "RMSSD", ...), which no signal series
# answers; heart rate, SpO2, breathing and snoring are series (execute.signal_stats).
_BAND_NAME = r"(?:delta|theta|alpha|sigma|beta)"
_FEATURE_ASK_RE = re.compile(rf"\b(?:power|hrv|rmssd|sdnn|heart rate variab\w*|eog|emg|how much {_BAND_NAME}"
                             rf"|{_BAND_NAME} (?:activity|content))\b"
                             # "what's the alpha like during wake?", "how strong is the alpha in W?"
                             rf"|\bwhat(?:'s| is| was) (?:the )?{_BAND_NAME}(?: rhythm)? like\b"
                             rf"|\bhow (?:strong|high) (?:is|was) (?:the )?{_BAND_NAME}\b", I)
# "what was the alpha power?", "how much delta was there?": a band over the night, by stage.
_BAND_ASK_RE = re.compile(rf"^\s*(?:what(?:'s| is| was)|how (?:much|high|strong) (?:is|was)?|how"
                          rf" much)\s+(?:the\s+)?(?:eeg\s+)?{_BAND_NAME}\b(?:\s+(?:power|activity"
                          rf"|content))?(?:\s+(?:was there|is there|over the night|in the night"
                          rf"|across the night|overall))?\W*$", I)
_HRV_RE = re.compile(r"\b(?:hrv|rmssd|sdnn|heart rate variab\w*)\b", I)
# "alpha intrusion into deep sleep", "alpha-delta sleep": alpha power where sleep is deep.
_ALPHA_INTRUSION_RE = re.compile(r"\balpha[- ](?:intrusions?|delta|wedges?|(?:wave )?intrud\w*)", I)
_SIGNAL_MEASURES = ("heart rate", "SpO2", "breathing", "snoring loudness")
# The heart's rhythm, not its rate: beat timing read from the ECG (execute.heart_rhythm).
_HEART_RE = r"(?:heart\w*|cardiac|ecg|ekg|beats?)"
_RHYTHM_RE = re.compile(
    r"\b(?:arrhythm\w*|dysrhythm\w*|ectopi\w*|extra ?systol\w*|premature (?:\w+ )?(?:beats?"
    r"|contractions?|complex\w*)|pvcs?|pacs?|(?:skipped|missed|dropped|extra) (?:heart ?)?beats?"
    r"|palpitat\w*|a-?fib\w*|atrial (?:fibrillation|flutter)|asystol\w*|sinus (?:pauses?|arrest"
    r"|rhythm|arrhythmia)|heart block|av block)\b"
    rf"|\b(?:irregular\w*|regular\w*|rhythm\w*|pauses?|stop\w*)\b.{{0,30}}\b{_HEART_RE}\b"
    rf"|\b{_HEART_RE}\b.{{0,30}}\b(?:irregular\w*|regular\w*|rhythm\w*|pauses?|stop\w*|skip\w*)\b",
    I)
_HOW_MANY_RE = re.compile(r"\b(?:how many|number of|count)\b", I)
_PER_RE = re.compile(r"\bper (min(?:ute)?|h(?:ou)?r?)\b|/ ?(min(?:ute)?|h(?:ou)?r?)\b"
                     r"|\b(densit(?:y|ies)|index|indices)\b", I)


def _per(text: str, phen: Phenomenon | None) -> str | None:
    """The rate a question asks for: "minute" or "hour" of sleep; spindle density is per
    minute by convention, other densities and indices per hour."""
    if not (m := _PER_RE.search(text)):
        return None
    # a unit named anywhere wins over a density named before it ("spindle density per hour")
    unit = next(((u.group(1) or u.group(2)).lower() for u in _PER_RE.finditer(text) if u.group(1) or u.group(2)), "")
    if unit:
        return "minute" if unit.startswith("min") else "hour"
    return "minute" if phen is not None and phen.key == "spindle" and m.group(3).lower().startswith(
        "densit") else "hour"

_RANK_WORDS: tuple[tuple[str, str], ...] = (
    # "the average desaturation after an apnea": their depths, measured (see execute.locate)
    (r"(?:average|mean|median) (?:oxygen )?desat\w*", "strongest"),
    # "the fastest heart rate", "when was her breathing slowest?": a rate's extremes
    (r"(?:fastest|quickest) (?:heart|pulse|breathing|respiratory|resp)\w*|(?:heart|pulse|breathing)(?: rate)? (?:was"
     r" |is |were )?(?:at its )?(?:fastest|quickest)", "highest"),
    (r"slowest (?:heart|pulse|breathing|respiratory|resp)\w*|(?:heart|pulse|breathing)(?: rate)? (?:was |is |were )?"
     r"(?:at its )?slowest", "lowest"),
    (r"longest|long", "longest"), (r"shortest|short", "shortest"),
    # "a good example of a K-complex", "a typical spindle": one like most of them
    (r"typical|most typical|textbook|classic|representative|good|nice", "typical"),
    (r"clearest|clear|best|strongest|most (?:obvious|prominent)|prominent"
     r"|deepest|worst|biggest|largest|severest|most (?:severe|extreme|intense)|nadir"
     # "where the oxygen dropped the most"
     r"|(?:dropp?\w*|f[ae]ll\w*|dipp?\w*|went down|go(?:es)? down) the most", "strongest"),
    (r"first|earliest", "earliest"), (r"last|latest", "latest"),
    (r"lowest|minimum|bottom(?:ed|s)? out|trough", "lowest"), (r"highest|maximum|max|peak", "highest"),
)
# "what is the deepest desaturation?" ranks the night's events; "what is a typical spindle?"
# (ranked "typical") asks for a definition with an example.
_SUPERLATIVE_RE = re.compile(r"\b(?:strongest|deepest|worst|biggest|largest|severest|most severe|nadir"
                             r"|longest|shortest)\b", I)
_RANK_RE = [(re.compile(rf"\b(?:{p})\b", I), r) for p, r in _RANK_WORDS]
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10}
_N = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
# "the first 10 minutes" is a time, not a count.
_COUNT_RE = re.compile(rf"\b(?:top|the|longest|shortest|earliest|first|strongest|clearest|best"
                       rf"|last|latest|show|list|find|give me)\s+{_N}\b(?!\s*(?:min\w*|hours?|h"
                       rf"|s|sec\w*|%|am|pm|bpm|a\.m\.|p\.m\.|o'clock)\b)|\b{_N}\s+(?:\w+\s+)?"
                       rf"(?:examples?|epochs?|regions?|episodes?|events?|ones?|apn\w*|hypopn\w*"
                       rf"|arousals?|spindles?|desat\w*|k-?complex\w*|movements?)\b", I)
_SINGLE_RE = re.compile(r"\b(?:an? (?:clear |good |single |typical |nice )?example|one example"
                        r"|the best|show (?:me |us |them |the class )?(?:one|an?)\b|and show one|show one"
                        r"|point out (?:one|an?)|point (?:one|an?) out)\b", I)
_CONDITION_RE = re.compile(
    r"\b(below|under|less than|lower than|beneath|fewer than|shorter than|above|over|more than"
    r"|greater than|higher than|longer than|exceed(?:s|ed|ing)?|at least|at most)\s+"
    r"(\d{1,3}(?:\.\d+)?)\s*"
    r"(%|percent|bpm|beats(?: per minute)?|breaths(?:\s*(?:per|/)\s*min\w*)?|/min"
    r"|s\b|sec\w*|seconds?|min\w*)?|([<>])\s*(\d{1,3}(?:\.\d+)?)\s*(%|bpm|s\b|sec\w*|min\w*)?", I)
_AGE_RE = re.compile(r"\b(\d{1,3})[- ]?(?:years?|yrs?|y/?o)\b|\baged?\s+(\d{1,3})\b", I)
# "is that normal at 76?", "how much REM at 58 is that normal": an age in a question about norms
_AT_AGE_RE = re.compile(r"\bat (?:age )?(\d{2,3})\b(?!\s*(?:%|percent|am|pm|a\.m|p\.m|:|h\b|hours?|min\w*|o'clock"
                        r"|µv|uv|bpm|sec\w*|s\b))", I)
_NORM_WORD_RE = re.compile(r"\b(?:normal|typical|usual|expected|abnormal)\b", I)


_DENSITY_STAGE_WORD = r"n1|n2|n3|nrem|non-rem|rem|sws|stage [123]"
_DENSITY_STAGE_RE = re.compile(rf"\b(?P<stage>{_DENSITY_STAGE_WORD})\s+(?:[\w-]+\s+){{0,2}}(?:density|densities|index"
                               rf"|rate|power)\b|\b(?:density|densities|index)\s+(?:for\s+)?(?P<stage2>{_DENSITY_STAGE_WORD})\b", I)


def _stage_filter(text: str) -> tuple[tuple[str, ...], str]:
    """Stages named after in/during, with any list of them ("in N2 and N3", "during N1, N2 or
    REM"); returns them and the text with that phrase removed."""
    for pattern, stages in _STAGE_FILTER_RE:
        if m := pattern.search(text):
            end, named = m.end(), set(stages)
            while more := _MORE_STAGES_RE.match(text, end):
                named.update(next(s for p, s in _STAGE_TERM_RE + [(_WAKE_TERM_RE, ("W",))]
                                  if p.fullmatch(more.group(1))), ())
                end = more.end()
            return tuple(s for s in STAGES if s in named), text[: m.start()] + " " + text[end:]
    if (m := _DENSITY_STAGE_RE.search(text)) and (stages := stage_term(m["stage"] or m["stage2"])):
        # "N2 spindle density", "spindle density N2 pls": a rate's stage named beside it
        group = "stage" if m["stage"] else "stage2"
        return stages, text[: m.start(group)] + " " + text[m.end(group):]
    if m := _BARE_STATE_RE.search(text):
        # "mean heart rate asleep", "SpO2 awake": the state right after what is measured
        stages = ("W",) if m[1].lower() == "awake" else _SLEEP_WORDS[1]
        return stages, text[: m.start(1)] + " " + text[m.end(1):]
    return (), text


_STAGING_CHANNEL_RE = re.compile(r"\b(?:which|what) (?:eeg )?(?:channel|lead|derivation|electrode)s? (?:is|are|would be"
                                 r"|works?|do you (?:recommend|suggest)|should (?:i|we) use)(?: the)? ?(?:best|better"
                                 r"|most reliable)?\b.{0,20}\b(?:for |to )(?:sleep )?(?:stag\w*|scor\w* (?:the )?stages)\b"
                                 r"|\bbest (?:eeg )?(?:channel|lead|derivation) (?:for|to) (?:sleep )?stag\w*\b"
                                 # "which EEG channel did you use for staging?", "what lead was the staging done on?"
                                 r"|\b(?:which|what) (?:eeg )?(?:channel|lead|derivation|electrode)s? (?:did|does|was|were)"
                                 r" (?:you|yasa|the (?:machine|staging|stager|scorer|app)|it) (?:use|read|pick|choose|chose"
                                 r"|used|read|picked|chosen|done on|based on|staged (?:on|from)|scored (?:on|from))\b", I)
_WOKE_AT_END_RE = re.compile(r"^\W*(?:and\s+|so\s+)?what (?:woke|awoke|roused) (?:her|him|them|the patient)(?: up)?"
                             r" (?:at the end(?: of the night)?|in the morning|for good|finally|for the last time)\W*$", I)
_WHY_NO_STAGING_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why (?:can't|cannot|can not|couldn't|could not|don't|didn't"
                                r"|won't|isn't|wasn't) (?:you|it|yasa|the (?:machine|app|scorer|staging)) (?:be )?(?:stage|staged"
                                r"|score the stages of|score the sleep (?:of|in))(?: (?:it|this|this night|the night|this"
                                r" recording|the recording|this study|the sleep|sleep))?\W*$", I)
_SLEEP_GUESS_TRUST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how|is|are) (?:reliable|accurate|good|trustworthy|precise)"
                                   r"(?: is| are)? (?:the |that |this |your )?(?:sleep (?:estimate|guess|time estimate)"
                                   r"|estimated (?:sleep|total sleep time)|guessed (?:sleep|stages)|sleep/wake guess)"
                                   r"(?: without (?:an? )?eeg| here| on this night)?\W*$", I)
_WAKE_VS_SLEEP_RE = re.compile(r"\b((?:in|during|while) (?:wake(?:fulness)?|awake))\s+(and|vs\.?|versus|or|compared (?:to|with)|against)\s+"
                               r"(?=(?:sleep|asleep)\b(?!\s+(?:spindles?|apn\w*|onset|latency|efficiency|stages?)))", I)
_FOLLOWED_BY_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:was|is) (?:it|that|this)(?: one)? (?P<how>followed|preceded"
                             r"|accompanied|terminated|ended) by|did (?:it|that|this)(?: one)? (?:end|finish"
                             r"|terminate) (?:with|in)) (?P<what>(?:an?|any) [a-z -]+?)\W*$", I)
_EEG_SPEED_RE = re.compile(r"\b(?:the\s+)?(?:eeg|brain ?waves?|brain activity|background(?: rhythm)?)\s+"
                           r"(?:(?:is|was|get|gets|got|become|became|getting)\s+)?(?P<way>slower|faster)\b", I)
_BARE_STATE_RE = re.compile(
    r"\b(?:rate|hr|spo2|saturation|sats?|oxygen|pulse|temperature|hrv|rmssd|power|breathing|amplitude"
    r"|tone|level|value|snoring|loudness)s?\s+(?:when\s+|while\s+)?(asleep|awake)\b", I)
_ONE_STAGE_RE = re.compile(r"\b(?:stage\s+)?(" + "|".join(
    p for p, _ in _STAGE_WORDS if p != r"wake(?:fulness)?|awake|w") + r"|wake(?:fulness)?|awake)\b", I)


def listed_stages(text: str) -> tuple[int, int, list[str]] | None:
    """The first list of two or more stages a text names ("N1, N2, N3 and REM"): its start and
    end offsets and each stage's words, else None."""
    for m in _ONE_STAGE_RE.finditer(text):
        words, end = [m.group(0)], m.end()
        while more := _MORE_STAGES_RE.match(text, end):
            words.append(more.group(0).strip(" ,/&").split(maxsplit=1)[-1]
                         if re.match(r"\s*(?:,\s*)?(?:and|or|&)\s", more.group(0), I)
                         else more.group(0).strip(" ,/&"))
            end = more.end()
        if len(words) > 1:
            return m.start(), end, words
    return None


def _stage_ratio_sides(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The two stage sets a "N2 to N3 ratio" question divides, or None."""
    if (m := _STAGE_RATIO_RE.search(text)) is None:
        return None
    words = [w for w in m.groups() if w]
    sides = tuple(stage_term(w) or ("W",) for w in words)
    return None if sides[0] == sides[1] else (sides[0], sides[1])


# "what stage was she in ...", "which stages were there ...": over a span, the hypnogram there
_WHICH_STAGES_RE = re.compile(r"^\W*(?:and\s+)?(?:what|which)\s+(?:sleep\s+)?stages?\s+(?:was|were|did|is|are)\s+"
                              r"(?P<who>she|he|they|the patient|the person|there|present|seen|reached)\b"
                              # "sleep stages in the first 3 hours", "what stages between 1 and 2 am?",
                              # "between 11 pm and midnight what stages?" (probe O: one epoch's
                              # model stage, or N2's periods)
                              r"|^\W*(?:and\s+)?(?:(?:what|which)\s+)?(?:the\s+)?(?:sleep\s+)?stages\s+(?=(?:in|during|over"
                              r"|between|from|for|across)\b)"
                              r"|\b(?:what|which)\s+(?:sleep\s+)?stages(?:\s+(?:was|were)\s+(?:she|he|they)(?:\s+in)?)?\W*$", I)
_STAGES_THROUGH_RE = re.compile(r"^\W*(?:and\s+)?(?:what|which)\s+(?:sleep\s+)?stages?\s+(?:did|does|do)\s+(?:she|he|they"
                                r"|the patient|the person|the sleeper|i|we)\s+(?:(?:go|pass|cycle|move|get)\s+(?:through|into)"
                                r"|have|reach|spend time in)\b", I)
"""The stages a night went through ("what stages did she go through?"): its hypnogram's summary."""
_THAT_PART_RE = re.compile(r"\b(?:in|during|over|across) (?:that|this|the same) (?:hour|period|stretch|span"
                           r"|window|part|time)\b", I)


def stage_term(text: str) -> tuple[str, ...]:
    """Stages a text names anywhere ("deep sleep" -> N3); () for none."""
    for pattern, stages in _STAGE_TERM_RE:
        if pattern.search(text):
            return stages
    return ("W",) if _WAKE_TERM_RE.search(text) else ()


# A body system named as a whole ("the breathing", "the heart"), not one of its signals or
# events ("breathing rate", "heart rhythm", "breathing events"), asked about over the night.
_SYSTEM_RE = {
    "respiratory": re.compile(r"\b(?:breathing|breathed?|respiration|respiratory|airway)\b(?!\s+(?:rate|"
                              r"frequency|events?|pauses?|stops?|stopp\w*|pattern|effort|"
                              r"disorders?|disturbance))", I),
    "heart": re.compile(r"\b(?:heart|cardiac|cardio\w*)\b(?!\s+(?:rate|rhythm|beats?|pauses?"
                        r"|variability|hrv))", I),
}
# "what should I look at first?", "what stands out?": the night's findings.
_SHOW_MOMENT_RE = re.compile(r"^\W*(?:show|take|go|zoom|jump|bring)\b|\bwhy (?:is|was) (?:it|that|this)(?: one| epoch"
                             r"| moment)? (?:so )?(?:interesting|notable|remarkable|important|striking|unusual)\b", I)
_MOST_NOTABLE_HERE_RE = re.compile(r"\bmost (?:interesting|notable|remarkable|important|striking)\b.*\bhere\W*$", I)
# "what's the single most abnormal finding?", "the biggest concern": the first finding alone
_TOP_FINDING_RE = re.compile(r"\b(?:single |one )?(?:most|biggest|main|key|top|worst|largest) (?:abnormal|important"
                             r"|striking|concerning|significant|notable|remarkable|serious|worrying)?\s*(?:finding"
                             r"|abnormality|problem|concern|issue)\b", I)
_FINDINGS_RE = re.compile(r"^\W*(?:give me |show me |what are |list )?(?:the )?(?:highlights|key points"
                          r"|takeaways|take-aways|bottom line|tl;?dr|gist)\W*$"
                          # "why is it interesting?" after the most interesting moment shown
                          r"|\bwhy (?:is|was) (?:it|that|this)(?: one| epoch| moment)? (?:so )?(?:interesting|notable"
                          r"|remarkable|important|striking|unusual)\W*$"
                          r"|\bwhat (?:should|do|would|could) (?:i|we|you|they|my students|the students"
                          r"|students|a student|the class|a trainee|trainees) (?:look at|check|review|focus on"
                          r"|notice|look for|pay attention to)(?: first| next)?\b"
                          r"|\bwhat else (?:should|do|would|could|can) (?:i|we) (?:look at|check|review|look for|know)\b"
                          # "what should I teach about this night?": what stands out in it
                          r"|\bwhat (?:should|could|would|can) (?:i|we) (?:teach|demo|point out|highlight|show (?:my |the )?"
                          r"(?:students|class|trainees))\b|\bteaching points?\b"
                          r"|\bwhat stands? out\b|\b(?:key|main|notable|important)"
                          r" findings\b|\bfindings\b|\bhighlights of (?:the|this) (?:night|recording|study)\b"
                          r"|\b(?:most|anything) (?:interesting|notable|remarkable|important|striking)\b"
                          r"|\banything (?:of note|worth (?:noting|a look|looking at))\b|\bred flags?\b"
                          r"|\bwhat(?:'s| is) (?:wrong|notable|remarkable)\b"
                          # "what's unusual?", "anything out of the ordinary?": the findings, of
                          # which the norms are a part
                          r"|\bwhat(?:'s| is| was| were)\s+(?:unusual|abnormal|odd|strange|out of the ordinary)\b"
                          r"|\banything\s+(?:unusual|abnormal|odd|strange|out of the ordinary)\b"
                          # "anything I should flag?", "what would you flag for the physician?"
                          r"|\b(?:what|anything)\b.{0,25}\bflag(?:ged)?\b(?!\s+(?:channels?|leads?|epochs?|signals?))"
                          r"|\b(?:anything|what(?:'s| is| was)?)\s+(?:\w+\s+)?(?:concerning|worrying|worrisome|alarming"
                          r"|of concern|dangerous|serious|urgent|critical)\b(?!\s+about)|" + _TOP_FINDING_RE.pattern, I)
_OXYGEN_OVERVIEW_RE = re.compile(r"\b(?:summar\w*|overview|overall|describe|tell me about)\b.{0,30}"
                                 r"\b(?:oxygen(?:ation)?|spo2|saturation|oximetry)\b", I)
# "breathing?", "the heart": a system named alone is asked about as a whole ("and the
# heart?" is a follow-up, left to the conversation).
_BARE_SYSTEM_RE = re.compile(r"^\W*(?:the\s+|his\s+|her\s+|their\s+)?(?:breathing|respiration"
                             r"|respiratory(?: system)?|heart|cardiac)\W*$", I)
_OVERVIEW_RE = re.compile(r"\b(?:summar\w*|overview|overall|in general|generally|describe"
                          r"|(?:going on|happening|the matter|wrong) with"
                          r"|tell me about|report|how (?:was|were|did|is|are|does)|(?:was|were|is"
                          r"|are) (?:the |his |her |their )?\w+ (?:bad|ok|okay|fine|good|poor|"
                          r"disturbed|abnormal|alright|all right))\b", I)


def _system_overview(text: str, time: TimeSpan | None) -> str | None:
    """The body system a whole-night overview question is about ("how was the breathing
    overall?", "summarize the heart"), else None; a scope or a named measure leaves it."""
    if time is not None and time.kind == "current" or stage_term(text) or not (_OVERVIEW_RE.search(text)
                                                     or _BARE_SYSTEM_RE.search(text)):
        return None
    if find_phenomenon(text) is not None or _stat(text) is not None or re.search(r"\d", text):
        return None
    if any(pattern.search(text) for _, pattern in _BY_RE):
        return None  # "how does breathing change across the night?" splits it by hour
    if _OXYGEN_OVERVIEW_RE.search(text):
        return "respiratory"   # "summarize the oxygen": the breathing overview leads with it
    return next((name for name, pattern in _SYSTEM_RE.items() if pattern.search(text)), None)


def _modality(text: str) -> str | None:
    for name, pattern in _MODALITY_RE.items():
        if pattern.search(text):
            return name
    return None


def _signal(text: str) -> str | None:
    hits = [(m.start(), name) for name, p in _SIGNAL_RE.items() if (m := p.search(text))]
    return min(hits)[1] if hits else None


def _number(word: str) -> int:
    return _NUM_WORDS.get(word.lower()) or int(word)


def _signal_rank(rank: str | None, signal: str | None) -> str | None:
    """"the temperature nadir", "the deepest saturation": a falling signal's strongest is its
    lowest value."""
    return "lowest" if rank == "strongest" and signal in ("spo2", "temp") else rank


def _rank(text: str) -> str | None:
    for pattern, rank in _RANK_RE:
        if pattern.search(text):
            return rank
    return None


# "when was the first apnea?", "the longest hypopnea", a bare "longest apnea": one, named in the
# singular.
_THE_ONE_RE = re.compile(r"(?:^\W*|\b(?:the|her|his|their|my|our|the patient's) )(?:very )?(?:first|last|longest|shortest"
                         r"|earliest|latest|deepest"
                         r"|biggest|worst|strongest|clearest|best)\s+(?:[\w-]+\s+)?"
                         r"(?!\w+s\b)(?:apn\w*|hypopn\w*|arousal|spindle|desat\w*|k-?complex"
                         r"|event|episode|one|movement|drop|dip|example|obstructive|central)\b", I)


def _count(text: str) -> int | None:
    if m := _COUNT_RE.search(text):
        return _number(m.group(1) or m.group(2))
    return 1 if _SINGLE_RE.search(text) or _THE_ONE_RE.search(text) else None


def _bounds(text: str) -> Iterator[tuple[str, float, str, float | None]]:
    """Each bound the words set ("below 90 %", "> 20 s"): its word, value, unit (lower case,
    "" for none) and, for a length, the value in seconds (else None)."""
    for m in _CONDITION_RE.finditer(text):
        word, value, unit = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
            m.group(4), m.group(5), m.group(6))
        unit = (unit or "").lower()
        length = (float(value) * (60.0 if unit.startswith("min") else 1.0)
                  if unit.startswith(("s", "min")) and not unit.startswith("sp") else None)
        yield word, float(value), unit, length


def _conditions(text: str, signal: str | None) -> tuple[Condition | None, float | None]:
    """A numeric condition on a signal and a minimum duration in seconds, from the words."""
    condition, duration = None, None
    for word, value, unit, length in _bounds(text):
        if length is not None:
            if not _SHORTER_RE.match(word):   # "shorter than 15 s" is a longest length
                duration = length
            continue
        op = ">" if word.lower() in (">", "above", "over", "more than", "greater than",
                                     "higher than", "at least", "longer than") or word.lower(
        ).startswith("exceed") else "<"
        chosen = next((s for u, s in _UNIT_SIGNAL.items() if unit.startswith(u)), signal)
        if chosen is None and not unit and op == "<" and 70 <= value < 100:
            chosen = "spo2"   # "minutes below 90": a saturation, as T90 counts it
        if chosen is not None:
            condition = Condition(chosen, op, value)
    return condition, duration


_SHORTER_RE = re.compile(r"below|under|less than|lower than|beneath|fewer than|shorter than|at most"
                         r"|<", I)


def _max_duration(text: str) -> float | None:
    """The longest length in seconds a question allows ("hypopneas shorter than 15 s"), else None."""
    return next((length for word, _, _, length in _bounds(text)
                 if length is not None and _SHORTER_RE.match(word)), None)


def _disorder(text: str) -> str | None:
    """The disorder a diagnosis question asks about ("does he have sleep apnea?"), else None;
    a disorder named in a question that is not about having it ("what is insomnia?") is not."""
    name = next((n for n, p in _DISORDER_RE if p.search(text)), None)
    return name if name is not None and (_DIAGNOSIS_RE.search(text) or _BARE_DISORDER_RE.match(text)) else None


_DEPTH_RE = re.compile(r"(\d{1,2}(?:\.\d+)?)\s*(?:%|percent|percentage points?|points?)", I)
MAX_DEPTH = 50.0
"""A percentage below this in a question about desaturations is a fall in SpO2 (% points),
not an SpO2 level: no one is measured at such a saturation."""


_LIST_EVERY_RE = re.compile(r"^\W*(?:(?:please\s+)?(?:list|show|give|print|tabulate|export)(?: me| us)?\s+(?:all|every|each)\b"
                            r"|(?:a |the )?(?:table|list|listing) of (?:all |every |the )?(?:\w+ )?events?\b)", I)
"""Every event asked for, not the longest few ("list all apneas", "table of events")."""
_NTH_RANKED_RE = re.compile(r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th)[- ](longest|shortest|deepest|lowest|worst"
                            r"|biggest|largest|strongest|highest|earliest|latest)\b", I)
"""One event by its place in a ranking ("the second longest apnea", "the 3rd deepest desaturation")."""
_NTH = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}


def _nth_ranked(query: Query, text: str, phen: Phenomenon) -> Query:
    """"the second longest apnea": one event, the ranking's first ones passed over; a
    desaturation's lowest or worst is its deepest."""
    if phen.key == "desaturation" and query.rank in ("lowest", "highest", "largest", "worst", "biggest"):
        query = replace(query, rank="strongest")   # "the lowest desaturation": the deepest fall
    m = _NTH_RANKED_RE.search(text)
    if m is None:
        return query
    return replace(query, count=1, skip=_NTH[m.group(1).lower()] - 1)


def _depth(text: str, condition: Condition | None,
           phen: Phenomenon | None) -> tuple[Condition | None, float | None]:
    """("desaturations of 4 % or more") the condition left and the depth asked, % points."""
    if phen is None or "desaturation" not in phen.event_types:
        return condition, None
    m = _DEPTH_RE.search(text)
    if m is None or float(m.group(1)) >= MAX_DEPTH:
        return condition, None
    is_depth = condition is not None and condition.signal == "spo2" and condition.value < MAX_DEPTH
    return (None if is_depth else condition), float(m.group(1))


def _labels(text: str) -> tuple[str, ...]:
    """The user's class labels: "as wake, drowsy or asleep" -> (wake, drowsy, asleep)."""
    m = _LABELS_RE.search(text) or _LABELS_Q_RE.search(text)
    if not m:
        return ()
    words = next(g for g in m.groups() if g)
    words = re.sub(r"[?.!]+$", "", words.strip())
    parts = [p.strip(" '\"") for p in re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s*/\s*|\s*;\s*",
                                                words)]
    parts = [re.sub(r"^(?:an?|the)\s+", "", p, flags=I) for p in parts if p]
    return tuple(parts) if len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts) else ()


def _age(text: str) -> int | None:
    if m := _AGE_RE.search(text):
        age = int(m.group(1) or m.group(2))
        return age if 1 <= age <= 110 else None
    if _NORM_WORD_RE.search(text) and (m := _AT_AGE_RE.search(text)):
        return int(m.group(1)) if 10 <= int(m.group(1)) <= 110 else None
    return None


@lru_cache(maxsize=1)
def intent_bank() -> PhraseBank:
    return PhraseBank(bank.INTENT_PHRASES, bank.INTENT_THRESHOLD)


@lru_cache(maxsize=1)
def thing_bank() -> PhraseBank:
    phrases = dict(bank.THING_PHRASES)
    for p in PHENOMENA:
        phrases[f"phenomenon:{p.key}"] = (p.title,) + p.synonyms
    return PhraseBank(phrases, bank.THING_THRESHOLD)


# Framing words removed to leave the thing the user is looking for.
_FRAME_RE = re.compile(
    r"\b(?:where|when|what|which|how|find|show|me|us|locate|highlight|search|for|are|is|was|were"
    r"|there|any|the|a|an|of|some|please|can|could|you|i|see|do|does|did|in|this|that|it"
    r"|recording|night|patient|person|give|clear|clearest|best|good|typical|example|examples"
    r"|longest|shortest|strongest|most|obvious|prominent|top|all|happen|happens|happened|occur"
    r"|occurs|occurred|occurring|during|look|looks|like|describe|tell|about|explain|happening"
    r"|going|on|epochs?\s+with|epochs?|regions?|periods?|episodes?|to|point|get|want|need|let's"
    r"|lets|whole|first|earliest|last|latest|one|with|have|has|had|and|at|moments?|times?"
    r"|retrieve|list|many|much|ever|they|their|he|she|his|her|we|our|any|anywhere|scored"
    r"|events?|(?:from|in)\s+the\s+library)\b", I)


def _target(text: str) -> str:
    words = _FRAME_RE.sub(" ", re.sub(r"[?!.,;:]|\b\d+\b", " ", text))
    return " ".join(words.split()).lower()


def _thing(text: str) -> tuple[Phenomenon | None, tuple[str, ...], str | None, tuple[str, float] | None]:
    """(phenomenon, stages, signal) named by synonym through the semantic layer."""
    target = _target(text)
    if not target:
        return None, (), None, None
    if re.fullmatch(r"(?:sleep(?:ing)?|asleep)", target.strip(), I):
        return None, _SLEEP_WORDS[1], None, None   # "was there any sleep before 22:00?"
    match = thing_bank().classify(target)
    if match is None:
        return None, (), None, None
    kind, _, key = match.label.partition(":")
    seen = (match.label, match.cosine)
    if kind == "phenomenon":
        return next(p for p in PHENOMENA if p.key == key), (), None, seen
    if kind == "stage":
        return None, stage_term(key) or (key,), None, seen
    return None, (), key, seen


# "what should students notice here?", "how can you tell she fell asleep here?": what the
# stage rules read in the epoch on screen
_NOTICE_HERE_RE = re.compile(r"^\W*(?:and\s+|so\s+|now\s+)?(?:what (?:should|would|do|does|can|could|will|might)"
                             r" (?:i|we|you|they|students|my students|the students|the class|a student|trainees)"
                             r" (?:see|notice|look for|look at|spot|pick out)|how (?:can|do|does|could|would)"
                             r" (?:you|we|i|one|a scorer|a student|students) (?:tell|see|know) (?:that )?(?:she|he"
                             r"|they|the patient|the sleeper|this person)(?:'s| is| was| has| had)? (?:fell|fallen"
                             r"|falls|asleep|sleeping|in (?:rem|n[123]|deep sleep)))(?: asleep)?\s+(?:here|now|in this"
                             r" epoch|on this screen|at this point|then|there)\W*$", I)
# "is that big enough for N3?" after a slow wave: the evidence for its epoch's stage
_ENOUGH_FOR_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was|are|were) (?:that|it|this|they|these|those)"
                            r"(?: one)? (?:big|large|high|tall|long|slow|deep|frequent) enough (?:for|to (?:count|score)"
                            r"(?: as)?|to make (?:it|the epoch)) (?:stage )?(n1|n2|n3|rem|deep sleep|slow[- ]wave sleep)\W*$", I)


# "and 30 minutes later?", "what about an hour earlier?": the last question's time moved
_SHIFT_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+|now\s+)?(?:(?:what|how)\s+about\s+|what\s+(?:happened|was"
                       r" happening|was going on|about)\s+|(?:show|take|move|go)(?: me| us)?(?: to)?\s+)?(?:(?P<half>half an?)"
                       r"|(?P<n>\d{1,3}|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty(?:-five)?|sixty))"
                       r"\s*(?P<unit>s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\s+(?:(?P<dir>later|earlier)"
                       r"(?:\s+(?:than that|on|then))?|(?P<bare>after|before)(?:wards?)?)\W*$", I)


_BEST_MATCH_RE = re.compile(r"^\W*(?:and\s+|ok(?:ay)?,?\s+|now\s+|so\s+)?(?:(?:show|give)(?: me| us)?|open|plot|pick"
                            r"|(?:zoom|go|jump|take me)(?: in)?(?: to| into| on)?)\s+(?:the\s+)?(?:best|top|closest"
                            r"|nearest|most similar)(?: \w+)?\s+(?:match|hit|result|one)\W*$", I)


# "back 5 minutes", "go forward 10 minutes", "5 minutes back": the view moved by that much
_SHIFT_WORD_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+|now\s+)?(?:(?:go|move|skip|jump|scroll|step)\s+)?"
                            r"(?:(?P<dir>back(?:wards?)?|forwards?|ahead)\s+(?:by\s+)?(?:(?P<half>half an?)"
                            r"|(?P<n>\d{1,3}|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty(?:-five)?"
                            r"|sixty))\s*(?P<unit>s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)"
                            r"|(?:(?P<half2>half an?)|(?P<n2>\d{1,3}|an?|one|two|three|four|five|ten|fifteen|twenty"
                            r"|thirty|forty(?:-five)?|sixty))\s*(?P<unit2>s|secs?|seconds?|m|mins?|minutes?|h|hrs?"
                            r"|hours?)\s+(?P<dir2>back(?:wards?)?|forwards?|ahead))\W*$", I)


def _shift(text: str) -> Query | None:
    """"and 30 minutes later?", "back 5 minutes": a follow-up that moves the last time asked
    about, or None."""
    if (w := _SHIFT_WORD_RE.search(text)) is not None:
        ahead = not (w["dir"] or w["dir2"]).lower().startswith("back")
        text_as = (f"{w['half'] or w['half2'] or w['n'] or w['n2']} {w['unit'] or w['unit2']} "
                   f"{'later' if ahead else 'earlier'}")
        return replace(_shift(text_as), text=text)
    if (m := _SHIFT_RE.search(text)) is None:
        return None
    words = {**_NUM_WORDS, **_TENS, "a": 1, "an": 1, "forty-five": 45}
    amount = 0.5 if m.group("half") else float(words.get(m.group("n").lower(), m.group("n")))
    unit = m.group("unit").lower()
    seconds = amount * (3600.0 if unit.startswith("h") else 60.0 if unit.startswith("m") else 1.0)
    later = (m.group("dir") or m.group("bare")).lower() in ("later", "after")
    return Query(Intent.NAVIGATE, text, ref=Ref.REPEAT, note="shift", window=seconds,
                 step=1 if later else -1, by_rule=True)


_ON_THIS_NIGHT_RE = re.compile(r"^\W*(?:(?:can|could|would) you\s+|please\s+)?(?:(?:show|find|point out|highlight|mark)"
                               r"(?:\s+me)?(?:\s+(?:it|them|one|some|those|these|that|this))?|where\s+(?:are|is|were|was|do"
                               r"|does|can i see)\s+(?:it|they|them|those|these|one|some)(?:\s+(?:occur|appear|happen|show))?)"
                               r"\s+(?:on|in|during|from|across)\s+(?:this|the|my|our|her|his|their|tonight's)\s+"
                               r"(?:night|recording|study|patient|file|data|psg|sleep)\W*$"
                               r"|^\W*(?:show|find)\s+(?:it|them|one|some)\s+here\W*$"
                               # "is there any on this night?", "did the patient have any?"
                               r"|^\W*(?:and\s+|so\s+)?(?:(?:is|are|was|were) there (?:any|some|one)(?: of (?:it|them|those"
                               r"|these|that))?|(?:does|did) (?:this|the|my|our|her|his|their) (?:night|recording|study"
                               r"|patient|file|psg) (?:have|show|contain)(?: any| it| them| some| one)?|any(?: of (?:them"
                               r"|those|these))?(?= (?:on|in|during) )|(?:does|did) (?:she|he"
                               r"|they|the patient|this patient) have (?:any|it|them|some))(?:\s+(?:on|in|during)\s+(?:this"
                               r"|the|my|our|her|his|their|tonight's)\s+(?:night|recording|study|patient|file|data|psg|sleep))?"
                               r"\W*$", I)


def _followup(text: str, time: TimeSpan | None) -> Query | None:
    """A question that refers back to the dialogue, or None."""
    if _FINDINGS_RE.search(text):
        return None   # "what should I look at first?" asks for the findings, not an item
    if (shifted := _shift(text)) is not None:
        return shifted
    if _BEST_MATCH_RE.search(text):
        # "show me the best match" after a search: its first, as "the first one" is
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, ordinal=0)
    if _WIDEN_RE.search(text):
        # "and over the whole night?": the last question, its stage and time limits dropped
        return Query(Intent.NAVIGATE, text, ref=Ref.REPEAT, note="whole_night", by_rule=True)
    if m := _ENOUGH_FOR_RE.search(text):
        # the epoch of the event in focus against that stage's rule (Dialogue.resolve)
        return Query(Intent.CLASSIFY, text, stage_event="why", ref=Ref.ITEM,
                     scope=Scope(stage_term(m.group(1))), by_rule=True)
    if _ON_THIS_NIGHT_RE.search(text):
        # "show me on this night" after "what is a spindle?": every one of them in the night
        return Query(Intent.LOCATE, text, ref=Ref.EXAMPLE, note="on_night")
    words = len(text.split())
    if (_VS_HEALTHY_RE.search(text) and (age := _age(text)) is not None) or (
            _VS_ADULT_RE.search(text) and (age := ADULT_NORM_AGE)):
        # "how does this compare to a healthy 30 year old?": the norms of that age; "how does
        # their deep sleep compare to an adult's?": that stage's row first
        stages = stage_term(text)
        return Query(Intent.NORMAL, text, age=age, target=ROW_OF_STAGE.get(stages[0], "") if len(stages) == 1 else "",
                     by_rule=True)
    if _SPREAD_REF_RE.search(text):
        # "and its interquartile range?" after a signal: the same reading, its quartiles first
        return Query(Intent.MEASURE, text, ref=Ref.REPEAT, note="quartiles", by_rule=True)
    if _AS_TABLE_RE.search(text):
        # "make that a table": the last answer's figures laid out as a table (Dialogue.resolve)
        return Query(Intent.SUMMARY, text, stat="architecture", ref=Ref.REPEAT, note="table", by_rule=True)
    if _WHICH_RIGHT_RE.search(text):
        # "which one is right?" after the stagings disagreed: how each fares against experts
        return Query(Intent.RECORDING, text, topic="scoring", note="which_right", by_rule=True)
    if (_THEY_DISAGREE_RE.search(text) and not re.search(r"\bwhere\b", text, I)):
        # "how many epochs do they disagree on in REM?": the disagreement, in those stages
        return Query(Intent.RECORDING, text, topic="scoring", note="disagree", scope=Scope(stage_term(text)),
                     by_rule=True)
    if _INVENTORY_RE.search(text):
        # "list every event type you found", "what was scored?": the scoring counted by type
        return Query(Intent.RECORDING, text, topic="scoring", note="inventory", by_rule=True)
    if m := _COMMONEST_RE.search(text):
        # "which is most common?", "show me the least common one": the commonest (rarest)
        # type of the last list of types (Dialogue.resolve)
        return Query(Intent.RECORDING, text, topic="scoring", note="inventory", ref=Ref.REPEAT,
                     target="least" if re.search(r"least|rarest", m.group(0), I) else "most",
                     rank="shown" if re.match(r"\W*(?:show|go|take|zoom)", text, I) else None)
    if m := _FOCUS_RE.search(text):
        word = m.group(1).lower()
        digits = re.findall(r"\d+", word)
        ordinal = int(digits[0]) - 1 if digits else _ORDINALS.get(word, 0)
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, ordinal=ordinal)
    if _FOCUS_IT_RE.search(text):
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS)
    if m := _FOCUS_RANK_RE.search(text):
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, rank=_rank(m.group(1)))
    if m := _WHICH_RANK_RE.search(text):
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, rank=_rank(m.group(1)))
    if m := _NTH_RANK_RE.search(text):
        # "and the second lowest?" after the SpO2 nadir: the next item of the list in that
        # ranking (Dialogue._focus), never the same answer again
        word = m.group(1).lower()
        digits = re.findall(r"\d+", word)
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, note=f"nth:{_rank(m.group(2))}",
                     ordinal=int(digits[0]) - 1 if digits else _ORDINALS.get(word, 0))
    if m := _WHEN_ORDINAL_RE.search(text):
        word = m.group(1).lower()
        digits = re.findall(r"\d+", word)
        ordinal = int(digits[0]) - 1 if digits else _ORDINALS.get(word, 0)
        # "when was the first one?": the night's first of them, whatever order they were listed
        # in; "how long was the third one?": the third listed
        note = "in_time" if ordinal in (0, -1) else "length" if re.search(r"\bhow long\b", text, I) else None
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, ordinal=ordinal, note=note)
    if m := _ANY_LONG_RE.search(text):
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, rank="longest" if m.group(1) else "strongest")
    if (m := AND_ORDINAL_RE.search(text)) and re.search(r"\b(?:in|for)\b", text, I):
        word = m.group(1).lower()
        digits = re.findall(r"\d+", word)
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS,
                     ordinal=int(digits[0]) - 1 if digits else _ORDINALS.get(word, 0))
    if m := _PICK_RE.search(text):
        if m.group(1):
            return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, rank=_rank(m.group(1)))
        if m.group(2):
            word = m.group(2).lower()
            digits = re.findall(r"\d+", word)
            ordinal = int(digits[0]) - 1 if digits else _ORDINALS.get(word, 0)
            return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, ordinal=ordinal)
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS)
    if m := _ONE_AFTER_RE.search(text):
        # "and the one after that?": the next item of the list, not the time after it
        return Query(Intent.NAVIGATE, text, ref=Ref.STEP,
                     step=1 if m.group(1).lower() == "after" else -1)
    if m := _EPOCHS_STEP_RE.search(text):
        # "go forward 2 epochs", "back three epochs": that many epochs from the one on screen
        n = int(NUMBER_WORDS.get(m["n"].lower(), m["n"]))
        return Query(Intent.NAVIGATE, text, step=n if m["way"].lower() in _AHEAD else -n, by_rule=True)
    if m := _STEP_RE.search(text):
        step = 1 if m.group(1).lower() in ("next", "following") else -1
        epoch = (m.group(2) or "").lower() == "epoch"
        return Query(Intent.NAVIGATE, text, ref=Ref.NONE if epoch else Ref.STEP, step=step)
    if (m := _STEP_KIND_RE.search(text)) and (phen := find_phenomenon(m.group(2))) is not None:
        return Query(Intent.NAVIGATE, text, phen.key, target=m.group(2), modality=phen.level,
                     ref=Ref.STEP, step=1 if m.group(1).lower() in ("next", "following") else -1)
    if _BACK_RE.search(text) and words <= 6:
        return Query(Intent.NAVIGATE, text, ref=Ref.BACK)
    if m := _CONTEXT_RE.search(text):
        side = m.group(2) or m.group(5) or ("after" if m.group(6) or m.group(7) else "")
        return Query(Intent.DESCRIBE, text, ref=Ref.CONTEXT,
                     step=1 if side.lower() in ("after", "following") else -1,
                     modality=_modality(text), window=_context_length(text),
                     rank=_extreme(text),   # "how low did the oxygen go after it?"
                     measure="spo2_recovery" if _RECOVERY_RE.search(text) else None)
    if (age := _age(text)) is not None and _REPEAT_RE.search(text) and words <= 9:
        # "how about for a 70 year old?": the norms again, for that age
        return Query(Intent.NORMAL, text, age=age, by_rule=True)
    if DIFFERENT_REF_RE.search(text):
        # "how is that different?" with no second kind the dialogue can find (Dialogue._meaning)
        return Query(Intent.EXPLAIN, text, ref=Ref.MEANING, note="differ")
    if _MEANING_RE.search(text):
        return Query(Intent.EXPLAIN, text, ref=Ref.MEANING)
    if _HOW_MUCH_REF_RE.search(text):
        # "how much was there?" after "show me N3": that stage's time
        return Query(Intent.STAGE_AMOUNT, text, ref=Ref.REPEAT, by_rule=True)
    if _MOST_SIMILAR_RE.search(text):
        # "which one is most similar?" after a library search: its best match, picked
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, rank="strongest")
    if _LIKENESS_REF_RE.search(text):
        # "how similar are they?": the last library search, judged (Dialogue.resolve)
        return Query(Intent.SIMILAR, text, ref=Ref.REPEAT, note="likeness", by_rule=True)
    if m := _WHICH_MORE_REF_RE.search(text):
        # "which had more N3?": the last comparison again, that row's side first
        return Query(Intent.COMPARE, text, target=comparison_row(m.group("what")), ref=Ref.REPEAT,
                     note="which_side", by_rule=True)
    if _WHICH_SIDE_REF_RE.search(text):
        # "which is higher?": the last comparison, its side named first (Dialogue.resolve)
        return Query(Intent.COMPARE, text, ref=Ref.REPEAT, note="which_side", by_rule=True)
    if _SIGNIFICANT_REF_RE.search(text):
        # "is that difference significant?": the last comparison, tested (Dialogue.resolve)
        return Query(Intent.COMPARE, text, ref=Ref.REPEAT, note="significance", by_rule=True)
    if _IS_THAT_HIGH_RE.search(text):
        # "is that high?": the night's figures against the norms of healthy sleepers; "is that
        # a long sleep latency?" that statistic's first
        row = next((row for pattern, row in _NORM_ROWS if re.search(pattern, text, I)), "")
        return Query(Intent.NORMAL, text, target=row, by_rule=True)
    if _WHY_REF_RE.search(text):
        return Query(Intent.CLASSIFY, text, ref=Ref.WHY)
    if (m := _WHY_KIND_RE.search(text)) and (phen := find_phenomenon(m.group("kind"))) is not None and (
            phen.event_types):
        # "why is that a K-complex?": what makes the event shown one (Dialogue._why)
        return Query(Intent.EXPLAIN, text, phen.key, target=phen.title, ref=Ref.WHY, by_rule=True)
    if EACH_EXAMPLE_RE.search(text):
        # "show me one of each" after "how is a hypopnea different from an apnea?"
        return Query(Intent.LOCATE, text, ref=Ref.EXAMPLE, count=1, note="each")
    if (m := _CLEAREST_RE.search(text)) and m["more"]:
        return Query(Intent.LOCATE, text, ref=Ref.EXAMPLE, count=1, rank="strongest")
    if (m := (_EXAMPLE_REF_RE.search(text) or _ANOTHER_RE.search(text) or _CLEAREST_RE.search(text))) and not (
            _UNMEASURED_RE.search(text)):   # "show me some sawtooth waves" names what no detector reads
        some = re.search(r"\b(?:some|(?<!one )more)\b", m.group(0), I)
        return Query(Intent.LOCATE, text, ref=Ref.EXAMPLE, count=None if some else 1)
    if _SHARE_REF_RE.search(text):
        return Query(Intent.LOCATE, text, ref=Ref.SHARE)
    if _LIST_REF_RE.search(text) or _WHERE_REF_RE.search(text):
        return Query(Intent.LOCATE, text, ref=Ref.LIST)
    if m := _KIND_ONE_RE.search(text):
        # "show me a central one" after apneas: an apnea of that type; "a spontaneous one"
        # after arousals: an arousal of that cause
        kind = (m.group("kind") or m.group("kind2")).lower()
        noun = "apnea" if kind in ("central", "obstructive", "mixed") else "arousal"
        return replace(_understand(f"show me {article(kind)} {noun}"), text=text)
    if m := _KIND_OF_THEM_RE.search(text):
        kind = m.group("kind").lower()
        key = f"{kind}_apnea" if kind in ("central", "obstructive", "mixed") else "arousal"
        return Query(Intent.LOCATE, text, key, ref=Ref.REPEAT, how_many=True, by_rule=True)
    if (m := _TIE_REF_RE.search(text)) and (tied := find_phenomenon(m.group(1))) is not None \
            and tied.event_types:
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True, together=tied.key)
    if (m := _WITH_REF_RE.search(text)) and (tied := find_phenomenon(m.group(2))) is not None \
            and tied.event_types:
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True, together=tied.key,
                     apart=m.group(1).lower() == "without")
    if m := _COUNT_REF_RE.search(text):
        # "how many were there per hour?": the count as a rate per hour of sleep
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True,
                     per=m.group(1) and m.group(1).lower())
    if _COUNT_IN_RE.search(text):
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True)
    # "when was the oxygen lowest and what was happening then?" asks for its own extreme;
    # "what was the lowest saturation during it?" for the item's.
    if _ITEM_RE.search(text) and time is None and _topic(text) != "quality" and (_DURING_IT_RE.search(text) or not (
            _signal(text) and _rank(text) in ("highest", "lowest"))):
        if (phen := find_phenomenon(text)) is not None and phen.event_types:
            # "any apneas in it?": that phenomenon inside the item, not the item described
            return Query(Intent.LOCATE, text, phen.key, phen.title.lower(), ref=Ref.ITEM,
                         how_many=bool(_HOW_MANY_RE.search(text)), modality=phen.level)
        return Query(Intent.DESCRIBE, text, ref=Ref.ITEM, modality=_modality(text),
                     signal=_signal(text), rank=_rank(text) if _signal(text) else None)
    if _COMPARE_WITH_RE.search(text) and not _AGAINST_NORMS_RE.search(text):
        return Query(Intent.COMPARE, text, ref=Ref.COMPARE_WITH,
                     groups=(Scope(), Scope(stage_term(text), time)))
    if _REFINE_RE.search(text):
        return Query(Intent.LOCATE, text, ref=Ref.REFINE)
    return None


# Intents a short "and ...?" question cannot be a follow-up of: they are asked anew.
_NEW_QUESTION = (Intent.HELP, Intent.OFF_TOPIC, Intent.MEDICAL, Intent.SUMMARY, Intent.NORMAL,
                 Intent.SIMILAR, Intent.SHOW, Intent.COMPARE, Intent.NAVIGATE)

# "how about her heart rate overnight?": the whole night, never the last list's events or span
_WHOLE_NIGHT_RE = re.compile(r"\b(?:overnight|all night(?: long)?|(?:over|across|through(?:out)?|during|for)"
                             r" the (?:whole |entire )?night)\W*$", I)

_WIDEN_RE = re.compile(r"^\W*(?:and|what about|how about|now|ok(?:ay)?,?(?: and| what about)?)\s+(?:(?:in|for|over"
                       r"|across|during|through(?:out)?)\s+)?(?:(?:the|this)\s+(?:whole|entire|full)\s+(?:night|recording"
                       r"|study)|overnight|all night(?: long)?|the night as a whole)\W*$", I)


def _repeat(query: Query, text: str, stages: tuple[str, ...], by_rule: bool) -> Query:
    """"and in REM?", "what about breathing?": a short question naming only new slots (an
    intent only the semantic layer saw does not make it a new question)."""
    if query.intent == Intent.COMPARE and query.groups:
        return _split_followup(query, text)
    # "and the WASO?" after the efficiency in the main sleep period: a statistic of the same span
    stat_followup = query.intent == Intent.SUMMARY and query.stat and query.scope.time is None
    if (_REPEAT_RE.search(text) and len(text.split()) <= 7 and not _WHOLE_NIGHT_RE.search(text)
            and not (by_rule and query.intent in _NEW_QUESTION and not stat_followup)):
        ordinal = _ONE_OF_RE.search(text)
        # "and the heart?" names a body system as a whole: after an overview, its overview.
        system = next((name for name, pattern in _SYSTEM_RE.items() if pattern.search(text)), None)
        if query.phenomenon is None and (kind := _APNEA_KIND_RE.search(text)):
            # "and a central one?" after obstructive apneas: that kind of apnea
            query = replace(query, phenomenon=f"{kind.group(1).lower()}_apnea", target="")
        return replace(query, ref=Ref.REPEAT, scope=replace(query.scope, stages=stages),
                       modality=system or query.modality,
                       topic=query.topic or (system and "system") or next(
                           (name for name, pattern in _BARE_TOPIC_RE if pattern.search(text)),
                           None),
                       ordinal=_ORDINALS[ordinal.group(1).lower()] if ordinal else query.ordinal)
    return query


def _compare_groups(text: str) -> tuple[tuple[Scope, Scope], str] | None:
    """The two scopes of a comparison and the words naming the measure."""
    body = re.sub(r"^\s*(?:please\s+)?(?:compare|contrast|what(?:'s| is) the difference"
                  r"(?: in)?|how (?:does|do|did))\s+", "", text, flags=I)
    # "the first and second half": each side gets its noun.
    body = re.sub(r"\b(first|second|middle|last)\s+(and|or|vs\.?|versus)\s+(?:the\s+)?(first|second"
                  r"|middle|last)\s+(half|hour|third)\b", r"\1 \4 \2 the \3 \4", body, flags=I)
    # "the first and last REM periods": each side gets its period.
    body = re.sub(r"\b(first|second|third|last|final)\s+(and|or|vs\.?|versus)\s+(?:the\s+)?(first"
                  r"|second|third|last|final)\s+(rem|n[123])\s+periods?\b", r"\1 \4 period \2 the \3 \4 period",
                  body, flags=I)
    # "at the start or the end of the night", "at the start of the night or at the end": each
    # side gets its "of the night".
    body = re.sub(r"\b(start|beginning|end)\s+(and|or|vs\.?|versus)\s+(?:at\s+)?(?:the\s+)?(start"
                  r"|beginning|end)\s+(of\s+the\s+(?:night|recording|sleep))\b", r"\1 \4 \2 the \3 \4",
                  body, flags=I)
    body = re.sub(r"\b((?:start|beginning|end)\s+(of\s+the\s+(?:night|recording|sleep)))\s+(and|or"
                  r"|vs\.?|versus)\s+(?:at\s+)?(?:the\s+)?(start|beginning|end)\b(?!\s+of)",
                  r"\1 \3 the \4 \2", body, flags=I)
    # "before or after 2 am": each side gets the time.
    body = re.sub(r"\b(before|after)\s+(or|and|vs\.?|versus)\s+(before|after)\s+((?:\d|midnight|noon)[^?]*?)"
                  r"(?=\W*$)", r"\1 \4 \2 \3 \4", body, flags=I)
    # "hour 1 and hour 4 of sleep": both hours count from sleep onset.
    body = re.sub(r"\b(hours?\s+\d{1,2})\s+(and|or|vs\.?|versus|with|to)\s+(?:the\s+)?(hours?\s+\d{1,2})"
                  r"(\s+(?:of|into|after)\s+(?:(?:the|her|his|their)\s+)?sleep(?:\s+period)?(?:\s+onset)?)\b",
                  r"\1\4 \2 \3\4", body, flags=I)
    # "the first and last cycles" likewise.
    body = re.sub(rf"\b({_ORDINAL_WORD})\s+(and|or|vs\.?|versus)\s+(?:the\s+)?({_ORDINAL_WORD})\s+"
                  r"(?:sleep\s+)?cycles?\b", r"\1 cycle \2 the \3 cycle", body, flags=I)
    parts = _COMPARE_STRONG_RE.split(body, maxsplit=1)
    if len(parts) != 2 and _THAN_RE.search(body):
        # "were slow waves larger in N3 than in N2?"
        parts = re.split(r"\s+than\s+", body, maxsplit=1, flags=I)
    if len(parts) != 2:
        # "between N2 and N3": the "and" separates the two sides, not a clock range.
        body = re.sub(r"\bbetween\b", " in ", body, flags=I)
        parts = _COMPARE_WEAK_RE.split(body, maxsplit=1)
    if len(parts) != 2 and re.match(r"\s*(?:please\s+)?(?:compare|contrast)\b", text, I):
        # "compare the first half of the night to the second half" (not a clock's "1 to 2")
        parts = re.split(r"(?<![\d.])\s+to\s+(?!\d)", body, maxsplit=1, flags=I)
    if len(parts) != 2:
        return None
    left, right = parts
    if (bare := _BARE_ORDINAL_RE.search(right)) and (noun := _ORDINAL_NOUN_RE.search(left)):
        right = f"the {bare.group(1)} {noun.group(1)}"
    if (side := _ONSET_BARE_RE.search(right)) and (anchor := _ONSET_ANCHOR_RE.search(left)):
        right = f"{right[:side.end(1)]} {anchor.group(1)}"   # "wake before sleep onset ... wake after"
    scopes = []
    for side in (left, right):
        time = parse_time(side)
        # "before falling asleep" names a time, not the sleep stages.
        words = side.replace(time.text, " ") if time else side
        stages, _ = _stage_filter(words)
        # "heart rate asleep vs awake": a side's bare "asleep" is every sleep stage.
        asleep = _SLEEP_WORDS[1] if re.search(r"\basleep\b", words, I) else ()
        scopes.append(Scope(stages or stage_term(words) or asleep, time))
    if not all(s.stages or s.time for s in scopes):
        return None
    if all(s.time for s in scopes) and sum(bool(s.stages) for s in scopes) == 1:
        # "N3 in the first half vs the second half": the stage holds on both sides.
        stages = scopes[0].stages or scopes[1].stages
        scopes = [Scope(stages, s.time) for s in scopes]
    # "heart rate in REM vs NREM" names it first; "REM and NREM heart rate variability" last
    measure = _side_measure(left, scopes[0])
    if not measure and names_measure(after := _side_measure(right, scopes[1])):
        measure = after
    return (scopes[0], scopes[1]), measure


def _side_measure(side: str, scope: Scope) -> str:
    """The measure words of one side of a comparison: its words less its stages and time."""
    for pattern, _ in _STAGE_FILTER_RE + _STAGE_TERM_RE:
        side = pattern.sub(" ", side)
    if scope.time is not None:
        side = side.replace(scope.time.text, " ")
    side = re.sub(r"\b(?:in|during|the|of|between|differ\w*|from|asleep)\b", " ", side, flags=I)
    return " ".join(side.split()).lower()


def _rule_intent(text: str, time: TimeSpan | None, phen: Phenomenon | None,
                 stages: tuple[str, ...], signal: str | None, condition: Condition | None,
                 labels: tuple[str, ...]) -> Intent | None:
    """The intent an unmistakable wording names, else None."""
    # "a typical spindle", "a typical example" ask for an example, not the norms.
    if _NORMAL_RE.search(text) and not re.search(r"\btypical (?:[\w-]+ )?(?:example|one|duration"
                                                 r"|length)\b", text, I) and not (
            phen is not None and re.search(r"\b(?:a|an|the) typical\b", text, I)):
        # "what's a normal spindle density?", "... REM density?": the night's density, with why
        # no one norm fits; "is the AHI normal?": the index, which states its AASM band
        if _stat(text) in INDEX_STATS:
            return Intent.SUMMARY
        return Intent.LOCATE if phen is not None and phen.key in ("spindle", "rem", "limb_movement") else Intent.NORMAL
    if labels:
        return Intent.CLASSIFY
    if _MODEL_CAPTION_RE.search(text):
        return Intent.DESCRIBE   # "caption epoch 300": the model's own words for it
    if _SIMILAR_RE.search(text):
        return Intent.SIMILAR
    if _VIEW_RE.search(text):
        return Intent.SHOW
    if time is not None and time.kind != "current" and _NAVIGATE_RE.search(text):
        return Intent.NAVIGATE
    if (time is not None and time.kind == "period" and phen is None and condition is None
            and not _TIMING_RE.search(text.replace(time.text, " "))
            and not re.search(r"\b(?:before|after|preceding|prior to|leading (?:up )?to|following)\b",
                              text, I)):
        # "describe the first REM period", "the heart rate during the longest N3 period": that
        # period is the span read ("when was the first REM period?" stays its timing; "... vs
        # the longest N3 period" compares two)
        if signal is not None and not _DESCRIBE_RE.search(text) and not (
                (_COMPARE_RE.search(text) or _EITHER_RE.search(text)) and _compare_groups(text) is not None):
            return Intent.MEASURE
        if _DESCRIBE_RE.search(text) or _PERIOD_SUMMARY_RE.search(text):
            return Intent.DESCRIBE
    if (_COMPARE_RE.search(text) or _EITHER_RE.search(text) or _THAN_RE.search(text)) and (
            _compare_groups(text) is not None):
        return Intent.COMPARE
    if _stat(text) == "dominant":
        return Intent.SUMMARY   # "what stage was the patient in most of the time?"
    if (m := _WHICH_STAGES_RE.search(text)) and not stages and phen is None and (
            time is not None and time.kind != "current" and time.end is not None or _THAT_PART_RE.search(text)
            or time is None and (m["who"] or "").lower() in ("there", "present", "seen", "reached")) or (
            _STAGES_THROUGH_RE.search(text) and not stages and phen is None):
        # "what stages was she in between 0 and 1?": the hypnogram over that span, not the
        # model's classification of its epochs; "what stages were there?": over the night
        return Intent.SUMMARY
    # "when was the lowest saturation, and in what stage?" asks for a measure's extreme.
    if _CLASSIFY_RE.search(text) and phen is None and not (signal and _rank(text)):
        return Intent.CLASSIFY
    if _stat(text) == "tst" and time is not None and not stages and not (phen is not None and phen.event_types):
        # "how much sleep in the first 3 hours?": all sleep stages ("how many spindles in the
        # first 2 hours of sleep?" counts the spindles there)
        return Intent.STAGE_AMOUNT
    if stages and phen is None and _EPOCH_COUNT_RE.search(text):
        return Intent.STAGE_AMOUNT  # "how many epochs were scored as N1?"
    if (stat := _stat(text)) is not None and not (stat == "tst" and (stages or condition)) and (
            phen is None or stat in INDEX_STATS) and not _LONGEST_RUN_RE.search(text):
        # ("what share of sleep time was below 88 %?" is the time past the line)
        return Intent.SUMMARY
    # "T90 by stage" splits the time past the line, not the night's summary
    if (_EACH_STAGE_RE.search(text) and condition is None) or (_INDEX_RE.search(text) and not (
            stages and _AMOUNT_RE.search(text)) and not (phen and phen.condition)):
        return Intent.SUMMARY  # a measured phenomenon's "index" ("snore index") is its runs
    if _LONGEST_RUN_RE.search(text) and phen is None:
        return Intent.STAGE_TIMING
    if phen is not None and phen.event_types and _EVENT_DURATION_RE.search(text):
        return Intent.LOCATE  # "what is the average duration of apneas?": the list has it
    if stages and phen is None and _EACH_PERIOD_RE.search(text):
        return Intent.STAGE_TIMING  # "how long was each REM period?": every period, listed
    if stages and phen is None and _ONE_PERIOD_RE.search(text) and not re.match(
            r"\s*(?:describe|what happen\w*|tell me about)\b", text, I) and not (
            time is not None and time.kind == "cycle" and _AMOUNT_RE.search(text)):
        # ("how much N3 in the first NREM period?" is an amount in the first cycle)
        return Intent.STAGE_TIMING  # "how long was the first REM period?": that period
    if phen is None and _AWAKENINGS_RE.search(text) and re.search(r"\b(?:wake|woke|awake\w*|awaken\w*)\b", text, I):
        return Intent.STAGE_TIMING
    if _LATENCY_RE.search(text) or _ONSET_RE.search(text) or _FINAL_RE.search(text):
        return Intent.STAGE_AMOUNT if _AMOUNT_RE.search(text) and not _TIMING_RE.search(
            text) else Intent.STAGE_TIMING
    if phen is not None and not stages and time is None and _DIFFER_RE.search(text):
        return Intent.EXPLAIN
    if phen is not None and phen.event_types and _NIGHT_EVENTS_RE.search(text):
        return Intent.LOCATE   # "tell me about the leg movements": this night's, counted
    if (phen is not None or stages) and time is None and _DEFINE_RE.search(text) and (
            _rank(text) in (None, "strongest", "typical")) and not _AMOUNT_RE.search(text) and not (
            _SUPERLATIVE_RE.search(text)) and not (
            _PROPERTY_RE.search(text)):
        return Intent.EXPLAIN
    if (signal is not None and condition is None and phen is not None and phen.event_types
            # "how did the heart rate respond to apneas?" reads it around them too
            and re.search(r"\b(?:during|around|after|over|with|across|before|preceding|respon\w*|react\w*"
                          r"|to|at|chang\w*)\b", text, I)
            and not re.match(r"\s*(?:where|when|find|list|show|how many)\b", text, I)
            and _SIGNAL_RE[signal].search(re.sub(rf"\b(?:{phen.pattern})", " ",
                                                 _PHEN_FREE_RE.sub(" ", text), flags=I))):
        return Intent.MEASURE  # "what was the heart rate during apneas?"
    if condition is not None or (phen is not None and phen.condition is not None):
        return Intent.MEASURE if (_MEASURE_RE.search(text) and condition is None) else Intent.THRESHOLD
    if stages and phen is None and _AMOUNT_RE.search(text) and not _BAND_POWER_RE.search(text):
        # ("how much delta power in N3?" measures the EEG there, it is no amount of N3)
        return Intent.STAGE_AMOUNT
    if stages and phen is None and signal is None and _TIMING_RE.search(text):
        # "when was the heart rate highest in REM?" asks of the signal in REM, not when REM was
        return Intent.STAGE_TIMING
    if _SUMMARY_RE.search(text) and phen is not None and phen.event_types and _stat(text) is None \
            and re.search(r"\b(?:summar\w*|overview)\b", text, I):
        return Intent.LOCATE   # "summarize the arousals": their count, index, causes and times
    if _SUMMARY_RE.search(text):
        return Intent.SUMMARY
    if signal is not None and phen is None and (_MEASURE_RE.search(text) or (len(
            re.findall(r"\w+", text)) <= 3 and not re.match(r"\W*(?:and|what about|how about)\b",
                                                          text, I))):
        # "what was the SpO2?"; "heart rate?" named alone ("and heart rate?" follows up)
        return Intent.MEASURE
    if signal is not None and phen is None and _DESCRIBE_RE.search(text):
        return Intent.DESCRIBE if (time is not None or stages) else Intent.MEASURE
    if (phen is not None and _EXPLAIN_RE.search(text) and not _LOCATE_RE.search(text)
            and not _PROPERTY_RE.search(text) and _rank(text) is None
            # "what is the average desaturation after an apnea?" asks for a measurement
            and not _AVERAGE_RE.search(text)):
        return Intent.EXPLAIN  # "what's the longest apnea?" is a search
    if (phen is not None and phen.key == "scored_event" and time is not None
            and time.kind == "clock" and time.end is None and (
                _DESCRIBE_RE.search(text) or re.search(r"\bhappen\w*|going on\b", text, I))):
        return Intent.DESCRIBE   # "what events happened at 3 am?": that moment, described
    if phen is not None:
        return Intent.LOCATE
    if time is not None and _SHOW_TIME_RE.search(text) and (not stages or time.kind == "period") \
            and signal is None:
        return Intent.NAVIGATE  # ("show me the third REM period" names its stage in the period)
    if _DESCRIBE_RE.search(text) and (time is not None or stages):
        return Intent.DESCRIBE
    if stages and signal is None and _LOCATE_RE.search(text):
        return Intent.STAGE_TIMING
    if signal is not None and time is not None and not stages:
        return Intent.MEASURE  # "what's the temperature in the first minute of sleep?"
    return None


def _stat(text: str) -> str | None:
    """The whole-night statistic named first in the text ("total sleep time" -> "tst"), else None."""
    named = _stats(text)
    return named[0] if named else None


def _stats(text: str) -> tuple[str, ...]:
    """Every whole-night statistic the text names, in the order it names them."""
    found = [(m.start(), key) for key, pattern in _STAT_RE if (m := pattern.search(text))]
    keys = tuple(key for _, key in sorted(found))
    if "brief" in keys and len(keys) > 1:
        # "tst in one line", "AHI, ODI and nadir in one line": the figures named, put briefly
        keys = tuple(k for k in keys if k != "brief")
    # "sleep maintenance efficiency" names one statistic, not the efficiency as well
    return tuple(k for k in keys if k != "se") if "sme" in keys else keys


# "sleep onset latency", "how long did it take to fall asleep?": sleep onset as a duration.
_ONSET_LENGTH_RE = re.compile(r"\b(?:latency|sol|how (?:long|many minutes|much time)|minutes)\b", I)
_PERSISTENT_RE = re.compile(r"\b(?:latency|onset|when|start\w*|began|begin|how long|time|minutes)\b.{0,30}\b(?:persistent"
                            r"|continuous|sustained|unbroken|consolidated) sleep\b|\b(?:persistent|continuous|sustained"
                            r"|unbroken|consolidated) sleep (?:onset|latency)\b|^\W*(?:what(?:'s| is| was) the )?lps\W*$", I)
"""Sleep onset asked as the start of persistent sleep ("latency to persistent sleep", "LPS")."""


def _stage_event(text: str, stages: tuple[str, ...]) -> str:
    if _LONGEST_RUN_RE.search(text):
        return "longest"
    if _AWAKENINGS_RE.search(text):
        return "awakenings"
    if _LATENCY_RE.search(text) and stages:
        return "latency"
    if _ONSET_RE.search(text) and _FINAL_RE.search(text):
        return "window"   # "when did she fall asleep and when did she wake up for good?"
    if _ONSET_RE.search(text) and not stages:
        return "onset"
    if _FINAL_RE.search(text):
        return "final_wake"
    if re.search(r"\b(?:longest|shortest)\b", text, I):
        return "periods"   # "when did the longest N3 period occur?": the periods, ranked
    if re.search(r"\b(?:last|latest|final)\b", text, I):
        return "last"
    if re.search(r"\b(?:first|earliest|begin\w*|start\w*|enter\w*|when (?:does|did|do))\b", text, I):
        return "first"
    return "periods"


_OXIMETER_LAG_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:long|big|much) is|what(?:'s| is| was)|how long was)"
                              r" (?:the |her |his |their )?(?:pulse )?(?:oximeter|oximetry|oxygen|spo2|o2|sat(?:uration)?)"
                              r"(?:'s)? (?:delay|lag)\b(?=\W*$|\s*:)", I)
_INDEX_PAIR_RE = re.compile(r"\b(?:difference|differences|distinction) between (?:the )?(?P<a>o?ahi|rdi|odi|rei)"
                            r" (?:and|vs\.?|versus) (?:the )?(?P<b>o?ahi|rdi|odi|rei)\b"
                            r"|\bhow (?:is|does) (?:the )?(?P<a2>o?ahi|rdi|odi|rei) differ(?:ent)? from (?:the )?(?P<b2>o?ahi"
                            r"|rdi|odi|rei)\b", I)
_WHY_HAPPEN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:why (?:do|does) (?P<a>[\w -]+?) (?:happen|occur|develop|form"
                            r"|arise)|what (?:causes|triggers|produces) (?P<b>(?!the\b|this\b|that\b|her\b|his\b"
                            r"|their\b|them\b|it\b)[\w -]+?))(?: in general)?\W*$", I)
_IS_IT_CAUSE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was) (?:it|that|this)(?: one| arousal)? (?:an? )?"
                             r"(?:respiratory|spontaneous|breathing[- ]related|limb[- ]movement[- ]related"
                             r"|(?:from|due to|caused by) (?:an? )?(?:leg|limb) movement|(?:from|due to|caused by)"
                             r" (?:an? )?(?:apn\w*|hypopn\w*|breathing event))(?: one| arousal)?\W*$", I)
_WHEN_MOSTLY_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?when\s+(?:did|do|does|was|were|is|are)"
                             r"\s+(?:most of\s+)?(?:that|it|this|they|them|those|these|the time)\b"
                             r"(?:\s+\w+){0,3}?\s+most(?:ly| often)?(?:\s+\w+){0,2}\W*$"
                             r"|^\W*(?:and\s+|so\s+)?when\s+(?:was|were|did)\s+most of (?:it|that|them|those|these)"
                             r"(?:\s+\w+){0,2}\W*$", I)
# "and a spindle next to it?": events of a kind around the one event shown
_PACE_RANK_RE = re.compile(r"\b(slowest|fastest)\b", I)
_NEAR_IT_RE = re.compile(r"\b(?:next to|near(?:by)?|close to|around|beside|nearest to|closest to|by|with|along with)\s+"
                         r"(?:it|that|this|that one|this one|the one shown)\W*$|\b(?:nearby|close by|around it)\W*$", I)


# "explain the sleep stages simply", "summarize the night in plain words for students": how to
# say it, which changes nothing of what is asked (the answers are plain already)
_STYLE_RE = re.compile(r",?\s*\b(?:simply|briefly|in (?:simple|plain|lay(?:man'?s)?|everyday|easy) (?:terms|words|english"
                       r"|language)|in a nutshell|(?:as if|like) (?:i'?m|i am|you'?re talking to|to) (?:five|5|(?:a |an )?(?:parent|child|kid"
                       r"|patient|beginner|student|layperson|layman|non-?expert|grandparent|teenager)s?)"
                       r"|(?:for|to) (?:a |an |my |the |our )?(?:students?|beginners?|parents?|patients?|famil(?:y|ies)"
                       r"|class|kids?|children|layperson|layman|lay audience|non-?experts?|novices?|newcomers?|trainees?"
                       r"|first[- ]years?(?: \w+)?|(?:medical|nursing|psychology|med|undergrad\w*) students?|freshm[ae]n)(?: of (?:[\w-]+ ){0,3}?(?:students|trainees|residents|nurses|techs"
                       r"|technicians|fellows|doctors|physicians|kids|children|parents))?)\b", I)


# "TST with the machine staging", "YASA's REM latency", "what does the model say the sleep
# efficiency is?": a staging named beside a statistic of the stages
_STAGER_NAMED_RE = re.compile(r"(?:,\s*)?\b(?:according to|by|from|with|using|in|on) (?:the |your )?(?:yasa|machine|model"
                              r"|sleeplm|automatic|auto|zero[- ]?shot)(?:[- ]?(?:staging|stages|scoring|scored|hypnogram"
                              r"|stager|model))?\b|\b(?:yasa|the machine|the model|your model)'s(?: (?:staging|stages"
                              r"|hypnogram|scoring))?|^\W*what (?:does|did|would) (?:yasa|the machine|the model) say(?: for)?"
                              r"(?= (?:the |her |his |their )?\w)", I)
_STAGE_STATISTIC_RE = re.compile(r"\b(?:tst|total sleep|sleep time|(?:sleep )?efficiency|waso|wake after sleep onset"
                                 r"|(?:sleep |rem |n3 |deep sleep )?(?:onset )?latency|sleep onset|time in bed|awakenings"
                                 r"|(?:hypnogram|sleep|stage) (?:stat\w*|summary|architecture|percentages|minutes)"
                                 r"|how much (?:n1|n2|n3|rem|deep|light|slow[- ]wave)|minutes (?:of|in) (?:n1|n2|n3|rem|deep"
                                 r"|light|each stage))\b", I)
_STAGING_DOUBT_RE = re.compile(r"\b(?:trust|reliab\w*|confiden\w*|sure|certain\w*|accura\w*|wrong|agree\w*|disagree\w*"
                               r"|compar\w*|vs\.?|versus|against|differ\w*)\b", I)
_COMPUTED_HERE_RE = re.compile(r"\b(?:computed|calculated|derived|defined|measured|compute|calculate|derive"
                               r"|define|measure|counted|count|scored|score|detected|detect|found|find)\b(?:\s+the\s+"
                               r"[\w -]+?)?(?P<here>\s+here)\W*$", I)
_FOR_AN_AGE_RE = re.compile(r"^\W*(?:(?P<what>[a-z][\w %]{1,30}?)\s*(?:[-–:,]|\.\.\.)\s*)?(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|it|this)(?: \w+)? (?:normal|low|high|ok|okay|bad"
                            r"|good|short|long|too low|too high|too short|too long|too much|too little|a lot|little|much|abnormal"
                            r") for (?P<age>\d{1,3})(?: ?y/?o)?\W*$",
                            I)
"""A figure against an age given as a bare number ("is that low for 55?"); "for an 8 year old" is
read where the age's words are (a child's rules)."""
_CREATIVE_RE = re.compile(r"\b(?:write|compose|make up|tell|sing)\b(?: me| us)? (?:a |an )?(?:short |little |funny )?(?:poem|song"
                          r"|joke|haiku|limerick|essay|rap)s?\b", I)
_CSA_NAMED = r"(?:central sleep apn\w*|csa)"
_CSA_CRITERIA_RE = re.compile(rf"\b(?:meets?|fulfil+s?|satisf\w*|qualif\w*|criteri\w*|diagnos\w*|enough to (?:call|diagnose)"
                              rf"|counts? as|call (?:it|this))\b.{{0,50}}\b{_CSA_NAMED}\b|\b{_CSA_NAMED}\b.{{0,30}}\b(?:criteri\w*"
                              rf"|diagnos\w*)\b", I)
"""Whether the night meets the criteria for central sleep apnea ("is the central apnea index
high enough to call it CSA?")."""
_BARE_POSITION_ASKED_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?P<where>supine|prone|non-?supine"
                                     r"|lateral|on (?:her|his|their|the) (?:back|side|stomach|front|left|right)"
                                     r"|(?:on the )?(?:left|right) side)\W*$", I)
_LIMITS_RE = re.compile(r"^\W*(?:so\s+|and\s+)?(?:what (?:can't|cannot|can not|couldn't) (?:this|the|a) (?:night|recording|study"
                        r"|test|home test|psg|file|montage)(?: \w+)? (?:tell|show|measure|see|detect|answer)(?: (?:me|us))?"
                        r"|what (?:can't|cannot|can not) (?:you|it|the app) (?:measure|see|tell|score|detect)(?: (?:here|on this"
                        r" (?:night|recording)|from this (?:night|recording)))?|what (?:does|did) (?:this|the) (?:night|recording"
                        r"|study|test|home test|file|montage) not (?:show|measure|tell|record|have)|(?:what are )?(?:the )?"
                        r"limitations?(?: of (?:this|the) (?:night|recording|study|test|file|montage))?)\W*$", I)
_OFF_NORM_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was) (?:the |her |his |their |this )?(?P<what>[\w %-]+?) (?:too |very "
                          r"|abnormally |unusually )?(?:prolonged|delayed|long|short|shortened|reduced|increased|elevated"
                          r"|high|low|abnormal|excessive|raised)(?: for (?:her|his|their|the patient'?s) age)?\W*$", I)
_WHO_STAGES = r"(?:the )?(?:machine|yasa|model|sleeplm|algorithm)"
_HUMAN_STAGES = r"(?:the )?(?:human|expert|scorer|scoring|tech\w*|hypnogram)"
_WHERE_STAGERS_DIFFER_RE = re.compile(rf"\bwhere (?:do|does|did) (?:{_WHO_STAGES} (?:and|&) {_HUMAN_STAGES}|{_HUMAN_STAGES}"
                                      rf" (?:and|&) {_WHO_STAGES}) (?:disagree|differ)\w*\b|^\W*(?:show me|where(?:'s| is)|find)"
                                      rf" the (?:biggest|largest|worst|main) (?:disagreements?|differences?) between {_WHO_STAGES}"
                                      rf" and {_HUMAN_STAGES}\W*$", I)
_MODEL_NAMED_RE = re.compile(r"\b(?:model|sleeplm)\b", I)
_BARE_ONE_FROM_RE = re.compile(r"^\W*(?:now|and|then|ok(?:ay)?,?|and now)?\s*(?P<one>(?:an)?other one|one)\s+(?=(?:from|in"
                               r"|during|after|before|between|near|on|at)\b)", I)
_HYPNOGRAM_STATS_RE = re.compile(r"\bhypnogram (?:stat\w*|metrics|numbers|parameters|summary|figures|values)\b"
                                 r"|^\W*(?:what are |give me |list |show me )?(?:the |her |his |their )?sleep (?:parameters"
                                 r"|metrics|figures|variables)\W*$", I)
_WHAT_IF_STAGER_RE = re.compile(r"^\W*(?:and\s+|so\s+)?what (?:if|would (?:it|the night|the numbers|the stats) (?:look like|be)"
                                r" if) (?:yasa|the machine|the model|your model) had (?:scored|staged)(?: (?:it|this|the night"
                                r"|this night|the study|the recording))?\W*$|^\W*(?:what would|how would) (?:the )?(?:sleep )?"
                                r"(?:stats|statistics|numbers|report|summary) (?:be|look|look like) (?:with|by|using|from) (?:the )?"
                                r"(?:yasa|machine|model)(?:'s)?(?: staging| stages)?\W*$", I)


_DENSITY_RE = re.compile(r"\bdensit\w*|\bper (?:minute|min)\b|\brate\b", I)
_N2_DENSITIES = ("spindle", "k_complex")
"""Microevents whose density is read per minute of N2, the stage that defines them."""


def understand(text: str) -> Query:
    """Read one chat message into a :class:`Query`; never raises."""
    # a learner's or a clinician's wording is read as the question it stands for, words included
    text = judged(standard_english(text.strip()))
    plain = _STYLE_RE.sub("", text).strip()
    for pattern, words in _EARLY_WORDINGS:
        plain = pattern.sub(words, plain)
    query = _read(plain if plain else text)
    if plain != text:
        query = replace(query, text=text)
    if (query.intent == Intent.LOCATE and query.scope.time is not None and query.scope.time.kind == "current"
            and _IS_IT_RE.match(plain or text) and (disorder := _disorder(plain or text)) is not None):
        # "is that central sleep apnea?": a disorder, which no epoch on screen shows
        return Query(Intent.MEDICAL, text, phenomenon=(p := find_phenomenon(text)) and p.key,
                     condition_name=disorder)
    if query.scope.time is not None and query.scope.time.kind == "before_final" and query.intent == Intent.STAGE_TIMING:
        # "what happened before the final awakening?": those minutes described, not its time
        return replace(query, intent=Intent.DESCRIBE, stage_event=None, modality=None)
    if (query.intent == Intent.SUMMARY and query.modality in ("respiratory", "heart", "brain")
            and query.scope.stages and not (query.stat or query.topic)):
        # "summarize the breathing in REM": the system's measurements in that stage (the
        # overview is the whole night's), as "describe the breathing in REM" reads them
        return replace(query, intent=Intent.DESCRIBE)
    if (query.phenomenon == "scored_event" and query.per == "hour" and query.intent in (Intent.LOCATE, Intent.COMPARE)
            and _BARE_EVENTS_RE.search(text) and not query.scope.stages):
        # "how many events per hour?", "... in the first half compared to the second?": a sleep
        # study's events per hour are its apneas and hypopneas (the AHI), as "events per hour by
        # stage" reads them, not every detector's spindles and eye movements
        if query.intent == Intent.COMPARE:
            return replace(query, phenomenon=None, stat="ahi", measure="ahi", how_many=False)
        return replace(query, intent=Intent.SUMMARY, phenomenon=None, stat="ahi", how_many=False)
    if (query.intent == Intent.BREAKDOWN and query.by == "stage" and query.phenomenon
            and (found := _compare_groups(plain or text)) is not None
            and all(len(g.stages) == 1 and g.time is None for g in found[0])):
        # "is spindle density significantly different between N2 and N3?": those two stages,
        # not REM against NREM
        return replace(query, intent=Intent.COMPARE, by=None, groups=found[0])
    if ((t := query.scope.time) is not None and t.end is not None and t.text
            and query.intent in (Intent.MEASURE, Intent.COMPARE, Intent.OFF_TOPIC, Intent.UNKNOWN)
            and not (query.signal or query.measure or query.phenomenon or query.stat)
            and re.fullmatch(r"\W*(?:and\s+|what\s+about\s+|how\s+about\s+)?" + re.escape(t.text) + r"\W*", text, I)):
        # "the 3am hour?" alone: that span shown and described, as "the 2am hour?" is
        query = Query(Intent.NAVIGATE, text, scope=Scope(time=t), ref=query.ref, by_rule=True)
    if (query.intent == Intent.COMPARE and query.phenomenon in _N2_DENSITIES and query.groups
            and (query.per == "minute" or _DENSITY_RE.search(text))
            and all(not g.stages and g.time is not None for g in query.groups)):
        # "does spindle density differ between the halves?": per minute of N2, where density is
        # read; per minute of all sleep, a half with more REM or wake looked poorer in spindles
        # (probe O: 2.91 against 1.77/min for 3.61 against 3.59 in N2). A count ("more spindles
        # in the first half?") stays a count of all of them.
        groups = tuple(replace(g, stages=("N2",)) for g in query.groups)
        query = replace(query, groups=groups, scope=replace(query.scope, stages=("N2",)))
    if (query.intent == Intent.MEASURE and query.rank in ("lowest", "highest") and query.signal
            and (nth := _NTH_OF_RANK_RE.search(plain or text))):
        # "second lowest spo2": the lowest reading of the second dip, not the nadir again
        query = replace(query, ordinal=_ORDINALS[nth.group(1).lower()])
    if (query.intent == Intent.THRESHOLD and query.condition is None and query.phenomenon is None
            and query.signal and not query.by_rule):
        # "what's her oxygen like?": no limit named, so the signal itself, not a threshold
        query = replace(query, intent=Intent.MEASURE)
    if _WHICH_HALF_OXYGEN_RE.search(text):
        # "which half had the lower nadir?": the two halves' SpO2 side by side (probe Q: "not about
        # this recording")
        halves = (Scope(time=TimeSpan("fraction", 0.0, 0.5, "the first half")),
                  Scope(time=TimeSpan("fraction", 0.5, 1.0, "the second half")))
        return Query(Intent.COMPARE, text, target=SPAN_OXYGEN, scope=halves[0], groups=halves, by_rule=True)
    if (query.intent == Intent.STAGE_AMOUNT and query.ref in (Ref.NONE, Ref.REPEAT)
            and (m := _TYPE_SHARE_RE.search(text))):
        # "and the central share in REM?": that type's share of the breathing events there,
        # not REM's minutes (probe P)
        kind = (m["a"] or m["b"]).lower()
        return Query(Intent.LOCATE, text, "respiratory_event", share=f"{kind}_apnea", scope=query.scope, by_rule=True)
    if (query.intent == Intent.STAGE_AMOUNT and query.signal and query.phenomenon is None
            and _SIGNAL_FIGURE_RE.search(text)):
        # "mean SpO2 in REM in %": the signal measured there, not REM's minutes (probe P)
        query = replace(query, intent=Intent.MEASURE)
    if (query.intent == Intent.SUMMARY and query.stat in ROW_OF_STAT and query.stated is None
            and query.scope == Scope() and _STAT_JUDGED_RE.search(text) and _stated_value(text, ROW_OF_STAT[query.stat]) is None):
        # "total sleep time, is it enough for a 10 year old?": that row against the age's
        # range (a child's sleep against the hours recommended at its age), not the figure alone
        return replace(query, intent=Intent.NORMAL, target=ROW_OF_STAT[query.stat], stat=None, age=_age(text))
    if query.stated is None and (row := _judged_row(query)) and (value := _stated_value(text, row)) is not None:
        # "is a sleep efficiency of 75 % normal?", "is a WASO of 90 minutes bad?": that value
        # against the row's range, then the night's
        return replace(query, intent=Intent.NORMAL, target=row, stat=None, stated=value)
    if (query.intent == Intent.DESCRIBE and query.signal in ("spo2", "hr") and query.scope.time is not None
            and query.phenomenon is None and query.ref == Ref.NONE and not query.scope.stages
            and _SIGNAL_DOING_RE.search(text)):
        # "what's happening to the SpO2 here?": that signal measured there, which the
        # description of a body system would not lead with
        query = replace(query, intent=Intent.MEASURE)
    if (query.intent == Intent.DESCRIBE and query.signal == "resp" and query.phenomenon is None
            and query.ref == Ref.NONE and _BREATHING_RATE_RE.search(text)):
        # "breathing rate in REM": that rate measured there, as "what was the breathing rate in
        # REM?" reads it, not the breathing's overview (its AHI)
        query = replace(query, intent=Intent.MEASURE)
    if (query.intent == Intent.CLASSIFY and not query.note and not query.stage_event and query.scope.stages
            and _YES_NO_RE.search(text)):
        # "is this REM?", "are they awake here?": a yes or no comes first
        query = replace(query, note="yes_no")
    if (query.intent == Intent.SUMMARY and query.stat in INDEX_STATS and _INDEX_CONTRAST_RE.search(text)
            and (other := _other_part(query.scope)) is not None):
        # "is the AHI higher in the second half?": that half against the other, as "AHI in the
        # first half vs the second half" sets them side by side
        return replace(query, intent=Intent.COMPARE, measure=query.stat, groups=(query.scope, other))
    if (query.intent == Intent.LOCATE and query.phenomenon and query.signal and query.count == 1
            and query.rank and _SIGNAL_DURING_RE.search(text)):
        # "show me the heart during the worst apnea": that signal in the one event, as "what
        # was the heart rate during the longest apnea?" reads it
        return replace(query, intent=Intent.MEASURE)
    if query.scope == Scope() and query.stated is None and _JUDGED_RE.search(text) and (
            query.intent == Intent.SUMMARY and query.stat == "odi"):
        # "is her ODI elevated?": the ODI against what healthy sleepers' studies report
        return replace(query, intent=Intent.NORMAL, target=ODI_ROW, stat=None)
    if query.scope == Scope() and _JUDGED_RE.search(text) and (
            query.intent == Intent.LOCATE and query.phenomenon == "arousal" and query.per == "hour"):
        # "is the arousal index high?": the index against healthy sleepers of the age, as
        # "is the arousal index normal?"
        query = replace(query, intent=Intent.NORMAL)
    if (m := _STATED_RE.search(text)) and (
            (query.intent == Intent.NORMAL and query.phenomenon == "arousal")
            or (query.intent == Intent.SUMMARY and query.stat in ("ahi", "rdi", "rei") and query.scope == Scope())):
        # "is an AHI of 12 bad?": that value on the index's scale, not only the night's
        return replace(query, stated=float(m.group("value")))
    if (query.intent == Intent.SUMMARY and query.stat == "ahi" and query.scope == Scope() and not query.note
            and _REI_NAMED_RE.search(text) and not _AHI_NAMED_RE.search(text)):
        # "what's the REI?": on a night with staged sleep, the REI itself before the AHI
        return replace(query, note="rei")
    if (query.intent in (Intent.BREAKDOWN, Intent.COMPARE) and query.stat == "ahi" and query.by != "stage"
            and not query.note and _REI_NAMED_RE.search(text) and not _AHI_NAMED_RE.search(text)):
        # "REI by position", "supine REI": per hour recorded, as the REI is, though sleep is staged
        return replace(query, note="rei")
    if (query.intent == Intent.SUMMARY and query.stat == "ahi" and query.scope.time is not None
            and not query.scope.stages and not query.note and _REI_NAMED_RE.search(text)
            and not _AHI_NAMED_RE.search(text)):
        # "REI between 1 and 2 am", "REI in the first 2 hours": per hour recorded there (probe Q:
        # the AHI per hour of sleep, on a home test's guessed sleep)
        return replace(query, note="rei")
    return query


_REI_NAMED_RE = re.compile(r"\b(?:rei|respiratory event index)\b|\bper hour (?:recorded|of recording)\b", I)
_AHI_NAMED_RE = re.compile(r"\b(?:o?ahi|apn(?:o)?ea[- ]hypopn(?:o)?ea index)\b", I)


# a number and its unit, never a stage's digit ("N3"), a clock time or an age ("a 40-year-old")
_VALUE_RE = re.compile(r"(?<![\w.:])(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>%|percent|per ?cent|minutes?|mins?|hours?"
                       r"|hrs?|h)?(?![\w:])(?!\s*-?\s*(?:years?|yrs?|y/?o|am|pm|o'?clock)\b)", I)
_JUDGED_RE = re.compile(r"\b(?:normal|typical|ok(?:ay)?|fine|bad|good|healthy|abnormal|high|low|elevated|raised|too (?:long|short|"
                        r"much|little|low|high)|long|short|enough|concerning|worrying|a problem)\b", I)


_WHICH_HALF_OXYGEN_RE = re.compile(r"\bwhich half\b.*\b(?:nadir|sat\w*|spo2|oxygen|o2)\b", I)
_TYPE_SHARE_RE = re.compile(r"\b(?P<a>central|obstructive|mixed) (?:share|fraction|proportion|percentage|percent)\b"
                            r"|\b(?:share|fraction|proportion|percentage|percent) (?:of (?:them|those|the events|events"
                            r"|the apneas|apneas) )?(?:that (?:were|are|was) )?(?:being )?(?P<b>central|obstructive|mixed)\b", I)
_SIGNAL_FIGURE_RE = re.compile(r"\b(?:mean|average|avg|median|lowest|highest|min(?:imum)?|max(?:imum)?)\b", I)
_NADIR_JUDGED_RE = re.compile(r"\b(?:(?:spo2|sat\w*|o2|oxygen) )?nadir\b|\blowest (?:spo2|sat\w*|o2|oxygen)\b"
                              r"|\bmin(?:imum)? (?:spo2|sat\w*)\b", I)
_NADIR_WORDS_RE = re.compile(r"\b(?:normal|typical|ok(?:ay)?|fine|healthy|abnormal|acceptable|too low|concerning"
                             r"|worrying|significant|expected)\b", I)
_STAT_JUDGED_RE = re.compile(r"\b(?:is|was|are|were)\b.*\b(?:normal|typical|ok(?:ay)?|fine|healthy|abnormal|enough"
                        r"|sufficient|adequate|too (?:long|short|much|little))\b", I)
"""A statistic judged yes or no ("is the total sleep time enough?"); "how long was it?" is
not one."""


def _judged_row(query: Query) -> str:
    """The age-norm row (:data:`app.chat.norms.NORMS`) a judged statistic names, "" for none:
    the row of a norms question, or of a statistic asked with a judgement."""
    if (query.intent == Intent.STAGE_AMOUNT and query.scope.time is None and len(query.scope.stages) == 1
            and query.scope.stages[0] in ROW_OF_STAGE and _JUDGED_RE.search(query.text)):
        return ROW_OF_STAGE[query.scope.stages[0]]   # "is an N1 of 15% too much?"
    if query.scope != Scope():
        return ""
    if query.intent == Intent.NORMAL and query.target in NORMS:
        return query.target
    if query.intent == Intent.SUMMARY and query.stat in ROW_OF_STAT and _JUDGED_RE.search(query.text):
        return ROW_OF_STAT[query.stat]
    return ""


def _stated_value(text: str, row: str) -> float | None:
    """The value ``text`` gives the norm ``row`` in that row's unit (hours read as minutes),
    None when it gives none; a number whose unit does not fit the row is not it."""
    unit = NORMS[row][0]
    for m in _VALUE_RE.finditer(text):
        if re.search(r"\b(?:aged?|age of|ages?|for an?)\s*$", text[:m.start()], I) or re.match(
                r"\s*(?:-?years?|yrs?|y/?o|-?year-old)\b", text[m.end():], I) or (
                re.search(r"\b(?:at|for)\s*$", text[:m.start()], I) and not m.group("unit")
                and _NORM_WORD_RE.search(text)):
            continue   # "for someone aged 45", "is that normal at 76 / for 62": an age, not the statistic
        value, said = float(m.group("value")), (m.group("unit") or "").lower()
        if unit == "%" and (said.startswith(("%", "per")) or not said):
            return value if value <= 100 else None
        if unit == "min" and said.startswith("h"):
            return value * 60.0
        if unit == "min" and (said.startswith("min") or not said):
            return value
    return None


# "the AASM criteria for an arousal", "how do you score a hypopnea?": the event's definition
_RULES_FOR_RE = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?),?\s+)?(?:what(?:'s| is| are) |give me |tell me |list |explain )?(?:the )?"
    r"(?:aasm'?s? |official |scoring |standard )*(?:rules?|criteri(?:a|on)|definition|requirements?)"
    r" (?:for|of) (?:scoring |calling )?(?:an? |the )?(?P<what>[a-z][a-z -]*?)\W*$"
    r"|^\W*how (?:do (?:you|i|we)|does (?:one|a scorer)|should (?:i|we)) (?:score|identify|recogni[sz]e|spot)"
    r" (?:an? |the )?(?P<what2>[a-z][a-z -]*?)\W*$", I)


_COMMON_RE = re.compile(r"\b(?:most|least) (?:common|frequent|typical|usual)\b", I)
_SIGNAL_DOING_RE = re.compile(r"\bwhat(?:'s| is| was)? (?:happening|going on|the matter) (?:to|with)\b"
                              r"|\bwhat (?:is|was|does|did) (?:the |her |his )?(?:spo2|oxygen|sat\w*|heart rate|pulse)"
                              r" (?:doing|do)\b", I)
_BREATHING_RATE_RE = re.compile(r"\b(?:breathing|respiratory|respiration|resp)\s+rate\b", I)
_YES_NO_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s+)?(?:is|are|was|were|am|does|do|did|has|have)\b", I)
_INDEX_CONTRAST_RE = re.compile(r"\b(?:higher|lower|worse|better|more|fewer|less|increas\w*|decreas\w*|rise|rising"
                                r"|fall|falling|drop\w*)\b", I)
_BARE_SCOPE_RE = re.compile(r"^\W*(?:in|during|for|over|within|across|after|before|between|on|at)\s+\S", I)
_LONGEST_AWAKE_RE = re.compile(r"\bwak(?:e|ing) up for the longest(?: time)?\b|\b(?:awake|up) (?:for )?the longest\b"
                               # "when was the longest wake after sleep onset?": one awakening, not the WASO
                               r"|(?<!\d )\blongest (?:wake|awake|wakefulness|waso)(?! (?:periods|bouts|episodes"
                               r"|stretches|spells)\b)(?: (?:period|bout|episode|stretch|spell))?(?: after sleep onset)?\b", I)
_STAGER_NAME = r"(?:the )?(?:model|sleeplm|zero[- ]?shot(?: model)?|yasa|machine(?: staging)?|ai|algorithm)"
_MODEL_WORD_RE = re.compile(r"\b(?:model|sleeplm|zero[- ]?shot)\b", I)
_MACHINE_WORD_RE = re.compile(r"\b(?:machine|yasa|automatic|auto)\b", I)
_HUMAN_WORD_RE = re.compile(r"\b(?:human|expert|manual|technician|tech|scorer|scoring|hypnogram|truth|reference)\b", I)
"""A human scoring named: "the model against YASA and the expert" is no pair of machines."""
# "is the model better than YASA?", "which is closer to the expert, YASA or the model?"
_STAGER_RACE_RE = re.compile(rf"\b(?:is|was|are|does|did)\s+{_STAGER_NAME}(?:'s)?(?: staging| stages)?\s+(?:do(?:ing)? )?(?:any )?"
                             rf"(?:better|worse|more accurate|less accurate|closer|further)\b.{{0,30}}\b(?:than|to)\s+{_STAGER_NAME}\b"
                             r"|\bwhich (?:stager|staging|one|of (?:them|the two)|is)\b.{0,40}\b(?:closer to|better|more"
                             r" accurate|agrees? (?:more|best)|wins)\b"
                             rf"|\b{_STAGER_NAME}\s+(?:vs\.?|versus|or|and)\s+{_STAGER_NAME}\b.{{0,40}}\b(?:expert|human|scorer"
                             r"|hypnogram|accura\w*|better|kappa|κ)\b", I)
# "does agreement drop at the end of the night?", "kappa by hour"
_AGREEMENT_OVER_TIME_RE = re.compile(r"\b(?:agreement|kappa|κ|concordance)\b.{0,40}\b(?:by|per|each|every|over the|across"
                                     r" the|through the|hour by) (?:clock )?(?:hours?|night|thirds?)\b"
                                     r"|\b(?:agreement|kappa|κ|concordance)\b.{0,30}\b(?:drop|fall|fell|worsen|declin|chang"
                                     r"|var|get worse|got worse|lower|higher|better|worse)\w*\b"
                                     r"|\b(?:agree|disagree)\w*\b.{0,30}\b(?:more|less|most|least|worse|better)\b.{0,30}"
                                     r"\b(?:early|late|later|earlier|at the (?:end|start|beginning)|in the (?:first|second|last)"
                                     r" (?:half|third|part))\b", I)
# "how much N3 did the expert score vs YASA?", "REM minutes by each stager"
_BY_STAGER_RE = re.compile(rf"\b(?:by|per|for) (?:each|every) (?:stager|staging|scorer)\b|\b(?:expert|human|scorer|hypnogram"
                           rf"|{_STAGER_NAME})\b.{{0,40}}\b(?:vs\.?|versus|against|compared (?:to|with)|and)\s+(?:the )?(?:expert"
                           rf"|human|scorer|hypnogram|{_STAGER_NAME})\b(?=.*\b(?:how much|how many|minutes?|epochs?|amount|time"
                           r"|percent\w*|share)\b)|\b(?:how much|how many|minutes?)\b.{0,30}\bdid (?:the )?(?:expert|yasa"
                           r"|model|machine|human)\b.{0,30}\b(?:vs\.?|versus|and|against|compared)\b", I)
_HOW_STAGED_RE = re.compile(r"\b(?:can|could|should) (?:i|we|you) (?:trust|believe|rely on)\b.{0,12}\b(?:the )?(?:total )?"
                            r"(?:sleep time|tst|sleep efficiency|efficiency|sleep stages?|stages|staging|hypnogram)\b"
                            # "how did you estimate sleep?" (a home test): where the stages come from
                            r"|\bhow (?:did|do|does|can|could) (?:you|it|the (?:app|model|machine)) (?:get|find|know"
                            r"|tell|work out|estimate|guess|derive|compute|determine|infer)\b.{0,12}"
                            r"\b(?:the )?(?:sleep )?(?:stages|staging|hypnogram|sleep time|sleep)\b", I)
_TERSE_EPOCH_STAGE_RE = re.compile(r"^\W*(?:epoch|ep\.?|e)\s*#?\s*(\d+)\s*[:,-]?\s*(?:stage|staging|scored as)\W*$", I)
_WOULD_YOU_SCORE_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:(?:what|how) would you (?:score|stage|call|classify"
                                 r"|label) (?:it|this|that|this one|this epoch|the current epoch)(?: as)?"
                                 # "what did the expert say?" of the epoch on screen: the scoring's stage
                                 r"|what did (?:the )?(?:expert|scorer|technician|tech|human|human scorer|hypnogram"
                                 r"|yasa|machine|model|sleeplm)"
                                 r" (?:say|score|call|stage|give|mark)(?: (?:it|this|that|this epoch))?(?: as)?)\W*$", I)
_WHY_NOT_SCORED_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why (?:can'?t|cannot|can not|couldn'?t|could not|can you not"
                                r"|don'?t|didn'?t|did you not|do you not|won'?t|wasn'?t|isn'?t|aren'?t|weren'?t) (?:you |it |they "
                                r"|that |this |those |these )?(?:be )?(?:score|scored|measure|measured|read|count|counted|see"
                                r"|compute|computed|calculate|calculated|do|done|analy[sz]e|analy[sz]ed)(?: (?:it|that|them|this"
                                r"|those|these|the (?:breathing|oxygen|heart|events)))?(?: here| on this (?:night|recording))?\W*$", I)
_TEACH_STAGES_RE = re.compile(r"\b(?:teach\w*|class|lecture|students?|lesson|course|trainees?)\b.*\b(?:sleep )?stag(?:es|ing)\b"
                              r".*\b(?:where|how|what) (?:should|do|can|would|could) (?:i|we) (?:start|begin|show first)\b"
                              r"|\b(?:where|how) (?:should|do|can|would) (?:i|we) (?:start|begin)\b.*\b(?:teach\w*|explain\w*)"
                              r"\b.*\b(?:sleep )?stag(?:es|ing)\b"
                              # "I'm teaching a class tomorrow, what should I show first?": the stages too
                              r"|\b(?:teach\w*|class|lecture|students?|lesson|course|trainees?|demo\w*)\b.*\b(?:what|where|how)"
                              r" (?:should|do|can|would|could) (?:i|we) (?:start|begin|show|cover|demo\w*|open)\b", I)
_IS_THAT_AN_EVENT_RE = re.compile(r"^\W*(?:and\s+|so\s+|hmm,?\s+|wait,?\s+)?is (?:that|this)(?: one| thing| bit| part)?"
                                  # "is this severe sleep apnea?" grades the night (_CALL_IT_GRADE_RE)
                                  r"(?: here| there)? (?:an? )?(?!(?:mild|moderate|severe)\b)(?P<what>[a-z][a-z -]*?)\W*$", I)
# "is it a good example?", "is that a typical one?" of an event or epoch just shown ("is that typical?"
# alone, after a figure, asks for the norms)
_GOOD_EXAMPLE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:it|that|this)(?: one)? (?:a )?(?:(?:good|clear"
                              r"|textbook|classic|convincing|real|true)(?: (?:example|one|case|instance))?|(?:typical"
                              r"|representative) (?:example|one|case|instance))\W*$", I)
_THIS_STAGE_RUN_RE = re.compile(
    r"\bhow long (?:have|has|had) (?:they|she|he|the patient|the sleeper|it|we) been in (?:this|that|the current)"
    r" (?:stage|state|sleep stage)\b|\b(?:when|where) (?:does|did|will) (?:this|that|the current) (?:stage|sleep stage"
    r"|run|stretch|bout) (?:end|stop|finish|start|begin)\b|\bhow long (?:is|was|does|did) (?:this|that|the current)"
    r" (?:stage|sleep stage|run|stretch|bout)(?: last| go on| continue)?\b", I)
_EPOCH_SLOW_SHARE_RE = re.compile(
    r"\b(?:what|how much)(?: (?:percentage|percent|share|fraction|proportion|part))?(?: of)? (?:this|the|the current"
    r"|the shown) epoch (?:is|are|has|holds|contains|shows|is covered by|is made of|is filled with) (?:slow waves?"
    r"|delta waves?|slow[- ]wave activity)\b"
    r"|\bhow much (?:slow waves?|slow[- ]wave activity|delta waves?) (?:is|are|does|do) (?:there )?in (?:this|the"
    r" current) epoch\b", I)


def _read(text: str) -> Query:
    if (m := _STAGER_NAMED_RE.search(text)) and _STAGE_STATISTIC_RE.search(text) and not _STAGING_DOUBT_RE.search(text):
        # "TST with the machine staging", "YASA's REM latency": the statistic, which the
        # pipeline reads from the staging named (the question's words stay for that)
        rest = re.sub(r"\s{2,}", " ", f"{text[:m.start()]} {text[m.end():]}").strip(" ,:")
        return replace(_read(rest if rest.strip(" ?.!") else "summarize the night"), text=text)
    if _CREATIVE_RE.search(text):
        # "write me a poem about sleep": nothing in the night to measure, whatever it names
        return Query(Intent.OFF_TOPIC, text, by_rule=True)
    if _CSA_CRITERIA_RE.search(text):
        # "does this meet criteria for central sleep apnea?": no diagnosis, but the two figures
        # the ICSD-3's criteria read, each against its cut
        return replace(_read("does she have central sleep apnea?"), text=text)
    if (m := _FOR_AN_AGE_RE.search(text)) and 0 < int(m["age"]) < 120:
        # "is that low for 55?": the figure just given against the norms of that age
        # ("sleep efficiency - is that normal for 62?": the figure named before the dash)
        what = f"the {m['what']}" if m["what"] else "that"
        return replace(_read(f"is {what} normal at {m['age']}?"), text=text)
    if m := _BARE_POSITION_ASKED_RE.search(text):
        # "supine?" after "AHI?" and "and in REM?": the last question again, in that position
        return replace(_read(f"what about {m['where']}?"), text=text)
    if _LIMITS_RE.search(text):
        # "what can't this night tell me?", "limitations?": what the file lacks and what could
        # not be scored from what it holds (the canonical words, whose "missing" leads with it)
        return _read("what's missing from this recording?")
    if m := _COMPUTED_HERE_RE.search(text):
        # "how is the AHI computed here?": "here" is this night, not the epoch on screen
        return replace(_read(f"{text[:m.start('here')]}{text[m.end('here'):]}"), text=text)
    if (m := _OFF_NORM_RE.search(text)) and _norm_row(m["what"]):
        # "is the sleep onset latency prolonged?": against the norms, as "is it normal?"
        return replace(_read(f"is the {m['what']} normal?"), text=text)
    if m := _WHERE_STAGERS_DIFFER_RE.search(text):
        # "where do the machine and the human disagree most?"
        who = "the model" if _MODEL_NAMED_RE.search(m.group(0)) else "the machine"
        return replace(_read(f"where does {who} disagree with the scoring?"), text=text)
    if m := _BARE_ONE_FROM_RE.search(text):
        # "now one from the second half of the night": an example of the same kind, from there
        return replace(_read(f"show me {m['one']} {text[m.end():]}"), text=text)
    if _HYPNOGRAM_STATS_RE.search(text):
        # "show me the hypnogram statistics", "what are the sleep parameters?": the night's
        # statistics, not the hypnogram's plot
        return replace(_read("summarize the night"), text=text)
    if _WHAT_IF_STAGER_RE.search(text):
        # "what if YASA had scored it?": the night's statistics by that staging
        return replace(_read("summarize the night"), text=text)
    if any(_POSITION_NADIR_RE.search(part) and (named_position(part) or re.search(r"\bpositions?\b", part, I))
           for part in _CLAUSE_RE.split(text)):
        # "what was the nadir when supine?", "lowest sat by position": each position's lowest sample
        return Query(Intent.MEASURE, text, measure="position_nadir", target=named_position(text) or "",
                     scope=Scope((), parse_time(text)), modality="respiratory", by_rule=True)
    if m := _OXIMETER_LAG_RE.search(text):
        # "how long is the oximeter delay?": the lag from each breathing event to the SpO2 nadir
        # (with what a follow-up added after a colon: "...: is that normal?")
        rest = text[m.end():] if ":" in text[m.end():] else "?"
        return replace(_read(f"how long after the breathing events does the oxygen bottom out{rest}"), text=text)
    if m := _INDEX_PAIR_RE.search(text):
        # "what's the difference between AHI and RDI?": both, each defined, on this night
        a, b = (m["a"] or m["a2"]).upper(), (m["b"] or m["b2"]).upper()
        if {a, b} == {"AHI", "REI"}:
            # one stat's words name both; the REI is the AHI's events over the time recorded
            return replace(_read("what is the AHI?"), text=text, more_stats=("rei",))
        return replace(_read(f"what are the {a} and the {b}?"), text=text)
    if (m := _WHY_HAPPEN_RE.search(text)) and (phen := find_phenomenon(m["a"] or m["b"])) is not None and (
            phen.event_types):
        # "why do central apneas happen?", "what causes hypopneas?": what they are and why,
        # not the night's list (past tense, "what caused the arousals?", counts the night's)
        return Query(Intent.EXPLAIN, text, phen.key, by_rule=True)
    if (m := _WHY_PEOPLE_HAVE_RE.search(text)) and (entry := find_term(f"what is {m['what']}")) is not None:
        # "why do kids have more deep sleep?": what the term is and how it changes, defined
        return Query(Intent.EXPLAIN, text, target=entry.key, note="glossary", by_rule=True)
    if _ONSET_CHANGE_RE.search(text) and (signal := _signal(text)) is not None:
        # "did the temperature drop when she fell asleep?": the half hour before sleep onset
        # against the first half hour of sleep, not the first minute of sleep alone
        return Query(Intent.COMPARE, text, signal=signal, measure=signal, groups=_ONSET_SIDES, by_rule=True)
    if _WHY_OXYGEN_DROPS_RE.search(text):
        # "why does the oxygen drop?": the physiology behind a desaturation, read on the night's
        # breathing events, as "why does oxygen drop after an apnea?" reads it
        return replace(_read("why does oxygen drop after an apnea?"), text=text)
    if m := _AWAKE_BESIDE_RE.search(text):
        # "was she awake just before?" with an event in focus: the wake beside it, yes or no
        return replace(_read(f"did she wake up {m['side'].lower()} it?"), text=text)
    if (m := _IT_BESIDE_KIND_RE.search(text)) and (phen := find_phenomenon(m["kind"])) is not None and phen.event_types:
        # "was it after an apnea?", "did it follow an arousal?": that kind in the time before the
        # one in focus, answered yes or no
        side = "before" if m["side"].lower().startswith(("after", "follow")) else "after"
        return replace(_read(f"was there {article(m['kind'])} {side} it?"), text=text)
    if _WHO_RIGHT_THERE_RE.search(text):
        # "who is right there?" at a stretch the stagings disagree on: each one's call and the
        # epoch's measures (Dialogue._why)
        return Query(Intent.CLASSIFY, text, ref=Ref.WHY, by_rule=True)
    if _BIGGEST_DISAGREEMENT_RE.search(text):
        # "show me the biggest disagreement" after where the stagings disagree: its longest
        # stretch, listed first
        return Query(Intent.NAVIGATE, text, ref=Ref.FOCUS, ordinal=0)
    if _HUMAN_WOULD_RE.search(text):
        # "what would a human score it?": the epoch in view's evidence, led by who scored it
        return Query(Intent.CLASSIFY, text, ref=Ref.WHY, note="human_would", by_rule=True)
    if _GOOD_EXAMPLE_RE.search(text):
        # "is it a good example?" of what was just shown: the evidence for it (Dialogue.resolve)
        return Query(Intent.EXPLAIN, text, ref=Ref.WHY, note="good_example", by_rule=True)
    if _IS_IT_CAUSE_RE.search(text):
        # "is it respiratory?" with an arousal in focus: that arousal, its cause first
        return Query(Intent.DESCRIBE, text, ref=Ref.ITEM)
    if _QUIZ_RE.search(text):
        # "quiz me": an epoch to stage, marked on the reply (app.chat.quiz)
        # "quiz me on REM": epochs of that stage only
        return Query(Intent.CLASSIFY, text, stage_event="quiz", scope=Scope(stage_term(text)[:1]), by_rule=True)
    if _SURE_OF_INDEX_RE.search(text):
        # "how reliable is the AHI?": the index re-read under each choice it rests on
        return Query(Intent.MEASURE, text, measure="ahi_robustness", modality="respiratory",
                     by_rule=True)
    if _HOW_MUCH_RE.search(text):
        # "by how much?": the size of the difference the last answer found (Dialogue.resolve)
        return Query(Intent.COMPARE, text, ref=Ref.REPEAT, note="how_much", by_rule=True)
    if _SURE_OF_STAGE_RE.search(text):
        # "how sure are you about N3?": the machine staging's doubt over the epochs it calls N3
        return Query(Intent.RECORDING, text, topic="scoring", note="where_unsure", by_rule=True,
                     scope=Scope((_sure_stage(text),)))
    if _HOW_SURE_RE.search(text):
        # "how sure are you about that?": of the last answer's basis (Dialogue.resolve)
        return Query(Intent.RECORDING, text, topic="scoring", ref=Ref.REPEAT, note="how_sure",
                     by_rule=True)
    if (bare := _TRAILING_THEN_RE.sub("", text)) != text and (
            plain := _understand(bare)).intent == Intent.SUMMARY and plain.stat in INDEX_STATS + SLEEP_STATS:
        # "what's the AHI then?": a whole-night figure has no "then" to be at; the word
        # only carries the conversation on
        return replace(plain, text=text)
    if _BARE_SCOPE_RE.search(text) and len(text.split()) <= 6 and (
            carried := _read(f"and {text.strip()}")).ref == Ref.REPEAT:
        # "in the first cycle?" after "how many minutes of N2?": the last question there, as
        # "and in the first cycle?" asks it
        return replace(carried, text=text)
    if _LONGEST_AWAKE_RE.search(text):
        # "when did she wake up for the longest time?": the longest awakening, not the last; "the
        # longest wake period after 4 am": after then (probe P: the night's longest, 03:01)
        longest = _read("when was the longest awakening?")
        if (time := parse_time(text)) is not None and time.kind not in ("period", "after_onset"):
            longest = replace(longest, scope=replace(longest.scope, time=time))
        return replace(longest, text=text)
    if _STAGER_RACE_RE.search(text):
        # "is the model better than YASA?": each staging against the expert
        return Query(Intent.RECORDING, text, topic="scoring", note="race", by_rule=True)
    if _AGREEMENT_OVER_TIME_RE.search(text):
        # "does agreement drop at the end of the night?": two stagings hour by hour
        return Query(Intent.RECORDING, text, topic="scoring", note="agreement_track", by_rule=True,
                     target="model" if _MODEL_WORD_RE.search(text) else "machine")
    if _BY_STAGER_RE.search(text) and (named := stage_term(text)):
        # "how much N3 did the expert score vs YASA?": each staging's minutes of it
        return Query(Intent.RECORDING, text, topic="scoring", note="by_stager", by_rule=True,
                     scope=Scope(named, parse_time(text)))
    if _HOW_STAGED_RE.search(text):
        # "can I trust the sleep time?", "how did you get the stages without EEG?": how the stages
        # were found and how far they hold, as "can I trust the hypnogram?" says
        return replace(_understand("can I trust the hypnogram?"), text=text)
    if m := _TERSE_EPOCH_STAGE_RE.search(text):
        # "epoch 450 stage?": that epoch's stage
        return replace(_read(f"what stage is epoch {m.group(1)}?"), text=text)
    if _WOULD_YOU_SCORE_RE.search(text):
        # "what would you score it as?": the stage of the epoch on screen, with its readings
        return replace(_read("what stage is this epoch?"), text=text)
    if _WHY_NOT_SCORED_RE.search(text):
        # "why can't you score it?": what the file lacks and what the scoring could not read
        return _read("which sensors are missing?")
    if _TEACH_STAGES_RE.search(text):
        # "I'm teaching a class on sleep stages, where should I start?": the stages in brief,
        # on this night, from which each stage's example and quiz follow
        return Query(Intent.EXPLAIN, text, target="stages", note="glossary", by_rule=True)
    if (asked := asked_term(text)) is not None and asked.key == "desat_lag":
        # "why does the oxygen drop after it rather than during?": the lag explained, though
        # "after it" also names the event in focus
        return Query(Intent.EXPLAIN, text, target=asked.key, note="glossary", by_rule=True)
    if (shown := channel_shown(text)) is not None:
        # "point out the effort belts": what they record, and which of the file's channels they are
        return Query(Intent.EXPLAIN, text, target=shown.key, note="glossary", by_rule=True)
    if (m := _IS_THAT_AN_EVENT_RE.search(text)) and getattr(find_phenomenon(m["what"]), "event_types", None):
        # "is that an arousal?" of what is on screen: that kind of event in the epoch shown
        return replace(_read(f"is there {article(m['what'])} in this epoch?"), text=text)
    if m := _EVENTS_OF_KIND_RE.search(text):
        # "how many events were obstructive?": that type of apnea, counted
        return _read(f"how many {m.group('kind').lower()} apneas?")
    if _WHEN_MOSTLY_RE.search(text):
        # "when did that happen mostly?", "when was most of it?": the last answer's events or
        # time past a line, hour by hour
        return Query(Intent.BREAKDOWN, text, by="hour", ref=Ref.REPEAT, by_rule=True)
    if _THIS_STAGE_RUN_RE.search(text):
        # "how long have they been in this stage?", "when does this stage end?": the unbroken
        # stretch of the stage on screen
        return Query(Intent.STAGE_TIMING, text, scope=Scope(time=TimeSpan(
            "run", text="the stretch of this epoch's stage")), stage_event="length", by_rule=True)
    if _EPOCH_SLOW_SHARE_RE.search(text):
        # "what percentage of this epoch is slow waves?": the share the N3 rule reads, with the
        # rest of the epoch's evidence
        return Query(Intent.CLASSIFY, text, scope=Scope(("N3",), TimeSpan("current", text="this epoch")),
                     stage_event="why", by_rule=True)
    if not (_WHY_RE.search(text) and _WHY_HERE_RE.search(text)) and (rules := stage_rules(text)) is not None:
        # "what are the AASM rules for N3?": the stage's rules, not the night's N3 or the
        # hypopnea rules the AASM's name also calls up
        return Query(Intent.EXPLAIN, text, target=rules.key, note="glossary", by_rule=True)
    if ((m := _RULES_FOR_RE.search(text)) and (phen := find_phenomenon(what := m["what"] or m["what2"])) is not None
            and not (phen.key == "hypopnea" and _HYPOPNEA_RULE_RE.search(text))):
        # "what are the scoring rules for a hypopnea?": its definition, which states them; "the
        # AASM rule for hypopneas" names the rules whose AHIs differ (hypopnea_rules)
        return replace(_understand(f"what is {article(what)}?"), text=text)
    query = _understand(text)
    if query.phenomenon == "spindle" and query.intent == Intent.LOCATE and (m := _PACE_RANK_RE.search(text)):
        # "show me the slowest spindle": by its frequency (Hz), one unless more are asked for
        query = replace(query, rank=m[1].lower(), count=query.count or (
            None if re.search(r"\bspindles\b|\b\d+\b", text, I) else 1))
    if _NEAR_IT_RE.search(text) and query.intent == Intent.LOCATE and query.phenomenon:
        # "and a spindle next to it?": the event in focus names the time (Dialogue.resolve)
        return replace(query, ref=Ref.NONE, note="near_it", count=None, rank=None)
    if (_RECOVERY_RE.search(text) and query.ref == Ref.NONE and not _ONE_RANKED_RE.search(text)
            and (phen := find_phenomenon(text)) is not None and phen.event_types):
        # "how long after ... did the oxygen bottom out?" asks for the nadir ("lowest")
        rank = "lowest" if re.search(NADIR_ASK, text, I) else None
        if _ONE_EVENT_RE.search(text):
            # "how long after the apnea did the oxygen bottom out?": the one picked, if any
            return replace(query, intent=Intent.MEASURE, phenomenon=phen.key, signal="spo2",
                           note="soft_recovery", rank=rank, by_rule=True)
        # "how fast did the oxygen recover after the apneas?": after each one, over the night
        # "...: how long does it take on average?", "...: the slowest one?": that first
        lead = ("mean" if re.search(r"\b(?:on average|average|mean)\b", text, I) else "slowest"
                if re.search(r"\b(?:slowest|longest|worst)\b", text, I) else "normal"
                if re.search(r"\b(?:normal|usual|typical|ok(?:ay)?|too (?:long|slow))\W*$", text, I) else None)
        return replace(query, intent=Intent.MEASURE, phenomenon=phen.key, signal="spo2",
                       measure="spo2_recoveries", rank=rank, target=lead, by_rule=True)
    if (query.intent == Intent.COMPARE and query.ref == Ref.NONE and query.phenomenon is None
            and query.signal is None and _THEY_SPLIT_RE.search(text)):
        # "were they worse in NREM or REM?": the last answer's events, split
        return replace(query, ref=Ref.REPEAT)
    if (not query.note and query.signal in ("spo2", "hr") and query.scope == Scope()
            and query.phenomenon is None and query.ref == Ref.NONE
            and (_EXCURSION_RE.search(text) or _EXCURSION_RE.search(query.text)
                 or _RECOVERY_RE.search(text))):
        # "how low did the sat go?": the event just picked if there is one (Dialogue.resolve)
        if _RECOVERY_RE.search(text):
            return replace(query, note="soft_recovery")
        return replace(query, note="soft_item", rank="highest" if re.search(
            r"\bhow high\b", text, I) else "lowest")
    return query


# "by how much?", "how much higher?", "how big is the difference?" with nothing else named
_HOW_MUCH_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:by how much|how much (?:higher|lower|more|less"
                          r"|bigger|smaller|faster|slower|greater|different)|how (?:big|large) (?:is|was) (?:the|that)"
                          r" (?:difference|gap|change)|how much did (?:it|they) (?:change|differ|rise|fall|drop|go up"
                          r"|go down)|what(?:'s| is| was) the ratio)(?: (?:is|was) (?:it|that|the difference))?"
                          r"(?: (?:on average|overall|in all|exactly))?\W*$", I)
_INDEX_WORDS = (r"(?:ahi|rei|rdi|apn(?:o)?ea[- ]hypopn(?:o)?ea index|respiratory (?:event|disturbance) index"
                r"|apn(?:o)?ea index)")
_SURE_WORDS = r"(?:confident|sure|certain|reliable|accurate|robust|trustworthy|precise|solid|exact)"
# "how reliable is the AHI?", "can I trust the REI?", "what's the margin of error on the AHI?"
_SURE_OF_INDEX_RE = re.compile(
    rf"\bhow {_SURE_WORDS}\b.{{0,40}}\b{_INDEX_WORDS}\b|\b(?:trust|rely on|believe)\b.{{0,30}}\b{_INDEX_WORDS}\b"
    rf"|\b{_INDEX_WORDS}\b.{{0,30}}\b(?:reliab\w*|accura\w*|robust\w*|trustworth\w*|precis\w*|uncertain\w*"
    rf"|margin of error|error bars?|confidence interval)\W*$|\b(?:margin of error|error bars?|uncertainty"
    rf"|confidence interval)\b.{{0,25}}\b(?:on|of|for|in|around) (?:the |this |that |her |his |their )?"
    rf"{_INDEX_WORDS}\b"
    # "is the AHI underestimated?"
    rf"|\b{_INDEX_WORDS}\b.{{0,30}}\b(?:under|over)[- ]?(?:estimat|stat|count|scor)\w*", I)
_THAT_ONE = (r"(?:that|this|it|these|those|they|them)(?: (?:number|figure|value|result|answer|estimate"
             r"|count|index|reading|finding)s?)?")
# "how confident are you in that number?", "is that accurate?", "can I trust it?"
_HOW_SURE_RE = re.compile(
    rf"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s+|really\W+)?(?:how (?:confident|sure|certain) (?:are|were|can)"
    rf" (?:you|we|i)(?: be)?(?: (?:about|in|of|with) {_THAT_ONE})?|how {_SURE_WORDS} (?:is|are|was|were)"
    rf" {_THAT_ONE}|(?:is|are|was|were) {_THAT_ONE} (?:really )?(?:reliable|accurate|right|correct|trustworthy"
    rf"|precise|exact)|can (?:i|we) (?:really )?(?:trust|rely on|believe) {_THAT_ONE}|what(?:'s| is) the"
    rf" (?:margin of error|uncertainty|error)(?: (?:on|of|in) (?:that|this|it))?|(?:are|were) you (?:really |quite"
    rf" |absolutely )?(?:sure|certain|confident)(?: (?:about|of) {_THAT_ONE})?|how (?:sure|certain|confident))\W*$", I)

# "quiz me", "test my students", "give us another one to score": an epoch to stage
_QUIZ_RE = re.compile(r"^\W*(?:ok(?:ay)?,?\s+|now\s+|(?:can|could) you\s+|please\s+)*(?:quiz|test) (?:me|us|the"
                      r" class|my (?:students|class|trainees?))\b|^\W*(?:give|show) (?:me|us|the class) (?:a|an"
                      r"|another) (?:quiz|test|epoch to (?:score|stage)|(?:quiz |test )?question)\b|^\W*(?:another"
                      r"|next|one more) (?:quiz|epoch to (?:score|stage)|quiz question)\b|^\W*let'?s (?:do|play|have)"
                      r" a (?:quiz|staging quiz)\b|\bstaging quiz\b", I)
# A reply to a quiz: a stage alone, perhaps hedged ("N2", "I think it's REM", "stage 3?")
_QUIZ_REPLY_RE = re.compile(r"^\W*(?:(?:i think|i'd say|i would say|i guess|my guess is|my answer is|is it|it'?s"
                            r"|it is|that'?s|this is|that is|maybe|probably|answer:?|looks like|definitely)\s+)*"
                            r"(?P<stage>(?:stage\s+)?(?:n\s?[123]|s[1-4]|[1-4])|rem(?: sleep)?|wake(?:fulness)?"
                            r"|awake|w|deep sleep|slow[- ]wave sleep|light sleep|nrem\s?[123])(?:\s+sleep)?"
                            r"(?:,?\s+(?:i think|probably|maybe|right|then))?\W*$", I)


QUIZ_SCORE_RE = re.compile(r"^\W*(?:so\s+|and\s+|ok(?:ay)?,?\s+)?(?:how (?:am i|have i been|did i) (?:doing|do)"
                           r"(?: so far)?|what(?:'s| is) my score|(?:give me |show me )?my score|how many (?:did i get|have i"
                           r" got|have i gotten) (?:right|correct)(?: so far)?|how (?:well|good) (?:am i|have i been) doing)"
                           r"(?: (?:on|in|with) (?:the|this) quiz(?:zes)?)?(?: so far)?\W*$", I)
"""A question for the quiz's tally so far ("how am I doing?")."""


def quiz_reply(text: str) -> str | None:
    """The stage a reply to a quiz gives ("I think it's REM" -> "REM"), None when it is not
    one stage alone ("light sleep" names two)."""
    m = _QUIZ_REPLY_RE.search(" ".join(text.split()))
    if m is None:
        return None
    word = m.group("stage").lower()
    if re.fullmatch(r"(?:stage\s+)?[1-4]|s[1-4]", word):
        word = f"n{min(int(word[-1]), 3)}"   # "stage 3", "S4": the old N3 stages
    stages = stage_term(word) or (("W",) if word == "w" else ())
    return stages[0] if len(stages) == 1 else None


_SYSTEM_PROBLEM_RE = re.compile(r"^\W*(?:(?:are|were|is|was) there |did (?:she|he|they|the patient) have )?(?:any"
                                r"(?:thing)?|something) (?:problems?|issues?|abnormal(?:ities)?|wrong|unusual|concerning"
                                r"|odd) (?:with|in|about) (?:the |her |his |their )?(?P<system>oxygen|spo2|saturation"
                                r"|breathing|respiration|heart(?: rate)?|pulse)\W*$"
                                # "were there any breathing problems?", "any heart issues?"
                                r"|^\W*(?:(?:are|were|is|was) there |did (?:she|he|they|the patient) have )?(?:any )?"
                                r"(?P<system2>oxygen|breathing|respiratory|heart|cardiac)"
                                r" (?:problems?|issues?|trouble|difficult(?:y|ies)|abnormalit(?:y|ies)|disturbances?"
                                r"|concerns?)\W*$"
                                # "what stands out about the heart?", "anything notable in the breathing?"
                                r"|^\W*(?:what|anything)(?:'s| is)? (?:stands? out|notable|remarkable|unusual|worth (?:noting"
                                r"|flagging)) (?:about|in|with) (?:the |her |his |their )?(?P<system3>oxygen|spo2|saturation"
                                r"|breathing|respiration|heart(?: rate)?|pulse|cardiac)\W*$", I)
# "around 3 in the morning", "11 at night": a clock with its part of the day in words
_DAYPART_RE = re.compile(r"\b(?P<hour>1[0-2]|0?[1-9])(?P<minutes>:[0-5]\d)?\s+(?:o'?clock\s+)?(?P<part>in the"
                         r" morning|in the evening|in the afternoon|at night|in the night)\b", I)
_WITHIN_ONSET_RE = re.compile(r"\b(?:within|in) (?:the first )?(?P<n>\d{1,3}|an?|one|two|three|five|ten|fifteen"
                              r"|twenty|thirty) (?P<unit>min(?:ute)?s?|hours?) (?:of|after) (?:falling asleep|sleep"
                              r" onset|(?:she|he|they|the patient) fell asleep|going to sleep)\b", I)
_AT_ONSET_RE = re.compile(r"\b(?:at (?:the )?(?:sleep onset|onset of sleep|(?:start|beginning) of sleep|falling asleep"
                          r"|(?:the time )?(?:she|he|they|the patient) fell asleep)|(?:when|as) (?:she|he|they|the patient)"
                          r" fell asleep)\b", I)
_AT_WAKING_RE = re.compile(r"(?:\bat |(?<=vs )|(?<=vs\. )|(?<=versus )|(?<=and ))(?:the )?(?:final awakening|last awakening"
                           r"|end of sleep|(?:final |morning )?wak(?:e[- ]?up|ing)|(?:the time )?(?:she|he|they|the patient)"
                           r" woke up)\b", I)
# "the longest stretch without any apnea", "longest apnea-free period", "how long did she go
# without an arousal?"
_EVENT_FREE_RE = re.compile(r"\b(?:longest|long)\s+(?:stretch|period|time|gap|interval|run|span|spell|while)"
                            r"(?: of (?:sleep|time))?\s+(?:without|free of|with no|with ?out)\s+(?:any\s+|an?\s+)?"
                            r"(?P<what>[\w -]+?)\W*$"
                            r"|\blongest\s+(?P<what2>[\w-]+?)[- ]free\s+(?:stretch|period|time|gap|interval|run|span)"
                            r"|\bhow long did (?:she|he|they|the patient) (?:go|sleep|stay) without (?:any\s+|an?\s+)?"
                            r"(?P<what3>[\w -]+?)\W*$", I)
_TERSE_STAGE_RE = re.compile(r"^\W*(?P<head>(?:(?:mean|average|min|max|lowest|highest) )?(?:ahi|odi|rdi|rei|cai|oai"
                             r"|oahi|hr|heart rate|pulse|spo2|sat|sao2|hrv|rmssd|t90|breathing rate|resp rate"
                             r"|arousal index|plmi|plm index))\s+(?P<stage>rem|nrem|n1|n2|n3|wake)\W*$", I)
_STAGE_PERCENT_RE = re.compile(r"\b(rem|n1|n2|n3|nrem|wake|deep sleep|light sleep)(?:\s*%|\s+(?:pct|perc|prct|pc)\b\.?)", I)
_EVER_POSITION_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|does|was|is|were) (?:he|she|they|the patient|the sleeper)"
                               r" (?:ever |at all |much )?(?:(?:sleep|lie|lying|sleeping|spend (?:any )?time|lay)"
                               r" )?(?P<where>on (?:his|her|their|the) (?:back|sides?|stomach|belly|front|left(?: side)?"
                               r"|right(?: side)?)|supine|prone|lateral|upright)(?: at all| much| ever)?\W*$", I)
_BARE_KIND_SHARE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?P<what>what|which) (?P<part>percent(?:age)?|share"
                                 r"|fraction|proportion) (?:were|are|was|is)|(?:is it|are they|were they|was it"
                                 r"|is that|was that)(?:\s+(?P<most>mostly|mainly|predominantly|largely))?)"
                                 r"\s+(?P<kind>central|obstructive|mixed)\W*$", I)
_COMPARED_WORD_RE = re.compile(r"\b(?:smaller|larger|bigger|faster|slower|longer|shorter|deeper|shallower"
                               r"|taller|weaker|stronger)\b", I)
_LATER_RE = re.compile(r"\b(later|earlier) in the night\b", I)
_STAGE_EPOCHS_RANKED_RE = re.compile(r"\bwhich (n1|n2|n3|rem|nrem|wake) epochs? (?:has|have|had|show|showed)"
                                     r" the (highest|lowest|most|least|strongest) (.+?)\W*$", I)
# "find epochs with alpha intrusion": epochs to be shown, not a mean
_EPOCHS_WANTED_RE = re.compile(r"\b(?:find|show|list|give me|point (?:me )?to|which|where are)\b.*\bepochs\b", I)
# "is an AHI of 12 bad?", "my AHI is 31", "an arousal index of 30": a value the question gives
_STATED_RE = re.compile(r"\b(?P<index>o?ahi|rdi|rei|apn(?:o)?ea[- ]hypopn(?:o)?ea index|arousal index)"
                        r"\s+(?:of|at|=|is|was|around|about|near)\s+(?P<value>\d+(?:\.\d+)?)\b"
                        r"(?!\s*(?:%|percent|min|minutes|am|pm|o'clock|years?))", I)


_STAGE_WORD = r"(?:wake|n1|n2|n3|rem|nrem|non-rem|light sleep|deep sleep|slow[- ]wave sleep|sws)"
# "the ODI in REM and in NREM": the two stages side by side ("spindles in N2 and N3", with one
# "in", is both stages together)
_IN_AND_IN_RE = re.compile(rf"\b(?:in|during) ({_STAGE_WORD}) and (?:in|during) ({_STAGE_WORD})\b", I)
# "how long was the longest apnea and when was it?": an event's answer gives its times
_SUPERLATIVE_EVENT_RE = re.compile(r"\bthe (?:longest|shortest|deepest|first|last|biggest|largest|worst"
                                   r"|strongest|lowest|highest)\b", I)
_AND_WHEN_RE = re.compile(r",?\s+and (?:when|at what time|what time) (?:was|did) (?:it|that)"
                          r"(?: (?:happen|occur|start|take place))?(?=\W*$)", I)


# "the heart rate asleep and awake": the two states side by side
_ASLEEP_AND_AWAKE_RE = re.compile(r"\b(asleep|awake) and (awake|asleep)\b", I)


def _meridiem(m: re.Match[str]) -> str:
    """"3 in the morning" -> "3 am", "11 at night" -> "11 pm", "2 at night" -> "2 am"."""
    hour, part = int(m["hour"]), m["part"].lower()
    night = part.endswith("night")
    pm = part.endswith(("evening", "afternoon")) or (night and 6 <= hour <= 11)
    return f"{m['hour']}{m['minutes'] or ''} {'pm' if pm else 'am'}"


def _understand(text: str) -> Query:
    text = _T_SPO2_RE.sub(r"time with SpO2 below \1%", repair(" ".join(text.split())))
    text = _DAYPART_RE.sub(_meridiem, text)
    # "within 10 minutes of falling asleep": the first minutes of sleep, a span the times read
    text = _WITHIN_ONSET_RE.sub(lambda m: f"in the first {m['n']} {m['unit']} of sleep", text)
    if _signal(text) is not None:
        # "the temperature at sleep onset", "heart rate at the final awakening": that signal
        # over the first or the last minute of sleep, a span the times read
        text = _AT_ONSET_RE.sub("in the first minute of sleep", text)
        text = _AT_WAKING_RE.sub("in the last minute of sleep", text)
    text = _ASLEEP_AND_AWAKE_RE.sub(lambda m: f"{m.group(1)} vs {m.group(2)}"
                                    if m.group(1).lower() != m.group(2).lower() else m.group(0), text)
    text = _IN_AND_IN_RE.sub(lambda m: f"in {m.group(1)} vs {m.group(2)}"
                             if m.group(1).lower() != m.group(2).lower() else m.group(0), text)
    if _SUPERLATIVE_EVENT_RE.search(text):
        text = _AND_WHEN_RE.sub("", text)
    text = _REM_DENSITY_RE.sub("rapid eye movements per minute in REM", text)
    # "ahi rem", "mean hr nrem": a technician's figure with its stage after it
    text = _TERSE_STAGE_RE.sub(lambda m: f"{m['head']} in {m['stage']}", text)
    # "REMs per minute of REM", "arousals per hour of N2 sleep": a rate inside that stage
    text = _PER_STAGE_RE.sub(lambda m: f"per {m.group(1)} in {m.group(2)}", text)
    text = _BEST_SLEEP_RE.sub("longest stretch of sleep", text)
    # "any problems with her oxygen?", "anything abnormal with the heart?": that system judged
    text = re.sub(r"\btell me (?:everything|all|more|the (?:whole|full) story) about\b", "tell me about", text, flags=I)
    text = _SYSTEM_PROBLEM_RE.sub(lambda m: "is the heart rate normal?" if re.match(
        r"heart|pulse|cardiac", m["system"] or m["system2"] or m["system3"], I) else "is the breathing normal?", text)
    # "what's the REM %": its share of sleep
    text = _STAGE_PERCENT_RE.sub(lambda m: f"{m.group(1)} percentage", text)
    # "did he sleep on his stomach?", "was she ever prone?": the time in that position
    text = _EVER_POSITION_RE.sub(lambda m: f"how long was the patient {m['where']}?", text)
    # "is it mostly central?", "what percentage were central?": of the apneas
    text = _BARE_KIND_SHARE_RE.sub(lambda m: f"{m['what']} {m['part']} of the apneas were {m['kind']}?"
                                   if m["what"] else f"are the apneas {m['most'] or 'mostly'} {m['kind']}?", text)
    if _COMPARED_WORD_RE.search(text):
        # "are the slow waves smaller later in the night?": the second half against the first
        text = _LATER_RE.sub(lambda m: "in the second half" if m.group(1).lower().startswith("lat")
                             else "in the first half", text)
    # "which N3 epochs have the highest alpha power?": the epochs of that stage, ranked
    text = _STAGE_EPOCHS_RANKED_RE.sub(r"which epoch has the \2 \3 in \1?", text)
    text = _FEVER_RE.sub(lambda m: _FEVER[m.group(1).lower()[:4]], text)
    text = _SHORTHAND_RE.sub(lambda m: _SHORTHAND[m.group(0).lower()], text)
    for pattern, question in _BARE_SHORTHAND:
        text = pattern.sub(question, text)
    text = _NAMED_CLOCK_RE.sub(lambda m: "00:00" if m.group(0).lower() == "midnight" else "12:00", text)
    # "zoom to the worst hour" names no system: a report's worst hour is its breathing's
    text = _WORST_PART_RE.sub(lambda m: _WORST_PART_EVENTS[(m.group(1) or "bre").lower()[:3]], text)
    text = _WHEN_WORST_RE.sub(lambda m: _WORST_PART_EVENTS[(m.group(1) or "bre").lower()[:3]], text)
    if _POSITIONAL_RE.search(text) and not _MEDICAL_RE.search(text):
        # "is it positional?": the AHI by position, the rule's yes or no first; "was it worse
        # on her back?": higher on the back or not
        text = ("AHI by body position" if not _YES_NO_RE.search(text)
                else "is the AHI positional (AHI by body position)?" if _RULE_WORD_RE.search(text)
                else "was the AHI higher on the back (AHI by body position)?")
    if _YES_NO_RE.search(text) and _REM_RELATED_RE.search(text) and not _MEDICAL_RE.search(text):
        # "is it REM-related OSA?": the two indices and their ratio, the rule's yes or no first;
        # "is the apnea worse in REM?": higher in REM or not
        text = ("is the AHI REM-related (AHI in REM vs NREM)?" if _RULE_WORD_RE.search(text)
                else "was the AHI higher in REM than in NREM?")
    for pattern, words in _PLAIN_WORDINGS:
        text = pattern.sub(words, text)
    if _SIGN_OFF_RE.search(text):
        # "what should I double check?", after _REVIEW_RE's rewording: the staging's doubts, then
        # the events nearest their rule's cut
        return Query(Intent.RECORDING, text, topic="scoring", note="review", by_rule=True)
    if m := _STAGE_MISCOUNTED_RE.search(text):
        # "is REM underestimated?", "is N3 overscored by the machine?": that stage's minutes by each
        # staging the night has, how far apart they are being the answer
        return Query(Intent.RECORDING, text, topic="scoring", note="by_stager", by_rule=True,
                     scope=Scope(stage_term(m["stage"])))
    if m := _STAGE_DOUBTED_RE.search(text):
        # "is the N3 overscored?": how sure the staging is of the epochs it calls N3
        return Query(Intent.RECORDING, text, topic="scoring", note="where_unsure", by_rule=True,
                     scope=Scope(stage_term(m["stage"])))
    if _BORDERLINE_RE.search(text) and _BORDERLINE_EVENTS_RE.search(text):
        # "which events are borderline?", "which hypopneas barely met the criteria?"
        return Query(Intent.MEASURE, text, measure="borderline", modality="respiratory",
                     phenomenon=(p := find_phenomenon(text)) and p.key, by_rule=True)
    # "for more than a minute", "longer than half a minute": the bound as a number
    text = _ONE_UNIT_RE.sub(_one_unit, text)
    text = _SHOWED_RE.sub(_showed, text)
    # "what changes in the EEG when someone falls asleep?": wake against N1, the EEG's shift
    text = _ONSET_EEG_RE.sub("compare the EEG in wake and N1", text)
    if (m := _STAGE_PAIR_RE.search(text)) and all(
            len(stage_term(side)) == 1 and find_phenomenon(side) is None
            for side in [g for g in m.groups() if g]):
        # two stages: compared on the night, not explained
        text = "compare {} and {}".format(*[g for g in m.groups() if g])
    text = _TELL_APART_RE.sub(r"what is the difference between \1 and \2?", text)
    # "the correlation between snoring and the AHI by hour": the measure tracked against the index
    text = _CORRELATE_INDEX_RE.sub(lambda m: f"does the {m['a'] or m['a2']} track the {m['b'] or m['b2']}?", text)
    # "which side did she sleep on most?": the time on either side, as "how long on her side?"
    text = _WHICH_SIDE_SLEPT_RE.sub("how long on her side?", text)
    text = _ONSET_TRANSITION_RE.sub("sleep onset", text)
    if (m := _PLOT_TREND_RE.search(text)) and names_measure(m.group(1)):
        # "plot the delta power across the night": that measure hour by hour
        text = f"how did {m.group(1)} change across the night?"
    text = _MORE_IN_PART_RE.sub(r"compare \1 in the first half and the second half", text)
    text = _HALVES_ASKED_RE.sub(lambda m: f"compare {m.group(1) or m.group(2)} in the first half and "
                                          f"the second half", text)
    if _WOKE_AT_END_RE.match(text):
        # "what woke her up at the end?": the minutes before the final awakening
        text = "what happened just before the final awakening?"
    if _WHY_NO_STAGING_RE.match(text):
        # "why can't you stage it?": what the staging could not read, as "can you stage it?" says
        text = "can you stage this night?"
    if _SLEEP_GUESS_TRUST_RE.match(text):
        # "how reliable is the sleep estimate without EEG?": the sleep time and how far its guess goes
        text = "how accurate is the sleep time?"
    # "heart rate in wake vs sleep": sleep is the other side, as "in wake and in sleep" says
    text = _WAKE_VS_SLEEP_RE.sub(r"\1 \2 in ", text)
    if m := _FOLLOWED_BY_RE.match(text):
        # "was it followed by an arousal?": one after the event in view, as "an arousal after it?"
        side = {"preceded": "before", "accompanied": "during"}.get((m["how"] or "").lower(), "after")
        text = f"was there {m['what']} {side} it?"
    # "is the EEG slower in the second half?": slowing is read as the delta band's share
    text = _EEG_SPEED_RE.sub(lambda m: "the delta power " + ("higher" if m["way"].lower() == "slower"
                                                             else "lower"), text)
    if _HYPOPNEA_WORD_RE.search(text) or not _OTHER_EVENT_WORD_RE.search(text):
        # the AASM's arousal-only rule is a hypopnea's ("apneas with arousals only" are not; "how
        # many with arousal only?" after the hypopneas is theirs)
        text = _AROUSAL_ONLY_PREFIX_RE.sub(r"\1 with an arousal but no desaturation", text)
        named = "" if _HYPOPNEA_WORD_RE.search(text) else "hypopneas "
        text = _AROUSAL_ONLY_RE.sub(f"{named}with an arousal but no desaturation", text)
    if not text or _HELP_RE.search(text) and len(text.split()) <= 8:
        return Query(Intent.HELP, text)
    if _THANKS_RE.search(text):
        return Query(Intent.HELP, text, note="thanks", by_rule=True)
    if _BARE_COMPARE_RE.search(text):
        return Query(Intent.HELP, text, note="compare", by_rule=True)
    if _BARE_STAGE_RE.search(text) and stage_term(text):
        # "REM", "N2?", "deep sleep": where that stage is, as a bare phenomenon finds its events
        return Query(Intent.STAGE_TIMING, text, scope=Scope(stage_term(text)), stage_event="periods",
                     by_rule=True)
    # "how bad were the apneas in REM compared to NREM?" compares two parts, it grades nothing
    severity = _APNEA_SEVERITY_RE.search(text) and not (
        _CONTRAST_WORDS_RE.search(text) and _compare_groups(text) is not None)
    disorder = (_disorder(text) or ("sleep apnea" if severity else None)
                or ("a sleep disorder" if _JUDGEMENT_RE.search(text) or (_REMEDY_RE.search(text) and _MEDICAL_RE.search(text))
                     else None))
    if (_MEDICAL_RE.search(text) or disorder is not None) and not re.search(_BODY_ASKED, text, I):
        # "how severe is the apnea?" asks for the index's grade: answered, not refused; "what
        # medication is she on?" asks for what the file never holds (the patient topic)
        graded = severity and not _MEDICAL_RE.search(text) and _disorder(text) is None
        return Query(Intent.MEDICAL, text, phenomenon=(p := find_phenomenon(text)) and p.key,
                     condition_name=disorder, note="severity" if graded else "")
    if m := _SHARE_OF_BED_RE.search(text):
        # "what fraction of the time in bed was wake?": wake's share of the night, or the sleep
        # efficiency for the share asleep
        if re.search(r"\basleep|sleeping\b", m["what"], I):
            return replace(understand("what was the sleep efficiency?"), text=text)
        named = ("wake",) if re.search(r"\b(?:awake|wake|waking)\b", m["what"], I) else stage_term(m["what"])
        if len(named) == 1:
            return replace(understand(f"what fraction of the night was {named[0]}?"), text=text)
    if m := _KIND_CHOICE_RE.search(text):
        # "mostly obstructive or central?": the apneas' share of the first kind, every type listed
        return replace(understand(f"were the apneas mostly {m.group(1).lower()}?"), text=text)
    if (pair := _event_kinds(text)) is not None:
        # "compare obstructive and central apneas": the two kinds side by side
        # "are spindles longer than K-complexes?": which lasts longer answers first
        rank = ("shortest" if re.search(r"\bshorter\b", text, I) else "longest"
                if re.search(r"\b(?:longer|how long|lasts?)\b", text, I) else None)
        return Query(Intent.MEASURE, text, pair[0], contrast=pair[1], measure="event_kinds",
                     scope=Scope(stage_term(text), parse_time(text)), rank=rank, by_rule=True)
    if _BARE_PAUSES_RE.search(text):
        # Breathing pauses unless the dialogue is about the heart (``Dialogue.resolve``).
        return replace(understand("any breathing pauses?"), text=text, note="pauses")
    time = parse_time(text)
    if time is not None and time.kind == "after_onset" and _WASO_NAME_RE.search(text) and not (
            _COMPARE_RE.search(text)):
        time = None   # "how much time awake after sleep onset?" names the WASO, not a span
    if time is not None and time.kind == "clock" and time.end is None and _WOKE_AT_RE.search(text):
        # "what woke her up at 04:53?": the awakening starting nearest that time, and its tie
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="awakening_causes",
                     note="at", by_rule=True)
    if _WHAT_WOKE_RE.search(text):
        # "what caused the awakenings?", "why did she keep waking up?": each awakening's tie
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="awakening_causes",
                     by_rule=True)
    if _AROUSAL_AWAKENING_RE.search(text):
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="awakening_causes",
                     note="arousals", by_rule=True)
    if (step := _NEXT_PERIOD_RE.search(text)) and stage_term(text):
        # "go to the next REM period": from the epoch on screen to that stage's next period
        return Query(Intent.NAVIGATE, text, scope=Scope(stage_term(text)), note="period",
                     step=-1 if step.group(1).lower() != "next" else 1, by_rule=True)
    if (m := _WHAT_STAGE_SHOW_RE.search(text)) and len(stages := stage_term(m["stage"])) == 1:
        # "what is REM sleep? show me": an epoch of the stage with its evidence, not its eye movements
        return Query(Intent.CLASSIFY, text, scope=Scope(stages), stage_event="example", by_rule=True)
    if (short := _stage_shortfall(text, time)) is not None and (
            short.ref == Ref.ITEM or time is not None and time.kind == "cycle"):
        # "why was there no deep sleep in it?": the stretch just shown; "why no REM in the first
        # cycle?": that cycle's REM, not REM timing in general (the glossary's, read later)
        return short
    if (follow := _followup(text, time)) is not None:
        if _CONTEXT_WOKE_RE.search(text):
            # "what woke the patient?": the awakening just shown, else every awakening's tie;
            # "what woke her then?" is no question about the awakening itself but what led to it
            follow = replace(follow, note="woke", **({"ref": Ref.CONTEXT, "step": -1}
                                                      if follow.ref == Ref.ITEM else {}))
        return _with_slots(follow, text, time)
    if (time is not None and time.kind in ("cycle", "period", "episode")
            and _SPAN_LENGTH_RE.search(text.replace(time.text, " "))):
        # "how long was the second REM period?": that span's length, and what it holds
        return Query(Intent.STAGE_TIMING, text, scope=Scope(time=time), stage_event="length",
                     by_rule=True)
    if (time is not None and time.kind in ("cycle", "period", "episode")
            and _WHERE_SPAN_RE.search(text.replace(time.text, " "))):
        # "where is the first sleep cycle?": that span shown, as "show me the first cycle"
        return Query(Intent.NAVIGATE, text, scope=Scope(time=time), by_rule=True)
    if (m := _EVENT_FREE_RE.search(text)) and (phen := find_phenomenon(m["what"] or m["what2"] or m["what3"])) \
            is not None and phen.event_types:
        # "the longest stretch without an apnea": the gaps between them in the sleep episode
        return Query(Intent.MEASURE, text, phen.key, scope=Scope((), time), measure="event_free",
                     modality=phen.level, by_rule=True)
    if _HYPOXIC_BURDEN_RE.search(text):
        # "what's the hypoxic burden?": Azarbarzin's area of the event-related SpO2 dips
        return Query(Intent.MEASURE, text, measure="hypoxic_burden", by_rule=True)
    if _HYPOPNEA_RULE_RE.search(text):
        # "AHI 3 % vs 4 %?": the hypopneas re-read under the AASM's two oxygen rules
        return Query(Intent.MEASURE, text, measure="hypopnea_rules", modality="respiratory",
                     by_rule=True)
    if (m := _HOW_MUCH_CHANGE_RE.search(text)) and (changed := _signal(text)) is not None and find_phenomenon(text) is None:
        # "how much did the temperature drop overnight?": from the start of sleep to its extreme
        rise = m["way"].lower() in ("rise", "rose", "increase", "climb", "go up", "went up")
        return Query(Intent.MEASURE, text, signal=changed, note="rise" if rise else "drop",
                     rank="highest" if rise else "lowest", by_rule=True)
    if (signal := _signal(text)) in ("hr", "spo2", "resp") and _AWAKENINGS_AROUND_RE.search(text):
        # "did the heart rate go up before the awakenings?": the signal around each awakening
        return Query(Intent.MEASURE, text, signal=signal, measure="awakening_signal",
                     scope=Scope(_stage_filter(text)[0], time), by_rule=True)
    if ((m := _GAPS_BETWEEN_RE.search(text)) and not re.search(r"\bbetween\b.*\band\b", text, I)
            and (phen := find_phenomenon(text)) is not None and phen.event_types):
        # "median time between central apneas", "how many came within 2 min of each other?": the
        # onset-to-onset intervals (probe P: the events' list)
        close = m["n"] and float(NUMBER_WORDS.get(m["n"].lower(), m["n"])) * (60.0 if m["unit"].lower().startswith("m") else 1.0)
        return Query(Intent.MEASURE, text, phen.key, measure="event_gaps", scope=Scope(_stage_filter(text)[0], time),
                     window=close or None, by_rule=True)
    if _PLM_SERIES_RE.search(text) or (_SERIES_AT_RE.search(text) and time is not None and time.kind == "clock"
                                       and time.end is None):
        # "show me the longest series of periodic leg movements": the series themselves; "how many
        # movements in the 01:45 series?": the one running at that minute (probe P: the minute's
        # 3 leg movements, of a series of 19)
        if time is not None and time.kind == "clock" and time.end is None:
            time = replace(time, end=time.start + 60.0, overlap=True)
        return Query(Intent.MEASURE, text, phenomenon="limb_movement", measure="plm_series",
                     rank=_rank(text), scope=Scope(_stage_filter(text)[0], time),
                     modality="position_muscle", by_rule=True)
    if (sides := _stage_ratio_sides(text)) is not None:
        # "what is the N2 to N3 ratio?": the two stages' minutes, divided
        return Query(Intent.STAGE_AMOUNT, text, scope=Scope(time=time), measure="stage_ratio",
                     groups=(Scope(sides[0]), Scope(sides[1])), by_rule=True)
    if m := (_BAND_RATIO_RE.search(text) or _RATIO_OF_RE.search(text)):
        # "what's the theta/delta ratio in REM?": two bands' power, divided
        top, bottom = (_BAND_ALIAS.get(b.lower(), b.lower()) for b in m.groups())
        if top != bottom:
            return Query(Intent.MEASURE, text, target=f"{top}/{bottom}", measure="band_ratio",
                         scope=Scope(_stage_filter(text)[0], time), modality="brain", by_rule=True)
    if (m := _UNMEASURED_RE.search(text)) and not (m.group(1).lower().startswith("vertex")
                                                   and _DEFINE_RE.search(text)):
        # "is there a vertex wave?" asks for one; "what is a vertex wave?" is the glossary's
        return Query(Intent.UNKNOWN, text, target=m.group(1).lower(), note="unmeasured")
    if _AFTER_ONSET_RE.search(text) and (first := find_phenomenon(text)) and first.event_types:
        # "how long after falling asleep did the first apnea happen?": the first one, which
        # the list times from sleep onset
        return Query(Intent.LOCATE, text, first.key, first.title.lower(), rank="earliest",
                     count=1, modality=first.level, by_rule=True)
    if _PRONOUN_PROPERTY_RE.search(text):
        # "what frequency were they?", "how big were they?": the last events, measured
        return Query(Intent.LOCATE, text, ref=Ref.REPEAT)
    if _TREND_FOLLOWUP_RE.search(text):
        # "does it decline across the night?": the last count or measure hour by hour
        return Query(Intent.BREAKDOWN, text, by="hour", ref=Ref.REPEAT, by_rule=True)
    if ((_PER_CHANNEL_RE.search(text) or (lead := _ONE_LEAD_RE.search(text)) and not _BAND_POWER_RE.search(text))
            and (phen := find_phenomenon(text)) is not None and phen.key in ("spindle", "slow_waves")):
        # "spindle density in N2 on each EEG channel": the detector run on every EEG lead;
        # "spindles on Pz-Oz": that lead's first, beside the others
        return Query(Intent.MEASURE, text, phen.key, scope=Scope(stage_term(text), time),
                     measure="by_channel", modality="brain", by_rule=True,
                     target="" if _PER_CHANNEL_RE.search(text) or not lead else lead.group(1))
    if _COMPARE_LEADS_RE.search(text) and find_phenomenon(text) is None:
        # "compare Fpz-Cz and Pz-Oz", "compare the two EEG leads": their band powers side by side
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="eeg_leads", modality="brain",
                     by_rule=True)
    if _COUPLING_RE.search(text):
        # "what is the slow oscillation-spindle coupling?": where in the slow wave spindles ride
        return Query(Intent.MEASURE, text, scope=Scope(stage_term(text), time), measure="coupling",
                     modality="brain", by_rule=True)
    if _PDR_RE.search(text):
        # "the posterior dominant rhythm", "PDR": wake's alpha peak, read over the back of the head
        return Query(Intent.MEASURE, text, target="alpha", scope=Scope(stage_term(text) or ("W",), time),
                     measure="peak_frequency", modality="brain", by_rule=True)
    slope = _SLOPE_RE.search(text)
    if (_PEAK_FREQ_RE.search(text) or slope) and not getattr(find_phenomenon(text), "event_types",
                                                              None) and _signal(text) is None:
        # "what's the alpha peak frequency?", "the aperiodic slope in REM"
        band = _BAND_WORD_RE.search(text)
        named = {st for part in re.split(r",|\band\b|\bor\b|\bvs\.?|\bversus\b", text, flags=I)
                 for st in stage_term(part)}  # "in REM and N3": a row each
        return Query(Intent.MEASURE, text, target=band.group(1).lower() if band else "",
                     scope=Scope(tuple(st for st in STAGES if st in named), time),
                     measure="peak_frequency",
                     note="slope" if slope else None, modality="brain", by_rule=True)
    if _WHICH_STAGE_STABLE_RE.search(text) and not stage_term(text):
        # "which stage was least stable?": every stage's bouts, the least (or most) stable first
        most = re.search(r"\bmost (?:stable|consolidated|continuous)|\bleast (?:fragment|broken|interrupt)", text, I)
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="stage_stability",
                     rank="highest" if most else None, by_rule=True)
    if (_FRAGMENTED_RE.search(text) or _STABLE_RE.search(text) and _signal(text) is None
            or _BOUTS_RE.search(text)) and len(
            named := stage_term(text)) == 1 and (
            find_phenomenon(text) is None or not find_phenomenon(text).event_types):
        # "how fragmented was REM?": that stage's bouts and what breaks them
        return Query(Intent.MEASURE, text, scope=Scope(named, time), measure="fragmentation",
                     by_rule=True)
    if _ARE_CLUSTERED_RE.search(text) and (bunched := find_phenomenon(text)) is not None and bunched.event_types:
        # "are the apneas clustered?": how unevenly they spread over sleep, then where they bunch
        return Query(Intent.MEASURE, text, bunched.key, scope=Scope(stage_term(text), time),
                     measure="busiest_epochs", window=60.0 * CLUSTER_MIN, note="clustered", by_rule=True)
    if m := _BUSIEST_WINDOW_RE.search(text):
        # "show me the worst 10 minutes": the stretch of that length with the most events
        busy = find_phenomenon(text)
        if busy is None or not busy.event_types:
            named = _WORST_SIGNAL_RE.search(text)
            busy = find_phenomenon(_WORST_PART_EVENTS[named.group(0).lower()[:3]] if named
                                   else "apneas and hypopneas")
        word = (m.group(1) or m.group(2) or str(CLUSTER_MIN)).lower()
        minutes = int(word) if word.isdigit() else {**_NUM_WORDS, **_TENS}[word]
        if minutes > 0:
            return Query(Intent.MEASURE, text, busy.key, scope=Scope(stage_term(text), time),
                         measure="busiest_epochs", window=60.0 * minutes, by_rule=True)
    share = _EPOCH_SHARE_RE.search(text)
    if (_BUSIEST_EPOCH_RE.search(text) or share) and (busy := find_phenomenon(text)) and (
            busy.event_types) and not re.search(r"\b(?:power|activity)\b", text, I):
        # "which epoch had the most arousals?", "what percentage of REM epochs had rapid eye
        # movements?": events counted per epoch ("the most sigma power" is a measure's extreme)
        return Query(Intent.MEASURE, text, busy.key, scope=Scope(stage_term(text), time),
                     measure="busiest_epochs", note="share" if share else None, by_rule=True)
    if (m := _WHEN_MOST_RE.search(text)) and (phen := find_phenomenon(m["kind"])) is not None and phen.event_types:
        # "when do spindles happen most?": where in the night they gather, hour by hour, not the
        # epoch whose sigma power is highest
        return replace(_read(f"where are the {m['kind']} densest?"), text=text)
    if _EXTREME_EPOCH_RE.search(text) and (rank := _extreme(text)) is not None and (
            _signal(text) is None and names_measure(text)):
        # "which epoch has the highest delta power?", "find epochs with high sigma power in
        # N2": a per-epoch feature's extreme epochs, not events
        return Query(Intent.MEASURE, text, scope=Scope(stage_term(text), time), measure=text,
                     rank=rank, by_rule=True)
    if (pair := transition_pair(text)) is not None and _signal(text) is None:
        # "how many times did she go from REM to wake?": those stage changes, not awakenings
        # ("how did the heart rate change from wake to sleep?" measures the signal in both)
        return Query(Intent.MEASURE, text, scope=Scope((), time), measure="transitions",
                     target=pair, by_rule=True)
    if _POSITION_CHANGE_RE.search(text) and find_phenomenon(text) is None:
        # "how many times did the patient change position?": the changes, not time in each
        return Query(Intent.MEASURE, text, scope=Scope(stage_term(text), time),
                     measure="position_changes", by_rule=True)
    if (where_lying := _position_periods(text)) is not None:
        return Query(Intent.MEASURE, text, scope=Scope(stage_term(text), time),
                     measure="position", target=where_lying, by_rule=True)
    if (entry := find_term(text)) is not None and (time is None or entry.asked):
        # "what is N2 sleep?", "why is the chin EMG recorded?": a term, defined on this night
        return Query(Intent.EXPLAIN, text, target=entry.key, note="glossary", by_rule=True)
    if (kind := _HOW_KNOW_KIND_RE.search(text)) is not None:
        # "how do I know it's central?": what tells that kind of apnea apart
        return Query(Intent.EXPLAIN, text, f"{(kind.group(1) or kind.group(2)).lower()}_apnea",
                     by_rule=True)
    if (pair := _phenomenon_pair(text)) is not None:
        return Query(Intent.EXPLAIN, text, phenomenon=pair[0], contrast=pair[1], by_rule=True)
    if time is not None and time.kind == "before_onset" and _LATENCY_ASK_RE.search(text):
        # "how long was she awake before falling asleep?": the sleep onset latency
        return Query(Intent.STAGE_TIMING, text, stage_event="onset", note="latency", by_rule=True)
    if _PERSISTENT_RE.search(text) and not re.search(r"\b(?:longest|shortest|longer|shorter)\b", text, I):
        # "latency to persistent sleep", "when did continuous sleep start?": sleep onset as the
        # first 10 min of unbroken sleep
        return Query(Intent.STAGE_TIMING, text, scope=Scope((), time), stage_event="onset",
                     note="persistent", by_rule=True)
    if _SOREMP_RE.search(text):
        return Query(Intent.STAGE_TIMING, text, scope=Scope(("REM",), time),
                     stage_event="latency", note="soremp", by_rule=True)
    if _REM_REBOUND_RE.search(text) and time is None:
        return Query(Intent.NORMAL, text, note="rebound", by_rule=True)
    if _BY_AGE_RE.search(text) and time is None:
        # "how does sleep change with age?", "what would an older person's night look like?"
        return Query(Intent.NORMAL, text, note="by_age", by_rule=True)
    if _FRAGMENTED_PART_RE.search(text) and time is None:
        # "which hour was the most fragmented?": the stages by hour, led by the most shifts
        return Query(Intent.BREAKDOWN, text, stat="stages", by="hour", target="shifts", by_rule=True)
    if _FINDINGS_RE.search(text) and (time is None or time.kind == "current" and _MOST_NOTABLE_HERE_RE.search(text)):
        # ("what's the most interesting thing here?" is about the night, not the epoch shown);
        # "show me the most interesting epoch": the first moment drawn, named
        return Query(Intent.SUMMARY, text, topic="findings", by_rule=True,
                     rank="shown" if _SHOW_MOMENT_RE.search(text) else "top" if _TOP_FINDING_RE.search(text) else None)
    if _FINDINGS_RE.search(text) and time is not None and time.kind != "current":
        # "anything unusual between 3 and 4?": the findings of that span alone
        return Query(Intent.SUMMARY, text, scope=Scope((), time), topic="findings", by_rule=True)
    if (m := _CUT_OFF_RE.search(text)) and time is None:
        # "what's the pediatric cut-off?", "and the adult one?": the breathing index's rule for
        # that age, whatever the file's header says
        return Query(Intent.NORMAL, text, target=BREATHING_ROW, by_rule=True,
                     note="adult_rule" if (m.group("who") or m.group("as")).lower().startswith("adult") else None)
    if _NADIR_JUDGED_RE.search(text) and _NADIR_WORDS_RE.search(text) and time is None:
        # "is the nadir of 90% ok for a 10 year old?", "is the nadir normal?": the night's nadir
        # against healthy sleepers of the age (probe O: "not about this recording")
        return Query(Intent.NORMAL, text, target=NADIR_ROW, age=_age(text), by_rule=True)
    if _SLEEP_NEED_RE.search(text):
        # "how much sleep does a child this age need?": the total sleep time against the
        # amount recommended for the age
        return Query(Intent.NORMAL, text, target="total sleep time", age=_age(text), by_rule=True)
    if (m := _ENOUGH_RE.search(text) or _STAGE_LOW_RE.search(text) or _EXPECTED_RE.search(text)) and time is None:
        # "was there enough REM?", "is the REM percentage low?": that statistic against the
        # norms first
        word = m.group(1).lower()
        row = _norm_row(word) or "total sleep time"   # "enough sleep": the total sleep time
        return Query(Intent.NORMAL, text, target=row, age=_age(text), by_rule=True)
    if (m := _SYSTEM_NORMAL_RE.search(text)) and time is None:
        # "is the heart rate normal?": that system's overview, led by its limits
        system = "heart" if re.match(r"heart|pulse", m.group(1), I) else "respiratory"
        # "is the breathing rate normal?", "is the oxygen normal?": that signal's limit first
        named = ("resp" if re.search(r"\brate\b", m.group(1), I) and system == "respiratory"
                 else "spo2" if re.match(r"oxygen|spo2|sat|o2", m.group(1), I) else None)
        return Query(Intent.SUMMARY, text, modality=system, topic="system", note="normal",
                     signal=named, by_rule=True)
    if (system := _system_overview(text, time)) is not None:
        return Query(Intent.SUMMARY, text, scope=Scope((), time), modality=system, topic="system", by_rule=True)
    if _ATONIA_RE.search(text):
        # REM is what the rule reads, not a scope: "in the second half" still narrows it.
        return Query(Intent.MEASURE, text, scope=Scope((), time), modality="position_muscle",
                     measure="atonia", by_rule=True)
    if _EXPORT_RE.search(text):
        return Query(Intent.HELP, text, note="export", by_rule=True)
    if _PERIOD_WAKE_RE.search(text) and time is None:
        return Query(Intent.SUMMARY, text, stat="period_wake", by_rule=True)
    if (short := _stage_shortfall(text, time)) is not None:
        return short
    if _WHY_WAKE_RE.search(text):
        # "why is there so much wake?": where the wake lies, before, inside and after sleep
        return Query(Intent.SUMMARY, text, scope=Scope(time=time), stat="wake", by_rule=True)
    if (why := _why_stage(text, time)) is not None:
        return why
    if (_STAGE_EXAMPLE_RE.search(text) and len(stage_term(text)) == 1 and time is None
            and find_phenomenon(text) is None and not names_measure(text)
            and not _STAGE_SHARE_ASK_RE.search(text) and not GOT_WRONG_RE.search(text)):
        return Query(Intent.CLASSIFY, text, scope=Scope(stage_term(text)), stage_event="example",
                     by_rule=True)
    if (bare := _bare_by(text)) is not None:
        return bare
    if (split := _breakdown(text, time)) is not None:
        return _split_followup(split, text)
    if ((m := _HOW_SCORED_RE.search(text)) and time is None
            and (scored := find_phenomenon(m.group(1) or m.group(2) or "")) is not None):
        # "how is an arousal scored?", "what is an arousal and how is it scored?": its rule
        return Query(Intent.EXPLAIN, text, scored.key, by_rule=True)
    if (m := _CONFUSION_CELL_RE.search(text)) is not None:
        # "how many N1 epochs did the model call wake?": that cell of the two stagings
        cell = tuple(stage_term(m[g])[0] if stage_term(m[g]) else "W" for g in ("a", "b"))
        stager = "model" if _MODEL_WORD_RE.search(text) else "machine"
        return Query(Intent.RECORDING, text, topic="scoring", note="confusion", target=stager,
                     scope=Scope(cell), stage_event="cell", by_rule=True)
    if _CONFUSION_RE.search(text) and (time is None or time.kind == "current"):
        # "show the confusion matrix", "how does the model's staging compare to the human
        # scoring?": two stagings epoch by epoch (the model's when named, the machine's when it
        # or YASA is; with neither, the pair just shown, else the machine's)
        stager = ("model_machine" if _MODEL_WORD_RE.search(text) and _MACHINE_WORD_RE.search(text)
                  and not _HUMAN_WORD_RE.search(text) else "model" if _MODEL_WORD_RE.search(text)
                  else "machine" if _MACHINE_WORD_RE.search(text) else None)
        return Query(Intent.RECORDING, text, topic="scoring", note="confusion", target=stager,
                     by_rule=True)
    if _STAGING_CHANNEL_RE.search(text):
        # "which EEG channel is best for staging?": the file's leads in the staging's order
        return Query(Intent.RECORDING, text, topic="scoring", note="staging_channel", by_rule=True)
    if m := _RESTAGE_RE.search(text):
        # "stage it using Pz-Oz", "restage with the other EEG channel": YASA on that lead, set
        # against the staging in use
        lead = "other" if re.match(r"(?:an?)?other|different|second", m["lead"], I) else m["lead"]
        return Query(Intent.RECORDING, text, topic="scoring", note="restage", target=lead, by_rule=True)
    if (method := _method(text)) is not None:
        return method
    if _BEST_LEAD_RE.search(text):
        # "what channel shows it best?", "which lead are spindles clearest on?": each EEG lead's
        # amplitude of those bursts
        phen = find_phenomenon(text)
        return Query(Intent.RECORDING, text, phen.key if phen else None, topic="best_lead", by_rule=True)
    if _ABOUT_MODEL_RE.search(text):
        # "what model is this?", "how accurate is it on real data?": the model and its checks
        return Query(Intent.RECORDING, text, topic="model", by_rule=True)
    if _STAGING_NEEDS_RE.search(text):
        # "what do you need to stage sleep?": the channel the staging reads, and this file's
        return Query(Intent.RECORDING, text, topic="channels", note="needs", target="staging", by_rule=True)
    if (m := _NEEDS_RE.search(text)) and (phen := find_phenomenon(m["what"] or "")) and phen.event_types:
        # "what do you need to score apneas?": the channel the scorer needs, and this file's
        return Query(Intent.RECORDING, text, phen.key, topic="channels", note="needs", by_rule=True)
    if _NEEDS_ALONE_RE.search(text):
        # "what would you need?" after events that could not be scored: those events' needs
        return Query(Intent.RECORDING, text, topic="channels", ref=Ref.REPEAT, note="needs")
    if _TREND_ALONE_RE.search(text):
        # "is there a trend?" after the heart rate hour by hour: its drift, tested
        return Query(Intent.BREAKDOWN, text, by="hour", ref=Ref.REPEAT, note="trend")
    if _BACK_ASLEEP_RE.search(text):
        # "how long until she fell back asleep?" after an awakening: its end and length
        return Query(Intent.DESCRIBE, text, ref=Ref.ITEM, note="back_asleep")
    if _BY_TYPE_ALONE_RE.search(text):
        # "what types were they?" after the apneas: the list counted by type
        return Query(Intent.LOCATE, text, ref=Ref.REPEAT, note="by_type")
    if m := _SURE_STAGE_EPOCH_RE.search(text):
        # "least certain N1", "the most confident REM epoch": that epoch, with its evidence
        stage = _sure_stage(m.group(0))
        most = bool(re.search(r"\b(?:most (?:certain|sure|confident|reliable)|surest)\b", m.group(0), I))
        return Query(Intent.CLASSIFY, text, stage_event="why", by_rule=True, scope=Scope(time=TimeSpan(
            "least_sure", float(most), text=f"the {'most' if most else 'least'} certain {stage} epoch")))
    if (below := _UNSURE_BELOW_RE.search(text)) or _UNSURE_STRETCH_RE.search(text):
        # "epochs with staging confidence below 0.5", "uncertain stretches in REM": those epochs
        value = None
        if below:
            number = next(g for g in below.groups() if g)
            value = float(number.rstrip(" %")) / (100 if "%" in number else 1)
        return Query(Intent.RECORDING, text, topic="scoring", note="where_unsure", by_rule=True,
                     scope=Scope(stage_term(text)), stated=value if value is not None and 0 < value <= 1 else None)
    if _LEAST_SURE_ONE_RE.search(text):
        # "show me the most uncertain one": that epoch, with each staging's call and its measures
        return Query(Intent.CLASSIFY, text, stage_event="why", by_rule=True,
                     scope=Scope(time=TimeSpan("least_sure", text="the least certain epoch")))
    if _WHERE_UNSURE_ALONE_RE.search(text):
        # "which part is least certain?" after the staging's confidence: its unsure stretches
        return Query(Intent.RECORDING, text, topic="scoring", note="where_unsure", by_rule=True)
    if _NOISIEST_RE.search(text):
        # "which channel is noisiest?": each waveform channel's artefacts and mains hum
        return Query(Intent.MEASURE, text, measure="channel_noise", by_rule=True,
                     rank="lowest" if re.search(r"\b(?:cleanest|least noisy|best)\b", text, I) else None,
                     note="hum" if re.search(r"\b(?:mains|hum|interference|50 ?hz|60 ?hz)\b", text, I) else "")
    if (topic := _topic(text)) is not None:
        # "which night in the library has the most apneas?" ranks the library by them
        phen = find_phenomenon(text) if topic == "library" else None
        if topic == "scoring" and _CAN_SCORE_RE.search(text):
            # "could you score the breathing?": those events' verdict first
            phen = find_phenomenon(text) or (phenomenon("respiratory_event") if _BREATHING_WORD_RE.search(text)
                                             else None)
        # "how confident is the staging between 2 and 4 am?" reads the staging in that span;
        # "how reliable is the staging here?" asks about this recording, not the epoch on screen
        here = time is not None and time.kind == "current" and not _NAMED_VIEW_RE.search(text)
        scope = Scope(time=time) if topic == "scoring" and time is not None and not here else Scope()
        # "where do the machine and the model disagree?": those stretches
        differ = topic == "scoring" and (_DISAGREE_RE.search(text) or GOT_WRONG_RE.search(text))
        if differ or (topic == "scoring" and _WHERE_UNSURE_RE.search(text)):
            # "show me an N1 epoch the model got wrong": the reference's N1 epochs only;
            # "where is the staging least certain in N1?": the epochs it stages N1
            scope = Scope(stage_term(text), scope.time)
        note = ("disagree" if differ else _patient_claim(text) if topic == "patient"
                else "where_unsure" if topic == "scoring" and _WHERE_UNSURE_RE.search(text)
                else "unsure_stage" if topic == "scoring" and _STAGE_UNSURE_RE.search(text)
                # "is this a valid home sleep test?": the hours of usable airflow and oximetry
                else ("home_validity" if _HOME_TEST_NAMED_RE.search(text) else "validity")
                if topic == "quality" and _VALIDITY_RE.search(text) else None)
        if differ and _MACHINE_WORD_RE.search(text):
            # "where does YASA disagree with the expert?": the machine's stages, not the model's;
            # "where do the machine and the model disagree?": those two, whatever a human scored
            return Query(Intent.RECORDING, text, topic=topic, scope=scope, by_rule=True, note=note,
                         target="model_machine" if _MODEL_WORD_RE.search(text) and not _HUMAN_WORD_RE.search(text)
                         else "machine" if not _MODEL_WORD_RE.search(text) else "")
        if topic == "library" and _COMMON_RE.search(text):
            note = "common"   # "the library's most common captions": the facts they state, counted
        return Query(Intent.RECORDING, text, topic=topic, phenomenon=phen and phen.key,
                     scope=scope, by_rule=True, note=note)
    if (window := _MIDPOINT_RE.search(text) and "midpoint" or _SPT_RE.search(text) and "period"):
        # "when was the midpoint of sleep?", "what was the sleep period time?": read from sleep
        # onset to the final awakening
        return Query(Intent.STAGE_TIMING, text, stage_event="window", note=window, by_rule=True)
    if _NAP_RE.search(text):
        # "did they nap?": sleep outside the main sleep period
        return Query(Intent.STAGE_TIMING, text, scope=Scope(("N1", "N2", "N3", "REM")),
                     stage_event="naps", by_rule=True)
    if (asked_trend(text) and (stages := stage_term(text)) and find_phenomenon(text) is None
            and not _PER_CYCLE_RE.search(text)):
        # "do REM periods get longer across the night?": its periods, the last against the first
        return Query(Intent.STAGE_TIMING, text, scope=Scope(stages, time), stage_event="periods", by_rule=True)
    if _PER_CYCLE_RE.search(text) and (stages := stage_term(text)) and find_phenomenon(text) is None:
        # "which cycle had the most N3?", "how long was REM in each cycle?": that stage per cycle
        return Query(Intent.STAGE_TIMING, text, scope=Scope(stages, time), stage_event="cycles",
                     rank="shortest" if re.search(r"\b(?:least|fewest|shortest|less)\b", text, I)
                     else None, by_rule=True)
    if _CYCLES_RE.search(text) and find_phenomenon(text) is None and not (
            time is not None and time.kind == "cycle"):
        # "which sleep cycle was the longest?": that one first
        length = re.search(r"\b(longest|shortest)\b", text, I)
        return Query(Intent.STAGE_TIMING, text, scope=Scope((), time), stage_event="cycles",
                     rank=length and length.group(1).lower(), by_rule=True)
    # "the first REM period" is a span and names its stage: "how long was it?" is about REM.
    rest = text.replace(time.text, f" in {period_stage(time)} " if time.kind == "period" else
                        # "SWA in the first NREM period" reads NREM there; "N3 in ..." its N3
                        " in NREM " if time.kind == "cycle" and _NREM_PERIOD_RE.search(time.text)
                        and not stage_term(text.replace(time.text, " ")) else " "
                        ) if time else text
    stages, rest = _stage_filter(rest)
    object_stages = stage_term(rest)
    if (track := _tracked_index(rest, Scope(stages or object_stages, time))) is not None:
        return track
    if (pair := _correlated(rest)) is not None:
        return Query(Intent.BREAKDOWN, text, scope=Scope(stages or object_stages, time),
                     by="correlation", measure=pair[0], against=pair[1], by_rule=True)
    # "show me slow wave sleep" names a stage, not the slow-wave phenomenon.
    phen_text = rest
    for pattern, _ in _STAGE_TERM_RE:
        phen_text = pattern.sub(" ", phen_text) if object_stages else phen_text
    phen = find_phenomenon(phen_text)
    together, apart, lacking, tie_lead, also = None, False, None, None, None
    together_words = None
    if tie := _tie(phen_text):
        phen, together, apart, lacking = tie
        tie_lead = _tie_lead(phen_text)
        also = _also_tied(phen_text, phen.key, together) if not apart and lacking is None else None
    elif (_AROUSAL_CAUSE_RE.search(phen_text) and re.search(r"\barousals?\b", phen_text, I)
            and not (phen is not None and phen.key == "rera")) or listed_cause(phen_text):
        # "arousals associated with apneas", "arousals after apneas": the arousals
        phen = find_phenomenon("arousals")
        together_words = "respiratory_event"  # whose words name a cause, not a signal
    elif _apnea_kinds_named(phen_text, phen):
        phen = find_phenomenon("apneas")  # "obstructive vs central apneas": the family, by type
    share = None
    if (phen is not None and phen.key in (*_BREATHING_EVENTS, "scored_event")
            and _SHARE_RE.search(phen_text)
            and (kind := _SUBTYPE_RE.search(phen_text))
            # "were most of the hypopneas in N2?" names no family to take a share of
            and not (phen.key == "hypopnea" and not re.search(r"\b(?:apn\w*|events?)\b", phen_text, I))):
        # "what percentage of apneas were central?": the family counted, the subtype's share.
        share = _SUBTYPES[kind.group(1).lower()[:5]]
        phen = find_phenomenon("apneas and hypopneas" if _EVENTS_RE.search(phen_text) else "apneas")
    elif phen is not None and phen.event_types and together and (
            _SHARE_RE.search(text) or _WERE_THEY_TIED_RE.search(text)):
        # "what percentage of hypopneas had a desaturation?", "were the desaturations tied to
        # apneas?": the tied share of them all
        share = "tie"
    elif phen is not None and phen.event_types and _SHARE_RE.search(text) and (stages or time):
        share = "scope"  # "what percentage of the hypopneas were in REM?": the scope's share
    # "leg movements linked to the breathing events": "breathing" names the events tied to,
    # not a signal to measure around them
    tied = phenomenon(together or together_words)
    signal = _signal(re.sub(rf"\b(?:{tied.pattern})", " ", text, flags=I) if tied else text)
    condition, min_duration = _conditions(text, signal or (phen.condition.signal if phen and
                                                           phen.condition else None))
    condition, min_depth = _depth(text, condition, phen)
    # "hypopneas with a 4 % desaturation": the depth is the tied desaturations'
    condition, tie_depth = _depth(text, condition, tied) if tied and tied.key == "desaturation" and (
        phen is None or phen.key != "desaturation") else (condition, None)
    # "was the heart rate higher at the start of the night or at the end?" compares a signal
    # in two parts ("is this epoch more like wake or N1?" still classifies)
    labels = () if signal and _EITHER_RE.search(text) and _compare_groups(text) else (
        (_labels(rest) if time and time.kind != "current" else ()) or _labels(text))
    all_stages = stages or object_stages
    if _ALPHA_INTRUSION_RE.search(text) and _EPOCHS_WANTED_RE.search(text):
        # "find epochs with alpha intrusion in N3": the epochs of most alpha there, not the mean
        return Query(Intent.LOCATE, text, "alpha", target="alpha", scope=Scope(all_stages or ("N3",), time),
                     modality="brain", by_rule=True)
    if _ALPHA_INTRUSION_RE.search(text) and _compare_groups(text) is None:
        return Query(Intent.BREAKDOWN, text, scope=Scope(all_stages or ("N3",), time), by="scope",
                     measure="alpha power", by_rule=True)
    if ((_BAND_ASK_RE.search(text) or _HRV_RE.search(text)) and time is None and not all_stages
            and _compare_groups(text) is None):
        # "what was the alpha power?", "HRV": a per-epoch feature over the night, by stage
        return Query(Intent.BREAKDOWN, text, by="stage", measure=text, by_rule=True)
    if ((all_stages or time) and _FEATURE_ASK_RE.search(text) and _compare_groups(text) is None
            and (measure := measure_name(text)) is not None and measure not in _SIGNAL_MEASURES):
        if time is not None and _INDEX_CONTRAST_RE.search(text) and (
                other := _other_part(Scope(all_stages, time))) is not None:
            # "is delta power higher in the second half?": against the first half
            return Query(Intent.COMPARE, text, scope=Scope(all_stages, time), measure=measure,
                         modality="brain" if measure.startswith(("delta", "theta", "alpha", "sigma", "beta"))
                         else None, groups=(Scope(all_stages, time), other), by_rule=True)
        # "what was the HRV in REM?", "delta power in N3?": a per-epoch feature in a scope.
        return Query(Intent.BREAKDOWN, text, scope=Scope(all_stages, time), by="scope",
                     measure=text, by_rule=True)
    if phen is None and condition is None and _RHYTHM_RE.search(text):
        found = _compare_groups(text)   # "compare the heart rhythm in REM and NREM"
        return _finish(Query(Intent.MEASURE, text, target=_target(rest),
                             scope=Scope(() if found else all_stages, None if found else time),
                             signal="hr", modality="heart", measure="rhythm",
                             groups=found[0] if found else None, by_rule=True),
                       text, all_stages, True)
    intent = _rule_intent(text, time, phen, all_stages, signal, condition, labels)
    seen, by_rule = None, intent is not None
    if intent is None and phen is None and not all_stages and signal is None:
        # A thing named by synonym ("brief awakenings") lets the rules try again.
        phen, thing_stages, signal, seen = _thing(rest)
        all_stages = all_stages or thing_stages
        if seen is not None:
            intent = _rule_intent(text, time, phen, all_stages, signal, condition, labels)
    if intent is None:
        intent, seen = _semantic(text, time, phen, all_stages, signal)
    per = _per(text, phen) if phen is not None and phen.event_types else None
    if per and intent in (Intent.EXPLAIN, Intent.SUMMARY) and _stat(text) is None:
        # "what's the spindle density?", "the arousal index"; "what does it mean?" defines it
        intent = Intent.EXPLAIN if _MEAN_RE.search(text) else Intent.LOCATE
    query = Query(intent, text, phen.key if phen else None, _target(rest),
                  Scope(stages or (object_stages if intent in (
                      Intent.STAGE_TIMING, Intent.STAGE_AMOUNT, Intent.CLASSIFY, Intent.DESCRIBE)
                      else ()), time),
                  condition or (phen.condition if phen and intent == Intent.THRESHOLD else None),
                  signal or (condition.signal if condition else None), min_duration,
                  # "how long was each REM period?" ranks nothing: every period in time order
                  None if intent == Intent.STAGE_TIMING and _EACH_PERIOD_RE.search(text) and not
                  _SUPERLATIVE_RE.search(text) else _rank(rest),
                  _count(rest), bool(_HOW_MANY_RE.search(text)), labels, _modality(text),
                  semantic=seen, by_rule=by_rule, min_depth=min_depth,
                  per=per, share=share, together=together, apart=apart, lacking=lacking, also=also, tie_lead=tie_lead,
                  tie_depth=tie_depth,
                  max_duration=_max_duration(text) if phen is not None and phen.event_types
                  else None)
    if intent == Intent.THRESHOLD and (by := _threshold_split(text, phen)):
        query = replace(query, by=by)   # "T90 by stage": the time past the line, per stage
    if intent == Intent.LOCATE and phen is not None and phen.event_types:
        query = _nth_ranked(query, text, phen)
        if query.count is None and not query.rank and _LIST_EVERY_RE.search(text):
            # "list all apneas with times", "table of events": every one, in time order
            query = replace(query, count=LIST_ALL, rank="earliest")
    if intent == Intent.MEASURE and phen is None:
        query = replace(query, rank=_signal_rank(query.rank, signal))
    if intent == Intent.MEASURE and signal and (pair := _signal_pair(text)) is not None:
        # "compare heart rate during apneas and hypopneas": the signal around each kind
        query = replace(query, phenomenon=pair[0], contrast=pair[1])
    if (intent == Intent.LOCATE and phen is not None and phen.event_types and (
            (phen.key in _BURSTS and _BURST_CONTRAST_RE.search(text))
            or _EVENT_CONTRAST_RE.search(text)) and (other := _other_part(query.scope))):
        # "were spindles faster in the second half?", "were apneas longer in the second
        # half?": against the first half
        return _finish(replace(query, intent=Intent.COMPARE, groups=(query.scope, other),
                               rank=None), text, all_stages, by_rule)
    if (intent == Intent.LOCATE and phen is not None and phen.key == "desaturation"
            and re.search(r"\b(?:deeper|shallower)\b", text, I) and query.scope.time is None
            and query.scope.stages in (("REM",), ("N1", "N2", "N3"))):
        # "were desaturations deeper in REM?": each one's depth, REM against NREM
        other = Scope(("N1", "N2", "N3") if query.scope.stages == ("REM",) else ("REM",))
        return _finish(replace(query, intent=Intent.COMPARE, groups=(query.scope, other), rank=None),
                       text, all_stages, by_rule)
    if phen is not None and phen.key in ("slow_waves", "k_complex"):
        # "how big were the slow waves?", "slow waves over 100 µV": their amplitudes
        query = replace(query, min_amplitude=_amplitude_floor(text),
                        rank=query.rank or ("strongest" if _AMPLITUDE_ASK_RE.search(text)
                                            else None))
    if phen is not None and phen.key == "desaturation" and _DEPTH_WORDS_RE.search(text):
        # "mean desaturation depth": measured, deepest first (and so are its follow-ups)
        query = replace(query, rank=query.rank or "strongest")
    if (signal and phen is None and condition is None and query.groups is None and query.ref == Ref.NONE
            and intent in (Intent.MEASURE, Intent.DESCRIBE, Intent.STAGE_TIMING, Intent.NORMAL,
                           Intent.COMPARE)):
        if query.direction and (other := _signal_other(query.scope)) is not None:
            # "did her temperature drop during sleep?": sleep against wake; "is it lower in the
            # second half?": against the first half
            return _finish(replace(query, intent=Intent.COMPARE, groups=(query.scope, other),
                                   rank=None, by_rule=True), text, all_stages, True)
        if query.scope.stages and _LEVEL_ASK_RE.search(text):
            # "was the temperature high during REM?": there, against the rest of sleep
            return _finish(replace(query, intent=Intent.COMPARE, rank=None, by_rule=True), text,
                           all_stages, True)
    if intent == Intent.MEASURE and signal and phen is None and _DURING_THEM_RE.search(text):
        # "what was the heart rate during them?": during the events the last answer listed
        query = replace(query, note="them")
    return _finish(query, text, all_stages, by_rule)


_SIGNAL_PAIR_RE = re.compile(r"\b(?:during|in|around|after)\s+(?:the\s+)?(.+?)\s+(?:and|vs\.?|versus"
                             r"|than|compared (?:to|with))\s+(?:during\s+|in\s+|around\s+|after\s+)?"
                             r"(?:the\s+)?(.+?)\W*$", I)
_CONTRAST_WORDS_RE = re.compile(r"\b(?:compare\w*|comparison|vs\.?|versus|than|differ\w*)\b", I)


def _signal_pair(text: str) -> tuple[str, str] | None:
    """The two kinds of events a signal is compared around ("heart rate during apneas vs
    hypopneas"), else None; "during apneas and hypopneas" without a comparison is one family."""
    m = _SIGNAL_PAIR_RE.search(text)
    if m is None or not _CONTRAST_WORDS_RE.search(text):
        return None
    sides = list(m.groups())
    for i, side in enumerate(sides):
        if (kind := _APNEA_KIND_RE.fullmatch(side.strip())) and "apn" in sides[1 - i].lower():
            sides[i] = f"{kind.group(1)} apneas"   # "central and obstructive apneas": both apneas
    found = [find_phenomenon(side) for side in sides]
    if None in found or not all(p.event_types for p in found) or found[0].key == found[1].key:
        return None
    return found[0].key, found[1].key


_DURING_THEM_RE = re.compile(r"\b(?:during|around|after|in|with)\s+(?:them|those|these|each of"
                             r" them|each one|those events|these events)\b", I)


# "hypopneas with a desaturation", "apneas followed by an arousal", "hypopneas without
# desaturation": the events of one kind tied (or not) to events of another.
_TIE_RE = re.compile(
    r"\b(?:(without|not followed by|with no|and no|but no|(?:(?:that|which) )?(?:had|have|has) (?:no|neither)"
    r"|nor"
    r"|(?:that|which) did(?:n'?t| not) (?:have|cause)"
    # "desaturations not tied to an apnea", "hypopneas unrelated to an arousal"
    r"|(?:(?:that|which) (?:were|was|are|is) )?(?:not|never) (?:tied|associated|linked|related|preceded|accompanied|coupled)"
    r" (?:to|with|by)|unrelated to|unassociated with|(?:independent|free) of)"
    r"|(with|followed by|accompanied by|associated with|linked (?:to|with)|related to|tied to|after"
    r"|preceded by|(?:(?:that|which) )?(?:followed|came after|come after|coupled (?:to|with))"
    r"|causing|(?:(?:that|which) )?(?:led|lead|leads|leading) to|resulting in|ending (?:with|in)|ends? (?:with|in)|(?:(?:that|which) )?(?:had|have|has|caused|ended (?:with|in))))\s+"
    r"(?:an?\s+|any\s+|its\s+|their\s+)?", I)


_FOLLOWING_RE = re.compile(r"\b(?:(?:that|which) )?(?:followed|came after|come after|comes after|following|preceded by)\b"
                           r"(?! by)|\bafter an?\b", I)
_LEADING_RE = re.compile(r"\b(?:followed by|(?:that|which) (?:led|lead|leads) to|leading to|causing|resulting in"
                         r"|ending (?:with|in)|ended (?:with|in)|ends? (?:with|in)|before an?)\b", I)


def _tie_lead(text: str) -> bool | None:
    """The order a tie's words put the asked events in: True first ("followed by"), False after
    ("that followed", "after a"), None for none ("with", "associated with")."""
    if _LEADING_RE.search(text):
        return True
    return False if _FOLLOWING_RE.search(text) else None


_AWAKENING_RE = re.compile(r"\s*(?:awakenings?|wak(?:e|ing)[- ]?ups?|waking(?: up)?|(?:the )?(?:patient|sleeper)"
                           r" waking(?: up)?)\b", I)


def _tie(text: str) -> tuple[Phenomenon, str, bool, str | None] | None:
    """(the events asked for, the phenomenon they must be tied to, whether they must not be,
    a second phenomenon they must not be tied to) when the question ties two kinds of events
    ("hypopneas with an arousal but no desaturation"), else None. Arousals tied to breathing
    events are the arousals' causes, which the arousal list already counts."""
    m = _TIE_RE.search(text)
    if m is None or (m.group(2) or "").lower() == "after" and re.match(r"\s*(?:why|how come)\b",
                                                                      text, I):
        return None  # "why does oxygen drop after an apnea?" asks about the signal around them
    if re.search(r"\b(?:compared?|comparison|contrasted|set against|relative)\s*$", text[:m.start()], I):
        return None  # "how long are K-complexes compared with spindles?": two kinds, side by side
    rest = text[m.end():]
    second = _TIE_RE.search(rest)
    lacking = find_phenomenon(rest[second.end():]) if second and second.group(1) else None
    head = find_phenomenon(text[:m.start()])
    tail = find_phenomenon(rest[:second.start()] if lacking is not None else rest)
    if (head is not None and head.event_types and tail is None and head.key != "arousal"
            and _AWAKENING_RE.match(rest)):
        # "apneas followed by an awakening": no event kind, the hypnogram's wake runs
        return head, AWAKENING, m.group(1) is not None, None
    if (head is None or tail is None or not head.event_types or not tail.event_types
            or head.key == tail.key or head.key == "arousal"):
        return None
    keep_out = lacking.key if lacking is not None and lacking.event_types and lacking.key not in (
        head.key, tail.key) else None
    return head, tail.key, m.group(1) is not None, keep_out


_AND_ALSO_RE = re.compile(r"\b(?:with|had|by|both)\s+(?:an?\s+)?(?P<one>[\w -]+?)\s+(?:and|plus|as well as)\s+(?:also\s+)?"
                          r"(?:with\s+|had\s+|by\s+)?(?:an?\s+)?(?P<other>(?!how\b|what\b|when\b|where\b)[\w -]+?)"
                          r"(?:\s+(?:too|as well|both))?\W*$", I)


def _also_tied(text: str, asked: str, together: str) -> str | None:
    """A second kind the events must be tied to as well ("hypopneas with a desaturation and an
    arousal": "arousal"), None when the question names none."""
    m = _AND_ALSO_RE.search(text)
    if m is None:
        return None
    named = [find_phenomenon(m[g]) for g in ("one", "other")]
    keys = [p.key for p in named if p is not None and p.event_types and p.key != asked]
    if len(keys) != 2 or together not in keys or keys[0] == keys[1]:
        return None
    return keys[1] if keys[0] == together else keys[0]


# "was there more deep sleep early in the night?": the two halves side by side.
_MORE_IN_PART_RE = re.compile(
    r"^\s*(?:was|were|is|are|did)\s+(?:there|the patient have|they have|he have|she have)\s+"
    r"(?:more|less|fewer)\s+(.+?)\s+(?:(?:early|earlier|late|later)\s+in\s+the\s+night|in the"
    r"\s+(?:first|second|early|late)\s+part\s+of\s+the\s+night)\s*\W*$", I)
# "are spindles more frequent early or late in the night?", "did the AHI change between the
# first and second half?": the two halves side by side.
_HALVES_ASKED_RE = re.compile(
    r"^\s*(?:was|were|is|are)\s+(?:the\s+)?(.+?)\s+(?:more|less|fewer|higher|lower|worse|better"
    r"|longer|shorter|faster|slower|bigger|larger|smaller|deeper|denser|sparser)(?:\s+\w+)?\s+(?:early|earlier"
    r"|at the (?:start|beginning))\s+or\s+(?:late|later|at the end)(?:\s+(?:in|of)\s+the\s+(?:night"
    r"|recording|sleep))?\s*\W*$"
    r"|^\s*(?:did|does|has|how (?:much )?did)\s+(?:the\s+)?(.+?)\s+(?:change|differ|shift|vary)\s+"
    r"between\s+(?:the\s+)?first\s+(?:half\s+)?and\s+(?:the\s+)?second\s+half(?:\s+of\s+the\s+"
    r"(?:night|recording|sleep))?\s*\W*$", I)
# "show me a sleep-onset transition": sleep onset, where wake gives way to sleep.
_ONSET_TRANSITION_RE = re.compile(r"\b(?:(?:the )?sleep[- ]onset transition|(?:the )?transition (?:in)?to"
                                  r" sleep)\b", I)
# "hypopneas scored on arousal only": with an arousal, without the desaturation that would
# otherwise have qualified them (AASM rule 1A).
_AROUSAL_ONLY_RE = re.compile(
    r"\b(?:(?:were\s+|was\s+)?(?:scored|counted|qualif\w*|defined|included)\s+)?(?:on|by|for|with"
    r"|through|via)\s+(?:an?\s+)?arousals?\s+(?:only|alone)\b|\b(?:only|solely)\s+(?:on|by|with"
    r"|through|because of)\s+(?:an?\s+)?arousals?\b"
    # "how many had an arousal only?" (probe Q: "only" was dropped, 48 for a true 18)
    r"|\b(?:had|have|has|with)\s+(?:an?\s+)?arousals?\s+(?:only|alone)\b", I)
_HYPOPNEA_WORD_RE = re.compile(r"\bhypopn\w*", I)
_OTHER_EVENT_WORD_RE = re.compile(r"\b(?:apn\w*|desat\w*|spindl\w*|movements?|legs?|plms?)\b", I)
_AROUSAL_ONLY_PREFIX_RE = re.compile(r"\barousal[- ]only\s+(hypopn\w+|events?)\b", I)


_STAGER = r"(?:the\s+)?(?:human|manual|expert|technician'?s?|machine|model|sleeplm|yasa|scorers?|automatic|auto)(?:'s)?"
_CONFUSION_RE = re.compile(
    r"\bconfusion (?:matri\w+|table)\b|\b(?:which|what) stages? (?:do|did|does) (?:they|the (?:two|scorers?"
    rf"|stagings?)|{_STAGER} and {_STAGER}(?: \w+)?) (?:disagree|differ|confuse)\w*"
    r"|\b(?:agreement|kappa|κ|accuracy) (?:by|per|for each|in each) stage\b|\bper[- ]stage (?:agreement|kappa|accuracy)\b"
    rf"|\bagreement between {_STAGER}(?: \w+)? and {_STAGER}"
    r"|\bhow (?:well )?(?:does|do|did) (?:the )?(?:model|machine|yasa)(?:'s)?(?: (?:staging|stages|scoring|hypnogram))?"
    r" (?:compare|agree|match)\w*(?: up)? (?:to|with|against) (?:the )?(?:human|manual|expert|technician'?s?|scored"
    r"|machine|yasa|scoring|scorers?|hypnogram)"
    # "how does the staging of the model compare to YASA?"
    r"|\bhow (?:well )?(?:does|do|did) the (?:staging|stages|scoring|hypnogram) (?:of|by|from) (?:the )?(?:model"
    r"|machine|yasa) (?:compare|agree|match)\w*(?: up)? (?:to|with|against) (?:the )?(?:human|manual|expert"
    r"|technician'?s?|scored|machine|yasa|model)"
    # "how well does the model stage this night?", "what is the model's kappa?"
    r"|\bhow (?:well|accurately|good) (?:does|do|did|is|was) (?:the )?(?:model|machine|yasa)(?:'s)? (?:stag\w*|scor\w*)"
    r"|\b(?:the )?(?:model|machine|yasa)(?:'s)? (?:kappa|κ|agreement|accuracy)\b"
    # "how good is the model on this night?" ("how accurate is YASA?" asks how far it can be
    # trusted: the scoring's overview)
    r"|\bhow (?:good|well|accurate|reliable) (?:is|was) (?:the )?model(?: (?:on|for|at|with)"
    r" (?:this|the) (?:night|recording|file|study)| here| tonight)?\W*$"
    r"|\b(?:kappa|κ|agreement|accuracy) of (?:the )?(?:model|machine|yasa)\b"
    # "how does the model do against the expert?", "which stage does YASA get wrong most?"
    r"|\bhow (?:well |badly )?(?:does|do|did) (?:the )?(?:model|machine|yasa) (?:do|perform|fare|score)\w*"
    r" (?:against|compared (?:to|with)|versus|vs\.?|next to) (?:the )?(?:human|manual|expert|technician'?s?|scor\w*"
    r"|machine|yasa|model)"
    r"|\bwhich stages? (?:does|did|do) (?:the )?(?:model|machine|yasa) (?:get wrong|miss|confuse|struggle with|mix up)\w*"
    # "which stage is hardest for the model?": each stage's F1, the lowest named
    r"|\bwhich stages? (?:is|was|are|were) (?:the )?(?:hardest|most difficult|toughest|worst|least accurate)"
    r" for (?:the )?(?:model|machine|yasa)\b"
    r"|\b(?:per[- ](?:class|stage)|class[- ]?wise|stage[- ]?wise|each stage'?s?) (?:f1|f-?scores?|kappa|κ|agreement"
    r"|accuracy)\b|\bf1\b.{0,20}\b(?:per|by|for each|of each) (?:class|stage)\b", I)
# "how many N1 epochs did the model call wake?": one cell of the two stagings' confusion matrix
_CONFUSION_CELL_RE = re.compile(
    r"\bhow many (?:of the )?(?P<a>w|wake|n1|n2|n3|rem)(?: epochs?)?\b.{0,25}\b(?:did|does|do|were|was) (?:the )?"
    r"(?:model|machine|yasa)(?:'s)? (?:call|calls|score|scores|stage|stages|label|read|mark|put|get)\w*(?: (?:as|it|them))*"
    r" (?:as |in )?(?P<b>w|wake|n1|n2|n3|rem)\b", I)
"""Two stagings side by side ("show the confusion matrix", "which stage do they disagree on
most?", "how does the model's staging compare to the human scoring?")."""
GOT_WRONG_RE = re.compile(r"\b(?:got|get|gets|getting) (?:it |them |that )?wrong\b|\b(?:mis-?staged|mis-?scored)\b", I)
"""Epochs a staging got wrong ("show me an N1 epoch the model got wrong")."""
_DISAGREE_RE = re.compile(r"\b(?:disagree\w*|disagreement|differ\w*|mismatch\w*|not agree)\b", I)
# Questions about the recording itself, not about the sleep in it.
_BODY_ASKED = (r"\b(?:bmi|body mass index|(?:her|his|their|the patient'?s|the subject'?s) (?:weight|height|neck"
               r"(?: size| circumference)?)|how (?:heavy|tall) (?:is|was)|(?:is|was) (?:she|he|they|the patient)"
               r" (?:obese|overweight)"
               # "how much caffeine did he have?", "what medication is he on?": the history a PSG never records
               r"|(?:how much|any|did (?:he|she|they|the patient) (?:have|drink|take)) (?:caffeine|coffee|alcohol|drinks?"
               r"|nicotine)|(?:what|which|any) (?:medications?|meds|drugs|medicines?) (?:is|was|does|did|were) (?:he|she"
               r"|they|the patient) (?:on|take|taking|using)|(?:is|was|are) (?:he|she|they|the patient) on (?:any )?"
               r"(?:medications?|meds|drugs|sleeping pills)|(?:her|his|their|the patient'?s) (?:chronotype|medications?"
               r"|meds|history|symptoms|complaints?|diet|habits)|(?:does|did) (?:he|she|they|the patient) smoke)\b")
_TOPIC_RE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("library", re.compile(
        r"\b(?:which|what|how many) (?:nights?|recordings?|studies|files|epochs|patients)"
        r" (?:are |is |does |do )?(?:in|of) the library\b|\b(?:which|what) (?:night|recording"
        r"|study|patient) (?:in|of|from) the library\b|\bwhat(?:'s| is) in the library\b"
        r"|\b(?:describe|list|summar\w*|tell me about) the library\b(?!\s+for)"
        r"|\bthe library (?:holds?|contains?|has)\b"
        # "what's the most common caption in the library?"
        r"|\b(?:most|least) (?:common|frequent|typical|usual) (?:captions?|kinds? of epochs?|epochs?)\b.{0,25}\blibrary\b"
        r"|\blibrary'?s? (?:most|least) (?:common|frequent) (?:captions?|epochs?)\b"
        # "which night has the most spindles?": one night is loaded, so the nights are the library's
        r"|^\W*(?:and\s+|so\s+)?(?:which|what) (?:nights?|recordings?|stud(?:y|ies)|patients?|sleepers?|files?)"
        r" (?:has|had|have|shows?|showed|hold|holds|held|contain\w*) (?:the )?(?:most|fewest|least)\b"
        # "across the library which nights are spindle-rich?", "which library recordings have spindles?"
        r"|\b(?:across|in|of) the library\b.{0,40}\b(?:which|what) (?:nights?|recordings?|files?)\b"
        r"|\b(?:which|what) library (?:nights?|recordings?|files?)\b", I)),
    # "how old is she?", "is the patient male or female?": the header's patient field
    ("patient", re.compile(
        r"\bhow old (?:is|was|are|were)\b(?! (?:the |this |that )?(?:recording|file|study|data|edf|psg"
        r"|night|scoring|hypnogram|model|library)\b)|\b(?:patient|subject|person|sleeper)(?:'s)? (?:age|sex|gender"
        r"|details|demographics)\b|\b(?:what|which)(?:'s| is| was)? (?:the |her |his |their )?(?:age|sex"
        r"|gender)(?: (?:band|group))?\b|\b(?:age|sex|gender) of the (?:patient|subject|person"
        r"|sleeper)\b|\b(?:is|was) (?:the )?(?:patient|subject|person|sleeper) (?:a )?(?:male|female|man"
        r"|woman|boy|girl|child|an? adult)\b|\bwho (?:is|was) (?:the patient|the subject|recorded"
        r"|this patient)\b|\b(?:male|man) or (?:a )?(?:female|woman)\b|\b(?:female|woman) or (?:a )?(?:male"
        r"|man)\b|^\W*(?:and\s+)?(?:is|was) (?:this|he|she|they|it) (?:a |an )?(?:male|female|man|woman|boy"
        r"|girl|child|kid|minor|adult|pediatric|paediatric|elderly)(?:'s)?(?: (?:patient|study"
        r"|recording|night|psg))?\W*$|\b(?:is|was) (?:the |this )?(?:patient|subject|person|sleeper"
        r"|study|recording) (?:an? )?(?:pediatric|paediatric|minor|elderly|kid)\b"
        r"|^\W*(?:is|was) (?:the patient|the subject|this patient|he|she|they) (?:over|under|older"
        r" than|younger than|above|below) \d+(?: years?(?: old)?)?\W*$"
        # "how old?", "what's her BMI?": the header's patient field, and what it never holds
        rf"|^\W*(?:and\s+)?how old\W*$|{_BODY_ASKED}", I)),
    ("scoring", re.compile(
        r"\b(?:is|was|has|have)\s+(?:this|the|it)\s*(?:night|recording|study|file|edf|psg|hypnogram"
        r"|data)?\s+(?:been\s+|already\s+)*(?:scored|staged|annotated|labell?ed)\b|\bwho (?:scored|staged"
        r"|annotated)\b|\bscored by\b|\b(?:human|manual|expert|machine|automatic|auto)[- ]?(?:scored"
        r"|scoring|staging)\b|\bwhere do(?:es)? the (?:stages|hypnogram|events|scoring) come from\b"
        r"|\bhow (?:confident|sure|certain|reliable|accurate|trustworthy|good)\b.{0,40}\b(?:stag\w*"
        r"|hypnogram|scor\w*|classif\w*|yasa)\b"
        # "could you score the breathing?": what the machine scored here, and what it could not
        r"|^\W*(?:can|could|would|will) (?:you|it|the (?:app|machine)) (?:still |even |really |actually )?(?:score|stage)\b"
        r"(?!\s+(?:(?:this|that|the|the current) )?epochs?\b)"
        # "can I trust the hypnogram?", "should I rely on the machine scoring?"
        r"|\b(?:trust|rely on|believe)\b.{0,30}\b(?:stag\w*|hypnogram|scor\w*|yasa|machine)\b|\b(?:confidence|uncertain\w*|unsure|least sure|doubtful)\b"
        r".{0,40}\b(?:stag\w*|hypnogram|scor\w*|epochs?)\b|\b(?:stag\w*|hypnogram|scor\w*)\b.{0,30}"
        r"\b(?:confidence|uncertain\w*|reliab\w*|accura\w*)\b|\b(?:least|less|not|un)[- ]?(?:sure"
        r"|confident|certain)\b.{0,40}\b(?:stag\w*|epochs?|machine|hypnogram|scor\w*)\b"
        r"|\b(?:stag\w*|epochs?|machine|hypnogram|scor\w*)\b.{0,40}\b(?:least|less|not|un)[- ]?(?:sure"
        r"|confident|certain)\b"
        # "what could the scorer have gotten wrong?", "where might the staging be wrong?"
        r"|\b(?:scor\w*|stag\w*|hypnogram|machine|yasa|model)\b.{0,40}\b(?:wrong|mistak\w*|errors?|missed"
        r"|mis-?scor\w*|mis-?stag\w*)\b"
        # "can you tell sleep from wake?", "does this study show when she slept?": whether and
        # how the night could be staged
        r"|^\W*(?:can|could|does|do|is) (?:you|it|this|the (?:app|machine|study|test|recording))\s+(?:able to\s+)?"
        r"(?:tell|distinguish|separate|show|see|detect|know)\b.{0,20}\b(?:sleep|asleep|slept|wake|awake)\b"
        # "how do you know when they were asleep?": how the stages were found
        r"|\bhow (?:do|did|can|could|would) (?:you|we|i|it|the (?:app|machine)) (?:know|tell|determine|decide"
        r"|work out|figure out)\b.{0,30}\b(?:asleep|sleep(?:ing)?|awake|stages?)\b"
        # "which stage did the machine find hardest?", "show me the least certain part"
        r"|\b(?:which|what) (?:sleep )?(?:stage|epochs?|parts?|stretch\w*)\b.{0,40}\b(?:hardest|most difficult"
        r"|toughest|trickiest)\b"
        r"|\b(?:least|less) (?:certain|sure|confident) (?:parts?|stretch\w*|epochs?|bits?|places?"
        r"|moments?|times?)\b|\bmost (?:uncertain|doubtful) (?:parts?|stretch\w*|epochs?|places?)\b"
        # "which part of the night is least certain?"
        r"|\b(?:which|what) (?:parts?|portions?|stretch\w*|sections?|bits?|times?|periods?) of the (?:night"
        r"|recording|hypnogram)\b.{0,30}\b(?:(?:least|less) (?:certain|sure|confident|reliable)|(?:most )?"
        r"(?:uncertain|doubtful))\b"
        # "how well does the staging agree with YASA?", "what is the kappa?"
        r"|\b(?:(?:dis)?agree\w*|(?:dis)?agreement|kappa|κ|concordan\w*|differ\w*|mismatch\w*)\b.{0,40}"
        r"\b(?:stag\w*|scor\w*|yasa|hypnogram"
        r"|expert|human|machine|model)\b|\b(?:stag\w*|scor\w*|yasa|model)\b.{0,40}\b(?:(?:dis)?agree\w*"
        r"|(?:dis)?agreement|kappa|κ|differ\w*)\b|^\s*what(?:'s| is) the (?:cohen'?s )?kappa\W*$"
        # "which stage was hardest for you to score?": the per-stage confidence
        r"|\b(?:hardest|most difficult|trickiest|easiest|most (?:uncertain|confident|reliable)"
        r"|least (?:reliable|accurate))\b.{0,40}\b(?:stag\w*|scor\w*|classif\w*)\b"
        # "what can't you measure here?": what the scoring skipped, and why
        # "how was the staging done?", "what algorithm staged this night?"
        r"|\bhow (?:was|were|is|are) (?:the |this )?(?:night |recording )?(?:staging|scoring|hypnogram)"
        r"(?: (?:done|performed|made|derived|obtained|computed))?\W*$|\bhow (?:did|does|do) (?:you"
        r"|it|the app|the machine|this app) (?:stage|score)\b|\b(?:which|what) (?:stager|staging"
        r"|algorithm|classifier|method|model|software|tool)s? (?:was |were |is |are )?(?:used|staged"
        r"|scored|did the (?:staging|scoring))\b"
        # "which stager did you use?", "what did you use to stage it?"
        r"|\b(?:which|what) (?:stager|staging|scorer|scoring|algorithm|classifier|software|tool)s?"
        r"(?: (?:model|algorithm|method|software|tool|program)s?)? (?:did|do|does) (?:you|it|the (?:app|machine))"
        r" (?:use|run|apply)\b|\bwhat did (?:you|it|the (?:app|machine)) use (?:to|for) (?:stag|scor)\w*\b"
        r"|\b(?:which|what) (?:channels?|eegs?|leads?|derivations?|signals?) (?:was |were |is |are |did"
        r" you |does it )?(?:used? )?(?:for|to|in|by) (?:the )?(?:stag\w*|scor\w*|stager)\b"
        r"|\b(?:stag\w*|scor\w*) (?:was |is )?(?:done |made )?(?:on|from|with|using) (?:which|what)"
        r" (?:channels?|eegs?|leads?|derivations?)\b"
        r"|\b(?:can|could|will|would) (?:you|it|the app|this app) (?:(?:sleep[- ])?stage|score)"
        r" (?:(?:this|the|my|his|her|their) )?(?:night|recording|study|file|edf|psg|sleep)\b"
        r"|\bwhat (?:can(?:'?t|not)|could(?:n'?t| not)) (?:you|i|it|the app) (?:measure|score|detect|see"
        r"|tell|read)\b|\b(?:limitations?|blind spots?)\b", I)),
    ("quality", re.compile(
        r"\bhow much (?:time|data|of (?:it|this|the (?:recording|study|night))) (?:was|is|were) (?:valid|usable"
        r"|good|clean|artifact[- ]free|artefact[- ]free)\b|\b(?:valid|usable|artifact[- ]free"
        r"|artefact[- ]free) (?:recording |monitoring |study )?(?:time|data)\b|"
        r"\b(?:artifacts?|artefacts?|signal quality|quality of the (?:signals?|data|recording)"
        r"|(?:channels?|leads?|signals?|electrodes?|sensors?) (?:with|having) (?:problems?|issues?|trouble|errors?)"
        r"|(?:problems?|issues?|trouble) with (?:the |any )?(?:channels?|leads?|signals?|electrodes?|sensors?)"
        r"|data quality|bad (?:signals?|channels?|data|epochs?|electrodes?|leads?)|noisy|flat ?lines?"
        r"|flat (?:signals?|channels?)|clipp\w*|disconnect\w*|electrode (?:off|pops?|problems?)"
        r"|leads? (?:off|fell off)|lead[- ]off|(?:signals?|channels?|data) (?:dropp\w*|missing|lost)"
        r"|poor (?:signals?|quality|recording|contact)|bad (?:signal )?quality"
        r"|(?:signals?|channels?|data|recording|traces?) (?:look(?:s|ed)?|(?:is|are|was|were)(?: looking)?)"
        r" (?:bad|poor|noisy|off|wrong|broken|corrupt\w*|unusable)"
        # "is the ECG any good?", "was the airflow usable?"
        r"|(?:is|was|are|were) (?:the )?(?:eeg|ecg|ekg|eog|emg|chin|airflow|flow|spo2|oximetry|belts?"
        r"|signals?|channels?|leads?|(?:\w+ ){1,2}(?:channel|lead|signal|sensor|probe|trace)s?) (?:any good"
        r"|ok(?:ay)?|usable|clean|reliable|working|noisy|trustworthy|good|fine|bad|poor"
        r"|(?:of )?(?:good|poor|bad|decent|high|low) quality)"
        # "how good is the airflow signal?", "how clean was the EEG?"
        r"|how (?:good|clean|noisy|usable|reliable) (?:is|was|are|were) (?:the )?(?:eeg|ecg|ekg|eog|emg|spo2"
        r"|oximetry|airflow|(?:\w+ ){1,2}(?:channel|lead|signal|sensor|probe|trace)s?)"
        # "any gaps in the recording?": gaps are flagged with flat and clipped stretches
        r"|\b(?:any|were there|was there|are there) (?:any )?(?:gaps?|dropouts?|drop-outs?|interruptions?"
        r"|discontinuit\w*) (?:in|on|during) (?:the |this )?(?:recording|data|signals?|channels?|study|night)"
        # "is this a good study?", "is the recording good quality?", "was the study adequate?"
        r"|(?:is|was) (?:this|it) (?:a|an) (?:good|usable|valid|adequate|technically (?:adequate"
        r"|acceptable)|acceptable|decent|clean|poor|bad) (?:home )?(?:sleep )?(?:apnea )?(?:study|recording"
        r"|test|psg|polysomnogra\w+|hsat)"
        r"|(?:is|was) (?:this|the) (?:study|recording|test|psg|polysomnogra\w+) (?:(?:of )?(?:good|poor"
        r"|bad|decent|high|low|acceptable) quality|any good|usable|valid|adequate|technically"
        r" (?:adequate|acceptable)|acceptable|ok(?:ay)?))\b", I)),
    ("channels", re.compile(
        # "what's missing from this recording?": its channels, with the slots it has none for
        r"\bwhat(?:'s| is| are)? (?:signals? |channels? |sensors? )?(?:is |are )?missing\b|\b(?:which|what)"
        r" (?:signals?|channels?|sensors?) (?:are|is) (?:missing|absent|not (?:there|recorded))\b|"
        # "which EOG is missing?", "is the chin EMG missing?": the usual channels the file lacks
        r"\b(?:which|what|is|are) (?:an? |the |any )?(?:eegs?|eogs?|(?:chin |leg |limb )?emgs?|ecg|ekg"
        r"|spo2|oximetry|airflow|flow|effort|belts?|position)(?: (?:channels?|leads?|sensors?|signals?|belts?))?"
        r" (?:is |are )?(?:missing|absent|not (?:there|recorded))\b|"
        r"\b(?:kind|type|sort) of (?:a )?(?:study|recording|test|psg|sleep study)\b"
        # "what is this recording?", "what's this file?": the recording itself
        r"|^\W*what(?:'s| is) (?:this|the) (?:recording|file|edf|study|psg)\W*$|\bis (?:this|it)"
        r" an? (?:home|in-?lab|full|diagnostic|psg|polysomnogra\w+|hsat)\b|"
        r"\bhow long (?:was|is) (?:the |this )?(?:recording|study|file|edf|psg)\b|\b(?:when|what time)"
        r" did (?:the |this )?(?:recording|study) (?:start|begin|end|stop)\b|\brecording (?:length"
        r"|duration)\b|\bhow many hours (?:were|was|did (?:you|we|it)) (?:recorded|record)\b"
        r"|\bhow long did (?:the |this )?(?:recording|study) (?:last|run|go on|take)\b|"
        r"\bdoes (?:this|the) (?:file|recording|study|edf|psg) (?:have|include|contain)\b|"
        r"\b(?:which|what|list|how many|are there|is there|does|do)\b.{0,40}\b(?:channels?|montage"
        r"|derivations?|leads?|electrodes?|sensors?|sampl(?:ing|e) (?:rates?|frequenc\w*))\b"
        r"|\b(?:channels?|montage|sampl(?:ing|e) rates?)\b.{0,30}\b(?:in|of|on) (?:this|the) "
        r"(?:file|recording|study|edf)\b|\bwhat (?:was|is|were|got) recorded\b|\bwhat(?:'s| is) in "
        r"(?:this|the) (?:file|recording|edf)\b|\bsignals? (?:were |are )?(?:recorded|available"
        r"|included)\b|\bhow many epochs\b|\bnumber of epochs\b"
        # "is there any EEG in this file?", "any leg EMG?", "do we have ECG?": a kind of channel
        # "why is there no chin EMG?": whether the file has one (it may, at 1 Hz)
        r"|^\W*(?:and\s+)?(?:is there|are there|do (?:we|you|i) have|did (?:we|they|you) record|any"
        r"|why (?:is|are|was|were) there no|why (?:isn't|aren't|wasn't|weren't) there)"
        r"\s+(?:an?\s+|any\s+)?(?:(?:eeg|eog|ecg|ekg|emg|(?:leg|limb|chin) emg|spo2|(?:pulse )?oximetry"
        r"|airflow|effort belts?)(?:\s+(?:channels?|leads?|signals?|sensors?|traces?|data))?"
        # a bare "any snoring?" or "any position changes?" asks about the night, not the file
        r"|(?:breathing|respiratory|snore|position|pulse|leg|limb|chin|eye|belts?)\s+(?:channels?"
        r"|leads?|signals?|sensors?|traces?))"
        r"(?:\s+(?:in|on)\s+(?:this|the)\s+(?:file|recording|study|edf|night))?\W*$", I)),
)


# "what percentage of the sleep period was spent awake?": WASO over sleep onset to the final
# awakening, not the wake of the whole recording.
_PERIOD_WAKE_RE = re.compile(
    r"\b(?:percent(?:age)?|fraction|proportion|share|%|how much)\s+of\s+(?:the\s+)?sleep\s+period\b"
    r".{0,30}\b(?:awake|wake|wakefulness)\b|\b(?:wake|awake|wakefulness)\b.{0,20}\b(?:percent(?:age)?"
    r"|fraction|proportion|share|%)\s+of\s+(?:the\s+)?sleep\s+period\b"
    # "what percentage of time was spent awake after sleep onset?": WASO as a share, which only
    # the sleep period gives a whole to
    r"|\b(?:percent(?:age)?|fraction|proportion|share|%)\b.{0,30}\b(?:awake|wake|wakefulness)\s+after\s+sleep"
    r"\s+onset\b|\bwaso\b.{0,20}\b(?:as a |in )?(?:percent(?:age)?|fraction|proportion|share|%)\b"
    r"|\b(?:percent(?:age)?|fraction|proportion|share|%)\s+(?:of\s+)?waso\b", I)
# "why was there so little deep sleep?", "why was there no REM in the third cycle?", "how come
# she never reached N3?": a stage's shortfall over a stretch, and what the night shows of why.
# "which detector found the spindles?", "how were the apneas scored here?", "what threshold?":
# how this night's events were found, not what the events are
_METHOD_RE = re.compile(r"\b(?:which|what) (?:\w+ )?(?:detectors?|algorithms?|methods?|tools?|software|programs?|rules?"
                        r"|criteri(?:a|on)|thresholds?|settings|parameters|cut-?offs?)\b(?: (?:did|does|do|was|were|is"
                        r"|are) (?:you|it|yasa|the (?:app|machine|scorer|scoring))?)?\s*(?:\w+\s+)?(?:found|find|finds"
                        r"|detected|detect|detects|scored|score|used|use|uses|picked|applied|for|to (?:find|detect"
                        r"|score))\b|^\W*(?:and\s+|so\s+|then\s+|but\s+)?how (?:were|was) (?:the |her |his |their |these |those )?"
                        r"(?P<what>[\w -]+?) (?:detected|found|scored|identified|picked up|marked|computed|counted)"
                        r"(?: here| on this (?:night|recording)| in this (?:night|recording)| by the (?:machine|app))?\W*$"
                        # "how did you detect spindles?", "how does YASA find slow waves here?"
                        r"|^\W*(?:and\s+|so\s+)?how (?:did|do|does|would) (?:you|it|yasa|the (?:app|machine|scorer|scoring"
                        r"|detector))(?: \w+)? (?:detect|find|score|identify|pick up|mark|count|spot|flag)\b"
                        # "what are the spindle detection parameters?"
                        r"|\b(?:detection|scoring) (?:parameters|settings|thresholds?|criteria|rules?|method)\b", I)
_METHOD_ALONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:which|what) (?:\w+ )?(?:detectors?|algorithms?|methods?|tools?"
                              r"|thresholds?|settings|parameters|criteria|cut-?offs?)|how were they (?:detected|found"
                              r"|scored))(?: (?:did|do|does|was|were) (?:you|it|yasa) (?:use|used|apply))?(?: for them| for"
                              r" those)?\W*$", I)


_BEST_LEAD_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:eeg )?(?:channels?|leads?|derivations?|electrodes?)"
                           r" (?:shows?|displays?|sees?|would show|is best for|is (?:it|that|this|that one) (?:clearest"
                           r"|best|biggest|largest|most visible) on|are (?:they|those|these|[\w -]+?) (?:clearest|best"
                           r"|biggest|largest|most visible) on)(?: (?:it|them|this|that|those|these|[\w -]+?))?"
                           r"(?: (?:best|most clearly|clearest|the most|better))?\W*$", I)


def _method(text: str) -> Query | None:
    """How the night's events of a kind were found, or of the kind just asked about ("what
    threshold?"); None unless asked."""
    if _METHOD_ALONE_RE.search(text):
        return Query(Intent.RECORDING, text, topic="method", by_rule=True)
    if not _METHOD_RE.search(text):
        return None
    phen = find_phenomenon(text)
    if phen is None or not phen.event_types:
        return None
    return Query(Intent.RECORDING, text, phen.key, topic="method", by_rule=True)


_WHY_SHORT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|then\s+)?(?:why|how come|what (?:explains|caused|causes"
                           r"|is behind|was behind|could explain))\b", I)
_SHORT_WORD_RE = re.compile(r"\b(?:no|none|little|hardly|barely|scarcely|not (?:much|enough|any|more|reach\w*)|less"
                            r"|lacks?|lacking|lacked|absent|missing|short|shorter|low|lower|reduced|decreased"
                            r"|few|fewer|only|(?:didn'?t|did not|doesn'?t|does not|never|wasn'?t|was not) (?:\w+ )?"
                            r"(?:get|have|reach|enter|go|show|see|any|much|enough|into)|without|skip\w*)\b", I)
# "why is there so much N2?", "why is N3 so high?": a stage's excess, read the same way
_MUCH_WORD_RE = re.compile(r"\b(?:so much|so many|too much|too many|a lot of|lots of|high|higher|more|increased"
                           r"|elevated|excess\w*|so long|abundant|plenty of)\b", I)
_NONE_WORD_RE = re.compile(r"\b(?:no|none|not any|never|without|absent|missing|skip\w*|(?:didn'?t|did not|doesn'?t"
                           r"|does not|wasn'?t|was not) (?:\w+ )?(?:any|reach|enter|get into|go into))\b", I)
# what a shortfall question must not be about: a stage's timing or its features ("why is the REM
# latency so long?", "why is there no atonia in REM?", "why no spindles in N3?")
_SHORT_NOT_RE = re.compile(r"\b(?:latency|onset|atonia|tone|spindles?|eye movements?|rems|k-?complex\w*|waves?"
                           r"|power|apn(?:o)?eas?|hypopneas?|arousals?|events?|model|yasa|machine|periods?"
                           r"|bouts?|density|percentage of|ahi)\b", I)


# "why is the REM latency so long?", "how come REM came so late?": REM's shortfall from sleep onset
_WHY_LATE_REM_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:why|how come|what (?:explains|caused|causes"
                              r"|delayed))\b.*\b(?:rem (?:sleep )?latency\b.*\b(?:long|late|high|delayed|prolonged"
                              r"|increased)|(?:first )?rem(?: sleep| period)? (?:come|came|start\w*|appear\w*|arriv\w*"
                              r"|show\w* up) (?:so |this |that |very )?late|rem (?:take|took) (?:so )?long)\b", I)
REM_LATENCY_SPAN = TimeSpan("rem_latency", text="before the first REM period")
"""Sleep onset to the first REM epoch, the stretch a "why is the REM latency long?" reads."""


def _stage_shortfall(text: str, time: TimeSpan | None) -> Query | None:
    """"why was there so little N3?": the stage's amount over the span and its reasons; None
    unless the text asks why one of N3 or REM fell short, why a sleep stage ran high, or why
    the first REM came late."""
    if _WHY_LATE_REM_RE.search(text) and time is None:
        return Query(Intent.STAGE_AMOUNT, text, scope=Scope(("REM",), REM_LATENCY_SPAN), measure="latency",
                     by_rule=True)
    if not (_WHY_SHORT_RE.search(text) and (_SHORT_WORD_RE.search(text) or _MUCH_WORD_RE.search(text))) or (
            _SHORT_NOT_RE.search(text)):
        return None
    if time is not None and (time.kind in ("current", "item") or time.kind == "epoch" and time.end in (None, time.start)):
        return None   # "why is there no N3 in this epoch?": that epoch's stage evidence
    rest = text.replace(time.text, " ") if time is not None else text
    stages = stage_term(rest)
    much = _MUCH_WORD_RE.search(rest) and not _SHORT_WORD_RE.search(_MUCH_WORD_RE.sub(" ", rest))
    if stages not in ((("N1",), ("N2",), ("N3",), ("REM",)) if much else (("N3",), ("REM",))):
        return None
    ref = Ref.ITEM if time is None and re.search(r"\b(?:in|during|of) (?:it|that|this|there)\W*$", text, I) else Ref.NONE
    return Query(Intent.STAGE_AMOUNT, text, scope=Scope(stages, time), ref=ref, by_rule=True,
                 measure="excess" if much else "absence" if _NONE_WORD_RE.search(rest) else "shortfall")


_WHY_WAKE_RE = re.compile(r"\bwhy (?:is|was) (?:her |his |their |the )?(?:sleep )?efficiency (?:so )?(?:low|poor|bad)\b"
                          r"|\bwhat (?:could have |might have |may have )?(?:caused|explains?) (?:the |her |his )?(?:poor|low"
                          r"|bad) (?:sleep )?efficiency\b"
                          r"|\bwhy (?:(?:is|was|are|were) (?:there )?)?(?:so much|such a lot of|so many"
                          r" minutes of|this much) (?:wake|w\b|time awake|wakefulness)|\bwhy (?:is|was)"
                          r" (?:the )?(?:wake|w|time awake) so (?:high|long|large)\b"
                          # "how long was the patient awake in the morning before the end?"
                          r"|\b(?:awake|time awake|wakefulness)\b.{0,40}\b(?:in the morning|after the final"
                          r" awakening|after (?:the patient |they |he |she )?(?:finally )?woke(?: up)?"
                          r"|before (?:the recording|lights on|the end))\b", I)
_NAP_RE = re.compile(r"\b(?:nap|naps|napped|napping|daytime sleep|sleep (?:during|in) the day"
                     r"|sleep outside the main (?:sleep )?(?:period|episode))\b", I)
_CYCLES_RE = re.compile(r"\b(?:sleep|nrem[- ]?rem|rem[- ]?nrem|ultradian)\s+cycles?\b"
                        r"|\bcycles?\b.{0,30}\b(?:night|sleep|hypnogram|rem|nrem)\b"
                        r"|\b(?:how many|number of|count the|list the|show the|describe the)"
                        r"\s+cycles?\b"
                        # "how long was each cycle?", "how long were the cycles?"
                        r"|\bhow long (?:was|were|is|are|did) (?:each|every|the|all the|the first|the last)"
                        r"(?: \w+)? cycles?\b", I)


# "why is epoch 300 N3?", "what makes this epoch REM?": the evidence for an epoch's stage.
_WHY_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:why|how come|what makes|how do you know|how can you "
                     r"tell|what shows|on what basis|what evidence|what gives (?:it|this|that)(?: one)? away"
                     r"|(?:does|would|could|can) (?:it|this|that)(?: one| epoch)? (?:meet|satisfy|fulfil+|pass|fit"
                     r"|qualify|count)|is (?:it|this|that)(?: one| epoch)? (?:enough|sufficient) (?:for|to))\b"
                     # "how would you stage this epoch, and why?"
                     r"|^\s*how (?:would|do|did) you (?:stage|score|classify) (?:it|this|that|the current)\b.*\bwhy\b"
                     # "is this really N3?", "are you sure this is REM?"
                     r"|^\s*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:it|this|that)(?: one| epoch)? (?:really|actually|truly)"
                     r"|^\s*(?:and\s+|so\s+|but\s+)?(?:are you|how) sure (?:that )?(?:it|this|that)(?: one| epoch)? (?:is|was)\b", I)
_WHY_STAGE_RE = re.compile(r"\b(?:stage[ds]?|scored|staged|n1|n2|n3|rem|wake|awake|deep|light|sws)\b",
                           I)
_WHY_HERE_RE = re.compile(r"\b(?:it|this|that|here|there)\b", I)


def _why_stage(text: str, time: TimeSpan | None) -> Query | None:
    """A question asking why an epoch has its stage, else None."""
    if not (_WHY_RE.search(text) and _WHY_STAGE_RE.search(text)
            and (time is not None or _WHY_HERE_RE.search(text))):
        return None
    rest = text.replace(time.text, " ") if time else text
    return Query(Intent.CLASSIFY, text, scope=Scope(stage_term(rest), time), stage_event="why",
                 by_rule=True)


# An index or time split by a grouping: "supine AHI", "AHI in REM vs NREM", "which hour".
# "by position and stage", "position x stage", "supine and lateral, in REM and NREM": a split
# by body position within REM and within NREM.
_BY_STAGE_TOO_RE = re.compile(r"\b(?:and|x|×|by|per|within|then)\s+(?:sleep\s+)?stages?\b"
                              r"|\bstages?\s+(?:and|x|×)\s+(?:body\s+)?position"
                              r"|\b(?:in|during) rem and (?:in )?nrem\b|\brem (?:vs\.?|versus) nrem\b", I)
_BY_RE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("position", re.compile(
        r"\b(?:supine|prone|lateral|upright|positional|posture|(?:body |sleeping |sleep )?positions?"
        r"|non[- ]?supine|(?:on|off) (?:(?:the|their|his|her|its) )?(?:back|sides?|left|right|stomach|belly"
        r"|front))\b", I)),
    ("hour", re.compile(r"\b(?:which|what) hour\b|\b(?:the )?(?:worst|busiest|best) hour\b|\bwhen\b.*\b(?:most(?:ly)?|least)\b|\bhour by hour\b"
                        r"|\b(?:where|when)\b.*\b(?:densest|most dense|highest (?:density|rate)"
                        r"|most (?:frequent|common|concentrated))\b"
                        # "when in the night were the leg movements?": where they fall, hour by hour
                        r"|\bwhen (?:in|during) the night (?:were|are|did|do)\b(?!.*\b(?:lowest|highest"
                        r"|longest|shortest|worst|deepest|first|last)\b)"
                        r"|\bhourly\b|\b(?:by|each"
                        r"|every|in each) (?:clock )?hour(?: of the night)?\b"
                        # "AHI per hour of the night table": a row per hour, not the rate's unit
                        r"|\bper (?:clock )?hour of (?:the )?(?:night|recording)\b|\b(?:across|over"
                        r"|through(?:out)?|during) the (?:course of the )?night\b.*\b(?:chang\w*"
                        r"|trend|evol\w*|develop\w*)|\b(?:chang\w*|trend|evol\w*|develop\w*)\b.*"
                        r"\b(?:across|over|through(?:out)?) the (?:course of the )?night\b"
                        r"|\b(?:g[eo]t\w*|bec[oa]me|gr[eo]w\w*) (?:louder|quieter|worse|better|higher"
                        r"|lower|faster|slower)\b.*\b(?:across|over|through(?:out)?|during) the "
                        r"(?:course of the )?night\b"
                        r"|\b(?:increas\w*|decreas\w*|declin\w*|ris(?:e|es|ing)|rose|f[ae]ll\w*|drop\w*)"
                        r"\b.*\b(?:across|over|through(?:out)?|during) the (?:course of the )?night\b"
                        r"|\b(?:cluster\w*|concentrat\w*|bunch\w*|grouped)\b.*\b(?:part|time|hours?"
                        r"|portion|period|stretch) of the night\b|\b(?:which|what) (?:part|portion"
                        r"|stretch|time) of the night\b", I)),
    # "spindle density by third of the night", "AHI in each third"
    ("third", re.compile(r"\b(?:by|per|in each|for each|across(?: the)?|over the|in the three) thirds?\b|\bthird by third\b",
                         I)),
    # "slow-wave activity across the cycles", "AHI by sleep cycle"
    ("cycle", re.compile(r"\b(?:by|per|in each|for each|across(?: the)?|over the|from one|between(?: the)?)"
                         r" (?:sleep |nrem[- ]rem )?cycles?\b|\bcycle (?:by|to) cycle\b", I)),
    ("stage", re.compile(r"\bwhat (?:sleep )?stages? (?:had|has|have|saw|showed|held|contained|got)"
                         r" (?:the )?(?:most|fewest|least|highest|lowest|more)\b|"
                         r"\b(?:rem (?:vs\.?|versus|and|or|against|compared (?:to|with)) (?:nrem"
                         r"|non[- ]?rem)|(?:nrem|non[- ]?rem) (?:vs\.?|versus|and|or|against|compared"
                         r" (?:to|with)) rem|(?:rem|nrem)[- ](?:ahi|odi|related)|by stage|per stage"
                         r"|in each stage|for each stage|which (?:sleep )?stages?|across (?:the )?"
                         r"stages|between (?:the )?stages|(?:chang\w*|var(?:y|ies|ied)|differ\w*)"
                         r" (?:with|by|across|between) (?:the )?(?:sleep )?stages?|stage by stage)\b",
                         I)),
)
_EXPORT_RE = re.compile(r"\b(?:export\w*|download\w*|save (?:the|as|it|them|to)|as (?:a )?csv"
                        r"|to (?:a )?(?:csv|file|png|edf))\b", I)
_MEASURE_SPLIT_RE = re.compile(r"\b(?:which|highest|lowest|loudest|quietest|most|least|trend"
                               r"|chang\w*|differ\w*|compare\w*|by|each|per|across|over|evol\w*"
                               r"|hourly)\b", I)
# "is the amount of N2 typical?", "is her N3 typical for her age?": the stage's share of the
# night against the norms, not a typical epoch of it
_STAGE_SHARE_ASK_RE = re.compile(r"\b(?:amount|percent\w*|share|proportion|quantity|how much|minutes"
                                 r"|time (?:in|spent))\b|\b(?:her|his|their|the patient'?s|this person'?s)"
                                 r" (?:rem|n[123]|deep|light|slow[- ]wave)\b|\bfor (?:her|his|their|the"
                                 r" patient'?s|this person'?s|a person'?s) age\b", I)
# "show me a typical REM epoch", "what does N3 look like?": the clearest epoch of a stage.
_STAGE_EXAMPLE_RE = re.compile(r"\b(?:typical|example|clearest|a clear|classic|textbook)\b"
                               # "show me an epoch of N1", "find a REM epoch": one to look at
                               r"|\b(?:show|find|give|pick|display)(?: me| us)? (?:an?|one) (?:(?:[\w-]+ ){0,2}epoch"
                               r" of\b|(?:n1|n2|n3|rem|wake|stage \w+) epoch\b)"
                               # "show me the best N3 epoch": one epoch, not the longest period
                               r"|\b(?:best|cleanest|purest|most (?:typical|representative)|model) (?:n1|n2|n3|rem|wake"
                               r"|stage \w+|deep sleep|light sleep)(?: sleep)? (?:epoch|example)\b"
                               r"|\bwhat (?:does|do|did) .{1,40} look like\b|\bshow (?:me|us|them|the (?:class"
                               r"|students?)|students?) what\b", I)
_STAGE_CONTRAST_RE = re.compile(r"\b(?:longer|shorter|more (?!than\b)\w+|worse|fewer|cluster\w*"
                                r"|concentrat\w*|bunch\w*|predominant\w*|dominat\w*"
                                r"|less (?!than\b)\w+|higher|lower|louder|quieter"
                                r"|faster|slower|go(?:es)? (?:up|down)|went (?:up|down)|ris(?:e|es"
                                r"|ing)|r[oi]se|f[ae]ll(?:s|ing)?|increas\w*|decreas\w*|drop\w*"
                                r"|differ\w*|chang(?:e|ed|es))\b", I)
_POSITION_TIME_RE = re.compile(r"\b(?:how (?:long|much time)|time|minutes|hours|most(?:ly)?|much|percent"
                               r"|percentage|proportion|share|which|what|where)\b", I)


# "where did the oxygen drop in REM?": "drop" names the desaturation, and the question asks
# where its events are, not whether REM differs; only a comparative makes it a contrast.
_WHERE_LEAD_RE = re.compile(r"^\s*(?:where|when|show|find|list|highlight|locate)\b", I)
_COMPARATIVE_RE = re.compile(r"\b(?:longer|shorter|more|less|fewer|worse|better|higher|lower"
                             r"|faster|slower|deeper)\b", I)


def _stage_contrast(text: str, phen: Phenomenon | None) -> bool:
    """Whether ``text`` contrasts one stage with the others ("were apneas longer in REM?");
    ``phen`` is the phenomenon it names."""
    # "apneas longer than 20 s in REM" sets a shortest length, "did oxygen drop below 88 in
    # REM?" a threshold: neither contrasts REM with the other stages
    bare = _NUMERIC_BOUND_RE.sub(" ", _LENGTH_FLOOR_RE.sub(" ", text))
    if not (_STAGE_CONTRAST_RE.search(bare) and stage_term(bare)):
        return False
    if phen is not None and phen.key in _BURSTS and _BURST_CONTRAST_RE.search(bare):
        return False   # "were spindles faster in N3?": their own frequency, compared per spindle
    if re.search(r"\b(?:longer|shorter)\b", bare, I) and stage_term(bare) not in (("REM",), ("N1", "N2", "N3")):
        return False   # "are spindles longer in N3?": N3's lengths against another stage's, not REM's against NREM's
    locates_events = phen is not None and bool(phen.event_types) and _WHERE_LEAD_RE.search(text)
    return not locates_events or _COMPARATIVE_RE.search(text) is not None


_NUMERIC_BOUND_RE = re.compile(r"\b(?:(?:drop\w*|f[ae]ll\w*|go(?:es)?|went|r[oi]se\w*|dip\w*)\s+)?"
                               r"(?:below|under|above|over|less than|more than|lower than|higher than)"
                               r"\s+\d+", I)
_LENGTH_FLOOR_RE = re.compile(r"\b(?:longer|shorter|more|less) than \d+(?:\.\d+)?\s*"
                              r"(?:s\b|sec\w*|min\w*)", I)
_BARE_BY_RE = re.compile(r"^\s*(?:and\s+|now\s+|then\s+)?(?:split\s+|broken down\s+)?(?:by\s+"
                         r"(?:body\s+|sleep\s+|clock\s+)?(position|stage|hour)s?|per\s+(?:body\s+"
                         r"|sleep\s+|clock\s+)?(position|stage)s?|per\s+clock\s+(hour)s?)\s*\??\s*$", I)
# "and per hour?": the last count as a rate (a split by hour says "by hour")
# "how many per minute overall?" after a rate in a stage: the same events over all of sleep
_OVERALL_RATE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how many|what(?:'s| is) the (?:rate|density|index))"
                              r" (?:per|an|a) (minute|hour)(?: of sleep)? (?:overall|in total|altogether|over(?: the)?"
                              r" whole night|across (?:the )?(?:whole )?night|over all (?:of )?sleep|in all sleep)\W*$"
                              r"|^\W*(?:and\s+|so\s+)?(?:the )?(?:overall|whole[- ]night) (?:rate|density|index)\W*$", I)
_BARE_RATE_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+|how many\s+|what(?:'s| is) (?:that|this|it)\s+|how much"
                           r" is (?:that|this)\s+)?(?:per|an|a|each) (hour|minute)"
                           r"(?: of sleep)?\W*$"
                           # "density?", "and the index?": the last events' rate, per minute for a
                           # density (spindles, eye movements), per hour for an index
                           r"|^\W*(?:and\s+|so\s+|what about\s+)?(?:what(?:'s| is| was) )?(?:the |their |its )?"
                           r"(?P<bare>density|index)\W*$", I)


# "split that by supine vs non-supine", "break it down by stage": the last answer's index, split
_SPLIT_THAT_RE = re.compile(r"^\W*(?:and\s+|now\s+|ok(?:ay)?,?\s+)?(?:(?:can|could) you\s+)?(?:please\s+)?"
                            r"(?:split|break|separate|divide|group)\s+(?:it|that|this|them|those|these"
                            r"|the (?:index|numbers?|counts?|events))\s+(?:down\s+|up\s+)?(?:by|into|per"
                            r"|for|between)\b", I)


# "which position were most of them in?": the last events, split
_OF_THEM_RE = re.compile(r"\b(?:most|many|all|each|any) of (?:them|those|these)\b|\b(?:were|are) (?:those"
                         r"|these)\b", I)


def _stage_named(text: str) -> str:
    """The one stage ("REM", "N3", "W") or "NREM" a measure-by-stage question names ("was the
    heart rate higher in REM?"), whose row its answer reads first; "" for none or several."""
    named = stage_term(text)
    if named == ("N1", "N2", "N3"):
        return "NREM"
    return named[0] if len(named) == 1 else ""


def _split_followup(query: Query, text: str) -> Query:
    """"what about on the back?", "and in REM vs NREM?": a short split that names nothing to
    count or measure takes those from the last question (the dialogue)."""
    named = (query.stat or query.phenomenon or query.signal or query.modality
             or (query.measure and names_measure(query.measure)))
    if named or len(text.split()) > 8 or not _REPEAT_RE.search(text):
        return query
    return replace(query, ref=Ref.REPEAT)


def _bare_by(text: str) -> Query | None:
    """"by position?", "and by stage?": the last question's index or events split."""
    if m := _OVERALL_RATE_RE.search(text):
        per = (m.group(1) or "").lower() or None
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True, per=per, note="overall")
    if m := _BARE_RATE_RE.search(text):
        per = m.group(1) or ("minute" if m["bare"].lower() == "density" else "hour")
        return Query(Intent.LOCATE, text, ref=Ref.COUNT, how_many=True, per=per.lower())
    m = _BARE_BY_RE.search(text)
    return m and Query(Intent.BREAKDOWN, text, by=next(g for g in m.groups() if g).lower(),
                       by_rule=True, ref=Ref.REPEAT)


# "did REM increase across the night?": a stage followed hour by hour
_ACROSS_NIGHT_RE = re.compile(r"\b(?:across|over|through(?:out)?|during) the (?:course of the )?"
                              r"night\b", I)
_STAGE_MIX_RE = re.compile(r"\b(?:(?:sleep )?stages|stage (?:mix|distribution|breakdown|composition"
                           r"|minutes|percentages)|sleep architecture|hypnogram)\b", I)
# A split of "the events" with no event named counts the AHI's events, as a report does.
_BARE_EVENTS_RE = re.compile(r"\b(?:the |these |those |all )?events\b", I)


def _threshold_split(text: str, phen: Phenomenon | None) -> str | None:
    """The grouping ("hour", "stage", ...) of a time past a signal's line that a question
    splits ("T90 by stage", "when was most of the time below 90 %?"), None when it names no
    such line or no grouping; events ("apneas by hour") split as an index instead."""
    if phen is not None and phen.event_types:
        return None
    condition, _ = _conditions(text, _signal(text))
    if condition is None:
        return None
    return next((name for name, pattern in _BY_RE if name in THRESHOLD_BY and pattern.search(text)),
                None)


_PER_STAGE_PERIOD_RE = re.compile(r"\b(?:which|what|each|every|per|by) (?:rem|n1|n2|n3|slow[- ]wave|deep sleep) (?:sleep )?"
                                  r"periods?\b", I)
_FEWEST_RE = re.compile(r"\b(?:fewest|least|lowest|best|quietest|calmest)\b", I)


def _breakdown(text: str, time: TimeSpan | None) -> Query | None:
    """A question splitting an index or the time by a grouping, else None."""
    phen = find_phenomenon(text)
    if phen is not None and phen.key == "scored_event":
        phen = None   # "events by position": the AHI's events, as a report splits them
    by = next((name for name, pattern in _BY_RE if pattern.search(text)), None)
    if (m := _PER_STAGE_PERIOD_RE.search(text)) and phen is not None and phen.event_types:
        # "which REM period had the most eye movements?": those events in each REM period
        return Query(Intent.BREAKDOWN, text, phen.key, by=f"period:{stage_term(m[0])[0]}",
                     scope=Scope(time=time), rank="lowest" if _FEWEST_RE.search(text) else None, by_rule=True)
    if by == "position" and _BY_STAGE_TOO_RE.search(text):
        by = "position_stage"   # "apneas per hour by position and stage": both at once
    if by in (None, "hour") and _TREND_RE.search(text):
        by, time = "hour", None   # "worse toward morning": the night hour by hour, not its end
    if by is None and _stage_contrast(text, phen):
        by = "stage"  # "were apneas longer in REM?": REM against the other stages
    if by == "cycle" and stage_term(text) and phen is None and not names_measure(text):
        return None   # "how long was REM in each cycle?": a stage's minutes per cycle, not a split
    if by is None or _threshold_split(text, phen):
        return None
    if by in ("hour", "position") and phen is None and (
            _STAGE_MIX_RE.search(text) or by == "hour" and stage_term(text)
            and _ACROSS_NIGHT_RE.search(text)):
        # "give me a table of stages by hour": every stage's minutes per group
        named = stage_term(text) if by == "hour" else ()
        return Query(Intent.BREAKDOWN, text, scope=Scope(time=time), stat="stages", by=by,
                     target=named[0] if len(named) == 1 else None, by_rule=True)
    stat = _stat(text) or ("ahi" if phen is None and (_BARE_EVENTS_RE.search(text)
                                                      or _WORSE_BREATHING_RE.search(text)) else None)
    if phen is not None and re.search(r"\b(?:power|band|activity|percent\w*\b(?!\s+of\b))|%", text, I):
        # "delta power", "sigma activity": the measure, not the events ("what percent of the
        # apneas were supine?" counts the events)
        phen = None
    counted = stat in INDEX_STATS or (phen is not None and bool(phen.event_types))
    amount = phen is None and _POSITION_TIME_RE.search(text) is not None
    # "which hour had the most N3?": a stage's minutes per group; "supine REM AHI": the index
    # inside REM sleep.
    stages = stage_term(text) if by not in ("stage", "position_stage") and (amount or counted) else ()
    # "which stage has the highest heart rate?", "delta power trend": a measure per group.
    # "what was the heart rate on her back?": a measure in the positions named
    measure = (text if not counted and not stages and names_measure(text)
               and (_MEASURE_SPLIT_RE.search(text) or _STAGE_CONTRAST_RE.search(text)
                    or by == "position" and named_position(text))
               and _compare_groups(text) is None else None)
    if measure and by in ("hour", "position") and not stages:
        # "delta power in NREM by hour": the measure over those stages' epochs in each group
        stages = _stage_filter(text)[0]
    if not counted and not measure and _OF_THEM_RE.search(text):
        # "which position were most of them in?": the last answer's events, split
        return Query(Intent.BREAKDOWN, text, by=by, ref=Ref.REPEAT, by_rule=True)
    if not counted and not stages and not measure and not (by == "position" and amount):
        if (by == "position" and _REPEAT_RE.search(text) and len(text.split()) <= 5
                or _SPLIT_THAT_RE.search(text)):
            # "how about supine?" after an index: that index by position, this one first ("and
            # supine NREM?": inside those stages)
            return Query(Intent.BREAKDOWN, text, target=by == "position" and named_position(text) or "", by=by,
                         scope=Scope(stage_term(text)), ref=Ref.REPEAT, by_rule=True)
        return None
    # "how much time supine?": that position's row first
    named = (named_position(text) or "") if by == "position" and (amount or measure or counted) else (
        _stage_named(text) if by == "stage" and measure else "")
    # "which hour had the fewest apneas?": the quietest hour leads, not the worst
    rank = "lowest" if by in ("hour", "stage", "position") and counted and _FEWEST_RE.search(text) else None
    return Query(Intent.BREAKDOWN, text, phen.key if phen and stat not in INDEX_STATS
                 and not measure else None, target=named, scope=Scope(stages, time),
                 stat=stat if stat in INDEX_STATS else None, by=by, measure=measure,
                 rank=rank, by_rule=True)


# "what is the correlation between heart rate and delta power?", "does SpO2 track the heart
# rate?": two measures read against each other, epoch by epoch.
_CORRELATE_RE = re.compile(r"\b(?:correlat\w*|relationship|relation|related|relate|associat\w*"
                           r"|covar\w*|go(?:es)? together|track(?:s|ed)?)\b", I)
_BETWEEN_PAIR_RE = re.compile(r"\b(?:between|correlat\w*\s+(?:of|for))\s+(?:the\s+)?(.+?)\s+(?:and"
                              r"|with|vs\.?|versus)\s+(?:the\s+)?(.+?)\W*$", I)
# "correlate heart rate with delta power", "can you correlate the spindle count and sigma?"
_CORRELATE_CMD_RE = re.compile(r"^\W*(?:(?:please|can you|could you|now|and)\s+)*correlate\s+(?:the\s+)?(.+?)\s+"
                               r"(?:with|and|against|to)\s+(?:the\s+)?(.+?)\W*$", I)
_WITH_PAIR_RE = re.compile(r"^(?:.*?\b(?:does|do|did|is|are|was|were|how (?:well )?(?:does|do|did))"
                           r"\s+)?(?:the\s+)?(.+?)\s+(?:correlat\w*|relat\w*|associat\w*|track\w*"
                           r"|covar\w*|go(?:es)? together)\s+(?:\w+\s+)?(?:with|to)?\s*(?:the\s+)?"
                           r"(.+?)\W*$", I)


def _correlated(text: str) -> tuple[str, str] | None:
    """The two measures a correlation question names, in its order, else None."""
    if not _CORRELATE_RE.search(text):
        return None
    m = _CORRELATE_CMD_RE.search(text) or _BETWEEN_PAIR_RE.search(text) or _WITH_PAIR_RE.search(text)
    if m is None or not all(names_measure(side) or counted_phenomenon(side) for side in m.group(1, 2)):
        return None
    return m.group(1).strip(), m.group(2).strip()


_OVER_NIGHT_RE = re.compile(r"\b(?:(?:across|over|through(?:out)?|during) the (?:course of the )?night"
                            r"|hour by hour|by (?:the )?hour|hourly|over time|through the hours)\b", I)


def _tracked_index(text: str, scope: Scope) -> Query | None:
    """"does the snoring track the AHI?", "is the heart rate related to the apneas over the
    night?": a measure against an event index, hour by hour; else None. Events named
    without an index or "over the night" keep their own reading (the heart rate around the
    apneas)."""
    if not _CORRELATE_RE.search(text):
        return None
    m = _BETWEEN_PAIR_RE.search(text) or _WITH_PAIR_RE.search(text)
    if m is None:
        return None
    for measured, counted in ((m.group(1), m.group(2)), (m.group(2), m.group(1))):
        counted = _OVER_NIGHT_RE.sub(" ", counted).strip()
        stat = _stat(counted)
        phen = find_phenomenon(counted)
        if not names_measure(measured) or names_measure(counted) and stat is None:
            continue
        # ("does the snoring track the apneas?": to track is to follow over the night)
        if stat in INDEX_STATS or (phen is not None and phen.event_types and (
                _OVER_NIGHT_RE.search(text) or re.search(r"\btrack\w*\b", text, I))):
            return Query(Intent.BREAKDOWN, text, phen.key if phen and stat not in INDEX_STATS else None,
                         scope=scope, by="correlation", measure=measured.strip(),
                         stat=stat if stat in INDEX_STATS else None, by_rule=True)
    return None


# "did the apnea get worse toward morning?", "as the night went on": a trend over the hours.
_TREND_RE = re.compile(r"\b(?:worse|better|more|less|fewer|louder|quieter|higher|lower|deeper"
                       r"|longer|shorter|frequent)\b.{0,40}\b(?:towards? (?:the )?(?:morning|end of"
                       r" the night|dawn)|as the night (?:went|wore|goes|wears|progressed) on"
                       r"|later in the night|in the later hours)\b", I)
# "is the breathing worse on the back?": worse breathing is more events, not a faster rate.
_WORSE_BREATHING_RE = re.compile(r"\b(?:breathing|respiration|apnea)\b.{0,20}\b(?:worse|better|more"
                                 r" disturbed|less disturbed|more disrupted)\b|\b(?:worse|better)"
                                 r" (?:breathing|respiration)\b"
                                 # "how does the breathing change by position?", "breathing by stage":
                                 # the breathing a technician splits is its events' index, not its rate
                                 r"|^\W*(?:(?:how|what) (?:does|did|do|is|was) )?(?:the |her |his |their )?(?:breathing"
                                 r"|sleep apn(?:o)?ea|apn(?:o)?eas?)(?: (?:change|differ|vary|look|compare))?"
                                 r" (?:by|with|across|per|in each) (?:body )?(?:position|posture|stage)s?\W*$", I)
_EVENT_DURATION_RE = re.compile(r"\b(?:average|mean|median|typical)\s+(?:[\w-]+\s+){0,2}(?:duration|length)"
                                r"s?\b"
                                r"|\bhow long (?:were|are|did|do) (?:the |these |those |they )?", I)
# "what is the spindle frequency?" asks for a measurement of the night, not a definition.
_PROPERTY_RE = re.compile(r"\b(?:frequenc\w*|densit\w*|rate|count|number|durations?|lengths?"
                          r"|amplitudes?|depths?|total)\s*\??\s*$", I)
_ONE_PERIOD_RE = re.compile(r"\b(?:first|last|final|longest|shortest)\b.{0,30}\b(?:period|episode"
                            r"|bout|run|stretch|block)\b", I)
_CUT_OFF_RE = re.compile(r"\b(?P<who>adults?|p(?:a)?ediatric|child(?:ren)?|kids?)(?:'s|s')? (?:ahi |apnea |sleep apnea"
                         r" |breathing )?(?:cut[- ]?offs?|thresholds?|limits?|criteri(?:on|a)|rules?|scales?)\b"
                         # "would this be OSA in an adult?": the index on that age's scale
                         r"|\b(?:would|will|is|does)\b.*\b(?:osa|sleep apnea|apnea)\b.*\b(?:in|for|as) (?:an? )?(?P<as>adults?"
                         r"|child|kid)\b", I)
_SLEEP_NEED_RE = re.compile(r"\bhow (?:much sleep|many hours(?: of sleep)?) (?:does|do|should|would|must)"
                            r" (?:\w+[- ]?){1,5}(?:need|get|sleep)\b|\bhow long (?:should|must|would|ought)"
                            r" (?:\w+[- ]?){1,5}sleep\b|\bhow much sleep is (?:recommended|needed|enough)\b"
                            r"|\brecommended (?:amount of )?sleep\b", I)
"""How much sleep a person needs ("how much sleep does a child this age need?")."""
_NEEDS = (r"(?:what (?:channels?|sensors?|signals?|leads?|data|recording|else)?\s*(?:do|would|does|did) (?:you|i|we|it"
          r"|one|the (?:app|scorer|machine))\s+(?:need|require)|what (?:is|are) (?:needed|required))")
_NEEDS_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?{_NEEDS}\s+(?:to|for)\s+(?:score|scoring|detect|detecting|find|finding"
                       r"|count|counting|measure|measuring|see|seeing)\s+(?P<what>.+?)\W*$", I)
"""The channel needed to score a kind of event ("what do you need to score apneas?")."""
_RESTAGE_RE = re.compile(r"^\W*(?:(?:can|could) you\s+|please\s+|now\s+)*(?:re-?stage|stage|score the stages of|re-?score)"
                         r"(?: (?:it|this|this night|the night|the recording|the sleep|sleep))?(?: again)? (?:with|using|on|from)"
                         r" (?:the )?(?!(?:model|yasa|machine|hmm|rules?)\b)(?P<lead>(?:an?)?other|different|second"
                         r"|(?:eeg )?[a-z]{1,3}\d?(?:[- ]?[a-z]{1,2}\d?)?)"
                         r"(?: (?:eeg )?(?:channel|lead|derivation|electrode))?(?: instead)?(?:,? please)?\W*$", I)
"""The night staged again on another EEG lead ("stage it using Pz-Oz")."""
_ABOUT_MODEL_RE = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:(?:what|which) model (?:is (?:this|it|that|running|used|loaded)|are you(?: using)?|do you use"
    r"|is behind (?:this|the answers|you))|(?:what|which) (?:is|'s) (?:the|this|your) model|tell me about (?:the|this|your)"
    r" model|(?:what|which) (?:ai|language model|neural network|network) (?:is this|are you|do you use)"
    r"|how (?:was|is|were) (?:it|the model|the network|sleeplm\S*|this model|you) trained|what (?:data|nights?|recordings?)"
    r" (?:was|were|is) (?:it|the model|sleeplm\S*|this model|you) trained (?:on|with)|how (?:accurate|good|reliable|well)"
    r" (?:is|was|does) (?:it|the model|sleeplm\S*|this model)(?: do| work| perform)? on real (?:data|nights?|recordings?"
    r"|psg|patients)|what(?:'s| is) (?:its|the model's|sleeplm\S*'s) (?:kappa|κ|accuracy|f1)(?: on (?:sc4001|real"
    r" (?:data|nights?)))?|has (?:the model|it) been (?:validated|tested|evaluated))\W*$", I)
"""The model in use and how far it has been checked ("what model is this?")."""
_STAGING_NEEDS_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?{_NEEDS}\s+(?:to|for)\s+(?:(?:score|scoring)\s+(?:the\s+)?(?:sleep\s+)?"
                               r"stages|stag(?:e|ing)(?:\s+(?:sleep|it|this(?: night)?|the night))?|sleep staging)\W*$"
                               r"|^\W*what (?:channels?|sensors?|signals?|leads?) (?:do|would|does) (?:you|i|we|it|one)"
                               r" need for (?:sleep )?staging\W*$", I)
"""The channels staging needs ("what do you need to stage sleep?")."""
_NEEDS_ALONE_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?{_NEEDS}(?:\s+(?:to|for)\s+(?:score|scoring|detect|find|count|"
                             r"see)\s+(?:them|it|those|these))?\W*$", I)
"""The same asked as a follow-up ("what would you need?")."""
_TREND_ALONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:is|was) there (?:a|any) (?:clear |real |significant |steady )?"
                             r"(?:trend|drift|pattern)|(?:does|did) it (?:trend|drift)(?: (?:up|down))?|any (?:trend|drift))"
                             r"(?: (?:in it|over the night|across the night|through the night))?\W*$", I)
"""A follow-up asking whether the measure just shown drifts over the night ("is there a trend?")."""
_BACK_ASLEEP_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how long (?:until|till|before|did it take)|when|at what time|what time)"
                             r"\b.{0,30}\b(?:fell|fall|falls|falling|got|get|went|go|going) back (?:to )?(?:sleep|asleep)"
                             r"\W*$", I)
"""When an awakening ended ("how long until she fell back asleep?")."""
_BY_TYPE_ALONE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:and )?by (?:type|kind)|(?:what|which) (?:types?|kinds?|sorts?)"
                               r"(?: (?:were|are|was|is) (?:they|these|those|it|that|there))?|how many of each(?: type| kind)?)\W*$", I)
"""A follow-up asking for the last list's events by type ("by type?", "what types were they?")."""
_UNSURE = r"(?:least (?:certain|sure|confident|reliable)|most (?:uncertain|unsure|doubtful)|(?:un(?:certain|sure)))"
_UNSURE_WHERE = r"(?:where|when|which (?:part|parts|epochs?|stretch(?:es)?|sections?|bits?|periods?|hours?))"
_WHERE_UNSURE_RE = re.compile(rf"\b{_UNSURE_WHERE}\b.{{0,40}}\b{_UNSURE}\b", I)
"""Where the machine staging is least sure ("where is the staging least certain?")."""
_STAGE_UNSURE_RE = re.compile(rf"\b(?:which|what) stages?\b.{{0,40}}\b{_UNSURE}\b", I)
"""The stage the machine staging is least sure of ("which stage is YASA least sure about?")."""
_WHERE_UNSURE_ALONE_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?{_UNSURE_WHERE} (?:is|are|was|were|did|does) (?:it|they|that"
                                    rf"|you|the (?:staging|stages|hypnogram|scoring|machine(?: staging)?|yasa|stager))?\s*"
                                    rf"(?:the )?{_UNSURE}(?: about| of)?(?: (?:it|the staging|the stages))?\W*$"
                                    # "show me the most uncertain one"
                                    rf"|^\W*(?:and\s+|so\s+)?(?:show|take|find|give) (?:me )?(?:to )?the {_UNSURE}"
                                    rf" (?:ones|epochs|parts?|stretch(?:es)?|bits?|sections?)\W*$", I)
"""The same asked alone, as a follow-up ("which part is least certain?")."""
_WHO_RIGHT_THERE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:who|which(?: one| staging| stager)?)(?:'s| is| was)"
                                 r" (?:right|correct) (?:there|here|then|in (?:that|this) (?:one|epoch|stretch))\W*$", I)
"""Which staging is right at the stretch on screen ("who is right there?")."""
_BIGGEST_DISAGREEMENT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:show me|zoom (?:in )?(?:on|to|into)|go to|take me to"
                                      r"|where(?:'s| is)) the (?:biggest|longest|largest|worst|main) disagreement\W*$", I)
"""The longest stretch two stagings disagree on, the first such listed ("show me the biggest disagreement")."""
_HUMAN_WOULD_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:what|which stage|how) (?:would|will|might|do you think|does)"
                             r" (?:an? |the )?(?:human|person|technician|tech|technologist|scorer|expert|sleep (?:tech\w*|expert)"
                             r"|doctor|clinician|rpsgt)s?(?: scorer)?(?: (?:have|would))? (?:score|call|stage|label|mark|say|think|read)"
                             r"(?: (?:it|this|that|this one|that one|this epoch|that epoch)(?: as)?)?\W*$", I)
"""What a human scorer would call the epoch in view ("what would a human score it?")."""
_LEAST_SURE_ONE_RE = re.compile(rf"^\W*(?:and\s+|so\s+)?(?:(?:show|take|find|give) (?:me )?(?:to )?the {_UNSURE}"
                                rf" (?:one|epoch)|(?:which|what) (?:single )?epoch (?:is|was|are you|were you) (?:the )?"
                                rf"{_UNSURE}(?: (?:about|of))?)\W*$", I)
"""The one epoch the machine staging is least sure of ("show me the most uncertain one")."""
_SURE_WORD = (r"(?:(?:least|most) (?:certain|sure|confident|reliable)|most (?:uncertain|unsure|doubtful)"
              r"|surest|(?:un(?:certain|sure)))")
_SURE_STAGE = r"(?:n[123]|rem|wake|w|deep(?: sleep)?|slow[- ]wave(?: sleep)?)"
_SURE_STAGE_EPOCH_RE = re.compile(
    rf"^\W*(?:and\s+|so\s+)?(?:(?:show|take|find|give) (?:me )?(?:to )?)?(?:the |an? )?(?:{_SURE_WORD} {_SURE_STAGE}"
    rf"(?: (?:epoch|one))?|{_SURE_WORD} (?:epoch|one) (?:in|of|among) (?:the )?{_SURE_STAGE}(?: epochs)?)\W*$"
    rf"|^\W*(?:and\s+|so\s+)?(?:which|what) {_SURE_STAGE} epoch (?:is|was|are you|were you)(?: the (?:staging|stager|machine)"
    rf"| yasa)? (?:the )?{_SURE_WORD}(?: (?:about|of))?\W*$", I)
"""The one epoch of a stage the machine staging is least (or most) sure of ("least certain N1",
"the most confident REM epoch")."""
_CONFIDENCE_WORD = r"(?:confiden\w*|sure|certain\w*|probabilit\w*)"
_BELOW_VALUE = r"(?:below|under|less than|lower than|beneath|<)\s*(?:a |an )?(?:probability (?:of )?)?(0?\.\d+|\d{1,2}(?:\.\d+)?\s*%)"
_UNSURE_BELOW_RE = re.compile(
    rf"\b(?:epochs?|stag\w*|stretch\w*|yasa|machine|hypnogram|parts?)\b.{{0,40}}(?:\b{_CONFIDENCE_WORD}\b.{{0,25}}"
    rf"\b{_BELOW_VALUE}|\b{_BELOW_VALUE}\s*(?:%\s*)?{_CONFIDENCE_WORD})", I)
"""Epochs whose machine staging is under a probability the question sets ("epochs with staging
confidence below 0.5", "which epochs is YASA under 50 % sure of")."""
_UNSURE_STRETCH_RE = re.compile(r"\b(?:uncertain|unsure|doubtful|low[- ]confidence)\s+(?:stretch\w*|epochs?|parts?"
                                r"|periods?|stag\w*)\b", I)
"""The machine staging's uncertain stretches named ("uncertain stretches in REM")."""
_SURE_STAGE_NAMES = {"d": "N3", "s": "N3", "w": "W"}
"""A stage word's first letter -> its stage, for the words that do not spell it ("deep", "wake")."""


def _sure_stage(text: str) -> str:
    """The stage a question on the staging's doubt names, by :data:`_SURE_STAGE` ("deep" -> N3)."""
    word = re.search(rf"\b{_SURE_STAGE}\b", text, I).group(0).lower()
    return _SURE_STAGE_NAMES.get(word[0], word.upper())


_SURE_OF_STAGE_RE = re.compile(
    rf"^\W*(?:and\s+|so\s+)?(?:how (?:sure|certain|confident) (?:are you|is (?:the )?(?:staging|stager|yasa|machine|it))"
    rf" (?:about|of|in|with) (?:the )?{_SURE_STAGE}|{_SURE_STAGE} (?:staging )?(?:confidence|certainty)|(?:staging )?"
    rf"(?:confidence|certainty) (?:in|of|for|on) (?:the )?{_SURE_STAGE}(?: epochs)?)\W*$", I)
"""How sure the machine staging is of one stage ("how sure are you about N3?", "N1 confidence?")."""
_AROUSAL_CAUSE_RE = re.compile(r"\b(?:associated|related|linked|tied|caused|triggered|trigger"
                               r"|followed|following|due to|because of|caus\w*|respiratory arousals?"
                               r"|spontaneous)\b", I)
# "T90", "CT88": the time with SpO2 under that saturation, in the words the rules read.
_T_SPO2_RE = re.compile(r"\bc?t ?(8\d|9\d)\b(?!\s*(?:%|min|s\b|sec|bpm))", I)
_EPOCH_SHARE_RE = re.compile(r"\b(?:(?:what|which)\s+(?:percent(?:age)?|fraction|share|proportion|part)"
                             r"\s+of\s+(?:the\s+)?|how many\s+)(?:\w+\s+)?epochs\s+(?:had|have|has|with"
                             r"|contain\w*|show\w*|held|hold)\b", I)
# "what's the alpha peak frequency?", "the dominant frequency in N2", "the aperiodic slope":
# the EEG's spectrum per stage (not a scored event's frequency: "spindle frequency").
_PRONOUN_PROPERTY_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was| were) the )?(?:mean|median"
                                  r"|average|typical) (?:duration|length)s?(?: of (?:them|those|these))?\W*$"
                                  r"|^\W*(?:and\s+|so\s+)?how long (?:were|are|did) (?:they|those|these)(?: last)?"
                                  r"(?: on average)?\W*$"
                                  r"|^\W*(?:and\s+|so\s+)?(?:what|which) (?:frequenc(?:y|ies)|amplitudes?"
                                  r"|size) (?:were|was|are|is|did) (?:they|those|these|it|them)(?: have)?"
                                  r"\W*$|^\W*(?:and\s+|so\s+)?how (?:fast|big|large|tall) (?:were|are)"
                                  r" (?:they|those|these|them)\W*$", I)
_TREND_FOLLOWUP_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:does|did|do|is|was|are|were) (?:it|they|that|this"
                                r"|those|these) (?:\w+\s+)?(?:declin\w*|decreas\w*|increas\w*|chang\w*"
                                r"|drop\w*|fall\w*|ris(?:e|es|ing)|fad\w*|grow\w*|go(?:es)? (?:up|down)"
                                r"|get (?:smaller|bigger|worse|better|fewer|more))(?: (?:across|over"
                                r"|through(?:out)?|during) the (?:course of the )?night| as the night"
                                r" (?:goes|went|wore) on| towards? (?:the )?morning| later)?\W*$", I)
_PEAK_FREQ_RE = re.compile(r"\b(?:peak|dominant|predominant|main|prevailing|strongest)\s+(?:(?:eeg"
                           r"|brain|alpha|theta|sigma|delta|beta)\s+)?(?:frequenc(?:y|ies)|rhythms?"
                           r"|oscillations?)\b|\bindividual alpha(?: peak)? frequency\b|\biaf\b"
                           r"|\b(?:alpha|theta|sigma|delta|beta)(?: peak)? frequency\b|\bwhat"
                           r" frequenc(?:y|ies)\b|\bat what frequency\b", I)
_NREM_PERIOD_RE = re.compile(r"\b(?:nrem|non[- ]?rem)\b(?!\s*[- ]?rem)", I)
_PDR_RE = re.compile(r"\bposterior (?:dominant |basic |background )?rhythm\b|\bpdr\b|\boccipital (?:alpha|rhythm)\b"
                     r"|\b(?:background|waking) (?:eeg )?rhythm\b", I)
_COUPLING_RE = re.compile(r"\b(?:slow[- ]?(?:oscillations?|waves?)|sos?|sws?)\b[ -]?(?:to |and |with |-)?(?:spindles?"
                          r"|sigma)\b.{0,15}\b(?:coupl\w*|phase|nest\w*|lock\w*|synchron\w*)"
                          r"|\b(?:coupl\w*|phase[- ]amplitude|phase[- ]lock\w*)\b.{0,40}\b(?:spindles?|sigma)\b"
                          r"|\b(?:spindles?|sigma)\b.{0,40}\b(?:coupl\w*|phase[- ]lock\w*|nested|rid(?:e|es|ing))\b.{0,30}"
                          r"\b(?:slow[- ]?(?:oscillations?|waves?)|sos?|up[- ]?states?)\b"
                          r"|\bphase[- ]amplitude coupling\b|\bpac\b"
                          # "is there a relationship between spindles and slow waves?"
                          r"|\b(?:relationship|relation|link|connection|association|interplay|interaction|tie)s?"
                          r" (?:between|of) (?:the )?(?:(?:spindles?|sigma) and (?:the )?(?:slow[- ]?(?:oscillations?|waves?)"
                          r"|sos?)|(?:slow[- ]?(?:oscillations?|waves?)|sos?) and (?:the )?(?:spindles?|sigma))\b"
                          # "what is the phase of spindles relative to slow oscillations?"
                          r"|\b(?:phase|timing)\b.{0,30}\b(?:spindles?|sigma)\b.{0,40}\b(?:slow[- ]?(?:oscillations?|waves?)"
                          r"|sos?|up[- ]?states?)\b", I)
_LEAD = r"(?:c[34z]|f[34z]|fp[12z]|o[12z]|p[34z]|t[3-6])(?:[- ](?:m[12]|a[12]|cz|oz))?"
_ONE_LEAD_RE = re.compile(rf"\b(?:on|at|in|from|over|using) (?:the )?(?:eeg )?({_LEAD})\b(?: (?:channel|lead|derivation))?", I)
"""One EEG lead named for a detector to read ("spindles on Pz-Oz")."""
_COMPARE_LEADS_RE = re.compile(
    rf"\b(?:compare|comparison of|contrast|differences? between|how do|how does)\s+(?:the\s+)?(?:eeg\s+)?(?:{_LEAD})\s*"
    rf"(?:and|vs\.?|versus|with|to|against)\s*(?:the\s+)?(?:eeg\s+)?(?:{_LEAD})\b"
    r"|\b(?:compare|comparison of|contrast|differences? between)\s+(?:the\s+)?(?:two|both|all(?: the)?|the different"
    r"|each of the|my|its|her|his)?\s*(?:eeg\s+)?(?:leads|channels|derivations|electrodes)\b(?!.*\b(?:ecg|eog|emg|noise|noisy))"
    r"|\b(?:eeg\s+)?(?:leads|channels|derivations) (?:compared|side by side)\b"
    r"|^\W*(?:how )?(?:do|does) (?:the )?(?:two|both) (?:eeg )?(?:leads|channels|derivations) (?:differ|compare)\b", I)
"""Two EEG leads set side by side ("compare Fpz-Cz and Pz-Oz", "compare the two EEG leads")."""
_PER_CHANNEL_RE = re.compile(r"\b(?:on|in|per|for|by|across|over|at) (?:each|every|all|both|all the|the different"
                             r"|individual|the two|the other|other) (?:eeg )?(?:channels?|leads?|derivations?|electrodes?"
                             r"|eeg)\b|\b(?:per|by)[- ](?:eeg[- ])?(?:channel|lead|derivation|electrode)\b"
                             r"|\b(?:channel|lead)[- ]by[- ](?:channel|lead)\b|\bwhich (?:eeg )?(?:channel|lead|derivation)"
                             r"\b.{0,30}\b(?:most|more|fewest|least|bigger|largest|higher|highest)\b"
                             # "spindle density on C3 vs C4", "slow waves at Fz and Cz": two leads named
                             rf"|\b(?:on|at|in) (?:{_LEAD})\s*(?:vs\.?|versus|and|or|against|compared (?:to|with))\s*(?:{_LEAD})\b", I)
_SLOPE_RE = re.compile(r"\b(?:aperiodic|1/f|spectral|background|power[- ]law) (?:slope|exponent"
                       r"|component|background)\b|\b1/f\b", I)
_BAND_WORD_RE = re.compile(r"\b(delta|theta|alpha|sigma|beta)\b", I)
_BUSIEST_EPOCH_RE = re.compile(r"\b(?:epochs?|30[- ]?s(?:econds?)? (?:epochs?|windows?|stretch\w*))\s+"
                               r"(?:with|had|has|have|holds?|held|contains?|containing|holding)\s+"
                               r"(?:the\s+)?most\b|\bmost \w+(?: \w+)? (?:in|per) (?:an?|one|a single)"
                               r" epoch\b", I)
# "the worst 10 minutes", "which 15-minute stretch had the most apneas?"
_MINUTES = r"(\d{1,3}|five|ten|fifteen|twenty|thirty|forty|sixty)[- ]?min(?:ute)?s?\b"
_BUSIEST_WINDOW_RE = re.compile(rf"\b(?:worst|busiest|most (?:active|eventful|disturbed))\s+{_MINUTES}"
                                rf"|\b(?:which|what)\s+{_MINUTES}(?:\s+\w+)?\s+(?:had|has|have|held|with)"
                                r"\s+(?:the\s+)?(?:most|worst)\b"
                                # "the worst cluster of events": a stretch of CLUSTER_MIN minutes
                                r"|\b(?:worst|busiest|densest|biggest|largest|heaviest|longest)\s+"
                                r"(?:cluster|burst|run|string|series|flurry)\s+of\b"
                                # "the worst stretch of breathing": its events' densest stretch
                                r"|\b(?:worst|busiest|most disturbed)\s+(?:stretch|period|patch|spell|bit|section"
                                r"|part|window)\s+(?:of|for)\s+(?=(?:the\s+|her\s+|his\s+|their\s+)?(?:breathing"
                                r"|respiration|oxygen|spo2|saturation|sats|apn|hypopn|desat|arousal|events))"
                                # "where do the central apneas cluster?"
                                r"|^\W*(?:and\s+|so\s+)?(?:where|when) (?:do|did|does|are|were|is|was)\b.{1,50}?"
                                r"\b(?:cluster(?:s|ed|ing)?|bunch(?:es|ed)? up)\b", I)
CLUSTER_MIN = 10
# "are the apneas clustered?", "do the arousals come in clusters?": yes or no, asked of the whole
# night; "clustered in REM" or "in the second half" names where, and is the split's question
_ARE_CLUSTERED_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:are|were|is|was|do|did|does)\b.{1,60}?\b(?:clustered"
                               r"|clustering|bunched|grouped|cluster|bunch|group|come in (?:clusters|bursts|groups|runs)"
                               r"|occur in (?:clusters|bursts|groups|runs)|in (?:clusters|bursts))(?: up| together)?"
                               r"(?: at all| in time| over the night)?\W*$", I)
"""Minutes of the stretch a cluster of events is looked for in, when no length is named."""
# "how stable was N2?", "was REM consolidated?": a stage's bouts, as its fragmentation.
_STABLE_RE = re.compile(r"\b(?:stab(?:le|ility)|consolidat\w*|continuous|unbroken)\b", I)
_WHICH_STAGE_STABLE_RE = re.compile(r"\b(?:which|what) (?:sleep )?stage\b.*\b(?:least|most) (?:stable|fragment\w*"
                                    r"|consolidated|continuous|broken(?: up)?|interrupted)\b|\bstage stability\b", I)
# "how long did N2 runs last on average?": the stage's bouts
_BOUTS_RE = re.compile(r"\b(?:runs?|bouts?)\b.*\b(?:average|mean|typical|long|length|last)\b"
                       r"|\b(?:average|mean|typical|how long)\b.*\b(?:runs?|bouts?)\b", I)
_FRAGMENTED_RE = re.compile(r"\b(?:fragment\w*|interrupt\w*|broken(?: up)?|disrupt\w*)\b", I)
_WORST_SIGNAL_RE = re.compile(r"\b(?:oxygen|spo2|saturation|breathing|respiration)\b", I)
_TENS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "sixty": 60}
_WHY_PEOPLE_HAVE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why (?:do|does|would|are|is) (?:kids|children|a child|babies"
                                 r"|infants|teens|teenagers|adolescents|young (?:people|adults)|adults|older (?:people"
                                 r"|adults)|the elderly|elderly people|old people|men|women) (?:have|get|show|need|spend)"
                                 r" (?:so )?(?:more|less|much more|much less|a lot more|a lot of|so much|so little|little"
                                 r"|longer|shorter)? ?(?:time in )?(?P<what>[\w -]+?)\W*$", I)
ONSET_SIDE_SEC = 1800.0
"""How long each side of sleep onset a signal's change there is read over (s)."""
_FELL_ASLEEP = (r"(?:(?:she|he|they|the patient|the person|the child) (?:fell|falls|fall|drifted|drifts|went|goes|go)"
                r" (?:asleep|off|to sleep)|falling asleep|sleep onset|sleep began|sleep started)")
_ONSET_CHANGE_RE = re.compile(r"^(?=.*\b(?:drop\w*(?! off)|f[ae]ll\w*(?! (?:back )?(?:asleep|to sleep))|decreas\w*"
                              r"|declin\w*|ris(?:e|es|ing)|rose|go(?:es)? (?:up|down)|went (?:up|down)|increas\w*"
                              r"|chang\w*|differ\w*|lower|higher|slow\w*|speed\w*|happen\w*|do|does)\b)"
                              rf"(?=.*\b(?:when|as|once|after|at|with) {_FELL_ASLEEP}\b"
                              rf"|.*\bbefore (?:and|vs\.?|versus) after {_FELL_ASLEEP}\b).*$"
                              rf"|^.*\bbefore (?:and|vs\.?|versus) after {_FELL_ASLEEP}\b.*$", I)
"""A signal's change at sleep onset ("did the temperature drop when she fell asleep?")."""
# sleep first: "did it drop when she fell asleep?" asks whether sleep's side is lower
_ONSET_SIDES = (Scope(time=TimeSpan("elapsed", 0.0, ONSET_SIDE_SEC, f"the first {ONSET_SIDE_SEC / 60:g} min of sleep",
                                    TimeSpan("after_onset", 0.0, None, "sleep"))),
                Scope(time=TimeSpan("from_end", ONSET_SIDE_SEC, 0.0,
                                    f"the time before sleep onset (up to {ONSET_SIDE_SEC / 60:g} min)",
                                    TimeSpan("before_onset", 0.0, None, "before sleep onset"))))
_WHY_OXYGEN_DROPS_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why (?:does|did|do) (?:the |her |his |their )?(?:oxygen"
                                  r"|spo2|saturation|sats?|o2)(?: level| levels| saturation)? (?:drop|fall|go down|dip"
                                  r"|decrease)(?: (?:then|there|afterwards|after it|after that|after them))?\W*$", I)
_AWAKE_BESIDE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:was|were) (?:she|he|they|the patient|the person)(?: still)? awake"
                              r"(?: (?:just|right|immediately|straight))? (?P<side>before|after)(?: (?:it|that|this"
                              r"|that one|this one))?\W*$", I)
_IT_BESIDE_KIND_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:was|did|does|is) (?:it|that|this)(?: one)?(?: (?:come|happen|start"
                                r"|occur|begin))?(?: (?:right|just|straight|soon))? (?P<side>after|before|follow|precede)"
                                r" (?:an? |any |the )?(?P<kind>[a-z][\w -]*?)\W*$", I)
_WHEN_MOST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:when|where|at what time)(?: (?:in|during|of) the night)? (?:do|did|are"
                           r"|were) (?:the |her |his |their )?(?P<kind>[\w -]+?) (?:(?:happen|occur|appear|show up|cluster"
                           r"|come)(?: up)? (?:the )?most(?: often)?|most (?:common|frequent|often seen|numerous))\W*$", I)
_EXTREME_EPOCH_RE = re.compile(r"\b(?:which|what) (?:epochs?|moments?|times?|minutes?)\b"
                               r"|^\s*(?:when|where)\b|\bat what time\b|\b(?:find|show|list|give)"
                               r" (?:me )?(?:the )?(?:\d+ |five |ten )?epochs? with\b", I)
_AFTER_ONSET_RE = re.compile(r"\bhow (?:long|soon|many minutes|much time) after (?:falling asleep|sleep"
                             r" onset|(?:she|he|they|the patient|the person) fell asleep)\b", I)
_BURSTS = ("spindle", "slow_waves", "k_complex")
_BURST_CONTRAST_RE = re.compile(r"\b(?:faster|slower|bigger|larger|smaller|taller|higher|lower)\b", I)
_EVENT_CONTRAST_RE = re.compile(r"\b(?:longer|shorter|more|fewer|less)\b(?!\s+than\b)", I)


def _other_part(scope: Scope) -> Scope | None:
    """What one part of the night is set against when no other is named: the other half,
    the other NREM stage that holds spindles and slow waves; None for anything else."""
    time = scope.time
    if time is not None and not scope.stages and time.kind == "fraction" and time.within is None:
        if (time.start, time.end) == (0.5, 1.0):
            return Scope(time=TimeSpan("fraction", 0.0, 0.5, "the first half"))
        if (time.start, time.end) == (0.0, 0.5):
            return Scope(time=TimeSpan("fraction", 0.5, 1.0, "the second half"))
    if time is None and scope.stages in (("N2",), ("N3",)):
        return Scope(("N3",) if scope.stages == ("N2",) else ("N2",))
    return None


def _signal_other(scope: Scope) -> Scope | None:
    """What a signal in one part of the night is set against when no other part is named:
    the other half, wake for sleep and sleep for wake; None for anything else (a stage is
    read against the rest of sleep, by stage)."""
    if scope.time is not None:
        return _other_part(scope)
    if scope.stages == _SLEEP_WORDS[1]:
        return Scope(("W",))
    return Scope(_SLEEP_WORDS[1]) if scope.stages == ("W",) else None


# "was the temperature high during REM?": a yes or no on a signal's level in a scope
_LEVEL_ASK_RE = re.compile(r"^\W*(?:and\s+)?(?:is|was|were|are|did|does|do)\b.*\b(?:high|low|elevated|raised"
                           r"|reduced)\b", I)


_AMPLITUDE_ASK_RE = re.compile(r"\b(?:amplitudes?|big|bigger|large|larger|tall|taller|high|size"
                               r"|µv|uv|microvolts?)\b", I)
_AMPLITUDE_FLOOR_RE = re.compile(r"\b(?:over|above|at least|more than|exceeding|bigger than"
                                 r"|larger than|greater than)\s+(\d{2,3})\s*(?:µv|uv|microvolts?)\b"
                                 r"|(?<![\w.])>=?\s*(\d{2,3})\s*(?:µv|uv)\b", I)
_DEPTH_WORDS_RE = re.compile(r"\b(?:depths?|how deep|nadirs?|how (?:far|low|much) did)\b", I)


def _amplitude_floor(text: str) -> float | None:
    """The smallest peak-to-peak amplitude in µV a question asks for ("over 100 µV"), else None."""
    floor = _AMPLITUDE_FLOOR_RE.search(text)
    return float(floor.group(1) or floor.group(2)) if floor else None


_HIGH_RE = re.compile(r"\b(?:high|higher|most|strong|strongest|large|largest|lots of)\b", I)
_LOW_RE = re.compile(r"\b(?:low|lower|least|weak|weakest|small|smallest|little)\b", I)


def _extreme(text: str) -> str | None:
    """"highest" or "lowest" for a question after a measure's extreme epochs, else None."""
    rank = _rank(text)
    if rank in ("highest", "lowest"):
        return rank
    return "highest" if _HIGH_RE.search(text) else "lowest" if _LOW_RE.search(text) else None
# "how often did he turn over?", "position changes", "did she move around much?"
_POSITION_CHANGE_RE = re.compile(
    r"\b(?:chang\w*|shift\w*|switch\w*) (?:(?:of|in|their|his|her|the|body|sleeping|sleep)\s+)*"
    r"(?:position|posture)s?\b|\b(?:position(?:al)?|posture|body[- ]position) (?:changes?|shifts?"
    r"|switch\w*)\b|\b(?:turn(?:s|ed|ing)?|roll(?:s|ed|ing)?) (?:over|around)\b"
    r"|\bhow (?:often|many times) did (?:they|he|she|the patient|the person|the sleeper|pt)"
    r" (?:turn|roll|move around)\b|\bmove around (?:much|a lot)\b", I)
_POSITION_WHEN_RE = re.compile(r"^\s*(?:when|at what times?|what times?|during which|which"
                               r" periods?|show(?: me)?(?: the)? (?:periods?|times?)|list the (?:periods"
                               r"|times))\b", I)


# "how many transitions from N2 to wake?", "REM-to-wake transitions", "what stage usually
# followed REM?", "how did she enter REM?", "the stage transition matrix": stage changes
# between named stages, not the count of all shifts.
_STAGE_NAME = (r"(?:rem(?: sleep)?|nrem|non[- ]?rem|n[123]|stage\s*(?:[123]|one|two|three|w)"
               r"|wake(?:fulness)?|awake|deep(?: sleep)?|light(?: sleep)?|slow[- ]wave sleep|sws|sleep)")
_TRANSITION_RES = (
    re.compile(rf"\b(?:transitions?|transitioned|switch\w*|shift\w*|chang\w*|w[ea]nt|go(?:es)?"
               rf"|going|gone|mov\w*|pass\w*|jump\w*|dropp?\w*|fell|fall\w*|progress\w*|times?)"
               rf"\b[^?.]{{0,40}}?\bfrom (?P<a>{_STAGE_NAME}) (?:straight |directly )?(?:in)?to"
               rf" (?P<b>{_STAGE_NAME})\b", I),
    # "how often did N2 go to wake?"
    re.compile(rf"\b(?:did|does|do)\s+(?P<a>{_STAGE_NAME})(?: sleep)?\s+(?:go|switch|change|turn|move|transition|shift"
               rf"|pass|jump)\w*\s+(?:straight |directly )?(?:in)?to\s+(?P<b>{_STAGE_NAME})\b", I),
    re.compile(rf"\b(?P<a>{_STAGE_NAME}|w)\s*(?:-?to-?|→|->|>)\s*(?P<b>{_STAGE_NAME}|w)\s+(?:stage\s+)?"
               rf"(?:transitions?|shifts?|changes?|switch\w*)\b", I),
    # "how many times rem to wake", "how often N2 -> W?": a technician's terse form
    re.compile(rf"\b(?:how many|how often|number of|count(?: of)?)\b(?: times?| transitions?)?[^?.]{{0,20}}?"
               rf"\b(?P<a>{_STAGE_NAME}|w)\s*(?:-?to-?|→|->|>)\s*(?P<b>{_STAGE_NAME}|w)\b", I),
    re.compile(rf"\b(?:what|which) (?:sleep )?stages? (?:\w+ ){{0,2}}?(?:followed|came after|comes"
               rf" after|follows?|came next after|were next after) (?P<a>{_STAGE_NAME})\b", I),
    re.compile(rf"\bwhat (?:did|does) (?:the )?(?P<a>{_STAGE_NAME})(?: periods?)? (?:\w+ )?(?:turn|change|go"
               rf"|lead|transition)\w* (?:in)?to\b", I),
    re.compile(rf"\b(?:what|which) (?:sleep )?stages? (?:\w+ ){{0,2}}?(?:preceded|precedes?|came"
               rf" before|comes before|led (?:in)?to|were before) (?P<b>{_STAGE_NAME})\b", I),
    re.compile(rf"\bhow (?:did|does|do) (?:the patient|the sleeper|the person|he|she|they|I|pt)"
               rf" (?:enter|get into|go into|reach|fall into) (?P<b>{_STAGE_NAME})\b", I),
    re.compile(r"\b(?:stage )?transitions? (?:matrix|probabilit\w*|table|counts?)\b"
               r"|\b(?:matrix|table) of (?:stage )?transitions\b"
               r"|\bwhich (?:stage )?transitions? (?:were|was|are|is) (?:the )?most (?:common|frequent)\b"
               # "what stage transitions happened most often?", "the most common stage change"
               r"|\b(?:what|which) (?:sleep )?stage (?:transitions?|changes?|shifts?)\b.{0,30}\bmost\b"
               r"|\b(?:most (?:common|frequent|usual)|commonest|usual) (?:sleep )?stage (?:transitions?"
               r"|changes?|shifts?)\b"
               # "what's the most common transition?": in a night's staging, a change of stage
               r"|\b(?:most (?:common|frequent|usual)|commonest) transitions?\b",
               I),
)
_SLEEP_STAGES = ("N1", "N2", "N3", "REM")


def _stages_named(phrase: str | None) -> tuple[str, ...]:
    """The stages one side of a transition names ("light sleep" -> N1, N2); () for any."""
    if not phrase:
        return ()
    if re.fullmatch(r"sleep", phrase, I):
        return _SLEEP_STAGES
    if re.fullmatch(r"(?:stage\s*)?w", phrase, I):
        return ("W",)
    return stage_term(phrase)


def transition_pair(text: str) -> str | None:
    """The stage transition a question asks about, as "FROM>TO" with comma-joined stages and
    an empty side for any stage ("REM>W", ">REM", ">" for the whole matrix); None when it
    asks about none."""
    for pattern in _TRANSITION_RES:
        if m := pattern.search(text):
            found = m.groupdict()
            return (",".join(_stages_named(found.get("a"))) + ">"
                    + ",".join(_stages_named(found.get("b"))))
    return None


def _position_periods(text: str) -> str | None:
    """The position names ("supine", "left,right") a "when was he on his back?" question asks
    for, else None; a question naming events or an index splits those instead."""
    if not _POSITION_WHEN_RE.search(text) or find_phenomenon(text) or _stat(text):
        return None
    return named_position(text)



# "what's the difference between a spindle and a K-complex?", "how do hypopneas differ from
# apneas?": both explained.
# "the worst part of the night for breathing", "zoom to the worst hour": the hour with the
# most of its events.
_WORST_PART_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was) |which (?:was |is )?|when (?:was|is) |(?:zoom|go"
                            r"|jump|take me|move|show(?: me)?)(?: (?:in|to|into|on|onto))* )?(?:the\s+)?"
                            r"(?:worst|hardest|most disturbed) (?:part|time|hour|stretch|period"
                            r"|portion)(?: of (?:the|this) night)?(?:\W*$|(?: for (?:the |her |his "
                            r"|their )?(breathing|respiration|oxygen|spo2|saturation)\b))", I)
# "when were they worst?", "when was the breathing worst?": the breathing's worst hour (the
# oxygen "at its worst" is its lowest stretch, read as a threshold)
_WHEN_WORST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:when|where) (?:was|were|is|are|did) (?:it|they|things|the "
                            r"(?:(breathing|respiration)|apneas?|events))"
                            r"(?: (?:at (?:its|their) )?worst| most severe| (?:get|become) (?:worst"
                            r"|worse))\W*$", I)
_WORST_PART_EVENTS = {"bre": "which hour had the most apneas and hypopneas",
                      "res": "which hour had the most apneas and hypopneas",
                      "oxy": "which hour had the most desaturations",
                      "spo": "which hour had the most desaturations",
                      "sat": "which hour had the most desaturations"}
# "which hour was worst?": the breathing's worst hour, as "the worst hour" is.
# "when was the snoring loudest?": the loudness signal's highest moment, not its stretches
_SNORING_LOUDEST_RE = re.compile(r"\b(snor\w*(?: was| were)?)\s+(?:at its\s+)?loudest\b", I)
_WHICH_WORST_RE = re.compile(r"^\W*(?:which|what) (?:hour|part|stretch|period|time)(?: of (?:the|this)"
                             r" night)? (?:was|is|were) (?:the )?(?:worst|hardest|most disturbed)\W*$", I)
# "is it positional OSA?", "is the OSA worse on the back?": the AHI by body position, a
# measurement (Cartwright's ratio), not a diagnosis.
_POSITIONAL_RE = re.compile(r"\bpositional (?:osa|obstructive sleep apn\w*|sleep apn\w*|apn\w*)\b"
                            r"|\b(?:osa|apn\w*|ahi|rei|breathing|events?|it|they)\b.{0,25}\bworse (?:on|when"
                            r" (?:on|lying on)|lying on) (?:the|their|his|her) backs?\b"
                            # "is it positional?" after the AHI: nothing else in a night is
                            r"|^\W*(?:and\s+|so\s+)?(?:is|was|are|were) (?:it|this|that|they|the (?:osa|apn\w*|ahi"
                            r"|rei|breathing|events?))\s+(?:(?:mostly|mainly|purely|really)\s+)?(?:positional"
                            r"|position[- ](?:dependent|related)|supine[- ](?:dependent|predominant|related|only))"
                            r"(?: (?:osa|apn\w*))?\W*$", I)
# the words that ask whether a condition a ratio defines holds, not only which way it goes
_RULE_WORD_RE = re.compile(r"\b(?:rem[- ](?:related|dependent|predominant|associated)|positional|position[- ]"
                           r"(?:dependent|related)|supine[- ](?:dependent|predominant|related|only))\b", I)
# "is it REM-related OSA?", "is the apnea worse in REM?": the AHI in REM against NREM, a
# measurement (the ratio the usual definition reads), not a diagnosis.
_REM_RELATED_RE = re.compile(r"\brem[- ](?:related|predominant|dependent|associated) (?:obstructive )?"
                             r"(?:sleep )?(?:osa|apn\w*)\b|\b(?:osa|apn\w*|ahi|breathing|events?)\b (?:is |was"
                             r" |were |are )?rem[- ](?:related|predominant|dependent)\b|^\W*(?:and\s+|so\s+)?(?:is|was|are"
                             # "is it REM-dependent?" after the AHI
                             r"|were) (?:it|this|that|they) (?:mostly |mainly )?rem[- ](?:related|predominant"
                             r"|dependent)\W*$|\b(?:osa|apn\w*|ahi|rei"
                             r"|breathing|events?|it|they)\b.{0,25}\bworse (?:in|during) rem(?: sleep)?\b", I)
# "did they sleep on their back?": the time in each position.
_SLEPT_ON_BACK_RE = re.compile(r"^\W*(?:did|do|does) (?:they|he|she|the patient|this person) sleep"
                               r" (?:on (?:their|his|her|the) back|supine)\b", I)
# "how long did she stay in bed after that?" after the final awakening: the wake after it
_IN_BED_AFTER_RE = re.compile(r"^\W*(?:and\s+)?how long (?:did|was|were) (?:she|he|they|the patient|the sleeper)"
                              r" (?:stay|lie|lay|remain|stay awake|awake|in bed)(?: awake)?(?: in bed)? after"
                              r" (?:that|it|waking(?: up)?|the (?:final|last) awakening)\W*$", I)
# "was there early morning awakening?": the wake after the final awakening.
_EARLY_AWAKENING_RE = re.compile(r"^.*\bearly(?:[- ]morning)? (?:morning )?(?:awakening|waking)s?\b.*$"
                                 # "how long was she in bed after waking up?": the same split
                                 r"|^.*\b(?:in bed|lying (?:in bed|awake)|awake) after (?:she |he |they |the"
                                 r" patient )?(?:woke(?: up)?|waking(?: up)?|the final awakening|her final"
                                 r" awakening|his final awakening)\b.*$", I)
# "slow-wave activity" is the EEG's delta power (0.5-4 Hz), not the slow-wave events.
_SWA_RE = re.compile(r"\bslow[- ]wave activity\b(?!.*\b(?:n[123]|rem|nrem|wake|deep sleep|light sleep)\b)", I)
"""Slow-wave activity with no stage named: delta power over NREM, as the term is defined."""
# "how much did the temperature drop overnight?", "by how much did the heart rate fall during sleep?"
_HOW_MUCH_CHANGE_RE = re.compile(r"\bhow (?:much|far) (?:did|does|has) (?:the |her |his |their )?[a-z0-9 ]{2,30}?"
                                 r" (?P<way>drop|fall|fell|decline|decrease|dip|go down|went down|rise|rose|increase"
                                 r"|climb|go up|went up)\b(?:\s+(?:over(?:night)?|overnight|during sleep|during the night|"
                                 r"across the night|through the night|over the night|asleep))?\W*$", I)
_SWA_STAGED_RE = re.compile(r"\bslow[- ]wave activity\b", I)
_BAND_POWER_RE = re.compile(r"\b(?:delta|theta|alpha|sigma|beta|gamma)(?: band)? (?:power|activity)\b", I)
_NAMED_CLOCK_RE = re.compile(r"\b(?:midnight|noon|midday)\b", I)
# A scorer's shorthand, in the words the rules read.
_SHORTHAND = {"sol": "sleep onset latency", "rol": "REM latency", "centrals": "central apneas",
              "pt": "patient",
              "obstructives": "obstructive apneas", "hrv": "heart rate variability",
              "cai": "central apnea index", "oai": "obstructive apnea index",
              "oahi": "obstructive apnea-hypopnea index", "obstructive ahi": "obstructive apnea-hypopnea index",
              "swa": "slow-wave activity", "rls": "restless legs syndrome",
              "se": "sleep efficiency", "w/": "with"}
_SHORTHAND_RE = re.compile(rf"\b(?:{'|'.join(re.escape(k) for k in _SHORTHAND)})(?!\w)", I)
# "nadir?", "odi4": a scorer's shorthand for a whole question
_BARE_SHORTHAND = ((re.compile(r"^\W*(?:the\s+|what(?:'s| is| was)(?: the)?\s+)?(?:spo2\s+|sat(?:uration)?s?\s+|o2\s+"
                               r"|oxygen\s+)?nadir\W*$", I), "what was the lowest SpO2?"),
                   (re.compile(r"^\W*(?:the\s+|what(?:'s| is| was) the\s+)?odi\s?([34])(?:\s?%)?\W*$", I),
                    r"desaturations of \1% or more per hour"),
                   # "how much W?": a lone W is the stage
                   (re.compile(r"^\W*how much(?: time)?(?: in)? w\W*$", I), "how much wake?"),
                   # "did she sleep well?", "her sleep quality?": the night against healthy sleepers'
                   (re.compile(r"^\W*(?:(?:did|does) (?:she|he|they|the patient) sleep (?:well|ok(?:ay)?|badly"
                               r"|poorly)|how well did (?:she|he|they|the patient) sleep|(?:was|is) (?:it|this|that) a (?:good"
                               r"|bad|poor) night(?:'s sleep| of sleep)?|(?:how (?:was|is) )?(?:her|his|their|the patient's|the)"
                               r" sleep quality|how good was (?:her|his|their|the) sleep)\W*$", I),
                    "is this night normal?"),
                   # "tell me something interesting about this night": what stands out
                   (re.compile(r"^\W*(?:tell me|show me|is there|what(?:'s| is))? ?(?:something|anything)"
                               r" (?:interesting|notable|remarkable|noteworthy|worth (?:noting|knowing))(?: about (?:this"
                               r"|the) (?:night|recording|study))?\W*$", I),
                    "what stands out?"),
                   # "what was the longest time she stayed asleep?": the longest sleep bout
                   (re.compile(r"\blongest (?:time|stretch|period|spell)(?: that)? (?:she|he|they|the patient)"
                               r" (?:stayed|was|were|remained|kept) asleep\b|\blongest (?:she|he|they) slept without"
                               r" waking\b", I),
                    "longest stretch of sleep"),
                   # "how accurate is the model?": its staging against this night's scoring, measured here
                   (re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:accurate|good|reliable|trustworthy) is (?:the|this"
                               r"|your) model|how well does (?:the|this|your) model (?:do|perform|work|stage)|can i"
                               r" trust (?:the|this|your) model|is (?:the|this|your) model (?:any good|accurate"
                               r"|reliable|right))\W*$", I),
                    "how does the model's staging compare to the human scoring?"),
                   # "what was the model trained on?", "how does the model know?": what the model is
                   (re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:what|how) (?:was|is) (?:the|this|your) model trained(?: on)?"
                               r"|what (?:data )?(?:was|is) (?:the|this|your) model trained on|how does (?:the|this"
                               r"|your) model (?:know|work|decide)|what does (?:the|this|your) model do)\W*$", I),
                    "what does SleepLM do?"),
                   # "what did the machine find?": the machine scoring's events and what it skipped
                   (re.compile(r"^\W*(?:and\s+|so\s+)?what (?:did|does) (?:the machine|yasa|the (?:machine "
                               r"|automatic )?scor(?:er|ing)|the app) (?:find|detect|score|pick up|see)(?: (?:on|in)"
                               r" (?:this|the) (?:night|recording))?\W*$", I),
                    "which events were machine scored?"),
                   # "did the staging struggle anywhere?": the least certain stretches
                   (re.compile(r"^\W*(?:and\s+|so\s+)?(?:did|does|was) (?:the )?(?:staging|stager|yasa|machine"
                               r"|scoring) (?:struggle|have (?:trouble|difficulty|a hard time)|find (?:it )?hard)\b.*$",
                               I),
                    "which part of the night is least certain?"),
                   # "which position was worst?": the AHI by position, its highest first
                   (re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:body |sleeping )?position (?:was|is|had"
                               r" the) (?:the )?worst(?: one)?\W*$", I),
                    "which position had the highest AHI?"),
                   (re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:body |sleeping )?position (?:was|is|had"
                               r" the) (?:the )?best(?: one)?\W*$", I),
                    "which position had the lowest AHI?"))
# "how do I tell N1 from REM?", "how to distinguish a spindle and a K-complex": a difference.
_VS_HEALTHY_RE = re.compile(r"\b(?:compare\w*|against|vs\.?|versus|like)\b.{0,20}\b(?:normal|healthy|typical|average)"
                            r" \d+[- ]?(?:years?|yrs?)[- ]?old", I)
_VS_ADULT_RE = re.compile(r"\b(?:compare\w*|against|vs\.?|versus|like|than)\b.{0,20}\b(?:an? |the )?(?:typical |healthy "
                          r"|average |normal |young )?(?:adults?|grown[- ]?ups?)(?:'s?)?\b", I)
ADULT_NORM_AGE = 30
"""The age "an adult" is read as against the norms: the young-adult band (20-39 years)."""
_SPREAD_REF_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what(?:'s| is| was) )?(?:the |its )?(?:median|interquartile range"
                            r"|iqr|quartiles)\W*$", I)
_AS_TABLE_RE = re.compile(r"^\W*(?:and\s+|so\s+|now\s+)?(?:(?:can|could) you |please )?(?:make|put|show|give|lay)"
                          r" (?:me )?(?:that|this|it|those|these)(?: out)?(?: (?:as|in(?:to)?))? (?:a )?table\W*$"
                          r"|^\W*(?:as|in) a table(?: please)?\W*$|^\W*tabulate (?:that|this|it)\W*$", I)
_WHICH_STAGER = r"(?: one| of (?:them|the two|the stagers|the stagings)| stager| staging| hypnogram| scoring| stages)?"
_WHICH_RIGHT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+|ok(?:ay)?,?\s+)?(?:(?:(?:which|who)" + _WHICH_STAGER +
                             r"(?:'s| is| was)|is (?:yasa|the model) or (?:yasa|the model))"
                             r" (?:right|correct|more accurate|more reliable|better|to be trusted)|(?:which|who)" + _WHICH_STAGER +
                             r" (?:should|do|can|would) (?:i|we|you) (?:trust|believe|go with|rely on))"
                             r"(?:,? (?:yasa or the model|the model or yasa))?(?: here| on this night)?\W*$", I)
# "what is the model's hypnogram like compared to YASA's?": the two stagings side by side
_TWO_STAGERS_RE = re.compile(r"^(?!.*\b(?:here|there|this epoch|that epoch|now)\b)(?=.*\b(?:model|sleeplm|zero[- ]?shot)"
                             r"(?:'s)? (?:hypnogram|staging|stages|scoring)\b)(?=.*\b(?P<other>yasa|machine|expert|human"
                             r"|technician|scorer)\b)(?=.*\b(?:compar\w*|versus|vs\.?|against|side by side)\b).*$", I)
_THEY_DISAGREE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:many|much|often)\b.{0,30}\b(?:do|did|does) (?:they|the two"
                               r"|both|the stagers|the stagings|yasa and the model|the model and yasa) (?:disagree"
                               r"|differ)\b", I)
_INVENTORY_RE = re.compile(r"^\W*(?:(?:please |can you |could you )?(?:list|give me|show me|tell me)(?: me)? (?:every|all"
                           r"|each)(?: of)?(?: the)? (?:(?:kinds?|types?|sorts?) of events?|event (?:types?|kinds?))"
                           r"|(?:what|which) (?:kinds?|types?|sorts?) of events? (?:were|are|did|do|have)"
                           r"|what (?:was|got|has been|is) (?:scored|annotated|marked)|what (?:events|annotations)"
                           r" (?:were|are|did you|have you|got)(?: there| in (?:it|the file|this (?:file|recording|night)))?"
                           r" ?(?:scored|found|annotated|marked|find)?(?: in (?:it|the file|this (?:file|recording|night)))?)"
                           r"(?: (?:you )?(?:found|scored|detected|find|in (?:it|the file|this (?:file|recording|night))))?"
                           r"(?: (?:in|on) (?:this|the) (?:night|recording|file|study))?\W*$", I)
_COMMONEST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:which|what)(?: one| type| kind)?(?:'s| is| was| were) (?:the )?"
                           r"(?:most|least) (?:common|frequent)(?: one| type| kind| event)?|(?:which|what)(?: one| type"
                           r"| kind)?(?:'s| is| was) (?:the )?rarest(?: one| type| kind| event)?|(?:show|take|go to|zoom"
                           r" (?:in)?to) (?:me )?(?:the |a |an )?(?:(?:most|least) common|rarest)(?: one| type| kind"
                           r"| event)?)\W*$", I)
_CORRELATE_INDEX_RE = re.compile(r"^.*\bcorrelation (?:between|of) (?:the )?(?:(?P<a>[a-z][\w ]*?) (?:and|with|vs\.?) (?:the )?"
                                 r"(?P<b>ahi|odi|rdi|rei|arousal index)|(?P<b2>ahi|odi|rdi|rei|arousal index) (?:and|with"
                                 r"|vs\.?) (?:the )?(?P<a2>[a-z][\w ]*?))(?: (?:by|per|each|every) hour| hour by hour"
                                 r"| over the night| across the night)?\W*$", I)
_WHICH_SIDE_SLEPT_RE = re.compile(r"^\W*(?:(?:which|what) side (?:did|does|do|was|were) (?:she|he|they|the patient"
                                  r"|the sleeper) (?:sleep|lie|lying|sleeping|spend)\b|(?:did|does|do|was|were) (?:she|he"
                                  r"|they|the patient|the sleeper) (?:sleep|lie|lying|sleeping|spend) (?:more |most |longer )?"
                                  r"on (?:her|his|their|the) (?:left|right) (?:side )?(?:or|vs\.?|versus) (?:on )?(?:the |her"
                                  r" |his |their )?(?:left|right)\b).*$", I)
_SIGNAL_DURING_RE = re.compile(r"\b(?:heart(?: rate)?|pulse|oxygen|spo2|sat(?:uration)?s?|breathing(?: rate)?"
                               r"|snoring)\b(?: \w+)? during\b", I)
# "is this a valid home sleep test?": judged by the home test's bar whatever the montage
_HOME_TEST_NAMED_RE = re.compile(r"\b(?:home|hsat|hst|portable|out[- ]of[- ]center)\b", I)
_VALIDITY_RE = re.compile(r"\b(?:valid|adequate|acceptable|technically (?:adequate|acceptable))\s+(?:home )?(?:sleep )?"
                          r"(?:apnea )?(?:study|test|recording|psg|hsat)\b|\b(?:study|test|recording|psg|hsat) (?:is |was )?"
                          r"(?:valid|adequate|acceptable|technically)\b|\benough (?:good |usable )?data\b", I)
_IS_IT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was) (?:this|that|it)\b", I)
_WERE_THEY_TIED_RE = re.compile(r"^\W*(?:were|are|was|is) (?:the |her |his |their |most )?[\w -]+? (?:tied|linked"
                                r"|related|associated|connected|coupled) (?:to|with)\b", I)
_TELL_APART_RE = re.compile(r"^\s*(?:how (?:(?:do|can|could|would|should) (?:i|you|we|one|a scorer"
                            r"|scorers) |to )(?:tell|distinguish|differentiate|separate)|what (?:tells"
                            r"|distinguishes|differentiates|separates|sets)) (.+?) (?:apart )?(?:from"
                            r"|and|versus|vs\.?) (.+?)(?: apart)?\W*$", I)
_PAIR_RE = re.compile(r"^\s*(?:(?:what(?:'s| is) the |explain the |tell me the )?difference"
                      r" between (.+?) and (.+?)|(?:how (?:do|does|is|are) (.+?) differ(?:ent)? from"
                      # "what does a central apnea look like compared to an obstructive one?"
                      r"|what (?:does|do) (.+?) look like (?:compared|next) (?:to|with)) (.+?))\W*$", I)


# "compare obstructive and central apneas", "were centrals longer than obstructives?"
_KINDS_RE = re.compile(r"^\W*(?:please\s+|can you\s+)*(?:compare|contrast)\s+(?:the\s+)?(.+?)\s+(?:and|with|to"
                       r"|vs\.?|versus|against)\s+(?:the\s+)?(.+?)\W*$"
                       r"|^\W*(?:were|are|was|is)\s+(?:the\s+)?(.+?)\s+(?:longer|shorter|more (?:common|frequent)"
                       r"|less (?:common|frequent)|fewer|more)\s+than\s+(?:the\s+)?(.+?)\W*$"
                       r"|^\W*(?:the\s+)?(.+?)\s+(?:vs\.?|versus)\s+(?:the\s+)?(.+?)\W*$"
                       # "how long are K-complexes compared with spindles?"
                       r"|^\W*how (?:long|frequent|common|many)\s+(?:are|were|is|was)\s+(?:the\s+)?(.+?)\s+"
                       r"(?:compared (?:with|to)|relative to|against)\s+(?:the\s+)?(.+?)\W*$", I)


_SHARE_OF_BED_RE = re.compile(r"\b(?:fraction|percent\w*|proportion|share|how much|what part) of (?:the |their |her "
                              r"|his )?time in bed (?:was|were|is|did (?:they|she|he) spend|(?:was |were )?spent)\s+"
                              r"(?P<what>.+?)\W*$", I)


def _event_kinds(text: str) -> tuple[str, str] | None:
    """The two kinds of events a comparison names, both sides naming one ("apneas in REM vs
    NREM" compares parts of the night; "heart rate during apneas and hypopneas" a signal),
    else None."""
    m = _KINDS_RE.search(text)
    if m is None or _signal(text) or re.search(r"\b(?:power|band|activity|eeg|eog|emg)\b", text, I):
        return None
    sides = next([m.group(i), m.group(i + 1)] for i in (1, 3, 5, 7) if m.group(i))
    for i, side in enumerate(sides):
        if (kind := _APNEA_KIND_RE.fullmatch(side.strip())) and "apn" in sides[1 - i].lower():
            sides[i] = f"{kind.group(1)} apneas"   # "obstructive and central apneas": both apneas
    found = [find_phenomenon(side) for side in sides]
    if any(p is None or not p.event_types for p in found) or found[0].key == found[1].key:
        return None
    return found[0].key, found[1].key


def _phenomenon_pair(text: str) -> tuple[str, str] | None:
    """The two phenomena a "difference between X and Y" question names, else None (two
    stages or two parts of the night are a comparison of their own)."""
    m = _PAIR_RE.search(text)
    if m is None:
        return None
    left, right = (m.group(1), m.group(2)) if m.group(1) else (m.group(3) or m.group(4), m.group(5))
    left, right = (LEADING_ARTICLE_RE.sub("", side.strip()) for side in (left, right))
    if (kind := _APNEA_KIND_RE.fullmatch(left.strip())) and "apn" in right.lower():
        left = f"{kind.group(1)} apnea"   # "obstructive and central apnea": both are apneas
    if (kind := re.fullmatch(r"(central|obstructive|mixed) ones?", right.strip(), I)) and "apn" in left.lower():
        right = f"{kind.group(1)} apnea"   # "a central apnea ... an obstructive one"
    found = [find_phenomenon(side) for side in (left, right)]
    if None in found or stage_term(text) or found[0].key == found[1].key:
        return None
    return found[0].key, found[1].key


LEADING_ARTICLE_RE = re.compile(r"^(?:an?|the)\s+", I)
"""A leading article ("a central apnea" -> "central apnea"), which the phrases' sides drop."""
# "how is N3 different from N2?": the two stages compared on the night ("how do I tell N1
# from REM?" asks how a scorer does, and is explained).
_STAGE_PAIR_RE = re.compile(r"^\W*how (?:is|does) (.+?) differ(?:ent)? from (.+?)\W*$", I)
# "show me an example of each sleep stage": the five stages, each with its longest period drawn.
_EACH_STAGE_EXAMPLE_RE = re.compile(r"^.*\bexamples? of (?:each|every|all(?: the)?|the) (?:(?:five|5) )?"
                                    r"(?:sleep )?stages?\b.*$", I)
# "walk me through this night": the night's summary.
_WALK_THROUGH_RE = re.compile(r"\b(?:walk|take|talk|run|guide) (?:me|us) through\b|\bgo through (?:the|this)"
                              r" (?:night|recording|study)\b", I)
# "how deep was the desaturation after it?": the oxygen of the event in focus, as "how low
# did the sat go?" reads it (the desaturation tied to that event).
_TIED_DESAT_DEPTH_RE = re.compile(
    r"^.*\bhow (?:deep|low|big|large|bad)\s+(?:was|were|did)\s+(?:the|its|that|their)\s+"
    r"(?:desat\w*|(?:oxygen|spo2|sat(?:uration)?)\s+(?:drop|dip|fall)s?)\s+(?:after|following"
    r"|during|with|tied to|from|of|that (?:followed|came with))\s+(?:it|that|this|that one|this one"
    r"|that event|this event|them)\b.*$", I)
# "were they worse in NREM or REM?", "were there more of them in the first half or the
# second?": the events just listed, split.
_THEY_SPLIT_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:were|was|are|did) (?:they|these|those|there more of"
                            r" them)(?: (?:worse|more (?:frequent|common|often|severe)|longer|deeper"
                            r"|happen more(?: often)?|occur more(?: often)?|more))?\s+(?:in|during|at)\b", I)
_ONE_UNIT_RE = re.compile(r"\b(below|under|less than|fewer than|shorter than|above|over|more than"
                          r"|longer than|at least|at most)\s+((?:a|an|one|half an?)\s+(?:minute|hour))\b", I)


def _one_unit(m: re.Match[str]) -> str:
    words = m.group(2).lower().split()
    seconds = (60.0 if words[-1] == "minute" else 3600.0) * (0.5 if words[0] == "half" else 1.0)
    return f"{m.group(1)} " + (f"{seconds:g} seconds" if seconds <= 60 else f"{seconds / 60:g} minutes")


# "what did the EEG show in N3?", "what did the eye channel show during REM?": that signal
# described there; the eyes by their rapid movements.
_SHOWED_RE = re.compile(r"^\W*(?:and\s+)?what (?:did|does|do|(?:are|is|were|was)(?= .* doing\b)) (?:the )?(eeg"
                        r"|brain(?: waves)?|eog|eyes?"
                        r"|eye (?:channels?|leads?|movements?)|emg|chin(?: emg)?|muscles?|ecg|ekg|heart"
                        r"|breathing|airflow|belts?)(?:\s+(?:channels?|leads?|signals?|traces?))?\s+"
                        # a scope after it: "what does the EOG record?" asks what the EOG is
                        r"(?:show|do|doing|read)\b(\s+(?:in|during|while|through|across|over|between)\b"
                        r"(?!.*\b(?:it|that|this|them)\W*$).*)$", I)


def _showed(m: re.Match[str]) -> str:
    if re.match(r"eog|eye", m.group(1), I):
        return f"rapid eye movements per minute{m.group(2)}"
    return f"describe the {m.group(1)}{m.group(2)}"


_ONSET_EEG_RE = re.compile(r"^(?=.*\b(?:eeg|brain ?waves?|brain)\b)(?=.*\b(?:chang\w*|happens?|differ\w*"
                           r"|look like|shifts?)\b)(?=.*\b(?:falls? asleep|falling asleep|fell asleep"
                           r"|sleep onset|drifts? off|nods? off|goes? to sleep|going to sleep)\b).*$", I)
# "the PLM arousal index", "PLMAI": periodic leg movements with an arousal per hour of sleep
_PLM_AROUSAL_RE = re.compile(r"\b(?:periodic (?:leg|limb) movements?|plms?)[- ]?(?:(?:associated|related|linked)"
                             r" )?(?:with )?arousals?(?: index| rate| per hour)?\b|\bplmai\b", I)
# Wordings read as the plain question they stand for, in this order.
# "what should I see in N3?", "what will students notice in REM?": what the stage is known by.
_SEE_IN_STAGE_RE = re.compile(r"^\W*what (?:should|would|do|will|can|might) (?:i|we|you|they|students|my students"
                              r"|the students) (?:see|notice|look for|expect) (?:in|during) (?:stage )?(n1|n2|n3|rem|wake)"
                              r"(?: sleep)?\W*$", I)
# "how would a student know this is REM and not wake?": how a scorer tells two stages apart
_KNOW_STAGE_FROM_RE = re.compile(r"^.*\bhow (?:would|do|does|can|could|will|should) (?:a |the |my )?(?:students?|scorers?"
                                 r"|techs?|technicians?|trainees?|i|you|we|one|they|someone|people)\s+(?:know|tell|see"
                                 r"|recogni[sz]e|decide|be sure)\s+(?:that\s+)?(?:this|it|an epoch|the epoch|a stage)"
                                 r"\s+is\s+(n1|n2|n3|rem|wake|w)\b(?: sleep)?,?\s+(?:and not|rather than|not|instead of"
                                 r"|and not just)\s+(n1|n2|n3|rem|wake|w)\b.*$", I)
# "do spindles get faster across the night?": the spindles of the two halves compared
_FASTER_ACROSS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:do|did|does|are|were)\s+(?:the\s+)?(spindles|slow waves|k[- ]?complexes)"
                               r"\s+(?:get|gets|got|become|became|grow|grew)\s+(faster|slower|larger|smaller|bigger"
                               r"|longer|shorter)\s+(?:across|over|through(?:out)?|during|as)\s+the\s+night(?:\s+goes"
                               r"\s+on)?\W*$", I)
# "did slow wave amplitude decline across the night?": the later half's waves against the earlier's
_AMPLITUDE_ACROSS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:do|did|does|is|was)\s+(?:the\s+)?(spindle|slow[- ]wave"
                                  r"|k[- ]?complex)\s+(?:amplitudes?|sizes?|heights?)\s+(declin\w*|decreas\w*|fall"
                                  r"|fell|drop\w*|shrink|shrank|increas\w*|ris\w*|rose|grow|grew)\s+(?:across|over"
                                  r"|through(?:out)?|during|as)\s+the\s+night(?:\s+goes\s+on)?\W*$", I)


# "find epochs where the heart rate is high during REM": that signal's highest epochs there
_HIGH_EPOCHS_RE = re.compile(r"^\W*(?:find|show|list|give)(?: me| us)? (?:the |all )?(?:epochs?|moments?|times?|stretches"
                             r"|periods|places) (?:where|when|in which|with) (?:the |her |his |their )?(?P<what>heart ?rate"
                             r"|pulse|hr|spo2|oxygen(?: saturation)?|saturation|breathing rate|respiratory rate"
                             r"|temperature|snoring) (?:is|was|are|were|gets?|got|goes|went|runs?|ran) (?:very |really )?"
                             r"(?P<way>high|higher|elevated|highest|up|fast|low|lower|lowest|down|slow)(?P<rest>.*?)\W*$", I)


# "how loud?", "how loud was it?": the snoring, the one loud thing a night records
_HOW_LOUD_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how loud(?: (?:was|is|were|are|did) (?:it|that|they|this|she|he)"
                          r"(?: get)?)?\W*$", I)


# "when did deep sleep happen mostly?": the stage's minutes in the two halves
_STAGE_MOSTLY_WHEN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?when (?:did|does|was|is|do|were) (?:(?:she|he|they|the patient)"
                                   r" (?:get|have) )?(?=(?:most of )|.*\b(?:mostly|mainly|most)\W*$)(?:most of )?(?:the |her"
                                   r" |his |their )?(deep sleep|n3|rem|slow[- ]wave sleep|n2|n1|light sleep)(?: sleep)?"
                                   r"(?: (?:happen|occur|take place|come|fall|get))?(?: (?:mostly|mainly|most|the most))?"
                                   r"(?: (?:in the night|during the night|overnight))?\W*$", I)


def _high_epochs(m: re.Match[str]) -> str:
    """The question :data:`_HIGH_EPOCHS_RE` asks, as its signal's extreme."""
    way = "lowest" if m.group("way").lower() in ("low", "lower", "lowest", "down", "slow") else "highest"
    rest = re.sub(r"^\s*during\b", " in", m.group("rest"), flags=I)
    return f"find the epochs with the {way} {m.group('what').lower()}{rest}"


# "show me a spindle and a K-complex in the same epoch", "an epoch with a spindle and a K-complex":
# one kind tied to the other, as "a spindle with a K-complex" asks
_TWO_IN_ONE_EPOCH_RE = re.compile(r"^\W*(?P<verb>show me|find(?: me)?|give me|are there|any|is there)\s+(?:an? epochs? (?:with|that"
                                  r" has|that holds|containing)\s+)?(?:both\s+)?(?:an?\s+|some\s+)?(?P<a>[\w-]+(?: [\w-]+)?)\s+(?:and|plus)\s+(?:an?\s+|some\s+)?"
                                  r"(?P<b>[\w-]+(?: [\w-]+)?)(?P<same>\s+(?:in the same epoch|together|at the same time|"
                                  r"in one epoch))?\W*$", I)


def _two_in_one_epoch(m: re.Match[str]) -> str:
    """:data:`_TWO_IN_ONE_EPOCH_RE` as one kind with the other, when both are events and the
    question names an epoch or "the same epoch"; else the question as it was."""
    kinds = [find_phenomenon(m[side]) for side in ("a", "b")]
    named_epoch = m["same"] or re.search(r"\bepochs?\b", m[0], I)
    if not named_epoch or any(k is None or not k.event_types for k in kinds) or kinds[0].key == kinds[1].key:
        return m[0]
    return f"{m['verb']} {article(m['a'])} with {article(m['b'])}"


def _amplitude_across(m: re.Match[str]) -> str:
    """The per-wave comparison of the two halves that :data:`_AMPLITUDE_ACROSS_RE` asks for."""
    noun = m.group(1).lower().replace("-", " ")
    way = "larger" if re.match(r"(?:incr|ris|rose|grow|grew)", m.group(2), I) else "smaller"
    return f"were {noun}s {way} in the second half?"


# "how did slow wave amplitude change from the first to the last cycle?": the two compared
_CHANGE_FROM_RE = re.compile(r"^\W*how (?:did|does|do) (?:the\s+)?(.+?) (?:change|differ|evolve) (?:from|between)"
                             r" the first (?:to|and) (?:the\s+)?(last|final|second) (cycle|half|hour|rem period)s?\W*$", I)
# "is REM density higher in later REM periods?": rapid eye movements per minute of REM, by cycle
_LATER_REM_DENSITY_RE = re.compile(r"^.*\b(?:(?:rem|rapid eye movement) density|rapid eye movements per minute in rem)"
                                   r"\b.*\b(?:later|last|late|each|every"
                                   r"|successive|across|over)\s+(?:the\s+)?(?:rem periods?|cycles?|sleep cycles?"
                                   r"|night)\b.*$", I)
# "what fraction of arousals follow respiratory events?": the arousals' causes
_AROUSALS_AFTER_RE = re.compile(r"^\W*(?:what|which)\s+(?:fraction|percent(?:age)?|share|proportion|part)\s+of\s+"
                                r"(?:the\s+)?arousals\s+(?:follow(?:ed)?|came after|come after|were after|are after"
                                r"|were (?:tied|linked|related) to|are (?:tied|linked|related) to|were caused by"
                                r"|are caused by)\s+(?:the\s+)?(?:respiratory|breathing)\s+events?\W*$", I)
# "how many REM periods were there and how long were they?": the periods' list has their lengths
_HOW_MANY_HOW_LONG_RE = re.compile(r"^(\W*how many\b.+?\bwere there)\s+and\s+how long (?:were|did) they(?: last)?\W*$", I)
# "which hour had the best sleep?": each hour's stages
# "which hour was the most fragmented?", "stage shifts by hour": changes of stage hour by hour
_FRAGMENTED_PART_RE = re.compile(r"^\W*(?:(?:which|what) (?:hour|part of the night|time of (?:the )?night)(?: of the night)?"
                                 r" (?:was|had|has|is|showed) (?:the )?(?:most|more|least) (?:fragmented|broken|disrupted"
                                 r"|disturbed|stage shifts|stage changes|shifts)|when was (?:the )?sleep (?:the )?most"
                                 r" (?:fragmented|broken|disrupted)|(?:stage (?:shifts|changes|transitions)|fragmentation)"
                                 r" (?:by|per|each|every) hour)\W*$", I)
_BEST_HOUR_RE = re.compile(r"^\W*(?:which|what) (?:hour|hours|part of the night)\s+(?:had|has|was|were|showed|gave)\s+"
                           r"(?:the\s+)?(?:best|most|deepest|soundest|least disturbed|most restful|worst|least|lightest"
                           # _BEST_SLEEP_RE has read "best sleep" by then
                           r"|longest stretch of)\s+sleep\W*$", I)
# "which was deeper, REM or NREM desaturations?", "compare desaturation depth in REM and NREM":
# the depths of the two groups' desaturations
_DEEPER_WHICH_RE = re.compile(r"^\W*(?:which|what|where) (?:was|were) (?:deeper|worse),? (?:in )?(rem|nrem|n[123]|light"
                              r" sleep|deep sleep) or (?:in )?(rem|nrem|n[123]|light sleep|deep sleep)(?: sleep)?"
                              r" (desat\w*)\W*$", I)
_DEPTH_COMPARED_RE = re.compile(r"^\W*compare (?:the )?(desat\w*) depths? (?:in|between) (rem|nrem|n[123])"
                                r" (?:and|vs\.?|versus|with) (rem|nrem|n[123])\W*$", I)
# "how does sleep change with age?": the norms of every age band side by side
_BY_AGE_RE = re.compile(r"\b(?:sleep|the night|a night|nights|the hypnogram|a hypnogram|sleep architecture|sleep"
                        r" stages|the stages)\s+(?:change|changes|changing|differ|differs|evolve|evolves)\s+"
                        r"(?:with|across|over|as (?:we|people|you) (?:age|get older))\s*(?:age|ageing|aging|the"
                        r" lifespan|life|time)?\b|\b(?:older|elderly|old|aged|ageing|aging)\s+(?:person|people"
                        r"|adults?|patients?|sleepers?|man|woman|men|women|subjects?)(?:'s)?\b.{0,40}\b(?:look"
                        r" like|differ\w*|be different|change\w*)\b|\b(?:hypnogram|night|sleep)\w*\s+(?:of|for|in)"
                        r" (?:an?\s+)?(?:older|elderly|old|aged)\b.{0,30}\b(?:look like|differ\w*|be different)\b"
                        r"|\b(?:effects?|impact) of (?:age|ageing|aging) on (?:sleep|the hypnogram)\b"
                        r"|\bhow does (?:age|ageing|aging) (?:change|affect|alter)\b|\bhow (?:would|does|do|will)"
                        r" (?:this|it|the night|the hypnogram|sleep) (?:look|differ|change) (?:in|for|with) (?:an?\s+)?"
                        r"(?:older|elderly|old|aged)\b", I)
# "now show them an arousal": "them" are the students, not the last list, and the demo is new
_SHOW_THEM_RE = re.compile(r"^\W*(?:now\s+|and\s+|so\s+|next\s+)?(?:show|find|point out)\s+(?:them|the (?:class|students"
                           r"|group|trainees|learners|residents)|my (?:class|students|trainees))\b", I)
# "what's the first stage after wake?": where wake went
_FIRST_AFTER_RE = re.compile(r"^\W*(?:what(?:'s| is| was)|which is|which was) the (?:first|next) stage (?:after|following)"
                             r" (wake|w|n1|n2|n3|rem)\W*$", I)
# "what is alpha?": the alpha rhythm, not its power by stage
_WHAT_ALPHA_RE = re.compile(r"^\W*(?:(?:so\s+|and\s+)?what(?:'s| is| does)|define|explain)\s+(?:eeg\s+)?alpha"
                            r"(?:\s+(?:waves?|activity|band|power))?(?:\s+mean)?\W*$", I)
# "what's the circadian nadir?": the core temperature's low point is the night's circadian marker
_CIRCADIAN_NADIR_RE = re.compile(r"\b(?:the\s+)?(?:circadian|core(?: body)? temperature|cbt|body temperature"
                                 r"|temperature)(?:'s)?\s+(?:nadir|minimum|trough|low point)\b|\btmin\b"
                                 r"|\b(?:the\s+)?(?:nadir|trough|low point) of (?:the )?(?:circadian \w+|core"
                                 r"(?: body)? temperature|body temperature)\b", I)
# "did she sleep better in the second half?": the two halves side by side
_BETTER_HALF_RE = re.compile(r"^\W*(?:and\s+)?(?:did|was|were|is) (?:she|he|they|the (?:patient|sleeper)|(?:her|his|their"
                             r"|the) sleep|sleep)(?: sleep)? (?:better|worse|deeper|lighter|improve|get (?:better|worse)"
                             r"|deteriorate|worsen|more (?:soundly|deeply"
                             r"|restful\w*|broken|disturbed)|less (?:broken|disturbed|restful))(?: in| during)? the"
                             r" (?:first|second|early|later|last) (?:half|part)(?: of the (?:night|recording))?\W*$", I)
# "score this night": it was machine-scored when loaded; how, and how sure
_SCORE_NIGHT_RE = re.compile(r"^\W*(?:please\s+)?(?:(?:can|could|would) you\s+)?(?:please\s+)?(?:auto-?)?(?:score"
                             r"|stage)\s+(?:this|the|my)\s+(?:night|recording|study|file|psg|data)(?:\s+for me)?"
                             r"(?:\s+please)?\W*$", I)
# "what would YASA say this epoch is?", "what does the model think here?", "do the model and YASA
# agree here?": one epoch's stage by each stager
_EPOCH_WORDS = r"(epoch \d+|this epoch|that epoch|this one|that one|this|that|here|there|it|now|then)"
_STAGERS_SAY_RE = re.compile(r"^\W*(?:and\s+)?(?:what (?:would|does|did|do) (?:yasa|the model|the machine|sleeplm)"
                             r" (?:say|think|call|score|make of)(?: (?:about|of|for))?(?: that)? " + _EPOCH_WORDS
                             + r"(?: is| was)?|what (?:does|did) the model (?:think|say)|do (?:the model and yasa|yasa"
                             r" and the model|the two stagings?) agree (?:on |about |for )?" + _EPOCH_WORDS
                             + r")\W*$", I)
# "how sure are you about epoch 300?": that epoch's stage with each stager's probabilities
_SURE_EPOCH_RE = re.compile(r"^\W*(?:and\s+)?how (?:sure|confident|certain) (?:are you|is (?:the (?:staging|model"
                            r"|scoring|machine|hypnogram)|yasa))(?: (?:about|of|for|on|in))? " + _EPOCH_WORDS
                            + r"\W*$", I)


def _one_epoch(m: re.Match[str], ask: str) -> str:
    """``ask`` ("what stage is {}?") of the epoch the words name, the one on screen if none."""
    said = next((g for g in m.groups() if g), "this")
    epoch = said if said.lower().startswith("epoch") else "this epoch"
    return ask.format(epoch)


# "was her sleep efficient?": the efficiency against healthy sleepers'; "how efficient was her
# sleep?": the efficiency itself
_EFFICIENT_YES_NO_RE = re.compile(r"^\W*(?:and\s+)?(?:was|is|were) (?:(?:her|his|their|the(?: patient's)?|this|the"
                                  r" night's) sleep|(?:she|he|they|the patient) sleeping) (?:efficient|inefficient"
                                  r"|efficiently|inefficiently)\W*$", I)
_HOW_EFFICIENT_RE = re.compile(r"^\W*(?:and\s+)?how (?:efficient|efficiently)(?: (?:was|is|were) (?:(?:her|his|their"
                               r"|the(?: patient's)?|this) sleep|(?:she|he|they|the patient) sleeping)| did (?:she|he"
                               r"|they|the patient) sleep)\W*$", I)
# "did she sleep through the night?": whether and how often she woke
_SLEPT_THROUGH_RE = re.compile(r"^\W*(?:and\s+)?(?:did|does|do) (?:she|he|they|the patient|the sleeper) sleep"
                               r" (?:all the way )?through(?: the night)?\W*$", I)
# "apneas before and after midnight": the two sides of that time, compared
_BEFORE_AND_AFTER_RE = re.compile(r"^(?!\W*(?:please\s+)?compare\b)(?=.*\bbefore\s+(?:and|vs\.?|versus)\s+after\s+"
                                  r"(?:\d|midnight|noon))(.*)$", I)
# "how do I recognise an obstructive apnea on the belts?": what one looks like, with an example
_RECOGNISE_RE = re.compile(r"^\W*how (?:do|can|would|should|could) (?:i|we|you|one|they|(?:an? |the )?(?:student"
                           r"|trainee|technician|tech|beginner|scorer)s?)"
                           r" (?:recogni[sz]e|spot|identify|detect|find|see|read|pick out|pick up)"
                           r" (?!.*\bfrom\b)(?:an? |the )(?P<what>[\w -]+?)(?P<on> (?:on|in) (?:the |an? )?[\w -]+)?\W*$", I)


def _recognise(m: re.Match[str]) -> str:
    return f"what does a {m.group('what')} look like{m.group('on') or ''}?"


# "does the oxygen drop more in REM?": how deep the desaturations go there, not how many
_DROPS_MORE_RE = re.compile(r"^\W*(?:and\s+)?(?:does|did|do|is|was) (?:the |her |his |their )?(?:oxygen|o2|spo2"
                            r"|sat(?:uration)?s?)(?: level)? (?:drop|fall|dip)(?:s|ping)? (?:more|further|lower"
                            r"|deeper|most) (in|during) (.+?)\W*$", I)
# "were the apneas worse in the second half?": worse events are more of them
_EVENTS_WORSE_HALF_RE = re.compile(r"^\W*(?:and\s+)?(?:were|was|are|is|did) (?:the |her |his |their )?((?:apn|hypopn"
                                   r"|arousal|desat|spindle|respiratory event|event)\w*) (?:get |getting )?"
                                   r"(worse|better) (?:in|during) the (first|second) half\b.*$", I)


def _events_worse_half(m: re.Match[str]) -> str:
    return f"were there {'more' if m.group(2).lower() == 'worse' else 'fewer'} {m.group(1)} in the {m.group(3)} half?"


# "go to the next REM period", "previous N3": the viewer on that stage's next (or last) period
_NEXT_PERIOD_RE = re.compile(r"^\W*(?:(?:go|jump|skip|move|take me|bring me|navigate|zoom)\s+(?:on\s+|back\s+)?"
                             r"(?:to|into)\s+)?(?:the\s+)?(next|previous|prior|preceding)\s+(?:rem|n[123]"
                             r"|wake|deep sleep|light sleep|slow[- ]wave sleep|stage (?:[123w]|rem))(?:\s+(?:sleep"
                             r"|period|episode|bout|stretch|run))*\W*$", I)
# "what was the first stage after sleep onset?": sleep onset's own epoch, and its stage
_ONSET_STAGE_RE = re.compile(r"^\W*(?:what|which)(?:'s| is| was)? (?:the )?(?:first|initial) (?:sleep )?stage (?:after|following|at"
                             r"|of) (?:sleep onset|falling asleep|(?:she|he|they) fell asleep)\W*$"
                             r"|^\W*(?:what|which) stage did (?:she|he|they|the patient) (?:first )?fall asleep"
                             r" (?:into|in)\W*$", I)
# "is that severe?" after an index: its grade on the AASM's scale; "is that bad?": the norms
_SEVERE_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|would) (?:that|this|it)(?: be)?(?: considered"
                             r"| classed as| rated)? (?:severe|mild|moderate)(?: (?:sleep )?apnea)?\W*$", I)
# "would you call this severe OSA?", "is this moderate sleep apnea?": the night's grade
_CALL_IT_GRADE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:would|could|do|does|is|was|should|can)\b.{0,40}?"
                               r"\b(?:mild|moderate|severe)\s+(?:obstructive\s+|central\s+)?(?:sleep\s+)?(?:apn\w*"
                               r"|osa|csa|sleep[- ]disordered breathing|sdb)\W*$", I)
# "how does this night compare with a typical patient with moderate sleep apnea?": the
# night's index against the bands that name the grades
_LIKE_GRADE_RE = re.compile(r"^.*\b(?:compar\w*|typical|like|resembl\w*|similar)\b.*\b(?:mild|moderate"
                            r"|severe)(?: obstructive)?(?: sleep)? (?:apn\w*|osa)\b.*$", I)
_BAD_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:does|would|could) (?:that|this|it) (?:matter|count"
                          r"|mean anything)(?: clinically| medically)?\W*$"
                          r"|^\W*(?:and\s+|so\s+|but\s+)?(?:is|was) (?:that|this|it) (?:bad|serious|concerning"
                          r"|worrying|worrisome|a problem|ok(?:ay)?|fine|(?:clinically |medically )(?:significant"
                          r"|relevant|important|meaningful)|(?:clinically |medically )?(?:relevant|important|meaningful)"
                          # "was it quick?" after sleep onset, "is that early?" after REM latency:
                          # a timing judged against the healthy sleepers' range
                          r"|(?:too |very |rather |quite )?(?:quick|fast|slow|late|early|soon|short|long|high|low"
                          r"|a lot|much|little|few|many))\W*$", I)
# "label the epoch as calm or restless": the user's own labels, never a question
_NOT_LABELS = r"(?!.*\b(?:label\w*|classif\w*|categori[sz]\w*|tag)\b)"
# "when was she most restless?", "was his sleep restless?": the night's fragmentation (stage
# shifts, awakenings), which every night with EEG has; restless legs stay leg movements
_RESTLESS_WHEN_RE = re.compile(rf"^{_NOT_LABELS}.*\b(?:when|what time|which hour|what hour|where)\b.*\b(?:most|more"
                               r"|very)\s+(?:restless|disturbed|broken|fragmented|unsettled)\b(?!\s+legs?)"
                               r".*$", I)
_RESTLESS_RE = re.compile(rf"^{_NOT_LABELS}.*\b(?:restless(?:ness)?|toss(?:ing|ed)? and turn(?:ing|ed)?)\b(?!\s+(?:legs?"
                          r"|limbs?))(?!.*\blegs?\b).*$", I)
# "how long until the first spindle?": that event's delay after sleep onset (a stage's is its latency)
_UNTIL_FIRST_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how long (?:until|till|til|before|to) (?:the |her |his |their )?first"
                             r" (?P<what>[a-z][a-z -]*?)\W*$", I)


def _until_first(m: re.Match[str]) -> str:
    phen = find_phenomenon(m["what"])
    if phen is None or not phen.event_types or stage_term(m["what"]):
        return m.group(0)
    return f"how long after sleep onset was the first {m['what']}?"


# "how does it compare with the others?": the thing just shown against the rest of its kind
# "what is REM sleep? show me", "what's N3? show me one": a stage defined and shown
_WHAT_STAGE_SHOW_RE = re.compile(r"^\W*what(?:'s| is| does)\s+(?P<stage>rem(?: sleep)?|n[123](?: sleep)?|stage [123]"
                                 r"(?: sleep)?|deep sleep|light sleep|slow[- ]wave sleep|sws|non-?rem(?: sleep)?)"
                                 r"(?: look like)?\s*[?.!,;]*\s*(?:and |can you |please )?(?:show|point out|find)"
                                 r"(?: me| us)?(?: (?:one|an? (?:example|epoch)(?: of it)?|it|what it looks like"
                                 r"|some))?\W*$", I)
# A technician's terse forms: "how many central", "longest central", "what % central", "mixed?"
_TERSE_KIND_RE = re.compile(r"^\W*(?P<pre>how many|what ?%|what percent(?:age)?|longest|shortest|how long was the"
                            r" longest|the longest|first|the first|last|the last|any|list(?: the)?|show(?: me)?(?: the)?"
                            r"(?: longest)?)?\s*(?P<kind>central|obstructive|mixed)s?\W*$", I)


def _terse_kind(m: re.Match[str]) -> str:
    pre = (m["pre"] or "").lower().replace(" ", "")
    if pre.startswith(("what%", "whatpercent")):
        return f"what percentage of apneas were {m['kind'].lower()}?"
    return f"{m['pre'] or 'any'} {m['kind'].lower()} apneas?"


_CSA = r"(?:csa|central(?: apneas?)?)"
_OSA = r"(?:osa|obstructive(?: apneas?)?)"
# "is it central or obstructive mostly?", "is it mainly OSA or CSA": the night's commonest type ("are
# they central or obstructive?" asks the central share)
_CSA_OR_OSA_RE = re.compile(rf"^\W*(?:(?:is|was) (?:it|this|that) "
                            rf"(?:mostly |mainly |predominantly )?|so )?(?:{_CSA} (?:or|vs\.?|versus) {_OSA}"
                            rf"|{_OSA} (?:or|vs\.?|versus) {_CSA})(?: mostly| mainly| predominantly)?\W*$", I)
# "the AHI excluding centrals", "AHI without the central apneas": the obstructive AHI, which
# counts every apnea and hypopnea but the central apneas
_AHI_BUT_CENTRAL_RE = re.compile(r"^(?:(?!\b(?:and|vs|versus|or)\b).)*\b(?:ahi|apnea-hypopnea index)\b.{0,15}\b(?:excluding"
                                 r"|without|minus|not counting|leaving out|except(?: for)?|less) (?:the |any )?"
                                 r"(?:centrals?|central apneas?|central events?|csa)\W*$", I)
# "what's a hypopnea vs an apnea?": "a" asks about the kinds, so what tells them apart, not the
# night's two lists side by side ("hypopneas vs apneas" counts them)
_KIND_VS_KIND_RE = re.compile(r"^\W*what(?:'s| is|s) (?:an? )(?P<a>[\w-]+(?: [\w-]+)?) (?:vs\.?|versus|or) (?:an? )"
                              r"(?P<b>[\w-]+(?: [\w-]+)?)\W*$", I)
# "is she worse on her back?": the breathing by position
_WORSE_ON_BACK_RE = re.compile(r"^\W*(?:is|was) (?:she|he|they|the patient|it|the apnea|the osa) (?:any )?worse (?:when |while )?"
                               r"(?:(?:lying )?on (?:her|his|their|the) back|supine|lying flat)\W*$", I)
# "did the patient ever go into N3?": whether there was any, which its minutes answer
_EVER_STAGE_RE = re.compile(r"^\W*(?:did|does) (?:she|he|they|the patient|the subject|the sleeper) (?:ever |even |at all )?"
                            r"(?:go into|get into|reach|enter|have|get)(?: any)? (?P<stage>n[123]|rem|deep sleep"
                            r"|slow[- ]wave sleep|stage [123])(?: sleep)?(?: at all)?\W*$", I)
# "AHI in N1, N2, N3 and REM separately": the index split by stage
_INDEX_EACH_STAGE_RE = re.compile(r"^\W*(?:what(?:'s| is| was) )?(?:the )?(?P<index>ahi|odi|rdi|rei|arousal index)"
                                  r" (?:in|during|for) (?:each stage|every stage|(?:n1|n2|n3|rem)(?:,? (?:and )?"
                                  r"(?:n1|n2|n3|rem)){2,})(?: separately| each)?\W*$", I)
# "what woke him at 3?": a bare hour after "woke" is a clock time
_WOKE_AT_HOUR_RE = re.compile(r"^(?P<lead>\W*what (?:woke|awoke|awakened|roused) (?:him|her|them|the patient)(?: up)? at )"
                              r"(?P<hour>\d{1,2})\W*$", I)
# "what caused the nadir?": what came just before the lowest SpO2
_NADIR_CAUSE_RE = re.compile(r"^\W*(?:and\s+)?what (?:caused|led to|explains|was behind) (?:the |her |his |their )?"
                             r"(?:spo2 |oxygen |sat(?:uration)? )?nadir\W*$", I)
# "how many awakenings were caused by apneas?": each awakening's tie, counted
_AWAKENINGS_CAUSED_RE = re.compile(r"^\W*(?:how many|which|what share of|what percentage of) (?:the )?awakenings (?:were |was )?"
                                   r"(?:caused by|due to|from|after|tied to|related to|associated with) .+$", I)
# "what woke her up the first time?": the first awakening after sleep onset, not the wake before it
_FIRST_WOKE_RE = re.compile(r"^\W*what (?:woke|awoke|awakened) (?:him|her|them|the patient)(?: up)? (?:the )?first"
                            r"(?: time)?\W*$", I)
# "kappa?", "cohen's kappa?": how far the night's stagings agree, as "what is the kappa?" reads it
_BARE_KAPPA_RE = re.compile(r"^\W*(?:and |so )?(?:the )?(?:cohen'?s )?(?:kappa|κ)\W*$", I)
_NADIR_WHEN_RE = re.compile(r"\b(?:when|where|what time|at what time) (?:was|is|did|does) (?:the |her |his |their )?"
                            r"(?:spo2 |o2 |oxygen |sat(?:uration)? )?nadir(?: occur| happen| come)?\b", I)
_CO2_RE = re.compile(r"^\W*(?:any |what about |and )?(?:co2|pco2|etco2|tcco2|capnography|end[- ]tidal co2)\W*$", I)
_STAGE_SHARES_RE = re.compile(r"^\W*(?:the |what are the |what were the |give me the |show me the )?stage (?:shares?"
                              r"|percentages?|percents?|breakdown|distribution|split|minutes)(?: pls| please)?\W*$", I)
_MONITORED_RE = re.compile(r"^\W*how (?:many|much) (?:hours? |time )?(?:of )?(?:monitoring|recording|study|data"
                           r"|recorded time)\W*$", I)
_DESATURATE_RE = re.compile(r"^\W*(?:and\s+)?did (?:she|he|they|the patient|the sleeper) (?:ever )?desat(?:urate)?\w*"
                            r"(?: at all| much)?\W*$", I)
# "time to N3", "time to first REM": that stage's latency
_TIME_TO_STAGE_RE = re.compile(r"^\W*(?:what(?:'s| is| was) (?:the )?)?time to (?:the )?(?:first )?(n[123]|rem|deep sleep"
                               r"|stage [123])\W*$", I)
_EPOCH_LENGTH_RE = re.compile(r"^\W*(?:what(?:'s| is| was) the |how long (?:is|was|are|were) (?:an? |the |each )?)"
                              r"epochs?(?: length| duration| size)?\W*$", I)
# "next 1", "the worst 1": a one typed as a digit
_ONE_DIGIT_RE = re.compile(r"\b(next|previous|prev|last|first|worst|best|other|another|that|this|longest"
                           r"|shortest|deepest) 1\b(?!\s*(?:%|min|h|s\b|sec|am|pm|:))", I)
# "hypopneas w 4% desat", "compare w first half": "w" for "with"
_W_WITH_RE = re.compile(r"\b((?!to\b|from\b|and\b|or\b)[a-z%]+) w (?=(?:an? |the |\d|first|second|last|desat"
                        r"|arousal|apn|hypopn|spindle|rem\b|nrem))", I)
# Follow-ups in a teacher's or researcher's words, read as the question the chat knows
_DIFFERENT_ONE_RE = re.compile(r"^\W*(?:show|find|give)(?: me| us)? (?:a )?(?:different|other) one\W*$", I)
_WHY_GOOD_RE = re.compile(r"^\W*(?:and\s+)?why (?:is|was) (?:that|this|it)(?: one)? (?:such )?(?:a )?(?:good|typical|textbook"
                          r"|nice|clear|classic) (?:example|one)\W*$", I)
_TAKE_HOME_RE = re.compile(r"^\W*(?:so\s+|and\s+)?what(?:'s| is| are) (?:the |my )?(?:take[- ]?home (?:message|point)s?"
                           r"|bottom line|key (?:message|point|takeaway)s?|main (?:takeaway|message|point)s?"
                           r"|takeaways?)\W*$", I)
_MODEL_SURE_RE = re.compile(r"^\W*how (?:confident|sure|reliable|accurate|good) is the model (?:on|for|with|about|in)"
                            r" (?:this|the) (?:night|recording|file|study)\W*$", I)
_DENOMINATOR_RE = re.compile(r"^\W*(?:and\s+)?what(?:'s| is) (?:the|its) (?:denominator|numerator)\W*$", I)
_HOW_WAS_STAGED_RE = re.compile(r"^\W*how (?:was|were) (?:the )?(?:rem|n[123]|deep sleep|sleep stages?|stages?|the hypnogram"
                                r"|staging|sleep)(?: sleep)? (?:detected|scored|staged|found|determined|identified|done"
                                r"|made)\b.*$", I)
# "what does the model say vs YASA?", "who is right, the model or yasa?": the two stagings, epoch by epoch
_MODEL_VS_YASA_RE = re.compile(r"^\W*(?:(?:what|how) (?:does|did) the model(?: say| stage| score| do)? (?:vs\.?|versus|against"
                               r"|compared (?:to|with)) (?:yasa|the machine)(?:'s)?|who(?:'s| is) right,? the model or"
                               r" (?:yasa|the machine)|(?:the )?kappa between the model and (?:yasa|the machine))\W*$", I)
# "which lead is noisier?": of the file's channels, the noisiest
_NOISIER_RE = re.compile(r"^\W*which (?:eeg )?(lead|channel|derivation) is (nois|clean)(?:ier|er)\W*$", I)
# "why N2 and not N3?", "why not N3?" after an epoch's stage: that epoch's evidence against the other
_WHY_NOT_STAGE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why\s+(?:(?P<a>n[123]|rem|wake)\s+(?:and|but|,)?\s*)?"
                               r"(?:not|rather than|instead of)\s+(?P<b>n[123]|rem|wake|w)\W*$", I)
_EARLY_WORDINGS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_DIFFERENT_ONE_RE, "show me another"), (_WHY_GOOD_RE, "is it a good example?"),
    (_TAKE_HOME_RE, "what stands out?"),
    (_MODEL_SURE_RE, "how does the model do on this night?"), (_DENOMINATOR_RE, "what does that mean?"),
    (_HOW_WAS_STAGED_RE, "score this night"), (_MODEL_VS_YASA_RE, "model vs yasa agreement"),
    (_NOISIER_RE, lambda m: f"which {m[1]} is {'noisiest' if m[2].lower() == 'nois' else 'cleanest'}?"),
    (_WHY_NOT_STAGE_RE, lambda m: f"why is it {m['a'].upper() + ' and ' if m['a'] else ''}not {m['b'].upper()}?"))
"""Wordings read as another before any rule, since earlier rules would take them for something else."""
# "show me where she falls asleep": sleep onset, not the wake periods
_WHERE_ASLEEP_RE = re.compile(r"^\W*(?:(?:show|point to|take) (?:me|us) )?(?:where|the (?:point|moment|place) where)"
                              r" (?:does |did )?(?:she|he|they|the patient|the sleeper|the subject) (?:falls?|fell"
                              r"|falling|finally falls?|finally fell) asleep\W*$", I)
# "is that prolonged?", "is it short for a 47 yo?" after a figure: that figure against the norms
_JUDGED_THAT_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|isn'?t|wasn'?t) (?:that|this|it) (?:too |very |a bit "
                             r"|abnormally |unusually |considered )?(?:prolonged|long|short|delayed|early|late|high|low"
                             r"|elevated|reduced|increased|decreased|abnormal)(?: for (?:a |an )?(?P<age>\d{1,3})[- ]?"
                             r"(?:years?|yrs?|y/?o|year[- ]old)\w*)?\W*$", I)
# "why so long?", "how come it's that high?": "why?" of the figure just given
_WHY_SO_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:why|how come)(?: (?:is|was) (?:it|that|this)| it'?s| that'?s)?"
                        r" (?:so|that|this|too) (?:long|short|high|low|late|early|delayed|prolonged|much|little)\W*$", I)


def _judged_that(m: re.Match[str]) -> str:
    return f"is that normal for a {m['age']} year old?" if m["age"] else "is that normal?"


_VS_OTHERS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how (?:does|did|do) (?:it|that|this)(?: one)? compare (?:to|with|against)"
                           r" (?:the )?(?:others?|rest|other ones)|(?:is|was) (?:it|that|this)(?: one)? (?:typical|unusual"
                           r"|normal for (?:this|the) night|longer than (?:usual|the others|average)|an outlier))\W*$", I)
# "is the chin quiet there?" after an epoch was shown: its chin tone against the night's
_CHIN_HERE_RE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was|does|did) (?:the |her |his |their )?chin(?: emg| tone"
                           r"| muscle)? (?:quiet|relaxed|silent|atonic|low|high|active|tense|loud|look (?:quiet|relaxed"
                           r"|active|low|high))(?: there| here| then| in (?:it|that|this)(?: epoch)?)?\W*$", I)
# "where do I start?" on a night just loaded: what stands out in it, most important first
_WHERE_START_RE = re.compile(r"^.*\b(?:where (?:do|should|can|shall) (?:i|we) (?:start|begin)|where to (?:start|begin)"
                             r"|what should (?:i|we) (?:look at|check|review) first|how (?:do|should) (?:i|we) (?:start|begin))\b.*$", I)
# "what should I double check?", "anything to review manually before I sign this off?": where
# the machine's scoring is least sure
_REVIEW_RE = re.compile(r"^.*\b(?:double[- ]?check|re-?check|verify|review|look over|go over|sign (?:this |it )?off)\b"
                        r"(?:.*\b(?:manual\w*|by hand|myself|before|epochs?|scoring|staging|stages|hypnogram|night|this)\b"
                        r"|\W*$).*$|^\W*(?:what|which|anything)\b.{0,30}\b(?:needs?|should|must) (?:a )?(?:manual |human )?"
                        r"(?:review|checking|check|verification)\b.*$", I)
_SIGN_OFF_RE = re.compile(r"^\W*sign-off checklist\W*$", I)
"""What _REVIEW_RE's wordings are read as."""
_BORDERLINE_RE = re.compile(r"\b(?:borderline|marginal|close calls?|on the (?:edge|fence|cusp)|barely (?:met|meets?|made|qualif\w*"
                            r"|count\w*|pass\w*|scor\w*|reach\w*)|just (?:barely|scraped|made it)|(?:near|close to|just over"
                            r"|just past|right at|hovering at) (?:the |their |its )?(?:cut-?\w*|thresholds?|criteri\w*|rules?"
                            r"|limits?|definitions?))\b", I)
"""Events near a rule's cut ("which events are borderline?"), with :data:`_BORDERLINE_EVENTS_RE`."""
_BORDERLINE_EVENTS_RE = re.compile(r"\b(?:events?|apno?eas?|hypopno?eas?|desat\w*|respiratory|breathing)\b", I)
# "which channel had the most problems?", "when did the electrode come off?": the channels' quality
_CHANNEL_TROUBLE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:channel|lead|electrode|sensor)s? (?:had|has|have|showed"
                                 r"|gave) (?:the )?(?:most |any |more )?(?:problems?|trouble|issues?|artefacts?|artifacts?"
                                 r"|noise)\W*$", I)
_LEAD_OFF_RE = re.compile(r"^.*(?:\b(?:electrodes?|leads?|sensors?|probes?|cannula|belts?) (?:came|come|comes|fell|fall|falls"
                          r"|was|were|went|got) (?:off|loose|disconnected|detached)\b|\blead[- ]off\b|\blost contact\b).*$", I)
# "how many hours of good oximetry?": the hours of usable airflow and oximetry a home test needs
_GOOD_HOURS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:many hours|much(?: time)?) (?:of|with) (?:good|usable|valid|clean"
                            r"|adequate|technically adequate|artefact-free|artifact-free) (?:oximetry|spo2|oxygen(?: data)?"
                            r"|airflow|flow|signals?|data|recording)(?: (?:was|were) there| did (?:we|i|you) get)?\W*$", I)
# "what happened there?" after a stretch was shown: in it
_WHAT_THERE_RE = re.compile(r"^(\W*(?:and\s+|so\s+)?what (?:happened|was happening|was going on|went on|happens)) "
                            r"(?:there|in there)\W*$", I)
# "show me his heart in REM": that system described there, not one epoch of the stage
_SHOW_SYSTEM_IN_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:show|give)(?: me| us)? (?:his |her |their |the )?(?P<what>heart(?: rate)?"
                                r"|breathing|brain|eeg|eyes|muscles?|oxygen)(?: activity)? (?:in|during) (?P<stage>rem|n1|n2|n3"
                                r"|wake|deep sleep|light sleep)\W*$", I)
# "how does the scoring compare to what the machine found?": the machine against the human scoring
_HUMAN_VS_MACHINE_RE = re.compile(r"^(?!.*\b(?:model|sleeplm|zero[- ]?shot)\b)(?=.*\b(?:tech\w*|human|expert|manual|scorer|the"
                                  r" scoring|hand[- ]scor\w*)\b)(?=.*\b(?:machine|yasa|automatic|auto[- ]?scor\w*)\b)(?=.*\b(?:compar\w*"
                                  r"|versus|vs\.?|against|agree\w*|match\w*)\b)(?!.*\bhow many\b).*$", I)
# "kappa between the model and the human scorer", "and between the model and YASA?": that pair's
# agreement (the model's stages are no YASA's)
_STAGER_PAIR_RE = re.compile(r"^(?=.*\b(?:kappa|κ|agreement|agree\w*|accura\w*|concordance|compar\w*|versus|vs\.?"
                             r"|against|between)\b)(?=.*\b(?:model|sleeplm|zero[- ]?shot)\b)(?!.*\b(?:here|there|this epoch"
                             r"|that epoch|now|first|second|half|hour|rem|n[123]|wake)\b)"
                             r"(?=.*\b(?P<other>yasa|machine|expert|human|technician|tech|scorer|manual)\b).*$", I)


def _stager_pair(m: re.Match[str]) -> str:
    machine = m["other"].lower() in ("yasa", "machine") and not re.search(
        r"\b(?:human|expert|manual|technician|tech|scorer|truth)\b", m.group(0), I)
    return f"how does the model compare with {'YASA' if machine else 'the expert'}?"


# "REM-related OSA?", "rem predominant apnea?": the rule's verdict, as "is it REM-related OSA?"
_BARE_REM_RELATED_RE = re.compile(r"^\W*(?:and\s+)?rem[- ](?:related|predominant|dependent) (?:osa|apn\w+|sleep apn\w+)\W*$", I)
# "percent central", "% obstructive": the share of the apneas of that type
_BARE_SHARE_RE = re.compile(r"^\W*(?:and\s+)?(?:percent|percentage|%|proportion|share|fraction)(?: of)? (?P<kind>central|obstructive"
                            r"|mixed)(?: apn\w+)?\W*$", I)
# "how many mixed in REM": the apneas of that type
_BARE_KIND_COUNT_RE = re.compile(r"\b(how many) (central|obstructive|mixed)s?\b(?=\s+(?:in|during|while|when|on|at|after"
                                 r"|before|per|between|from|supine|prone)\b|\W*$)", I)
# "is the N3 overscored?", "is the REM right?": how sure the staging is of that stage
_STAGE_DOUBTED_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was|are|were) (?:the |her |his |their )?(?P<stage>n1|n2|n3|rem|wake|deep sleep"
                               r"|slow[- ]wave sleep)(?: sleep)? (?:really )?(?:over[- ]?scor\w*|under[- ]?scor\w*|over[- ]?call\w*"
                               r"|right|correct|accurate|real|reliable|trustworthy|believable)\W*$", I)
_STAGE_MISCOUNTED_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was|are|were) (?:the |her |his |their )?(?P<stage>n1|n2|n3|rem"
                                  r"|wake|deep sleep|slow[- ]wave sleep)(?: sleep)? (?:really |being )?(?:over|under)[- ]?"
                                  r"(?:scor|estimat|call|count|report)\w*(?: by (?:yasa|the machine|the model|sleeplm"
                                  r"|the algorithm))?\W*$", I)
# "what if lights off was 22:40?", "set lights off 22:40 and lights on 6:10": the night summarized
# over that span, its edges taken as lights off and on
_LIGHTS_AT = r"lights? (?P<{0}>off|out|on)(?: (?:was|were|is|at|=|to|time|of|mark))*:?\s*(?P<{1}>\d{{1,2}}(?:[:.h]\d\d)?\s*(?:[ap]\.?m\.?)?)"
_LIGHTS_RE = re.compile(r"^\W*(?:(?:what(?:'s| is| was| would be)? )?(?:the )?(?P<stat>sleep efficiency|efficiency|se|tst|total sleep"
                        r"(?: time)?|waso|sleep (?:onset )?latency|sol)\s+)?"
                        r"(?:(?:what|how) (?:if|about)|if|suppose|assume|set|say|with|use|take|put|when|assuming)?\s*(?:the\s+)?"
                        + _LIGHTS_AT.format("a", "t") + r"(?:,?\s*(?:and|&)\s*(?:the\s+)?" + _LIGHTS_AT.format("b", "u")
                        + r")?\W*$", I)


def _lights(m: re.Match[str]) -> str:
    marks = {m["a"].lower(): m["t"].strip()}
    if m["b"]:
        marks[m["b"].lower()] = m["u"].strip()
    start = marks.get("off") or marks.get("out")
    end = marks.get("on")
    # "sleep efficiency if lights off was at 00:38": that figure, over the night from then
    asked = f"what is the {m['stat']}" if m["stat"] else "summarize the night"
    if start and end:
        return f"{asked} from {start} to {end}"
    return f"{asked} from {start}" if start else f"{asked} until {end}"


# "what's the F1 between YASA's spindles and the human's?": the machine against the scoring, event by event
_EVENT_F1_RE = re.compile(r"^(?=.*\b(?:f1|f-?score|sensitivity|precision|recall|agreement|match\w*)\b)(?=.*\b(?:yasa|machine|"
                          r"detector|automatic)(?:'?s)?\b)(?=.*\b(?:humans?|experts?|scorers?|scoring|manual|tech\w*)(?:'?s)?\b)(?=.*\b(?:spindles?|apno?eas?"
                          r"|hypopno?eas?|arousals?|desat\w*|slow waves?|events?|leg movements?|limb movements?)\b).*$", I)
# "can you tell central from obstructive?", "is it really obstructive without a thorax belt?": how
# the apneas were typed on this night
_APNEA_TYPING_RE = re.compile(r"^(?=.*\b(?:central|obstructive|mixed)\b)(?=.*\b(?:without|no|missing|only one|one|single)"
                              r" (?:\w+ ){0,2}belts?\b|(?!.*\b(?:it'?s|it is|it was)\b).*\b(?:can|could) (?:you|we|i|the app"
                              r"|the machine|yasa)(?: still)? (?:tell|distinguish|differentiate|separate)\b).*$", I)
# "top 5 epochs to check": the sign-off checklist, whose staging part lists them
_EPOCHS_TO_CHECK_RE = re.compile(r"^\W*(?:the )?(?:top|first|worst) (?:\d+|five|ten|three) epochs? (?:to|i should|should i)"
                                 r" (?:check|review|look at|verify)\W*$|^\W*(?:so\s+|and\s+)?(?:which|what) (?:epochs?"
                                 r"|parts?|stretch\w*|events?) (?:should|do|must|would you have) (?:i|we) (?:check|review"
                                 r"|look at|verify|double[- ]check)(?: first)?\W*$", I)
# "which cycle was longest?", "longest cycle?": the sleep cycles, that one first
_BARE_CYCLE_RANK_RE = re.compile(r"^\W*(?:(?:which|what) cycle (?:was|is)(?: the)? (?P<a>longest|shortest)|(?:the )?(?P<b>longest"
                                 r"|shortest) cycle)\W*$", I)
# "central index in NREM vs REM": the central apnea index
_BARE_KIND_INDEX_RE = re.compile(r"\b(central|obstructive|mixed) (index|rate)\b", I)
# "the next deepest" after the deepest desaturation: the next one of the ranked list
_NEXT_RANKED_RE = re.compile(r"^\W*(?:and\s+|ok,?\s+)?(?:show me\s+)?(?:the\s+)?next (?:deepest|longest|lowest|worst|biggest"
                             r"|largest|highest|shortest|strongest)(?: ones?)?\W*$", I)
# "how many apneas did the tech score vs the machine?": each scoring's count, in turn
_COUNT_BY_BOTH_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how many (?P<what>[a-z][a-z -]*?) did (?:the )?(?:tech\w*|human|expert|scorer"
                               r"|sleep tech) (?:score|find|mark|count),? (?:vs\.?|versus|and|compared (?:to|with)|against)"
                               r" (?:the )?(?:machine|yasa|automatic scoring)(?:'s)?(?: (?:find|score|scoring))?\W*$", I)


# "REM latency: expert vs machine", "TST by YASA and by the scorer": a statistic of the stages
# by the human scoring and by the machine's
_HUMAN_WORD = r"(?:the )?(?:expert|human|scorer|tech\w*|sleep tech|manual(?: scoring)?|hypnogram|scoring|scored one)"
_MACHINE_WORD = r"(?:the )?(?:machine|yasa|automatic(?: scoring)?|auto[- ]?scor\w*)(?:'s)?"
_STAT_BY_BOTH_RE = re.compile(rf"[:,]?\s*\b(?:(?:by|from|according to) )?{_HUMAN_WORD}\s+(?:vs\.?|versus|against|and|or"
                              rf"|compared (?:to|with))\s+(?:(?:by|from|according to) )?{_MACHINE_WORD}\b"
                              rf"|[:,]?\s*\b(?:(?:by|from|according to) )?{_MACHINE_WORD}\s+(?:vs\.?|versus|against|and|or"
                              rf"|compared (?:to|with))\s+(?:(?:by|from|according to) )?{_HUMAN_WORD}\b", I)


_CHANGE_IF_MACHINE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|how) would (?:change|differ|be different|move) (?:in|for|about|with)"
                                   r" (?:the |her |his |their )?(?P<what>[\w %-]+?) if (?:we|you|i|they) (?:used?|took|switched to"
                                   r"|went with|relied on) (?:the )?(?:machine|yasa|automatic)(?:'s)?(?: staging| stages| scoring"
                                   r"| hypnogram)?\W*$", I)


def of_both_scorings(text: str) -> str | None:
    """The question "how many apneas did the tech score vs the machine?" or "REM latency:
    expert vs machine" asks of each scoring in turn ("how many apneas?", "REM latency?"), None
    for any other."""
    if m := _COUNT_BY_BOTH_RE.search(text):
        return f"how many {m['what']}?"
    if m := _CHANGE_IF_MACHINE_RE.search(text):
        # "what would change in the TST if we used the machine staging?": the TST by each
        return f"what is the {m['what']}?"
    if (m := _STAT_BY_BOTH_RE.search(text)) and _STAGE_STATISTIC_RE.search(text):
        rest = f"{text[:m.start()]} {text[m.end():]}".strip(" ,:?.!")
        return f"{rest}?" if rest else None
    return None


# "which stage is out of range?": the night against the norms
_OUT_OF_RANGE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what) (?:stages?|figures?|numbers?|values?|ones?|measures?"
                              r"|parameters?)(?: (?:is|are|was|were))? (?:out of|outside(?: of)?|off|beyond) (?:the )?(?:normal"
                              r" |typical |healthy )?(?:range|norms?|limits?)\W*$|^\W*(?:and\s+|so\s+)?(?:which|what)"
                              r" (?:stages?|figures?|numbers?|values?|ones?) (?:is|are|was|were) abnormal\W*$", I)
# "how does the model do on this night?": its staging against the night's reference staging
_MODEL_DOES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:does|did|is|was) (?:the |your )?(?:model|sleeplm|zero[- ]?shot"
                            r"(?: staging)?) (?:do|doing|perform|performing|fare|faring|work|working|get on|hold up)"
                            r"(?: on| with| for| in)?(?: (?:this|the|that) (?:night|recording|study|file|patient)| here)?\W*$", I)
# "what can you tell me then?" after what cannot be scored: what stands out in what can be
_WHAT_CAN_YOU_TELL_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?what (?:else )?(?:can|could) you (?:tell|say|show)"
                                   r"(?: me| us)?(?: then| instead| about (?:it|this|this night|this recording|the night))?\W*$", I)
# "how deep was the sleep there?" after an epoch was shown: its stage and the slow waves behind it
_DEPTH_HERE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:deep|light|deeply|soundly) (?:was|is) (?:the |her |his |their )?"
                            r"(?:sleep|she sleeping|he sleeping|they sleeping|she asleep|he asleep|they asleep)"
                            r" (?:there|here|then|at that (?:point|time|moment)|in (?:that|this) epoch)\W*$", I)
# "how does her N3 compare to someone her age?": that figure against the norms for the age
_AGE_PEERS_RE = re.compile(r"^\W*(?:and\s+|so\s+)?how (?:does|did|do|is|was|are|were) (?:her |his |their |the |this |my )?"
                           r"(?P<what>[\w% -]+?) compar\w* (?:to|with|against) (?:someone|somebody|people|others|other people"
                           r"|an? (?:typical|average|normal|healthy) (?:person|sleeper|adult|child|patient)|(?:typical |healthy "
                           r"|normal )?(?:sleepers|adults|peers)|the norms?|norms|normal|healthy people|average)"
                           r"(?: (?:of |at )?(?:her|his|their|the same|that|this|similar) age)?\W*$", I)
# "which stage does it confuse most?" after the model's disagreements: "it" is the model
_IT_CONFUSES_RE = re.compile(r"\b(?P<lead>(?:which|what) (?:sleep )?stages? (?:does|did|do)) (?:it|they)(?= (?:confuse|mix(?:es)? up"
                             r"|get wrong|misclassify|mistake|struggle with|miss|mis-?score|mis-?stage)\b)", I)
# "are there arousals after most apneas?": the share of those events followed by an arousal
_AROUSALS_FOLLOW_RE = re.compile(r"^\W*(?:are|were|is|was|do|did) (?:there )?(?:any |the )?arousals? (?:come )?(?:after|following"
                                r"|follow)"
                                r" (?:most |all |every |each |the )*(?:of )?(?:the )?(?P<kind>[a-z][a-z -]*?)\W*$", I)


def _arousals_after(m: re.Match[str]) -> str:
    kind = find_phenomenon(m["kind"])
    if kind is None or not kind.event_types or kind.key == "arousal":
        return m.group(0)
    return f"what percentage of {m['kind']} were followed by an arousal?"


# "which stage is worst?" after two stagings were compared: where they agree least
_WORST_STAGE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?which (?:sleep )?stage (?:is|was|has|had) (?:the )?(?:worst|weakest|hardest"
                             r"|least accurate|least agreement|lowest (?:agreement|f1)|most confused)\W*$", I)
# "explain what happens in N2", "what happens during deep sleep?": the stage explained (the
# night's own is "what happened in N2?")
_WHAT_HAPPENS_IN_STAGE_RE = re.compile(r"^\W*(?:(?:can you |could you |please )?(?:explain|describe|tell me)\s+)?"
                                       r"what (?:happens|goes on)(?: to (?:the|your) (?:body|brain))?\s+(?:in|during)\s+"
                                       r"(?:stage\s+)?(?P<stage>n1|n2|n3|rem|deep|light|slow[- ]wave)(?:\s+sleep)?\W*$", I)
# "what pediatric criteria apply?": the night read as a child's (the adult ranges do not fit)
_CHILD_RULES_RE = re.compile(r"^.*\b(?:pediatric|paediatric|children'?s|child)\b.{0,25}\b(?:criteria|rules?|scoring"
                             r"|norms?)\b.*$"
                             # "what's different about a child's sleep study?"
                             r"|^.*\b(?:different|differs?|changes?)\b.{0,25}\b(?:pediatric|paediatric|children'?s"
                             r"|child'?s?|kids?'?|a minor'?s)\b.{0,20}\b(?:sleep )?(?:stud(?:y|ies)|psg|polysomnogra\w*"
                             r"|scoring|recordings?|nights?)\b.*$"
                             r"|^.*\b(?:pediatric|paediatric|children'?s|child'?s?)\b.{0,20}\b(?:sleep )?(?:stud(?:y|ies)"
                             r"|psg|polysomnogra\w*|scoring|recordings?)\b.{0,25}\b(?:differ\w*|different)\b.*$", I)
_PLAIN_WORDINGS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_STAGER_PAIR_RE, _stager_pair), (_LIGHTS_RE, _lights), (_EPOCHS_TO_CHECK_RE, "sign-off checklist"), (_APNEA_TYPING_RE, "how were the apneas scored here?"),
    (_BARE_CYCLE_RANK_RE, lambda m: f"which sleep cycle was the {m['a'] or m['b']}?"), (_EVENT_F1_RE, "how accurate is YASA on this night?"), (_CHILD_RULES_RE, "is this normal for a child?"),
    (_BARE_REM_RELATED_RE, "is the AHI REM-related (AHI in REM vs NREM)?"),
    (_BARE_SHARE_RE, r"what percentage of apneas were \g<kind>?"), (_BARE_KIND_COUNT_RE, r"\1 \2 apneas"),
    (_NEXT_RANKED_RE, "show me the next one"), (_BARE_KIND_INDEX_RE, r"\1 apnea \2"), (_WHAT_HAPPENS_IN_STAGE_RE, r"what is \g<stage> sleep?"),
    (_TWO_IN_ONE_EPOCH_RE, _two_in_one_epoch),
    (_WORST_STAGE_RE, "which stage do they disagree on most?"),
    (_AROUSALS_FOLLOW_RE, _arousals_after),
    (_IT_CONFUSES_RE, lambda m: f"{m['lead']} the staging"),
    (_VS_OTHERS_RE, "is that normal?"), (_AGE_PEERS_RE, r"is \g<what> normal?"),
    (_CHIN_HERE_RE, "what is the chin EMG tone in this epoch?"), (_WHERE_START_RE, "what stands out in this night?"),
    (_REVIEW_RE, "sign-off checklist"), (_CHANNEL_TROUBLE_RE, "which channel is the noisiest?"), (_WHAT_CAN_YOU_TELL_RE, "what stands out in this night?"),
    (_MODEL_DOES_RE, "how accurate is the model?"), (_GOOD_HOURS_RE, "is this a valid home sleep test?"),
    (_HUMAN_VS_MACHINE_RE, "how does YASA compare with the expert?"), (_OUT_OF_RANGE_RE, "is this night normal?"),
    (_WHAT_THERE_RE, r"\1 then?"), (_SHOW_SYSTEM_IN_RE, r"describe the \g<what> in \g<stage>"),
    (_TWO_STAGERS_RE, lambda m: "how does the model compare with "
     + ("YASA?" if m["other"].lower() in ("yasa", "machine") else "the expert?")), (_LEAD_OFF_RE, "were there any periods of bad signal?"), (_DEPTH_HERE_RE, "why is this epoch scored as it is?"),
    (_UNTIL_FIRST_RE, _until_first),
    (_ONSET_STAGE_RE, "when was sleep onset?"),
    (_SEVERE_THAT_RE, "how severe is the apnea?"), (_LIKE_GRADE_RE, "how severe is the apnea?"),
    (_CALL_IT_GRADE_RE, "how severe is the apnea?"),
    (_BAD_THAT_RE, "is that normal?"), (_JUDGED_THAT_RE, _judged_that), (_WHY_SO_RE, "why?"),
    (_WHERE_ASLEEP_RE, "when was sleep onset?"), (_TERSE_KIND_RE, _terse_kind),
    (_CSA_OR_OSA_RE, "which type of apnea is the commonest?"), (_NADIR_WHEN_RE, "when was the lowest SpO2?"),
    (_AHI_BUT_CENTRAL_RE, "what is the obstructive apnea-hypopnea index?"),
    (_WORSE_ON_BACK_RE, "is the apnea worse when supine?"),
    (_AWAKENINGS_CAUSED_RE, "what woke the patient?"),
    (_INDEX_EACH_STAGE_RE, r"\g<index> by stage"),
    (_WOKE_AT_HOUR_RE, lambda m: f"{m['lead']}{m['hour']} {'pm' if 8 <= int(m['hour']) <= 11 else 'am'}?"),
    (_EVER_STAGE_RE, r"how much \g<stage> was there?"),
    (_BARE_KAPPA_RE, "what is the kappa?"),
    (_KIND_VS_KIND_RE, lambda m: f"what's the difference between {article(m['a'])} and {article(m['b'])}?"),
    (_CO2_RE, "any hypoventilation?"),
    (_STAGE_SHARES_RE, "give me the stage durations in minutes"), (_MONITORED_RE, "how long was the recording?"),
    (_ONE_DIGIT_RE, r"\1 one"), (_W_WITH_RE, r"\1 with "), (_DESATURATE_RE, "any desaturations?"),
    (_TIME_TO_STAGE_RE, r"\1 latency"), (_EPOCH_LENGTH_RE, "how long was the recording?"),

    (_RESTLESS_WHEN_RE, "which hour was the most fragmented?"),
    (_BETTER_HALF_RE, "compare the first half with the second half"),
    (_EVENTS_WORSE_HALF_RE, _events_worse_half),
    (_DROPS_MORE_RE, r"were desaturations deeper \1 \2?"),
    (_SCORE_NIGHT_RE, "how was this night scored?"), (_RECOGNISE_RE, _recognise),
    (_BEFORE_AND_AFTER_RE, r"compare \1"),
    (_EFFICIENT_YES_NO_RE, "was the sleep efficiency normal?"),
    (_SLEPT_THROUGH_RE, "how many times did the patient wake up?"),
    (_HOW_EFFICIENT_RE, "what was the sleep efficiency?"),
    (_STAGERS_SAY_RE, lambda m: _one_epoch(m, "what stage is {}?")),
    (_SURE_EPOCH_RE, lambda m: _one_epoch(m, "why is {} scored as it is?")),
    (_RESTLESS_RE, "how fragmented was the sleep?"),
    (_CIRCADIAN_NADIR_RE, "the lowest body temperature"),
    (_WHICH_WORST_RE, _WORST_PART_EVENTS["bre"]), (_SLEPT_ON_BACK_RE, "how long supine"),
    (_EARLY_AWAKENING_RE, "how long was the patient awake in the morning?"),
    (_IN_BED_AFTER_RE, "how long was the patient awake in the morning?"),
    (_SWA_RE, "NREM delta power"), (_SWA_STAGED_RE, "delta power"), (_WALK_THROUGH_RE, "summarize"),
    (_EACH_STAGE_EXAMPLE_RE, "what are the sleep stages?"), (_TIED_DESAT_DEPTH_RE, "how low did the sat go?"),
    (_PLM_AROUSAL_RE, "periodic leg movements with an arousal per hour"),
    (_SEE_IN_STAGE_RE, r"what is \1 sleep?"), (_KNOW_STAGE_FROM_RE, r"how do I tell \1 from \2?"),
    (_WHAT_ALPHA_RE, "what is alpha rhythm?"), (_SHOW_THEM_RE, "show me"),
    (_NOTICE_HERE_RE, "why is this epoch scored as it is?"),
    (_DEEPER_WHICH_RE, r"were \3 deeper in \1 than \2?"), (_DEPTH_COMPARED_RE, r"were \1 deeper in \2 than \3?"), (_BEST_HOUR_RE, "give me a table of stages by hour"),
    (_FIRST_AFTER_RE, r"what stage usually followed \1?"), (_FASTER_ACROSS_RE, r"were \1 \2 in the second half?"),
    (_CHANGE_FROM_RE, r"compare \1 in the first and \2 \3"),
    (_AMPLITUDE_ACROSS_RE, _amplitude_across), (_HIGH_EPOCHS_RE, _high_epochs),
    (_HOW_LOUD_RE, "how loud was the snoring?"), (_SNORING_LOUDEST_RE, r"\1 highest"), (_STAGE_MOSTLY_WHEN_RE, r"was there more \1 early in the night?"),
    (_LATER_REM_DENSITY_RE, "rapid eye movements per minute in REM by sleep cycle"),
    (_AROUSALS_AFTER_RE, "what percentage of arousals were respiratory?"), (_HOW_MANY_HOW_LONG_RE, r"\1?"))
# "any sleep-onset REM periods?": REM latency against the SOREMP limit.
_SOREMP_RE = re.compile(r"\b(?:sleep[- ]onset rem(?: sleep)?(?: periods?| episodes?)?|soremps?"
                        r"|sorems?)\b", I)
_THANKS_RE = re.compile(r"^\s*(?:(?:ok(?:ay)?|great|perfect|cool|nice|got it),?\s*)?(?:thanks?"
                        r"(?: you)?(?: (?:so|very) much)?|thx|ty|cheers|much appreciated)[\s!.]*$", I)
_BARE_COMPARE_RE = re.compile(r"^\s*(?:please\s+)?(?:compare|comparison|contrast)(?: (?:them|it|"
                              r"please))?\W*$", I)
# A stage named alone ("REM", "N2?", "deep sleep", "stage 3 sleep").
_BARE_STAGE_RE = re.compile(r"^\s*(?:the\s+)?(?:rem|nrem|non[- ]?rem|n[123]|stage\s*(?:[123]|one|two"
                            r"|three|w)|deep(?:est)?|light|slow[- ]wave|sws|wake(?:fulness)?|dream"
                            r"(?:ing)?)(?:\s+(?:sleep|stage|periods?|epochs?))?\s*\??\s*$", I)
# "REM density": rapid eye movements per minute of REM sleep, in the words the rules read.
_PER_STAGE_RE = re.compile(r"\bper (min(?:ute)?|h(?:ou)?r) of (rem|nrem|n[123]|non[- ]?rem)"
                           r"(?: sleep)?\b", I)
_REM_DENSITY_RE = re.compile(r"\b(?:rem|rapid eye movement) density\b(?: in (?:the )?rem(?: sleep)?)?", I)
# Words that name an event and a signal at once ("desaturations" reads as SpO2): removed
# before asking whether a signal is named on its own.
_PHEN_FREE_RE = re.compile(r"\b(?:desat\w*|tachycardi\w*|bradycardi\w*)\b", I)
_APNEA_KINDS = ("obstructive_apnea", "central_apnea", "mixed_apnea")
_BREATHING_EVENTS = (*_APNEA_KINDS, "apnea", "hypopnea", "respiratory_event")
_SUBTYPES = {"obstr": "obstructive_apnea", "centr": "central_apnea", "mixed": "mixed_apnea",
             "hypop": "hypopnea"}
_SHARE_RE = re.compile(r"\b(?:what|which) (?:percent(?:age)?|fraction|proportion|share|part|portion"
                       r"|ratio)\b|\b(?:mostly|mainly|predominantly|majority)\b|^\W*(?:were|are|was|is)"
                       r" most\b|\bhow many of (?:the|these|those|them|all)\b|\b(?:percent(?:age)?"
                       r"|fraction|proportion|share) of (?:the |all )?(?:apn|events|breathing)"
                       r"|%\s+of\b", I)
# "were the central apneas mostly in NREM?" names the subject, not the part: no subtype share
_SUBTYPE_RE = re.compile(r"\b(?:were|was|are|is)\s+(?:\w+\s+){0,4}?(obstructive|central|mixed"
                         r"|hypopn\w*)\b(?!\s+apn)", I)
_EVENTS_RE = re.compile(r"\b(?:events?|hypopn\w*)\b.*\b(?:were|was|are|is)\b|\b(?:were|was|are|is)\b"
                        r".*\bevents\b", I)
_APNEA_KIND_RE = re.compile(r"\b(obstructive|central|mixed)\b", I)
def _apnea_kinds_named(text: str, phen: Phenomenon | None) -> bool:
    """Two or more apnea types named ("obstructive vs central apneas", "how many obstructive vs
    central vs mixed?"): the family, split by type. Without an apnea word, "obstructive" must be
    one of them, since "central" and "mixed" also name EEG leads and frequencies."""
    kinds = {m.lower() for m in _APNEA_KIND_RE.findall(text)}
    if len(kinds) < 2:
        return False
    return phen.key in _APNEA_KINDS if phen is not None else "obstructive" in kinds


_HOW_KNOW_KIND_RE = re.compile(r"^\s*(?:and\s+|so\s+)?how (?:do|can|could|would|did) (?:i|you|we|one|a "
                               r"scorer) (?:know|tell|see|be sure)\b.{0,30}?\b(obstructive|central|mixed)"
                               r"\b(?! \w+ (?:and|or|from|vs))"
                               # "why is it called central?": what makes that kind
                               r"|^\W*(?:and\s+|so\s+)?why (?:is|are|was|were) (?:it|they|this|that|these|those"
                               r"|this one|that one) (?:called|scored as|named) (obstructive|central|mixed)\b", I)


# "how is an arousal scored?", "what is a K-complex and how is it defined?": the rule for one
# phenomenon (group 1 or 2 holds the words that name it), not the night's scoring.
_HOW_SCORED_RE = re.compile(r"^\W*(?:what(?:'s| is| are) (?:an? |the )?(.+?) and )?how (?:is|are|do(?:es)?"
                            r" (?:you|one|we|scorers?|the aasm)) (?:(?:an? |the )?(.+?)|it|they)"
                            r" (?:scored|defined|detected|identified|recogni[sz]ed|marked|counted)\b", I)


# "is the patient a child?", "is she female?": a yes or no about who was recorded, first.
_PATIENT_CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("child", re.compile(r"\b(?:child|kid|boy|girl|minor|pediatric|paediatric|infant|teen\w*|adolescent)\b", I)),
    ("older", re.compile(r"\b(?:elderly|older adult|senior|over (?:65|sixty[- ]five))\b", I)),
    ("adult", re.compile(r"\b(?:adult|grown[- ]?up)\b", I)),
    ("female", re.compile(r"\b(?:female|woman|lady)\b", I)),
    ("male", re.compile(r"\b(?:male|man)\b", I)),
)


def _patient_claim(text: str) -> str | None:
    """The class a yes-or-no question about the patient names ("claim:child"), None when the
    question is not yes or no ("how old is she?") or names both sexes."""
    if re.search(_BODY_ASKED, text, I):
        return "claim:body"   # "what's her BMI?": never in an EDF header
    if not re.match(r"^\W*(?:and\s+|so\s+)?(?:is|was|are|were)\b", text, I) or re.search(
            r"\bor\b", text, I):
        return None
    if m := re.search(r"\b(over|older than|above|under|younger than|below) (\d+)\b", text, I):
        # "is the patient over 60?": "claim:over:60"
        side = "over" if m.group(1).lower() in ("over", "older than", "above") else "under"
        return f"claim:{side}:{m.group(2)}"
    return next((f"claim:{name}" for name, pattern in _PATIENT_CLAIMS if pattern.search(text)), None)


# The clauses of a list question ("the AHI, the supine AHI, the lowest sat and the T90"), for a
# rule whose two words must be said of one thing
_CLAUSE_RE = re.compile(r"\s*[,;]\s*|\s+and\s+(?=the\b|her\b|his\b|their\b|what\b|how\b)", I)
_POSITION_NADIR_RE = re.compile(r"\b(?:nadir|lowest (?:sat\w*|spo2|o2|oxygen|saturation)|(?:minimum|min|lowest) (?:spo2|sat\w*|o2)"
                                r"|(?:spo2|sat\w*|o2|oxygen) (?:nadir|minimum|low point))\b", I)
"""The lowest SpO2 asked for, which with a body position is that position's lowest sample."""
_NOISIEST_RE = re.compile(r"\b(?:which|what) (?:channels?|leads?|signals?|electrodes?|derivations?)\b.*\b(?:noisiest"
                          r"|most (?:noise|noisy|artefacts?|artifacts?|artefacted|artifacted)|cleanest|least noisy"
                          r"|noisy|worst quality|best quality|(?:most|least) (?:clean|contaminated))\b"
                          r"|\b(?:noisiest|cleanest|least noisy|noisy) (?:channels?|leads?|signals?|electrodes?)\b"
                          r"|\b(?:mains|line|50 ?hz|60 ?hz) (?:noise|hum|interference)\b|\bnoise (?:per|by|on each) "
                          r"(?:channel|lead)\b", I)


_CAN_SCORE_RE = re.compile(r"^\W*(?:can|could|would|will) (?:you|it|the (?:app|machine)) (?:still |even |really "
                           r"|actually )?(?:score|detect|find|count)\b", I)
_BREATHING_WORD_RE = re.compile(r"\b(?:breathing|respiration|respiratory)\b", I)


def _topic(text: str) -> str | None:
    """The recording topic a question asks about ("channels", "scoring", "quality")."""
    topic = next((name for name, pattern in _TOPIC_RE if pattern.search(text)), None)
    # "how many epochs were N1?" counts a stage, not the file's epochs; "what an apnea looks
    # like on the airflow channel" is an explanation
    if topic == "channels" and (stage_term(text) or re.search(r"\blooks? like\b", text, I)):
        return None
    return topic


def _semantic(text: str, time: TimeSpan | None, phen: Phenomenon | None,
              stages: tuple[str, ...], signal: str | None) -> tuple[Intent, tuple[str, float] | None]:
    """Intent from the semantic layer, else from the slots found, else not understood."""
    match = intent_bank().classify(text)
    if match is not None and match.label == Intent.NORMAL.value and signal and phen is None:
        # "did her temperature drop during sleep?" names a signal and no norm (a norm's words
        # are read by rule): the signal measured, not the night's stage statistics
        return Intent.MEASURE, (match.label, match.cosine)
    if match is not None:
        return Intent(match.label), (match.label, match.cosine)
    if phen is not None:
        intent = Intent.EXPLAIN if _EXPLAIN_RE.search(text) else Intent.LOCATE
    elif stages:
        intent = Intent.STAGE_AMOUNT if _AMOUNT_RE.search(text) else Intent.STAGE_TIMING
    elif signal is not None:
        intent = Intent.MEASURE
    elif time is not None:
        intent = Intent.DESCRIBE
    elif _DOMAIN_RE.search(text):
        intent = Intent.UNKNOWN
    else:
        intent = Intent.OFF_TOPIC
    return intent, None


_RETRIEVAL_WORDS_RE = re.compile(r"\b(?:similar|more|other|another|different|nights?|recordings?"
                                 r"|library|look|alikes?|resembl\w*|nearest|neighbou?rs?|ones?"
                                 r"|epochs?|examples?|cases?|retrieve|elsewhere|patients?|studies"
                                 r"|files|any|some)\b", I)
_LIKE_THIS_RE = re.compile(r"\blike (?:this|that|it|the current|this one|the one on screen)\b", I)


# "what proportion of N3 was in the first third of the night?": of that stage's minutes
_SHARE_OF_STAGE_RE = re.compile(r"\b(?:share|proportion|percentage|percent|fraction|part|portion|how much) of (?:the |her |his"
                                r" |their |all )?(?:the )?(?:night'?s )?(?:n[123]|rem|deep sleep|slow[- ]wave sleep|sws|light sleep"
                                r"|stage [123]|wake|rem sleep)(?: sleep)? (?:was|were|fell|occurred|happened|came|is|took place)\b", I)


def _finish(query: Query, text: str, stages: tuple[str, ...], by_rule: bool) -> Query:
    """Intent-specific slots: stage events, compare groups, views, ages; follow-up marks."""
    intent = query.intent
    if intent == Intent.STAGE_AMOUNT and _EPOCH_COUNT_RE.search(text):
        query = replace(query, note="epochs")   # the amount counted in epochs first
    elif intent == Intent.STAGE_AMOUNT and query.scope.time is not None and _SHARE_OF_STAGE_RE.search(text):
        query = replace(query, note="share_of_stage")   # of the stage's own minutes first
    if intent in (Intent.STAGE_TIMING, Intent.STAGE_AMOUNT):
        if m := _LONGEST_RUN_RE.search(text):
            # "the longest stretch of (continuous) sleep": runs of any sleep stage.
            stages = stage_term(m.group(2)) or ("N1", "N2", "N3", "REM")
            query = replace(query, rank=m.group(1).lower())
        scope = replace(query.scope, stages=stages or query.scope.stages)
        if scope.time is not None and scope.time.kind == "period":
            # "how long was the first REM period?": that period among the stage's, as listed
            scope = replace(scope, time=None)
            query = replace(query, rank=query.rank or _rank(text))
        query = replace(query, scope=scope, stage_event=_stage_event(text, scope.stages)
                        if intent == Intent.STAGE_TIMING else None)
        if query.stage_event == "onset" and _ONSET_LENGTH_RE.search(text):
            query = replace(query, note="latency")   # "how long did it take to fall asleep?"
    elif intent == Intent.COMPARE:
        found = _compare_groups(text)
        if found is not None:
            groups, measure = found
            query = replace(query, groups=groups, measure=measure or None)
        if (stat := _stat(text)) in INDEX_STATS:
            query = replace(query, stat=stat)  # "compare the AHI in REM and N2": the index
    elif intent == Intent.SHOW:
        m = _VIEW_RE.search(text)
        query = replace(query, view=m.group(1).lower() if m else "overview")
    elif intent == Intent.SUMMARY:
        named = _stats(text)
        query = replace(query, stat=named[0] if named else None, more_stats=named[1:])
    elif intent == Intent.NORMAL:
        # "how much deep sleep did she get compared to normal?": that row first
        query = replace(query, age=_age(text), target=query.target if query.target in _NORM_ROW_NAMES
                        else _norm_row(text))
    elif intent == Intent.SIMILAR and query.phenomenon is None and (
            _LIKE_THIS_RE.search(text)
            or not re.sub(r"[\W_]+", "", _RETRIEVAL_WORDS_RE.sub(" ", query.target or ""))):
        # "find more like this in other nights", "find similar epochs": from this epoch
        query = replace(query, target=None)
    elif intent == Intent.EXPLAIN and query.phenomenon is None and stages:
        query = replace(query, phenomenon=STAGE_HALLMARK.get(stages[0]))
    elif intent in (Intent.MEASURE, Intent.THRESHOLD) and query.signal is None:
        query = replace(query, signal=_signal_of(query))
    return _repeat(query, text, stages, by_rule)


def _signal_of(query: Query) -> str | None:
    if query.condition is not None:
        return query.condition.signal
    phen = next((p for p in PHENOMENA if p.key == query.phenomenon), None)
    return phen.condition.signal if phen and phen.condition else None


def _with_slots(query: Query, text: str, time: TimeSpan | None) -> Query:
    """A follow-up with whatever new stages, time, signal or phenomenon it names."""
    stages, rest = _stage_filter(text.replace(time.text, " ") if time else text)
    signal = _signal(text)
    condition, duration = _conditions(text, signal)
    phen = find_phenomenon(rest)
    if phen is None and (kind := _APNEA_KIND_RE.search(rest)):
        phen = find_phenomenon(f"{kind.group(1)} apneas")  # "only the obstructive ones"
    return replace(query, scope=Scope(stages or stage_term(rest), time), signal=signal,
                   condition=condition, min_duration=duration,
                   rank=_signal_rank(_rank(rest) or query.rank, signal),
                   phenomenon=phen.key if phen else query.phenomenon, max_duration=_max_duration(text),
                   min_amplitude=_amplitude_floor(text))


# Follow-ups: "and the scoring?" names a recording topic; "and in the last one?" an ordinal.
_BARE_TOPIC_RE = tuple((name, re.compile(rf"\b(?:{p})\b", I)) for name, p in (
    ("channels", r"channels?|signals?|montage|sampling rates?"),
    ("scoring", r"scoring|scorer|staging|confidence"),
    ("quality", r"quality|artefacts?|artifacts?|noise|flat lines?")))
_ONE_OF_RE = re.compile(r"\b(first|second|third|fourth|fifth|sixth|last|final)\s+one\b", I)


# "what happened just before the longest desaturation?": find that one, then look around it.
# One ranked event or period: "the longest apnea", "the very first REM period".
_THE_ONE = (r"the\s+(?:very\s+)?(?:longest|shortest|deepest|worst|biggest|largest|first|last"
            r"|earliest|latest|strongest|lowest)\s+.+?")
_AROUND_THE_ONE_RE = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|anything)\s+(?:happened|was happening|was going on|occurred"
    r"|came|went on)\s+((?:just |right |immediately |shortly )?(?:before|after|prior to|leading up"
    rf" to)|during|in)\s+({_THE_ONE})\s*\W*$", I)

# "what does the EEG look like in the 30 seconds before the first arousal?": any question
# about the time next to one, asked of "it" once that one is found.
_NEXT_TO_THE_ONE_RE = re.compile(r"^(.*\b(?:before|after|prior to|leading up to|following))\s+"
                                 rf"({_THE_ONE})\s*\W*$", I)


# "what woke the patient at the longest awakening?", "what caused the longest desaturation?":
# what happened just before it.
_WHAT_CAUSED_RE = re.compile(
    r"^\s*what\s+(?:woke|roused|caused|triggered|set off|led to|preceded)\s+(?:(?:the patient|him"
    r"|her|them|me|the sleeper|the person|he|she|they)\s+)?(?:up\s+)?(?:at\s+|during\s+|in\s+"
    r"|for\s+|before\s+)?(?=the\s)", I)
_DESAT_DEPTH_RE = re.compile(r"^\W*(?:and\s+)?how (?:deep|low|big|large|far|much)\b.{0,20}\b(?:desat\w*|drop|dip|fall|spo2"
                             r"|sat(?:uration)?|oxygen|o2)\b", I)
_AFTER_THE_ONE_RE = re.compile(rf"\b(?:after|following|from)\s+({_THE_ONE})\s*\W*$", I)
_AND_THE_ONE_RE = re.compile(rf"^\s*(?:and|what about|how about)\s+(?:after\s+|for\s+|following\s+)?"
                             rf"({_THE_ONE})\s*\W*$", I)
_AROUND_STAGE_EVENTS = ("periods", "awakenings", "first", "last")
"""Stage timings whose answer lists periods that "what happened just before it?" can take."""


_TRANSITION_INTO_RE = re.compile(r"^\W*(?:describe|show(?: me)?|explain|what happen\w*(?: at| in"
                                 r"| during)?)\s+(?:the\s+)?transition\s+(?:in)?to\s+(?=the\s+(?:first"
                                 r"|second|third|last|longest)\b)", I)


# "the third one", "the second of them", "number 4": one item of the last list, by its place
_LISTED_ONE_RE = re.compile(rf"\b(?:the\s+)?(?:{_ORDINAL}\s+(?:one|of (?:them|those|these)|event|episode)"
                            rf"|(?:number|no\.?|#)\s*(\d+))\b", I)
_PRONOUN_RE = re.compile(r"\b(?:it|that one|this one)\b", I)


def one_of_the_list(text: str) -> tuple[str, str] | None:
    """A question about one item of the last list named by its place, as the two questions it
    stands for ("what stage was the third one in?": "show me the third one", "what stage was it
    in?"; "the second one - was it obstructive?"), else None."""
    m = _LISTED_ONE_RE.search(text)
    if m is None or understand(text).ref == Ref.FOCUS:
        return None   # "show me the third one", "how long was the second one?" pick it already
    word = (m.group(1) or m.group(2)).lower()
    pick = f"show me the {word if m.group(1) else _ORDINAL_WORDS.get(int(word), f'#{word}')} one"
    before, after = text[:m.start()].strip(), text[m.end():].strip()
    if not before and (rest := after.lstrip("-–—:,; ").strip()) and _PRONOUN_RE.search(rest):
        return pick, rest   # "the third one - how long was it?"
    if _LISTED_ONE_RE.search(after) or not (set(re.findall(r"[a-z]+", f"{before} {after}".lower())) - _LINKS):
        # "compare the first one with the second one" asks about two; "and in the last one?"
        # carries the last question on (Dialogue.resolve)
        return None
    return pick, f"{before} it{after if not after[:1].isalnum() else ' ' + after}"


_LINKS = {"and", "so", "but", "or", "in", "at", "for", "during", "from", "of", "after", "before", "about", "what",
          "how", "then", "now", "ok", "okay", "also", "the", "with", "to", "on"}
"""Words that only join a follow-up to the last question ("and in the last one?")."""
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
                  7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}


def around_the_one(text: str, recovery_asked: bool = False) -> tuple[str, str] | None:
    """A question about the time around one ranked event or stage period, as the two
    questions it stands for ("show me the longest desaturation", "what happened just before
    it?"), else None. ``recovery_asked``: the last answer was an SpO2 recovery, so "and
    after the longest hypopnea?" asks for that one's."""
    if _FIRST_WOKE_RE.search(text):
        # "what woke her up the first time?": the awakenings after sleep onset, the first in focus,
        # then its cause ("the first awakening" alone reads as the first arousal)
        return "how many awakenings?", "what woke the patient?"
    if _NADIR_CAUSE_RE.search(text):
        # "what caused the nadir?": the lowest SpO2 reading, then what came just before it
        return "what was the lowest SpO2?", "what happened just before it?"
    text = _WHAT_CAUSED_RE.sub("what happened just before ", " ".join(text.split()))
    # "describe the transition into the first N3": the minute before that period, and it
    text = _TRANSITION_INTO_RE.sub("what happened just before ", text)
    if recovery_asked and (one := _AND_THE_ONE_RE.search(text)):
        return f"show me {one.group(1)}", "how long did the SpO2 take to recover after it?"
    if _DESAT_DEPTH_RE.search(text) and (one := _AFTER_THE_ONE_RE.search(text)) and _found_one(one.group(1)):
        # "how deep was the desat after the longest apnea?": that apnea, then its desaturation's
        # depth (probe O: the longest desaturation tied to any apnea, with no depth)
        return f"show me {one.group(1)}", "how deep was the desaturation after it?"
    if _RECOVERY_RE.search(text) and (one := _AFTER_THE_ONE_RE.search(text)):
        # "how long did SpO2 take to recover after the longest apnea?"
        return f"show me {one.group(1)}", "how long did the SpO2 take to recover after it?"
    m = _AROUND_THE_ONE_RE.search(text)
    if m is None:
        if (near := _NEXT_TO_THE_ONE_RE.search(text)) is None:
            return None
        second = f"{near.group(1)} it?"
        if (understand(second).ref != Ref.CONTEXT or find_phenomenon(near.group(1)) is not None
                or not _found_one(near.group(2))):
            return None   # "how many apneas were there after the first REM period?" is a span
        return f"show me {near.group(2)}", second
    if not _found_one(m.group(2)):
        return None
    return f"show me {m.group(2)}", f"what happened {m.group(1)} it?"


# "the heart rate in the worst hour", "describe the breathing during the busiest hour": that
# hour found first (the breathing's, as "the worst hour" is), then asked about as "that hour"
_IN_WORST_HOUR_RE = re.compile(r"\b(?:in|during|over|for|within) the (?:worst|busiest) hour(?: (?:for|of) (?:the )?"
                               r"(?:breathing|apneas?|respiratory events|events|the night))?\b", I)
_WHICH_HOUR_RE = re.compile(r"^\W*(?:(?:which|what) (?:hour|time|part)\b|when\b)", I)


def in_the_worst_hour(text: str) -> tuple[str, str] | None:
    """A question about the night's worst hour for breathing as the two questions it stands
    for ("which hour had the most apneas and hypopneas", then the question "in that hour"),
    else None; "which hour was worst?" itself is not one."""
    m = _IN_WORST_HOUR_RE.search(text)
    if m is None or _WHICH_HOUR_RE.search(text):
        return None
    return _WORST_PART_EVENTS["bre"], f"{text[:m.start()]}in that hour{text[m.end():]}"


# "what position was she in at the lowest?", "was she on her back at the nadir?", "what stage at
# the SpO2 nadir?": the nadir found first, then the question asked of that moment
_AT_THE_NADIR_RE = re.compile(r"^(?P<asked>.*\b(?:position|lying|on (?:her|his|the|their) (?:back|side|front|stomach)"
                              r"|supine|prone|stage))\b.*?\s+(?:at|during|around) the (?:spo2 |sat(?:uration)? |oxygen |o2 )?"
                              r"(?:nadir|lowest(?: (?:spo2|sat(?:uration)?|oxygen|o2|point|value|reading))?)\W*$", I)


_AT_THE_ONE_RE = re.compile(r"^(?P<asked>.*\b(?:position|lying|on (?:her|his|the|their) (?:back|side|front|stomach)"
                            r"|supine|prone|stage))\b.*?\s+(?:at|during|in|around) (?P<one>the (?:longest|shortest|deepest"
                            r"|worst|biggest|first|last|earliest|latest) [\w -]+?)\W*$", I)


def at_the_moment(text: str) -> tuple[str, str, str] | None:
    """A question about the moment of the lowest SpO2 or of one ranked event as the two questions
    it stands for ("what was the lowest SpO2?", then the question of that moment), with the words
    that ask ("was she on her back"), else None."""
    m = _AT_THE_NADIR_RE.search(text)
    find = "what was the lowest SpO2?"
    if m is None:
        # "was the patient on her back during the longest apnea?" (probe O: the position table)
        m = _AT_THE_ONE_RE.search(text)
        if m is None or not _found_one(m["one"]):
            return None
        find = f"show me {m['one']}"
    asked = ("what stage was she in then?" if re.search(r"\bstage\b", m["asked"], I)
             else "was she on her back then?" if re.search(r"\b(?:back|supine)\b", m["asked"], I)
             else "what position was she in then?")
    return find, asked, m["asked"]


def _found_one(words: str) -> bool:
    """The words name one event or stage period a list can show ("the longest apnea")."""
    found = understand(words)
    phen = phenomenon(found.phenomenon)
    periods = found.intent == Intent.STAGE_TIMING and found.stage_event in _AROUND_STAGE_EVENTS
    return periods or (phen is not None and bool(phen.event_types))

