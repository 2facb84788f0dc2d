"""Server memory under load: N concurrent sessions each upload, load and ask about an 8-h night.

Runs the real app (``python app.py --max-sessions N``) in a subprocess, drives it with
one gradio_client per session, and prints the server's RSS (baseline, after the loads,
peak), the memory per session (RSS growth / N, and what the app itself measured), the
load and answer latencies, and what an (N+1)-th session is told.

    python bench/server.py [--sessions 16] [--hours 8]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gradio_client import Client, handle_file

# Run as `python bench/server.py`, this folder would shadow the `app` package.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from app.main import free_port, start_in_subprocess  # noqa: E402
from sleeplm_core.io.edf_write import write_edf  # noqa: E402
from sleeplm_core.io.synth import SynthConfig, synth_night  # noqa: E402

NO_MAPPING = {"headers": ["slot", "file channel"], "data": [["ECG", ""]]}
_MEMORY = re.compile(r"in server memory: (\d+) MB")


def _status_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM (peak) of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _session(url: str, path: Path) -> tuple[float, float, str, str]:
    """(load seconds, answer seconds, load status, answer status) of one session."""
    client = Client(url, verbose=False)
    t0 = time.perf_counter()
    loaded = client.predict(handle_file(str(path)), None, None, None, False, NO_MAPPING, api_name="/load")[3]
    t1 = time.perf_counter()
    asked = client.predict("summarize the night", api_name="/ask")[3]
    return t1 - t0, time.perf_counter() - t1, loaded, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--hours", type=float, default=8.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = write_edf(synth_night(SynthConfig(hours=args.hours, seed=3)), Path(tmp) / "source.edf")
        nights = [Path(tmp) / f"night_{i:02d}.edf" for i in range(args.sessions + 1)]
        for path in nights:
            shutil.copyfile(source, path)
        port = free_port()
        proc, cold = start_in_subprocess(port, "--max-sessions", str(args.sessions), "--idle-minutes", "60")
        url = f"http://127.0.0.1:{port}/"
        try:
            Client(url, verbose=False).predict("help", api_name="/ask")
            base = _status_mb(proc.pid, "VmRSS")
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.sessions) as pool:
                results = list(pool.map(lambda p: _session(url, p), nights[:-1]))
            wall = time.perf_counter() - t0
            after, peak = _status_mb(proc.pid, "VmRSS"), _status_mb(proc.pid, "VmHWM")
            refused = _session(url, nights[-1])[2]
        finally:
            proc.terminate()
            proc.wait()
    crossed = sum(f"**{p.name}**" not in loaded or f"**{p.name}**" not in asked
                  for p, (_, _, loaded, asked) in zip(nights, results))
    measured = [int(m[1]) for *_, loaded, _ in results if (m := _MEMORY.search(loaded))]
    loads, asks = [r[0] for r in results], [r[1] for r in results]
    print(f"{args.sessions} sessions x {args.hours:g}-h night, app cold start {cold:.1f} s, all loaded in {wall:.0f} s")
    print(f"server RSS: baseline {base:.0f} MB, after the loads {after:.0f} MB, peak {peak:.0f} MB")
    print(f"per session: {(after - base) / args.sessions:.0f} MB of RSS growth; "
          f"the app measured {statistics.median(measured) if measured else float('nan'):.0f} MB per night")
    print(f"load latency: p50 {statistics.median(loads):.1f} s, max {max(loads):.1f} s; "
          f"answer latency: p50 {statistics.median(asks):.2f} s, max {max(asks):.2f} s")
    print(f"sessions showing another session's night: {crossed}")
    print("session %d is told: %s" % (args.sessions + 1, refused.split("\n\n", 1)[-1]))


if __name__ == "__main__":
    main()
