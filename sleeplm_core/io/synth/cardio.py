"""Heart: beat times from a modulated heart-rate signal, the ECG (µV) and the oximeter pulse (bpm).

Heart rate (bpm) on the control grid = stage level + a per-night offset
+ respiratory sinus arrhythmia locked to the breath phase + 0.1-Hz Mayer
waves + a slow drift + autonomic responses (a rise at arousals, a dip during
apneas). Beats fall where the integral of rate crosses whole numbers; each beat
gets one of the night's field-simulated beat templates
(:mod:`~sleeplm_core.io.synth.waveforms`) whose ST-T segment stretches with the RR interval (Bazett).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Signal
from sleeplm_core.io.synth.breathing import CONTROL_FS, BreathingDrive, volume
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, smooth
from sleeplm_core.io.synth.schedule import APNEA_TYPES, NightPlan
from sleeplm_core.io.synth.waveforms import BEAT_SPAN, Templates

STAGE_HR = (70.0, 66.0, 62.0, 59.0, 65.0)
"""Mean heart rate (bpm) by stage W, N1, N2, N3, REM at age 30."""

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


def _complexes(shapes: Templates, beats: slice, peaks: np.ndarray, rr: np.ndarray, breath: np.ndarray, fs: float,
               n: int) -> np.ndarray:
    """Sum of template beats (µV) at ``peaks`` (s) with their RR intervals (s); ``breath`` (0..1) scales each."""
    window = np.arange(int(BEAT_SPAN[0] * fs), int((BEAT_SPAN[1] * np.sqrt(max(rr.max(), 1.0))) * fs) + 1)
    index = np.round(peaks * fs).astype(int)[:, None] + window
    dt = index / fs - peaks[:, None]
    wave = shapes.beat(shapes.beat_of[beats][:, None], dt, rr[:, None])
    wave *= (shapes.r_uv * (1.0 + 0.12 * (breath - 0.5)))[:, None]
    valid = (index >= 0) & (index < n)
    return np.bincount(index[valid], weights=wave[valid], minlength=n)


def ecg_complexes(beats: Heartbeats, drive: BreathingDrive, shapes: Templates, fs: float, n_seconds: int) -> np.ndarray:
    """The heart's beats (µV, lead II) with breathing-modulated R amplitude, without noise."""
    n = n_seconds * int(fs)
    breath = np.interp(beats.r_peaks, np.arange(len(drive.phase)) / CONTROL_FS, volume(drive.phase))
    rr = np.diff(beats.r_peaks, append=beats.r_peaks[-1] + 1.0)
    ecg = np.zeros(n)
    chunk = 2048  # beats per block, bounding the (beats x window) scratch arrays at high rates
    for start in range(0, len(beats.r_peaks), chunk):
        block = slice(start, start + chunk)
        ecg += _complexes(shapes, block, beats.r_peaks[block], rr[block], breath[block], fs, n)
    return ecg


def render_ecg(beats: Heartbeats, drive: BreathingDrive, shapes: Templates, fs: float, n_seconds: int,
               rng: np.random.Generator) -> Signal:
    """Lead II ECG in µV: template beats, breathing-modulated R amplitude, baseline wander and noise."""
    n = n_seconds * int(fs)
    ecg = ecg_complexes(beats, drive, shapes, fs, n_seconds)
    wander = band_components(rng.standard_normal(n), fs, {"wander": (0.05, 0.5)})["wander"]
    return Signal("ECG II", ecg + 40.0 * wander + rng.normal(0.0, 10.0, n), fs, "uV")


def render_pulse(beats: Heartbeats, fs: float, n_seconds: int) -> Signal:
    """Oximeter pulse rate in bpm: beat-to-beat rate averaged over 4 s and rounded, as oximeters report it."""
    n = n_seconds * int(fs)
    instantaneous = 60.0 / np.diff(beats.r_peaks)
    rate = np.interp(np.arange(n) / fs, beats.r_peaks[1:], instantaneous)
    return Signal("Pulse", np.round(smooth(rate, max(1, int(4 * fs)))), fs, "bpm")


PULSE_TRANSIT_S = 0.25
"""R peak to finger pulse foot (s): the pulse arrival time at the finger is about 0.2-0.3 s (Allen 2007)."""


def render_pleth(plan: NightPlan, beats: Heartbeats, drive: BreathingDrive, shapes: Templates, fs: float,
                 n_seconds: int, rng: np.random.Generator) -> Signal:
    """Finger photoplethysmogram in a.u.: one pulse template per beat, its foot a transit time after the R peak.

    Pulse amplitude follows the heart: larger after longer RR intervals (more filling), swaying with
    breathing, and falling by up to half at arousals (sympathetic vasoconstriction: the pulse-wave
    amplitude drop that marks autonomic arousals, Delessert et al. 2010, Sleep 33:1687).
    """
    n = n_seconds * int(fs)
    t = np.arange(n) / fs
    feet = beats.r_peaks + PULSE_TRANSIT_S
    phase = np.interp(t, feet, np.arange(len(feet)), left=0.0, right=len(feet) - 1.0)
    rr = np.diff(beats.r_peaks, append=beats.r_peaks[-1] + 1.0)
    filling = np.sqrt(rr / np.median(rr))
    constriction = 1.0 - 0.5 * smooth(plan.arousal_s.astype(float), 10)
    squeeze = np.interp(feet, np.arange(n_seconds) + 0.5, constriction)
    breath = np.interp(feet, np.arange(len(drive.phase)) / CONTROL_FS, volume(drive.phase))
    amplitude = filling * squeeze * (1.0 + 0.1 * (breath - 0.5))
    beat = np.clip(np.floor(phase).astype(int), 0, len(feet) - 1)
    pleth = amplitude[beat] * shapes.pulse(phase)
    wander = band_components(rng.standard_normal(n), fs, {"wander": (0.01, 0.1)})["wander"]
    return Signal("Pleth", pleth + 0.05 * wander + rng.normal(0.0, 0.01, n), fs, "a.u.")
