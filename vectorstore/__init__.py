"""Owns all persistent state: the Chroma collection, the paragraph registry and the lexical index."""
from vectorstore.store import Store, StoreError

__all__ = ["Store", "StoreError"]
