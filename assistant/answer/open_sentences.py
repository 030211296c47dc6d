"""What an open answer is made of: the hits' sentences that may speak (`Candidate`), scored for
relevance to the question's topic, and the MMR choice among them: relevant, unlike each other, from
several articles (at most PER_ARTICLE each), no near-duplicates across versions of one story.

A sentence speaks as written, or lightly trimmed of a leading connective ("However, ..."), so it is
the source's own words and its citation holds by construction; one that leans on a sentence the
answer would not show ("He said ...", "This ...": evidence.LEANS_BACK) does not speak at all.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import evidence
from ingest.records import HEADER_INDEX
from ingest.text import content_words, prefix_stems, sentences

CONNECTIVE = re.compile(r"^(?:however|but|yet|also|indeed|moreover|furthermore|meanwhile|significantly|undoubtedly|"
                        r"notably|importantly|in addition|additionally|in fact|simply put|nevertheless|nonetheless|"
                        r"hence|still|and|so|thus)\b,?\s+", re.I)
# Sentences about the page, not the story: "Editor's note: This page reflects news on ...", "Here's what
# to know so far about ...", "More: ...", "For the latest news, view our live updates file on ...".
# They match the topic's words and state nothing.
ABOUT_THE_PAGE = re.compile(r"^(?:editor['’]?s note|here['’]?s (?:what|everything|how|why)|what (?:we|you) know|what to know|"
                            r"more:|read more|related:|see also|watch:|listen:|opinion:|live updates?|ai-assisted summary|"
                            r"this (?:page|story|article|file) (?:is|was|has|reflects|recaps|will))|"
                            r"\bthis page (?:is a summary|reflects)|"
                            r"^for (?:the )?(?:latest|more|continuing|live) (?:news|updates?|coverage|information)\b|"
                            r"\b(?:follow|view|see|read|check|visit) (?:our|(?:\w+ )?\w+['’]s) live (?:updates?|blog|coverage)\b", re.I)
MAX_SENTENCES = {"summary": 5, "latest": 4, "multi": 4, "comparison": 4}
PER_ARTICLE = 2
MIN_CONTENT_WORDS, MAX_SENTENCE_CHARS = 5, 400  # a fragment says too little; a run-on block is boilerplate
RELEVANCE_FLOOR, RELEVANCE_SHARE = 0.3, 0.6  # a sentence speaks if this relevant, and this close to the best
DIVERSITY = 0.3  # MMR: weight of a sentence's similarity to those already chosen
NEW_ARTICLE_BONUS = 0.1  # ... and the bonus for an article not yet quoted: an open answer draws on several
NEAR_DUPLICATE = 0.9  # cosine above which two sentences are one (versions of the same story)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a hit's paragraph that may speak: `hit` indexes the hits, `span` is what is shown."""
    hit: int
    span: tuple[int, int]
    relevance: float
    vector: np.ndarray = field(compare=False, repr=False)
    paragraph: object = field(compare=False, repr=False)

    @property
    def text(self) -> str:
        return self.paragraph.text[self.span[0]:self.span[1]]

    @property
    def doc_id(self) -> str:
        return self.paragraph.doc_id


@dataclass(frozen=True)
class Said:
    """One sentence of an open answer: a quote and the sources that vouch for it ((hit index, span)
    each), attributed to `who` ('Caliber.az (2023-02-27) says') where the answer contrasts sources."""
    quote: str
    sources: tuple[tuple[int, tuple[int, int]], ...]
    who: str | None = None


def without_connective(text: str, start: int, end: int) -> int:
    """Where the sentence text[start:end] begins once a leading "However," or "Indeed," is cut."""
    connective = CONNECTIVE.match(text[start:end])
    return start + len(connective.group(0)) if connective else start


