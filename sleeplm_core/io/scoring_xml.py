"""NSRR and Compumedics Profusion XML scoring files.

NSRR XML lists everything, stages included, as ``ScoredEvent`` elements whose
``EventConcept`` is "Name|Display" (e.g. "Stage 2 sleep|2", "Obstructive
apnea|Obstructive Apnea") with ``Start``/``Duration`` in seconds. Profusion XML
stores stages separately as one ``SleepStage`` integer per ``EpochLength``
seconds (0 W, 1-3 N1-N3, 4 R&K S4 -> N3, 5 REM, others unscored) and events
as ``ScoredEvent`` with ``Name``, ``Start``, ``Duration`` and ``Input``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.events import normalize_event
from sleeplm_core.io.recording import EPOCH_SEC, UNKNOWN_STAGE, Event
from sleeplm_core.io.scoring_model import Scoring, from_annotations
from sleeplm_core.io.stages import stage_grid

_PROFUSION_STAGES = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3, 5: 4}
# NSRR files open with a bookkeeping event that marks the clock time of t=0.
_NSRR_SKIP = ("recording start time",)


def _parse(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as err:
        raise RecordingError(f"{path}: not well-formed XML ({err}); re-export the scoring file") from None


def xml_flavour(path: Path) -> str:
    """"nsrr-xml" or "profusion-xml" from the document's structure."""
    root = _parse(path)
    if root.find("SleepStages") is not None:
        return "profusion-xml"
    if root.find("ScoredEvents") is not None:
        return "nsrr-xml"
    raise RecordingError(
        f"{path}: XML without ScoredEvents or SleepStages; only NSRR and Compumedics Profusion XML are supported"
    )


def _number(path: Path, elem: ET.Element, tag: str) -> float:
    text = elem.findtext(tag)
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        raise RecordingError(f"{path}: <{tag}> value {text!r} is not a number; fix the scoring file") from None


def _stage_number(path: Path, text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        raise RecordingError(f"{path}: <SleepStage> value {text!r} is not an integer stage code; fix the scoring file") from None


def read_nsrr(path: Path) -> Scoring:
    """Stages and events of an NSRR XML file."""
    onsets, durations, labels, channels = [], [], [], []
    for elem in _parse(path).iter("ScoredEvent"):
        concept = (elem.findtext("EventConcept") or "").strip()
        if not concept or concept.lower().startswith(_NSRR_SKIP):
            continue
        onsets.append(_number(path, elem, "Start"))
        durations.append(_number(path, elem, "Duration"))
        labels.append(concept)
        channels.append(elem.findtext("SignalLocation"))
    stages, offset, events, warnings = from_annotations(onsets, durations, labels, channels, source=path)
    return Scoring(stages, offset, events, "nsrr-xml", path, warnings)


def read_profusion(path: Path) -> Scoring:
    """Stages and events of a Compumedics Profusion XML file."""
    root = _parse(path)
    epoch = _number(path, root, "EpochLength") if root.find("EpochLength") is not None else EPOCH_SEC
    if epoch != EPOCH_SEC:
        raise RecordingError(f"{path}: EpochLength {epoch:g} s is not supported; rescore in 30-s epochs")
    codes = [_stage_number(path, x.text) for x in root.iter("SleepStage")]
    intervals = [(i * epoch, epoch, _PROFUSION_STAGES.get(c, UNKNOWN_STAGE)) for i, c in enumerate(codes)]
    stages, offset = stage_grid(intervals, path)
    events = [
        Event(_number(path, e, "Start"), _number(path, e, "Duration"),
              normalize_event(e.findtext("Name") or ""), e.findtext("Input"))
        for e in root.iter("ScoredEvent")
    ]
    return Scoring(stages.astype(np.int8), offset, sorted(events, key=lambda e: e.onset), "profusion-xml", path)
