"""Assemble a synthetic night: plan, draw the sleeper and montage, render every channel, package."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

import numpy as np

from sleeplm_core.io.patient import Patient
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal
from sleeplm_core.io.synth import artefacts, breathing, cardio, eeg, eog_emg, noise, upsample, waveforms
from sleeplm_core.io.synth.config import PLETH_LABEL, ChannelRates, SynthConfig
from sleeplm_core.io.synth.hypnogram import TransitionTables
from sleeplm_core.io.synth.profiles import ENVELOPE_HZ, PROFILE_LABELS, Montage, resolve_montage
from sleeplm_core.io.synth.schedule import RESPIRATORY_TYPES, NightPlan, plan_night
from sleeplm_core.io.synth.variation import TEXTBOOK, NightVariation, draw_variation

logger = logging.getLogger(__name__)

START_TIME = datetime(2024, 1, 1, 22, 30, 0)
"""Nominal lights-off time of every synthetic night (fixed, so files are reproducible)."""


ELECTRODE_UNITS_LABELS = frozenset({*eeg.DERIVATIONS, "E1-M2", "E2-M1", "EOG horizontal", "Chin EMG",
                                    "EMG submental", "Leg EMG"})
"""Electrode channels: the ones a montage may store in mV."""


def synth_night(cfg: SynthConfig | None = None) -> Recording:
    """Generate one night of PSG with its ground truth.

    Every random draw comes from ``numpy.random.default_rng(cfg.seed)`` through
    independent child streams, so a seed always gives the same night and
    dropping a channel leaves the others unchanged.

    Returns:
        A :class:`Recording` with the channels of the night's montage profile
        (see :mod:`~sleeplm_core.io.synth.profiles`; the default ``aasm`` gives
        :data:`~sleeplm_core.io.synth.config.CHANNEL_LABELS` minus
        ``cfg.dropout``) in physical units (µV or mV, %, bpm, a.u.; Position is
        0 right, 1 left, 2 supine, 3 prone), ``stages`` per 30-s epoch starting at
        0 s, every generated event in ``events``, ``source["montage"]`` (profile,
        rates, ``bdf``, ``millivolt``) and ``source["ground_truth"]``:

        * ``hr_bpm``: true heart rate per epoch (bpm, from the R-R intervals);
        * ``resp_rate_bpm``: respiratory-drive rate per epoch (breaths/min; during
          apneas the drive runs on while breathing stops);
        * ``position``: body position per epoch (at the epoch's first second);
        * ``r_peaks_s``: every R-peak time (s);
        * ``sleep_onset_s``: start of the first sleep epoch (s);
        * ``ahi``: respiratory events per hour of sleep actually placed;
        * ``variation``: the drawn sleeper and set-up as a dict;
        * ``config``: the settings as a dict.
    """
    cfg = cfg or SynthConfig()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(cfg.seed).spawn(16)]
    plan = plan_night(cfg, TransitionTables.load(), streams[0])
    var = draw_variation(cfg.age, streams[14]) if cfg.randomise else TEXTBOOK
    montage = resolve_montage(cfg, streams[15])
    try:
        signals, truth = _render(plan, cfg, var, montage, streams[1:14])
    finally:
        noise.forget_sample_times()
    kept = {label: _stored(signals[label], montage) for label in montage.labels}
    logger.info("synthetic night: %d epochs, %d events, profile %s, seed %d",
                len(plan.stages), len(plan.events), montage.profile, cfg.seed)
    return Recording(
        signals=kept,
        start_time=START_TIME,
        duration=len(plan.stage_s) * 1.0,
        stages=plan.stages.astype(np.int8),
        stage_offset=0.0,
        events=list(plan.events),
        source={"format": "synthetic", "path": None, "seed": cfg.seed, "ground_truth": truth,
                "montage": asdict(montage)},
        patient=Patient(age=float(cfg.age)),
    )


def _stored(signal: Signal, montage: Montage) -> Signal:
    if montage.millivolt and signal.label in ELECTRODE_UNITS_LABELS:
        return Signal(signal.label, signal.data / 1000.0, signal.sfreq, "mV")
    return signal


def _render(plan: NightPlan, cfg: SynthConfig, var: NightVariation, montage: Montage,
            rngs: list[np.random.Generator]) -> tuple[dict[str, Signal], dict]:
    """Every channel of the montage's profile (dropped ones too, so dropping leaves the rest unchanged)."""
    rates = montage.rates
    inner = upsample.internal_rates(rates)  # the same rates unless some are above 256 Hz
    n_seconds = len(plan.stage_s)
    wanted = PROFILE_LABELS[montage.profile]
    drive = breathing.breathing_drive(plan, var, rngs[2])
    beats = cardio.heartbeats(plan, drive, cfg.age, rngs[3])
    shapes = waveforms.night_templates(len(beats.r_peaks), int(drive.phase[-1]) + 2,
                                       float(np.median(drive.rate_per_epoch)), cfg.randomise, rngs[9])
    rendered: list[Signal] = []
    if any(label in eeg.DERIVATIONS for label in wanted):
        rendered += _electrodes(plan, var, montage, inner, beats, drive, shapes, rngs)
    if "Chin EMG" in wanted:
        rendered.append(eog_emg.render_chin_emg(plan, rates.emg, rngs[4]))
    if "Leg EMG" in wanted:
        rendered.append(eog_emg.render_leg_emg(plan, rates.emg, rngs[5]))
    if "ECG II" in wanted:
        ecg = cardio.render_ecg(beats, drive, shapes, inner.ecg, n_seconds, rngs[6])
        if inner.ecg != rates.ecg:  # electrode noise is white: a flat tail
            ecg = Signal(ecg.label, upsample.upsample(ecg.data, inner.ecg, rates.ecg, rngs[6], 0.0), rates.ecg,
                         ecg.unit)
        rendered.append(ecg)
    if "Pulse" in wanted:
        rendered.append(cardio.render_pulse(beats, rates.oximetry, n_seconds))
    if PLETH_LABEL in wanted:
        rendered.append(cardio.render_pleth(plan, beats, drive, shapes, rates.resp, n_seconds, rngs[10]))
    if "Airflow" in wanted:
        rendered += breathing.render_effort_and_flow(plan, drive, shapes, rates.resp, rngs[7])
        rendered.append(breathing.render_snore(plan, drive, shapes, rates.snore, rngs[7]))
        rendered.append(breathing.render_spo2(plan, rates.oximetry, cfg.age, rngs[7]))
        rendered.append(_position(plan, rates.position))
    if "Resp oro-nasal" in wanted:
        rendered += _sleep_edf_envelopes(plan, drive, shapes, rngs)
    n_respiratory = len(plan.of_type(*RESPIRATORY_TYPES))
    truth = {
        "hr_bpm": beats.hr_per_epoch,
        "resp_rate_bpm": drive.rate_per_epoch,
        "position": plan.position_s[:: int(EPOCH_SEC)].copy(),
        "r_peaks_s": beats.r_peaks,
        "sleep_onset_s": plan.sleep_onset_s,
        "ahi": n_respiratory / plan.sleep_hours if plan.sleep_hours else 0.0,
        "variation": asdict(var),
        "config": asdict(cfg),
    }
    return {s.label: s for s in rendered}, truth


def _electrodes(plan: NightPlan, var: NightVariation, montage: Montage, rates: ChannelRates,
                beats: cardio.Heartbeats, drive: breathing.BreathingDrive, shapes: waveforms.Templates,
                rngs: list[np.random.Generator]) -> list[Signal]:
    """EEG and EOG of the profile, neural signal plus artefacts, through the amplifier (µV).

    ``rates`` are the rates to render at: the montage's own, or for channels above 256 Hz the
    internal rate (:mod:`~sleeplm_core.io.synth.upsample`), upsampled here to the montage's."""
    n_seconds = len(plan.stage_s)
    responses: dict[float, np.ndarray | None] = {}

    def finish(label: str, x: np.ndarray, fs: float, rng: np.random.Generator) -> Signal:
        target = montage.rates.eeg if label in eeg.DERIVATIONS else montage.rates.eog
        if target == fs:
            return Signal(label, artefacts.amplifier(x, fs, var, rng), fs, "uV")
        if target not in responses:
            responses[target] = upsample.amplifier_response(n_seconds, target, var)
        exponent = var.aperiodic_exponent  # the EEG background's slope continues above the rendered band
        return Signal(label, upsample.upsample(x, fs, target, rng, exponent, var, responses[target]), target, "uV")

    labels = tuple(lab for lab in PROFILE_LABELS[montage.profile] if lab in eeg.DERIVATIONS)
    eye = eog_emg.eye_movements(plan, rates.eog, rngs[1])
    neural = eeg.render_eeg(plan, labels, rates.eeg, var, rngs[0])
    fs, n = rates.eeg, n_seconds * int(rates.eeg)
    rng = rngs[8]
    shared = (artefacts.movement(plan, var, fs, n, rng) + artefacts.sweat(var, fs, n, rng)
              + artefacts.muscle(plan, var, fs, n, rng))
    heart = var.ecg_bleed * cardio.ecg_complexes(beats, drive, shapes, fs, n_seconds) if var.ecg_bleed else 0.0
    eye_at_eeg = np.interp(noise.sample_times(n, fs), np.arange(eye.shape[1]) / rates.eog, eye.sum(axis=0))
    out = []
    for label in labels:
        x = (neural[label] + eeg.DERIVATIONS[label].eye * eye_at_eeg + rng.uniform(0.6, 1.0) * shared
             + rng.uniform(0.5, 1.5) * heart + artefacts.pops(var, fs, n, rng))
        out.append(finish(label, x, fs, rng))
    at_eyes = eog_emg.eeg_at_eyes(neural, rates.eeg, rates.eog, eye.shape[1])
    eogs = eog_emg.render_eog(eye, at_eyes, montage.profile == "sleep-edf", rngs[1])
    out += [finish(label, x, rates.eog, rng) for label, x in eogs.items()]
    return out


def _sleep_edf_envelopes(plan: NightPlan, drive: breathing.BreathingDrive, shapes: waveforms.Templates,
                         rngs: list[np.random.Generator]) -> list[Signal]:
    """Sleep-EDF's 1-Hz channels: the submental EMG as an RMS envelope (µV) and an oro-nasal thermistor (a.u.)."""
    raw_fs = 100.0
    chin = eog_emg.render_chin_emg(plan, raw_fs, rngs[4]).data.reshape(-1, int(raw_fs))
    flow = breathing.render_effort_and_flow(plan, drive, shapes, 10.0, rngs[7])[2].data
    # A thermistor follows breath temperature, not flow: a low-passed volume-like trace.
    thermistor = np.cumsum(flow) / 10.0
    thermistor = thermistor - np.convolve(thermistor, np.ones(100) / 100, mode="same")
    return [
        Signal("EMG submental", np.sqrt(np.mean(chin**2, axis=1)), ENVELOPE_HZ, "uV"),
        Signal("Resp oro-nasal", thermistor.reshape(-1, 10).mean(axis=1), ENVELOPE_HZ, "a.u."),
    ]


def _position(plan: NightPlan, fs: float) -> Signal:
    return Signal("Position", np.repeat(plan.position_s.astype(float), int(fs)), fs, "")
