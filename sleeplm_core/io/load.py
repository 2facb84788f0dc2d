"""Load a night: signals, scoring, montage and epochs.

:func:`load_recording` reads EDF, EDF+ (continuous or discontinuous) and BDF
files through MNE (header validated first by :mod:`sleeplm_core.io.edf_header`),
plus one-column text and ``.npz`` signals (:mod:`sleeplm_core.io.signals_text`).
Scoring may sit inside an EDF+ file or come from separate files in any format
of :mod:`sleeplm_core.io.scoring`. :func:`open_night` adds montage mapping and
epoching: it is the one call the app, the CLI and the trainer use.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.edf_header import read_edf_header
from sleeplm_core.io.edf_signals import read_edf_signals
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.montage import Montage, map_montage
from sleeplm_core.io.oximetry import rescale_fractions
from sleeplm_core.io.patient import Patient, read_patient
from sleeplm_core.io.recording import Recording
from sleeplm_core.io.scoring import apply_scoring, edf_scoring, read_scoring
from sleeplm_core.io.scoring_model import Scoring
from sleeplm_core.io.signals_text import read_npz_signals, read_text_signal

log = logging.getLogger(__name__)

PathLike = str | Path


def load_recording(
    path: PathLike,
    hypnogram: PathLike | None = None,
    events: PathLike | Sequence[PathLike] | None = None,
    sfreq: float | None = None,
) -> Recording:
    """Read a recording and its scoring.

    Args:
        path: EDF/EDF+/BDF file (or a ``.txt``/``.npz`` signal, see
            :mod:`sleeplm_core.io.signals_text`).
        hypnogram: scoring file whose stages replace any stages in ``path``.
        events: one or more scoring files whose events are added (their
            stages are used only when neither ``path`` nor ``hypnogram`` has any).
        sfreq: sampling rate in Hz, only for text signals that do not state it.

    Returns:
        The recording; ``source["warnings"]`` lists every non-fatal problem
        (EDF+D gaps, dropped annotations, non-finite samples, ...).

    Raises:
        RecordingError: the file or a scoring file is unreadable or inconsistent.
    """
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: file not found; check the path")
    rec, embedded = _read_signals(path, sfreq)
    stage_file = _hypnogram(hypnogram) if hypnogram is not None else None
    # the recording's own annotations are already in ``embedded``: naming the file again
    # as an events file (``--events`` = the EDF+ itself) must not add every event twice
    extra = [p for p in _as_list(events) if embedded is None or Path(p).resolve() != path.resolve()]
    _apply_all(rec, embedded, stage_file, [read_scoring(p) for p in extra])
    rec.source["warnings"].extend(_nonfinite_warnings(rec))
    rec.source["warnings"].extend(rescale_fractions(rec))
    for warning in rec.source["warnings"]:
        log.info("%s: %s", path, warning)
    return rec


def open_night(
    path: PathLike,
    hypnogram: PathLike | None = None,
    events: PathLike | Sequence[PathLike] | None = None,
    mapping: dict[str, str] | None = None,
    memmap_dir: PathLike | None = None,
    sfreq: float | None = None,
) -> tuple[Recording, Montage, EpochSet]:
    """Load, map and epoch a night in one call.

    Args:
        path, hypnogram, events, sfreq: as for :func:`load_recording`.
        mapping: montage overrides, slot -> file label (see :func:`map_montage`).
        memmap_dir: folder for the memmap of very long recordings.

    Raises:
        RecordingError, MontageError: with a one-line message naming the problem.
    """
    rec = load_recording(path, hypnogram=hypnogram, events=events, sfreq=sfreq)
    montage = map_montage(rec, mapping)
    return rec, montage, make_epochs(rec, montage, memmap_dir=memmap_dir)


def _as_list(events: PathLike | Sequence[PathLike] | None) -> list[PathLike]:
    if events is None:
        return []
    if isinstance(events, (str, Path)):
        return [events]
    return list(events)


def _read_signals(path: Path, sfreq: float | None) -> tuple[Recording, Scoring | None]:
    """The signals of ``path`` and, for EDF+, the scoring stored in it."""
    suffix = path.suffix.lower()
    warnings: list[str] = []
    embedded, patient = None, Patient()
    if suffix == ".npz":
        signals, fmt, start = read_npz_signals(path), "npz", None
    elif suffix == ".txt":
        (signals, warnings), fmt, start = read_text_signal(path, sfreq), "text", None
    else:
        header = read_edf_header(path)
        if not header.data_signals:
            raise RecordingError(f"{path}: holds annotations only, no signals; pass it as --hypnogram with its PSG")
        signals, gap_warnings = read_edf_signals(header)
        warnings = header.warnings + gap_warnings
        fmt, start = header.kind, header.start_time
        embedded = edf_scoring(header) if "+" in header.kind else None
        patient = read_patient(header.patient, header.start_time)
    duration = max((s.duration for s in signals.values()), default=0.0)
    source = {"path": str(path), "id": path.stem, "format": fmt, "warnings": warnings, "scoring": []}
    return Recording(signals=signals, start_time=start, duration=duration, source=source,
                     patient=patient), embedded


def _hypnogram(path: PathLike) -> Scoring:
    scoring = read_scoring(path)
    if not np.any(scoring.stages >= 0):
        raise RecordingError(f"{path}: contains no sleep stages; pass it with --events, or give the stage file as --hypnogram")
    return scoring


def _apply_all(rec: Recording, embedded: Scoring | None, stage_file: Scoring | None, extra: list[Scoring]) -> None:
    """Stages come from the hypnogram file, else from the first source that has any."""
    sources = [s for s in (embedded, stage_file, *extra) if s is not None]
    stage_source = stage_file or next((s for s in sources if np.any(s.stages >= 0)), None)
    for scoring in sources:
        apply_scoring(rec, scoring, stages=scoring is stage_source)
        rec.source["scoring"].append({"path": str(scoring.path), "format": scoring.format})


def _nonfinite_warnings(rec: Recording) -> list[str]:
    counts = {label: int(np.sum(~np.isfinite(s.data))) for label, s in rec.signals.items()}
    bad = {label: n for label, n in counts.items() if n}
    if not bad:
        return []
    worst = max(bad, key=bad.get)
    seconds = bad[worst] / rec.signals[worst].sfreq
    return [
        f"non-finite samples (NaN/inf or EDF+D gaps) in {len(bad)} channel(s), worst {worst!r} with "
        f"{bad[worst]} samples ({seconds:.1f} s); their epochs are flagged, not zeroed"
    ]

