"""The errors a user can fix: the CLI and the web app show their message in one line, never a
traceback. Anything else (a bare ValueError, a missing file the code itself expected) is a bug and
keeps its traceback (`assistant --debug` shows it for these too)."""
from assistant.backends import BackendUnavailable
from assistant.models import ModelUnavailable
from vectorstore.embedding import EmbedderUnavailable
from vectorstore.store import StoreError


class UserError(Exception):
    """Something the user asked for that cannot be done as asked; the message says what to change."""


class InvalidRequest(UserError, ValueError):
    """A value the user gave is malformed or out of range: k, a date, a setting, a filter, an empty query."""


class MissingPath(UserError, FileNotFoundError):
    """A file or folder the user named does not exist."""


class ServeError(UserError, RuntimeError):
    """The web chat cannot start where it was asked to (the port is taken)."""


USER_ERRORS = (UserError, BackendUnavailable, ModelUnavailable, EmbedderUnavailable, StoreError)
