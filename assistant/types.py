"""Result types of the public API; `to_dict()` is the `--json` contract."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.answer.citations import MARKER, marker_numbers
from ingest.records import Paragraph

PARAGRAPH_FIELDS = tuple(Paragraph.__dataclass_fields__)
CITATION_FIELDS = ("n", *PARAGRAPH_FIELDS, "score", "quote", "quote_start", "quote_end")


@dataclass(frozen=True, kw_only=True)
class Citation(Paragraph):
    """A paragraph an answer cites as [n]; `score` is its similarity to the question and
    `text[quote_start:quote_end]` is `quote`, the sentence(s) that support what cites it."""
    n: int
    score: float
    quote: str = ""
    quote_start: int = 0
    quote_end: int = 0

    @classmethod
    def from_hit(cls, n: int, hit, span: tuple[int, int] | None = None) -> "Citation":
        start, end = span or (0, len(hit.paragraph.text))
        return cls(n=n, score=round(hit.score, 4), quote=hit.paragraph.text[start:end], quote_start=start,
                   quote_end=end, **hit.paragraph.to_dict())

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in CITATION_FIELDS}


@dataclass
class Answer:
    question: str
    answer: str  # with [n] markers; each n is exactly one entry of `citations`
    abstained: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    closest: list[Citation] = field(default_factory=list)  # offered when abstaining; not cited
    standalone_question: str | None = None  # the rewritten follow-up, when there was history
    confidence: float | None = None  # the model's P(its best source answers the question); llama only
    timings: dict = field(default_factory=dict)  # seconds: retrieve, evidence, check, first_token, generate, verify, total

    def markers(self) -> list[tuple[int, int, list[int]]]:
        """Where `answer` cites: (start, end, the numbers) of each marker, for pages that draw them."""
        return [(m.start(), m.end(), marker_numbers(m[1])) for m in MARKER.finditer(self.answer)]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        data["closest"] = [c.to_dict() for c in self.closest]
        return data


@dataclass
class Evidence:
    """A `stream(..., evidence=True)` event: the quotes chosen to answer from, shown before the
    answer. `status` is "checking" (just chosen), then "kept" (what the source check let through)
    or "rejected" (it let nothing through: the answer abstains)."""
    status: str
    citations: list[Citation]  # n is the rank among the chosen sources; the quote is the best sentence

    def to_dict(self) -> dict:
        return {"status": self.status, "citations": [c.to_dict() for c in self.citations]}


LOOKUP_FIELDS = (*PARAGRAPH_FIELDS, "match_start", "match_end", "score", "differences")
VERDICTS = ("quoted", "misquoted", "supported", "contradicted", "not_found")


@dataclass(frozen=True, kw_only=True)
class LookupMatch(Paragraph):
    """A paragraph a looked-up text comes from: `text[match_start:match_end]` is the quoted span,
    or for a claim the sentence that supports or contradicts it. `differences` lists the edits
    that change a misquote's meaning: (words in the quote, words in the text) pairs."""
    match_start: int | None
    match_end: int | None
    score: float  # quoted: similarity of the quote to the span; supported: support score; both in [0, 1]
    differences: tuple = ()

    @classmethod
    def from_paragraph(cls, paragraph, score: float, span: tuple[int, int] | None = None,
                       differences: tuple = ()) -> "LookupMatch":
        start, end = span or (None, None)
        return cls(match_start=start, match_end=end, score=round(score, 4), differences=tuple(differences),
                   **paragraph.to_dict())

    def to_dict(self) -> dict:
        return {**{k: getattr(self, k) for k in LOOKUP_FIELDS}, "differences": [{"quote": q, "source": t} for q, t in self.differences]}


@dataclass
class LookupResult:
    query: str
    verdict: str  # one of VERDICTS
    matches: list[LookupMatch] = field(default_factory=list)  # best first; empty when not_found

    def to_dict(self) -> dict:
        return {"query": self.query, "verdict": self.verdict, "matches": [m.to_dict() for m in self.matches]}
