"""On-disk training dataset: one memory-mapped shard per recording plus a manifest.

Layout of a dataset folder::

    manifest.json              levels, splits, counts, one entry per recording
    shards/<recording_id>/
        epochs.npy             float32 (n, 10, 1920), z-scored model input
        quality.npy            bool (n, 10), True where the epoch/channel is flagged
        stages.npy             int8 (n,), stage code, -1 unknown
        starts.npy             float64 (n,), epoch start in seconds
        captions.npy           int32 (n, n_levels, n_paraphrases), index into strings.json, -1 none
        strings.json           the shard's caption strings (deduplicated)
        events.npy             bool (n, n_dense_types, 60), where scored events lie inside each
                               epoch at 0.5 s (``train.dense``); absent when the recording
                               carries no scored events (its epochs then train no dense loss)
        spo2.npy               float32 (n, 60), SpO2 in % at 2 Hz, NaN where missing
                               (``io.oximetry``); absent when the recording has no SpO2

A shard is written under ``<id>.tmp`` and renamed when complete, and the manifest is
replaced atomically after each shard, so an interrupted build resumes by skipping the
recordings already listed. Splits are made per recording, never per epoch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sleeplm_core.errors import SleepLMError
from sleeplm_core.io.epochset import CANONICAL_CHANNELS, EPOCH_SAMPLES
from sleeplm_core.io.recording import STAGES


FORMAT_VERSION = 1
SPLITS: tuple[str, ...] = ("train", "val", "test")
MANIFEST = "manifest.json"
SHARD_ARRAYS: tuple[str, ...] = ("epochs", "quality", "stages", "starts", "captions")


class DatasetError(SleepLMError):
    """A training dataset folder is missing, incomplete or inconsistent."""


@dataclass
class RecordingEntry:
    """One recording of the dataset.

    Attributes:
        recording_id: unique, filesystem-safe id; also the shard folder name.
        n_epochs: number of 30-s epochs in the shard.
        split: one of :data:`SPLITS`.
        source: where it came from (file path or synthetic config summary).
        channel_mask: canonical channels present in the recording.
        stage_counts: epochs per stage name (and "unknown").
    """

    recording_id: str
    n_epochs: int
    split: str
    source: str
    channel_mask: list[bool]
    stage_counts: dict[str, int]


@dataclass
class Manifest:
    """Index of a dataset folder.

    Attributes:
        levels: caption level names, in the order of ``captions.npy``'s axis 1.
        level_modality: decoder modality prefix index for each level.
        n_paraphrases: size of ``captions.npy``'s axis 2.
        recordings: every completed recording, in build order.
        caption_version: ``captions.caption.CAPTION_VERSION`` of the stored captions
            (1 for datasets built before the version was recorded).
    """

    levels: list[str]
    level_modality: list[int]
    n_paraphrases: int
    recordings: list[RecordingEntry] = field(default_factory=list)
    format_version: int = FORMAT_VERSION
    caption_version: int = 1

    def counts(self) -> dict[str, dict[str, int]]:
        """Epochs and recordings per split, with epochs per stage."""
        out: dict[str, dict[str, int]] = {}
        for split in SPLITS:
            entries = [r for r in self.recordings if r.split == split]
            stages: Counter[str] = Counter()
            for r in entries:
                stages.update(r.stage_counts)
            out[split] = {"recordings": len(entries),
                          "epochs": sum(r.n_epochs for r in entries), **dict(stages)}
        return out

    def to_json(self) -> dict:
        return {**asdict(self), "counts": self.counts()}

    @classmethod
    def from_json(cls, obj: dict) -> Manifest:
        entries = [RecordingEntry(**r) for r in obj["recordings"]]
        return cls(levels=list(obj["levels"]), level_modality=list(obj["level_modality"]),
                   n_paraphrases=int(obj["n_paraphrases"]), recordings=entries,
                   format_version=int(obj["format_version"]),
                   caption_version=int(obj.get("caption_version", 1)))


def safe_id(text: str) -> str:
    """Turn any recording name into a filesystem-safe shard id."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._")
    if not cleaned:
        raise DatasetError(f"recording name {text!r} has no usable characters; rename the file")
    return cleaned


