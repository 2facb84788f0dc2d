"""``sleeplm eval``: staging, localization and retrieval on real and synthetic nights."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.cli import main
from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.heads.metrics import event_scores
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES
from sleeplm_core.io.scoring import read_scoring

DREAMS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "dreams_spindles"
MODEL = "sleeplm-mini:untrained"
F1_LINE = re.compile(r"^by-event F1: (\d\.\d{3})  precision: (\d\.\d{3})  recall: (\d\.\d{3})")


def test_localize_between_dreams_experts_prints_the_f1_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "localize", str(DREAMS / "excerpt2.txt"), "--sfreq", "200",
            "--events", str(DREAMS / "Visual_scoring1_excerpt2.txt"), "--type", "spindle",
            "--method", "file", "--detections", str(DREAMS / "Visual_scoring2_excerpt2.txt")]
    assert main(args) == 0
    match = F1_LINE.match(capsys.readouterr().out)
    assert match
    expected = event_scores(
        intervals_of(read_scoring(DREAMS / "Visual_scoring2_excerpt2.txt").events, ("spindle",)),
        intervals_of(read_scoring(DREAMS / "Visual_scoring1_excerpt2.txt").events, ("spindle",)))
    assert float(match[1]) == pytest.approx(expected.f1, abs=5e-4)


def test_localize_yasa_spindles_on_real_eeg(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "localize", str(DREAMS / "excerpt2.txt"), "--sfreq", "200",
            "--events", str(DREAMS / "Visual_scoring1_excerpt2.txt"), "--type", "spindle",
            "--method", "yasa"]
    assert main(args) == 0
    match = F1_LINE.match(capsys.readouterr().out)
    assert match and float(match[2]) > 0.5   # YASA's detections are mostly real spindles


def test_localize_with_the_model_on_a_synthetic_night(synthetic_edf: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "localize", str(synthetic_edf), "--events", str(synthetic_edf),
            "--type", "apnea", "--query", "obstructive apnea: airflow stops, effort continues",
            "--model", MODEL, "--calibration", "percentile", "--threshold", "90"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert F1_LINE.match(out) and "detected" in out


def test_events_file_that_is_the_recording_counts_each_event_once(
        synthetic_edf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "localize", str(synthetic_edf), "--events", str(synthetic_edf),
            "--type", "apnea", "--method", "file", "--detections", str(synthetic_edf)]
    assert main(args) == 0
    match = F1_LINE.match(capsys.readouterr().out)
    assert match and float(match[1]) == 1.0   # the file's own apneas, each once


def test_localize_refuses_a_type_without_reference_events(
        synthetic_edf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "localize", str(synthetic_edf), "--events", str(synthetic_edf),
            "--type", "bruxism", "--query", "teeth grinding", "--model", MODEL]
    assert main(args) == 2
    assert "no bruxism events" in capsys.readouterr().err


def test_staging_prints_scores_and_confusion(short_synthetic_edf: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "staging", str(short_synthetic_edf), "--model", MODEL]) == 0
    out = capsys.readouterr().out
    assert re.search(r"accuracy: \d\.\d{3}  macro-F1: \d\.\d{3}  kappa: -?\d\.\d{3}", out)
    assert "per-class F1: W " in out and "confusion" in out
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["W"], ["N2"])]
    epochs = int(re.search(r"epochs: (\d+)", out)[1])
    assert sum(int(v) for row in rows[-2:] for v in row[1:]) <= epochs


def test_retrieval_prints_recall_at_k(short_synthetic_edf: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "retrieval", str(short_synthetic_edf), "--model", MODEL,
                 "--level", "brain", "--n", "40", "-k", "1,5"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("R@")]
    assert [line.split(":")[0] for line in lines] == ["R@1", "R@5"]
    assert "(chance 0.025)" in lines[0] and "pairs: 40" in out


def test_fewshot_from_a_labels_file(short_synthetic_edf: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, _, epochs = open_night(short_synthetic_edf)
    rows = ["time,label"]
    for code in (0, 1):
        for i in np.flatnonzero(epochs.stages == code)[:4]:
            rows.append(f"{epochs.starts[i] + 10:.0f},{STAGES[code]}")
    labels = tmp_path / "labels.csv"
    labels.write_text("\n".join(rows) + "\n")
    assert main(["eval", "fewshot", str(short_synthetic_edf), "--labels", str(labels),
                 "--model", MODEL, "--kind", "logreg"]) == 0
    out = capsys.readouterr().out
    assert "examples: N1 4, W 4" in out
    accuracy = float(re.search(r"cross-validated accuracy: (\d\.\d{3}) \(chance 0\.500\)", out)[1])
    assert 0.0 <= accuracy <= 1.0
    assert re.search(r"accuracy on the other \d+ scored epochs", out)
