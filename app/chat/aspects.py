"""What a question asks about beyond its slots, read from its words.

The understand step fills a :class:`~app.chat.query.Query`'s slots; some wordings also
say *how* an answer should be shaped ("did the heart rate go up *before* the
awakenings?", "*what stage* was she in then?"). These are read here, on the
understanding side, so that the execute step reads :attr:`Query.aspects` and never the
question's words. They follow ``Query.text``, which a follow-up replaces with its own
question: "and the belts?" asks about breathing whatever the first question asked.
"""

from __future__ import annotations

import re
from enum import Enum


class Aspect(str, Enum):
    """One way a question shapes its answer."""

    FREQUENCY = "frequency"
    """A burst's own frequency ("the mean spindle frequency in N2 vs N3"), not its count."""
    AMPLITUDE = "amplitude"
    """A wave's own size ("were slow waves bigger in N3?"), not its count."""
    POSITION = "position"
    """An item's body position ("what position was she in during it?")."""
    DEPTH = "depth"
    """A desaturation's own depth ("were desaturations deeper in REM?"), not its count."""
    IN_GENERAL = "in_general"
    """A stage in general ("what happens in the brain during slow wave sleep?"), not one moment."""
    OTHER_NIGHTS = "other_nights"
    """Library results outside the loaded night ("similar epochs in other recordings")."""
    THIS_NIGHT = "this_night"
    """A search of the loaded night's own epochs ("find more like this in this night")."""
    BEFORE = "before"
    """The time before each event too ("did the heart rate go up before the awakenings?")."""
    BREATHING = "breathing"
    """How the breathing channels behaved in an item ("what did the belts do during it?")."""
    STAGE = "stage"
    """An item's stage ("what stage was she in then?")."""
    WHY = "why"
    """The physiology behind a figure ("why does oxygen drop after an apnea?")."""
    LENGTH = "length"
    """How long the recording or a channel is ("how long is the recording?")."""
    PRESENCE = "presence"
    """Whether a kind of channel is there ("is there an SpO2 channel?")."""
    CLINICAL = "clinical"
    """Whether a figure matters clinically ("is the PLMS index clinically significant?")."""
    ABSENCE = "absence"
    """Which channels are not there ("which sensors are missing?")."""
    STUDY_KIND = "study_kind"
    """What kind of study the recording is ("is this a home sleep test?")."""
    SIGNIFICANCE = "significance"
    """Whether a difference could be chance ("is that difference significant?")."""
    MOSTLY = "mostly"
    """A yes or no on a share being most ("are the apneas mostly central?")."""
    COMMONEST = "commonest"
    """The commonest kind of a list ("what kind of breathing events dominate?")."""
    WHICH_STAGE = "which_stage"
    """Which stage a comparison of two stagings singles out ("which stage does it confuse most?"),
    said first."""
    DURATION = "duration"
    """A list's lengths ("what is the median apnea duration?", "and their duration?")."""
    PROPERTY = "property"
    """A measured property of a list's items ("how big were the slow waves?")."""
    NORM = "norm"
    """How a figure compares with the normal ("is that spindle density normal?")."""
    PERIODIC = "periodic"
    """The periodic leg movements of a list of leg movements ("PLM index")."""
    CAUSE = "cause"
    """What caused a list's events ("what caused most of the arousals?")."""
    CHILD = "child"
    """The sleeper is a child ("is this normal for a child?"), whom adult norms do not fit."""
    TIME_IN = "time_in"
    """The time a signal spends past a line ("what's the T90?", "how many minutes below 90 %
    SpO2?"), not its stretches."""
    LIKENESS = "likeness"
    """How alike a search's matches are ("how similar are they?"), not the matches again."""
    HOW_MUCH = "how_much"
    """The size of a difference ("by how much?", "how much higher?"), answered first."""
    CAPTION = "caption"
    """The model's own words for an epoch ("caption epoch 300", "describe this epoch in words")."""
    TREND = "trend"
    """A measure's drift over the night ("is there a trend?", "does the heart rate fall across
    the night?"), tested."""
    MACHINE = "machine"
    """The machine scoring's events on a night that also has a human scoring ("how many
    spindles did YASA find?"), not the human scorer's."""
    HUMAN = "human"
    """The human scoring's events ("how many spindles did the human score?"), which a human
    scoring of stages alone does not hold."""
    MODEL_STAGES = "model_stages"
    """The model's zero-shot stages ("REM latency according to the model"), not the night's
    reference staging."""
    BY_TYPE = "by_type"
    """A list's events counted by type ("what types were they?", "how many of each type?")."""
    QUARTILES = "quartiles"
    """A signal's median and interquartile range ("the median heart rate in REM")."""


