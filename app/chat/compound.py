"""Two questions asked as one: "what were the sleep latency and REM latency?", "how many
PLMs per hour, and how many caused arousals?", "what's the AHI and how severe is it?".

A question is split at an "and", a comma or a semicolon only where its two sides read as two
different questions and the whole, read at once, would drop one of them:

* each side asks something of the night on its own (a right side that is a bare noun phrase,
  "... and REM latency", borrows the left side's question words, "what were the"), the two
  ask different things, and the whole reads as only one of them, or as a third thing that
  blends them ("a central apnea and an obstructive apnea" read as any apnea);
* or the whole asks for the amount or timing of one stage and names a list of them ("how much
  N1, N2 and REM?"): each stage in turn.

Follow-ups inside a question ("what is a K-complex and show me one", "... and what was
happening then?") are left to the whole, which already answers them.

"Spindles between 1 and 2 am", "compare N1 and N3", "TST, SE and WASO" and "obstructive and
central apneas" are one question each: the whole reads as neither side alone; so is "how many
apneas and hypopneas?", whose "and" is inside the name of what it counts.
"""

from __future__ import annotations

import re

from app.chat.phenomena import article, find_phenomenon, phenomenon
from app.chat.query import Intent, Query, Ref
from app.chat.understand import LEADING_ARTICLE_RE, listed_stages, understand

I = re.IGNORECASE
_JOINT_RE = re.compile(r"\s*(?:,\s*(?:and|&|also|then|plus)\s+|\s+(?:and|&|and also|and then|plus|\+|or)\s+"
                       r"|;\s*|,\s+)", I)
_QUESTION_START_RE = re.compile(r"^\W*(?:what|how|when|where|which|who|why|is|are|was|were|did"
                                r"|does|do|has|had|can|could|show|give|list|tell|plot|draw|zoom"
                                r"|find|any)\b", I)
# The question words of the left side that a bare right side shares ("what were the sleep
# latency and REM latency?": "what were the REM latency").
_STEM_RE = re.compile(r"^\W*(?:(?:what|when)(?:'s|s|'re| is| are| was| were)?|how (?:many|much|long|often)"
                      r"(?: (?:is|are|was|were|did|do))?|give me|tell me|show me|list"
                      # "I need the AHI, the supine AHI and the T90": a technician's list for a report
                      r"|i (?:need|want|would like|'d like)|(?:can|could) (?:i|you) (?:get|have|give me)|get me"
                      r"|please give me)(?: the| me)?\b", I)
_BACK_REFERENCE_RE = re.compile(r"\b(?:it|its|that|this|these|those|them|then|here"
                                r"|one|ones)\b", I)
_PREPOSITION_RE = re.compile(r"^(?:in|at|during|on|for|with|by|after|before|from|to|of)\b", I)
# "... before 2 am and how many after?": the left side's time after a bare before or after
_LEFT_TIME_RE = re.compile(r"\b(?:before|after)\s+(?P<time>(?:midnight|noon|\d{1,2}(?::\d{2})?\s*(?:am|pm|h)?))", I)
_BARE_SIDE_RE = re.compile(r"\b(?:before|after)\W*$", I)
# "... in the first cycle and how many in the last?": the left side's unit after a bare ordinal
_BARE_ORDINAL_RE = re.compile(r"\bthe (?:first|second|third|fourth|last|final)\W*$", I)
_ORDINAL_UNIT_RE = re.compile(r"\bthe (?:first|second|third|fourth|last|final) (?P<unit>(?:rem |nrem |sleep )?"
                              r"(?:cycle|hour|half|period|third|quarter)s?)\b", I)
# "... and how many in REM?": a count whose noun is the left side's
_ELLIPTIC_COUNT_RE = re.compile(r"^(?P<how>\W*how many)\s+(?=(?:(?:were|was|are|is|did|happened|occurred)"
                                r"\s+)?(?:in|during|after|before|on|at|between|while|had|have|has|with"
                                r"|without|were followed|ended|caused|led)\b)", I)
