"""EDF+ time-stamped annotation lists (TALs), read from the raw data records.

Each data record's annotation signal holds TALs: ``+onset[\\x15duration]\\x14text\\x14...\\x00``.
The first TAL of a record has empty text and gives the record's onset (the
only way to place EDF+D records in time); the others are annotations such as
"Sleep stage 2". Reading them here instead of through ``mne.read_annotations``
also works for files whose name does not end in ``.edf``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.edf_header import EdfHeader

_TAL = re.compile(rb"([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?))?\x14(.*?)\x14\x00", re.DOTALL)


def _annotation_bytes(header: EdfHeader) -> Iterator[bytes]:
    """Bytes of every annotation signal, record by record."""
    records = np.memmap(header.path, dtype=np.uint8, mode="r", offset=header.header_bytes,
                        shape=(header.n_records, header.record_bytes))
    offsets = np.cumsum([0] + [header.sample_bytes * s.n_samples for s in header.signals])
    spans = [(offsets[i], offsets[i + 1]) for i, s in enumerate(header.signals) if s.is_annotation]
    for i in range(header.n_records):
        yield b"".join(bytes(records[i, a:b]) for a, b in spans)


def record_onsets(header: EdfHeader) -> np.ndarray:
    """Onset of every data record in seconds.

    Plain EDF and EDF+C records are contiguous (``i * record_duration``); for
    EDF+D the first TAL of each record gives the true onset.
    """
    if not header.is_discontinuous or not any(s.is_annotation for s in header.signals):
        return np.arange(header.n_records) * header.record_duration
    onsets = np.empty(header.n_records)
    for i, raw in enumerate(_annotation_bytes(header)):
        match = _TAL.match(raw)
        if match is None:
            raise RecordingError(
                f"{header.path}: EDF+D record {i} has no time-keeping annotation; the file is not valid EDF+, export it again"
            )
        onsets[i] = float(match.group(1))
    return onsets


def read_annotations(header: EdfHeader) -> list[tuple[float, float, str]]:
    """Every (onset s, duration s, text) annotation, time-keeping TALs left out."""
    out: list[tuple[float, float, str]] = []
    if not any(s.is_annotation for s in header.signals):
        return out
    for raw in _annotation_bytes(header):
        for onset, duration, texts in _TAL.findall(raw):
            for text in texts.split(b"\x14"):
                label = text.decode("utf-8", "replace").strip()
                if label:
                    out.append((float(onset), float(duration or 0), label))
    return out
