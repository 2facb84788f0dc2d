"""Machine scoring: a hypnogram and events for any night, from its signals alone.

Sits in the data path between features and heads. :func:`score_night` runs
validated tools (YASA for stages, spindles, slow waves and REMs; sleepecg for
R-peaks) and AASM rules written here (respiratory events, desaturations,
arousals, limb movements, heart-rate episodes). The recording's own annotations
are never read, and the recording is never modified. Every result names its
source (tool and channel); a part whose channel is missing, too slow or flat is
skipped with one line in :attr:`MachineScoring.skipped`.
"""

from sleeplm_core.scoring.config import ScoringConfig
from sleeplm_core.scoring.night import score_night
from sleeplm_core.scoring.result import MachineScoring

__all__ = ["MachineScoring", "ScoringConfig", "score_night"]
