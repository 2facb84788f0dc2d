"""Grounded text -> signal scoring: the stage and events a query states, checked
against what the model reads in each epoch.

A whole-epoch cosine cannot tell two N2 epochs with a spindle apart, nor one whose
hypopnea fills the first 26 s from one whose hypopnea fills the last 4 s: both
captions sit near one another in the text space. What the model does read
separately is the stage (zero-shot, against the stage prompts) and, with dense
tokens, each event phrase in every 2-s time bin (the calibrated chance that the
bin holds that event). A query that states facts is scored by how likely those
facts are under these readings:

* the stage: log P(stage) from the zero-shot head (any of the stated stages);
* an event with times (seconds from the epoch start): its bins should read the
  event (log p), and, when the text is a whole caption that lists every event,
  the other bins of the night's event types should not (log (1 - p));
* an event without times: its best bin should read it (log max p).

A stated event may carry the model's rival read-out (``ModelConfig.dense_rivals``): a
bin where a sibling type's chance beats the event's own by the tuned margin reads as
not holding it, as in localization, so that a search for central apneas does not
return obstructive ones (an apnea of any type lifts every apnea phrase's chance).

The total is added to the cosine times :data:`COSINE_WEIGHT`, so epochs that state
nothing apart are still ordered by the embedding. :func:`facts_of_caption` reads a
stage_event caption (the library's own, or one the model generated);
:class:`StatedFacts` can also be built from what a chat question names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sleeplm_core.captions.caption import CaptionError, parse_caption
from sleeplm_core.captions.stage_event import EVENT_NAMES
from sleeplm_core.heads.encoder import EncodeText, softmax_rows
from sleeplm_core.heads.night import Probability
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

GROUNDED_TYPES: tuple[str, ...] = tuple(EVENT_NAMES)
"""Event types read per time bin, in the order of :attr:`Grounding.events`' second axis."""

COSINE_WEIGHT = 3.0
"""Weight of the epoch cosine beside the facts' log-likelihood. Chosen on the synthetic
tuning nights 950/951 with sleeplm-mini release 4 (paired R@10 of whole captions 0.681 /
0.637 at 3; 0.675 / 0.610 at 0; 0.679 / 0.629 at 10; 0.660 / 0.625 at 30), never on
evaluation nights."""

CAPTION_COSINE_WEIGHT = 10.0
"""The same weight for signal -> caption: ranking a library's captions for one epoch. On
the tuning nights 950/951 the top caption stated the epoch's binned facts in 0.469 /
0.537 of epochs at 10 (0.463 / 0.517 at 3, 0.452 / 0.508 at 0; 0.202 / 0.248 by cosine)."""

_FLOOR = 1e-4
"""Probabilities are clipped to [_FLOOR, 1 - _FLOOR], so one bin cannot veto an epoch."""


@dataclass(frozen=True)
class StatedEvent:
    """One event a query states.

    Attributes:
        types: event types that count (any of them; e.g. the three apnea kinds).
        start: onset in seconds from the epoch start, None when the query gives no time.
        end: offset in seconds from the epoch start (None with ``start``).
        rivals: (event type, margin) pairs: a bin holds this event only where that
            type's chance minus the event's own stays below the margin (the model's
            rival read-out; applied when the query is not a whole caption).
    """

    types: tuple[str, ...]
    start: float | None = None
    end: float | None = None
    rivals: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class StatedFacts:
    """What a query states about an epoch.

    Attributes:
        stages: stages that match (any of them); empty when the query names none.
        events: the events it names.
        complete: True when the query lists every event of the epoch (a whole caption,
            "no events"), so an event it does not name counts against an epoch.
    """

    stages: tuple[str, ...] = ()
    events: tuple[StatedEvent, ...] = ()
    complete: bool = False

    @property
    def empty(self) -> bool:
        return not self.stages and not self.events and not self.complete


def facts_of_caption(text: str) -> StatedFacts | None:
    """The facts of a stage_event caption (see ``sleeplm_core.captions.stage_event``),
    None when ``text`` is not one."""
    try:
        facts = parse_caption(text, "stage_event")
    except CaptionError:
        return None
    events = tuple(StatedEvent((e.type,), e.start, e.end) for e in facts.events
                   if e.type in GROUNDED_TYPES)
    return StatedFacts((facts.stage,) if facts.stage else (), events, complete=True)


