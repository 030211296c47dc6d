"""Do the articles agree? Who says what, where two articles state different things about one matter.

The verifier decides, reading each article's most relevant sentences against the other article's
paragraphs as another article's words (`independent=True`, as compose's witnesses are read): only a
contradiction about the same slot counts (a count of the same thing, a vote of the same group, a
negated predicate of nearly the same words), so a sentence on another matter is never shown as the
other side ("But X says ... G20 meeting ..." beside an answer it disagrees with in nothing). Two
articles a month or more apart speak of different events (compose._same_story). Where they say the
same, both are cited on the one sentence.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from assistant.answer import compose, evidence
from assistant.verify import verifier
from assistant.answer.open_sentences import Candidate, Said, without_connective
from ingest.text import content_words, prefix_stems, sentences

TOP_PER_ARTICLE = 3  # each article's most relevant sentences are read against the other's paragraphs
MAX_ARTICLES = 3  # the most relevant articles compared pairwise: a few dozen verifier checks
# share of the topic's words either sentence holds that both hold: "all five Central Asian states" and
# "the other four Central Asian countries abstained" share 2 of 3 of "how the Central Asian countries
# voted on the UN resolution"; a budget for "the new park" 1 of 4 of "the budget for the new river bridge"
SAME_TOPIC_WORDS = 0.6
NEGATION_RECALL = 0.5  # share of one sentence's content words the other holds, for a "not" to oppose them
# "both say" needs more than support (half word recall, half cosine: "expected to talk about China and
# Russia" is supported by "not tasked with pushing ... to choose between ... Russia and China"): the two
# sentences must mean the same, by MiniLM cosine (that pair: below 0.5; a paraphrase: above 0.8)
AGREE_COSINE = 0.7


def contrast(candidates: list[Candidate], about: str, encode) -> tuple[list[Said], list[Candidate]]:
    """([Said, Said], the sentences quoted) where two articles disagree: each says its own words,
    attributed and cited, the more relevant article first; ([Said], ...) naming both articles where
    they say the same; ([], []) where no two articles speak of the same matter (or only one article
    speaks). `candidates`: most relevant first, to `about` (the question's topic); `encode` remembers
    vectors (open_answer.Remembered)."""
    by_article = defaultdict(list)
    for candidate in candidates:
        if len(by_article[candidate.doc_id]) < TOP_PER_ARTICLE:
            by_article[candidate.doc_id].append(candidate)
    articles = list(by_article.values())[:MAX_ARTICLES]
    pairs = [(ours, theirs) for a, mine in enumerate(articles) for b, other in enumerate(articles) if a != b
             for ours in mine for theirs in {c.paragraph.paragraph_id: c for c in other}.values()
             if compose._same_story(ours.paragraph, theirs.paragraph)]  # a sentence, the other's paragraph
    verdicts = verifier.check_many([(ours.text, theirs.paragraph.text) for ours, theirs in pairs], encode,
                                   compose.UNVETTED_ON_TOPIC, independent=True)
    ranked = sorted(zip(pairs, verdicts), key=lambda item: -(item[0][0].relevance + item[0][1].relevance))
    for (ours, theirs), verdict in ranked:
        said = _deciding_sentence(ours.text, theirs, verdict) if verdict.label == verifier.CONTRADICTED else None
        if said and _same_matter(ours.text, said.text, verdict.reason, about):
            first, second = sorted((ours, said), key=lambda c: _rank(c, articles))
            return [Said(c.text, ((c.hit, c.span),), f"{compose._outlet(c.paragraph)} says")
                    for c in (first, second)], [first, second]
    for (ours, theirs), verdict in ranked:
        if verdict.supported and _alike(ours.text, theirs.paragraph.text[verdict.start:verdict.end], encode):
            both = f"{compose._outlet(ours.paragraph)} and {compose._outlet(theirs.paragraph)} agree"
            return [Said(ours.text, ((ours.hit, ours.span), (theirs.hit, (verdict.start, verdict.end))), both)], \
                [ours, replace(theirs, span=(verdict.start, verdict.end))]
    return [], []


def _deciding_sentence(claim: str, theirs: Candidate, verdict) -> Candidate | None:
    """The one sentence of the contradicting span (the verifier's spans may pair two) that states the
    opposite for the verdict's reason (a count, not the "not" of the sentence beside it), without a
    leading connective: what the other article says, and no more. None where that sentence leans on
    the one before it ("He claimed ...": who?)."""
    paragraph = theirs.paragraph.text
    for start, end in sentences(paragraph, verdict.start, verdict.end):
        found = verifier.contradicts(claim, paragraph[start:end], paragraph, independent=True)
        if found and found[0] == verdict.reason:
            start = without_connective(paragraph, start, end)
            return None if evidence.LEANS_BACK.match(paragraph[start:end]) else replace(theirs, span=(start, end))
    return None


def _same_matter(ours: str, theirs: str, reason: str | None, about: str) -> bool:
    """Do the two sentences speak of the same part of the question's topic (SAME_TOPIC_WORDS)? A
    budget "for the new park" is no other side of the one "for the new river bridge", though the
    verifier finds the two counts of "budget" differ. And a "not" opposes only sentences that say
    nearly the same words (NEGATION_RECALL): "would not be reluctant to impose sanctions" does not
    deny that a visit "is of critical importance"."""
    wanted = prefix_stems(about)
    mine, other = wanted & prefix_stems(ours), wanted & prefix_stems(theirs)
    if not mine & other or len(mine & other) < SAME_TOPIC_WORDS * max(len(mine), len(other)):
        return False
    return reason != "negation" or max(verifier.lexical_recall(content_words(ours), theirs),
                                       verifier.lexical_recall(content_words(theirs), ours)) >= NEGATION_RECALL


def _alike(ours: str, theirs: str, encode) -> bool:
    """Do the two sentences say the same (AGREE_COSINE)? The verifier has just encoded both."""
    vectors = encode([ours, theirs])
    return float(vectors[0] @ vectors[1]) >= AGREE_COSINE


def _rank(candidate: Candidate, articles: list[list[Candidate]]) -> int:
    return next(n for n, article in enumerate(articles) if article[0].doc_id == candidate.doc_id)
