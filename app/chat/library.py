"""Execute step for questions about the retrieval library itself ("which nights are in the
library?", "which night in the library has the most apneas?"): its recordings, their stages
and the scored events their epochs' captions state."""

from __future__ import annotations

from collections import Counter

from app.chat.phenomena import in_text, phenomenon, plural
from app.chat.plan import Plan
from app.chat.results import LibraryContents, LibraryNight, Message
from app.engine import Engine
from sleeplm_core.captions.caption import CaptionError, parse_caption
from sleeplm_core.io.recording import EPOCH_SEC

FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("apneas and hypopneas", ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")),
    ("desaturations", ("desaturation",)),
    ("arousals", ("arousal",)),
    ("spindles", ("spindle",)),
)
"""Event families listed for every night when the question names none."""


def stated_event_types(caption: str) -> set[str]:
    """Event types a library caption states ("" captions of another level state none)."""
    try:
        return {e.type for e in parse_caption(caption, "stage_event").events}
    except CaptionError:
        return set()


def _plural(title: str) -> str:
    """"Sleep spindle" -> "sleep spindles", "K-complex" -> "K-complexes"."""
    return plural(in_text(title))


def library_contents(plan: Plan, engine: Engine) -> LibraryContents | Message:
    """Per recording of the library: epochs, hours, stage shares and the epochs holding each
    event family; ranked by the family the question names, if any."""
    if engine.library is None:
        return Message("no_library")
    meta = engine.library.metadata
    phen = phenomenon(plan.query.phenomenon)
    families = ((_plural(phen.title), phen.event_types),) if phen and phen.event_types else FAMILIES
    nights = []
    staged = plan.query.scope.stages
    for name, rows in meta.groupby("recording", sort=False):
        # "... scored REM": the events counted in those stages' epochs only
        counted = rows[rows["stage"].astype(str).isin(staged)] if staged else rows
        stated = [stated_event_types(c) for c in counted["caption"]]
        with_events = {fam: sum(1 for s in stated if s & set(types)) for fam, types in families}
        stages = Counter(rows["stage"].astype(str))
        nights.append(LibraryNight(str(name), str(rows["kind"].iloc[0]), len(rows),
                                   len(rows) * EPOCH_SEC / 3600, dict(stages), with_events))
    ranked = families[0][0] if len(families) == 1 else None
    if ranked is not None:
        nights.sort(key=lambda n: -n.epochs_with[ranked])
    common = _common_captions(meta) if plan.query.note == "common" else None
    return LibraryContents(nights, tuple(f for f, _ in families), ranked, common, staged)


TOP_CAPTIONS = 8
"""Kinds of caption listed when the most common are asked for."""


def _common_captions(meta) -> list[tuple[str, tuple[str, ...], int]]:
    """What the library's captions state, as (stage, event types) counted over its epochs,
    most frequent first: captions differ in wording and numbers, so their facts are counted."""
    kinds = Counter((str(stage), tuple(sorted(stated_event_types(caption))))
                    for stage, caption in zip(meta["stage"], meta["caption"]))
    return [(stage, types, n) for (stage, types), n in kinds.most_common(TOP_CAPTIONS)]
