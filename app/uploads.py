"""Checks on every file the app opens: where it lives, its size, extension and type.

The app opens only files under allowed roots (Gradio's upload folder and the
bundled folders) so that a crafted request can never make it read another file
of the machine. Types are checked on the first bytes, not only the name, so a
renamed file is refused with a message that says what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sleeplm_core.errors import SleepLMError

RECORDING_EXTENSIONS: tuple[str, ...] = (".edf", ".bdf", ".rec")
SCORING_EXTENSIONS: tuple[str, ...] = (".edf", ".csv", ".tsv", ".txt", ".xml", ".json")
_EDF_MAGIC = b"0       "
_BDF_MAGIC = b"\xffBIOSEMI"
_TEXT_PROBE_BYTES = 4096


class UploadError(SleepLMError):
    """An uploaded file is refused; the message says why and what to upload instead."""


@dataclass(frozen=True)
class UploadPolicy:
    """What the app accepts.

    Attributes:
        max_bytes: largest file accepted, in bytes (2 GB by default).
        roots: folders files may come from; anything resolving elsewhere is refused.
    """

    max_bytes: int = 2 * 1024**3
    roots: tuple[Path, ...] = ()


def parse_size(text: str) -> int:
    """Bytes in a size such as ``2GB``, ``500 MB`` or ``1048576``."""
    units = {"tb": 1024**4, "gb": 1024**3, "mb": 1024**2, "kb": 1024, "b": 1}
    t = text.strip().lower().replace(" ", "")
    for suffix, factor in units.items():
        if t.endswith(suffix) and t[: -len(suffix)].replace(".", "", 1).isdigit():
            return int(float(t[: -len(suffix)]) * factor)
    if t.isdigit():
        return int(t)
    raise UploadError(f"upload size limit {text!r} is not a size; write it like 2GB or 500MB")


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(root.resolve()) for root in roots)


def _checked_path(path: str | Path, policy: UploadPolicy, extensions: tuple[str, ...],
                  what: str) -> Path:
    p = Path(path).resolve()
    name = p.name
    if not _inside(p, policy.roots):
        raise UploadError(f"{name}: only uploaded files and bundled recordings can be opened; "
                          "upload the file through the recording panel")
    if not p.is_file():
        raise UploadError(f"{name}: the file is gone or is not a file; upload it again")
    if p.suffix.lower() not in extensions:
        raise UploadError(f"{name}: a {what} must be one of {', '.join(extensions)}; "
                          "export it in one of those formats and upload it again")
    size = p.stat().st_size
    if size > policy.max_bytes:
        raise UploadError(f"{name}: {size / 1024**2:.0f} MB is over the upload limit of "
                          f"{policy.max_bytes / 1024**2:.0f} MB; crop the recording or raise "
                          "the limit with --max-upload")
    if size == 0:
        raise UploadError(f"{name}: the file is empty; upload the complete file")
    return p


def check_recording(path: str | Path, policy: UploadPolicy) -> Path:
    """The resolved path of an acceptable EDF/EDF+/BDF recording, else :class:`UploadError`."""
    p = _checked_path(path, policy, RECORDING_EXTENSIONS, "recording")
    with p.open("rb") as fh:
        head = fh.read(8)
    if head not in (_EDF_MAGIC, _BDF_MAGIC):
        raise UploadError(f"{p.name}: this is not an EDF, EDF+ or BDF file (its header does not "
                          "start like one); upload the PSG recording itself")
    return p


def check_scoring(path: str | Path, policy: UploadPolicy) -> Path:
    """The resolved path of an acceptable hypnogram/events file, else :class:`UploadError`."""
    p = _checked_path(path, policy, SCORING_EXTENSIONS, "hypnogram or events file")
    with p.open("rb") as fh:
        head = fh.read(_TEXT_PROBE_BYTES)
    if p.suffix.lower() == ".edf":
        if not head.startswith(_EDF_MAGIC):
            raise UploadError(f"{p.name}: this .edf is not an EDF+ annotation file; upload the "
                              "scoring export (EDF+, CSV, TXT or XML)")
    elif b"\x00" in head:
        raise UploadError(f"{p.name}: a {p.suffix} scoring file must be text, this one is binary; "
                          "upload the scoring export as text")
    return p
