"""Does a text name the same person, place or thing? The name matching of the verifier.

A name is found by its distinctive words: "Blinken" is enough for "Antony Blinken", but "Avenue" is not
enough for "Balch Avenue" when the text says "Kings Canyon Avenue". Other spellings and forms count
("Mirzoyev"/"Mirziyoyev", "Uzbek"/"Uzbekistan"), and so do acronyms ("UN" for "United Nations", and
the other way round); an acronym itself ("SAT", "A2") must be there as written, not as the start of
some longer word.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import fuzz

from ingest.text import words_in

FILLERS = frozenset({"the", "and", "for", "of"})
# words that many different names and titles share: alone they do not say which place, body or person
GENERIC_NAME_WORDS = frozenset("""president minister secretary senator governor mayor ambassador judge justice
chairman chairwoman chief director spokesman spokeswoman king queen prince princess pope prime foreign avenue street road square bridge river lake mountain mountains island islands
bay park county city province district state states republic kingdom empire university college school
institute museum church hospital party union council committee assembly congress court department ministry
agency bureau office company group association foundation corporation inc corp day war battle act law treaty
program programme center centre national international federal royal general""".split())
FUZZY_SAME = 80  # rapidfuzz ratio at which two words are one name spelled two ways ...
FUZZY_MIN_LENGTH = 6  # ... long ones: "Mirzoyev"/"Mirziyoyev", not "Opill"/"pill"
MIN_STEM = 4  # "Uzbek" names "Uzbekistan"; shorter words must match whole


def name_in(name: str, text: str) -> bool:
    """`text` names what `name` names: one of its distinctive words (or its acronym) is there."""
    wanted = [w for w in words_in(name) if w.lower() not in FILLERS and (len(w) > 2 or _is_acronym(w))]
    distinctive = [w for w in wanted if not is_generic(w)] or wanted
    if not distinctive:
        return True
    words, tokens, acronyms = _index(text)
    if _acronym_of(words_in(name)) in tokens:
        return True
    return any(_word_in(w, words, tokens, acronyms) for w in distinctive)


def is_generic(word: str) -> bool:
    return word.lower() in GENERIC_NAME_WORDS


def _word_in(word: str, words: list[str], tokens: set[str], acronyms: set[str]) -> bool:
    if _is_acronym(word):
        return word.lower() in tokens or word.lower() in acronyms
    w = _plain(word.lower())
    return any(w == x or x.startswith(w) or w.startswith(x) and len(x) >= MIN_STEM
               or min(len(w), len(x)) >= FUZZY_MIN_LENGTH and fuzz.ratio(w, x) >= FUZZY_SAME for x in words)


def _is_acronym(word: str) -> bool:
    """"UN", "SAT", "A2": upper-case letters (and digits), not a capitalised word."""
    return len(word) >= 2 and word.isupper()


@functools.lru_cache(maxsize=4096)
def _index(text: str) -> tuple[list[str], set[str], set[str]]:
    """The text's words (lower-cased, 3+ letters), every token (dots removed: "U.S." -> "us"), and the
    acronyms of its runs of capitalised words ("United Nations General Assembly" -> un, ung, unga, ...;
    "Intergovernmental Panel on Climate Change" -> ipcc)."""
    words = [_plain(w.lower()) for w in words_in(text) if len(w) > 2]
    tokens = {re.sub(r"\.", "", t).lower() for t in re.findall(r"\w+(?:\.\w+)*\.?", text)}
    acronyms: set[str] = set()
    for run in re.findall(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|the|for|on|in)\s+)?[A-Z][\w'’-]*)+", text):
        capitals = [w[0].lower() for w in run.split() if w[0].isupper()]
        acronyms |= {"".join(capitals[i:j]) for i in range(len(capitals)) for j in range(i + 2, len(capitals) + 1)}
    return words, tokens, acronyms


def _plain(word: str) -> str:
    """Without accents: "Céloron" is "Celoron" (and so, by its spelling, the question's "Celeron")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _acronym_of(words: list[str]) -> str:
    capitals = [w[0].lower() for w in words if w[:1].isupper()]
    return "".join(capitals) if len(capitals) >= 2 else ""
