"""The kind of fact a question asks for, and whether a sentence holds one: an answer to "how much"
must state an amount, to "who" a person, to "where" a place, to "when" a date, to "which ..." a
name. A draft that restates the question's topic ("activity is exploding across the country" for
"which strain ...") holds none and is hollow; among the evidence sentences, the one that holds the
asked fact is the answer ("over USD 62 billion", not the praise before it).

Read with spaCy's entities (assistant/language.py). What the question itself names does not count:
"Who did Blinken meet?" is not answered by a sentence naming only Blinken.
"""
from __future__ import annotations

import re

from assistant.verify import dates
from assistant.verify.language import NAME_LABELS, parse
from assistant.verify.names import is_generic, name_in
from ingest.text import STOPWORDS, prefix_stems

NUMBER, DATE, PERSON, PLACE, NAME = "number", "date", "person", "place", "name"
# the question words of each kind, in the order they decide ("which year" is a date, "which team" a name)
ASKED = (
    (NUMBER, re.compile(r"\bhow (?:many|much|long|old|far|big|large|often)\b|\bwhat (?:percentage|percent|share|"
                        r"number|amount|sum|total|proportion|price|cost)\b|\bby how\b", re.IGNORECASE)),
    (DATE, re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|day|month|decade|century)\b", re.IGNORECASE)),
    (PERSON, re.compile(r"\bwho(?:m|se)?\b", re.IGNORECASE)),
    (PLACE, re.compile(r"\bwhere\b|\b(?:what|which) (?:country|city|state|town|region|place|capital|island|county|"
                       r"province|village|continent|district|neighbou?rhood)\b",
                       re.IGNORECASE)),
    (NAME, re.compile(r"(?:^|[,;:]\s*|\b(?:and|in|of|for|to|from|at|by|with|on|under)\s+)which\b|\bwhat(?:'s| is| was|"
                      r" are| were)? (?:the |its |their |his |her )?(?:name|title)\b|\bcalled what\b", re.IGNORECASE)),
)
FIGURE_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})
DURATION = re.compile(r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
                      r"hundreds?|several|a few)\b.*\b(?:second|minute|hour|day|week|month|year|decade|centur)",
                      re.IGNORECASE)  # "how long", "how old": "three years", "45 years old"
DATED = re.compile(r"\d|\b(?:yesterday|today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
                   r"sunday|january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"(?:last|next|this|past) (?:week|weekend|month|year))\b", re.IGNORECASE)  # not "recent years"
PERSON_LABELS = frozenset({"PERSON", "ORG", "NORP"})  # "who" asks for a body as often as a person
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAMING_LABELS = NAME_LABELS - {"GPE", "LOC", "NORP"}
CODE = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Z0-9][A-Za-z0-9-]{1,}$")  # "PCOS", "H3N2", "XBB.1.5"-like codes
# Who reports a fact is no answer to "which storm" or "where": in "..., the Weather Channel reported",
# "the National Weather Service office in New Orleans said ..." and "according to Cal Fire" the names
# are the source's, not the thing asked. Read from the parse: the subject of a reporting verb.
REPORTING_VERBS = frozenset({"say", "report", "tell", "announce", "confirm", "state", "note", "add", "warn"})
QUOTED_TITLE = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")


# "Which NFL player ...", "which other Disney film": the words between "which"/"what" and the noun it asks
# for describe the answer's kind; a story about the answer ("Miami Dolphins wide receiver Tyreek Hill
# ...") need not name them.
KIND_PHRASE = re.compile(r"\b(?:[Ww]hich|[Ww]hat)\s+((?:(?:other|[A-Z0-9][\w'&.-]*)\s+){1,4})[a-z]+\b"
                         r"(?=\s+(?:is|are|was|were|has|have|had|will|would|did|does|do|can|could|[a-z]+ed)\b|\?|$)")


