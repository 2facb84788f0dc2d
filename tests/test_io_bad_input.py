"""Bad recordings and scorings, built on the fly from real EDF bytes, fail with one clear line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.cli import main
from sleeplm_core.errors import MontageError, RecordingError
from sleeplm_core.io.edf_header import MAX_FILE_BYTES
from sleeplm_core.io.load import load_recording, open_night

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
PSG = FIXTURES / "SC4001E0-PSG-first10min.edf"  # 20 records of 30 s, 7 signals
HEADER = 256 * 8
RECORD = 30 * (3 * 100 + 4 * 1) * 2


def _write(tmp_path: Path, data: bytes, name: str = "night.edf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _patched(field_slice: slice, value: str, body: bytes | None = None) -> bytes:
    raw = bytearray(PSG.read_bytes())
    width = field_slice.stop - field_slice.start
    raw[field_slice] = value.ljust(width).encode()
    return bytes(raw) if body is None else bytes(raw[:HEADER]) + body


def _relabelled(labels: list[str]) -> bytes:
    raw = bytearray(PSG.read_bytes())
    for i, label in enumerate(labels):
        raw[256 + 16 * i: 256 + 16 * (i + 1)] = label.ljust(16).encode()
    return bytes(raw)


def test_not_an_edf(tmp_path):
    path = _write(tmp_path, b"%PDF-1.4 this is a document, not a recording\n" * 20)
    with pytest.raises(RecordingError, match=r"night\.edf: not an EDF/BDF file .*choose a \.edf or \.bdf"):
        load_recording(path)


def test_truncated_header(tmp_path):
    path = _write(tmp_path, PSG.read_bytes()[:900])
    with pytest.raises(RecordingError, match=r"truncated header \(900 bytes, 2048 needed for 7 signals\)"):
        load_recording(path)


def test_header_size_field_disagrees(tmp_path):
    path = _write(tmp_path, _patched(slice(184, 192), "1792"))
    with pytest.raises(RecordingError, match="header size field says 1792 bytes but 7 signals need 2048"):
        load_recording(path)


def test_header_and_record_sizes_disagree(tmp_path):
    path = _write(tmp_path, PSG.read_bytes()[: HEADER + 5 * RECORD + 100])
    with pytest.raises(RecordingError, match=r"declares 20 records .* file holds 91300; the file is truncated"):
        load_recording(path)


def test_trailing_bytes_are_a_warning(tmp_path):
    path = _write(tmp_path, PSG.read_bytes() + b"\n")
    rec = load_recording(path)
    assert "1 bytes after the last data record were ignored" in rec.source["warnings"]


def test_zero_records(tmp_path):
    path = _write(tmp_path, _patched(slice(236, 244), "0", body=b""))
    with pytest.raises(RecordingError, match="zero data records"):
        load_recording(path)


def test_shorter_than_one_epoch(tmp_path):
    # One real record relabelled as 20 s long: a valid EDF holding 20 s of signal.
    raw = bytearray(_patched(slice(236, 244), "1", body=PSG.read_bytes()[HEADER:HEADER + RECORD]))
    raw[244:252] = b"20      "
    with pytest.raises(RecordingError, match=r"20\.0 s of signal is shorter than one 30-s epoch"):
        open_night(_write(tmp_path, bytes(raw)))


def test_no_mappable_channel_lists_labels_and_how_to_map(tmp_path):
    path = _write(tmp_path, _relabelled([f"Ch{i}" for i in range(7)]))
    with pytest.raises(MontageError, match=r"labels found: Ch0, Ch1, .*Ch6\); pass a mapping such as --map EEG_C3="):
        open_night(path)
    _, montage, _ = open_night(path, mapping={"EEG_C3": "ch0"})
    assert montage.mapping == {"EEG_C3": "Ch0"} and montage.substitutions["EEG_C3"][1] == "set by user"


def test_scoring_longer_than_recording_keeps_what_fits(tmp_path):
    hyp = _write(tmp_path, "".join(f"{30 * i},30,Sleep stage 2\n" for i in range(40)).encode(), "hyp.csv")
    rec = load_recording(PSG, hypnogram=hyp)
    assert rec.stages.tolist() == [2] * 20
    assert any("hyp.csv: 20 scored epoch(s) past the end of the 600-s recording (600-1200 s) were dropped" in w
               for w in rec.source["warnings"])


def test_events_outside_the_recording_are_dropped_and_counted(tmp_path):
    events = _write(tmp_path, b"onset\tduration\tdescription\n10\t15\tHypopnea\n700\t10\tArousal\n-5\t3\tSpindle\n", "ev.tsv")
    rec = load_recording(PSG, events=events)
    assert [(e.onset, e.type) for e in rec.events] == [(10.0, "hypopnea")]
    assert any("2 event(s) outside the recording (0-600 s) were dropped (they span -5 to 710 s)" in w
               for w in rec.source["warnings"])


def test_nan_and_inf_samples_are_flagged_not_zeroed(tmp_path):
    values = np.loadtxt(FIXTURES / "data_N3_no-spindles_30sec_100Hz.txt")
    values = np.concatenate([values, values])
    values[100:400] = np.nan
    values[5000] = np.inf
    path = tmp_path / "eeg_100Hz.txt"
    np.savetxt(path, values)
    rec, _, epochs = open_night(path)
    assert any("non-finite samples" in w and "301 samples" in w for w in rec.source["warnings"])
    assert epochs.quality_flags["nonfinite"][:, 6].tolist() == [True, True]
    assert np.isfinite(epochs.data).all()


def test_channel_sampled_too_slowly_is_flagged():
    _, montage, _ = open_night(PSG)
    assert any(w.startswith("EMG_CHIN ('EMG submental') is sampled at 1 Hz") for w in montage.warnings)


def test_files_of_two_gigabytes_are_refused(tmp_path):
    # A sparse file: a real header whose record count makes the file 2 GiB.
    n_records = MAX_FILE_BYTES // RECORD + 1
    path = _write(tmp_path, _patched(slice(236, 244), str(n_records), body=b""))
    with path.open("r+b") as fh:
        fh.truncate(HEADER + n_records * RECORD)
    with pytest.raises(RecordingError, match="files of 2 GiB or more are not read"):
        load_recording(path)


def test_cli_prints_one_line_and_exits_2(tmp_path, capsys):
    # An uncaught exception would fail this test; a handled one is one stderr line.
    for data, problem in ((b"not a recording", "not an EDF/BDF file"), (PSG.read_bytes()[:900], "truncated header")):
        assert main(["inspect", str(_write(tmp_path, data))]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: ") and problem in err[0]


def test_cli_bad_map_flag(capsys):
    assert main(["inspect", str(PSG), "--map", "EEG_C3"]) == 2
    assert "expected NAME=CHANNEL" in capsys.readouterr().err
    assert main(["inspect", str(PSG), "--map", "EEG_C9=EEG Fpz-Cz"]) == 2
    assert "unknown montage slot 'EEG_C9'" in capsys.readouterr().err
