"""Fact-bearing answers: a verified answer must hold the kind of fact its question asks for.

"Which strain is spreading?" answered "activity is exploding across the country [1]" passes
verification (the paragraph says so) and answers nothing. Such a hollow answer is replaced by the
sentence of its checked sources that holds the asked fact, quoted and cited; where none does, the
question abstains, except for "which ..." names, which the small parser often fails to see (there
the answer stands rather than lose a right one).
"""
from __future__ import annotations

import re

from assistant.answer.answer_kind import NAME, asked_kind, best_fact_sentence, holds_kind
from assistant.answer.citations import without_markers
from assistant.answer.compose import Composed, without_attribution
from ingest.text import sentences

EMPTY = Composed("", [])
WITNESS = re.compile(r'\s(?:But|Also,) [^"]{1,120}? says: "')  # compose's other side: not the answer's own words


def fact_bearing(question, composed: Composed, sources: list) -> Composed:
    """`composed` when it holds the asked fact (or the question asks no one kind, or yes/no); else the
    best fact-holding sentence of `sources` (the checked ones), else EMPTY (abstain) or, for a name,
    `composed` as it is."""
    kind = asked_kind(question.text)
    if not composed.cited or kind is None or question.yes_no:
        return composed
    said = without_attribution(without_markers(WITNESS.split(composed.text)[0]))
    if holds_kind(kind, said, question.text):
        return composed
    spans = [(i, span) for i, source in enumerate(sources) for span in sentences(source.paragraph.text)]
    texts = [sources[i].paragraph.text[start:end] for i, (start, end) in spans]
    best = best_fact_sentence(question.text, texts)
    if best is None:
        return composed if kind == NAME else EMPTY
    i, span = spans[best]
    return Composed(f"{texts[best].strip().rstrip('.')} [1].", [i], {i: span})
