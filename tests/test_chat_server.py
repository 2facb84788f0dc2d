"""The scripted dialogues (tests/chat_dialogues.py) played through gradio_client against a
real server on the bundled synthetic night, each in its own client session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import plotly.io as pio
import pytest
from gradio_client import Client

from app.engine import DEMO_DIR, Engine
from app.night import LoadedNight
from app.plots import _HIGHLIGHT_COLORS, HIGHLIGHT
from app.ui import App, AppConfig
from app.uploads import UploadPolicy
from chat_dialogues import DIALOGUES, Region, Reply, Turn

SCORED_OUTLINE = _HIGHLIGHT_COLORS["scored"][1]


@pytest.fixture(scope="module")
def served(demo: tuple[LoadedNight, Engine]) -> Iterator[tuple[str, LoadedNight]]:
    night, engine = demo
    config = AppConfig(engine, night, {"synthetic_night": (DEMO_DIR / "synthetic_night.edf", None)},
                       UploadPolicy(roots=(DEMO_DIR,)))
    app = App(config)
    demo = app.build()
    demo.queue().launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    yield demo.local_url, night
    app.registry.stop()
    demo.close()


def _reply(result: tuple[Any, ...]) -> Reply:
    """The /ask outputs (overview, viewer, epoch, status, regions, chat, question box) as seen."""
    overview, viewer = (pio.from_json(p["plot"]) for p in result[:2])
    content = result[5][-1]["content"]
    text = content if isinstance(content, str) else " ".join(c.get("text", "") for c in content)
    regions = [Region(float(s.x0), float(s.x1), s.line.color == SCORED_OUTLINE)
               for s in overview.layout.shapes if s.name == HIGHLIGHT]
    x0, x1 = viewer.layout.xaxis.range
    return Reply(text, int(result[2]), regions, float(x1) - float(x0))


@pytest.mark.parametrize("turns", DIALOGUES, ids=[t[0][0] for t in DIALOGUES])
def test_dialogue(served: tuple[str, LoadedNight], turns: list[Turn]) -> None:
    url, night = served
    client = Client(url, verbose=False)
    for question, check in turns:
        reply = _reply(client.predict(question, api_name="/ask"))
        holds = check(night, reply)
        assert holds, (question, reply.text[:400], reply.epoch, reply.window)
