"""The answer pipeline: the stages `Assistant.stream` runs, in order, each with its typed input and
output.

    Question -> hits (retrieval, headers) -> evidence (sentences; the question's time and names)
    -> judged sources (the source check) -> draft (the backend) -> verified claims (citations)
    -> composed answer (compose) -> `Answer`

A stage that leaves nothing to answer from ends the run with an abstention: no relevant paragraph,
none from the time asked about once searched inside it (EMPTY_WINDOW_TEXT, UNANSWERED_WINDOW_TEXT),
none the check vouches for, or a draft whose every claim verification removed. Open questions
(summaries, comparisons, "the latest on") take their own path: cited sentences from several articles. A yes/no question nothing answers but a paragraph refutes is
answered "No" from that paragraph (a false premise).
"""
from __future__ import annotations

import datetime
import time
from dataclasses import replace
from typing import Iterator

from assistant.answer import citations, compose, headers, recency
from assistant.answer.fact_bearing import fact_bearing
from assistant.answer.leads import with_leads
from assistant.answer.evidence import Evidence as Source, select as select_evidence
from assistant.answer.open_answer import answer_open, open_kind
from assistant.answer.question import Question
from assistant.answer.screen import JUDGED_SOURCES, screen
from assistant.types import Answer, Citation, Evidence
from assistant.verify.stated import names_one_of
from ingest.records import HEADER_INDEX

ABSTAIN_TEXT = "The corpus does not contain an answer to this question."
# Said only after searching inside the window, and only what that search found: never that the
# library lacks articles it holds.
EMPTY_WINDOW_TEXT = ("The library has no article dated {since} to {until}, the time this question asks about. "
                     "To mean another day, ask as of it (the chat's Settings > As of, --as-of, as_of=).")
UNANSWERED_WINDOW_TEXT = ("None of the library's {count} articles dated {since} to {until}, the time this question "
                          "asks about, answers it.")
# A present-tense question whose only answer is years old while newer articles on it say nothing of it
SUPERSEDED_TEXT = ("The library's newer articles on this, up to {newest}, do not answer it. An article of {date} "
                   "does, but that may no longer hold, so it is not given as the answer.")
OUTDATED_NOTE = " (This comes from a {date} article and may be out of date.)"
STALE_AFTER_DAYS = 180  # a present-tense answer resting only on older articles says so
OPEN_HITS = 10  # an open answer draws from several articles: more hits than a fact answer
WITNESS_POOL = 5  # picked sources an answer may quote as the other side where they contradict it


