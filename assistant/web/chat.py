"""The Chat tab: a conversation whose answers stream in (evidence first, then the draft, then the
verified answer with citation chips), example questions from the library, and the side panel a chip
opens on its paragraph inside the whole article."""
from __future__ import annotations

import json
from datetime import date

from assistant import USER_ERRORS, Answer, Evidence
from assistant.web.backend_choice import BackendChoice
from assistant.web.render import EMPTY_LIBRARY, answer_html, article_html, clip, esc, evidence_html, inert

CHAT_CONCURRENCY = 8  # chat requests answered at once; retrieval is thread-safe per the store
EXAMPLES = 3  # example questions offered under the chat


def example_questions(documents) -> list[list[str]]:
    """Questions about the newest documents, from their titles: whatever the library holds, never a fixed
    list (none for an empty library). One row per question, as `gr.Dataset` samples are."""
    newest = sorted(documents, key=lambda d: d.ingested_at, reverse=True)[:EXAMPLES]
    return [[f"What does “{clip(d.title, 60)}” say?"] for d in newest]


def messages(turns, pending: str | None = None, question: str | None = None, evidence: str = "") -> list[dict]:
    """The chat as Gradio shows it: each finished turn, then the question being answered with its
    evidence and draft so far. Typed text is made inert: the chat renders Markdown."""
    chat = []
    for t in turns:
        chat += [{"role": "user", "content": inert(t["question"])}, {"role": "assistant", "content": t["html"]}]
    if question is not None:
        chat.append({"role": "user", "content": inert(question)})
        draft = f'<div class="draft">{inert(pending)}</div>' if pending else ""
        chat.append({"role": "assistant", "content": evidence + draft if evidence or draft
                     else "<em>Searching the library…</em>"})
    return chat


def history(turns) -> list[dict]:
    """The answered turns as {"role", "content"} messages, for follow-up questions."""
    return [m for t in turns if t["answer"] is not None
            for m in ({"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"]})]


class ChatTab:
    def __init__(self, assistant, backends: BackendChoice):
        self.assistant = assistant
        self.backends = backends

    def render(self, demo) -> None:
        """The tab's components and events; `suggestions` and `empty_notice` are refreshed by the library."""
        import gradio as gr

        settings = self.assistant.settings
        with gr.Tab("Chat", id="chat"):
            turns = gr.State([])  # inside the tab: a loose child of gr.Tabs would become a tab of its own
            self.empty_notice = gr.HTML(visible=False, elem_id="chat-tab-notice")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(elem_id="chat", height=560, sanitize_html=False, line_breaks=False,
                                         show_label=False, buttons=["copy"], feedback_options=None,
                                         placeholder="Ask about the articles in your library.")
                    with gr.Row():
                        question = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=8,
                                              elem_id="question", autofocus=True, submit_btn=True)
                        clear = gr.Button("Clear conversation", scale=0, min_width=120, size="sm",
                                          elem_id="clear", variant="secondary")
                    self.suggestions = gr.Dataset(components=["textbox"], samples=[[""]], label="Try asking",
                                                  elem_id="suggestions", visible=False)
                    with gr.Accordion("Settings", open=False):
                        with gr.Row():
                            backend = gr.Dropdown(["auto", *self.backends.offered], value="auto", label="Backend",
                                                  elem_id="backend",
                                                  info=f"auto: {self.backends.default} · model: "
                                                       f"{settings.model or 'packaged default'}")
                            k = gr.Slider(1, 20, value=settings.k, step=1, label="Paragraphs retrieved")
                            show_scores = gr.Checkbox(False, label="Show retrieval scores")
                            as_of = gr.Textbox(date.today().isoformat(), label="As of (YYYY-MM-DD)",
                                               elem_id="as-of", info='the day "recently" counts back from')
                with gr.Column(scale=2, visible=False, elem_id="citation-panel") as panel:
                    with gr.Row():
                        gr.Markdown("#### Source")
                        close = gr.Button("Close", size="sm", scale=0, elem_id="citation-close")
                    article = gr.HTML()
            target = gr.Textbox(visible="hidden", elem_id="citation-pid")  # filled by static/citations.js
            open_button = gr.Button(visible="hidden", elem_id="citation-open")

        chat_io = dict(inputs=[question, turns, backend, k, show_scores, as_of], outputs=[chatbot, turns, question],
                       api_visibility="private", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        question.submit(self.respond, **chat_io)
        self.suggestions.click(lambda sample: sample[0], self.suggestions, question, api_visibility="private").then(
            self.respond, **chat_io)
        for clearing in (clear.click, chatbot.clear):
            clearing(lambda: ([], [], gr.Column(visible=False)), None, [chatbot, turns, panel],
                     api_visibility="private")
        open_button.click(self.open_citation, target, [panel, article], api_visibility="private")
        close.click(lambda: gr.Column(visible=False), None, panel, api_visibility="private")
        demo.load(lambda: date.today().isoformat(), None, as_of, api_visibility="private")  # today, per page load

    def respond(self, question, turns, backend, k, show_scores, as_of):
        """Stream one turn: the evidence being checked, the draft as it grows, then the verified answer."""
        import gradio as gr

        question = (question or "").strip()
        if not question:
            yield gr.skip(), turns, gr.skip()
            return
        if not self.assistant.documents():
            turns = turns + [{"question": question, "answer": None,
                              "html": f'<div class="notice">{EMPTY_LIBRARY}</div>'}]
            yield messages(turns), turns, ""
            return
        yield messages(turns, question=question), turns, ""  # the question is taken: empty the box, once
        kept = gr.skip()  # later updates leave the box alone: the reader may be typing the next question
        streamed, evidence, state, chosen = "", "", None, []
        try:
            for event in self.assistant.stream(question, backend=self.backends.pick(backend), k=int(k),
                                               history=history(turns), evidence=True, as_of=(as_of or "").strip()):
                if isinstance(event, Answer):
                    rejected = evidence if event.abstained and state == "rejected" else ""
                    turns = turns + [{"question": question, "answer": event.answer,
                                      "html": rejected + answer_html(event, show_scores)}]
                    yield messages(turns), turns, kept
                elif isinstance(event, Evidence):
                    state, chosen = event.status, event.citations if event.status == "checking" else chosen
                    # rejected: the quotes stay on screen under a line saying the check rejected them
                    evidence = evidence_html(Evidence(event.status, event.citations or chosen))
                    yield messages(turns, streamed, question, evidence), turns, kept
                else:
                    streamed += event
                    yield messages(turns, streamed, question, evidence), turns, kept
        except USER_ERRORS as exc:
            turns = turns + [{"question": question, "answer": None,
                              "html": f'<div class="error"><b>Could not answer.</b> {esc(exc)}</div>'}]
            yield messages(turns), turns, kept

    def open_citation(self, target: str):
        """The side panel on the clicked citation: {"doc", "pid", "quote": "start:end"} from citations.js."""
        import gradio as gr

        try:
            cited = json.loads(target or "{}")
        except ValueError:
            cited = None
        cited = cited if isinstance(cited, dict) else {}
        doc_id = cited.get("doc") or ""
        paragraphs = self.assistant.paragraphs(doc_id) if doc_id else []
        document = self.assistant.document(doc_id) if paragraphs else None
        if not document:
            return gr.Column(visible=True), '<div class="error">That document is no longer in the library.</div>'
        start, _, end = (cited.get("quote") or "").partition(":")
        span = (int(start), int(end)) if start.isdigit() and end.isdigit() else None
        return gr.Column(visible=True), article_html(document, paragraphs, cited.get("pid") or "", span)
