"""The store: Chroma holds paragraph embeddings; a SQLite file beside it holds the document registry,
the paragraph texts and the persisted BM25 (FTS5) index.

A document becomes visible all at once: its embeddings go to Chroma under a versioned record id
first, then one SQLite transaction switches the registry to the new version. Readers only trust
Chroma hits whose version matches the registry, and `recover()` deletes what an interrupted write
left behind, using the `pending` journal.

A store owns one Chroma collection, named after a store id made when the store is created, so stores
sharing a Chroma server never touch each other's vectors. The registry's meta table records that
collection's name, Chroma's id for it and where it lives; opening the collection checks them once, so
a store pointed at another or a wiped Chroma says so instead of answering from no vectors.
"""
from __future__ import annotations

import functools
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ingest.near_duplicates import text_sketch
from ingest.records import Document, Paragraph, doc_of, paragraph_id, paragraph_of, record_id
from ingest.text import query_terms

SCHEMA_VERSION = 1
CHROMA_MAX_BATCH = 5000  # Chroma refuses more than 5,461 records per call
# A query term found in more than this share of a large library adds little to BM25 but makes FTS5
# score that many rows: at 100k paragraphs dropping such terms halves lexical search time. Small
# libraries keep every term (the floor), so their ranking is unchanged.
COMMON_TERM_SHARE, COMMON_TERM_MIN_DF = 0.1, 5000

SCHEMA = """
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
create virtual table if not exists paragraphs_fts using fts5(text, tokenize='porter unicode61 remove_diacritics 2');
create table if not exists pending(doc_id text primary key, version text);
create table if not exists sketches(doc_id text not null references documents(doc_id) on delete cascade,
    hash integer not null, primary key (doc_id, hash)) without rowid;
create index if not exists sketches_hash on sketches(hash);
"""



class StoreError(RuntimeError):
    """A store that cannot be opened or used as asked; the message says how to fix it."""


class StoreDrift(StoreError):
    """The registry holds paragraphs whose vectors are not in the Chroma the store was opened with."""


class ChromaUnreachable(StoreError):
    """The Chroma server went away mid-command; stopping beats failing every later call one by one."""


