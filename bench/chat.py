"""Chat on the bundled synthetic night: held-out score, answer latency, semantic calibration.

    python bench/chat.py                 # held-out questions and dialogues, per item
    python bench/chat.py --latency       # p50/p95 answer time over the phrasing table
    python bench/chat.py --calibrate     # sweep of the semantic layer's threshold

Prints; never asserts. Uses the shipped model and 2 torch threads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app.chat.dialogue import Dialogue  # noqa: E402
from app.chat.pipeline import ask  # noqa: E402
from app.engine import DEMO_DIR, EngineConfig, build_engine  # noqa: E402
from app.night import embed_night, embedding_cache, machine_score, read_night, scoring_cache  # noqa: E402


def _night():
    engine = build_engine(EngineConfig(threads=2))
    path = DEMO_DIR / "synthetic_night.edf"
    night = read_night(path, "synthetic_night")
    machine_score(night, cache=scoring_cache(path))
    embed_night(night, engine, cache=embedding_cache(path, engine))
    return night, engine


def heldout() -> None:
    import chat_heldout as h

    night, engine = _night()
    known = h.facts(night)
    right = 0
    for voice, question, check in h.QUESTIONS:
        answer, query = ask(question, Dialogue(), night, engine, 0)
        bad = h.failures(check, query, answer, night, known)
        right += not bad
        print(f"{'ok ' if not bad else 'BAD'} [{voice}] {question}" + (f"  -> {bad}" if bad else ""))
    print(f"questions: {right}/{len(h.QUESTIONS)}")
    good = 0
    for i, turns in enumerate(h.DIALOGUES):
        bad = h.run_dialogue(turns, night, engine, known)
        good += not bad
        print(f"{'ok ' if not bad else 'BAD'} dialogue {i}: " + " / ".join(q for q, _ in turns)
              + (f"  -> {bad}" if bad else ""))
    print(f"dialogues: {good}/{len(h.DIALOGUES)}")


def calibrate() -> None:
    """Sweep the intent threshold: accepted-and-right sleep phrasings vs rejected off-topic ones."""
    import chat_calibration as c

    from app.chat.understand import intent_bank

    bank = intent_bank()
    inside = [(bank.nearest(q), want) for q, want in c.IN_DOMAIN]
    outside = [bank.nearest(q) for q in c.OFF_TOPIC]
    right = sum(m.label == want for m, want in inside)
    print(f"nearest-intent accuracy on {len(inside)} held-out sleep phrasings: {right}/{len(inside)}")
    print("threshold  sleep accepted&right  off-topic rejected  balanced")
    for t in np.arange(0.40, 0.71, 0.02):
        ok_in = sum(m.label == want and m.cosine >= t for m, want in inside) / len(inside)
        ok_out = sum(m.cosine < t for m in outside) / len(outside)
        print(f"  {t:.2f}      {ok_in:6.1%}              {ok_out:6.1%}          {(ok_in + ok_out) / 2:6.1%}")


def latency() -> None:
    """p50/p95 seconds per answer over the phrasing table (fresh dialogue each)."""
    from test_chat_understand import TABLE

    night, engine = _night()
    ask("warm up", Dialogue(), night, engine, 0)
    times = []
    for _, text, _, _ in TABLE:
        t0 = time.perf_counter()
        try:
            ask(text, Dialogue(), night, engine, 0)
        except Exception:  # noqa: BLE001 - refusals (times outside the night) still count
            pass
        times.append(time.perf_counter() - t0)
    print(f"{len(times)} questions: p50 {np.percentile(times, 50):.3f} s, p95 "
          f"{np.percentile(times, 95):.3f} s, max {max(times):.3f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--latency", action="store_true")
    p.add_argument("--calibrate", action="store_true")
    a = p.parse_args()
    if a.calibrate:
        calibrate()
    elif a.latency:
        latency()
    else:
        heldout()


if __name__ == "__main__":
    main()
