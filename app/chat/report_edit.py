"""Edits of the report just written: "make it shorter", "just the breathing part", "remove the
oxygen part", "in plain language".

Each edit works on the sections' own answers (:func:`app.chat.report.compose` laid them out),
so nothing is re-measured and no figure is rewritten: a shorter report keeps each section's
lead with its figures, a part left out is left out whole, and plain language adds a sentence
of plain words before each section's figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.chat.render import Answer
from app.chat.report import Section, compose, section_text

_POLITE = r"^\W*(?:(?:ok(?:ay)?|now|so|and|then|please|thanks?|great),?\s+)*(?:(?:can|could|would) you\s+)?(?:please\s+)?"
_IT = r"(?:it|this|that|the report|the whole thing)"
_SHORTER_RE = re.compile(
    _POLITE + r"(?:(?:make|keep|cut|trim) " + _IT + r"(?: down)? (?:shorter|briefer|brief|short|more concise|concise"
    r"|tighter)|shorten " + _IT + r"|cut " + _IT + r" down|condense " + _IT + r"|summari[sz]e " + _IT
    + r"|(?:give me |just )?(?:a |the )?(?:shorter|brief(?:er)?|short|condensed|concise) (?:version|one|report)"
    r"|(?:shorter|briefer|more concise)|(?:it'?s |that'?s |this is )?(?:way |much |far )?too long|tl;?dr"
    r"|(?:just )?the (?:key points|highlights|gist|headlines))(?:,?\s*please)?\W*$", re.I)
_PLAIN_RE = re.compile(
    _POLITE + r"(?:(?:make|write|rewrite|put|say|explain|phrase|redo|word|give(?: me)?) " + _IT + r"\s+)?"
    r"(?:(?:in|into|with) )?(?:plain|simple|simpler|lay(?:man'?s)?|everyday|easy) (?:language|english|words|terms)"
    r"(?: for (?:the|a|my) (?:patient|family|parents?))?(?:,?\s*please)?\W*$"
    r"|" + _POLITE + r"(?:make|write|rewrite|redo|word) " + _IT + r" (?:simpler|less technical|easier to (?:read|understand)"
    r"|for (?:the|a|my) (?:patient|family|parents?)|patient[- ]friendly)(?:,?\s*please)?\W*$"
    r"|" + _POLITE + r"(?:a |the )?(?:patient[- ]friendly|lay|plain[- ]language) version(?:,?\s*please)?\W*$", re.I)


def _part(group: str, said: str = "?") -> str:
    """A named part of the report ("the breathing part"), captured as ``group``; ``said`` "" when
    the word "part" (or "section") must follow."""
    return (rf"(?P<{group}>[a-z][\w '/-]*?)(?P<{group}_part>\s+(?:part|parts|section|sections|bit|bits|stuff"
            rf"|paragraph|one)){said}")


_ONLY_RE = re.compile(
    _POLITE + r"(?:(?:show|give|keep|leave)(?: me)?(?: it)?(?: with)? )?(?:just|only) (?:the |keep the )?" + _part("a")
    + r"(?:,?\s*please)?\W*$"
    r"|" + _POLITE + r"(?:show|give)(?: me)? (?:only )?the " + _part("b", "") + r"(?: of it| of the report)?(?:,?\s*please)?\W*$", re.I)
_DROP_RE = re.compile(
    _POLITE + r"(?:remove|drop|delete|cut|skip|leave out|take out|omit|lose|get rid of|no) (?:the |all the )?" + _part("a")
    + r"(?: (?:from it|from the report|out))?(?:,?\s*please)?\W*$"
    r"|" + _POLITE + r"(?:the same |it |the report )?without (?:the |any )?" + _part("b") + r"(?:,?\s*please)?\W*$", re.I)


@dataclass(frozen=True)
class Topic:
    """A part of a report a user can name: whole sections by heading, or the lines within
    them that speak of it (oxygen lies inside the breathing section)."""

    pattern: str
    """Regex on the user's words naming it."""
    sections: tuple[str, ...] = ()
    """Headings of the sections it is."""
    lines: str = ""
    """Regex on a section's lines that speak of it, for a topic that is no section."""


