"""Signals stored outside EDF: one-column text files and NumPy ``.npz`` archives.

* Text (DREAMS ``excerptN.txt``, YASA snippets): one sample per line in µV; an
  optional first line ``[LABEL]`` names the channel. Without it the channel is
  labelled "EEG" (both sources hold single EEG derivations) and a warning says
  so. Text has no sampling rate: it comes from the ``sfreq`` argument or a
  ``<number>Hz`` token in the file name ("data_N2_spindles_15sec_200Hz.txt").
* ``.npz`` (YASA): arrays ``data`` (channels x samples, µV), ``sf`` (Hz) and
  ``chan`` (labels).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.recording import Signal

_RATE_IN_NAME = re.compile(r"(\d+(?:\.\d+)?)\s*hz", re.IGNORECASE)
DEFAULT_TEXT_LABEL = "EEG"


def read_text_signal(path: Path, sfreq: float | None) -> tuple[dict[str, Signal], list[str]]:
    """One channel from a one-sample-per-line text file."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    first = lines[0].strip() if lines else ""
    warnings = []
    if first.startswith("["):
        label, body = first.strip("[]").strip(), lines[1:]
    else:
        label, body = DEFAULT_TEXT_LABEL, lines
        warnings.append(f"{path.name} has no channel label; it is read as {DEFAULT_TEXT_LABEL!r}")
    try:
        data = np.array([float(v) for v in body if v.strip()], dtype=np.float64)
    except ValueError:
        raise RecordingError(
            f"{path}: not an EDF/BDF file and not a one-number-per-line signal; choose a .edf or .bdf recording"
        ) from None
    rate = sfreq if sfreq is not None else _rate_from_name(path)
    return {label: Signal(label, data, rate, "uV")}, warnings


def _rate_from_name(path: Path) -> float:
    match = _RATE_IN_NAME.search(path.stem)
    if match is None:
        raise RecordingError(f"{path}: a text signal has no sampling rate; pass it (sfreq=..., or --sfreq HZ)")
    return float(match.group(1))


def read_npz_signals(path: Path) -> dict[str, Signal]:
    """Channels of an ``.npz`` archive with ``data``, ``sf`` and ``chan`` arrays."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            data = np.atleast_2d(np.asarray(archive["data"], dtype=np.float64))
            rate = float(archive["sf"])
            labels = [str(c) for c in archive["chan"]]
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as err:
        raise RecordingError(f"{path}: not a signal archive with data, sf and chan arrays ({err}); use EDF instead") from None
    if len(labels) != data.shape[0]:
        raise RecordingError(f"{path}: {len(labels)} channel labels for {data.shape[0]} data rows; fix the archive")
    return {label: Signal(label, row, rate, "uV") for label, row in zip(labels, data)}
