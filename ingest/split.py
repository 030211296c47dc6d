"""Paragraph and sentence boundaries as character spans, so every paragraph keeps its offsets."""
from __future__ import annotations

import re

BLOCK_SEPARATOR = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and an upper-case start;
# common abbreviations do not end sentences.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Sen|Rep|Gov|Lt|Col|No|vs|etc|e\.g|i\.e|U\.S|U\.K|Inc|Ltd|Co|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$|\b[A-Z]\.$")

MAX_CHARS = 2000  # longer paragraphs are split at sentence boundaries
MIN_CHARS = 60  # shorter fragments are merged into a neighbour
# Paragraphs from this long get a vector per sentence besides their own (vectorstore/sentences.py):
# squad2-dev R@1 0.880 from here up, 0.877 from 600; news-rtqa: 324 of 9,108 paragraphs
LONG_PARAGRAPH_CHARS = 500


def blocks(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks as (start, end), whitespace trimmed."""
    spans, start = [], 0
    for sep in BLOCK_SEPARATOR.finditer(text):
        spans.append((start, sep.start()))
        start = sep.end()
    spans.append((start, len(text)))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))]


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in SENTENCE_END.finditer(text, start, end):
        if ABBREVIATIONS.search(text[cursor:match.start()]):
            continue
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))]


def long_paragraph_sentences(text: str) -> list[str]:
    """The sentences of a paragraph that get vectors of their own: long, and more than one sentence."""
    if len(text) < LONG_PARAGRAPH_CHARS:
        return []
    spans = sentences(text)
    return [text[s:e] for s, e in spans] if len(spans) > 1 else []


def clause_of(sentence: str) -> str:
    """A sentence as an answer shows it before its [n] marker: without its closing stop, and with its
    quotation marks balanced: a closing quote after the stop lies outside the sentence's span
    ('"... the American XL Bully.” Lawmakers ...'), an opening one before the span of a quote's later
    sentence."""
    clause = sentence.rstrip().rstrip(".!?").rstrip()
    opened, closed = clause.count("“"), clause.count("”")
    if opened > closed:
        return clause + "”"
    if closed > opened:
        return "“" + clause
    return clause + '"' if clause.count('"') % 2 else clause


def paragraphs(text: str, spans: list[tuple[int, int]], max_chars: int = MAX_CHARS,
               min_chars: int = MIN_CHARS) -> list[tuple[int, int]]:
    """Body blocks -> paragraph spans: long ones cut at sentence ends, tiny ones merged."""
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        pieces.extend(_cut(text, start, end, max_chars) if end - start > max_chars else [(start, end)])
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and (end - start < min_chars or merged[-1][1] - merged[-1][0] < min_chars) \
                and end - merged[-1][0] <= max_chars:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    chunks: list[tuple[int, int]] = []
    for s, e in (piece for sentence in sentences(text, start, end) for piece in _at_spaces(text, *sentence, max_chars)):
        if chunks and e - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    return chunks


def _at_spaces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A "sentence" longer than max_chars (a page with no full stop, one endless line) cut at the last
    space before each limit, or at the limit where there is none: no paragraph outgrows max_chars."""
    pieces = []
    while end - start > max_chars:
        cut = max(text.rfind(" ", start + 1, start + max_chars + 1), text.rfind("\n", start + 1, start + max_chars + 1))
        cut = cut if cut > start else start + max_chars
        pieces.append(_trim(text, start, cut) or (start, cut))
        start = cut
        while text[start].isspace():
            start += 1
    return [*pieces, (start, end)]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
