"""What the recording adds to the brain's signal: artefacts, mains hum and amplifier filters (µV).

Artefacts are drawn per night (how often, how large: the
:class:`~sleeplm_core.io.synth.variation.NightVariation`) and placed per channel:

* movement: broadband bursts of 1-8 s in wake and at some arousals;
* muscle: 20 Hz-Nyquist activity of scalp muscles in wake;
* sweat: a slow (0.05-0.5 Hz) wander that grows through the night;
* electrode pops: a step that decays over a fraction of a second on one lead;
* ECG bleeding: the heart's complexes at a small share of their amplitude;
* eye blinks and movements reaching frontal leads (their share is the site's).

The amplifier then adds mains hum (50 or 60 Hz, when below Nyquist) and
applies a first-order high-pass and a second-order low-pass, as the analog
front end of a polygraph does.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

from sleeplm_core.io.synth.hypnogram import W
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, place_waveforms, sample_times, smooth
from sleeplm_core.io.synth.schedule import NightPlan
from sleeplm_core.io.synth.variation import NightVariation


def movement(plan: NightPlan, var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Movement bursts (µV): Poisson in wake at the night's rate, plus a third of arousals."""
    wake = np.flatnonzero(plan.stage_s == W)
    count = rng.poisson(len(wake) / 60.0 * var.movement_per_wake_min) if wake.size else 0
    onsets = list(rng.choice(wake, size=count) + rng.random(count)) if count else []
    onsets += [e.onset for e in plan.of_type("arousal") if rng.random() < 0.33]
    waves = []
    for _ in onsets:
        m = max(2, int(rng.uniform(1.0, 8.0) * fs))
        burst = np.cumsum(rng.standard_normal(m)) + 3.0 * rng.standard_normal(m)  # large slow swings, sharp edges
        burst = burst / max(float(np.std(burst)), 1e-9)
        waves.append(rng.uniform(40.0, 250.0) * np.hanning(m) * burst)
    return place_waveforms(n, fs, np.asarray(onsets, dtype=float), waves)


def muscle(plan: NightPlan, var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Scalp-muscle activity in wake (µV): 20 Hz-Nyquist noise, RMS ``var.muscle_uv``, waxing and waning."""
    if not var.muscle_uv or fs < 50.0:
        return np.zeros(n)
    envelope = np.exp(smooth(rng.standard_normal(len(plan.stage_s)), 10) * 2.0) * (plan.stage_s == W)
    noise = band_components(rng.standard_normal(n), fs, {"muscle": (20.0, fs / 2.0)})["muscle"]
    return var.muscle_uv * per_second_to_rate(envelope, fs, n) * noise


def sweat(var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Slow sweat drift (µV RMS ``var.sweat_uv`` on average), growing from none to 1.5x through the night."""
    if not var.sweat_uv or fs < 2.0:
        return np.zeros(n)
    wander = band_components(rng.standard_normal(n), fs, {"sweat": (0.05, 0.5)})["sweat"]
    return var.sweat_uv * np.linspace(0.0, 1.5, n) * wander


def pops(var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Electrode pops on one lead (µV): steps of 50-300 µV decaying with a 0.1-0.5 s time constant."""
    count = rng.poisson(n / fs / 3600.0 * var.pops_per_hour)
    onsets = rng.uniform(0.0, n / fs, size=count)
    waves = []
    for _ in range(count):
        tau = rng.uniform(0.1, 0.5)
        t = np.arange(int(4 * tau * fs)) / fs
        waves.append(rng.choice([-1.0, 1.0]) * rng.uniform(50.0, 300.0) * np.exp(-t / tau))
    return place_waveforms(n, fs, onsets, waves)


def amplifier(x: np.ndarray, fs: float, var: NightVariation, rng: np.random.Generator) -> np.ndarray:
    """Add mains hum, then high-pass and low-pass filter as the analog front end does (µV in, µV out)."""
    n = len(x)
    out = x
    if var.line_uv and var.line_hz < fs / 2.0:
        t = sample_times(n, fs)
        out = out + var.line_uv * np.sqrt(2.0) * np.sin(2 * np.pi * var.line_hz * t + rng.uniform(0, 2 * np.pi))
    sections = amplifier_sections(fs, var)
    # One pass through the cascade: sosfilt runs each sample through the sections in turn, the same
    # arithmetic as filtering twice.
    return sosfilt(sections, out) if sections is not None else out


def amplifier_sections(fs: float, var: NightVariation) -> np.ndarray | None:
    """Second-order sections of the front end's filters at ``fs`` Hz: the night's first-order
    high-pass, then its second-order low-pass (left out at or above 0.45 ``fs``); None: no filter."""
    sections = []
    if var.highpass_hz:
        sections.append(butter(1, var.highpass_hz, "highpass", fs=fs, output="sos"))
    if var.lowpass_hz and var.lowpass_hz < 0.45 * fs:
        sections.append(butter(2, var.lowpass_hz, "lowpass", fs=fs, output="sos"))
    return np.vstack(sections) if sections else None
