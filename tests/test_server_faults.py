"""The server store's servers going away under `assistant ingest` of many files: Chroma stopped, or
PostgreSQL restarted, between two of the ingest's batches. The ingest stops with one line naming the
server and the fix (no traceback), nothing half-written is visible, and once the server is back the
same command leaves every document in the store exactly once, its vectors in Chroma and no others."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.cli import main
from bench.replicas import sentence_corpus
from servers import PostgresCluster, assert_whole, one_error_line
from support import ROOT, SQUAD, free_port, start_chroma, stop
from vectorstore.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1200)]
ARTICLES = sorted((SQUAD / "articles").glob("*.txt"))[:10]  # 48 files, 1,734 paragraphs: two batches
STARTED_WITHIN = 600  # seconds for the writer to commit its first batch (models load on a busy machine)


def ingest_command(folder: Path, store: Path, database_url: str, chroma_url: str) -> list[str]:
    return [sys.executable, "-m", "assistant", "ingest", str(folder), "--quiet", "--store", str(store),
            "--database-url", database_url, "--chroma-url", chroma_url]


def committed(url: str) -> int:
    """Documents the registry holds, as another host reads them (0 before the schema exists)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        try:
            return conn.execute("select count(*) from documents").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def torn(url: str) -> list:
    """Documents whose paragraphs are not all there: what no reader may ever see."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("select doc_id from documents d where d.paragraphs != "
                            "(select count(*) from paragraphs p where p.doc_id = d.doc_id)").fetchall()


def interrupted_ingest(command: list[str], database_url: str, fault) -> str:
    """Run the ingest, apply `fault()` once its first batch is committed, and return its error line."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTED_WITHIN
        while not committed(database_url):
            assert writer.poll() is None, f"the ingest ended before its first commit: {writer.stderr.read()}"
            assert time.monotonic() < deadline, f"the ingest committed nothing in {STARTED_WITHIN} s"
            time.sleep(0.1)
        assert writer.poll() is None, "the ingest finished before the fault: the corpus is too small"
        fault()
        _, err = writer.communicate(timeout=300)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == 2, (writer.returncode, err)
    return one_error_line(err)


def assert_every_file_once(files: list[Path], store_folder: Path, database_url: str, chroma_url: str) -> None:
    store = Store(store_folder, chroma_url=chroma_url, database_url=database_url)
    assert sorted(d.location for d in store.documents()) == sorted(str(f.resolve()) for f in files)
    assert_whole(store)  # journal empty, paragraph count == vector count, no orphan vectors, lexical index whole
    last = files[-1].read_text(encoding="utf-8").split("\n\n")[-1].strip()
    assistant = Assistant(store=store_folder, database_url=database_url, chroma_url=chroma_url, backend="extractive")
    hit = assistant.retrieve(last, k=1)[0]
    assert hit.paragraph.text == last and store.document(hit.paragraph.doc_id).location == str(files[-1].resolve())


def test_stopping_chroma_mid_ingest_is_one_line_and_the_rerun_after_a_restart_stores_every_file_once(
        postgres, tmp_path):
    files = sentence_corpus(tmp_path / "corpus", ARTICLES)
    database_url = postgres.create("chroma_stopped")
    port, data = free_port(), tmp_path / "chroma"
    chroma_url = f"http://127.0.0.1:{port}"
    chroma = start_chroma(data, port)
    try:
        command = ingest_command(tmp_path / "corpus", tmp_path / "writer", database_url, chroma_url)
        line = interrupted_ingest(command, database_url, lambda: stop(chroma))
        assert f"lost the Chroma server at {chroma_url}" in line and "start `chroma run` there again" in line, line
        assert torn(database_url) == []
        assert 0 < committed(database_url) < len(files)

        chroma = start_chroma(data, port)  # the same data folder and port
        assert main(command[3:]) == 0
        assert_every_file_once(files, tmp_path / "writer", database_url, chroma_url)
    finally:
        if chroma.poll() is None:
            stop(chroma)


def test_restarting_postgres_mid_ingest_is_one_line_and_the_rerun_stores_every_file_once(chroma_url, tmp_path):
    files = sentence_corpus(tmp_path / "corpus", ARTICLES)
    cluster = PostgresCluster()  # its own: this test restarts it
    try:
        database_url = cluster.create("restarted")
        command = ingest_command(tmp_path / "corpus", tmp_path / "writer", database_url, chroma_url)
        line = interrupted_ingest(command, database_url, cluster.restart)
        assert f"lost the PostgreSQL server at postgresql://{cluster.user}@127.0.0.1:{cluster.port}" in line, line
        assert "start it again and rerun" in line, line
        assert torn(database_url) == []
        assert 0 < committed(database_url) < len(files)

        assert main(command[3:]) == 0
        assert_every_file_once(files, tmp_path / "writer", database_url, chroma_url)
    finally:
        cluster.remove()
