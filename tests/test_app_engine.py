"""--model accepts our model folders and the released layout (weights file + config.json)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.engine import EngineConfig, build_engine
from sleeplm_core.errors import ModelError
from sleeplm_core.model import create_model, model_fingerprint
from sleeplm_core.model.checkpoint import save_pretrained


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("ours") / "mini"
    model = create_model("sleeplm-mini", seed=3)
    save_pretrained(model, folder)
    return folder, model_fingerprint(model)


def test_our_folder_and_released_layout_load_the_same_weights(saved: tuple[Path, str],
                                                                tmp_path: Path) -> None:
    folder, fingerprint = saved
    ours = build_engine(EngineConfig(model=folder, threads=1))
    assert ours.fingerprint == fingerprint and "model mini" in ours.status
    released = tmp_path / "release"
    released.mkdir()
    shutil.copy(folder / "config.json", released / "config.json")
    shutil.copy(folder / "model.safetensors", released / "sleeplm_release.safetensors")
    theirs = build_engine(EngineConfig(model=released, threads=1))
    assert theirs.fingerprint == fingerprint and "sleeplm_release.safetensors" in theirs.status


def test_a_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        build_engine(EngineConfig(model=tmp_path, threads=1))
