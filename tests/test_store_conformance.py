"""One conformance suite for both stores: the embedded one (SQLite + Chroma in its folder) and the server
one (a real PostgreSQL cluster + a real `chroma run`). Ingest through the protocol alone, reads, versions,
removal, recovery of an interrupted write, the write lock, filters and BM25: the same answers from both."""
from __future__ import annotations

import hashlib
import itertools
import threading

import numpy as np
import pytest

from ingest.pipeline import ingest
from ingest.records import Document, Paragraph, paragraph_id, record_id
from ingest.sink import IngestStore
from test_store_protocol import OnlyTheProtocol
from vectorstore.filters import Filters
from vectorstore.lock import StoreBusy
from vectorstore.store import Store
from vectorstore.vectors import chroma_metadata, vectors_version

pytestmark = pytest.mark.timeout(300)
KINDS = ["embedded", "server"]
_names = itertools.count()


def embed(texts):
    """Unit vectors fixed by each text (these tests check storage, not meaning)."""
    rows = [np.random.default_rng(int(hashlib.sha1(t.encode()).hexdigest()[:8], 16)).normal(size=384) for t in texts]
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def open_store(request, tmp_path):
    """open_store(kind, name="a") -> a Store of that kind; the same name opens the same store again."""
    made = {}

    def opener(kind: str, name: str = "a", **kwargs) -> Store:
        if kind == "embedded":
            return Store(tmp_path / name, **kwargs)
        if name not in made:
            made[name] = request.getfixturevalue("postgres").create(f"conformance{next(_names)}")
        return Store(tmp_path / f"local-{name}", chroma_url=request.getfixturevalue("chroma_url"),
                     database_url=made[name], **kwargs)
    return opener


def article(doc_id: str, title: str, texts: list[str], source: str = "Caliber.az", version: str = "1") -> tuple:
    document = Document(doc_id=doc_id, title=title, author="Ann Lee", date="2024-03-0" + str(len(texts) % 9 + 1),
                        source=source, location=f"/lib/{doc_id}.txt", language="en",
                        content_hash=hashlib.sha1((title + version + "".join(texts)).encode()).hexdigest(),
                        ingested_at="2024-03-10T00:00:00")
    paragraphs = [Paragraph(paragraph_id(doc_id, i), doc_id, title, document.author, document.date, source, i,
                            i * 100, i * 100 + len(t), t) for i, t in enumerate(texts)]
    return document, paragraphs, embed(texts)


BRIDGE = article("bridge", "Elmstead bridge reopens", [
    "The Elmstead river bridge reopened to traffic on Tuesday after four months of repairs to its steel deck.",
    "Running repairs cost the city 2.1 million euros, the transport office said.",
    "Cyclists had used a temporary ferry crossing while the bridge was closed."])
SUMMIT = article("summit", "Leaders meet in Tashkent", [
    "President Mirziyoyev met the visiting foreign minister in Tashkent on Monday to discuss trade.",
    "The two sides signed agreements on energy, transport corridors and water use along the river."],
    source="Trend News")
HARBOUR = article("harbour", "Harbour strike ends", [
    "Dock workers in Barrow ended a two-week strike after the port authority raised wages by six percent.",
    "Container traffic is expected to return to normal within days, the harbour master said."])


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


def test_both_stores_are_ingest_stores(open_store, kind):
    assert isinstance(open_store(kind), IngestStore)


def test_ingest_through_the_protocol_alone_then_prune(open_store, kind, tmp_path):
    store = open_store(kind)
    folder = tmp_path / "docs"
    folder.mkdir()
    for n, town in enumerate(("Elmstead", "Barrow", "Kettering")):
        (folder / f"{town}.txt").write_text(
            f"{town} bridge reopens\n\nThe {town} river bridge reopened to traffic on Tuesday after {n + 2} months "
            "of repairs to its steel deck, the city transport office said in a statement.\n", encoding="utf-8")
    report = ingest([folder], OnlyTheProtocol(store), embed)
    assert report.ok and report.count("added") == 3, report.to_dict()
    assert ingest([folder], OnlyTheProtocol(store), embed).count("skipped") == 3
    (folder / "Barrow.txt").unlink()
    assert ingest([folder], OnlyTheProtocol(store), embed, prune=True).count("removed") == 1
    assert sorted(d.title for d in store.documents()) == ["Elmstead bridge reopens", "Kettering bridge reopens"]
    assert store.collection.count() == store.count()