@dataclass(frozen=True)
class Filters:
    """Metadata filters shared by dense and lexical search."""
    doc_id: str | None = None
    source: str | None = None
    author: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def chroma_where(self) -> dict | None:
        clauses = []
        for key in ("doc_id", "source", "author"):
            if getattr(self, key):
                clauses.append({key: getattr(self, key)})
        if self.since:
            clauses.append({"date_num": {"$gte": _date_num(self.since)}})
        if self.until:
            clauses.append({"date_num": {"$lte": _date_num(self.until)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self) -> tuple[str, list]:
        clauses, args = [], []
        for key in ("doc_id", "source", "author"):
            if getattr(self, key):
                clauses.append(f"d.{key} = ?")
                args.append(getattr(self, key))
        if self.since:
            clauses.append("d.date >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("d.date <= ?")
            args.append(self.until)
        return (" and " + " and ".join(clauses)) if clauses else "", args


def _date_num(iso: str) -> int:
    return int(iso[:10].replace("-", ""))


def lexical_query(terms: list[str]) -> str | None:
    """An FTS5 OR-query of the terms; None when nothing searchable is left."""
    return " OR ".join(f'"{t}"' for t in terms) or None


class Store:
    def __init__(self, path: str | Path, chroma_url: str | None = None, collection: str = "paragraphs",
                 embedder: str = "minilm"):
        """`collection` prefixes a new store's collection name; a store made before collections were
        named after their store keeps the collection it used, `collection` itself."""
        self.path = Path(path)
        self.chroma_url = chroma_url
        self.collection_name = self._prefix = collection
        self.embedder = embedder
        self.store_id = ""
        self._collection = None
        self._client = None
        self._open_lock = threading.Lock()
        self._df_cache: dict[str, int] = {}
        self._local = threading.local()
        from vectorstore.lock import WriteLock

        self.write_lock = WriteLock(self.path)  # ingest, write, remove and repair hold it
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            with self._creating(), self._db() as db:
                if problem := registry_problem(db):
                    raise StoreError(f"the store registry {self.path / 'registry.sqlite3'} was not written by this "
                                     f"assistant: {problem}; move it away or use another --store "
                                     f"(`assistant doctor --repair --store {self.path}` sets it aside)")
                self._check_meta(db)
                db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store registry {self.path / 'registry.sqlite3'} is damaged ({exc}); "
                             f"run `assistant doctor --store {self.path}`, or re-ingest into a new --store") from exc
        except OSError as exc:  # e.g. a folder this user cannot write to
            raise StoreError(f"cannot open the store in {self.path}: {exc}") from exc

    # ---- connections -------------------------------------------------------------------------
    def _creating(self):
        """Held while SQLite or Chroma may be creating their files and tables: processes opening one
        new store at once would otherwise race ("database is locked", "table collections already exists")."""
        from vectorstore.lock import briefly_exclusive

        return briefly_exclusive(self.path / "open.lock")

    def _db(self) -> sqlite3.Connection:
        """One SQLite connection per thread (Gradio serves requests from worker threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path / "registry.sqlite3", timeout=30)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the store registry in {self.path}: {exc}") from exc
            db.row_factory = sqlite3.Row
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")  # WAL stays consistent; a power cut may lose the last commits
            db.execute("pragma foreign_keys=on")
            self._local.db = db
        return db

    def _check_meta(self, db: sqlite3.Connection) -> None:
        wanted = {"schema_version": str(SCHEMA_VERSION), "embedder": self.embedder}
        db.execute("create table if not exists meta(key text primary key, value text not null)")
        have = dict(db.execute("select key, value from meta").fetchall())
        if not have:
            store_id = uuid.uuid4().hex
            db.executemany("insert into meta values (?, ?)", {
                **wanted, "store_id": store_id, "collection": f"{self.collection_name}-{store_id}"}.items())
            have = dict(db.execute("select key, value from meta").fetchall())
        if have.get("schema_version") != wanted["schema_version"]:
            raise StoreError(f"store {self.path} was written by schema version {have.get('schema_version')}, "
                             f"this version reads {SCHEMA_VERSION}; see `assistant doctor --store {self.path}`, "
                             "or re-ingest into a new --store")
        if have.get("embedder") != self.embedder:
            raise StoreError(f"store {self.path} was embedded with {have.get('embedder')!r}, not {self.embedder!r}; "
                             "use the same --embedder or a new --store")
        if "store_id" not in have:  # made before stores owned a collection: keep the one it used
            have |= {"store_id": uuid.uuid4().hex, "collection": self.collection_name}
            db.executemany("insert into meta values (?, ?)", [(k, have[k]) for k in ("store_id", "collection")])
        self.store_id, self.collection_name = have["store_id"], have["collection"]

    @property
    def collection(self):
        with self._open_lock:  # concurrent first requests must not open Chroma twice
            if self._collection is None:
                self._collection = self._open_collection()
        return self._collection

    def _open_collection(self, adopt: bool = False):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            with self._creating():  # also serializes recording the collection in the meta table
                if self.chroma_url:
                    url = urlparse(self.chroma_url)
                    self._client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                                       ssl=url.scheme == "https", settings=chroma_settings)
                    self._client.heartbeat()
                else:
                    self._client = chromadb.PersistentClient(path=str(self.path / "chroma"), settings=chroma_settings)
                collection = self._attach(self._client, adopt)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean "cannot use this store"
            where = self.chroma_url or str(self.path / "chroma")
            hint = "is `chroma run` listening there?" if self.chroma_url else "is the folder writable and not damaged?"
            raise StoreError(f"cannot open Chroma at {where}: {exc.__class__.__name__}: {exc} ({hint})") from exc
        return _Guarded(collection, self.chroma_url) if self.chroma_url else collection

    def _attach(self, client, adopt: bool):
        """The store's collection in this Chroma, checked against what the registry recorded."""
        if adopt and not self._named_after_store():  # a store from before store ids moves to its own
            self.collection_name = f"{self._prefix}-{self.store_id}"
        if adopt or not self.count():  # no vectors to lose: use this Chroma from now on
            collection = self._get_or_create(client)
        else:
            collection = self._existing(client)
            if problem := self._drift(collection):
                raise StoreDrift(problem)
        self._record(collection=self.collection_name, collection_id=str(collection.id), chroma=self._where())
        return collection

    def adopt_collection(self) -> None:
        """Use (creating it) this store's own collection in the Chroma it was opened with, whatever the
        registry recorded; `doctor --repair` then re-embeds what it lacks."""
        with self._open_lock:
            self._collection = self._open_collection(adopt=True)

    @property
    def owns_collection(self) -> bool:
        """Is every vector in the collection this store's? Yes in its own folder or when the collection is
        named after it; a server collection of a store from before store ids may be shared with others."""
        return not self.chroma_url or self._named_after_store()

    def _named_after_store(self) -> bool:
        return self.collection_name.endswith(f"-{self.store_id}")

    def _existing(self, client):
        from chromadb.errors import NotFoundError

        try:
            return client.get_collection(self.collection_name, embedding_function=None)
        except NotFoundError:
            return None

    def _drift(self, collection) -> str | None:
        """One line naming what is wrong and the fix, or None when the collection holds this store's vectors."""
        meta = dict(self._db().execute("select key, value from meta").fetchall())
        here = f"collection {self.collection_name} in {self._describe(self._where())}"
        if collection is None:
            problem = f"{here} does not exist"
        elif meta.get("collection_id", str(collection.id)) != str(collection.id):
            problem = f"{here} is not the one it wrote to (id {collection.id}, recorded {meta['collection_id']})"
        elif collection.count() == 0 and self.count():  # registry read again: a concurrent remove is no drift
            problem = f"{here} is empty"
        else:
            return None
        fix = f"run `assistant doctor --repair --store {self.path}` to re-embed them"
        was = meta.get("chroma", self._where())
        if was != self._where():
            back = "drop --chroma-url" if was == "embedded" else f"point --chroma-url back at {was}"
            fix = f"its vectors were written to {self._describe(was)}: {back}, or {fix}"
        return f"store {self.path} has {self.count()} paragraphs but no vectors for them: {problem}; {fix}"

    def _where(self) -> str:
        return self.chroma_url or "embedded"

    def _describe(self, where: str) -> str:
        return where if where != "embedded" else f"the store's own folder {self.path / 'chroma'} (no --chroma-url)"

    def _record(self, **values: str) -> None:
        """Write meta values that changed (most opens change nothing, so write nothing)."""
        db = self._db()
        have = dict(db.execute("select key, value from meta").fetchall())
        changed = [(k, v) for k, v in values.items() if have.get(k) != v]
        if changed:
            with db:
                db.executemany("insert or replace into meta values (?, ?)", changed)

    def other_collections(self) -> dict[str, int]:
        """Collections besides this store's in its own Chroma folder (name -> vectors): left there by a
        registry that was set aside. Empty for a Chroma server, whose other collections are not ours."""
        if self.chroma_url:
            return {}
        self.collection  # opens the client
        return {c.name: c.count() for c in self._client.list_collections() if c.name != self.collection_name}

    def drop_collection(self, name: str) -> None:
        """Delete one of `other_collections()` (never the store's own, never on a server)."""
        if self.chroma_url or name == self.collection_name:
            raise StoreError(f"refusing to delete collection {name}: it is not a leftover in {self.path / 'chroma'}")
        self._client.delete_collection(name)

    def _get_or_create(self, client):
        return client.get_or_create_collection(self.collection_name, embedding_function=None,
                                               configuration={"hnsw": {"space": "cosine"}})

    # ---- reading -----------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        rows = self._db().execute("select * from documents order by source, title").fetchall()
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self._db().execute("select * from documents where doc_id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def find_by_hash(self, content_hash: str) -> Document | None:
        row = self._db().execute("select * from documents where content_hash = ?", (content_hash,)).fetchone()
        return _document(row) if row else None

    def sketch(self, doc_id: str) -> frozenset[int]:
        """The document's near-duplicate sketch (ingest/near_duplicates.py), written with it."""
        return frozenset(r[0] for r in self._db().execute("select hash from sketches where doc_id = ?", (doc_id,)))

    def sketch_matches(self, sketch: frozenset[int], n: int) -> list[tuple[str, int]]:
        """The n documents sharing the most sketch values with `sketch` (doc_id, how many): index
        lookups, however large the library."""
        if not sketch:
            return []
        marks = ",".join("?" * len(sketch))
        sql = (f"select doc_id, count(*) as n from sketches where hash in ({marks}) "
               "group by doc_id order by n desc limit ?")
        return [(r[0], r[1]) for r in self._db().execute(sql, [*sketch, n])]

    def fill_sketches(self) -> int:
        """Sketch the documents that have none (a store made before sketches were stored); returns how many."""
        db = self._db()
        missing = [r[0] for r in db.execute(
            "select doc_id from documents d where not exists (select 1 from sketches s where s.doc_id = d.doc_id)")]
        for doc_id in missing:
            with db:
                self._insert_sketch(db, doc_id, [p.text for p in self.paragraphs(doc_id)])
        return len(missing)

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        sql = PARAGRAPH_SELECT + (" where p.doc_id = ?" if doc_id else "") + " order by d.source, p.doc_id, p.paragraph_index"
        return [_paragraph(r) for r in self._db().execute(sql, (doc_id,) if doc_id else ()).fetchall()]

    def get(self, paragraph_ids: list[str]) -> dict[str, Paragraph]:
        if not paragraph_ids:
            return {}
        marks = ",".join("?" * len(paragraph_ids))
        rows = self._db().execute(PARAGRAPH_SELECT + f" where p.paragraph_id in ({marks})", paragraph_ids)
        return {r["paragraph_id"]: _paragraph(r) for r in rows}

    def count(self) -> int:
        return self._db().execute("select count(*) from paragraphs").fetchone()[0]

    def dense_search(self, embedding, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, cosine similarity), best first, committed versions only."""
        total = self.count()  # SQLite: cheaper than asking Chroma on every question
        if not total:
            return []
        result = self.collection.query(query_embeddings=[list(map(float, embedding))], n_results=min(n, total),
                                       where=filters.chroma_where(), include=["metadatas", "distances"])
        hits = [(m["paragraph_id"], m["version"], 1.0 - d)
                for m, d in zip(result["metadatas"][0], result["distances"][0])]
        versions = self._versions({doc_of(pid) for pid, _, _ in hits})
        return [(pid, sim) for pid, version, sim in hits if versions.get(doc_of(pid)) == version]

    def lexical_search(self, text: str, n: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(paragraph_id, BM25 score: higher is better), best first."""
        query = lexical_query(self._distinctive(query_terms(text)))
        if not query:
            return []
        if not filters:  # rank the index alone, then look up only the top n rows
            sql = ("select p.paragraph_id, -top.rank from (select rowid, rank from paragraphs_fts "
                   "where paragraphs_fts match ? order by rank limit ?) top join paragraphs p on p.rowid = top.rowid "
                   "order by top.rank")
            return [(r[0], r[1]) for r in self._db().execute(sql, [query, n])]
        where, args = filters.sql()
        sql = ("select p.paragraph_id, -bm25(paragraphs_fts) as score from paragraphs_fts "
               "join paragraphs p on p.rowid = paragraphs_fts.rowid join documents d on d.doc_id = p.doc_id "
               f"where paragraphs_fts match ?{where} order by bm25(paragraphs_fts) limit ?")
        return [(r[0], r[1]) for r in self._db().execute(sql, [query, *args, n])]

    def _distinctive(self, terms: list[str]) -> list[str]:
        """The terms without those most of a large library contains (the rarest two stay regardless)."""
        limit = max(COMMON_TERM_SHARE * self.count(), COMMON_TERM_MIN_DF)
        kept = [t for t in terms if self._document_frequency(t) <= limit]
        return kept or sorted(terms, key=self._document_frequency)[:2]

    def _document_frequency(self, term: str) -> int:
        """Paragraphs containing the term, cached per process (a stale count only shifts which
        terms are skipped, never which documents are visible); writes clear the cache."""
        if term not in self._df_cache:
            row = self._db().execute("select count(*) from paragraphs_fts where paragraphs_fts match ?", [f'"{term}"'])
            self._df_cache[term] = row.fetchone()[0]
        return self._df_cache[term]

    def embeddings(self, paragraph_ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of committed paragraphs (used to score lexical-only hits without re-encoding)."""
        if not paragraph_ids:
            return {}
        versions = self._versions({doc_of(p) for p in paragraph_ids})
        ids = [record_id(p, versions[doc_of(p)]) for p in paragraph_ids if doc_of(p) in versions]
        got = self.collection.get(ids=ids, include=["embeddings"])
        return {paragraph_of(i): e for i, e in zip(got["ids"], got["embeddings"])}

    def _versions(self, doc_ids: set[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        marks = ",".join("?" * len(doc_ids))
        rows = self._db().execute(f"select doc_id, version from documents where doc_id in ({marks})", list(doc_ids))
        return dict(rows.fetchall())

    # ---- writing -----------------------------------------------------------------------------
    def write(self, document: Document, paragraphs: list[Paragraph], embeddings) -> None:
        """Add or replace one document with its paragraphs, all at once."""
        failure = self.write_many([(document, paragraphs, embeddings)])[0]
        if failure:
            raise failure

    def write_many(self, items: list[tuple[Document, list[Paragraph], object]]) -> list[Exception | None]:
        """Add or replace several documents; each appears all at once, and one that fails (returned
        in its slot) does not stop the others. Vectors go to Chroma in few large calls."""
        with self.write_lock:
            failures = self._write_many(items)
        self._df_cache.clear()
        return failures

    def _write_many(self, items) -> list[Exception | None]:
        db = self._db()
        versions = [document.content_hash[:16] for document, _, _ in items]
        previous = self._versions({document.doc_id for document, _, _ in items})
        old_counts = dict(db.execute(
            f"select doc_id, paragraphs from documents where doc_id in ({','.join('?' * len(previous))})",
            list(previous)).fetchall()) if previous else {}
        with db:
            db.executemany("insert or replace into pending values (?, ?)",
                           [(d.doc_id, v) for (d, _, _), v in zip(items, versions)])
        records, metadatas, vectors = [], [], []
        for (document, paragraphs, embeddings), version in zip(items, versions):
            records += [record_id(p.paragraph_id, version) for p in paragraphs]
            metadatas += [_chroma_metadata(document, p, version) for p in paragraphs]
            vectors += [list(map(float, e)) for e in embeddings]
        for start in range(0, len(records), CHROMA_MAX_BATCH):
            end = start + CHROMA_MAX_BATCH
            self.collection.upsert(ids=records[start:end], metadatas=metadatas[start:end], embeddings=vectors[start:end])
        failures: list[Exception | None] = []
        for (document, paragraphs, _), version in zip(items, versions):
            try:
                with db:
                    self._insert_rows(db, document, paragraphs, version)
                failures.append(None)
            except sqlite3.Error as exc:
                failures.append(StoreError(f"cannot write {document.doc_id}: {exc}"))
        committed = self._versions({document.doc_id for document, _, _ in items})
        stale = [record_id(paragraph_id(doc_id, i), old) for doc_id, old in previous.items()
                 if committed.get(doc_id) != old for i in range(old_counts.get(doc_id, 0))]
        stale += [record for record, meta in zip(records, metadatas)
                  if committed.get(meta["doc_id"]) != meta["version"]]
        for start in range(0, len(stale), CHROMA_MAX_BATCH):
            self.collection.delete(ids=stale[start:start + CHROMA_MAX_BATCH])
        with db:
            db.executemany("delete from pending where doc_id = ?", [(d.doc_id,) for d, _, _ in items])
        return failures

    def _insert_rows(self, db: sqlite3.Connection, document: Document, paragraphs: list[Paragraph], version: str):
        self._delete_rows(db, document.doc_id)
        db.execute("insert into documents values (?,?,?,?,?,?,?,?,?,?,?)",
                   (document.doc_id, document.title, document.author, document.date, document.source,
                    document.location, document.language, document.content_hash, document.ingested_at,
                    len(paragraphs), version))
        for p in paragraphs:
            cur = db.execute("insert into paragraphs(paragraph_id, doc_id, paragraph_index, char_start, char_end,"
                             " page, text) values (?,?,?,?,?,?,?)",
                             (p.paragraph_id, p.doc_id, p.paragraph_index, p.char_start, p.char_end, p.page, p.text))
            db.execute("insert into paragraphs_fts(rowid, text) values (?, ?)", (cur.lastrowid, p.text))
        self._insert_sketch(db, document.doc_id, [p.text for p in paragraphs])

    @staticmethod
    def _insert_sketch(db: sqlite3.Connection, doc_id: str, texts: list[str]) -> None:
        db.executemany("insert or ignore into sketches values (?, ?)", [(doc_id, h) for h in text_sketch(texts)])

    def remove(self, doc_id: str) -> bool:
        db = self._db()
        with self.write_lock:
            if not self.document(doc_id):
                return False
            with db:
                db.execute("insert or replace into pending values (?, null)", (doc_id,))
                self._delete_rows(db, doc_id)
            self._finish(doc_id, keep=None)
        self._df_cache.clear()
        return True

    def recover(self) -> int:
        """Finish or undo writes a killed process left half-done; returns how many were repaired.
        Under the write lock: another process's pending row is its write in flight, not debris."""
        with self.write_lock:
            pending = self._db().execute("select doc_id from pending").fetchall()
            for (doc_id,) in pending:
                committed = self._versions({doc_id}).get(doc_id)
                self._finish(doc_id, keep=committed)
        return len(pending)

    def _finish(self, doc_id: str, keep: str | None) -> None:
        where = {"doc_id": doc_id} if keep is None else {"$and": [{"doc_id": doc_id}, {"version": {"$ne": keep}}]}
        self.collection.delete(where=where)
        with self._db() as db:
            db.execute("delete from pending where doc_id = ?", (doc_id,))

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, doc_id: str) -> None:
        db.execute("delete from paragraphs_fts where rowid in (select rowid from paragraphs where doc_id = ?)", (doc_id,))
        db.execute("delete from paragraphs where doc_id = ?", (doc_id,))
        db.execute("delete from sketches where doc_id = ?", (doc_id,))
        db.execute("delete from documents where doc_id = ?", (doc_id,))


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
            for name in ("meta", "documents", "paragraphs", "paragraphs_fts", "pending", "sketches")}


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"pragma table_info('{table}')")]