MODEL_CAPTION = (r"\b(?:generate|write|produce|make|create)\b.{0,25}\bcaptions?\b|^\W*caption\b"
                 r"|\b(?:how|what) (?:would|does|did|do|will|can) (?:the |your )?model caption\b"
                 r"|\bwhat captions? (?:would|does|did|do|will) (?:the |your )?model (?:give|write|generate|produce"
                 r"|make|assign)\b|\b(?:the |your )?model'?s captions?\b"
                 # "what does the caption say?", "show me the model caption"
                 r"|\bwhat (?:does|did|do|would) (?:the |its |this |that )?captions? (?:say|read)\b"
                 r"|\b(?:show|give|read)(?: me)? (?:the |its |a )?(?:model(?:'s)? )?captions?\b|\bthe model captions?\b")
"""A request for the caption head's text ("caption epoch 300", "generate a caption for this
epoch"), not for the library's nearest captions."""

_PATTERNS: dict[Aspect, re.Pattern[str]] = {
    Aspect.CAPTION: re.compile(rf"{MODEL_CAPTION}|\bin (?:plain )?words\b|\bwhat would the model (?:write|say)\b",
                               re.I),
    Aspect.FREQUENCY: re.compile(r"\b(?:frequenc\w*|hz|hertz|faster|slower)\b", re.I),
    Aspect.AMPLITUDE: re.compile(r"\b(?:amplitudes?|bigger|larger|smaller|taller|higher|lower|µv|uv"
                                 r"|microvolts?|size|how (?:big|large|tall|high))\b", re.I),
    Aspect.POSITION: re.compile(r"\b(?:body )?position\b|\bon (?:her|his|their|the) (?:back|(?:left |right )?side"
                                r"|stomach|belly|front)\b|\b(?:supine|prone)\b", re.I),
    # "deeper", never "deep": deep sleep is a stage
    Aspect.DEPTH: re.compile(r"\b(?:deeper|depths?|shallower|how deep)\b", re.I),
    Aspect.IN_GENERAL: re.compile(r"\bwhat (?:happens|goes on|is happening|'s happening|occurs)\b", re.I),
    Aspect.THIS_NIGHT: re.compile(r"\b(?:in|on|from|within|across|of) (?:this|the same|her|his|their|the loaded|the current)"
                                  r" (?:night|recording|study|file|patient|psg)\b|\b(?:in|on) (?:this|the) one night\b"
                                  r"|\belsewhere (?:in|on) (?:this|the) (?:night|recording)\b", re.I),
    Aspect.OTHER_NIGHTS: re.compile(r"\b(?:other|another|different) (?:nights?|recordings?|patients?"
                                    r"|studies|files)\b|\belsewhere\b|\bnot (?:from )?this night\b", re.I),
    # "before 2 am" or "before sleep onset" is a time span, not the time before each event
    Aspect.BEFORE: re.compile(r"\b(?:before|prior to|leading (?:up )?to|preceding|ahead of)\b(?!\s+(?:\d"
                              r"|midnight|noon|sleep onset|falling asleep|lights|the (?:first|second|last)"
                              r" (?:half|hour|third)))", re.I),
    Aspect.BREATHING: re.compile(r"\b(?:effort|belts?|thora\w*|chest|abdom\w*|belly|(?:air)?flow"
                                 r"|breath\w*|respirat\w*)\b", re.I),
    Aspect.STAGE: re.compile(r"\b(?:what|which)(?: sleep)? stages?\b|\basleep or awake\b|\bawake or asleep\b",
                             re.I),
    Aspect.WHY: re.compile(r"^\s*why\b", re.I),
    Aspect.LENGTH: re.compile(r"\bhow long\b|\b(?:when|what time)\b|\b(?:length|duration|hours?)\b", re.I),
    Aspect.PRESENCE: re.compile(r"^\W*(?:and\s+)?any\b|\b(?:is there|are there|does (?:it|this|(?:this|the) (?:file"
                                r"|recording|study|edf|psg)) (?:have|include|contain)|do (?:we|you|i) have|was there"
                                r"|were there|isn't there|aren't there|wasn't there|weren't there)\b", re.I),
    Aspect.ABSENCE: re.compile(r"\b(?:missing|absent|lacking|lacks?|left out|not (?:recorded|there|included|in the"
                               r" (?:file|recording|montage))|(?:don'?t|do not|didn'?t|did not) (?:we |you |i |they )?"
                               r"(?:have|record|get)|(?:do|did) (?:we|you|i|they) not (?:have|record|get))\b", re.I),
    Aspect.STUDY_KIND: re.compile(r"\b(?:kind|type|sort) of (?:a )?(?:study|recording|test|psg|sleep study)\b"
                                  r"|\bis (?:this|it) an? (?:home|in-?lab|full|diagnostic|attended|unattended)"
                                  r"\b|\bis (?:this|it) an? (?:psg|polysomnogra\w+|hsat|home sleep (?:apnea )?test)\b",
                                  re.I),
    Aspect.SIGNIFICANCE: re.compile(r"\b(?:significan\w*|statistic(?:al|ally)|p[- ]?values?|by chance|due to"
                                    r" chance|a real difference)\b", re.I),
    Aspect.MOSTLY: re.compile(r"^\W*(?:and\s+|so\s+)?(?:were|are|was|is|did|do|does)\b.*\b(?:mostly|mainly"
                              r"|predominantly|largely|most of (?:the|them|those)|(?:were|are) most)\b"
                              r"|^\W*(?:and\s+|so\s+)?(?:were|are|was|is|did) most\b", re.I),
    Aspect.WHICH_STAGE: re.compile(r"\bwhich (?:sleep )?stages?\b", re.I),
    Aspect.COMMONEST: re.compile(r"\b(?:dominat\w*|predominan\w*|most (?:common|frequent|often)"
                                 r"|commonest|main (?:kind|type))\b", re.I),
    # "were apneas longer in REM?", "are REM events longer than NREM ones?" ("longer than 20 s"
    # is a bound, not a question of length)
    Aspect.DURATION: re.compile(r"\b(?:longer|shorter)\b(?!\s+than\s+(?:\d|an?\b|one\b|two\b|three\b|five\b"
                                r"|ten\b|fifteen\b|twenty\b|thirty\b|half\b|\w+ (?:sec|min)))|\b(?:mean|average|median|typical|usual)\s+(?:\w+\s+){0,2}?(?:length"
                                r"|duration)s?\b|\bhow long (?:are|were|is|was|do|did)\b.*\bon average"
                                r"\b|\b(?:length|duration)s? of (?:an?|the) (?:\w+ ){0,2}?(?:apn|hypopn"
                                r"|arousal|spindle|desat|k-complex|slow wave|rera|limb|leg)"
                                # after a list: "and their duration?", "how long were they?"
                                r"|^\W*(?:and\s+|so\s+)?(?:what (?:was|were|is|are) )?(?:their|the|its) (?:length"
                                r"|duration)s?\W*$|^\W*(?:and\s+|so\s+)?how long (?:were|are|did) (?:they"
                                r"|these|those|them)(?: last)?\W*$", re.I),
    Aspect.PROPERTY: re.compile(r"\b(?:amplitudes?|how (?:big|large|tall|high|fast|slow|deep|low|far)"
                                r"|frequenc\w*|depths?|nadirs?"
                                r"|faster|slower|bigger|larger|mean|average|median|typical size"
                                # "are there slow spindles?": their frequencies, which count the slow ones
                                r"|(?:slow|fast) spindles?)\b", re.I),
    # "is that a lot?", "is it high?": the value judged as a norm would judge it
    Aspect.NORM: re.compile(r"\b(?:normal|abnormal|norms?|normative|typical range|healthy|a lot|excessive"
                            r"|too (?:high|low|many|few|much|little))\b"
                            r"|\b(?:is|was|are|were) (?:that|it|this|they|those) (?:high|low"
                            r"|many|few|unusual)(?: for (?:an? |his |her |their |this |the )?(?:\d+[- ]?(?:years?"
                            r"|yrs?)[- ]?old|\w+)(?: \w+)?)?\W*$"
                            # "is the PLM index high?": an index judged, as "is that high?" is
                            r"|^\W*(?:is|was) (?:the |her |his |their |my )?[\w -]{0,20}\b(?:index|ahi|odi|rdi"
                            r"|rei|plmi|plmsi) (?:high|low|elevated|raised|increased)\W*$", re.I),
    Aspect.CLINICAL: re.compile(r"\bclinically\b|\b(?:abnormal|pathological|too (?:high|many)|concerning)\b", re.I),
    Aspect.PERIODIC: re.compile(r"\b(?:plms?i?|periodic)\b", re.I),
    Aspect.CHILD: re.compile(r"\b(?:child(?:ren)?|kids?|toddlers?|infants?|bab(?:y|ies)|teen(?:ager)?s?"
                             r"|adolescents?|p(?:a)?ediatric|school[- ]?(?:age|aged|child)|preschool\w*)\b", re.I),
    Aspect.TIME_IN: re.compile(r"\b(?:time|minutes|hours|how long|how much time)\b.{0,25}\b(?:with|below"
                               r"|under|above|over)\b", re.I),
    Aspect.LIKENESS: re.compile(r"\bhow (?:similar|alike|close|good|relevant)\b|\b(?:any|all|some|none)(?: of (?:them|those"
                                r"|these))? (?:from )?(?:real|synthetic|human) (?:recordings?|nights?|data|patients?"
                                r"|people|psg)\b", re.I),
    Aspect.HOW_MUCH: re.compile(r"\bby how much\b|\bhow much (?:higher|lower|more|less|bigger|smaller|faster"
                                r"|slower|greater|different|did (?:it|they) (?:change|differ|rise|fall|drop|go up"
                                r"|go down))\b|\bhow (?:big|large) (?:is|was) (?:the|that) (?:difference|gap|change)\b"
                                r"|^\W*(?:and\s+|so\s+)?what(?:'s| is| was) the (?:difference|gap)\W*$"
                                r"|\bwhat(?:'s| is| was) the ratio\b", re.I),
    Aspect.CAUSE: re.compile(r"\b(?:caus\w*|trigger\w*|why|what (?:led|leads) to|due to)\b", re.I),
    Aspect.HUMAN: re.compile(r"\b(?:did|does|do|has|have)\s+(?:the\s+)?(?:human|expert|tech(?:nician|nologist)?|scorer"
                             r"|sleep tech)s?\s+(?:score|mark|find|count|see|annotate)\b|\b(?:human|expert|manual(?:ly)?)"
                             r"[- ]scored\b|\baccording to (?:the )?(?:human|expert|tech\w*|scorer)\b", re.I),
    Aspect.MACHINE: re.compile(r"\b(?:did|does|do|has|have|would)\s+(?:yasa|the machine|the algorithm|the detectors?"
                               r"|(?:the )?automatic scor\w*|the auto[- ]?scor\w*)\s+(?:find|detect|score|mark|flag|see"
                               r"|count|pick up|get)\b|\baccording to (?:yasa|the machine|the algorithm|(?:the )?automatic"
                               r" scoring|the auto[- ]?scor\w*)\b|\b(?:yasa|machine|automatic(?:ally)?)[- ](?:scored"
                               r"|detected|found)\b|\b(?:by|from) (?:yasa|the machine(?: scoring)?)\b"
                               # "YASA's REM latency", "TST with the machine staging", "what if YASA had
                               # scored it?": the machine's stages
                               r"|\b(?:yasa|the machine)'s\b|\b(?:does|did|would) (?:yasa|the machine) say\b|\b(?:with|using|in|from|by) (?:the )?(?:yasa|machine)"
                               r"[- ](?:staging|stages|scoring|hypnogram|stager)\b|\bif (?:yasa|the machine) had"
                               r" (?:scored|staged)\b", re.I),
    Aspect.MODEL_STAGES: re.compile(r"\baccording to (?:the |your )?(?:model|sleeplm)\b|\b(?:the|your) model's\b"
                                    r"|\b(?:by|from|with|using|in) (?:the |your )?(?:model|sleeplm|zero[- ]?shot)(?:[- ]"
                                    r"(?:staging|stages|scoring|hypnogram|stager|model))?\b|\bif (?:the|your) model had"
                                    r" (?:scored|staged)\b|\b(?:does|did|would) (?:the|your) model say\b", re.I),
    Aspect.TREND: re.compile(r"\btrend\w*\b|\bdrift\w*\b|\b(?:across|over|through(?:out)?) (?:the (?:course of the )?)?"
                             r"night\b", re.I),
    Aspect.QUARTILES: re.compile(r"\b(?:median|interquartile|iqr|quartiles?)\b", re.I),
    Aspect.BY_TYPE: re.compile(r"\bby (?:type|kind)s?\b|\b(?:what|which) (?:types?|kinds?|sorts?)\b(?! of (?:study|test"
                               r"|recording|file|channel|sensor|montage))|\b(?:each|every) (?:type|kind)\b"
                               r"|\bhow many of each\b", re.I),
}

