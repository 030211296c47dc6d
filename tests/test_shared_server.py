"""Stores on a real `chroma run` server: each owns its vectors, notices when its Chroma is not the one
it wrote to, and stops at once, leaving nothing half-written, when the server goes away mid-ingest."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.cli import main
from ingest.pipeline import ingest
from support import SQUAD, free_port, start_chroma, stop
from support.fakes import FakeEncoder
from vectorstore.embedding import encode
from vectorstore.health import check
from vectorstore.store import ChromaUnreachable, Store, StoreDrift

pytestmark = pytest.mark.integration  # squad2-dev articles from ../shared

QUESTION = "Which Uzbek president did Blinken meet?"
ARTICLES = sorted((SQUAD / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    process = start_chroma(tmp_path_factory.mktemp("chroma-shared"), port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def cli(*args: str, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def asks_well(store: Path, url: str, capsys) -> bool:
    code, out, _ = cli("ask", QUESTION, "--json", "--backend", "extractive", "--store", str(store),
                       "--chroma-url", url, capsys=capsys)
    return code == 0 and "Mirziyoyev" in out


def legacy_store(path: Path, url: str) -> None:
    """A store as made before stores owned a collection: no store id or collection in its meta table."""
    Store(path, chroma_url=url)
    with sqlite3.connect(path / "registry.sqlite3") as db:
        db.execute("delete from meta where key in ('store_id', 'collection')")


# ---- item 1: a store owns its collection ----------------------------------------------------

def test_repair_and_remove_in_one_store_leave_another_stores_vectors_alone(server, corpus_dir, tmp_path, capsys):
    a, b = tmp_path / "A", tmp_path / "B"
    assert Assistant(store=a, chroma_url=server).ingest([corpus_dir]).summary()["added"] == 2
    other = Assistant(store=b, chroma_url=server)
    assert other.ingest(ARTICLES[:2]).summary()["added"] == 2

    code, out, _ = cli("doctor", "--repair", "--store", str(b), "--chroma-url", server, capsys=capsys)
    assert code == 0 and "PROBLEM" not in out and "deleted" not in out, out
    assert other.remove(other.documents()[0].doc_id)

    assert asks_well(a, server, capsys)
    code, out, _ = cli("doctor", "--store", str(a), "--chroma-url", server, capsys=capsys)
    assert code == 0 and "PROBLEM" not in out, out
    assert other.store.collection_name != Assistant(store=a, chroma_url=server).store.collection_name


def test_stores_from_before_store_ids_keep_their_shared_collection_and_leave_each_other_alone(
        server, corpus_dir, tmp_path, capsys):
    a, b = tmp_path / "old-A", tmp_path / "old-B"
    legacy_store(a, server)
    legacy_store(b, server)
    first = Assistant(store=a, chroma_url=server)
    assert first.ingest([corpus_dir]).summary()["added"] == 2
    assert first.store.collection_name == "paragraphs"  # the collection it always used
    assert Assistant(store=b, chroma_url=server).ingest(ARTICLES[2:3]).summary()["added"] == 1

    code, out, _ = cli("doctor", "--store", str(b), "--chroma-url", server, capsys=capsys)
    assert code == 0 and "0 orphan(s)" in out, out  # the other store's vectors are not orphans
    code, out, _ = cli("doctor", "--repair", "--store", str(b), "--chroma-url", server, capsys=capsys)
    assert code == 0 and "deleted" not in out, out
    assert asks_well(a, server, capsys)


# ---- item 2: drift between a store and its Chroma --------------------------------------------

def test_a_store_pointed_at_another_chroma_says_so_in_one_line_and_repair_re_embeds(server, corpus_dir, tmp_path,
                                                                                     capsys):
    store = tmp_path / "moved"
    assert Assistant(store=store).ingest([corpus_dir]).ok  # vectors in the store's own folder
    flags = ("--store", str(store), "--chroma-url", server)

    for command in (("ingest", str(corpus_dir)), ("ask", QUESTION, "--backend", "extractive")):
        code, out, err = cli(*command, *flags, capsys=capsys)
        errors = [line for line in err.splitlines() if "error:" in line]  # ingest's progress bar may come first
        assert code == 2 and len(errors) == 1 and "Traceback" not in err, (command, out, err)
        assert "no vectors" in err and "drop --chroma-url" in err and "assistant doctor --repair" in err, err

    code, out, _ = cli("doctor", *flags, capsys=capsys)
    assert code == 1 and "PROBLEM  chroma:" in out and "does not exist" in out, out
    code, out, _ = cli("doctor", "--repair", *flags, capsys=capsys)
    assert code == 0 and "repair: re-embedded 2 document(s)" in out, out
    assert asks_well(store, server, capsys)


def test_a_wiped_and_recreated_collection_is_drift_not_an_empty_library(server, corpus_dir, tmp_path, capsys):
    import chromadb

    store = tmp_path / "wiped"
    assistant = Assistant(store=store, chroma_url=server)
    assert assistant.ingest([corpus_dir]).ok
    name, port = assistant.store.collection_name, int(server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    client.delete_collection(name)
    client.create_collection(name, embedding_function=None)  # same name, other collection

    with pytest.raises(StoreDrift, match=r"is not the one it wrote to .*assistant doctor --repair"):
        Assistant(store=store, chroma_url=server).ingest([corpus_dir])
    code, out, _ = cli("doctor", "--store", str(store), "--chroma-url", server, capsys=capsys)
    assert code == 1 and "PROBLEM  chroma:" in out, out
    code, out, _ = cli("doctor", "--repair", "--store", str(store), "--chroma-url", server, capsys=capsys)
    assert code == 0, out
    assert asks_well(store, server, capsys)


# ---- item 9: the server goes away mid-ingest ---------------------------------------------------

def test_losing_the_server_mid_ingest_stops_at_once_and_leaves_only_whole_documents(tmp_path):
    port, data = free_port(), tmp_path / "chroma"
    url = f"http://127.0.0.1:{port}"
    process = start_chroma(data, port)
    try:
        store = Store(tmp_path / "store", chroma_url=url)
        embed = FakeEncoder(real=lambda texts: encode("minilm", texts))
        def lose_server_after_first(result):
            if result.status == "added" and process.poll() is None:
                stop(process)

        with pytest.raises(ChromaUnreachable) as lost:
            ingest(ARTICLES[:4], store, embed, progress=lose_server_after_first, batch_paragraphs=1)
        message = str(lost.value)
        assert url in message and "chroma run" in message and "\n" not in message, message
        assert len(embed.calls) == 2  # the one whose write met the lost server, and nothing after it
        assert len(store.documents()) == 1

        process = start_chroma(data, port)
        again = Store(tmp_path / "store", chroma_url=url)
        report = ingest(ARTICLES[:4], again, lambda texts: encode("minilm", texts))
        assert report.summary()["added"] == 3 and report.summary()["skipped"] == 1, report.to_dict()
        assert all(f.ok for f in check(again)), [f.line() for f in check(again)]
        assert again.collection.count() == again.count()
    finally:
        if process.poll() is None:
            stop(process)
