"""The same article saved twice (another file name, another site's chrome around it) differs in its
hash but not in its body; a story republished with new facts shares most of its text but not all.

Each document's cleaned text becomes a bottom-k MinHash sketch of its word shingles, stored with the
document (the store's `sketches` table), so checking a new document asks the store for the few
documents sharing sketch values: index lookups, never a pass over the library. Documents similar
enough to be versions of one story are then compared paragraph by paragraph: a new document with no
paragraph of its own is a copy and is dropped; one with new paragraphs is another version, kept whole
(retrieval lets the newest version speak for the paragraphs they share).
"""
from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
from collections import Counter, defaultdict
from typing import Callable, Iterable

from ingest.clean import normalize_line
from ingest.sink import IngestStore

SHINGLE_WORDS = 5
SKETCH_SIZE = 128
THRESHOLD = 0.7  # estimated Jaccard similarity of shingle sets; re-saved copies score above 0.9
CANDIDATES = 5  # documents sharing the most sketch values that are compared in full
NEW_SHARE = 0.5  # a paragraph most of whose shingles the other versions lack is new
MIN_NEW_WORDS = 8  # shorter paragraphs (captions, bylines, leftover chrome) make no new version


def shingles(text: str) -> set[str]:
    """Word 5-grams of the normalized text (punctuation and case ignored)."""
    words = normalize_line(text).split()
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def text_sketch(paragraphs: Iterable[str]) -> frozenset[int]:
    """The SKETCH_SIZE smallest shingle hashes (signed 64-bit, as SQLite stores integers)."""
    return _sketch(tuple(paragraphs))


@functools.lru_cache(maxsize=1024)  # a batch of documents between planning and writing
def _sketch(paragraphs: tuple[str, ...]) -> frozenset[int]:
    """Cached: ingest sketches a document to look for its versions, then the registry stores the same
    sketch (half the sketching time of a news ingest)."""
    hashes = {int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big", signed=True)
              for s in shingles(" ".join(paragraphs))}
    return frozenset(heapq.nsmallest(SKETCH_SIZE, hashes))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Bottom-k estimate of the Jaccard similarity of the two shingle sets."""
    union = heapq.nsmallest(SKETCH_SIZE, a | b)
    return sum(h in a and h in b for h in union) / len(union) if union else 0.0


def new_paragraphs(paragraphs: list[str], others: list[str]) -> list[int]:
    """Indexes of the paragraphs (of MIN_NEW_WORDS words or more) mostly absent from `others`."""
    seen = set().union(*(shingles(text) for text in others))
    new = []
    for i, text in enumerate(paragraphs):
        if len(normalize_line(text).split()) >= MIN_NEW_WORDS:
            own = shingles(text)
            new += [i] if len(own - seen) > NEW_SHARE * len(own) else []
    return new


class NearDuplicates:
    """Finds a document's other versions, and the document holding its exact text, among the documents
    the library will hold after this run: those planned in it, and the stored ones it leaves as they
    are. A stored document this run gives other text vouches for nothing: its stored text is about to
    go, so a copy of that text (a backup of an edited file) is no duplicate of it."""

    def __init__(self, store: IngestStore, changing: Callable[[str], bool] = lambda doc_id: False):
        """`changing(doc_id)`: will a file of this run, not planned yet, give that stored document other text?"""
        self.store = store
        store.fill_sketches()  # a store made before sketches were stored gets them once
        self._changing = changing
        self._sketches: dict[str, frozenset[int]] = {}  # this run's documents
        self._texts: dict[str, list[str]] = {}
        self._by_hash: dict[int, set[str]] = defaultdict(set)
        self._content: dict[str, str] = {}  # content hash -> doc_id, for documents added in this run

    def same_text(self, content_hash: str) -> str | None:
        """The document that will hold exactly this text after the run, if any."""
        if planned := self._content.get(content_hash):
            return planned
        stored = self.store.find_by_hash(content_hash)
        return stored.doc_id if stored and self._keeps_stored_text(stored.doc_id) else None

    def versions(self, doc_id: str, sketch: frozenset[int]) -> list[tuple[str, float]]:
        """Other documents at or above THRESHOLD similarity, most similar first."""
        shared = Counter(dict(self.store.sketch_matches(sketch, CANDIDATES)))
        shared.update(other for h in sketch for other in self._by_hash.get(h, ()))
        shared.pop(doc_id, None)
        candidates = itertools.islice((other for other, _ in shared.most_common()
                                       if other in self._sketches or self._keeps_stored_text(other)), CANDIDATES)
        scored = [(other, similarity(sketch, self._sketch(other))) for other in candidates]
        return sorted(((o, s) for o, s in scored if s >= THRESHOLD), key=lambda pair: -pair[1])

    def texts(self, doc_id: str) -> list[str]:
        """A document's paragraph texts: this run's from memory, a stored one's from the store."""
        if doc_id in self._texts:
            return self._texts[doc_id]
        return [p.text for p in self.store.paragraphs(doc_id)]

    def add(self, doc_id: str, sketch: frozenset[int], content_hash: str, texts: list[str]) -> None:
        for h in self._sketches.get(doc_id, ()):
            self._by_hash[h].discard(doc_id)
        self._sketches[doc_id], self._texts[doc_id] = sketch, texts
        for h in sketch:
            self._by_hash[h].add(doc_id)
        self._content[content_hash] = doc_id

    def _sketch(self, doc_id: str) -> frozenset[int]:
        return self._sketches.get(doc_id) or self.store.sketch(doc_id)

    def _keeps_stored_text(self, doc_id: str) -> bool:
        """Will the stored document still hold its stored text after this run?"""
        return doc_id not in self._texts and not self._changing(doc_id)
