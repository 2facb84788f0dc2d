"""Eye (E1-M2, E2-M1) and muscle (Chin EMG, Leg EMG) channels, in µV.

Eye movements are rendered as an eye-position trace seen through an AC-coupled
amplifier (first-order high-pass, 1 s time constant): saccades become steps
that decay, slow rolling movements pass as they are. E1 sits below the left and
E2 above the right outer canthus, so movements appear with opposite polarity
in the two channels while frontal EEG (slow waves) appears in phase.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from sleeplm_core.io.recording import Signal
from sleeplm_core.io.synth.eeg import stage_gains
from sleeplm_core.io.synth.hypnogram import REM, W
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, place_waveforms, smooth
from sleeplm_core.io.synth.schedule import NightPlan

SACCADE_RATE = (0.5, 0.05, 0.0, 0.0, 1.2)
"""Saccades per second by stage (W, N1, N2, N3, REM); REM ones are bunched in phasic bursts."""

SEM_RMS = (8.0, 45.0, 5.0, 0.0, 3.0)
"""RMS (µV) of slow rolling eye movements (0.15-0.6 Hz) by stage; largest at sleep onset (N1)."""

BLINKS_PER_S = 0.25
"""Blink rate in wake (15 per minute)."""

CHIN_RMS = (14.0, 8.0, 6.0, 5.0, 1.2)
"""Chin EMG RMS (µV) by stage; REM atonia is the near-silent last value."""


def _phasic_rem(plan: NightPlan, rng: np.random.Generator) -> np.ndarray:
    """Per-second 0/1 mask of phasic REM (about a third of REM, in runs of seconds)."""
    drive = smooth(rng.standard_normal(len(plan.stage_s)), 15)
    return ((drive > np.quantile(drive, 0.66)) & (plan.stage_s == REM)).astype(float)


def _eye_position(plan: NightPlan, fs: float, n: int, phasic: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rate_s = np.asarray(SACCADE_RATE)[plan.stage_s] * np.where(plan.stage_s == REM, 2.5 * phasic, 1.0)
    rate = per_second_to_rate(rate_s, fs, n)
    steps = np.where(rng.random(n) < rate / fs, rng.normal(0.0, 60.0, n), 0.0)
    steps = np.convolve(steps, np.ones(max(1, int(0.04 * fs))) / max(1, int(0.04 * fs)), mode="same")
    decay = np.exp(-1.0 / fs)  # 1-s time constant of the AC-coupled amplifier
    return lfilter([1.0], [1.0, -decay], steps)


def _blinks(plan: NightPlan, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    wake = np.flatnonzero(plan.stage_s == W)
    count = rng.poisson(len(wake) * BLINKS_PER_S)
    onsets = np.sort(rng.choice(wake, size=count) + rng.random(count)) if count else np.zeros(0)
    t = np.arange(int(0.4 * fs)) / fs
    shape = np.sin(np.pi * t / 0.4) ** 3
    return place_waveforms(n, fs, onsets, [rng.uniform(100, 200) * shape for _ in onsets])


def eye_movements(plan: NightPlan, fs: float, rng: np.random.Generator) -> np.ndarray:
    """The corneo-retinal potential seen at E1 (µV at ``fs``): saccades, blinks and slow rolling movements."""
    n = len(plan.stage_s) * int(fs)
    phasic = _phasic_rem(plan, rng)
    sem = band_components(rng.standard_normal(n), fs, {"sem": (0.15, 0.6)})["sem"]
    return (_eye_position(plan, fs, n, phasic, rng) + _blinks(plan, fs, n, rng)
            + stage_gains(plan, {"sem": SEM_RMS}, {}, fs, n)["sem"] * sem)


def render_eog(movement: np.ndarray, fs: float, eeg_delta: np.ndarray, eeg_fs: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """E1-M2 and E2-M1 in µV from :func:`eye_movements`; ``eeg_delta`` (µV at ``eeg_fs``) leaks in."""
    n = len(movement)
    leak = 0.5 * np.interp(np.arange(n) / fs, np.arange(len(eeg_delta)) / eeg_fs, eeg_delta)
    e1 = movement + leak + rng.normal(0.0, 4.0, n)
    e2 = -0.9 * movement + leak + rng.normal(0.0, 4.0, n)
    return e1, e2


def _emg_noise(n: int, fs: float, rng: np.random.Generator) -> np.ndarray:
    return band_components(rng.standard_normal(n), fs, {"emg": (10.0, fs / 2.0)})["emg"]


def render_chin_emg(plan: NightPlan, fs: float, rng: np.random.Generator) -> Signal:
    """Chin EMG in µV: tone by stage, REM atonia with brief phasic twitches, bursts at arousals."""
    n = len(plan.stage_s) * int(fs)
    envelope = stage_gains(plan, {"tone": CHIN_RMS}, {"tone": 25.0}, fs, n)["tone"]
    rem = per_second_to_rate((plan.stage_s == REM).astype(float), fs, n)
    twitches = (rng.random(n) < 0.15 / fs) * rem
    envelope += 8.0 * np.convolve(twitches, np.ones(max(1, int(0.15 * fs))), mode="same")
    return Signal("Chin EMG", envelope * _emg_noise(n, fs, rng), fs, "uV")


def render_leg_emg(plan: NightPlan, fs: float, rng: np.random.Generator) -> Signal:
    """Leg (anterior tibialis) EMG in µV: 2 µV baseline and 15-50 µV bursts at limb movements."""
    n = len(plan.stage_s) * int(fs)
    envelope = np.full(n, 2.0)
    for event in plan.of_type("limb_movement"):
        start, stop = int(event.onset * fs), int(event.offset * fs)
        envelope[start:stop] += rng.uniform(15.0, 50.0) * np.hanning(stop - start)
    return Signal("Leg EMG", envelope * _emg_noise(n, fs, rng), fs, "uV")
