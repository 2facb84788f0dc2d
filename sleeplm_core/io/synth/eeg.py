"""Scalp EEG by sleep stage, in µV, for any of the derivations in :data:`DERIVATIONS`.

Each channel is a stage-weighted mix of band-limited noise (an aperiodic 1/f^x
background, delta, theta, alpha, sigma, beta) plus the transients of the plan:
spindles and K-complexes in N2/N3 and sawtooth bursts in REM. Arousals add
alpha and beta (the AASM "abrupt shift to faster frequencies"). The sleeper's
:class:`~sleeplm_core.io.synth.variation.NightVariation` sets the alpha peak,
spindle frequencies and amplitudes, slow-wave amplitude and the aperiodic
exponent; band powers drift within a stage and slide between stages over tens
of seconds, as real spectra do. Derivations differ by scalp site: frontal
leads carry slow waves, K-complexes and slow spindles, occipital leads alpha.
Channels of one night share 60 % of their noise, as neighbouring derivations do.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.signal import sawtooth

from sleeplm_core.io.synth.hypnogram import N1, N2, REM, W
from sleeplm_core.io.synth.noise import (band_components, per_second_to_rate, pink_noise, place_waveforms, smooth,
                                        spectral_peak, white_spectrum)
from sleeplm_core.io.synth.schedule import NightPlan
from sleeplm_core.io.synth.variation import NightVariation

BANDS: dict[str, tuple[float, float]] = {
    "delta": (0.5, 2.0), "slow": (2.0, 4.0), "theta": (4.0, 7.5), "alpha": (8.5, 11.5), "sigma": (12.0, 15.0), "beta": (16.0, 30.0),
}
"""Frequency bands (Hz) of the stage-weighted noise components; alpha's is only nominal: it is
rendered as a spectral peak at the sleeper's alpha frequency (:data:`ALPHA_SD_HZ` wide)."""

SLEEP_ALPHA_BAND = (7.5, 12.0)
"""Band (Hz) of the 8-12 Hz power of sleep stages: broadband, joining theta's and sigma's bands,
since asleep it is background rather than the waking alpha rhythm's peak."""

ALPHA_SD_HZ = 0.7
"""Spread (SD, Hz) of the alpha peak; real alpha peaks are 1-2 Hz wide at half height."""

STAGE_RMS: dict[str, tuple[float, ...]] = {
    #        W     N1    N2    N3    REM
    "pink": (6.8, 5.9, 6.0, 12.6, 5.9),
    "delta": (2.5, 0.0, 8.0, 23.9, 0.0),
    "slow": (0.0, 4.7, 8.7, 7.7, 4.7),
    "theta": (1.0, 3.3, 5.6, 5.7, 3.3),
    "alpha": (3.4, 2.8, 3.6, 3.9, 2.2),
    "sigma": (1.7, 1.3, 1.9, 2.6, 1.3),
    "beta": (0.0, 1.1, 0.0, 1.4, 1.1),
}
"""RMS amplitude (µV) of each component per stage at a central site, fitted so that the median band
RMS per stage of synthetic C3-M2 matches DREAMS excerpts 1-6 (``bench/calibrate.py --suggest``).
DREAMS has no REM: REM takes the N1 row (AASM: low-amplitude mixed-frequency EEG in both) with alpha
at 0.8 of N1 (REM alpha is slower and sparser than in wake; AASM Manual v2.6). Wake delta is 2.5 rather
than the fitted 5.6: DREAMS's central wake carries eye and movement potentials, which the generator adds
on its own, and a wake richer in delta than in alpha would have a larger slow-wave share than N2.
N2 delta is 8.0 rather than the fitted 12.7 and N3 takes 0.9 of its fit (issue 14, steered by the transfer
probe on DREAMS and by YASA's reading of synthetic nights, ``bench/probe.py``): YASA, trained on thousands
of real nights, read a quarter of DREAMS-level synthetic N2 as N3 (it reads a fifth of DREAMS's own N2 as
N3), and the change raised the probe's DREAMS 1-6 mean over three training-seed sets (0.356 -> 0.395).
Synthetic N2 0.5-2 Hz now lies at the low end of DREAMS's per-excerpt medians (9.3-20.4 µV)."""

