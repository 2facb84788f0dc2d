"""Scoring files: format detection, the common :class:`Scoring` result, and
fitting a scoring onto a recording.

Supported formats (detected from content, not only the extension):

=====================  ==========================================================
``edf-annotations``    EDF+ annotations (Sleep-EDF hypnograms, or inside a PSG)
``nsrr-xml``           NSRR XML: ``ScoredEvents/ScoredEvent`` with
                       ``EventConcept``, ``Start``, ``Duration`` (seconds)
``profusion-xml``      Compumedics Profusion XML: ``SleepStages`` (one code per
                       ``EpochLength``) and ``ScoredEvents`` (``Name``)
``dreams-hypnogram``   DREAMS ``[Hypnogram]`` text: one R&K code per 5 s
``dreams-events``      DREAMS ``[Spindles/C3-A1]``-style text: onset, duration (s)
``csv``                CSV/TSV rows of onset, duration, description (seconds)
``stage-per-line``     one stage per line: letters (30-s epochs), integers with a
                       ``# 1 value per N seconds`` / ``# 0: Wake, 1: N1`` header,
                       or headerless per-second R&K integers (Sleep-EDF CSV)
=====================  ==========================================================
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io import scoring_text, scoring_xml
from sleeplm_core.io.edf_annotations import read_annotations
from sleeplm_core.io.edf_header import EdfHeader, read_edf_header
from sleeplm_core.io.recording import EPOCH_SEC, Recording
from sleeplm_core.io.scoring_model import Scoring, from_annotations

log = logging.getLogger(__name__)


def edf_scoring(header: EdfHeader) -> Scoring:
    """Stages and events from the EDF+ annotations of a validated file."""
    notes = read_annotations(header)
    stages, offset, events, warnings = from_annotations(
        [n[0] for n in notes], [n[1] for n in notes], [n[2] for n in notes], source=header.path
    )
    return Scoring(stages, offset, events, "edf-annotations", header.path, warnings)


def read_edf_annotations(path: Path) -> Scoring:
    """EDF+ annotations of ``path`` (a hypnogram EDF or a PSG with TALs)."""
    return edf_scoring(read_edf_header(path))


def detect_format(path: Path) -> str:
    """Name of the scoring format of ``path`` (see module docstring)."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head[:8] in (b"0       ", b"\xffBIOSEMI"):
        return "edf-annotations"
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<") or path.suffix.lower() == ".xml":
        return scoring_xml.xml_flavour(path)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    first = lines[0].lower() if lines else ""
    if first.startswith("[hypnogram"):
        return "dreams-hypnogram"
    if first.startswith("["):
        return "dreams-events"
    if any(sep in line for line in lines for sep in (",", "\t", ";")):
        return "csv"
    return "stage-per-line"


def read_scoring(path: str | Path) -> Scoring:
    """Read a scoring file of any supported format.

    Unknown stage labels leave their epochs unscored and are named in
    ``warnings``; the file is refused only when nothing usable remains.

    Raises:
        RecordingError: the file is missing, of unknown format, inconsistent, or
            holds neither a known stage nor an event.
    """
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: scoring file not found; check the path")
    fmt = detect_format(path)
    readers = {
        "edf-annotations": read_edf_annotations,
        "nsrr-xml": scoring_xml.read_nsrr,
        "profusion-xml": scoring_xml.read_profusion,
        "dreams-hypnogram": scoring_text.read_dreams_hypnogram,
        "dreams-events": scoring_text.read_dreams_events,
        "csv": scoring_text.read_csv,
        "stage-per-line": scoring_text.read_stage_per_line,
    }
    scoring = readers[fmt](path)
    if len(scoring.stages) and not np.any(scoring.stages >= 0) and not scoring.events and scoring.warnings:
        reasons = "; ".join(w.removeprefix(f"{path}: ") for w in scoring.warnings)
        raise RecordingError(f"{path}: nothing usable is left (no known stage, no event): {reasons}")
    log.debug("%s: %s scoring, %d epochs, %d events", path, fmt, len(scoring.stages), len(scoring.events))
    return scoring


def apply_scoring(rec: Recording, scoring: Scoring, *, stages: bool = True) -> None:
    """Fit ``scoring`` onto ``rec`` in place: set stages (when ``stages``) and add events.

    What falls inside the recording is kept; stage epochs and events outside it
    are dropped with a warning that counts them and gives their span (a
    truncated export with the full night's scoring is common).

    Raises:
        RecordingError: ``stages`` is set and no scored epoch falls inside the recording.
    """
    name = scoring.path or rec.source.get("path", "recording")
    warnings = rec.source.setdefault("warnings", [])
    warnings.extend(scoring.warnings)
    if stages and len(scoring.stages):
        rec.stages, rec.stage_offset = _fit_stages(rec, scoring, name, warnings)
    inside = [e for e in scoring.events if 0.0 <= e.onset < rec.duration]
    outside = [e for e in scoring.events if not 0.0 <= e.onset < rec.duration]
    if outside:
        warnings.append(
            f"{name}: {len(outside)} event(s) outside the recording (0-{rec.duration:.0f} s) were dropped "
            f"(they span {min(e.onset for e in outside):.0f} to {max(e.offset for e in outside):.0f} s)"
        )
        log.warning(warnings[-1])
    rec.events = sorted(rec.events + inside, key=lambda e: e.onset)


def _fit_stages(rec: Recording, scoring: Scoring, name: object, warnings: list[str]) -> tuple[np.ndarray, float]:
    """The stage epochs that lie wholly inside the recording, and the onset of the first."""
    starts = scoring.stage_offset + EPOCH_SEC * np.arange(len(scoring.stages))
    inside = (starts >= -1e-6) & (starts + EPOCH_SEC <= rec.duration + 1e-6)
    scored = scoring.stages >= 0
    if not np.any(inside & scored):
        raise RecordingError(
            f"{name}: the scoring covers {starts[0]:.0f}-{starts[-1] + EPOCH_SEC:.0f} s, and none of its scored "
            f"epochs falls inside the {rec.duration:.0f}-s recording; check that the scoring belongs to this recording"
        )
    for side, drop in (("before the start", starts < -1e-6), ("past the end", ~inside & (starts >= -1e-6))):
        _warn_dropped(name, side, starts[drop & scored], drop.sum(), rec.duration, warnings)
    kept = np.flatnonzero(inside)
    return scoring.stages[kept[0]:kept[-1] + 1].copy(), float(starts[kept[0]])


def _warn_dropped(name: object, side: str, scored_starts: np.ndarray, n_dropped: int, duration: float,
                  warnings: list[str]) -> None:
    """Warn about stage epochs dropped on one side of the recording."""
    if not n_dropped:
        return
    if len(scored_starts):
        message = (f"{name}: {len(scored_starts)} scored epoch(s) {side} of the {duration:.0f}-s recording "
                   f"({scored_starts.min():.0f}-{scored_starts.max() + EPOCH_SEC:.0f} s) were dropped; "
                   "the epochs inside it are kept")
        log.warning(message)
    else:
        message = f"{name}: {n_dropped} unscored epoch(s) {side} of the recording were dropped"
    warnings.append(message)
