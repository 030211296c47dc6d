"""Retrieval: BM25 (SQLite FTS5, or the same scores from memory) and dense (Chroma, MiniLM)
candidates, fused, optionally re-scored.

Methods (squad2-dev figures in bench/out/retrieval.json, `python bench/retrieval.py`):
- "hybrid" (default): "weighted" plus a phrase bonus, the share of the question's word pairs
  (stemmed, not both stopwords) that occur as a pair in the paragraph: crowd-written questions reuse
  the source's phrasing, which bag-of-words scores cannot see. Then, since a question usually asks
  about one sentence, how well the paragraph's best sentence matches it: the share of the question's
  word weight (idf) that sentence holds, and its cosine (long paragraphs' sentence vectors are stored:
  vectorstore/sentences.py).
- "mpnet": the "hybrid" top candidates re-scored with all-mpnet-base-v2 (assistant/answer/rerank.py), its
  cosine mixed half and half with the "hybrid" score: about one point of R@1 more, five times the
  query cost, and every paragraph must first be encoded by the big model.
- "weighted": BM25 divided by the query's best BM25 score, mixed half and half with the MiniLM cosine.
- "rrf": reciprocal rank fusion of the two lists; "dense" and "bm25": one list alone.

Every returned paragraph carries `score`, its MiniLM cosine similarity to the question (from the
stored vectors, so lexical-only hits are scored too): the relevance signal abstention uses.

Whatever the method, paragraphs of the same text (syndicated copies, the shared paragraphs of a
story's versions) come back once, from the newest document not dated after `as_of`; and a question
about the recent past ("this week", "latest", ...) prefers, mildly, paragraphs dated shortly before
`as_of` (a score prior, never a filter: assistant/answer/recency.py).
"""
from __future__ import annotations

import datetime
import functools
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

from assistant.answer.recency import time_asked, with_recency
from assistant.answer.rerank import rescorer_for
from assistant.errors import InvalidRequest
from assistant.settings import check_k
from ingest.records import Paragraph
from ingest.text import STOPWORDS, inflection_stem, query_terms, sentences, words_in
from vectorstore.store import Filters, Store

METHODS = ("hybrid", "mpnet", "weighted", "rrf", "dense", "bm25")
DEFAULT_METHOD = "hybrid"
RRF_K = 60
CANDIDATES = 30  # per list; the gold paragraph is among the union's 60 for >99% of squad2-dev questions
DENSE_WEIGHT = 0.5  # "weighted": share of the cosine against the scaled BM25 score
PHRASE_WEIGHT = 0.3  # "hybrid": bonus for a paragraph holding all of the question's word pairs
# "hybrid": the best sentence's share of the question's word weight, and its cosine. Chosen on one half
# of squad2-dev's questions and checked on the other (R@1 +2.3 points either way; bench/out/retrieval.json).
COVER_WEIGHT, SENTENCE_WEIGHT = 0.7, 1.0
RESCORE_WEIGHT = 0.5  # "mpnet": share of the mpnet cosine against the "hybrid" score
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The lexical search, and the fetch of its hits' stored vectors, run here while the question is embedded
# (one BLAS thread) and the dense index asked: SQLite and Chroma let go of the GIL, so on two cores the
# slower of the two sets the time, not their sum.
SIMILARITY_METHODS = ("weighted", "hybrid", "mpnet")  # those that score lexical hits by their cosine
LEXICAL_WORKERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lexical-search")


def _paragraph_field(name: str) -> property:
    return property(lambda hit: getattr(hit.paragraph, name), doc=f"the paragraph's {name}")


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    score: float  # MiniLM cosine similarity question <-> paragraph, the relevance signal
    rank_score: float  # what the ranking used (method dependent)

    # the paragraph's fields callers read most; the rest are on `paragraph`
    text = _paragraph_field("text")
    paragraph_id = _paragraph_field("paragraph_id")
    doc_id = _paragraph_field("doc_id")
    title = _paragraph_field("title")
    source = _paragraph_field("source")
    paragraph_index = _paragraph_field("paragraph_index")

    def to_dict(self) -> dict:
        return {**self.paragraph.to_dict(), "score": round(self.score, 4)}


