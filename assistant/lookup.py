"""Where does a quote or a claim come from?

A quote is found without the embedding model: the lexical index proposes candidate paragraphs and
rapidfuzz aligns the quote inside each one, after both sides are normalized (compatibility forms,
accents, quote marks, dashes, whitespace, case) with a map back to the original characters, so the
reported span is in the stored paragraph text. Only when nothing is quoted does the claim go through
hybrid retrieval and the verifier answer citations pass (assistant/verify/verifier.py).

A near quote whose differences change its meaning (a "not" dropped or added, another number or name)
is `misquoted`, with the differing words; a claim the library states the opposite of is
`contradicted`, with the refuting sentence as its span. Neither ever comes back `quoted`.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from difflib import SequenceMatcher

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from assistant.answer.retrieval import Retriever
from assistant.errors import InvalidRequest
from assistant.types import LookupMatch, LookupResult
from assistant.verify import figures, language, verifier
from ingest.text import content_words

QUOTE_THRESHOLD = 0.85  # quote vs matched span similarity: a few typos or left-out words stay above
CANDIDATES = 50  # paragraphs the lexical index proposes for fuzzy alignment
PROBE_WORDS = 8  # words of the quote the lexical index is asked for
ROUGH_CUTOFF = 60  # partial_ratio (0-100) below which a paragraph is not worth aligning
PREFILTER = 50  # the same on the raw lowercased text, before normalizing
UNIFY = str.maketrans({**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"'),
                       **dict.fromkeys("‐‑‒–—―−", "-")})
ELLIPSIS = re.compile(r"\[?(?:\.\.\.|…)\]?")  # "[...]" in a quote stands for left-out words
QUOTE_WORD = re.compile(r"\w+(?:['’]t)?|…|\.\.\.")  # "doesn't" stays one word; an ellipsis is one too
MIN_CLAIM_WORDS = 2  # distinct content words a claim needs to say something of something
SPELLING_SIMILARITY = 80  # rapidfuzz ratio above which two single words are one word misspelt


def normalize(text: str) -> tuple[str, list[int]]:
    """The comparable form of `text`, and for each of its characters the index it came from in `text`
    (plus one final entry, len(text)), so spans found in the normalized form map back exactly."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKD", ch).translate(UNIFY).lower():
            if unicodedata.combining(c):
                continue
            if c.isspace():
                if not chars or chars[-1] == " ":
                    continue
                c = " "
            chars.append(c)
            origin.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin + [len(text)]


def quote_pieces(text: str) -> list[str]:
    """A quote as people paste it: surrounding quote marks do not count, and an ellipsis separates
    pieces that must appear in order with left-out words between them."""
    pieces = (normalize(piece)[0].strip(" \"'") for piece in ELLIPSIS.split(text))
    return [piece for piece in pieces if piece]


def align(quote: str, text: str, begin: int = 0) -> tuple[int, int, float] | None:
    """(start, end, similarity) of `quote` inside `text[begin:]`, both normalized, or None.

    partial_ratio finds where a window of the quote's length fits best; the span is then the pair
    of word boundaries around that window most similar to the quote, so left-out words and typos
    neither cut it short nor pad it."""
    rough = fuzz.partial_ratio_alignment(quote, text[begin:], score_cutoff=ROUGH_CUTOFF)
    if rough is None:
        return None
    slack = len(quote) // 2 + 1
    window_start, window_end = begin + rough.dest_start, begin + rough.dest_end
    starts = [i for i in range(max(begin, window_start - slack), min(window_end, window_start + slack))
              if i == 0 or not text[i - 1].isalnum() and text[i] != " "]
    ends = [i for i in range(max(window_start + 1, window_end - slack), min(len(text), window_end + slack) + 1)
            if i == len(text) or not text[i].isalnum() and text[i - 1] != " "]
    best = max(((Indel.normalized_similarity(quote, text[s:e]), -(e - s), s, e)
                for s in starts for e in ends if s < e), default=None)
    return best and (best[2], best[3], best[0])


def match_quote(pieces: list[str], text: str) -> tuple[int, int, float] | None:
    """The span of `text` covering all pieces in order, and their length-weighted similarity."""
    spans, begin = [], 0
    for piece in pieces:
        found = align(piece, text, begin)
        if found is None:
            return None
        spans.append(found)
        begin = found[1]
    similarity = sum(len(piece) * s for piece, (_, _, s) in zip(pieces, spans)) / sum(map(len, pieces))
    return spans[0][0], spans[-1][1], similarity


def probe_words(text: str) -> str:
    """The quote's longest content words: rarer than short ones, and enough to find a paragraph that
    holds them all, where an index query with every word of a long quote would scan half the corpus."""
    words = sorted(content_words(text), key=lambda w: (-len(w), w))
    return " ".join(words[:PROBE_WORDS]) or text


