"""Library search for phenomena, as the chat and the Retrieve tab run it, on indexes/demo.

For each phenomenon the chat knows by scored-event type, alone and in one stage (REM
for breathing events, N2 otherwise), it prints how many of the top 10 library epochs
hold that event (their measured caption names it) in that stage: searched by cosine
alone, and grounded (the stage and event readings the library keeps, plus the cosine),
then the median time of a grounded search each way.

    python bench/library.py [--index indexes/demo] [--model assets/models/sleeplm-mini]

Prints; never asserts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.chat.execute import stated_facts  # noqa: E402
from app.chat.phenomena import PHENOMENA  # noqa: E402
from sleeplm_core.captions.stage_event import EVENT_NAMES  # noqa: E402
from sleeplm_core.heads.encoder import TextEncoder  # noqa: E402
from sleeplm_core.heads.models import resolve_model  # noqa: E402
from sleeplm_core.heads.grounding import Grounding, typed_rivals  # noqa: E402
from sleeplm_core.index.search import Hit, nearest_captions, search_text  # noqa: E402
from sleeplm_core.index.store import LibraryIndex  # noqa: E402

K = 10


def holds(hit: Hit, names: list[str], stages: tuple[str, ...]) -> bool:
    return (any(n in hit.meta["caption"] for n in names)
            and (not stages or hit.meta["stage"] in stages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "indexes" / "demo")
    parser.add_argument("--model", default=str(ROOT / "assets" / "models" / "sleeplm-mini"))
    args = parser.parse_args()
    library = LibraryIndex.load(args.index, use_gpu=False)
    model = resolve_model(args.model).model
    encode = TextEncoder(model)
    rivals = typed_rivals(getattr(model, "dense_rivals", {}))
    totals = [0, 0]
    print(f"{'phenomenon':18s} {'stage':6s} cosine  grounded   (of {K})")
    for phen in PHENOMENA:
        if not phen.event_types or not set(phen.event_types) <= EVENT_NAMES.keys():
            continue  # slow waves and REMs: machine-scored only, never in captions
        names = [EVENT_NAMES[t] for t in phen.event_types]
        for stages in ((), ("REM",) if phen.level == "respiratory" else ("N2",)):
            plain = search_text(library, phen.query, encode, K)
            grounded = search_text(library, phen.query, encode, K,
                                   stated_facts(phen, stages, rivals))
            counts = [sum(holds(h, names, stages) for h in hits) for hits in (plain, grounded)]
            totals = [t + c for t, c in zip(totals, counts)]
            print(f"{phen.key:18s} {'/'.join(stages) or 'any':6s} {counts[0]:6d}  {counts[1]:8d}")
    print(f"total: cosine {totals[0]}, grounded {totals[1]}")
    latency(library, encode)


def latency(library: LibraryIndex, encode: TextEncoder, n: int = 50) -> None:
    """Median time of a grounded caption search and of a grounded signal -> caption
    listing over the whole library (texts already encoded: the search itself)."""
    every = [c for c in library.metadata["caption"] if c]
    captions = every[:: max(1, len(every) // n)][:n]
    encode(captions)
    vectors = library.index.reconstruct_n(0, min(n, library.index.ntotal))
    times = {"text -> signal": [], "signal -> caption": []}
    for i, caption in enumerate(captions):
        start = time.perf_counter()
        search_text(library, caption, encode, K)
        times["text -> signal"].append(time.perf_counter() - start)
        row = Grounding(library.grounding.stage_logp[i:i + 1], library.grounding.events[i:i + 1],
                        library.grounding.bin_sec)
        start = time.perf_counter()
        nearest_captions(library, vectors[i % len(vectors)], 3, row)
        times["signal -> caption"].append(time.perf_counter() - start)
    for name, t in times.items():
        print(f"grounded {name} over {library.index.ntotal} rows / {len(library.captions)} "
              f"captions: median {1000 * np.median(t):.1f} ms ({len(t)} queries)")


if __name__ == "__main__":
    main()