@dataclass(frozen=True)
class Grounding:
    """What the model reads in each epoch of a night or a library.

    Attributes:
        stage_logp: float32 (n, 5) zero-shot log-probabilities of :data:`STAGES`.
        events: float16 (n, len(GROUNDED_TYPES), bins) chance that each time bin
            holds an event of each type (the model's dense calibration).
        bin_sec: width of one time bin in seconds.
    """

    stage_logp: np.ndarray
    events: np.ndarray
    bin_sec: float

    def __len__(self) -> int:
        return len(self.stage_logp)

    @classmethod
    def concat(cls, parts: Sequence[Grounding]) -> Grounding:
        """The rows of several groundings, in order (one bin width)."""
        widths = {p.bin_sec for p in parts}
        if len(widths) != 1:
            raise ValueError(f"groundings with different bin widths {sorted(widths)} cannot be joined")
        return cls(np.concatenate([p.stage_logp for p in parts]),
                   np.concatenate([p.events for p in parts]), widths.pop())

    def without(self, types: Iterable[str]) -> Grounding:
        """This grounding with no chance of the event ``types`` anywhere: what the model
        reads of an event the recording's channels cannot show
        (:func:`~sleeplm_core.scoring.coverage.blind_types`) is noise, and a search
        must never offer such an epoch as holding it."""
        rows = [GROUNDED_TYPES.index(t) for t in types if t in GROUNDED_TYPES]
        if not rows:
            return self
        events = self.events.copy()
        events[:, rows] = 0
        return Grounding(self.stage_logp, events, self.bin_sec)

    def _p(self, *index) -> np.ndarray:
        """Clipped event chances (float32) of a slice of :attr:`events`."""
        return np.clip(self.events[index].astype(np.float32), _FLOOR, 1.0 - _FLOOR)

    @cached_property
    def _nothing(self) -> np.ndarray:
        """float64 (n,): each row's log-likelihood of holding no event at all, computed
        once (a library search scores every row for every query); the log chances
        themselves are taken per query, for the few (type, bin) cells it states."""
        return np.log1p(-self._p(slice(None))).sum(axis=(1, 2), dtype=np.float64)

    def log_likelihood(self, facts: StatedFacts) -> np.ndarray:
        """float64 (n,): log-likelihood of ``facts`` under each epoch's readings."""
        total = np.zeros(len(self))
        if facts.stages:
            cols = [STAGES.index(s) for s in facts.stages]
            total += np.logaddexp.reduce(self.stage_logp[:, cols].astype(np.float64), axis=1)
        bins = self.events.shape[2]
        if facts.complete:
            # Every (type, bin) is a Bernoulli: the stated ones hold their event, the rest none.
            p = self._p(slice(None), event_target(facts, bins, self.bin_sec))
            return total + self._nothing + (np.log(p) - np.log1p(-p)).sum(axis=1)
        for event in facts.events:
            rows = [GROUNDED_TYPES.index(t) for t in event.types if t in GROUNDED_TYPES]
            if not rows:
                continue
            p = self._p(slice(None), rows).max(axis=1)   # any of the types, per bin
            best = np.log(np.where(self._outranked(p, event.rivals), _FLOOR, p))
            if event.start is None:
                total += best.max(axis=1)
            else:
                total += best[:, event_bins(event.start, event.end, bins, self.bin_sec)].mean(axis=1)
        return total

    def _outranked(self, own: np.ndarray, rivals: Sequence[tuple[str, float]]) -> np.ndarray:
        """bool (n, bins): where a rival type's chance minus ``own`` reaches its margin."""
        out = np.zeros(own.shape, dtype=bool)
        for rival, margin in rivals:
            if rival in GROUNDED_TYPES:
                out |= self._p(slice(None), GROUNDED_TYPES.index(rival)) - own >= margin
        return out

    def caption_log_likelihood(self, table: FactTable) -> np.ndarray:
        """float64 (n, m): log-likelihood of each of ``table``'s complete facts under each
        epoch's readings; the same as :meth:`log_likelihood` per caption, in one product
        (meant for a few epochs against many captions)."""
        p = self._p(slice(None)).astype(np.float64)
        flat = (np.log(p) - np.log1p(-p)).reshape(len(self), -1)
        events = flat @ table.target.reshape(len(table.stage), -1).T.astype(np.float64)
        stage = np.where(table.stage >= 0, self.stage_logp[:, np.maximum(table.stage, 0)], 0.0)
        return stage + self._nothing[:, None] + events


def typed_rivals(phrase_rivals: Mapping[str, Mapping[str, float]]) -> dict[str, tuple[tuple[str, float], ...]]:
    """A model's rivals (``dense_rivals``, keyed by phrase) keyed by the event types the
    grounding reads, e.g. {"obstructive apnea": {"central apnea": -0.45}} ->
    {"obstructive_apnea": (("central_apnea", -0.45),)}; phrases that name no type are left out."""
    by_name = {EVENT_NAMES[t].lower(): t for t in GROUNDED_TYPES}
    out: dict[str, tuple[tuple[str, float], ...]] = {}
    for phrase, rivals in phrase_rivals.items():
        pairs = tuple((by_name[r.lower()], float(m)) for r, m in rivals.items()
                      if r.lower() in by_name)
        if phrase.lower() in by_name and pairs:
            out[by_name[phrase.lower()]] = pairs
    return out


def stated_event(types: tuple[str, ...],
                 rivals: Mapping[str, tuple[tuple[str, float], ...]]) -> StatedEvent:
    """An untimed stated event of ``types``, with the rivals of a single type."""
    return StatedEvent(types, rivals=rivals.get(types[0], ()) if len(types) == 1 else ())


