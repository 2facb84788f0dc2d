"""Per-night and per-channel domain randomisation: the sleeper and the recording set-up.

One :class:`NightVariation` is drawn per night from its own random stream, so
the same seed always gives the same sleeper. Every range below is a published
norm; ``docs/synthetic.md`` ("Domain randomisation") cites the source of each.
The ranges describe healthy adults and common clinical set-ups, so a drawn
night stays within what a scorer sees in real recordings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LINE_HZ = (50.0, 60.0)


@dataclass(frozen=True)
class NightVariation:
    """What differs between sleepers and recording set-ups (units in each name).

    Attributes:
        eeg_scale: overall EEG amplitude factor (skull and scalp conduction).
        slow_wave_scale: N3 delta and K-complex amplitude factor (falls with age).
        aperiodic_exponent: 1/f^x exponent of the EEG background power spectrum.
        alpha_hz: individual alpha peak frequency (Hz).
        alpha_scale: wake alpha amplitude factor (some sleepers have little alpha).
        eyes_open: share of wake spent with eyes open (alpha blocked to a fifth).
        spindle_slow_hz, spindle_fast_hz: slow (frontal) and fast (centro-parietal) spindle frequency (Hz).
        spindle_amp_uv: (low, high) spindle peak amplitude (µV).
        k_complex_amp_uv: (low, high) K-complex peak-to-peak amplitude (µV).
        sawtooth_per_min: REM sawtooth bursts per minute of REM.
        arousal_alpha_uv: RMS alpha (µV) an arousal adds.
        drift_depth: RMS of the log band-power drift within a stage (minutes time scale).
        transition_s: seconds over which spectra slide from one stage to the next.
        highpass_hz, lowpass_hz: amplifier filter corners (Hz) of EEG/EOG.
        line_hz: mains frequency (Hz); line_uv: its amplitude (µV) per channel.
        movement_per_wake_min: movement artefacts per minute of wake.
        muscle_uv: RMS (µV) of scalp-muscle activity reaching the EEG in wake.
        sweat_uv: RMS of slow sweat drift (µV, 0 = dry night).
        pops_per_hour: electrode pops per hour on each EEG channel.
        ecg_bleed: share of the ECG that reaches the EEG (0 = none).
        breath_amp_cv: breath-to-breath coefficient of variation of tidal volume.
        sighs_per_hour: augmented breaths per hour of sleep.
        flow_limitation: share of sleep with inspiratory flow limitation.
    """

    eeg_scale: float
    slow_wave_scale: float
    aperiodic_exponent: float
    alpha_hz: float
    alpha_scale: float
    eyes_open: float
    spindle_slow_hz: float
    spindle_fast_hz: float
    spindle_amp_uv: tuple[float, float]
    k_complex_amp_uv: tuple[float, float]
    sawtooth_per_min: float
    arousal_alpha_uv: float
    drift_depth: float
    transition_s: float
    highpass_hz: float
    lowpass_hz: float
    line_hz: float
    line_uv: float
    movement_per_wake_min: float
    muscle_uv: float
    sweat_uv: float
    pops_per_hour: float
    ecg_bleed: float
    breath_amp_cv: float
    sighs_per_hour: float
    flow_limitation: float


TEXTBOOK = NightVariation(
    eeg_scale=1.0, slow_wave_scale=1.0, aperiodic_exponent=1.0, alpha_hz=10.0, alpha_scale=1.0,
    eyes_open=0.0,
    spindle_slow_hz=12.0, spindle_fast_hz=13.5, spindle_amp_uv=(15.0, 35.0), k_complex_amp_uv=(90.0, 180.0),
    sawtooth_per_min=2.0, arousal_alpha_uv=14.0, drift_depth=0.0, transition_s=1.0,
    highpass_hz=0.0, lowpass_hz=0.0, line_hz=50.0, line_uv=0.0, movement_per_wake_min=0.0, muscle_uv=0.0,
    sweat_uv=0.0, pops_per_hour=0.0, ecg_bleed=0.0, breath_amp_cv=0.0, sighs_per_hour=0.0,
    flow_limitation=0.0,
)
"""The textbook night without randomisation (``SynthConfig(randomise=False)``)."""


def draw_variation(age: float, rng: np.random.Generator) -> NightVariation:
    """Draw one sleeper and set-up; ``age`` in years shifts alpha frequency, slow waves and spindles."""
    decades = (age - 30.0) / 10.0
    u = rng.uniform
    spindle_low = u(10.0, 25.0)
    kc_low = u(75.0, 120.0)
    return NightVariation(
        eeg_scale=float(np.exp(rng.normal(0.0, 0.12))),
        # Slow-wave amplitude falls by about a quarter per two decades after 30.
        slow_wave_scale=float(np.clip(np.exp(rng.normal(0.0, 0.10)) * (1.0 - 0.12 * max(decades, 0.0)), 0.55, 1.4)),
        aperiodic_exponent=u(0.9, 1.6),
        alpha_hz=float(np.clip(rng.normal(10.2 - 0.1 * max(decades, 0.0), 0.9), 8.0, 12.5)),
        alpha_scale=float(np.clip(np.exp(rng.normal(0.0, 0.6)), 0.15, 2.5)),
        eyes_open=u(0.2, 0.9),
        spindle_slow_hz=u(11.0, 12.5),
        spindle_fast_hz=u(13.0, 14.8),
        spindle_amp_uv=(spindle_low, spindle_low * u(1.5, 2.5)),
        k_complex_amp_uv=(kc_low, kc_low * u(1.6, 2.6)),
        sawtooth_per_min=u(0.5, 4.0),
        arousal_alpha_uv=u(3.0, 10.0),
        drift_depth=u(0.05, 0.2),
        transition_s=u(10.0, 60.0),
        highpass_hz=float(rng.choice([0.1, 0.16, 0.3, 0.5])),
        lowpass_hz=float(rng.choice([30.0, 35.0, 45.0, 70.0, 100.0])),
        line_hz=float(rng.choice(LINE_HZ)),
        line_uv=float(u(0.0, 3.0) if rng.random() < 0.6 else 0.0),
        movement_per_wake_min=u(0.1, 1.0),
        muscle_uv=u(0.3, 2.0),
        sweat_uv=float(u(5.0, 40.0) if rng.random() < 0.3 else 0.0),
        pops_per_hour=float(u(1.0, 20.0) if rng.random() < 0.3 else 0.0),
        ecg_bleed=float(u(0.005, 0.03) if rng.random() < 0.5 else 0.0),
        breath_amp_cv=u(0.05, 0.15),
        sighs_per_hour=u(2.0, 12.0),
        flow_limitation=u(0.0, 0.4),
    )