def stream(parts, asked: str, history: list[dict] | None, backend, k: int | None, filters, as_of,
           evidence: bool) -> Iterator[str | Evidence | Answer]:
    """`parts` is the `Assistant`: its `backend`, `retrieve`, `store`, `encode` and `settings`. Yields
    `Evidence` events (with `evidence`), the answer text as generated, then the final `Answer`."""
    run = _Run(time.perf_counter())
    run.backend = parts.backend(backend)
    question = run.question = Question.read(asked, history, as_of)
    if kind := open_kind(question.text):
        yield from _open(parts, run, question, kind, k, filters, evidence)
        return
    hits = run.hits = headers.with_headers(question, parts.retrieve(question.text, k, filters, as_of=as_of),
                                           parts.store, parts.encode)
    run.lap("retrieve")
    relevant = bool(hits) and max(h.score for h in hits) >= parts.settings.min_relevance
    chosen = select_evidence(question, hits, parts.encode) if relevant else []
    in_window = [s for s in chosen if not question.outside_window(s.paragraph.date)]
    window = _window(question, filters) if chosen and not in_window else None
    if window:  # the best paragraphs lie outside the time asked about: search inside it first
        inside = parts.retrieve(question.text, k, window, as_of=as_of)
        relevant = bool(inside) and max(h.score for h in inside) >= parts.settings.min_relevance
        chosen = select_evidence(question, inside, parts.encode) if relevant else []
        in_window = [s for s in chosen if not question.outside_window(s.paragraph.date)]
        if in_window:  # else the closest paragraphs shown beside the abstention stay those outside it
            hits = run.hits = inside
    picked = [s for s in in_window  # about what the question names (places aside)
              if names_one_of(question.names, f"{s.paragraph.title}\n{s.paragraph.text}")]
    abstain_text = _window_abstention(parts, window) if window and not in_window else ABSTAIN_TEXT
    run.lap("evidence")
    if evidence and picked:
        yield Evidence("checking", _quotes(picked[:JUDGED_SOURCES]))
    judged = screen(run.backend, question, picked, parts.settings.min_confidence, parts.encode)
    if judged.seconds is not None:
        run.timings["check"] = judged.seconds
    sources, confidence = judged.sources, judged.confidence
    if question.time.present and confidence is not None:  # of the vouched-for sources, the newest first
        sources, superseded_text = _newest_telling(parts, run, question, sources, picked, judged.looked)
        abstain_text = superseded_text or abstain_text
    denied = None if sources or confidence is None else compose.denial(question, picked[:JUDGED_SOURCES],
                                                                       parts.encode)
    if evidence and picked:
        shown = [picked[i] for i in denied.cited] if denied else sources
        yield Evidence("kept" if shown else "rejected", _quotes(shown))
    if denied:  # a false premise: nothing answers the question, a paragraph refutes it
        text = compose.dated(denied, picked, as_of).text
        yield text
        yield run.answer(text, denied, picked, confidence)
        return
    if not sources:
        yield abstain_text
        yield run.answer(abstain_text, None, [], confidence)
        return
    draft = []
    generating = time.perf_counter()
    for chunk in run.backend.stream(question.text, sources):
        run.timings.setdefault("first_token", time.perf_counter() - run.started)
        draft.append(chunk)
        yield chunk
    run.timings["generate"] = time.perf_counter() - generating
    verifying = time.perf_counter()
    verified = citations.verify("".join(draft), [s.paragraph.text for s in sources], parts.encode)
    candidates = sources + _witnesses(question, sources, picked)
    composed = compose.compose(question, verified, candidates, parts.encode, judged=confidence is not None,
                               vetted=len(sources))
    composed = compose.dated(fact_bearing(question, composed, sources), candidates, as_of)
    run.timings["verify"] = time.perf_counter() - verifying
    text = composed.text + _outdated(question, [candidates[i] for i in composed.cited]) if composed.cited else ABSTAIN_TEXT
    yield run.answer(text, composed, candidates, confidence)


def _open(parts, run, question: Question, kind: str, k: int | None, filters, evidence: bool):
    """Summaries, comparisons, "the latest on" and multi-part questions: cited sentences drawn from
    several articles (assistant/answer/open_answer.py), no draft to check."""
    hits = run.hits = parts.retrieve(question.text, max(k or 0, OPEN_HITS), filters, as_of=question.as_of)
    if kind == "latest" and hits:
        hits = run.hits = with_leads(hits, parts.store)
    run.lap("retrieve")
    relevant = bool(hits) and max(h.score for h in hits) >= parts.settings.min_relevance
    if evidence and relevant:
        yield Evidence("checking", [Citation.from_hit(n, h) for n, h in enumerate(hits[:3], 1)])
    composed = answer_open(question.text, kind, hits, parts.encode, question.as_of) if relevant else None
    run.lap("compose")
    cited = bool(composed and composed.cited)
    sources = [_Found(h) for h in hits]
    if evidence and relevant:
        yield Evidence("kept" if cited else "rejected",
                       [Citation.from_hit(n, hits[i], composed.quotes.get(i)) for n, i in enumerate(composed.cited, 1)]
                       if cited else [])
    text = composed.text if cited else ABSTAIN_TEXT
    yield text
    yield run.answer(text, composed if cited else None, sources, None)


class _Found:
    """A retrieval hit as an answer's source (open answers cite hits directly)."""

    def __init__(self, hit):
        self.hit = hit
        self.paragraph = hit.paragraph


def _window(question: Question, filters):
    """`filters` narrowed to the window the question names (None when it names none)."""
    days = question.time.window_days
    if days is None:
        return None
    since = (question.as_of - datetime.timedelta(days=days)).isoformat()
    until = question.as_of.isoformat()
    return replace(filters, since=max(filter(None, (filters.since, since))),
                   until=min(filter(None, (filters.until, until))))


def _window_abstention(parts, window) -> str:
    """What is true of the window the question asks about: it holds no article, or none that answers."""
    count = sum(1 for d in parts.store.documents() if d.date and window.since <= d.date[:10] <= window.until)
    text = UNANSWERED_WINDOW_TEXT if count else EMPTY_WINDOW_TEXT
    return text.format(count=count, since=window.since, until=window.until)


