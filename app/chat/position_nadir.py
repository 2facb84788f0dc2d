"""Execute step for "what was the nadir when supine?", "lowest sat on her left side": the lowest
SpO2 sample in each body position (and the night's), from the SpO2 channel itself, since the
per-epoch means a split by position reads hide the nadir."""

from __future__ import annotations

import numpy as np

from app.chat.breakdown import no_positions, positions
from app.chat.plan import Plan
from app.chat.results import Message, PositionNadir, PositionNadirRow
from app.night import LoadedNight
from sleeplm_core.features.heart import SPO2_RANGE
from sleeplm_core.io.recording import EPOCH_SEC


def position_nadir(plan: Plan, night: LoadedNight) -> PositionNadir | Message:
    """Each position's lowest SpO2 (%) over its epochs inside the scope, with when it fell and
    the position's minutes; the position the question named (``plan.query.target``) leads."""
    labels = positions(night)
    if labels is None:
        return no_positions(night)
    label = night.epochs.aux_mapping.get("SPO2")
    if label not in night.recording.signals:
        return Message("no_signal", "SpO2")
    sig = night.recording.signals[label]
    times = np.arange(len(sig.data)) / sig.sfreq
    # samples outside the physiological range are dropouts, as the SpO2 features read them
    values = np.where((sig.data >= SPO2_RANGE[0]) & (sig.data <= SPO2_RANGE[1]), sig.data, np.nan)
    epoch = np.floor((times - night.epochs.starts[0]) / EPOCH_SEC).astype(int)
    inside = (epoch >= 0) & (epoch < night.n_epochs) & np.isfinite(values)
    epoch = np.clip(epoch, 0, night.n_epochs - 1)
    inside &= plan.where.mask[epoch]
    rows = []
    for name in sorted(set(labels) - {"unknown"}):
        mine = inside & (labels[epoch] == name)
        if mine.any():
            at = int(np.flatnonzero(mine)[np.argmin(values[mine])])
            rows.append(PositionNadirRow(name, float(values[at]), float(times[at]),
                                         float(np.sum(plan.where.mask & (labels == name))) * EPOCH_SEC / 60))
    if not rows:
        return Message("empty_scope", plan.where.text or "the positions read")
    rows.sort(key=lambda r: r.lowest)
    return PositionNadir(rows, f"channel {label}", plan.query.target or "", plan.where.text)
