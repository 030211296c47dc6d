"""Dates in a claim or a paragraph, as (year, month, day) with the parts a text leaves out as None,
and how two of them compare: "21 February 1804", "Feb. 21", "2023-02-21", "February 2023", "1804".
(Article dates in metadata and page text are read by ingest/clean.py, which must also know the
numeric orders sites write; this module reads dates as sentences state them. Both take month names
from ingest/text.py.)"""
from __future__ import annotations

import re

from ingest.text import MONTH_NAME, MONTHS

_MONTH = f"(?P<month>{MONTH_NAME})"
DATE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})\b",
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?(?:\s+(?P<year>\d{4}))?\b",
    r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4})\b)?",
    r"\b" + _MONTH + r",?\s+(?P<year>\d{4})\b",
    r"\b(?P<year>1[89]\d\d|20\d\d)\b")]


def found(text: str) -> tuple[tuple, list[tuple[int, int]]]:
    """The dates `text` states, and where (a figure inside a date is no figure)."""
    result, taken = [], []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            parts = m.groupdict()
            name = (parts.get("month") or "").lower().rstrip(".")
            month = MONTHS.get(name) or (int(parts["mon"]) if parts.get("mon") else None)
            day = int(parts["day"]) if parts.get("day") else None
            if day is not None and not 1 <= day <= 31:
                continue
            result.append((int(parts["year"]) if parts.get("year") else None, month, day))
            taken.append((m.start(), m.end()))
    return tuple(result), taken


def comparable(a, b) -> bool:
    return any(x is not None and y is not None for x, y in zip(a, b))


def covers(stated, claimed) -> bool:
    """`stated` gives every part of `claimed`, equal: "21 February 1804" covers "February 21", "1804" does not."""
    return all(x is None or x == y for x, y in zip(claimed, stated))


def same(a, b) -> bool:
    """Compatible: every part both dates give is equal, and they share at least one part."""
    shared = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    return bool(shared) and all(x == y for x, y in shared)


def show(date) -> str:
    """(2023, 2, 21) -> "2023-02-21", (None, 2, 21) -> "02-21"."""
    return "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(date) if v is not None)


def without_year(claim: str, year: int) -> str:
    """The claim without its bare mentions of `year` ("the 2024 race" -> "the race", "won in 2024" ->
    "won"): what is left for a paragraph whose article's date gives the year."""
    return re.sub(r"\s+", " ", re.sub(rf"(?:\bin\s+)?\b{year}\b,?", "", claim)).strip()


def states_year(text: str) -> bool:
    return any(year is not None for year, _, _ in found(text)[0])
