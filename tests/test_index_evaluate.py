"""Paired recall of a library (real FAISS), searched by cosine and grounded, and the
ceiling that captions sharing their facts put on it."""

from __future__ import annotations

import numpy as np
import pytest

from sleeplm_core.heads.grounding import GROUNDED_TYPES, Grounding
from sleeplm_core.index.evaluate import (caption_agreement, in_memory_library, paired_ceiling,
                                         paired_hits)
from sleeplm_core.io.recording import STAGES

WAKE = ("In words: wake with alpha rhythm and muscle tone; no events. "
        "This epoch is scored as wake. No scored events fall in this epoch.")


def apnea(start: float, end: float) -> str:
    return (f"In words: N2 sleep with sleep spindles and K-complexes; obstructive apnea, airflow "
            f"absent for {end - start:.0f} s. Scored stage: N2. Scored event: obstructive apnea "
            f"from {start:.1f} to {end:.1f} s.")


def test_the_ceiling_counts_epochs_that_state_the_same_facts_in_other_words() -> None:
    reworded = WAKE.replace("This epoch is scored as wake.", "Scored stage: wakefulness.")
    captions = [WAKE] * 15 + [reworded] * 5 + [apnea(0, 20), apnea(10, 30)]
    # 20 wake epochs share their facts (10 of 20 found at best); each apnea is unique.
    assert paired_ceiling(captions) == pytest.approx((20 * 0.5 + 2) / 22)


def test_paired_hits_find_an_epoch_by_its_stated_times_where_cosine_cannot() -> None:
    """Thirty epochs with one and the same embedding: only the grounding, where each
    holds its apnea at other seconds, tells them apart."""
    n, bins = 30, 15
    vectors = np.tile(np.eye(8, dtype=np.float32)[0], (n, 1))
    events = np.full((n, len(GROUNDED_TYPES), bins), 0.01, np.float16)
    stage = np.log(np.full((n, 5), 0.2, np.float32))
    captions = []
    for i in range(n):
        first = i % bins
        events[i, GROUNDED_TYPES.index("obstructive_apnea"), first] = 0.95
        captions.append(apnea(first * 2.0, first * 2.0 + 2.0))
    stage[:, STAGES.index("N2")] = np.log(0.9)
    library = in_memory_library(vectors, Grounding(stage, events, 2.0))

    def encode(texts):
        return np.tile(vectors[0], (len(texts), 1))

    grounded = paired_hits(library, captions, encode)
    assert grounded.all()           # two epochs per time: both within the top 10
    assert paired_hits(library, captions, encode, grounded=False).mean() <= 0.5


def test_signal_to_caption_agreement_reads_the_stage_from_the_grounding() -> None:
    """Two captions, one embedding for all rows: only the stage readings tell which
    caption belongs to which row."""
    n = 6
    vectors = np.tile(np.eye(8, dtype=np.float32)[0], (n, 1))
    stage = np.log(np.full((n, 5), 0.01, np.float32))
    stage[:3, STAGES.index("W")] = np.log(0.96)
    stage[3:, STAGES.index("N2")] = np.log(0.96)
    events = np.full((n, len(GROUNDED_TYPES), 15), 0.01, np.float16)
    captions = [WAKE] * 3 + ["Scored stage: N2. No scored events fall in this epoch."] * 3
    library = in_memory_library(vectors, Grounding(stage, events, 2.0), captions,
                                lambda texts: np.tile(vectors[0], (len(texts), 1)))
    assert len(library.captions) == 2
    assert caption_agreement(library, captions) == 1.0
    assert caption_agreement(library, captions, grounded=False) == 0.5
