"""Separates an article from the site chrome around it and reads its title, author, date and source.

General rules, not per-site ones: menus and share bars are runs of short lines; notices match a few
phrases (copyright, cookies, re-use, counters); lines in another script than the body are chrome;
the headline is the last substantial line above the first body paragraph, with a date or byline
line near it. Every kept paragraph keeps its character span in the extracted text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date as Date

from ingest import split
from ingest.text import MONTH_NAME, MONTHS

ASCII_LETTER = re.compile(r"[A-Za-z]")
NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
SENTENCE_PUNCT = re.compile(r"[.!?…][\"'”’)\]]*$")
NOTICE = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|cookie|privacy policy|terms of (use|service)|"
    r"subscribe|newsletter|sign up|log ?in\b|follow us|share (it|this|on)\b|liked the story|read more|"
    r"related (articles|stories)|advertisement|\bviews?:\s*\d|use of materials|hyperlink to|"
    r"what are you looking for|search\b.*\?|click here|skip to (main )?content",
    re.IGNORECASE)
MONTH_RE = f"({MONTH_NAME})"
DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH_RE},?\s+(\d{{4}})\b", re.I), ("d", "mon", "y")),
    (re.compile(rf"\b{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("mon", "d", "y")),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), ("d", "m", "y")),
]
# "Date: 2024-07-31", "Source: usatoday.com", a bare URL: a saved page's metadata lines, never body text
FIELD_LINE = re.compile(r"^(?:(?:title|date|source|url|link|published|updated|posted|author)\s*:\s*\S.{0,300}"
                        r"|<?(?:https?://|www\.)\S+>?)$", re.I)
LINK_ONLY = re.compile(r"^(?:[\s|•·*>/-]*\[[^\]]*\]\([^)]*\))+[\s|•·*/-]*$")  # a line of markdown links: nav
TITLE_LINE = re.compile(r"^title\s*:\s*(.+)$", re.I)
BYLINE = re.compile(r"^(?:by|author:|written by)\s+(.+)$", re.I)
PERSON = re.compile(r"^(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")
SOURCE_LINE = re.compile(r"^(?:source|originally published (?:in|at|by)|via)\s*:?\s+(.{2,80})$", re.I)
# "Caliber.az © 2025", "© 2024 Example.com": the outlet a scraped page's chrome names
SITE_NAME = r"([A-Za-z][\w-]*(?:\.[A-Za-z]{2,10})+)"
COPYRIGHT_LINE = re.compile(rf"^(?:copyright\s*)?(?:©\s*(?:\d{{4}}\s+)?{SITE_NAME}|{SITE_NAME}\s*©)", re.I)


@dataclass
class CleanDocument:
    title: str | None
    author: str | None
    date: str | None
    source: str | None
    language: str | None
    body: list[tuple[int, int]]  # paragraph spans in the text, before splitting/merging


@dataclass
class _Line:
    start: int
    end: int
    text: str
    words: int


def clean(text: str, boilerplate: frozenset[str] = frozenset()) -> CleanDocument:
    """`boilerplate`: normalized lines seen in several documents of the batch (site chrome)."""
    blocks = [(s, e, _lines(text, s, e)) for s, e in split.blocks(text)]
    strong = [i for i, (_, _, lines) in enumerate(blocks) if _is_strong_body(lines, boilerplate)]
    script = _dominant_script(" ".join(text[s:e] for i, (s, e, _) in enumerate(blocks) if i in strong) or text)
    first, last = (strong[0], strong[-1]) if strong else (len(blocks), -1)
    while strong and last + 1 < len(blocks) and _is_weak_body(blocks[last + 1][2], boilerplate, script):
        last += 1  # a short closing sentence ("Trump did not comment.") is the article's, not its footer

    body = []
    for i, (s, e, lines) in enumerate(blocks):
        if i in strong or (first < i <= last and _is_weak_body(lines, boilerplate, script)):
            body.append((s, e))
    if not strong:  # a short note: keep every block that is not chrome
        body = [(s, e) for s, e, lines in blocks if _is_weak_body(lines, boilerplate, script)]

    header = [ln for _, _, lines in blocks[:first] for ln in lines]
    footer = [ln for _, _, lines in blocks[last + 1:] for ln in lines] if strong else []
    date = next((d for ln in header if ln.words <= 10 and (d := parse_date(ln.text))), None)
    author = _author(header)
    title = next((m.group(1) for ln in header if (m := TITLE_LINE.match(ln.text))), None) \
        or _title(header, author, boilerplate) or (header[0].text if header and header[0].words <= 20 else None)
    source = next((m.group(1).strip() for ln in footer + header if (m := SOURCE_LINE.match(ln.text))), None) \
        or next((m.group(1) or m.group(2) for ln in header + footer if (m := COPYRIGHT_LINE.match(ln.text))), None)
    return CleanDocument(title=title and _strip_markup(title), author=author, date=date, source=source,
                         language=_language(script, " ".join(text[s:e] for s, e in body[:5])), body=body)


def normalize_line(text: str) -> str:
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def parse_date(text: str) -> str | None:
    for pattern, order in DATE_PATTERNS:
        if match := pattern.search(text):
            parts = dict(zip(order, match.groups()))
            month = int(parts["m"]) if "m" in parts else MONTHS.get(parts["mon"].lower().rstrip("."))
            try:
                return Date(int(parts["y"]), month, int(parts["d"])).isoformat()
            except (TypeError, ValueError):
                continue
    return None


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out, cursor = [], start
    for raw in text[start:end].split("\n"):
        stripped = raw.strip()
        if stripped:
            s = cursor + raw.index(stripped[0])
            out.append(_Line(s, s + len(stripped), stripped, len(WORD.findall(stripped))))
        cursor += len(raw) + 1
    return out


def _is_chrome_line(line: _Line, boilerplate: frozenset[str]) -> bool:
    return normalize_line(line.text) in boilerplate or bool(LINK_ONLY.match(line.text) or FIELD_LINE.match(line.text)) \
        or (line.words < 40 and bool(NOTICE.search(line.text)))


def _is_strong_body(lines: list[_Line], boilerplate: frozenset[str]) -> bool:
    words = sum(ln.words for ln in lines)
    if not lines or any(_is_chrome_line(ln, boilerplate) for ln in lines):
        return False
    prose = words / len(lines) >= 6  # menus are runs of one- or two-word lines
    return prose and (words >= 25 or (words >= 12 and bool(SENTENCE_PUNCT.search(lines[-1].text))))


def _is_weak_body(lines: list[_Line], boilerplate: frozenset[str], script: str) -> bool:
    kept = [ln for ln in lines if not _is_chrome_line(ln, boilerplate)]
    if len(kept) < len(lines) or not kept:
        return False
    text = " ".join(ln.text for ln in kept)
    words = sum(ln.words for ln in kept)
    return words >= 4 and words / len(kept) >= 4 and _dominant_script(text) == script \
        and bool(SENTENCE_PUNCT.search(kept[-1].text))


def _author(header: list[_Line]) -> str | None:
    for ln in header:
        if match := BYLINE.match(ln.text):
            return match.group(1).strip()
    for prev, ln in zip(header, header[1:]):  # a bare name right under a headline
        if prev.words >= 4 and PERSON.match(ln.text) and not parse_date(ln.text):
            return ln.text
    return None


def _title(header: list[_Line], author: str | None, boilerplate: frozenset[str]) -> str | None:
    """A level-1 markdown heading if there is one; else the headline right above the byline or date
    (what sits between masthead and article is often chrome); else the last title-like line."""
    candidates = [ln for ln in header if 2 <= ln.words <= 30 and ln.text != author and not BYLINE.match(ln.text)
                  and not parse_date(ln.text) and not _is_chrome_line(ln, boilerplate)
                  and not (ln.text.isupper() and ln.words <= 3)]
    if headings := [ln for ln in candidates if ln.text.startswith("# ")]:
        return headings[0].text
    anchor = next((ln.start for ln in header if ln.text == author or BYLINE.match(ln.text)
                   or (ln.words <= 10 and parse_date(ln.text))), None)
    above = [ln for ln in candidates if anchor is None or ln.start < anchor]
    return (above or candidates)[-1].text if candidates else None


def _strip_markup(title: str) -> str:
    return title.lstrip("#").strip().strip("*_").strip()


def _dominant_script(text: str) -> str:
    """The script most letters are written in; ASCII letters are counted in bulk (they are most of
    the text and all Latin), only the others are looked up one by one."""
    counts = Counter(unicodedata.name(c, "UNKNOWN").split(" ")[0] for c in NON_ASCII_LETTER.findall(text))
    counts["LATIN"] += len(ASCII_LETTER.findall(text))
    return max(counts, key=counts.get) if sum(counts.values()) else "LATIN"


ENGLISH_HINTS = frozenset("the of and to in is that for with on was as by".split())


def _language(script: str, sample: str) -> str | None:
    if script == "CYRILLIC":
        return "ru"
    if script == "LATIN":
        words = [w.lower() for w in WORD.findall(sample)]
        if words and sum(w in ENGLISH_HINTS for w in words) / len(words) > 0.08:
            return "en"
    return None
