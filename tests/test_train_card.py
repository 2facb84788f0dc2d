"""The model card's staging numbers: zero-shot and few-shot (raw and HMM-smoothed,
repeated draws) of the shipped model on a real EDF file, through the library and
through ``sleeplm card-staging``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from sleeplm_core.heads.encoder import encode_epochs
from sleeplm_core.heads.fewshot import FewShotConfig, fit_fewshot
from sleeplm_core.heads.metrics import staging_scores
from sleeplm_core.heads.models import resolve_model
from sleeplm_core.heads.smoothing import SmoothingConfig, sticky_transitions, viterbi
from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.train.card import card_staging, few_shot, few_shot_picks

MODEL = "assets/models/sleeplm-mini"


def test_few_shot_draws_are_seeded_and_smoothing_is_scored_on_the_same_epochs(synthetic_edf: Path) -> None:
    card = card_staging(MODEL, synthetic_edf, None, shots=5, seed=3, draws=4)
    assert len(card.few_shot_kappas) == 4
    assert card.few_shot_kappas[0] == (card.few_shot.kappa, card.few_shot_smoothed.kappa)
    assert card.few_shot.n_epochs == card.few_shot_smoothed.n_epochs
    # draw i is seed 3 + i: the second draw is the first draw of seed 4
    again = card_staging(MODEL, synthetic_edf, None, shots=5, seed=4, draws=1)
    assert again.few_shot_kappas[0] == card.few_shot_kappas[1]
    assert len({k for k, _ in card.few_shot_kappas}) > 1          # different picks, different scores
    assert "4 draws of 5/stage" in card.few_shot_summary()


def test_few_shot_smoothing_decodes_the_whole_window(synthetic_edf: Path) -> None:
    _, _, epochs = open_night(synthetic_edf)
    window = sleep_window(epochs.stages)
    stages = np.asarray(epochs.stages[window])
    vectors = encode_epochs(resolve_model(MODEL).model, epochs.data[window], epochs.channel_mask)
    raw, smoothed = few_shot(vectors, stages, 5, 0)
    picks = few_shot_picks(stages, 5, 0)
    rest = np.setdiff1d(np.flatnonzero(stages >= 0), picks)
    assert raw.n_epochs == smoothed.n_epochs == len(rest)
    # by hand: the HMM runs over every epoch of the window (labelled ones included), in order
    head = fit_fewshot(vectors[picks], [STAGES[c] for c in stages[picks]], FewShotConfig(seed=0))
    codes = np.array([STAGES.index(label) for label in head.labels])
    path = codes[viterbi(head.predict_proba(vectors), sticky_transitions(len(codes), SmoothingConfig().stay))]
    assert np.array_equal(smoothed.confusion, staging_scores(stages[rest], path[rest], STAGES).confusion)
    assert np.array_equal(raw.confusion, staging_scores(stages[rest], codes[head.predict(vectors[rest])],
                                                        STAGES).confusion)


def test_card_staging_command_prints_both_few_shot_rows(synthetic_edf: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "sleeplm_core.cli", "card-staging", MODEL, str(synthetic_edf),
                          "--shots", "5", "--draws", "3"], capture_output=True, text=True, check=True).stdout
    assert "| few-shot + HMM smoothing, seed 0 |" in out
    assert "few-shot kappa over draws: raw " in out and "(3 draws of 5/stage)" in out


def test_card_staging_refuses_zero_draws_in_one_line(synthetic_edf: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "sleeplm_core.cli", "card-staging", MODEL, str(synthetic_edf),
                          "--draws", "0"], capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].endswith("--shots and --draws must be >= 1 (e.g. --shots 10 --draws 10)")