_NOT_CAUSE_RE = re.compile(r"\b(?:not|non|isn't|wasn't|aren't|weren't)[- ](?:(?:(?:tied|linked|related|due) to |caused by |from )"
                           r"(?:an? |the )?(?P<tied>breathing|respiratory|apn\w*|hypopn\w*|limb[- ]movements?|leg[- ]movements?"
                           r"|leg kicks?|plms?)|(?P<kind>respiratory|resp|limb[- ]movement|leg[- ]movement|plm)\b)", re.I)
# ("when was the patient not breathing?" is no cause ruled out)
NOT_CAUSE = "not "
"""The prefix of a cause a question rules out ("show me one that's not respiratory": "not
respiratory", the arousals tied to anything else or to nothing)."""


def _cause_of(word: str) -> str:
    return ("limb movement" if word[:3] in ("lim", "leg", "plm") else
            "respiratory" if word in ("respiratory", "resp", "breathing") or word[:3] in ("apn", "hyp")
            else "spontaneous")


# "are the arousals linked to the apneas?" counts the respiratory ones, as "were they
# respiratory?" does
_NAMED_CAUSE_RE = re.compile(r"\b(?:how many|what (?:percent\w*|fraction|share|proportion)|were|was|are|is)"
                             r"\b.*\b(spontaneous|respiratory|breathing|apn\w*|hypopn\w*|limb|leg)\b", re.I)


