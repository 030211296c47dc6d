"""Is a store whole, and if not, rebuild what can be rebuilt (`assistant doctor` prints these findings).

The registry (documents + paragraph texts) is the source of truth; the Chroma vectors and the FTS
index are derived from it, so they can always be repaired: orphan vectors deleted, missing ones
re-embedded, the FTS index refilled from the paragraphs table. A registry that is damaged, from another
schema version or written by another tool cannot be rebuilt from the derived parts: repair sets it
aside so the store opens again, empty, and the files must be ingested again.

Only the store's own vectors are its business: on a shared Chroma server, a store from before stores
owned a collection counts as orphans only stale vectors of its own documents, never another store's."""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.records import doc_of, paragraph_of, record_id
from vectorstore import sentences, term_counts
from vectorstore.errors import StoreDrift
from vectorstore.registry import SCHEMA_VERSION, registry_problem
from vectorstore.store import Store

CHROMA_PAGE = 5000


@dataclass
class Finding:
    """One check's outcome; `detail` says what was found (and what to do)."""
    check: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'PROBLEM'}  {self.check}: {self.detail}"


def check_registry(path: Path) -> Finding:
    """Readable SQLite of our schema version? Checked on the raw file, before `Store` touches it."""
    file = path / "registry.sqlite3"
    if not file.exists():
        return Finding("registry", True, f"{file} does not exist yet (an empty store)")
    try:
        with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as db:
            status = db.execute("pragma quick_check").fetchone()[0]
            if status != "ok":
                return Finding("registry", False, f"{file} is damaged: {status}")
            if problem := registry_problem(db):
                return Finding("registry", False, f"{file} was not written by this assistant: {problem}")
            version = dict(db.execute("select key, value from meta").fetchall()).get("schema_version")
    except sqlite3.DatabaseError as exc:
        return Finding("registry", False, f"{file} is damaged: {exc}")
    if version != str(SCHEMA_VERSION):
        return Finding("registry", False, f"{file} has schema version {version}, this version reads {SCHEMA_VERSION}")
    return Finding("registry", True, f"schema version {version}")


def check(store: Store) -> list[Finding]:
    """Every check of a store that opens: pending journal, registry counts, Chroma, FTS, sentence vectors."""
    db = store.registry.db()
    findings = []
    pending = db.execute("select count(*) from pending").fetchone()[0]
    findings.append(Finding("journal", not pending, f"{pending} interrupted write(s) to finish or undo"
                            if pending else "no interrupted writes"))
    short = db.execute("select d.doc_id, d.location from documents d where d.paragraphs != "
                       "(select count(*) from paragraphs p where p.doc_id = d.doc_id)").fetchall()
    findings.append(Finding("documents", not short, "complete" if not short else
                            f"{len(short)} document(s) with missing paragraphs, re-ingest: "
                            + ", ".join(r["location"] for r in short[:5])))
    findings += vector_findings(store)
    findings.append(_check_fts(db))
    gaps = len(sentences.missing(db))
    findings.append(Finding("sentence vectors", not gaps, f"{gaps} sentence(s) of long paragraphs without a vector "
                            "(written before there were any; --repair encodes them)" if gaps else "complete"))
    return findings


def vector_findings(store: Store) -> list[Finding]:
    """Does the store's Chroma collection hold the vectors of its committed paragraphs, and only those?"""
    try:
        store.collection
    except StoreDrift as exc:
        return [Finding("chroma", False, str(exc))]
    orphans, missing = vector_gaps(store)
    leftovers = sum(store.vectors.other_collections().values())
    return [Finding("chroma", True, f"collection {store.collection_name} at {store.vectors.location()}"),
            Finding("vectors", not orphans and not missing and not leftovers,
                    f"{store.collection.count()} vectors, {len(orphans) + leftovers} orphan(s), "
                    f"{len(missing)} document(s) with missing vectors")]


