"""Follow-up questions rewritten into standalone ones before retrieval.

Cheap and deterministic on a CPU: pronouns that point back to people ("he", "they", ...) are replaced
by the last named subject of the conversation (the grammatical subject in spaCy's parse, else the
first capitalised name); one that points back to a thing, an event, a place or a time ("it",
"that", "there", "then": "When was it published?", "Why did that happen?") keeps its place and the
previous question's topic words join the question, as they do for a follow-up with no subject of its
own or one that switches subject ("What about Kazakhstan?").
"""
from __future__ import annotations

import re

from assistant.answer.recency import TIME_NOUNS
from assistant.verify import language
from assistant.verify.names import is_generic
from ingest.text import content_words, words_in

PEOPLE = re.compile(r"\b(he|she|they|him|her|them|his|hers|their)\b", re.IGNORECASE)
# "this"/"that" before a time ("this week") name the time, not a subject: the recency window must survive
THINGS = re.compile(rf"\b(?:it|its|(?:this|that)(?!\s+{TIME_NOUNS}\b))\b", re.IGNORECASE)
POSSESSIVE = {"his", "her", "hers", "their"}
PLACE_OR_TIME = re.compile(r"\b(?:there|then)\b", re.IGNORECASE)  # "the minister he met there": where he was
SWITCH = re.compile(r"^(?:and\s+|but\s+)?(?:what|how) about\b", re.IGNORECASE)
NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*")
LEAD_IN = re.compile(r"^(?:and|but|also|so|what about|how about)\b[\s,]*", re.IGNORECASE)
QUESTION_WORDS = {"What", "Who", "Whom", "When", "Where", "Which", "Why", "How", "Did", "Does", "Do", "Is",
                  "Are", "Was", "Were", "And", "But", "The", "A", "An", "In", "On", "Can", "Could", "Would"}


def _subject(text: str) -> str | None:
    return _parsed_subject(text) or _first_name(text)


def _parsed_subject(text: str) -> str | None:
    """The name that is the question's grammatical subject: "Which Uzbek president did Blinken meet?"
    is about Blinken, not "Uzbek" (the first capitalised word); "Did the Uzbek president meet ...?" about
    "the Uzbek president". A title noun counts only with its modifiers; other nouns are no one."""
    doc = language.parse(text)
    subjects = [t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"]
    for token in sorted(subjects, key=lambda t: t.pos_ != "PROPN"):
        if token.pos_ == "PROPN":
            start = token.i
            while start > 0 and (doc[start - 1].pos_ == "PROPN" or doc[start - 1].text == "-"):
                start -= 1
            while start < token.i and is_generic(doc[start].text):
                start += 1  # "President Kassym-Jomart Tokayev" -> "Kassym-Jomart Tokayev"
            return doc[start:token.i + 1].text
        modifiers = [t for t in token.lefts if t.dep_ in ("amod", "compound") and t.text[:1].isupper()]
        if token.pos_ == "NOUN" and is_generic(token.text) and modifiers:
            return "the " + doc[modifiers[0].i:token.i + 1].text
    return None


def _first_name(text: str) -> str | None:
    """The first capitalised name, where the parse finds no subject ("Who wrote ... Blinken's visit?")."""
    names = [n for n in NAME.findall(text) if n.split()[0] not in QUESTION_WORDS or len(n.split()) > 1]
    names = [re.sub(r"['’]s$", "", " ".join(w for w in n.split() if w not in QUESTION_WORDS)) for n in names]
    return next((n for n in names if n), None)  # "Blinken's visit" is about Blinken


def standalone_question(question: str, history: list[dict]) -> str:
    previous = [m["content"] for m in history if m.get("role") == "user" and m.get("content")]
    if not previous:
        return question
    subject = next((s for text in reversed(previous) if (s := _subject(text))), None)
    rewritten = LEAD_IN.sub("", question.strip())
    rewritten = rewritten[:1].upper() + rewritten[1:]
    person = bool(subject and PEOPLE.search(rewritten))
    if person:
        rewritten = PEOPLE.sub(lambda m: subject + ("'s" if m.group(1).lower() in POSSESSIVE else ""),
                               rewritten, count=1)
    if THINGS.search(rewritten) or PLACE_OR_TIME.search(rewritten) or SWITCH.match(question.strip()) or \
            not person and not _subject(rewritten) and len(content_words(rewritten)) <= 3:
        topic = " ".join(w for w in words_in(previous[-1]) if w.lower() in content_words(previous[-1]))
        rewritten = f"{rewritten.rstrip('?')} ({topic})?"
    return rewritten