def named_cause(text: str) -> str | None:
    """The arousal cause (``sleeplm_core.scoring.association.CAUSES``) a question counts
    ("how many arousals were spontaneous?"), or the one it rules out after :data:`NOT_CAUSE`
    ("how many were not respiratory?"), None for none."""
    m = _NAMED_CAUSE_RE.search(text)
    if m is None:
        return None
    if n := _NOT_CAUSE_RE.search(text):
        return NOT_CAUSE + _cause_of((n['tied'] or n['kind']).lower())
    word = m.group(1).lower()
    return ("limb movement" if word in ("limb", "leg") else
            "spontaneous" if word == "spontaneous" else "respiratory")


_LISTED_CAUSE_RE = re.compile(r"\b(spontaneous|respiratory|resp|breathing|limb[- ]movement|leg[- ]movement|plm)"
                              r"(?:[- ](?:related|associated))?\s+arousals?\b"
                              # "an arousal with a leg movement", "arousals after apneas"
                              r"|\barousals?\s+(?:with|after|from|following|caused by|due to|tied to|linked to"
                              r"|associated with)\s+(?:an?\s+|the\s+)?(limb[- ]movement|leg[- ]movement|leg kick|plm"
                              r"|breathing|respiratory|apn|hypopn)", re.I)


def listed_cause(text: str) -> str | None:
    """The cause (``sleeplm_core.scoring.association.CAUSES``) of the arousals a question asks
    to see ("list the spontaneous arousals", "show me a respiratory arousal"), or one it rules
    out, after :data:`NOT_CAUSE` ("show me one that's not respiratory"); None for none."""
    if m := _NOT_CAUSE_RE.search(text):
        return NOT_CAUSE + _cause_of((m['tied'] or m['kind']).lower())
    m = _LISTED_CAUSE_RE.search(text)
    if m is None:
        return None
    return _cause_of((m.group(1) or m.group(2)).lower())


