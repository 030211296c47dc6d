"""From the verified draft to the answer shown.

- A draft that verification emptied, a NOT_FOUND, or a draft that only repeats the question or adds
  a term its sources lack (assistant/answer/substance.py), while the source check vouched for a source:
  the answer is that source's evidence sentence, quoted and cited (the model could not beat it).
- A yes/no question takes its "Yes" or "No" from the verifier's verdict on the question's
  statement against the cited evidence, never from the model's first word. When the cited evidence
  settles neither way, or the check kept nothing, a candidate paragraph that contradicts the
  statement (about the same people) answers "No": the check's judge tends to reject the paragraph
  that says "does not" (it reads the question as a claim), and a false premise is why nothing
  "answers" it.
- Each other article the check kept that the answer does not cite speaks for itself, quoted and
  cited, unless the cited paragraphs support all its evidence: where the sources differ, the other
  side is shown; one that only adds something speaks if on the cited paragraph's topic
  (SAME_TOPIC). An article the check did not vouch for (or never judged) speaks only where the
  cited paragraphs contradict it and it was published within a month of them: stating the opposite
  of the answer about the same story is its own proof of relevance.
- A claim drawn from an article over a year older than the day asked (`as_of`) says the article's
  year where it is first cited: news goes stale, and the reader should know how old it is.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from assistant.answer import evidence, substance
from assistant.answer.citations import ANY_MARKER, Verified, first_marker_citing
from assistant.answer.question import Question, as_question
from assistant.verify import actions, dates, language, stated, verifier
from ingest.records import HEADER_INDEX
from ingest.text import clause_of, sentences

MARKER_RUN = re.compile(rf"(?:\s*{ANY_MARKER})*")  # the markers that follow one
LEADING_POLARITY = re.compile(r"^\s*(?:yes|no)\b[,.!:;]?\s*", re.IGNORECASE)
WITNESS_LEAD = r'(?:But|Also,) .{1,120}? says: "'  # how another article's sentence is introduced
WITNESS = re.compile(rf"\s{WITNESS_LEAD}")  # where an answer's own words end and its other side begins
# what compose adds around the sources' words: "No. ", "(according to a 2021 ... article)", 'Also, X says: "'
ATTRIBUTION = re.compile(rf'^(?:Yes|No)\. |\s*\(according to [^)]*\)|^{WITNESS_LEAD}'
                         rf'|"(?=\s*(?:{ANY_MARKER})*\s*[.!?]?\s*$)')
MAX_WITNESSES = 2
# An unvetted source contradicts the answer only about the same thing; its sentence and the cited
# paragraph often word it differently ("all five ... abstentions" / "the other four ... abstained"),
# so "the same thing" is judged a little looser than support.
UNVETTED_ON_TOPIC = 0.4
# ... and is about the same story: news from another month that "contradicts" a figure is about
# another event (a 2018 strike's 4,000 workers against this year's Boeing strike).
SAME_STORY_DAYS = 30
# A vetted article that adds something the answer's paragraphs do not say (rather than contradicting
# them) speaks only when its paragraph is about what a cited one is about (MiniLM cosine of the two
# paragraphs): the check's judge vouches for off-topic paragraphs too ("Imperialism" beside a Black Death
# answer). Of the "Also," witnesses in the answer logs of the seed, news and SQuAD sets, 6 of 23 were
# right; 11 of the 17 wrong ones lay below 0.5, and 1 right one (0.18). A contradiction needs no such test:
# the verifier found it about the same thing, and a short paragraph ("Turkmenistan was absent, ...") lies
# far from a long one.
SAME_TOPIC = 0.5
OLD_AFTER_DAYS = 365


@dataclass
class Composed:
    text: str
    cited: list[int]  # source indexes in order of first use; marker [i+1] -> cited[i]
    quotes: dict[int, tuple[int, int]] = field(default_factory=dict)  # source index -> quoted span


def compose(question: Question | str, verified: Verified, sources: list, encode, judged: bool,
            vetted: int | None = None) -> Composed:
    """`sources` are `Evidence`: the first `vetted` (default all) are what the draft's markers refer
    to, the rest candidates the check rejected or never judged. `judged`: the source check vouched
    for the vetted ones, so a hollow draft may quote the first and the others may speak as witnesses."""
    question = as_question(question)
    vetted = len(sources) if vetted is None else vetted
    yes_no = question.yes_no
    hollow = not (verified.abstained or yes_no) and substance.shortfall(
        question.text, verified.text, [sources[i].paragraph.text for i in verified.cited])
    if verified.abstained or hollow:
        if not (judged and vetted):
            return Composed("", [])
        composed = Composed(f"{clause_of(sources[0].quote)} [1].", [0], {0: sources[0].best})
    else:
        composed = Composed(verified.text, list(verified.cited), dict(verified.quotes))
    if yes_no:
        cited = [sources[i].paragraph for i in composed.cited]
        settled = settle(question.text, [p.text for p in cited], encode, [p.date for p in cited])
        if settled is None and judged:  # the judge may have rejected the paragraph that says "does not"
            return denial(question, sources, encode) or _with_polarity(None, composed)
        if settled and verified.abstained:  # the answer is our own quote: quote the sentence that settles it
            i, (a, b) = composed.cited[settled[1]], settled[2]
            composed = Composed(f"{clause_of(sources[i].paragraph.text[a:b])} [1].", [i], {i: (a, b)})
        composed = _with_polarity(settled and settled[0], composed)
    return _with_witnesses(composed, sources, vetted, encode) if judged else composed


def denial(question: Question | str, sources: list, encode) -> Composed | None:
    """"No. <the sentence that refutes it> [1]." for a yes/no question whose whole statement a source
    contradicts, the refuting sentence naming everyone the statement names unless the names differ
    (then at least one other: `_refutes`); else None. Not the bare core: without its modifiers ("the
    Uzbek president" -> "president") the statement would be refuted by a sentence about someone else."""
    question = as_question(question)
    if not (question.yes_no and sources):
        return None
    claim = evidence.as_claim(question.text)
    verdicts = verifier.check_many([(claim, s.paragraph.text) for s in sources], encode)
    refuting = [i for i, v in enumerate(verdicts) if _refutes(claim, v, sources[i].paragraph.text) and (
        v.reason == "name" or stated.names_stated(claim, sources[i].paragraph.text[v.start:v.end]))]
    if not refuting:
        return None
    i = max(refuting, key=lambda j: (verdicts[j].score, -j))  # the sentence most about the statement
    verdict = verdicts[i]
    span = sources[i].paragraph.text[verdict.start:verdict.end]
    return Composed(f"No. {clause_of(span)} [1].", [i], {i: (verdict.start, verdict.end)})


def dated(composed: Composed, sources: list, as_of: datetime.date) -> Composed:
    """"... [1] (according to a 2021 usatoday.com article)." after the first marker of each article
    cited from a paragraph dated over OLD_AFTER_DAYS before `as_of`, once per article; witnesses and
    the article's own header already say its date. Beside other markers ("[1][2]") it names its
    own: "(according to [2], a 2021 ... article)", or [1] would read as that article."""
    text, named = composed.text, set()
    for n, i in enumerate(composed.cited, 1):
        paragraph = sources[i].paragraph
        if not _older(paragraph.date, as_of) or f"{_outlet(paragraph)} says" in text \
                or paragraph.paragraph_index == HEADER_INDEX or paragraph.doc_id in named:
            continue
        marker = first_marker_citing(text, n)
        if marker:
            named.add(paragraph.doc_id)
            end = marker.end() + len(MARKER_RUN.match(text, marker.end())[0])
            shared = end > marker.end() or text[:marker.start()].rstrip().endswith("]") or re.search(r"[,;]", marker[0])
            label = f"[{n}], {_article(paragraph)}" if shared else _article(paragraph)
            text = f"{text[:end]} (according to {label}){text[end:]}"
    return Composed(text, composed.cited, composed.quotes)


def _older(date: str | None, as_of: datetime.date) -> bool:
    try:
        return bool(date) and (as_of - datetime.date.fromisoformat(date[:10])).days > OLD_AFTER_DAYS
    except ValueError:
        return False


def _article(paragraph) -> str:
    """"a 2021 usatoday.com article", or 'a 2021 article, "Its title"' when the source is a file path."""
    year, source = paragraph.date[:4], paragraph.source or ""
    if source and not re.search(r"[/\\]", source):
        return f"a {year} {source} article"
    return f'a {year} article, "{_clip(paragraph.title, 60)}"'


def polarity(question: str, texts: list[str], encode, published: list[str | None] | None = None) -> str | None:
    """"Yes", "No", or None where the texts do not settle the question (see `settle`)."""
    settled = settle(question, texts, encode, published)
    return settled and settled[0]


def settle(question: str, texts: list[str], encode,
           published: list[str | None] | None = None) -> tuple[str, int, tuple[int, int]] | None:
    """("No", text index, span) when a text contradicts the question's statement or its bare core;
    ("Yes", ...) when one supports the statement and speaks of its predicate, in the deciding span or
    in another sentence about what the statement names that does not contradict it ("among the 32
    abstentions were all five Central Asian states", where the span best matching the whole statement
    is the paragraph's opening sentence); else None: the texts do not settle the question. A text
    stating no year is read within its article's year (`published`, ISO dates): news rarely repeats it
    ("his first cabinet pick after being reelected Tuesday" for "... after winning the 2024 election")."""
    claims = [c for c in (evidence.as_claim(question), evidence.core_claim(question)) if c]
    if not claims:
        return None
    statements = [_within_its_year(claims[0], t, d) for t, d in zip(texts, published or [None] * len(texts))]
    pairs = [(c, j) for j, c in enumerate(statements)] + [(c, j) for c in claims[1:] for j in range(len(texts))]
    verdicts = verifier.check_many([(c, texts[j]) for c, j in pairs], encode)
    for (c, j), v in zip(pairs, verdicts):
        if _refutes(c, v, texts[j]):
            return "No", j, (v.start, v.end)
    for (c, j), v in zip(pairs[:len(texts)], verdicts):
        span = _affirming_span(c, texts[j], v) if v.supported else None
        if span:
            return "Yes", j, span
    return None


def _affirming_span(claim: str, text: str, verdict) -> tuple[int, int] | None:
    """The span of a supporting text that states the claim's predicate: the deciding one, else a
    sentence naming something the claim names that states it and does not contradict the claim."""
    if language.predicate_stated(claim, text[verdict.start:verdict.end]):
        return verdict.start, verdict.end
    return next(((a, b) for a, b in sentences(text) if language.predicate_stated(claim, text[a:b])
                 and stated.names_any(claim, text[a:b]) and not verifier.contradicts(claim, text[a:b], text)), None)


def _within_its_year(statement: str, text: str, date: str | None) -> str:
    """The statement without the year of the text's article, where the text itself states no year."""
    year = int(date[:4]) if date and date[:4].isdigit() else None
    if year and str(year) in statement and not dates.states_year(text):
        return dates.without_year(statement, year)
    return statement


def _refutes(claim: str, verdict, text: str) -> bool:
    """The verdict contradicts the statement about what it is about (`actions.REFUTE`)."""
    return actions.action(claim, verdict, text) == actions.REFUTE


def _with_polarity(word: str | None, composed: Composed) -> Composed:
    """The evidence's "Yes"/"No" in front of the answer, the model's own first "Yes"/"No" dropped;
    where the evidence settles neither way (None), no word at all: the model's stood before ("Yes,
    Wendy's, please give me your highest priced burger" for "Does Wendy's plan to raise prices ...?")."""
    rest = LEADING_POLARITY.sub("", composed.text)
    rest = rest[:1].upper() + rest[1:]
    return Composed(f"{word}. {rest}" if word else rest, composed.cited, composed.quotes)


def _with_witnesses(composed: Composed, sources: list, vetted: int, encode) -> Composed:
    """Append up to MAX_WITNESSES uncited articles, one source each, quoting the first of its evidence
    sentences the cited paragraphs contradict ("But ... says"), else (vetted sources only) the first
    they do not support; an article whose evidence they support throughout only repeats the answer."""
    seen_docs = {sources[i].paragraph.doc_id for i in composed.cited}
    cited_texts = [sources[j].paragraph.text for j in composed.cited]
    text, cited, quotes = composed.text, list(composed.cited), dict(composed.quotes)
    for i, source in enumerate(sources):
        if len(cited) - len(composed.cited) >= MAX_WITNESSES or source.paragraph.doc_id in seen_docs:
            continue
        if i >= vetted and not _same_story(source.paragraph, sources[composed.cited[0]].paragraph):
            continue
        paragraph, spans = source.paragraph, list(source.spans)
        threshold = verifier.SUPPORT_THRESHOLD if i < vetted else UNVETTED_ON_TOPIC
        pairs = [(paragraph.text[a:b], t) for a, b in spans for t in cited_texts]
        said = [actions.action(claim, verdict, t) for (claim, t), verdict in
                zip(pairs, verifier.check_many(pairs, encode, threshold, independent=True))]
        per_sentence = [set(said[n * len(cited_texts):(n + 1) * len(cited_texts)]) for n in range(len(spans))]
        contradicted = [span for span, acts in zip(spans, per_sentence)
                        if acts & actions.SAYS_OTHERWISE and not acts & actions.SAYS_SO]
        new = [span for span, acts in zip(spans, per_sentence) if not acts & actions.SAYS_SO] if i < vetted else []
        if not (contradicted or new):
            continue  # it only repeats what is said, or (not vouched for) says something else
        if not (contradicted or _on_topic(paragraph.text, cited_texts, encode)):
            continue  # it adds something, but about another matter than the cited paragraph's
        span = (contradicted or new)[0]
        seen_docs.add(source.paragraph.doc_id)
        cited.append(i)
        quotes[i] = span
        quote = clause_of(paragraph.text[span[0]:span[1]])
        text += f' {"But" if contradicted else "Also,"} {_outlet(paragraph)} says: "{quote}" [{len(cited)}].'
    return Composed(text, cited, quotes)


def _on_topic(text: str, cited_texts: list[str], encode) -> bool:
    """Is the paragraph within SAME_TOPIC (MiniLM cosine) of a cited paragraph? Encoded only for the
    few sources that would speak, not for every answer."""
    if not cited_texts:
        return False
    vectors = encode([text] + cited_texts)
    return float((vectors[1:] @ vectors[0]).max()) >= SAME_TOPIC


def _same_story(paragraph, cited) -> bool:
    """Dated within SAME_STORY_DAYS of the cited paragraph (or either undated)."""
    try:
        days = (datetime.date.fromisoformat(paragraph.date[:10]) - datetime.date.fromisoformat(cited.date[:10])).days
    except (TypeError, ValueError):
        return True
    return abs(days) <= SAME_STORY_DAYS


def without_attribution(sentence: str) -> str:
    """A sentence of an answer as a claim about its source, without the words compose put around it."""
    return ATTRIBUTION.sub("", sentence).strip()


def _outlet(paragraph) -> str:
    """Who speaks: the outlet, else the article's title (never a file path), and its date."""
    source = paragraph.source or ""
    where = source if source and not re.search(r"[/\\]", source) else f'"{_clip(paragraph.title, 60)}"'
    return f"{where} ({paragraph.date})" if paragraph.date else where


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"