def kind_words(question: str) -> set[str]:
    """The capitalised words that modify the noun a "which/what ..." question asks for ("NFL" in
    "Which NFL player has complained ...?"): they say what kind of thing is asked, not what the story
    is about."""
    words = set()
    for match in KIND_PHRASE.finditer(question):
        words |= {w for w in match.group(1).split() if w != "other"}
    return words


def asked_kind(question: str) -> str | None:
    """number, date, person, place or name: the kind of fact the question asks for, else None
    (what, why, how: an explanation has no one kind)."""
    return next((kind for kind, pattern in ASKED if pattern.search(question)), None)


def holds_kind(kind: str, sentence: str, question: str = "") -> bool:
    """`sentence` states a fact of `kind` that `question` does not already name."""
    if kind in (NAME, PLACE):
        sentence = without_reporter(sentence)
    doc = parse(sentence)
    new = [e for e in doc.ents if not question or not _named_in(e.text, question)]
    if kind == NUMBER:
        return any(e.label_ in FIGURE_LABELS and e.text.lower() != "one" or  # "one of the top investors"
                   e.label_ in ("DATE", "TIME") and DURATION.search(e.text) and not dates.states_year(e.text)
                   for e in new)
    if kind == DATE:
        return any(e.label_ in ("DATE", "TIME") and DATED.search(e.text) for e in new)
    if kind == PERSON:  # the small model leaves many names untagged ("Agnifilo")
        return any(e.label_ in PERSON_LABELS for e in new) or any(
            t.pos_ == "PROPN" and not t.ent_type_ and _is_name_word(t) and not is_generic(t.text)
            and not _named_in(t.text, question) for t in doc)
    if kind == PLACE:
        return any(e.label_ in PLACE_LABELS for e in new)
    if kind == NAME:  # where it happens is no name of the thing asked: "the blaze north of Los Angeles"
        return any(e.label_ in NAMING_LABELS for e in new) or any(
            _is_name_word(t) and not _named_in(t.text, question) for t in doc) or any(
            not _named_in(title, question) for title in QUOTED_TITLE.findall(sentence))
    raise ValueError(f"unknown kind of fact {kind!r} (known: {NUMBER}, {DATE}, {PERSON}, {PLACE}, {NAME})")


def best_fact_sentence(question: str, sentences: list[str]) -> int | None:
    """The index of the sentence that holds the fact the question asks for and shares most of its
    words (the first of equals), else None: no sentence answers, or the question asks no one kind."""
    kind = asked_kind(question)
    if kind is None:
        return None
    wanted = prefix_stems(" ".join(w for w in re.findall(r"\w+", question) if w.lower() not in STOPWORDS))
    scored = [(len(wanted & prefix_stems(s)), -i) for i, s in enumerate(sentences) if holds_kind(kind, s, question)]
    best = max(scored, default=None)
    return -best[1] if best and best[0] > 0 else None


def without_reporter(sentence: str) -> str:
    """`sentence` without the words naming who reports it: the subject of a reporting verb
    (REPORTING_VERBS) and an "according to ..." phrase."""
    doc = parse(sentence)
    dropped = set()
    for token in doc:
        if token.pos_ in ("VERB", "AUX") and token.lemma_ in REPORTING_VERBS:
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    dropped.update(t.i for t in child.subtree)
        elif token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            dropped.update(t.i for t in token.subtree)
            dropped.update(t.i for t in doc[token.i + 1].subtree)
    return "".join(t.text_with_ws for t in doc if t.i not in dropped) if dropped else sentence


def _named_in(name: str, question: str) -> bool:
    return bool(question) and name_in(name, question)


def _is_name_word(token) -> bool:
    """A word that names something: a proper noun past a sentence's first word, or a code ("H3N2");
    not a place's or a date's."""
    if token.ent_type_ and token.ent_type_ not in NAMING_LABELS:
        return False
    return token.pos_ == "PROPN" and token.i > token.sent.start or bool(CODE.match(token.text))
