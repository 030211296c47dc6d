"""The vector side: the store's own Chroma collection, in its folder or on a Chroma server.

A store owns one collection, named after a store id made when the store is created, so stores sharing
a Chroma server never touch each other's vectors. The registry's meta table records that collection's
name, Chroma's id for it and where it lives; opening the collection checks them once, so a store
pointed at another or a wiped Chroma says so (`StoreDrift`) instead of answering from no vectors."""
from __future__ import annotations

import functools
import hashlib
import json
import threading
from pathlib import Path
from urllib.parse import urlparse

from ingest.records import Document, Paragraph, paragraph_of, version_of
from vectorstore.errors import ChromaUnreachable, StoreDrift, StoreError
from vectorstore.filters import Filters, date_num
from vectorstore.registry import Registry

CHROMA_MAX_BATCH = 5000  # Chroma refuses more than 5,461 records per call


class Vectors:
    def __init__(self, folder: Path, chroma_url: str | None, prefix: str, registry: Registry, meta: dict[str, str]):
        """`prefix` names the collection a store from before store ids moves to when adopting its own."""
        self.folder, self.chroma_url, self.prefix, self.registry = folder, chroma_url, prefix, registry
        self.store_id, self.name = meta["store_id"], meta["collection"]
        self._collection = None
        self._client = None
        self._open_lock = threading.Lock()

    @property
    def collection(self):
        with self._open_lock:  # concurrent first requests must not open Chroma twice
            if self._collection is None:
                self._collection = self._open()
        return self._collection

    # ---- the vectors -------------------------------------------------------------------------
    def upsert(self, records: list[str], metadatas: list[dict], vectors: list[list[float]]) -> None:
        for start in range(0, len(records), CHROMA_MAX_BATCH):
            end = start + CHROMA_MAX_BATCH
            self.collection.upsert(ids=records[start:end], metadatas=metadatas[start:end], embeddings=vectors[start:end])

    def delete(self, records: list[str]) -> None:
        for start in range(0, len(records), CHROMA_MAX_BATCH):
            self.collection.delete(ids=records[start:start + CHROMA_MAX_BATCH])

    def delete_document(self, doc_id: str, keep: str | None = None) -> None:
        """Every vector of the document except those of version `keep`."""
        where = {"doc_id": doc_id} if keep is None else {"$and": [{"doc_id": doc_id}, {"version": {"$ne": keep}}]}
        self.collection.delete(where=where)

    def query(self, embedding, n: int, filters: Filters) -> list[tuple[str, str, float]]:
        """(paragraph_id, version, cosine similarity) of the n nearest vectors, any version; read from
        the vector ids, since fetching their metadata would double the query's time (2.1 ms vs 0.8 at 100k)."""
        result = self.collection.query(query_embeddings=[list(map(float, embedding))], n_results=n,
                                       where=filters.chroma_where(), include=["distances"])
        return [(paragraph_of(record), version_of(record), 1.0 - d)
                for record, d in zip(result["ids"][0], result["distances"][0])]

    def get(self, records: list[str]) -> dict[str, list[float]]:
        got = self.collection.get(ids=records, include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"]))

    # ---- the collection ----------------------------------------------------------------------
    def adopt(self) -> None:
        """Use (creating it) this store's own collection in the Chroma it was opened with, whatever the
        registry recorded; `doctor --repair` then re-embeds what it lacks."""
        with self._open_lock:
            self._collection = self._open(adopt=True)

    @property
    def owns_collection(self) -> bool:
        """Is every vector in the collection this store's? Yes in its own folder or when the collection is
        named after it; a server collection of a store from before store ids may be shared with others."""
        return not self.chroma_url or self._named_after_store()

    def other_collections(self) -> dict[str, int]:
        """Collections besides this store's in its own Chroma folder (name -> vectors): left there by a
        registry that was set aside. Empty for a Chroma server, whose other collections are not ours."""
        if self.chroma_url:
            return {}
        self.collection  # opens the client
        return {c.name: c.count() for c in self._client.list_collections() if c.name != self.name}

    def drop_collection(self, name: str) -> None:
        """Delete one of `other_collections()` (never the store's own, never on a server)."""
        if self.chroma_url or name == self.name:
            raise StoreError(f"refusing to delete collection {name}: it is not a leftover in {self.folder / 'chroma'}")
        self._client.delete_collection(name)

    def location(self) -> str:
        """Where the vectors live, for messages."""
        return self.chroma_url or str(self.folder / "chroma")

    def _open(self, adopt: bool = False):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            with self.registry.creating():  # also serializes recording the collection in the meta table
                if self.chroma_url:
                    url = urlparse(self.chroma_url)
                    self._client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                                       ssl=url.scheme == "https", settings=chroma_settings)
                    self._client.heartbeat()
                else:
                    self._client = chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=chroma_settings)
                collection = self._attach(self._client, adopt)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean "cannot use this store"
            hint = "is `chroma run` listening there?" if self.chroma_url else "is the folder writable and not damaged?"
            raise StoreError(f"cannot open Chroma at {self.location()}: {exc.__class__.__name__}: {exc} ({hint})") from exc
        return _Guarded(collection, self.chroma_url) if self.chroma_url else collection

    def _attach(self, client, adopt: bool):
        """The store's collection in this Chroma, checked against what the registry recorded."""
        if adopt and not self._named_after_store():  # a store from before store ids moves to its own
            self.name = f"{self.prefix}-{self.store_id}"
        if adopt or not self.registry.count():  # no vectors to lose: use this Chroma from now on
            collection = client.get_or_create_collection(self.name, embedding_function=None,
                                                         configuration={"hnsw": {"space": "cosine"}})
        else:
            collection = self._existing(client)
            if problem := self._drift(collection):
                raise StoreDrift(problem)
        self.registry.record(collection=self.name, collection_id=str(collection.id), chroma=self._where())
        return collection

    def _named_after_store(self) -> bool:
        return self.name.endswith(f"-{self.store_id}")

    def _existing(self, client):
        from chromadb.errors import NotFoundError

        try:
            return client.get_collection(self.name, embedding_function=None)
        except NotFoundError:
            return None

    def _drift(self, collection) -> str | None:
        """One line naming what is wrong and the fix, or None when the collection holds this store's vectors."""
        meta = self.registry.meta()
        here = f"collection {self.name} in {self._describe(self._where())}"
        if collection is None:
            problem = f"{here} does not exist"
        elif meta.get("collection_id", str(collection.id)) != str(collection.id):
            problem = f"{here} is not the one it wrote to (id {collection.id}, recorded {meta['collection_id']})"
        elif collection.count() == 0 and self.registry.count():  # read again: a concurrent remove is no drift
            problem = f"{here} is empty"
        else:
            return None
        fix = f"run `assistant doctor --repair {self.registry.flags}` to re-embed them"
        was = meta.get("chroma", self._where())
        if was != self._where():
            back = "drop --chroma-url" if was == "embedded" else f"point --chroma-url back at {was}"
            fix = f"its vectors were written to {self._describe(was)}: {back}, or {fix}"
        return f"store {self.registry.location} has {self.registry.count()} paragraphs but no vectors for them: {problem}; {fix}"

    def _where(self) -> str:
        """Where the vectors live, as the registry's meta table records it."""
        return self.chroma_url or "embedded"

    def _describe(self, where: str) -> str:
        return where if where != "embedded" else f"the store's own folder {self.folder / 'chroma'} (no --chroma-url)"


