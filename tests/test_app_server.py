"""The app served in-process and driven through gradio_client, as a remote user would."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.io as pio
import pytest
from gradio_client import Client, handle_file

from app.engine import EngineConfig, build_engine
from app.night import embed_night, read_night
from app.plots import highlight_times
from app.timeexpr import format_clock
from app.ui import CLICK_JS, App, AppConfig
from app.uploads import UploadPolicy

CLOCK_RE = re.compile(r"\b(\d{2}:\d{2}:\d{2})\b")
NO_MAPPING = {"headers": ["slot", "file channel"], "data": [["ECG", ""]]}


@pytest.fixture(scope="module")
def served(synthetic_edf: Path, short_synthetic_edf: Path) -> Iterator[tuple[str, AppConfig]]:
    engine = build_engine(EngineConfig(threads=1))
    night = read_night(synthetic_edf, "synthetic_1h")
    embed_night(night, engine)
    bundled = {"synthetic_1h": (synthetic_edf, None), "synthetic_30min": (short_synthetic_edf, None)}
    policy = UploadPolicy(roots=(Path(gr.utils.get_upload_folder()), synthetic_edf.parent,
                                 short_synthetic_edf.parent))
    config = AppConfig(engine, night, bundled, policy)
    app = App(config)
    demo = app.build()
    demo.queue().launch(server_name="127.0.0.1", prevent_thread_lock=True, js=CLICK_JS, quiet=True)
    yield demo.local_url, config
    app.registry.stop()
    demo.close()


def _reply(result: tuple) -> str:
    chat = result[5]
    content = chat[-1]["content"]
    return content if isinstance(content, str) else " ".join(c.get("text", "") for c in content)


def _night_clocks(config: AppConfig) -> set[str]:
    night = config.default
    t0 = night.recording.start_time
    return {format_clock(s, t0) for s in range(0, int(night.recording.duration) + 1)}


def test_six_intents_name_real_times_and_draw_them(served: tuple[str, AppConfig]) -> None:
    url, config = served
    client = Client(url, verbose=False)
    clocks = _night_clocks(config)
    questions = {
        "locate": "where are the apneas?",
        "describe": "describe epoch 40",
        "compare": "heart rate in REM vs N2",
        "classify": "what stage is it at epoch 30?",
        "summarize": "summarize the night",
        "help": "help",
    }
    replies = {}
    for intent, q in questions.items():
        result = client.predict(q, api_name="/ask")
        replies[intent] = _reply(result)
        fig = pio.from_json(result[0]["plot"])
        named = CLOCK_RE.findall(replies[intent])
        assert all(c in clocks for c in named), (q, named)
        if intent in ("locate", "describe", "classify"):
            assert named, replies[intent]
            drawn = {format_clock(x0, config.default.recording.start_time)
                     for x0, _ in highlight_times(fig)}
            assert named[0] in drawn, (q, named, drawn)
    assert "epoch 30" in replies["classify"].lower()
    assert "Measured (mean)" in replies["describe"]
    assert " vs " in replies["compare"] and "bpm" in replies["compare"]
    assert "total sleep" in replies["summarize"]
    assert "summarize" in replies["help"]


def test_unanswerable_question_gets_an_honest_reply(served: tuple[str, AppConfig]) -> None:
    client = Client(served[0], verbose=False)
    reply = _reply(client.predict("what's the weather tomorrow?", api_name="/ask"))
    assert reply.startswith("That question is not about this recording")
    assert "medical" not in reply


def test_follow_ups_refer_to_this_clients_last_answer(served: tuple[str, AppConfig]) -> None:
    url, config = served
    night = config.default
    a, b = Client(url, verbose=False), Client(url, verbose=False)
    assert "nothing earlier" in _reply(b.predict("zoom into the second one", api_name="/ask"))
    first = _reply(a.predict("where are the apneas?", api_name="/ask"))
    apneas = sorted((e for e in night.recording.events if e.type.endswith("_apnea")),
                    key=lambda e: -e.duration)
    assert f"**{len(apneas)}** apnea events" in first
    moved = a.predict("zoom into the second one", api_name="/ask")
    assert moved[2] == night.epoch_at(apneas[1].onset)
    assert f"**{len(apneas)}**" in _reply(a.predict("how many were there?", api_name="/ask"))
    assert "nothing earlier" in _reply(b.predict("how many were there?", api_name="/ask"))


def test_failed_upload_keeps_the_loaded_night(served: tuple[str, AppConfig], tmp_path: Path) -> None:
    client = Client(served[0], verbose=False)
    fake = tmp_path / "not_a_recording.edf"
    fake.write_text("hello, this is text")
    result = client.predict(handle_file(str(fake)), None, None, None, False, NO_MAPPING,
                            api_name="/load")
    status = result[3]
    assert "not an EDF" in status and "still showing synthetic_1h" in status
    reply = _reply(client.predict("what stage is it at epoch 3?", api_name="/ask"))
    assert "Epoch 3" in reply


def test_two_concurrent_clients_never_see_each_others_recording(
        served: tuple[str, AppConfig]) -> None:
    a, b = Client(served[0], verbose=False), Client(served[0], verbose=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        loading = pool.submit(a.predict, None, None, None, "synthetic_30min", False, NO_MAPPING,
                              api_name="/load")
        asking = [pool.submit(b.predict, q, api_name="/ask")
                  for q in ("summarize the night", "where are the apneas?", "help")]
        assert "synthetic_30min" in loading.result()[3]
        for job in asking:
            status = job.result()[3]
            assert "synthetic_1h" in status and "synthetic_30min" not in status
    assert "synthetic_1h" in b.predict("help", api_name="/ask")[3]
    assert "synthetic_30min" in a.predict("help", api_name="/ask")[3]


def test_gallery_captions_and_exports_panels(served: tuple[str, AppConfig]) -> None:
    client = Client(served[0], verbose=False)
    explanation, example, note, *_cards = client.predict("Sleep spindle", api_name="/gallery")
    assert "11-16 Hz" in explanation
    drawn = highlight_times(pio.from_json(example["plot"]))
    named = CLOCK_RE.findall(note)
    t0 = served[1].default.recording.start_time
    assert drawn and format_clock(drawn[0][0], t0) in named
    rows = client.predict(api_name="/captions")["data"]
    assert [r[0] for r in rows] == ["brain", "heart", "respiratory", "position_muscle", "stage_event"]
    assert all(r[1] and r[2] for r in rows)
    events = Path(client.predict(api_name="/export_events"))
    assert events.read_text().startswith("onset_s,duration_s,clock,type,source,score")
    assert "model" in events.read_text()
    report = Path(client.predict(api_name="/export_report"))
    assert report.name.endswith("_report.md")
    assert report.read_text().startswith("## Sleep study report: ") and "### What stands out" in report.read_text()


@pytest.mark.parametrize("target", [Path("/etc/passwd"), Path(__file__).resolve()])
def test_server_does_not_serve_files_outside_its_uploads(served: tuple[str, AppConfig],
                                                        target: Path) -> None:
    url = f"{served[0]}gradio_api/file={target}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code in (403, 404)


def test_time_outside_the_night_is_refused_with_its_range(served: tuple[str, AppConfig]) -> None:
    client = Client(served[0], verbose=False)
    reply = _reply(client.predict("what stage is it at epoch 5000?", api_name="/ask"))
    assert "outside this recording" in reply and "epochs 0-119" in reply
    start, end = (format_clock(t, served[1].default.recording.start_time)
                  for t in (0.0, served[1].default.recording.duration))
    assert f"runs from {start} to {end}" in reply


def test_fewshot_labels_from_the_ui_train_a_head(served: tuple[str, AppConfig]) -> None:
    client = Client(served[0], verbose=False)
    stages = served[1].default.epochs.stages
    for code, name in ((0, "wake"), (2, "N2")):
        for epoch in np.flatnonzero(stages == code)[:3]:
            client.predict(int(epoch), api_name="/goto")
            client.predict(name, api_name="/fewshot_add")
    result = client.predict("prototype", "wake", api_name="/fewshot_apply")
    note = result[-1]
    assert "6 labelled epochs (2 classes)" in note and "cross-validated accuracy" in note
    assert highlight_times(pio.from_json(result[0]["plot"]))


def test_fewshot_labels_from_a_csv_file(served: tuple[str, AppConfig], tmp_path: Path) -> None:
    client = Client(served[0], verbose=False)
    stages = served[1].default.epochs.stages
    rows = [f"{e},{'wake' if c == 0 else 'N2'}" for c in (0, 2)
            for e in np.flatnonzero(stages == c)[:4]]
    assert len(rows) == 8
    labels = tmp_path / "labels.csv"
    labels.write_text("epoch,label\n" + "\n".join(rows) + "\n")
    note = client.predict(handle_file(str(labels)), api_name="/fewshot_file")[-1]
    assert note == "8 labelled epochs read."
    result = client.predict("logreg", "N2", api_name="/fewshot_apply")
    assert "8 labelled epochs (2 classes)" in result[-1] and "**N2**" in result[-1]