class Retriever:
    def __init__(self, store: Store, embed_query, method: str = DEFAULT_METHOD, candidates: int = CANDIDATES):
        if method not in METHODS:
            raise InvalidRequest(f"unknown retrieval method {method!r}; choose one of {', '.join(METHODS)}")
        self.store, self.embed_query, self.method, self.candidates = store, embed_query, method, candidates

    def search(self, question: str, k: int = 5, filters: Filters = Filters(),
               as_of: datetime.date | None = None) -> list[Hit]:
        n = max(self.candidates, k)
        lexical_job = LEXICAL_WORKERS.submit(self._lexical, question, n, filters) \
            if self.method != "dense" else None
        query_vector = np.asarray(self.embed_query(question), dtype=np.float32)
        dense = self.store.dense_search(query_vector, n, filters) if self.method != "bm25" else []
        lexical, lexical_vectors = lexical_job.result() if lexical_job else ([], {})
        similarity = dict(dense)
        if self.method == "rrf":
            ranked = rrf(dense, lexical)
        elif self.method in SIMILARITY_METHODS:
            similarity |= cosines(query_vector, {pid: vector for pid, vector in lexical_vectors.items()
                                                 if pid not in similarity})
            ranked = weighted(similarity, dict(lexical), DENSE_WEIGHT)
        else:
            ranked = dict(dense or lexical)
        pool = sorted(ranked, key=ranked.get, reverse=True)[:n]
        paragraphs = as_it_stood(self.store.get(pool), as_of)
        if self.method in ("hybrid", "mpnet"):
            ranked = {pid: ranked[pid] + PHRASE_WEIGHT * phrase_overlap(question, paragraphs[pid].text)
                      for pid in pool if pid in paragraphs}
            ranked = self._with_best_sentence(question, query_vector, ranked, paragraphs, similarity)
        if self.method == "mpnet" and ranked:
            ranked = self._rescore(question, ranked)
        if as_of and (asked := time_asked(question)).recent and ranked:
            ranked = with_recency(ranked, {pid: p.date for pid, p in paragraphs.items()}, as_of, asked.half_life_days)
        top = distinct(sorted(ranked, key=ranked.get, reverse=True), paragraphs, as_of)[:k]
        self._add_similarity(similarity, query_vector, top)
        return [Hit(paragraphs[pid], similarity.get(pid, 0.0), ranked[pid]) for pid in top]

    def _lexical(self, question: str, n: int, filters: Filters) -> tuple[list[tuple[str, float]], dict]:
        """The lexical hits and, where the method scores them by cosine, their stored vectors."""
        hits = self.store.lexical_search(question, n, filters)
        vectors = self.store.embeddings([pid for pid, _ in hits]) if self.method in SIMILARITY_METHODS else {}
        return hits, vectors

    def _with_best_sentence(self, question: str, query_vector, ranked: dict[str, float],
                            paragraphs: dict[str, Paragraph], similarity: dict[str, float]) -> dict[str, float]:
        """`ranked` plus how well each paragraph's best sentence matches: the share of the question's
        word weight (idf) one sentence holds, and the best sentence's cosine (stored for long
        paragraphs; a short one's own cosine stands for it)."""
        frequencies, size = self.store.document_frequencies(query_terms(question))
        weights: dict[str, float] = {}
        for term, frequency in frequencies.items():
            weights[inflection_stem(term)] = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
        vectors = self.store.sentence_vectors([paragraphs[pid].text for pid in ranked])
        rescored = {}
        for pid, score in ranked.items():
            text = paragraphs[pid].text
            stored = vectors.get(text)
            best = float((stored @ query_vector).max()) if stored is not None else similarity.get(pid, 0.0)
            rescored[pid] = score + COVER_WEIGHT * sentence_cover(weights, text) + SENTENCE_WEIGHT * best
        return rescored

    def _add_similarity(self, similarity: dict[str, float], query_vector, paragraph_ids: list[str]) -> None:
        """Cosine of paragraphs the dense list did not return, from their stored vectors."""
        missing = [pid for pid in paragraph_ids if pid not in similarity]
        similarity |= cosines(query_vector, self.store.embeddings(missing))

    def _rescore(self, question: str, first_stage: dict[str, float]) -> dict[str, float]:
        mpnet = rescorer_for(self.store).scores(question, list(first_stage))
        return {pid: RESCORE_WEIGHT * mpnet.get(pid, 0.0) + (1 - RESCORE_WEIGHT) * score
                for pid, score in first_stage.items()}


def as_it_stood(paragraphs: dict[str, Paragraph], as_of: datetime.date | None) -> dict[str, Paragraph]:
    """The paragraphs the library held on `as_of`: an article dated after it is neither cited nor a
    witness (asked as of mid-January, a March article does not exist yet); undated ones stay."""
    if as_of is None:
        return paragraphs
    day = as_of.isoformat()
    return {pid: p for pid, p in paragraphs.items() if not p.date or p.date[:10] <= day}


