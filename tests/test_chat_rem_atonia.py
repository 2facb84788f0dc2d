"""REM sleep without atonia asked in the chat: the bundled night's chin EMG read against the
AASM rule, scoped by time, and refused in one line where there is no chin EMG."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import STAGES, Signal


@pytest.mark.parametrize("text", ["was there REM without atonia?", "is there atonia in REM?",
                                  "any REM sleep behavior disorder signs?", "did the patient act out dreams?",
                                  "was the chin tone raised in REM?", "any RSWA?"])
def test_rem_tone_questions_ask_for_it(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.measure) == (Intent.MEASURE, "atonia"), q


def test_the_bundled_night_is_read_epoch_by_epoch(demo) -> None:
    night, engine = demo
    reading, _ = night.rem_atonia()
    session = Session(night)
    answer = session.ask("was there REM without atonia?", engine)
    n = int(reading.without_atonia.sum())
    assert f"{len(reading.epochs)} REM epochs" in answer.text
    assert f"**{n}** ({100 * n / len(reading.epochs):.0f} %) meet" in answer.text
    assert len(answer.items) == n and "not one" in answer.text
    later = session.ask("and in the second half?", engine)
    judged = int(re.search(r"(\d+) REM epochs", later.text).group(1))
    assert 0 < judged < len(reading.epochs) and "in the second half" in later.text


def test_a_night_without_chin_emg_says_why(demo) -> None:
    night, engine = demo
    mapping = {k: v for k, v in night.epochs.mapping.items() if k != "EMG_CHIN"}
    bare = replace(night, epochs=replace(night.epochs, mapping=mapping))
    text = Session(bare).ask("was there REM without atonia?", engine).text
    assert text.startswith("I cannot read chin tone in REM on this night: no chin EMG channel")


def test_an_emg_envelope_sampled_at_1_hz_is_not_read(demo) -> None:
    """Sleep-EDF's submental channel is a 1-Hz envelope: bursts of 0.1 s cannot be seen."""
    night, engine = demo
    label = night.epochs.mapping["EMG_CHIN"]
    sig = night.recording.signals[label]
    slow = Signal(label, sig.data[:: int(sig.sfreq)].copy(), 1.0, sig.unit)
    bare = replace(night, recording=replace(night.recording, signals={**night.recording.signals,
                                                                        label: slow}))
    text = Session(bare).ask("was there REM without atonia?", engine).text
    assert text.startswith(f"I cannot read chin tone in REM on this night: {label} sampled at 1 Hz")


def test_rem_the_model_only_guessed_is_not_judged(demo) -> None:
    night, engine = demo
    unstaged = replace(night, epochs=replace(night.epochs, stages=night.epochs.stages * 0 - 1),
                       machine=None)
    assert unstaged.stages()[1] == "predicted"
    text = Session(unstaged).ask("was there REM without atonia?", engine).text
    assert "its REM is neither scored nor machine-staged from an EEG" in text


def test_a_machine_staged_night_takes_its_minimum_over_sure_nrem_and_says_so(demo, demo_unscored) -> None:
    """Unscored, the NREM minimum is read over the NREM epochs YASA gave REM odds under 0.1 (REM
    it staged N2 would lower it), and the answer warns that machine REM runs high; scored, neither."""
    night, engine = demo_unscored
    reading, _ = night.rem_atonia()
    stages = night.machine_stages()
    odds = night.machine_proba(slice(None))[:, STAGES.index("REM")]
    nrem = np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3")])
    assert reading.nrem_epochs == int(nrem.sum()) > reading.nrem_reference == int((nrem & (odds < 0.1)).sum())
    text = Session(night).ask("was there REM without atonia?", engine).text
    assert (f"over the {reading.nrem_reference} of {reading.nrem_epochs} NREM epochs the machine gave REM "
            "odds under 0.1") in text
    assert "an N1 epoch it took for REM" in text and "Review the flagged epochs" in text
    scored = Session(demo[0]).ask("was there REM without atonia?", engine).text
    assert "NREM epochs the machine gave" not in scored and "Review the flagged" not in scored