_TYPE_CLAIM_RE = re.compile(r"\b(?:(?:was|is) (?:it|that|this)(?: one)?|(?:it|that|this)(?:'s| is| was)|(?:could|might|can)"
                            r" (?:it|that|this)(?: one)? (?:be|have been))(?: (?:really|actually|definitely|truly"
                            r"|certainly))? (?:an? )?(obstructive|central|mixed)\b(?! or\b)", re.I)


def named_apnea_type(text: str) -> str | None:
    """The apnea type a yes-or-no question claims for the one event shown ("was it obstructive?":
    "obstructive apnea"), None for none or for a choice ("was it central or obstructive?")."""
    m = _TYPE_CLAIM_RE.search(text)
    return f"{m.group(1).lower()} apnea" if m else None


# Body positions as ``sleeplm_core.io.position`` names them, and the words for each; "on
# their side" is either side.
_POSITION_WORDS = (
    ("non-supine", r"non[- ]?supine|not (?:lying )?supine|not on (?:the|their|his|her|its) back|off (?:the|their|his"
                   r"|her|its) back"),
    ("supine", r"supine|on (?:the|their|his|her|its) back"),
    ("prone", r"prone|on (?:the|their|his|her|its) (?:stomach|belly|front|tummy)"),
    ("left,right", r"lateral|on (?:the|their|his|her|its|a) sides?|side[- ]lying"),
    ("left", r"(?:on (?:the|their|his|her|its) )?left(?: side)?"),
    ("right", r"(?:on (?:the|their|his|her|its) )?right(?: side)?"),
    ("upright", r"upright|sitting(?: up)?"),
)


