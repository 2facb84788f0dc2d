"""Plain-word caption summaries and the fact keys the contrastive loss groups by."""

from __future__ import annotations

import numpy as np

from sleeplm_core.captions.caption import parse_caption, render_caption
from sleeplm_core.captions.words import SUMMARY_LEAD, caption_key, summary
from sleeplm_core.features.brain import BrainFacts, EegBands, EogActivity, RapidEyeMovements
from sleeplm_core.features.stage_event import EventSpan, StageEventFacts

N3_BANDS = EegBands("C3-M2", delta=91.0, theta=3.0, alpha=1.5, sigma=1.0, beta=2.0)
WAKE_BANDS = EegBands("C3-M2", delta=16.0, theta=7.0, alpha=66.0, sigma=2.0, beta=9.0)


def test_brain_summary_bins_band_powers_into_words() -> None:
    assert summary(BrainFacts((N3_BANDS,))) == (
        "In words: high delta, low theta, low alpha, low sigma, low beta; delta dominates the EEG.")
    assert "high alpha" in summary(BrainFacts((WAKE_BANDS,)))
    # a band the rate cannot measure (None) is left out, not called "low"
    no_beta = EegBands("Fpz-Cz", delta=20.0, theta=10.0, alpha=60.0, sigma=3.0, beta=None)
    assert "beta" not in summary(BrainFacts((no_beta,)))


def test_eye_summary_words_count_rapid_eye_movements() -> None:
    eyes = (EogActivity("E1-M2", slow=12.0), EogActivity("E2-M1", slow=14.0))
    words = {n: summary(BrainFacts((N3_BANDS,), eyes, RapidEyeMovements("E1-M2 + E2-M1", n)))
             for n in (0, 2, 7)}
    assert words[0].endswith("low slow eye movements, no rapid eye movements.")
    assert "a few rapid eye movements" in words[2] and "many rapid eye movements" in words[7]
    # without a detector reading the summary says nothing of rapid eye movements
    assert "rapid" not in summary(BrainFacts((N3_BANDS,), eyes))
    text = render_caption("brain", BrainFacts((), eyes, RapidEyeMovements("E1-M2 + E2-M1", 7)),
                          np.random.default_rng(0), approx_prob=0.0)
    assert parse_caption(text, "brain").rems == RapidEyeMovements("E1-M2 + E2-M1", 7)


def test_apnea_summary_states_the_duration_in_words() -> None:
    facts = StageEventFacts("N2", (EventSpan("obstructive_apnea", 4.2, 22.4),))
    text = summary(facts)
    assert "N2 sleep" in text and "airflow absent for 18 s" in text


def test_caption_opens_with_its_summary_and_still_parses() -> None:
    facts = StageEventFacts("REM", (EventSpan("hypopnea", 0.0, 12.5),))
    text = render_caption("stage_event", facts, np.random.default_rng(3), approx_prob=0.0)
    assert text.startswith(SUMMARY_LEAD) and "airflow reduced for 12 s" in text
    assert parse_caption(text, "stage_event") == facts


def test_same_binned_facts_share_a_key_other_facts_do_not() -> None:
    a = StageEventFacts("N3", (EventSpan("obstructive_apnea", 1.0, 19.0),))
    b = StageEventFacts("N3", (EventSpan("obstructive_apnea", 5.0, 30.0),))
    c = StageEventFacts("N1", (EventSpan("obstructive_apnea", 1.0, 19.0),))
    texts = [render_caption("stage_event", f, np.random.default_rng(s)) for f, s in ((a, 0), (b, 1), (c, 0))]
    assert texts[0] != texts[1]
    assert caption_key(texts[0]) == caption_key(texts[1])  # numbers differ, words agree
    assert caption_key(texts[0]) != caption_key(texts[2])  # "N3" is a name, not a number
    assert caption_key("Scored stage: N2.") == "Scored stage: N2."  # no summary: whole text