def distinct(order: list[str], paragraphs: dict[str, Paragraph], as_of: datetime.date | None) -> list[str]:
    """One paragraph per text, at its best rank: copies would fill the top k with the same words.
    The newest document not dated after `as_of` speaks for them (on a tie, the best ranked)."""
    groups: dict[str, list[str]] = {}
    for pid in order:
        if pid in paragraphs:
            groups.setdefault(" ".join(paragraphs[pid].text.split()), []).append(pid)
    return [max(group, key=lambda pid: _newness(paragraphs[pid].date, as_of)) for group in groups.values()]


def _newness(date: str | None, as_of: datetime.date | None) -> tuple[bool, str]:
    usable = bool(date) and (as_of is None or date[:10] <= as_of.isoformat())
    return usable, date if usable else ""


def as_of_date(value: str | datetime.date | None) -> datetime.date:
    """The day a question is asked on: today for None or "", else a real YYYY-MM-DD date (a clear
    InvalidRequest otherwise)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _date("as_of", value) or datetime.date.today()


def cosines(query_vector, vectors: dict[str, list[float]]) -> dict[str, float]:
    """Cosine of the question to each stored (unit) vector."""
    return {pid: float(np.dot(query_vector, np.asarray(vector, dtype=np.float32))) for pid, vector in vectors.items()}


def rrf(*ranked_lists: list[tuple[str, float]]) -> dict[str, float]:
    """Reciprocal rank fusion: only the ranks count, so no score scales need matching."""
    fused: dict[str, float] = {}
    for results in ranked_lists:
        for rank, (pid, _) in enumerate(results):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def weighted(similarity: dict[str, float], bm25: dict[str, float], dense_weight: float) -> dict[str, float]:
    """Cosine mixed with BM25 divided by this query's best BM25 score (so both lie in about [0, 1]);
    a paragraph outside the BM25 list counts 0 there."""
    best = max(bm25.values(), default=0.0) or 1.0
    return {pid: dense_weight * similarity.get(pid, 0.0) + (1 - dense_weight) * bm25.get(pid, 0.0) / best
            for pid in similarity.keys() | bm25.keys()}


@functools.lru_cache(maxsize=8192)  # paragraphs come back query after query: tokenize each once
def word_pairs(text: str) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs, lower-cased and crudely stemmed, leaving out pairs of two stopwords."""
    stems = [inflection_stem(w) for w in words_in(text.lower())]
    return frozenset((a, b) for a, b in zip(stems, stems[1:]) if not (a in STOPWORDS and b in STOPWORDS))


@functools.lru_cache(maxsize=8192)
def sentence_stems(text: str) -> tuple[frozenset[str], ...]:
    """Each sentence's words, lower-cased and crudely stemmed, without stopwords."""
    return tuple(frozenset(inflection_stem(w) for w in words_in(text[s:e].lower()) if w not in STOPWORDS)
                 for s, e in sentences(text) or [(0, len(text))])


def sentence_cover(weights: dict[str, float], paragraph: str) -> float:
    """The largest share of the question's word weight that one sentence of the paragraph holds, in [0, 1]."""
    total = sum(weights.values())
    if not total:
        return 0.0
    return max(sum(w for stem, w in weights.items() if stem in stems) for stems in sentence_stems(paragraph)) / total


def phrase_overlap(question: str, paragraph: str) -> float:
    """Share of the question's word pairs that the paragraph also contains, in [0, 1]."""
    wanted = word_pairs(question)
    return len(wanted & word_pairs(paragraph)) / len(wanted) if wanted else 0.0


def check_request(k: int | None = None, filters: Filters | None = None) -> None:
    """A clear InvalidRequest for a `k` out of range or a date filter that is not a real YYYY-MM-DD date,
    or whose `since` comes after its `until`; None means "the default" / "no filter"."""
    check_k(k)
    if filters is None:
        return
    dates = {name: _date(name, getattr(filters, name)) for name in ("since", "until")}
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        raise InvalidRequest(f"since ({filters.since}) is after until ({filters.until}): no date lies between them")


def as_filters(filters: Filters | dict | None) -> Filters:
    """`Filters`, also from a plain dict of its fields, as scripts and JSON callers write them; an
    unknown key is refused rather than silently filtering nothing."""
    if not isinstance(filters, dict):
        return filters or Filters()
    known = [f.name for f in fields(Filters)]
    unknown = sorted(set(filters) - set(known))
    if unknown:
        raise InvalidRequest(f"unknown filter(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return Filters(**filters)


def _date(name: str, value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        if ISO_DATE.fullmatch(value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidRequest(f"{name} must be a real date as YYYY-MM-DD, got {value!r}")