# Wholes that join two things on purpose: compared, split, listed as statistics, or two kinds.
_PAIRING = (Intent.COMPARE, Intent.BREAKDOWN)
_EMPTY = (Intent.UNKNOWN, Intent.OFF_TOPIC, Intent.HELP)
# Wholes about one stage's amount or timing: a list of stages asks each in turn.
_PER_STAGE = (Intent.STAGE_AMOUNT, Intent.STAGE_TIMING)
MAX_JOINTS = 4
"""Joints tried per question: a longer list of clauses is read as one question."""


# "a central apnea and an obstructive one side by side": the noun for "one", the layout words
# dropped (the two answers are shown in turn)
_ONE_FOR_NOUN_RE = re.compile(r"\b(?P<noun>[a-z-]+?)(?P<s>s?)(?P<join>\s+(?:and|&)\s+(?:an?\s+|the\s+)?[\w-]+\s+)ones?\b", I)
# "an obstructive one and a central one": an apnea type's "one" with no noun on either side
_KIND_ONE_RE = re.compile(r"\b(?P<kind>obstructive|central|mixed) one(?=\s+(?:and|&)\s+(?:an?\s+|the\s+)?(?:obstructive|central"
                          r"|mixed)\s+ones?\b)", I)
_SIDE_BY_SIDE_RE = re.compile(r"\s+(?:side[- ]by[- ]side|next to each other|together|one after the other)(?=\W*$)", I)


TERSE_WORDS = 3
"""Longest side, in words, of a terse pair of figures ("plm index & arousal index")."""


def _two_figures(left: str, right: str) -> bool:
    """Two bare names of the night's figures ("sol and rol", "rem% and n3%", "plm index &
    arousal index"): each a question of its own, though a few words long."""
    def figure(words: str) -> bool:
        q = understand(words)
        return q.by_rule and q.ref == Ref.NONE and (
            q.intent in (Intent.STAGE_TIMING, Intent.STAGE_AMOUNT) or (q.intent == Intent.SUMMARY and bool(q.stat))
            or (q.intent == Intent.LOCATE and bool(q.per)))
    return (len(left.split()) <= TERSE_WORDS and len(right.split()) <= TERSE_WORDS
            and figure(left) and figure(right))


def _two_splits(text: str, joint: re.Match[str]) -> tuple[str, str] | None:
    """"supine AHI and REM AHI": an index split two ways, each its own figure (read whole, the
    supine AHI in REM alone); None for anything else."""
    # the list after a colon ("for the report: supine AHI and REM AHI")
    left, right = text[:joint.start()].rsplit(":", 1)[-1].strip(), text[joint.end():].strip()
    if len(left.split()) > TERSE_WORDS or len(right.split()) > TERSE_WORDS:
        return None
    a, b = understand(left), understand(right)
    split = all(q.by_rule and q.ref == Ref.NONE and q.intent == Intent.BREAKDOWN and q.stat and q.by
                for q in (a, b))
    return (left, right) if split and (a.by, a.target) != (b.by, b.target) else None


def _spelled_out(text: str) -> str:
    """``text`` with a second "one" replaced by the noun before it."""
    text = _KIND_ONE_RE.sub(lambda m: f"{m['kind']} apnea", _SIDE_BY_SIDE_RE.sub("", text))
    return _ONE_FOR_NOUN_RE.sub(lambda m: f"{m.group('noun')}{m.group('s')}{m.group('join')}"
                                          f"{m.group('noun')}{m.group('s')}", text)


# "show a good example of an obstructive apnea then a central one": two examples, one after the other
_THEN_ANOTHER_RE = re.compile(r"^\W*(?P<lead>(?:show|give|find|pull up|bring up)(?: me| us)?(?: (?:a )?(?:good |clear |typical )?"
                              r"(?:example|instance) of)?) (?P<a>an? [\w -]+?),? (?:and )?then (?:an? )?(?P<b>[\w -]+?)\W*$", I)


