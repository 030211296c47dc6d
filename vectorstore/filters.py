"""Metadata filters, written once and read by both searches: as a Chroma `where` and as SQL."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Metadata filters shared by dense and lexical search."""
    doc_id: str | None = None
    source: str | None = None
    author: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def chroma_where(self) -> dict | None:
        clauses = []
        for key in ("doc_id", "source", "author"):
            if getattr(self, key):
                clauses.append({key: getattr(self, key)})
        if self.since:
            clauses.append({"date_num": {"$gte": date_num(self.since)}})
        if self.until:
            clauses.append({"date_num": {"$lte": date_num(self.until)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self) -> tuple[str, list]:
        """(" and ..." clauses over the documents table aliased `d`, their arguments)."""
        clauses, args = [], []
        for key in ("doc_id", "source", "author"):
            if getattr(self, key):
                clauses.append(f"d.{key} = ?")
                args.append(getattr(self, key))
        if self.since:
            clauses.append("d.date >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("d.date <= ?")
            args.append(self.until)
        return (" and " + " and ".join(clauses)) if clauses else "", args


def date_num(iso: str) -> int:
    """An ISO date as the number Chroma compares (metadata filters take numbers, not strings)."""
    return int(iso[:10].replace("-", ""))
