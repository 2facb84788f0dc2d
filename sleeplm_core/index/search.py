"""Searching a library: by text, by an epoch, and epoch -> nearest captions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.encoder import EncodeText
from sleeplm_core.heads.grounding import (Grounding, StatedFacts, facts_of_caption,
                                          grounded_caption_scores, grounded_scores)
from sleeplm_core.index.store import LibraryIndex


@dataclass(frozen=True)
class Hit:
    """One search result.

    Attributes:
        score: cosine similarity to the query (-1 to 1).
        row: row of the index and of its metadata table.
        meta: that metadata row (recording, epoch, time_s, clock, stage, caption,
            kind, licence, path).
        evidence: in a grounded search, the ranking score (the stated facts'
            log-likelihood plus the weighted cosine); None in a cosine search.
    """

    score: float
    row: int
    meta: dict
    evidence: float | None = None

    def line(self) -> str:
        """A one-line summary for the CLI."""
        m = self.meta
        when = m["clock"] or f"{float(m['time_s']):.0f} s"
        where = f"{m['recording']} epoch {m['epoch']} ({when})"
        grounded = f"  (grounded {self.evidence:.1f})" if self.evidence is not None else ""
        return (f"{self.score:+.3f}{grounded}  {where}  stage {m['stage'] or '?'}  [{m['kind']}, "
                f"{m['licence']}]  {m['caption']}")


def search_vectors(library: LibraryIndex, vectors: np.ndarray, k: int) -> list[list[Hit]]:
    """The ``k`` best rows for each query vector (rows L2-normalised)."""
    scores, ids = library.search(vectors, k)
    records = library.metadata.to_dict("records")
    return [[Hit(float(s), int(i), records[i]) for s, i in zip(srow, irow) if i >= 0]
            for srow, irow in zip(scores, ids)]


SHORTLIST = 2048
"""Rows whose exact cosine a grounded search takes from the index; every other row gets
the lowest of them, a bound on its own (the index ranks by cosine)."""


def search_text(library: LibraryIndex, text: str, encode_text: EncodeText, k: int = 10,
                facts: StatedFacts | None = None, stages: tuple[str, ...] = ()) -> list[Hit]:
    """Epochs of the library that best match ``text``.

    When the query states facts (``facts``, or ``text`` is a stage_event caption) and
    the library holds the model's grounding, every row is ranked by how likely those
    facts are under what the model reads in it, plus its cosine
    (:func:`~sleeplm_core.heads.grounding.grounded_scores`); otherwise by cosine.
    ``stages``: only rows whose metadata stage (the stage their recording was scored) is one
    of them ("REM epochs with eye movements"); () for every row.
    """
    query = encode_text([text])
    facts = facts if facts is not None else facts_of_caption(text)
    n = library.index.ntotal
    allowed = (library.metadata["stage"].astype(str).isin(stages).to_numpy() if stages
               else np.ones(n, dtype=bool))
    if facts is None or facts.empty or library.grounding is None:
        hits = search_vectors(library, query, n if stages else k)[0]
        return [h for h in hits if allowed[h.row]][:k]
    scores, ids = library.search(query, min(n, SHORTLIST))
    found = ids[0] >= 0
    cos = np.full(n, scores[0][found].min() if found.any() else 0.0)
    cos[ids[0][found]] = scores[0][found]
    ranked = np.where(allowed, grounded_scores(cos, library.grounding, facts), -np.inf)
    top = [i for i in np.argsort(-ranked, kind="stable")[:k] if allowed[i]]
    records = library.metadata.iloc[top].to_dict("records")
    return [Hit(float(cos[i]), int(i), r, float(ranked[i])) for i, r in zip(top, records)]


def nearest_captions(library: LibraryIndex, vector: np.ndarray, k: int = 5,
                     grounding: Grounding | None = None) -> list[tuple[str, float]]:
    """Signal -> text: the library captions closest to one epoch, as (caption, cosine).

    With the epoch's grounding (one row) and a library of stage_event captions, they
    are ranked by how likely each caption's facts are under what the model reads in
    the epoch, plus the cosine (:func:`~sleeplm_core.heads.grounding.grounded_caption_scores`);
    otherwise by cosine.
    """
    if library.caption_index is None:
        raise IndexError_("this index has no caption index; rebuild it with --captions "
                          "measured or generated")
    query = np.ascontiguousarray(vector[None], np.float32)
    table = library.caption_facts if grounding is not None else None
    if table is None:
        k = min(k, library.caption_index.ntotal)
        scores, ids = library.caption_index.search(query, k)
        return [(library.captions[i], float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]
    n = library.caption_index.ntotal
    scores, ids = library.caption_index.search(query, n)
    cos = np.zeros(n)
    cos[ids[0][ids[0] >= 0]] = scores[0][ids[0] >= 0]
    ranked = grounded_caption_scores(cos[None], grounding, table)[0]
    return [(library.captions[i], float(cos[i])) for i in np.argsort(-ranked, kind="stable")[:k]]
