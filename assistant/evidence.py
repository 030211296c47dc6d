"""Evidence first: the sentences of each source that hold the answer, chosen before the model writes
a word.

A fixed character cut used to drop the sentence with the vote count or the "not"; choosing whole
sentences per paragraph, with a bonus for the kind of fact the question asks for (a figure, a date,
a person, a place), keeps it. The chosen sentences are what the model reads, what the web chat shows
within a second of the question, what the source check judges and what an answer falls back to
quoting when the model cannot phrase a verified one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import language
from assistant.answer_kind import ASKED, NAME
from ingest.records import HEADER_INDEX
from ingest.text import prefix_stems, sentences

MAX_EVIDENCE_CHARS = 400  # per source: ~100 tokens, so three sources keep the first token within seconds
MAX_WIDENED_CHARS = 1500  # a paragraph read whole: ~350 tokens, ~10 s of prompt on 2 cores
SECOND_SENTENCE_SHARE = 0.85  # a second sentence joins when it scores this close to the best
TYPE_BONUS = 0.15
WANTS = tuple((kind, pattern) for kind, pattern in ASKED if kind != NAME)  # the kinds `_holds` reads
LEANS_BACK = re.compile(r"^(?:he|she|it|they|this|that|these|those|his|her|its|their|but|however|yet|also|"
                        r"in response|as a result|consequently|therefore)\b", re.IGNORECASE)
YES_NO = re.compile(r"^\s*(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|may|might|"
                    r"must)\b(?!.*\bor\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """One source as the answer sees it: its paragraph, the chosen sentence spans and the best one."""
    hit: object  # retrieval.Hit
    spans: tuple[tuple[int, int], ...]  # chosen sentences, in paragraph order
    best: tuple[int, int]  # the single sentence most likely to hold the answer: the quote shown
    score: float

    @property
    def paragraph(self):
        return self.hit.paragraph

    @property
    def text(self) -> str:
        """What the model reads: the chosen sentences, elided text marked."""
        body = self.paragraph.text
        pieces = [body[self.spans[0][0]:self.spans[0][1]]]
        for (_, previous_end), (start, end) in zip(self.spans, self.spans[1:]):
            pieces.append((" " if not body[previous_end:start].strip() else " … ") + body[start:end])
        return "".join(pieces)

    @property
    def quote(self) -> str:
        return self.paragraph.text[self.best[0]:self.best[1]]


def wanted_kind(question: str) -> str | None:
    return next((kind for kind, pattern in WANTS if pattern.search(question)), None)


def is_yes_no(question: str) -> bool:
    return bool(YES_NO.match(question))


def select(question: str, hits: list, encode) -> list[Evidence]:
    """Evidence for each hit, in the hits' order, with one call to the embedder."""
    if not hits:
        return []
    sentence_spans = [_sentences(h.paragraph) for h in hits]
    texts = [h.paragraph.text[s:e] for h, spans in zip(hits, sentence_spans) for s, e in spans]
    vectors = encode([question] + texts)
    similarity = iter(vectors[1:] @ vectors[0])
    wanted, kind = prefix_stems(question), wanted_kind(question)
    chosen = []
    for hit, spans in zip(hits, sentence_spans):
        body = hit.paragraph.text
        scores = [0.5 * float(next(similarity)) + 0.5 * len(wanted & prefix_stems(body[s:e])) / (len(wanted) or 1)
                  + (TYPE_BONUS if kind and _holds(kind, body[s:e]) else 0.0) for s, e in spans]
        chosen.append(_choose(hit, spans, scores))
    return chosen


def _sentences(paragraph) -> list[tuple[int, int]]:
    """A paragraph's sentence spans; a header (title, author, date, outlet) is one sentence, whatever
    its title says ("Is ... influence? A new front ..." would otherwise be quoted from mid-title)."""
    if paragraph.paragraph_index == HEADER_INDEX:
        return [(0, len(paragraph.text))]
    return sentences(paragraph.text) or [(0, len(paragraph.text))]