_SHOW_AND_EXPLAIN_RE = re.compile(r"^\W*(?P<show>(?:show|give|find|pull up|bring up)(?: me| us)? (?:an?|one|the) [\w -]+?),?"
                                  r" and (?:then )?(?P<ask>(?:explain|tell me|describe|say) (?:how|why|what) (?:it|that|this)"
                                  r"(?: one)? .+?)\W*$", I)
"""An example asked for with a question about it ("show me a central apnea and explain how it
differs from obstructive"): the example, then the question of it."""


def _then_another(m: re.Match[str]) -> tuple[str, str]:
    """The two examples asked for in turn, the second borrowing the first's noun ("a central
    one" after "an obstructive apnea": a central apnea)."""
    first, second = m["a"], re.sub(r"\s+ones?$", "", m["b"].strip())
    noun = first.split()[-1]
    if second.split()[-1].lower() != noun.lower() and (second != m["b"].strip() or find_phenomenon(second) is None):
        second = f"{second} {noun}"   # "then a central one", "then central"
    return f"{m['lead']} {first}", f"{m['lead']} {article(second)}"


# "explain REM atonia using this night": the term, then the night's own chin tone in REM
_ATONIA_HERE_RE = re.compile(r"\b(?:explain|show|demonstrate|teach|illustrate|describe)\b.{0,20}\b(?:rem )?atonia\b.{0,10}"
                             r"\b(?:using|with|in|on|from|for)\s+(?:this|the|her|his|our)\s+(?:night|recording|data|study"
                             r"|patient|file|psg)\b", I)

# "how many hypopneas had a 3% desat vs 4%?": the question at each depth in turn ("based on 4% or 3%
# hypopneas?" asks which rule, one question)
_DEPTH_PAIR_RE = re.compile(r"^(?P<head>.*?\b)(?P<a>\d{1,2}(?:\.\d)?)\s*%(?P<mid>(?: (?:desat\w*|drop|dip|fall))?)\s+(?:vs\.?"
                            r"|versus|and|compared (?:to|with))\s+(?:a\s+)?(?P<b>\d{1,2}(?:\.\d)?)\s*%(?P<tail>.*)$", I)
# "obstructive AHI vs central AHI": the obstructive AHI, then the central apnea index
_OAHI_VS_CAI_RE = re.compile(r"^\W*(?:what(?:'s| is| are| was| were) (?:the )?|compare (?:the )?)?(?:obstructive (?:ahi"
                             r"|apnea-hypopnea index)|oahi) (?:vs\.?|versus|and|against|compared (?:to|with)) (?:the )?"
                             r"(?:central (?:ahi|apnea-hypopnea index|apnea index)|cai)\W*$", I)

# "does the ODI fit the AHI?", "ODI vs AHI - does it fit?": both indices, then the events each
# counts alone (the breathing events without a desaturation, the desaturations without one)
_ODI_FITS_AHI_RE = re.compile(r"^(?=.*\bodi\b)(?=.*\bo?ahi\b).*\b(?:fit|fits|fitting|match|matches|agree|agrees"
                              r"|consistent|inconsistent|line up|lines up|square|tally|make sense|makes sense|plausible"
                              r"|add up|adds up)\b", I)


