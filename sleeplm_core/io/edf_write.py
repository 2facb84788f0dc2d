"""Write a :class:`Recording` as EDF+ (or BDF+) with its scoring as annotations.

Stages become one "Sleep stage W/N1/N2/N3/R/?" annotation per run of equal
epochs (the Sleep-EDF convention, duration a multiple of 30 s); events become
annotations named after :data:`EVENT_LABELS`, and unknown event types are
written verbatim. Event channels are not stored (EDF+ annotations carry none).
Physical ranges are each signal's own min/max, so nothing clips and the
quantisation step is as fine as 16 (EDF) or 24 (BDF) bits allow; channels of
whole numbers (position codes, pulse in bpm) are stored one to one instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from fractions import Fraction
from pathlib import Path

import numpy as np
from edfio import Bdf, BdfSignal, Edf, EdfAnnotation, EdfSignal, Patient as EdfPatient
from edfio import Recording as EdfRecording

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.patient import SEXES
from sleeplm_core.io.recording import EPOCH_SEC, Recording, UNKNOWN_STAGE

logger = logging.getLogger(__name__)

STAGE_LABELS: dict[int, str] = {
    0: "Sleep stage W", 1: "Sleep stage N1", 2: "Sleep stage N2", 3: "Sleep stage N3",
    4: "Sleep stage R", UNKNOWN_STAGE: "Sleep stage ?",
}
"""Annotation text per stage code."""

EVENT_LABELS: dict[str, str] = {
    "obstructive_apnea": "Obstructive Apnea", "central_apnea": "Central Apnea",
    "mixed_apnea": "Mixed Apnea", "hypopnea": "Hypopnea", "desaturation": "Oxygen Desaturation",
    "arousal": "Arousal", "spindle": "Spindle", "k_complex": "K-complex",
    "limb_movement": "Limb Movement", "slow_wave": "Slow Wave",
    "rapid_eye_movement": "Rapid Eye Movement", "bradycardia": "Bradycardia",
    "tachycardia": "Tachycardia",
}
"""Annotation text per normalised event type."""

_RECORD_CANDIDATES_S = (30.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.2, 0.1)
_MAX_RECORD_BYTES = 61440  # the EDF specification's recommended data-record size limit


def write_edf(rec: Recording, path: str | Path, *, bdf: bool = False, hypnogram_path: str | Path | None = None) -> Path:
    """Write ``rec`` to ``path`` as EDF+C (or BDF+C when ``bdf``) and return the path.

    Signals keep their labels, units and sampling rates. With ``hypnogram_path``
    the scoring goes to that annotation-only EDF+ file instead (the Sleep-EDF
    PSG + Hypnogram layout) and ``path`` becomes plain EDF/BDF.

    Raises:
        RecordingError: no signals, signals of different lengths, non-finite
            samples, or a duration that no data-record length divides.
    """
    path = Path(path)
    if not rec.signals:
        raise RecordingError(f"{path}: the recording has no signals to write; add at least one channel")
    signal_class = BdfSignal if bdf else EdfSignal
    signals = [_edf_signal(signal_class, s.label, s.data, s.sfreq, s.unit, path) for s in rec.signals.values()]
    annotations = None if hypnogram_path is not None else _annotations(rec)
    container = Bdf if bdf else Edf
    edf = _build(container, signals, rec, annotations, _record_durations(rec, path, bytes_per_sample=3 if bdf else 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    edf.write(path)
    logger.info("wrote %s: %d signals, %d annotations", path, len(signals), len(edf.annotations))
    if hypnogram_path is not None:
        write_annotations(rec, hypnogram_path, bdf=bdf)
    return path


def write_annotations(rec: Recording, path: str | Path, *, bdf: bool = False) -> Path:
    """Write ``rec``'s stages and events alone as an annotation-only EDF+ (BDF+) file."""
    container = Bdf if bdf else Edf
    scoring = container([], patient=edf_patient(rec), recording=_edf_recording(rec), starttime=_start(rec).time(), annotations=_annotations(rec))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scoring.write(path)
    logger.info("wrote %s: %d annotations", path, len(scoring.annotations))
    return path


def _start(rec: Recording) -> dt.datetime:
    # EDF needs a start date; 1985-01-01 is the EDF+ convention for "unknown".
    return (rec.start_time or dt.datetime(1985, 1, 1)).replace(microsecond=0)


def edf_patient(rec: Recording) -> EdfPatient:
    """The EDF+ patient field: the sex code, and the age as an additional subfield
    (``age_33yr``); the field has no age subfield, and a birthdate made up from an age would
    state what nobody recorded."""
    p = rec.patient
    sex = next((code for code, word in SEXES.items() if word == p.sex), "X")
    return EdfPatient(sex=sex, additional=[f"age_{p.age:g}yr"] if p.age is not None else [])


