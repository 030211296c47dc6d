"""What ingest needs of a store, written down: the pipeline and the near-duplicate check write and
read through `IngestStore`, never through a store class, and tests/test_store_protocol.py checks that
`vectorstore.store.Store` satisfies it."""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from ingest.records import Document, Paragraph


class StoreUnreachable(RuntimeError):
    """The store went away mid-ingest (a store's own error subclasses this): every later write would
    fail too, so the pipeline stops rather than fail each document one by one."""


@runtime_checkable
class IngestStore(Protocol):
    write_lock: AbstractContextManager  # held for a whole ingest, so a second writer waits for it

    def recover(self) -> int:
        """Finish or undo writes a killed process left half-done; returns how many."""

    def documents(self) -> list[Document]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def find_by_hash(self, content_hash: str) -> Document | None: ...

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]: ...

    def embeddings(self, paragraph_ids: list[str]) -> dict[str, list[float]]:
        """The committed paragraphs' stored vectors: a document whose metadata alone changed keeps them."""

    def write_many(self, items: list[tuple[Document, list[Paragraph], object]]) -> list[Exception | None]:
        """Add or replace documents (document, paragraphs, one vector per paragraph), each all at once;
        a failure is returned in its slot. Raises (StoreUnreachable) only when no later write could
        succeed either."""

    def add_sentence_vectors(self, texts: list[str], vectors) -> None:
        """Keep the vectors of long paragraphs' sentences (vectorstore/sentences.py), by their text."""

    def remove(self, doc_id: str) -> bool: ...

    def sketch(self, doc_id: str) -> frozenset[int]:
        """The near-duplicate sketch stored with the document (empty when none)."""

    def sketch_matches(self, sketch: frozenset[int], n: int) -> list[tuple[str, int]]:
        """The n documents sharing the most sketch values with `sketch`: (doc_id, how many)."""

    def fill_sketches(self) -> int:
        """Sketch the stored documents that have none; returns how many."""
