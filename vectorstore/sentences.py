"""Sentence vectors of long paragraphs, for retrieval's best-sentence score (assistant/answer/retrieval.py).

One vector for a long paragraph blurs its several facts, while a question usually asks about one
sentence. Paragraphs under MIN_CHARS are near enough to one sentence already: skipping them keeps
the extra encoding at ingest to about a tenth of the tokens on news (one paragraph in 28 of
news-rtqa is this long), against about as many again on squad2-dev, whose paragraphs all are.
Rows are keyed by a hash of the sentence text, so copies and versions of an article share them; they
outlive a removed document (1 KB a sentence), and a paragraph without rows (a store written before
they existed) is scored by its own vector until `assistant doctor --repair` encodes them.
"""
from __future__ import annotations

import hashlib
import sqlite3

import numpy as np

from ingest.split import LONG_PARAGRAPH_CHARS as MIN_CHARS
from ingest.split import long_paragraph_sentences as of  # which sentences: decided where ingest splits text

SCHEMA = "create table if not exists sentence_vectors(hash text primary key, vector blob not null) without rowid;"
_LOOKUP = 900  # hashes per `in (...)` lookup


def key(sentence: str) -> str:
    return hashlib.sha1(sentence.encode()).hexdigest()[:20]


def write(db: sqlite3.Connection, texts: list[str], vectors) -> None:
    """Store each sentence's vector (float16: a sixth of a point of cosine is far below what ranks)."""
    db.executemany("insert or ignore into sentence_vectors values (?, ?)",
                   [(key(t), np.asarray(v, dtype=np.float16).tobytes()) for t, v in zip(texts, vectors)])


def read(db: sqlite3.Connection, paragraphs: list[str]) -> dict[str, np.ndarray]:
    """paragraph text -> its sentences' vectors (one row each), for paragraphs that have them all."""
    wanted = {text: [key(s) for s in of(text)] for text in paragraphs}
    rows = _rows(db, "hash, vector", list({h for keys in wanted.values() for h in keys}))
    found = {h: np.frombuffer(blob, dtype=np.float16) for h, blob in rows}
    return {text: np.stack([found[h] for h in keys]).astype(np.float32)
            for text, keys in wanted.items() if keys and all(h in found for h in keys)}


def missing(db: sqlite3.Connection) -> list[str]:
    """Sentences of long paragraphs without a stored vector: a store written before there were any."""
    texts = [row[0] for row in db.execute("select text from paragraphs where length(text) >= ?", (MIN_CHARS,))]
    wanted = {key(s): s for text in texts for s in of(text)}
    have = {h for (h,) in _rows(db, "hash", list(wanted))}
    return [s for h, s in wanted.items() if h not in have]


def _rows(db: sqlite3.Connection, columns: str, hashes: list[str]):
    """The stored rows (those `columns` of them) of these hashes, _LOOKUP at a time."""
    for i in range(0, len(hashes), _LOOKUP):
        chunk = hashes[i:i + _LOOKUP]
        yield from db.execute(f"select {columns} from sentence_vectors where hash in ({','.join('?' * len(chunk))})",
                              chunk)
