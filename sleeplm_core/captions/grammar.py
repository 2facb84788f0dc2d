"""The shared machinery of caption templates: numbers, phrases, sentences.

A template is a plain string with ``{name}`` slots. The same template renders
a phrase (``str.format``) and compiles into the regular expression that reads
it back, so the caption bank and the parser cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sleeplm_core.features.schema import precision

APPROX_WORDS: tuple[str, ...] = ("roughly", "about", "around", "approximately")
NUMBER = r"(?:(?:%s) )?\d+(?:\.\d+)?" % "|".join(APPROX_WORDS)
"""Regex of a rendered number, precise ("65.16") or approximate ("roughly 65")."""
CONNECTORS: tuple[str, ...] = (", ", ", along with ", ", plus ", "; ", ", with ")
_SENTENCE_END = re.compile(r"(?<=\.)\s+")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class NumberStyle:
    """Chooses how each number is printed.

    Attributes:
        rng: the caption's random generator.
        approx_prob: chance that a number is printed approximately ("roughly 18").
    """

    rng: np.random.Generator
    approx_prob: float = 0.3

    def __call__(self, cls: type, name: str, value: float) -> str:
        """``value`` of field ``name`` of ``cls``, sometimes approximate."""
        if self.rng.random() < self.approx_prob:
            return f"{pick(self.rng, APPROX_WORDS)} {_digits(cls, name, value, True)}"
        return _digits(cls, name, value, False)

    @staticmethod
    def exact(cls: type, name: str, value: float) -> str:
        """``value`` always printed precisely (times, which "roughly" would blur)."""
        return _digits(cls, name, value, False)


def _digits(cls: type, name: str, value: float, approximate: bool) -> str:
    # Every feature is non-negative; max() only keeps rounding noise from printing "-0.00".
    return f"{max(value, 0.0):.{precision(cls, name, approximate)}f}"


def pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    """One of ``options``, chosen by ``rng``."""
    return options[int(rng.integers(len(options)))]


def parse_number(text: str) -> float:
    """The value of a number matched by :data:`NUMBER`."""
    return float(text.rsplit(" ", 1)[-1])


@lru_cache(maxsize=None)
def template_regex(template: str, slots: tuple[tuple[str, str], ...] = ()) -> re.Pattern[str]:
    """Regex matching ``template``; each slot becomes a named group.

    Args:
        template: text with ``{name}`` slots.
        slots: (name, regex) for slots that are not numbers.
    """
    patterns = dict(slots)
    parts = _SLOT.split(template)
    out = [
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{patterns.get(part, NUMBER)})"
        for i, part in enumerate(parts)
    ]
    return re.compile("".join(out))


def find(templates: Sequence[str], text: str, **slots: str) -> re.Match[str] | None:
    """The leftmost match in ``text`` of any of ``templates``."""
    matches = [m for t in templates
               if (m := template_regex(t, tuple(sorted(slots.items()))).search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def find_all(templates: Sequence[str], text: str, **slots: str) -> list[re.Match[str]]:
    """Every match in ``text`` of any of ``templates``, in text order."""
    key = tuple(sorted(slots.items()))
    matches = [m for t in templates for m in template_regex(t, key).finditer(text)]
    return sorted(matches, key=lambda m: m.start())


def alternation(words: Sequence[str]) -> str:
    """Regex matching any of ``words``, longest first so that none shadows another."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def sentences(text: str) -> list[str]:
    """Split a caption into sentences (a period followed by white space ends one)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def join_items(items: Sequence[str], rng: np.random.Generator) -> str:
    """Items joined with varied connectors, the last one sometimes with "and"."""
    if not items:
        return ""
    out = items[0]
    for i, item in enumerate(items[1:], start=2):
        last = i == len(items)
        connector = " and " if last and rng.random() < 0.5 else pick(rng, CONNECTORS)
        out += connector + item
    return out


def match_start(templates: Sequence[str], text: str, whole: bool = False,
                **slots: str) -> re.Match[str] | None:
    """The first of ``templates`` that matches at the start of ``text`` (all of it if ``whole``)."""
    key = tuple(sorted(slots.items()))
    for template in templates:
        regex = template_regex(template, key)
        if m := (regex.fullmatch(text) if whole else regex.match(text)):
            return m
    return None


def number_in(templates: Sequence[str], text: str, slot: str = "value") -> float:
    """The number in ``slot`` of the first template found in ``text``; NaN when none is.

    NaN (not an invented value) lets a generated caption that omits a fact be
    scored as omitting it.
    """
    m = find(templates, text)
    return parse_number(m[slot]) if m else math.nan


def fill(templates: Sequence[str], **words: str) -> tuple[str, ...]:
    """``templates`` with some slots replaced by fixed words ("{band}" -> "delta")."""
    out = []
    for template in templates:
        for name, word in words.items():
            template = template.replace("{" + name + "}", word)
        out.append(template)
    return tuple(out)

