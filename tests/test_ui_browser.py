"""End to end in Debian Chromium: upload a synthetic EDF, ask, see highlights, click one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import pytest
from playwright.sync_api import Page, sync_playwright

from app.engine import EngineConfig, build_engine
from app.night import LoadedNight, embed_night, read_night
from app.ui import CLICK_JS, App, AppConfig
from app.uploads import UploadPolicy

pytestmark = pytest.mark.ui

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HAS_HIGHLIGHT = """() => { const g = document.querySelector('#overview .js-plotly-plot');
  return !!(g && g.layout && (g.layout.shapes || []).some(s => s.name === 'highlight')); }"""
CLICK_BOUND = """() => { const g = document.querySelector('#overview .js-plotly-plot');
  return !!(g && g._ev && g._ev.listeners('plotly_click').length); }"""
FIRST_HIGHLIGHT_PIXEL = """() => { const g = document.querySelector('#overview .js-plotly-plot');
  const h = g.layout.shapes.find(s => s.name === 'highlight');
  const xa = g._fullLayout.xaxis2, ya = g._fullLayout.yaxis2, box = g.getBoundingClientRect();
  // The centre of an epoch inside the region: spectrogram cells are epochs, so a
  // click there is never on a cell border.
  let x = (Math.floor(h.x0 / 30) + 0.5) * 30;
  if (x < h.x0) x += 30;
  if (x > h.x1) x = (h.x0 + h.x1) / 2;
  return {seconds: x, px: box.left + xa._offset + xa.l2p(x), py: box.top + ya._offset + ya._length / 2}; }"""


@pytest.fixture(scope="module")
def served(synthetic_edf: Path) -> Iterator[tuple[str, LoadedNight]]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    engine = build_engine(EngineConfig(threads=1))
    night = read_night(synthetic_edf, "default_night")
    embed_night(night, engine)
    policy = UploadPolicy(roots=(Path(gr.utils.get_upload_folder()), synthetic_edf.parent))
    app = App(AppConfig(engine, night, {}, policy))
    demo = app.build()
    demo.queue().launch(server_name="127.0.0.1", prevent_thread_lock=True, js=CLICK_JS, quiet=True)
    yield demo.local_url, night
    app.registry.stop()
    demo.close()


@pytest.fixture(scope="module")
def app_url(served: tuple[str, LoadedNight]) -> str:
    return served[0]


@pytest.fixture()
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser.new_page(viewport={"width": 1440, "height": 1000})
        browser.close()


def _epoch(page: Page) -> int:
    return int(page.input_value("#epoch-number input"))


def test_upload_ask_click_region(app_url: str, page: Page, short_synthetic_edf: Path) -> None:
    page.goto(app_url, wait_until="load")
    page.wait_for_selector("#overview .js-plotly-plot", timeout=60_000)
    page.set_input_files("#upload-recording input[type=file]", str(short_synthetic_edf))
    page.wait_for_selector("#upload-recording >> text=synthetic_30min.edf", timeout=30_000)
    page.click("#load")
    page.wait_for_selector("#status >> text=synthetic_30min.edf · 60 epochs", timeout=120_000)

    page.fill("#question textarea", "where are the apneas?")
    page.click("#ask")
    page.wait_for_function(HAS_HIGHLIGHT, timeout=60_000)
    page.wait_for_selector("#chat >> text=apnea", timeout=30_000)

    page.fill("#epoch-number input", "0")
    page.press("#epoch-number input", "Enter")
    page.wait_for_selector("#viewer >> text=epoch 0/59", timeout=30_000)
    page.wait_for_function(CLICK_BOUND, timeout=10_000)
    target = page.evaluate(FIRST_HIGHLIGHT_PIXEL)
    page.mouse.click(target["px"], target["py"])
    expected = int(target["seconds"] // 30)
    try:
        page.wait_for_function(
            f"() => document.querySelector('#epoch-number input').value === '{expected}'",
            timeout=30_000)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui_upload_ask_click.png"), full_page=True)
    page.wait_for_selector(f"#viewer >> text=epoch {expected}/59", timeout=30_000)
    assert _epoch(page) == expected


def _ask(page: Page, question: str, reply_text: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_selector(f"#chat >> text={reply_text}", timeout=60_000)


def test_follow_up_moves_the_epoch_viewer(served: tuple[str, LoadedNight], page: Page) -> None:
    url, night = served
    apneas = sorted((e for e in night.recording.events if e.type.endswith("_apnea")),
                    key=lambda e: -e.duration)
    second = night.epoch_at(apneas[1].onset)
    page.goto(url, wait_until="load")
    page.wait_for_selector("#overview .js-plotly-plot", timeout=60_000)
    _ask(page, "where are the apneas?", "apnea events")
    _ask(page, "zoom into the second one", "The second listed of")
    page.wait_for_function(
        f"() => document.querySelector('#epoch-number input').value === '{second}'",
        timeout=30_000)
    page.wait_for_selector(f"#viewer >> text=epoch {second}/{night.n_epochs - 1}", timeout=30_000)
