"""Eye (E1-M2, E2-M1) and muscle (Chin EMG, Leg EMG) channels, in µV.

Eye movements are rendered as an eye-position trace seen through an AC-coupled
amplifier (first-order high-pass, 1 s time constant): saccades become steps
that decay, slow rolling movements pass as they are. E1 sits below the left and
E2 above the right outer canthus, so movements appear with opposite polarity
in the two channels while frontal EEG appears in phase: the EEG at the eyes is
about as large as at a central lead and correlates 0.8 between E1 and E2, as in
DREAMS excerpt 3 (its horizontal difference keeps 0.6 of it).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

from sleeplm_core.io.recording import Signal
from sleeplm_core.io.synth.eeg import DERIVATIONS, stage_gains
from sleeplm_core.io.synth.hypnogram import REM, W
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, place_waveforms, smooth
from sleeplm_core.io.synth.schedule import NightPlan
from sleeplm_core.io.synth.upsample import HIGH_RATE_HZ

SACCADE_RATE = (0.5, 0.05, 0.0, 0.0, 1.2)
"""Saccades per second by stage (W, N1, N2, N3, REM); REM ones are bunched in phasic bursts."""

SEM_RMS = (8.0, 20.0, 5.0, 0.0, 3.0)
"""RMS (µV) of slow rolling eye movements (0.15-0.6 Hz) by stage; largest at sleep onset (N1). N1's is
bounded by DREAMS excerpt 3, whose EOG1-A1 has 14.6 µV RMS at 0.5-2 Hz in N1, EEG included."""

BLINKS_PER_S = 0.25
"""Blink rate in wake (15 per minute)."""

CHIN_RMS = (14.0, 8.0, 6.0, 5.0, 1.2)
"""Chin EMG RMS (µV) by stage; REM atonia is the near-silent last value."""


def _phasic_rem(plan: NightPlan, rng: np.random.Generator) -> np.ndarray:
    """Per-second 0/1 mask of phasic REM (about a third of REM, in runs of seconds)."""
    drive = smooth(rng.standard_normal(len(plan.stage_s)), 15)
    return ((drive > np.quantile(drive, 0.66)) & (plan.stage_s == REM)).astype(float)


def _eye_position(plan: NightPlan, fs: float, n: int, phasic: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) saccade potentials after AC coupling; 70 % of saccades are horizontal."""
    rate_s = np.asarray(SACCADE_RATE)[plan.stage_s] * np.where(plan.stage_s == REM, 2.5 * phasic, 1.0)
    rate = per_second_to_rate(rate_s, fs, n)
    steps = np.where(rng.random(n) < rate / fs, rng.normal(0.0, 60.0, n), 0.0)
    steps = np.convolve(steps, np.ones(max(1, int(0.04 * fs))) / max(1, int(0.04 * fs)), mode="same")
    decay = np.exp(-1.0 / fs)  # 1-s time constant of the AC-coupled amplifier
    position = lfilter([1.0], [1.0, -decay], steps)
    horizontal = per_second_to_rate((rng.random(len(plan.stage_s)) < 0.7).astype(float), fs, n) > 0.5
    return position * horizontal, position * ~horizontal


