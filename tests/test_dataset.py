"""Dataset build from a real recording, its on-disk format, resume, splits and sampling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.cli import main as sleeplm_main
from sleeplm_core.train.build import BuildConfig, NightItem, build_dataset
from sleeplm_core.train.captioning import night_captioner
from sleeplm_core.train.data import EpochDataset, ResumableSampler, sample_captions
from sleeplm_core.train.sources import SynthCorpus, file_items, synthetic_items, yasa_snippet_items
from sleeplm_core.train.store import DatasetError, hash_split, read_manifest

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
DREAMS = REAL / "dreams_spindles"
"""DREAMS may be used for tests (never for training the shipped model)."""

CONFIG = BuildConfig(levels=LEVELS, level_modality=list(range(len(LEVELS))), n_paraphrases=3)


@pytest.fixture(scope="module")
def dreams_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DREAMS excerpt3 (30 min, full montage, 50 Hz) built through the CLI."""
    out = tmp_path_factory.mktemp("dreams")
    code = sleeplm_main(["build-dataset", str(DREAMS / "excerpt3.edf"),
                         "--hypnogram", str(DREAMS / "Hypnogram_excerpt3.txt"),
                         "--out", str(out), "--split", "val", "--paraphrases", "3"])
    assert code == 0
    return out


def test_real_recording_becomes_memmapped_epochs_with_captions(dreams_dataset: Path) -> None:
    manifest = json.loads((dreams_dataset / "manifest.json").read_text())
    (entry,) = manifest["recordings"]
    assert entry["n_epochs"] == 60  # 30 min of 30-s epochs
    assert manifest["counts"]["val"]["epochs"] == 60
    assert manifest["levels"] == list(LEVELS)
    shard = dreams_dataset / "shards" / entry["recording_id"]
    epochs = np.load(shard / "epochs.npy", mmap_mode="r")
    assert isinstance(epochs, np.memmap)
    assert epochs.shape == (60, 10, 1920) and epochs.dtype == np.float32
    assert np.isfinite(epochs).all()
    # present channels carry z-scored signal
    assert 0.3 < float(np.std(epochs[:, 6])) < 3.0
    stages = np.load(shard / "stages.npy")
    assert (stages >= 0).all() and len(set(stages.tolist())) >= 2
    assert sum(entry["stage_counts"][s] for s in ("W", "N1", "N2", "N3", "REM")) == 60


def test_every_level_has_distinct_paraphrases(dreams_dataset: Path) -> None:
    ds = EpochDataset(dreams_dataset, "val")
    assert ds.captions.shape == (60, len(LEVELS), 3)
    # excerpt3's ECG (50 Hz) is too slow for beat detection, so "heart" may be absent
    for level in ("brain", "respiratory", "position_muscle", "stage_event"):
        have = ds.captions[:, LEVELS.index(level), :] >= 0
        assert have.all(axis=1).mean() > 0.9, level
    texts = {ds.strings[i] for i in ds.captions[:, 0, :].ravel() if i >= 0}
    assert len(texts) > 60  # paraphrases differ, not only epochs
    stage_text = ds.strings[ds.captions[0, LEVELS.index("stage_event"), 0]]
    assert any(word in stage_text for word in ("N1", "N2", "N3", "REM", "wake"))


def test_rebuilding_skips_done_nights_and_finishes_interrupted_builds(tmp_path: Path) -> None:
    items = yasa_snippet_items(REAL / "yasa_snippets")
    calls: list[str] = []

    def failing_second() -> None:
        raise KeyboardInterrupt

    first = NightItem(items[0].recording_id, items[0].source,
                      lambda: (calls.append("n3"), items[0].load())[1], "train")
    crash = NightItem(items[1].recording_id, items[1].source, failing_second, "train")
    with pytest.raises(KeyboardInterrupt):
        build_dataset([first, crash], tmp_path, CONFIG, night_captioner(3, 0))
    assert [r.recording_id for r in read_manifest(tmp_path).recordings] == [first.recording_id]
    manifest = build_dataset([first, items[1]], tmp_path, CONFIG, night_captioner(3, 0))
    assert calls == ["n3"]  # the finished night was not loaded again
    assert [r.n_epochs for r in manifest.recordings] == [1, 28]
    assert not list((tmp_path / "shards").glob("*.tmp"))
    assert manifest.counts()["train"]["REM"] == 28


def test_parallel_build_writes_the_same_dataset_as_one_process(tmp_path: Path) -> None:
    items = yasa_snippet_items(REAL / "yasa_snippets") + synthetic_items(
        SynthCorpus(n_nights=2, seed=3, hours=(0.5, 0.6), profile="random"))
    build_dataset(items, tmp_path / "one", CONFIG, night_captioner(3, 0))
    build_dataset(items, tmp_path / "three", CONFIG, night_captioner(3, 0), workers=3)
    one = json.loads((tmp_path / "one" / "manifest.json").read_text())
    three = json.loads((tmp_path / "three" / "manifest.json").read_text())
    assert one == three  # same entries, in the order of the items
    for shard in (tmp_path / "one" / "shards").iterdir():
        for path in shard.iterdir():
            assert path.read_bytes() == (tmp_path / "three" / "shards" / shard.name / path.name).read_bytes()


def test_build_with_no_worker_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = sleeplm_main(["build-dataset", "--out", str(tmp_path / "d"), "--synthetic", "1",
                         "--workers", "0"])
    assert code == 2
    assert "--workers 0" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_rebuild_with_other_levels_is_refused(dreams_dataset: Path) -> None:
    other = BuildConfig(levels=LEVELS[:2], level_modality=[0, 1], n_paraphrases=3)
    with pytest.raises(DatasetError, match="other caption levels"):
        build_dataset([], dreams_dataset, other, night_captioner(3, 0))


def test_missing_split_is_a_clear_error(dreams_dataset: Path) -> None:
    with pytest.raises(DatasetError, match="no recordings in split 'train'"):
        EpochDataset(dreams_dataset, "train")


def test_missing_recording_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not found"):
        file_items([tmp_path / "nope.edf"])


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20), st.integers(0, 5))
def test_a_recording_lands_in_one_split_whatever_else_is_built(name: str, seed: int) -> None:
    split = hash_split(name, seed, 0.2, 0.1)
    assert split in ("train", "val", "test")
    assert hash_split(name, seed, 0.2, 0.1) == split  # stable across builds and resumes


def test_sampled_captions_exist_and_cover_levels() -> None:
    captions = np.full((500, 5, 3), -1)
    captions[:, 0, :2] = 1
    captions[:, 4, 0] = 2
    captions[0] = -1
    ids, levels = sample_captions(captions, np.random.default_rng(0))
    assert ids[0] == -1 and levels[0] == -1
    assert set(ids[1:]) == {1, 2} and set(levels[1:]) == {0, 4}


def test_sampler_resumes_mid_epoch(dreams_dataset: Path) -> None:
    ds = EpochDataset(dreams_dataset, "val")
    sampler = ResumableSampler(ds, num_replicas=1, rank=0, seed=4)
    sampler.set_epoch(2)
    full = list(sampler)
    sampler.skip = 25
    assert list(sampler) == full[25:]
    assert sorted(full) == list(range(60))