def hash_split(recording_id: str, seed: int, val_fraction: float, test_fraction: float) -> str:
    """Split of a recording from a seeded hash of its id.

    The split depends only on the id, so adding recordings or resuming a build never
    moves an existing recording to another split.
    """
    digest = hashlib.sha256(f"{seed}:{recording_id}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    if u < val_fraction:
        return "val"
    if u < val_fraction + test_fraction:
        return "test"
    return "train"


def read_manifest(root: Path) -> Manifest:
    """Load ``root/manifest.json``; raise :class:`DatasetError` when absent or stale."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise DatasetError(f"{path} not found; build the dataset first with `sleeplm build-dataset`")
    obj = json.loads(path.read_text())
    if obj.get("format_version") != FORMAT_VERSION:
        raise DatasetError(f"{path} has format {obj.get('format_version')}, expected "
                           f"{FORMAT_VERSION}; rebuild the dataset")
    return Manifest.from_json(obj)


def write_manifest(root: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically so a crash never leaves half a file."""
    path = Path(root) / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest.to_json(), indent=1))
    os.replace(tmp, path)


@dataclass
class ShardContent:
    """Arrays and caption strings of one recording (see the module docstring for shapes)."""

    epochs: np.ndarray
    quality: np.ndarray
    stages: np.ndarray
    starts: np.ndarray
    captions: np.ndarray
    strings: list[str]
    events: np.ndarray | None = None
    spo2: np.ndarray | None = None

    def validate(self, n_levels: int, n_paraphrases: int) -> None:
        n = self.epochs.shape[0]
        expected = {
            "epochs": (n, len(CANONICAL_CHANNELS), EPOCH_SAMPLES),
            "quality": (n, len(CANONICAL_CHANNELS)),
            "stages": (n,), "starts": (n,),
            "captions": (n, n_levels, n_paraphrases),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise DatasetError(f"shard array {name} has shape {getattr(self, name).shape}, "
                                   f"expected {shape}")
        if self.captions.size and self.captions.max() >= len(self.strings):
            raise DatasetError("caption index points past the shard's string table")


def stage_counts(stages: np.ndarray) -> dict[str, int]:
    """Epochs per stage name, with "unknown" for code -1."""
    counts = {name: int(np.sum(stages == code)) for code, name in enumerate(STAGES)}
    counts["unknown"] = int(np.sum(stages < 0))
    return counts


def write_shard(root: Path, recording_id: str, content: ShardContent) -> None:
    """Write one shard under a temporary name and rename it when complete."""
    shards = Path(root) / "shards"
    final, tmp = shards / recording_id, shards / f"{recording_id}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    dtypes = {"epochs": np.float32, "quality": np.bool_, "stages": np.int8,
              "starts": np.float64, "captions": np.int32}
    for name, dtype in dtypes.items():
        np.save(tmp / f"{name}.npy", np.ascontiguousarray(getattr(content, name), dtype=dtype))
    (tmp / "strings.json").write_text(json.dumps(content.strings))
    if content.events is not None:
        np.save(tmp / "events.npy", np.ascontiguousarray(content.events, dtype=np.bool_))
    if content.spo2 is not None:
        np.save(tmp / "spo2.npy", np.ascontiguousarray(content.spo2, dtype=np.float32))
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def open_shard(root: Path, recording_id: str) -> ShardContent:
    """Read a completed shard; its arrays are memory-mapped, not loaded."""
    folder = Path(root) / "shards" / recording_id
    try:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in SHARD_ARRAYS}
        strings = json.loads((folder / "strings.json").read_text())
        events = np.load(folder / "events.npy", mmap_mode="r") if (folder / "events.npy").is_file() else None
        spo2 = np.load(folder / "spo2.npy", mmap_mode="r") if (folder / "spo2.npy").is_file() else None
    except (OSError, ValueError) as err:
        raise DatasetError(f"shard {folder} is unreadable ({err}); rebuild the dataset "
                           "(`sleeplm build-dataset` resumes and rewrites it)") from err
    return ShardContent(strings=strings, events=events, spo2=spo2, **arrays)