def compound(text: str) -> tuple[str, str] | None:
    """The two questions ``text`` stands for, in order, or None when it is one question."""
    text = _spelled_out(" ".join(text.split()))
    if (m := _THEN_ANOTHER_RE.search(text)) is not None:
        return _then_another(m)
    if (m := _SHOW_AND_EXPLAIN_RE.search(text)) is not None:
        # "explain how it differs from obstructive" is asked as a follow-up asks it
        ask = re.sub(r"^(?:explain|tell me|describe|say)\s+how\s+(it|that|this)(?:\s+one)?\s+differs\b",
                     r"how does \1 differ", m["ask"], flags=I)
        return m["show"], f"{ask}?"
    if _ATONIA_HERE_RE.search(text):
        return "what is REM atonia?", "was there REM without atonia?"
    if ((m := _DEPTH_PAIR_RE.search(text)) is not None and m["head"].strip()
            and not re.search(r"(?:^\W*(?:the )?(?:odi|ahi|rdi|rei)|\bbetween|\bfrom)\s*$", m["head"], I)):
        # (the ODI gives both depths at once, "AHI 3% vs 4%" each hypopnea rule's AHI in one table;
        # "between 3% and 4%" is one range)
        return tuple(f"{m['head']}{depth}%{m['mid']}{m['tail']}" for depth in (m["a"], m["b"]))
    if _ODI_FITS_AHI_RE.search(text):
        return ("what are the AHI and the ODI?", "how many apneas and hypopneas had no desaturation and how "
                "many desaturations had no apnea or hypopnea?")
    if _OAHI_VS_CAI_RE.search(text):
        return "what is the obstructive apnea-hypopnea index?", "what is the central apnea index?"
    if (listed := _list_of_asks(text)) is not None:
        return listed
    joints = list(_JOINT_RE.finditer(text))
    if not joints or len(joints) > MAX_JOINTS:
        return None
    whole = understand(text)
    if whole.more_stats and (tail := _stats_then_more(text, joints, whole)) is not None:
        return tail
    if len(joints) == 1 and (pair := _two_splits(text, joints[0])) is not None:
        return pair
    if whole.intent in _PAIRING or whole.more_stats or whole.contrast or whole.groups or whole.lacking or whole.also:
        # "hypopneas with no arousal and no desaturation", "... both a desaturation and an
        # arousal": both ties at once
        return None
    if whole.intent in _PER_STAGE and (listed := listed_stages(text)) is not None:
        # "how much N1, N2 and REM?": each stage's amount in turn
        start, end, words = listed
        rest = ", ".join(words[1:-1]) + (" and " if len(words) > 2 else "") + words[-1]
        return f"{text[:start]}{words[0]}{text[end:]}", f"{text[:start]}{rest}{text[end:]}"
    for m in joints:
        left, right = text[:m.start()].strip(), text[m.end():].strip()
        if m.group(0).strip().lower() == "or":
            if (pair := _either_run(left, right, whole)) is not None:
                return pair
            continue
        terse = bool(right) and _two_figures(left, right)
        if (len(left.split()) < 2 and not terse) or not right or _inside_term(whole, text, m):
            continue
        if not _QUESTION_START_RE.match(right) and not terse:
            stem = _STEM_RE.match(left)
            if stem is None or _PREPOSITION_RE.match(right):
                continue   # "when was the lowest SpO2, and in what stage?" is one question
            # "show me a central apnea and an obstructive apnea": "a" asks for one, which the
            # right side keeps; a stem's own "the" is not said twice
            keep = re.match(r"an?\s", right, I) and not stem.group(0).lower().endswith((" the", " me the"))
            right = f"{stem.group(0)} {right if keep else LEADING_ARTICLE_RE.sub('', right)}"
        filled = _with_noun(left, _one_as_unit(left, right))
        first = understand(left)
        if _BACK_REFERENCE_RE.search(filled):
            if whole.ref != Ref.NONE and _QUESTION_START_RE.match(right) and _asks(first):
                # "which cycle had the most REM and how long was it?": the whole reads as a
                # reference to an earlier answer; the right side follows up the left one's
                return left, filled
            continue   # "... and how does it compare to normal?": the whole answers both
        second = understand(filled)
        # a right side that needed the left's noun cannot be read whole ("... and how many
        # after?" reads as after the last answer)
        if (_asks(first) and _asks(second) and not _same(first, second)
                and (filled != right or _same(whole, first) or _same(whole, second)
                     or _blended(whole, first, second))):
            return left, filled
    return None


