"""Answers on a night whose montage lacks a modality: the app says it cannot see it."""

from __future__ import annotations

from pathlib import Path

from app.engine import EngineConfig, build_engine
from app.night import embed_night, read_night
from app.session import Session


def test_missing_respiratory_channels_are_named_in_the_answer(short_synthetic_edf: Path) -> None:
    engine = build_engine(EngineConfig(threads=1))
    night = read_night(short_synthetic_edf, "no_breathing",
                       mapping={"AF": "none", "THX": "none", "ABD": "none"})
    assert not {"AF", "THX", "ABD"} & set(night.epochs.mapping)
    embed_night(night, engine)
    session = Session(night)
    apneas = session.ask("where are the apneas?", engine).text
    assert "has none of the respiratory channels (AF, THX, ABD)" in apneas
    spindles = session.ask("find sleep spindles", engine).text
    assert "has none of" not in spindles


def test_scored_events_lead_the_answer_longest_first(synthetic_edf: Path) -> None:
    engine = build_engine(EngineConfig(threads=1))
    night = read_night(synthetic_edf, "scored")
    embed_night(night, engine)
    apneas = sorted((e for e in night.recording.events if e.type.endswith("_apnea")),
                    key=lambda e: -e.duration)
    assert len(apneas) >= 3
    answer = Session(night).ask("where did breathing stop?", engine)
    assert answer.text.startswith(f"The human scoring has **{len(apneas)}** apnea events")
    assert "The model's" in answer.text.split("\n\n")[1]
    scored = [h for h in answer.highlights if h.score is None]
    assert [h.start for h in scored] == [e.onset for e in apneas[:len(scored)]]
    assert answer.jump == night.epoch_at(apneas[0].onset)
