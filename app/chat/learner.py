"""Learner's English and a technician's clipped forms read as the question they ask, before
understanding: "how many time she wake up?" is "how many times did she wake up?", "which hour
was most bad?" is "which hour was worst?", "sure?" is "how sure are you?".

Each form is a whole-question pattern or a fixed phrase, so a question already in standard
English is never touched; typos are :mod:`app.chat.spelling`'s.
"""

from __future__ import annotations

import re

I = re.IGNORECASE
_WHO = r"(?:she|he|they|the patient|patient|the sleeper|him|her)"
_AT_CLOCK = r"(?:at|around)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
_POSITION = (r"(?:(?:on\s+)?(?:the\s+|her\s+|his\s+)?(?:supine|back|non[- ]?supine|lateral|side|sides|left|right"
             r"|prone|belly|front|stomach|upright)(?:\s+side)?)")

# "best hour", "the quietest part of the night for breathing": the clock hour with the fewest
# events (after an hour split of one kind, dialogue keeps that kind)
BEST_HOUR_RE = re.compile(r"^\W*(?:and\s+|so\s+|now\s+)?(?:what(?:'s|\s+is|\s+was)\s+|which\s+(?:was\s+|is\s+)?)?(?:the\s+)?"
                          r"(?:best|quietest|calmest|easiest|least\s+bad)\s+(?:hour|part|stretch|time)(?:\s+of\s+(?:the\s+)?"
                          r"(?:sleep|night))?(?:\s+for\s+(?:the\s+|her\s+|his\s+)?(?:breathing|respiration))?\W*$", I)

# "that's a lot, when was he awake?", "wow. why?": a remark before the question
_REMARK_RE = re.compile(r"^\W*(?:that'?s|thats|that\s+is|wow|hm+|ok(?:ay)?|oh|ah|hey|hi|hello)(?:\s+(?:a\s+lot|too\s+much|high|long|many"
                        r"|bad|low|odd|strange|interesting))?\s*[,.;!-]+\s*(?P<q>(?:when|where|what|how|which|why|is|was"
                        r"|were|are|did|does|do|show|and|give|tell|list|summari[sz]e|describe|can|could|please|let)\b.+)$", I)


def without_remark(text: str) -> str:
    """``text`` without a remark before its question ("that's a lot, when was he awake?" is
    "when was he awake?"); unchanged when it opens with none."""
    m = _REMARK_RE.match(text)
    return m["q"] if m else text