def _choose(hit, spans: list[tuple[int, int]], scores: list[float]) -> Evidence:
    """The best sentence; the one before it when it leans back on it ("He added ..."); sentences
    scoring nearly as well; then the sentences after it (a topic sentence is often followed by the
    figures that answer): all within `MAX_EVIDENCE_CHARS`."""
    body = hit.paragraph.text
    best = max(range(len(spans)), key=scores.__getitem__)
    if len(body) <= MAX_EVIDENCE_CHARS:
        return Evidence(hit, tuple(spans), spans[best], scores[best])
    leans_back = [best - 1] if best > 0 and LEANS_BACK.match(body[spans[best][0]:spans[best][1]]) else []
    close = [i for i in sorted(range(len(spans)), key=lambda i: -scores[i])
             if i != best and scores[i] >= SECOND_SENTENCE_SHARE * scores[best]]
    keep: set[int] = set()
    for i in [best, *leans_back, *close, *range(best + 1, len(spans))]:
        if i not in keep and sum(spans[j][1] - spans[j][0] for j in keep | {i}) <= MAX_EVIDENCE_CHARS or not keep:
            keep.add(i)
    return Evidence(hit, tuple(spans[i] for i in sorted(keep)), spans[best], scores[best])


def widened(source: Evidence) -> Evidence:
    """The source with every sentence of its paragraph (up to `MAX_WIDENED_CHARS`, and always its best
    sentence): for the second look at a source judged just under the bar on its chosen sentences,
    where the answer sits in a sentence the choice left out (SQuAD's long paragraphs)."""
    spans = _sentences(source.paragraph)
    kept = tuple(s for s in spans if s[1] <= MAX_WIDENED_CHARS or s == source.best)
    return Evidence(source.hit, kept, source.best, source.score)


def _holds(kind: str, sentence: str) -> bool:
    found = language.facts(sentence)
    if kind == "number":
        return bool(found.numbers)
    if kind == "date":
        return bool(found.dates)
    labels = {"person": {"PERSON"}, "place": {"GPE", "LOC", "FAC"}}[kind]
    return any(label in labels for _, label in found.names)


def core_claim(question: str) -> str | None:
    """The bare statement a yes/no question asks about, without its modifiers: "Was Turkmenistan
    present for the vote on ...?" -> "Turkmenistan was present". A long question's own words can
    make a sentence about its context look like the evidence; its core meets the deciding sentence."""
    doc = language.parse(question.strip().rstrip("?"))
    subject = next((t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.i > 0), None)
    if subject is None:
        return None
    head = subject.head
    kept = {t.i for t in subject.subtree} | {doc[0].i, head.i}
    kept |= {c.i for c in head.children if c.dep_ in ("neg", "acomp", "attr", "dobj", "xcomp", "prt")}
    kept |= {c.i for t in list(head.children) if t.dep_ == "xcomp" for c in t.children if c.dep_ in ("aux", "dobj")}
    words = [t for t in doc if t.i in kept]
    ordered = [t.text for t in words if t.i in {x.i for x in subject.subtree}] + [doc[0].lower_] + \
        [t.text for t in words if t.i not in {x.i for x in subject.subtree} and t.i != doc[0].i]
    return " ".join(ordered)


def as_claim(question: str) -> str:
    """A yes/no question as the statement it asks about: "Does X allow Y?" -> "X does allow Y"."""
    doc = language.parse(question.strip().rstrip("?"))
    auxiliary = doc[0]
    subject = next((t for t in doc if t.dep_ in ("nsubj", "nsubjpass", "expl") and t.i > 0), None)
    if subject is None:
        return doc[1:].text
    left, right = subject.left_edge.i, subject.right_edge.i + 1
    return " ".join(part for part in (doc[left:right].text, auxiliary.lower_, doc[1:left].text,
                                      doc[right:].text) if part)
