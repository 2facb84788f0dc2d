"""Byte-level EDF/EDF+/BDF header parsing and validation.

MNE reads the samples, but it accepts many broken files silently (a truncated
data section is zero-padded, EDF+D records are concatenated). This module reads
the fixed-layout header itself so that every structural problem becomes one
:class:`~sleeplm_core.errors.RecordingError` naming the file and the fix, and so
that the reader knows each signal's native sampling rate and each data record's
true onset before any sample is decoded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sleeplm_core.errors import RecordingError

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024**3
"""Largest signal file read, in bytes. Decoded float64 samples take about four
times the file size in memory, so a 2 GiB file would already need ~8 GiB."""

_FIXED_BYTES = 256
_PER_SIGNAL_BYTES = 256
_ANNOTATION_LABELS = ("EDF Annotations", "BDF Annotations")
# Field widths of the per-signal header block, in file order.
_SIGNAL_FIELDS = (
    ("label", 16), ("transducer", 80), ("unit", 8), ("phys_min", 8), ("phys_max", 8),
    ("dig_min", 8), ("dig_max", 8), ("prefilter", 80), ("n_samples", 8), ("reserved", 32),
)


@dataclass
class EdfSignalHeader:
    """Header of one signal. ``n_samples`` is per data record."""

    label: str
    unit: str
    phys_min: float
    phys_max: float
    dig_min: int
    dig_max: int
    n_samples: int
    sfreq: float

    @property
    def is_annotation(self) -> bool:
        return self.label in _ANNOTATION_LABELS


@dataclass
class EdfHeader:
    """Validated header of an EDF, EDF+ or BDF file.

    Attributes:
        path: the file.
        kind: "EDF", "EDF+C", "EDF+D", "BDF" or "BDF+C"/"BDF+D".
        start_time: recording start, None when the date fields are unreadable.
        n_records: number of data records actually present.
        record_duration: seconds per data record (0 for annotation-only files).
        signals: per-signal headers in file order (annotation signals included).
        warnings: non-fatal problems found while validating.
        patient: the patient identification field (EDF+: code, sex, birthdate, name).
    """

    path: Path
    kind: str
    start_time: datetime | None
    header_bytes: int
    n_records: int
    record_duration: float
    sample_bytes: int
    signals: list[EdfSignalHeader]
    warnings: list[str] = field(default_factory=list)
    patient: str = ""

    @property
    def record_bytes(self) -> int:
        return self.sample_bytes * sum(s.n_samples for s in self.signals)

    @property
    def duration(self) -> float:
        """Nominal duration in seconds (records x record length, gaps excluded)."""
        return self.n_records * self.record_duration

    @property
    def data_signals(self) -> list[EdfSignalHeader]:
        return [s for s in self.signals if not s.is_annotation]

    @property
    def is_discontinuous(self) -> bool:
        return self.kind.endswith("+D")


def read_edf_header(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> EdfHeader:
    """Read and validate the header of ``path``.

    Raises:
        RecordingError: not an EDF/BDF file, truncated header, header and data
            sizes that disagree, zero data records, or a file above ``max_bytes``.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        fixed = fh.read(_FIXED_BYTES)
        sample_bytes = _check_magic(path, fixed)
        n_signals = _int_field(path, fixed[252:256], "number of signals")
        if n_signals <= 0:
            raise RecordingError(f"{path}: header declares {n_signals} signals; the file is not a usable EDF, re-export it")
        expected_header = _FIXED_BYTES + _PER_SIGNAL_BYTES * n_signals
        if size < expected_header:
            raise RecordingError(
                f"{path}: truncated header ({size} bytes, {expected_header} needed for {n_signals} signals); "
                "copy or export the file again"
            )
        block = fh.read(_PER_SIGNAL_BYTES * n_signals)
    header_bytes = _int_field(path, fixed[184:192], "header size")
    if header_bytes != expected_header:
        raise RecordingError(
            f"{path}: header size field says {header_bytes} bytes but {n_signals} signals need "
            f"{expected_header}; the file is corrupt, export it again"
        )
    record_duration = _float_field(path, fixed[244:252], "record duration")
    signals = _parse_signals(path, block, n_signals, record_duration)
    header = EdfHeader(
        path=path,
        kind=_kind(fixed, sample_bytes),
        start_time=_start_time(fixed),
        header_bytes=header_bytes,
        n_records=_int_field(path, fixed[236:244], "number of records"),
        record_duration=record_duration,
        sample_bytes=sample_bytes,
        signals=signals,
        patient=_text(fixed[8:88]),
    )
    _check_sizes(header, size, max_bytes)
    return header


