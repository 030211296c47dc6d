"""What the FTS5 lexical index holds: each paragraph's own words, and beside them, in a second column
searched at a lower weight (lexical.CONTEXT_WEIGHT), its context. Its schema, its rows, its rebuild,
and the one-time upgrade of stores indexed before it held context. What is cited stays the paragraph
alone."""
from __future__ import annotations

import itertools
import sqlite3
from typing import Iterator

TOKENIZER = "porter unicode61 remove_diacritics 2"
SCHEMA = f"create virtual table if not exists paragraphs_fts using fts5(text, context, tokenize='{TOKENIZER}');"
INSERT = "insert into paragraphs_fts(rowid, text, context) values (?, ?, ?)"
TINY_PARAGRAPH = 100  # characters: a caption, a byline, a fragment ("He said no.")


def contexts(title: str, texts: list[str]) -> list[str]:
    """The context of each of a document's paragraphs: its article's title, since news questions name
    the story and its paragraphs often do not; and for a caption or fragment, its neighbours."""
    out = []
    for i, text in enumerate(texts):
        neighbours = texts[max(i - 1, 0):i] + texts[i + 1:i + 2] if len(text) < TINY_PARAGRAPH else []
        out.append("\n".join([title, *neighbours]))
    return out


def rows(db: sqlite3.Connection) -> Iterator[tuple[int, str, str]]:
    """(rowid, text, context) of every paragraph of a registry, as the index holds them."""
    paragraphs = db.execute("select p.rowid, p.doc_id, p.text, d.title from paragraphs p join documents d "
                            "on d.doc_id = p.doc_id order by p.doc_id, p.paragraph_index")
    for _, document in itertools.groupby(paragraphs, key=lambda row: row[1]):  # contexts are a document's own
        document = list(document)
        for row, context in zip(document, contexts(document[0][3], [row[2] for row in document])):
            yield row[0], row[2], context


def rebuild(db: sqlite3.Connection) -> None:
    """The index made again from the paragraphs table; dropped, not emptied (a damaged index may
    refuse deletes), inside the caller's transaction, so an interrupted rebuild leaves the old one."""
    if not db.in_transaction:
        db.execute("begin")
    db.execute("drop table if exists paragraphs_fts")
    db.execute(SCHEMA)
    db.executemany(INSERT, list(rows(db)))


def upgrade(db: sqlite3.Connection) -> None:
    """A registry of ours indexed before the index held context (one column, `text`) gets it, once."""
    tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    if "paragraphs_fts" in tables and "meta" in tables \
            and [r[1] for r in db.execute("pragma table_info('paragraphs_fts')")] == ["text"] \
            and db.execute("select count(*) from meta where key = 'schema_version'").fetchone()[0]:
        rebuild(db)