def named_position(text: str) -> str | None:
    """The position names a question names ("supine"; "left,right" for "on their side";
    "supine,non-supine" for both sides of the back), else None."""
    first = next((name for name, p in _POSITION_WORDS if re.search(rf"\b(?:{p})\b", text, re.I)), None)
    if first == "non-supine":
        rest = re.sub(rf"\b(?:{_POSITION_WORDS[0][1]})\b", " ", text, flags=re.I)
        if re.search(rf"\b(?:{_POSITION_WORDS[1][1]})\b", rest, re.I):
            return "supine,non-supine"   # "the AHI supine and non-supine"
    return first


# "what's the sampling rate of the EEG?": the channels a question names, by model slot prefix.
_SLOT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"eeg|brain", ("EEG",)), (r"eog|eyes?", ("EOG",)), (r"chin", ("EMG_CHIN",)),
    (r"legs?|limbs?", ("EMG_LEG",)), (r"emg|muscle", ("EMG",)), (r"ecg|ekg|heart", ("ECG",)),
    (r"airflow|flow|thermistor|cannula", ("AF",)), (r"belts?|effort|thora\w*|abdom\w*", ("THX", "ABD")),
    (r"breathing|respirat\w*", ("AF", "THX", "ABD")),
    (r"spo2|oxygen|oximet\w*|saturation", ("SPO2",)), (r"pulse", ("HR",)), (r"snor\w*", ("SNORE",)),
    (r"position", ("POS",)), (r"temp(?:erature)?|thermometer|probe", ("TEMP",)))
_RATE_RE = re.compile(r"\b(?:rates?|hz|hertz|sampl\w*|frequenc\w*|resolution)\b", re.I)


def named_channels(text: str) -> tuple[str, ...]:
    """Model slot prefixes of the channels a question about rates or presence names ("what's
    the sampling rate of the EEG?": ("EEG",)), () for none."""
    if not (_RATE_RE.search(text) or _PATTERNS[Aspect.PRESENCE].search(text)):
        return ()
    named = tuple(dict.fromkeys(p for words, prefixes in _SLOT_WORDS
                                if re.search(rf"\b(?:{words})\b", text, re.I) for p in prefixes))
    # "leg EMG" is the leg's EMG alone, not the chin's as well
    return tuple(p for p in named if p != "EMG") if {"EMG_LEG", "EMG_CHIN"} & set(named) else named


