"""Retrieval-browser cards: a library hit with a small plot of its EEG, caption and source.

Library rows name the recording file they came from. Those files are opened on
demand (at most a few are kept in memory), because a library may span far more
recordings than anyone browses in one session. Library paths are read from the
index metadata, never from the user, so this opens no user-chosen file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from app.engine import REPO_ROOT
from app.night import LoadedNight
from app.plots import card_figure, empty_figure
from sleeplm_core.errors import SleepLMError
from sleeplm_core.index.search import Hit
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

log = logging.getLogger(__name__)

CARD_SLOTS = 6
_EEG_HINTS = ("C3", "C4", "EEG")


@dataclass(frozen=True)
class Card:
    """What one card shows."""

    figure: go.Figure
    text: str


@lru_cache(maxsize=2)
def _library_recording(path: str) -> Recording:
    return load_recording(path)


def _eeg(rec: Recording) -> Signal | None:
    for hint in _EEG_HINTS:
        for label, sig in rec.signals.items():
            if hint in label.upper():
                return sig
    return None


def _library_path(hit: Hit) -> Path | None:
    """The hit's recording file; library paths may be relative to the repository."""
    raw = str(hit.meta.get("path", ""))
    if not raw:
        return None
    path = Path(raw)
    return (path if path.is_absolute() else REPO_ROOT / path).resolve()


def _signal_for(hit: Hit, night: LoadedNight) -> Signal | None:
    path = _library_path(hit)
    if path is None or not path.is_file():
        return None
    if path == Path(night.recording.source.get("path", "")).resolve():
        return _eeg(night.recording)
    try:
        return _eeg(_library_recording(str(path)))
    except SleepLMError as err:
        log.warning("library recording %s cannot be read: %s", path, err)
        return None


def card(hit: Hit, night: LoadedNight) -> Card:
    """The card of one hit."""
    m = hit.meta
    start = float(m["time_s"])
    sig = _signal_for(hit, night)
    title = f"{m['recording']} · epoch {m['epoch']} · {hit.score:+.3f}"
    fig = (card_figure(sig, start, start + EPOCH_SEC, f"{title} · {sig.label}") if sig is not None
           else empty_figure(f"{title}\n(recording file not available here)"))
    text = (f"**{m['stage'] or '?'}** at {m['clock'] or f'{start:.0f} s'} — {m['caption']}  \n"
            f"*{m['kind']}, {m['licence']}*")
    return Card(fig, text)
