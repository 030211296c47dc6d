"""Which stored documents this run's files give other text: their stored text vouches for nothing."""
from __future__ import annotations

from ingest.documents import build, doc_id_for
from ingest.readers import RawDocument, UnreadableFile
from ingest.sink import IngestStore


class StoredFiles:
    """This run's files of documents the store already holds, each until it is planned."""

    def __init__(self, raws: list[RawDocument], store: IngestStore, boilerplate: frozenset[str]):
        stored = {document.doc_id: document.content_hash for document in store.documents()}
        self._unplanned = {doc_id: (raw, stored[doc_id]) for raw in raws
                           if (doc_id := doc_id_for(raw.location)) in stored}
        self._boilerplate = boilerplate
        self._changing: dict[str, bool] = {}

    def first(self, raws: list[RawDocument]) -> list[RawDocument]:
        """Stored documents' files before new ones, so that a new file is compared with what they become
        (a backup of an edited file's old text with its new text, not with the text about to go)."""
        return sorted(raws, key=lambda raw: doc_id_for(raw.location) not in self._unplanned)

    def planned(self, raw: RawDocument) -> None:
        self._unplanned.pop(doc_id_for(raw.location), None)

    def changing(self, doc_id: str) -> bool:
        """Will a file of this run, not planned yet, give this stored document other text? Asked while
        another stored document's file is planned: rotated files hand their texts on."""
        if doc_id not in self._unplanned:
            return False
        if doc_id not in self._changing:
            raw, stored_hash = self._unplanned[doc_id]
            self._changing[doc_id] = _content_hash(raw, self._boilerplate) not in (None, stored_hash)
        return self._changing[doc_id]


def _content_hash(raw: RawDocument, boilerplate: frozenset[str]) -> str | None:
    """The hash of the text the file now holds; None when it has none (it fails and changes nothing)."""
    try:
        return build(raw, boilerplate)[0].content_hash
    except UnreadableFile:
        return None
