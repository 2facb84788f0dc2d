"""A night as the model should see it, from the command line as in the app.

A scored night's epochs are z-scored over its scored sleep window
(:mod:`sleeplm_core.io.epochs`). An unscored one has no such window, so YASA stages
it first and its epochs are cut again over the machine's main sleep period
(:func:`~sleeplm_core.io.epochs.recut_over_sleep`), as the app does after its
machine scoring. Without this, ``sleeplm eval`` and ``sleeplm index`` would read a
22-h unscored file on the scale of its daytime wake while the app read it on the
scale of its night, and the same epoch would get two embeddings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.baselines import yasa_stages
from sleeplm_core.io.epochs import recut_over_sleep
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.load import open_night
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import Recording

log = logging.getLogger(__name__)


def model_input(rec: Recording, montage: Montage, epochs: EpochSet) -> EpochSet:
    """``epochs`` of a scored night; an unscored night's re-cut over YASA's sleep
    window, or left over the whole recording (logged) when YASA cannot stage it."""
    if rec.has_scoring:
        return epochs
    try:
        stages = yasa_stages(rec, epochs)
    except SleepLMError as err:
        log.warning("%s; model input z-scored over the whole recording", err)
        return epochs
    return recut_over_sleep(rec, montage, epochs, stages)


def open_model_night(path: str | Path, **kwargs) -> tuple[Recording, Montage, EpochSet]:
    """:func:`~sleeplm_core.io.load.open_night` (same arguments), then :func:`model_input`."""
    rec, montage, epochs = open_night(path, **kwargs)
    return rec, montage, model_input(rec, montage, epochs)
