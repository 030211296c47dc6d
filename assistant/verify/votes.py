"""Who voted how: "The Central Asian countries supported the resolution" against "the other four
Central Asian countries abstained" is a contradiction that shares every word but one, and the span
itself says "support" too (for 141 other countries). A vote choice belongs to the group named next to
it, so the claim's choice is compared with the choice the span gives the same group. A tally is
read the same way: "141 countries abstained" against "approved 141 to 7, among the 32 abstentions"
gives the 141 to another choice than the span does.
"""
from __future__ import annotations

import re

from ingest.text import STOPWORDS

CHOICES = (
    ("for", re.compile(r"\b(?:support(?:s|ed|ing)?|(?:in )?favou?r(?:s|ed)?|approv(?:e|es|ed|al)|back(?:s|ed)|vot(?:e|es|ed|ing) for|"
                       r"endors(?:e|es|ed|ement))\b", re.I)),
    ("against", re.compile(r"\b(?:oppos(?:e|es|ed|ition)|against|reject(?:s|ed|ion)?)\b", re.I)),
    ("abstain", re.compile(r"\b(?:abstain(?:s|ed|ing)?|abstentions?)\b", re.I)),
    ("absent", re.compile(r"\b(?:absent|absence|did not vote|didn't vote)\b", re.I)),
)
VOTING = re.compile(r"\b(?:vot(?:e|es|ed|ing|ers?)|abstain\w*|abstentions?|ballots?|resolutions?|motions?|"
                    r"referendums?|tally|roll call)\b", re.I)
TOKEN = re.compile(r"[\w'-]+")
GROUP_WORDS = 4  # how many words before a choice name the group that made it
NEAR = 8  # a choice this many words from the group is the group's
COUNT_TOKEN = re.compile(r"\d[\d,]*\d|\d|[^\W\d_][\w'-]*")
COUNT_NEAR = 2  # a figure's choice: the nearest one within this many content words ("141 countries abstained")
NOT_A_GROUP = frozenset({"voted", "vote", "votes", "among", "to", "from", "by", "with", "of", "resolution", "motion"})


def choices(text: str) -> list[tuple[str, int, int]]:
    """(choice, start, end) of each vote choice in `text`, in order."""
    found = [(name, m.start(), m.end()) for name, pattern in CHOICES for m in pattern.finditer(text)]
    return sorted(found, key=lambda f: f[1])


def contradiction(claim: str, span: str) -> tuple[str, str] | None:
    """(reason, detail) when the span gives the group the claim names a different vote choice."""
    claimed, given_in_span = choices(claim), choices(span)
    if not claimed or not given_in_span or not (VOTING.search(claim) and VOTING.search(span)) \
            or " ".join(claim.split()).rstrip(".") in " ".join(span.split()):
        return None  # not about a vote ("support for Israel"), or the span says the very same words
    for n, (name, start, _) in enumerate(claimed):
        group = _group(claim[claimed[n - 1][2] if n else 0:start])
        given = _choice_of(group, span, given_in_span) if group else None
        if given and given != name:
            return "vote", f"the claim says {' '.join(group)} voted '{name}', the source says '{given}'"
    span_counts = _counted(span, given_in_span)
    for figure, name in _counted(claim, claimed).items():
        if span_counts.get(figure, name) != name:
            return "vote", f"the claim says {figure} voted '{name}', the source says '{span_counts[figure]}'"
    return None


def _counted(text: str, given: list[tuple[str, int, int]]) -> dict[str, str]:
    """Each figure of `text` with the vote choice it counts: the nearest choice within COUNT_NEAR
    content words, a comma or semicolon between counting as one more, and only where no other
    choice is as near; the second figure of a tally ("141 to 7", "141-7", "52 votes to 48") is the
    other side's."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in COUNT_TOKEN.finditer(text)]
    marks = [(name, i) for name, start, _ in given for i, (_, a, b) in enumerate(tokens) if a <= start < b]
    counted = {}
    for i, (word, _, _) in enumerate(tokens):
        if not word[0].isdigit() or _tally_second(tokens, i):
            continue
        distances = {}
        for name, at in marks:
            lo, hi = (at, i) if at < i else (i, at)
            between = tokens[lo + 1:hi]
            distance = sum(1 for w, _, _ in between if w not in STOPWORDS) + \
                len(re.findall(r"[,;]", text[tokens[lo][2]:tokens[hi][1]]))
            distances[name] = min(distance, distances.get(name, distance))
        near = sorted((d, name) for name, d in distances.items() if d <= COUNT_NEAR)
        if near and (len(near) == 1 or near[0][0] < near[1][0]):
            counted[word.replace(",", "")] = near[0][1]
    return counted


def _tally_second(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """Token i is the second figure of a tally: right after a figure ("141-7"), or after a "to" that
    follows one within three words ("141 to 7", "52 votes to 48")."""
    before = [word for word, _, _ in tokens[max(0, i - 4):i]]
    if not before:
        return False
    return before[-1][0].isdigit() or before[-1] == "to" and any(w[0].isdigit() for w in before[:-1])


def _group(before: str) -> list[str]:
    """The content words naming who chose: the last few before the choice, after any earlier choice."""
    tail = re.split(r"\b(?:and|but|while|whereas)\b|[,;]", before)[-1]
    words = [w.lower() for w in TOKEN.findall(tail) if w.lower() not in STOPWORDS | NOT_A_GROUP
             and not w.lower().endswith("ly")]
    return words[-GROUP_WORDS:]


def _choice_of(group: list[str], span: str, given: list[tuple[str, int, int]]) -> str | None:
    """The choice the span gives the group: the nearest one in the same clause, counting only content
    words between, where a noun followed by "from"/"by" ("support from 141 countries") belongs to what
    follows it."""
    tokens = [(m.group().lower(), m.start()) for m in TOKEN.finditer(span)]
    index_at = {start: i for i, (_, start) in enumerate(tokens)}
    marks = [(name, index_at.get(start)) for name, start, _ in given if start in index_at]
    needed = min(2, len(group))
    best = None
    for anchor, (word, _) in enumerate(tokens):
        if word not in group or anchor + 1 < len(tokens) and tokens[anchor + 1][0] in group:
            continue  # anchor on the last word of a run naming the group
        first = anchor
        while first > 0 and tokens[first - 1][0] in group:
            first -= 1
        if len({word for word, _ in tokens[first:anchor + 1]}) < needed:
            continue  # the group is named by an unbroken run of its words ("four Central Asian countries")
        last = anchor
        for name, at in marks:
            forward_only = at + 1 < len(tokens) and tokens[at + 1][0] in ("from", "by", "among")
            if at < first:
                between = tokens[at + 1:first]
            elif at > last and not forward_only:
                between = tokens[last + 1:at]
            else:
                continue
            distance = sum(1 for w, _ in between if w not in STOPWORDS)
            if between and re.search(r"[,;.]|\band\b", span[between[0][1] - 1:between[-1][1] + len(between[-1][0]) + 1]):
                distance += NEAR  # another clause: "X was absent, and the other four abstained"
            rank = (distance, at < first)  # on a tie the choice after the group ("the 32 abstentions")
            if distance <= NEAR and (best is None or rank < best[0]):
                best = (rank, name)
    return best[1] if best else None
