"""Regenerate ``docs/img/app.png`` from the real running app.

Starts ``python app.py`` on a free port, opens it in Debian Chromium, asks the
technician's suggested question and waits until its regions are drawn, then
saves the top of the page (overview, epoch viewer and chat).

    python scripts/screenshot.py [--out docs/img/app.png] [--question "..."]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from app.main import free_port, start_in_subprocess

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
HAS_HIGHLIGHT = """() => { const g = document.querySelector('#overview .js-plotly-plot');
  return !!(g && g.layout && (g.layout.shapes || []).some(s => s.name === 'highlight')); }"""


def capture(url: str, out: Path, question: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1440, "height": 1050})
        page.goto(url, wait_until="load")
        page.wait_for_selector("#overview .js-plotly-plot", timeout=120_000)
        page.fill("#question textarea", question)
        page.click("#ask")
        page.wait_for_function(HAS_HIGHLIGHT, timeout=120_000)
        page.wait_for_timeout(1500)  # let plotly finish its transition before the capture
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 1440, "height": 1050})
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "app.png")
    parser.add_argument("--question", default="where are the longest apneas?")
    args = parser.parse_args()
    port = free_port()
    proc, _ = start_in_subprocess(port)
    try:
        capture(f"http://127.0.0.1:{port}/", args.out, args.question)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
