"""EDF+ files with an annotation signal (scoring inside the file, EDF+D gaps) and BDF.

The files are built from the real SC4001 records: EDF+ by adding an "EDF
Annotations" signal to each data record, as an EDF+ writer does; BDF by
widening every 16-bit sample to 24 bits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.load import load_recording, open_night

PSG = Path(__file__).resolve().parent / "fixtures" / "io" / "SC4001E0-PSG-first10min.edf"
N_SIGNALS, HEADER, RECORD = 7, 256 * 8, 30 * (3 * 100 + 4 * 1) * 2
TAL_BYTES = 120
# Per-signal header fields (width) in file order, and the annotation signal's values.
FIELDS = ((16, "EDF Annotations"), (80, ""), (8, ""), (8, "-1"), (8, "1"), (8, "-32768"), (8, "32767"),
          (80, ""), (8, str(TAL_BYTES // 2)), (32, ""))


def edf_plus(onsets: list[float], annotations: dict[int, str], kind: str = "EDF+D") -> bytes:
    """Real SC4001 records placed at ``onsets``; ``annotations`` adds TAL text to record i."""
    src = PSG.read_bytes()
    fixed = bytearray(src[:256])
    fixed[184:192] = str(256 * (N_SIGNALS + 2)).ljust(8).encode()
    fixed[192:236] = kind.ljust(44).encode()
    fixed[236:244] = str(len(onsets)).ljust(8).encode()
    fixed[252:256] = str(N_SIGNALS + 1).ljust(4).encode()
    block, offset = b"", 256
    for width, value in FIELDS:
        block += src[offset:offset + width * N_SIGNALS] + value.ljust(width).encode()
        offset += width * N_SIGNALS
    records = b""
    for i, onset in enumerate(onsets):
        tal = f"+{onset:g}\x14\x14\x00".encode() + annotations.get(i, "").encode()
        records += src[HEADER + i * RECORD: HEADER + (i + 1) * RECORD] + tal.ljust(TAL_BYTES, b"\x00")
    return bytes(fixed) + block + records


def _tal(onset: float, duration: float, text: str) -> str:
    return f"+{onset:g}\x15{duration:g}\x14{text}\x14\x00"


def test_scoring_inside_the_file(tmp_path):
    notes = {0: _tal(0, 60, "Sleep stage W") + _tal(60, 30, "Sleep stage 1"),
             1: _tal(90, 60, "Sleep stage 2") + _tal(100, 12, "Obstructive Apnea")}
    path = tmp_path / "scored.edf"
    path.write_bytes(edf_plus([30.0 * i for i in range(6)], notes, kind="EDF+C"))
    rec = load_recording(path)
    assert rec.stages.tolist() == [0, 0, 1, 2, 2]
    assert [(e.onset, e.duration, e.type) for e in rec.events] == [(100.0, 12.0, "obstructive_apnea")]
    assert rec.source["format"] == "EDF+C" and rec.duration == 180.0


def test_separate_hypnogram_replaces_embedded_stages(tmp_path):
    path = tmp_path / "scored.edf"
    path.write_bytes(edf_plus([30.0 * i for i in range(6)], {0: _tal(0, 180, "Sleep stage W")}, kind="EDF+C"))
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("N1\nN2\nN2\nN3\nR\nW\n")
    assert load_recording(path, hypnogram=hyp).stages.tolist() == [1, 2, 2, 3, 4, 0]


def test_discontinuous_records_keep_their_gap(tmp_path):
    path = tmp_path / "gap.edf"
    onsets = [0.0, 30.0, 120.0, 150.0]  # 60 s missing after the second record
    path.write_bytes(edf_plus(onsets, {}))
    rec, _, epochs = open_night(path)
    assert rec.duration == 180.0
    assert any("1 gap(s) totalling 60.0 s" in w for w in rec.source["warnings"])
    eeg = rec.signals["EEG Fpz-Cz"].data
    assert np.isnan(eeg[6000:12000]).all() and np.isfinite(eeg[:6000]).all() and np.isfinite(eeg[12000:]).all()
    # Samples after the gap are the third real record, not the second one repeated.
    original = load_recording(PSG).signals["EEG Fpz-Cz"].data
    assert np.array_equal(eeg[12000:15000], original[6000:9000])
    assert epochs.quality_flags["nonfinite"][:, 6].tolist() == [False, False, True, True, False, False]


def test_overlapping_records_are_an_error(tmp_path):
    path = tmp_path / "overlap.edf"
    path.write_bytes(edf_plus([0.0, 20.0, 50.0], {}))
    with pytest.raises(RecordingError, match="record 1 starts before the previous one ends"):
        load_recording(path)


def test_bdf_reads_the_same_samples_as_edf(tmp_path):
    src = PSG.read_bytes()
    fixed = bytearray(src[:HEADER])
    fixed[:8] = b"\xffBIOSEMI"
    fixed[192:236] = b"24BIT".ljust(44)
    samples = np.frombuffer(src[HEADER:], dtype="<i2").astype("<i4")
    wide = samples.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    path = tmp_path / "night.bdf"
    path.write_bytes(bytes(fixed) + wide)
    bdf, edf = load_recording(path), load_recording(PSG)
    assert bdf.source["format"] == "BDF" and list(bdf.signals) == list(edf.signals)
    for label, signal in edf.signals.items():
        assert bdf.signals[label].sfreq == signal.sfreq
        assert np.allclose(bdf.signals[label].data, signal.data)
