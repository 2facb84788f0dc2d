"""How two per-epoch measures go together over the night ("what is the correlation between
heart rate and delta power?", "between sigma power and the spindle count per epoch?").

Both are read from the night's feature frame, one value per 30-s epoch (an event named with a
count, "spindle count" or "arousals per epoch", is the number starting in each), over the question's
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

from app.chat.events import events_for, unscored_reason
from app.chat.measures import column_name, measure_columns, missing_measure
from app.chat.phenomena import counted_phenomenon
from app.chat.plan import Plan
from app.chat.results import Correlation, CorrelationRow, Message
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES

MIN_EPOCHS = 20
"""Fewest epochs with both measures for a correlation to be given (per stage too)."""


def correlation(plan: Plan, night: LoadedNight) -> Correlation | Message:
    """Spearman's ρ between the question's two measures, overall and within each stage."""
    q = plan.query
    sides = [_values(night, words) for words in (q.measure or "", q.against or "")]
    if message := next((side for side in sides if isinstance(side, Message)), None):
        return message
    (a, x), (b, y) = sides
    if a == b:   # "heart rate and pulse": one measure, nothing to correlate
        return Message("same_groups", a)
    stages, source = night.stages()
    inside = plan.where.mask & (stages >= STAGES.index("N1") if not q.scope.stages
                                else np.ones(len(stages), dtype=bool))
    both = inside & np.isfinite(x) & np.isfinite(y)
    rows = [_row("all" if not q.scope.stages else "/".join(q.scope.stages), x, y, both)]
    for code in sorted(set(stages[both].tolist())):
        rows.append(_row(STAGES[code], x, y, both & (stages == code)))
    where = plan.where.text if q.scope.stages else f"in sleep {plan.where.text}".strip()
    return Correlation(a, b, [r for r in rows if r.n], source, where)



def _values(night: LoadedNight, words: str) -> tuple[str, np.ndarray] | Message:
    """(name, one value per epoch) of a measure or of an event count the words name."""
    if (phen := counted_phenomenon(words)) is not None:
        if why := unscored_reason(night, phen.event_types):
            return Message("not_scored", phen.title, {"why": why, "cannot": "count them per epoch"})
        counts = np.zeros(night.n_epochs)
        for event in events_for(night, phen.event_types)[0]:
            if event.type in phen.event_types:
                counts[night.epoch_at(event.onset)] += 1
        title = phen.title if phen.title[1:2].isupper() else phen.title[0].lower() + phen.title[1:]
        return f"{title} count per epoch", counts
    frame = night.feature_frame()
    found = measure_columns(words, frame)
    if not found:
        return missing_measure(words)
    return column_name(found[0]), pd.to_numeric(frame[found[0]], errors="coerce").to_numpy(float)


def _row(group: str, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> CorrelationRow:
    n = int(mask.sum())
    if n < MIN_EPOCHS or np.ptp(x[mask]) == 0 or np.ptp(y[mask]) == 0:
        return CorrelationRow(group, n, None, None)
    rho, p = spearmanr(x[mask], y[mask])
    return CorrelationRow(group, n, float(rho), float(p))
