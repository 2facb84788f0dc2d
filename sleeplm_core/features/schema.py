"""Field helpers that attach a unit and a rounding precision to every feature.

Each measured feature is a dataclass field created with :func:`quantity`; its
metadata says the physical unit, how many decimals a precise caption prints
and how many an approximate one ("roughly 18%") prints. Captions and tables
read the unit from here, so it is stated once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

TREND_DIRECTIONS: tuple[str, ...] = ("increasing", "decreasing", "stable")


def quantity(unit: str, decimals: int = 2, approx_decimals: int = 0,
             default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field holding a number measured in ``unit``.

    Args:
        unit: physical unit ("%", "bpm", "ms", "Hz", "s", "breaths/min", "ratio", ...).
        decimals: decimals printed in precise captions.
        approx_decimals: decimals printed in approximate captions.
        default: default value (None for an optional measure).
    """
    meta = {"unit": unit, "decimals": decimals, "approx_decimals": approx_decimals}
    return field(default=default, metadata=meta)


def precision(cls: type, name: str, approximate: bool = False) -> int:
    """Decimals used to print field ``name`` of dataclass ``cls``."""
    meta = _field(cls, name).metadata
    return int(meta["approx_decimals"] if approximate else meta["decimals"])


def numeric_fields(cls: type) -> tuple[str, ...]:
    """Names of the fields of ``cls`` created with :func:`quantity`."""
    return tuple(f.name for f in dataclasses.fields(cls) if "unit" in f.metadata)


def _field(cls: type, name: str) -> dataclasses.Field:
    for f in dataclasses.fields(cls):
        if f.name == name:
            return f
    raise KeyError(f"{cls.__name__} has no field {name!r}")


@dataclass(frozen=True)
class Trend:
    """A stretch of an epoch where a slow signal rises, falls or stays level.

    Attributes:
        direction: one of :data:`TREND_DIRECTIONS`.
        start: start in seconds from the epoch start.
        end: end in seconds from the epoch start.
    """

    direction: str
    start: float = quantity("s", 1, 1)
    end: float = quantity("s", 1, 1)


_PATH_WORDS = {"rems": "rapid eye movements", "ecg": "ECG", "eeg": "EEG", "eog": "EOG", "emg": "EMG",
               "rmssd": "RMSSD", "sdnn": "SDNN", "pnn50": "pNN50",
               "spo2": "SpO2", "channels": ""}
"""Feature-path words as an answer writes them ("channels" only groups the breathing leads)."""


def column_words(column: str) -> str:
    """A feature column's path in words, without its level and unit:
    "heart.ecg.rate [bpm]" -> "ECG rate", "position_muscle.emg.burst_ratio [ratio]" ->
    "EMG burst ratio", "respiratory.channels.thoracic_belt.rate" -> "thoracic belt rate"."""
    path = column.rsplit(" [", 1)[0]
    words = [_PATH_WORDS.get(w, w) for part in path.split(".")[1:] for w in part.split("_")]
    return " ".join(w for w in words if w)
