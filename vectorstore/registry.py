"""The registry: one SQLite file per store holding the documents, the paragraph texts with their FTS5
index (each paragraph beside its context: fts.py) and token counts (term_counts.py), the near-duplicate sketches, the
`pending` journal of writes in flight and the store's meta values (schema version, embedder, store
id, its Chroma collection). It is the source of truth: the vectors and the FTS index can be rebuilt
from it. All of the store's SQL lives here and in fts.py, term_counts.py, bm25.py, lexical.py
and health.py."""
from __future__ import annotations

import functools
import sqlite3
import threading
import uuid
from pathlib import Path

from ingest.near_duplicates import text_sketch
from ingest.records import Document, Paragraph
from vectorstore import fts, sentences, term_counts
from vectorstore.errors import StoreError
from vectorstore.lock import briefly_exclusive

SCHEMA_VERSION = 1
SCHEMA = fts.SCHEMA + term_counts.SCHEMA + sentences.SCHEMA + """
create table if not exists meta(key text primary key, value text not null);
create table if not exists documents(
    doc_id text primary key, title text not null, author text, date text, source text not null,
    location text not null, language text, content_hash text not null, ingested_at text not null,
    paragraphs integer not null, version text not null);
create table if not exists paragraphs(
    rowid integer primary key, paragraph_id text unique not null,
    doc_id text not null references documents(doc_id) on delete cascade,
    paragraph_index integer not null, char_start integer not null, char_end integer not null,
    page integer, text text not null);
create index if not exists paragraphs_doc on paragraphs(doc_id, paragraph_index);
create table if not exists pending(doc_id text primary key, version text);
create table if not exists sketches(doc_id text not null references documents(doc_id) on delete cascade,
    hash integer not null, primary key (doc_id, hash)) without rowid;
create index if not exists sketches_hash on sketches(hash);
"""
PARAGRAPH_SELECT = ("select p.*, d.title, d.author, d.date, d.source from paragraphs p "
                    "join documents d on d.doc_id = p.doc_id")


def creating(folder: Path):
    """Held while SQLite or Chroma may be creating their files and tables: processes opening one
    new store at once would otherwise race ("database is locked", "table collections already exists")."""
    return briefly_exclusive(folder / "open.lock")