def vector_gaps(store: Store) -> tuple[list[str], set[str]]:
    """(Chroma ids no committed paragraph owns, doc_ids with a paragraph that has no vector).
    In a collection the store may share, only ids of its own documents can be its orphans."""
    wanted = {record_id(pid, version): doc_id for pid, version, doc_id in store.registry.committed_records()}
    have = set()
    for offset in range(0, store.collection.count(), CHROMA_PAGE):
        have.update(store.collection.get(include=[], limit=CHROMA_PAGE, offset=offset)["ids"])
    orphans = sorted(have - wanted.keys())
    if not store.vectors.owns_collection:  # an embedded registry's store from before store ids
        mine = {r[0] for r in store.registry.db().execute("select doc_id from documents union select doc_id from pending")}
        orphans = [record for record in orphans if doc_of(paragraph_of(record)) in mine]
    missing = {doc for record, doc in wanted.items() if record not in have}
    return orphans, missing


def _check_fts(db: sqlite3.Connection) -> Finding:
    paragraphs = db.execute("select count(*) from paragraphs").fetchone()[0]
    indexed = db.execute("select count(*) from paragraphs_fts").fetchone()[0]
    unindexed = db.execute("select count(*) from paragraphs p where not exists "
                           "(select 1 from paragraphs_fts f where f.rowid = p.rowid)").fetchone()[0]
    try:
        with db:  # the check is an INSERT: end its transaction, or the registry stays locked
            db.execute("insert into paragraphs_fts(paragraphs_fts) values ('integrity-check')")
        damaged = None
    except sqlite3.DatabaseError as exc:
        damaged = str(exc)
    uncounted = term_counts.missing(db)
    ok = paragraphs == indexed and not unindexed and not damaged and not uncounted
    detail = f"{indexed} indexed rows for {paragraphs} paragraphs" + (f", {unindexed} unindexed" if unindexed else "") \
        + (f", {uncounted} without token counts" if uncounted else "") + (f", index damaged: {damaged}" if damaged else "")
    return Finding("lexical index", ok, detail)


def repair(store: Store, encode, missing_sentences=None, lexical_check=None) -> list[str]:
    """Finish interrupted writes, delete orphan vectors, re-embed missing ones (paragraphs' and long
    paragraphs' sentences'), rebuild the FTS index. The server store passes its own ways of finding
    sentences without vectors and of checking its lexical index (pg_health.py)."""
    done = []
    with store.write_lock:
        try:
            store.collection
        except StoreDrift:
            store.vectors.adopt()
            done.append(f"now using collection {store.collection_name} at {store.vectors.location()}")
        for name, count in store.vectors.other_collections().items():
            store.vectors.drop_collection(name)
            done.append(f"deleted {count} orphan vector(s): collection {name}, left by a registry set aside")
        if n := store.recover():
            done.append(f"finished or undid {n} interrupted write(s)")
        orphans, missing = vector_gaps(store)
        store.vectors.delete(orphans)
        if orphans:
            done.append(f"deleted {len(orphans)} orphan vector(s)")
        for doc_id in sorted(missing):
            document, paragraphs = store.document(doc_id), store.paragraphs(doc_id)
            store.write(document, paragraphs, encode([p.text for p in paragraphs]))
        if missing:
            done.append(f"re-embedded {len(missing)} document(s)")
        if gaps := (missing_sentences or (lambda s: sentences.missing(s.registry.db())))(store):
            store.add_sentence_vectors(gaps, encode(gaps))
            done.append(f"encoded {len(gaps)} sentence(s) of long paragraphs")
        if not (lexical_check or (lambda s: _check_fts(s.registry.db())))(store).ok:
            store.registry.rebuild_lexical_index()
            done.append("rebuilt the lexical index from the paragraphs table")
    return done


def set_aside(path: Path) -> str:
    """Move an unusable registry (and its WAL files) out of the way; the store then opens empty."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        file = path / f"registry.sqlite3{suffix}"
        if file.exists():
            file.rename(path / f"registry.sqlite3{suffix}.unusable-{stamp}")
    return f"moved the unusable registry aside to registry.sqlite3.unusable-{stamp}; ingest your files again"
