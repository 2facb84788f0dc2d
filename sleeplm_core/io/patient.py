"""Who was recorded: sex and age read from the EDF/BDF header's patient field.

EDF+ (Kemp & Olivan 2003) fixes the field's first four subfields, separated by
spaces: hospital code, sex (``F``, ``M`` or ``X``), birthdate (``dd-MMM-yyyy``)
and name (spaces written as ``_``), each ``X`` when unknown, then any further
subfields. Many files do not follow it: Sleep-EDF writes ``X F X Female_33yr``
(the age in the name subfield) and plain EDF leaves the field free text. So the
birthdate is read first (age at the recording's start date) and an age written
out in words (``33yr``, ``age 33``, ``33 years``) second; the sex comes from the
sex subfield or a word (``female``, ``male``, ``woman``, ``man``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

SEXES = {"F": "female", "M": "male"}
"""EDF+ sex codes and the words the app uses for them."""
_MIN_AGE, _MAX_AGE = 0.0, 120.0
_BIRTHDATE_RE = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{4})$")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# "Female_33yr", "33 years", "age: 33", "33y", "33yo"; not "2033" or "33 kg"
_AGE_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d)?)[\s_-]*(?:yrs?|years?|y/?o|y)(?![a-z])"
                     r"|\bage[\s_:=-]*(\d{1,3}(?:\.\d)?)(?![\d.])", re.I)
_FREE_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
_SEX_WORD_RE = re.compile(r"(?<![a-z])(female|woman|girl|male|man|boy)(?![a-z])", re.I)
_FEMALE_WORDS = frozenset({"female", "woman", "girl"})


@dataclass(frozen=True)
class Patient:
    """The recorded person, as far as the file says.

    Attributes:
        sex: "female", "male", or None when the file does not say.
        age: age in years at the recording's start, None when the file does not say.
        field: the header's patient field as read (stripped), "" for none.
    """

    sex: str | None = None
    age: float | None = None
    field: str = ""

    @property
    def known(self) -> bool:
        return self.sex is not None or self.age is not None

    def describe(self) -> str:
        """"female, 33 years old", "male", "8 years old"; "" when nothing is known."""
        age = f"{self.age:g} years old" if self.age is not None else ""
        return ", ".join(part for part in (self.sex, age) if part)


def read_patient(field: str, start: datetime | date | None) -> Patient:
    """The sex and age a header's patient field states (see the module docstring).

    Args:
        field: the 80-character patient identification field.
        start: the recording's start date, for an age from a birthdate; None if unknown.
    """
    text = field.strip()
    parts = text.split()
    sex = _sex(parts, text)
    age = _age_from_birthdate(parts, start)
    if age is None:
        age = _age_in_words(text)
    if age is None:
        age = _age_from_free_date(text, start)
    return Patient(sex=sex, age=age, field=text)


def _sex(parts: list[str], text: str) -> str | None:
    if len(parts) >= 2 and parts[1].upper() in SEXES:
        return SEXES[parts[1].upper()]
    m = _SEX_WORD_RE.search(text.replace("_", " "))
    if m is None:
        return None
    return "female" if m.group(1).lower() in _FEMALE_WORDS else "male"


def _age_from_birthdate(parts: list[str], start: datetime | date | None) -> float | None:
    if start is None or len(parts) < 3 or not (m := _BIRTHDATE_RE.match(parts[2])):
        return None
    month = m.group(2).upper()
    if month not in _MONTHS:
        return None
    try:
        born = date(int(m.group(3)), _MONTHS.index(month) + 1, int(m.group(1)))
    except ValueError:
        return None
    years = _years_between(born, start)
    return float(years) if _MIN_AGE <= years <= _MAX_AGE else None


def _years_between(born: date, start: datetime | date) -> int:
    day = start.date() if isinstance(start, datetime) else start
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_from_free_date(text: str, start: datetime | date | None) -> float | None:
    """An age from a free-text date ("man - 28/03/1957", DREAMS), read day first as EDF's
    own dates are; a date whose day and month could swap is not read, nor one within a
    year of the recording (more likely the recording's own date than a birthdate)."""
    m = _FREE_DATE_RE.search(text)
    if start is None or m is None:
        return None
    day, month, year = (int(g) for g in m.groups())
    if day <= 12 and month <= 12 and day != month:
        return None
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    age = _years_between(born, start)
    return float(age) if 1 <= age <= _MAX_AGE else None


def _age_in_words(text: str) -> float | None:
    m = _AGE_RE.search(text.replace("_", " "))
    if m is None:
        return None
    age = float(m.group(1) or m.group(2))
    return age if _MIN_AGE < age <= _MAX_AGE else None
