"""Agreement of a machine scoring with a reference (human) scoring.

Stages: Cohen's kappa, accuracy and per-stage F1 over the reference's scored
epochs inside the sleep window (30 min either side of the sleep period, the
Sleep-EDF convention of ``sleeplm_core.heads.evaluate``). Events: by-event F1 at
IoU >= 0.3 per event group, for the groups the reference has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.heads.metrics import EventScores, StagingScores, event_scores, staging_scores
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event
from sleeplm_core.scoring.result import MachineScoring

EVENT_GROUPS: dict[str, tuple[str, ...]] = {
    "apnea": ("obstructive_apnea", "central_apnea", "mixed_apnea"),
    "hypopnea": ("hypopnea",), "desaturation": ("desaturation",), "arousal": ("arousal",),
    "spindle": ("spindle",), "slow wave": ("slow_wave",), "limb movement": ("limb_movement",),
    "rapid eye movement": ("rapid_eye_movement",),
}
"""Event groups compared (apnea kinds count as one group, as the AHI does)."""
PART_OF_GROUP: dict[str, str] = {
    "apnea": "respiratory", "hypopnea": "respiratory", "desaturation": "desaturations", "arousal": "arousals",
    "spindle": "spindles", "slow wave": "slow waves", "limb movement": "limb movements", "rapid eye movement": "REMs",
}
"""The machine-scoring part (``sleeplm_core.scoring.night.PARTS``) that detects each group."""


@dataclass(frozen=True)
class Agreement:
    """Machine vs reference.

    Attributes:
        stages: epoch-wise scores, None when the reference has no stages.
        events: group -> by-event scores, for groups present in the reference that the machine
            scored.
        unscored: groups present in the reference whose machine part could not run (an F1 of 0
            there would say the detector missed what it never looked for).
    """

    stages: StagingScores | None
    events: dict[str, EventScores]
    unscored: tuple[str, ...] = ()
    pad_min: float = 30.0
    """Minutes either side of the reference's sleep that the staging scores count (min)."""

    def summary(self) -> str:
        """One line: "κ 0.81 (841 epochs, 30 min either side of the scored sleep); event F1:
        apnea 0.93, hypopnea 0.90"."""
        parts = []
        if self.stages is not None:
            # the window said, since a κ over a 22-h recording's waking hours is another figure
            parts.append(f"κ {self.stages.kappa:.2f} ({self.stages.n_epochs} epochs, {self.pad_min:g} min either "
                         f"side of the scored sleep)")
        if self.events:
            parts.append("event F1: " + ", ".join(f"{k} {v.f1:.2f}" for k, v in self.events.items()))
        if self.unscored:
            parts.append("not machine-scored here: " + ", ".join(self.unscored))
        return "; ".join(parts)


def reference_stages_on_grid(stages: np.ndarray, offset: float, scoring: MachineScoring) -> np.ndarray:
    """Reference codes on the machine's epoch grid (-1 where the reference has none)."""
    starts = scoring.stage_offset + EPOCH_SEC * np.arange(len(scoring.stages))
    idx = np.floor((starts - offset + 1e-6) / EPOCH_SEC).astype(int)
    inside = (idx >= 0) & (idx < len(stages))
    out = np.full(len(starts), -1, dtype=np.int8)
    out[inside] = np.asarray(stages)[idx[inside]]
    return out


def agreement(scoring: MachineScoring, ref_stages: np.ndarray, ref_offset: float,
              ref_events: list[Event], pad_min: float = 30.0) -> Agreement:
    """Agreement of ``scoring`` with reference stages (codes) and events."""
    stage_scores = None
    ref = reference_stages_on_grid(ref_stages, ref_offset, scoring) if len(ref_stages) else None
    if ref is not None and np.any(ref >= 0) and scoring.has_stages:
        window = sleep_window(ref, pad_min)
        stage_scores = staging_scores(ref[window], scoring.stages[window], STAGES)
    events, unscored = {}, []
    skipped = {line.split(":", 1)[0] for line in scoring.skipped}
    for group, types in EVENT_GROUPS.items():
        truth = intervals_of(ref_events, types)
        if truth and PART_OF_GROUP[group] in skipped:
            unscored.append(group)
        elif truth:
            events[group] = event_scores(intervals_of(scoring.events, types), truth)
    return Agreement(stage_scores, events, tuple(unscored), pad_min)
