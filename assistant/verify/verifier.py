"""Does a paragraph support a claim, contradict it, or say nothing about it?

One component for answers and citation lookup. The deciding span is the paragraph's sentence (or
pair of adjacent sentences) that best supports the claim: content-word recall plus MiniLM
similarity, as citations always used. Overlap and embeddings are blind to what makes a claim false
while it shares every word with its source, so the claim and that span are also compared by the
language rules of assistant/verify/language.py (polarity, numbers, dates, names) and assistant/verify/votes.py
(who voted how); a contradiction found this way decides. Otherwise the support score does
(`SUPPORT_THRESHOLD`), unless the span only expects the claim's outcome or only relates its role
(assistant/verify/modality.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.verify import modality, votes
from assistant.verify.language import contradiction, facts
from assistant.verify.names import name_in
from assistant.verify.stated import missing_fact, names_missing, stated_share
from ingest.text import content_words, prefix_stem, sentences, tokenize

SUPPORT_THRESHOLD = 0.5
MIN_QUOTED_WORDS = 3
PAIR_MARGIN = 0.05  # two sentences decide only when they support the claim clearly better than one
# a sentence that names whom the claim names but its best span does not refutes it only if this much
# about it: "Blinken refused to meet Mirziyoyev" / "he had meetings with ... Mirziyoyev" 0.36, "the
# meeting with Central Asian states will not be as smooth" / "Turkmenistan was absent" 0.24
NAMED_SENTENCE_SUPPORT = 0.3
FACT_WEIGHT = 0.25  # choosing the deciding span: the claim's names and figures count beyond its words
SUPPORTED, CONTRADICTED, UNSUPPORTED = "supported", "contradicted", "unsupported"


@dataclass(frozen=True)
class Verdict:
    """`label` for the claim against the paragraph; `text[start:end]` is the span that decides it."""
    label: str  # supported | contradicted | unsupported
    start: int
    end: int
    score: float  # support of the claim by the paragraph, [0, 1]
    reason: str | None = None  # why not supported: "negation", "antonym", "number", "date", "name", "support",
    # "modality", "outcome", "role" (assistant/verify/modality.py)
    detail: str | None = None  # the words that differ, for people: "'allows' vs 'does not allow'"

    @property
    def supported(self) -> bool:
        return self.label == SUPPORTED


# ---- the verifier ------------------------------------------------------------------------------
def candidate_spans(paragraph: str) -> list[tuple[int, int]]:
    """Each sentence and each pair of adjacent sentences: a claim may join two."""
    spans = sentences(paragraph) or [(0, len(paragraph))]
    return spans + [(a[0], b[1]) for a, b in zip(spans, spans[1:])]


def lexical_recall(claim_words: set[str], text: str) -> float:
    """Share of the claim's content words (or their 4-letter stems) found in `text`."""
    if not claim_words:
        return 0.0
    words = content_words(text)
    stems = {prefix_stem(w) for w in words}
    return sum(1 for w in claim_words if w in words or len(w) > 4 and prefix_stem(w) in stems) / len(claim_words)


def quoted(claim: str, paragraph: str) -> bool:
    """The claim is the paragraph's own words, in order (at least MIN_QUOTED_WORDS content words)."""
    if len(content_words(claim)) < MIN_QUOTED_WORDS:
        return False
    return f" {' '.join(tokenize(claim))} " in f" {' '.join(tokenize(paragraph))} "


def check_many(pairs: list[tuple[str, str]], encode, threshold: float = SUPPORT_THRESHOLD,
               independent: bool = False) -> list[Verdict]:
    """A `Verdict` for each (claim, paragraph), with one call to the embedder for all of them.
    `independent`: the claims are other articles' sentences (language.contradiction)."""
    if not pairs:
        return []
    spans = [candidate_spans(paragraph) for _, paragraph in pairs]
    texts = list(dict.fromkeys([c for c, _ in pairs] + [p for _, p in pairs]
                               + [p[s:e] for (_, p), ss in zip(pairs, spans) for s, e in ss]))
    vectors = dict(zip(texts, encode(texts)))
    return [_decide(claim, paragraph, spans_of, vectors, threshold, independent)
            for (claim, paragraph), spans_of in zip(pairs, spans)]


