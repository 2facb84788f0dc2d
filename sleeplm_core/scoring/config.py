"""All machine-scoring settings in one dataclass (each part's own config inside)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sleeplm_core.scoring.arousals import ArousalConfig
from sleeplm_core.scoring.channels import Usability
from sleeplm_core.scoring.desaturation import DesaturationConfig
from sleeplm_core.scoring.heart import HeartConfig
from sleeplm_core.scoring.limbs import LimbConfig
from sleeplm_core.scoring.microevents import RemConfig, SlowWaveConfig, SpindleConfig
from sleeplm_core.scoring.respiratory import RespiratoryConfig
from sleeplm_core.scoring.staging import StagingConfig


@dataclass(frozen=True)
class ScoringConfig:
    """What :func:`~sleeplm_core.scoring.score_night` scores and how.

    Attributes:
        parts: the parts to run, a subset of :data:`PARTS`.
        staging, spindles, slow_waves, rems, respiratory, desaturation, heart,
            arousals, limbs: each part's settings.
        breathing, spo2, ecg, pulse, leg_emg: usability limits of those channels
            (Hz; spread in the channel's unit).
    """

    parts: tuple[str, ...] = ()
    staging: StagingConfig = StagingConfig()
    # Tuned on DREAMS 1-6 vs expert 1 (bench/tune_spindles.py): mean F1 0.434 in-sample,
    # 0.381 leave-one-out, against 0.347 for YASA's defaults.
    spindles: SpindleConfig = field(default_factory=lambda: SpindleConfig(
        thresh={"rel_pow": 0.1, "corr": 0.5, "rms": 2.0}))
    slow_waves: SlowWaveConfig = SlowWaveConfig()
    rems: RemConfig = RemConfig()
    respiratory: RespiratoryConfig = RespiratoryConfig()
    desaturation: DesaturationConfig = DesaturationConfig()
    heart: HeartConfig = HeartConfig()
    arousals: ArousalConfig = ArousalConfig()
    limbs: LimbConfig = LimbConfig()
    breathing: Usability = Usability(min_rate_hz=4.0, min_spread=1e-6)
    spo2: Usability = Usability(min_rate_hz=0.2, min_spread=0.5)
    ecg: Usability = Usability(min_rate_hz=50.0, min_spread=1e-3)
    pulse: Usability = Usability(min_rate_hz=0.2, min_spread=0.5)
    leg_emg: Usability = Usability(min_rate_hz=32.0, min_spread=0.5)

    def wants(self, part: str) -> bool:
        """True when ``part`` runs (an empty ``parts`` runs them all)."""
        return not self.parts or part in self.parts
