"""Score one night: every part in turn, each skipped with one line when it cannot run.

Order matters: stages first (the other parts use the machine hypnogram), then
desaturations and arousals (the hypopnea rule needs them), then the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sleeplm_core.features.heart import HR_RANGE, SPO2_RANGE, uncalibrated
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import Event, Recording, Signal
from sleeplm_core.scoring.arousals import detect_arousals
from sleeplm_core.scoring.channels import Usability, eeg_labels, montage_slots, pick
from sleeplm_core.scoring.config import ScoringConfig
from sleeplm_core.scoring.desaturation import detect_desaturations
from sleeplm_core.scoring.heart import ecg_heart_rate, pulse_heart_rate, rate_episodes
from sleeplm_core.scoring.limbs import detect_limb_movements
from sleeplm_core.scoring.microevents import (detect_rems, detect_slow_waves, detect_spindles,
                                              k_complexes)
from sleeplm_core.scoring.respiratory import Breathing, detect_respiratory
from sleeplm_core.scoring.result import MachineScoring
from sleeplm_core.scoring.staging import named, stage_channels, yasa_staging

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
"""Reports (fraction done in [0, 1], the part being scored)."""

PARTS: tuple[str, ...] = ("stages", "desaturations", "arousals", "respiratory", "spindles",
                          "slow waves", "REMs", "heart", "limb movements")
"""Parts in the order they run; names used in ``ScoringConfig.parts`` and ``skipped`` lines."""

# Errors a tool may raise on data it cannot handle (a detector's assertion on an
# odd segment, an empty filter input); they skip that part, never the night.
_TOOL_ERRORS = (AssertionError, ValueError, IndexError, RuntimeError, ZeroDivisionError,
                np.linalg.LinAlgError)


@dataclass
class _Night:
    """What the parts share while one night is scored: its channels, the result so far,
    the EEG chosen for staging and each part's events (the hypopnea rule reads them)."""

    rec: Recording
    slots: dict[str, str]
    config: ScoringConfig
    result: MachineScoring
    eeg: Signal | None = None
    by_type: dict[str, list[Event]] = field(default_factory=dict)

    @property
    def stages(self) -> np.ndarray | None:
        return self.result.stages if self.result.has_stages else None

    def signal(self, slots: tuple[str, ...], limits: Usability) -> tuple[Signal | None, str]:
        present = [self.slots[s] for s in slots if s in self.slots]
        if not present:
            return None, "no channel"
        return pick(self.rec, present, limits)

    def add(self, kind: str, events: list[Event]) -> None:
        self.by_type[kind] = events
        self.result.events.extend(events)


def _tag(kind: str, sig: Signal, tool: str) -> str:
    return f"machine-scored ({tool}, {named(kind, sig.label)})"


def _stages(n: _Night) -> str | None:
    chosen, why = stage_channels(n.rec, n.slots, n.config.staging)
    if not chosen:
        return why
    staged = yasa_staging(chosen, n.config.staging)
    n.eeg = chosen["eeg"]
    n.result.stages, n.result.stage_proba, n.result.stage_source = (
        staged.codes, staged.proba, staged.source)
    return None


def _eeg(n: _Night) -> tuple[Signal | None, str]:
    if n.eeg is None:
        n.eeg, why = pick(n.rec, eeg_labels(n.rec), n.config.staging.eeg)
        return n.eeg, f"no usable EEG ({why})" if why != "no channel" else "no EEG"
    return n.eeg, ""


def _desaturations(n: _Night) -> str | None:
    spo2, why = n.signal(("SPO2",), n.config.spo2)
    if spo2 is None:
        return f"no usable SpO2 ({why})"
    if why_not := uncalibrated(spo2, SPO2_RANGE, "SpO2"):
        return why_not
    source = _tag("spo2", spo2, "AASM >= 3 % desaturation rule")
    n.add("desaturation", [Event(e.onset, e.duration, e.type, source=source) for e in
                           detect_desaturations(spo2.data, spo2.sfreq, n.config.desaturation)])
    return None


def _arousals(n: _Night) -> str | None:
    eeg, why = _eeg(n)
    if eeg is None:
        return why
    n.add("arousal", detect_arousals(eeg, n.stages, _tag("eeg", eeg, "AASM frequency-shift rule"),
                                     n.config.arousals))
    return None


def _respiratory(n: _Night) -> str | None:
    limits = n.config.breathing
    flow, why = n.signal(("AF",), limits)
    thorax, _ = n.signal(("THX",), limits)
    abdomen, _ = n.signal(("ABD",), limits)
    if flow is None and thorax is None and abdomen is None:
        return f"no usable airflow or effort belt ({why})"
    belts = [b for b in (thorax, abdomen) if b is not None]
    if flow is None:
        flow = rip_sum(belts)
    source = _tag("flow", flow, "AASM 2.6 respiratory rules")
    n.add("respiratory", detect_respiratory(Breathing(flow, thorax, abdomen),
                                            n.by_type.get("desaturation", []),
                                            n.by_type.get("arousal", []), source,
                                            n.config.respiratory))
    if not belts:
        # scored all the same: a caveat, not a part left out
        n.result.notes.append("respiratory: apnea type: no effort belt, so every apnea is reported as obstructive")
    return None


