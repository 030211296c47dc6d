"""The web API (`/ask`, `/ask_stream`): the answers of the CLI's `--json`, for gradio_client callers.
The UI's own events stay private, so these two are the server's whole public API."""
from __future__ import annotations

from typing import Iterator

from assistant import USER_ERRORS, Answer
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

    def ask(self, question: str, history: list[dict] | None = None, backend: str = "auto", k: int = 5) -> dict:
        """Answer `question` (with earlier {"role", "content"} messages as `history`): the `--json` answer."""
        import gradio as gr

        try:
            return self.assistant.ask(question, backend=self.backends.pick(backend), k=int(k),
                                      history=history or []).to_dict()
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc

    def ask_stream(self, question: str, history: list[dict] | None = None, backend: str = "auto",
                   k: int = 5) -> Iterator[str | dict]:
        """`ask`, streamed: the unverified draft so far (text) as it grows, then the verified answer dict."""
        import gradio as gr

        draft = ""
        try:
            for event in self.assistant.stream(question, backend=self.backends.pick(backend), k=int(k),
                                               history=history or []):
                if isinstance(event, Answer):
                    yield event.to_dict()
                else:
                    draft += event
                    yield draft
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc
