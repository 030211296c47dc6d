"""Lexical search inside PostgreSQL, with the embedded store's BM25 scores.

Each paragraph's tokens are counted at write time by FTS5's own tokenizer (term_counts.TOKENIZER: its
Porter stemmer and Unicode rules), so the terms are the ones the embedded index holds. They are stored
as postings (term, paragraph row, count in its text, count in its context, the row's length) beside a
term table holding each term's document frequency and one row of library totals (paragraphs, tokens),
all written in the document's own transaction. A search looks up the query's terms, reads only their
postings (the primary key leads with the term) and scores them in SQL with bm25.py's formula: FTS5's
k1 and b, its idf, the context's weight (lexical.CONTEXT_WEIGHT) on the term frequency, the row's length
over both columns. Nothing is rebuilt or held in a process: a new web replica searches at once.

One difference from FTS5: a query word the tokenizer splits in several tokens ("co_op") is searched as
those tokens, not as a phrase."""
from __future__ import annotations

import itertools
import math
from collections import Counter

from ingest.text import query_terms
from vectorstore import fts, term_counts
from vectorstore.bm25 import B, K1
from vectorstore.filters import Filters
from vectorstore.lexical import COMMON_TERM_MIN_DF, COMMON_TERM_SHARE, CONTEXT_WEIGHT

SEARCH = """
select p.paragraph_id, scored.score from (
    select po.paragraph_row, sum(q.idf * (((po.in_text + %s * po.in_context) * %s)
                                         / ((po.in_text + %s * po.in_context) + %s * (%s + %s * po.length / %s))))
           as score
    from unnest(%s::int[], %s::float8[]) as q(id, idf) join postings po on po.term_id = q.id {where}
    group by po.paragraph_row order by score desc, po.paragraph_row limit %s) scored
join paragraphs p on p.rowid = scored.paragraph_row order by scored.score desc, scored.paragraph_row
"""
FILTERED = ("where po.paragraph_row in (select p.rowid from paragraphs p join documents d on d.doc_id = p.doc_id "
            "where true{clauses})")


class ServerLexical:
    """lexical.LexicalIndex's reading side for the server store: every answer comes from the database."""

    def __init__(self, registry):
        self.database = registry.database

    def search(self, text: str, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, BM25 score: higher is better), best first; equal scores in stored order."""
        words = query_terms(text)
        tokens = {w: term_counts.TOKENIZER.terms(w) for w in words}
        found, size, length = self._terms({t for ts in tokens.values() for t in ts})
        frequencies = _word_frequencies(tokens, found)
        limit = max(COMMON_TERM_SHARE * size, COMMON_TERM_MIN_DF)
        kept = [w for w in words if frequencies[w] <= limit] or sorted(words, key=frequencies.get)[:2]
        terms = [t for t in dict.fromkeys(t for w in kept for t in tokens[w]) if t in found]
        if not terms:
            return []
        idf = [math.log((size - found[t][1] + 0.5) / (found[t][1] + 0.5)) for t in terms]  # bm25.py's, FTS5's
        where, args = "", []
        if filters:
            clauses, args = filters.sql()
            where = FILTERED.format(clauses=clauses.replace("?", "%s"))
        weight, average = CONTEXT_WEIGHT, max(length / max(size, 1), 1e-9)
        with self.database.connection() as conn:
            rows = conn.execute(SEARCH.format(where=where), [
                weight, K1 + 1.0, weight, K1, 1 - B, B, average, [found[t][0] for t in terms],
                [i if i > 0 else 1e-6 for i in idf], *args, n])
            return [(r[0], float(r[1])) for r in rows]

    def document_frequencies(self, words: list[str]) -> tuple[dict[str, int], int]:
        """Paragraphs holding each query word (as the index counts it) and the library's size."""
        tokens = {w: term_counts.TOKENIZER.terms(w) for w in words}
        found, size, _ = self._terms({t for ts in tokens.values() for t in ts})
        return _word_frequencies(tokens, found), size

    def _terms(self, terms: set[str]) -> tuple[dict[str, tuple[int, int]], int, int]:
        """(term -> (id, document frequency) for the terms the library holds, its paragraphs, its tokens)."""
        with self.database.connection() as conn:
            size, length = conn.execute("select paragraphs, tokens from lexical_stats").fetchone()
            rows = conn.execute("select term, id, df from lexical_terms where term = any(%s) and df > 0",
                                [list(terms)]).fetchall() if terms else []
        return {term: (i, df) for term, i, df in rows}, int(size), int(length)

    def load_memory(self) -> None:
        """Nothing to load: the statistics live in the database."""

    def changed(self) -> None:
        """Nothing cached in the process to forget."""


