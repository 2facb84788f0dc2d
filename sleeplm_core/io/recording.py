"""In-memory representation of one polysomnography recording.

All times are seconds from the start of the recording; all signal data are in
physical units (µV for EEG/EOG/EMG/ECG, % for SpO2, bpm for pulse, arbitrary
units for belts and airflow) as float64 arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from sleeplm_core.io.patient import Patient

EPOCH_SEC = 30.0
"""Length of one scoring epoch in seconds (AASM)."""

STAGES: tuple[str, ...] = ("W", "N1", "N2", "N3", "REM")
"""Stage names indexed by their integer code; -1 means unknown/unscored."""

UNKNOWN_STAGE = -1


@dataclass
class Signal:
    """One channel as stored in the file.

    Attributes:
        label: the original channel label from the file.
        data: samples in physical units, shape (n_samples,).
        sfreq: sampling rate in Hz.
        unit: physical unit string ("uV", "%", "bpm", ...), "" if unknown.
    """

    label: str
    data: np.ndarray
    sfreq: float
    unit: str = ""

    @property
    def duration(self) -> float:
        """Duration covered by the samples, in seconds."""
        return len(self.data) / self.sfreq


@dataclass
class Event:
    """A scored event.

    Attributes:
        onset: start time in seconds from the recording start.
        duration: length in seconds (0 for instantaneous markers).
        type: normalised type name (see ``sleeplm_core.io.events.EVENT_TYPES``)
            or the verbatim label when it is not recognised.
        channel: channel the event was scored on, or None.
        source: who scored it when it was not a human: the tool and channel, e.g.
            "machine-scored (YASA spindles_detect, EEG C3-M2)"; None for human scoring.
        confidence: the tool's confidence in the event (0-1), None where it gives none.
    """

    onset: float
    duration: float
    type: str
    channel: str | None = None
    source: str | None = None
    confidence: float | None = None

    @property
    def offset(self) -> float:
        return self.onset + self.duration


@dataclass
class Recording:
    """A night of PSG with its scoring.

    Attributes:
        signals: channels keyed by original label, in file order.
        start_time: wall-clock start of the recording, None if unknown.
        duration: length of the recording in seconds.
        stages: one code per 30-s epoch (see :data:`STAGES`), -1 for unknown;
            epoch ``i`` starts at ``stage_offset + 30 * i`` seconds.
        stage_offset: time of the first scored epoch, in seconds.
        events: scored events, sorted by onset.
        source: metadata (path, format, scoring files, warnings, ...).
        patient: the recorded person's sex and age as the file states them.
    """

    signals: dict[str, Signal]
    start_time: datetime | None
    duration: float
    stages: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    stage_offset: float = 0.0
    events: list[Event] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    patient: Patient = field(default_factory=Patient)

    @property
    def has_scoring(self) -> bool:
        return bool(len(self.stages)) and bool(np.any(self.stages >= 0))