def test_reads_give_back_what_was_written(open_store, kind):
    store = open_store(kind)
    assert store.write_many([BRIDGE, SUMMIT]) == [None, None]
    document, paragraphs, vectors = BRIDGE
    assert store.document("bridge") == document.__class__(**{**vars(document), "paragraphs": 3})
    assert [d.doc_id for d in store.documents()] == ["bridge", "summit"]  # by source, then title
    assert store.find_by_hash(document.content_hash).doc_id == "bridge" and store.find_by_hash("nope") is None
    assert store.paragraphs("bridge") == paragraphs and len(store.paragraphs()) == store.count() == 5
    assert store.get(["bridge#p1", "summit#p0", "missing#p0"]) == {"bridge#p1": paragraphs[1],
                                                                    "summit#p0": SUMMIT[1][0]}
    stored = store.embeddings(["bridge#p0", "bridge#p2"])
    assert np.allclose(stored["bridge#p2"], vectors[2], atol=1e-6) and len(stored) == 2
    assert store.sketch("bridge") and store.sketch_matches(store.sketch("bridge"), 2)[0] == ("bridge", len(store.sketch("bridge")))
    hits = store.dense_search(vectors[1], 3)
    assert hits[0][0] == "bridge#p1" and hits[0][1] == pytest.approx(1.0, abs=1e-5)


def test_a_new_version_replaces_the_old_all_at_once(open_store, kind):
    store = open_store(kind)
    store.write_many([BRIDGE])
    new = article("bridge", "Elmstead bridge reopens", ["The bridge reopened on Wednesday, a day late."], version="2")
    store.write(*new)
    assert store.document("bridge").paragraphs == 1 and store.count() == 1
    assert store.collection.count() == 1  # the old version's vectors are gone
    assert [pid for pid, _ in store.lexical_search("ferry cyclists", 5)] == []
    assert [pid for pid, _ in store.lexical_search("wednesday", 5)] == ["bridge#p0"]


def test_remove_takes_a_document_out_of_every_read(open_store, kind):
    store = open_store(kind)
    store.write_many([BRIDGE, SUMMIT])
    assert store.remove("bridge") and not store.remove("bridge")
    assert store.document("bridge") is None and store.paragraphs("bridge") == [] and store.count() == 2
    assert store.lexical_search("bridge ferry", 5) == [] or all(p.startswith("summit") for p, _ in
                                                               store.lexical_search("bridge ferry", 5))
    assert all(pid.startswith("summit") for pid, _ in store.dense_search(BRIDGE[2][0], 5))
    assert store.collection.count() == 2


def test_recover_undoes_a_write_killed_between_chroma_and_the_registry(open_store, kind):
    store = open_store(kind)
    store.write_many([BRIDGE])
    document, paragraphs, vectors = SUMMIT
    version = vectors_version(document)
    store.registry.journal({"summit": version})  # what write_many does first ...
    store.vectors.upsert([record_id(p.paragraph_id, version) for p in paragraphs],
                         [chroma_metadata(document, p, version) for p in paragraphs], [list(map(float, v)) for v in vectors])
    assert store.dense_search(vectors[0], 5)[0][0] != "summit#p0"  # ... uncommitted vectors are never read
    reopened = open_store(kind)  # ... and the process dies here
    assert reopened.recover() == 1
    assert reopened.collection.count() == 3 and reopened.document("summit") is None
    assert reopened.registry.pending() == []


def test_a_second_writer_waits_for_the_first(open_store, kind):
    first, second = open_store(kind), open_store(kind)
    second.write_lock.timeout = 0.5
    with first.write_lock:
        with pytest.raises(StoreBusy, match="still locked by"):
            with second.write_lock:
                pass
    with second.write_lock:  # released: the next writer goes ahead
        second.write_many([HARBOUR])
    assert first.document("harbour") is not None


