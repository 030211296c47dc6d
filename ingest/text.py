"""What a word is, for every part that compares texts: the store's lexical search, retrieval's phrase
bonus, evidence choice, prompting, verification, lookup and the chat rewrite all tokenize here, so
they agree on words, stopwords and stems. Sentence boundaries are `ingest.split.sentences` (spans
that keep their offsets), available here beside the words."""
from __future__ import annotations

import re

from ingest.split import clause_of, sentences

__all__ = ["MONTHS", "MONTH_NAME", "STOPWORDS", "WORD", "clause_of", "content_words", "inflection_stem", "prefix_stem",
           "prefix_stems", "query_terms", "sentences", "tokenize", "words_in"]

WORD = re.compile(r"\w+")
STOPWORDS = frozenset("""a an and are as at be by did do does for from had has have he her his how i if in into is it
its of on or she that the their them they this to was were what when where which who whom whose why will with
you your about after also any been but can could many more most much other over same should some than then there
these those through under up very would""".split())
PREFIX_STEM_LENGTH = 4
# month names and their abbreviations -> 1..12: article dates (ingest/clean.py) and dates stated in
# sentences (assistant/verify/dates.py) read them alike
MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
    ("nov", "november"), ("dec", "december")), 1) for m in names}
MONTH_NAME = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"  # a regex; longest first


def words_in(text: str) -> list[str]:
    """The words of `text` as written (runs of letters, digits and underscores)."""
    return WORD.findall(text)


def tokenize(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order."""
    return [w.lower() for w in WORD.findall(text)]


def content_words(text: str) -> set[str]:
    """The lower-cased words that carry meaning: no stopwords, no single letters."""
    return {w for w in tokenize(text) if w not in STOPWORDS and len(w) > 1}


def prefix_stem(word: str) -> str:
    """A word cut to 4 letters, a crude stemmer for matching across forms: "meet"/"meetings",
    "Uzbek"/"Uzbekistan"."""
    return word[:PREFIX_STEM_LENGTH]


def prefix_stems(text: str) -> set[str]:
    """The prefix stems of the content words of `text`."""
    return {prefix_stem(w) for w in content_words(text)}


def inflection_stem(word: str) -> str:
    """A word without an inflection ending (-ing, -ed, -es, -s), for word pairs: "talks held"/"talk held".
    Gentler than `prefix_stem`, so a pair of stems still names one phrase."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[:-len(suffix)]
    return word


def query_terms(text: str) -> list[str]:
    """The content words of a query, lower-cased, first occurrence order (all its words when it has only
    stopwords): what the lexical index is asked for."""
    tokens = tokenize(text)
    return list(dict.fromkeys(w for w in tokens if w not in STOPWORDS)) or list(dict.fromkeys(tokens))
