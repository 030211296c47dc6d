"""The errors a user can fix; the CLI and the web app show their message, never a traceback."""
from assistant.backends import BackendUnavailable
from assistant.models import ModelUnavailable
from vectorstore.embedding import EmbedderUnavailable
from vectorstore.store import StoreError


class ServeError(RuntimeError):
    """The web chat cannot start where it was asked to (the port is taken)."""


USER_ERRORS = (BackendUnavailable, ModelUnavailable, EmbedderUnavailable, StoreError, ServeError, ValueError,
               FileNotFoundError)
