"""Reading a built dataset for training: epochs, masks, labels and caption sampling."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data.distributed import DistributedSampler

from sleeplm_core.captions.words import caption_key
from sleeplm_core.io.oximetry import OXIMETRY_SAMPLES
from sleeplm_core.train.dense import BINS_PER_EPOCH, DENSE_TYPES
from sleeplm_core.train.store import DatasetError, Manifest, open_shard, read_manifest


@dataclass
class Batch:
    """One training batch.

    Attributes:
        signals: float32 (B, 10, 1920), z-scored, absent channels zero.
        channel_mask: bool (B, 10), True where the channel is present and unflagged.
        stages: int64 (B,), stage code, -1 unknown.
        index: int64 (B,), dataset positions (used to sample captions).
        spo2: float32 (B, 60) SpO2 in % at 2 Hz, NaN where missing (a recording
            without SpO2: all NaN).
    """

    signals: torch.Tensor
    channel_mask: torch.Tensor
    stages: torch.Tensor
    index: torch.Tensor
    spo2: torch.Tensor

    def to(self, device: torch.device) -> Batch:
        return Batch(*(t.to(device, non_blocking=True) for t in
                       (self.signals, self.channel_mask, self.stages, self.index, self.spo2)))


class EpochDataset(torch.utils.data.Dataset):
    """The epochs of one split, read from memory-mapped shards.

    Caption strings of all shards are merged into one deduplicated table,
    :attr:`strings`; :attr:`captions` (N, n_levels, n_paraphrases) indexes it (-1: none).
    :attr:`keys` gives each string its fact-key id (:func:`captions.words.caption_key`):
    strings with equal ids state the same binned facts.
    """

    def __init__(self, root: str | Path, split: str) -> None:
        self.root = Path(root)
        self.manifest: Manifest = read_manifest(self.root)
        entries = [r for r in self.manifest.recordings if r.split == split]
        if not entries:
            raise DatasetError(f"{self.root} has no recordings in split {split!r}; "
                               "rebuild with more recordings or other split fractions")
        self.split = split
        self.recording_ids = [r.recording_id for r in entries]
        self._shards = [open_shard(self.root, rid) for rid in self.recording_ids]
        self.strings: list[str] = []
        lookup: dict[str, int] = {}
        parts: dict[str, list[np.ndarray]] = {k: [] for k in
                                              ("shard", "local", "captions", "mask", "stages")}
        for s_idx, (entry, shard) in enumerate(zip(entries, self._shards)):
            n = entry.n_epochs
            remap = np.array([lookup.setdefault(t, len(lookup)) for t in shard.strings] + [-1],
                             dtype=np.int32)
            # index -1 maps to the appended -1, so missing captions stay missing
            parts["captions"].append(remap[np.asarray(shard.captions)])
            parts["mask"].append(np.asarray(entry.channel_mask)[None, :] & ~np.asarray(shard.quality))
            parts["stages"].append(np.asarray(shard.stages, dtype=np.int64))
            parts["shard"].append(np.full(n, s_idx, dtype=np.int64))
            parts["local"].append(np.arange(n, dtype=np.int64))
        self.strings = list(lookup)
        key_ids: dict[str, int] = {}
        self.keys = np.array([key_ids.setdefault(caption_key(t), len(key_ids)) for t in self.strings],
                             dtype=np.int64)
        self.captions = np.concatenate(parts["captions"])
        self.channel_mask = np.concatenate(parts["mask"])
        self.stages = np.concatenate(parts["stages"])
        self.recording = np.concatenate(parts["shard"])
        self._local = np.concatenate(parts["local"])
        self.level_modality = np.asarray(self.manifest.level_modality, dtype=np.int64)

    @property
    def has_oximetry(self) -> bool:
        """True when some recording of the split stores its SpO2 (spo2.npy)."""
        return any(shard.spo2 is not None for shard in self._shards)

    @property
    def has_event_targets(self) -> bool:
        """True when some recording of the split stores dense event targets."""
        return any(shard.events is not None for shard in self._shards)

    def event_targets(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense targets of dataset positions ``index``: bool [B, K, 60] event masks
        (``train.dense``) and bool [B], False where the recording has no scored events."""
        masks = np.zeros((len(index), len(DENSE_TYPES), BINS_PER_EPOCH), dtype=bool)
        known = np.zeros(len(index), dtype=bool)
        for row, i in enumerate(index):
            events = self._shards[self.recording[i]].events
            if events is not None:
                masks[row], known[row] = events[self._local[i]], True
        return masks, known

    def __len__(self) -> int:
        return int(self._local.shape[0])

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray, int, int, np.ndarray]:
        shard = self._shards[self.recording[i]]
        spo2 = (np.full(OXIMETRY_SAMPLES, np.nan, dtype=np.float32) if shard.spo2 is None
                else np.array(shard.spo2[self._local[i]], dtype=np.float32))
        return (np.array(shard.epochs[self._local[i]], dtype=np.float32),
                self.channel_mask[i], int(self.stages[i]), int(i), spo2)


def collate(items: list[tuple[np.ndarray, np.ndarray, int, int, np.ndarray]]) -> Batch:
    """Stack dataset items into a :class:`Batch`."""
    signals, masks, stages, index, spo2 = zip(*items)
    return Batch(torch.from_numpy(np.stack(signals)), torch.from_numpy(np.stack(masks)),
                 torch.tensor(stages, dtype=torch.int64), torch.tensor(index, dtype=torch.int64),
                 torch.from_numpy(np.stack(spo2)))


def sample_captions(captions: np.ndarray, rng: np.random.Generator,
                    level_weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pick one caption per epoch: a level among those it has, then a paraphrase.

    Args:
        captions: int (B, n_levels, n_paraphrases) string ids, -1 where absent.
        rng: the step's generator (seeded from the step, so resume replays it).
        level_weights: (n_levels,) relative chance of each level; None = uniform.

    Returns:
        (string ids (B,), level indices (B,)); -1 for an epoch without any caption.
    """
    present = captions >= 0
    n_per_level = present.sum(axis=2)
    ids = np.full(captions.shape[0], -1, dtype=np.int64)
    levels = np.full(captions.shape[0], -1, dtype=np.int64)
    for b in range(captions.shape[0]):
        options = np.flatnonzero(n_per_level[b])
        if not len(options):
            continue
        p = None if level_weights is None else level_weights[options] / level_weights[options].sum()
        level = int(rng.choice(options, p=p))
        ids[b] = captions[b, level, rng.integers(n_per_level[b, level])]
        levels[b] = level
    return ids, levels


class ResumableSampler(DistributedSampler):
    """A :class:`DistributedSampler` that can start part-way through an epoch.

    ``skip`` is the number of this rank's samples already consumed in the current
    epoch; exact resume sets it from the checkpoint.
    """

    def __init__(self, dataset: EpochDataset, num_replicas: int, rank: int, seed: int) -> None:
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=True,
                         seed=seed, drop_last=True)
        self.skip = 0

    def __iter__(self) -> Iterator[int]:
        order = list(super().__iter__())
        return iter(order[self.skip:])


def split_sizes(root: str | Path) -> dict[str, int]:
    """Epochs per split of a built dataset."""
    return {split: c["epochs"] for split, c in read_manifest(Path(root)).counts().items()}
