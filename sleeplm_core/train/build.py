"""Build a training dataset folder (see :mod:`sleeplm_core.train.store`) from nights.

Each night arrives as a :class:`NightItem` whose loader runs only when the night is
not yet in the dataset, which is what makes an interrupted build cheap to resume.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from sleeplm_core.captions.caption import CAPTION_VERSION
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.recording import Recording
from sleeplm_core.train.dense import event_masks, teacher_events
from sleeplm_core.train.store import (
    SPLITS, DatasetError, Manifest, RecordingEntry, ShardContent, hash_split, read_manifest,
    stage_counts, write_manifest, write_shard,
)

log = logging.getLogger(__name__)

NightCaptions = dict[str, list[list[str]]]
"""Caption level name -> per epoch, a list of paraphrases."""

Night = tuple[Recording, Montage, EpochSet]
"""A loaded night, as :func:`sleeplm_core.io.load.open_night` returns it."""

Captioner = Callable[[Recording, Montage, EpochSet], NightCaptions]


@dataclass
class NightItem:
    """A night to add to the dataset.

    Attributes:
        recording_id: unique, filesystem-safe id (see ``store.safe_id``).
        source: human-readable origin, stored in the manifest.
        load: returns the night; called only if it is not yet in the dataset.
        split: forced split, or None to derive it from a hash of the id.
    """

    recording_id: str
    source: str
    load: Callable[[], Night]
    split: str | None = None


@dataclass
class BuildConfig:
    """Options of a dataset build.

    Attributes:
        levels: caption levels stored, in order.
        level_modality: decoder modality prefix index for each level.
        n_paraphrases: paraphrases kept per epoch and level (extra ones dropped,
            missing ones left as -1).
        split_seed: seed of the hash that assigns recordings to splits.
        val_fraction, test_fraction: expected share of recordings in val and test.
    """

    levels: Sequence[str]
    level_modality: Sequence[int]
    n_paraphrases: int = 4
    split_seed: int = 0
    val_fraction: float = 0.1
    test_fraction: float = 0.0


def captions_to_arrays(captions: NightCaptions, levels: Sequence[str], n_epochs: int,
                       n_paraphrases: int) -> tuple[np.ndarray, list[str]]:
    """Turn per-level caption lists into an index array and a deduplicated string table.

    Returns:
        int32 (n_epochs, n_levels, n_paraphrases) with -1 where there is no caption,
        and the string table it indexes.
    """
    out = np.full((n_epochs, len(levels), n_paraphrases), -1, dtype=np.int32)
    table: dict[str, int] = {}
    for li, level in enumerate(levels):
        per_epoch = captions.get(level)
        if per_epoch is None:
            continue
        if len(per_epoch) != n_epochs:
            raise DatasetError(f"captions of level {level!r} cover {len(per_epoch)} epochs, "
                               f"the night has {n_epochs}")
        for e, texts in enumerate(per_epoch):
            for p, text in enumerate([t for t in texts if t][:n_paraphrases]):
                out[e, li, p] = table.setdefault(text, len(table))
    return out, list(table)


def _open_or_create(out: Path, config: BuildConfig) -> Manifest:
    if (out / "manifest.json").exists():
        manifest = read_manifest(out)
        if (manifest.levels != list(config.levels)
                or manifest.n_paraphrases != config.n_paraphrases
                or manifest.caption_version != CAPTION_VERSION):
            raise DatasetError(f"{out} was built with other caption levels, paraphrase count or "
                               "caption version; choose a new --out folder")
        return manifest
    out.mkdir(parents=True, exist_ok=True)
    return Manifest(levels=list(config.levels), level_modality=list(config.level_modality),
                    n_paraphrases=config.n_paraphrases, caption_version=CAPTION_VERSION)


def _shard_content(night: Night, captioner: Captioner, config: BuildConfig) -> ShardContent:
    epochs = night[2]
    caps, strings = captions_to_arrays(captioner(*night), config.levels,
                                       len(epochs), config.n_paraphrases)
    scored = night[0].events
    if scored:  # an unscored night's dense targets are unknown, not empty: no teacher events either
        scored = [*scored, *teacher_events(night[0], epochs)]
    return ShardContent(epochs=np.asarray(epochs.data, dtype=np.float32),
                        quality=np.asarray(epochs.quality, dtype=bool),
                        stages=np.asarray(epochs.stages, dtype=np.int8),
                        starts=np.asarray(epochs.starts, dtype=np.float64),
                        captions=caps, strings=strings,
                        events=event_masks(scored, epochs.starts) if scored else None,
                        spo2=epochs.spo2)


def _write_night(item: NightItem, out: Path, captioner: Captioner,
                 config: BuildConfig) -> RecordingEntry | None:
    """Load, caption and write one night's shard; return its manifest entry (None: empty)."""
    if item.split is not None and item.split not in SPLITS:
        raise DatasetError(f"split {item.split!r} of {item.recording_id} is not one of {SPLITS}")
    night = item.load()
    epochs = night[2]
    if len(epochs) == 0:
        log.warning("%s has no complete 30-s epoch; skipped", item.source)
        return None
    content = _shard_content(night, captioner, config)
    content.validate(len(config.levels), config.n_paraphrases)
    write_shard(out, item.recording_id, content)
    split = item.split or hash_split(item.recording_id, config.split_seed,
                                     config.val_fraction, config.test_fraction)
    return RecordingEntry(recording_id=item.recording_id, n_epochs=len(epochs), split=split,
                          source=item.source, channel_mask=[bool(x) for x in epochs.channel_mask],
                          stage_counts=stage_counts(content.stages))


