"""The web chat (Gradio): UI only. Every answer, document and lookup comes from the `Assistant` facade,
so the page shows exactly what the CLI and the API would. All document text and file names are
HTML-escaped before they reach the page: the library holds whatever people upload."""
from __future__ import annotations

import html
import os
import re
import shutil
import string
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Iterator

from vectorstore.store import doc_of

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

MARKER = re.compile(r"\[(\d+)\]")
EMPTY_LIBRARY = ("The library is empty. Add articles in the <b>Library</b> tab "
                 "(or run <code>assistant ingest PATH</code>), then ask about them.")
SEED_QUESTIONS = ["Which Uzbek president did Blinken meet?",
                  "Who did Blinken meet in Kazakhstan?",
                  "Why did Blinken visit Central Asia?"]
MAX_ZIP_MB = 500  # total uncompressed size accepted from one archive
MAX_ZIP_FILES = 2000  # files accepted from one archive: each becomes a document to read and embed
CHAT_CONCURRENCY = 8  # chat requests answered at once; retrieval is thread-safe per the store

VERDICTS = {"quoted": ("Quoted", "The text appears in the library (verbatim or nearly)."),
            "misquoted": ("Misquoted", "Close to a paragraph, but an edit changes its meaning (see the differing words)."),
            "supported": ("Supported", "The library says this, in other words."),
            "contradicted": ("Contradicted", "The library states the opposite (the refuting sentence is marked)."),
            "not_found": ("Not found", "No paragraph in the library says this.")}

CSS = """
.chip { display:inline-flex; align-items:center; justify-content:center; min-width:1.5em; height:1.5em;
  padding:0 .35em; margin:0 .1em; border-radius:.75em; border:none; cursor:pointer; font-size:.78em;
  font-weight:600; vertical-align:super; line-height:1; background:var(--color-accent-soft);
  color:var(--color-accent); }
.chip:hover, .chip:focus { background:var(--color-accent); color:white; outline:none; }
.sources { margin-top:.8em; padding-top:.5em; border-top:1px solid var(--border-color-primary); font-size:.9em; }
.sources ol { margin:.3em 0 0 0; padding:0; list-style:none; }
.sources li { margin:.25em 0; cursor:pointer; }
.sources li:hover .src-title { text-decoration:underline; }
.sources .chip { vertical-align:baseline; }
.src-meta, .answer-meta { color:var(--body-text-color-subdued); font-size:.9em; }
.src-snippet { display:block; color:var(--body-text-color-subdued); font-size:.92em; margin-left:2em; }
.score { font-family:var(--font-mono); font-size:.85em; color:var(--body-text-color-subdued); }
.abstained { border-left:4px solid #d97706; padding:.2em .8em; background:rgba(217,119,6,.08); border-radius:4px; }
.notice { border-left:4px solid var(--color-accent); padding:.4em .8em; background:var(--color-accent-soft);
  border-radius:4px; }
.error { border-left:4px solid #dc2626; padding:.4em .8em; background:rgba(220,38,38,.08); border-radius:4px; }
#citation-panel .article-head h3 { margin:0 0 .2em 0; }
#citation-panel .article-body { max-height:62vh; overflow-y:auto; padding-right:.4em; }
#citation-panel .para { margin:.5em 0; padding:.4em .6em; border-radius:4px; font-size:.93em; line-height:1.5; }
#citation-panel .para.cited { background:rgba(250,204,21,.28); border-left:4px solid #eab308; }
#citation-panel mark.quote { background:rgba(234,88,12,.35); color:inherit; padding:0 .1em; border-radius:2px; }
.evidence { border-left:3px solid #94a3b8; padding:.3em .7em; margin-bottom:.6em; font-size:.92em; }
.evidence[data-state="rejected"] { border-left-color:#dc2626; }
.evidence ol { margin:.3em 0 0 1.2em; padding:0; } .evidence li { cursor:pointer; margin:.2em 0; }
#citation-panel .para .pnum { color:var(--body-text-color-subdued); font-size:.8em; margin-right:.4em; }
.doc-table, .result-table { width:100%; border-collapse:collapse; font-size:.92em; }
.doc-table th, .doc-table td, .result-table th, .result-table td { text-align:left; padding:.35em .5em;
  border-bottom:1px solid var(--border-color-primary); vertical-align:top; }
.doc-table th, .doc-table td, .result-table th, .result-table td { border-left:none !important;
  border-right:none !important; }
.doc-table td:nth-child(3), .doc-table td:nth-child(6) { white-space:nowrap; }
.status { font-weight:600; padding:.1em .5em; border-radius:.6em; font-size:.85em; }
.status-added, .status-updated, .verdict-quoted, .verdict-supported { background:rgba(22,163,74,.15); color:#15803d; }
.status-skipped, .status-duplicate, .status-removed { background:rgba(100,116,139,.15); color:#475569; }
.status-failed, .verdict-not_found, .verdict-misquoted, .verdict-contradicted { background:rgba(220,38,38,.12); color:#b91c1c; }
.verdict { font-size:1.05em; padding:.2em .7em; }
.match { margin:.6em 0; padding:.5em .7em; border:1px solid var(--border-color-primary); border-radius:6px; }
.match mark { background:rgba(250,204,21,.45); padding:0 .1em; }
"""

