"""Decode the samples of an EDF/EDF+/BDF file with MNE, at native rates, gaps kept.

MNE upsamples every channel to the fastest rate when rates differ and ignores
EDF+D record onsets. We therefore ask MNE for one group of equal-rate channels
at a time (no resampling happens) and place every data record at the onset its
time-keeping annotation gives, leaving NaN in the gaps so that the epoch
quality mask flags them instead of splicing the two sides together.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import mne
import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.edf_annotations import record_onsets
from sleeplm_core.io.edf_header import EdfHeader, EdfSignalHeader
from sleeplm_core.io.recording import Signal

log = logging.getLogger(__name__)

# MNE returns volts for these file units and the file's own physical units for
# every other unit; biopotentials are kept in µV like the rest of the project.
_MNE_VOLT_UNITS = frozenset({"\u03bcV", "\u00b5V", "uV", "mV"})
_MICROVOLT_SPELLINGS = frozenset({"uv", "\u00b5v", "\u03bcv"})
_GAP_TOLERANCE_SEC = 1e-3


def read_edf_signals(header: EdfHeader) -> tuple[dict[str, Signal], list[str]]:
    """Return every data signal of the file (file order) and gap warnings."""
    empty = [s.label for s in header.data_signals if s.n_samples <= 0]
    signals = [s for s in header.data_signals if s.n_samples > 0]
    labels = [s.label for s in signals]
    duplicates = sorted({x for x in labels if labels.count(x) > 1})
    if duplicates:
        raise RecordingError(
            f"{header.path}: duplicate channel labels {duplicates}; give each channel a unique label when exporting"
        )
    onsets = record_onsets(header)
    warnings = _gap_warnings(header, onsets)
    if empty:
        warnings.append(f"signals with no samples were skipped: {', '.join(empty)}")
    decoded: dict[str, Signal] = {}
    for group in _rate_groups(signals).values():
        decoded.update(_read_group(header, group, onsets))
    return {label: decoded[label] for label in labels}, warnings


def _rate_groups(signals: list[EdfSignalHeader]) -> dict[int, list[EdfSignalHeader]]:
    groups: dict[int, list[EdfSignalHeader]] = defaultdict(list)
    for sig in signals:
        groups[sig.n_samples].append(sig)
    return groups


def _read_group(header: EdfHeader, group: list[EdfSignalHeader], onsets: np.ndarray) -> dict[str, Signal]:
    reader = mne.io.read_raw_bdf if header.sample_bytes == 3 else mne.io.read_raw_edf
    names = [s.label for s in group]
    try:
        raw = reader(header.path, include=names, preload=True, infer_types=False, verbose="error")
    except (ValueError, RuntimeError, OSError) as err:
        raise RecordingError(f"{header.path}: MNE could not decode the samples ({err}); check the file with an EDF validator") from None
    if raw.ch_names != names:
        raise RecordingError(f"{header.path}: channel labels {names} could not be read back as-is; rename them when exporting")
    data = raw.get_data()
    out = {}
    for sig, row in zip(group, data):
        if sig.unit in _MNE_VOLT_UNITS:
            row, unit = row * 1e6, "uV"
        else:
            # MNE leaves other spellings ("UV") unscaled, so the values already are µV.
            unit = "uV" if sig.unit.lower() in _MICROVOLT_SPELLINGS else sig.unit
        out[sig.label] = Signal(sig.label, _place_records(row, sig.n_samples, onsets, sig.sfreq), sig.sfreq, unit)
    return out


def _place_records(row: np.ndarray, per_record: int, onsets: np.ndarray, sfreq: float) -> np.ndarray:
    """Put each record's samples at its onset; NaN fills gaps between records."""
    starts = np.rint(onsets * sfreq).astype(np.int64)
    contiguous = np.array_equal(starts, np.arange(len(onsets)) * per_record)
    if contiguous:
        return row
    out = np.full(int(starts[-1]) + per_record, np.nan)
    blocks = row.reshape(len(onsets), per_record)
    for start, block in zip(starts, blocks):
        out[start:start + per_record] = block
    return out


def _gap_warnings(header: EdfHeader, onsets: np.ndarray) -> list[str]:
    if len(onsets) < 2:
        return []
    step = np.diff(onsets) - header.record_duration
    if np.any(step < -_GAP_TOLERANCE_SEC):
        first = int(np.argmax(step < -_GAP_TOLERANCE_SEC)) + 1
        raise RecordingError(
            f"{header.path}: EDF+D record {first} starts before the previous one ends; records overlap, export the file again"
        )
    gaps = step > _GAP_TOLERANCE_SEC
    if not np.any(gaps):
        return []
    largest = int(np.argmax(step))
    message = (
        f"EDF+D: {int(gaps.sum())} gap(s) totalling {step[gaps].sum():.1f} s "
        f"(largest {step[largest]:.1f} s at {onsets[largest + 1] - step[largest]:.1f} s); "
        "gap samples are NaN and their epochs are flagged"
    )
    log.warning("%s: %s", header.path, message)
    return [message]
