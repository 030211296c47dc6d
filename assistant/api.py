"""The public facade the CLI, the web app and scripts all use: the library's parts, created on first
use, and the answer pipeline (assistant/answer/pipeline.py) behind `ask`, `chat` and `stream`."""
from __future__ import annotations

import os
import threading
from typing import Iterator

import numpy as np

from assistant.answer import pipeline
from assistant.answer.pipeline import ABSTAIN_TEXT, EMPTY_WINDOW_TEXT  # noqa: F401 (the abstentions' words)
from assistant.answer.retrieval import DEFAULT_METHOD, Hit, Retriever, as_filters, as_of_date, check_request
from assistant.backends import BACKENDS, Backend, as_backend, resolve_name
from assistant.lookup import lookup
from assistant.settings import Settings
from assistant.types import Answer, Evidence, LookupResult
from ingest.pipeline import IngestReport, ingest
from ingest.records import Document, Paragraph
from vectorstore.embedding import encode, preload
from vectorstore.store import Filters, Store


class Assistant:
    """`Assistant(store="data")`, then `ingest`, `ask`, `stream`, `chat`, `retrieve`, `documents`, ..."""

    def __init__(self, store: str | os.PathLike | None = None, *, settings: Settings | None = None, **overrides):
        base = settings or Settings.load()
        self.settings = base.merge({k: v for k, v in {"store": store and str(store), **overrides}.items()
                                    if v is not None})
        self._store: Store | None = None
        self._backends: dict[str, Backend] = {}
        self._backends_lock = threading.Lock()  # concurrent first questions load a model once

    # ---- parts, created on first use -------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            s = self.settings
            self._store = Store(s.store, chroma_url=s.chroma_url, collection=s.collection, embedder=s.embedder,
                                database_url=s.database_url)
        return self._store

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode(self.settings.embedder, texts)

    def preload_embedder(self) -> None:
        """Load the batch embedder (sentence-transformers, 10-15 s) in the background: for processes
        that will answer many questions. Without it, small calls use the numpy one (same vectors)."""
        preload(self.settings.embedder)

    def backend(self, name=None) -> Backend:
        """A backend by name, or your own: a `Backend` or any LangChain chat model passes through."""
        if name is not None and not isinstance(name, str):
            return as_backend(name)
        resolved = resolve_name(name or self.settings.backend)  # "auto" is decided here, once
        with self._backends_lock:
            if resolved not in self._backends:
                self._backends[resolved] = BACKENDS[resolved](self.settings.merge({"backend": resolved}), self.encode)
        return self._backends[resolved]

    def retriever(self, method: str = DEFAULT_METHOD) -> Retriever:
        return Retriever(self.store, lambda q: self.encode([q])[0], method)

    # ---- library -----------------------------------------------------------------------------
    def ingest(self, paths, prune: bool = False, progress=None) -> IngestReport:
        """Add, update or skip each file; returns an `IngestReport` (failures are reported, not raised)."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.store.collection  # an unreachable Chroma fails here, once, not once per file
        return ingest(paths, self.store, self.encode, max_file_mb=self.settings.max_file_mb, prune=prune,
                      progress=progress)

    def remove(self, doc_id: str) -> bool:
        """Remove a document and its paragraphs; False when there is no such doc_id."""
        return self.store.remove(doc_id)

    def documents(self) -> list[Document]:
        """Every committed `Document` (the records of `assistant list --json`)."""
        return self.store.documents()

    def document(self, doc_id: str) -> Document | None:
        """One committed `Document`, or None."""
        return self.store.document(doc_id)

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        """Committed `Paragraph`s in document order, of one document or all."""
        return self.store.paragraphs(doc_id)

    # ---- questions ---------------------------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, filters: Filters | dict | None = None,
                 method: str = DEFAULT_METHOD, as_of=None) -> list[Hit]:
        """The k best paragraphs (hybrid, dense or bm25), each `Hit` scored by cosine similarity;
        `as_of` (YYYY-MM-DD or a date, default today) is the day "recently" is counted from."""
        filters = as_filters(filters)
        check_request(k, filters)
        return self.retriever(method).search(question, k or self.settings.k, filters, as_of_date(as_of))

    def as_retriever(self, k: int | None = None, filters: Filters | dict | None = None):
        """The hybrid search as a LangChain `BaseRetriever`; documents carry the paragraph fields."""
        filters = as_filters(filters)
        check_request(k, filters)
        from assistant.runnable import HybridRetriever  # LangChain's retriever machinery: seconds to import

        return HybridRetriever(retriever=self.retriever(), k=k or self.settings.k, filters=filters)

    def ask(self, question: str, backend: str | None = None, k: int | None = None,
            filters: Filters | dict | None = None, history: list[dict] | None = None, as_of=None) -> Answer:
        """The verified, cited `Answer` (or an abstention with the closest paragraphs)."""
        for event in self.stream(question, backend=backend, k=k, filters=filters, history=history, as_of=as_of):
            if isinstance(event, Answer):
                return event
        raise AssertionError("stream ended without an answer")

    def chat(self, messages: list[dict], backend: str | None = None, k: int | None = None,
             filters: Filters | dict | None = None, as_of=None) -> Answer:
        """`messages`: [{"role": "user"|"assistant", "content": ...}, ...], the last one the question."""
        *history, last = messages
        return self.ask(last["content"], backend=backend, k=k, filters=filters, history=history, as_of=as_of)

    def lookup(self, text: str, k: int = 5) -> LookupResult:
        """Where does this quote or claim come from? Returns a `LookupResult` (verdict + matches)."""
        check_request(k)
        return lookup(self.retriever(), self.encode, text, k)

    def as_runnable(self):
        """This assistant as a LangChain Runnable: question or {"question", "history"} -> answer dict."""
        from assistant.runnable import as_runnable  # LangChain's Runnable machinery: seconds to import

        return as_runnable(self)

    def stream(self, question: str, backend: str | None = None, k: int | None = None,
               filters: Filters | dict | None = None, history: list[dict] | None = None,
               evidence: bool = False, as_of=None) -> Iterator[str | Evidence | Answer]:
        """Yields answer text as it is generated, then the final verified `Answer`. With
        `evidence=True` it first yields `Evidence`: the quotes chosen to answer from (within a
        second), then what the source check kept or rejected, before any answer text."""
        filters = as_filters(filters)
        check_request(k, filters)
        yield from pipeline.stream(self, question, history, backend, k, filters, as_of_date(as_of), evidence)
