"""Montage profiles seen in the wild: which channels a night has, at which rates, in which file format.

* ``aasm``: the full AASM montage of :data:`CHANNEL_LABELS` (the default);
* ``sleep-edf``: as the Sleep-EDF Sleep Cassette study recorded (Fpz-Cz and
  Pz-Oz EEG, one horizontal EOG, a 1-Hz submental EMG envelope and a 1-Hz
  oro-nasal thermistor), with Sleep-EDF's labels;
* ``hst``: a type-III home sleep test without EEG (flow, belts, oximetry with
  its pulse waveform, position, snore);
* ``random``: one of the three per night, with rates drawn from 50 to 512 Hz,
  EDF or BDF, EEG/EOG/EMG stored in µV or mV, and each channel missing with
  probability 0.08.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.synth.config import CHANNEL_LABELS, PLETH_LABEL, SLEEP_EDF_LABELS, ChannelRates, SynthConfig

HST_LABELS: tuple[str, ...] = ("Airflow", "Thorax", "Abdomen", "SpO2", "Pulse", PLETH_LABEL, "Position", "Snore")
"""A type-III home sleep test: no EEG, EOG or EMG; the oximeter also stores its pulse waveform (Pleth)."""

PROFILE_LABELS: dict[str, tuple[str, ...]] = {
    "aasm": CHANNEL_LABELS, "sleep-edf": SLEEP_EDF_LABELS, "hst": HST_LABELS,
}
"""Channels of each named profile, in file order."""

RANDOM_WEIGHTS = {"aasm": 0.5, "sleep-edf": 0.35, "hst": 0.15}
"""How often ``random`` picks each profile."""

BIOSIGNAL_RATES = (50, 100, 128, 200, 250, 256, 500, 512)
"""Rates (Hz) of EEG/EOG/EMG/ECG that ``random`` draws from (common amplifier settings)."""
RESP_RATES = (8, 10, 16, 25, 32, 50, 100)
OXIMETRY_RATES = (1, 2, 4)
ENVELOPE_HZ = 1.0
"""Rate of Sleep-EDF's submental EMG envelope and thermistor channels."""

_EEG_LABELS = frozenset({"C3-M2", "C4-M1", "EEG Fpz-Cz", "EEG Pz-Oz"})


@dataclass(frozen=True)
class Montage:
    """A night's montage: profile name, channel labels in file order, rates, and how the file stores them.

    Attributes:
        profile: ``aasm``, ``sleep-edf`` or ``hst``.
        labels: channels kept, in file order.
        rates: Hz per channel type.
        bdf: the night is meant to be written as 24-bit BDF+ (EDF+ otherwise).
        millivolt: EEG, EOG and EMG are stored in mV instead of µV.
    """

    profile: str
    labels: tuple[str, ...]
    rates: ChannelRates
    bdf: bool = False
    millivolt: bool = False


def resolve_montage(cfg: SynthConfig, rng: np.random.Generator) -> Montage:
    """The montage of a night: ``cfg.profile`` as set, or one drawn from ``rng`` for ``random``."""
    if cfg.profile != "random":
        labels = tuple(lab for lab in PROFILE_LABELS[cfg.profile] if lab not in cfg.dropout)
        return Montage(cfg.profile, labels, cfg.rates)
    names = list(RANDOM_WEIGHTS)
    profile = str(rng.choice(names, p=list(RANDOM_WEIGHTS.values())))
    bio = float(rng.choice(BIOSIGNAL_RATES))
    rates = ChannelRates(
        eeg=bio, eog=bio, emg=bio, ecg=float(rng.choice([r for r in BIOSIGNAL_RATES if r >= 100])),
        resp=float(rng.choice(RESP_RATES)), snore=float(rng.choice(RESP_RATES)),
        oximetry=float(rng.choice(OXIMETRY_RATES)), position=1.0,
    )
    labels = [lab for lab in PROFILE_LABELS[profile] if lab not in cfg.dropout]
    missing = {lab for lab in labels if rng.random() < 0.08}
    eeg = [lab for lab in labels if lab in _EEG_LABELS]
    if eeg and set(eeg) <= missing:
        missing.discard(eeg[0])  # a night with an EEG montage keeps at least one EEG
    kept = tuple(lab for lab in labels if lab not in missing) or tuple(labels[:1])
    return Montage(profile, kept, rates, bdf=bool(rng.random() < 0.3), millivolt=bool(rng.random() < 0.2))