# (pattern, what it reads as), tried in order on the whole question
_WHOLE: tuple[tuple[re.Pattern[str], str], ...] = (
    # "is the staging manual or automatic?", "was this scored by a human or the machine?"
    (re.compile(r"^\W*(?:and\s+|so\s+)?(?:is|was|are|were)\s+(?:the\s+|this\s+)?(?:staging|scoring|hypnogram|stages|events"
                r"|study|night|recording)(?:\s+(?:done|scored|staged))?\s+(?:(?:by\s+)?(?:a\s+)?(?:manual(?:ly)?|human|person|tech"
                r"|technician|hand|automatic(?:ally)?|automated|auto|machine|computer|the\s+machine|software|yasa|the\s+model)"
                r"(?:\s+or\s+(?:by\s+)?(?:a\s+|the\s+)?(?:manual(?:ly)?|human|person|tech|technician|hand|automatic(?:ally)?"
                r"|automated|auto|machine|computer|software|yasa|model))?)\W*$"
                r"|^\W*(?:and\s+|so\s+)?(?:is|was)\s+(?:this|it)\s+(?:manually|automatically|hand|machine)[- ]?(?:scored|staged)"
                r"\W*$|^\W*(?:and\s+|so\s+)?(?:is|was)\s+(?:this|it)\s+(?:scored|staged)\s+by\s+(?:a\s+|the\s+)?(?:human|person"
                r"|tech|technician|hand|machine|computer|software|yasa|model)\b[^?]*\W*$", I), "who scored this study?"),
    # "give me the impression", "what's your impression?", "the clinical impression"
    (re.compile(r"^\W*(?:(?:give|tell)\s+me\s+|what(?:'s|\s+is)\s+)?(?:the\s+|your\s+|an?\s+)?(?:overall\s+|clinical\s+)?"
                r"(?:impression|bottom\s+line|take[- ]?home(?:\s+message)?)(?:\s+of\s+(?:it|this|the\s+night))?\W*$", I),
     "what stands out?"),
    # "any signal problems?", "signal issues?", "any problems with the signals?"
    (re.compile(r"^\W*(?:(?:are\s+there\s+)?any\s+)?(?:signal|channel|sensor|lead|electrode)\s+(?:problems?|issues?|trouble"
                r"|failures?|dropouts?)\W*$|^\W*(?:are\s+there\s+)?any\s+(?:problems?|issues?|trouble)\s+with\s+(?:the\s+)?"
                r"(?:signals?|channels?|sensors?|leads?|electrodes?)\W*$", I), "any bad signals?"),
    # "what severity would you call it?", "how severe would you say it is?"
    (re.compile(r"^\W*(?:what\s+severity|how\s+severe)\s+(?:would|do|should)\s+(?:you|we|i)\s+(?:call|say|grade|rate"
                r"|consider)\b[^?]*\W*$", I), "what severity?"),
    # "hypoventilation?" alone: whether there was any
    (re.compile(r"^\W*(?:and\s+)?(?P<term>(?:sleep\s+)?hypoventilation|hypercapnia)\s*\?\W*$", I), "any {term}?"),
    # "did the AHI improve when she turned onto her side?", "was the breathing better on her side?"
    (re.compile(rf"^\W*(?:and\s+|so\s+)?(?:did|does|was|is)\s+(?:the\s+|her\s+|his\s+)?(?:ahi|breathing|apneas?"
                rf"|apnoeas?|osa|events?)\s+(?:improve|get\s+better|better|drop|fall|go\s+down|lower|less)\w*\s+"
                rf"(?:when|once|after|while|with)\s+(?:{_WHO}\s+)?(?:turned|rolled|moved|was|lay|slept|sleeping|lying"
                rf"|turning|rolling)?\s*(?:onto|on\s+to|to|on)\s+(?:her|his|their|the|a)\s+sides?\W*$", I),
     "is the apnea positional?"),
    # "is that enough REM to trust the REM AHI?", "is the REM AHI reliable with so little REM?"
    (re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is|was)\s+(?:that|there|this)\s+enough\s+rem(?:\s+sleep)?\s+(?:to\s+"
                r"(?:trust|rely\s+on|read|judge|believe)|for)\s+(?:the\s+|her\s+|his\s+)?rem\s+ahi\W*$"
                r"|^\W*(?:and\s+|so\s+|but\s+)?(?:is|was)\s+(?:the\s+)?rem\s+ahi\s+(?:reliable|trustworthy|meaningful|valid)"
                r"(?:\s+with\s+(?:so\s+)?(?:little|few\s+minutes\s+of)\s+rem)?\W*$", I), "AHI in REM vs NREM"),
    # "she wake up how many time in night?", "how many time she wake up?"
    (re.compile(rf"^\W*(?:{_WHO}\s+)?(?:wake|wakes|woke|waked)\s+up\s+how\s+many\s+times?\b[^?]*\W*$"
                rf"|^\W*how\s+many\s+times?\s+(?:{_WHO}\s+)?(?:wake|wakes|woke|waked)(?:\s+up)?\b[^?]*\W*$", I),
     "how many times did she wake up?"),
    # "how long she sleep?", "how long she sleep total?", "how much she sleep in all?"
    (re.compile(rf"^\W*how\s+(?:long|much(?:\s+time)?)\s+{_WHO}\s+(?:sleep|sleeps|slept)(?:\s+(?:in\s+)?"
                r"(?:total|all|the night|night))?\W*$", I), "what was the total sleep time?"),
    # "why she wake up so much?"
    (re.compile(rf"^\W*why\s+{_WHO}\s+(?:wake|wakes|woke)\s+up\b", I), "why did she wake up so much?"),
    # "is there a positional component?", "any positional component to it?"
    (re.compile(r"^\W*(?:is\s+there|any|does\s+(?:it|she|he|the\s+osa)\s+have)\s+(?:a\s+)?positional\s+(?:component"
                r"|element|aspect|factor|influence|effect|dependence|pattern)(?:\s+(?:to|in)\s+(?:it|this|her\s+osa"
                r"|the\s+(?:osa|apnea|apnoea|breathing|ahi)))?\W*$", I), "is the apnea positional?"),
    # "is she sleep on back more bad?", "the breathing more bad on back?"
    (re.compile(r"\bon\s+(?:her\s+|his\s+|the\s+)?back\b.{0,20}\bmore\s+bad\b"
                r"|\bmore\s+bad\b.{0,20}\bon\s+(?:her\s+|his\s+|the\s+)?back\b", I),
     "is the breathing worse on the back?"),
    # "when it happen?", "what sleep she was?", "the oxygen after?": of the event just shown
    (re.compile(r"^\W*when\s+(?:it|that|this)\s+(?:happen|happens|happened)\W*$", I), "when did it happen?"),
    (re.compile(rf"^\W*what\s+(?:sleep|stage)\s+{_WHO}\s+(?:was|were|is)(?:\s+in)?\W*$", I),
     "what stage was she in?"),
    (re.compile(r"^\W*(?:and\s+)?(?:the\s+)?(?:oxygen|spo2|sat\w*)\s+after(?:\s+(?:it|that))?\W*$", I),
     "what was the lowest SpO2 after it?"),
    # "what was her oxygen after it?", "what happened to the sat after that?": its fall after the
    # event, not its mean during it
    (re.compile(r"^\W*(?:and\s+)?what\s+(?:happened\s+to|was|did)\s+(?:the\s+|her\s+|his\s+)?(?:oxygen|spo2|o2|sat\w*)"
                r"(?:\s+do)?\s+(?:right\s+|just\s+)?after\s+(?:it|that|this)(?:\s+one)?\W*$", I),
     "what was the lowest SpO2 after it?"),
    # "which hour of sleep was worst?", "which hour most bad?": the breathing's worst clock hour
    (re.compile(r"^\W*which\s+hour(?:\s+of\s+(?:the\s+)?(?:sleep|night))?\s+(?:was\s+|is\s+)?(?:the\s+)?(?:worst"
                r"|most\s+bad)\W*$", I), "which hour was worst?"),
    (re.compile(r"^\W*which\s+hour(?:\s+of\s+(?:the\s+)?(?:sleep|night))?\s+(?:was\s+|is\s+)?(?:the\s+)?(?:best"
                r"|most\s+good)\W*$", I), "which hour had the lowest AHI?"),
    # "best hour", "and the quietest hour for breathing?": the clock hour with the fewest events
    (BEST_HOUR_RE, "which hour had the lowest AHI?"),
    # "he wake up many time, is normal?": the count first
    (re.compile(rf"^\W*(?:{_WHO}\s+)?(?:wake|wakes|woke)\s+up\s+(?:many|much|a lot|so many|so much)(?:\s+times?)?\b", I),
     "how many times did she wake up?"),
    # "how many time oxygen go down?"
    (re.compile(r"^\W*how\s+many\s+times?\s+(?:the\s+|her\s+|his\s+)?(?:oxygen|spo2|sat\w*|o2)\s+(?:go|goes|went"
                r"|drop|drops|dropped|fall|falls|fell)(?:\s+(?:down|low))?\W*$", I), "how many desaturations?"),
    # "and the breathing on back?"
    (re.compile(r"^\W*(?:and\s+)?(?:the\s+)?breathing\s+on\s+(?:the\s+|her\s+|his\s+)?back\W*$", I),
     "what is the supine AHI?"),
    # "she have apnea bad or not?"
    (re.compile(r"\bapn(?:o)?ea\w*\s+(?:bad|serious|severe|strong)\s+or\s+not\b", I), "how severe is the sleep apnea?"),
    # "is too much?", "is normal?": a judgement of the figure just given
    (re.compile(r"^\W*is\s+(?P<judged>too\s+(?:much|little|long|short|low|high|many|few)|normal|ok|okay|bad|good|high"
                r"|low)\W*$", I), "is that {judged}?"),
    # "sure?", "u sure?", "you sure about that?"
    (re.compile(r"^\W*(?:(?:are\s+)?(?:u|you|ya)\s+)?sure(?:\s+about\s+(?:that|it|this))?\W*$", I),
     "how sure are you?"),
    # "how many hypopneas don't count under 4%?": those the rule leaves out, without such a fall
    (re.compile(r"^\W*(?:and\s+|so\s+)?how\s+many(?:\s+(?:hypopneas|hypopnoeas|of\s+them|of\s+those|events))?\s+"
                r"(?:do(?:n'?t|\s+not)|would(?:n'?t|\s+not)|did(?:n'?t|\s+not)|are(?:n'?t|\s+not)|were(?:n'?t|\s+not))\s+"
                r"(?:count(?:ed)?|qualify|qualified|scored?)\s+(?:under|with|by|in|using|at|for)\s+(?:the\s+)?"
                r"(?P<depth>\d)\s*%(?:\s+(?:rule|criteria|criterion|definition|desat\w*))?\W*$", I),
     "how many hypopneas without a {depth}% desaturation?"),
    # "which way did he sleep?", "what position did she sleep in?": the night by position
    (re.compile(rf"^\W*which\s+way\s+did\s+{_WHO}\s+(?:sleep|lie|lay)\W*$|^\W*(?:what|which)\s+positions?\s+did\s+"
                rf"{_WHO}\s+sleep(?:\s+in)?(?:\s+mostly)?\W*$", I), "how long in each position?"),
    # "how deep on average", "average depth?": the desaturations' mean fall
    (re.compile(r"^\W*(?:and\s+)?(?:how\s+deep\s+(?:were\s+they\s+|are\s+they\s+)?(?:on\s+average|in\s+general|typically)"
                r"|(?:the\s+)?(?:average|mean)\s+depth)\W*$", I), "mean desaturation depth"),
    # "cycle length?", "how long are her cycles?": the NREM-REM cycles' lengths
    (re.compile(r"^\W*(?:and\s+)?(?:(?:the\s+|mean\s+|average\s+)?(?:sleep\s+)?cycle\s+(?:length|duration)s?"
                rf"|how\s+long\s+(?:are|were)\s+(?:{_WHO}|his|her|the|their)\s+(?:sleep\s+)?cycles)\W*$", I),
     "how long were the sleep cycles?"),
    # "how accurate is the central apnea detection?": how that kind was scored and checked
    (re.compile(r"^\W*how\s+(?:accurate|reliable|good|trustworthy)\s+(?:is|was|are|were)\s+the\s+(?P<what>[a-z][\w -]*?)"
                r"\s+(?:detection|detector|scoring|count)\W*$", I), "how were the {what}s scored?"),
    # "is his breathing periodic?": Cheyne-Stokes (periodic) breathing against the AASM's rule
    (re.compile(rf"^\W*(?:is|was)\s+(?:{_WHO}|his|her|their|the)\s+breathing\s+periodic\W*$"
                r"|^\W*any\s+periodic\s+breathing\W*$", I), "is there periodic breathing?"),
    # "what's her sleep like compared with a normal 34yo": the night against that age's norms
    (re.compile(r"^\W*(?:what(?:'s|\s+is)|how(?:'s|\s+is)|how\s+does)\s+(?:her|his|their|the(?:\s+patient's)?)\s+sleep"
                r"(?:\s+look)?(?:\s+like)?\s+compared?\s+(?:with|to)\s+(?:an?\s+)?(?:normal|healthy|typical|average)\s+"
                r"(?P<age>\d{1,2})\s*(?:yo|y/o|y\.o\.|yrs?|-?years?[- ]old)\W*$", I), "is this normal for a {age}-year-old?"),
    # "respiratory vs spontaneous", "spontaneous or respiratory?": the arousals by cause
    (re.compile(r"^\W*(?:and\s+)?(?:respiratory|spontaneous)\s+(?:vs\.?|versus|or|and)\s+(?:respiratory|spontaneous)"
                r"(?:\s+(?:ones|arousals))?\W*$", I), "what caused the arousals?"),
    # "break it down by type", "split them by type": the last list counted by type
    (re.compile(r"^\W*(?:and\s+)?(?:break|split)\s+(?:it|them|that|those|these)\s+(?:down\s+|up\s+)?by\s+(?:type|kind)\W*$"
                r"|^\W*(?:and\s+)?by\s+type\W*$", I), "what types were they?"),
    # "MAI", "micro-arousal index": the arousal index
    (re.compile(r"^\W*(?:what(?:'s|\s+is|\s+was)\s+)?(?:the\s+)?(?:mai|micro-?\s?arousal\s+index)\W*$", I), "arousal index"),
    # "so is this mainly central or obstructive sleep apnea?": the commonest type, not "this" epoch
    (re.compile(r"^\W*(?:so\s+|and\s+)?(?:is|was)\s+(?:this|it|that|the\s+apn\w*)\s+(?:mainly|mostly|predominantly|primarily"
                r"|more)\s+(?:central|obstructive)\s+or\s+(?:central|obstructive)(?:\s+(?:sleep\s+)?apn\w*)?\W*$", I),
     "is it central or obstructive mostly?"),
    # "what's the total time spent in apnea?": the apneas, whose answer gives their total length
    (re.compile(r"^\W*(?:what(?:'s|\s+is|\s+was)\s+)?(?:the\s+)?total\s+(?:time|duration|minutes)\s+(?:spent\s+)?(?:in|of)\s+"
                r"(?P<what>apn(?:o)?eas?|hypopn(?:o)?eas?|apn(?:o)?eas?\s+and\s+hypopn(?:o)?eas?|respiratory\s+events)\W*$", I),
     "how many {what}?"),
    # "the central AHI excluding hypopneas": central apneas per hour of sleep
    (re.compile(r"\bcentral\s+(?:ahi|index)\s+(?:excluding|without|minus|not\s+counting)\s+(?:the\s+)?hypopn(?:o)?eas\b", I),
     "what is the central apnea index?"),
    # "what are the AHI and ODI if I use time in bed?", "AHI per hour in bed": per hour recorded
    (re.compile(r"\b(?:ahi|index)\b.*\b(?:(?:use|using|over|per\s+hour\s+(?:of|in))\s+(?:the\s+)?time\s+in\s+bed"
                r"|per\s+hour\s+in\s+bed|per\s+hour\s+(?:of\s+)?recording|per\s+hour\s+recorded)\b", I),
     "what's the REI?"),
    # "is that real?", "was it an artifact?", "is this genuine?": how sure the last answer is
    (re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?(?:is|was)\s+(?:that|it|this)(?:\s+one)?\s+(?:really\s+)?(?:real|genuine"
                r"|true|an?\s+artef?i?act|artef?i?actual|just\s+noise|noise)\W*$", I), "how sure are you?"),
    # "nadir when", "spo2 nadir when?", "lowest sat when"
    (re.compile(r"^\W*(?:(?:the\s+)?(?:spo2|sat\w*|oxygen|o2)\s+)?(?:nadir|lowest(?:\s+(?:spo2|sat\w*|oxygen|o2))?)"
                r"\s+when\W*$", I), "when was the SpO2 nadir?"),
    # "first 2 hours of sleep AHI": a clipped span-then-index, read index first
    (re.compile(r"^\W*(?:and\s+)?(?:the\s+)?(?P<span>(?:first|last|final)\s+(?:\d+|one|two|three|four|half(?:\s+an)?)"
                r"\s+hours?(?:\s+of\s+(?:the\s+)?(?:sleep|night))?)\s+(?P<stat>ahi|rei|odi|rdi|t90|spo2|arousal\s+index"
                r"|plmi?|heart\s+rate)\W*$", I), "{stat} in the {span}?"),
    # "position?": as "and position?", the position during what is in focus, else in the span
    # or the night just asked about
    (re.compile(r"^\W*(?:body\s+|sleeping\s+)?position\W*$", I), "and position?"),
    (re.compile(rf"^\W*(?:where|how)\s+(?:was|is)\s+{_WHO}\s+lying(?:\s+(?:then|there))?\W*$", I),
     "what position was she in?"),
    # "position at 4:30?", "was she on her back at 3am?": the position channel then, not the
    # model's description of the epoch
    (re.compile(rf"^\W*(?:and\s+)?(?:(?:the|her|his)\s+)?(?:body\s+|sleeping\s+)?position\s+(?P<at>{_AT_CLOCK})\W*$", I),
     "what position was she in {at}?"),
    (re.compile(rf"^\W*(?:was|is)\s+{_WHO}\s+(?:on\s+(?:her|his|the|their)\s+(?:back|side|front|stomach|belly)|supine"
                rf"|prone)\s+(?P<at>{_AT_CLOCK})\W*$", I), "what position was she in {at}?"),
    # "any narcolepsy signs?": the one sign a night's PSG holds, a sleep-onset REM period
    (re.compile(r"^\W*(?:any\s+)?(?:(?:signs?|features?|markers?)\s+of\s+narcolepsy|narcolepsy\s+(?:signs?|features?"
                r"|markers?))(?:\s+(?:here|on this night|in this night))?\W*$", I), "was there a SOREMP?"),
    # "kappa between them", "agreement between the two?": the two stagings set against each other
    (re.compile(r"^\W*(?:and\s+|so\s+|what(?:'s|\s+is)\s+the\s+)?(?:kappa|agreement|cohen'?s\s+kappa)\s+between"
                r"\s+(?:them|the\s+two|the\s+stagers|yasa\s+and\s+the\s+model|the\s+model\s+and\s+yasa)\W*$", I),
     "how does the model compare with YASA?"),
    # "where do they disagree most?": the stagings' disagreement, its longest stretches first
    (re.compile(r"^\W*(?:and\s+|so\s+)?where\s+do\s+(?:they|the\s+two|the\s+stagers|yasa\s+and\s+the\s+model)"
                r"\s+disagree(?:\s+(?:the\s+)?most)?\W*$", I), "where do the stagers disagree?"),
    # "was there any signal dropout?", "any dropouts?": the channels' quality
    (re.compile(r"^\W*(?:was\s+there\s+|were\s+there\s+|any\s+)(?:any\s+)?(?:signal\s+)?(?:drop-?outs?|signal\s+loss"
                r"|lost\s+signals?|flat\s*lines?)\W*$", I), "is the signal quality ok?"),
    # "how many hours of valid flow signal": the study's usable airflow and oximetry
    (re.compile(r"^\W*how\s+(?:many\s+hours|much\s+time)\s+of\s+(?:valid|usable|good)\s+(?:air\s*flow|flow|oximetry"
                r"|spo2|signal)(?:\s+signal)?\W*$", I), "how many hours of usable airflow?"),
    # "and in bed?" after the sleep time: the time in bed
    (re.compile(r"^\W*(?:and\s+)?(?:the\s+time\s+)?in\s+bed\W*$", I), "time in bed?"),
    # "how long awake in the night?": wake after sleep onset, not the wake before it
    (re.compile(rf"^\W*how\s+(?:long|much\s+time)\s+(?:was\s+{_WHO}\s+|{_WHO}\s+was\s+)?(?:awake|up)\s+"
                r"(?:in|during)\s+the\s+night\W*$", I), "how much wake after sleep onset?"),
    # "what would change your mind?": how the figure holds up, as "how sure are you?" reads it
    (re.compile(r"^\W*what\s+(?:would|could)\s+change\s+(?:your|the)\s+(?:mind|answer|verdict)\W*$", I),
     "how sure are you?"),
    # "and 4 to 5?": the last question again, from 4 to 5 o'clock
    (re.compile(r"^\W*(?P<lead>and|what about|how about)\s+(?P<a>\d{1,2}(?::\d\d)?)\s*(?:to|-|–)\s*"
                r"(?P<b>\d{1,2}(?::\d\d)?)\s*(?P<m>(?:am|pm)?)\W*$", I), "{lead} from {a} to {b}{m}?"),
    # "are you sure about the N3?": how sure, of that figure
    (re.compile(r"^\W*(?:are\s+)?(?:you|u)\s+sure\s+about\s+(?:the\s+)?(?P<x>(?!that\b|it\b|this\b)[\w %-]+?)\W*$", I),
     "how sure are you about the {x}?"),
    # "REM latency seems short, is it?": is it
    (re.compile(r"^\W*(?:the\s+|her\s+|his\s+)?(?P<x>[\w %-]+?)\s+(?:seems?|looks?)\s+(?:a\s+bit\s+|quite\s+|very\s+|too\s+)?"
                r"(?P<adj>short|long|low|high|prolonged|reduced|increased|elevated)\W*(?:(?:is|isn'?t)\s+it|right|no)?\W*$", I),
     "is the {x} {adj}?"),
    # "how far did the sat drop?": how low it went, during the event shown or over the night
    (re.compile(r"^\W*how\s+(?:far|much)\s+did\s+(?:it|the\s+sat\w*|the\s+spo2|the\s+oxygen)\s+(?:drop|fall|dip)\W*$", I),
     "how low did the saturation go?"),
    # "worst position", "worst position for breathing?": the rate by position, its worst first
    (re.compile(r"^\W*(?:and\s+)?(?:the\s+)?(?P<way>worst|best)\s+(?:body\s+|sleeping\s+)?position(?:\s+for\s+(?:the\s+)?"
                r"(?:breathing|apn(?:o)?eas?|ahi|events))?\W*$", I), "which position was {way}?"),
    # "mostly obstructive?", "mostly central?": the commonest type, yes or no
    (re.compile(r"^\W*(?:and\s+|so\s+)?mostly\s+(?P<kind>obstructive|central|mixed)\W*$", I), "is it mostly {kind}?"),
    # "during an apnea?" after a moment or an event: was that during one
    (re.compile(r"^\W*(?:and\s+)?during\s+an?\s+(?P<ev>apn(?:o)?ea|hypopn(?:o)?ea|desaturation|arousal|event)\W*$", I),
     "was that during an {ev}?"),
    # "severity?", "what severity is that", "severity grade?": the apnea's band
    (re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:the|its|what(?:'s|\s+is)?(?:\s+the)?)\s+)?severity(?:\s+(?:grade|band"
                r"|level|class))?(?:\s+(?:is\s+(?:that|it|this)|then|of\s+(?:that|it|this|the\s+(?:osa|apn(?:o)?ea))))?\W*$",
                I), "how severe is the sleep apnea?"),
    # "positional?"
    (re.compile(r"^\W*(?:and\s+|so\s+)?positional(?:\s+at\s+all)?\W*$", I),
     "is the apnea positional?"),
    # "REI supine vs lateral": the REI by position, per hour recorded (probe Q: the AHI's table)
    (re.compile(rf"^\W*(?:compare\s+)?(?:the\s+)?rei\s+{_POSITION}\s+(?:vs\.?|versus|against|and|or|compared\s+"
                rf"(?:to|with))\s+{_POSITION}\W*$", I),
     "what is the REI by body position?"),
    # "supine vs non-supine", "back vs side", "compare supine and lateral": the rate by position
    (re.compile(rf"^\W*(?:compare\s+)?(?:the\s+)?(?:(?:breathing|events|ahi|apneas?)\s+)?{_POSITION}"
                rf"\s+(?:vs\.?|versus|against|and|or|compared\s+(?:to|with))\s+{_POSITION}\W*$", I),
     "what is the AHI by body position?"),
    # "is the left side worse?": that side's rate against the rest
    (re.compile(r"^\W*(?:is|was)\s+(?:the\s+)?(?P<side>left|right)(?:\s+side)?\s+worse\W*$", I),
     "is the AHI higher on the {side} side?"),
)

