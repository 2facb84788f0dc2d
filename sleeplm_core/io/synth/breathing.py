"""Breathing: thoracic and abdominal effort, airflow, snore and SpO2.

A respiratory drive (breathing rate by stage with slow drifts and REM
irregularity) sets a breath phase on a 10-Hz control grid. Each respiratory
event scales effort and flow on that grid:

* obstructive apnea: flow ~ 4 %, effort continues and grows, thorax and
  abdomen drift into paradox (out of phase);
* central apnea: flow and effort ~ 3 %;
* mixed apnea: central for its first 40 %, then obstructive;
* hypopnea: flow at 35-60 % (a >= 40 % drop), effort 60-80 %;
* 10 s of recovery hyperpnea after every event.

Outside events, breaths vary as real ones do (the night's
:class:`~sleeplm_core.io.synth.variation.NightVariation`): tidal volume varies
from breath to breath (within -15 % / +25 %), a few sighs (2-3x breaths) come
per hour, and in spells of inspiratory flow limitation the inspiratory flow is
flattened at 88 % of its peak. Peak flow does not follow the breathing rate
(slower breaths are deeper). None of this reaches the 30 % flow drop of a
scorable hypopnea.

Each cycle of the drive is rendered with one of the night's field-simulated
breath templates (:mod:`~sleeplm_core.io.synth.waveforms`). Belts and flow are in
arbitrary units (normal breaths ~1 a.u. peak flow).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Signal
from sleeplm_core.io.synth.hypnogram import REM, W
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, smooth
from sleeplm_core.io.synth.schedule import NightPlan
from sleeplm_core.io.synth.variation import NightVariation
from sleeplm_core.io.synth.waveforms import Templates

CONTROL_FS = 10.0
"""Rate (Hz) of the control grid carrying breath phase, gains and heart rate."""

STAGE_RATE = (15.0, 14.5, 14.0, 13.5, 15.5)
"""Mean breathing rate (breaths/min) by stage W, N1, N2, N3, REM."""

INSPIRATION = 0.4
"""Inspiratory share of each breath cycle."""

RECOVERY_S = 10.0

FLOW_LIMITED_PEAK = 0.88
"""Peak of a flow-limited inspiration relative to a normal one: flattened, yet far from a 30 % drop."""


@dataclass
class BreathingDrive:
    """The breath phase and event gains on the control grid.

    Attributes:
        phase: breath phase in cycles (monotonic), shape (n_ctrl,).
        flow_gain: airflow scale (1 normal), shape (n_ctrl,).
        effort_gain: belt scale (1 normal).
        paradox: 0 in phase .. 1 thorax half a cycle behind the abdomen.
        rate_per_epoch: true drive rate per epoch, breaths/min.
        breath_gain: tidal-volume factor of the current breath (1 typical, 2-3 in a sigh).
        limited: 1 in spells of inspiratory flow limitation, else 0.
    """

    phase: np.ndarray
    flow_gain: np.ndarray
    effort_gain: np.ndarray
    paradox: np.ndarray
    rate_per_epoch: np.ndarray
    breath_gain: np.ndarray
    limited: np.ndarray

    def at(self, name: str, fs: float, n: int) -> np.ndarray:
        """Interpolate one control-grid field to ``n`` samples at ``fs`` Hz."""
        grid = np.arange(len(self.phase)) / CONTROL_FS
        return np.interp(np.arange(n) / fs, grid, getattr(self, name))


def volume(phase: np.ndarray) -> np.ndarray:
    """Nominal lung volume (0..1) of the drive: half-cosine rise in inspiration, slower fall in expiration.

    It paces the heart (sinus arrhythmia, R amplitude); the belts and airflow use the night's
    field-simulated breath templates (:mod:`~sleeplm_core.io.synth.waveforms`) instead.
    """
    x = np.mod(phase, 1.0)
    rise = 0.5 * (1 - np.cos(np.pi * x / INSPIRATION))
    fall = 0.5 * (1 + np.cos(np.pi * (x - INSPIRATION) / (1 - INSPIRATION)))
    return np.where(x < INSPIRATION, rise, fall)


def _rate_per_second(plan: NightPlan, rng: np.random.Generator) -> np.ndarray:
    n = len(plan.stage_s)
    rate = np.asarray(STAGE_RATE)[plan.stage_s] + rng.normal(0.0, 1.0)
    drift = smooth(rng.standard_normal(n), 120)
    rate += 0.7 * drift / max(float(np.std(drift)), 1e-9)
    irregular = smooth(rng.standard_normal(n), 5)
    rate += np.where(plan.stage_s == REM, 2.0, 0.3) * irregular / max(float(np.std(irregular)), 1e-9)
    return np.clip(smooth(rate, 5), 8.0, 25.0)


def _event_gains(plan: NightPlan, n_ctrl: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    flow, effort, paradox = np.ones(n_ctrl), np.ones(n_ctrl), np.zeros(n_ctrl)
    for event in plan.of_type("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea"):
        start, stop = int(event.onset * CONTROL_FS), int(event.offset * CONTROL_FS)
        split = start + int(0.4 * (stop - start)) if event.type == "mixed_apnea" else start
        if event.type == "hypopnea":
            flow[start:stop] = rng.uniform(0.35, 0.6)
            effort[start:stop] = rng.uniform(0.6, 0.8)
            paradox[start:stop] = 0.3
        elif event.type == "central_apnea":
            flow[start:stop], effort[start:stop] = 0.03, 0.03
        else:
            flow[start:stop] = 0.04
            effort[start:split] = 0.03
            effort[split:stop] = np.linspace(1.0, 1.6, stop - split)
            paradox[split:stop] = 1.0
        recovery = slice(stop, stop + int(RECOVERY_S * CONTROL_FS))
        flow[recovery], effort[recovery] = 1.7, 1.5
    width = int(1.5 * CONTROL_FS)  # airway closure and reopening take about a second
    return smooth(flow, width), smooth(effort, width), smooth(paradox, width)


def _breath_gains(plan: NightPlan, phase: np.ndarray, quiet: np.ndarray, var: NightVariation,
                  rng: np.random.Generator) -> np.ndarray:
    """Tidal-volume factor per control sample: log-normal per breath, sighs in quiet sleep breathing."""
    breath = np.floor(phase).astype(int)
    n_breaths = int(breath[-1]) + 1
    # Bounded jitter: real breaths vary, but two or three shallow ones in a row never reach a 30 % drop.
    gain = np.clip(np.exp(rng.normal(0.0, var.breath_amp_cv, n_breaths)), 0.85, 1.25)
    first_ctrl = np.searchsorted(breath, np.arange(n_breaths))
    # A sigh needs a whole breath of undisturbed sleep breathing, so no event's baseline is altered.
    second = np.minimum(first_ctrl / CONTROL_FS, len(plan.stage_s) - 1).astype(int)
    eligible = quiet[np.minimum(first_ctrl, len(quiet) - 1)] & (plan.stage_s[second] != W)
    n_sighs = rng.poisson(var.sighs_per_hour * plan.sleep_hours)
    candidates = np.flatnonzero(eligible)
    if n_sighs and candidates.size:
        gain[rng.choice(candidates, size=min(n_sighs, candidates.size), replace=False)] *= rng.uniform(2.0, 3.0)
    return gain[breath]


def _flow_limitation(plan: NightPlan, n_ctrl: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """0/1 per control sample: spells of minutes covering about ``share`` of sleep."""
    if share <= 0.0:
        return np.zeros(n_ctrl)
    spells = smooth(rng.standard_normal(len(plan.stage_s)), 180)
    per_s = (spells > np.quantile(spells, 1.0 - share)) & (plan.stage_s != W)
    return np.repeat(per_s.astype(float), int(CONTROL_FS))[:n_ctrl]


def breathing_drive(plan: NightPlan, var: NightVariation, rng: np.random.Generator) -> BreathingDrive:
    rate_s = _rate_per_second(plan, rng)
    n_ctrl = int(len(plan.stage_s) * CONTROL_FS)
    phase = np.cumsum(per_second_to_rate(rate_s / 60.0, CONTROL_FS, n_ctrl)) / CONTROL_FS
    flow, effort, paradox = _event_gains(plan, n_ctrl, rng)
    per_epoch = rate_s.reshape(-1, int(EPOCH_SEC)).mean(axis=1)
    quiet = (np.abs(flow - 1.0) < 1e-6) & (np.abs(effort - 1.0) < 1e-6)
    breath_gain = _breath_gains(plan, phase, quiet, var, rng)
    limited = _flow_limitation(plan, n_ctrl, var.flow_limitation, rng) * quiet
    return BreathingDrive(phase, flow, effort, paradox, per_epoch, breath_gain, limited)


def _flattened(flow: np.ndarray) -> np.ndarray:
    """Factor that caps inspiratory template flow (peak 1) at :data:`FLOW_LIMITED_PEAK` (1 elsewhere)."""
    return np.where(flow > FLOW_LIMITED_PEAK, FLOW_LIMITED_PEAK / np.maximum(flow, 1e-6), 1.0)


def render_effort_and_flow(plan: NightPlan, drive: BreathingDrive, shapes: Templates, fs: float,
                           rng: np.random.Generator) -> list[Signal]:
    """Thorax, Abdomen and Airflow in a.u. at ``fs`` Hz, one breath template per cycle of the drive."""
    n = len(plan.stage_s) * int(fs)
    phase = drive.at("phase", fs, n)
    tidal = drive.at("breath_gain", fs, n)
    effort = drive.at("effort_gain", fs, n) * tidal
    posture = per_second_to_rate(np.where(plan.position_s == 2, 1.0, 0.85), fs, n)
    lung, flow = shapes.breath(phase)
    abdomen = 1.2 * posture * effort * (lung - 0.5)
    thorax = posture * effort * (shapes.breath(phase + 0.5 * drive.at("paradox", fs, n))[0] - 0.5)
    limited = drive.at("limited", fs, n)
    shape = 1.0 + limited * (_flattened(flow) - 1.0)
    # Slower breaths are deeper (ventilation is held), so peak flow does not follow the rate;
    # the constant keeps the peak of the earlier half-cosine breath (about 1 a.u.).
    peak = np.pi / (2 * INSPIRATION) * np.median(np.gradient(phase) * fs)
    airflow = drive.at("flow_gain", fs, n) * tidal * shape * peak * flow
    return [
        Signal("Abdomen", abdomen + rng.normal(0, 0.01, n), fs, "a.u."),
        Signal("Thorax", thorax + rng.normal(0, 0.01, n), fs, "a.u."),
        Signal("Airflow", airflow + rng.normal(0, 0.02, n), fs, "a.u."),
    ]


def render_snore(plan: NightPlan, drive: BreathingDrive, shapes: Templates, fs: float,
                 rng: np.random.Generator) -> Signal:
    """Snore sensor in a.u.: inspiratory vibration in sleep, mostly supine, loudest in hypopneas, silent in apneas."""
    n = len(plan.stage_s) * int(fs)
    by_position = np.array([0.3, 0.3, 1.0, 0.2])[plan.position_s]
    by_stage = np.where(plan.stage_s == W, 0.0, np.where(plan.stage_s == REM, 0.6, 1.0))
    episodes = smooth(rng.standard_normal(len(plan.stage_s)), 300) > 0  # snoring comes in spells of minutes
    level = per_second_to_rate(by_position * by_stage * (0.3 + 0.7 * episodes), fs, n)
    flow = drive.at("flow_gain", fs, n)
    limited = 1.0 + 1.5 * ((flow > 0.2) & (flow < 0.8))  # a narrowed airway vibrates more
    inspiring = shapes.breath(drive.at("phase", fs, n))[1] > 0.0
    vibration = band_components(rng.standard_normal(n), fs, {"snore": (fs / 4.0, fs / 2.0)})["snore"]
    envelope = level * limited * inspiring * np.clip(flow, 0.0, 1.0)
    return Signal("Snore", envelope * vibration + rng.normal(0, 0.02, n), fs, "a.u.")


def render_spo2(plan: NightPlan, fs: float, age: float, rng: np.random.Generator) -> Signal:
    """SpO2 in %: a stable baseline with the planned desaturations (fall to nadir, ~10 s recovery)."""
    n = len(plan.stage_s) * int(fs)
    t = np.arange(n) / fs
    baseline = float(np.clip(97.0 - 0.02 * (age - 30.0) + rng.normal(0, 0.5), 93.5, 98.5))
    wander = smooth(rng.standard_normal(n), max(1, int(5 * fs)))
    spo2 = baseline - 0.3 * per_second_to_rate((plan.stage_s == REM).astype(float), fs, n)
    spo2 = spo2 + 0.4 * wander / max(float(np.std(wander)), 1e-9)
    drop = np.zeros(n)
    for desat in plan.desaturations:
        recovery = rng.uniform(8.0, 14.0)
        window = slice(int(desat.onset * fs), min(n, int((desat.nadir + recovery) * fs) + 1))
        tw = t[window]
        fall = np.clip((tw - desat.onset) / (desat.nadir - desat.onset), 0.0, 1.0)
        rise = np.clip(1.0 - (tw - desat.nadir) / recovery, 0.0, 1.0)
        drop[window] = np.maximum(drop[window], desat.depth * np.where(tw <= desat.nadir, fall, rise))
    return Signal("SpO2", np.round(np.clip(spo2 - drop, 50.0, 100.0), 1), fs, "%")
