"""Paired text -> signal recall of a library, searched the way the app and the CLI search,
and signal -> caption agreement.

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
from sleeplm_core.heads.grounding import Grounding, facts_of_caption
from sleeplm_core.index.factory import IndexParams
from sleeplm_core.index.search import nearest_captions, search_text
from sleeplm_core.index.store import METADATA_COLUMNS, LibraryIndex, Manifest

_TIMES = re.compile(r"\d+\.\d")


def in_memory_library(vectors: np.ndarray, grounding: Grounding | None,
                      captions: Sequence[str] = (), encode_text: EncodeText | None = None,
                      ) -> LibraryIndex:
    """A flat library of ``vectors`` (L2-normalised rows) with their grounding, blank
    metadata and, given ``captions`` and ``encode_text``, a caption index of the distinct
    captions, for measuring search without writing an index."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    metadata = pd.DataFrame({c: [""] * len(vectors) for c in METADATA_COLUMNS})
    manifest = Manifest("", "in memory", vectors.shape[1], len(vectors), IndexParams())
    distinct = sorted(set(captions))
    caption_index = None
    if distinct and encode_text is not None:
        caption_index = faiss.IndexFlatIP(vectors.shape[1])
        caption_index.add(np.ascontiguousarray(encode_text(distinct), dtype=np.float32))
    return LibraryIndex(index, metadata, manifest, caption_index, distinct, grounding)


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


def caption_agreement(library: LibraryIndex, captions: Sequence[str],
                      grounded: bool = True) -> float:
    """Signal -> caption: the share of the library's rows whose first caption found by
    :func:`nearest_captions` (grounded in the row's readings, or by cosine) states the
    stage and event types of the row's own caption (``captions[i]`` for row i)."""
    vectors = library.index.reconstruct_n(0, library.index.ntotal)
    agree = []
    for i, own in enumerate(captions):
        grounding = (_row(library.grounding, i)
                     if grounded and library.grounding is not None else None)
        first = nearest_captions(library, vectors[i], 1, grounding)[0][0]
        agree.append(_kinds(first) == _kinds(own))
    return float(np.mean(agree))


def _row(grounding: Grounding, i: int) -> Grounding:
    return Grounding(grounding.stage_logp[i:i + 1], grounding.events[i:i + 1], grounding.bin_sec)


def _kinds(caption: str) -> tuple:
    facts = facts_of_caption(caption)
    return (facts.stages, frozenset(t for e in facts.events for t in e.types)) if facts else ()


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