TOPICS: tuple[Topic, ...] = (
    Topic(r"recording|channels?|montage|signals?", ("Recording",)),
    Topic(r"sleep|architecture|stages?|staging|hypnogram|norms?", ("Sleep, against age norms",)),
    Topic(r"breathing|respirat\w*|apneas?|ahi|airway", ("Breathing", "Breathing by position", "Breathing by stage")),
    Topic(r"position\w*|supine|back", ("Breathing by position",)),
    Topic(r"(?:rem|nrem|stage)s? (?:vs\.? |and )?(?:nrem )?(?:breathing|ahi)|(?:breathing )?by stage|rem (?:vs\.?|versus|and) nrem",
          ("Breathing by stage",)),
    Topic(r"arousals?", ("Arousals",)),
    Topic(r"legs?|limbs?|plms?|periodic limb\w*|(?:leg |limb )?movements?", ("Leg movements",)),
    Topic(r"heart|cardiac|ecg|ekg|pulse|heart rate|hr", ("Heart",)),
    Topic(r"(?:what )?stands? out|findings|highlights|summary|conclusion|impression", ("What stands out",)),
    Topic(r"oxygen|o2|spo2|sats?|saturation|desat\w*|odi|oximetry",
          lines=r"spo2|oxygen|desaturat|\bodi\b|\bt\d\d\b|saturation"),
    Topic(r"snor\w*", lines=r"snor"),
)

PLAIN_WORDS: dict[str, str] = {
    "Recording": "Which body signals were recorded through the night, and for how long.",
    "Sleep, against age norms": "How long and how well the person slept, and how the night divided into light "
                                "sleep (N1, N2), deep sleep (N3) and dream sleep (REM), against people of the "
                                "same age who sleep well.",
    "Breathing": "How often breathing stopped (an apnea) or became shallow (a hypopnea) for 10 seconds or more, "
                 "counted per hour of sleep as the AHI: under 5 an hour is normal in an adult. Also how often, "
                 "and how far, the oxygen in the blood dipped.",
    "Breathing by position": "Whether breathing trouble was worse lying on the back than on the side.",
    "Breathing by stage": "Whether breathing trouble was worse in dream sleep (REM) than in the other stages.",
    "Arousals": "Arousals are brief awakenings of a few seconds that the sleeper does not remember; many of "
                "them break sleep into pieces.",
    "Leg movements": "Repeated leg movements in sleep; many in a row can disturb sleep.",
    "Heart": "The heart rate through the night and how regular the beats were.",
    "What stands out": "The points most worth a doctor's attention.",
}
"""A plain sentence per section heading: what it measures, for a reader who is not a technician."""

MAX_SHORT_ITEMS = 4
"""List lines a shortened section keeps (those outside a norm first)."""
_FLAGGED_RE = re.compile(r"\b(?:above|below|outside|under 90|lowest|mild|moderate|severe)\b", re.I)
_WITHIN_RE = re.compile(r"^- (?P<name>[^:]+): .*— within the typical\b")
_LONG_ASIDE_RE = re.compile(r"\s\([^()]{60,}\)")
_ITEM_RE = re.compile(r"^(?:- |\d+\. )")


def report_edit(text: str) -> tuple[str, str] | None:
    """("shorter" | "plain" | "only" | "drop", the part named) when ``text`` asks to edit a
    report, else None."""
    if _SHORTER_RE.search(text):
        return "shorter", ""
    if _PLAIN_RE.search(text):
        return "plain", ""
    for kind, pattern in (("only", _ONLY_RE), ("drop", _DROP_RE)):
        if m := pattern.search(text):
            words = m["a"] or m["b"]
            # "only in REM" names no part of a report: a question of its own, unless it says "part"
            if _topic(words) is not None or m["a_part"] or m["b_part"]:
                return kind, words
    return None


def _topic(words: str) -> Topic | None:
    """The report part ``words`` name, None for none (the last topic that names it whole wins
    over a wider one: "the position part" is that section, not all of the breathing)."""
    named = [t for t in TOPICS if re.fullmatch(rf"(?:the )?(?:{t.pattern})", words.strip(), re.I)]
    return named[-1] if named else None


