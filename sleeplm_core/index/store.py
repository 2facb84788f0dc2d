"""A library index on disk: the FAISS index, its metadata table and its manifest.

Layout of an index directory::

    index.faiss      the epoch-embedding index (row i = metadata row i)
    metadata.csv     one row per epoch: recording, epoch, time_s, clock, stage,
                     caption, kind (synthetic/real), licence, path
    manifest.json    model fingerprint and name, dimension, index parameters,
                     the recordings and the command that rebuilds it
    captions.faiss   text embeddings of the distinct captions (signal -> text)
    captions.csv     the caption of each row of captions.faiss
    grounding.npz    what a dense-token model reads in each row: zero-shot stage
                     log-probabilities and per-2-s-bin event chances (see
                     ``sleeplm_core.heads.grounding``); absent for other models
    shards/          per-recording work files of the build (not needed to search)

The manifest's model fingerprint guards against searching with another model:
embeddings of two models live in unrelated spaces, so the scores would be noise.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import faiss
import numpy as np
import pandas as pd

from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.grounding import FactTable, Grounding
from sleeplm_core.index.factory import IndexParams, maybe_to_gpu, set_search_params

log = logging.getLogger(__name__)

METADATA_COLUMNS: tuple[str, ...] = (
    "recording", "epoch", "time_s", "clock", "stage", "caption", "kind", "licence", "path",
)
"""Columns of ``metadata.csv``."""


@dataclass
class Manifest:
    """What built an index.

    Attributes:
        model_fingerprint: hash of the model weights and config that made the vectors.
        model_name: the model's name or directory, for messages.
        dim: embedding width.
        n_vectors: rows in the index.
        params: resolved :class:`IndexParams`.
        recordings: recording paths in the index, in shard order.
        rebuild: the command line that rebuilds the index, without ``--model``.
    """

    model_fingerprint: str
    model_name: str
    dim: int
    n_vectors: int
    params: IndexParams
    recordings: list[str] = field(default_factory=list)
    rebuild: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["params"] = IndexParams(**data["params"])
        return cls(**data)


@dataclass
class LibraryIndex:
    """A loaded library: index, metadata, manifest, the caption index and the grounding."""

    index: faiss.Index
    metadata: pd.DataFrame
    manifest: Manifest
    caption_index: faiss.Index | None = None
    captions: list[str] = field(default_factory=list)
    grounding: Grounding | None = None

    @cached_property
    def caption_facts(self) -> FactTable | None:
        """The facts of the caption index's captions, for signal -> caption search
        grounded in an epoch's readings; None without a grounding or when the captions
        are not stage_event captions."""
        if self.grounding is None or not self.captions:
            return None
        return FactTable.of_captions(self.captions, self.grounding.events.shape[2],
                                     self.grounding.bin_sec)

    def save(self, folder: Path) -> None:
        """Write every file of the layout (the shards are not touched)."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / "index.faiss"))
        self.metadata.to_csv(folder / "metadata.csv", index=False)
        (folder / "manifest.json").write_text(self.manifest.to_json() + "\n")
        if self.caption_index is not None:
            faiss.write_index(self.caption_index, str(folder / "captions.faiss"))
            pd.DataFrame({"caption": self.captions}).to_csv(folder / "captions.csv", index=False)
        if self.grounding is not None:
            g = self.grounding
            np.savez(folder / "grounding.npz", stage_logp=g.stage_logp, events=g.events,
                     bin_sec=g.bin_sec)

    @classmethod
    def load(cls, folder: Path, use_gpu: bool = True) -> LibraryIndex:
        """Read an index directory; raises :class:`IndexError_` when it is incomplete."""
        missing = [n for n in ("index.faiss", "metadata.csv", "manifest.json")
                   if not (folder / n).is_file()]
        if missing:
            raise IndexError_(f"index folder {folder} lacks {', '.join(missing)}; build it with "
                              f"`sleeplm index build RECORDINGS... --out {folder}`")
        manifest = Manifest.from_json((folder / "manifest.json").read_text())
        index = faiss.read_index(str(folder / "index.faiss"))
        set_search_params(index, manifest.params)
        metadata = pd.read_csv(folder / "metadata.csv", keep_default_na=False)
        if index.ntotal != len(metadata):
            raise IndexError_(f"index folder {folder} is inconsistent ({index.ntotal} vectors, "
                              f"{len(metadata)} metadata rows); rebuild it")
        caption_index, captions = None, []
        if (folder / "captions.faiss").is_file():
            caption_index = faiss.read_index(str(folder / "captions.faiss"))
            captions = pd.read_csv(folder / "captions.csv",
                                   keep_default_na=False)["caption"].tolist()
        grounding = _load_grounding(folder, index.ntotal)
        if use_gpu:
            index = maybe_to_gpu(index)
        return cls(index, metadata, manifest, caption_index, captions, grounding)

    def require_model(self, fingerprint: str, folder: Path, model_spec: str) -> None:
        """Refuse a model other than the one that built the index.

        ``model_spec`` is how the user named the loaded model (``--model``); the
        message tells them the command that rebuilds the index with it.
        """
        if fingerprint != self.manifest.model_fingerprint:
            how = self.manifest.rebuild or f"sleeplm index build RECORDINGS... --out {folder}"
            raise IndexError_(
                f"index {folder} was built with model {self.manifest.model_name} "
                f"(fingerprint {self.manifest.model_fingerprint[:12]}) but the loaded model has "
                f"fingerprint {fingerprint[:12]}; rebuild the index with this model: "
                f"{how} --model {model_spec}")

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and row ids of the ``k`` nearest rows for each query vector."""
        k = min(k, self.index.ntotal)
        return self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)


def _load_grounding(folder: Path, n: int) -> Grounding | None:
    """The index's grounding, None when it has none (a model without dense tokens)."""
    path = folder / "grounding.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        grounding = Grounding(data["stage_logp"], data["events"], float(data["bin_sec"]))
    if len(grounding) != n:
        raise IndexError_(f"index folder {folder} is inconsistent ({n} vectors, {len(grounding)} "
                          "grounding rows); rebuild it")
    return grounding
