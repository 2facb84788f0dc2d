"""Building a library index from recordings, resumably and across processes.

Each recording becomes a shard (``shards/<id>.npz`` with its vectors, and from a
dense-token model their grounding; ``shards/<id>.csv`` with its metadata rows), written
once the recording is fully encoded; the npz is renamed into place last, so a shard
either exists whole or not at all. A build that is interrupted and run again skips finished shards.
Under torchrun every rank encodes its share of the recordings (``paths[rank::world]``)
and rank 0 merges all shards into one index once every rank is done.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import faiss
import numpy as np
import pandas as pd
import torch.distributed as dist
from tqdm import tqdm

from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.encoder import EncodeText, batches
from sleeplm_core.heads.grounding import Grounding
from sleeplm_core.index.factory import build_faiss_index, maybe_to_gpu, resolve_params
from sleeplm_core.index.store import METADATA_COLUMNS, LibraryIndex, Manifest
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import STAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Encoded:
    """One batch of encoded epochs: L2-normalised embeddings (B, dim) and, from a
    dense-token model, what it reads in them (:class:`Grounding`), else None."""

    vectors: np.ndarray
    grounding: Grounding | None = None


EncodeBatch = Callable[[np.ndarray, np.ndarray, np.ndarray | None], Encoded]
"""(epochs (B, 10, 1920), channel mask (10,), SpO2 (B, 60) or None) -> :class:`Encoded`."""

CaptionBatch = Callable[[np.ndarray, np.ndarray, np.ndarray | None], list[str]]
"""(epochs (B, 10, 1920), channel mask (10,), SpO2 (B, 60) or None) -> one caption per epoch."""


@dataclass(frozen=True)
class SourceLabel:
    """What a recording is, shown with every search hit.

    Attributes:
        kind: "synthetic" or "real".
        licence: the data licence (e.g. "ODC-By 1.0, PhysioNet Sleep-EDF").
    """

    kind: str
    licence: str


@dataclass(frozen=True)
class ShardInput:
    """One recording, opened and epoched, ready to be encoded into a shard.

    ``captions`` (one per epoch) are used when no caption generator is given.
    ``blind`` names the event types its channels cannot show
    (:func:`~sleeplm_core.scoring.coverage.blind_types`); their readings are left out
    of the grounding.
    """

    path: Path
    epochs: EpochSet
    start_time: datetime | None
    label: SourceLabel
    captions: list[str] | None = None
    blind: tuple[str, ...] = ()


def shard_id(path: Path) -> str:
    """Stable shard name: file stem plus a hash of the absolute path."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def shard_done(shard_dir: Path, path: Path) -> bool:
    return (shard_dir / f"{shard_id(path)}.npz").is_file()


def encode_shard(item: ShardInput, shard_dir: Path, encode: EncodeBatch,
                 caption: CaptionBatch | None, fingerprint: str, batch_size: int = 64) -> None:
    """Encode every epoch of one recording (with a progress bar) and write its shard."""
    ep = item.epochs
    encoded: list[Encoded] = []
    captions: list[str] = []
    with tqdm(total=len(ep), desc=item.path.name, unit="epoch", leave=False) as bar:
        for sl in batches(len(ep), batch_size):
            chunk = np.ascontiguousarray(ep.data[sl], dtype=np.float32)
            spo2 = ep.spo2_rows(sl)
            encoded.append(encode(chunk, ep.channel_mask, spo2))
            if caption is not None:
                captions += caption(chunk, ep.channel_mask, spo2)
            bar.update(len(chunk))
    rows = metadata_rows(item, captions if caption is not None
                         else item.captions or [""] * len(ep))
    shard_dir.mkdir(parents=True, exist_ok=True)
    name = shard_id(item.path)
    rows.to_csv(shard_dir / f"{name}.csv", index=False)
    tmp = shard_dir / f"{name}.tmp.npz"
    arrays = {"vectors": np.concatenate([e.vectors for e in encoded]).astype(np.float32)}
    if encoded and all(e.grounding is not None for e in encoded):
        grounding = Grounding.concat([e.grounding for e in encoded]).without(item.blind)
        arrays.update(stage_logp=grounding.stage_logp, events=grounding.events,
                      bin_sec=grounding.bin_sec)
    np.savez(tmp, **arrays, fingerprint=fingerprint)
    tmp.rename(shard_dir / f"{name}.npz")


def metadata_rows(item: ShardInput, captions: list[str]) -> pd.DataFrame:
    """One metadata row per epoch of ``item`` (see :data:`METADATA_COLUMNS`)."""
    ep = item.epochs
    clock = [(item.start_time + timedelta(seconds=float(t))).strftime("%H:%M:%S")
             if item.start_time else "" for t in ep.starts]
    stages = [STAGES[s] if s >= 0 else "" for s in ep.stages]
    return pd.DataFrame({
        "recording": ep.recording_id or item.path.stem, "epoch": np.arange(len(ep)),
        "time_s": ep.starts, "clock": clock, "stage": stages, "caption": captions,
        "kind": item.label.kind, "licence": item.label.licence, "path": str(item.path),
    }, columns=list(METADATA_COLUMNS))


