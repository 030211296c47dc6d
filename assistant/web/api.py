"""The web API (`/ask`, `/ask_stream`): the answers of the CLI's `--json`, for gradio_client callers,
asked as the chat and `Assistant.ask` are (history, backend, k, filters, as_of). The UI's own events stay
private, so these two are the server's whole public API."""
from __future__ import annotations

from typing import Iterator

from assistant import USER_ERRORS, Answer, InvalidRequest
from assistant.web.backend_choice import BackendChoice
from assistant.web.chat import CHAT_CONCURRENCY


class AskApi:
    def __init__(self, assistant, backends: BackendChoice):
        self.assistant = assistant
        self.backends = backends

    def register(self) -> None:
        """Publish `ask` and `ask_stream` on the Blocks being built (they share the chat's concurrency)."""
        import gradio as gr

        gr.api(self.ask, api_name="ask", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(self.ask_stream, api_name="ask_stream", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")

    def ask(self, question: str, history: list[dict] | None = None, backend: str = "auto", k: int = 5,
            filters: dict | None = None, as_of: str | None = None) -> dict:
        """Answer `question` (with earlier {"role", "content"} messages as `history`, only from paragraphs
        matching `filters`, "recently" counted back from `as_of`): the `--json` answer."""
        import gradio as gr

        try:
            return self.assistant.ask(question, backend=self.backends.pick(backend), k=int(k), history=history or [],
                                      **asked(filters, as_of)).to_dict()
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc

    def ask_stream(self, question: str, history: list[dict] | None = None, backend: str = "auto", k: int = 5,
                   filters: dict | None = None, as_of: str | None = None) -> Iterator[str | dict]:
        """`ask`, streamed: the unverified draft so far (text) as it grows, then the verified answer dict."""
        import gradio as gr

        draft = ""
        try:
            for event in self.assistant.stream(question, backend=self.backends.pick(backend), k=int(k),
                                               history=history or [], **asked(filters, as_of)):
                if isinstance(event, Answer):
                    yield event.to_dict()
                else:
                    draft += event
                    yield draft
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc


def asked(filters, as_of) -> dict:
    """`filters` and `as_of` as `Assistant.ask` takes them, from what a JSON caller may send: a filter
    object of strings (its keys and dates are checked by the assistant) and a YYYY-MM-DD day, or nothing."""
    if filters is not None and not isinstance(filters, dict):
        raise InvalidRequest(f'filters must be an object like {{"since": "2024-01-01"}}, got {type(filters).__name__}')
    for key, value in (filters or {}).items():
        if value is not None and not isinstance(value, str):
            raise InvalidRequest(f"filter {key!r} must be a string, got {type(value).__name__}")
    if as_of is not None and not isinstance(as_of, str):
        raise InvalidRequest(f"as_of must be a date as YYYY-MM-DD, got {type(as_of).__name__}")
    return {"filters": filters or None, "as_of": (as_of or "").strip()}
