"""Open questions: summaries, comparisons, "the latest on ...", and several questions asked as one.

A quiz answer (the one sentence that best matches the question) is the wrong shape for "Summarize
X", "Do the articles agree on X?" or "What's the latest on X?": it quotes one article and misses the
rest of the story. Here the answer is 2-6 sentences quoted from the hits' paragraphs, chosen for
relevance and diversity from several articles (assistant/open_sentences.py), each cited and checked
by the verifier against its paragraph; where two articles disagree, it says who says what
(assistant/open_compare.py). No model writes a word: every sentence is the source's own, and the
whole costs a few embedder calls.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import replace

import numpy as np

from assistant.answer import compose
from assistant.verify import verifier
from assistant.answer.compose import Composed
from assistant.answer.open_compare import contrast
from assistant.answer.open_sentences import MAX_SENTENCES, Candidate, Said, candidate_sentences, choose, day, same_sentence
from assistant.answer.question import names_about
from assistant.answer.retrieval import as_of_date
from assistant.verify.stated import names_one_of
from ingest.text import clause_of, content_words

SOURCE_NOUN = r"(?:articles?|sources?|reports?|outlets?|accounts?|papers?|stories|coverage|versions?)"
DIFFER = r"(?:agree|disagree|differ|diverge|contradict|conflict|consistent|compare|the same)"
WH = r"(?:who|what|which|when|where|why|how)"
# The open kinds and the phrasings that ask for them, the first that matches deciding.
KINDS = (
    ("comparison", re.compile(rf"\b{SOURCE_NOUN}\b.{{0,40}}\b{DIFFER}\b|\b{DIFFER}\b.{{0,40}}\b{SOURCE_NOUN}\b|"
                              r"^\s*(?:compare|contrast)\b", re.I)),
    ("latest", re.compile(r"\b(?:latest|newest|most recent)(?: (?:news|developments?|updates?|reports?|word))? "
                          r"(?:on|about|with|in|regarding|concerning|from)\b|"
                          r"\bwhat(?:'s| is) new (?:on|with|about|in)\b|"
                          r"\b(?:any|recent) (?:news|updates?|developments?) (?:on|about|from)\b|"
                          r"\bwhere do(?:es)? (?:things|it|matters) stand\b|\b(?:current )?status of\b", re.I)),
    ("summary", re.compile(r"^\s*(?:please\s+)?(?:(?:can|could) you\s+)?(?:summari[sz]e|sum up|recap|outline|"
                           r"brief me|tell me (?:about|everything about)|"
                           r"what do (?:the )?(?:articles|sources|reports|stories) say)\b|"
                           r"\b(?:summary|overview|rundown|recap|round-?up|gist|(?:key|main) points|highlights) of\b",
                           re.I)),
    ("multi", re.compile(rf"\b{WH}\b[^?]*?(?:,\s*|\s)and\s+{WH}\b|\?\s*\S[^?]*\?", re.I)),
)
# The words that only ask for the kind of answer: the topic is the rest ("Summarize Blinken's trip").
CUE_WORDS = frozenset("""summarize summarise summary sum up recap outline brief overview rundown roundup gist key main
points highlights give me tell everything please can could you do does did the two both all articles article sources
source reports report outlets outlet accounts account papers paper stories story coverage versions version agree
disagree differ diverge contradict conflict consistent compare contrast same on about latest newest most recent news
update updates developments what's whats new any where things stand status current say says""".split())
MULTI_PARTS = re.compile(rf"(?:,\s*|\s)and\s+(?={WH}\b)|\?\s*", re.I)


def open_kind(question: str) -> str | None:
    """"summary", "comparison", "latest" or "multi" for an open question; None for a fact question."""
    return next((kind for kind, pattern in KINDS if pattern.search(question)), None)


def topic(question: str) -> str:
    """The question without the words that only ask for a kind of answer ("Summarize", "the articles")."""
    kept = [w for w in re.findall(r"[\w'’.-]+", question) if w.lower().strip(".") not in CUE_WORDS]
    return " ".join(kept) or question


