"""The source check: of the top sources, those the backend itself judges to answer exactly this
question, before it writes a word.

Judging before generating means this abstention never follows a streamed answer, costs no
generation, and the prompt holds only the paragraphs worth citing. At most PER_DOCUMENT sources of one
article pass (its best judged: the game's name and the feat are often told in neighbouring paragraphs,
while a second article is a witness whose agreement or disagreement the answer should show).
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from assistant.answer.evidence import Evidence, widened
from assistant.answer.question import Question

JUDGED_SOURCES = 3  # ~1.1 s per judgement on 2 cores; further hits rarely hold the answer ...
FURTHER_SOURCES = 2  # ... but where none of the first do, the next are judged before abstaining
PER_DOCUMENT = 2  # news spreads one answer over neighbouring paragraphs ("Tetris is..." / "Gibson beat the game")
SECOND_LOOK = 0.35  # no source passed, the best judged at least this: judge it again on its whole paragraph
# Sources only loosely about the question (MiniLM cosine to it below LOOSE_RELEVANCE, all of them) need a
# surer judgement (LOOSE_BAR) to be answered from: SQuAD's unanswerable questions are asked beside
# paragraphs on their topic, which the judge passes at 0.5-0.7. Tuned on the answer logs of SQuAD questions
# 21-200, news and seed: 8 more of 33 unanswerable SQuAD questions abstained for 2 of 118 right answers; on
# the held-out lines 1-20 and 201-300 of sample300, 3 more of 27 for about 2 right and 4 wrong answers.
LOOSE_RELEVANCE, LOOSE_BAR = 0.4, 0.7


@dataclass
class Judged:
    """What the check let through, best first, and its best judgement. Without a judgement (a backend
    that cannot judge, or the check turned off) every picked source passes and `confidence` is None."""
    sources: list[Evidence]
    confidence: float | None
    seconds: float | None = None  # the time judging took, where it judged
    looked: int = 0  # how many of the picked sources it judged


def screen(backend, question: Question, picked: list[Evidence], min_confidence: float, encode) -> Judged:
    """The sources of `picked[:JUDGED_SOURCES]` the backend judges at least `min_confidence` to answer
    the question; where none does, the next FURTHER_SOURCES are judged (the answering paragraph of a
    long story often ranks below its background: "Moana 2" beat "Frozen II" in the fifth hit). The
    chosen sentences can leave out the one that answers (a long paragraph, an answer far from the
    question's words): when nothing passes, the best-judged source, if near the bar, is judged once
    more on its whole paragraph, and reaches the model whole if that passes. Sources all loosely about
    the question pass only a surer judgement (LOOSE_BAR)."""
    if not picked:
        return Judged([], None)
    if min_confidence <= 0:
        return Judged(picked, None)
    started = time.perf_counter()
    looked, best, kept = 0, None, []
    for size in (JUDGED_SOURCES, FURTHER_SOURCES):
        batch = picked[looked:looked + size]
        if kept or not batch:
            break
        judged = [(source, backend.confidence(question.text, source.text)) for source in batch]
        if any(confidence is None for _, confidence in judged):  # a backend that cannot judge
            return Judged(picked, None)
        looked += len(batch)
        kept, confidence = _passed(backend, question, judged, min_confidence, encode)
        best = confidence if best is None else max(best, confidence)
    return Judged(kept, best, time.perf_counter() - started, looked)


def _passed(backend, question: Question, judged: list, min_confidence: float, encode):
    """The judged sources that pass, best first (at most PER_DOCUMENT of an article), and the best
    judgement; the best one judged just under the bar gets its second look on its whole paragraph."""
    best = max(range(len(judged)), key=lambda i: judged[i][1])
    source, confidence = judged[best]
    if SECOND_LOOK <= confidence < min_confidence and (wide := widened(source)).text != source.text:
        judged[best] = max(judged[best], (wide, backend.confidence(question.text, wide.text)), key=lambda pair: pair[1])
    kept, per_document = [], Counter()
    for source, confidence in sorted(judged, key=lambda pair: -pair[1]):
        if confidence >= min_confidence and per_document[source.paragraph.doc_id] < PER_DOCUMENT:
            per_document[source.paragraph.doc_id] += 1
            kept.append(source)
    best = max(confidence for _, confidence in judged)
    if kept and best < LOOSE_BAR and _loosely_about(question, kept, encode):
        return [], best
    return kept, best


def _loosely_about(question: Question, sources: list[Evidence], encode) -> bool:
    """Does every source's paragraph lie below LOOSE_RELEVANCE (MiniLM cosine) from the question?
    Their own texts are encoded: a header's hit carries its document's score, not its own."""
    vectors = encode([question.text] + [s.paragraph.text for s in sources])
    return float((vectors[1:] @ vectors[0]).max()) < LOOSE_RELEVANCE
