"""Hybrid retrieval: BM25 (SQLite FTS5) and dense (Chroma) candidates fused by reciprocal rank.

Every returned paragraph carries `score`, its cosine similarity to the question (from the stored
vectors, so lexical-only hits are scored too): that is the relevance signal abstention uses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.records import Paragraph
from vectorstore.store import Filters, Store

RRF_K = 60
METHODS = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    score: float  # cosine similarity question <-> paragraph, the relevance signal
    rank_score: float  # what the ranking used (fused RRF for hybrid)

    def __getattr__(self, name: str):  # hit.text, hit.title, ...: the paragraph's fields
        if name.startswith("__") or name == "paragraph":
            raise AttributeError(name)
        return getattr(self.paragraph, name)

    def to_dict(self) -> dict:
        return {**self.paragraph.to_dict(), "score": round(self.score, 4)}


class Retriever:
    def __init__(self, store: Store, embed_query, method: str = "hybrid", candidates: int = 30):
        if method not in METHODS:
            raise ValueError(f"unknown retrieval method {method!r}; choose one of {', '.join(METHODS)}")
        self.store, self.embed_query, self.method, self.candidates = store, embed_query, method, candidates

    def search(self, question: str, k: int = 5, filters: Filters = Filters()) -> list[Hit]:
        query_vector = np.asarray(self.embed_query(question), dtype=np.float32)
        ranked: dict[str, float] = {}
        dense = lexical = []
        n = max(self.candidates, k)
        if self.method in ("hybrid", "dense"):
            dense = self.store.dense_search(query_vector, n, filters)
        if self.method in ("hybrid", "bm25"):
            lexical = self.store.lexical_search(question, n, filters)
        for results in (dense, lexical):
            for rank, (pid, _) in enumerate(results):
                ranked[pid] = ranked.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
        top = sorted(ranked, key=ranked.get, reverse=True)[:k]
        similarity = dict(dense)
        missing = [pid for pid in top if pid not in similarity]
        for pid, vector in self.store.embeddings(missing).items():
            similarity[pid] = float(np.dot(query_vector, np.asarray(vector, dtype=np.float32)))
        paragraphs = self.store.get(top)
        return [Hit(paragraphs[pid], similarity.get(pid, 0.0), ranked[pid]) for pid in top if pid in paragraphs]


def as_langchain_retriever(retriever: Retriever, k: int = 5, filters: Filters = Filters()):
    """The same search as a LangChain `BaseRetriever` (documents carry the paragraph fields as metadata)."""
    from langchain_core.documents import Document as LCDocument
    from langchain_core.retrievers import BaseRetriever

    class HybridRetriever(BaseRetriever):
        def _get_relevant_documents(self, query: str, *, run_manager=None) -> list[LCDocument]:
            return [LCDocument(page_content=h.paragraph.text, id=h.paragraph.paragraph_id,
                               metadata={k: v for k, v in h.to_dict().items() if k != "text"})
                    for h in retriever.search(query, k, filters)]

    return HybridRetriever()