def answer_open(question: str, kind: str, hits: list, encode, as_of=None) -> Composed:
    """The open answer to `question` from `hits` (retrieval.Hit, best first): `Composed` text of
    cited sentences, `cited` indexing `hits` (marker [n] -> hits[cited[n-1]]), `quotes` the quoted
    span of each cited hit's paragraph. Empty (no text, nothing cited) when no sentence of the hits
    is about the question: the caller abstains. `as_of` (date or YYYY-MM-DD, default today): articles
    dated after it are not read."""
    as_of, encode = as_of_date(as_of), Remembered(encode)
    parts = [p for p in MULTI_PARTS.split(question) if content_words(p)] if kind == "multi" else []
    about = topic(question)
    candidates, part_scores = candidate_sentences(about, parts if len(parts) > 1 else [], hits, encode, as_of)
    named = names_about(question)  # a paragraph naming none of them is about another story
    on_story = [n for n, c in enumerate(candidates) if names_one_of(named, f"{c.paragraph.title}\n{c.paragraph.text}")]
    candidates, part_scores = [candidates[n] for n in on_story], [part_scores[n] for n in on_story]
    if not candidates:
        return Composed("", [])
    compared, quoted = contrast(candidates, about, encode) if kind == "comparison" else ([], [])
    if len(compared) > 1:  # who says what is the answer to "do they agree?"
        return render(compared, hits, as_of)
    if quoted:  # both articles say it: the rest of the answer is what else they say
        candidates = [c for c in candidates if not any(same_sentence(c, q) for q in quoted)]
    chosen = choose(kind, candidates, part_scores if kind == "multi" else [])
    chosen = chosen[:MAX_SENTENCES.get(kind, 4) - len(compared)]
    verdicts = verifier.check_many([(c.text, c.paragraph.text) for c in chosen], encode)
    chosen = [c for c, verdict in zip(chosen, verdicts) if verdict.supported]
    return render(compared + [Said(c.text, ((c.hit, c.span),)) for c in ordered(kind, chosen)], hits, as_of)


class Remembered:
    """The embedder, remembering each text's vector for the answer's later checks (the verifier
    reads the same sentences and paragraphs again)."""

    def __init__(self, encode):
        self.encode, self.vectors = encode, {}

    def __call__(self, texts: list[str]):
        new = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if new:
            self.vectors.update(zip(new, self.encode(new)))
        return np.array([self.vectors[t] for t in texts])


def ordered(kind: str, chosen: list[Candidate]) -> list[Candidate]:
    """Newest article first for "latest" (undated last); for the others, articles in the order they
    were first chosen (the most relevant first), except a multi-part question's answers, in the order
    asked. Within an article, in its own order."""
    if kind == "multi":
        return chosen
    first = {}
    for n, c in enumerate(chosen):
        first.setdefault(c.doc_id, n)
    if kind == "latest":
        return sorted(chosen, key=lambda c: (-(day(c.paragraph.date) or datetime.date.min).toordinal(),
                                             first[c.doc_id], c.paragraph.paragraph_index, c.span))
    return sorted(chosen, key=lambda c: (first[c.doc_id], c.paragraph.paragraph_index, c.span))


def render(said: list[Said], hits: list, as_of: datetime.date) -> Composed:
    """"<quote> [n]." per sentence, "<who>: "<quote>" [n]." where attributed; the first sentence of
    each article says its outlet and date where the cited articles differ in date or it is over a
    year old ("... [2] (according to Caliber.az, 2023-02-27)."), as compose.dated names old ones."""
    cited: list[int] = []
    quotes: dict[int, tuple[int, int]] = {}
    days = {hits[i].paragraph.date for s in said for i, _ in s.sources}
    named, pieces = set(), []
    for s in said:
        markers = ""
        for i, span in s.sources:
            if i not in cited:
                cited.append(i)
            old = quotes.get(i, span)
            quotes[i] = (min(old[0], span[0]), max(old[1], span[1]))
            markers += f"[{cited.index(i) + 1}]"
        paragraph = hits[s.sources[0][0]].paragraph
        label = ""
        if s.who is None and paragraph.date and paragraph.doc_id not in named \
                and (len(days) > 1 or compose._older(paragraph.date, as_of)):
            named.add(paragraph.doc_id)
            label = f" (according to {compose._outlet(replace(paragraph, date=None))}, {paragraph.date})"
        quote = clause_of(s.quote)
        quote = quote[:1].upper() + quote[1:]
        body = f'{s.who}: "{quote}"' if s.who else quote
        pieces.append(f"{body} {markers}{label}.")
    return Composed(" ".join(pieces), cited, quotes)
