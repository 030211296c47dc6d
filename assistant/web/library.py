"""The Library tab: the documents, uploads (files or a zip, placed safely by `ingest.uploads`), re-ingest
and delete, each reported file by file. Every change refreshes the chat's example questions too."""
from __future__ import annotations

from pathlib import Path

from assistant import USER_ERRORS
from assistant.web.chat import ChatTab, example_questions
from assistant.web.render import EMPTY_LIBRARY, esc, library_html, results_html
from ingest.uploads import place_uploads


class LibraryTab:
    def __init__(self, assistant):
        self.assistant = assistant
        self.uploads = Path(assistant.settings.store) / "uploads"  # the managed folder uploads are copied to

    def render(self, demo, chat: ChatTab) -> None:
        import gradio as gr

        with gr.Tab("Library", id="library"):
            documents = gr.HTML(elem_id="documents")
            with gr.Row():
                with gr.Column():
                    files = gr.File(file_count="multiple", label="Add articles (text files, or a .zip of them)",
                                    elem_id="upload")
                    add = gr.Button("Add to library", variant="primary", elem_id="add-files")
                with gr.Column():
                    self.doc_choice = gr.Dropdown(label="Document", choices=[], elem_id="doc-choice")
                    with gr.Row():
                        remove = gr.Button("Delete document", variant="stop", elem_id="delete-doc")
                        refresh = gr.Button("Re-ingest all", elem_id="reingest")
            result = gr.HTML(elem_id="ingest-result")

        shown = [documents, self.doc_choice, chat.suggestions, chat.empty_notice]  # what `state` refreshes
        def add_files(paths, progress=gr.Progress()):  # Gradio shows progress for handlers with this default
            return self.add_files(paths, progress)

        def reingest(progress=gr.Progress()):
            return self.reingest(progress)

        add.click(add_files, files, [result, *shown], api_visibility="private").then(
            lambda: None, None, files, api_visibility="private")
        refresh.click(reingest, None, [result, *shown], api_visibility="private")
        remove.click(self.delete, self.doc_choice, [result, *shown], api_visibility="private")
        demo.load(self.state, None, shown, api_visibility="private")

    def state(self):
        """The document table, the delete choices, the chat's example questions and its empty-library notice."""
        import gradio as gr

        documents = self.assistant.documents()
        choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in documents]
        return (library_html(documents), gr.Dropdown(choices=choices, value=None),
                gr.Dataset(samples=example_questions(documents) or [[""]], visible=bool(documents)),
                gr.HTML(f'<div class="notice">{EMPTY_LIBRARY}</div>', visible=not documents))

    def add_files(self, paths, progress):
        if not paths:
            return ('<div class="notice">Choose files (or a .zip) first.</div>', *self.state())
        placed, unplaced = place_uploads(paths, self.uploads)
        return (self._report(self._ingest(placed, progress) + unplaced), *self.state())

    def reingest(self, progress):
        locations = list(dict.fromkeys(d.file for d in self.assistant.documents()))
        return (self._report(self._ingest(locations, progress)), *self.state())

    def delete(self, doc_id):
        if not doc_id:
            return ('<div class="notice">Pick a document to delete.</div>', *self.state())
        removed = self.assistant.remove(doc_id)
        note = f"Deleted <code>{esc(doc_id)}</code>." if removed else f"No document <code>{esc(doc_id)}</code>."
        return (f'<div class="notice">{note}</div>', *self.state())

    def _ingest(self, paths, progress) -> list:
        """Ingest with a progress bar that names each file as it is done; a user error shows as a toast."""
        import gradio as gr

        if not paths:
            return []
        done = []
        progress((0, len(paths)), desc="Reading and embedding…")

        def step(result):
            done.append(result)
            progress((min(len(done), len(paths)), len(paths)), desc=f"{Path(result.location).name}: {result.status}")

        try:
            return self.assistant.ingest(paths, progress=step).results
        except USER_ERRORS as exc:
            raise gr.Error(str(exc))

    def _report(self, results) -> str:
        return results_html(results, str(self.uploads.resolve()))