STAGE_STEEP = (0.0, 0.4, 0.4, 1.0, 0.6)
"""Share of the 1/f background drawn with the steeper exponent (+ :data:`STEEPER`) per stage: the aperiodic
exponent grows from wake to deep sleep (Lendner et al. 2020, eLife 9:e55092). N2 keeps 0.4 with a weaker
background and stronger delta band (refit on DREAMS): a steeper N2 background piles power below 1 Hz,
where YASA, a real-data stager, then reads N2 as N3."""

STEEPER = 1.2
"""Exponent added to the night's (wake) aperiodic exponent for the deep-sleep background."""

AROUSAL_BETA_RMS = 3.0
"""Extra RMS (µV) of beta during an arousal (alpha's comes from the variation)."""

_SHARED = 0.6

RENDER_THREADS = 2
"""Derivations rendered at once (the target machine has 2 cores)."""


@dataclass(frozen=True)
class Site:
    """How a derivation sees the sources: a gain per band and per transient (1 = central)."""

    bands: dict[str, float]
    scale: float
    """Overall amplitude relative to a mastoid-referenced central lead."""
    slow_spindle: float
    fast_spindle: float
    k_complex: float
    eye: float
    """Share of the eye-movement potential (blinks) that reaches the lead."""


DERIVATIONS: dict[str, Site] = {
    "C3-M2": Site({"delta": 1.0, "slow": 1.0, "theta": 1.0, "alpha": 1.0, "sigma": 1.0, "beta": 1.0}, 1.0, 0.6, 1.0, 1.0, 0.03),
    "C4-M1": Site({"delta": 1.0, "slow": 1.0, "theta": 1.0, "alpha": 1.0, "sigma": 1.0, "beta": 1.0}, 1.0, 0.6, 1.0, 1.0, 0.03),
    # Sleep-EDF's bipolar leads, from the nearest bipolar pairs of DREAMS excerpt 3 (bench/calibrate.py --sites):
    # Fpz-Cz as FP1-C3 (band RMS over C3-A1 in sleep: 0.67, 0.63, 0.58, 0.56, 0.66, 0.83 from 0.5-2 to 16-24 Hz),
    # Pz-Oz scaled as C3-O1 (0.86 at 2-4 Hz) with posterior band weights (more alpha, less delta).
    "EEG Fpz-Cz": Site({"delta": 1.06, "slow": 1.0, "theta": 0.92, "alpha": 0.89, "sigma": 1.05, "beta": 1.32},
                       0.63, 0.9, 0.45, 0.9, 0.5),
    "EEG Pz-Oz": Site({"delta": 0.45, "slow": 0.45, "theta": 0.6, "alpha": 1.3, "sigma": 0.55, "beta": 0.7},
                      0.86, 0.2, 0.6, 0.35, 0.02),
}
"""Scalp derivations the generator can render."""


def _spindle(fs: float, duration: float, freq: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(duration * fs)) / fs
    envelope = np.sin(np.pi * t / duration) ** 2  # waxing-waning shape
    return amplitude * envelope * np.sin(2 * np.pi * freq * t)


def _k_complex(fs: float, duration: float, amplitude: float) -> np.ndarray:
    """A sharp negative wave followed by a slower positive one; ``amplitude`` is peak to peak (µV)."""
    t = np.arange(int(duration * fs)) / fs
    negative = -np.exp(-(((t - 0.25 * duration) / (0.12 * duration)) ** 2))
    positive = 0.6 * np.exp(-(((t - 0.62 * duration) / (0.18 * duration)) ** 2))
    return amplitude / 1.6 * (negative + positive)


@dataclass
class Transients:
    """Spindle (slow and fast) and K-complex traces in µV at a central site."""

    slow: np.ndarray
    fast: np.ndarray
    k_complex: np.ndarray
    sawtooth: np.ndarray

    def at(self, site: Site) -> np.ndarray:
        return (site.slow_spindle * self.slow + site.fast_spindle * self.fast
                + site.k_complex * self.k_complex + self.sawtooth)


