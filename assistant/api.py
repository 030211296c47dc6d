"""The public facade the CLI, the web app and scripts all use."""
from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import fields
from typing import Iterator

import numpy as np

from assistant import chat as chat_rewrite
from assistant import citations, compose, headers, stated
from assistant.backends import Backend, as_backend, create_backend, resolve_name
from assistant.errors import InvalidRequest
from assistant.evidence import select as select_evidence, widened
from assistant.lookup import lookup
from assistant.recency import outside_window
from assistant.retrieval import DEFAULT_METHOD, Hit, Retriever, as_of_date, check_request
from assistant.settings import Settings
from assistant.types import Answer, Citation, Evidence, LookupResult
from ingest.pipeline import IngestReport, ingest
from ingest.records import HEADER_INDEX, Document, Paragraph
from vectorstore.embedding import encode, preload
from vectorstore.store import Filters, Store

ABSTAIN_TEXT = "The corpus does not contain an answer to this question."
OUT_OF_WINDOW_TEXT = ("The corpus has no article from the time this question asks about, counted from {as_of}; "
                      "the closest paragraphs are from other dates. To mean another day, ask as of it (the chat's "
                      "Settings > As of, --as-of, as_of=).")
JUDGED_SOURCES = 3  # ~1.1 s per judgement on 2 cores; further hits rarely hold the answer
PER_DOCUMENT = 2  # news spreads one answer over neighbouring paragraphs ("Tetris is..." / "Gibson beat the game")
WITNESS_POOL = 5  # picked sources an answer may quote as the other side where they contradict it
SECOND_LOOK = 0.35  # no source passed, the best judged at least this: judge it again on its whole paragraph
# Sources only loosely about the question (MiniLM cosine to it below LOOSE_RELEVANCE, all of them) need a
# surer judgement (LOOSE_BAR) to be answered from: SQuAD's unanswerable questions are asked beside
# paragraphs on their topic, which the judge passes at 0.5-0.7. Tuned on session 8's logs (SQuAD questions
# 21-200, news, seed): 8 more of 33 unanswerable SQuAD questions abstained for 2 of 118 right answers; on
# the held-out lines 1-20 and 201-300 of sample300, 3 more of 27 for about 2 right and 4 wrong answers.
LOOSE_RELEVANCE, LOOSE_BAR = 0.4, 0.7


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
        resolved = resolve_name(name or self.settings.backend)
        with self._backends_lock:
            if resolved not in self._backends:
                self._backends[resolved] = create_backend(self.settings.merge({"backend": resolved}), self.encode)
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
        as_of = as_of_date(as_of)
        started = time.perf_counter()
        chosen = self.backend(backend)
        standalone = chat_rewrite.standalone_question(question, history or [])
        hits = headers.with_headers(standalone, self.retrieve(standalone, k, filters, as_of=as_of), self.store,
                                     self.encode)
        timings = {"retrieve": time.perf_counter() - started}

        def finish(text: str, composed: compose.Composed | None, sources: list, confidence: float | None) -> Answer:
            timings["total"] = time.perf_counter() - started
            cited = composed.cited if composed else []
            return Answer(
                question=question, answer=text, abstained=not cited, backend=chosen.name,
                citations=[Citation.from_hit(n, sources[i].hit, composed.quotes.get(i)) for n, i in enumerate(cited, 1)],
                closest=[] if cited else [Citation.from_hit(n, h) for n, h in enumerate(hits[:3], 1)],
                standalone_question=standalone if standalone != question else None,
                confidence=None if confidence is None else round(confidence, 3),
                timings={k: round(v, 3) for k, v in timings.items()})

        relevant = bool(hits) and max(h.score for h in hits) >= self.settings.min_relevance
        chosen_evidence = select_evidence(standalone, hits, self.encode) if relevant else []
        in_window = [s for s in chosen_evidence if not outside_window(standalone, s.paragraph.date, as_of)]
        picked = [s for s in in_window  # about what the question names (places aside)
                  if stated.names_something_asked(standalone, f"{s.paragraph.title}\n{s.paragraph.text}")]
        abstain_text = OUT_OF_WINDOW_TEXT.format(as_of=as_of.isoformat()) if chosen_evidence and not in_window \
            else ABSTAIN_TEXT
        timings["evidence"] = time.perf_counter() - started
        if evidence and picked:
            yield Evidence("checking", _quotes(picked[:JUDGED_SOURCES]))
        sources, confidence = self._screen(chosen, standalone, picked, timings) if picked else ([], None)
        denied = None if sources or confidence is None else compose.denial(standalone, picked[:JUDGED_SOURCES],
                                                                           self.encode)
        if evidence and picked:
            shown = [picked[i] for i in denied.cited] if denied else sources
            yield Evidence("kept" if shown else "rejected", _quotes(shown))
        if denied:  # a false premise: nothing answers the question, a paragraph refutes it
            text = compose.dated(denied, picked, as_of).text
            yield text
            yield finish(text, denied, picked, confidence)
            return
        if not sources:
            yield abstain_text
            yield finish(abstain_text, None, [], confidence)
            return
        raw = []
        generating = time.perf_counter()
        for chunk in chosen.stream(standalone, sources):
            timings.setdefault("first_token", time.perf_counter() - started)
            raw.append(chunk)
            yield chunk
        timings["generate"] = time.perf_counter() - generating
        verifying = time.perf_counter()
        verified = citations.verify("".join(raw), [s.paragraph.text for s in sources], self.encode)
        kept_ids = {s.paragraph.paragraph_id for s in sources}
        candidates = sources + [s for s in picked[:WITNESS_POOL] if s.paragraph.paragraph_id not in kept_ids
                                and s.paragraph.paragraph_index != HEADER_INDEX]
        composed = compose.dated(compose.compose(standalone, verified, candidates, self.encode,
                                                 judged=confidence is not None, vetted=len(sources)), candidates, as_of)
        timings["verify"] = time.perf_counter() - verifying
        yield finish(composed.text if composed.cited else ABSTAIN_TEXT, composed, candidates, confidence)

    def _screen(self, backend: Backend, question: str, picked: list, timings: dict) -> tuple[list, float | None]:
        """Of the top sources, those the backend itself judges to answer exactly this question, at most
        PER_DOCUMENT per article (its best judged: the game's name and the feat are often told in
        neighbouring paragraphs, while a second article is a witness whose agreement or disagreement
        the answer should show), best first; and the best judgement. Every source, and None, for
        backends that cannot judge.
        Judging before generating means this abstention never follows a streamed answer, costs no
        generation, and the prompt holds only the paragraphs worth citing.
        The chosen sentences can leave out the one that answers (a long paragraph, an answer far from
        the question's words): when nothing passes, the best-judged source, if near the bar, is judged
        once more on its whole paragraph, and reaches the model whole if that passes. Sources all
        loosely about the question pass only a surer judgement (LOOSE_BAR)."""
        if self.settings.min_confidence <= 0:
            return picked, None
        started = time.perf_counter()
        judged = []
        for source in picked[:JUDGED_SOURCES]:
            confidence = backend.confidence(question, source.text)
            if confidence is None:  # a backend that cannot judge
                return picked, None
            judged.append((source, confidence))
        best = max(range(len(judged)), key=lambda i: judged[i][1])
        source, confidence = judged[best]
        if SECOND_LOOK <= confidence < self.settings.min_confidence and (wide := widened(source)).text != source.text:
            judged[best] = max(judged[best], (wide, backend.confidence(question, wide.text)), key=lambda pair: pair[1])
        timings["check"] = time.perf_counter() - started
        kept, per_document = [], Counter()
        for source, confidence in sorted(judged, key=lambda pair: -pair[1]):
            if confidence >= self.settings.min_confidence and per_document[source.paragraph.doc_id] < PER_DOCUMENT:
                per_document[source.paragraph.doc_id] += 1
                kept.append(source)
        best = max(confidence for _, confidence in judged)
        if kept and best < LOOSE_BAR and self._loosely_about(question, kept):
            return [], best
        return kept, best

    def _loosely_about(self, question: str, sources: list) -> bool:
        """Does every source's paragraph lie below LOOSE_RELEVANCE (MiniLM cosine) from the question?
        Their own texts are encoded: a header's hit carries its document's score, not its own."""
        vectors = self.encode([question] + [s.paragraph.text for s in sources])
        return float((vectors[1:] @ vectors[0]).max()) < LOOSE_RELEVANCE


def as_filters(filters: Filters | dict | None) -> Filters:
    """`Filters`, also from a plain dict of its fields, as scripts and JSON callers write them; an
    unknown key is refused rather than silently filtering nothing."""
    if not isinstance(filters, dict):
        return filters or Filters()
    known = [f.name for f in fields(Filters)]
    unknown = sorted(set(filters) - set(known))
    if unknown:
        raise InvalidRequest(f"unknown filter(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return Filters(**filters)


def _quotes(sources: list) -> list[Citation]:
    return [Citation.from_hit(n, s.hit, s.best) for n, s in enumerate(sources, 1)]
