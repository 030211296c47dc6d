"""The Blocks app over an `Assistant` (Chat, Library and Citation lookup tabs plus the `/ask` API) and
starting it. Every answer, document and lookup comes from the facade, so the page shows exactly what the
CLI and the API would. The look and the citation clicks are static files, read when the app starts."""
from __future__ import annotations

import os
from pathlib import Path

from assistant import InvalidRequest, ServeError
from assistant.web.api import AskApi
from assistant.web.backend_choice import BackendChoice
from assistant.web.chat import CHAT_CONCURRENCY, ChatTab
from assistant.web.library import LibraryTab
from assistant.web.lookup import LookupTab

STATIC = Path(__file__).with_name("static")


def build(assistant):
    """The app's Blocks, not started (tests inspect it); a bad `--backends` is an `InvalidRequest` here."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    backends = BackendChoice.of(assistant.settings)
    chat = ChatTab(assistant, backends)
    with gr.Blocks(title="Grounded assistant") as demo:
        gr.Markdown("## Grounded assistant\nAnswers only from your library; every claim cites its paragraph.")
        with gr.Tabs():
            chat.render(demo)
            LibraryTab(assistant).render(demo, chat)
            LookupTab(assistant).render()
        AskApi(assistant, backends).register()
    return demo


def launch(assistant, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None, block: bool = True):
    """Build and start the app; with `block=True` say where it runs (only once it does) and serve until
    interrupted, with `block=False` return the running Blocks (tests close it)."""
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise InvalidRequest("--auth must be user:pass")
        credentials = (user, password)
    demo = build(assistant).queue(default_concurrency_limit=CHAT_CONCURRENCY)
    import gradio as gr

    css = (STATIC / "style.css").read_text(encoding="utf-8")
    head = f"<script>\n{(STATIC / 'citations.js').read_text(encoding='utf-8')}</script>\n"
    try:
        # _frontend=False skips Gradio's check that it can reach itself (one HEAD request given 3 s), which
        # on a busy host stops a replica that serves fine; a port it cannot bind is still the error below
        demo.launch(server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                    css=css, head=head, theme=gr.themes.Soft(), quiet=True, _frontend=False)
    except OSError as exc:
        raise ServeError(f"cannot serve on {host}:{port}, the port is taken or not allowed ({exc.__class__.__name__}); "
                         "stop what holds it or pass another --port") from None
    assistant.preload_embedder()  # answers start on the light encoder; batches switch once torch is in
    if block:
        print(f"web chat on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
        demo.block_thread()
    return demo
