"""Questions about an article itself: who wrote it, when and where it was published, its title.

No body paragraph states these, so such a question gets, ahead of its hits, the header paragraph
(`ingest.records.header_paragraph`) of each document its hits come from: the answer can cite it.
Such questions often name only the outlet or author ("Who wrote the financialexpress article?"), so
their hits score low; a header scores as the better of its document's best hit and its own text.
"""
from __future__ import annotations

import re

from assistant.answer.retrieval import Hit
from ingest.records import header_paragraph

ABOUT_THE_ARTICLE = re.compile(
    r"\b(?:who (?:wrote|authored|penned|published|is the author)|author|written by|byline|"
    r"when was .{0,80}?\b(?:published|written|posted|released)|"
    r"publication date|date of publication|published (?:by|in|on|when)|(?:what|which) "
    r"(?:outlet|publication|newspaper|paper|site|website|source|magazine|media)|headline|title of)\b",
    re.IGNORECASE)
MAX_HEADERS = 3


def asks_about_article(question: str) -> bool:
    return bool(ABOUT_THE_ARTICLE.search(question))


def with_headers(question: str, hits: list[Hit], store, encode) -> list[Hit]:
    """`hits` with their documents' headers first, best scored first, when the question asks about
    the article itself."""
    if not hits or not asks_about_article(question):
        return hits
    best: dict[str, Hit] = {}
    for hit in hits:
        best.setdefault(hit.paragraph.doc_id, hit)
    found = [(header_paragraph(document), hit) for doc_id, hit in list(best.items())[:MAX_HEADERS]
             if (document := store.document(doc_id)) is not None]
    if not found:
        return hits
    vectors = encode([question, *(header.text for header, _ in found)])
    headers = [Hit(header, max(hit.score, float(vectors[0] @ vector)), hit.rank_score)
               for (header, hit), vector in zip(found, vectors[1:])]
    return sorted(headers, key=lambda h: h.score, reverse=True) + hits
