"""What can go wrong with a store, as the exceptions callers catch: each message says how to fix it."""
from ingest.sink import StoreUnreachable


class StoreError(RuntimeError):
    """A store that cannot be opened or used as asked; the message says how to fix it."""


class StoreDrift(StoreError):
    """The registry holds paragraphs whose vectors are not in the Chroma the store was opened with."""


class ServerUnreachable(StoreError, StoreUnreachable):
    """A server the store lives on (Chroma, PostgreSQL) went away mid-command; stopping beats failing
    every later call one by one, and the journal undoes the write it interrupted."""


class ChromaUnreachable(ServerUnreachable):
    """The Chroma server went away mid-command."""