def edited(kind: str, words: str, name: str, answers: list[tuple[Section, Answer]]) -> Answer:
    """The report of ``answers`` edited as asked: what the report showed of each answer, edited,
    then laid out again."""
    answers = [(replace(s, keep=None), _with_text(a, section_text(s, a.text))) for s, a in answers]
    if kind == "shorter":
        return compose(name, [(s, _with_text(a, shortened(a.text))) for s, a in answers], "shorter")
    if kind == "plain":
        return compose(name, [(s, _with_text(a, f"*In plain words:* {PLAIN_WORDS.get(s.heading, '')}\n\n"
                                               f"{shortened(a.text)}")) for s, a in answers], "in plain words")
    topic = _topic(words)
    if topic is None:
        parts = ", ".join(s.heading for s, _ in answers)
        return Answer(f"The report has no part on “{words.strip()}”. Its parts are: {parts}; ask e.g. "
                      f"*just the breathing* or *remove the heart part*.")
    if topic.sections:
        keep = [(s, a) for s, a in answers if (s.heading in topic.sections) == (kind == "only")]
        note = (f"only {', '.join(topic.sections)}" if kind == "only"
                else f"without {', '.join(topic.sections)}")
        return compose(name, keep, note) if keep else Answer("That would leave nothing of the report; ask "
                                                             "*write a report* for the whole of it again.")
    lines = re.compile(topic.lines, re.I)
    picked = [(s, _with_text(a, _renumbered(_lines(a.text, lines, kind == "only")))) for s, a in answers]
    picked = [(s, a) for s, a in picked if a.text.strip()]
    if not picked:
        return Answer(f"No line of the report speaks of {words.strip()}.")
    note = f"{'only' if kind == 'only' else 'without'} the lines on {words.strip()}"
    return compose(name, picked, note)


def shortened(text: str) -> str:
    """A section's answer cut to its lead and its figures: later paragraphs dropped, list lines
    within a norm named together, at most :data:`MAX_SHORT_ITEMS` other list lines (those outside
    a norm first), and long asides in brackets left out."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    lead = paragraphs[0]
    if lead.rstrip().endswith(":") and len(paragraphs) > 1 and _ITEM_RE.match(paragraphs[1]):
        lead = f"{lead}\n{paragraphs[1]}"   # "The breathing over the whole night:" then its list
    head, *items = lead.splitlines()
    within = [m["name"] for line in items if (m := _WITHIN_RE.match(line))]
    others = [line for line in items if _ITEM_RE.match(line) and not _WITHIN_RE.match(line)]
    flagged = [line for line in others if _FLAGGED_RE.search(line)]
    kept = (flagged + [line for line in others if line not in flagged])[:MAX_SHORT_ITEMS]
    kept = [line for line in others if line in kept]   # in the answer's own order
    if within:
        kept.insert(0, f"- within the typical range: {', '.join(within)}")
    return _LONG_ASIDE_RE.sub("", "\n".join([head, *kept]))


def _lines(text: str, pattern: re.Pattern[str], keep: bool) -> str:
    """The paragraphs and list lines of ``text`` that match ``pattern`` (``keep``), or those that
    do not; a list's lead stays with any line kept under it."""
    out = []
    for paragraph in text.split("\n\n"):
        head, *items = paragraph.splitlines()
        if items and all(_ITEM_RE.match(line) for line in items):
            chosen = [line for line in items if bool(pattern.search(line)) == keep]
            if chosen:
                out.append("\n".join([head, *chosen]))
        elif bool(pattern.search(paragraph)) == keep:
            out.append(paragraph)
    return "\n\n".join(out)


def _renumbered(text: str) -> str:
    """A numbered list numbered again from 1, after lines of it were left out."""
    count = iter(range(1, 1000))
    return re.sub(r"^\d+\. ", lambda _: f"{next(count)}. ", text, flags=re.M)


def _with_text(answer: Answer, text: str) -> Answer:
    return replace(answer, text=text)
