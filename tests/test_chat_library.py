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
    # one a user may name though nothing here reads it
    text = Session(night).ask("any teeth grinding?", engine).text
    assert text.startswith("**Sleep bruxism.**") and "No detector in this app" in text, text


def _hits(text: str) -> list[tuple[str, int, str]]:
    return [(r, int(e), s) for r, e, s in
            re.findall(r"^- [+-][\d.]+ · (\S+) epoch (\d+) \([^,]+, stage (\S+),", text, re.M)]


def test_a_library_hit_is_picked_by_its_place_in_the_list(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 3 am", engine)
    hits = _hits(session.ask("find similar epochs in the library", engine).text)
    assert len(hits) >= 2
    for ordinal, (recording, epoch, stage) in zip(("first", "second"), hits):
        answer = session.ask(f"show me the {ordinal} one", engine)
        if recording == night.name:   # a hit in the loaded night is shown here
            assert answer.jump == epoch, answer.text
        else:
            assert f"epoch {epoch} of **{recording}** (stage {stage})" in answer.text
            assert answer.jump is None


def test_library_hits_narrowed_to_a_stage(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 3 am", engine)
    listed = _hits(session.ask("find similar epochs in the library", engine).text)
    text = session.ask("which of them were in REM?", engine).text
    n_rem = sum(stage == "REM" for _, _, stage in listed)
    assert text.startswith(f"{n_rem} of the {len(listed)} listed matches")
    assert ", scored REM" in text
    hits = _hits(text)
    assert hits and all(stage == "REM" for _, _, stage in hits)
    rem = engine.library.metadata["stage"] == "REM"
    assert len(hits) == min(6, int(rem.sum()))


def test_a_picked_hit_leaves_the_search_to_narrow(demo) -> None:
    """A pick is no new question: "which of them were in REM?" after it narrows the search,
    not a text search for the picked recording's name."""
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 3 am", engine)
    session.ask("find similar epochs in the library", engine)
    session.ask("show me the second one", engine)
    text = session.ask("which of them were in REM?", engine).text
    assert "Library epochs closest to epoch 540, scored REM" in text, text
