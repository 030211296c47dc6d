"""Fact-bearing answers: a verified answer must hold the kind of fact its question asks for.

"Which strain is spreading?" answered "activity is exploding across the country [1]" passes
verification (the paragraph says so) and answers nothing. Such a hollow answer is replaced by the
sentence of its checked sources that holds the asked fact, quoted and cited; where none does, the
question abstains. The small parser often misses or mislabels facts ("USD 25 million" untagged,
"Borneo" read as a person), so these are read leniently: a figure or a date written out counts for an
amount or a date; a proper noun the question does not name for a person; for a place, one the parser
reads as a place, leaves untagged, tags a person after "in"/"of", or puts in a governing body's name
("The Florida Legislature"); for a name, any but a place or a date, or a common noun that fills the
asked slot ("The pandas will be returning" for "Which animal will be returning?"). Who reports a fact
("..., the Weather Channel reported") is never the name or place asked: hollow is an answer stating
nothing of the kind at all.
"""
from __future__ import annotations

import re

from assistant.answer.answer_kind import (DATE, DATED, NAME, NUMBER, PERSON, PLACE, PLACE_LABELS, asked_kind,
                                          best_fact_sentence, holds_kind, without_reporter)
from assistant.verify.language import parse
from assistant.verify.names import name_in
from assistant.answer.citations import without_markers
from assistant.answer.compose import WITNESS, Composed, without_attribution
from ingest.text import sentences

EMPTY = Composed("", [])
NOT_NAMES = PLACE_LABELS | {"DATE", "TIME"}  # proper nouns that tell where or when, not what
GOVERNING_BODIES = frozenset({"legislature", "senate", "house", "assembly", "parliament", "government", "council",
                              "congress", "court", "administration", "governor", "cabinet", "ministry"})
LOCATIVE = frozenset({"in", "on", "at", "to", "from", "near", "across", "off", "of", "around", "throughout"})
FIGURE = re.compile(r"\d|\b(?:hundred|thousand|million|billion|trillion|dozens?|half|percent|per cent)\b", re.I)


def fact_bearing(question, composed: Composed, sources: list) -> Composed:
    """`composed` when it holds the asked fact (or the question asks no one kind, or yes/no); else the
    best fact-holding sentence of `sources` (the checked ones), else EMPTY (abstain)."""
    kind = asked_kind(question.text)
    if not composed.cited or kind is None or question.yes_no:
        return composed
    said = without_attribution(without_markers(WITNESS.split(composed.text)[0]))
    if holds_kind(kind, said, question.text) or _written_out(kind, said, question.text):
        return composed
    spans = [(i, span) for i, source in enumerate(sources) for span in sentences(source.paragraph.text)]
    texts = [sources[i].paragraph.text[start:end] for i, (start, end) in spans]
    best = best_fact_sentence(question.text, texts)
    if best is None:
        return EMPTY
    i, span = spans[best]
    return Composed(f"{texts[best].strip().rstrip('.')} [1].", [i], {i: span})


def _written_out(kind: str, text: str, question: str) -> bool:
    """What the parser may miss: a figure for an amount, a date for a date, a new proper noun for a
    person, a place or a name."""
    if kind == NUMBER:
        return bool(FIGURE.search(text))
    if kind == DATE:
        return bool(DATED.search(text))
    if kind == PERSON:
        return _names_new(text, question, lambda token: True)
    if kind == PLACE:
        return _names_new(without_reporter(text), question, _may_be_place)
    return _names_new(without_reporter(text), question, lambda token: token.ent_type_ not in NOT_NAMES) \
        or _fills_slot(text, question)


def _names_new(text: str, question: str, fits) -> bool:
    """`text` holds a proper noun that `question` does not name ("Spain won the final": a winner is
    often the sentence's first word) and that `fits` the kind asked (entity labels are often wrong,
    but a date is never a name)."""
    return any(t.pos_ == "PROPN" and not name_in(t.text, question) and fits(t) for t in parse(text))


def _may_be_place(token) -> bool:
    """Read as a place, untagged, a place read as a person after "in", "on", ... ("lived in Borneo"),
    or a place naming a body ("The Florida Legislature passed ...")."""
    return token.ent_type_ in PLACE_LABELS or not token.ent_type_ or (
        token.ent_type_ == "PERSON" and token.i > 0 and token.doc[token.i - 1].lower_ in LOCATIVE) or (
        token.ent_type_ == "ORG" and _governing_body(token) and any(e.label_ in PLACE_LABELS for e in parse(token.text).ents))


def _governing_body(token) -> bool:
    """The token names the place of a body that governs it: "Florida" in "The Florida Legislature",
    not "France" in "Agence France-Presse"."""
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    return entity is not None and entity[-1].lower_ in GOVERNING_BODIES


def _fills_slot(text: str, question: str) -> bool:
    """"Which animal will be returning ...?" is answered by "The pandas will be returning ...": a
    sentence with the question's own predicate (for "is", the same noun after it) whose subject is a
    noun the question does not name. A sentence with another predicate ("activity is exploding" for
    "which strain is spreading") fills nothing."""
    asked = list(parse(question).sents)[-1].root
    for sentence in parse(text).sents:
        root = sentence.root
        if root.lemma_ != asked.lemma_ or root.lemma_ == "be" and _complement(root) != _complement(asked):
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN") and not name_in(c.text, question)
               for c in root.children):
            return True
    return False


def _complement(root) -> str | None:
    """The noun or adjective after "is" ("the most common culprit" -> "culprit")."""
    return next((c.lemma_ for c in root.children if c.dep_ in ("attr", "acomp")), None)