# Citation chips: a click anywhere on an element with data-pid writes the paragraph id into a hidden
# textbox and presses a hidden button, which opens the side panel (works for chips inside chat messages,
# which Gradio re-renders on every streamed update).
HEAD = """
<script>
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-pid]');
  if (!target) return;
  event.preventDefault();
  const box = document.querySelector('#citation-pid textarea, #citation-pid input');
  const button = document.querySelector('#citation-open');
  if (!box || !button) return;
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set;
  setter.call(box, target.dataset.pid + (target.dataset.quote ? '|' + target.dataset.quote : ''));
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(() => button.click(), 60);
});
new MutationObserver(() => {
  const cited = document.querySelector('#citation-panel .para.cited:not([data-shown])');
  if (!cited) return;
  cited.dataset.shown = '1';
  const body = cited.closest('.article-body');
  if (body) body.scrollTop = cited.offsetTop - body.offsetTop - body.clientHeight / 3;
}).observe(document.documentElement, {childList: true, subtree: true});
</script>
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def inert(text: str) -> str:
    """Text the chat's Markdown renderer cannot turn into anything live: every ASCII punctuation
    character becomes a character reference, so no tag, link, image, autolink or emphasis can form
    (Markdown does not parse references as syntax), and line breaks become <br>."""
    return "".join(f"&#{ord(c)};" if c in string.punctuation else c for c in text).replace("\n", "<br>")


# ---- rendering (pure functions of facade results) ------------------------------------------------
def source_html(source: str | None) -> str:
    """A link for URLs, a code-formatted path otherwise."""
    if source and re.match(r"https?://", source):
        return f'<a href="{esc(source)}" target="_blank" rel="noopener noreferrer">{esc(source)}</a>'
    return f"<code>{esc(source)}</code>" if source else ""


def byline(item) -> str:
    return " · ".join(esc(v) for v in (item.author, item.date) if v)


def chip(n: int, citation) -> str:
    """A citation marker; a click opens the paragraph with its quote (`data-quote`) highlighted."""
    quote = f' data-quote="{citation.quote_start}:{citation.quote_end}"' if citation.quote else ""
    return (f'<button type="button" class="chip" data-pid="{esc(citation.paragraph_id)}"{quote} '
            f'title="{esc(citation.title)}">{n}</button>')


def evidence_html(event) -> str:
    """The evidence chosen for a question, shown while the answer is checked and phrased; when the
    check rejects it the view says so, it is never silently swapped."""
    status = {"checking": "Checking this evidence…", "kept": "Answering from this evidence:",
              "rejected": "The check found that this evidence does not answer the question."}[event.status]
    items = "".join(
        f'<li data-pid="{esc(c.paragraph_id)}" data-quote="{c.quote_start}:{c.quote_end}">'
        f'<q class="evidence-quote">{inert(_clip(c.quote, 300))}</q> <span class="src-title">{inert(c.title)}</span>'
        f' <span class="src-meta">{" · ".join(part for part in (esc(c.source), esc(c.date)) if part)}</span></li>'
        for c in event.citations)
    return (f'<div class="evidence" data-state="{esc(event.status)}"><b>{status}</b>'
            + (f"<ol>{items}</ol>" if items else "") + "</div>")


def source_list(heading: str, citations, show_scores: bool, snippets: bool = False) -> str:
    items = []
    for c in citations:
        score = f' <span class="score">score {c.score:.3f}</span>' if show_scores else ""
        meta = " · ".join(part for part in (byline(c), f"¶{c.paragraph_index + 1}") if part)
        snippet = f'<span class="src-snippet">{esc(_clip(c.text, 220))}</span>' if snippets else ""
        items.append(f'<li data-pid="{esc(c.paragraph_id)}">{chip(c.n, c)} <span class="src-title">{esc(c.title)}'
                     f'</span> <span class="src-meta">{meta}</span>{score}{snippet}</li>')
    return f'<div class="sources"><b>{heading}</b><ol>{"".join(items)}</ol></div>'


def answer_html(answer, show_scores: bool = False) -> str:
    """The verified answer: [n] markers become clickable chips, the cited sources follow."""
    meta = f'<div class="answer-meta">{esc(answer.backend)} · {answer.timings.get("total", 0):.1f} s</div>'
    if answer.abstained:
        body = (f'<div class="abstained" data-state="abstained"><b>Not in the library.</b> '
                f'{esc(answer.answer)}</div>')
        if answer.closest:
            body += source_list("Closest paragraphs (not an answer):", answer.closest, show_scores, snippets=True)
        return body + meta
    by_n = {c.n: c for c in answer.citations}
    text = MARKER.sub(lambda m: chip(int(m[1]), by_n[int(m[1])]) if int(m[1]) in by_n else m[0], esc(answer.answer))
    return f'<div class="answer">{text}</div>' + source_list("Sources", answer.citations, show_scores) + meta


def article_html(document, paragraphs, paragraph_id: str, quote: tuple[int, int] | None = None) -> str:
    """The cited paragraph highlighted inside its whole article, its quote marked inside it (the
    article's header is the paragraph when the answer cites the document's metadata)."""
    header = paragraph_id.endswith("#header")
    head = [f"<h3>{esc(paragraphs[0].title)}</h3>"]
    if byline(paragraphs[0]):
        head.append(f'<div class="src-meta">{byline(paragraphs[0])}</div>')
    head.append(f'<div class="src-meta">Source: {source_html(paragraphs[0].source)}</div>')
    if document and document.location != paragraphs[0].source:
        head.append(f'<div class="src-meta">File: {source_html(document.location)}</div>')
    body = []
    for p in paragraphs:
        cited = " cited" if p.paragraph_id == paragraph_id else ""
        page = f" p.{p.page}" if p.page else ""
        text = esc(p.text)
        if cited and quote and 0 <= quote[0] < quote[1] <= len(p.text):
            text = (esc(p.text[:quote[0]]) + '<mark class="quote">' + esc(p.text[quote[0]:quote[1]]) + "</mark>"
                    + esc(p.text[quote[1]:]))
        body.append(f'<div class="para{cited}" id="{esc(p.paragraph_id)}"><span class="pnum">'
                    f'¶{p.paragraph_index + 1}{page}</span>{text}</div>')
    head_class = "article-head para cited" if header else "article-head"
    return f'<div class="{head_class}">{"".join(head)}</div><div class="article-body">{"".join(body)}</div>'


def library_html(documents) -> str:
    if not documents:
        return f'<div class="notice">{EMPTY_LIBRARY}</div>'
    rows = "".join(
        f"<tr><td><b>{esc(d.title)}</b><br><span class='src-meta'><code>{esc(d.doc_id)}</code></span></td>"
        f"<td>{esc(d.author)}</td><td>{esc(d.date)}</td><td>{source_html(d.source)}</td>"
        f"<td>{d.paragraphs}</td><td>{esc(d.ingested_at[:16].replace('T', ' '))}</td></tr>"
        for d in documents)
    return (f"<p>{len(documents)} document(s), {sum(d.paragraphs for d in documents)} paragraphs.</p>"
            "<table class='doc-table'><tr><th>Title</th><th>Author</th><th>Date</th><th>Source</th>"
            f"<th>Paragraphs</th><th>Added</th></tr>{rows}</table>")


def results_html(results, base: Path | None = None) -> str:
    """One row per file of an ingest: added / updated / skipped / duplicate / failed, with the reason."""
    if not results:
        return '<div class="notice">No files.</div>'
    rows = []
    for r in results:
        name = r.location
        if base and name.startswith(str(base)):
            name = name[len(str(base)):].lstrip("/\\")
        rows.append(f"<tr><td><code>{esc(name)}</code></td><td><span class='status status-{esc(r.status)}'>"
                    f"{esc(r.status)}</span></td><td>{r.paragraphs or ''}</td><td>{esc(r.reason)}</td></tr>")
    return ("<table class='result-table'><tr><th>File</th><th>Result</th><th>Paragraphs</th><th>Reason</th></tr>"
            f"{''.join(rows)}</table>")


def lookup_html(result) -> str:
    label, explanation = VERDICTS.get(result.verdict, (result.verdict, ""))
    parts = [f"<p><span class='status verdict verdict-{esc(result.verdict)}' data-verdict='{esc(result.verdict)}'>"
             f"{esc(label)}</span> {esc(explanation)}</p>"]
    for m in result.matches:
        text = esc(m.text)
        if m.match_start is not None and m.match_end is not None and m.match_end > m.match_start:
            start, end = max(0, m.match_start), min(len(m.text), m.match_end)
            text = esc(m.text[:start]) + "<mark>" + esc(m.text[start:end]) + "</mark>" + esc(m.text[end:])
        differences = "".join(f"<li class='difference'>the quote says <b>{esc(said) or '(nothing)'}</b> where the "
                              f"source says <b>{esc(written) or '(nothing)'}</b></li>" for said, written in m.differences)
        parts.append(f"<div class='match'><b>{esc(m.title)}</b> <span class='src-meta'>{byline(m)} · "
                     f"¶{m.paragraph_index + 1} · score {m.score:.3f}</span><div class='src-meta'>"
                     f"{source_html(m.source)}</div><p>{text}</p>"
                     + (f"<ul class='differences'>{differences}</ul>" if differences else "") + "</div>")
    return "".join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# ---- uploads: a managed folder with sanitized names ----------------------------------------------
def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only word characters, dots, dashes and spaces."""
    base = re.sub(r"[^\w.\- ]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip(" .")[:100] or "upload"
    return f"{stem}.{suffix[:16]}" if suffix else stem


def extract_zip(archive: Path, target: Path) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Unpack an archive below `target` only: every path part is sanitized (zip-slip safe), archive junk
    is skipped, and the total size and number of files are capped against zip bombs. Returns the files
    written and the entries not written as (entry, status, reason): links are skipped, and a damaged
    entry fails without leaving a partial file behind."""
    with zipfile.ZipFile(archive) as zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not _junk(m)]
        if len(members) > MAX_ZIP_FILES:
            raise ValueError(f"archive holds {len(members)} files, over the {MAX_ZIP_FILES}-file limit")
        total = sum(m.file_size for m in members)
        if total > MAX_ZIP_MB * 1e6:
            raise ValueError(f"archive unpacks to {total / 1e6:.0f} MB, over the {MAX_ZIP_MB} MB limit")
        root = target.resolve()
        files, left_out = [], []
        for member in members:
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                left_out.append((member.filename, "skipped", "symbolic link in the archive, not extracted"))
                continue
            parts = [safe_name(p) for p in member.filename.replace("\\", "/").split("/") if p not in ("", ".", "..")]
            dest = root.joinpath(*parts).resolve()
            if not parts or not dest.is_relative_to(root):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(member) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:  # bad CRC, data, password
                dest.unlink(missing_ok=True)
                left_out.append((member.filename, "failed", f"damaged archive entry: {exc}"))
                continue
            files.append(dest)
        return files, left_out


def _junk(member: zipfile.ZipInfo) -> bool:
    name = member.filename.replace("\\", "/")
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith(".")


def place_uploads(paths: list[str], uploads: Path) -> tuple[list[Path], list]:
    """Copy uploaded files (zips unpacked) into the managed folder; bad archives, and the entries of
    an archive that were not unpacked, become results of their own."""
    from ingest.pipeline import FileResult

    uploads.mkdir(parents=True, exist_ok=True)
    placed, unplaced = [], []
    for path in map(Path, paths):
        name = safe_name(path.name)
        if name.lower().endswith(".zip"):
            try:
                files, left_out = extract_zip(path, uploads / name[:-4])
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                unplaced.append(FileResult(name, "failed", reason=f"bad zip archive: {exc}"))
                continue
            placed.extend(files)
            unplaced.extend(FileResult(f"{name}/{entry}", status, reason=reason) for entry, status, reason in left_out)
            continue
        dest = uploads / name
        shutil.copyfile(path, dest)
        placed.append(dest.resolve())
    return placed, unplaced


# ---- backends: what callers may pick -------------------------------------------------------------
def offered_backends(settings) -> list[str]:
    """The backends callers of this server may pick: `serve --backends a,b`, else every one."""
    from assistant.backends import BACKENDS

    names = [n.strip() for n in (settings.backends or ",".join(BACKENDS)).split(",") if n.strip()]
    if not names or set(names) - set(BACKENDS):
        raise ValueError(f"--backends {settings.backends!r}: give a comma-separated list of {', '.join(BACKENDS)}")
    return names


def default_backend(settings, offered: list[str]) -> str:
    """What "auto" means on this server: its own `--backend` (detected, when that is "auto" too)."""
    from assistant.backends import resolve_name

    name = resolve_name(settings.backend)
    if name not in offered:
        raise ValueError(f"the default backend {name} is not among --backends {','.join(offered)}; "
                         "pass --backend with one of them")
    return name


def pick_backend(choice: str | None, default: str, offered: list[str]) -> str:
    """A caller's choice: "auto" (or none) is the server's default; anything else must be offered."""
    if choice in (None, "", "auto"):
        return default
    if choice not in offered:
        raise ValueError(f"backend {choice!r} is not offered by this server; choose auto or one of: "
                         f"{', '.join(offered)}")
    return choice


# ---- the app ---------------------------------------------------------------------------------------
def suggestions_for(assistant, documents) -> list[list[str]]:
    """Fixed questions for the seed corpus, else questions from the newest titles."""
    from assistant.settings import default_corpus

    seed = default_corpus()
    if seed and any(Path(d.location).resolve().is_relative_to(seed.resolve()) for d in documents):
        return [[q] for q in SEED_QUESTIONS]
    newest = sorted(documents, key=lambda d: d.ingested_at, reverse=True)[:3]
    return [[f"What does “{_clip(d.title, 60)}” say?"] for d in newest]


def build(assistant):
    """The Blocks app over `assistant`: Chat, Library and Citation lookup tabs, plus the `/ask` API."""
    import gradio as gr

    from assistant.errors import USER_ERRORS
    from assistant.types import Answer, Evidence

    uploads = Path(assistant.settings.store) / "uploads"
    offered = offered_backends(assistant.settings)
    default = default_backend(assistant.settings, offered)

    def messages(turns, pending: str | None = None, question: str | None = None, evidence: str = "") -> list[dict]:
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
        return [m for t in turns if t["answer"] is not None
                for m in ({"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"]})]

    def respond(question, turns, backend, k, show_scores, as_of):
        question = (question or "").strip()
        if not question:
            yield gr.skip(), turns, gr.skip()
            return
        if not assistant.documents():
            turns = turns + [{"question": question, "answer": None,
                              "html": f'<div class="notice">{EMPTY_LIBRARY}</div>'}]
            yield messages(turns), turns, ""
            return
        yield messages(turns, question=question), turns, ""
        streamed, evidence, chosen = "", "", []
        try:
            for event in assistant.stream(question, backend=pick_backend(backend, default, offered), k=int(k),
                                          history=history(turns), evidence=True, as_of=(as_of or "").strip()):
                if isinstance(event, Answer):
                    rejected = evidence if event.abstained and 'data-state="rejected"' in evidence else ""
                    turns = turns + [{"question": question, "answer": event.answer,
                                      "html": rejected + answer_html(event, show_scores)}]
                    yield messages(turns), turns, ""
                elif isinstance(event, Evidence):
                    chosen = event.citations if event.status == "checking" else chosen
                    # rejected: the quotes stay on screen under a line saying the check rejected them
                    evidence = evidence_html(Evidence(event.status, event.citations or chosen))
                    yield messages(turns, streamed, question, evidence), turns, ""
                else:
                    streamed += event
                    yield messages(turns, streamed, question, evidence), turns, ""
        except USER_ERRORS as exc:
            turns = turns + [{"question": question, "answer": None,
                              "html": f'<div class="error"><b>Could not answer.</b> {esc(exc)}</div>'}]
            yield messages(turns), turns, ""

    def open_citation(target):
        paragraph_id, _, quote = (target or "").partition("|")
        start, _, end = quote.partition(":")
        doc_id = doc_of(paragraph_id)
        paragraphs = assistant.paragraphs(doc_id) if doc_id else []
        if not paragraphs:
            return gr.Column(visible=True), '<div class="error">That document is no longer in the library.</div>'
        document = assistant.document(doc_id)
        span = (int(start), int(end)) if start.isdigit() and end.isdigit() else None
        return gr.Column(visible=True), article_html(document, paragraphs, paragraph_id, span)

    def library_state():
        documents = assistant.documents()
        choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in documents]
        return (library_html(documents), gr.Dropdown(choices=choices, value=None),
                gr.Dataset(samples=suggestions_for(assistant, documents) or [[""]], visible=bool(documents)),
                gr.HTML(f'<div class="notice">{EMPTY_LIBRARY}</div>', visible=not documents))

    def add_files(paths, progress=gr.Progress()):
        if not paths:
            return ('<div class="notice">Choose files (or a .zip) first.</div>', *library_state())
        placed, unplaced = place_uploads(paths, uploads)
        results = _ingest(placed, progress) + unplaced
        return (results_html(results, uploads.resolve()), *library_state())

    def reingest(progress=gr.Progress()):
        locations = list(dict.fromkeys(d.location.split("#", 1)[0] for d in assistant.documents()))
        return (results_html(_ingest(locations, progress), uploads.resolve()), *library_state())

    def _ingest(paths, progress) -> list:
        if not paths:
            return []
        done = []
        progress((0, len(paths)), desc="Reading and embedding…")

        def step(result):
            done.append(result)
            progress((min(len(done), len(paths)), len(paths)), desc=f"{Path(result.location).name}: {result.status}")

        try:
            return assistant.ingest(paths, progress=step).results
        except USER_ERRORS as exc:
            raise gr.Error(str(exc))

    def delete(doc_id):
        if not doc_id:
            return ('<div class="notice">Pick a document to delete.</div>', *library_state())
        removed = assistant.remove(doc_id)
        note = f"Deleted <code>{esc(doc_id)}</code>." if removed else f"No document <code>{esc(doc_id)}</code>."
        return (f'<div class="notice">{note}</div>', *library_state())

    def lookup(text, k):
        if not (text or "").strip():
            return '<div class="notice">Paste a quote or a claim first.</div>'
        try:
            return lookup_html(assistant.lookup(text.strip(), k=int(k)))
        except USER_ERRORS as exc:
            return f'<div class="error">{esc(exc)}</div>'

    def ask(question: str, history: list[dict] | None = None, backend: str = "auto", k: int = 5) -> dict:
        """Answer `question` (with earlier {"role", "content"} messages as `history`): the `--json` answer."""
        try:
            return assistant.ask(question, backend=pick_backend(backend, default, offered), k=int(k),
                                 history=history or []).to_dict()
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc

    def ask_stream(question: str, history: list[dict] | None = None, backend: str = "auto",
                   k: int = 5) -> Iterator[str | dict]:
        """`ask`, streamed: the unverified draft so far (text) as it grows, then the verified answer dict."""
        draft = ""
        try:
            for event in assistant.stream(question, backend=pick_backend(backend, default, offered), k=int(k),
                                          history=history or []):
                if isinstance(event, Answer):
                    yield event.to_dict()
                else:
                    draft += event
                    yield draft
        except USER_ERRORS as exc:
            raise gr.Error(str(exc)) from exc

    with gr.Blocks(title="Grounded assistant") as demo:
        gr.Markdown("## Grounded assistant\nAnswers only from your library; every claim cites its paragraph.")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                empty_notice = gr.HTML(visible=False, elem_id="chat-tab-notice")
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
                        suggestions = gr.Dataset(components=["textbox"], samples=[[""]], label="Try asking",
                                                 elem_id="suggestions", visible=False)
                        with gr.Accordion("Settings", open=False):
                            with gr.Row():
                                backend = gr.Dropdown(["auto", *offered], value="auto", label="Backend", elem_id="backend",
                                                      info=f"auto: {default} · model: "
                                                           f"{assistant.settings.model or 'packaged default'}")
                                k = gr.Slider(1, 20, value=assistant.settings.k, step=1, label="Paragraphs retrieved")
                                show_scores = gr.Checkbox(False, label="Show retrieval scores")
                                as_of = gr.Textbox(date.today().isoformat(), label="As of (YYYY-MM-DD)",
                                                   elem_id="as-of", info='the day "recently" counts back from')
                    with gr.Column(scale=2, visible=False, elem_id="citation-panel") as panel:
                        with gr.Row():
                            gr.Markdown("#### Source")
                            close = gr.Button("Close", size="sm", scale=0, elem_id="citation-close")
                        article = gr.HTML()
                pid = gr.Textbox(visible="hidden", elem_id="citation-pid")
                open_btn = gr.Button(visible="hidden", elem_id="citation-open")
            with gr.Tab("Library", id="library"):
                documents = gr.HTML(elem_id="documents")
                with gr.Row():
                    with gr.Column():
                        files = gr.File(file_count="multiple", label="Add articles (text files, or a .zip of them)",
                                        elem_id="upload")
                        add = gr.Button("Add to library", variant="primary", elem_id="add-files")
                    with gr.Column():
                        doc_choice = gr.Dropdown(label="Document", choices=[], elem_id="doc-choice")
                        with gr.Row():
                            remove = gr.Button("Delete document", variant="stop", elem_id="delete-doc")
                            refresh = gr.Button("Re-ingest all", elem_id="reingest")
                result = gr.HTML(elem_id="ingest-result")
            with gr.Tab("Citation lookup", id="lookup"):
                claim = gr.Textbox(lines=4, label="Quote or claim", elem_id="claim",
                                   placeholder="Paste a sentence to find where it comes from.")
                with gr.Row():
                    lookup_k = gr.Slider(1, 10, value=5, step=1, label="Matches")
                    find = gr.Button("Find sources", variant="primary", elem_id="find")
                found = gr.HTML(elem_id="lookup-result")

        library_outputs = [documents, doc_choice, suggestions, empty_notice]
        chat_io = dict(inputs=[question, turns, backend, k, show_scores, as_of], outputs=[chatbot, turns, question],
                       api_visibility="private", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        question.submit(respond, **chat_io)
        suggestions.click(lambda sample: sample[0], suggestions, question, api_visibility="private").then(
            respond, **chat_io)
        for clearing in (clear.click, chatbot.clear):
            clearing(lambda: ([], [], gr.Column(visible=False)), None, [chatbot, turns, panel],
                     api_visibility="private")
        open_btn.click(open_citation, pid, [panel, article], api_visibility="private")
        close.click(lambda: gr.Column(visible=False), None, panel, api_visibility="private")
        add.click(add_files, files, [result, *library_outputs], api_visibility="private").then(
            lambda: None, None, files, api_visibility="private")
        refresh.click(reingest, None, [result, *library_outputs], api_visibility="private")
        remove.click(delete, doc_choice, [result, *library_outputs], api_visibility="private")
        find.click(lookup, [claim, lookup_k], found, api_visibility="private")
        claim.submit(lookup, [claim, lookup_k], found, api_visibility="private")
        demo.load(library_state, None, library_outputs, api_visibility="private")
        demo.load(lambda: date.today().isoformat(), None, as_of, api_visibility="private")  # today, per page load
        gr.api(ask, api_name="ask", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(ask_stream, api_name="ask_stream", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
    return demo


def launch(assistant, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None, block: bool = True):
    """Build and start the app; with `block=True` say where it runs (only once it does) and serve until
    interrupted, with `block=False` return the running Blocks (tests close it)."""
    import gradio as gr

    from assistant.errors import ServeError

    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise ValueError("--auth must be user:pass")
        credentials = (user, password)
    demo = build(assistant).queue(default_concurrency_limit=CHAT_CONCURRENCY)
    try:
        demo.launch(server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                    css=CSS, head=HEAD, theme=gr.themes.Soft(), quiet=True)
    except OSError as exc:
        raise ServeError(f"cannot serve on {host}:{port}, the port is taken or not allowed ({exc.__class__.__name__}); "
                         "stop what holds it or pass another --port") from None
    if block:
        print(f"web chat on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
        demo.block_thread()
    return demo


def serve(assistant, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> None:
    """`assistant serve`: run the web chat until interrupted."""
    launch(assistant, host, port, auth, block=True)
