"""App speed: cold start, upload-to-first-plot for an 8-h night, chat answer p50.

Runs the real app (``python app.py``) in a subprocess and drives it with
gradio_client, as a browser would. Prints one line per figure with its target.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from gradio_client import Client, handle_file

# Run as `python bench/app.py`, this file's folder comes first on sys.path and its
# name would shadow the `app` package; drop it before importing the package.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from app.main import free_port, start_in_subprocess  # noqa: E402
from sleeplm_core.io.edf_write import write_edf  # noqa: E402
from sleeplm_core.io.synth import SynthConfig, synth_night  # noqa: E402

NO_MAPPING = {"headers": ["slot", "file channel"], "data": [["ECG", ""]]}
LOCATE = ("where are the apneas?", "find sleep spindles", "show slow waves", "where are the arousals?",
          "find desaturations", "show K-complexes in N2", "find alpha rhythm", "where is REM sleep?",
          "show hypopneas in the first hour")
DESCRIBE = ("describe epoch 100", "what happens at epoch 400?", "how is breathing during REM?",
            "describe the brain activity in the first hour", "how is the heart rate in N3",
            "describe epoch 700", "what is going on in epoch 250", "describe epochs 300-310",
            "how is breathing during N2?")


def _first_plot_seconds(client: Client, edf: Path) -> tuple[float, float]:
    t0 = time.perf_counter()
    job = client.submit(handle_file(str(edf)), None, None, None, False, NO_MAPPING, api_name="/load")
    first = None
    while not job.done():
        if first is None and job.outputs():
            first = time.perf_counter() - t0
        time.sleep(0.05)
    total = time.perf_counter() - t0
    return (first if first is not None else total), total


def _p50(client: Client, questions: tuple[str, ...]) -> float:
    times = []
    for q in questions:
        t0 = time.perf_counter()
        client.predict(q, api_name="/ask")
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        edf = write_edf(synth_night(SynthConfig(hours=8.0, seed=3)), Path(tmp) / "bench_8h.edf")
        for label in ("first start (fills the embedding cache if empty)", "cold start, cache warm"):
            port = free_port()
            proc, seconds = start_in_subprocess(port)
            print(f"{label}: {seconds:.1f} s (target <= 15 s)")
            if label.startswith("cold"):
                break
            proc.terminate()
            proc.wait()
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            first, total = _first_plot_seconds(client, edf)
            print(f"upload to first plot, 8-h night: {first:.1f} s (target <= 30 s); "
                  f"fully encoded after {total:.1f} s")
            print(f"chat p50 locate: {_p50(client, LOCATE):.2f} s over {len(LOCATE)} questions "
                  "(target <= 1 s)")
            print(f"chat p50 describe: {_p50(client, DESCRIBE):.2f} s over {len(DESCRIBE)} "
                  "questions (target <= 1 s)")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
