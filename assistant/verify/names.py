"""Does a text name the same person, place or thing? The name matching of the verifier.

A name is found by its distinctive words: "Blinken" is enough for "Antony Blinken", but "Avenue" is not
enough for "Balch Avenue" when the text says "Kings Canyon Avenue". Other spellings and forms count
("Mirzoyev"/"Mirziyoyev", "Uzbek"/"Uzbekistan"), and so do acronyms ("UN" for "United Nations", and
the other way round); an acronym itself ("SAT", "A2") must be there as written, not as the start of
some longer word. A sentence copied with one name put in another's place is a swap however often the
new name appears nearby (`swapped`).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from ingest.text import STOPWORDS, words_in

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
NEAR_COPY = 0.8  # share of words a claim and a sentence have in order, for one to be the other edited
MAX_SWAP_WORDS = 4  # a longer edit rewrites the sentence rather than swapping a name in it
COPY_WORD = re.compile(r"[\w'’.-]*\w")  # "Republican-controlled", "Trump’s", "St." stay whole


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


@functools.lru_cache(maxsize=4096)  # the verifier asks it for names, then for figures, of the same pair
def copy_edits(claim: str, sentence: str) -> tuple[tuple[str, str], ...]:
    """(the claim's words, the sentence's words) for each short run of words replaced where the claim
    copies `sentence` (NEAR_COPY of its words, in order); () when it does not copy it."""
    said, written = list(COPY_WORD.finditer(claim)), list(COPY_WORD.finditer(sentence))
    matcher = SequenceMatcher(None, [m[0].lower() for m in said], [m[0].lower() for m in written], autojunk=False)
    if matcher.ratio() < NEAR_COPY:
        return ()
    return tuple((claim[said[i1].start():said[i2 - 1].end()], sentence[written[j1].start():written[j2 - 1].end()])
                 for op, i1, i2, j1, j2 in matcher.get_opcodes()
                 if op == "replace" and max(i2 - i1, j2 - j1) <= MAX_SWAP_WORDS)


def swapped(claim: str, sentence: str) -> tuple[str, str] | None:
    """(the claim's words, the sentence's words) where the claim is `sentence` copied with a name put
    in another's place ("the American-controlled Legislature" for "the Republican-controlled
    Legislature", "Agnifilo hush-money trial" for "Donald Trump's ..."), else None. The new name may
    well appear elsewhere in the paragraph: in the copied sentence it says who did what. Leaving a name
    out, adding one, a title for a name ("the Secretary") or another form ("US" / "United States")
    is no swap."""
    for ours, theirs in copy_edits(claim, sentence):
        our_names = _name_words(ours, _opening_aside(claim, ours))
        their_names = _name_words(theirs, _opening_aside(sentence, theirs))
        if our_names and their_names and not name_in(our_names, theirs) and not name_in(their_names, ours):
            return ours, theirs
    return None


def _opening_aside(text: str, phrase: str) -> bool:
    """The phrase opens the sentence and a comma sets it off: "Thus,", "However,"."""
    return text.startswith(phrase) and text[len(phrase):].startswith(",")


def _name_words(phrase: str, opening_aside: bool) -> str:
    """The capitalised words that are neither common words, titles or place-type words, adverbs
    ("Significantly") nor an opening word set off by a comma ("Thus,"), each without what it is
    joined to ("Republican" of "Republican-controlled")."""
    return " ".join(re.split(r"[-–]", m[0])[0] for m in COPY_WORD.finditer(phrase)
                    if m[0][:1].isupper() and m[0].lower() not in STOPWORDS and not is_generic(m[0])
                    and not m[0].lower().endswith("ly") and not (opening_aside and m.start() == 0))


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