def _blinks(plan: NightPlan, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    wake = np.flatnonzero(plan.stage_s == W)
    count = rng.poisson(len(wake) * BLINKS_PER_S)
    onsets = np.sort(rng.choice(wake, size=count) + rng.random(count)) if count else np.zeros(0)
    t = np.arange(int(0.4 * fs)) / fs
    shape = np.sin(np.pi * t / 0.4) ** 3
    return place_waveforms(n, fs, onsets, [rng.uniform(100, 200) * shape for _ in onsets])


def eye_movements(plan: NightPlan, fs: float, rng: np.random.Generator) -> np.ndarray:
    """The corneo-retinal potential (µV at ``fs``, 2 x n): horizontal (saccades, slow rolling movements) and
    vertical (saccades, blinks, which roll the eyes up) components as seen at E1."""
    n = len(plan.stage_s) * int(fs)
    phasic = _phasic_rem(plan, rng)
    sem = band_components(rng.standard_normal(n), fs, {"sem": (0.15, 0.6)})["sem"]
    horizontal, vertical = _eye_position(plan, fs, n, phasic, rng)
    horizontal = horizontal + stage_gains(plan, {"sem": SEM_RMS}, {}, fs, n)["sem"] * sem
    return np.vstack([horizontal, vertical + _blinks(plan, fs, n, rng)])


EEG_AT_EYES = 1.0
"""Frontal EEG at E1/E2 relative to a central lead: DREAMS excerpt 3's EOG1-A1 carries 1.0-1.3x the C3-A1
band RMS from 2 to 15 Hz (``bench/calibrate.py``), the eye electrodes being frontal scalp sites too."""

EYE_LEAD_CORRELATION = 0.8
"""Correlation of the EEG at E1 and E2: DREAMS excerpt 3 has 0.77 between its EOG leads in N2, and
0.6x the C3-A1 band RMS in their difference (the horizontal EOG), which a correlation of 0.8 gives."""

_DECORRELATION_S = 7.3
"""Shift (s) that turns the E1 EEG into an independent EEG-like signal for E2: cheaper than rendering a
second site, and longer than any EEG autocorrelation while shorter than most stage bouts."""


def eeg_at_eyes(neural: dict[str, np.ndarray], eeg_fs: float, fs: float, n: int) -> np.ndarray:
    """EEG (µV, 2 x ``n`` at ``fs``) reaching E1 and E2: the most frontal rendered lead as a referential site."""
    label = next((lab for lab in ("EEG Fpz-Cz", "C3-M2", "C4-M1") if lab in neural), next(iter(neural)))
    source = EEG_AT_EYES * neural[label] / DERIVATIONS[label].scale
    e1 = np.interp(np.arange(n) / fs, np.arange(len(source)) / eeg_fs, source)
    other = np.roll(e1, int(_DECORRELATION_S * fs))
    rho = EYE_LEAD_CORRELATION
    return np.vstack([e1, rho * e1 + np.sqrt(1.0 - rho**2) * other])


def render_eog(eye: np.ndarray, eeg: np.ndarray, horizontal_only: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """EOG channels in µV from :func:`eye_movements` and :func:`eeg_at_eyes` (EEG in phase at both leads).

    E1-M2 (below the left outer canthus) and E2-M1 (above the right one) see horizontal and vertical
    movements with opposite polarity (AASM placement). A horizontal bipolar lead across the two outer
    canthi (Sleep-EDF's ``EOG horizontal``) doubles horizontal movements and keeps little of vertical
    ones (blinks), since both of its electrodes sit at eye level.
    """
    n = eye.shape[1]
    if horizontal_only:
        return {"EOG horizontal": 1.9 * eye[0] + 0.15 * eye[1] + eeg[0] - eeg[1] + rng.normal(0.0, 5.6, n)}
    movement = eye[0] + eye[1]
    return {"E1-M2": movement + eeg[0] + rng.normal(0.0, 4.0, n),
            "E2-M1": -0.9 * movement + eeg[1] + rng.normal(0.0, 4.0, n)}


def _emg_noise(n: int, fs: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS muscle noise from 20 Hz up: surface EMG power lies mostly between 20 and 150 Hz (De Luca 1997,
    J Appl Biomech 13:135); below 20 Hz a chin lead records movement more than muscle."""
    if fs > HIGH_RATE_HZ:
        # Above 256 Hz (issue 14: 8-h nights at 512 Hz in <= 10 s) the band is cut by a 4th-order
        # Butterworth high-pass at 20 Hz in single precision instead of two FFTs of the whole night.
        white = rng.standard_normal(n, dtype=np.float32)
        noise = sosfilt(butter(4, 20.0, "highpass", fs=fs, output="sos").astype(np.float32), white)
        return noise.astype(np.float64) / max(float(np.std(noise)), 1e-12)
    low = min(20.0, 0.6 * fs / 2.0)  # low rates (32-64 Hz) keep a band below their Nyquist frequency
    return band_components(rng.standard_normal(n), fs, {"emg": (low, fs / 2.0)})["emg"]


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