def find_quotes(store, text: str, k: int) -> list[LookupMatch]:
    """Paragraphs that contain `text` verbatim or nearly so, best first."""
    pieces = quote_pieces(text)
    if not pieces:
        return []
    longest = max(pieces, key=len)
    ids = [pid for pid, _ in store.lexical_search(probe_words(text), CANDIDATES)]
    paragraphs = store.get(ids)
    found = []
    for rank, pid in enumerate(ids):
        paragraph = paragraphs.get(pid)
        # the raw text is close enough to rule a paragraph out before the slower normalization
        if paragraph is None or not fuzz.partial_ratio(longest, paragraph.text.lower(), score_cutoff=PREFILTER):
            continue
        normalized, origin = normalize(paragraph.text)
        aligned = match_quote(pieces, normalized)
        if aligned and aligned[2] >= QUOTE_THRESHOLD:
            start, end, similarity = aligned
            span = (origin[start], origin[end - 1] + 1)
            changes = meaning_changes(text, paragraph.text[span[0]:span[1]])
            found.append((bool(changes), -similarity, rank,
                          LookupMatch.from_paragraph(paragraph, similarity, span, changes)))
    return [match for *_, match in sorted(found, key=lambda f: f[:3])[:k]]


def meaning_changes(quote: str, source: str) -> list[tuple[str, str]]:
    """(words in the quote, words in the source) for each edit that changes what the quote says: a
    negation dropped or added, another number, another name. "couldn't" for "could not", spelling
    and left-out filler words do not count."""
    a, b = QUOTE_WORD.findall(quote), QUOTE_WORD.findall(source)
    changes = []
    matcher = SequenceMatcher(None, [w.lower() for w in a], [w.lower() for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        said, written = a[i1:i2], b[j1:j2]
        if op != "equal" and not ELLIPSIS.fullmatch(" ".join(said)) and _changes_meaning(said, written):
            changes.append((" ".join(said), " ".join(written)))
    return changes


def _changes_meaning(said: list[str], written: list[str]) -> bool:
    """A negation left out or added changes meaning; a number or name does when the quote brings
    it (another figure, another name), not when the quote merely leaves the source's out."""
    if sum(map(_negates, said)) % 2 != sum(map(_negates, written)) % 2:
        return True
    if {w for w in said if _is_number(w)} - {w for w in written if _is_number(w)}:
        return True
    return any(not any(fuzz.ratio(n.lower(), m.lower()) >= SPELLING_SIMILARITY for m in written)
               for n in said if n[:1].isupper())


def _negates(word: str) -> bool:
    lower = word.lower()
    return lower in language.NEGATORS or lower.endswith(("n't", "n’t"))


def _is_number(word: str) -> bool:
    return any(c.isdigit() for c in word) or word.lower() in figures.NUMBER_WORDS


def check_claim(retriever: Retriever, encode, text: str, k: int) -> LookupResult:
    """A claim against the paragraphs retrieval finds for it: `supported` where the verifier says so
    (no span: it is a paraphrase), else `contradicted` where one states the opposite (its refuting
    sentence as the span), else `not_found` (also for a text of one word, however often repeated)."""
    if len(content_words(text)) < MIN_CLAIM_WORDS:  # "Blinken Blinken ...": nothing is said of anything
        return LookupResult(text, "not_found", [])
    hits = retriever.search(text, k, as_of=datetime.date.today())
    verdicts = verifier.check_many([(text, h.paragraph.text) for h in hits], encode)
    ranked = sorted(zip(verdicts, hits), key=lambda pair: -pair[0].score)
    supported = [LookupMatch.from_paragraph(h.paragraph, v.score) for v, h in ranked if v.supported]
    if supported:
        return LookupResult(text, "supported", supported)
    contradicted = [LookupMatch.from_paragraph(h.paragraph, v.score, (v.start, v.end))
                    for v, h in ranked if v.label == verifier.CONTRADICTED]
    return LookupResult(text, "contradicted" if contradicted else "not_found", contradicted)


def lookup(retriever: Retriever, encode, text: str, k: int = 5) -> LookupResult:
    """Quoted or misquoted when the text is found nearly verbatim, else the claim checked against the
    paragraphs `retriever` finds for it; `encode(texts)` is the embedder the verifier compares with."""
    if not text.strip():
        raise InvalidRequest("give the quote or claim to look up")
    quoted = find_quotes(retriever.store, text, k)
    if quoted:
        return LookupResult(text, "misquoted" if quoted[0].differences else "quoted", quoted)
    return check_claim(retriever, encode, text, k)


def highlight(match: LookupMatch, context: int = 120) -> str:
    """The matched span between »«, with some text either side (the paragraph's start for paraphrases)."""
    text = match.text
    if match.match_start is None:
        return text[:2 * context] + ("…" if len(text) > 2 * context else "")
    lo, hi = max(0, match.match_start - context), min(len(text), match.match_end + context)
    return ("…" if lo else "") + text[lo:match.match_start] + "»" + text[match.match_start:match.match_end] + \
        "«" + text[match.match_end:hi] + ("…" if hi < len(text) else "")


def print_result(result: LookupResult, as_json: bool) -> None:
    if as_json:
        import json

        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    print(result.verdict)
    for n, m in enumerate(result.matches, 1):
        page = f", page {m.page}" if m.page is not None else ""
        kind = "supports it" if m.match_start is None else "states the opposite" \
            if result.verdict == "contradicted" else "differs in meaning" if m.differences \
            else "verbatim" if m.score == 1.0 else "differs slightly"
        print(f"\n{n}. {m.title} ({m.source}, {m.place()}{page}; {kind}, score {m.score:.2f})")
        print(f"   {highlight(m)}")
        for said, written in m.differences:
            print(f"   differs: {said!r} where the source says {written!r}")
