"""Do the articles agree? Who says what, where two articles state different things about one matter.

The verifier decides, reading each article's relevant sentences against the other article's
paragraphs as another article's words (`independent=True`, as compose's witnesses are read): only a
contradiction about the same slot counts (a count of the same thing, a vote of the same group, a
negated predicate), so a sentence on another matter is never shown as the other side ("But X says
... G20 meeting ..." beside an answer it disagrees with in nothing). Two articles a month or more
apart speak of different events (compose._same_story). Where they say the same, both are cited on
the one sentence.
"""
from __future__ import annotations

from collections import defaultdict

from assistant import compose, verifier
from assistant.open_sentences import Said, without_connective
from ingest.text import sentences

TOP_PER_ARTICLE = 3  # each article's most relevant sentences are read against the other's paragraphs
MAX_ARTICLES = 3  # the most relevant articles compared pairwise: a few dozen verifier checks
AGREE_SCORE = 0.6  # support (verifier score) for "both say": surer than the bar for a contradiction



def contrast(candidates: list, encode) -> tuple[list[Said], list]:
    """([Said, Said], quoted candidates) where two articles disagree: each says its own words,
    attributed and cited; ([Said], ...) naming both where one's sentence is what the other's paragraph
    states; ([], []) where no two articles speak of the same matter (or only one article speaks).
    `candidates` are open_sentences.Candidate, most relevant first."""
    by_article = defaultdict(list)
    for candidate in candidates:
        if len(by_article[candidate.doc_id]) < TOP_PER_ARTICLE:
            by_article[candidate.doc_id].append(candidate)
    articles = list(by_article.values())[:MAX_ARTICLES]
    pairs = []  # (a sentence, the other article's paragraph and the hit it comes from)
    for a, ours in enumerate(articles):
        for b, theirs in enumerate(articles):
            if a == b:
                continue
            paragraphs = {c.paragraph.paragraph_id: c for c in theirs}
            pairs += [(c, other) for c in ours for other in paragraphs.values()
                      if compose._same_story(c.paragraph, other.paragraph)]
    verdicts = verifier.check_many([(c.text, other.paragraph.text) for c, other in pairs], encode,
                                   compose.UNVETTED_ON_TOPIC, independent=True)
    ranked = sorted(zip(pairs, verdicts), key=lambda item: -(item[0][0].relevance + item[0][1].relevance))
    for (claim, other), verdict in ranked:
        if verdict.label == verifier.CONTRADICTED:
            span = _deciding_sentence(claim.text, other.paragraph.text, verdict)
            first, second = (claim, (claim.hit, claim.span), claim.text), \
                (other, (other.hit, span), other.paragraph.text[span[0]:span[1]])
            if _rank(other, articles) < _rank(claim, articles):
                first, second = second, first  # the more relevant article speaks first
            return [Said(text, (source,), f"{compose._outlet(c.paragraph)} says") for c, source, text in (first, second)], \
                [claim, other]
    for (claim, other), verdict in ranked:
        if verdict.supported and verdict.score >= AGREE_SCORE:
            both = f"{compose._outlet(claim.paragraph)} and {compose._outlet(other.paragraph)} agree"
            return [Said(claim.text, ((claim.hit, claim.span), (other.hit, (verdict.start, verdict.end))), both)], \
                [claim, other]
    return [], []


def _deciding_sentence(claim: str, paragraph: str, verdict) -> tuple[int, int]:
    """The one sentence of a contradicting span (the verifier's spans may pair two) that states the
    opposite for the verdict's reason (a count, not the "not" of the sentence beside it), without a
    leading connective: what the other article says, and no more."""
    for start, end in sentences(paragraph, verdict.start, verdict.end):
        found = verifier.contradicts(claim, paragraph[start:end], paragraph, independent=True)
        if found and found[0] == verdict.reason:
            return without_connective(paragraph, start, end), end
    return verdict.start, verdict.end


def _rank(candidate, articles: list[list]) -> int:
    return next(n for n, article in enumerate(articles) if article[0].doc_id == candidate.doc_id)
