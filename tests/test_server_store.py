"""The server store from the command line and under faults, against a real PostgreSQL and `chroma run`:
bad URLs and databases are one line naming the fix; `migrate` moves an embedded library without
re-embedding; replicas share the re-scorer's vectors; losing PostgreSQL mid-ingest stops at once and the
rerun leaves every document once."""
from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.cli import main
from ingest.pipeline import ingest
from servers import PostgresCluster, assert_whole, one_error_line
from support import SQUAD
from vectorstore.embedding import encode
from vectorstore.errors import ServerUnreachable
from vectorstore.store import Store

pytestmark = pytest.mark.timeout(600)
QUESTION = "Which Uzbek president did Blinken meet?"


def cli(*args: str, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_database_urls_are_one_line_each(postgres, chroma_url, tmp_path, capsys):
    store = ["--store", str(tmp_path / "local")]
    cases = {
        "mysql://db.example/library": "is not a PostgreSQL URL",
        f"postgresql://{postgres.user}@127.0.0.1:{postgres.port}/": "names no database",
        f"postgresql://{postgres.user}:secret@127.0.0.1:{postgres.port}/no_such_db": "cannot connect to PostgreSQL",
        "postgresql://nobody@127.0.0.1:9/library": "cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:9",
    }
    for url, expected in cases.items():
        code, _, err = cli("list", *store, "--database-url", url, "--chroma-url", chroma_url, capsys=capsys)
        line = one_error_line(err)
        assert code == 2 and expected in line and "secret" not in line, (url, line)
    code, _, err = cli("list", *store, "--database-url", postgres.url(), capsys=capsys)
    assert code == 2 and "needs --chroma-url" in one_error_line(err)


def test_a_database_of_another_schema_or_program_is_refused_in_one_line(postgres, chroma_url, tmp_path, capsys):
    import psycopg

    flags = ["--store", str(tmp_path / "local"), "--chroma-url", chroma_url]
    newer = postgres.create("newer_schema")
    Store(tmp_path / "x", chroma_url=chroma_url, database_url=newer)
    with psycopg.connect(newer, autocommit=True) as conn:
        conn.execute("update meta set value = '99' where key = 'schema_version'")
    code, _, err = cli("list", "--database-url", newer, *flags, capsys=capsys)
    assert code == 2 and "holds schema version 99, this assistant reads 1" in one_error_line(err)
    code, out, _ = cli("doctor", "--database-url", newer, *flags, capsys=capsys)
    assert code == 1 and "PROBLEM  database:" in out and "schema version 99" in out, out

    foreign = postgres.create("foreign_tables")
    with psycopg.connect(foreign, autocommit=True) as conn:
        conn.execute("create table customers(id int)")
    code, _, err = cli("ingest", str(tmp_path), "--quiet", "--database-url", foreign, *flags, capsys=capsys)
    line = one_error_line(err)
    assert code == 2 and "(customers) but no assistant store" in line and "empty database" in line, line


@pytest.mark.integration
def test_migrate_moves_an_embedded_library_without_re_embedding(seeded, postgres, chroma_url, tmp_path, capsys):
    embedded = seeded  # read only: migrate reads its store
    url = postgres.create("migrated")
    flags = ["--database-url", url, "--chroma-url", chroma_url, "--store", str(tmp_path / "local")]
    code, out, _ = cli("migrate", "--from", embedded.settings.store, *flags, capsys=capsys)
    assert code == 0 and "copied 2 document(s)" in out and "nothing was re-embedded" in out, out
    code, out, _ = cli("migrate", "--from", embedded.settings.store, *flags, capsys=capsys)
    assert code == 0 and "copied 0 document(s)" in out and "skipped 2" in out, out

    server = Assistant(store=tmp_path / "local", database_url=url, chroma_url=chroma_url, backend="extractive")
    assert [d.to_dict() for d in server.documents()] == [d.to_dict() for d in embedded.documents()]
    assert server.paragraphs() == embedded.paragraphs()
    ids = [p.paragraph_id for p in embedded.paragraphs()]
    mine, theirs = embedded.store.embeddings(ids), server.store.embeddings(ids)
    assert all(mine[i] == pytest.approx(theirs[i]) for i in ids)  # the very vectors, not new ones
    assert_whole(server.store)
    answer = server.ask(QUESTION)
    assert any("Mirziyoyev" in c.text for c in answer.citations)
    assert [h.paragraph.paragraph_id for h in server.retrieve(QUESTION, k=5)] == \
        [h.paragraph.paragraph_id for h in embedded.retrieve(QUESTION, k=5)]
    code, out, _ = cli("doctor", *flags, capsys=capsys)
    assert code == 0 and "PROBLEM" not in out and "ok  database:" in out, out


@pytest.mark.integration
def test_replicas_share_the_rescorer_vectors_and_none_encodes_the_library(postgres, chroma_url, tmp_path, capsys,
                                                                          monkeypatch):
    from assistant.answer import rerank
    from test_retrieval import ARTICLES

    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("harbor.txt", "orchard.txt"):
        (folder / name).write_text(ARTICLES[name], encoding="utf-8")
    embedded = Assistant(store=tmp_path / "embedded", backend="extractive")
    embedded.ingest([folder])
    question = "When will the additional ferry crossings start?"
    expected = embedded.retrieve(question, k=3, method="mpnet")  # writes the embedded store's vector file
    url = postgres.create("rescore")
    code, out, _ = cli("migrate", "--from", str(tmp_path / "embedded"), "--database-url", url, "--chroma-url",
                       chroma_url, "--store", str(tmp_path / "local-0"), capsys=capsys)
    assert code == 0 and f"{len(embedded.paragraphs())} re-scorer vectors" in out, out

    encoded: list[str] = []
    encode = rerank.Rescorer.encode
    monkeypatch.setattr(rerank.Rescorer, "encode", lambda self, texts: encode(self, encoded.extend(texts) or texts))

    def replica(n: int) -> Assistant:
        return Assistant(store=tmp_path / f"local-{n}", database_url=url, chroma_url=chroma_url, backend="extractive")

    first = replica(1)
    got = first.retrieve(question, k=3, method="mpnet")
    assert [h.paragraph_id for h in got] == [h.paragraph_id for h in expected]
    assert [h.rank_score for h in got] == pytest.approx([h.rank_score for h in expected], abs=1e-6)
    assert encoded == [question]  # the migrated vectors, not the library encoded again
    assert not list((tmp_path / "local-1").glob("rescore-*"))

    (folder / "pier.txt").write_text("Pier Repairs Begin\n\nRepairs to the old fishing pier begin in May and will "
                                     "take six weeks, the harbor master said.\n", encoding="utf-8")
    first.ingest([folder / "pier.txt"])
    asked = "When do the repairs to the fishing pier begin?"
    encoded.clear()
    assert "fishing pier" in first.retrieve(asked, k=1, method="mpnet")[0].text
    assert asked in encoded and any("fishing pier" in t for t in encoded)  # the new paragraph, encoded once
    encoded.clear()
    assert "fishing pier" in replica(2).retrieve(asked, k=1, method="mpnet")[0].text
    assert encoded == [asked]  # read from the store: what one replica encoded, every replica has


@pytest.mark.integration
@pytest.mark.slow
def test_losing_postgres_mid_ingest_stops_at_once_and_the_rerun_leaves_every_document_once(chroma_url, tmp_path):
    articles = sorted((SQUAD / "articles").glob("*.txt"))[:4]
    cluster = PostgresCluster()  # its own: this test stops it
    try:
        url = cluster.create("faults")
        store = Store(tmp_path / "local", chroma_url=chroma_url, database_url=url)

        def lose_database_after_first(result):
            if result.status == "added" and not lost:
                lost.append(result.location)
                cluster.stop("immediate")  # a crash: connections cut, nothing shut down cleanly

        lost: list[str] = []
        with pytest.raises(ServerUnreachable) as stopped:
            ingest(articles, store, lambda texts: encode("minilm", texts), progress=lose_database_after_first,
                   batch_paragraphs=1)
        message = str(stopped.value)
        assert "PostgreSQL" in message and f"127.0.0.1:{cluster.port}" in message and "\n" not in message, message

        cluster.start()
        again = Store(tmp_path / "local", chroma_url=chroma_url, database_url=url)
        assert [d.location for d in again.documents()] == lost  # the finished document, nothing half-written
        report = ingest(articles, again, lambda texts: encode("minilm", texts))
        assert report.summary()["added"] == 3 and report.summary()["skipped"] == 1, report.to_dict()
        assert_whole(again)
    finally:
        cluster.remove()


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_writer_killed_mid_ingest_on_one_host_is_finished_by_the_next_and_readers_never_see_half(
        postgres, chroma_url, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    import psycopg

    from support import ROOT

    url = postgres.create("killed_writer")
    articles = sorted((SQUAD / "articles").glob("*.txt"))[:6]
    flags = ["--database-url", url, "--chroma-url", chroma_url]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", *map(str, articles), "--quiet",
                               "--store", str(tmp_path / "writer"), *flags], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    torn, stop = [], threading.Event()

    def read():  # another host's reader: every document it sees is whole
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.is_set():
                try:
                    torn.extend(conn.execute("select d.doc_id from documents d where d.paragraphs != (select count(*) "
                                             "from paragraphs p where p.doc_id = d.doc_id)").fetchall())
                except psycopg.errors.UndefinedTable:
                    pass
                time.sleep(0.05)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        deadline = time.monotonic() + 400
        while True:
            with psycopg.connect(url, autocommit=True) as conn:
                try:
                    if conn.execute("select count(*) from documents").fetchone()[0]:
                        break
                except psycopg.errors.UndefinedTable:
                    pass
            assert writer.poll() is None, writer.stderr.read().decode()
            assert time.monotonic() < deadline, "the writer committed nothing in 400 s"
            time.sleep(0.1)
    finally:
        writer.send_signal(signal.SIGKILL)  # mid-ingest (or, when the test failed, not to outlive it)
        writer.wait()
        stop.set()
        reader.join()
    assert torn == []
    store = Store(tmp_path / "next", chroma_url=chroma_url, database_url=url)  # the next writer, elsewhere
    report = ingest(articles, store, lambda texts: encode("minilm", texts))
    assert report.ok and report.summary()["added"] + report.summary()["skipped"] == len(articles), report.to_dict()
    assert len(store.documents()) == len(articles)
    assert_whole(store)
