"""Paired text -> signal recall of a library, searched the way the app and the CLI search.

The query is an epoch's whole stage_event caption; a hit is that very epoch among the
top k. Many epochs share their caption's facts ("wake, no events" hundreds of times a
night), and no reader of the caption can tell those apart, so :func:`paired_ceiling`
gives the best any ranking can reach: identical facts ranked first, at random among
themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import faiss
import numpy as np
import pandas as pd

from sleeplm_core.captions.words import summary_of
from sleeplm_core.heads.encoder import EncodeText
from sleeplm_core.heads.grounding import Grounding
from sleeplm_core.index.factory import IndexParams
from sleeplm_core.index.search import search_text
from sleeplm_core.index.store import METADATA_COLUMNS, LibraryIndex, Manifest

_TIMES = re.compile(r"\d+\.\d")


def in_memory_library(vectors: np.ndarray, grounding: Grounding | None) -> LibraryIndex:
    """A flat library of ``vectors`` (L2-normalised rows) with their grounding, and
    blank metadata, for measuring search without writing an index."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    metadata = pd.DataFrame({c: [""] * len(vectors) for c in METADATA_COLUMNS})
    manifest = Manifest("", "in memory", vectors.shape[1], len(vectors), IndexParams())
    return LibraryIndex(index, metadata, manifest, grounding=grounding)


def paired_hits(library: LibraryIndex, captions: Sequence[str], encode_text: EncodeText,
                k: int = 10, grounded: bool = True) -> np.ndarray:
    """bool (n,): row i of ``library`` is among the top ``k`` for caption i, searched by
    :func:`search_text` (grounded when the library holds a grounding) or, with
    ``grounded=False``, by cosine alone."""
    queries = encode_text(list(captions))
    if not grounded or library.grounding is None:
        _, ids = library.search(queries, k)
        return np.array([i in row for i, row in enumerate(ids)])
    return np.array([i in {h.row for h in search_text(library, text, encode_text, k)}
                     for i, text in enumerate(captions)])


def paired_ceiling(captions: Sequence[str], k: int = 10) -> float:
    """The best paired R@k any ranking can reach: a caption's facts (its summary and
    every stated time) match m epochs, and one of them is its own, so a perfect reader
    finds it with chance min(1, k / m)."""
    keys = [_facts_key(c) for c in captions]
    count = Counter(keys)
    return float(np.mean([min(1.0, k / count[key]) for key in keys]))


def _facts_key(caption: str) -> str:
    """What a caption states, without its wording: the plain-word summary (stage,
    events, durations) and the sorted times of the rest."""
    summary = summary_of(caption)
    return summary + "|" + ",".join(sorted(_TIMES.findall(caption[len(summary):])))
