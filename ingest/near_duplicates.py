"""The same article saved twice (another file name, another site's chrome around it) differs in its
hash but not in its body. Each document's cleaned text becomes a bottom-k MinHash sketch of its
word shingles; documents sharing a sketch value are the only candidates compared, so checking a new
document costs a few set operations however large the library is.
"""
from __future__ import annotations

import hashlib
import heapq
from collections import Counter, defaultdict
from typing import Iterable

from ingest.clean import normalize_line

SHINGLE_WORDS = 5
SKETCH_SIZE = 128
THRESHOLD = 0.7  # estimated Jaccard similarity of shingle sets; re-saved copies score above 0.9


def text_sketch(paragraphs: Iterable[str]) -> frozenset[int]:
    """The SKETCH_SIZE smallest shingle hashes of the normalized text (punctuation and case ignored)."""
    words = normalize_line(" ".join(paragraphs)).split()
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    hashes = {int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles}
    return frozenset(heapq.nsmallest(SKETCH_SIZE, hashes))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Bottom-k estimate of the Jaccard similarity of the two shingle sets."""
    union = heapq.nsmallest(SKETCH_SIZE, a | b)
    return sum(h in a and h in b for h in union) / len(union) if union else 0.0


class NearDuplicates:
    """Sketches of the documents in the store (loaded on first need) plus those added in this run."""

    def __init__(self, store):
        self.store = store
        self._sketches: dict[str, frozenset[int]] | None = None
        self._by_hash: dict[int, set[str]] = defaultdict(set)
        self._content: dict[str, str] = {}  # content hash -> doc_id, for documents added in this run

    def same_text(self, content_hash: str) -> str | None:
        return self._content.get(content_hash)

    def twin(self, doc_id: str, sketch: frozenset[int]) -> tuple[str, float] | None:
        """The most similar other document at or above THRESHOLD, with its similarity."""
        sketches = self._load()
        shared = Counter(other for h in sketch for other in self._by_hash.get(h, ()) if other != doc_id)
        best = max(((other, similarity(sketch, sketches[other])) for other, _ in shared.most_common(5)),
                   key=lambda pair: pair[1], default=None)
        return best if best and best[1] >= THRESHOLD else None

    def add(self, doc_id: str, sketch: frozenset[int], content_hash: str | None = None) -> None:
        sketches = self._load()
        for h in sketches.get(doc_id, ()):
            self._by_hash[h].discard(doc_id)
        sketches[doc_id] = sketch
        for h in sketch:
            self._by_hash[h].add(doc_id)
        if content_hash:
            self._content[content_hash] = doc_id

    def _load(self) -> dict[str, frozenset[int]]:
        if self._sketches is None:
            self._sketches = {}
            texts: dict[str, list[str]] = defaultdict(list)
            for paragraph in self.store.paragraphs():
                texts[paragraph.doc_id].append(paragraph.text)
            for doc_id, paragraphs in texts.items():
                self.add(doc_id, text_sketch(paragraphs))
        return self._sketches
