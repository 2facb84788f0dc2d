"""SpO2 fall and recovery around one event (``sleeplm_core.scoring.desaturation``), on
built traces whose answer is known, and through the chat on the bundled night."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from app.session import Session
from app.timeexpr import format_clock
from sleeplm_core.scoring.desaturation import ResaturationConfig, resaturation


def _trace(fs: float = 1.0) -> np.ndarray:
    """96 % for 10 min, a fall to 89 % over 30 s from 200 s, back to 96 % over 40 s."""
    t = np.arange(0, 600, 1 / fs)
    x = np.full_like(t, 96.0)
    fall, rise = (t >= 200) & (t < 230), (t >= 230) & (t < 270)
    x[fall] = 96 - 7 * (t[fall] - 200) / 30
    x[rise] = 89 + 7 * (t[rise] - 230) / 40
    return x


@pytest.mark.parametrize("fs", [1.0, 4.0])
def test_the_nadir_after_the_event_and_the_recovery_are_found(fs: float) -> None:
    found = resaturation(_trace(fs), fs, onset=180.0, end=210.0)
    assert found.baseline == pytest.approx(96.0)
    # the nadir lies 20 s after the event's end, inside the oximeter's lag
    assert found.nadir_at == pytest.approx(230.0, abs=1 / fs + 1e-9)
    assert found.nadir == pytest.approx(89.0, abs=0.3)
    # within 1 point of 96 once 89 + 7 (t - 230) / 40 >= 95, at t = 264.3 s
    assert found.recovered_at == pytest.approx(264.3, abs=1.0)
    assert found.fall == pytest.approx(7.0, abs=0.3)


def test_no_recovery_within_the_search_is_none() -> None:
    x = _trace()
    x[230:] = 90.0
    found = resaturation(x, 1.0, 180.0, 210.0, ResaturationConfig(recovery_max=120.0))
    assert found.recovered_at is None and found.last == pytest.approx(90.0)


def test_artefact_and_empty_windows() -> None:
    x = _trace()
    x[60:180] = 0.0   # an unplugged probe before the event: no baseline to read
    assert resaturation(x, 1.0, 180.0, 210.0) is None
    y = _trace()
    y[205] = 20.0     # a dropout sample is no nadir
    assert resaturation(y, 1.0, 180.0, 210.0).nadir == pytest.approx(89.0, abs=0.3)


def test_the_chat_reads_the_recovery_after_the_longest_apnea(demo) -> None:
    """"how long did it take SpO2 to recover after the longest apnea?" listed the apnea."""
    night, engine = demo
    apneas = [e for e in night.scored_events()[0] if e.type.endswith("apnea")]
    longest = max(apneas, key=lambda e: e.duration)
    sig = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    found = resaturation(sig.data, sig.sfreq, longest.onset, longest.offset)
    text = Session(night).ask("how long did it take SpO2 to recover after the longest apnea?",
                              engine).text
    t0 = night.recording.start_time
    assert text.startswith(f"Around the {longest.type.replace('_', ' ')} at **"
                           f"{format_clock(longest.onset, t0)}"), text
    assert f"to **{found.nadir:.1f} %** at **{format_clock(found.nadir_at, t0)}**" in text
    assert f"**{found.recovered_at - found.nadir_at:.0f} s** after the nadir" in text
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    two = session.ask("how long did the oxygen take to come back after it?", engine).text
    assert two.replace(" (the first listed)", "") == text


def test_and_after_the_longest_hypopnea_keeps_asking_for_the_recovery(demo) -> None:
    """After a recovery, "and after the longest hypopnea?" listed the hypopneas."""
    night, engine = demo
    session = Session(night)
    session.ask("how long did it take SpO2 to recover after the longest apnea?", engine)
    text = session.ask("and after the longest hypopnea?", engine).text
    hyp = max((e for e in night.scored_events()[0] if e.type == "hypopnea"),
              key=lambda e: e.duration)
    assert text.startswith(f"Around the hypopnea at **"
                           f"{format_clock(hyp.onset, night.recording.start_time)}"), text
    # without a recovery just before, the same words list the hypopneas
    plain = Session(night)
    plain.ask("show me the longest apnea", engine)
    assert not plain.ask("and after the longest hypopnea?", engine).text.startswith("Around")


def test_an_unreadable_spo2_is_said_so(demo) -> None:
    night, engine = demo
    label = night.epochs.aux_mapping["SPO2"]
    signals = dict(night.recording.signals)
    signals[label] = replace(signals[label], data=np.zeros_like(signals[label].data))
    dropped = replace(night, recording=replace(night.recording, signals=signals))
    text = Session(dropped).ask("how long did it take SpO2 to recover after the longest apnea?",
                                engine).text
    assert text.startswith("The SpO2 channel has no valid reading (50-100 %) in the 120 s "
                           "before the "), text
