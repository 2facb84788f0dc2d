"""Wall-clock display of recording times, shared by the plots, exports and chat.

Parsing time expressions out of questions lives with the chat
(:mod:`app.chat.timespan`).
"""

from __future__ import annotations

from datetime import datetime

DAY_SEC = 86400.0


def format_clock(seconds: float, start_time: datetime | None) -> str:
    """Render seconds from the recording start as wall-clock ``HH:MM:SS``.

    Without a recording start time the elapsed time is shown with a ``+`` prefix.
    """
    if start_time is None:
        s = int(round(seconds))
        return f"+{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    t0 = start_time.hour * 3600 + start_time.minute * 60 + start_time.second
    s = int(round(t0 + seconds)) % int(DAY_SEC)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