# phrases inside a question: learner's comparatives and clipped positions
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "is that positional then?": a verdict on the last figure, not a question about a moment
    (re.compile(r"\b(positional|rem[- ]related|rem[- ]dependent|supine[- ]dependent|significant|severe|moderate"
                r"|mild|normal|abnormal|central|obstructive)\s+then\b", I), r"\1"),
    # "how many hypopneas meet 4% only?", "hypopneas meeting the 3% rule": with a desaturation that deep
    (re.compile(r"\b(?:meet|meets|meeting|met|fulfil+|fulfil+s|satisfy|satisfies|qualify(?:ing)?\s+(?:by|under|with))\s+"
                r"(?:the\s+)?(\d)\s*%(?:\s+(?:rule|criterion|criteria|definition|desat\w*))?(?:\s+only)?", I),
     r"had a \1% desaturation"),
    # "find other events like the longest apnea (in this night)": epochs like that one, searched
    # as an epoch is (it read as the apnea list)
    (re.compile(r"^\W*(?:can\s+you\s+)?(?:find|show(?:\s+me)?|give(?:\s+me)?|look\s+for)\s+(?:other\s+|more\s+)?"
                r"(?:events|epochs|ones|moments|stretches)\s+like\s+(?=the\s)", I), "epochs similar to "),
    # "how did this pt sleep?": a chart's "pt" is the patient (not after a number: "a 3 pt drop")
    (re.compile(r"(?<![\d.])(?<!\d\s)\bpts?\b(?!\s*%)", I), "patient"),
    # "how many hypopneas lacked a desaturation?": those without one
    (re.compile(r"\b(?:lacked|lacking|lack|had\s+no|have\s+no|did\s+not\s+have|didn'?t\s+have)\s+(?:an?\s+|any\s+)?"
                r"(desat\w*|arousals?|oxygen\s+desaturations?)\b", I), r"without \1"),
    # "R lat", "stage R latency": the AASM's R is REM
    (re.compile(r"\b(?:stage\s+)?r\s*-?\s*lat(?:ency)?\b", I), "REM latency"),
    (re.compile(r"\bmost\s+bad\b", I), "worst"),
    (re.compile(r"\bmore\s+bad\b", I), "worse"),
    (re.compile(r"\bmost\s+good\b", I), "best"),
    (re.compile(r"\bmore\s+good\b", I), "better"),
    (re.compile(r"\bnon[- ]?supin\b", I), "non-supine"),
    (re.compile(r"\bsupin\b", I), "supine"),
    (re.compile(r"\bon\s+(?:the\s+|her\s+|his\s+)?belly\b", I), "prone"),
)


def standard_english(text: str) -> str:
    """``text`` as standard English where it is a learner's or clipped form; else unchanged."""
    for pattern, reading in _WHOLE:
        if m := pattern.search(text):
            return reading.format(**m.groupdict())
    for pattern, reading in _PHRASES:
        text = pattern.sub(reading, text)
    return text
