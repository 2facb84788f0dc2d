"""Searching a library: by text, by an epoch, and epoch -> nearest captions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.encoder import EncodeText
from sleeplm_core.index.store import LibraryIndex


@dataclass(frozen=True)
class Hit:
    """One search result.

    Attributes:
        score: cosine similarity to the query (-1 to 1).
        row: row of the index and of its metadata table.
        meta: that metadata row (recording, epoch, time_s, clock, stage, caption,
            kind, licence, path).
    """

    score: float
    row: int
    meta: dict

    def line(self) -> str:
        """A one-line summary for the CLI."""
        m = self.meta
        when = m["clock"] or f"{float(m['time_s']):.0f} s"
        where = f"{m['recording']} epoch {m['epoch']} ({when})"
        return (f"{self.score:+.3f}  {where}  stage {m['stage'] or '?'}  [{m['kind']}, "
                f"{m['licence']}]  {m['caption']}")


def search_vectors(library: LibraryIndex, vectors: np.ndarray, k: int) -> list[list[Hit]]:
    """The ``k`` best rows for each query vector (rows L2-normalised)."""
    scores, ids = library.search(vectors, k)
    records = library.metadata.to_dict("records")
    return [[Hit(float(s), int(i), records[i]) for s, i in zip(srow, irow) if i >= 0]
            for srow, irow in zip(scores, ids)]


def search_text(library: LibraryIndex, text: str, encode_text: EncodeText, k: int = 10) -> list[Hit]:
    """Epochs of the library that best match ``text``."""
    return search_vectors(library, encode_text([text]), k)[0]


def nearest_captions(library: LibraryIndex, vector: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
    """Signal -> text: the library captions closest to one epoch embedding."""
    if library.caption_index is None:
        raise IndexError_("this index has no caption index; rebuild it with --captions "
                          "measured or generated")
    k = min(k, library.caption_index.ntotal)
    scores, ids = library.caption_index.search(np.ascontiguousarray(vector[None], np.float32), k)
    return [(library.captions[i], float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]
