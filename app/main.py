"""Start-up: parse flags, load the engine and the demo night, serve the Gradio app."""

from __future__ import annotations

import argparse
import logging
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from app.engine import DEMO_DIR, REPO_ROOT, EngineConfig, build_engine
from app.limits import SessionLimits
from app.night import encode_night, embedding_cache, machine_score, read_night, scoring_cache
from app.ui import CLICK_JS, App, AppConfig, bundled_nights
from app.uploads import UploadPolicy, parse_size
from sleeplm_core.errors import SleepLMError

log = logging.getLogger(__name__)

DEFAULT_NIGHT = "synthetic_night"
"""Bundled night every session starts on (falls back to the first bundled night)."""


@dataclass(frozen=True)
class ServeConfig:
    """Flags of ``python app.py``."""

    model: Path | None = None
    index: Path | None = None
    night: str = DEFAULT_NIGHT
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    max_upload: str = "2GB"
    trust_pickle: bool = False
    limits: SessionLimits = SessionLimits()


def bundled_with(name: str) -> tuple[str, dict[str, tuple[Path, Path | None]]]:
    """The bundled nights, plus ``name`` when it is a file path; and the key to start on."""
    bundled = bundled_nights(DEMO_DIR)
    if Path(name).is_file():
        bundled = {Path(name).stem: (Path(name).resolve(), None), **bundled}
        name = Path(name).stem
    if not bundled:
        raise SystemExit(f"no bundled night in {DEMO_DIR}; the demo recordings are missing")
    return (name if name in bundled else next(iter(bundled))), bundled


def build_app(config: ServeConfig) -> tuple[gr.Blocks, AppConfig]:
    """The Blocks of the app, ready to launch.

    The default night is read while the model loads, and a scored night is encoded while
    its signals are machine-scored (each waits mostly on native code), which shortens the
    start.
    """
    key, bundled = bundled_with(config.night)
    path, hyp = bundled[key]
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_night, path, key, hyp)
        engine = build_engine(EngineConfig(model=config.model, index=config.index,
                                           trust_pickle=config.trust_pickle))
        night = reading.result()
        scoring = pool.submit(machine_score, night, None, scoring_cache(path))
        if not night.recording.has_scoring:
            scoring.result()
        encode_night(night, engine, cache=embedding_cache(path, engine))
        scoring.result()
    # Bundled folders: the demo folder and the folder of a --night given as a path.
    folders = {DEMO_DIR} | {p.parent for p, _ in bundled.values()}
    policy = UploadPolicy(parse_size(config.max_upload),
                          roots=(Path(gr.utils.get_upload_folder()), *sorted(folders)))
    app_config = AppConfig(engine, night, bundled, policy, config.limits)
    return App(app_config).build(), app_config


def launch(demo: gr.Blocks, config: ServeConfig, app_config: AppConfig, block: bool = True) -> None:
    demo.queue(default_concurrency_limit=4).launch(
        server_name=config.host, server_port=config.port, share=config.share,
        max_file_size=app_config.policy.max_bytes, js=CLICK_JS, prevent_thread_lock=not block,
        show_error=True)


def start_in_subprocess(port: int, *flags: str) -> tuple[subprocess.Popen, float]:
    """Run ``python app.py --port PORT FLAGS`` and wait until it serves its page.

    Returns the process and the seconds it took (the cold start). Used by the
    benchmark and the screenshot script, which must see the real app.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "app.py"), "--port", str(port), *flags],
                            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return proc, time.perf_counter() - t0
        except OSError:
            time.sleep(0.2)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_args(argv: list[str] | None = None) -> ServeConfig:
    p = argparse.ArgumentParser(prog="app.py", description="SleepLM Explorer web app")
    p.add_argument("--model", type=Path, help="model folder or released checkpoint file "
                   "(default: the shipped sleeplm-mini)")
    p.add_argument("--index", type=Path, help="retrieval library folder (default: indexes/demo)")
    p.add_argument("--night", default=DEFAULT_NIGHT, help="bundled night (name) or EDF file (path) to start on")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--share", action="store_true", help="also serve through a public Gradio link")
    p.add_argument("--max-upload", default="2GB", help="largest accepted upload, e.g. 500MB")
    p.add_argument("--trust-pickle", action="store_true",
                   help="load a released .pt checkpoint that holds pickled objects (trusted files only)")
    p.add_argument("--max-sessions", type=int, default=SessionLimits.max_sessions,
                   help="most browser sessions holding a night of their own at once "
                        f"(default {SessionLimits.max_sessions}; an 8-h night takes about 170 MB)")
    p.add_argument("--idle-minutes", type=float, default=SessionLimits.idle_minutes,
                   help="close a session unused this long and delete its uploads "
                        f"(default {SessionLimits.idle_minutes:g})")
    a = p.parse_args(argv)
    if a.max_sessions < 1 or a.idle_minutes <= 0:
        p.error("--max-sessions must be >= 1 and --idle-minutes > 0")
    return ServeConfig(a.model, a.index, a.night, a.host, a.port, a.share, a.max_upload,
                       a.trust_pickle, SessionLimits(a.max_sessions, a.idle_minutes))


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = parse_args(argv)
    try:
        demo, app_config = build_app(config)
    except SleepLMError as err:
        raise SystemExit(f"error: {err}") from None
    launch(demo, config, app_config)
