"""A study report: the night's answers a sleep report is made of, under one heading each.

"write a report", "what should I tell the doctor?": the pipeline asks each section's question
in turn (each answered, grounded and sourced as if asked alone) and :func:`compose` lays the
answers out as one reply, the way a scoring report reads: the recording, sleep against age
norms, breathing, arousals and leg movements, the heart, then what stands out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.chat.render import Answer

# "write a report", "give me the full sleep report", "write it up", "what should I tell the
# doctor?": the whole study; "report the AHI" names a figure of its own and is not one.
_READER = (r"(?:doctor|physician|clinician|gp|consultant|sleep physician|p(?:a)?ediatrician|cardiologist|pulmonologist"
           r"|neurologist|ent|dentist|referrer|parents?|family|patient)")
"""Who a report is written for ("for the referring doctor", "for the parents")."""
REPORT_RE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|now|and|please),?\s+)*(?:(?:can|could|would) you\s+)?(?:please\s+)?"
    r"(?:(?:write|give|show|generate|make|create|produce|draft|prepare|print|compile|put together|do)"
    r"(?:\s+(?:me|us))?\s+)?(?:an?\s+|the\s+|my\s+)?(?:(?:full|complete|short|brief|quick|clinical|final"
    r"|overall|whole)\s+)?(?:(?:sleep|study|psg|polysomnography|hsat|hst|home sleep (?:apnea )?test(?:ing)?"
    r"|night'?s?)\s+)?(?:summary\s+)?(?:report|interpretation|write-?up)"
    r"(?:\s+(?:of|for|on|about)\s+(?:the|this)\s+(?:night|study|recording|patient|psg|hsat|home test))?"
    rf"(?:\s+for\s+(?:the|my|a)\s+(?:referring\s+)?{_READER})?"
    r"(?:,?\s*please)?\W*$"
    r"|^\W*(?:please\s+)?(?:summari[sz]e|sum up|write up)(?:\s+(?:the|this)\s+(?:night|study|recording))?\s+for\s+"
    rf"(?:the|my|a)\s+(?:referring\s+)?{_READER}\W*$"
    r"|^\W*(?:(?:can|could) you\s+)?write (?:it|this|the (?:night|study)) up(?:,?\s*please)?\W*$"
    r"|^\W*what (?:should|do|can|would) (?:i|we) (?:tell|say to|report to|pass on to|give) (?:the|my|her|his"
    r"|their|a) (?:doctor|physician|clinician|gp|sleep (?:doctor|physician|specialist)|referring"
    r" (?:doctor|physician)|consultant)\W*$"
    r"|^\W*what (?:should|does|would|will|must) (?:the|my|her|his|their|a) (?:doctor|physician|clinician|gp"
    r"|sleep (?:doctor|physician|specialist)|referring (?:doctor|physician)|consultant) (?:know|hear|be told|see)"
    r"(?: about (?:this|the) (?:night|study|recording))?\W*$", re.I)


@dataclass(frozen=True)
class Section:
    """One part of the report: its heading, the question that answers it, and what of the
    answer is kept: all of it (``keep`` None), or its lead, the first paragraph that states
    the figures, with the later paragraphs that start with one of ``keep``."""

    heading: str
    question: str
    keep: tuple[str, ...] | None = None


SECTIONS: tuple[Section, ...] = (
    Section("Recording", "which channels are in this file?", keep=()),
    Section("Sleep, against age norms", "is this normal?"),
    Section("Breathing", "how was the breathing overall?"),
    Section("Breathing by position", "was the apnea positional?", keep=()),
    Section("Breathing by stage", "AHI in REM vs NREM", keep=()),
    Section("Arousals", "what is the arousal index?", keep=("By cause",)),
    Section("Leg movements", "PLM index", keep=()),
    Section("Heart", "summarize the heart"),
    Section("What stands out", "what stands out?"),
)

FOOTER = ("Each section is the answer to its own question, with the sources it names. A "
          "clinician reads these figures with the history and the signals; this report is not a "
          "diagnosis.")

WARNING = "⚠️"
"""How an answer's warning paragraph starts (:mod:`app.chat.render`)."""
# the closing hint of an overview ("For more, ask e.g. ...") belongs to a chat turn, not a report
_HINT_RE = re.compile(r"^For more, ask\b.*$", re.M)


def is_report(text: str) -> bool:
    """Whether a message asks for the whole study's report."""
    return bool(REPORT_RE.search(text))


_LAY_READER_RE = re.compile(r"\bfor\s+(?:the|my|a|her|his|their)\s+(?:parents?|family|patient)\b", re.I)


def for_lay_readers(text: str) -> bool:
    """Whether a report is asked for readers who are not clinicians ("for the parents")."""
    return bool(_LAY_READER_RE.search(text))


def section_text(section: Section, text: str) -> str:
    """A section's answer as the report shows it: the hint dropped, and only the paragraphs
    ``section.keep`` asks for; a lead that introduced a table or list now ends the sentence."""
    lead, *rest = [p.strip() for p in _HINT_RE.sub("", text).split("\n\n")
                   if p.strip() and not p.strip().startswith(WARNING)]
    if section.keep is None:
        return "\n\n".join([lead, *rest])
    if lead.endswith(":"):
        lead = f"{lead[:-1]}."
    return "\n\n".join([lead, *(p for p in rest if p.startswith(section.keep))])


def warnings(answers: list[Answer]) -> list[str]:
    """The warnings the answers carry (a night without EEG warns in every answer that rests on
    its guessed stages), each once, in the order first given."""
    found = [p.strip() for answer in answers for p in answer.text.split("\n\n")
             if p.strip().startswith(WARNING)]
    return list(dict.fromkeys(found))


def compose(name: str, answers: list[tuple[Section, Answer]], edit: str = "") -> Answer:
    """One reply from the sections' answers: a heading each, then the footer. The plots show
    what the last section drew (what stands out), and its list is what follow-ups refer to;
    ``edit`` says how the report was edited ("shorter"), in its title."""
    title = f"## Sleep study report: {name}" + (f" ({edit})" if edit else "")
    parts = [title, *warnings([answer for _, answer in answers])]
    parts += [f"### {section.heading}\n{section_text(section, answer.text)}" for section, answer in answers]
    parts.append(f"*{FOOTER}*")
    last = answers[-1][1]
    return Answer("\n\n".join(parts), last.highlights, last.jump, last.track, last.track_label,
                  [], last.window, last.items)
