"""Grounded Q&A over a corpus of articles, every claim cited to its source paragraph.

Public API: `Assistant` and the result types `Answer`, `Citation`, `Evidence`, `LookupMatch`, `LookupResult`.
"""
from assistant.api import Assistant
from assistant.backends import AUTO, BACKENDS, resolve_name
from assistant.errors import USER_ERRORS, InvalidRequest, ServeError, UserError
from assistant.types import Answer, Citation, Evidence, LookupMatch, LookupResult

__all__ = ["Assistant", "Answer", "Citation", "Evidence", "LookupMatch", "LookupResult",
           "AUTO", "BACKENDS", "resolve_name", "USER_ERRORS", "InvalidRequest", "ServeError", "UserError"]
