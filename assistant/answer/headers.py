"""Questions about an article itself: who wrote it, when and where it was published, its title.

No body paragraph states these, so such a question gets, ahead of its hits, the header paragraph
(`ingest.records.header_paragraph`) of each document its hits come from: the answer can cite it.
Such questions often name only the outlet or author ("Who wrote the financialexpress article?"), so
their hits score low; a header scores as the better of its document's best hit and its own text.
"""
from __future__ import annotations

from assistant.answer.question import Question, as_question
from assistant.answer.retrieval import Hit
from ingest.records import header_paragraph

MAX_HEADERS = 3


def with_headers(question: Question | str, hits: list[Hit], store, encode) -> list[Hit]:
    """`hits` with their documents' headers first, best scored first, when the question asks about
    the article itself."""
    question = as_question(question)
    if not hits or not question.about_article:
        return hits
    best: dict[str, Hit] = {}
    for hit in hits:
        best.setdefault(hit.paragraph.doc_id, hit)
    found = [(header_paragraph(document), hit) for doc_id, hit in list(best.items())[:MAX_HEADERS]
             if (document := store.document(doc_id)) is not None]
    if not found:
        return hits
    vectors = encode([question.text, *(header.text for header, _ in found)])
    headers = [Hit(header, max(hit.score, float(vectors[0] @ vector)), hit.rank_score)
               for (header, hit), vector in zip(found, vectors[1:])]
    return sorted(headers, key=lambda h: h.score, reverse=True) + hits
