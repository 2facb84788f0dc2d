"""How two per-epoch measures go together over the night ("what is the correlation between
heart rate and delta power?").

Both are read from the night's feature frame, one value per 30-s epoch, over the question's
scope and over sleep (N1-REM) when no stage is named. Spearman's rank correlation is given
over all those epochs and within each stage: sleep stage drives most measures (delta power
up and heart rate down in N3), so a correlation across stages can be the stages' alone.
Neighbouring epochs are not independent, so the p-values overstate the evidence; the
answer says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from app.chat.measures import column_name, measure_columns, measure_name
from app.chat.plan import Plan
from app.chat.results import Correlation, CorrelationRow, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES

MIN_EPOCHS = 20
"""Fewest epochs with both measures for a correlation to be given (per stage too)."""


def correlation(plan: Plan, night: LoadedNight) -> Correlation | Message:
    """Spearman's ρ between the question's two measures, overall and within each stage."""
    q = plan.query
    frame = night.feature_frame()
    cols = [measure_columns(words, frame) for words in (q.measure or "", q.against or "")]
    for words, found in zip((q.measure or "", q.against or ""), cols):
        if not found:
            name = measure_name(words)
            return Message("no_signal", name) if name else Message("no_measure", words)
    a, b = cols[0][0], cols[1][0]
    if a == b:   # "heart rate and pulse": one measure, nothing to correlate
        return Message("same_groups", column_name(a))
    stages, source = night.stages()
    inside = plan.where.mask & (stages >= STAGES.index("N1") if not q.scope.stages
                                else np.ones(len(stages), dtype=bool))
    x = pd.to_numeric(frame[a], errors="coerce").to_numpy(float)
    y = pd.to_numeric(frame[b], errors="coerce").to_numpy(float)
    both = inside & np.isfinite(x) & np.isfinite(y)
    rows = [_row("all" if not q.scope.stages else "/".join(q.scope.stages), x, y, both)]
    for code in sorted(set(stages[both].tolist())):
        rows.append(_row(STAGES[code], x, y, both & (stages == code)))
    where = plan.where.text if q.scope.stages else f"in sleep {plan.where.text}".strip()
    return Correlation(column_name(a), column_name(b), [r for r in rows if r.n], source, where)


def _row(group: str, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> CorrelationRow:
    n = int(mask.sum())
    if n < MIN_EPOCHS or np.ptp(x[mask]) == 0 or np.ptp(y[mask]) == 0:
        return CorrelationRow(group, n, None, None)
    rho, p = spearmanr(x[mask], y[mask])
    return CorrelationRow(group, n, float(rho), float(p))
