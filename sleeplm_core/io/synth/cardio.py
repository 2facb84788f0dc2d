"""Heart: beat times from a modulated heart-rate signal, the ECG (µV) and the oximeter pulse (bpm).

Heart rate (bpm) on the control grid = stage level + a per-night offset
+ respiratory sinus arrhythmia locked to the breath phase + 0.1-Hz Mayer
waves + a slow drift + autonomic responses (a rise at arousals, a dip during
apneas). Beats fall where the integral of rate crosses whole numbers; each beat
gets a PQRST complex whose T wave moves with the RR interval (Bazett).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Signal
from sleeplm_core.io.synth.breathing import CONTROL_FS, BreathingDrive, volume
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, smooth
from sleeplm_core.io.synth.schedule import APNEA_TYPES, NightPlan

STAGE_HR = (70.0, 66.0, 62.0, 59.0, 65.0)
"""Mean heart rate (bpm) by stage W, N1, N2, N3, REM at age 30."""

# (centre s from the R peak at RR = 1 s, width s, amplitude µV) per wave.
_WAVES = {
    "P": (-0.17, 0.025, 120.0),
    "Q": (-0.035, 0.010, -120.0),
    "R": (0.0, 0.011, 1100.0),
    "S": (0.035, 0.012, -250.0),
    "T": (0.27, 0.045, 300.0),
}


@dataclass
class Heartbeats:
    """R-peak times (s) and the true heart rate per 30-s epoch (bpm, NaN if < 2 beats)."""

    r_peaks: np.ndarray
    hr_per_epoch: np.ndarray


def _hrv_scale(age: float) -> float:
    """Heart-rate variability shrinks with age (about 1 % per year after 30)."""
    return float(np.clip(1.0 - 0.01 * (age - 30.0), 0.3, 1.4))


def _heart_rate(plan: NightPlan, drive: BreathingDrive, age: float, rng: np.random.Generator) -> np.ndarray:
    """Instantaneous heart rate (bpm) on the control grid."""
    n_s = len(plan.stage_s)
    per_s = np.asarray(STAGE_HR)[plan.stage_s] + rng.normal(0.0, 3.0) - 0.1 * (age - 30.0)
    # Intrinsic heart rate falls with age, hence the -0.1 bpm per year.
    autonomic = 12.0 * plan.arousal_s
    for event in plan.of_type(*APNEA_TYPES):
        autonomic[int(event.onset): int(event.offset)] -= 4.0
    per_s = per_s + smooth(autonomic, 5)
    drift = smooth(rng.standard_normal(n_s), 60)
    per_s += 2.0 * drift / max(float(np.std(drift)), 1e-9)
    n = len(drive.phase)
    t = np.arange(n) / CONTROL_FS
    scale = _hrv_scale(age)
    mayer = 2.0 * scale * np.sin(2 * np.pi * 0.1 * t + np.cumsum(rng.normal(0, 0.01, n)))
    rsa = 3.0 * scale * (volume(drive.phase) - 0.5) * np.minimum(drive.effort_gain, 1.0)
    return np.clip(per_second_to_rate(per_s, CONTROL_FS, n) + mayer + rsa, 35.0, 160.0)


def heartbeats(plan: NightPlan, drive: BreathingDrive, age: float, rng: np.random.Generator) -> Heartbeats:
    hr = _heart_rate(plan, drive, age, rng)
    beat_phase = np.cumsum(hr / 60.0) / CONTROL_FS
    t = np.arange(len(hr)) / CONTROL_FS
    r_peaks = np.interp(np.arange(1, int(beat_phase[-1])), beat_phase, t)
    rr = np.diff(r_peaks)
    epoch = (r_peaks[:-1] // EPOCH_SEC).astype(int)
    n_epochs = len(plan.stages)
    total = np.bincount(epoch, weights=rr, minlength=n_epochs)[:n_epochs]
    count = np.bincount(epoch, minlength=n_epochs)[:n_epochs]
    with np.errstate(invalid="ignore", divide="ignore"):
        hr_epoch = np.where(count >= 2, 60.0 * count / total, np.nan)
    return Heartbeats(r_peaks, hr_epoch)


def _complexes(peaks: np.ndarray, rr: np.ndarray, breath: np.ndarray, fs: float, n: int) -> np.ndarray:
    """Sum of PQRST complexes (µV) at ``peaks`` (s) with their RR intervals (s); ``breath`` (0..1) scales each."""
    rr = rr[:, None]
    index = np.round(peaks * fs).astype(int)[:, None] + np.arange(int(-0.3 * fs), int(0.6 * fs))
    dt = index / fs - peaks[:, None]
    wave = np.zeros(index.shape)
    for name, (centre, width, amplitude) in _WAVES.items():
        shift = centre * np.sqrt(rr) if name == "T" else centre
        wave += amplitude * np.exp(-0.5 * ((dt - shift) / width) ** 2)
    wave *= (1.0 + 0.12 * (breath - 0.5))[:, None]
    valid = (index >= 0) & (index < n)
    return np.bincount(index[valid], weights=wave[valid], minlength=n)


def ecg_complexes(beats: Heartbeats, drive: BreathingDrive, fs: float, n_seconds: int) -> np.ndarray:
    """The heart's PQRST complexes (µV, lead II) with breathing-modulated R amplitude, without noise."""
    n = n_seconds * int(fs)
    breath = np.interp(beats.r_peaks, np.arange(len(drive.phase)) / CONTROL_FS, volume(drive.phase))
    rr = np.diff(beats.r_peaks, append=beats.r_peaks[-1] + 1.0)
    ecg = np.zeros(n)
    chunk = 2048  # beats per block, bounding the (beats x window) scratch arrays at high rates
    for start in range(0, len(beats.r_peaks), chunk):
        block = slice(start, start + chunk)
        ecg += _complexes(beats.r_peaks[block], rr[block], breath[block], fs, n)
    return ecg


def render_ecg(beats: Heartbeats, drive: BreathingDrive, fs: float, n_seconds: int, rng: np.random.Generator) -> Signal:
    """Lead II ECG in µV: PQRST complexes, breathing-modulated R amplitude, baseline wander and noise."""
    n = n_seconds * int(fs)
    ecg = ecg_complexes(beats, drive, fs, n_seconds)
    wander = band_components(rng.standard_normal(n), fs, {"wander": (0.05, 0.5)})["wander"]
    return Signal("ECG II", ecg + 40.0 * wander + rng.normal(0.0, 10.0, n), fs, "uV")


def render_pulse(beats: Heartbeats, fs: float, n_seconds: int) -> Signal:
    """Oximeter pulse rate in bpm: beat-to-beat rate averaged over 4 s and rounded, as oximeters report it."""
    n = n_seconds * int(fs)
    instantaneous = 60.0 / np.diff(beats.r_peaks)
    rate = np.interp(np.arange(n) / fs, beats.r_peaks[1:], instantaneous)
    return Signal("Pulse", np.round(smooth(rate, max(1, int(4 * fs)))), fs, "bpm")
