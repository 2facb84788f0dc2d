"""Slow-oscillation–sigma coupling from YASA's slow-wave detector.

``yasa.sw_detect(coupling=True)`` finds the slow waves and, in the 2 s around each one's
negative peak, the phase of the slow-wave band (Hilbert phase of the 0.3-1.5 Hz signal, in
radians: 0 at the positive peak, the up-state; ±π at the trough) where the amplitude of the
spindle band peaks, and the normalised direct phase-amplitude coupling (ndPAC, Özkurt &
Schnitzler 2011) thresholded at p = 0.05. It reads sigma amplitude rather than detected
spindles, as YASA's author advises: spindle detection rests on thresholds, and only a
minority of slow waves carry a detected spindle (github.com/raphaelvallat/yasa/discussions/118).

Across the slow waves, the preferred phase is the circular mean of those phases and its
consistency the mean resultant length (0 uniform, 1 all at one phase), tested against a
uniform phase by Rayleigh's test.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import STAGES, Signal
from sleeplm_core.scoring.microevents import SlowWaveConfig, at_yasa_rate, yasa_hypnogram
from sleeplm_core.scoring.staging import named

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CouplingConfig:
    """Coupling settings (Hz, s): the slow-wave and sigma bands, the half-window around
    each slow wave's negative peak, the ndPAC threshold, and the stages searched."""

    freq_so: tuple[float, float] = (0.3, 1.5)
    freq_sp: tuple[float, float] = (12.0, 16.0)
    half_window: float = 1.0
    p: float = 0.05
    include: tuple[int, ...] = (2, 3)
    waves: SlowWaveConfig = SlowWaveConfig()


@dataclass(frozen=True)
class PhaseStats:
    """Sigma-peak phases of a set of slow waves.

    Attributes:
        waves: slow waves with a phase (those too near the recording's edges have none).
        phase_deg: circular mean phase, degrees (0 = the slow wave's positive peak).
        vector_length: mean resultant length, 0-1.
        rayleigh_p: Rayleigh test of a uniform phase.
        coupled: slow waves whose ndPAC passed its threshold.
        mean_ndpac: mean ndPAC over the waves (0 where it did not pass).
    """

    waves: int
    phase_deg: float
    vector_length: float
    rayleigh_p: float
    coupled: int
    mean_ndpac: float


@dataclass(frozen=True)
class Coupling:
    """Slow-oscillation–sigma coupling of a night: all searched stages, then each one."""

    channel: str
    source: str
    overall: PhaseStats
    by_stage: dict[str, PhaseStats]


def rayleigh_p(phases: np.ndarray) -> float:
    """Rayleigh test p-value for a uniform distribution of ``phases`` (radians), with Zar's
    (Biostatistical Analysis, 1999, eq. 27.4) approximation, accurate from n of about 10."""
    n = len(phases)
    if n == 0:
        return 1.0
    r_n = n * float(np.abs(np.mean(np.exp(1j * phases))))
    return float(min(1.0, np.exp(np.sqrt(1 + 4 * n + 4 * (n ** 2 - r_n ** 2)) - (1 + 2 * n))))


def phase_stats(phases: np.ndarray, ndpac: np.ndarray) -> PhaseStats | None:
    """Circular statistics of the sigma-peak phases (radians); None without a phase."""
    keep = np.isfinite(phases)
    phases, ndpac = phases[keep], np.nan_to_num(ndpac[keep])
    if not len(phases):
        return None
    mean = np.mean(np.exp(1j * phases))
    return PhaseStats(len(phases), float(np.degrees(np.angle(mean))), float(np.abs(mean)),
                      rayleigh_p(phases), int(np.sum(ndpac > 0)), float(ndpac.mean()))


def so_sigma_coupling(eeg: Signal, stages: np.ndarray,
                      config: CouplingConfig = CouplingConfig()) -> Coupling | None:
    """Slow-oscillation–sigma coupling on ``eeg`` (µV) over the epochs of ``stages`` (codes
    of :data:`STAGES`, -1 left out) in ``config.include``; None when no slow wave is found."""
    if not np.isin(stages, config.include).any():
        return None   # YASA refuses a hypnogram without the stages it is told to search
    import yasa  # on first use: importing it costs the app's cold start 1 s
    data, rate = at_yasa_rate(eeg)
    w = config.waves
    found = yasa.sw_detect(data, sf=rate, hypno=yasa_hypnogram(stages, len(data), rate),
                           include=config.include, freq_sw=config.freq_so, amp_neg=w.amp_neg,
                           amp_ptp=w.amp_ptp, coupling=True,
                           coupling_params={"freq_sp": config.freq_sp, "time": config.half_window,
                                            "p": config.p}, verbose=False)
    if found is None:
        return None
    table = found.summary()
    phases, ndpac = table["PhaseAtSigmaPeak"].to_numpy(), table["ndPAC"].to_numpy()
    overall = phase_stats(phases, ndpac)
    if overall is None:
        return None
    codes = table["Stage"].to_numpy()
    by_stage = {STAGES[code]: stats for code in config.include
                if (stats := phase_stats(phases[codes == code], ndpac[codes == code])) is not None}
    log.info("coupling on %s: %d slow waves, phase %.0f deg, R %.2f", eeg.label, overall.waves,
             overall.phase_deg, overall.vector_length)
    return Coupling(named("eeg", eeg.label), f"YASA {yasa.__version__} sw_detect with coupling",
                    overall, by_stage)
