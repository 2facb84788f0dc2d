"""Hypopneas re-read under the AASM's two oxygen rules: which of them a desaturation of at
least 3 or 4 percentage points is tied to.

The AASM Scoring Manual (2.6) recommends rule 1A: a >= 30 % fall in flow for >= 10 s with a
>= 3 % desaturation *or* an arousal. Its acceptable rule 1B, which the US Centers for
Medicare & Medicaid Services use, asks for a >= 4 % desaturation and ignores arousals. The
same night's AHI can differ by a severity band between the two (Ruehland et al. 2009), so a
researcher comparing with a cohort asks for both. A desaturation counts for a hypopnea when
either starts during the other or within the respiratory rule's window after its end
(:func:`sleeplm_core.scoring.association.tied_mask`); its fall is measured as the
desaturation detector measures it (:func:`sleeplm_core.scoring.desaturation.desaturation_depth`).
"""

from __future__ import annotations

import numpy as np

from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.association import tied_after_sec, tied_mask
from sleeplm_core.scoring.desaturation import desaturation_depth

RULE_DROPS: tuple[float, ...] = (3.0, 4.0)
"""The falls, in SpO2 percentage points, of rules 1A and 1B."""


def hypopneas_with_drop(hypopneas: list[Event], desaturations: list[Event], spo2: np.ndarray,
                        sfreq: float, drop: float) -> list[Event]:
    """The hypopneas tied to a desaturation falling at least ``drop`` percentage points below
    its baseline. ``spo2`` is the trace in % at ``sfreq`` Hz; event times in seconds."""
    deep = np.array([(d.onset, d.offset) for d in desaturations
                     if desaturation_depth(spo2, sfreq, d.onset, d.duration) >= drop])
    if not hypopneas or deep.size == 0:
        return []
    keep = tied_mask(np.array([(h.onset, h.offset) for h in hypopneas]), deep,
                     tied_after_sec("hypopnea", "desaturation"), spans_lead=True)
    return [h for h, k in zip(hypopneas, keep) if k]
