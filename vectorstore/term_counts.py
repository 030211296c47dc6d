"""Each paragraph's token counts as FTS5 tokenizes it, stored beside the FTS5 index and written in the
same transactions, so BM25 can be held in memory (bm25.py) and loaded in a second at 100k paragraphs
instead of being read back out of FTS5 (about 18 s). A generation number, raised by every write, tells
a process whether the copy it holds is still the library's.

A row of `paragraph_terms` is one int32 array: the term ids, then their counts in the paragraph's own
text, then in its context (fts.py), so the context's weight stays a search setting."""
from __future__ import annotations

import functools
import sqlite3
import sys
import threading
from typing import Iterable

import numpy as np

from vectorstore import fts

SCHEMA = """
create table if not exists lexical_terms(id integer primary key, term text unique not null);
create table if not exists paragraph_terms(rowid integer primary key, counts blob not null);
"""
GENERATION = "lexical_generation"  # meta key
_BATCH = 2000  # paragraphs tokenized at once
_LOOKUP = 900  # terms per `in (...)` lookup


class Tokenizer:
    """FTS5's own tokenizer, run in a private in-memory database: what is counted must be exactly what
    the index holds (its Porter stemmer, its Unicode rules), or in-memory and FTS5 scores would differ."""

    def __init__(self):
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"create virtual table t using fts5(text, context, tokenize='{fts.TOKENIZER}')")
        self._db.execute("create virtual table v using fts5vocab(t, instance)")
        self._lock = threading.Lock()

    def counts(self, pairs: list[tuple[str, str]]) -> list[dict[str, list[int]]]:
        """Per (text, context): term -> [count in text, count in context]."""
        out: list[dict[str, list[int]]] = [{} for _ in pairs]
        with self._lock, self._db:
            self._db.execute("delete from t")
            self._db.executemany("insert into t(rowid, text, context) values (?, ?, ?)",
                                 [(i, text, context) for i, (text, context) in enumerate(pairs)])
            for row, column, term, count in self._db.execute(
                    "select doc, col, term, count(*) from v group by term, doc, col"):
                out[row].setdefault(term, [0, 0])[column == "context"] = count
        return out

    @functools.lru_cache(maxsize=100_000)
    def terms(self, word: str) -> tuple[str, ...]:
        """The index terms of a query word, one per token ("Running" -> ("run",); "Metchnikoff's" -> two)."""
        return tuple(term for term, (in_text, _) in self.counts([(word, "")])[0].items() for _ in range(in_text))


TOKENIZER = Tokenizer()


def write(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Store the token counts of these (rowid, text, context) rows, inside the caller's transaction."""
    rows = list(rows)
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        counted = TOKENIZER.counts([(text, context) for _, text, context in batch])
        ids = _term_ids(db, {term for terms in counted for term in terms})
        db.executemany("insert or replace into paragraph_terms values (?, ?)",
                       [(rowid, _pack(terms, ids)) for (rowid, _, _), terms in zip(batch, counted)])
    bump(db)


def delete(db: sqlite3.Connection, doc_id: str) -> None:
    db.execute("delete from paragraph_terms where rowid in (select rowid from paragraphs where doc_id = ?)", (doc_id,))
    bump(db)


def rebuild(db: sqlite3.Connection) -> None:
    """Every paragraph counted again (inside the caller's transaction); term ids are kept."""
    db.execute("delete from paragraph_terms")
    write(db, fts.rows(db))


def upgrade(db: sqlite3.Connection) -> None:
    """A store made before token counts were kept (no generation yet) is counted once, inside the
    caller's transaction (a new store: nothing to count)."""
    if not db.execute("select count(*) from meta where key = ?", [GENERATION]).fetchone()[0]:
        if paragraphs := db.execute("select count(*) from paragraphs").fetchone()[0]:
            print(f"counting the words of {paragraphs:,} paragraphs once for the lexical index "
                  "(a store from an older version; about 30 s per 100,000)", file=sys.stderr)
        rebuild(db)


def bump(db: sqlite3.Connection) -> None:
    db.execute("insert into meta values (?, '1') on conflict(key) do update set value = value + 1", [GENERATION])


def generation(db: sqlite3.Connection) -> int:
    row = db.execute("select value from meta where key = ?", [GENERATION]).fetchone()
    return int(row[0]) if row else 0


def missing(db: sqlite3.Connection) -> int:
    """Paragraphs without token counts (the health check's)."""
    return db.execute("select count(*) from paragraphs p where not exists "
                      "(select 1 from paragraph_terms t where t.rowid = p.rowid)").fetchone()[0]


def unpack(blobs: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row, term id, count in the text, count in the context) of every posting of these stored rows,
    `row` numbering them from 0, without a Python object per row (100k rows: 8M postings)."""
    sizes = np.fromiter((len(blob) // 12 for blob in blobs), dtype=np.int64, count=len(blobs))
    packed = np.frombuffer(b"".join(blobs), dtype=np.int32)
    row = np.repeat(np.arange(len(blobs), dtype=np.int32), sizes)
    before = np.cumsum(sizes) - sizes  # postings of the rows before each row
    at = np.arange(len(row), dtype=np.int64) + np.repeat(2 * before, sizes)  # each posting's term id
    n = np.repeat(sizes, sizes)
    return row, packed[at], packed[at + n], packed[at + 2 * n]


def _pack(terms: dict[str, list[int]], ids: dict[str, int]) -> bytes:
    packed = np.array([[ids[t] for t in terms], [c[0] for c in terms.values()], [c[1] for c in terms.values()]],
                      dtype=np.int32)
    return packed.tobytes()


def _term_ids(db: sqlite3.Connection, terms: set[str]) -> dict[str, int]:
    db.executemany("insert or ignore into lexical_terms(term) values (?)", [(t,) for t in terms])
    terms, ids = list(terms), {}
    for start in range(0, len(terms), _LOOKUP):
        chunk = terms[start:start + _LOOKUP]
        ids.update((term, i) for i, term in db.execute(
            f"select id, term from lexical_terms where term in ({','.join('?' * len(chunk))})", chunk))
    return ids
