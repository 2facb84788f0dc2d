"""Band-power ratios asked in words ("theta/delta ratio in REM"), on the bundled night: the
mean powers of the two bands over the scope's epochs, divided, and per stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import STAGES


def _ratio(night, top: str, bottom: str, stage: str) -> float:
    frame = night.feature_frame()
    col = {b: next(c for c in frame.columns if c.startswith("brain.eeg.") and c.endswith(f".{b} [%]"))
           for b in (top, bottom)}
    mask = night.stages()[0] == STAGES.index(stage)
    values = {b: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)[mask] for b, c in col.items()}
    return float(np.nanmean(values[top]) / np.nanmean(values[bottom]))


def test_theta_delta_ratio_in_rem_is_the_ratio_of_the_mean_powers(demo) -> None:
    """It explained slow waves."""
    night, engine = demo
    text = Session(night).ask("what's the theta/delta ratio in REM?", engine).text
    assert text.startswith(f"Theta/delta ratio in REM: **{_ratio(night, 'theta', 'delta', 'REM'):.2f}**"), text
    assert f"N3 **{_ratio(night, 'theta', 'delta', 'N3'):.2f}**" in text


def test_a_follow_up_moves_the_ratio_to_another_stage(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("ratio of beta to alpha power during wake", engine)
    text = session.ask("and in N2?", engine).text
    assert text.startswith(f"Beta/alpha ratio in N2: **{_ratio(night, 'beta', 'alpha', 'N2'):.2f}**"), text


@pytest.mark.parametrize("question, target", [
    ("delta-theta ratio", "delta/theta"), ("what is the delta to theta ratio in N3?", "delta/theta"),
    ("spindle/delta power ratio", "sigma/delta"), ("the ratio between alpha and theta", "alpha/theta"),
])
def test_ratio_wordings(question: str, target: str) -> None:
    q = understand(question)
    assert (q.measure, q.target) == ("band_ratio", target)
