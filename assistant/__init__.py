"""Grounded Q&A over a corpus of articles, every claim cited to its source paragraph.

Public API: `Assistant` and the result types `Answer`, `Citation` (plus `LookupMatch`).
"""
from assistant.api import Assistant
from assistant.types import Answer, Citation, LookupMatch

__all__ = ["Assistant", "Answer", "Citation", "LookupMatch"]
