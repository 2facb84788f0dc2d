"""How well the model guesses sleep and wake on home sleep tests (no EEG).

A home test cannot be staged by the AASM rules, so the app falls back on the model's
zero-shot stages and says so; this prints how far that guess can be trusted: Cohen's
kappa of the guessed stages against the true ones of synthetic home tests (montage
profile ``hst``, seeds not used in training), five stages and sleep against wake.

    python bench/home_test_staging.py                 # seeds 7676-7681, 6 h each
    python bench/home_test_staging.py --seeds 7676 7677 --hours 4
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

# Run as `python bench/...`, this folder would shadow the `app` package.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from app.engine import EngineConfig, build_engine  # noqa: E402
from app.night import embed_night, machine_score, read_night  # noqa: E402
from sleeplm_core.io.edf_write import write_edf  # noqa: E402
from sleeplm_core.io.synth import SynthConfig, synth_night  # noqa: E402


def kappas(seed: int, hours: float, folder: Path, engine) -> tuple[float, float]:
    """(five-stage kappa, sleep/wake kappa) of the model's guess on one synthetic home test."""
    rec = synth_night(SynthConfig(hours=hours, ahi=20.0, profile="hst", seed=seed))
    path = write_edf(rec, folder / f"hst{seed}.edf", hypnogram_path=folder / f"hst{seed}-hyp.edf")
    truth = read_night(path, "truth", hypnogram=folder / f"hst{seed}-hyp.edf").stages()[0]
    night = read_night(path, f"hst{seed}")
    machine_score(night)
    embed_night(night, engine)
    guess, source = night.stages()
    assert source == "predicted", source
    n = min(len(truth), len(guess))
    t, g = truth[:n], guess[:n]
    keep = t >= 0
    return (float(cohen_kappa_score(t[keep], g[keep])),
            float(cohen_kappa_score(t[keep] > 0, g[keep] > 0)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(7676, 7682)))
    parser.add_argument("--hours", type=float, default=6.0)
    args = parser.parse_args()
    engine = build_engine(EngineConfig(threads=2))
    five, two = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            k5, k2 = kappas(seed, args.hours, Path(tmp), engine)
            five.append(k5)
            two.append(k2)
            print(f"seed {seed}: five stages kappa {k5:.3f}, sleep/wake kappa {k2:.3f}", flush=True)
    print(f"mean over {len(args.seeds)} home tests: five stages {statistics.mean(five):.3f}, "
          f"sleep/wake {statistics.mean(two):.3f} (range {min(two):.3f}-{max(two):.3f})")


if __name__ == "__main__":
    main()
