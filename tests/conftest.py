"""Shared fixtures: the real embedder and Chroma, with the seed corpus ingested once per session."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SQUAD = SHARED / "eval" / "squad2-dev"
TEST_OUTPUT = ROOT / "test-output"


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
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            assert process.poll() is None, "chroma run exited early"
            time.sleep(0.3)
    process.kill()
    pytest.fail("chroma run did not start within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def pytest_configure(config):
    if not CORPUS.is_dir():
        raise pytest.UsageError(f"the seed corpus is missing at {CORPUS} (../shared/corpus beside the repo)")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """An Assistant over a temp store holding ../shared/corpus (read-only use: do not ingest into it)."""
    from assistant import Assistant

    store = tmp_path_factory.mktemp("seeded-store")
    assistant = Assistant(store=store, backend="extractive")
    report = assistant.ingest([CORPUS])
    assert report.ok, report.to_dict()
    return assistant


@pytest.fixture
def fresh(tmp_path):
    """An Assistant over an empty temp store, for tests that write."""
    from assistant import Assistant

    return Assistant(store=tmp_path / "store", backend="extractive")


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
