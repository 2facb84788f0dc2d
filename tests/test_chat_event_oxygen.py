"""The oxygen of one picked event: "how low did the sat go?" and "what was the lowest
saturation during it?" after "show me the longest apnea" read that apnea and the desaturation
tied to it (SpO2 lags the breathing), not the whole night; with nothing picked, the night."""

from __future__ import annotations

import numpy as np

from app.chat.plan import clock
from app.session import Session
from sleeplm_core.heads.summary import APNEA_TYPES


def _longest_apnea_and_its_nadir(night) -> tuple[object, float]:
    events = night.scored_events()[0]
    apnea = max((e for e in events if e.type in APNEA_TYPES and "apnea" in e.type),
                key=lambda e: e.duration)
    desat = min((e for e in events if e.type == "desaturation"
                 and apnea.onset <= e.onset <= apnea.offset + 30),
                key=lambda e: e.onset)
    sig = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    t = np.arange(sig.data.size) / sig.sfreq
    inside = (t >= desat.onset) & (t <= desat.offset)
    return apnea, float(np.nanmin(sig.data[inside]))


def test_how_low_did_the_sat_go_after_picking_an_apnea_reads_that_apnea(demo) -> None:
    """It gave the whole night's SpO2."""
    night, engine = demo
    apnea, nadir = _longest_apnea_and_its_nadir(night)
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    text = session.ask("how low did the sat go?", engine).text
    assert text.startswith("Lowest SpO2 during it:"), text
    assert f"after it, in its desaturation, **{nadir:.1f} %**" in text
    assert f"at **{clock(night, apnea.onset)}" in text


def test_the_lowest_saturation_during_it_is_the_picked_events(demo) -> None:
    """It gave the whole night's lowest SpO2."""
    night, engine = demo
    apnea, _ = _longest_apnea_and_its_nadir(night)
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    text = session.ask("what was the lowest saturation during it?", engine).text
    assert text.startswith("Lowest SpO2 during it:") and clock(night, apnea.onset) in text, text


def test_how_long_until_the_sat_recovered_reads_the_picked_event(demo) -> None:
    """It gave the whole night's SpO2."""
    night, engine = demo
    apnea, _ = _longest_apnea_and_its_nadir(night)
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    text = session.ask("how long until the sat recovered?", engine).text
    assert text.startswith("Around the") and clock(night, apnea.onset) in text.split("\n")[0], text


def test_how_low_did_the_sat_go_with_nothing_picked_reads_the_night(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how low did the sat go?", engine).text
    assert text.startswith("SpO2, over the whole night") and "The lowest value falls at" in text, text


def test_recovery_with_nothing_picked_reads_every_desaturation_of_sleep(demo) -> None:
    """It gave the night's SpO2 statistics."""
    from app.chat.recovery import RECOVERY
    from sleeplm_core.scoring.desaturation import resaturation

    night, engine = demo
    sig = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    stages = night.stages()[0]
    found = [resaturation(sig.data, sig.sfreq, e.onset, e.offset, RECOVERY)
             for e in night.scored_events()[0]
             if e.type == "desaturation" and stages[night.epoch_at(e.onset)] > 0]
    back = [r.recovered_at - r.nadir_at for r in found if r is not None and r.recovered_at is not None]
    text = Session(night).ask("how long until the sat recovered?", engine).text
    assert text.startswith(f"After the {len(found)} desaturations of sleep"), text
    assert f"a median **{np.median(back):.0f} s** after the nadir" in text


def test_recovery_after_the_apneas_reads_each_apnea(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    n = sum(1 for e in night.scored_events()[0] if e.type.endswith("apnea")
            and stages[night.epoch_at(e.onset)] > 0)
    text = Session(night).ask("how fast did the oxygen recover after the apneas?", engine).text
    assert text.startswith(f"After the {n} apneas of sleep"), text


def test_an_uncalibrated_spo2_is_refused_with_the_reason(demo, fraction_spo2) -> None:
    _, engine = demo
    for question in ("how long until the sat recovered?", "AHI 3% vs 4%?"):
        text = Session(fraction_spo2).ask(question, engine).text
        assert text.startswith("I cannot answer that from this recording.") and "uncalibrated" in text, text


def test_a_stage_period_in_focus_is_no_event_to_read_the_oxygen_of(demo) -> None:
    """After the longest REM period was shown, "how long until the sat recovered?" read that
    period as an event."""
    night, engine = demo
    session = Session(night)
    session.ask("show me the longest REM period", engine)
    session.ask("zoom into the first one", engine)
    text = session.ask("how long until the sat recovered?", engine).text
    assert text.startswith("After the ") and "desaturations of sleep" in text, text
