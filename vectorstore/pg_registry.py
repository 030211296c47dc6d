"""The server store's registry: registry.py's methods on PostgreSQL (pg_schema.py), for every process
on every host sharing the database. A document's rows, its lexical postings and its sketch change in
one transaction, so a reader on any replica sees a document all at once or not at all; each read is
one statement, which sees committed transactions only."""
from __future__ import annotations

import contextlib

import numpy as np

from ingest.near_duplicates import text_sketch
from ingest.records import Document, Paragraph
from vectorstore import fts, pg_lexical, rescore_vectors, sentences
from vectorstore.errors import StoreError
from vectorstore.pg_connection import Database
from vectorstore.pg_schema import open_schema

OPENING_LOCK = 0x61737402  # held while a process attaches the store's Chroma collection and records it
PARAGRAPH_SELECT = ("select p.paragraph_id, p.doc_id, p.paragraph_index, p.char_start, p.char_end, p.page, p.text, "
                    "d.title, d.author, d.date, d.source from paragraphs p join documents d on d.doc_id = p.doc_id")
DOCUMENT_COLUMNS = list(Document.__dataclass_fields__)
PARAGRAPH_COLUMNS = ["paragraph_id", "doc_id", "paragraph_index", "char_start", "char_end", "page", "text",
                     "title", "author", "date", "source"]


