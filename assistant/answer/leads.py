"""What the newest articles lead with, for "What's the latest on X?".

A news report states its news first and the background after; retrieval, ranking paragraphs by how
well they match the story's words, returns the background (it names the story in full) and misses the
lead ("Boeing machinists rejected the offer, 64% voting against"). So a "latest" question's hits are
joined by the first LEAD_PARAGRAPHS body paragraphs of the LEAD_ARTICLES newest articles among them,
each scored as its article's best hit; the open answer still keeps only sentences about the topic.
"""
from __future__ import annotations

from assistant.answer.retrieval import Hit
from ingest.records import paragraph_id

LEAD_ARTICLES = 2
LEAD_PARAGRAPHS = 2


def with_leads(hits: list[Hit], store) -> list[Hit]:
    """`hits` plus the leading paragraphs of the newest dated articles among them (not already hits)."""
    best: dict[str, Hit] = {}
    for hit in hits:
        if hit.paragraph.date:
            best.setdefault(hit.paragraph.doc_id, hit)
    newest = sorted(best.values(), key=lambda h: h.paragraph.date, reverse=True)[:LEAD_ARTICLES]
    have = {h.paragraph.paragraph_id for h in hits}
    wanted = [paragraph_id(h.paragraph.doc_id, i) for h in newest for i in range(LEAD_PARAGRAPHS)]
    found = store.get([pid for pid in wanted if pid not in have])
    leads = [Hit(found[pid], best[found[pid].doc_id].score, best[found[pid].doc_id].rank_score)
             for pid in wanted if pid in found]
    return hits + leads
