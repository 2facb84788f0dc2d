"""Questions about the retrieval library itself and retrieval from the epoch on screen, on
the bundled night and the shipped library (indexes/demo)."""

from __future__ import annotations

import re

from app.session import Session
from sleeplm_core.captions.caption import parse_caption

_APNEAS = {"obstructive_apnea", "central_apnea", "mixed_apnea"}


def test_the_night_with_the_most_apneas_is_ranked_from_the_captions(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which night in the library has the most apneas?", engine).text
    meta = engine.library.metadata
    counts = {name: sum(1 for c in rows["caption"]
                        if {e.type for e in parse_caption(c, "stage_event").events} & _APNEAS)
              for name, rows in meta.groupby("recording")}
    top = max(counts, key=counts.get)
    assert f"Most epochs with apneas: **{top}** ({counts[top]} of" in text, text
    listed = re.findall(r"^\| (\S+) \| (?:synthetic|real) \| [\d.]+ \| \d+ \| (\d+) \|", text, re.M)
    assert [int(n) for _, n in listed] == sorted(counts.values(), reverse=True)
    assert {name for name, _ in listed} == set(counts)


def test_the_library_lists_every_recording(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what's in the library?", engine).text
    names = set(engine.library.metadata["recording"])
    assert f"holds **{len(names)}** recordings" in text
    assert all(f"| {n} |" in text for n in names), text


def test_more_like_this_in_other_nights_leaves_this_night_out(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 3 am", engine)
    session.ask("find more like this in other nights", engine)
    assert session.hits and all(h.meta["recording"] != night.name for h in session.hits)
    session.ask("find similar epochs", engine)
    own = [h for h in session.hits if h.meta["recording"] == night.name]
    assert all(int(h.meta["epoch"]) != session.current for h in own)


def test_a_sleep_phenomenon_no_detector_reads_is_explained_not_guessed(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what are sawtooth waves?", engine).text
    assert text.startswith("**Sawtooth waves.**") and "No detector in this app" in text, text
