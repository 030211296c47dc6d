"""Questions about the recent past: how retrieval leans towards fresh articles, and which articles are
too old to answer them at all.

"Which classic video game was beaten this week?" asked on 2024-01-05 is not answered by a 2015
article, however well it matches: retrieval gives recent articles a mild prior (`with_recency`), and
the answer may only rest on articles inside the window the question names (`outside_window`), so a
question about this week's news abstains rather than answer from years-old news.
"""
from __future__ import annotations

import datetime
import re

RECENT = re.compile(r"\b(?:(?:this|last|past|previous) (?:week|weekend|month|few (?:days|weeks))|recent(?:ly)?"
                    r"|latest|newest|lately|today|yesterday|currently|so far|to date|still|(?-i:new))\b", re.IGNORECASE)
RECENCY_WEIGHT = 0.1  # share of the best candidate's score added for an article dated on as_of
RECENCY_HALF_LIFE_DAYS = 30  # ... halving for every month before it
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# The phrase that names a window, and how many days before `as_of` it reaches (news a day or three
# late counts, as in the quizzes: an article may be dated a little after the day it reports).
WINDOWS = (
    (re.compile(rf"\b(?:this|last|past) (?:week|weekend)\b|\byesterday\b|\bon {WEEKDAY}\b", re.I), 14),
    (re.compile(r"\b(?:this|last|past) month\b", re.I), 45),
    (re.compile(r"\b(?:recently|newly|just announced)\b", re.I), 92),  # not "today" (= nowadays) or "most recent"
)
DAYS_LATE = 3
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
THIS_YEAR = re.compile(r"\bthis year\b", re.IGNORECASE)


def is_recent(question: str) -> bool:
    """Does the question ask about the recent past ("this week", "recently", "the latest", "new") or
    the state of things now ("so far", "still"), which the newest telling of a story reports?"""
    return bool(RECENT.search(question))


def recency(date: str | None, as_of: datetime.date) -> float:
    """1 for an article dated on `as_of`, halving every RECENCY_HALF_LIFE_DAYS before it; 0 when
    undated or dated after it (a later article is not what "recently" meant on that day)."""
    try:
        age = (as_of - datetime.date.fromisoformat(date[:10])).days if date else -1
    except ValueError:
        return 0.0
    return 0.5 ** (age / RECENCY_HALF_LIFE_DAYS) if age >= 0 else 0.0


def with_recency(ranked: dict[str, float], dates: dict[str, str | None], as_of: datetime.date) -> dict[str, float]:
    """Scores plus a prior for recent articles, scaled to the best score so every method's scale fits."""
    bonus = RECENCY_WEIGHT * max(ranked.values())
    return {pid: score + bonus * recency(dates.get(pid), as_of) for pid, score in ranked.items()}


def window_days(question: str) -> int | None:
    """How far back the question's own words reach ("this week": 14 days), None when they name no window."""
    return next((days for phrase, days in WINDOWS if phrase.search(question)), None)


def outside_window(question: str, date: str | None, as_of: datetime.date) -> bool:
    """The article is dated outside the window the question names (undated articles are given the
    benefit of the doubt; "this year" is the calendar year of `as_of`)."""
    try:
        day = datetime.date.fromisoformat(date[:10]) if date else None
    except ValueError:
        return False
    if day is None or any(int(year) != as_of.year for year in YEAR.findall(question)):
        return False  # "newly legalized in 1920": the question names its own time
    days = window_days(question)
    if days is None:
        return bool(THIS_YEAR.search(question)) and day.year != as_of.year
    return not -DAYS_LATE <= (as_of - day).days <= days