def _check_magic(path: Path, fixed: bytes) -> int:
    """Return bytes per sample (2 EDF, 3 BDF) or raise for a non-EDF file."""
    if len(fixed) < _FIXED_BYTES:
        if fixed[:8] in (b"0       ", b"\xffBIOSEMI"):
            raise RecordingError(f"{path}: truncated header ({len(fixed)} of 256 fixed bytes); copy or export the file again")
        raise RecordingError(f"{path}: not an EDF/BDF file (only {len(fixed)} bytes); choose a .edf or .bdf recording")
    if fixed[:8] == b"\xffBIOSEMI":
        return 3
    if fixed[:8] == b"0       ":
        return 2
    raise RecordingError(
        f"{path}: not an EDF/BDF file (version field {fixed[:8]!r}); choose a .edf or .bdf recording"
    )


def _kind(fixed: bytes, sample_bytes: int) -> str:
    reserved = fixed[192:236].decode("ascii", "replace").strip()
    base = "BDF" if sample_bytes == 3 else "EDF"
    for suffix in ("+C", "+D"):
        if reserved.startswith(("EDF" + suffix, "BDF" + suffix)):
            return base + suffix
    return base


def _start_time(fixed: bytes) -> datetime | None:
    text = fixed[168:184].decode("ascii", "replace")
    try:
        day, month, year = (int(x) for x in text[:8].split("."))
        hour, minute, second = (int(x) for x in text[8:16].split("."))
    except ValueError:
        return None
    # EDF's two-digit year: 85-99 means 1985-1999 (EDF spec clipping date).
    year += 1900 if year >= 85 else 2000
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _text(raw: bytes) -> str:
    """Header text as MNE decodes it (UTF-8), with Latin-1 for older writers."""
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip()


def _parse_signals(path: Path, block: bytes, n: int, record_duration: float) -> list[EdfSignalHeader]:
    columns: dict[str, list[str]] = {}
    offset = 0
    for name, width in _SIGNAL_FIELDS:
        raw = block[offset:offset + width * n]
        columns[name] = [_text(raw[i * width:(i + 1) * width]) for i in range(n)]
        offset += width * n
    signals = []
    for i in range(n):
        label = columns["label"][i]
        n_samples = _int_field(path, columns["n_samples"][i].encode(), f"samples per record of {label!r}")
        signals.append(EdfSignalHeader(
            label=label,
            unit=columns["unit"][i],
            phys_min=_float_field(path, columns["phys_min"][i].encode(), f"physical minimum of {label!r}"),
            phys_max=_float_field(path, columns["phys_max"][i].encode(), f"physical maximum of {label!r}"),
            dig_min=_int_field(path, columns["dig_min"][i].encode(), f"digital minimum of {label!r}"),
            dig_max=_int_field(path, columns["dig_max"][i].encode(), f"digital maximum of {label!r}"),
            n_samples=n_samples,
            sfreq=n_samples / record_duration if record_duration > 0 else 0.0,
        ))
    return signals


def _check_sizes(header: EdfHeader, size: int, max_bytes: int) -> None:
    path, record_bytes = header.path, header.record_bytes
    available = size - header.header_bytes
    if header.n_records == -1 and record_bytes > 0:
        # EDF allows -1 while recording; the file size then gives the count.
        header.n_records = available // record_bytes
        header.warnings.append(f"record count was -1 in the header; {header.n_records} records found by file size")
    if header.n_records == 0 or record_bytes == 0:
        raise RecordingError(f"{path}: the file holds zero data records; it contains no signal, export the recording again")
    declared = header.n_records * record_bytes
    if available < declared:
        raise RecordingError(
            f"{path}: header declares {header.n_records} records of {record_bytes} bytes "
            f"({declared} bytes) but the file holds {available}; the file is truncated, copy it again"
        )
    if available > declared:
        header.warnings.append(f"{available - declared} bytes after the last data record were ignored")
    if size >= max_bytes:
        raise RecordingError(
            f"{path}: file is {size / 1024**3:.1f} GiB; files of {max_bytes / 1024**3:.0f} GiB or more are not "
            "read (memory limit), crop the recording to the night first"
        )


def _int_field(path: Path, raw: bytes, what: str) -> int:
    try:
        return int(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise RecordingError(f"{path}: unreadable {what} in the header ({raw!r}); the file is not a valid EDF, export it again") from None


def _float_field(path: Path, raw: bytes, what: str) -> float:
    try:
        return float(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise RecordingError(f"{path}: unreadable {what} in the header ({raw!r}); the file is not a valid EDF, export it again") from None
