"""A question read once, before any stage runs: `Question.read(asked, history, as_of)`.

Every stage of the answer pipeline reads the question from here (its standalone rewrite, what it asks
for, its time, the names it holds) rather than re-reading the words with its own patterns.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from assistant.answer.answer_kind import ASKED, NAME, kind_words
from assistant.answer.chat import standalone_question
from assistant.answer.recency import TimeAsked, time_asked
from assistant.verify.stated import names_asked

# The kind of fact the question asks for (one word list: assistant/answer/answer_kind.py); evidence
# sentences holding one score higher. "name" is answered by any proper noun, so it gives no bonus.
WANTS = tuple((kind, pattern) for kind, pattern in ASKED if kind != NAME)
YES_NO = re.compile(r"^\s*(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|may|might|"
                    r"must)\b(?!.*\bor\b)", re.IGNORECASE)
# Questions about an article itself (who wrote it, when and where it was published, its title):
# no body paragraph states these, so the documents' headers join the hits (assistant/answer/headers.py).
ABOUT_THE_ARTICLE = re.compile(
    r"\b(?:who (?:wrote|authored|penned|published|is the author)|author|written by|byline|"
    r"when was .{0,80}?\b(?:published|written|posted|released)|"
    r"publication date|date of publication|published (?:by|in|on|when)|(?:what|which) "
    r"(?:outlet|publication|newspaper|paper|site|website|source|magazine|media)|headline|title of)\b",
    re.IGNORECASE)


def wanted_kind(question: str) -> str | None:
    """"number", "date", "person", "place", or None: the kind of fact the question asks for."""
    return next((kind for kind, pattern in WANTS if pattern.search(question)), None)


def is_yes_no(question: str) -> bool:
    return bool(YES_NO.match(question))


def asks_about_article(question: str) -> bool:
    return bool(ABOUT_THE_ARTICLE.search(question))


@dataclass(frozen=True)
class Question:
    """What a question is, for every stage: `text` is what they read (the standalone rewrite of a
    follow-up, else the question as asked). A yes/no question may also be about the article itself
    ("Was it written by ...?"), so these are two flags, not one kind."""
    asked: str  # as the user wrote it
    text: str  # standalone: a follow-up's pronouns and topic filled in from the conversation
    as_of: datetime.date  # the day it is asked on: "this week" and an article's age count from it
    time: TimeAsked  # the time it asks about: recency prior, window
    wants: str | None  # the kind of fact asked for: "number", "date", "person", "place"
    yes_no: bool  # answered "Yes" or "No" from the evidence's verdict on its statement
    about_article: bool  # asks who wrote an article, when or where it was published: headers answer

    @classmethod
    def read(cls, asked: str, history: list[dict] | None = None, as_of: datetime.date | None = None) -> "Question":
        text = standalone_question(asked, history or [])
        return cls(asked=asked, text=text, as_of=as_of or datetime.date.today(), time=time_asked(text),
                   wants=wanted_kind(text), yes_no=is_yes_no(text), about_article=asks_about_article(text))

    @cached_property
    def names(self) -> tuple[str, ...]:
        """The names it asks about, places and nationalities aside, and those that only say what kind
        of thing is asked ("NFL" in "Which NFL player ...?", `kind_words`); read on first use: a parse."""
        return names_about(self.text)

    @property
    def rewritten(self) -> str | None:
        """The standalone rewrite, where it differs from the question as asked."""
        return self.text if self.text != self.asked else None

    def outside_window(self, date: str | None) -> bool:
        """An article of this date lies outside the time the question asks about."""
        return self.time.excludes(date, self.as_of)


def as_question(question: Question | str) -> Question:
    """A stage's question: a plain string is read as a question asked today, with no conversation before it."""
    return question if isinstance(question, Question) else Question.read(question)


def names_about(question: str) -> tuple[str, ...]:
    """The names a question asks about (`names_asked`: places and nationalities aside), less those
    that only say what kind of thing is asked (`kind_words`)."""
    kind = kind_words(question)
    return tuple(name for name in names_asked(question) if not set(name.split()) <= kind)
