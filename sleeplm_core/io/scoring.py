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
    stages, offset, events = from_annotations(
        [n[0] for n in notes], [n[1] for n in notes], [n[2] for n in notes], source=header.path
    )
    return Scoring(stages, offset, events, "edf-annotations", header.path)


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

    Raises:
        RecordingError: the file is missing, of unknown format or inconsistent.
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
    log.debug("%s: %s scoring, %d epochs, %d events", path, fmt, len(scoring.stages), len(scoring.events))
    return scoring


def apply_scoring(rec: Recording, scoring: Scoring, *, stages: bool = True) -> None:
    """Fit ``scoring`` onto ``rec`` in place: set stages (when ``stages``) and add events.

    Stage epochs that fall past the end of the recording are dropped when they
    are unscored (Sleep-EDF pads its hypnograms with "?") and are an error
    otherwise. Events entirely outside the recording are dropped and counted.

    Raises:
        RecordingError: scored epochs do not fit inside the recording.
    """
    name = scoring.path or rec.source.get("path", "recording")
    warnings = rec.source.setdefault("warnings", [])
    warnings.extend(scoring.warnings)
    if stages and len(scoring.stages):
        rec.stages, rec.stage_offset = _fit_stages(rec, scoring, name, warnings)
    kept = [e for e in scoring.events if 0.0 <= e.onset < rec.duration]
    dropped = len(scoring.events) - len(kept)
    if dropped:
        message = f"{name}: {dropped} event(s) outside the recording (0-{rec.duration:.0f} s) were dropped"
        log.warning(message)
        warnings.append(message)
    rec.events = sorted(rec.events + kept, key=lambda e: e.onset)


def _fit_stages(rec: Recording, scoring: Scoring, name: object, warnings: list[str]) -> tuple[np.ndarray, float]:
    offset = scoring.stage_offset
    if offset < 0 or offset >= rec.duration:
        raise RecordingError(
            f"{name}: scoring starts at {offset:.0f} s, outside the {rec.duration:.0f}-s recording; "
            "check that the scoring belongs to this recording"
        )
    fits = int(np.floor((rec.duration - offset) / EPOCH_SEC + 1e-9))
    extra = scoring.stages[fits:]
    if np.any(extra >= 0):
        raise RecordingError(
            f"{name}: scoring covers {offset + EPOCH_SEC * len(scoring.stages):.0f} s but the recording lasts "
            f"{rec.duration:.0f} s ({int(np.sum(extra >= 0))} scored epochs past the end); "
            "check that the scoring belongs to this recording"
        )
    if len(extra):
        warnings.append(f"{name}: {len(extra)} unscored epoch(s) past the end of the recording were dropped")
    return scoring.stages[:fits].copy(), offset
