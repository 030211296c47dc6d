"""Result types of the public API; `to_dict()` is the `--json` contract."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest.records import Paragraph

PARAGRAPH_FIELDS = tuple(Paragraph.__dataclass_fields__)
CITATION_FIELDS = ("n", *PARAGRAPH_FIELDS, "score")


@dataclass(frozen=True, kw_only=True)
class Citation(Paragraph):
    """A paragraph an answer cites as [n]; `score` is its similarity to the question."""
    n: int
    score: float

    @classmethod
    def from_hit(cls, n: int, hit) -> "Citation":
        return cls(n=n, score=round(hit.score, 4), **hit.paragraph.to_dict())

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
    timings: dict = field(default_factory=dict)  # seconds: retrieve, first_token, generate, verify, check, total

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        data["closest"] = [c.to_dict() for c in self.closest]
        return data


LOOKUP_FIELDS = (*PARAGRAPH_FIELDS, "match_start", "match_end", "score")
VERDICTS = ("quoted", "supported", "not_found")


@dataclass(frozen=True, kw_only=True)
class LookupMatch(Paragraph):
    """A paragraph a looked-up text comes from: `text[match_start:match_end]` is the quoted span
    (both None when the paragraph supports a paraphrase rather than quoting it)."""
    match_start: int | None
    match_end: int | None
    score: float  # quoted: similarity of the quote to the span; supported: support score; both in [0, 1]

    @classmethod
    def from_paragraph(cls, paragraph, score: float, span: tuple[int, int] | None = None) -> "LookupMatch":
        start, end = span or (None, None)
        return cls(match_start=start, match_end=end, score=round(score, 4), **paragraph.to_dict())

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in LOOKUP_FIELDS}


@dataclass
class LookupResult:
    query: str
    verdict: str  # one of VERDICTS
    matches: list[LookupMatch] = field(default_factory=list)  # best first; empty when not_found

    def to_dict(self) -> dict:
        return {"query": self.query, "verdict": self.verdict, "matches": [m.to_dict() for m in self.matches]}
