"""Paths -> cleaned documents -> embedded paragraphs in the store: skip unchanged, replace changed
(a new title or date alone on the stored vectors), report (not abort on) bad files, prune what disappeared."""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from ingest.documents import build, shared_lines
from ingest.near_duplicates import NearDuplicates, new_paragraphs, text_sketch
from ingest.readers import RawDocument, UnreadableFile, read, supported
from ingest.records import Document, Paragraph, metadata_changes
from ingest.sink import IngestStore
from ingest.stored_files import StoredFiles
from vectorstore.errors import ServerUnreachable
from vectorstore.sentences import of as long_paragraph_sentences

BATCH_PARAGRAPHS = 1024  # paragraphs per encoder call: it sorts them by length, so bigger calls pad less


@dataclass
class FileResult:
    location: str
    status: str  # added | updated | revised | skipped | duplicate | failed | removed
    doc_id: str | None = None
    reason: str | None = None
    paragraphs: int = 0

    @property
    def wrote(self) -> bool:
        """Its paragraphs went into the store (a revised story's new version too)."""
        return self.status in ("added", "updated", "revised")

    def to_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.count("failed")

    def summary(self) -> dict:
        return {s: self.count(s) for s in ("added", "updated", "revised", "skipped", "duplicate", "removed", "failed")}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "files": [r.to_dict() for r in self.results]}


class _Planned(NamedTuple):
    """A document to write, and its result once written."""
    document: Document
    paragraphs: list[Paragraph]
    result: FileResult
    keeps_vectors: bool = False  # its text is the stored one, only its metadata changed