class _Guarded:
    """A server's collection whose lost connection is one ChromaUnreachable naming the URL, raised at
    the first call that meets it (no per-call tracebacks, no work going on without the server)."""

    def __init__(self, collection, url: str):
        self._collection, self._url = collection, url

    def __getattr__(self, name: str):
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args, **kwargs):
            import httpx

            try:
                return attr(*args, **kwargs)
            except httpx.TransportError as exc:
                detail = " ".join(str(exc).split()) or "no answer"
                raise ChromaUnreachable(
                    f"lost the Chroma server at {self._url} ({exc.__class__.__name__}: {detail}); start `chroma run` "
                    "there again and rerun: finished documents are kept, nothing half-written is visible") from exc
        return call


PARAGRAPH_SELECT = ("select p.*, d.title, d.author, d.date, d.source from paragraphs p "
                    "join documents d on d.doc_id = p.doc_id")


def _document(row: sqlite3.Row) -> Document:
    return Document(**{k: row[k] for k in Document.__dataclass_fields__})


def _paragraph(row: sqlite3.Row) -> Paragraph:
    return Paragraph(**{k: row[k] for k in Paragraph.__dataclass_fields__})


def _chroma_metadata(document: Document, p: Paragraph, version: str) -> dict:
    meta = {"paragraph_id": p.paragraph_id, "doc_id": document.doc_id, "version": version,
            "source": document.source, "paragraph_index": p.paragraph_index}
    if document.author:
        meta["author"] = document.author
    if document.date:
        meta["date_num"] = _date_num(document.date)
    return meta
