"""What a text states of a claim's facts (its names, figures and dates, read by assistant/verify/language.py):
whether a paragraph gives every one, which span gives the most, whether it names what a question asks."""
from __future__ import annotations

from assistant.verify import dates
from assistant.verify.figures import has_number, numbers_in
from assistant.verify.language import PLACE_LABELS, Facts, facts
from assistant.verify.names import is_generic, name_in


def names_something_asked(question: str, text: str) -> bool:
    """`text` names someone or something the question names, or the question names no one but places:
    a paragraph naming none of it is about something else (a 2023 dog-breed ban for "What is the
    Labour government to ban in England and Wales?")."""
    return names_one_of(names_asked(question), text)


def names_asked(question: str) -> list[str]:
    """The names and other proper nouns of a question, places and nationalities aside: a national
    paper's story rarely says which country it happens in."""
    asked = facts(question)
    places = {w for name, label in asked.names if label in PLACE_LABELS for w in name.split()}
    return [name for name, label in asked.names if label not in PLACE_LABELS] + \
        [w for w in asked.proper if w not in places and not is_generic(w)]


def names_one_of(wanted, text: str) -> bool:
    """`text` names one of `wanted` (other spellings and forms allowed), or nothing is wanted."""
    return not wanted or any(name_in(name, text) for name in wanted)


def missing_fact(claim: str, paragraph: str) -> str | None:
    """A figure, date or name the claim adds that the paragraph never states: not supported by it."""
    c, p = facts(claim), facts(paragraph)
    if any(not has_number(n, p.numbers) for n in c.numbers):
        return "number"
    if any(not any(dates.same(d, x) for x in p.dates) for d in c.dates):
        return "date"
    return None if names_stated(claim, paragraph) else "name"


def names_any(claim: str, span: str) -> bool:
    """The span names someone or something the claim names (other spellings and forms allowed)."""
    return any(name_in(name, span) for name in _claim_names(claim))


def names_missing(claim: str, span: str) -> list[str]:
    """The names (and other proper nouns) of the claim the span does not give."""
    return [name for name in _claim_names(claim) if not name_in(name, span)]


def names_stated(claim: str, paragraph: str) -> bool:
    """Every name the claim gives is in the paragraph (allowing other spellings and forms), and so is
    every other proper noun of it: spaCy's small model misses many names ("the Aare", "Agnifilo")."""
    return all(name_in(name, paragraph) for name in _claim_names(claim))


def _claim_names(claim: str) -> list[str]:
    """The claim's names and its other, not generic, proper nouns."""
    c = facts(claim)
    return [name for name, _ in c.names] + [word for word in c.proper if not is_generic(word)]


def stated_share(claimed: Facts, text: str) -> float:
    """Share of the claim's names and figures that `text` states: the span that decides is the one
    about the same people and numbers, not just the same words."""
    wanted = len(claimed.names) + len(claimed.numbers)
    if not wanted:
        return 0.0
    numbers = numbers_in(text)
    return (sum(name_in(n, text) for n, _ in claimed.names)
            + sum(has_number(x, numbers) for x in claimed.numbers)) / wanted
