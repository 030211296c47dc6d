"""Pure HTML renderers of facade results (answers, evidence, articles, the library, ingest and lookup
results): no Gradio, no state, so each is tested on its own. All document text, titles and file names are
HTML-escaped before they reach the page: the library holds whatever people upload."""
from __future__ import annotations

import html
import re
import string
from pathlib import PurePath

URL = re.compile(r"https?://")
# What ends a cited sentence after its marker(s): an "(according to ...)" note and the stop, or nothing
# where the stop came before the markers; any closing quote; then the next sentence.
AFTER_MARKERS = re.compile(r"(?:\s*\([^()]*\))?[.!?]+[\"'”’)]*(?=\s+\S)")
STOP_BEFORE = re.compile(r"[.!?][\"'”’)]*\s*$")
NEXT_SENTENCE = re.compile(r"\s+\S")
SAME_RUN = re.compile(r"\s*")
BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
SIDE = re.compile(r'^(?:(?:But|Also,) )?[^"\n]{1,120}? says: "')  # one article's account: 'X says: "..."'
PARAGRAPHS_FROM = 3  # sentences from which an answer reads as paragraphs, one a sentence
EMPTY_LIBRARY = ("The library is empty. Add articles in the <b>Library</b> tab "
                 "(or run <code>assistant ingest PATH</code>), then ask about them.")
VERDICTS = {"quoted": ("Quoted", "The text appears in the library (verbatim or nearly)."),
            "misquoted": ("Misquoted", "Close to a paragraph, but an edit changes its meaning (see the differing words)."),
            "supported": ("Supported", "The library says this, in other words."),
            "contradicted": ("Contradicted", "The library states the opposite (the refuting sentence is marked)."),
            "not_found": ("Not found", "No paragraph in the library says this.")}


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def inert(text: str) -> str:
    """Text the chat's Markdown renderer cannot turn into anything live: every ASCII punctuation
    character becomes a character reference, so no tag, link, image, autolink or emphasis can form
    (Markdown does not parse references as syntax), and line breaks become <br>."""
    return "".join(f"&#{ord(c)};" if c in string.punctuation else c for c in text).replace("\n", "<br>")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def source_name(source: str | None) -> str:
    """What a reader is shown of a source: a URL or an outlet's name as it is, a file by its name only
    (the server's folders are none of the page's business)."""
    if not source or URL.match(source):
        return source or ""
    return PurePath(source.replace("\\", "/")).name if any(sep in source for sep in "/\\") else source


def source_html(source: str | None) -> str:
    """A link for URLs, the code-formatted name otherwise."""
    if source and URL.match(source):
        return f'<a href="{esc(source)}" target="_blank" rel="noopener noreferrer">{esc(source)}</a>'
    return f"<code>{esc(source_name(source))}</code>" if source else ""


def byline(item) -> str:
    return " · ".join(esc(v) for v in (item.author, item.date) if v)


def cited(citation) -> str:
    """The attributes that make an element open its paragraph in the citation panel (see static/citations.js)."""
    quote = f' data-quote="{citation.quote_start}:{citation.quote_end}"' if citation.quote else ""
    return f'data-pid="{esc(citation.paragraph_id)}" data-doc="{esc(citation.doc_id)}"{quote}'


def chip(n: int, citation) -> str:
    """A citation marker; a click opens the paragraph with its quote highlighted."""
    return f'<button type="button" class="chip" {cited(citation)} title="{esc(citation.title)}">{n}</button>'


def evidence_html(event) -> str:
    """The evidence chosen for a question, shown while the answer is checked and phrased; when the
    check rejects it the view says so, it is never silently swapped."""
    status = {"checking": "Checking this evidence…", "kept": "Answering from this evidence:",
              "rejected": "The check found that this evidence does not answer the question."}[event.status]
    items = "".join(
        f'<li {cited(c)}><q class="evidence-quote">{inert(clip(c.quote, 300))}</q> — '  # the title reads apart
        f'<span class="src-title">{inert(c.title)}</span> <span class="src-meta">'
        f'{" · ".join(part for part in (esc(source_name(c.source)), esc(c.date)) if part)}</span></li>'
        for c in event.citations)
    return (f'<div class="evidence" data-state="{esc(event.status)}"><b>{status}</b>'
            + (f"<ol>{items}</ol>" if items else "") + "</div>")


