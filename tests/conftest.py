"""Shared fixtures: the real embedder and Chroma, with a corpus ingested once per session.

Two layers: unit tests need nothing outside the repo (`tiny_store` holds tests/support/corpus, four
short articles written for the tests); `integration` tests need ../shared (the seed corpus and eval
sets beside it). Tests using the ../shared corpus fixtures are marked `integration` here; others that
read ../shared are marked where they are written. Without ../shared the integration layer is
skipped, saying why, unless REQUIRE_SHARED=1 (`make test`, CI), where its absence stops the run."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before any import that reads them
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import pytest  # noqa: E402

from assistant import Assistant  # noqa: E402
from servers import PostgresCluster  # noqa: E402
from support import CORPUS, SHARED, TEST_OUTPUT, TINY_CORPUS, free_port, start_chroma, stop  # noqa: E402

SHARED_FIXTURES = {"corpus_dir", "seeded"}


def pytest_configure(config):
    if not CORPUS.is_dir() and os.environ.get("REQUIRE_SHARED") == "1":
        raise pytest.UsageError(f"the seed corpus is missing at {CORPUS} (../shared/corpus beside the repo), "
                                "and REQUIRE_SHARED=1 asks for the integration tests")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SHARED_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.integration)
    if CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"integration: needs {SHARED} (../shared beside the repo), which is missing")
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_dir():
    return CORPUS


@pytest.fixture(scope="session")
def seeded(tmp_path_factory, corpus_dir):
    """An Assistant over a temp store holding ../shared/corpus (read-only use: do not ingest into it)."""
    store = tmp_path_factory.mktemp("seeded-store")
    assistant = Assistant(store=store, backend="extractive")
    report = assistant.ingest([corpus_dir])
    assert report.ok, report.to_dict()
    return assistant


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory):
    """An Assistant over a temp store holding tests/support/corpus (read-only use: do not ingest into it)."""
    store = tmp_path_factory.mktemp("tiny-store")
    assistant = Assistant(store=store, backend="extractive")
    report = assistant.ingest([TINY_CORPUS])
    assert report.ok and report.count("added") == 4, report.to_dict()
    return assistant


@pytest.fixture
def fresh(tmp_path):
    """An Assistant over an empty temp store, for tests that write."""
    return Assistant(store=tmp_path / "store", backend="extractive")


@pytest.fixture(scope="session")
def test_output():
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL cluster (tests/servers.py); `postgres.create(name)` makes a database."""
    cluster = PostgresCluster()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    """A `chroma run` server shared by the session's server-store tests (each store owns a collection)."""
    port = free_port()
    process = start_chroma(tmp_path_factory.mktemp("chroma-session"), port)
    yield f"http://127.0.0.1:{port}"
    stop(process)