def _transients(plan: NightPlan, var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> Transients:
    spindles = plan.of_type("spindle")
    fast = rng.random(len(spindles)) < 0.6  # fast spindles dominate at central sites
    waves = [
        _spindle(fs, e.duration, float((var.spindle_fast_hz if f else var.spindle_slow_hz) + rng.normal(0, 0.3)),
                 float(rng.uniform(*var.spindle_amp_uv)))
        for e, f in zip(spindles, fast)
    ]
    onsets = np.array([e.onset for e in spindles])
    kcs = plan.of_type("k_complex")
    k_waves = [_k_complex(fs, e.duration, var.slow_wave_scale * float(rng.uniform(*var.k_complex_amp_uv))) for e in kcs]
    return Transients(
        slow=place_waveforms(n, fs, onsets[~fast], [w for w, f in zip(waves, fast) if not f]),
        fast=place_waveforms(n, fs, onsets[fast], [w for w, f in zip(waves, fast) if f]),
        k_complex=place_waveforms(n, fs, np.array([e.onset for e in kcs]), k_waves),
        sawtooth=_sawtooth_bursts(plan, var, fs, n, rng),
    )


def _sawtooth_bursts(plan: NightPlan, var: NightVariation, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """REM sawtooth waves: 2-6 Hz triangular bursts of a few seconds."""
    rem_seconds = np.flatnonzero(plan.stage_s == REM)
    count = rng.poisson(len(rem_seconds) / 60.0 * var.sawtooth_per_min)
    if not count:
        return np.zeros(n)
    onsets = np.sort(rng.choice(rem_seconds, size=count)).astype(float)
    waves = []
    for _ in onsets:
        t = np.arange(int(rng.uniform(1.5, 4.0) * fs)) / fs
        taper = np.sin(np.pi * t / t[-1]) if len(t) > 1 else np.ones(len(t))
        waves.append(rng.uniform(20, 40) * taper * sawtooth(2 * np.pi * rng.uniform(2.5, 4.5) * t, width=0.8))
    return place_waveforms(n, fs, onsets, waves)


def stage_gains(plan: NightPlan, table: dict[str, tuple[float, ...]], extra: dict[str, float], fs: float, n: int,
                modulation: dict[str, np.ndarray] | None = None, transition_s: float = 1.0) -> dict[str, np.ndarray]:
    """Per-sample gains of each component.

    The stage value, smoothed over ``transition_s`` seconds (spectra change
    gradually at stage transitions) and multiplied by ``modulation[name]`` (a
    per-second factor), plus ``extra`` during arousals (abrupt, not smoothed).
    """
    gains = {}
    for name, per_stage in table.items():
        per_second = smooth(np.asarray(per_stage, dtype=float)[plan.stage_s], int(round(transition_s)))
        if modulation and name in modulation:
            per_second = per_second * modulation[name]
        per_second = per_second + extra.get(name, 0.0) * plan.arousal_s
        gains[name] = per_second_to_rate(per_second, fs, n)
    return gains


def _drift(n_seconds: int, depth: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Log-normal band-power drift over minutes (the within-stage wandering of real spectra)."""
    out = {}
    for name in ("pink", *BANDS):
        z = smooth(rng.standard_normal(n_seconds), 120)
        out[name] = np.exp(depth * z / max(float(np.std(z)), 1e-9))
    return out


def _intermittent(plan: NightPlan, rng: np.random.Generator) -> np.ndarray:
    """Per-second delta factor: bursts of a few seconds in N1/N2, steady elsewhere (unit mean power).

    N2 slow waves come in isolated groups, N3's fill the epoch (AASM: >= 20 % of the epoch is slow
    waves in N3); a log-normal envelope (SD 0.7 in log units, 3 s) gives N2 that intermittency
    without changing its average power (the size is our choice)."""
    z = smooth(rng.standard_normal(len(plan.stage_s)), 3)
    burst = np.exp(0.7 * z / max(float(np.std(z)), 1e-9))
    burst /= np.sqrt(np.mean(burst**2))
    return np.where((plan.stage_s == N1) | (plan.stage_s == N2), burst, 1.0)


def _eyes_open(plan: NightPlan, share: float, rng: np.random.Generator) -> np.ndarray:
    """Per-second alpha factor: 0.2 in the stretches of wake spent with eyes open (alpha blocking), else 1."""
    spells = smooth(rng.standard_normal(len(plan.stage_s)), 20)
    open_ = (spells < np.quantile(spells, share)) & (plan.stage_s == W)
    return np.where(open_, 0.2, 1.0)


def _site_table(var: NightVariation) -> dict[str, tuple[float, ...]]:
    table = {name: tuple(v * var.eeg_scale for v in values) for name, values in STAGE_RMS.items()}
    # The sleeper's alpha is wake alpha; the 8-12 Hz power of sleep stages is background, not alpha rhythm.
    awake = table["alpha"]
    table["alpha"] = tuple(v * var.alpha_scale if stage == W else 0.0 for stage, v in enumerate(awake))
    table["alpha_sleep"] = tuple(0.0 if stage == W else v for stage, v in enumerate(awake))
    # Slow-wave amplitude scales N3 and N2 delta; wake delta is mostly not neural.
    table["delta"] = tuple(v * (var.slow_wave_scale if stage in (2, 3) else 1.0) for stage, v in enumerate(table["delta"]))
    return table


def render_eeg(plan: NightPlan, labels: tuple[str, ...], fs: float, var: NightVariation,
               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Neural EEG in µV for each derivation in ``labels``.

    Artefacts and amplifier filters are added later (:mod:`~sleeplm_core.io.synth.artefacts`).
    """
    n = len(plan.stage_s) * int(fs)
    bands = {**{name: edges for name, edges in BANDS.items() if name != "alpha"},
             "alpha_sleep": SLEEP_ALPHA_BAND}
    extra = {"alpha": var.arousal_alpha_uv * var.eeg_scale, "beta": AROUSAL_BETA_RMS * var.eeg_scale}
    modulation = _drift(len(plan.stage_s), var.drift_depth, rng)
    modulation["alpha_sleep"] = modulation["alpha"]
    modulation["alpha"] = modulation["alpha"] * _eyes_open(plan, var.eyes_open, rng)
    # The textbook night (no drift) keeps every stage stationary, intermittency included.
    bursts = _intermittent(plan, rng) if var.drift_depth > 0 else np.ones(len(plan.stage_s))
    modulation["delta"], modulation["slow"] = modulation["delta"] * bursts, modulation["slow"] * bursts
    gains = stage_gains(plan, {**_site_table(var), "steep": STAGE_STEEP}, extra, fs, n, modulation, var.transition_s)
    shared = rng.standard_normal((2, n))  # [0] feeds the bands, [1] the 1/f background
    transients = _transients(plan, var, fs, n, rng)
    own_share = np.sqrt(1 - _SHARED**2)
    # Every random draw happens here, in label order, so the night does not depend on threads.
    draws = [(rng.standard_normal((2, n)), rng.uniform(0.85, 1.0)) for _ in labels]
    shares = np.sqrt(1.0 - gains["steep"]), np.sqrt(gains["steep"])

    def channel(label: str, own: np.ndarray, jitter: float) -> np.ndarray:
        site = DERIVATIONS[label]
        # Mixing white noises keeps them white with unit variance, so the channels
        # correlate by _SHARED in every band at the cost of one FFT per band.
        white = _SHARED * shared + own_share * own
        mix = gains["pink"] * _background(white[1], fs, var, shares)
        for band, component in _band_noise(white[0], fs, bands, var).items():
            mix += site.bands[band.removesuffix("_sleep")] * gains[band] * component
        return site.scale * (mix + transients.at(site) * var.eeg_scale * jitter)

    # The FFTs release the GIL: two derivations render at once on a 2-core machine.
    with ThreadPoolExecutor(max_workers=min(len(labels), RENDER_THREADS) or 1) as pool:
        rendered = list(pool.map(channel, labels, *zip(*draws))) if labels else []
    return dict(zip(labels, rendered))


def _band_noise(white: np.ndarray, fs: float, bands: dict[str, tuple[float, float]],
                var: NightVariation) -> dict[str, np.ndarray]:
    """Unit-RMS band components of one channel's white noise, alpha as the sleeper's peak."""
    spectrum = white_spectrum(white)
    components = band_components(white, fs, bands, spectrum)
    components["alpha"] = spectral_peak(white, fs, var.alpha_hz, ALPHA_SD_HZ, spectrum)
    return components


def _background(white: np.ndarray, fs: float, var: NightVariation,
                shares: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The 1/f background: the night's exponent and the steeper deep-sleep one, mixed by stage."""
    spectrum = white_spectrum(white)
    # The background starts at 0.5 Hz: below it DREAMS has a third of its 0.5-1 Hz amplitude in N2.
    flat = pink_noise(white, fs, low=0.5, exponent=var.aperiodic_exponent, spectrum=spectrum)
    steep = pink_noise(white, fs, low=0.5, exponent=var.aperiodic_exponent + STEEPER, spectrum=spectrum)
    return shares[0] * flat + shares[1] * steep
