"""The store: Chroma holds paragraph embeddings (vectors.py); a SQLite file beside it holds the
document registry, the paragraph texts and the persisted BM25 (FTS5) index (registry.py, lexical.py).

A document becomes visible all at once: its embeddings go to Chroma under a versioned record id
first, then one SQLite transaction switches the registry to the new version. Readers only trust
Chroma hits whose version matches the registry, and `recover()` deletes what an interrupted write
left behind, using the `pending` journal.
"""
from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from ingest.records import Document, Paragraph, doc_of, paragraph_id, paragraph_of, record_id
from vectorstore.errors import ChromaUnreachable, ServerUnreachable, StoreDrift, StoreError
from vectorstore.filters import Filters
from vectorstore.lexical import LexicalIndex
from vectorstore.lock import WriteLock
from vectorstore.pg_lexical import ServerLexical
from vectorstore.pg_lock import AdvisoryLock
from vectorstore.pg_registry import ServerRegistry
from vectorstore.registry import Registry
from vectorstore.vectors import Vectors, chroma_metadata, vectors_version

__all__ = ["ChromaUnreachable", "Filters", "Store", "StoreDrift", "StoreError"]


class Store:
    def __init__(self, path: str | Path, chroma_url: str | None = None, collection: str = "paragraphs",
                 embedder: str = "minilm", database_url: str | None = None):
        """`collection` prefixes a new store's collection name; a store made before collections were
        named after their store keeps the collection it used, `collection` itself. With `database_url`
        the registry, journal and lexical index live in PostgreSQL and the vectors on the Chroma server
        at `chroma_url` (the server store, shared by replicas); `path` then holds only local files."""
        self.path = Path(path)
        self.chroma_url, self.database_url = chroma_url, database_url
        self.embedder = embedder
        if database_url:
            if not chroma_url:
                raise StoreError("--database-url needs --chroma-url too: processes sharing the database must share "
                                 "the vectors (start `chroma run` and pass its URL)")
            try:
                self.path.mkdir(parents=True, exist_ok=True)  # this host's uploads and caches
            except OSError as exc:
                raise StoreError(f"cannot use {self.path} for this host's uploads and caches: {exc}") from exc
            self.registry = ServerRegistry(database_url)
            self.write_lock = AdvisoryLock(self.registry.database)  # ingest, write, remove and repair hold it
        else:
            self.registry = Registry(self.path)
            self.write_lock = WriteLock(self.path)
        meta = self.registry.open(embedder, collection)
        self.store_id = meta["store_id"]
        self.vectors = Vectors(self.path, chroma_url, collection, self.registry, meta)
        self._lexical = ServerLexical(self.registry) if database_url else LexicalIndex(self.registry)

    @property
    def collection(self):
        """The Chroma collection itself, opened (and checked against the registry) on first use."""
        return self.vectors.collection

    @property
    def collection_name(self) -> str:
        return self.vectors.name

    # ---- reading -----------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return self.registry.documents()

    def document(self, doc_id: str) -> Document | None:
        return self.registry.document(doc_id)

    def find_by_hash(self, content_hash: str) -> Document | None:
        return self.registry.find_by_hash(content_hash)

    def sketch(self, doc_id: str) -> frozenset[int]:
        """The document's near-duplicate sketch (ingest/near_duplicates.py), written with it."""
        return self.registry.sketch(doc_id)

    def sketch_matches(self, sketch: frozenset[int], n: int) -> list[tuple[str, int]]:
        """The n documents sharing the most sketch values with `sketch` (doc_id, how many)."""
        return self.registry.sketch_matches(sketch, n)

    def fill_sketches(self) -> int:
        """Sketch the documents that have none (a store made before sketches were stored); returns how many."""
        return self.registry.fill_sketches()

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        return self.registry.paragraphs(doc_id)

    def get(self, paragraph_ids: list[str]) -> dict[str, Paragraph]:
        return self.registry.get(paragraph_ids)

    def count(self) -> int:
        return self.registry.count()

    def dense_search(self, embedding, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, cosine similarity), best first, committed versions only."""
        total = self.registry.count(at_most=n)  # SQLite, counting no further than needed
        if not total:
            return []
        hits = self.vectors.query(embedding, total, self._as_stored(filters))
        versions = self.registry.versions({doc_of(pid) for pid, _, _ in hits})
        return [(pid, sim) for pid, version, sim in hits if versions.get(doc_of(pid)) == version]

    def lexical_search(self, text: str, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, BM25 score: higher is better), best first."""
        return self._lexical.search(text, n, self._as_stored(filters))

    def _as_stored(self, filters: Filters) -> Filters:
        """A source or author filter spelt as the library spells it ("caliber.az" finds "Caliber.az"):
        Chroma's metadata filters cannot ignore case. Several stored spellings keep the one given."""
        changes = {}
        for column in ("source", "author"):
            value = getattr(filters, column)
            if value and len(stored := self.registry.spellings(column, value)) == 1:
                changes[column] = stored[0]
        return dataclasses.replace(filters, **changes) if changes else filters

    def sentence_vectors(self, paragraphs: list[str]) -> dict:
        """paragraph text -> its sentences' vectors, for the long paragraphs that have them."""
        return self.registry.sentence_vectors(paragraphs)

    @property
    def shares_rescore_vectors(self) -> bool:
        """Whether the re-scorer's vectors live in the store itself, shared by every process (the server
        store), rather than in a file of this folder (vectorstore/rescore_vectors.py)."""
        return bool(self.database_url)

    def rescore_vectors(self, texts: list[str]) -> dict:
        """paragraph text -> its stored re-scorer vector (server store)."""
        return self._shared_rescore().rescore_vectors(texts)

    def add_rescore_vectors(self, texts: list[str], vectors) -> None:
        """Keep re-scorer vectors by paragraph text for every process (server store)."""
        self._shared_rescore().add_rescore_vectors(texts, vectors)

    def _shared_rescore(self):
        if not self.shares_rescore_vectors:
            raise StoreError(f"the embedded store keeps the re-scorer's vectors in {self.path}'s own file, "
                             "not in the store (vectorstore/rescore_vectors.py)")
        return self.registry

    def document_frequencies(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many paragraphs hold each query term (as the lexical index counts it), and how many
        paragraphs there are."""
        return self._lexical.document_frequencies(terms)

    def load_lexical_index(self) -> None:
        """Hold BM25 in memory now rather than after the first searches (servers, benchmarks)."""
        self._lexical.load_memory()

    def embeddings(self, paragraph_ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of committed paragraphs (to score lexical-only hits, and to rewrite a document
        whose metadata alone changed, without re-encoding)."""
        if not paragraph_ids:
            return {}
        versions = self.registry.versions({doc_of(p) for p in paragraph_ids})
        got = self.vectors.get([record_id(p, versions[doc_of(p)]) for p in paragraph_ids if doc_of(p) in versions])
        return {paragraph_of(record): vector for record, vector in got.items()}

    # ---- writing -----------------------------------------------------------------------------
    def write(self, document: Document, paragraphs: list[Paragraph], embeddings) -> None:
        """Add or replace one document with its paragraphs, all at once."""
        failure = self.write_many([(document, paragraphs, embeddings)])[0]
        if failure:
            raise failure

    def write_many(self, items: list[tuple[Document, list[Paragraph], object]]) -> list[Exception | None]:
        """Add or replace several documents; each appears all at once, and one that fails (returned
        in its slot) does not stop the others. Vectors go to Chroma in few large calls."""
        with self.write_lock:
            failures = self._write_many(items)
        self._lexical.changed()
        return failures

    def _write_many(self, items) -> list[Exception | None]:
        versions = [vectors_version(document) for document, _, _ in items]
        doc_ids = {document.doc_id for document, _, _ in items}
        previous = self.registry.versions(doc_ids)
        old_counts = self.registry.paragraph_counts(set(previous))
        self.registry.journal({d.doc_id: v for (d, _, _), v in zip(items, versions)})
        records, metadatas, vectors = [], [], []
        for (document, paragraphs, embeddings), version in zip(items, versions):
            records += [record_id(p.paragraph_id, version) for p in paragraphs]
            metadatas += [chroma_metadata(document, p, version) for p in paragraphs]
            vectors += [list(map(float, e)) for e in embeddings]
        self.vectors.upsert(records, metadatas, vectors)
        failures: list[Exception | None] = []
        for (document, paragraphs, _), version in zip(items, versions):
            try:
                self.registry.replace(document, paragraphs, version)
                failures.append(None)
            except ServerUnreachable:
                raise
            except (sqlite3.Error, StoreError) as exc:
                failures.append(StoreError(f"cannot write {document.doc_id}: {exc}"))
        committed = self.registry.versions(doc_ids)
        stale = [record_id(paragraph_id(doc_id, i), old) for doc_id, old in previous.items()
                 if committed.get(doc_id) != old for i in range(old_counts.get(doc_id, 0))]
        stale += [record for record, meta in zip(records, metadatas)
                  if committed.get(meta["doc_id"]) != meta["version"]]
        self.vectors.delete(stale)
        self.registry.done([d.doc_id for d, _, _ in items])
        return failures

    def add_sentence_vectors(self, texts: list[str], vectors) -> None:
        """Vectors of long paragraphs' sentences (vectorstore/sentences.py), kept by their text."""
        self.registry.add_sentence_vectors(texts, vectors)

    def remove(self, doc_id: str) -> bool:
        with self.write_lock:
            if not self.document(doc_id):
                return False
            self.registry.delete(doc_id)
            self._finish(doc_id, keep=None)
        self._lexical.changed()
        return True

    def recover(self) -> int:
        """Finish or undo writes a killed process left half-done; returns how many were repaired.
        Under the write lock: another process's pending row is its write in flight, not debris."""
        with self.write_lock:
            pending = self.registry.pending()
            for doc_id in pending:
                self._finish(doc_id, keep=self.registry.versions({doc_id}).get(doc_id))
        return len(pending)

    def _finish(self, doc_id: str, keep: str | None) -> None:
        self.vectors.delete_document(doc_id, keep)
        self.registry.done([doc_id])