# "did the temperature drop during sleep?", "was the heart rate higher in REM?": the way a
# question expects a measure to move between two parts of the night.
_HIGHER_RE = re.compile(r"\b(?:higher|ris(?:e|es|en|ing)|rose|increas\w*|go(?:es)? up|went up|gone up|sped up"
                        r"|speed(?:s|ed|ing)? up"
                        r"|elevated|raised|louder|faster|climb\w*|larger|bigger|taller|deeper"
                        # "are apneas more frequent in REM?": a rate asked to be higher
                        r"|more (?:frequent|common|often|numerous))\b", re.I)
# "as she fell asleep", "when he dropped off" are sleep onset, not a way
_LOWER_RE = re.compile(r"\b(?:lower|drop\w*(?! off)|f[ae]ll(?:s|en|ing)?(?! (?:back )?(?:asleep|to sleep))|decreas\w*"
                       r"|go(?:es)? down|went down|slow(?:s|ed|ing)? down"
                       r"|gone down|dip(?:s|ped|ping)?|reduced|quieter|slower|declin\w*|smaller|shallower"
                       r"|shr[iau]nk\w*|less (?:frequent|common|often)|fewer|rarer)\b", re.I)
_CHANGE_RE = re.compile(r"\b(?:differ\w*|chang(?:e|ed|es)|affected)\b", re.I)
_MORE_RE = re.compile(r"\bmore\b(?! than \d)", re.I)
_LESS_RE = re.compile(r"\b(?:less|fewer)\b(?! than \d)", re.I)
# "was the snoring worse in REM?": worse is higher for one measure and lower for another
_JUDGED_RE = re.compile(r"\b(?:worse|better|improv\w*|deteriorat\w*)\b|^\W*why\b", re.I)


_YES_NO_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was|were|are|did|does|do|has|had|have)\b", re.I)
_EITHER_OR_RE = re.compile(r"\bor\b", re.I)
_WHICH_RE = re.compile(r"^\W*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?which\b", re.I)


def asked_fewer(text: str) -> bool:
    """The question asks for less of something ("which had fewer arousals?")."""
    return bool(_LESS_RE.search(text) or re.search(r"\bleast\b", text, re.I))


_SWING_RE = re.compile(r"\bwhich\b.*?\b(?:(?P<up>surge\w*|ris(?:e|es|ing)|rose|jump\w*|spike\w*)"
                       r"|(?P<down>drop\w*|f[ae]ll\w*|dip\w*|dived?))\b", re.I)


def asked_length_way(text: str) -> str:
    """"longer" or "shorter" for a question on which of two groups' events last longer ("are
    spindles longer in N3?"), "" for none ("longer than 20 s" sets a bound, not a way)."""
    m = re.search(r"\b(longer|shorter)\b(?!\s+than\s+\d)", text, re.I)
    return m.group(1).lower() if m else ""


def asked_swing(text: str) -> str:
    """"rise" or "fall" for a question asking which of two kinds of event moves a signal more
    that way ("which had the bigger surge?", "which dropped more?"), "" for none."""
    m = _SWING_RE.search(text)
    return "" if m is None else "rise" if m["up"] else "fall"


def asked_direction(text: str) -> str | None:
    """How a question expects a measure to move between two parts of the night: "higher",
    "lower", "change" (either way: "is the breathing rate different in REM?"), "which" for
    the side asked after a comparison ("which is higher?"), "either" where
    the question asks no yes or no on the way ("was the heart rate higher at the start or the
    end?"; "was the snoring worse in REM?", whose worse depends on the measure; "why does the
    heart rate rise in REM?"), None for no way asked ("what's the difference between N2 and
    N3?" asks for the difference itself)."""
    if _PATTERNS[Aspect.HOW_MUCH].search(text):
        return "either"   # "by how much?": the way it went and its size, first
    higher, lower = _HIGHER_RE.search(text), _LOWER_RE.search(text)
    if _YES_NO_RE.search(text) and not (higher or lower):
        # "were there more spindles in the first half?": a yes/no on an amount
        higher, lower = _MORE_RE.search(text), _LESS_RE.search(text)
    way = higher or lower or (_YES_NO_RE.search(text) and _CHANGE_RE.search(text))
    if not way and not _JUDGED_RE.search(text):
        return None
    if _WHICH_RE.search(text) and not _JUDGED_RE.search(text):
        return "which"
    if _JUDGED_RE.search(text) or _EITHER_OR_RE.search(text):
        return "either"
    if higher and lower:
        return "change"
    return "higher" if higher else "lower" if lower else "change"


