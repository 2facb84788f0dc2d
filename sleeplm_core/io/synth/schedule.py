"""The night plan: hypnogram, body position and every scored event, before any signal.

Signals are rendered from this plan (see the ``eeg``, ``cardio`` and
``breathing`` modules), so the events returned as ground truth are exactly the
ones that shaped the signals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Event
from sleeplm_core.io.synth.config import SynthConfig
from sleeplm_core.io.synth.hypnogram import N1, N2, N3, REM, W, TransitionTables, sample_hypnogram

logger = logging.getLogger(__name__)

APNEA_TYPES = ("obstructive_apnea", "central_apnea", "mixed_apnea")
RESPIRATORY_TYPES = (*APNEA_TYPES, "hypopnea")
RECOVERY_S = 12.0
"""Minimum normal breathing between two respiratory events, in seconds."""

POSITION_WEIGHTS = np.array([0.3, 0.3, 0.32, 0.08])
"""Probability of right, left, supine, prone when a sleeper turns."""


@dataclass
class Desaturation:
    """A planned SpO2 fall: from ``onset`` (s) to the nadir at ``nadir`` (s), ``depth`` in % points."""

    onset: float
    nadir: float
    depth: float


@dataclass
class NightPlan:
    """Everything random about a night except the signal noise.

    Attributes:
        stages: stage code per 30-s epoch (0 W .. 4 REM).
        stage_s: stage code per second.
        position_s: body position per second (0 right, 1 left, 2 supine, 3 prone).
        arousal_s: 1.0 in seconds covered by an arousal, else 0.0.
        events: every event, sorted by onset.
        desaturations: SpO2 falls, one per "desaturation" event.
        sleep_onset_s: time of the first sleep epoch in seconds.
    """

    stages: np.ndarray
    stage_s: np.ndarray
    position_s: np.ndarray
    arousal_s: np.ndarray
    events: list[Event]
    desaturations: list[Desaturation] = field(default_factory=list)
    sleep_onset_s: float = 0.0

    def of_type(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    @property
    def sleep_hours(self) -> float:
        return float(np.count_nonzero(self.stages != W)) * EPOCH_SEC / 3600.0


def plan_night(cfg: SynthConfig, tables: TransitionTables, rng: np.random.Generator) -> NightPlan:
    """Draw the hypnogram and all events of one night."""
    latency = int(round(cfg.sleep_latency_min * 60.0 / EPOCH_SEC))
    stages = sample_hypnogram(tables, cfg.n_epochs, latency, cfg.age, rng)
    stage_s = np.repeat(stages, int(EPOCH_SEC))
    plan = NightPlan(
        stages=stages, stage_s=stage_s, position_s=np.full(len(stage_s), 2, dtype=np.int8),
        arousal_s=np.zeros(len(stage_s)), events=[], sleep_onset_s=latency * EPOCH_SEC,
    )
    busy = np.zeros(len(stage_s), dtype=bool)
    _plan_positions(plan, cfg, rng)
    _plan_respiratory(plan, cfg, rng, busy)
    _plan_spontaneous_arousals(plan, cfg, rng, busy)
    _plan_limb_movements(plan, cfg, rng)
    _plan_eeg_transients(plan, "spindle", cfg.spindle_density, (1.0, 1.0 / 3.0), (0.5, 2.0), rng)
    _plan_eeg_transients(plan, "k_complex", cfg.k_complex_density, (1.0, 0.0), (0.6, 1.0), rng)
    plan.events.sort(key=lambda e: (e.onset, e.type))
    for event in plan.of_type("arousal"):
        plan.arousal_s[int(event.onset): int(np.ceil(event.offset))] = 1.0
    return plan


def _plan_positions(plan: NightPlan, cfg: SynthConfig, rng: np.random.Generator) -> None:
    """Turns happen during sleep and bring an arousal with them, as movement does."""
    asleep = np.flatnonzero(plan.stage_s[:-20] != W)
    if not asleep.size or not cfg.position_changes:
        return
    times = np.sort(rng.choice(asleep, size=min(cfg.position_changes, asleep.size), replace=False))
    current = 2
    for t in times:
        weights = POSITION_WEIGHTS.copy()
        weights[current] = 0.0
        current = int(rng.choice(4, p=weights / weights.sum()))
        plan.position_s[t:] = current
        duration = min(float(rng.uniform(5.0, 15.0)), len(plan.stage_s) - t - 1.0)
        plan.events.append(Event(float(t), duration, "arousal"))


OBSTRUCTIVE_REM = (2.0, 1.0, 4.0)
"""Weight of REM against N2 for obstructive and mixed apneas and hypopneas: median over
sleepers, and the range one sleeper's factor is clipped to. REM atonia reaches the upper-airway
dilators and blunts the chemical drive, so most sleepers with OSA have a higher AHI in REM
(REM/NREM ratio commonly 1.5-3; REM-related OSA, a ratio of 2 or more, in a quarter to a third
of patients; Mokhlesi & Punjabi 2012, Curr Opin Pulm Med 18:578)."""

OBSTRUCTIVE_N3 = (0.35, 0.1, 1.0)
"""Weight of N3 against N2 for the same events (median, clip range): the AHI in slow-wave
sleep is less than half that of stage 2 in most patients with OSA (Ratnavadivel et al. 2009,
J Clin Sleep Med 5:519)."""

CENTRAL_STAGE = {W: 0.0, N1: 1.5, N2: 1.0, N3: 0.2, REM: 0.2}
"""Weight of each stage for central apneas: they gather in light NREM sleep, where breathing
follows CO2 most closely, and are rare in slow-wave sleep and REM (Eckert et al. 2007, Chest
131:595)."""

FACTOR_SD = 0.35
"""Log-SD of one sleeper's REM and N3 factors around their medians."""


