"""Field-simulated waveform templates: ECG beats and breaths drawn per night from neurokit2.

neurokit2's simulators (``ecg_simulate(method="ecgsyn")``, McSharry et al. 2003,
IEEE TBME 50:289; ``rsp_simulate(method="breathmetrics")``, Noto et al. 2018,
Chem Senses 43:583) give realistic single waveforms but cost seconds per
minute of signal and know nothing of the night's plan. So each night draws a
few templates from them (seeded, a few seconds of simulated signal) and the
renderers place one template per beat at the plan's exact R-peak times and one
per breath along the respiratory drive's phase. Beat and breath timing, heart
rate variability, respiratory sinus arrhythmia and every event gain stay those
of the plan, so the ground truth stays exact.

* A beat template spans -0.3..+0.75 s around its R peak at RR = 1 s (60 bpm).
  Placing it on a beat of interval RR keeps P and QRS fixed and stretches
  what follows the QRS by sqrt(RR), so the QT interval follows Bazett.
* A pulse template is one photoplethysmogram cycle foot to foot (Allen 2007,
  Physiol Meas 28:R1) on a phase grid 0..1, peak 1.
* A breath template is one cycle of airflow on a phase grid 0..1 starting at
  end-expiration (inspiration positive), normalised to inspiratory peak 1,
  with the lung volume it implies (0 at end-expiration, peak 1).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

logger = logging.getLogger(__name__)

BEAT_FS = 512.0
"""Rate (Hz) of the beat templates (ecgsyn needs a divisor of its 512-Hz internal rate)."""

BEAT_SPAN = (-0.3, 0.75)
"""Seconds before and after the R peak that a beat template covers at RR = 1 s."""

QRS_END = 0.05
"""Seconds after the R peak where Bazett stretching of the ST-T segment starts."""

BREATH_POINTS = 256
"""Phase-grid points per breath and pulse template."""

_ECGSYN_AI = np.array([0.9, -5.0, 30.0, -7.5, 0.6])
"""ecgsyn's P, Q, R, S, T amplitudes, each night scaled around them. P and T are below ecgsyn's defaults
(1.2, 0.75), which give P and T at a third of R; lead II has P 0.1-0.25 mV and T 0.1-0.5 mV
under an R of about 1 mV (Goldberger's Clinical Electrocardiography, ch. 3)."""


@dataclass(frozen=True)
class Templates:
    """A night's waveform templates and which one each beat and breath uses.

    Attributes:
        beats: (k, m) ECG beats, R peak = 1, sampled at :data:`BEAT_FS` over :data:`BEAT_SPAN`.
        r_uv: R-wave amplitude of this night's ECG (µV).
        volume: (j, BREATH_POINTS) lung volume over one breath cycle (0..1).
        flow: (j, BREATH_POINTS) airflow over one cycle, inspiratory peak 1.
        pulses: (k, BREATH_POINTS) photoplethysmogram over one beat, foot 0, peak 1.
        beat_of: template index per beat (ECG and pulse); ``breath_of``: per breath (cycle number of the
            drive phase).
    """

    beats: np.ndarray
    r_uv: float
    volume: np.ndarray
    flow: np.ndarray
    pulses: np.ndarray
    beat_of: np.ndarray
    breath_of: np.ndarray

    def beat(self, which: np.ndarray, dt: np.ndarray, rr: np.ndarray) -> np.ndarray:
        """ECG (R = 1) at ``dt`` seconds from the R peaks of beats using templates ``which``, interval ``rr`` (s).

        ``which`` and ``rr`` are (n, 1), ``dt`` (n, w).
        """
        stretch = np.where(dt > QRS_END, QRS_END + (dt - QRS_END) / np.sqrt(rr), dt)
        pos = (stretch - BEAT_SPAN[0]) * BEAT_FS
        inside = (pos >= 0) & (pos < self.beats.shape[1] - 1)
        i0 = np.clip(pos.astype(int), 0, self.beats.shape[1] - 2)
        w = pos - i0
        out = self.beats[which, i0] * (1 - w) + self.beats[which, i0 + 1] * w
        return np.where(inside, out, 0.0)

    def breath(self, phase: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(volume, flow per cycle normalised to inspiratory peak 1) at drive ``phase`` (cycles)."""
        return _cyclic(self.volume, self.breath_of, phase), _cyclic(self.flow, self.breath_of, phase)

    def pulse(self, phase: np.ndarray) -> np.ndarray:
        """Photoplethysmogram (peak 1) at beat ``phase`` (beat number + fraction from foot to foot)."""
        return _cyclic(self.pulses, self.beat_of, phase)


def _cyclic(table: np.ndarray, which_of: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Template ``which_of[cycle]`` of ``table`` at the fraction of ``phase`` into that cycle (linear)."""
    cycle = np.floor(phase).astype(int)
    which = which_of[np.clip(cycle, 0, len(which_of) - 1)]
    pos = (phase - cycle) * table.shape[1]
    i0 = np.minimum(pos.astype(int), table.shape[1] - 1)
    i1 = (i0 + 1) % table.shape[1]  # cycles wrap: the end of one is the start of the next
    w = pos - i0
    return table[which, i0] * (1 - w) + table[which, i1] * w


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _taper(n: int, edge: int) -> np.ndarray:
    ramp = 0.5 * (1 - np.cos(np.pi * np.arange(edge) / edge))
    return np.concatenate([ramp, np.ones(n - 2 * edge), ramp[::-1]])


def beat_templates(k: int, vary: bool, rng: np.random.Generator) -> np.ndarray:
    """``k`` ECG beats from one ecgsyn run at 60 bpm; ``vary`` scales the P, Q, S and T waves per night."""
    import neurokit2 as nk  # imported here: it takes ~2 s, and only rendering needs it

    ai = _ECGSYN_AI * (np.exp(rng.normal(0.0, 0.15, 5)) if vary else 1.0)
    ai[2] = _ECGSYN_AI[2]  # R fixed; the others vary around it
    ecg = np.asarray(nk.ecg_simulate(duration=k + 4, sampling_rate=int(BEAT_FS), heart_rate=60, heart_rate_std=1,
                                     method="ecgsyn", noise=0.0, random_state=_seed(rng), ai=tuple(ai)))
    # R peaks stand above 60 % of the typical beat's peak (median of the per-second maxima at
    # 60 bpm), not of the whole trace's: ecgsyn can end in a glitch twice the R amplitude
    per_second = ecg[: len(ecg) // int(BEAT_FS) * int(BEAT_FS)].reshape(-1, int(BEAT_FS)).max(axis=1)
    peaks, _ = find_peaks(ecg, height=0.6 * float(np.median(per_second)), distance=int(0.5 * BEAT_FS))
    before, after = int(-BEAT_SPAN[0] * BEAT_FS), int(BEAT_SPAN[1] * BEAT_FS)
    peaks = peaks[(peaks >= before) & (peaks + after < len(ecg))][1: k + 1]
    edge = int(0.02 * BEAT_FS)
    beats = []
    for p in peaks:
        beat = ecg[p - before: p + after]
        ends = np.linspace(beat[:edge].mean(), beat[-edge:].mean(), len(beat))  # isoelectric line
        beat = (beat - ends) * _taper(len(beat), 2 * edge)
        beats.append(beat / beat[before])
    return np.array(beats)


def breath_templates(k: int, rate_bpm: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` breath cycles of airflow from one breathmetrics run, as (volume, flow) on the phase grid."""
    import neurokit2 as nk

    fs = 50
    flow = np.asarray(nk.rsp_simulate(duration=int((3 * k + 3) * 60 / rate_bpm), sampling_rate=fs,
                                      respiratory_rate=rate_bpm, method="breathmetrics", noise=0.0,
                                      random_state=_seed(rng)))
    threshold = 0.1 * flow.max()
    onsets = np.flatnonzero((flow[:-1] < threshold) & (flow[1:] >= threshold))
    volumes, flows = [], []
    grid = np.linspace(0.0, 1.0, BREATH_POINTS, endpoint=False)
    for start, stop in zip(onsets[:-1], onsets[1:]):
        cycle = flow[start:stop].copy()
        cycle[np.abs(cycle) < 0.03 * cycle.max()] = 0.0  # the end-expiratory pause carries no flow
        out = cycle < 0
        cycle[out] *= cycle[~out].sum() / max(-cycle[out].sum(), 1e-9)  # a breath out returns the air it took
        cycle = np.interp(grid * len(cycle), np.arange(len(cycle)), cycle)
        volume = np.cumsum(cycle)
        shift = int(np.argmin(volume))  # start each template at end-expiration
        cycle, volume = np.roll(cycle, -shift), np.roll(volume, -shift) - volume.min()
        flows.append(cycle / cycle.max())
        volumes.append(volume / volume.max())
    # Keep the k cycles with the fullest inspirations (mean / peak inspiratory flow): breathmetrics also
    # draws peaked ones, far below a sine's 0.64, whose epochs no longer read as normal breathing.
    fullness = [f[f > 0].mean() for f in flows]
    keep = np.sort(np.argsort(fullness)[::-1][:k])
    return np.array(volumes)[keep], np.array(flows)[keep]


def pulse_templates(k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` photoplethysmogram cycles (foot to foot) from one ``ppg_simulate`` run at 60 bpm."""
    import neurokit2 as nk

    fs = 100
    ppg = np.asarray(nk.ppg_simulate(duration=k + 3, sampling_rate=fs, heart_rate=60, frequency_modulation=0.0,
                                     ibi_randomness=0.05, drift=0.0, motion_amplitude=0.0, powerline_amplitude=0.0,
                                     random_state=_seed(rng)))
    feet = find_peaks(-ppg, distance=int(0.5 * fs))[0]
    grid = np.linspace(0.0, 1.0, BREATH_POINTS, endpoint=False)
    pulses = []
    for start, stop in list(zip(feet[:-1], feet[1:]))[:k]:
        cycle = ppg[start: stop + 1]
        cycle = cycle - np.linspace(cycle[0], cycle[-1], len(cycle))  # foot to foot on one baseline
        pulses.append(np.interp(grid * (len(cycle) - 1), np.arange(len(cycle)), cycle / cycle.max()))
    return np.array(pulses)


def night_templates(n_beats: int, n_breaths: int, rate_bpm: float, vary: bool,
                    rng: np.random.Generator) -> Templates:
    """A night's templates (8 beats, pulses and breaths, or one of each for the textbook night) and their use."""
    k = 8 if vary else 1
    beats = beat_templates(k, vary, rng)
    volume, flow = breath_templates(k, float(np.clip(rate_bpm, 10.0, 20.0)), rng)
    pulses = pulse_templates(len(beats), rng)
    r_uv = float(np.clip(1100.0 * np.exp(rng.normal(0.0, 0.12)), 800.0, 1500.0)) if vary else 1100.0
    return Templates(beats, r_uv, volume, flow, pulses, rng.integers(0, min(len(beats), len(pulses)), n_beats),
                     rng.integers(0, len(volume), n_breaths))
