"""The time a question asks about (`time_asked`, from the one time vocabulary), how retrieval leans
towards fresh articles, and which articles are too old to answer it at all.

"Which classic video game was beaten this week?" asked on 2024-01-05 is not answered by a 2015
article, however well it matches: retrieval gives recent articles a mild prior (`with_recency`), and
the answer may only rest on articles inside the window the question names (`outside_window`), so a
question about this week's news abstains rather than answer from years-old news.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

RECENCY_WEIGHT = 0.1  # share of the best candidate's score added for an article dated on as_of
RECENCY_HALF_LIFE_DAYS = 30  # ... halving for every month before it
# A question about the state of things leans to the newest telling over years, not weeks: "Which state is
# in a legal battle over a Ten Commandments law?" asked in late 2024 is about that year's case, not 2013's.
PRESENT_HALF_LIFE_DAYS = 365
DAYS_LATE = 3  # news a day or three late counts, as in the quizzes: an article may be dated after the day it reports

# The time vocabulary: every phrase by which a question names its time. Each says whether it leans
# retrieval towards recent articles (the prior) and how many days before `as_of` the answer may reach
# (the window). Not every phrase does both: "latest", "today" (= nowadays), "still" or "recent" ("most
# recent") ask for the newest telling but no window; a phrase naming a window leans to fresh articles
# too. The first phrase with a window that matches decides it (rows in that order).
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
TIME_PHRASES = (  # (phrase, prior, window in days)
    (r"(?:this|last|past) (?:week|weekend)", True, 14),
    (r"yesterday", True, 14),
    (rf"on {WEEKDAY}", True, 14),
    (r"(?:this|last|past) month", True, 45),
    (r"recently", True, 92),
    (r"newly|just announced", True, 92),
    (r"previous (?:week|weekend|month)|(?:this|last|past|previous) few (?:days|weeks)", True, None),
    (r"recent|latest|newest|lately|today|currently|so far|to date|still|(?-i:new)", True, None),
)
# A question about the state of things ("Who is the prime minister?", "Where will the Games be held?")
# is about `as_of`: the newest statement answers it, and an old one is said to be possibly outdated.
PRESENT = re.compile(r"(?:^|[.!?]\s+)(?:who|what|which|where|how many|how much)\b[^?]{0,40}?\b(?:is|are|will|does|do|has|have)\b"
                     r"|\b(?:current(?:ly)?|now|at present|these days|latest|newest|still|so far|to date)\b", re.IGNORECASE)
PHRASES = tuple((re.compile(rf"\b(?:{phrase})\b", re.IGNORECASE), prior, days) for phrase, prior, days in TIME_PHRASES)
THIS_YEAR = re.compile(r"\bthis year\b", re.IGNORECASE)  # the calendar year of `as_of`
YEAR = re.compile(r"\b(?:19|20)\d\d\b")  # a year the question names: its own time, no window
# Nouns of time: after "this"/"that" ("this week") they name the question's time, not a thing it points
# back to (a follow-up's "that" borrows the previous question's topic: assistant/answer/chat.py).
TIME_NOUNS = r"(?:week|weekend|month|year|morning|afternoon|evening|night|day|time|season|quarter)"


@dataclass(frozen=True)
class TimeAsked:
    """The time a question asks about, read once from the time vocabulary."""
    recent: bool  # it asks about the recent past or the state of things now: retrieval leans to fresh articles
    window_days: int | None  # the answer rests only on articles dated this many days before `as_of`
    this_year: bool  # "this year": articles of `as_of`'s calendar year
    years: tuple[int, ...]  # the years it names itself ("newly legalized in 1920")
    present: bool = False  # about the state of things on `as_of` (present or future tense, "current", "latest")
    named_time: bool = False  # a time phrase ("this week", "recently", "latest") leans it, not only its tense

    @property
    def half_life_days(self) -> int:
        """How fast the recency prior fades: by the month for news of a named time, by the year for a
        question only about the state of things."""
        return RECENCY_HALF_LIFE_DAYS if self.named_time or not self.present else PRESENT_HALF_LIFE_DAYS

    def excludes(self, date: str | None, as_of: datetime.date) -> bool:
        """The article is dated outside the window the question names (undated articles are given
        the benefit of the doubt; "this year" is the calendar year of `as_of`)."""
        try:
            day = datetime.date.fromisoformat(date[:10]) if date else None
        except ValueError:
            return False
        if day is None or any(year != as_of.year for year in self.years):
            return False  # "newly legalized in 1920": the question names its own time
        if self.window_days is None:
            return self.this_year and day.year != as_of.year
        return not -DAYS_LATE <= (as_of - day).days <= self.window_days


def time_asked(question: str) -> TimeAsked:
    found = [(prior, days) for pattern, prior, days in PHRASES if pattern.search(question)]
    years = tuple(int(year) for year in YEAR.findall(question))
    present = not years and bool(PRESENT.search(question))
    named = any(prior for prior, _ in found)
    return TimeAsked(recent=named or present, present=present, named_time=named,
                     window_days=next((days for _, days in found if days is not None), None),
                     this_year=bool(THIS_YEAR.search(question)),
                     years=years)


def is_recent(question: str) -> bool:
    """Does the question ask about the recent past ("this week", "recently", "the latest", "new") or
    the state of things now ("so far", "still"), which the newest telling of a story reports?"""
    return time_asked(question).recent


def recency(date: str | None, as_of: datetime.date, half_life_days: int = RECENCY_HALF_LIFE_DAYS) -> float:
    """1 for an article dated on `as_of`, halving every `half_life_days` before it; 0 when undated or
    dated after it (a later article is not what "recently" meant on that day)."""
    try:
        age = (as_of - datetime.date.fromisoformat(date[:10])).days if date else -1
    except ValueError:
        return 0.0
    return 0.5 ** (age / half_life_days) if age >= 0 else 0.0


def with_recency(ranked: dict[str, float], dates: dict[str, str | None], as_of: datetime.date,
                 half_life_days: int = RECENCY_HALF_LIFE_DAYS) -> dict[str, float]:
    """Scores plus a prior for recent articles, scaled to the best score so every method's scale fits."""
    bonus = RECENCY_WEIGHT * max(ranked.values())
    return {pid: score + bonus * recency(dates.get(pid), as_of, half_life_days) for pid, score in ranked.items()}


