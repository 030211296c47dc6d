"""Questions about an article itself: who wrote it, when and where it was published, its title.

No body paragraph states these, so such a question gets, ahead of its hits, the header paragraph
(`ingest.records.header_paragraph`) of each document its hits come from: the answer can cite it.
"""
from __future__ import annotations

import re

from assistant.retrieval import Hit
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


def with_headers(question: str, hits: list[Hit], store) -> list[Hit]:
    """`hits` with their documents' headers first when the question asks about the article itself;
    a header scores as its document's best hit."""
    if not hits or not asks_about_article(question):
        return hits
    best: dict[str, Hit] = {}
    for hit in hits:
        best.setdefault(hit.paragraph.doc_id, hit)
    headers = []
    for doc_id, hit in list(best.items())[:MAX_HEADERS]:
        document = store.document(doc_id)
        if document is not None:
            headers.append(Hit(header_paragraph(document), hit.score, hit.rank_score))
    return headers + hits