def source_list(heading: str, citations, show_scores: bool, snippets: bool = False) -> str:
    items = []
    for c in citations:
        score = f' <span class="score">score {c.score:.3f}</span>' if show_scores else ""
        meta = " · ".join(part for part in (byline(c), c.place("¶")) if part)
        snippet = f'<span class="src-snippet">{esc(clip(c.text, 220))}</span>' if snippets else ""
        items.append(f'<li {cited(c)}>{chip(c.n, c)} <span class="src-title">{esc(c.title)}'
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
    parts = answer_paragraphs(answer)
    text = (_with_chips(answer, by_n, *parts[0]) if len(parts) == 1 else
            "".join(f'<p class="answer-part">{_with_chips(answer, by_n, start, end)}</p>' for start, end in parts))
    return f'<div class="answer">{text}</div>' + source_list("Sources", answer.citations, show_scores) + meta


def answer_paragraphs(answer) -> list[tuple[int, int]]:
    """(start, end) of each paragraph an answer is shown in: one per cited sentence where it has
    PARAGRAPHS_FROM or more, or where one article's account follows another's ('X says: "..." [1].
    Y says: "..." [2].'); the whole text otherwise, split only at its own blank lines."""
    text, ends = answer.answer, []
    markers = answer.markers()
    for n, (start, end, _) in enumerate(markers):
        if n + 1 < len(markers) and SAME_RUN.fullmatch(text, end, markers[n + 1][0]):
            continue  # "[1][2]": the sentence ends after the last of the run
        after = AFTER_MARKERS.match(text, end)
        if after or STOP_BEFORE.search(text[max(0, start - 8):start]) and NEXT_SENTENCE.match(text, end):
            ends.append(after.end() if after else end)
    blank = [m.end() for m in BLANK_LINE.finditer(text)]
    sentences = _spans(text, ends + blank)
    if len(sentences) >= PARAGRAPHS_FROM or any(SIDE.match(text[a:b]) for a, b in sentences[1:]):
        return sentences
    return _spans(text, blank)


def _spans(text: str, breaks: list[int]) -> list[tuple[int, int]]:
    """The stripped pieces of `text` between the break positions; the whole text when it has none."""
    bounds = [0, *sorted(set(breaks)), len(text)]
    spans = [(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip()))
             for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    return spans or [(0, len(text))]


def _with_chips(answer, by_n: dict, start: int = 0, end: int | None = None) -> str:
    """The answer's text from start to end escaped, each marker whose numbers are all cited drawn as its
    chips; no line break is left raw (a blank line would end the chat's HTML block and let Markdown in)."""
    end = len(answer.answer) if end is None else end
    pieces, cursor = [], start
    for m_start, m_end, numbers in answer.markers():
        if start <= m_start and m_end <= end and all(n in by_n for n in numbers):
            pieces += [esc(answer.answer[cursor:m_start]), "".join(chip(n, by_n[n]) for n in numbers)]
            cursor = m_end
    return ("".join(pieces) + esc(answer.answer[cursor:end])).strip().replace("\n", "<br>")


def article_html(document, paragraphs, paragraph_id: str, quote: tuple[int, int] | None = None) -> str:
    """The cited paragraph highlighted inside its whole article, its quote marked inside it; the head
    (title, author and date, source) is what is cited when the id is none of the body's paragraphs:
    the answer cites the document's metadata."""
    head = [f"<h3>{esc(document.title)}</h3>"]
    if byline(document):
        head.append(f'<div class="src-meta">{byline(document)}</div>')
    if document.source:
        head.append(f'<div class="src-meta">Source: {source_html(document.source)}</div>')
    body = []
    for p in paragraphs:
        is_cited = p.paragraph_id == paragraph_id
        page = f" p.{p.page}" if p.page else ""
        text = esc(p.text)
        if is_cited and quote and 0 <= quote[0] < quote[1] <= len(p.text):
            text = (esc(p.text[:quote[0]]) + '<mark class="quote">' + esc(p.text[quote[0]:quote[1]]) + "</mark>"
                    + esc(p.text[quote[1]:]))
        body.append(f'<div class="para{" cited" if is_cited else ""}" id="{esc(p.paragraph_id)}"><span class="pnum">'
                    f'¶{p.paragraph_index + 1}{page}</span>{text}</div>')
    head_cited = not any(p.paragraph_id == paragraph_id for p in paragraphs)
    head_class = "article-head para cited" if head_cited else "article-head"
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


def results_html(results, base: str | None = None) -> str:
    """One row per file of an ingest: added / updated / skipped / duplicate / failed, with the reason;
    files under `base` (the uploads folder) are named relative to it."""
    if not results:
        return '<div class="notice">No files.</div>'
    rows = []
    for r in results:
        name = r.location
        if base and name.startswith(base):
            name = name[len(base):].lstrip("/\\")
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
        place = m.place("¶")
        meta = " · ".join(part for part in (byline(m), place, f"score {m.score:.3f}") if part)
        parts.append(f"<div class='match'><b>{esc(m.title)}</b> <span class='src-meta'>{meta}</span>"
                     "<div class='src-meta'>"
                     f"{source_html(m.source)}</div><p>{text}</p>"
                     + (f"<ul class='differences'>{differences}</ul>" if differences else "") + "</div>")
    return "".join(parts)