# A present-tense answer resting on articles this old is not given as current while the library's
# relevant articles include one this recent that does not say it ("Kentucky is in a legal battle over a
# Ten Commandments law" from 2013, asked in late 2024 beside that year's coverage of Louisiana's law).
SUPERSEDED_AFTER_DAYS = 730
NEWER_WITHIN_DAYS = 365


def superseded(time: TimeAsked, as_of: datetime.date, answer_dates: list[str | None],
               relevant_dates: list[str | None]) -> bool:
    """A present-tense answer from old articles only, while relevant articles this recent exist."""
    ages = [age for date in answer_dates if (age := _age(date, as_of)) is not None]
    return time.present and bool(ages) and min(ages) > SUPERSEDED_AFTER_DAYS \
        and any(is_newer(date, as_of) for date in relevant_dates)


def is_stale(date: str | None, as_of: datetime.date) -> bool:
    """Dated over SUPERSEDED_AFTER_DAYS before `as_of`: too old to answer a present-tense question
    beside an article of the last year."""
    age = _age(date, as_of)
    return age is not None and age > SUPERSEDED_AFTER_DAYS


def is_newer(date: str | None, as_of: datetime.date) -> bool:
    """Dated within NEWER_WITHIN_DAYS before `as_of`: an article that may supersede older ones."""
    age = _age(date, as_of)
    return age is not None and age <= NEWER_WITHIN_DAYS


def _age(date: str | None, as_of: datetime.date) -> int | None:
    """Days from the article's date to `as_of`; None when undated, unreadable or dated after it."""
    try:
        age = (as_of - datetime.date.fromisoformat(date[:10])).days if date else None
    except ValueError:
        return None
    return age if age is not None and age >= 0 else None


def window_days(question: str) -> int | None:
    """How far back the question's own words reach ("this week": 14 days), None when they name no window."""
    return time_asked(question).window_days


def outside_window(question: str, date: str | None, as_of: datetime.date) -> bool:
    """The article is dated outside the window the question names (`TimeAsked.excludes`)."""
    return time_asked(question).excludes(date, as_of)
