"""Result types of the public API; `to_dict()` is the `--json` contract."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

CITATION_FIELDS = ("n", "paragraph_id", "doc_id", "title", "author", "date", "source", "paragraph_index",
                   "char_start", "char_end", "page", "text", "score")


@dataclass(frozen=True)
class Citation:
    n: int
    paragraph_id: str
    doc_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    paragraph_index: int
    char_start: int
    char_end: int
    page: int | None
    text: str
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
    timings: dict = field(default_factory=dict)  # seconds: retrieve, first_token, generate, verify, total

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        data["closest"] = [c.to_dict() for c in self.closest]
        return data