def vectors_version(document: Document) -> str:
    """The version its vectors are written under (`record_id`): of its text and of what Chroma keeps of
    it, so new metadata (a fixed date) is written beside the committed vectors like a new text, and
    the registry switches to it in one step."""
    kept = json.dumps([document.content_hash, _document_metadata(document)], sort_keys=True)
    return hashlib.sha256(kept.encode()).hexdigest()[:16]


def chroma_metadata(document: Document, p: Paragraph, version: str) -> dict:
    """What Chroma keeps beside a vector: enough to filter and to tell committed versions apart."""
    return {"paragraph_id": p.paragraph_id, "version": version, "paragraph_index": p.paragraph_index,
            **_document_metadata(document)}


def _document_metadata(document: Document) -> dict:
    """What Chroma keeps of the document beside each of its vectors: what searches filter by."""
    meta = {"doc_id": document.doc_id, "source": document.source}
    if document.author:
        meta["author"] = document.author
    if document.date:
        meta["date_num"] = date_num(document.date)
    return meta


class _Guarded:
    """A server's collection whose lost connection is one ChromaUnreachable naming the URL, raised at
    the first call that meets it (no per-call tracebacks, no work going on without the server)."""

    def __init__(self, collection, url: str):
        self._collection, self._url = collection, url

    def __getattr__(self, name: str):
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args, **kwargs):
            import httpx

            try:
                return attr(*args, **kwargs)
            except httpx.TransportError as exc:
                detail = " ".join(str(exc).split()) or "no answer"
                raise ChromaUnreachable(
                    f"lost the Chroma server at {self._url} ({exc.__class__.__name__}: {detail}); start `chroma run` "
                    "there again and rerun: finished documents are kept, nothing half-written is visible") from exc
        return call
