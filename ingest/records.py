"""The shapes every layer shares: a document and its paragraphs."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    author: str | None
    date: str | None  # ISO yyyy-mm-dd
    source: str  # publication name, URL or file path
    location: str  # where the file was read from
    language: str | None
    content_hash: str
    ingested_at: str
    paragraphs: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Paragraph:
    paragraph_id: str  # "<doc_id>#p<i>"
    doc_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    paragraph_index: int
    char_start: int  # offsets in the document's extracted text
    char_end: int
    text: str
    page: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def paragraph_id(doc_id: str, index: int) -> str:
    return f"{doc_id}#p{index}"
