"""The result of machine scoring one night."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, Event, Signal


@dataclass
class MachineScoring:
    """Stages and events scored by machine from a recording's signals.

    Attributes:
        stages: int8 stage code per 30-s epoch (index into ``STAGES``), -1 unknown;
            epoch ``i`` starts at ``stage_offset + 30 * i`` seconds, as in ``Recording``.
        stage_offset: start of the first epoch, in seconds from the recording start.
        stage_proba: (n_epochs, 5) probability of each stage, NaN rows where unknown.
        stage_source: tool and channels behind the stages, e.g.
            "YASA 0.8.1 SleepStaging, EEG Fpz-Cz + EOG horizontal"; "" when not staged.
        events: detected events sorted by onset, each with its ``source``.
        skipped: one line per part that was not scored and why ("spindles: no EEG").
        notes: one line per caveat of a part that was scored ("respiratory: apnea type: no
            effort belt, so every apnea is reported as obstructive").
        heart_rate: 1-Hz heart rate in bpm (label = its source), None when not measured.
    """

    stages: np.ndarray
    stage_offset: float = 0.0
    stage_proba: np.ndarray | None = None
    stage_source: str = ""
    events: list[Event] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    heart_rate: Signal | None = None

    @property
    def has_stages(self) -> bool:
        return bool(np.any(self.stages >= 0))

    @property
    def confidence(self) -> np.ndarray:
        """Probability of the chosen stage per epoch (0-1), NaN where unknown."""
        if self.stage_proba is None or not len(self.stages):
            return np.full(len(self.stages), np.nan)
        rows = np.arange(len(self.stages))
        return np.where(self.stages >= 0, self.stage_proba[rows, np.maximum(self.stages, 0)], np.nan)

    def stages_at(self, starts: np.ndarray) -> np.ndarray:
        """Stage code of the epoch containing each time in ``starts`` (seconds), -1 outside."""
        idx = np.floor((np.asarray(starts, dtype=float) - self.stage_offset) / EPOCH_SEC).astype(int)
        inside = (idx >= 0) & (idx < len(self.stages))
        out = np.full(len(idx), -1, dtype=np.int8)
        out[inside] = self.stages[idx[inside]]
        return out

    def proba_at(self, starts: np.ndarray) -> np.ndarray | None:
        """Stage probabilities (n, 5) of the epochs containing ``starts``, None without staging."""
        if self.stage_proba is None:
            return None
        idx = np.floor((np.asarray(starts, dtype=float) - self.stage_offset) / EPOCH_SEC).astype(int)
        inside = (idx >= 0) & (idx < len(self.stages))
        out = np.full((len(idx), self.stage_proba.shape[1]), np.nan)
        out[inside] = self.stage_proba[idx[inside]]
        return out

    def label(self) -> str:
        """Short source label for plots and answers, e.g. "machine-scored (YASA, EEG Fpz-Cz)"."""
        return machine_label(self.stage_source) if self.stage_source else "machine-scored"

    def events_label(self) -> str:
        """Source label of the events as a whole, e.g. "machine-scored (YASA, AASM, sleepecg)"."""
        tools = []
        for e in self.events:
            tool = _tool(e.source or "")
            if tool and tool not in tools:
                tools.append(tool)
        return f"machine-scored ({', '.join(tools)})" if tools else "machine-scored"


def machine_label(source: str) -> str:
    """"machine-scored (TOOL, CHANNEL)" from a source such as "YASA 0.8.1 SleepStaging, EEG C4-M1 + EOG E1"."""
    tool, _, channels = source.partition(", ")
    name = tool.split(" ")[0]
    first = channels.split(" + ")[0]
    return f"machine-scored ({name}, {first})" if first else f"machine-scored ({name})"


def _tool(source: str) -> str:
    """The tool's name in an event source: "YASA", "AASM", "sleepecg", "pulse"."""
    return source.removeprefix("machine-scored (").split(" ")[0]
