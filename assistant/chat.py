"""Follow-up questions rewritten into standalone ones before retrieval.

Cheap and deterministic on a CPU: pronouns that point back to people ("he", "they", ...) are replaced
by the last named subject of the conversation; one that points back to a thing or an event ("it",
"that": "When was it published?", "Why did that happen?") keeps its place and the previous question's
topic words join the question, as they do for a follow-up with no subject of its own or one that
switches subject ("What about Kazakhstan?").
"""
from __future__ import annotations

import re

from ingest.text import content_words, words_in

TIMES = r"(?:week|weekend|month|year|morning|afternoon|evening|night|day|time|season|quarter)"
# "this"/"that" before a time ("this week") name the time, not a subject: the recency window must survive
PEOPLE = re.compile(r"\b(he|she|they|him|her|them|his|hers|their)\b", re.IGNORECASE)
THINGS = re.compile(rf"\b(?:it|its|(?:this|that)(?!\s+{TIMES}\b))\b", re.IGNORECASE)
POSSESSIVE = {"his", "her", "hers", "their"}
SWITCH = re.compile(r"^(?:and\s+|but\s+)?(?:what|how) about\b", re.IGNORECASE)
NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*")
LEAD_IN = re.compile(r"^(?:and|but|also|so|what about|how about)\b[\s,]*", re.IGNORECASE)
QUESTION_WORDS = {"What", "Who", "Whom", "When", "Where", "Which", "Why", "How", "Did", "Does", "Do", "Is",
                  "Are", "Was", "Were", "And", "But", "The", "A", "An", "In", "On", "Can", "Could", "Would"}


def _subject(text: str) -> str | None:
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
    if subject and PEOPLE.search(rewritten):
        rewritten = PEOPLE.sub(lambda m: subject + ("'s" if m.group(1).lower() in POSSESSIVE else ""),
                               rewritten, count=1)
    elif THINGS.search(rewritten) or SWITCH.match(question.strip()) or \
            not _subject(rewritten) and len(content_words(rewritten)) <= 3:
        topic = " ".join(w for w in words_in(previous[-1]) if w.lower() in content_words(previous[-1]))
        rewritten = f"{rewritten.rstrip('?')} ({topic})?"
    return rewritten