def expand(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Files under the given files, folders (recursive) and globs; missing paths become failures."""
    files, missing = [], []
    for raw in paths:
        text = str(raw)
        matches = _glob(text) if glob.has_magic(text) else [Path(text)]
        if not matches:
            missing.append(FileResult(text, "failed", reason="no such file or folder"))
        for path in matches:
            if path.is_dir():
                files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and supported(p))
            elif path.is_file():
                files.append(path)
            elif path.is_symlink():
                missing.append(FileResult(str(path), "failed", reason="broken or looping symbolic link"))
            else:
                missing.append(FileResult(text, "failed", reason="no such file or folder"))
    return list(dict.fromkeys(p.resolve() for p in files)), missing


def _glob(pattern: str) -> list[Path]:
    """glob.glob(recursive=True) follows symlinked folders, so two links to a parent folder make
    `**` explode; Path.glob does not follow them (neither does Path.rglob for a folder)."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    return sorted(Path(*parts[:fixed] or ["."]).glob(str(Path(*parts[fixed:]))))


def ingest(paths: Iterable[str | os.PathLike], store: IngestStore, embed: Callable[[list[str]], object],
           max_file_mb: float = 50.0, prune: bool = False,
           progress: Callable[[FileResult], None] | None = None,
           batch_paragraphs: int = BATCH_PARAGRAPHS) -> IngestReport:
    """Ingest files into `store`; `embed(texts)` returns one vector per text.

    Paragraphs of several documents are embedded in one call (the encoder is nearly all the cost
    and wants full batches); each document is still written to the store on its own, all at once.
    The store's write lock is held throughout, so a second ingest into it waits for this one."""
    with store.write_lock:
        return _ingest(paths, store, embed, max_file_mb, prune, progress, batch_paragraphs)


def _ingest(paths, store: IngestStore, embed, max_file_mb, prune, progress, batch_paragraphs) -> IngestReport:
    store.recover()
    files, results = expand(paths)
    report = IngestReport(results)
    raws: list[RawDocument] = []
    read_files: set[str] = set()
    for path in files:
        try:
            size_mb = path.stat().st_size / 1e6
            if size_mb > max_file_mb:
                raise UnreadableFile(f"file is {size_mb:.1f} MB, over the {max_file_mb:g} MB limit")
            items = read(path)
        except (UnreadableFile, OSError) as exc:
            _record(report, FileResult(str(path), "failed", reason=str(exc)), progress)
            continue
        read_files.add(str(path))
        for item in items:
            if isinstance(item, UnreadableFile):
                _record(report, FileResult(item.location or str(path), "failed", reason=str(item)), progress)
            else:
                raws.append(item)
    if prune:  # before adding, so a moved file is re-added rather than reported as its old self's twin
        _prune(store, read_files, {r.location for r in raws}, report, progress)
    boilerplate = shared_lines(raws) if len(raws) > 1 else frozenset()
    stored_files = StoredFiles(raws, store, boilerplate)
    twins = NearDuplicates(store, stored_files.changing)
    pending: list[_Planned] = []
    for raw in stored_files.first(raws):
        stored_files.planned(raw)
        planned = _plan(raw, store, boilerplate, twins)
        if isinstance(planned, FileResult):
            _record(report, planned, progress)
            continue
        pending.append(planned)
        if sum(len(item.paragraphs) for item in pending) >= batch_paragraphs:
            _write(pending, store, embed, report, progress)
            pending = []
    _write(pending, store, embed, report, progress)
    return report


def _plan(raw: RawDocument, store: IngestStore, boilerplate: frozenset[str],
          twins: NearDuplicates) -> FileResult | _Planned:
    """A FileResult when there is nothing to write, else what to write."""
    try:
        document, paragraphs = build(raw, boilerplate)
    except UnreadableFile as exc:
        return FileResult(raw.location, "failed", reason=str(exc))
    existing = store.document(document.doc_id)
    if existing and existing.content_hash == document.content_hash:
        return _unchanged_text(existing, document, paragraphs)
    exact = twins.same_text(document.content_hash)
    if exact and exact != document.doc_id:
        return _duplicate(raw.location, existing, store, exact, f"same text as {exact}")
    texts = [p.text for p in paragraphs]
    sketch = text_sketch(texts)
    written = FileResult(raw.location, "updated" if existing else "added", doc_id=document.doc_id,
                         paragraphs=len(paragraphs))
    if versions := twins.versions(document.doc_id, sketch):
        twin, similarity = versions[0]
        shared = f"{similarity:.0%} of its text shingles shared"
        new = new_paragraphs(texts, [t for other, _ in versions for t in twins.texts(other)])
        if not new:
            return _duplicate(raw.location, existing, store, twin,
                              f"near-duplicate of {twin} ({shared}, no paragraph of its own)")
        if not existing:
            written = FileResult(raw.location, "revised", doc_id=document.doc_id, paragraphs=len(paragraphs),
                                 reason=f"another version of {twin} ({shared}, {len(new)} new paragraphs): kept")
    twins.add(document.doc_id, sketch, document.content_hash, texts)
    return _Planned(document, paragraphs, written)


def _duplicate(location: str, existing: Document | None, store: IngestStore, twin: str, reason: str) -> FileResult:
    """A file whose text `twin` holds. Its stored document, if any, holds text the file no longer does:
    removed, or answers would go on citing the file for it."""
    if existing:
        store.remove(existing.doc_id)
        reason += "; its earlier text removed"
    return FileResult(location, "duplicate", doc_id=twin, reason=reason)


def _unchanged_text(existing: Document, document: Document, paragraphs: list[Paragraph]) -> FileResult | _Planned:
    """A file whose text is stored already: skipped, unless what it says of itself changed (a fixed
    `Title:` line, or cleaning rules that now read a date the stored version lacks)."""
    changed = metadata_changes(existing, document)
    if not changed:
        return FileResult(document.location, "skipped", doc_id=document.doc_id, paragraphs=existing.paragraphs)
    return _Planned(document, paragraphs, FileResult(document.location, "updated", doc_id=document.doc_id,
                                                     reason=f"metadata changed: {', '.join(changed)}",
                                                     paragraphs=len(paragraphs)), keeps_vectors=True)


def _write(pending: list[_Planned], store: IngestStore, embed, report: IngestReport, progress) -> None:
    """Write the pending documents, each all at once: their paragraphs encoded in one call, but for a
    document whose text is the stored one, which keeps its stored vectors."""
    vectors = _stored_vectors(pending, store)
    fresh = [item for item in pending if item.document.doc_id not in vectors]
    try:
        encoded, sentences = _encode(fresh, embed)
    except Exception as exc:  # an encoder failure fails these documents, not the batch after them
        for item in fresh:
            _record(report, FileResult(item.document.location, "failed", doc_id=item.document.doc_id,
                                       reason=f"embedding failed: {exc.__class__.__name__}: {exc}"), progress)
        encoded, sentences = {}, ([], [])
    vectors |= encoded
    written = [item for item in pending if item.document.doc_id in vectors]
    if not written:
        return
    try:
        store.add_sentence_vectors(*sentences)  # kept by text: harmless if a write fails
        failures = store.write_many([(item.document, item.paragraphs, vectors[item.document.doc_id])
                                     for item in written])
    except ServerUnreachable:  # every later write would fail too: stop, the journal undoes this one
        raise
    except Exception as exc:  # the store itself failed: these documents, not the batch after them
        failures = [exc] * len(written)
    for item, failure in zip(written, failures):
        result = item.result
        if failure:
            result = FileResult(item.document.location, "failed", doc_id=item.document.doc_id,
                                reason=f"{failure.__class__.__name__}: {failure}")
        _record(report, result, progress)


def _stored_vectors(pending: list[_Planned], store: IngestStore) -> dict[str, list]:
    """doc_id -> its stored vectors, for the documents that keep them (one lacking a vector, in a
    damaged store, is encoded again instead)."""
    keeping = [item for item in pending if item.keeps_vectors]
    if not keeping:
        return {}
    found = store.embeddings([p.paragraph_id for item in keeping for p in item.paragraphs])
    return {item.document.doc_id: [found[p.paragraph_id] for p in item.paragraphs] for item in keeping
            if all(p.paragraph_id in found for p in item.paragraphs)}


def _encode(pending: list[_Planned], embed) -> tuple[dict[str, object], tuple[list[str], object]]:
    """(doc_id -> its paragraphs' vectors, (the long paragraphs' sentences, their vectors)), from one
    call: the encoder batches paragraphs and sentences by length together."""
    texts = [p.text for item in pending for p in item.paragraphs]
    if not texts:
        return {}, ([], [])
    sentences = list(dict.fromkeys(s for text in texts for s in long_paragraph_sentences(text)))
    vectors = embed(texts + sentences)
    by_document, offset = {}, 0
    for item in pending:
        by_document[item.document.doc_id] = vectors[offset:offset + len(item.paragraphs)]
        offset += len(item.paragraphs)
    return by_document, (sentences, vectors[len(texts):])


def _prune(store: IngestStore, read_files: set[str], present: set[str], report: IngestReport, progress) -> None:
    """Remove documents whose file is gone, or whose record vanished from a file read in this run."""
    for doc in store.documents():
        file = re.sub(r"#\d+$", "", doc.location)  # "#n" marks a .jsonl record; a file name may hold "#"
        if doc.location in present:
            continue
        if not Path(file).exists() or file in read_files:
            store.remove(doc.doc_id)
            _record(report, FileResult(doc.location, "removed", doc_id=doc.doc_id), progress)


def _record(report: IngestReport, result: FileResult, progress) -> None:
    report.results.append(result)
    if progress:
        progress(result)
