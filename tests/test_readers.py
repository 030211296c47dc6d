"""Each format reader, on fixture files written here: text, metadata, paragraph breaks, failures."""
from __future__ import annotations

import json

import pytest

from ingest.documents import build
from ingest.readers import UnreadableFile, decode, read

BODY = [
    "The river town rebuilt its old stone bridge after the spring flood carried away two of its arches.",
    "Engineers from the regional office chose local limestone so the repair would match the original work.",
    "The bridge reopened to walkers in October, and the first market day drew crowds from nearby villages.",
]


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF with a Helvetica text layer, one text line per string."""
    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, lines in enumerate(pages):
        content = "BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(f"({escape(ln)}) Tj T*" for ln in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       f" /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream".encode())
    out, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def wrap(sentence: str, width: int = 60) -> list[str]:
    lines, line = [], ""
    for word in sentence.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


# ---- plain text ---------------------------------------------------------------------------------
def test_text_file_keeps_paragraphs_and_normalizes_crlf(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes("\r\n\r\n".join(BODY).encode())
    [raw] = read(path)
    assert raw.text.split("\n\n") == BODY
    assert raw.location == str(path)


# ---- HTML ---------------------------------------------------------------------------------------
ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Bridge reopens | Valley News</title>
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2024-03-03">
<link rel="canonical" href="https://valley.example/bridge"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie">We use cookies to improve your experience. <button>Accept</button></div>
<article><h1>Bridge reopens</h1>{paragraphs}</article>
<aside><h3>Related articles</h3><ul><li><a href="/x">Another story</a></li></ul></aside>
<footer>Copyright 2024 Valley News. All rights reserved.</footer></body></html>"""


def _html(body: list[str] = BODY) -> str:
    return ARTICLE_HTML.format(paragraphs="".join(f"<p>{p.replace('after', 'after<br>')}</p>" for p in body))


def test_html_main_content_metadata_and_paragraph_breaks(tmp_path):
    path = tmp_path / "bridge.html"
    path.write_text(_html(), encoding="utf-8")
    [raw] = read(path)
    assert raw.title == "Bridge reopens"
    assert raw.author == "Jane Doe"
    assert raw.date == "2024-03-03"
    assert raw.url == "https://valley.example/bridge"
    for sentence in BODY:  # each <p> is its own blank-line separated block, inner <br> joined
        assert f"\n\n{sentence}" in raw.text or raw.text.startswith(sentence)
    for junk in ("Home", "cookies", "Related articles", "Copyright"):
        assert junk not in raw.text
    _, paragraphs = build(raw)
    assert [p.text for p in paragraphs] == BODY


def test_txt_that_is_really_html_goes_to_the_html_reader(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_text(_html(), encoding="utf-8")
    [raw] = read(path)
    assert "<p>" not in raw.text and raw.title == "Bridge reopens"


# ---- PDF ----------------------------------------------------------------------------------------
def test_pdf_text_layer_paragraphs_and_pages(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([wrap(BODY[0]) + wrap(BODY[1]), wrap(BODY[2])]))
    [raw] = read(path)
    assert raw.text.split("\n\n") == BODY
    document, paragraphs = build(raw)
    assert [p.text for p in paragraphs] == BODY
    assert [p.page for p in paragraphs] == [1, 1, 2]


def test_encrypted_pdf_is_unreadable_with_a_reason(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(UnreadableFile, match="encrypted"):
        read(path)


@pytest.mark.parametrize("data", [make_pdf([wrap(BODY[0])])[:120], b"%PDF-1.7\n\x00\x01garbage", b"not a pdf at all"])
def test_truncated_or_fake_pdf_is_a_broken_pdf(tmp_path, data):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match="broken PDF|no text layer"):
        read(path)


# ---- DOCX ---------------------------------------------------------------------------------------
def test_docx_paragraphs_and_core_properties(tmp_path):
    import datetime

    import docx

    document = docx.Document()
    document.add_heading("Bridge reopens", level=1)
    for sentence in BODY:
        document.add_paragraph(sentence)
        document.add_paragraph("")
    document.core_properties.title = "Bridge reopens"
    document.core_properties.author = "Jane Doe"
    document.core_properties.created = datetime.datetime(2024, 3, 3, 9, 30)
    path = tmp_path / "bridge.docx"
    document.save(path)
    [raw] = read(path)
    assert (raw.title, raw.author, raw.date) == ("Bridge reopens", "Jane Doe", "2024-03-03")
    assert raw.text.split("\n\n") == ["Bridge reopens", *BODY]


def test_broken_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnreadableFile, match="broken .docx"):
        read(path)


# ---- JSONL --------------------------------------------------------------------------------------
def test_jsonl_one_article_per_line_bad_line_fails_alone(tmp_path):
    path = tmp_path / "export.jsonl"
    lines = [json.dumps({"title": "Bridge reopens", "text": "\n\n".join(BODY), "url": "https://valley.example/b",
                         "author": "Jane Doe", "date": "March 3, 2024"}),
             "{not json",
             json.dumps({"title": "No body"}),
             "",
             json.dumps({"content": BODY[2], "date": "2024-05-01T10:00:00Z"})]
    path.write_text("\n".join(lines), encoding="utf-8")
    first, bad_json, no_text, last = read(path)
    assert (first.title, first.author, first.date, first.url) == \
        ("Bridge reopens", "Jane Doe", "2024-03-03", "https://valley.example/b")
    assert first.location.startswith(f"{path}#") and last.location.startswith(f"{path}#")  # see test_ingest_naming
    assert last.text == BODY[2] and last.date == "2024-05-01"
    assert isinstance(bad_json, UnreadableFile) and bad_json.location == f"{path}#2" and "not JSON" in str(bad_json)
    assert isinstance(no_text, UnreadableFile) and no_text.location == f"{path}#3"


# ---- content beats extension --------------------------------------------------------------------
@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + bytes(200), b"PK\x03\x04zip"])
def test_binary_content_with_a_text_name_is_refused(tmp_path, data):
    path = tmp_path / "looks-like.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match="binary"):
        read(path)


def test_empty_and_unsupported_files(tmp_path):
    (tmp_path / "empty.md").write_bytes(b" \n\n ")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(UnreadableFile, match="empty"):
        read(tmp_path / "empty.md")
    with pytest.raises(UnreadableFile, match="unsupported"):
        read(tmp_path / "image.png")


# ---- encodings ----------------------------------------------------------------------------------
RUSSIAN = ("Государственный секретарь США Энтони Блинкен посетил Казахстан и Узбекистан. "
           "Он встретился с президентами обеих стран и обсудил торговлю, безопасность и санкции.")
FRENCH = ("Le café de la gare, où l'on sert une crème brûlée réputée, a rouvert après l'été. "
          "Les habitués déjà âgés saluent l'arrivée d'un nouveau propriétaire très apprécié.")


@pytest.mark.parametrize("text, encoded", [
    (FRENCH, FRENCH.encode("utf-8")),
    (FRENCH, b"\xef\xbb\xbf" + FRENCH.encode("utf-8")),
    (RUSSIAN, RUSSIAN.encode("utf-16")),  # BOM + little-endian
    (RUSSIAN, b"\xfe\xff" + RUSSIAN.encode("utf-16-be")),
    (RUSSIAN, RUSSIAN.encode("cp1251")),
    (FRENCH, FRENCH.encode("latin-1")),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1251", "latin1"])
def test_encodings_are_decoded_exactly(text, encoded):
    assert decode(encoded) == text
