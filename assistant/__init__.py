"""Grounded Q&A over a corpus of articles, every claim cited to its source paragraph.

Public API: `Assistant`, and every type its methods take and return: `Settings`; `Filters` (what
`retrieve`/`ask` may be limited to); `Hit` (`retrieve`); `IngestReport` and its `FileResult`s
(`ingest`); `Document`, `Paragraph` (`documents`, `paragraphs`); `Answer`, `Citation`, `Evidence`
(`ask`, `stream`); `LookupResult`, `LookupMatch` (`lookup`); `Backend` (`backend`, or your own for
`ask(backend=...)`) with the backend names `BACKENDS` and `AUTO`; and the errors a user can fix
(`USER_ERRORS`, shown in one line; anything else is a bug).
"""
from assistant.answer.retrieval import Hit
from assistant.api import Assistant
from assistant.backends import AUTO, BACKENDS, Backend, BackendUnavailable, resolve_name
from assistant.errors import USER_ERRORS, InvalidRequest, MissingPath, ServeError, UserError
from assistant.models import ModelUnavailable
from assistant.settings import Settings
from assistant.types import Answer, Citation, Evidence, LookupMatch, LookupResult
from ingest.pipeline import FileResult, IngestReport
from ingest.records import Document, Paragraph
from vectorstore.embedding import EmbedderUnavailable
from vectorstore.store import Filters, StoreError

__all__ = ["Assistant", "Settings", "Filters", "Hit", "IngestReport", "FileResult", "Document", "Paragraph",
           "Answer", "Citation", "Evidence", "LookupResult", "LookupMatch",
           "Backend", "BACKENDS", "AUTO", "resolve_name",
           "USER_ERRORS", "UserError", "InvalidRequest", "MissingPath", "ServeError", "BackendUnavailable",
           "ModelUnavailable", "EmbedderUnavailable", "StoreError"]
