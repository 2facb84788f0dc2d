"""Configuration of a synthetic night, with validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

from sleeplm_core.errors import SleepLMError

CHANNEL_LABELS: tuple[str, ...] = (
    "ECG II", "Abdomen", "Thorax", "Airflow", "E1-M2", "E2-M1", "C3-M2", "C4-M1",
    "Chin EMG", "Position", "SpO2", "Pulse", "Snore", "Leg EMG",
)
"""Labels of the full AASM montage (the default ``aasm`` profile), in file order."""

SLEEP_EDF_LABELS: tuple[str, ...] = ("EEG Fpz-Cz", "EEG Pz-Oz", "EOG horizontal", "Resp oro-nasal", "EMG submental")
"""Labels of the ``sleep-edf`` profile, as the Sleep-EDF Sleep Cassette files name them."""

PLETH_LABEL = "Pleth"
"""The oximeter's photoplethysmogram, recorded by the home-test profile only."""

ALL_LABELS: tuple[str, ...] = CHANNEL_LABELS + SLEEP_EDF_LABELS + (PLETH_LABEL,)
"""Every label any profile can write (``dropout`` may name any of them)."""

PROFILE_NAMES: tuple[str, ...] = ("aasm", "sleep-edf", "hst", "random")
"""Montage profiles (see :mod:`sleeplm_core.io.synth.profiles`)."""


class SynthConfigError(SleepLMError):
    """A synthetic-night setting is out of range; ``setting`` names it (``rates.eeg`` for a rate)."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class ChannelRates:
    """Sampling rate in Hz per channel type.

    Attributes:
        eeg: C3-M2, C4-M1.
        eog: E1-M2, E2-M1.
        emg: Chin EMG, Leg EMG.
        ecg: ECG II.
        resp: Thorax, Abdomen, Airflow (and Pleth, in the home-test profile).
        snore: Snore.
        oximetry: SpO2 and Pulse.
        position: Position.
    """

    eeg: float = 100.0
    eog: float = 100.0
    emg: float = 100.0
    ecg: float = 128.0
    resp: float = 25.0
    snore: float = 25.0
    oximetry: float = 1.0
    position: float = 1.0


@dataclass(frozen=True)
class SynthConfig:
    """Settings of :func:`sleeplm_core.io.synth.synth_night`.

    Attributes:
        hours: recording length in hours (rounded to whole 30-s epochs).
        ahi: apnea-hypopnea index, respiratory events per hour of sleep.
        frac_central: share of respiratory events that are central apneas.
        frac_mixed: share that are mixed apneas.
        frac_hypopnea: share that are hypopneas; the rest are obstructive apneas.
        arousal_index: arousals per hour of sleep, respiratory ones included
            (if respiratory arousals alone exceed it, no spontaneous ones are added).
        spindle_density: spindles per minute of N2 (N3 gets a third of it).
        k_complex_density: K-complexes per minute of N2.
        limb_movement_index: leg movements per hour of sleep, in periodic series.
        age: years; shifts the N3/W/REM shares, heart rate and its variability.
        position_changes: number of body-position changes during the night.
        sleep_latency_min: minutes of wake from the recording start to sleep onset.
        dropout: channel labels (see :data:`ALL_LABELS`) to leave out.
        rates: sampling rates per channel type (the ``random`` profile draws its own).
        profile: montage profile, one of :data:`PROFILE_NAMES`.
        randomise: draw the sleeper and the recording set-up per night (EEG
            spectra, transients, artefacts, filters, breathing variability; see
            :mod:`~sleeplm_core.io.synth.variation`); False gives the textbook night.
        seed: seed of the numpy Generator; everything random derives from it.
    """

    hours: float = 8.0
    ahi: float = 15.0
    frac_central: float = 0.1
    frac_mixed: float = 0.05
    frac_hypopnea: float = 0.5
    arousal_index: float = 12.0
    spindle_density: float = 4.0
    k_complex_density: float = 1.0
    limb_movement_index: float = 6.0
    age: float = 45.0
    position_changes: int = 4
    sleep_latency_min: float = 15.0
    dropout: tuple[str, ...] = ()
    rates: ChannelRates = field(default_factory=ChannelRates)
    profile: str = "aasm"
    randomise: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        _check_range("hours", self.hours, 0.5, 24.0)
        _check_range("ahi", self.ahi, 0.0, 80.0)
        for name in ("frac_central", "frac_mixed", "frac_hypopnea"):
            _check_range(name, getattr(self, name), 0.0, 1.0)
        if self.frac_central + self.frac_mixed + self.frac_hypopnea > 1.0 + 1e-9:
            raise SynthConfigError(
                "synthetic night: frac_central + frac_mixed + frac_hypopnea must not exceed 1; "
                "lower one of them (the rest are obstructive apneas)",
                "frac_hypopnea",
            )
        _check_range("arousal_index", self.arousal_index, 0.0, 60.0)
        _check_range("spindle_density", self.spindle_density, 0.0, 15.0)
        _check_range("k_complex_density", self.k_complex_density, 0.0, 6.0)
        _check_range("limb_movement_index", self.limb_movement_index, 0.0, 100.0)
        _check_range("age", self.age, 5.0, 100.0)
        _check_whole("position_changes", self.position_changes, 0, 50)
        _check_whole("seed", self.seed, 0, 2**63 - 1)
        _check_range("sleep_latency_min", self.sleep_latency_min, 0.0, 120.0)
        if self.sleep_latency_min >= self.hours * 60.0:
            raise SynthConfigError(
                f"synthetic night: sleep_latency_min={self.sleep_latency_min:g} leaves no sleep "
                f"in {self.hours:g} h; make it shorter than the night",
                "sleep_latency_min",
            )
        unknown = sorted(set(self.dropout) - set(ALL_LABELS))
        if unknown:
            raise SynthConfigError(
                f"synthetic night: unknown channel(s) to drop {unknown}; "
                f"choose from {list(ALL_LABELS)}",
                "dropout",
            )
        if self.profile not in PROFILE_NAMES:
            raise SynthConfigError(
                f"synthetic night: unknown profile {self.profile!r}; choose from {', '.join(PROFILE_NAMES)}",
                "profile",
            )
        for rate in fields(self.rates):
            _check_rate(rate.name, getattr(self.rates, rate.name))

    @property
    def n_epochs(self) -> int:
        return int(round(self.hours * 120.0))


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
        raise SynthConfigError(f"synthetic night: {name}={value!r} is out of range; use {low:g} to {high:g}", name)


def _check_whole(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise SynthConfigError(f"synthetic night: {name}={value!r} must be a whole number from {low} to {high}", name)


def _check_rate(name: str, rate: float) -> None:
    # Whole-number rates keep EDF data records an exact number of samples long.
    if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate >= 1 and float(rate).is_integer()):
        raise SynthConfigError(
            f"synthetic night: sampling rate {name}={rate!r} must be a whole number of Hz >= 1", f"rates.{name}"
        )
    # 32 Hz still carries spindles (11-16 Hz); real montages go down to 50 Hz (DREAMS, home tests).
    minimum = {"eeg": 32, "eog": 32, "emg": 32, "ecg": 32, "resp": 8, "snore": 8}.get(name, 1)
    if rate < minimum or rate > 1024:
        raise SynthConfigError(
            f"synthetic night: sampling rate {name}={rate:g} Hz is out of range; use {minimum} to 1024 Hz",
            f"rates.{name}",
        )
