"""Plain-text scoring files: DREAMS hypnograms and event lists, CSV/TSV
annotations, and one-stage-per-line hypnograms.

Hypnograms scored at a finer step than 30 s (DREAMS: 5 s; Sleep-EDF CSV
conversions: 1 s) are reduced to 30-s epochs by majority vote inside each
epoch; a tie goes to the stage seen first in the epoch. Trailing values that do
not fill a whole epoch are dropped with a warning.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.events import normalize_event
from sleeplm_core.io.recording import EPOCH_SEC, UNKNOWN_STAGE, Event
from sleeplm_core.io.scoring_model import Scoring, from_annotations
from sleeplm_core.io.stages import decode_stages, unknown_warning

DREAMS_STEP_SEC = 5.0
"""Seconds per value in DREAMS hypnogram files."""
# DREAMS uses a reversed R&K scale: 5 wake, 4 REM, 3 S1, 2 S2, 1 S3, 0 S4;
# -1 movement and -2/-3 unknown become unscored.
_DREAMS_CODES = {5: 0, 4: 4, 3: 1, 2: 2, 1: 3, 0: 3, -1: UNKNOWN_STAGE, -2: UNKNOWN_STAGE, -3: UNKNOWN_STAGE}
# Headerless integer hypnograms are read as the Sleep-EDF per-second R&K
# convention: 0 W, 1-4 S1-S4, 5 REM, 6 artefact, 7 movement, 9 unscored.
_RK_PER_SECOND = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: UNKNOWN_STAGE, 7: UNKNOWN_STAGE, 9: UNKNOWN_STAGE}
_STEP_COMMENT = re.compile(r"1 value per (\d+(?:\.\d+)?) seconds?")
_LEGEND_ITEM = re.compile(r"(-?\d+)\s*[:=]\s*([A-Za-z0-9?][A-Za-z0-9? ]*)")
_INT = re.compile(r"^-?\d+$")
_CSV_COLUMNS = {
    "onset": ("onset", "start", "time", "begin"),
    "duration": ("duration", "dur", "length"),
    "description": ("description", "label", "event", "type", "stage", "annotation", "name"),
    "channel": ("channel", "signal", "location"),
}


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ints(path: Path, values: list[str]) -> np.ndarray:
    try:
        return np.array([int(float(v)) for v in values], dtype=np.int64)
    except ValueError:
        raise RecordingError(f"{path}: expected one integer stage code per line; fix the hypnogram file") from None


def to_epochs(codes: np.ndarray, step: float, path: Path, warnings: list[str]) -> np.ndarray:
    """Reduce stage codes sampled every ``step`` seconds to 30-s epochs (majority)."""
    per_epoch = EPOCH_SEC / step
    if per_epoch < 1 or abs(per_epoch - round(per_epoch)) > 1e-9:
        raise RecordingError(f"{path}: a {step:g}-s scoring step does not divide 30-s epochs; rescore in 30-s epochs")
    per_epoch = int(round(per_epoch))
    n = len(codes) // per_epoch
    if len(codes) % per_epoch:
        warnings.append(f"{path}: {len(codes) % per_epoch} trailing {step:g}-s value(s) do not fill an epoch and were dropped")
    return np.array([_majority(b) for b in codes[:n * per_epoch].reshape(n, per_epoch)], dtype=np.int8)


def _majority(block: np.ndarray) -> int:
    values, first, counts = np.unique(block, return_index=True, return_counts=True)
    best = counts == counts.max()
    return int(values[best][np.argmin(first[best])])


def read_dreams_hypnogram(path: Path) -> Scoring:
    """DREAMS ``[Hypnogram]`` file: one reversed-scale R&K code per 5 s; other codes are unscored."""
    raw = _ints(path, _lines(path)[1:])
    warnings = unknown_warning(path, Counter(str(c) for c in raw.tolist() if c not in _DREAMS_CODES))
    codes = np.array([_DREAMS_CODES.get(c, UNKNOWN_STAGE) for c in raw.tolist()])
    return Scoring(to_epochs(codes, DREAMS_STEP_SEC, path, warnings), 0.0, [], "dreams-hypnogram", path, warnings)


def read_dreams_events(path: Path) -> Scoring:
    """DREAMS event file: ``[Label/Channel]`` header then ``onset duration`` lines (s)."""
    lines = _lines(path)
    label, _, channel = lines[0].strip("[]").partition("/")
    kind = normalize_event(label)
    events = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            onset, duration = (float(x) for x in line.split()[:2])
        except ValueError:
            raise RecordingError(f"{path}: line {number} is not 'onset duration' in seconds; fix the event file") from None
        events.append(Event(onset, duration, kind, channel or None))
    return Scoring(events=events, format="dreams-events", path=path)


def read_csv(path: Path) -> Scoring:
    """CSV/TSV rows of onset (s), duration (s), description[, channel]; header optional."""
    lines = [line for line in _lines(path) if not line.startswith("#")]
    rows = [r for r in csv.reader(lines, delimiter=_delimiter(lines[0] if lines else "")) if any(c.strip() for c in r)]
    columns, body = _csv_columns(path, rows)
    onsets, durations, labels, channels = [], [], [], []
    for number, row in enumerate(body, start=len(rows) - len(body) + 1):
        try:
            onsets.append(float(row[columns["onset"]]))
            durations.append(float(row[columns["duration"]] or 0))
            labels.append(row[columns["description"]].strip())
        except (ValueError, IndexError):
            raise RecordingError(f"{path}: row {number} is not onset,duration,description; fix the CSV") from None
        channels.append(_optional_cell(row, columns.get("channel")))
    stages, offset, events, warnings = from_annotations(onsets, durations, labels, channels, source=path)
    return Scoring(stages, offset, events, "csv", path, warnings)


def _optional_cell(row: list[str], index: int | None) -> str | None:
    """Stripped cell ``index`` of ``row``; None when the column or the value is absent."""
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def _delimiter(first_line: str) -> str:
    """Tab if the first row has one, else semicolon if it has no comma, else comma."""
    if "\t" in first_line:
        return "\t"
    return ";" if ";" in first_line and "," not in first_line else ","


def _csv_columns(path: Path, rows: list[list[str]]) -> tuple[dict[str, int], list[list[str]]]:
    if not rows:
        raise RecordingError(f"{path}: the CSV scoring file is empty; add onset,duration,description rows")
    header = [c.strip().lower() for c in rows[0]]
    try:
        float(header[0])
    except ValueError:
        found = {key: next((i for i, h in enumerate(header) if h in names), None) for key, names in _CSV_COLUMNS.items()}
        missing = [k for k in ("onset", "duration", "description") if found[k] is None]
        if missing:
            raise RecordingError(f"{path}: CSV header lacks {missing}; name the columns onset, duration, description") from None
        return {k: v for k, v in found.items() if v is not None}, rows[1:]
    return {"onset": 0, "duration": 1, "description": 2, "channel": 3}, rows


def read_stage_per_line(path: Path) -> Scoring:
    """One stage per line: letters, or integers with a legend, or per-second R&K ints."""
    lines = _lines(path)
    comments = " ".join(line.lstrip("#") for line in lines if line.startswith("#"))
    values = [line for line in lines if not line.startswith("#")]
    step_match = _STEP_COMMENT.search(comments)
    legend_items = _LEGEND_ITEM.findall(comments)
    legend_codes, warnings = decode_stages([v for _, v in legend_items], path)
    legend = {int(k): code for (k, _), code in zip(legend_items, legend_codes)}
    if values and all(_INT.match(v) for v in values):
        codes, step = _integer_codes(path, _ints(path, values), legend, warnings)
        step = float(step_match.group(1)) if step_match else step
    else:
        decoded, warnings = decode_stages(values, path)
        codes = np.array(decoded)
        step = float(step_match.group(1)) if step_match else EPOCH_SEC
    stages = to_epochs(codes, step, path, warnings)
    return Scoring(stages, 0.0, [], "stage-per-line", path, warnings)


def _integer_codes(path: Path, raw: np.ndarray, legend: dict[int, int],
                   warnings: list[str]) -> tuple[np.ndarray, float]:
    if legend:
        warnings.extend(unknown_warning(path, Counter(str(c) for c in raw.tolist() if c not in legend)))
        return np.array([legend.get(c, UNKNOWN_STAGE) for c in raw.tolist()]), EPOCH_SEC
    blocks_constant = len(raw) % int(EPOCH_SEC) == 0 and bool(np.all(raw.reshape(-1, int(EPOCH_SEC)) == raw[::int(EPOCH_SEC), None]))
    unknown = sorted(set(raw.tolist()) - set(_RK_PER_SECOND))
    if not blocks_constant or unknown:
        raise RecordingError(
            f"{path}: integer hypnogram without a legend; add header lines '# 1 value per 30 seconds' and "
            "'# 0: W, 1: N1, 2: N2, 3: N3, 4: REM', or write the stages as letters"
        )
    return np.array([_RK_PER_SECOND[c] for c in raw.tolist()]), 1.0
