"""Regenerates docs/screenshot-chat.png: the web chat over ../shared/corpus with a citation opened.

    .venv/bin/python docs/make_screenshot.py
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
QUESTION = "Which Uzbek president did Blinken meet?"


def main() -> None:
    import app
    from assistant import Assistant
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as store, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        assistant = Assistant(store=store, backend="extractive")
        assistant.ingest([ROOT.parent / "shared" / "corpus"])
        assistant.ask(QUESTION)  # warm-up, so the timing shown is a typical one, not the first model load
        demo = app.launch(assistant, "127.0.0.1", port, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                            args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1400, "height": 860}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{port}/")
                page.fill("#question textarea", QUESTION)
                page.press("#question textarea", "Enter")
                page.locator("#chat .answer .chip").last.click(timeout=90_000)
                page.wait_for_selector("#citation-panel .para.cited")
                page.mouse.move(0, 0)
                page.wait_for_timeout(800)
                page.screenshot(path=str(ROOT / "docs" / "screenshot-chat.png"))
                browser.close()
        finally:
            demo.close()


if __name__ == "__main__":
    main()
