"""Helpers and paths the test modules share (`from support import ...`; nothing is imported from conftest).

The fakes (`support.fakes`) and the tiny in-repo corpus (`support/corpus`, TINY_CORPUS) live beside them."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"  # the integration layer's data: seed corpus and eval sets, beside the repo
CORPUS = SHARED / "corpus"
SQUAD = SHARED / "eval" / "squad2-dev"
TEST_OUTPUT = ROOT / "test-output"
# Four short articles written for the tests, so the answer chain has unit tests needing nothing outside
# the repo: a river barrier approved (2023-04-18), opened (2024-03-12, "$14 million") and audited
# (2024-03-14, "$19 million": the two disagree on its cost), and an unrelated school choir story.
TINY_CORPUS = Path(__file__).resolve().parent / "corpus"


def free_port() -> int:
    """A loopback port nobody listens on (for the app and `chroma run` in tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    """A `chroma run` process, once it accepts connections."""
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 180  # a busy 2-core machine takes over a minute to import it
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            assert process.poll() is None, "chroma run exited early"
            time.sleep(0.3)
    process.kill()
    pytest.fail("chroma run did not start within 180 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


@contextlib.contextmanager
def running_app(assistant, **launch_args) -> Iterator[str]:
    """The web app over `assistant` on a free loopback port, closed afterwards; yields its URL."""
    from assistant.web import launch  # Gradio takes seconds to import: only the tests that serve pay for it

    port = free_port()
    demo = launch(assistant, "127.0.0.1", port, block=False, **launch_args)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
