"""One small reader per format, chosen by extension and content (never by `file` magic alone).

Every reader returns the article text with paragraphs separated by blank lines, because that is
what `clean` and `split` work on, plus whatever metadata the format itself carries.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import parse_date
from ingest.records import record_location


class UnreadableFile(ValueError):
    """A file (or one record of a .jsonl) that cannot become a document; the message is the reason."""

    def __init__(self, reason: str, location: str | None = None):
        super().__init__(reason)
        self.location = location


@dataclass
class RawDocument:
    """Extracted text of one article plus whatever metadata the format itself carries."""
    text: str
    location: str  # file path, with "#<record key>" for one record of a .jsonl (see `_record_key`)
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    page_starts: list[int] = field(default_factory=list)  # char offset where page i+1 starts (PDF)


TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx", ".jsonl"}
HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def read(path: Path) -> list[RawDocument | UnreadableFile]:
    """The articles in one file. A bad .jsonl record comes back as an `UnreadableFile` carrying its
    location, so one line never sinks the rest of the file; a bad file raises `UnreadableFile`."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(no extension)'}")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("empty file")
    location = str(path)
    if data.startswith(b"%PDF-"):
        return [read_pdf(data, location)]
    if suffix == ".pdf":
        raise UnreadableFile("broken PDF: no %PDF header")
    if data.startswith(b"PK\x03\x04"):
        if suffix == ".docx" or _is_docx(data):
            return [read_docx(data, location)]
        raise UnreadableFile("binary content (a zip archive), not text")
    if suffix == ".docx":
        raise UnreadableFile("broken .docx: not a zip archive")
    text = decode(data)
    if suffix == ".jsonl":
        return read_jsonl(text, location)
    if suffix in HTML_SUFFIXES or HTML_START.match(text[:2000]):
        return [read_html(text, location)]
    return [RawDocument(text=_normalize_newlines(text), location=location)]


def decode(data: bytes) -> str:
    """Bytes to text: BOMs first, then UTF-8, then charset-normalizer's best guess; binary is refused."""
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _refuse_binary(data.decode(codec, errors="strict"))
    if b"\x00" in data[:4096]:
        raise UnreadableFile("binary content, not text")
    try:
        return _refuse_binary(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("binary content or unknown text encoding")
    guess = str(best)
    western = _as_western(data)
    if western is not None and _script(guess) == "LATIN":
        return _refuse_binary(western)
    return _refuse_binary(guess)


def _as_western(data: bytes) -> str | None:
    """charset-normalizer cannot tell Latin-1/cp1252 from the other Latin code pages (cp1250, cp1257,
    ...) and often picks the wrong one for French or German. cp1252 is by far the most common of
    them; it is kept only when every non-ASCII character it yields is a letter or punctuation, since
    the bytes of other Latin code pages decode to symbols there (Polish ł and ą become ³ and ¹)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    odd = {"No", "So", "Sk", "Sm", "Cc", "Cf", "Co", "Cn"}
    return None if any(ord(c) > 127 and unicodedata.category(c) in odd for c in text) else text


def _script(text: str) -> str:
    counts = Counter(unicodedata.name(c, "UNKNOWN").split(" ")[0] for c in text if c.isalpha())
    return counts.most_common(1)[0][0] if counts else "LATIN"


def _refuse_binary(text: str) -> str:
    sample = text[:20000]
    if len(CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise UnreadableFile("binary content, not text")
    return text


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_html(html: str, location: str) -> RawDocument:
    """Main content via trafilatura, scripts and styles removed first; each block element becomes one
    blank-line separated paragraph."""
    try:
        import trafilatura
    except ImportError as exc:
        raise UnreadableFile("HTML needs trafilatura (pip install '.[formats]')") from exc
    tree = trafilatura.load_html(html)
    if tree is None:
        raise UnreadableFile("no article text found in the HTML")
    for code in list(tree.iter("script", "style")):  # a parser may nest them in <title>: code is never text
        code.drop_tree()
    extracted = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
    if extracted is None or extracted.body is None:
        raise UnreadableFile("no article text found in the HTML")
    blocks = [_block_text(element) for element in extracted.body]
    text = "\n\n".join(b for b in blocks if b)
    if not text:
        raise UnreadableFile("no article text found in the HTML")
    return RawDocument(text=text, location=location, title=extracted.title or None,
                       author=extracted.author or None, date=extracted.date or None,
                       url=extracted.url or extracted.hostname or None)


def _block_text(element) -> str:
    """A list or table keeps one line per item/row; any other block is one line of text."""
    if element.tag in ("list", "table"):
        rows = element.iter("item") if element.tag == "list" else element.iter("row")
        return "\n".join(line for row in rows if (line := " ".join("".join(row.itertext()).split())))
    return " ".join("".join(element.itertext()).split())


def read_pdf(data: bytes, location: str) -> RawDocument:
    """The text layer, page by page; `page_starts` lets each paragraph know its page."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import FileNotDecryptedError
    except ImportError as exc:
        raise UnreadableFile("PDF needs pypdf (pip install '.[formats]')") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF: it needs a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title")
        author = (reader.metadata or {}).get("/Author")
    except UnreadableFile:
        raise
    except FileNotDecryptedError as exc:
        raise UnreadableFile("encrypted PDF: it needs a password") from exc
    except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, ...) on damaged files
        raise UnreadableFile(f"broken PDF: {exc.__class__.__name__}: {exc}") from exc
    text, page_starts = "", []
    for page in pages:
        page_starts.append(len(text) + 2 if text else 0)
        text += ("\n\n" if text else "") + reflow_pdf_page(page)
    if not text.strip():
        raise UnreadableFile("PDF has no text layer (scanned images need OCR first)")
    return RawDocument(text=text, location=location, title=str(title) if title else None,
                       author=str(author) if author else None, page_starts=page_starts)


