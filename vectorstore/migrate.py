"""Move a library from one store to another without re-embedding (`assistant migrate`): typically an
embedded store into the server store (PostgreSQL + a Chroma server). Each document is written to the
target through its ordinary write (journal, versioned vectors, one transaction), with the vectors
read from the source; long paragraphs' sentence vectors come along, and so do the re-scorer's vectors
of the source's file where the target keeps them in the store (rescore_vectors.py). A document already
in the target at the same version is skipped, so an interrupted migration is finished by running it
again."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ingest.sink import IngestStore
from vectorstore import rescore_vectors
from vectorstore.sentences import of as long_paragraph_sentences
from vectorstore.store import Store
from vectorstore.vectors import vectors_version

BATCH_PARAGRAPHS = 2000  # paragraphs read and written at once: few large Chroma calls


@dataclass
class MigrationReport:
    copied: int = 0
    skipped: int = 0
    paragraphs: int = 0
    sentences: int = 0
    rescore: int = 0
    failed: list[str] = field(default_factory=list)  # "doc_id: why"

    def line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        rescore = f", {self.rescore} re-scorer vectors" if self.rescore else ""
        return (f"copied {self.copied} document(s) ({self.paragraphs} paragraphs, {self.sentences} sentence vectors"
                f"{rescore}), "
                f"skipped {self.skipped} already there{failed}; nothing was re-embedded")


def migrate(source: Store, target: IngestStore, progress: Callable[[int, int], None] | None = None) -> MigrationReport:
    """Copy every committed document of `source` into `target`; `progress(done, total)` after each batch."""
    report = MigrationReport()
    documents = source.documents()
    with target.write_lock:
        target.recover()
        stored = {d.doc_id: vectors_version(d) for d in target.documents()}
        batch: list = []
        for done, document in enumerate(documents, 1):
            if stored.get(document.doc_id) == vectors_version(document):
                report.skipped += 1
            else:
                batch.append(document)
            if sum(d.paragraphs for d in batch) >= BATCH_PARAGRAPHS or done == len(documents):
                _copy(batch, source, target, report)
                batch = []
                if progress:
                    progress(done, len(documents))
        if getattr(target, "shares_rescore_vectors", False):
            report.rescore = _copy_rescore_vectors(source, target)
    return report


def _copy_rescore_vectors(source: Store, target) -> int:
    """The source file's re-scorer vectors of paragraphs as they stand now, by text (rows the target
    holds already stay); how many were offered."""
    saved = rescore_vectors.read_file(source.path)
    if saved is None:
        return 0
    versions = {d.doc_id: d.content_hash for d in source.documents()}
    texts = {p.paragraph_id: (p.text, versions.get(p.doc_id)) for p in source.paragraphs()}
    rows = [(texts[pid][0], vector) for pid, version, vector in zip(*saved)
            if pid in texts and texts[pid][1] == version]
    for start in range(0, len(rows), BATCH_PARAGRAPHS):
        part = rows[start:start + BATCH_PARAGRAPHS]
        target.add_rescore_vectors([text for text, _ in part], [vector for _, vector in part])
    return len(rows)


def _copy(documents: list, source: Store, target: IngestStore, report: MigrationReport) -> None:
    items = []
    for document in documents:
        paragraphs = source.paragraphs(document.doc_id)
        vectors = source.embeddings([p.paragraph_id for p in paragraphs])
        if len(vectors) != len(paragraphs):
            report.failed.append(f"{document.doc_id}: {len(paragraphs) - len(vectors)} paragraph(s) without a "
                                 "stored vector (run `assistant doctor --repair` on the source store first)")
            continue
        items.append((document, paragraphs, [vectors[p.paragraph_id] for p in paragraphs]))
    texts = [p.text for _, paragraphs, _ in items for p in paragraphs]
    for text, vectors in source.sentence_vectors(texts).items():
        target.add_sentence_vectors(long_paragraph_sentences(text), vectors)
        report.sentences += len(vectors)
    for (document, paragraphs, _), failure in zip(items, target.write_many(items)):
        if failure:
            report.failed.append(f"{document.doc_id}: {failure}")
        else:
            report.copied += 1
            report.paragraphs += len(paragraphs)
