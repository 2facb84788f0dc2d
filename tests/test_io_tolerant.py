"""Real scoring as it comes: scoring past the recording's end and unknown stage labels
load with a warning; only a scoring with nothing usable left is refused.

The files are real: the first 10 min of SC4001 with SC4001's full-night hypnogram,
and EDF+ files written by the project's own writer (``sleeplm_core.io.edf_write``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.cli import main
from sleeplm_core.errors import RecordingError
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import Event, Recording, Signal
from sleeplm_core.io.scoring import read_scoring

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
PSG = FIXTURES / "SC4001E0-PSG-first10min.edf"  # 600 s of SC4001
HYPNOGRAM = FIXTURES / "SC4001EC-Hypnogram.edf"  # SC4001's whole-night scoring


def _crop(rec: Recording, seconds: float) -> Recording:
    """``rec`` with every signal cut to its first ``seconds``."""
    signals = {k: Signal(s.label, s.data[: int(seconds * s.sfreq)], s.sfreq, s.unit) for k, s in rec.signals.items()}
    return Recording(signals, rec.start_time, seconds, rec.stages, rec.stage_offset, list(rec.events))


def test_full_night_scoring_on_a_cut_recording_keeps_what_fits():
    full = read_scoring(HYPNOGRAM)
    rec = load_recording(PSG, hypnogram=HYPNOGRAM)
    assert len(rec.stages) == 20 and rec.stage_offset == 0.0
    assert rec.stages.tolist() == full.stages[:20].tolist()
    past = int(np.sum(full.stages[20:] >= 0))
    end = 30 * (np.flatnonzero(full.stages >= 0)[-1] + 1)
    assert any(f"{past} scored epoch(s) past the end of the 600-s recording (600-{end} s) were dropped" in w
               for w in rec.source["warnings"])


def test_inspect_exits_0_and_prints_the_warning(capsys):
    assert main(["inspect", str(PSG), "--hypnogram", str(HYPNOGRAM)]) == 0
    out = capsys.readouterr().out
    assert "stages: W 20," in out and "warning: " in out and "past the end" in out


def test_writer_made_psg_cut_short_with_its_own_hypnogram(tmp_path):
    rec = load_recording(PSG)
    rec.stages = np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 4] * 2, dtype=np.int8)
    short = _crop(rec, 300.0)
    write_edf(short, tmp_path / "cut.edf", hypnogram_path=tmp_path / "cut_hyp.edf")
    write_edf(rec, tmp_path / "whole.edf", hypnogram_path=tmp_path / "whole_hyp.edf")
    cut = load_recording(tmp_path / "cut.edf", hypnogram=tmp_path / "whole_hyp.edf")
    assert cut.stages.tolist() == rec.stages[:10].tolist()
    assert any("10 scored epoch(s) past the end of the 300-s recording (300-600 s)" in w
               for w in cut.source["warnings"])


def test_unknown_stage_labels_in_an_edf_plus_become_unscored(tmp_path, capsys):
    rec = load_recording(PSG)
    rec.stages = np.array([0, 1, 2, 2, 3, 3, 4, 4, 2, 2, 2, 2] + [-1] * 8, dtype=np.int8)
    rec.events = [Event(360.0 + 30 * i, 30.0, "Sleep stage 5") for i in range(6)]
    rec.events += [Event(540.0 + 30 * i, 30.0, "Sleep stage Deep") for i in range(2)]
    path = write_edf(rec, tmp_path / "unknown.edf")
    back = load_recording(path)
    assert back.stages.tolist() == rec.stages.tolist()
    assert any("'Sleep stage 5' x6, 'Sleep stage Deep' x2 marked unscored" in w for w in back.source["warnings"])
    assert main(["inspect", str(path)]) == 0
    assert "'Sleep stage 5' x6" in capsys.readouterr().out


def test_unknown_labels_among_known_ones_in_text_formats(tmp_path):
    letters = tmp_path / "hyp.txt"
    letters.write_text("W\nN1\nN2\nDeep\nN2\nDeep\n")
    rec = load_recording(PSG, hypnogram=letters)
    assert rec.stages.tolist() == [0, 1, 2, -1, 2, -1]
    assert any("'Deep' x2 marked unscored" in w for w in rec.source["warnings"])
    legend = tmp_path / "legend.txt"
    legend.write_text("# 0: W, 1: N1, 2: N2\n0\n1\n2\n7\n2\n")
    assert load_recording(PSG, hypnogram=legend).stages.tolist() == [0, 1, 2, -1, 2]


def test_nothing_usable_left_is_refused_in_one_line(tmp_path, capsys):
    only_unknown = tmp_path / "hyp5.csv"
    only_unknown.write_text("0,30,Sleep stage 5\n30,30,Sleep stage 5\n")
    with pytest.raises(RecordingError, match=r"hyp5\.csv: nothing usable is left .*'Sleep stage 5' x2"):
        load_recording(PSG, hypnogram=only_unknown)
    late = tmp_path / "late.csv"
    late.write_text("onset,duration,description\n900,30,W\n")
    with pytest.raises(RecordingError, match="none of its scored epochs falls inside the 600-s recording"):
        load_recording(PSG, hypnogram=late)
    assert main(["inspect", str(PSG), "--hypnogram", str(late)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