def candidate_sentences(about: str, parts: list[str], hits: list, encode,
                        as_of: datetime.date) -> tuple[list[Candidate], list[list[float]]]:
    """The sentences that may speak, most relevant first (to `about` or to any of `parts`, a
    multi-part question's questions), and each one's relevance to each part. Not from a header, nor from an article
    dated after `as_of` (the library as it stood that day); no fragment, no question, nothing that
    leans on a sentence before it. One call to the embedder."""
    found = []
    for i, hit in enumerate(hits):
        paragraph = hit.paragraph
        if paragraph.paragraph_index == HEADER_INDEX or _after(paragraph.date, as_of):
            continue
        for start, end in sentences(paragraph.text):
            start = without_connective(paragraph.text, start, end)
            text = paragraph.text[start:end]
            if not (evidence.LEANS_BACK.match(text) or ABOUT_THE_PAGE.search(text)
                    or len(content_words(text)) < MIN_CONTENT_WORDS
                    or end - start > MAX_SENTENCE_CHARS or text.rstrip().endswith("?")):
                found.append((i, (start, end), paragraph))
    if not found:
        return [], []
    texts = [p.text[s:e] for _, (s, e), p in found]
    queries = [about, *parts]
    vectors = encode(queries + texts)
    scores = [[_relevance(q, v, query, t) for q, query in zip(vectors, queries)]
              for v, t in zip(vectors[len(queries):], texts)]
    candidates = [Candidate(i, span, max(s), v, p) for (i, span, p), s, v in zip(found, scores, vectors[len(queries):])]
    bar = max(RELEVANCE_FLOOR, RELEVANCE_SHARE * max(c.relevance for c in candidates))
    kept = sorted((n for n, c in enumerate(candidates) if c.relevance >= bar), key=lambda n: -candidates[n].relevance)
    return [candidates[n] for n in kept], [scores[n][1:] for n in kept]


def _relevance(query_vector, vector, query: str, text: str) -> float:
    """Half the cosine, half the share of the query's word stems the sentence holds (as evidence.select)."""
    wanted = prefix_stems(query)
    return 0.5 * float(query_vector @ vector) + 0.5 * len(wanted & prefix_stems(text)) / (len(wanted) or 1)


def choose(kind: str, candidates: list[Candidate], part_scores: list[list[float]]) -> list[Candidate]:
    """MMR: the most relevant sentence, then each next one the most relevant and least like those
    chosen, an article not yet quoted favoured, at most PER_ARTICLE per article, no near-duplicate.
    Seeded with the newest article's best sentence ("latest") or each part's best (`part_scores`)."""
    chosen: list[Candidate] = []
    dated = [c for c in candidates if day(c.paragraph.date)] if kind == "latest" else []
    if dated:  # the newest article's news: its earliest sentence that speaks (a report leads with it)
        newest = max(day(c.paragraph.date) for c in dated)
        chosen.append(min((c for c in dated if day(c.paragraph.date) == newest),
                          key=lambda c: (c.paragraph.paragraph_index, c.span)))
    for part in range(len(part_scores[0]) if part_scores else 0):
        best = max((n for n in range(len(candidates)) if may_join(candidates[n], chosen)),
                   key=lambda n: part_scores[n][part], default=None)
        if best is not None:
            chosen.append(candidates[best])
    while len(chosen) < MAX_SENTENCES.get(kind, 4):
        fitting = [c for c in candidates if may_join(c, chosen)]
        if not fitting:
            break
        docs = {c.doc_id for c in chosen}
        chosen.append(max(fitting, key=lambda c: c.relevance + (NEW_ARTICLE_BONUS if c.doc_id not in docs else 0.0)
                          - DIVERSITY * max((float(c.vector @ x.vector) for x in chosen), default=0.0)))
    return chosen


def may_join(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """Not chosen yet, its article under PER_ARTICLE, and no near-duplicate of a chosen sentence."""
    return candidate not in chosen and sum(c.doc_id == candidate.doc_id for c in chosen) < PER_ARTICLE \
        and not any(same_sentence(candidate, c) for c in chosen)


def same_sentence(a: Candidate, b: Candidate) -> bool:
    return float(a.vector @ b.vector) >= NEAR_DUPLICATE or content_words(a.text) == content_words(b.text)


def day(date: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(date[:10]) if date else None
    except ValueError:
        return None


def _after(date: str | None, as_of: datetime.date) -> bool:
    published = day(date)
    return published is not None and published > as_of
