""""What stands out in this night?": measured findings against stated limits, each with its
moment drawn, on the bundled night."""

from __future__ import annotations

import numpy as np

from app.chat.norms import ahi_band, compare_with_norms
from app.chat.plan import clock
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC


def test_findings_lead_with_breathing_and_list_what_crosses_a_limit(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("what should I look at first in this night?", engine)
    s = night.summary()
    lines = [line for line in answer.text.split("\n") if line[:2].rstrip(".").isdigit()]
    assert lines[0].startswith(f"1. AHI **{s.ahi:.1f}/h**: {ahi_band(s.ahi)}"), answer.text
    # Every norm outside its range is listed, and none inside it.
    _, rows = compare_with_norms(s, None)
    outside = {name for name, value, _, lo, hi in rows if not lo <= value <= hi}
    inside = {name for name, value, _, lo, hi in rows if lo <= value <= hi}
    assert all(any(f" {name} **" in f" {line[3:]}" for line in lines) for name in outside)
    assert not any(line[3:].startswith(f"{name} **") for line in lines for name in inside)
    # The lowest SpO2 is drawn where it is.
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    at = int(np.argmin(np.where(spo2.data >= 50, spo2.data, np.inf))) / spo2.sfreq
    assert f"at {clock(night, at)} (under 90 %)" in answer.text
    assert any(h.start <= at <= h.end for h in answer.highlights)


def test_the_longest_awakening_is_found_after_sleep_onset(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what stands out?", engine).text
    stages = night.stages()[0]
    sleep = np.flatnonzero(stages >= 1)
    wake = (stages == 0) & (np.arange(len(stages)) > sleep[0]) & (np.arange(len(stages)) < sleep[-1])
    best, run, start, best_start = 0, 0, 0, 0
    for i, w in enumerate(wake):
        run, start = (run + 1, start) if w else (0, i + 1)
        if run > best:
            best, best_start = run, start
    assert f"an awakening of **{best * EPOCH_SEC / 60:.0f} min** at " \
           f"{clock(night, night.epochs.starts[best_start])}" in text, text


def test_an_off_finger_oximeter_is_no_lowest_saturation(demo) -> None:
    from dataclasses import replace
    night, engine = demo
    label = night.epochs.aux_mapping["SPO2"]
    sig = night.recording.signals[label]
    data = np.array(sig.data, dtype=float)
    real_low = float(data.min())
    data[1000:1060] = 0.0   # a minute with the probe off the finger
    rec = replace(night.recording, signals={**night.recording.signals, label: replace(sig, data=data)})
    off = replace(night, recording=rec, _summary={})
    for question in ("what was the lowest saturation?", "what stands out?"):
        text = Session(off).ask(question, engine).text
        assert "**0.0 %**" not in text and "**0 %**" not in text, text
    assert f"lowest **{real_low:.1f} %**" in Session(off).ask("what was the lowest saturation?",
                                                              engine).text
