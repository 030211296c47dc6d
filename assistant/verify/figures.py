"""Figures in text: numbers written as digits or words, with their scale ("$5m", "2.3 billion"),
dates left out; and when two figures are the same one."""
from __future__ import annotations

import re

from assistant.verify import dates
from ingest.text import STOPWORDS, prefix_stem, words_in

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if w != "_"}
NUMBER_WORDS.update(thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80, ninety=90, hundred=100,
                    dozen=12)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "mn": 1e6,
          "bn": 1e9, "b": 1e9}
COUNTED_WORDS = 3  # the words after a figure that say what it counts
NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:\s*(thousand|million|billion|trillion|bn|mn|[kmb])\b)?"
                    r"|\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def value_of(match) -> float | None:
    digits, _, word = match.groups()
    return float(NUMBER_WORDS[word.lower()]) if word else float(digits.replace(",", "")) if digits else None


def numbers_in(text: str) -> tuple[float, ...]:
    """The figures `text` states, its dates left out ("May 5, 2023" is no figure)."""
    return tuple(value for value, _ in _numbers(text, dates.found(text)[1]))


def figures_of(text: str) -> list[tuple[float, frozenset[str]]]:
    """Each figure with what it counts: the stems of the content words right after it ("all five
    Central Asian states" -> 5, {cent, asia, stat}). Two articles' figures are about the same thing
    only where these meet."""
    return [(value, frozenset(prefix_stem(w.lower()) for w in words_in(text[end:])[:COUNTED_WORDS]
                              if w.lower() not in STOPWORDS and not NUMBER.fullmatch(w)))
            for value, end in _numbers(text, dates.found(text)[1])]


def _numbers(text: str, skip: list[tuple[int, int]]):
    """(value, end offset) of each figure outside `skip`."""
    for m in NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        value, scale = value_of(m), m.group(2)
        if scale:
            if scale.lower() in ("m", "b", "k") and not _is_money_context(text, m):
                continue
            value *= SCALES[scale.lower()]
        yield value, m.end()


def _is_money_context(text: str, m) -> bool:
    """"$5m", "5bn": a one-letter scale only after a currency sign or code."""
    return bool(re.search(r"(?:[$€£¥]|usd|eur|gbp)\s*$", text[max(0, m.start() - 5):m.start()], re.IGNORECASE))


def has_number(value: float, numbers) -> bool:
    """Stated within rounding (0.5%) for amounts; a whole number under 10,000 (a year, a count) exactly."""
    tolerance = 0.0 if value == int(value) and abs(value) < 10_000 else 0.005 * abs(value)
    return any(abs(value - n) <= tolerance for n in numbers)


def show(n: float) -> str:
    return f"{n:,.0f}" if n == int(n) else f"{n:g}"
