"""A stretch of the night asked for around what an answer showed: "show me the 5 minutes
around it", "zoom into that hour"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.chat.timespan import NUMBER_WORDS

_UNIT_SEC = {"s": 1.0, "m": 60.0, "h": 3600.0}
_SHOW = (r"^\W*(?:(?:and|so|now|ok(?:ay)?|then),?\s+)*(?:(?:can|could|would) you\s+|please\s+)?"
         r"(?:show(?: me| us)?|zoom(?: in| out| back)?(?: to| on| into| in on)?|give me|display|plot|open|pull up"
         r"|bring up|take me to|go to|jump to|let(?: me|'s) see|i want to see)\s+")
_AROUND_RE = re.compile(
    _SHOW + r"(?:the\s+|an?\s+)?(?:(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|ten|fifteen|twenty|thirty"
    r"|few|couple of|an?)\s+)?(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\s+(?P<way>around|surrounding"
    r"|(?:on\s+)?(?:either|each|both) sides? of|before and after|centred on|centered on|near)\s+"
    r"(?:it|that|this|that one|this one|the (?:event|one|moment))\W*$", re.I)
_THAT_SPAN_RE = re.compile(_SHOW + r"(?:that|this|the same)\s+(?P<what>hour|period|stretch|window|span|part"
                           r"|interval|episode|cluster|cycle|half|third|bout|run|awakening)\W*$", re.I)

# "zoom out", "widen the view" with one event in focus: a few minutes around it, where the context
# of an event of seconds shows (the previous view is "go back")
_ZOOM_OUT_RE = re.compile(r"^\W*(?:(?:and|so|now|ok(?:ay)?|then),?\s+)*(?:(?:can|could|would) you\s+|please\s+)?"
                          r"(?:zoom out|widen(?: the view)?|(?:give me |show me )?a wider view|pull back|show (?:me )?"
                          r"more (?:around|of what's around) (?:it|that|this))(?: a (?:bit|little))?(?:,? please)?\W*$",
                          re.I)
ZOOM_OUT_SEC = 300.0
"""The stretch a bare "zoom out" shows around the event in focus (s): 10 epochs."""


@dataclass(frozen=True)
class Surround:
    """How much of the night to show around the one in focus.

    Attributes:
        seconds: the length asked for (s); 0 for the one in focus itself ("that hour").
        sides: the length is added on each side of it ("5 minutes either side"), not centred.
        zoom: a bare "zoom out": twice the stretch on screen when one is, else
            :data:`ZOOM_OUT_SEC` around the one in focus.
    """

    seconds: float
    sides: bool = False
    zoom: bool = False


def surround(text: str) -> Surround | None:
    """What a question asks to see around the result in focus, None when it asks nothing of
    the kind."""
    if (m := _AROUND_RE.search(text)) is not None:
        n = 1.0 if m["n"] is None else float(NUMBER_WORDS.get(m["n"].lower(), m["n"]))
        unit = m["unit"].lower()
        seconds = n * _UNIT_SEC["m" if unit.startswith("mi") else unit[0]]
        way = m["way"].lower()
        return Surround(seconds, sides="side" in way or way == "before and after")
    if _THAT_SPAN_RE.search(text) is not None:
        return Surround(0.0)
    if _ZOOM_OUT_RE.search(text) is not None:
        return Surround(ZOOM_OUT_SEC, zoom=True)
    return None


def surrounding(start: float, end: float, asked: Surround) -> tuple[float, float]:
    """The stretch (s from the recording start) ``asked`` for around ``start``-``end``; one
    that would open before the recording is moved to open with it (the plan clips the end)."""
    if asked.seconds <= 0:
        return start, end
    if asked.sides:
        lo, hi = start - asked.seconds, end + asked.seconds
    else:
        length = max(asked.seconds, end - start)
        lo = (start + end) / 2 - length / 2
        hi = lo + length
    return lo - min(lo, 0.0), hi - min(lo, 0.0)