# "was the AHI higher in REM?", "is the apnea worse when supine?": the side named beside a way;
# "is it REM-related?", "is it positional?": the rule that names the condition
_SIDE_NAMED_RE = {"stage": re.compile(r"(?<!n)\brem\b", re.I),
                  "position": re.compile(r"\b(?:supine|(?:on|lying on) (?:her|his|their|the) back|back)\b",
                                         re.I)}
_RULE_NAMED_RE = {"stage": re.compile(r"\brem[- ](?:related|dependent|predominant)\b", re.I),
                  "position": re.compile(r"\bpositional\b|\bposition[- ](?:dependent|related)\b", re.I)}


def asked_rate_way(text: str, by: str) -> str:
    """How a question expects an event rate to differ between the two sides of a split by
    ``by`` ("stage": REM against NREM; "position": supine against the other positions):
    "higher", "lower", "change", "which" for an either-or ("was the AHI higher in REM or
    NREM?"), "how_much" for the size of the difference ("by how much?"), "rule" when it asks whether the condition the ratio defines holds ("is it
    REM-related?", "is it positional?"), "" when it names neither side nor way. An index
    judged "worse" on one side is higher there: more events per hour is worse."""
    if by not in _SIDE_NAMED_RE:
        return ""
    if _RULE_NAMED_RE[by].search(text) and _YES_NO_RE.search(text):
        return "rule"
    if _PATTERNS[Aspect.HOW_MUCH].search(text):
        # "is the AHI worse on the back?", then "by how much?" (or "what's the ratio?" after
        # "which is higher?", whose words name no side): the ratio first
        return "how_much"
    way = asked_direction(text)
    if way == "which":
        return "which"   # "which was higher?" after the split: the sides are the split's
    if not way or not _SIDE_NAMED_RE[by].search(text):
        return ""
    if way == "either":
        return "which" if _EITHER_OR_RE.search(text) else "higher"
    return way


# "did REM periods get longer through the night?": the periods' lengths in order
_PERIOD_TREND_RE = re.compile(r"\b(?:get|gets|got|getting|grow|grows|grew|growing|become|becomes|became"
                              r"|becoming)\s+(longer|shorter)\b|\b(lengthen|shorten)\w*", re.I)
# "do REM periods get longer across the night?", "does REM increase as the night goes on?",
# "are later REM periods longer?"
_CHANGE_OVER_NIGHT_RE = re.compile(
    r"\b(longer|shorter|increas\w*|decreas\w*|declin\w*|grow\w*|shrink\w*|more|less|fewer)\b.{0,40}?"
    r"\b(?:through(?:out)?|across|over|as|from)\b.{0,20}?\b(?:the night|night|cycles?|time|(?:it |the night )?"
    r"(?:went|goes|wore|wears) on|cycle to cycle)\b|\blater (?:\w+ )?(?:periods?|cycles?|ones)\b.{0,20}?"
    r"\b(longer|shorter|more|less)\b", re.I)
_LONGER_WORDS = ("longer", "lengthen", "increas", "grow", "more")


def asked_trend(text: str) -> str | None:
    """"longer" or "shorter" when a question asks how a stage's periods change in length
    across the night ("did REM get longer through the night?", "does REM increase as the
    night goes on?"), None otherwise."""
    m = _PERIOD_TREND_RE.search(text) or _CHANGE_OVER_NIGHT_RE.search(text)
    if m is None:
        return None
    word = next(g for g in m.groups() if g).lower()
    return "longer" if word.startswith(_LONGER_WORDS) else "shorter"


def read_aspects(text: str) -> frozenset[Aspect]:
    """The aspects ``text`` asks about."""
    return frozenset(aspect for aspect, pattern in _PATTERNS.items() if pattern.search(text))
