"""Lexical search: BM25 over the registry's FTS5 index, asked for the query's content words
(`ingest.text.query_terms`) without those most of a large library contains. Each paragraph is indexed
with its context (its article's title; a caption's neighbours: fts.py) at a lower
weight than its own words."""
from __future__ import annotations

from ingest.text import query_terms
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


def lexical_query(terms: list[str]) -> str | None:
    """An FTS5 OR-query of the terms; None when nothing searchable is left."""
    return " OR ".join(f'"{t}"' for t in terms) or None


class LexicalIndex:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._df_cache: dict[str, int] = {}
        self._size: int | None = None  # paragraphs in the library, counted with the frequencies

    def search(self, text: str, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, BM25 score: higher is better), best first."""
        query = lexical_query(self._distinctive(query_terms(text)))
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

    def changed(self) -> None:
        """The library changed: document frequencies and its size are counted again."""
        self._df_cache.clear()
        self._size = None

    def _distinctive(self, terms: list[str]) -> list[str]:
        """The terms without those most of a large library contains (the rarest two stay regardless)."""
        if self._size is None:
            self._size = self.registry.count()
        limit = max(COMMON_TERM_SHARE * self._size, COMMON_TERM_MIN_DF)
        kept = [t for t in terms if self._document_frequency(t) <= limit]
        return kept or sorted(terms, key=self._document_frequency)[:2]

    def _document_frequency(self, term: str) -> int:
        """Paragraphs containing the term, cached per process (a stale count only shifts which
        terms are skipped, never which documents are visible); writes clear the cache."""
        if term not in self._df_cache:
            row = self.registry.db().execute("select count(*) from paragraphs_fts where paragraphs_fts match ?",
                                             [f'"{term}"'])
            self._df_cache[term] = row.fetchone()[0]
        return self._df_cache[term]
