"""Stop 78: what stop 77 left, and what probe O found on two new nights, each fixed and held here."""

from __future__ import annotations

import re

import pytest

from app.chat.render import render
from app.chat.results import Retrieval
from chat_dialogues import last_answer, stage_epochs
from sleeplm_core.index.search import Hit
from sleeplm_core.scoring.channels import is_central_eeg


@pytest.mark.parametrize("label, central", [
    ("C3-M2", True), ("EEG C4-A1", True), ("Cz-A1", True), ("EEG Fpz-Cz", False), ("EEG Pz-Oz", False),
    ("F4-M1", False), ("EEG", False),
])
def test_central_leads_are_told_from_frontal_and_parietal_ones(label: str, central: bool) -> None:
    assert is_central_eeg(label) is central


@pytest.mark.parametrize("question", ["spindle density in N2?", "how many spindles?"])
def test_machine_spindles_on_a_frontal_lead_say_the_count_may_read_low_once(sc4001_unscored, question: str) -> None:
    """Seed 13142 (Sleep-EDF montage): 0.22 machine spindles per minute of N2 against a true 3.63,
    said with no caveat."""
    text = last_answer(sc4001_unscored, question)
    assert text.count("not a central lead") == 1 and "EEG Fpz-Cz" in text and "may read far low" in text


def test_machine_spindles_on_a_central_lead_carry_no_lead_caveat(demo_unscored) -> None:
    text = last_answer(demo_unscored, "spindle density in N2?")
    assert "per minute" in text and "not a central lead" not in text


@pytest.mark.parametrize("stage", ["N1", "REM", "W"])
def test_a_search_by_epoch_says_how_many_matches_share_its_stage(demo, stage: str) -> None:
    """Probe M: "find epochs like this" listed neighbours of another stage without saying so."""
    night, _ = demo
    epoch = int(stage_epochs(night, stage)[3])
    text = last_answer(demo, f"go to epoch {epoch}", "find epochs like this one")
    listed = re.findall(r"^- [+-]\d\.\d{3} · .*?, stage (\w+), ", text, re.M)
    said = re.search(r"\*\*(\d+) of (\d+)\*\* are stage (\w+), as epoch (\d+) is \(human-scored\)", text)
    assert listed and said and int(said[2]) == len(listed) and said[3] == stage and int(said[4]) == epoch
    assert int(said[1]) == sum(s == stage for s in listed)
    assert ("the others are" in text) is (int(said[1]) < len(listed))


def test_a_search_cut_to_a_stage_does_not_count_its_stage(demo) -> None:
    night, _ = demo
    epoch = int(stage_epochs(night, "N2")[3])
    text = last_answer(demo, f"go to epoch {epoch}", "find epochs like this one in REM")
    assert "stage REM" in text and "are stage" not in text


def test_matches_of_another_stage_are_counted_and_named(demo) -> None:
    """The list's matches of another stage, as a search from an N2 epoch of a library of mixed stages
    meets them: counted by stage, with the search cut to its stage offered."""
    night, _ = demo
    meta = {"recording": "other", "time_s": 0.0, "clock": "", "kind": "synthetic", "licence": "MIT", "caption": ""}
    hits = [Hit(0.99, n, {**meta, "epoch": n, "stage": stage}) for n, stage in enumerate(["N2", "N1", "N2", "W", "N1"])]
    text = render(Retrieval("epoch 5", hits, searched_stage=("N2", "scored")), night).text
    assert "**2 of 5** are stage N2, as epoch 5 is (human-scored); the others are N1 2, W 1" in text
    assert "*epochs like this in N2*" in text
