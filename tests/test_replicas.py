"""Web replicas sharing one library: two `assistant serve` processes on one PostgreSQL and one Chroma
server (the commands of docs/deploy.md). What one writer commits is answerable through both within 2 s;
a removed document stops being cited by both; both list the same documents. Under load (8 clients on
both replicas while a writer ingests many files) no request fails and no reader sees half a document."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from assistant.cli import main
from support import ROOT, SQUAD, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1500)]

QUESTION = "Which Uzbek president did Blinken meet?"
ANSWER = "Mirziyoyev"
VISIBLE_WITHIN = 2.0  # seconds from a writer's commit to an answer through either replica
ARTICLES = sorted((SQUAD / "articles").glob("*.txt"))[10:12]  # cut into 8 files, 254 paragraphs
START_WITHIN = 600  # seconds for a replica to listen (models load; a busy 2-core machine takes minutes)


def env() -> dict:
    return {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def serve(store, port: int, database_url: str, chroma_url: str) -> subprocess.Popen:
    """`assistant serve` as deploy.md starts a replica, once it accepts connections."""
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--backend",
                                "extractive", "--store", str(store), "--database-url", database_url,
                                "--chroma-url", chroma_url], env=env(), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.5)
    process.kill()
    pytest.fail(f"a replica did not start within {START_WITHIN} s")


@pytest.fixture(scope="module")
def replicas(postgres, chroma_url, tmp_path_factory):
    database_url = postgres.create("replicas")
    processes, clients, urls = [], [], []
    from gradio_client import Client

    for name in ("a", "b"):
        port = free_port()
        urls.append(f"http://127.0.0.1:{port}/")
        processes.append(serve(tmp_path_factory.mktemp(f"replica-{name}"), port, database_url, chroma_url))
        clients.append(connect(Client, urls[-1], processes[-1]))
    yield database_url, clients, urls
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def connect(client_class, url: str, process: subprocess.Popen):
    """A gradio_client Client once the app answers (it listens before its first page is ready)."""
    deadline = time.monotonic() + START_WITHIN
    while True:
        try:
            return client_class(url, verbose=False)
        except Exception:  # httpx timeouts and refusals while the app starts
            assert process.poll() is None, f"the replica exited: {process.stderr.read().decode()[-2000:]}"
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def cited(client, question: str = QUESTION) -> list[str]:
    answer = client.predict(question, [], "extractive", 5, api_name="/ask")
    return [c["doc_id"] for c in answer["citations"] if ANSWER in c["text"]]


def test_a_committed_document_is_answered_and_a_removed_one_forgotten_by_both_replicas(
        replicas, chroma_url, corpus_dir, tmp_path, capsys):
    database_url, clients, _ = replicas
    flags = ["--store", str(tmp_path / "writer"), "--database-url", database_url, "--chroma-url", chroma_url]
    assert all(cited(client) == [] for client in clients)  # an empty library; models loaded on both

    assert main(["ingest", str(corpus_dir), "--quiet", *flags]) == 0
    committed = time.monotonic()
    waiting = set(range(len(clients)))
    while waiting and time.monotonic() - committed < VISIBLE_WITHIN:
        waiting = {i for i in waiting if not cited(clients[i])}
    assert not waiting, f"replica(s) {waiting} did not answer from the new documents within {VISIBLE_WITHIN} s"

    capsys.readouterr()
    assert main(["list", "--json", *flags]) == 0
    listed = capsys.readouterr().out
    doc_id = cited(clients[0])[0]
    assert doc_id in listed
    assert main(["remove", doc_id, *flags]) == 0
    assert all(doc_id not in cited(c) for c in clients), "a removed document is still cited"


def test_clients_on_both_replicas_see_no_error_and_no_half_document_while_a_writer_ingests(replicas, chroma_url,
                                                                                          tmp_path):
    from bench.replicas import load, probe, probes, sentence_corpus

    database_url, clients, urls = replicas
    files = sentence_corpus(tmp_path / "corpus", ARTICLES)
    checks = probes(files)
    writer = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(tmp_path / "corpus"), "--quiet",
                               "--store", str(tmp_path / "writer"), "--database-url", database_url, "--chroma-url",
                               chroma_url], env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        seen = load(urls, clients=8, seconds=30, checks=checks, busy=lambda: writer.poll() is None, after=5,
                    limit=900)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.wait() == 0, writer.stderr.read().decode()
    assert seen["errors"] == 0 and seen["torn"] == [], {k: seen[k] for k in ("errors", "error_messages", "torn")}
    assert seen["absent"] and seen["whole"], f"the readers did not see the writer commit: {seen}"
    assert [probe(client, doc_id, text) for client in clients for doc_id, text in checks[-2:]] == ["whole"] * 4
