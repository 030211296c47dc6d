"""The shapes every layer shares: a document, its paragraphs, and the ids that name them (built and read only here)."""
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

    @property
    def file(self) -> str:
        """The file it was read from: its location, less the record number of a many-article file."""
        return file_of(self.location)


DESCRIBED_BY_FILE = ("title", "author", "date", "source", "language")  # besides its text


def metadata_changes(stored: Document, read: Document) -> list[str]:
    """The fields a file gives its document, besides the text, that differ from the stored ones: a
    fixed header line, or cleaning rules that read more than the version that stored it."""
    return [name for name in DESCRIBED_BY_FILE if getattr(stored, name) != getattr(read, name)]


@dataclass(frozen=True)
class Paragraph:
    paragraph_id: str  # `paragraph_id(doc_id, paragraph_index)`
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

    def place(self, prefix: str = "paragraph ") -> str:
        """Where it sits, as a reader counts (from 1); the header is the article's details, since its
        index (-1) means nothing to a reader. The web and the command line name places alike."""
        return "article details" if self.paragraph_index == HEADER_INDEX else f"{prefix}{self.paragraph_index + 1}"


HEADER_INDEX = -1  # the header's paragraph_index: it comes before the body


# ---- ids: every layer builds and reads them here ---------------------------------------------------
def paragraph_id(doc_id: str, index: int) -> str:
    """`<doc_id>#p<index>` for a body paragraph, `<doc_id>#header` for the header (doc ids hold no "#")."""
    return f"{doc_id}#header" if index == HEADER_INDEX else f"{doc_id}#p{index}"


def doc_of(pid: str) -> str:
    """The doc_id of a paragraph id, body or header."""
    return pid.rsplit("#", 1)[0]


def record_location(file: str, number: int) -> str:
    """`<file>#<number>`: where one article of a many-article file (.jsonl) was read."""
    return f"{file}#{number}"


def file_of(location: str) -> str:
    """The file of a location: the location itself, or the file of a `<file>#<number>` record. Only
    digits after the last "#" name a record, so a file name holding "#" ("notes#2.txt") stays whole."""
    file, sep, number = location.rpartition("#")
    return file if sep and number.isdecimal() else location


def record_id(pid: str, version: str) -> str:
    """A paragraph's vector id, `<paragraph_id>@<version>`: a new version's vectors are written beside
    the old ones before the registry switches to it."""
    return f"{pid}@{version}"


def paragraph_of(record: str) -> str:
    """The paragraph id of a vector id."""
    return record.rsplit("@", 1)[0]


def version_of(record: str) -> str:
    """The document version of a vector id."""
    return record.rsplit("@", 1)[1]


def header_paragraph(document: Document) -> Paragraph:
    """The document's own metadata as a citable paragraph (`<doc_id>#header`), so "who wrote ...",
    "when was ... published" get an answer with a citation. It is not part of the text (offsets 0, 0)."""
    parts = [f'The article "{document.title}"']
    if document.author:
        parts.append(f"was written by {document.author}")
    if document.date:
        parts.append(f"{'and ' if document.author else ''}was published on {document.date}")
    if document.source and not any(sep in document.source for sep in "/\\"):  # an outlet, not a file path
        parts.append(f"{'in' if document.author or document.date else 'appeared in'} {document.source}")
    return Paragraph(paragraph_id=paragraph_id(document.doc_id, HEADER_INDEX), doc_id=document.doc_id,
                     title=document.title, author=document.author, date=document.date, source=document.source,
                     paragraph_index=HEADER_INDEX, char_start=0, char_end=0, text=" ".join(parts) + ".")