def _edf_recording(rec: Recording) -> EdfRecording:
    return EdfRecording(startdate=_start(rec).date())


def _build(
    container: type, signals: list, rec: Recording, annotations: list[EdfAnnotation] | None, durations: list[float]
) -> Edf | Bdf:
    """Build the EDF object with the first data-record length that edfio accepts.

    edfio 0.4.18 sizes the annotation channel at (bytes per record) / (record
    length) samples per second, a float; for some annotation sizes and 30-s
    records the channel's duration then misses the signals' by ~1e-12 s and
    edfio refuses it. The next shorter record length avoids that.
    """

    def build(duration: float) -> Edf | Bdf:
        return container(
            signals, patient=edf_patient(rec), recording=_edf_recording(rec),
            starttime=_start(rec).time(), data_record_duration=duration, annotations=annotations,
        )

    for duration in durations[:-1]:
        try:
            return build(duration)
        except ValueError as err:
            if "Inconsistent signal durations" not in str(err):
                raise
            logger.debug("data records of %g s rejected by edfio (%s); trying shorter", duration, err)
    return build(durations[-1])


def _record_durations(rec: Recording, path: Path, bytes_per_sample: int) -> list[float]:
    """Data-record lengths (s) that every signal fills exactly, longest first.

    Long records keep the EDF+ annotation channel small: it is padded to the
    busiest record, so one-second records would repeat that padding every second.
    Records above the EDF limit of 61,440 bytes are used only down to 1 s.
    """
    rates = [Fraction(s.sfreq).limit_denominator(10**6) for s in rec.signals.values()]
    durations = {Fraction(len(s.data)) / rate for s, rate in zip(rec.signals.values(), rates)}
    if len(durations) != 1:
        labels = ", ".join(f"{s.label} {s.duration:g} s" for s in rec.signals.values())
        raise RecordingError(f"{path}: signals cover different durations ({labels}); crop them to the same length")
    total = durations.pop()
    bytes_per_second = sum(s.sfreq for s in rec.signals.values()) * bytes_per_sample
    fitting = [
        candidate for candidate in _RECORD_CANDIDATES_S
        if (total / Fraction(candidate)).denominator == 1
        and all((rate * Fraction(candidate)).denominator == 1 for rate in rates)
        and (bytes_per_second * candidate <= _MAX_RECORD_BYTES or candidate <= 1.0)
    ]
    if not fitting:
        raise RecordingError(
            f"{path}: the duration {float(total):g} s is not a whole number of data records for these "
            "sampling rates; crop the recording to whole seconds"
        )
    return fitting


def _edf_signal(signal_class: type, label: str, data: np.ndarray, sfreq: float, unit: str, path: Path) -> EdfSignal | BdfSignal:
    data = np.asarray(data, dtype=np.float64)
    if not np.all(np.isfinite(data)):
        raise RecordingError(f"{path}: channel {label!r} has NaN or infinite samples; fix or drop them before writing")
    low, high = float(data.min()), float(data.max())
    digital_low, digital_high = signal_class._default_digital_range
    if np.array_equal(data, np.round(data)) and digital_low <= low and high <= digital_high:
        # Integer codes (position, rounded pulse) are stored 1:1 so they read back exactly.
        low, high = digital_low, digital_high
    return signal_class(
        data, sfreq, label=label, physical_dimension=unit, physical_range=(low, high),
    )


def stage_annotations(stages: np.ndarray, offset: float) -> list[EdfAnnotation]:
    """One annotation per run of equal stage codes, onset and duration in seconds."""
    if not len(stages):
        return []
    boundaries = np.flatnonzero(np.diff(stages)) + 1
    starts = np.concatenate([[0], boundaries])
    stops = np.concatenate([boundaries, [len(stages)]])
    return [
        EdfAnnotation(offset + start * EPOCH_SEC, (stop - start) * EPOCH_SEC, STAGE_LABELS[int(stages[start])])
        for start, stop in zip(starts, stops)
    ]


def _annotations(rec: Recording) -> list[EdfAnnotation]:
    annotations = stage_annotations(np.asarray(rec.stages), rec.stage_offset)
    # EDF+ onsets are written to 100 µs; rounding here keeps reading back exact.
    annotations += [
        EdfAnnotation(round(e.onset, 4), round(e.duration, 4), EVENT_LABELS.get(e.type, e.type))
        for e in rec.events
    ]
    return sorted(annotations, key=lambda a: a.onset)
