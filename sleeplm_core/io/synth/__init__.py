"""Synthetic PSG nights with ground truth (tests, training data, the demo).

Use :func:`synth_night` with a :class:`SynthConfig`; see ``docs/synthetic.md``
for what each channel contains and how the hypnogram model was fitted.
"""

from sleeplm_core.io.synth.config import (ALL_LABELS, CHANNEL_LABELS, PROFILE_NAMES, ChannelRates, SynthConfig,
                                         SynthConfigError)
from sleeplm_core.io.synth.night import synth_night

__all__ = ["ALL_LABELS", "CHANNEL_LABELS", "PROFILE_NAMES", "ChannelRates", "SynthConfig", "SynthConfigError", "synth_night"]
