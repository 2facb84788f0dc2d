"""Downloads: events and hypnogram as CSV and EDF+ annotations, the study report as Markdown,
the current figure as PNG.

Files go to a folder of the session's own, so two users never overwrite each
other's downloads. The EDF+ file holds annotations only (no signals), which
scoring programs import beside the original recording.
"""

from __future__ import annotations

import csv
from pathlib import Path

import edfio
import plotly.graph_objects as go

from app.night import LoadedNight
from app.plots import Highlight
from app.timeexpr import format_clock
from sleeplm_core.io.edf_write import edf_patient
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

_STAGE_TEXT = {"W": "Sleep stage W", "N1": "Sleep stage N1", "N2": "Sleep stage N2",
               "N3": "Sleep stage N3", "REM": "Sleep stage R"}


def _stem(night: LoadedNight) -> str:
    return Path(night.name).stem.replace(" ", "_") or "night"


def events_csv(night: LoadedNight, highlights: list[Highlight], folder: Path) -> Path:
    """Scored events (human, else machine-scored, with their source) and the model's
    highlighted regions, one row each."""
    path = folder / f"{_stem(night)}_events.csv"
    t0 = night.recording.start_time
    events, source = night.scored_events()
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["onset_s", "duration_s", "clock", "type", "source", "score"])
        for e in events:
            w.writerow([f"{e.onset:.2f}", f"{e.duration:.2f}", format_clock(e.onset, t0), e.type,
                        e.source or source, "" if e.confidence is None else f"{e.confidence:.3f}"])
        for h in highlights:
            w.writerow([f"{h.start:.2f}", f"{h.end - h.start:.2f}", format_clock(h.start, t0),
                        h.label, "model", "" if h.score is None else f"{h.score:.3f}"])
    return path


def report_markdown(report: str, night: LoadedNight, folder: Path) -> Path:
    """The chat's study report (``write a report``) as a Markdown file."""
    path = folder / f"{_stem(night)}_report.md"
    path.write_text(report + "\n", encoding="utf-8")
    return path


def hypnogram_csv(night: LoadedNight, folder: Path) -> Path:
    """One row per epoch: start, clock time, scored, machine-scored and predicted stage, confidence."""
    path = folder / f"{_stem(night)}_hypnogram.csv"
    scored = night.scored()
    t0 = night.recording.start_time
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["epoch", "start_s", "clock", "scored", "machine", "predicted", "confidence"])
        machine = night.machine_stages()
        for i, start in enumerate(night.epochs.starts):
            sc = STAGES[scored[i]] if scored is not None and scored[i] >= 0 else ""
            ma = STAGES[machine[i]] if machine is not None and machine[i] >= 0 else ""
            pr = STAGES[night.predicted[i]] if night.predicted is not None else ""
            conf = f"{night.confidence[i]:.3f}" if night.confidence is not None else ""
            w.writerow([i, f"{start:.1f}", format_clock(float(start), t0), sc, ma, pr, conf])
    return path


def edf_annotations(night: LoadedNight, highlights: list[Highlight], folder: Path) -> Path:
    """EDF+ file of annotations: hypnogram (scored, else machine-scored, else predicted),
    events (scored, else machine-scored), highlights."""
    stages, source = night.stages()
    notes = [edfio.EdfAnnotation(float(t), EPOCH_SEC, _STAGE_TEXT[STAGES[c]])
             for t, c in zip(night.epochs.starts, stages) if c >= 0]
    notes += [edfio.EdfAnnotation(e.onset, e.duration or None, e.type)
              for e in night.scored_events()[0]]
    # A machine source ("machine-scored (YASA, EEG Fpz-Cz)") is too long for a file name.
    source = "machine" if source.startswith("machine") else source
    notes += [edfio.EdfAnnotation(h.start, h.end - h.start, f"model: {h.label}")
              for h in highlights]
    start = night.recording.start_time
    edf = edfio.Edf([], annotations=notes, patient=edf_patient(night.recording),
                    starttime=start.time() if start is not None else None,
                    recording=edfio.Recording(startdate=start.date()) if start is not None else None)
    path = folder / f"{_stem(night)}_{source}_annotations.edf"
    edf.write(path)
    return path


def figure_png(fig: go.Figure, folder: Path, name: str) -> Path:
    """PNG of a figure, rendered by kaleido with the system Chromium."""
    path = folder / f"{name}.png"
    fig.write_image(path, format="png", width=1400, height=max(int(fig.layout.height or 500), 300),
                    scale=1)
    return path
