"""Regenerates the README's pictures of the web chat over ../shared/corpus (extractive backend, no LLM):
docs/screenshot-chat.png, a fact answer with its citation opened, and docs/screenshot-open-answer.png,
the two articles' accounts of the UN vote, each its own paragraph, the second one's citation opened.

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
OPEN_QUESTION = "Do the two articles agree on how the Central Asian countries voted on the UN resolution?"
SHOTS = ((QUESTION, "#chat .answer .chip", "screenshot-chat.png"),  # the chip to click, the picture
         (OPEN_QUESTION, "#chat .answer p.answer-part .chip", "screenshot-open-answer.png"))


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
        for question, _, _ in SHOTS:  # warm-up, so the timing shown is a typical one, not the first model load
            assistant.ask(question)
        demo = app.launch(assistant, "127.0.0.1", port, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                            args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                for question, chip, name in SHOTS:
                    page = browser.new_page(viewport={"width": 1400, "height": 860}, device_scale_factor=1)
                    page.goto(f"http://127.0.0.1:{port}/")
                    page.wait_for_selector("#question textarea", timeout=120_000)  # slow on a busy machine
                    page.fill("#question textarea", question)
                    page.press("#question textarea", "Enter")
                    page.locator(chip).last.click(timeout=90_000)
                    page.wait_for_selector("#citation-panel .para.cited")
                    page.mouse.move(0, 0)
                    page.wait_for_timeout(800)
                    page.screenshot(path=str(ROOT / "docs" / name))
                    page.close()
                browser.close()
        finally:
            demo.close()


if __name__ == "__main__":
    main()