def event_bins(start: float, end: float, bins: int, bin_sec: float) -> np.ndarray:
    """bool (bins,): the bins whose centre lies in [start, end] seconds, at least the one
    holding the event's middle."""
    centres = (np.arange(bins) + 0.5) * bin_sec
    inside = (centres >= start) & (centres <= end)
    middle = min(int((start + end) / 2 // bin_sec), bins - 1)
    inside[max(middle, 0)] = True
    return inside


def event_target(facts: StatedFacts, bins: int, bin_sec: float) -> np.ndarray:
    """bool (types, bins): where the facts put an event (an untimed one: everywhere)."""
    target = np.zeros((len(GROUNDED_TYPES), bins), dtype=bool)
    for event in facts.events:
        for t in event.types:
            if t in GROUNDED_TYPES:
                target[GROUNDED_TYPES.index(t)] |= (
                    True if event.start is None else event_bins(event.start, event.end, bins, bin_sec))
    return target


@dataclass(frozen=True)
class FactTable:
    """The complete facts of many captions (e.g. a library's), stacked so that one epoch
    is scored against all of them at once (:meth:`Grounding.caption_log_likelihood`).

    Attributes:
        stage: int (m,) index into :data:`STAGES`, -1 where a caption states none.
        target: bool (m, len(GROUNDED_TYPES), bins) where each caption puts an event.
    """

    stage: np.ndarray
    target: np.ndarray

    @classmethod
    def of_captions(cls, captions: Sequence[str], bins: int, bin_sec: float) -> FactTable | None:
        """The table of stage_event captions; None when any of them is not one."""
        facts = [facts_of_caption(c) for c in captions]
        if not facts or any(f is None for f in facts):
            return None
        stage = np.array([STAGES.index(f.stages[0]) if f.stages else -1 for f in facts])
        return cls(stage, np.stack([event_target(f, bins, bin_sec) for f in facts]))


@dataclass(frozen=True)
class Grounder:
    """The text side of grounding for one model, encoded once.

    Attributes:
        stage_prototypes: float32 (5, dim) the zero-shot stage prototypes.
        event_vectors: float32 (len(GROUNDED_TYPES), dim) the event names' embeddings.
        scale: the model's logit scale (zero-shot temperature).
        probability: the model's dense calibration (cosine -> chance).
        bin_sec: the model's dense bin width in seconds.
        rivals: the model's rival read-out by event type (:func:`typed_rivals`), for
            the events a search states (:func:`stated_event`).
    """

    stage_prototypes: np.ndarray
    event_vectors: np.ndarray
    scale: float
    probability: Probability
    bin_sec: float
    rivals: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @classmethod
    def for_model(cls, model, scale: float, encode_text: EncodeText) -> Grounder | None:
        """The grounder of a dense-token model (None for a model without dense tokens)."""
        if not getattr(model, "has_dense", False):
            return None
        prototypes = ZeroShotClassifier(scale=scale).prototypes(encode_text)
        events = encode_text([EVENT_NAMES[t] for t in GROUNDED_TYPES])
        return cls(prototypes, events, scale, model.dense_probability, float(model.dense_seconds),
                   typed_rivals(getattr(model, "dense_rivals", {})))

    def read(self, vectors: np.ndarray, dense: np.ndarray) -> Grounding:
        """The grounding of epochs from their embeddings (n, dim) and dense bin
        embeddings (n, bins, dim)."""
        proba = softmax_rows(self.scale * (vectors @ self.stage_prototypes.T))
        cos = np.einsum("ke,nbe->nkb", self.event_vectors, dense.astype(np.float32))
        bins = int(round(EPOCH_SEC / self.bin_sec))
        if cos.shape[2] != bins:
            raise ValueError(f"dense vectors have {cos.shape[2]} bins; the model's "
                             f"{self.bin_sec:g}-s bins give {bins} per epoch")
        return Grounding(np.log(np.clip(proba, 1e-12, None)).astype(np.float32),
                         self.probability(cos).astype(np.float16), self.bin_sec)


def grounded_scores(cosines: np.ndarray, grounding: Grounding, facts: StatedFacts) -> np.ndarray:
    """(n,) ranking scores: the facts' log-likelihood plus :data:`COSINE_WEIGHT` x cosine."""
    return grounding.log_likelihood(facts) + COSINE_WEIGHT * np.asarray(cosines, np.float64)


def grounded_caption_scores(cosines: np.ndarray, grounding: Grounding, table: FactTable) -> np.ndarray:
    """(n, m) ranking scores of m captions for n epochs: their facts' log-likelihood plus
    :data:`CAPTION_COSINE_WEIGHT` x cosine."""
    return (grounding.caption_log_likelihood(table)
            + CAPTION_COSINE_WEIGHT * np.asarray(cosines, np.float64))
