"""Lexical search: BM25 over the registry's FTS5 index, asked for the query's content words
(`ingest.text.query_terms`) without those most of a large library contains. Each paragraph is indexed
with its context (its article's title; a caption's neighbours: fts.py) at a lower
weight than its own words.

The same scores come faster from memory (bm25.py): a copy loaded in the background, used while the
library is at the generation it was loaded from. Until then, after any change, with filters, and for a
query word FTS5 splits into a phrase of several tokens ("co_op"), FTS5 answers."""
from __future__ import annotations

import threading

from ingest.text import query_terms
from vectorstore import term_counts
from vectorstore.bm25 import Bm25Index
from vectorstore.filters import Filters
from vectorstore.registry import Registry

# A query term found in more than this share of a large library adds little to BM25 but makes FTS5
# score that many rows. At 100k paragraphs the FTS5 query takes p50/p95 8/24 ms at 0.05 against 16/37
# at 0.1 and 4/16 at 0.02; on news-rtqa's whole library (56k paragraphs, 39 questions) 0.05 with a
# floor of 2,500 ranks as 0.1 with 5,000 did (hybrid R@1/R@5 0.256/0.564; 0.02 with 1,000: 0.231/0.538),
# and so does the 9k-paragraph subset. Small libraries keep every term (the floor).
COMMON_TERM_SHARE, COMMON_TERM_MIN_DF = 0.05, 2500
# BM25 weight of the context column against the paragraph's own words (1.0). News-rtqa, 39 questions on
# 339 articles, hybrid R@1 0.436 without context; 0.487 at 0.15, 0.3 and 0.6 alike: any low weight.
CONTEXT_WEIGHT = 0.3
BM25 = f"bm25(paragraphs_fts, 1.0, {CONTEXT_WEIGHT})"
# FTS5 searches a stale or missing in-memory copy this many times before one is loaded: a process that
# asks once (`assistant ask`) would spend more on loading it (1.5-2 s at 100k paragraphs) than it saves.
LOAD_AFTER_SEARCHES = 2


def lexical_query(terms: list[str]) -> str | None:
    """An FTS5 OR-query of the terms; None when nothing searchable is left."""
    return " OR ".join(f'"{t}"' for t in terms) or None


class LexicalIndex:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._df_cache: dict[str, int] = {}
        self._size: int | None = None  # paragraphs in the library, counted with the frequencies
        self._memory: Bm25Index | None = None
        self._loading = threading.Lock()
        self._searches_without_memory = 0

    def search(self, text: str, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, BM25 score: higher is better), best first."""
        memory = None if filters else self.current_memory()
        words = self._distinctive(query_terms(text), memory)
        if memory and words:
            terms = [term_counts.TOKENIZER.terms(word) for word in words]
            if all(len(t) == 1 for t in terms):
                return memory.search([t[0] for t in terms], n)
        query = lexical_query(words)
        if not query:
            return []
        db = self.registry.db()
        if not filters:  # rank the index alone, then look up only the top n rows
            sql = (f"select p.paragraph_id, -top.score from (select rowid, {BM25} as score from paragraphs_fts "
                   "where paragraphs_fts match ? order by score limit ?) top join paragraphs p on p.rowid = top.rowid "
                   "order by top.score")
            return [(r[0], r[1]) for r in db.execute(sql, [query, n])]
        where, args = filters.sql()
        sql = (f"select p.paragraph_id, -{BM25} as score from paragraphs_fts "
               "join paragraphs p on p.rowid = paragraphs_fts.rowid join documents d on d.doc_id = p.doc_id "
               f"where paragraphs_fts match ?{where} order by score desc limit ?")
        return [(r[0], r[1]) for r in db.execute(sql, [query, *args, n])]

    def document_frequencies(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """Paragraphs holding each term, and the library's size (retrieval weighs a sentence's words by them)."""
        memory = self._memory if self._is_current(self._memory) else None  # asking is not a search: no load
        return {t: self._document_frequency(t, memory) for t in terms}, self._library_size()

    def current_memory(self) -> Bm25Index | None:
        """The in-memory copy if it holds the library as it is now; otherwise None, and from the
        LOAD_AFTER_SEARCHES-th such search on, a fresh copy loads in the background (one at a time)."""
        memory = self._memory
        if self._is_current(memory):
            return memory
        self._searches_without_memory += 1
        if self._searches_without_memory >= LOAD_AFTER_SEARCHES and not self._loading.locked():
            threading.Thread(target=self.load_memory, name="bm25-load", daemon=True).start()
        return None

    def _library_size(self) -> int:
        if self._size is None:
            self._size = self.registry.count()
        return self._size

    def _is_current(self, memory: Bm25Index | None) -> bool:
        return memory is not None and memory.generation == term_counts.generation(self.registry.db())

    def load_memory(self) -> None:
        """Load the in-memory copy now (the background load; tests call it to wait for one)."""
        with self._loading:
            db = self.registry.db()
            if not self._memory or self._memory.generation != term_counts.generation(db):
                self._memory = Bm25Index.load(db, CONTEXT_WEIGHT)
            self._searches_without_memory = 0

    def changed(self) -> None:
        """The library changed: document frequencies and its size are counted again."""
        self._df_cache.clear()
        self._size = None

    def _distinctive(self, terms: list[str], memory: Bm25Index | None) -> list[str]:
        """The terms without those most of a large library contains (the rarest two stay regardless)."""
        limit = max(COMMON_TERM_SHARE * self._library_size(), COMMON_TERM_MIN_DF)
        frequency = {t: self._document_frequency(t, memory) for t in terms}
        kept = [t for t in terms if frequency[t] <= limit]
        return kept or sorted(terms, key=frequency.get)[:2]

    def _document_frequency(self, term: str, memory: Bm25Index | None) -> int:
        """Paragraphs containing the term: from the in-memory copy when it is current, else counted
        by FTS5 and cached per process (a stale count only shifts which terms are skipped, never
        which documents are visible); writes clear the cache."""
        if memory and len(index_terms := term_counts.TOKENIZER.terms(term)) == 1:
            return memory.document_frequency(index_terms[0])
        if term not in self._df_cache:
            row = self.registry.db().execute("select count(*) from paragraphs_fts where paragraphs_fts match ?",
                                             [f'"{term}"'])
            self._df_cache[term] = row.fetchone()[0]
        return self._df_cache[term]
