"""One small reader per format, chosen by extension and content (never by `file` magic alone)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class UnreadableFile(ValueError):
    """A file that cannot become a document; the message is the reason shown to the user."""


@dataclass
class RawDocument:
    """Extracted text of one article plus whatever metadata the format itself carries."""
    text: str
    location: str  # file path, with "#line" for one record of a .jsonl
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    page_starts: list[int] = field(default_factory=list)  # char offset where page i+1 starts (PDF)


def decode(data: bytes, location: str) -> str:
    """Bytes to text: BOMs first, then UTF-8, then charset-normalizer's best guess."""
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    if b"\x00" in data[:4096]:
        raise UnreadableFile("binary content, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("binary content or unknown text encoding")
    return str(best)


def read_text(path: Path) -> list[RawDocument]:
    return [RawDocument(text=decode(path.read_bytes(), str(path)), location=str(path))]


READERS = {".txt": read_text, ".md": read_text, ".markdown": read_text, ".text": read_text}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read(path: Path) -> list[RawDocument]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}")
    return reader(path)
