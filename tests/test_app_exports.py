"""Exports and figures of a night read from a real EDF (no model needed)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import edfio
import numpy as np
import pytest

from app.exports import edf_annotations, events_csv, figure_png, hypnogram_csv
from app.night import LoadedNight, read_night
from app.plots import EVENT, Highlight, epoch_figure, highlight_times, night_figure
from sleeplm_core.io.patient import read_patient
from sleeplm_core.io.recording import Event


@pytest.fixture(scope="module")
def night(synthetic_edf: Path) -> LoadedNight:
    return read_night(synthetic_edf, "synthetic_1h")


def test_hypnogram_csv_has_one_row_per_epoch(night: LoadedNight, tmp_path: Path) -> None:
    rows = list(csv.DictReader(hypnogram_csv(night, tmp_path).open()))
    assert len(rows) == night.n_epochs
    assert {r["scored"] for r in rows} <= {"W", "N1", "N2", "N3", "REM", ""}
    assert float(rows[1]["start_s"]) - float(rows[0]["start_s"]) == 30.0


def test_events_csv_holds_scored_events_and_highlights(night: LoadedNight, tmp_path: Path) -> None:
    marks = [Highlight(600.0, 630.0, "Apnea", 2.5)]
    rows = list(csv.DictReader(events_csv(night, marks, tmp_path).open()))
    assert sum(r["source"] == "scored" for r in rows) == len(night.recording.events)
    model = [r for r in rows if r["source"] == "model"]
    assert model == [{"onset_s": "600.00", "duration_s": "30.00", "clock": model[0]["clock"],
                      "type": "Apnea", "source": "model", "score": "2.500"}]


def test_edf_annotations_round_trip(night: LoadedNight, tmp_path: Path) -> None:
    path = edf_annotations(night, [Highlight(90.0, 120.0, "Spindle", 1.0)], tmp_path)
    notes = edfio.read_edf(path).annotations
    texts = [a.text for a in notes]
    assert texts.count("Sleep stage W") == int(np.sum(night.epochs.stages == 0))
    assert any(a.text == "model: Spindle" and a.onset == 90.0 for a in notes)
    # the sleeper goes with the scoring (the synthetic night's generator age, 45)
    assert read_patient(path.read_bytes()[8:88].decode("ascii"), None).age == 45.0
    assert night.recording.patient.age == 45.0


def test_overview_png_renders_with_system_chromium(night: LoadedNight, tmp_path: Path) -> None:
    path = figure_png(night_figure(night.view()), tmp_path, "overview")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_epoch_viewer_draws_channels_highlights_and_events(night: LoadedNight) -> None:
    event = night.recording.events[0]
    start = night.epochs.starts[night.epoch_at(event.onset)]
    fig = epoch_figure(night.traces(), start, start + 30.0, night.recording.start_time,
                       [Highlight(start + 5, start + 15, "x", 1.0)], night.recording.events)
    assert highlight_times(fig) == [(start + 5, start + 15)]
    assert any(s.name == EVENT for s in fig.layout.shapes)
    units = {t.signal.unit for t in night.traces()}
    assert len(fig.data) == len(night.traces()) and "uV" in units


def test_overview_event_labels_keep_their_room_however_many_tracks(night: LoadedNight) -> None:
    # A night scored by a human and by the machine shows 15-20 tracks; each keeps >= 12 px.
    kinds = [f"kind_{i}" for i in range(18)]
    view = replace(night.view(), machine_events=[Event(60.0 * i, 10.0, k) for i, k in enumerate(kinds)])
    fig = night_figure(view)
    tracks = len(fig.layout.yaxis3.tickvals)
    assert tracks >= 18 and "kind 0 (machine)" in fig.layout.yaxis3.ticktext
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    low, high = fig.layout.yaxis3.domain
    per_track = plot_px * (high - low) / (fig.layout.yaxis3.range[1] - fig.layout.yaxis3.range[0])
    assert per_track >= 12.0
