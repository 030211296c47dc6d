"""The answer pipeline: the stages `Assistant.stream` runs, in order, each with its typed input and
output.

    Question -> hits (retrieval, headers) -> evidence (sentences; the question's time and names)
    -> judged sources (the source check) -> draft (the backend) -> verified claims (citations)
    -> composed answer (compose) -> `Answer`

A stage that leaves nothing to answer from ends the run with an abstention: no relevant paragraph,
none from the time asked about (OUT_OF_WINDOW_TEXT), none the check vouches for, or a draft whose
every claim verification removed. A yes/no question nothing answers but a paragraph refutes is
answered "No" from that paragraph (a false premise).
"""
from __future__ import annotations

import time
from typing import Iterator

from assistant.answer import citations, compose, headers
from assistant.answer.evidence import Evidence as Source, select as select_evidence
from assistant.answer.question import Question
from assistant.answer.screen import JUDGED_SOURCES, screen
from assistant.types import Answer, Citation, Evidence
from assistant.verify.stated import names_one_of
from ingest.records import HEADER_INDEX

ABSTAIN_TEXT = "The corpus does not contain an answer to this question."
OUT_OF_WINDOW_TEXT = ("The corpus has no article from the time this question asks about, counted from {as_of}; "
                      "the closest paragraphs are from other dates. To mean another day, ask as of it (the chat's "
                      "Settings > As of, --as-of, as_of=).")
WITNESS_POOL = 5  # picked sources an answer may quote as the other side where they contradict it


def stream(parts, asked: str, history: list[dict] | None, backend, k: int | None, filters, as_of,
           evidence: bool) -> Iterator[str | Evidence | Answer]:
    """`parts` is the `Assistant`: its `backend`, `retrieve`, `store`, `encode` and `settings`. Yields
    `Evidence` events (with `evidence`), the answer text as generated, then the final `Answer`."""
    run = _Run(time.perf_counter())
    run.backend = parts.backend(backend)
    question = run.question = Question.read(asked, history, as_of)
    hits = run.hits = headers.with_headers(question, parts.retrieve(question.text, k, filters, as_of=as_of),
                                           parts.store, parts.encode)
    run.lap("retrieve")
    relevant = bool(hits) and max(h.score for h in hits) >= parts.settings.min_relevance
    chosen = select_evidence(question, hits, parts.encode) if relevant else []
    in_window = [s for s in chosen if not question.outside_window(s.paragraph.date)]
    picked = [s for s in in_window  # about what the question names (places aside)
              if names_one_of(question.names, f"{s.paragraph.title}\n{s.paragraph.text}")]
    abstain_text = OUT_OF_WINDOW_TEXT.format(as_of=as_of.isoformat()) if chosen and not in_window else ABSTAIN_TEXT
    run.lap("evidence")
    if evidence and picked:
        yield Evidence("checking", _quotes(picked[:JUDGED_SOURCES]))
    judged = screen(run.backend, question, picked, parts.settings.min_confidence, parts.encode)
    if judged.seconds is not None:
        run.timings["check"] = judged.seconds
    sources, confidence = judged.sources, judged.confidence
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
    candidates = sources + _witnesses(sources, picked)
    composed = compose.dated(compose.compose(question, verified, candidates, parts.encode,
                                             judged=confidence is not None, vetted=len(sources)), candidates, as_of)
    run.timings["verify"] = time.perf_counter() - verifying
    yield run.answer(composed.text if composed.cited else ABSTAIN_TEXT, composed, candidates, confidence)


def _witnesses(sources: list[Source], picked: list[Source]) -> list[Source]:
    """Picked sources the check did not keep, up to WITNESS_POOL, headers aside: the other side an
    answer may quote where they contradict it."""
    kept_ids = {s.paragraph.paragraph_id for s in sources}
    return [s for s in picked[:WITNESS_POOL] if s.paragraph.paragraph_id not in kept_ids
            and s.paragraph.paragraph_index != HEADER_INDEX]


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
