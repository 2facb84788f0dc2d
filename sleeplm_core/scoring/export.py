"""Write a machine scoring as ``onset,duration,description`` CSV or EDF+ annotations.

Stages are written one row per run of equal stages ("Sleep stage W/N1/N2/N3/R"),
events with the labels of :data:`sleeplm_core.io.edf_write.EVENT_LABELS`, so
every scoring reader of the project (and EDFbrowser) reads the file back.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sleeplm_core.errors import SleepLMError
from sleeplm_core.io.edf_write import EVENT_LABELS, stage_annotations, write_annotations
from sleeplm_core.io.recording import Recording
from sleeplm_core.scoring.result import MachineScoring


def scoring_recording(rec: Recording, scoring: MachineScoring) -> Recording:
    """A signal-less Recording holding only the machine scoring (``rec`` is left as it is)."""
    return Recording(signals={}, start_time=rec.start_time, duration=rec.duration,
                     stages=scoring.stages, stage_offset=scoring.stage_offset,
                     events=list(scoring.events), source={"scored_by": scoring.stage_source},
                     patient=rec.patient)


def check_output(path: Path) -> None:
    """Refuse an output name that is neither ``.csv`` nor ``.edf`` (before any work is done)."""
    if path.suffix.lower() not in (".csv", ".edf"):
        raise SleepLMError(f"{path}: unknown output type; name the file .csv or .edf")


def write_scoring(rec: Recording, scoring: MachineScoring, path: Path) -> Path:
    """Write ``scoring`` to ``path``: ``.csv`` rows or an ``.edf`` annotation file."""
    check_output(path)
    if path.suffix.lower() == ".edf":
        return write_annotations(scoring_recording(rec, scoring), path)
    rows = [(a.onset, a.duration, a.text) for a in stage_annotations(scoring.stages,
                                                                      scoring.stage_offset)]
    rows += [(e.onset, e.duration, EVENT_LABELS.get(e.type, e.type)) for e in scoring.events]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("onset", "duration", "description"))
        writer.writerows((f"{o:.3f}", f"{d:.3f}", text) for o, d, text in sorted(rows))
    return path