class ServerRegistry:
    def __init__(self, url: str):
        self.database = Database(url)
        self.location, self.flags = self.database.label, f"--database-url {self.database.label}"  # for messages

    def open(self, embedder: str, collection_prefix: str) -> dict[str, str]:
        return open_schema(self.database, embedder, collection_prefix)

    @contextlib.contextmanager
    def creating(self):
        """Held while a process attaches the store's Chroma collection (all hosts wait in turn)."""
        with self.database.connection() as conn:
            conn.execute("select pg_advisory_lock(%s)", [OPENING_LOCK])
            try:
                yield
            finally:
                if not conn.closed:
                    conn.execute("select pg_advisory_unlock(%s)", [OPENING_LOCK])

    def _rows(self, sql: str, args=()) -> list[tuple]:
        with self.database.connection() as conn:
            return conn.execute(sql, args).fetchall()

    def meta(self) -> dict[str, str]:
        return dict(self._rows("select key, value from meta"))

    def record(self, **values: str) -> None:
        have = self.meta()
        changed = [(k, v) for k, v in values.items() if have.get(k) != v]
        if changed:
            with self.database.transaction() as conn, conn.cursor() as cur:
                cur.executemany("insert into meta values (%s, %s) on conflict (key) do update set value = excluded.value",
                                changed)

    # ---- reading -----------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        rows = self._rows(f"select {', '.join(DOCUMENT_COLUMNS)} from documents order by source, title")
        return [Document(*row) for row in rows]

    def document(self, doc_id: str) -> Document | None:
        rows = self._rows(f"select {', '.join(DOCUMENT_COLUMNS)} from documents where doc_id = %s", [doc_id])
        return Document(*rows[0]) if rows else None

    def find_by_hash(self, content_hash: str) -> Document | None:
        rows = self._rows(f"select {', '.join(DOCUMENT_COLUMNS)} from documents where content_hash = %s limit 1",
                          [content_hash])
        return Document(*rows[0]) if rows else None

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        sql = PARAGRAPH_SELECT + (" where p.doc_id = %s" if doc_id else "") + \
            " order by d.source, p.doc_id, p.paragraph_index"
        return [_paragraph(r) for r in self._rows(sql, [doc_id] if doc_id else [])]

    def get(self, paragraph_ids: list[str]) -> dict[str, Paragraph]:
        if not paragraph_ids:
            return {}
        rows = self._rows(PARAGRAPH_SELECT + " where p.paragraph_id = any(%s)", [list(paragraph_ids)])
        return {r[0]: _paragraph(r) for r in rows}

    def count(self, at_most: int | None = None) -> int:
        if at_most is None:
            return self._rows("select count(*) from paragraphs")[0][0]
        return self._rows("select count(*) from (select 1 from paragraphs limit %s) l", [at_most])[0][0]

    def spellings(self, column: str, value: str) -> list[str]:
        assert column in ("source", "author")
        return [r[0] for r in self._rows(f"select distinct {column} from documents where lower({column}) = lower(%s)",
                                         [value])]

    def versions(self, doc_ids: set[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        return dict(self._rows("select doc_id, version from documents where doc_id = any(%s)", [list(doc_ids)]))

    def paragraph_counts(self, doc_ids: set[str]) -> dict[str, int]:
        if not doc_ids:
            return {}
        return dict(self._rows("select doc_id, paragraphs from documents where doc_id = any(%s)", [list(doc_ids)]))

    def committed_records(self) -> list[tuple[str, str, str]]:
        """(paragraph_id, version, doc_id) of every committed paragraph (the health check's)."""
        return self._rows("select p.paragraph_id, d.version, d.doc_id from paragraphs p "
                          "join documents d on d.doc_id = p.doc_id")

    # ---- sketches ----------------------------------------------------------------------------
    def sketch(self, doc_id: str) -> frozenset[int]:
        return frozenset(r[0] for r in self._rows("select hash from sketches where doc_id = %s", [doc_id]))

    def sketch_matches(self, sketch: frozenset[int], n: int) -> list[tuple[str, int]]:
        if not sketch:
            return []
        return [(r[0], r[1]) for r in self._rows(
            "select doc_id, count(*) as n from sketches where hash = any(%s) group by doc_id order by n desc, doc_id "
            "limit %s", [list(sketch), n])]

    def fill_sketches(self) -> int:
        missing = [r[0] for r in self._rows(
            "select doc_id from documents d where not exists (select 1 from sketches s where s.doc_id = d.doc_id)")]
        for doc_id in missing:
            with self.database.transaction() as conn:
                _insert_sketch(conn, doc_id, [p.text for p in self.paragraphs(doc_id)])
        return len(missing)

    # ---- writing: the journal and the rows -----------------------------------------------------
    def journal(self, versions: dict[str, str | None]) -> None:
        with self.database.transaction() as conn, conn.cursor() as cur:
            cur.executemany("insert into pending values (%s, %s) on conflict (doc_id) do update "
                            "set version = excluded.version", list(versions.items()))

    def pending(self) -> list[str]:
        return [r[0] for r in self._rows("select doc_id from pending")]

    def done(self, doc_ids: list[str]) -> None:
        if doc_ids:
            with self.database.connection() as conn:
                conn.execute("delete from pending where doc_id = any(%s)", [list(doc_ids)])

    def replace(self, document: Document, paragraphs: list[Paragraph], version: str) -> None:
        """The document's rows, postings and sketch switched to this version in one transaction."""
        counted = pg_lexical.count_terms(fts.contexts(document.title, [p.text for p in paragraphs]),
                                         [p.text for p in paragraphs])
        try:
            with self.database.transaction() as conn:
                _delete_rows(conn, document.doc_id)
                conn.execute(f"insert into documents ({', '.join(DOCUMENT_COLUMNS)}, version) values "
                             f"({', '.join(['%s'] * (len(DOCUMENT_COLUMNS) + 1))})",
                             _document_row(document, len(paragraphs), version))
                rowids = dict(conn.execute(
                    "insert into paragraphs (paragraph_id, doc_id, paragraph_index, char_start, char_end, page, text) "
                    "select * from unnest(%s::text[], %s::text[], %s::int[], %s::int[], %s::int[], %s::int[], %s::text[]) "
                    "returning paragraph_id, rowid",
                    [list(column) for column in zip(*[(p.paragraph_id, p.doc_id, p.paragraph_index, p.char_start,
                                                       p.char_end, p.page, p.text) for p in paragraphs])]
                    if paragraphs else [[]] * 7).fetchall())
                rows = [rowids[p.paragraph_id] for p in paragraphs]
                pg_lexical.write(conn, rows, counted)
                _insert_sketch(conn, document.doc_id, [p.text for p in paragraphs])
        except self.database.psycopg.Error as exc:
            raise StoreError(f"cannot write {document.doc_id}: {exc}") from exc

    def add_sentence_vectors(self, texts: list[str], vectors) -> None:
        rows = [(sentences.key(t), np.asarray(v, dtype=np.float16).tobytes()) for t, v in zip(texts, vectors)]
        if rows:
            with self.database.transaction() as conn, conn.cursor() as cur:
                cur.executemany("insert into sentence_vectors values (%s, %s) on conflict do nothing", rows)

    def sentence_vectors(self, paragraphs: list[str]) -> dict:
        wanted = {text: [sentences.key(s) for s in sentences.of(text)] for text in paragraphs}
        hashes = list({h for keys in wanted.values() for h in keys})
        found = {h: np.frombuffer(blob, dtype=np.float16) for h, blob in
                 (self._rows("select hash, vector from sentence_vectors where hash = any(%s)", [hashes])
                  if hashes else [])}
        return {text: np.stack([found[h] for h in keys]).astype(np.float32)
                for text, keys in wanted.items() if keys and all(h in found for h in keys)}

    def add_rescore_vectors(self, texts: list[str], vectors) -> None:
        # in key order: two replicas writing the same new paragraphs at once lock rows in one order, never
        # each waiting on the other
        rows = sorted({rescore_vectors.key(t): rescore_vectors.to_bytes(v) for t, v in zip(texts, vectors)}.items())
        if rows:
            with self.database.transaction() as conn, conn.cursor() as cur:
                cur.executemany("insert into rescore_vectors values (%s, %s) on conflict do nothing", rows)

    def rescore_vectors(self, texts: list[str]) -> dict:
        """paragraph text -> its re-scorer vector, for those that have one."""
        keys = {rescore_vectors.key(t): t for t in texts}
        rows = self._rows("select hash, vector from rescore_vectors where hash = any(%s)", [list(keys)]) if keys else []
        return {keys[h]: rescore_vectors.from_bytes(blob) for h, blob in rows}

    def missing_sentences(self) -> list[str]:
        """Sentences of long paragraphs without a stored vector."""
        texts = [r[0] for r in self._rows("select text from paragraphs where length(text) >= %s",
                                          [sentences.MIN_CHARS])]
        wanted = {sentences.key(s): s for text in texts for s in sentences.of(text)}
        have = {r[0] for r in self._rows("select hash from sentence_vectors where hash = any(%s)", [list(wanted)])} \
            if wanted else set()
        return [s for h, s in wanted.items() if h not in have]

    def rebuild_lexical_index(self) -> None:
        """Every paragraph's postings and the term statistics made again, in one transaction."""
        with self.database.transaction() as conn:
            pg_lexical.rebuild(conn)

    def delete(self, doc_id: str) -> None:
        with self.database.transaction() as conn:
            conn.execute("insert into pending values (%s, null) on conflict (doc_id) do update set version = null",
                         [doc_id])
            _delete_rows(conn, doc_id)


def _document_row(document: Document, paragraphs: int, version: str) -> list:
    """The documents row: the document's fields, its paragraph count as written, its version."""
    return [paragraphs if c == "paragraphs" else getattr(document, c) for c in DOCUMENT_COLUMNS] + [version]


def _insert_sketch(conn, doc_id: str, texts: list[str]) -> None:
    hashes = sorted(text_sketch(texts))
    if hashes:
        conn.execute("insert into sketches select %s, unnest(%s::bigint[]) on conflict do nothing", [doc_id, hashes])


def _delete_rows(conn, doc_id: str) -> None:
    pg_lexical.delete(conn, doc_id)
    conn.execute("delete from paragraphs where doc_id = %s", [doc_id])
    conn.execute("delete from sketches where doc_id = %s", [doc_id])
    conn.execute("delete from documents where doc_id = %s", [doc_id])


def _paragraph(row: tuple) -> Paragraph:
    return Paragraph(**dict(zip(PARAGRAPH_COLUMNS, row)))
