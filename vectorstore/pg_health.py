"""`assistant doctor` for the server store: health.py's checks and repairs, with the database's own
ways of finding what is missing. The database is checked before the store opens (reachable, ours,
of this schema version); unlike a SQLite file, a database of another kind is never set aside by
repair: the message says to point --database-url elsewhere."""
from __future__ import annotations

import functools

from vectorstore import health, pg_lexical
from vectorstore.errors import StoreError
from vectorstore.health import Finding
from vectorstore.pg_connection import Database
from vectorstore.pg_schema import SCHEMA_VERSION, problem
from vectorstore.store import Store


def check_database(url: str) -> Finding:
    """Reachable, and holding our store of this schema version (or nothing yet)?"""
    try:
        database = Database(url)
        why = problem(database)
        database.close()
    except StoreError as exc:
        return Finding("database", False, str(exc))
    if why:
        return Finding("database", False, f"{database.label} cannot be used as a store: {why}; point --database-url "
                                          "at an empty database or at one this assistant version wrote")
    return Finding("database", True, f"{database.label}, schema version {SCHEMA_VERSION}")


def check(store: Store) -> list[Finding]:
    """Journal, documents, Chroma and vectors, lexical index, sentence vectors."""
    pending = len(store.registry.pending())
    findings = [Finding("journal", not pending, f"{pending} interrupted write(s) to finish or undo"
                        if pending else "no interrupted writes")]
    with store.registry.database.connection() as conn:
        short = conn.execute("select d.location from documents d where d.paragraphs != "
                             "(select count(*) from paragraphs p where p.doc_id = d.doc_id)").fetchall()
    findings.append(Finding("documents", not short, "complete" if not short else
                            f"{len(short)} document(s) with missing paragraphs, re-ingest: "
                            + ", ".join(r[0] for r in short[:5])))
    findings += health.vector_findings(store)
    findings.append(lexical_check(store))
    gaps = len(store.registry.missing_sentences())
    findings.append(Finding("sentence vectors", not gaps, f"{gaps} sentence(s) of long paragraphs without a vector "
                            "(--repair encodes them)" if gaps else "complete"))
    return findings


def lexical_check(store: Store) -> Finding:
    """Every paragraph has postings, and the stored totals (paragraphs, tokens, each term's document
    frequency) agree with them: BM25 scores are computed from those totals."""
    with store.registry.database.connection() as conn:
        unindexed = pg_lexical.missing(conn)
        paragraphs, tokens = conn.execute("select paragraphs, tokens from lexical_stats").fetchone()
        counted = conn.execute("select count(*), coalesce(sum(length), 0) from (select distinct paragraph_row, length "
                               "from postings) r").fetchone()
        library = conn.execute("select count(*) from paragraphs").fetchone()[0]
        wrong_df = conn.execute("select count(*) from lexical_terms t where t.df != "
                                "(select count(*) from postings po where po.term_id = t.id)").fetchone()[0]
    totals_ok = paragraphs == library and tokens == counted[1]
    ok = not unindexed and totals_ok and not wrong_df
    detail = f"{counted[0]} indexed rows for {library} paragraphs" + (f", {unindexed} unindexed" if unindexed else "") \
        + ("" if totals_ok else f", stored totals ({paragraphs} paragraphs, {tokens} tokens) disagree") \
        + (f", {wrong_df} term frequencies wrong" if wrong_df else "")
    return Finding("lexical index", ok, detail)


repair = functools.partial(health.repair, missing_sentences=lambda store: store.registry.missing_sentences(),
                           lexical_check=lexical_check)
