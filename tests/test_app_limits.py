"""A bounded server: 16 concurrent sessions upload, load and ask through gradio_client
against a real served app; a 17th is refused in one line; idle sessions are evicted and
their uploads deleted. Nights are 10-min synthetic EDFs to keep the test lean;
``bench/server.py`` gives the figures for 8-h nights.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import Client, handle_file

from app.engine import EngineConfig, build_engine
from app.limits import SessionLimits, SessionRegistry, deep_megabytes, process_rss_mb
from app.night import embed_night, read_night
from app.ui import App, AppConfig
from app.uploads import UploadPolicy
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.recording import Recording, Signal
from sleeplm_core.io.synth import SynthConfig, synth_night

SESSIONS = 16
NO_MAPPING = {"headers": ["slot", "file channel"], "data": [["ECG", ""]]}
RSS_GROWTH_BOUND_MB = 400.0
"""Process RSS growth allowed for 16 loaded 10-min nights (they hold about 4 MB each;
the rest is allocator slack and Gradio's per-session state)."""


def _first_minutes(seed: int, minutes: float = 10.0) -> Recording:
    """The first ``minutes`` of a 30-min synthetic night (the shortest synth makes)."""
    rec = synth_night(SynthConfig(hours=0.5, seed=seed, ahi=30.0))
    end = minutes * 60.0
    signals = {k: Signal(s.label, s.data[: int(end * s.sfreq)], s.sfreq, s.unit) for k, s in rec.signals.items()}
    return Recording(signals, rec.start_time, end, rec.stages[: int(end // 30)], rec.stage_offset,
                     [e for e in rec.events if e.offset <= end])


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two different 10-min nights, each copied under 8 names (one per session)."""
    folder = tmp_path_factory.mktemp("limits")
    sources = [write_edf(_first_minutes(seed), folder / f"src{seed}.edf") for seed in (21, 22)]
    paths = []
    for i in range(SESSIONS):
        path = folder / f"night_{i:02d}.edf"
        shutil.copyfile(sources[i % 2], path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def served(nights: list[Path]) -> Iterator[tuple[str, App]]:
    engine = build_engine(EngineConfig(threads=1))
    default = read_night(nights[0], "default_night")
    embed_night(default, engine)
    policy = UploadPolicy(roots=(Path(gr.utils.get_upload_folder()), nights[0].parent))
    app = App(AppConfig(engine, default, {}, policy, SessionLimits(max_sessions=SESSIONS, idle_minutes=30.0)))
    demo = app.build()
    demo.queue(default_concurrency_limit=2).launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    yield demo.local_url, app
    app.registry.stop()
    demo.close()


def _session(url: str, path: Path) -> tuple[Client, str, str]:
    """Upload and load ``path``, then ask; returns the client and the two status lines."""
    client = Client(url, verbose=False)
    loaded = client.predict(handle_file(str(path)), None, None, None, False, NO_MAPPING, api_name="/load")
    asked = client.predict("summarize the night", api_name="/ask")
    return client, loaded[3], asked[3]


@pytest.mark.slow
def test_sixteen_sessions_then_the_cap_then_eviction(served, nights, tmp_path):
    url, app = served
    rss_before = process_rss_mb()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda p: _session(url, p), nights))
    # No cross-talk: every session sees its own upload, and its epoch count.
    for path, (_, loaded, asked) in zip(nights, results):
        assert f"**{path.name}** · 20 epochs" in loaded and "in server memory" in loaded, loaded
        assert f"**{path.name}**" in asked and "default_night" not in asked
    held, megabytes = app.registry.stats()
    assert held == SESSIONS and 0 < megabytes < SESSIONS * 10
    growth = process_rss_mb() - rss_before
    assert growth < RSS_GROWTH_BOUND_MB, f"RSS grew {growth:.0f} MB for {SESSIONS} sessions"

    # The 17th session is refused in one line and keeps the night it had.
    extra = Client(url, verbose=False)
    refused = extra.predict(handle_file(str(nights[1])), None, None, None, False, NO_MAPPING, api_name="/load")[3]
    assert "already holds 16 loaded nights, its limit" in refused and "still showing default_night" in refused
    assert "default_night" in extra.predict("help", api_name="/ask")[3]

    # Idle sessions are evicted: nights dropped, uploads deleted, users told once.
    uploads = [f for h in app.registry._held.values() for f in h.files]
    assert uploads and all(f.is_file() for f in uploads)
    evicted = app.registry.sweep(now=float("inf"))
    assert len(evicted) == SESSIONS and app.registry.stats() == (0, 0.0)
    assert not any(f.exists() for f in uploads)
    client = results[0][0]
    status = client.predict("help", api_name="/ask")[3]
    assert "default_night" in status and "was closed after 30 min without use" in status
    assert "was closed" not in client.predict("help", api_name="/ask")[3]

    # A slot is free again: a night whose scoring runs past its end loads with a warning.
    hyp = tmp_path / "long_hypnogram.csv"
    hyp.write_text("".join(f"{30 * i},30,Sleep stage 2\n" for i in range(40)))
    status = extra.predict(handle_file(str(nights[1])), handle_file(str(hyp)), None, None, False, NO_MAPPING,
                           api_name="/load")[3]
    assert f"**{nights[1].name}**" in status and "loaded with" in status
    assert "20 scored epoch(s) past the end of the 600-s recording (600-1200 s) were dropped" in status


def test_memory_of_a_night_counts_each_buffer_once(served):
    _, app = served
    night = app.cfg.default
    arrays = sum(s.data.nbytes for s in night.recording.signals.values()) + night.epochs.data.nbytes
    assert arrays / 1024**2 <= deep_megabytes(night) < arrays / 1024**2 + 5
    assert all(s.data.dtype.name == "float32" for s in night.recording.signals.values())


class _Tab:
    """Stands in for a browser tab's session: only its identity and lifetime matter here."""


@pytest.mark.parametrize("stopped", [False, True])
def test_a_closed_tab_frees_its_upload_unless_the_server_is_closing(tmp_path: Path, stopped: bool) -> None:
    upload = tmp_path / "abc123" / "night.edf"
    upload.parent.mkdir()
    upload.write_bytes(b"edf")
    registry = SessionRegistry(SessionLimits(), tmp_path, reset=lambda s: None)
    tab = _Tab()
    registry.admit(tab)
    registry.hold(tab, night=None, name="night.edf", files=(upload,))
    if stopped:
        # A closing server's tabs are collected later, when the same content-named upload
        # may already belong to another server in the process.
        registry.stop()
    del tab
    gc.collect()
    assert upload.exists() == stopped
    assert registry.stats() == (0, 0.0)
