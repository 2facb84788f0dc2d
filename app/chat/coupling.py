"""Execute step for "what is the slow oscillation-spindle coupling?": where in the slow
wave the spindle band's amplitude peaks, over the N2 and N3 of the night's hypnogram
(:mod:`sleeplm_core.scoring.coupling`)."""

from __future__ import annotations

import numpy as np

from app.chat.plan import Plan
from app.chat.results import Message, SOCoupling
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES
from sleeplm_core.scoring.channels import eeg_labels, pick
from sleeplm_core.scoring.coupling import so_sigma_coupling
from sleeplm_core.scoring.staging import StagingConfig


def so_coupling(plan: Plan, night: LoadedNight) -> SOCoupling | Message:
    """Slow-oscillation–sigma coupling over the N2/N3 epochs in the question's scope."""
    eeg, why = pick(night.recording, eeg_labels(night.recording), StagingConfig().eeg)
    if eeg is None:
        return Message("no_signal", f"EEG fast enough for slow waves and spindles ({why})")
    stages, source = night.stages()
    inside = plan.where.mask & np.isin(stages, [STAGES.index(s) for s in plan.query.scope.stages
                                                or ("N2", "N3")])
    if not inside.any():
        return Message("empty_scope", plan.where.text or "N2 or N3")
    found = so_sigma_coupling(eeg, np.where(inside, stages, -1))
    if found is None:
        return Message("no_slow_waves", plan.where.text or "N2 or N3")
    return SOCoupling(found, source, plan.where.text)
