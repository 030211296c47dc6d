"""The Citation lookup tab: paste a quote or a claim, see where the library says it (or not)."""
from __future__ import annotations

from assistant import USER_ERRORS
from assistant.web.render import esc, lookup_html


class LookupTab:
    def __init__(self, assistant):
        self.assistant = assistant

    def render(self) -> None:
        import gradio as gr

        with gr.Tab("Citation lookup", id="lookup"):
            claim = gr.Textbox(lines=4, label="Quote or claim", elem_id="claim",
                               placeholder="Paste a sentence to find where it comes from.")
            with gr.Row():
                matches = gr.Slider(1, 10, value=5, step=1, label="Matches")
                find = gr.Button("Find sources", variant="primary", elem_id="find")
            found = gr.HTML(elem_id="lookup-result")
        for trigger in (find.click, claim.submit):
            trigger(self.lookup, [claim, matches], found, api_visibility="private")

    def lookup(self, text, k) -> str:
        if not (text or "").strip():
            return '<div class="notice">Paste a quote or a claim first.</div>'
        try:
            return lookup_html(self.assistant.lookup(text.strip(), k=int(k)))
        except USER_ERRORS as exc:
            return f'<div class="error">{esc(exc)}</div>'