def _newest_telling(parts, run, question: Question, sources: list[Source], picked: list[Source], looked: int):
    """A present-tense question's vouched-for sources, newest first. An older article answers only when
    no newer one speaks: beside one of the last year, those years old (`recency.is_stale`) are dropped.
    When all are years old (`recency.superseded`), the newer picked sources not yet judged are judged:
    the newest that passes answers; where none does, nothing is given as current and the abstention
    says why."""
    sources = sorted(sources, key=lambda s: s.paragraph.date or "", reverse=True)
    if _newer_speaks(question, sources):
        return [s for s in sources if not recency.is_stale(s.paragraph.date, question.as_of)], None
    dates = [s.paragraph.date for s in sources]
    if not recency.superseded(question.time, question.as_of, dates, [s.paragraph.date for s in picked]):
        return sources, None
    unjudged = [s for s in picked[looked:] if recency.is_newer(s.paragraph.date, question.as_of)]
    newer = screen(run.backend, question, unjudged, parts.settings.min_confidence, parts.encode).sources
    if newer:
        return sorted(newer, key=lambda s: s.paragraph.date or "", reverse=True), None
    newest = max(s.paragraph.date[:10] for s in picked if recency.is_newer(s.paragraph.date, question.as_of))
    return [], SUPERSEDED_TEXT.format(newest=newest, date=max(filter(None, dates))[:10])


def _newer_speaks(question: Question, sources: list[Source]) -> bool:
    """One of the sources is of the last year (`recency.is_newer`): beside it, years-old ones are
    neither sources nor witnesses of a present-tense answer."""
    return any(recency.is_newer(s.paragraph.date, question.as_of) for s in sources)


def _outdated(question: Question, cited: list[Source]) -> str:
    """A present-tense question answered only from articles over STALE_AFTER_DAYS old says so."""
    dates = [s.paragraph.date[:10] for s in cited if s.paragraph.date]
    if not question.time.present or not dates:
        return ""
    newest = max(dates)
    try:
        age = (question.as_of - datetime.date.fromisoformat(newest)).days
    except ValueError:
        return ""
    return OUTDATED_NOTE.format(date=newest) if age > STALE_AFTER_DAYS else ""


def _witnesses(question: Question, sources: list[Source], picked: list[Source]) -> list[Source]:
    """Picked sources the check did not keep, up to WITNESS_POOL, headers aside: the other side an
    answer may quote where they contradict it. A present-tense question's years-old sources are no
    other side of this year's answer: what they said may simply be what was true then."""
    kept_ids = {s.paragraph.paragraph_id for s in sources}
    current = question.time.present and _newer_speaks(question, sources)
    return [s for s in picked[:WITNESS_POOL] if s.paragraph.paragraph_id not in kept_ids
            and s.paragraph.paragraph_index != HEADER_INDEX
            and not (current and recency.is_stale(s.paragraph.date, question.as_of))]


class _Run:
    """One question's run: when it started, what it has found, and its timings (seconds)."""

    def __init__(self, started: float):
        self.started = started
        self.timings: dict[str, float] = {}
        self.backend = self.question = None
        self.hits: list = []

    def lap(self, stage: str) -> None:
        self.timings[stage] = time.perf_counter() - self.started

    def answer(self, text: str, composed: compose.Composed | None, sources: list[Source],
               confidence: float | None) -> Answer:
        self.timings["total"] = time.perf_counter() - self.started
        cited = composed.cited if composed else []
        return Answer(
            question=self.question.asked, answer=text, abstained=not cited, backend=self.backend.name,
            citations=[Citation.from_hit(n, sources[i].hit, composed.quotes.get(i)) for n, i in enumerate(cited, 1)],
            closest=[] if cited else [Citation.from_hit(n, h) for n, h in enumerate(self.hits[:3], 1)],
            standalone_question=self.question.rewritten,
            confidence=None if confidence is None else round(confidence, 3),
            timings={k: round(v, 3) for k, v in self.timings.items()})


def _quotes(sources: list[Source]) -> list[Citation]:
    return [Citation.from_hit(n, s.hit, s.best) for n, s in enumerate(sources, 1)]
