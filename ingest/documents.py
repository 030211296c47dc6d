"""One raw article -> its Document and Paragraphs, with no store access: cleaning, splitting, ids,
metadata and the content hash that says whether its text changed. Site chrome shared by a batch
(`shared_lines`) is dropped as boilerplate."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from ingest import split
from ingest.clean import clean, normalize_line
from ingest.readers import RawDocument, UnreadableFile
from ingest.records import Document, Paragraph, paragraph_id


def doc_id_for(location: str) -> str:
    """Readable and stable: a stem from the file name plus a short hash of where it lives (the hash is
    what tells documents apart). The stem is cut at the first "#", not read through `file_of`: cutting
    it elsewhere would rename the stored documents of files whose names hold "#"."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(location.split("#", 1)[0]).stem.lower()).strip("-")[:48] or "doc"
    return f"{stem}-{hashlib.sha1(location.encode()).hexdigest()[:8]}"


def build(raw: RawDocument, boilerplate: frozenset[str] = frozenset()) -> tuple[Document, list[Paragraph]]:
    """One raw article -> its Document and Paragraphs (no store access)."""
    cleaned = clean(raw.text, boilerplate)
    spans = split.paragraphs(raw.text, cleaned.body)
    if not spans:
        raise UnreadableFile("no article text found")
    doc_id = doc_id_for(raw.location)
    texts = [raw.text[s:e] for s, e in spans]
    document = Document(
        doc_id=doc_id, title=raw.title or cleaned.title or Path(raw.location).stem,
        author=raw.author or cleaned.author, date=raw.date or cleaned.date,
        source=cleaned.source or raw.url or raw.location, location=raw.location, language=cleaned.language,
        content_hash=hashlib.sha256("\n\n".join(texts).encode()).hexdigest(),
        ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), paragraphs=len(spans))
    paragraphs = [
        Paragraph(paragraph_id=paragraph_id(doc_id, i), doc_id=doc_id, title=document.title, author=document.author,
                  date=document.date, source=document.source, paragraph_index=i, char_start=s, char_end=e,
                  text=text, page=_page(raw.page_starts, s))
        for i, ((s, e), text) in enumerate(zip(spans, texts))]
    return document, paragraphs


def shared_lines(raws: list[RawDocument], min_docs: int = 2) -> frozenset[str]:
    """Short lines that recur in several documents of a batch: site chrome, not article text."""
    counts = Counter()
    for raw in raws:
        counts.update({normalize_line(line) for line in raw.text.splitlines() if 0 < len(line.split()) <= 12})
    return frozenset(line for line, n in counts.items() if line and n >= min_docs)


def _page(page_starts: list[int], offset: int) -> int | None:
    if not page_starts:
        return None
    return sum(1 for start in page_starts if start <= offset) or 1
