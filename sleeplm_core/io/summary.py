"""Plain-text summary of a loaded night, as printed by ``sleeplm inspect``."""

from __future__ import annotations

from collections import Counter

import numpy as np

from sleeplm_core.io.epochset import CANONICAL_CHANNELS, EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import STAGES, Recording, Signal


def _hours(seconds: float) -> str:
    return f"{seconds:.0f} s ({seconds / 3600:.2f} h)"


def night_summary(rec: Recording, montage: Montage, epochs: EpochSet) -> str:
    """Channels, montage, durations, epochs, stages, events and quality flags."""
    src = rec.source
    lines = [
        f"file: {src.get('path')} ({src.get('format')})",
        f"start: {rec.start_time.isoformat(sep=' ') if rec.start_time else 'unknown'}, duration: {_hours(rec.duration)}",
        "channels:",
        *(_channel_line(s, montage) for s in rec.signals.values()),
        montage.report(),
        f"epochs: {len(epochs)} x 30 s at 64 Hz, first at {epochs.starts[0]:.0f} s" if len(epochs) else "epochs: 0",
        "scoring: " + (", ".join(f"{s['format']} {s['path']}" for s in src.get("scoring", [])) or "none"),
        "stages: " + _stage_counts(epochs.stages),
        "events: " + _event_counts(rec),
        "quality flags (epochs): " + _flag_counts(epochs),
    ]
    lines.extend(f"warning: {w}" for w in src.get("warnings", []))
    return "\n".join(lines)


def _channel_line(signal: Signal, montage: Montage) -> str:
    slots = {label: slot for slot, label in montage.slots.items()}
    slot = slots.get(signal.label)
    role = "unused" if slot is None else f"-> {slot}" + (" (substitute)" if slot in montage.substitutions else "")
    return f"  {signal.label!r}: {signal.sfreq:g} Hz, {signal.unit or 'no unit'}, {_hours(signal.duration)}  {role}"


def _stage_counts(stages: np.ndarray) -> str:
    counts = Counter(int(s) for s in stages)
    parts = [f"{name} {counts.get(code, 0)}" for code, name in enumerate(STAGES)]
    return ", ".join(parts + [f"unscored {counts.get(-1, 0)}"])


def _event_counts(rec: Recording) -> str:
    counts = Counter(e.type for e in rec.events)
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"


def _flag_counts(epochs: EpochSet) -> str:
    parts = []
    for reason, flags in sorted(epochs.quality_flags.items()):
        per_channel = flags.sum(axis=0)
        parts.extend(f"{reason} {CANONICAL_CHANNELS[i]} {int(n)}" for i, n in enumerate(per_channel) if n)
    return ", ".join(parts) or "none"
