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
