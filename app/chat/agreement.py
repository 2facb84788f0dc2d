"""Execute step for "show the confusion matrix", "which stage do they disagree on most?", "how
does the model's staging compare to the human scoring?": two stagings of the night epoch by
epoch, on the model's epochs.

The reference is the human scoring when the night has one; a night nobody scored has only
the machine staging (YASA) to hold the model's stages against, and neither is then a human
scoring, which the answer says.
"""

from __future__ import annotations

import numpy as np

from app.chat.aspects import Aspect
from app.chat.plan import Plan
from app.chat.results import Message, StageAgreement
from app.night import LoadedNight
from sleeplm_core.heads.metrics import staging_scores
from sleeplm_core.io.recording import STAGES

Staging = tuple[np.ndarray, str]
"""Stage codes per model epoch and their source."""


def paired_kappa(reference: np.ndarray, other: np.ndarray) -> tuple[float | None, int]:
    """Cohen's κ of two stagings over the epochs both stage, and how many those are; κ is
    None under two such epochs."""
    both = (reference >= 0) & (other >= 0)
    n = int(both.sum())
    return (staging_scores(reference[both], other[both], STAGES).kappa if n >= 2 else None), n


def stagings(night: LoadedNight, stager: str) -> tuple[Staging, Staging] | str:
    """(reference stages, its source) and (compared stages, their source), or why there is no
    pair: ``stager`` is "model" (its zero-shot stages), "machine" (the machine staging), each
    against the human scoring, or "model_machine" (the model against the machine staging,
    whether or not a human scored the night); on a night nobody scored the model is held
    against the machine whichever was named."""
    human, machine = night.scored(), night.machine_stages()
    if human is None and machine is not None or stager == "model_machine":
        # a night nobody scored: the machine staging is the only reference for the model's
        stager, human = "model", None
    if stager == "model":
        if night.predicted is None:
            return "the model has not read this night yet"
        if human is not None:
            return (human, "scored"), (night.predicted, "predicted")
        if machine is not None:
            return (machine, night.machine.label()), (night.predicted, "predicted")
        return "the night has neither a scoring nor a machine staging to compare the model with"
    if machine is None:
        skipped = night.machine.skipped if night.machine is not None else []
        return "the machine could not stage this night" + (f" ({'; '.join(skipped)})" if skipped else "")
    return (human, "scored"), (machine, night.machine.label())


def stage_agreement(plan: Plan, night: LoadedNight) -> StageAgreement | Message:
    """The confusion matrix of two stagings (rows: the reference) over the epochs both stage,
    and Cohen's kappa; a Message that says why when the night has no such pair."""
    pair = stagings(night, plan.query.target or "machine")
    if isinstance(pair, str):
        return Message("no_agreement", pair)
    (ref, ref_source), (other, other_source) = pair
    both = (ref >= 0) & (other >= 0)
    if both.sum() < 2:
        return Message("no_agreement", "fewer than two epochs carry both stagings")
    scores = staging_scores(ref[both], other[both], STAGES)
    asked = plan.query.scope.stages
    return StageAgreement(ref_source, other_source, np.asarray(scores.confusion), scores.kappa,
                          cell=asked if plan.query.stage_event == "cell" and len(asked) == 2 else None,
                          worst_first=Aspect.WHICH_STAGE in plan.query.aspects)
