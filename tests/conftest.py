"""Shared fixtures: the real embedder and Chroma, with the seed corpus ingested once per session."""
from __future__ import annotations

import os
import socket
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