def reflow_pdf_page(text: str) -> str:
    """PDF text layers break every visual line; join lines into paragraphs, breaking where a line
    ends a sentence and is clearly shorter than the page's full lines (or at an empty line)."""
    lines = [ln.strip() for ln in _normalize_newlines(text).split("\n")]
    full = sorted(len(ln) for ln in lines if ln)
    full_width = full[int(len(full) * 0.8)] if full else 0
    paragraphs, current = [], []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if current and current[-1].endswith("-") and line[:1].islower():
            current[-1] = current[-1][:-1] + line
        else:
            current.append(line)
        if re.search(r"[.!?:\"”)]$", line) and len(line) < 0.85 * full_width:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _is_docx(data: bytes) -> bool:
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def read_docx(data: bytes, location: str) -> RawDocument:
    try:
        import docx
    except ImportError as exc:
        raise UnreadableFile(".docx needs python-docx (pip install '.[formats]')") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip, XML and package errors all mean a damaged file
        raise UnreadableFile(f"broken .docx: {exc.__class__.__name__}: {exc}") from exc
    text = "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    props = document.core_properties
    return RawDocument(text=text, location=location, title=props.title or None, author=props.author or None,
                       date=props.created.date().isoformat() if props.created else None)


def read_jsonl(text: str, location: str) -> list[RawDocument | UnreadableFile]:
    """One article per line: text or content, plus optional title, url, author, date (and id, which
    with url names the record). A bad line is reported as `<file>#<line number>`."""
    out: list[RawDocument | UnreadableFile] = []
    seen: Counter = Counter()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = record_location(location, number)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(UnreadableFile(f"line {number} is not JSON: {exc.msg}", where))
            continue
        body = (record.get("text") or record.get("content")) if isinstance(record, dict) else None
        if not isinstance(body, str) or not body.strip():
            out.append(UnreadableFile(f"line {number} has no \"text\" or \"content\" string", where))
            continue
        where = record_location(location, _record_key(record, body, seen))
        out.append(RawDocument(text=_normalize_newlines(body), location=where, title=_field(record, "title"),
                               author=_field(record, "author"), date=_iso_date(_field(record, "date")),
                               url=_field(record, "url")))
    return out


def _record_key(record: dict, body: str, seen: Counter) -> int:
    """A record's number within its file that inserting, removing or moving other lines leaves alone
    (so its doc_id stays): from its "id", else its "url", else its text; a repeat counts on. Digits
    only, since `<file>#<digits>` is how the pipeline tells a record from a file."""
    identity = next((f"{key}:{record[key]}" for key in ("id", "url") if record.get(key) not in (None, "")),
                    "text:" + body)
    seen[identity] += 1
    return int(hashlib.sha1(f"{identity}\0{seen[identity]}".encode()).hexdigest()[:10], 16)


def _field(record: dict, key: str) -> str | None:
    value = record.get(key)
    return (str(value).strip() or None) if value is not None else None


def _iso_date(value: str | None) -> str | None:
    return parse_date(value) if value else None
