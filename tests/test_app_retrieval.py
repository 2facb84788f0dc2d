"""Library retrieval from the app: a real FAISS index built by `sleeplm index build`."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import Engine, EngineConfig, build_engine
from app.night import embed_night, read_night
from app.retrieval import card
from app.session import Session
from sleeplm_core.cli import main as sleeplm
from sleeplm_core.errors import IndexError_
from sleeplm_core.index.search import search_vectors
from sleeplm_core.model import create_model
from sleeplm_core.model.checkpoint import save_pretrained


@pytest.fixture(scope="module")
def root(short_synthetic_edf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder and a library of the 30-min night built with it."""
    root = tmp_path_factory.mktemp("library")
    save_pretrained(create_model("sleeplm-mini", seed=5), root / "model")
    assert sleeplm(["index", "build", str(short_synthetic_edf), "--out", str(root / "index"),
                    "--model", str(root / "model"), "--kind", "synthetic", "--licence", "CC0",
                    "--captions", "measured"]) == 0
    return root


@pytest.fixture(scope="module")
def engine(root: Path) -> Engine:
    return build_engine(EngineConfig(model=root / "model", index=root / "index", threads=1))


@pytest.fixture(scope="module")
def session(engine: Engine, short_synthetic_edf: Path) -> Session:
    night = read_night(short_synthetic_edf, "synthetic_30min")
    embed_night(night, engine)
    return Session(night)


def test_current_epoch_finds_its_neighbours_but_not_itself(engine: Engine, session: Session) -> None:
    session.move(12)
    reply = session.ask("find epochs like this one in the library", engine)
    assert "epoch 12 " in reply.text
    # The index holds this night: the epoch finds itself first at cosine 1, and the answer
    # leaves it out, showing the next ones in the index's own order.
    direct = search_vectors(engine.library, session.night.embedded.vectors[12:13], 7)[0]
    assert int(direct[0].meta["epoch"]) == 12 and direct[0].score == pytest.approx(1.0, abs=1e-4)
    assert [h.row for h in session.hits] == [h.row for h in direct[1:]]
    top = session.hits[0]
    shown = card(top, session.night)
    assert len(shown.figure.data) == 1 and "synthetic, CC0" in shown.text


def test_text_search_returns_cards_with_captions(engine: Engine, session: Session) -> None:
    result = session.retrieve("sleep spindles", engine)
    assert len(result.hits) == 6 and "Library epochs closest to" in result.text
    assert all(h.meta["caption"] for h in result.hits)


def test_another_models_library_is_refused_with_a_rebuild_hint(tmp_path: Path, root: Path) -> None:
    save_pretrained(create_model("sleeplm-mini", seed=6), tmp_path / "other")
    with pytest.raises(IndexError_, match="rebuild the index with this model"):
        build_engine(EngineConfig(model=tmp_path / "other", index=root / "index", threads=1))