class Registry:
    def __init__(self, folder: Path):
        self.folder, self.file = folder, folder / "registry.sqlite3"
        self.location, self.flags = str(folder), f"--store {folder}"  # for messages: where it is, how to name it
        self.creating = functools.partial(creating, folder)  # a server registry locks in its database instead
        self._local = threading.local()

    def open(self, embedder: str, collection_prefix: str) -> dict[str, str]:
        """Create or check the registry for this embedder; returns its meta values (with `store_id` and
        `collection`, a new store's named `<collection_prefix>-<store_id>`)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with creating(self.folder), self.db() as db:
                fts.upgrade(db)
                if problem := registry_problem(db):
                    raise StoreError(f"the store registry {self.file} was not written by this "
                                     f"assistant: {problem}; move it away or use another --store "
                                     f"(`assistant doctor --repair --store {self.folder}` sets it aside)")
                meta = self._check_meta(db, embedder, collection_prefix)
                db.executescript(SCHEMA)
                term_counts.upgrade(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store registry {self.file} is damaged ({exc}); "
                             f"run `assistant doctor --store {self.folder}`, or re-ingest into a new --store") from exc
        except OSError as exc:  # e.g. a folder this user cannot write to
            raise StoreError(f"cannot open the store in {self.folder}: {exc}") from exc
        return meta

    def db(self) -> sqlite3.Connection:
        """One SQLite connection per thread (Gradio serves requests from worker threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.file, timeout=30)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the store registry in {self.folder}: {exc}") from exc
            db.row_factory = sqlite3.Row
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")  # WAL stays consistent; a power cut may lose the last commits
            db.execute("pragma foreign_keys=on")
            self._local.db = db
        return db

    def _check_meta(self, db: sqlite3.Connection, embedder: str, collection_prefix: str) -> dict[str, str]:
        wanted = {"schema_version": str(SCHEMA_VERSION), "embedder": embedder}
        db.execute("create table if not exists meta(key text primary key, value text not null)")
        have = dict(db.execute("select key, value from meta").fetchall())
        if not have:
            store_id = uuid.uuid4().hex
            db.executemany("insert into meta values (?, ?)", {
                **wanted, "store_id": store_id, "collection": f"{collection_prefix}-{store_id}"}.items())
            have = dict(db.execute("select key, value from meta").fetchall())
        if have.get("schema_version") != wanted["schema_version"]:
            raise StoreError(f"store {self.folder} was written by schema version {have.get('schema_version')}, "
                             f"this version reads {SCHEMA_VERSION}; see `assistant doctor --store {self.folder}`, "
                             "or re-ingest into a new --store")
        if have.get("embedder") != embedder:
            raise StoreError(f"store {self.folder} was embedded with {have.get('embedder')!r}, not {embedder!r}; "
                             "use the same --embedder or a new --store")
        if "store_id" not in have:  # made before stores owned a collection: keep the one it used
            have |= {"store_id": uuid.uuid4().hex, "collection": collection_prefix}
            db.executemany("insert into meta values (?, ?)", [(k, have[k]) for k in ("store_id", "collection")])
        return have

    def meta(self) -> dict[str, str]:
        return dict(self.db().execute("select key, value from meta").fetchall())

    def record(self, **values: str) -> None:
        """Write meta values that changed (most opens change nothing, so write nothing)."""
        have = self.meta()
        changed = [(k, v) for k, v in values.items() if have.get(k) != v]
        if changed:
            with self.db() as db:
                db.executemany("insert or replace into meta values (?, ?)", changed)

    # ---- reading -----------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        rows = self.db().execute("select * from documents order by source, title").fetchall()
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.db().execute("select * from documents where doc_id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def find_by_hash(self, content_hash: str) -> Document | None:
        row = self.db().execute("select * from documents where content_hash = ?", (content_hash,)).fetchone()
        return _document(row) if row else None

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        sql = PARAGRAPH_SELECT + (" where p.doc_id = ?" if doc_id else "") + " order by d.source, p.doc_id, p.paragraph_index"
        return [_paragraph(r) for r in self.db().execute(sql, (doc_id,) if doc_id else ()).fetchall()]

    def get(self, paragraph_ids: list[str]) -> dict[str, Paragraph]:
        if not paragraph_ids:
            return {}
        marks = ",".join("?" * len(paragraph_ids))
        rows = self.db().execute(PARAGRAPH_SELECT + f" where p.paragraph_id in ({marks})", paragraph_ids)
        return {r["paragraph_id"]: _paragraph(r) for r in rows}

    def count(self, at_most: int | None = None) -> int:
        """Paragraphs in the library; with `at_most`, counted no further (a 100k library: 3 ms -> 0.05)."""
        if at_most is None:
            return self.db().execute("select count(*) from paragraphs").fetchone()[0]
        return self.db().execute("select count(*) from (select 1 from paragraphs limit ?)", [at_most]).fetchone()[0]

    def spellings(self, column: str, value: str) -> list[str]:
        """The stored values of documents.`column` (source or author) equal to `value` but for case."""
        assert column in ("source", "author")
        return [r[0] for r in self.db().execute(
            f"select distinct {column} from documents where {column} = ? collate nocase", [value])]

    def versions(self, doc_ids: set[str]) -> dict[str, str]:
        """The committed version of each of these documents that exists."""
        return dict(self._in("select doc_id, version from documents where doc_id in ({})", doc_ids))

    def paragraph_counts(self, doc_ids: set[str]) -> dict[str, int]:
        return dict(self._in("select doc_id, paragraphs from documents where doc_id in ({})", doc_ids))

    def committed_records(self) -> list[tuple[str, str, str]]:
        """(paragraph_id, version, doc_id) of every committed paragraph (the health check's)."""
        return self.db().execute("select p.paragraph_id, d.version, d.doc_id from paragraphs p "
                                 "join documents d on d.doc_id = p.doc_id").fetchall()

    def _in(self, sql: str, values: set[str]) -> list:
        if not values:
            return []
        return self.db().execute(sql.format(",".join("?" * len(values))), list(values)).fetchall()

    # ---- sketches ----------------------------------------------------------------------------
    def sketch(self, doc_id: str) -> frozenset[int]:
        """The document's near-duplicate sketch (ingest/near_duplicates.py), written with it."""
        return frozenset(r[0] for r in self.db().execute("select hash from sketches where doc_id = ?", (doc_id,)))

    def sketch_matches(self, sketch: frozenset[int], n: int) -> list[tuple[str, int]]:
        """The n documents sharing the most sketch values with `sketch` (doc_id, how many): index
        lookups, however large the library."""
        if not sketch:
            return []
        marks = ",".join("?" * len(sketch))
        sql = (f"select doc_id, count(*) as n from sketches where hash in ({marks}) "
               "group by doc_id order by n desc limit ?")
        return [(r[0], r[1]) for r in self.db().execute(sql, [*sketch, n])]

    def fill_sketches(self) -> int:
        """Sketch the documents that have none (a store made before sketches were stored); returns how many."""
        db = self.db()
        missing = [r[0] for r in db.execute(
            "select doc_id from documents d where not exists (select 1 from sketches s where s.doc_id = d.doc_id)")]
        for doc_id in missing:
            with db:
                _insert_sketch(db, doc_id, [p.text for p in self.paragraphs(doc_id)])
        return len(missing)

    # ---- writing: the journal and the rows -----------------------------------------------------
    def journal(self, versions: dict[str, str | None]) -> None:
        """Note writes about to start (doc_id -> the version being written, None for a removal)."""
        with self.db() as db:
            db.executemany("insert or replace into pending values (?, ?)", list(versions.items()))

    def pending(self) -> list[str]:
        return [r[0] for r in self.db().execute("select doc_id from pending").fetchall()]

    def done(self, doc_ids: list[str]) -> None:
        with self.db() as db:
            db.executemany("delete from pending where doc_id = ?", [(doc_id,) for doc_id in doc_ids])

    def replace(self, document: Document, paragraphs: list[Paragraph], version: str) -> None:
        """The document's rows switched to this version in one transaction."""
        with self.db() as db:
            _delete_rows(db, document.doc_id)
            db.execute("insert into documents values (?,?,?,?,?,?,?,?,?,?,?)",
                       (document.doc_id, document.title, document.author, document.date, document.source,
                        document.location, document.language, document.content_hash, document.ingested_at,
                        len(paragraphs), version))
            contexts = fts.contexts(document.title, [p.text for p in paragraphs])
            indexed = []
            for p, context in zip(paragraphs, contexts):
                cur = db.execute("insert into paragraphs(paragraph_id, doc_id, paragraph_index, char_start, char_end,"
                                 " page, text) values (?,?,?,?,?,?,?)",
                                 (p.paragraph_id, p.doc_id, p.paragraph_index, p.char_start, p.char_end, p.page, p.text))
                indexed.append((cur.lastrowid, p.text, context))
            db.executemany(fts.INSERT, indexed)
            term_counts.write(db, indexed)
            _insert_sketch(db, document.doc_id, [p.text for p in paragraphs])

    def add_sentence_vectors(self, texts: list[str], vectors) -> None:
        with self.db() as db:
            sentences.write(db, texts, vectors)

    def sentence_vectors(self, paragraphs: list[str]) -> dict:
        """paragraph text -> the vectors of its sentences, where it has them (sentences.py)."""
        return sentences.read(self.db(), paragraphs)

    def rebuild_lexical_index(self) -> None:
        """The FTS index (dropped, not emptied: a damaged index may refuse deletes) and the token
        counts made again from the paragraphs table, in one transaction."""
        with self.db() as db:
            fts.rebuild(db)
            term_counts.rebuild(db)

    def delete(self, doc_id: str) -> None:
        """The document's rows gone, journaled as a removal in the same transaction."""
        with self.db() as db:
            db.execute("insert or replace into pending values (?, null)", (doc_id,))
            _delete_rows(db, doc_id)


def registry_problem(db: sqlite3.Connection) -> str | None:
    """Why this SQLite file is not a registry of ours, or None (it is, or it is still empty): a table
    of another shape, or tables without our meta records (written by another tool)."""
    tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    for table, columns in _expected_columns().items():
        if table in tables and (have := _columns(db, table)) != columns:
            return f"its table {table} has columns ({', '.join(have)}), not ({', '.join(columns)})"
    ours = "meta" in tables and db.execute("select count(*) from meta where key = 'schema_version'").fetchone()[0]
    if tables - {"meta"} and not ours:
        return f"it holds tables ({', '.join(sorted(tables))}) but no schema version"
    return None


@functools.cache
def _expected_columns() -> dict[str, list[str]]:
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    return {name: _columns(db, name)
            for name in ("meta", "documents", "paragraphs", "paragraphs_fts", "pending", "sketches",
                         "lexical_terms", "paragraph_terms")}


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"pragma table_info('{table}')")]


def _insert_sketch(db: sqlite3.Connection, doc_id: str, texts: list[str]) -> None:
    db.executemany("insert or ignore into sketches values (?, ?)", [(doc_id, h) for h in text_sketch(texts)])


def _delete_rows(db: sqlite3.Connection, doc_id: str) -> None:
    db.execute("delete from paragraphs_fts where rowid in (select rowid from paragraphs where doc_id = ?)", (doc_id,))
    term_counts.delete(db, doc_id)
    db.execute("delete from paragraphs where doc_id = ?", (doc_id,))
    db.execute("delete from sketches where doc_id = ?", (doc_id,))
    db.execute("delete from documents where doc_id = ?", (doc_id,))


def _document(row: sqlite3.Row) -> Document:
    return Document(**{k: row[k] for k in Document.__dataclass_fields__})


def _paragraph(row: sqlite3.Row) -> Paragraph:
    return Paragraph(**{k: row[k] for k in Paragraph.__dataclass_fields__})
