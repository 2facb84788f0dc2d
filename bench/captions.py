"""Time features + captions for an 8-h synthetic full-montage night (goal: <= 20 s on 2 cores).

Run: ``.venv/bin/python bench/captions.py``. Generating the night is not timed.
"""

from __future__ import annotations

import os
import time

from sleeplm_core.captions.night import caption_night
from sleeplm_core.features import night_features
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.synth import SynthConfig, synth_night

GOAL_S = 20.0


def main() -> None:
    rec = synth_night(SynthConfig(hours=8.0, seed=0))
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    t0 = time.perf_counter()
    features = night_features(rec, epochs, montage)
    t1 = time.perf_counter()
    night = caption_night(rec, epochs, seed=0, n_variants=1, montage=montage, features=features)
    t2 = time.perf_counter()
    n_captions = sum(len(v) for e in night.epochs for v in e.captions.values())
    print(f"night: 8 h, {len(epochs)} epochs, {len(rec.signals)} channels, "
          f"{os.cpu_count()} CPUs visible")
    print(f"features: {t1 - t0:.2f} s")
    print(f"captions: {t2 - t1:.2f} s ({n_captions} captions)")
    total = t2 - t0
    print(f"total:    {total:.2f} s (goal <= {GOAL_S:.0f} s: {'met' if total <= GOAL_S else 'MISSED'})")


if __name__ == "__main__":
    main()