# "I need the AHI, the supine AHI, the REM AHI, the lowest sat and the T90 for the report": a
# technician's list of figures, each asked in turn
_LIST_STEM_RE = re.compile(
    # "the full respiratory summary for the report: AHI, OAHI, CAI, ...": the list after the colon
    r"^(?P<head>[^:]{3,}:)\s*(?P<listed>[^:]+?)\W*$"
    r"|^\W*(?P<stem>i (?:need|want|would like|'d like)|(?:can|could) (?:i|you) (?:get|have|give me)"
    r"|get me|(?:please )?give me)\s+(?P<items>.+?)\W*$"
    # "TST, SE, WASO, REM latency, N3 %, AHI, CAI, ODI, T90 and nadir please": a bare list of five
    # figures or more ("AHI, ODI, lowest SpO2 and arousal index" reads its indices together first)
    r"|^\W*(?P<bare>(?!(?:what|how|when|where|which|who|why|is|are|was|were|did|do|does|can|could|show|find"
    r"|list)\b)[^,?:]+(?:,[^,?:]+){4,})\W*$", I)
_LIST_JOINT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", I)
MIN_LISTED = 3
"""Figures a list needs before it is asked one by one (two are left to the joints)."""


def _list_of_asks(text: str) -> tuple[str, str] | None:
    """The first figure of a list of three or more that each ask something alone, and the rest
    of the list with the same opening; None for anything else."""
    m = _LIST_STEM_RE.match(text)
    if m is None:
        return None
    # a bare list goes on as a technician's "I need ..." (so that its rest is read as a list too)
    stem, items = ((m["stem"], m["items"]) if m["stem"] else (m["head"], m["listed"]) if m["head"]
                   else ("I need", re.sub(r",?\s+please$", "", m["bare"], flags=I)))
    joints = list(_LIST_JOINT_RE.finditer(items))
    parts = _LIST_JOINT_RE.split(items)
    asked = [understand(_what_is(part)) for part in parts]
    if len(parts) < MIN_LISTED or not all(_asks(q) for q in asked):
        return None
    if m["stem"] and understand(text).more_stats and all(q.intent == Intent.SUMMARY and q.stat for q in asked):
        return None   # "give me TST, SE and WASO": whole-night figures the summary gives together
    rest = items[joints[0].end():] if len(parts) > MIN_LISTED else f"{parts[1]} and {parts[2]}"
    return _what_is(parts[0]), f"{stem} {rest}"


def _what_is(figure: str) -> str:
    """A listed figure as a question of its value ("what is the T90?"): without "the", "what is
    AHI?" asks what the AHI is."""
    return f"what is {figure}?" if LEADING_ARTICLE_RE.match(figure) else f"what is the {figure}?"


def _stats_then_more(text: str, joints: list[re.Match], whole: Query) -> tuple[str, str] | None:
    """"what's the AHI, ODI, lowest SpO2 and arousal index?": the indices read together, then
    what follows them that no index list holds (the rest asked with the left side's question
    words), or None when every part is an index of the list."""
    stats = (whole.stat, *whole.more_stats)
    for m in joints:
        left, right = text[:m.start()].strip(), text[m.end():].strip()
        first = understand(left)
        if first.intent != Intent.SUMMARY or (first.stat, *first.more_stats) != stats or not right:
            continue
        stem = _STEM_RE.match(left)
        filled = right if _QUESTION_START_RE.match(right) or stem is None else (
            f"{stem.group(0)} {LEADING_ARTICLE_RE.sub('', right)}")
        second = understand(filled)
        if second.intent not in _EMPTY and not (second.intent == Intent.SUMMARY and second.stat in stats):
            return left, filled
    return None