def _word_frequencies(tokens: dict[str, tuple[str, ...]], found: dict[str, tuple[int, int]]) -> dict[str, int]:
    """A query word's document frequency: its index term's (the rarest, for a word of several tokens)."""
    return {w: min((found.get(t, (0, 0))[1] for t in ts), default=0) for w, ts in tokens.items()}


def count_terms(contexts: list[str], texts: list[str]) -> list[dict[str, list[int]]]:
    """Per paragraph: term -> [count in its text, count in its context], as FTS5 tokenizes them."""
    pairs = list(zip(texts, contexts))
    return [counts for start in range(0, len(pairs), 2000)
            for counts in term_counts.TOKENIZER.counts(pairs[start:start + 2000])]


def write(conn, rows: list[int], counted: list[dict[str, list[int]]]) -> None:
    """The postings of these paragraph rows, and the term and library totals, in the caller's transaction."""
    if not rows:
        return
    terms = sorted({t for counts in counted for t in counts})
    if terms:
        conn.execute("insert into lexical_terms (term) select unnest(%s::text[]) on conflict (term) do nothing",
                     [terms])
    ids = dict(conn.execute("select term, id from lexical_terms where term = any(%s)", [terms])) if terms else {}
    lengths = [sum(a + b for a, b in counts.values()) for counts in counted]
    with conn.cursor() as cur, cur.copy(
            "copy postings (term_id, paragraph_row, in_text, in_context, length) from stdin") as copy:
        for row, counts, length in zip(rows, counted, lengths):
            for term, (in_text, in_context) in counts.items():
                copy.write_row((ids[term], row, in_text, in_context, length))
    frequency = Counter(ids[t] for counts in counted for t in counts)
    if frequency:
        conn.execute("update lexical_terms t set df = t.df + c.n from (select unnest(%s::int[]) as id, "
                     "unnest(%s::int[]) as n) c where t.id = c.id", [list(frequency), list(frequency.values())])
    conn.execute("update lexical_stats set paragraphs = paragraphs + %s, tokens = tokens + %s",
                 [len(rows), sum(lengths)])


def delete(conn, doc_id: str) -> None:
    """A document's postings gone and the totals lowered, in the caller's transaction."""
    paragraphs = conn.execute("select count(*) from paragraphs where doc_id = %s", [doc_id]).fetchone()[0]
    if not paragraphs:
        return
    tokens = conn.execute("""
        with gone as (delete from postings po using paragraphs p where p.doc_id = %s and po.paragraph_row = p.rowid
                      returning po.term_id, po.paragraph_row, po.length),
        lowered as (update lexical_terms t set df = t.df - c.n
                    from (select term_id, count(*) as n from gone group by term_id) c where t.id = c.term_id)
        select coalesce(sum(length), 0) from (select distinct paragraph_row, length from gone) r""",
                          [doc_id]).fetchone()[0]
    conn.execute("update lexical_stats set paragraphs = paragraphs - %s, tokens = tokens - %s",
                 [paragraphs, int(tokens)])


def rebuild(conn) -> None:
    """Every paragraph's postings and the totals counted again from the paragraphs table."""
    conn.execute("delete from postings")
    conn.execute("update lexical_terms set df = 0")
    conn.execute("update lexical_stats set paragraphs = 0, tokens = 0")
    paragraphs = conn.execute("select p.rowid, p.doc_id, p.text, d.title from paragraphs p join documents d "
                              "on d.doc_id = p.doc_id order by p.doc_id, p.paragraph_index").fetchall()
    for _, document in itertools.groupby(paragraphs, key=lambda row: row[1]):
        document = list(document)
        texts = [row[2] for row in document]
        write(conn, [row[0] for row in document], count_terms(fts.contexts(document[0][3], texts), texts))


def missing(conn) -> int:
    """Paragraphs without postings (the health check's)."""
    return conn.execute("select count(*) from paragraphs p where not exists "
                        "(select 1 from postings po where po.paragraph_row = p.rowid)").fetchone()[0]
