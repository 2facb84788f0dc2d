"""A statistic of the stages asked of a named staging ("REM latency according to YASA?", "sleep
efficiency by the model", "TST: expert vs machine") on the real SC4001 night, which has a human,
a machine and a model staging that disagree. Every expected figure is computed here from that
staging's own stages, so an answer read from another staging fails."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.understand import of_both_scorings, understand
from chat_dialogues import last_answer
from sleeplm_core.heads.metrics import staging_scores
from sleeplm_core.heads.summary import summarize_night
from sleeplm_core.io.recording import STAGES


@pytest.fixture(scope="module")
def stagings(sc4001_read):
    """The three stagings' statistics of SC4001: human, machine (YASA) and the model's."""
    night, _ = sc4001_read
    human = night.summary()
    machine = summarize_night(night.machine_stages())
    model = summarize_night(night.predicted)
    # the stagings must differ where the tests read them, or a mix-up could not show
    assert round(human.rem_latency_min, 1) != round(machine.rem_latency_min, 1)
    assert round(human.se_pct, 1) != round(machine.se_pct, 1) != round(model.se_pct, 1)
    assert round(human.tst_min) != round(machine.tst_min) != round(model.tst_min)
    return human, machine, model


@pytest.mark.parametrize("question", ["REM latency according to YASA?", "what does YASA say the REM latency is",
                                      "rem latency by the machine staging"])
def test_rem_latency_of_the_machine_staging(sc4001_read, stagings, question: str) -> None:
    _, machine, _ = stagings
    text = last_answer(sc4001_read, question)
    assert text.startswith("From the machine-scored (YASA"), text[:200]
    assert f"REM latency is **{machine.rem_latency_min:.1f} min**" in text, text[:300]


@pytest.mark.parametrize(("question", "figure"), [
    ("YASA's sleep efficiency", lambda s: f"Sleep efficiency: **{s.se_pct:.1f} %**"),
    ("TST with the machine staging", lambda s: f"Total sleep time: **{s.tst_min:.0f} min**"),
    ("sleep onset latency by yasa", lambda s: f"latency is **{s.sol_min:.1f} min**"),
    ("what if yasa had scored it?", lambda s: f"total sleep {s.tst_min:.0f} min, efficiency {s.se_pct:.1f}%"),
    ("hypnogram statistics from the machine staging", lambda s: f"total sleep {s.tst_min:.0f} min"),
    ("how much N3 according to yasa", lambda s: f"**{s.stage_min['N3']:.1f} min** of N3"),
])
def test_statistics_of_the_machine_staging(sc4001_read, stagings, question: str, figure) -> None:
    _, machine, _ = stagings
    text = last_answer(sc4001_read, question)
    assert figure(machine) in text, text[:400]
    assert "machine-scored (YASA" in text, text[:400]


@pytest.mark.parametrize(("question", "figure"), [
    ("sleep efficiency by the model", lambda s: f"Sleep efficiency: **{s.se_pct:.1f} %**"),
    ("the model's TST", lambda s: f"Total sleep time: **{s.tst_min:.0f} min**"),
    ("what if the model had staged it?", lambda s: f"total sleep {s.tst_min:.0f} min"),
    ("how much REM according to the model", lambda s: f"**{s.stage_min['REM']:.1f} min** of REM"),
])
def test_statistics_of_the_model_staging_with_its_agreement(sc4001_read, stagings, question: str, figure) -> None:
    night, _ = sc4001_read
    _, _, model = stagings
    text = last_answer(sc4001_read, question)
    assert figure(model) in text, text[:400]
    assert "model-predicted (SleepLM zero-shot)" in text
    human = night.scored()
    both = (human >= 0) & (night.predicted >= 0)
    kappa = staging_scores(human[both], night.predicted[both], STAGES).kappa
    assert f"against the human-scored stages of this night, Cohen's κ **{kappa:.2f}** over {int(both.sum())} epochs" in text


def test_the_model_stages_are_not_doubted_with_the_machine_odds(sc4001_read, stagings) -> None:
    """The machine staging's probabilities say nothing of the model's stages."""
    night, _ = sc4001_read
    _, _, model = stagings
    text = last_answer(sc4001_read, "REM latency according to the model")
    assert f"REM latency is **{model.rem_latency_min:.1f} min**" in text
    assert "unsure" not in text and "probability" not in text, text
    assert night.model_view().machine_proba(slice(0, 3)) is None
    assert night.machine_proba(slice(0, 3)) is not None


@pytest.mark.parametrize("questions", [("REM latency expert vs machine",), ("rem latency: yasa vs human",),
                                       ("REM latency?", "how does that compare to the machine's?")])
def test_rem_latency_of_both_scorings_human_first(sc4001_read, stagings, questions) -> None:
    human, machine, _ = stagings
    text = last_answer(sc4001_read, *questions)
    first = text.index(f"From the human-scored hypnogram: REM latency is **{human.rem_latency_min:.1f} min**")
    second = text.index(f"From the machine-scored (YASA, EEG Fpz-Cz) hypnogram: REM latency is "
                        f"**{machine.rem_latency_min:.1f} min**")
    assert first < second


def test_total_sleep_of_both_scorings(sc4001_read, stagings) -> None:
    human, machine, _ = stagings
    text = last_answer(sc4001_read, "TST: human vs yasa")
    tst = [float(m) for m in re.findall(r"Total sleep time: \*\*(\d+) min\*\*", text)]
    assert tst == [round(human.tst_min), round(machine.tst_min)]


def test_a_staging_named_without_a_statistic_is_left_to_other_rules() -> None:
    assert of_both_scorings("how does the expert compare with the machine?") is None
    assert of_both_scorings("REM latency expert vs machine") == "REM latency?"
    assert understand("how does YASA compare with the expert?").note == "confusion"
    assert understand("how confident is the machine staging?").topic == "scoring"


def test_the_human_staging_named_is_the_night_itself(sc4001_read, stagings) -> None:
    human, _, _ = stagings
    text = last_answer(sc4001_read, "REM latency according to the expert")
    assert text.startswith(f"From the human-scored hypnogram: REM latency is **{human.rem_latency_min:.1f} min**")


@pytest.mark.parametrize("question", ["show me the hypnogram statistics", "hypnogram metrics",
                                      "what are the sleep parameters"])
def test_hypnogram_statistics_are_the_numbers_not_the_plot(sc4001_read, stagings, question: str) -> None:
    human, _, _ = stagings
    text = last_answer(sc4001_read, question)
    assert f"From the **human-scored** hypnogram: time in bed {human.tib_min:.0f} min, total sleep " \
           f"{human.tst_min:.0f} min" in text, text[:300]


def test_an_unscored_night_answers_from_the_machine_either_way(sc4001_unscored) -> None:
    night, _ = sc4001_unscored
    machine = summarize_night(night.machine_stages())
    plain = last_answer(sc4001_unscored, "REM latency?")
    named = last_answer(sc4001_unscored, "REM latency according to YASA?")
    assert f"REM latency is **{machine.rem_latency_min:.1f} min**" in plain
    assert named.split("\n")[0] == plain.split("\n")[0]
    assert np.isfinite(machine.rem_latency_min)


def test_what_the_machine_staging_would_change_in_a_statistic(sc4001_read, stagings) -> None:
    """"what would change in the TST if we used the machine staging" gave the machine's confidence."""
    human, machine, _ = stagings
    text = last_answer(sc4001_read, "what would change in the TST if we used the machine staging")
    assert text.index(f"Total sleep time: **{human.tst_min:.0f} min**") < text.index(
        f"Total sleep time: **{machine.tst_min:.0f} min**")