def _either_run(left: str, right: str, whole: Query) -> tuple[str, str] | None:
    """"any brady or tachy?": two runs of a signal past a line, each looked for; an "or"
    between anything else ("is it N2 or N3?", "obstructive or central?") is one question."""
    stem = _STEM_RE.match(left) or re.match(r"^\W*(?:any|were there any|was there any|is there any)\b", left, I)
    if stem is None or len(right.split()) > TERSE_WORDS:
        return None
    filled = f"{stem.group(0)} {LEADING_ARTICLE_RE.sub('', right)}"
    first, second = understand(left), understand(filled)
    runs = all(q.intent == Intent.THRESHOLD and q.phenomenon for q in (first, second))
    return (left, filled) if runs and first.phenomenon != second.phenomenon and whole.phenomenon in (
        first.phenomenon, second.phenomenon) else None


def _with_noun(left: str, right: str) -> str:
    """``right`` with the left side's events named where it counts without a noun ("how many
    apneas were in N2 and how many in REM?": "how many apneas in REM")."""
    m = _ELLIPTIC_COUNT_RE.match(right)
    phen = phenomenon(understand(left).phenomenon) if m else None
    named = re.search(phen.pattern, left, I) if phen is not None else None
    if named is None:
        return right
    right = f"{m.group('how')} {named.group(0)} {right[m.end():]}"
    if (bare := _BARE_ORDINAL_RE.search(right)) and (unit := _ORDINAL_UNIT_RE.search(left)):
        # "... in the first cycle and how many in the last?": the last cycle
        right = f"{right[:bare.end()].rstrip(' ?.!')} {unit.group('unit')}"
    time = _LEFT_TIME_RE.search(left)
    bare = _BARE_SIDE_RE.search(right)
    if time and bare:
        right = f"{right[:bare.end()].rstrip(' ?.!')} {time.group('time')}"
    return right


_ORDINAL_ONE_RE = re.compile(r"\bthe (?P<ord>first|second|third|fourth|last|final) one\b", I)


def _one_as_unit(left: str, right: str) -> str:
    """``right`` with "the last one" spelt out as the left side's unit ("how much N3 in the first
    cycle, and how much REM in the last one?": the last cycle)."""
    if (one := _ORDINAL_ONE_RE.search(right)) and (unit := _ORDINAL_UNIT_RE.search(left)):
        return f"{right[:one.start()]}the {one['ord']} {unit['unit']}{right[one.end():]}"
    return right


def _inside_term(whole: Query, text: str, joint: re.Match) -> bool:
    """The joint is part of the name of the thing the whole asks about ("how many apneas and
    hypopneas?": one kind of event, the respiratory events)."""
    phen = phenomenon(whole.phenomenon)
    return phen is not None and any(t.start() <= joint.start() and joint.end() <= t.end()
                                    for t in re.finditer(phen.pattern, text, I))


def _blended(whole: Query, first: Query, second: Query) -> bool:
    """The whole reads as a third thing the two sides name together ("show me a central apnea
    and an obstructive apnea": any apnea)."""
    return (whole.intent == first.intent == second.intent and bool(first.phenomenon)
            and bool(second.phenomenon) and whole.phenomenon not in (first.phenomenon, second.phenomenon))


def _asks(query: Query) -> bool:
    """The query asks something of the night on its own (not a help text, not a reference)."""
    return query.intent not in _EMPTY and query.ref == Ref.NONE


def _same(a: Query, b: Query) -> bool:
    """Two readings ask for the same thing where it matters: what is done, the first thing
    named (a statistic, a stage event, a measure, a phenomenon, a signal), and where."""
    return _gist(a) == _gist(b)


def _gist(q: Query) -> tuple:
    return (q.intent, q.stat or q.stage_event or q.measure or q.phenomenon or q.signal, q.together,
            q.scope.stages, q.scope.time and (q.scope.time.kind, q.scope.time.start, q.scope.time.end))