def check(claim: str, paragraph: str, encode, threshold: float = SUPPORT_THRESHOLD) -> Verdict:
    return check_many([(claim, paragraph)], encode, threshold)[0]


def contradicts(claim: str, span: str, paragraph: str, independent: bool = False) -> tuple[str, str] | None:
    """(reason, detail) where `span` (of `paragraph`) states the opposite of `claim`, by the language
    rules or by who voted how; else None. Support is not judged here."""
    return contradiction(claim, span, paragraph, independent) or votes.contradiction(claim, span)


def _decide(claim: str, paragraph: str, spans, vectors, threshold: float, independent: bool) -> Verdict:
    whole_sentences = set(sentences(paragraph))
    words = content_words(claim)
    claim_vector = vectors[claim]
    claimed = facts(claim)

    def support(text: str) -> float:
        return 0.5 * lexical_recall(words, text) + 0.5 * float(np.clip(claim_vector @ vectors[text], 0.0, 1.0))

    ranked = sorted(((support(paragraph[s:e]) + FACT_WEIGHT * stated_share(claimed, paragraph[s:e])
                      - (PAIR_MARGIN if (s, e) not in whole_sentences else 0.0), -(e - s), s, e)
                     for s, e in spans), reverse=True)
    _, _, start, end = ranked[0]
    on_topic = support(paragraph[start:end])
    score = max(on_topic, support(paragraph))
    if quoted(claim, paragraph):  # its own words cannot state its opposite (the parser may still differ)
        return Verdict(SUPPORTED, start, end, round(max(score, threshold), 4))
    found = contradicts(claim, paragraph[start:end], paragraph, independent) if on_topic >= threshold else None
    if (found or on_topic < threshold <= score) and not independent:
        elsewhere = _refuting_sentence(claim, paragraph, paragraph[start:end], support)
        if elsewhere:
            (start, end), found = elsewhere
    if found:  # only a span about the same thing (or naming whom the claim names) can state its opposite
        return Verdict(CONTRADICTED, start, end, round(score, 4), *found)
    if score < threshold:
        return Verdict(UNSUPPORTED, start, end, round(score, 4), "support")
    missing = missing_fact(claim, paragraph)
    if missing:
        return Verdict(UNSUPPORTED, start, end, round(score, 4), missing, f"a {missing} the source does not state")
    span = paragraph[start:end]
    unstated = modality.unstated_event(claim, span) or modality.unstated_role(claim, span)
    if unstated:  # the result may be another sentence's: "A set to face B in the final. A won 2-1."
        stating = next(((s, e) for _, _, s, e in ranked if unstated[0] != "role" and _states(claim, paragraph, s, e)
                        and support(paragraph[s:e]) >= threshold), None)
        if stating is None:
            return Verdict(UNSUPPORTED, start, end, round(score, 4), *unstated)
        start, end = stating
    return Verdict(SUPPORTED, start, end, round(score, 4))


def _states(claim: str, paragraph: str, start: int, end: int) -> bool:
    """`paragraph[start:end]` states the claim's events as done, and not otherwise than the claim."""
    span = paragraph[start:end]
    return modality.states_events(claim, span) and not contradicts(claim, span, paragraph)


def _refuting_sentence(claim: str, paragraph: str, best: str, support):
    """((start, end), (reason, detail)) of a sentence that names someone of the claim the best span
    does not and states the opposite, else None. Where the paragraph as a whole carries a claim its
    best span does not, or the best span refutes it: "Blinken refused to meet Mirziyoyev" is about
    "he had meetings with ... Shawkat Mirziyoyev", not about the better-worded sentence on his Kazakh
    meetings (which passed it unchecked, or refuted it with the wrong people). Not for another
    article's sentence: naming the same people is no proof of speaking of the same thing."""
    missing = names_missing(claim, best)
    for start, end in sentences(paragraph) if missing else ():
        sentence = paragraph[start:end]
        if any(name_in(name, sentence) for name in missing) and support(sentence) >= NAMED_SENTENCE_SUPPORT:
            found = contradicts(claim, sentence, paragraph)
            if found:
                return (start, end), found
    return None