# The items hold closures, which cannot be pickled: forked workers inherit them here
# and receive only positions in this list.
_FORKED: tuple[list[NightItem], Path, Captioner, BuildConfig] | None = None


def _forked_worker_init() -> None:
    # one thread per worker: the workers already use every core between them
    torch.set_num_threads(1)


def _write_forked(position: int) -> RecordingEntry | None:
    assert _FORKED is not None
    items, out, captioner, config = _FORKED
    return _write_night(items[position], out, captioner, config)


def _entries(todo: list[NightItem], out: Path, captioner: Captioner, config: BuildConfig,
             workers: int) -> Iterator[RecordingEntry | None]:
    """Manifest entries of ``todo``, in order, written by ``workers`` processes."""
    if workers <= 1 or len(todo) <= 1:
        for item in todo:
            yield _write_night(item, out, captioner, config)
        return
    global _FORKED
    _FORKED = (todo, out, captioner, config)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context,
                                 initializer=_forked_worker_init) as pool:
            yield from pool.map(_write_forked, range(len(todo)))
    finally:
        _FORKED = None


def build_dataset(items: Iterable[NightItem], out: str | Path, config: BuildConfig,
                  captioner: Captioner, progress: bool = False, workers: int = 1) -> Manifest:
    """Add every new night of ``items`` to the dataset at ``out``; return the manifest.

    Nights already listed in the manifest are skipped without loading them. The
    manifest is rewritten after each night, so stopping at any point loses at most
    the nights being written. With ``workers`` > 1 the nights are made by that many
    forked processes (each on one thread); the manifest lists them in the order of
    ``items`` either way, so the dataset is the same.
    """
    out = Path(out)
    manifest = _open_or_create(out, config)
    done = {r.recording_id for r in manifest.recordings}
    todo = []
    for item in items:
        if item.recording_id not in done:
            done.add(item.recording_id)
            todo.append(item)
    entries = _entries(todo, out, captioner, config, workers)
    for item, entry in tqdm(zip(todo, entries), total=len(todo), desc="nights", unit="night",
                            disable=not progress):
        if entry is None:
            continue
        manifest.recordings.append(entry)
        write_manifest(out, manifest)
        log.info("added %s: %d epochs -> %s", item.recording_id, entry.n_epochs, entry.split)
    return manifest
