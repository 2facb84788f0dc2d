"""Execute step for "quiz me": an epoch to stage, for a class or a trainee scorer.

Each quiz shows one 30-s epoch whose stage the night's stagers agree on, so the answer is not
a matter of opinion: where the machine staging ran, an epoch it gives its scored stage with
at least :data:`CLEAR_PROBABILITY`; else any epoch of that stage. Successive quizzes go round
the stages the night holds, so a class sees each one; the draw is seeded by the quiz's number,
so a session's quizzes can be repeated. The reply ("N2", "I think it's REM") is marked
against the hypnogram with the evidence the stage rules read (:mod:`app.chat.evidence`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.chat.evidence import stage_evidence
from app.chat.plan import Plan
from app.chat.results import Message, QuizQuestion, StageEvidence
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES

CLEAR_PROBABILITY = 0.8
"""Least machine-staging probability of the scored stage for an epoch to be asked about."""
ROUND = ("N2", "REM", "N3", "W", "N1")
"""The order quizzes go round the stages: the commonest first, N1 (the least agreed) last."""
QUIZ_SEED = 2026
"""Base seed of the draws; quiz ``k`` of a session draws with ``QUIZ_SEED + k``."""


def quiz_question(plan: Plan, night: LoadedNight) -> QuizQuestion | Message:
    """The ``plan.query.skip``-th quiz of the session: a clear epoch of the next stage."""
    stages, source = night.stages()
    if source == "predicted":
        return Message("no_quiz")   # the model's guess is no key to mark a reply against
    asked = [s for s in plan.query.scope.stages if s in ROUND]   # "quiz me on REM"
    present = [s for s in asked or ROUND if (stages == STAGES.index(s)).any()]
    if not present:
        return Message("empty_scope", f"{' or '.join(asked) if asked else 'scored stages'} in this night")
    k = plan.query.skip
    stage = present[k % len(present)]
    idx = _clear_epochs(night, stages, stage)
    epoch = int(np.random.default_rng(QUIZ_SEED + k).choice(idx))
    return QuizQuestion(epoch, float(night.epochs.starts[epoch]), source, k + 1)


def _clear_epochs(night: LoadedNight, stages: np.ndarray, stage: str) -> np.ndarray:
    """Epochs of ``stage`` the machine staging gives that stage with a clear probability;
    all of them where it gives none or none is clear."""
    code = STAGES.index(stage)
    idx = np.flatnonzero(stages == code)
    if (proba := night.machine_proba(idx)) is None:
        return idx
    clear = idx[np.nan_to_num(proba[:, code]) >= CLEAR_PROBABILITY]
    return clear if len(clear) else idx


def quiz_answer(plan: Plan, night: LoadedNight) -> StageEvidence:
    """The reply to a quiz marked: the epoch's stage and its evidence, with the guess."""
    epoch = night.epoch_at(plan.where.span[0])
    return replace(stage_evidence(plan, night, epoch=epoch), guess=plan.query.scope.stages[0])