def assemble(out: Path, paths: Sequence[Path], manifest: Manifest,
             encode_text: EncodeText | None) -> LibraryIndex:
    """Merge the shards of ``paths`` into one index (and a caption index) and save it."""
    shard_dir = out / "shards"
    shards = [_read_shard(shard_dir, p, manifest.model_fingerprint) for p in paths]
    vectors = np.concatenate([v for v, _ in shards])
    groundings = [g for _, g in shards]
    grounding = (Grounding.concat(groundings) if all(g is not None for g in groundings)
                 else None)
    if grounding is None and any(g is not None for g in groundings):
        log.warning("index %s: some recordings were encoded without a grounding; searches "
                    "rank by cosine alone until it is rebuilt into an empty folder", out)
    metadata = pd.concat([pd.read_csv(shard_dir / f"{shard_id(p)}.csv", keep_default_na=False)
                          for p in paths], ignore_index=True)
    params = resolve_params(len(vectors), vectors.shape[1], manifest.params)
    manifest.params, manifest.dim, manifest.n_vectors = params, vectors.shape[1], len(vectors)
    manifest.recordings = [str(p) for p in paths]
    index = build_faiss_index(vectors, params)
    captions = sorted({c for c in metadata["caption"] if c})
    caption_index = None
    if captions and encode_text is not None:
        caption_index = faiss.IndexFlatIP(vectors.shape[1])
        caption_index.add(np.ascontiguousarray(encode_text(captions), dtype=np.float32))
    library = LibraryIndex(index, metadata, manifest, caption_index, captions, grounding)
    library.save(out)
    log.info("index %s: %d vectors from %d recordings%s", out, len(vectors), len(paths),
             ", grounded" if grounding is not None else "")
    return LibraryIndex(maybe_to_gpu(index), metadata, manifest, caption_index, captions,
                        grounding)


def _read_shard(shard_dir: Path, path: Path, fingerprint: str) -> tuple[np.ndarray, Grounding | None]:
    """A shard's vectors and its grounding (None when the model had no dense tokens)."""
    file = shard_dir / f"{shard_id(path)}.npz"
    if not file.is_file():
        raise IndexError_(f"no shard for {path} in {shard_dir}; run the build again")
    with np.load(file) as shard:
        if str(shard["fingerprint"]) != fingerprint:
            raise IndexError_(f"shard {file} was encoded with another model; delete it and "
                              "run the build again")
        grounding = (Grounding(shard["stage_logp"], shard["events"], float(shard["bin_sec"]))
                     if "events" in shard.files else None)
        return shard["vectors"], grounding


@dataclass(frozen=True)
class Rank:
    """This process's place in a torchrun job (rank 0 of 1 without torchrun)."""

    rank: int = 0
    world: int = 1

    @classmethod
    def from_env(cls) -> Rank:
        return cls(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)))

    def share(self, paths: Sequence[Path]) -> list[Path]:
        """The recordings this rank encodes."""
        return list(paths[self.rank::self.world])

    def barrier(self) -> None:
        """Wait for every rank (gloo process group, created on first use)."""
        if self.world == 1:
            return
        if not dist.is_initialized():
            dist.init_process_group("gloo")
        dist.barrier()


def build_library(paths: Sequence[Path], out: Path, open_item: Callable[[Path], ShardInput],
                  encode: EncodeBatch, caption: CaptionBatch | None,
                  encode_text: EncodeText | None, manifest: Manifest,
                  batch_size: int = 64, rank: Rank = Rank()) -> LibraryIndex | None:
    """Encode the recordings not yet in ``out`` and (on rank 0) assemble the index.

    Recordings already listed in ``out``'s manifest stay in the index, so a build
    can add recordings to a library. Returns the library on rank 0, None elsewhere.
    """
    previous = _previous_manifest(out)
    if previous and previous.model_fingerprint != manifest.model_fingerprint:
        raise IndexError_(f"index {out} was built with model {previous.model_name}; use another "
                          f"--out folder or delete {out} to rebuild it with this model")
    shard_dir = out / "shards"
    todo = [p for p in rank.share(paths) if not shard_done(shard_dir, p)]
    for path in tqdm(todo, desc=f"rank {rank.rank}" if rank.world > 1 else "recordings",
                     unit="recording"):
        encode_shard(open_item(path), shard_dir, encode, caption, manifest.model_fingerprint,
                     batch_size)
    rank.barrier()
    if rank.rank != 0:
        return None
    every = list(dict.fromkeys([*(previous.recordings if previous else []),
                                *map(str, paths)]))
    return assemble(out, [Path(p) for p in every], manifest, encode_text)


def _previous_manifest(out: Path) -> Manifest | None:
    path = out / "manifest.json"
    return Manifest.from_json(path.read_text()) if path.is_file() else None