def _event_weights(plan: NightPlan, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Where respiratory events fall, per family ("obstructive": obstructive and mixed apneas
    and hypopneas; "central"): sleep only, twice as often supine for the obstructive family,
    each family's stage weights (one sleeper's REM and N3 factors drawn around their medians)."""
    def factor(median: float, lo: float, hi: float) -> float:
        return float(np.clip(rng.lognormal(np.log(median), FACTOR_SD), lo, hi))

    rem, n3 = factor(*OBSTRUCTIVE_REM), factor(*OBSTRUCTIVE_N3)
    stage = plan.stage_s
    obstructive = (stage != W).astype(float) * np.where(plan.position_s == 2, 2.0, 1.0)
    obstructive *= np.select([stage == REM, stage == N3], [rem, n3], 1.0)
    central = np.array([CENTRAL_STAGE[c] for c in (W, N1, N2, N3, REM)])[stage]
    return {"obstructive": obstructive, "central": central}


def _respiratory_types(cfg: SynthConfig, n: int, rng: np.random.Generator) -> list[str]:
    counts = np.round(np.array([cfg.frac_central, cfg.frac_mixed, cfg.frac_hypopnea]) * n).astype(int)
    counts = np.minimum(counts, n)
    n_central, n_mixed, n_hypo = counts
    n_obstructive = max(0, n - n_central - n_mixed - n_hypo)
    kinds = (["central_apnea"] * n_central + ["mixed_apnea"] * n_mixed
             + ["hypopnea"] * n_hypo + ["obstructive_apnea"] * n_obstructive)[:n]
    return [str(kind) for kind in rng.permutation(kinds)]


def _plan_respiratory(plan: NightPlan, cfg: SynthConfig, rng: np.random.Generator, busy: np.ndarray) -> None:
    n_target = int(round(cfg.ahi * plan.sleep_hours))
    if not n_target or not np.any(plan.stage_s != W):
        return
    weights = _event_weights(plan, rng)
    kinds = _respiratory_types(cfg, n_target, rng)
    # Each family draws its start seconds from its own weights; an event takes the next
    # start of its family's queue that has room.
    queues = {family: iter(rng.choice(len(w), size=40 * n_target, p=w / w.sum()))
              for family, w in weights.items()}
    asleep = plan.stage_s != W
    lag = float(np.clip(rng.normal(28.0, 3.0), 23.0, 35.0))  # lung-to-finger circulation delay
    placed = 0
    for _ in range(40 * n_target):
        if placed == n_target:
            break
        kind = kinds[placed]
        start = next(queues["central" if kind == "central_apnea" else "obstructive"], None)
        if start is None:
            break
        duration = _respiratory_duration(kind, plan.stage_s[start] == REM, rng)
        stop = start + int(np.ceil(duration))
        guard = slice(max(0, start - int(RECOVERY_S)), stop + int(RECOVERY_S))
        # The margin keeps the lagged desaturation and the arousal inside the recording.
        if stop + 60 >= len(asleep) or busy[guard].any() or not asleep[start:stop].all():
            continue
        busy[guard] = True
        placed += 1
        onset = float(start) + float(rng.uniform(0.0, 1.0))
        _add_respiratory_event(plan, Event(onset, duration, kind), lag, rng)
    if placed < n_target:
        logger.warning("synthetic night: room for %d of %d respiratory events; the true AHI is lower", placed, n_target)


def _respiratory_duration(kind: str, in_rem: bool, rng: np.random.Generator) -> float:
    median = 22.0 if kind == "hypopnea" else 20.0
    if in_rem:
        median *= 1.3  # REM events are longer (muscle atonia, blunted arousal response)
    return float(np.clip(rng.lognormal(np.log(median), 0.35), 10.0, 90.0))


def _add_respiratory_event(plan: NightPlan, event: Event, lag: float, rng: np.random.Generator) -> None:
    """Add the event with its consequences: a lagged desaturation and/or a terminal arousal.

    AASM hypopneas need a >=3 % desaturation or an arousal, so a hypopnea
    without a desaturation always gets its arousal.
    """
    plan.events.append(event)
    desaturates = rng.random() < (0.9 if event.type in APNEA_TYPES else 0.7)
    if desaturates:
        base = 3.0 + 0.1 * event.duration if event.type in APNEA_TYPES else 3.0 + 0.03 * event.duration
        depth = float(np.clip(base + rng.gamma(2.0, 0.8), 3.0, 25.0))
        onset = event.onset + lag + float(rng.uniform(-3.0, 3.0))
        nadir = event.offset + lag + float(rng.uniform(-3.0, 3.0))
        plan.desaturations.append(Desaturation(onset, nadir, depth))
        plan.events.append(Event(onset, nadir - onset, "desaturation"))
    if not desaturates or rng.random() < 0.6:
        onset = event.offset - float(rng.uniform(0.0, 2.0))
        plan.events.append(Event(onset, float(rng.uniform(4.0, 15.0)), "arousal"))


def _plan_spontaneous_arousals(plan: NightPlan, cfg: SynthConfig, rng: np.random.Generator, busy: np.ndarray) -> None:
    """Top the arousal count up to ``arousal_index``; AASM needs >=10 s of sleep before each."""
    have = len(plan.of_type("arousal"))
    n_target = int(round(cfg.arousal_index * plan.sleep_hours)) - have
    asleep = plan.stage_s != W
    settled = np.convolve(asleep, np.ones(11), mode="full")[: len(asleep)] >= 11
    allowed = np.flatnonzero(settled & ~busy)
    allowed = allowed[allowed < len(asleep) - 20]
    if n_target <= 0 or not allowed.size:
        return
    for start in np.sort(rng.choice(allowed, size=min(n_target, allowed.size), replace=False)):
        duration = min(float(rng.uniform(3.0, 15.0)), len(asleep) - start - 1.0)
        plan.events.append(Event(float(start) + float(rng.uniform(0, 1)), duration, "arousal"))


def _plan_limb_movements(plan: NightPlan, cfg: SynthConfig, rng: np.random.Generator) -> None:
    """Leg movements in periodic series (4-10 movements, 20-40 s apart) during N1/N2 sleep."""
    n_target = int(round(cfg.limb_movement_index * plan.sleep_hours))
    light = np.flatnonzero((plan.stage_s[:-10] > W) & (plan.stage_s[:-10] <= N2))
    placed = 0
    if not light.size:
        return
    while placed < n_target:
        t = float(rng.choice(light))
        # The first movement of a series always fits (light ends 10 s early), so each pass places one.
        for _ in range(min(int(rng.integers(4, 11)), n_target - placed)):
            if t + 5.0 >= len(plan.stage_s) or not (W < plan.stage_s[int(t)] <= N2):
                break
            plan.events.append(Event(t, float(rng.uniform(0.5, 5.0)), "limb_movement"))
            placed += 1
            t += float(rng.uniform(20.0, 40.0))


def _plan_eeg_transients(
    plan: NightPlan,
    kind: str,
    per_min: float,
    share_n2_n3: tuple[float, float],
    duration_range: tuple[float, float],
    rng: np.random.Generator,
) -> None:
    """Poisson-placed spindles or K-complexes in N2 (and N3 at a lower rate), never overlapping."""
    rate = np.zeros(len(plan.stages))
    rate[plan.stages == N2] = per_min * share_n2_n3[0] * EPOCH_SEC / 60.0
    rate[plan.stages == N3] = per_min * share_n2_n3[1] * EPOCH_SEC / 60.0
    counts = rng.poisson(rate)
    epochs = np.repeat(np.arange(len(counts)), counts)
    onsets = np.sort(epochs * EPOCH_SEC + rng.uniform(0.0, EPOCH_SEC, size=len(epochs)))
    durations = rng.uniform(*duration_range, size=len(onsets))
    last_end = -np.inf
    for onset, duration in zip(onsets, durations):
        if onset >= last_end + 0.5 and onset + duration <= len(plan.stage_s):
            plan.events.append(Event(float(onset), float(duration), kind))
            last_end = onset + duration