def rip_sum(belts: list[Signal]) -> Signal:
    """The summed belts (RIPsum), the AASM's alternative airflow sensor."""
    rate = min(b.sfreq for b in belts)
    n = int(min(b.duration for b in belts) * rate)
    t = np.arange(n) / rate
    total = sum(np.interp(t, np.arange(len(b.data)) / b.sfreq, b.data) for b in belts)
    return Signal("RIPsum " + " + ".join(b.label for b in belts), total, rate, belts[0].unit)


def _spindles(n: _Night) -> str | None:
    eeg, why = _eeg(n)
    if eeg is None:
        return why
    n.add("spindle", detect_spindles(eeg, n.stages, n.config.spindles))
    return None


def _slow_waves(n: _Night) -> str | None:
    eeg, why = _eeg(n)
    if eeg is None:
        return why
    waves = detect_slow_waves(eeg, n.stages, n.config.slow_waves)
    n.add("slow_wave", waves)
    if n.stages is not None:
        n.add("k_complex", k_complexes(waves, n.result.stages_at))
    return None


def _rems(n: _Night) -> str | None:
    if n.stages is None or not np.any(n.stages == 4):
        return "no REM epoch in the machine hypnogram"
    limits = n.config.staging.eog
    left, why = n.signal(("EOG_L",), limits)
    right, _ = n.signal(("EOG_R",), limits)
    if left is None and right is None:
        return f"no usable EOG ({why})"
    n.add("rapid_eye_movement", detect_rems(left or right, right if left else None, n.stages,
                                            n.config.rems))
    return None


def _heart(n: _Night) -> str | None:
    import sleepecg  # on first use: importing it costs the app's cold start 0.3 s
    ecg, why_ecg = n.signal(("ECG",), n.config.ecg)
    hr, source = None, ""
    if ecg is not None:
        hr = ecg_heart_rate(ecg, n.config.heart)
        source = _tag("ecg", ecg, f"sleepecg {sleepecg.__version__} R-peaks")
        why_ecg = f"{ecg.label}: no plausible R-peaks"
    if hr is None:
        pulse, why_pulse = n.signal(("HR",), n.config.pulse)
        if pulse is None:
            return f"no usable ECG ({why_ecg}) and no pulse-rate channel ({why_pulse})"
        if why_not := uncalibrated(pulse, HR_RANGE, "a heart rate"):
            return f"no usable ECG ({why_ecg}) and {why_not}"
        hr, source = pulse_heart_rate(pulse), _tag("pulse", pulse, "pulse rate")
    n.result.heart_rate = Signal(source, hr, 1.0, "bpm")
    n.add("heart", rate_episodes(hr, source, n.config.heart))
    return None


def _limbs(n: _Night) -> str | None:
    emg, why = n.signal(("EMG_LEG",), n.config.leg_emg)
    if emg is None:
        return f"no usable leg EMG ({why})"
    n.add("limb_movement", detect_limb_movements(emg, _tag("emg", emg, "AASM leg-movement rule"),
                                                 n.config.limbs))
    return None


_STEPS: dict[str, Callable[[_Night], str | None]] = {
    "stages": _stages, "desaturations": _desaturations, "arousals": _arousals,
    "respiratory": _respiratory, "spindles": _spindles, "slow waves": _slow_waves,
    "REMs": _rems, "heart": _heart, "limb movements": _limbs,
}


def score_night(rec: Recording, epochs: EpochSet | None = None, config: ScoringConfig | None = None,
                progress: Progress | None = None) -> MachineScoring:
    """Score ``rec`` from its signals alone; its annotations are never read, nothing is modified.

    Args:
        rec: the loaded recording.
        epochs: its EpochSet, whose montage mapping (with any user override) names
            the non-EEG channels; without it the default mapping is used.
        config: what to score and how (all parts by default).
        progress: called with (fraction done, part) before each part.
    """
    config = config or ScoringConfig()
    mapping = epochs.slots if epochs is not None else None
    night = _Night(rec, montage_slots(rec, mapping), config,
                   MachineScoring(stages=np.zeros(0, dtype=np.int8)))
    todo = [p for p in PARTS if config.wants(p)]
    for i, part in enumerate(todo):
        if progress is not None:
            progress(i / len(todo), f"machine scoring: {part}")
        try:
            why = _STEPS[part](night)
        except _TOOL_ERRORS as err:
            log.warning("%s failed: %s", part, err)
            why = f"failed ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})"
        if why:
            night.result.skipped.append(f"{part}: {why}")
    if progress is not None:
        progress(1.0, "machine scoring done")
    night.result.events.sort(key=lambda e: e.onset)
    return night.result