def test_filters_and_spellings_read_alike(open_store, kind):
    store = open_store(kind)
    store.write_many([BRIDGE, SUMMIT, HARBOUR])
    by_source = store.lexical_search("river transport", 10, Filters(source="trend news"))
    assert by_source and all(pid.startswith("summit") for pid, _ in by_source)
    dense = store.dense_search(SUMMIT[2][1], 5, Filters(source="TREND NEWS"))
    assert dense[0][0] == "summit#p1" and all(pid.startswith("summit") for pid, _ in dense)
    assert all(pid.startswith("harbour") for pid, _ in store.lexical_search("river strike", 10, Filters(doc_id="harbour")))


def test_sentence_vectors_are_kept_by_text(open_store, kind):
    store = open_store(kind)
    long = " ".join(f"Sentence number {i} of a long paragraph says something about the harbour." for i in range(12))
    sentences = [s for s in __import__("vectorstore.sentences", fromlist=["of"]).of(long)]
    store.add_sentence_vectors(sentences, embed(sentences))
    got = store.sentence_vectors([long, "short"])
    assert list(got) == [long] and got[long].shape == (len(sentences), 384)
    assert np.allclose(got[long], embed(sentences), atol=2e-3)  # float16 storage


def test_readers_see_a_document_all_at_once_while_it_is_rewritten(open_store, kind):
    writer, reader = open_store(kind), open_store(kind)
    texts = [f"Paragraph {i} of the long report on harbour dredging and its costs." for i in range(40)]
    writer.write(*article("report", "Harbour dredging report", texts))
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            document = reader.document("report")
            paragraphs = reader.paragraphs("report")
            if document and len(paragraphs) == document.paragraphs:
                seen.add(len(paragraphs))
            elif document or paragraphs:
                seen.add(("torn", len(paragraphs), document.paragraphs if document else None))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for n in (10, 40, 25, 40):
            writer.write(*article("report", "Harbour dredging report", texts[:n], version=str(n)))
    finally:
        stop.set()
        thread.join()
    torn = [s for s in seen if isinstance(s, tuple)]
    # two separate reads may straddle a commit; a paragraph count out of step on both sides would be torn
    assert all(s[1] in (10, 25, 40) and s[2] in (10, 25, 40) for s in torn), seen


def test_both_stores_score_bm25_alike(open_store):
    embedded, server = open_store("embedded"), open_store("server")
    for store in (embedded, server):
        assert store.write_many([BRIDGE, SUMMIT, HARBOUR]) == [None] * 3
    embedded.load_lexical_index()  # the in-memory copy answers as FTS5 does
    for query, filters in [("bridge repairs ferry", Filters()), ("Running repairs river", Filters()),
                           ("river transport minister", Filters(source="Trend News")), ("strike wages port", Filters()),
                           ("Tashkent", Filters(since="2024-03-01")), ("the of", Filters())]:
        a, b = embedded.lexical_search(query, 10, filters), server.lexical_search(query, 10, filters)
        assert [pid for pid, _ in a] == [pid for pid, _ in b], query
        assert np.allclose([s for _, s in a], [s for _, s in b], rtol=1e-9), (query, a, b)
    words = ["bridge", "running", "harbour", "absent"]
    assert embedded.document_frequencies(words) == server.document_frequencies(words)


def test_replicas_writing_the_same_rescorer_vectors_at_once_neither_fails(open_store):
    """Two replicas encode the same new candidates and write them at once, in their own orders."""
    stores = [open_store("server"), open_store("server")]
    texts = [f"Paragraph {i} of a story both replicas ranked at once." for i in range(300)]
    vectors = np.random.default_rng(7).normal(size=(len(texts), 768)).astype(np.float32)
    failures = []

    def write(store, order):
        try:
            for start in range(0, len(order), 100):
                part = order[start:start + 100]
                store.add_rescore_vectors([texts[i] for i in part], vectors[part])
        except Exception as exc:  # the figure under test
            failures.append(exc)

    orders = [list(range(len(texts))), list(reversed(range(len(texts))))]
    threads = [threading.Thread(target=write, args=pair) for pair in zip(stores, orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    got = stores[1].rescore_vectors(texts)
    assert len(got) == len(texts) and np.array_equal(got[texts[5]], vectors[5])
