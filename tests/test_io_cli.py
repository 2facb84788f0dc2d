"""``sleeplm inspect`` on a real recording."""

from __future__ import annotations

from pathlib import Path

from sleeplm_core.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"


def test_inspect_prints_mapping_stages_and_flags(tmp_path, capsys):
    events = tmp_path / "events.csv"
    events.write_text("onset,duration,description\n65,12,Obstructive Apnea\n200,3,Arousal\n210,3,Arousal\n")
    hypnogram = tmp_path / "stages.txt"
    hypnogram.write_text("W\n" * 10 + "N1\n" * 4 + "N2\n" * 5 + "?\n")
    argv = ["inspect", str(FIXTURES / "SC4001E0-PSG-first10min.edf"),
            "--hypnogram", str(hypnogram),
            "--events", str(events), "--map", "EEG_C4=none", "--map", "EOG_R=Temp rectal"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "duration: 600 s (0.17 h)" in out and "'EEG Fpz-Cz': 100 Hz, uV, 600 s (0.17 h)  -> EEG_C3 (substitute)" in out
    assert "'Event marker': 1 Hz, no unit, 600 s (0.17 h)  unused" in out
    assert "EEG_C3    <- 'EEG Fpz-Cz'  [no C3 electrode" in out
    assert "EEG_C4    missing (zero-filled, masked)" in out
    assert "EOG_R     <- 'Temp rectal'  [set by user]" in out
    assert "epochs: 20 x 30 s at 64 Hz" in out
    assert "stages: W 10, N1 4, N2 5, N3 0, REM 0, unscored 1" in out
    assert "events: arousal 2, obstructive_apnea 1" in out
    assert "is sampled at 1 Hz" in out
