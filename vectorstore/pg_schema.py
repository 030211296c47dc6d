"""The server store's tables in PostgreSQL, created once and checked at every open: the same registry
as the embedded store's SQLite file (documents, paragraphs, sketches, the `pending` journal, sentence
vectors, meta values), the re-scorer's vectors (rescore_vectors.py) and, instead of FTS5, the lexical index as a term table (pg_lexical.py).

The `meta` table's `schema_version` row says which layout a database holds; a database of another
version, or one holding tables of another program, is refused in one line before anything is written."""
from __future__ import annotations

import uuid

from vectorstore import rescore_vectors
from vectorstore.errors import StoreError
from vectorstore.pg_connection import Database

SCHEMA_VERSION = 1
CREATING_LOCK = 0x61737401  # pg_advisory_xact_lock key: processes creating one new store at once wait in turn
TABLES = ("meta", "documents", "paragraphs", "pending", "sketches", "sentence_vectors", "rescore_vectors",
          "lexical_terms", "postings", "lexical_stats")
SCHEMA = """
create table if not exists meta(key text primary key, value text not null);
create table if not exists documents(
    doc_id text primary key, title text not null, author text, date text, source text not null,
    location text not null, language text, content_hash text not null, ingested_at text not null,
    paragraphs integer not null, version text not null);
create index if not exists documents_hash on documents(content_hash);
create table if not exists paragraphs(
    rowid serial primary key, paragraph_id text unique not null,
    doc_id text not null references documents(doc_id) on delete cascade,
    paragraph_index integer not null, char_start integer not null, char_end integer not null,
    page integer, text text not null);
create index if not exists paragraphs_doc on paragraphs(doc_id, paragraph_index);
create table if not exists pending(doc_id text primary key, version text);
create table if not exists sketches(doc_id text not null references documents(doc_id) on delete cascade,
    hash bigint not null, primary key (doc_id, hash));
create index if not exists sketches_hash on sketches(hash);
create table if not exists sentence_vectors(hash text primary key, vector bytea not null);
create table if not exists lexical_terms(id serial primary key, term text unique not null,
    df integer not null default 0);
create table if not exists postings(term_id integer not null, paragraph_row integer not null,
    in_text integer not null, in_context integer not null, length integer not null,
    primary key (term_id, paragraph_row) include (in_text, in_context, length));
create index if not exists postings_row on postings(paragraph_row);
create table if not exists lexical_stats(single boolean primary key default true check (single),
    paragraphs bigint not null, tokens bigint not null);
insert into lexical_stats values (true, 0, 0) on conflict do nothing;
""" + rescore_vectors.SCHEMA  # `if not exists`: a version-1 database without the table gets it at its next open


def problem(db: Database) -> str | None:
    """Why this database cannot hold our store, or None (it does, or it is empty)."""
    with db.connection() as conn:
        tables = {r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = current_schema()")}
        if "meta" not in tables:
            return f"it holds tables ({', '.join(sorted(tables)[:6])}) but no assistant store" if tables else None
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    if version is None:
        return "its meta table holds no schema version (not written by this assistant)"
    if version[0] != str(SCHEMA_VERSION):
        return f"it holds schema version {version[0]}, this assistant reads {SCHEMA_VERSION}"
    return None


def open_schema(db: Database, embedder: str, collection_prefix: str) -> dict[str, str]:
    """Create or check the store's tables for this embedder; returns the meta values (store id and
    collection made with a new store)."""
    if why := problem(db):
        raise StoreError(f"the database {db.label} cannot be used as a store: {why}; point --database-url at "
                         "an empty database (`createdb NAME`) or at one this assistant version wrote")
    with db.transaction() as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", [CREATING_LOCK])
        conn.execute(SCHEMA)
        have = dict(conn.execute("select key, value from meta").fetchall())
        if not have:
            store_id = uuid.uuid4().hex
            have = {"schema_version": str(SCHEMA_VERSION), "embedder": embedder, "store_id": store_id,
                    "collection": f"{collection_prefix}-{store_id}"}
            with conn.cursor() as cur:
                cur.executemany("insert into meta values (%s, %s)", list(have.items()))
    if have.get("embedder") != embedder:
        raise StoreError(f"the store in {db.label} was embedded with {have.get('embedder')!r}, not {embedder!r}; "
                         "use the same --embedder or another database")
    return have
