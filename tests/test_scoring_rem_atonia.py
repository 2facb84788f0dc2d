"""REM sleep without atonia from the chin EMG (sleeplm_core.scoring.rem_atonia): an atonic
REM reads as such, and sustained tone or repeated bursts are found in the epochs that hold them."""

from __future__ import annotations

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal
from sleeplm_core.scoring.rem_atonia import rem_atonia

FS = 128.0
N2, REM = STAGES.index("N2"), STAGES.index("REM")


def _night(rem_tone: dict[int, float], bursts: dict[int, int], seed: int = 0):
    """40 epochs: 20 of N2 (5 uV of muscle noise), then 20 of REM (1 uV); ``rem_tone`` sets
    some REM epochs' noise, ``bursts`` puts 0.5-s bursts of 8 uV in that many of an REM
    epoch's 3-s mini-epochs."""
    rng = np.random.default_rng(seed)
    stages = np.array([N2] * 20 + [REM] * 20)
    per = int(EPOCH_SEC * FS)
    scale = np.repeat([5.0 if s == N2 else rem_tone.get(i, 1.0) for i, s in enumerate(stages)], per)
    x = scale * rng.standard_normal(len(stages) * per)
    for epoch, count in bursts.items():
        for mini in range(count):
            a = epoch * per + int((mini * 3.0 + 1.0) * FS)
            x[a:a + int(0.5 * FS)] += 8.0 * rng.standard_normal(int(0.5 * FS))
    return Signal("Chin", x, FS, "uV"), stages, np.arange(len(stages)) * EPOCH_SEC


def test_atonic_rem_meets_neither_criterion() -> None:
    sig, stages, starts = _night({}, {})
    r = rem_atonia(sig, stages, starts)
    assert list(r.epochs) == list(range(20, 40))
    assert not r.without_atonia.any() and r.phasic_share < 0.05
    assert r.rem_level < r.nrem_minimum < r.nrem_level


def test_sustained_tone_and_bursts_are_found_where_they_are() -> None:
    sig, stages, starts = _night({25: 6.0, 26: 6.0}, {30: 6, 31: 3})
    r = rem_atonia(sig, stages, starts)
    assert list(r.epochs[r.sustained]) == [25, 26]
    # 3 bursting mini-epochs are too few; tone six times the REM level bursts everywhere.
    assert list(r.epochs[r.transient]) == [25, 26, 30]
    assert list(r.epochs[r.without_atonia]) == [25, 26, 30]


def test_a_night_without_rem_or_nrem_has_no_reading() -> None:
    sig, stages, starts = _night({}, {})
    assert rem_atonia(sig, np.full_like(stages, N2), starts) is None


def test_rem_staged_nrem_is_kept_out_of_the_minimum_by_a_reference() -> None:
    # A machine staged five atonic REM epochs N2: as NREM they drag the 5th-percentile minimum
    # down to REM's own tone, so atonic REM reads as sustained activity.
    sig, stages, starts = _night({}, {})
    machine = stages.copy()
    machine[20:25] = N2
    loose = rem_atonia(sig, machine, starts)
    assert loose.sustained.mean() > 0.3 and loose.nrem_reference == loose.nrem_epochs == 25
    sure = rem_atonia(sig, machine, starts, reference=np.arange(len(stages)) < 20)
    assert not sure.without_atonia.any()
    assert (sure.nrem_reference, sure.nrem_epochs) == (20, 25)
    assert sure.nrem_minimum > 3 * sure.rem_level
