"""Move a library from one store to another without re-embedding (`assistant migrate`): typically an
embedded store into the server store (PostgreSQL + a Chroma server). Each document is written to the
target through its ordinary write (journal, versioned vectors, one transaction), with the vectors
read from the source; long paragraphs' sentence vectors come along. A document already in the target
at the same version is skipped, so an interrupted migration is finished by running it again."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ingest.sink import IngestStore
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
    failed: list[str] = field(default_factory=list)  # "doc_id: why"

    def line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (f"copied {self.copied} document(s) ({self.paragraphs} paragraphs, {self.sentences} sentence vectors), "
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
    return report


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
