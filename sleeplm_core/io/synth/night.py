"""Assemble a synthetic night: plan, render every channel, package as a Recording."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal
from sleeplm_core.io.synth import breathing, cardio, eeg, eog_emg
from sleeplm_core.io.synth.config import CHANNEL_LABELS, SynthConfig
from sleeplm_core.io.synth.hypnogram import TransitionTables
from sleeplm_core.io.synth.schedule import RESPIRATORY_TYPES, NightPlan, plan_night

logger = logging.getLogger(__name__)

START_TIME = datetime(2024, 1, 1, 22, 30, 0)
"""Nominal lights-off time of every synthetic night (fixed, so files are reproducible)."""


def synth_night(cfg: SynthConfig | None = None) -> Recording:
    """Generate one night of full-montage PSG with its ground truth.

    Every random draw comes from ``numpy.random.default_rng(cfg.seed)`` through
    independent child streams, so a seed always gives the same night and
    dropping a channel leaves the others unchanged.

    Returns:
        A :class:`Recording` with the channels of
        :data:`~sleeplm_core.io.synth.config.CHANNEL_LABELS` (minus
        ``cfg.dropout``) in physical units (µV, %, bpm, a.u.; Position is
        0 right, 1 left, 2 supine, 3 prone), ``stages`` per 30-s epoch starting at
        0 s, every generated event in ``events``, and ``source["ground_truth"]``:

        * ``hr_bpm``: true heart rate per epoch (bpm, from the R-R intervals);
        * ``resp_rate_bpm``: respiratory-drive rate per epoch (breaths/min; during
          apneas the drive runs on while breathing stops);
        * ``position``: body position per epoch (at the epoch's first second);
        * ``r_peaks_s``: every R-peak time (s);
        * ``sleep_onset_s``: start of the first sleep epoch (s);
        * ``ahi``: respiratory events per hour of sleep actually placed;
        * ``config``: the settings as a dict.
    """
    cfg = cfg or SynthConfig()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(cfg.seed).spawn(9)]
    plan = plan_night(cfg, TransitionTables.load(), streams[0])
    signals, truth = _render(plan, cfg, streams[1:])
    kept = {label: signals[label] for label in CHANNEL_LABELS if label not in cfg.dropout}
    logger.info("synthetic night: %d epochs, %d events, seed %d", len(plan.stages), len(plan.events), cfg.seed)
    return Recording(
        signals=kept,
        start_time=START_TIME,
        duration=len(plan.stage_s) * 1.0,
        stages=plan.stages.astype(np.int8),
        stage_offset=0.0,
        events=list(plan.events),
        source={"format": "synthetic", "path": None, "seed": cfg.seed, "ground_truth": truth},
    )


def _render(plan: NightPlan, cfg: SynthConfig, rngs: list[np.random.Generator]) -> tuple[dict[str, Signal], dict]:
    rates = cfg.rates
    n_seconds = len(plan.stage_s)
    c3, c4, delta = eeg.render_eeg(plan, rates.eeg, rngs[0])
    e1, e2 = eog_emg.render_eog(plan, rates.eog, delta, rates.eeg, rngs[1])
    drive = breathing.breathing_drive(plan, rngs[2])
    beats = cardio.heartbeats(plan, drive, cfg.age, rngs[3])
    rendered = [
        c3, c4, e1, e2,
        eog_emg.render_chin_emg(plan, rates.emg, rngs[4]),
        eog_emg.render_leg_emg(plan, rates.emg, rngs[5]),
        cardio.render_ecg(beats, drive, rates.ecg, n_seconds, rngs[6]),
        cardio.render_pulse(beats, rates.oximetry, n_seconds),
        *breathing.render_effort_and_flow(plan, drive, rates.resp, rngs[7]),
        breathing.render_snore(plan, drive, rates.snore, rngs[7]),
        breathing.render_spo2(plan, rates.oximetry, cfg.age, rngs[7]),
        _position(plan, rates.position),
    ]
    n_respiratory = len(plan.of_type(*RESPIRATORY_TYPES))
    truth = {
        "hr_bpm": beats.hr_per_epoch,
        "resp_rate_bpm": drive.rate_per_epoch,
        "position": plan.position_s[:: int(EPOCH_SEC)].copy(),
        "r_peaks_s": beats.r_peaks,
        "sleep_onset_s": plan.sleep_onset_s,
        "ahi": n_respiratory / plan.sleep_hours if plan.sleep_hours else 0.0,
        "config": asdict(cfg),
    }
    return {s.label: s for s in rendered}, truth


def _position(plan: NightPlan, fs: float) -> Signal:
    return Signal("Position", np.repeat(plan.position_s.astype(float), int(fs)), fs, "")
