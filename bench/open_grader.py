"""Nugget grading of open answers (bench/questions/open.jsonl): pure functions over plain values.

A case passes when the answer
- does not abstain (unless the case has no nuggets: then it must abstain, and nothing else counts),
- states every nugget: each nugget is a list of alternative strings of one fact, one of which must be
  in the answer text,
- states no wrong fact: each `wrong` group lists strings of one fact the answer must not hold (a stale
  holder, a false "But X says" witness),
- cites at least `min_articles` distinct articles.

Matching (`folded`, `states`): citation markers dropped, case and accents folded ("Jokic" = "Jokić"),
curly quotes and dashes straightened, whitespace collapsed; a string counts only as whole words ("Kazakh"
is not in "Kazakhstan", "7" is not in "7.5" nor in "[7]"). Numbers are read as news writes them:
thousands separators dropped ("33,000" = "33000"), "bn"/"b" and "mn"/"m" after a number are "billion" /
"million" ("62bn" = "62 billion"), "per cent"/"percent" is "%". A currency sign or code is left as it is
and a nugget names none, so "62 billion" is in "USD 62 billion" and "$62bn". Number words ("four") are
not turned into digits: a case lists both where both are natural.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from assistant.answer.citations import MARKER

STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                          "\u2212": "-", "\u00a0": " "})
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
SCALE = re.compile(r"(?<=\d)\s*(bn|b|billion|mn|m|million)\b")
PERCENT = re.compile(r"(?<=\d)\s*(?:per\s*cent|percent|%)")


def folded(text: str) -> str:
    """The form answers and nuggets are compared in (see the module's docstring)."""
    text = MARKER.sub(" ", text).translate(STRAIGHT)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    text = THOUSANDS.sub("", text)
    text = SCALE.sub(lambda m: " billion" if m.group(1).startswith("b") else " million", text)
    text = PERCENT.sub("%", text)
    return " ".join(text.split())


def states(text: str, phrase: str) -> bool:
    """`phrase` as whole words of `text`, both folded; a number is not part of a longer one."""
    needle = folded(phrase)
    if not needle:
        return False
    pattern = r"(?<![\w])(?<!\d[.,])" + re.escape(needle) + r"(?![\w])(?![.,]\d)"
    return re.search(pattern, folded(text)) is not None


@dataclass(frozen=True)
class CaseGrade:
    id: str
    kind: str
    corpus: str
    passed: bool
    abstained: bool
    expects_abstention: bool
    nuggets_found: int
    nuggets: int
    missing: list  # the first alternative of each nugget not stated
    wrong_stated: list  # the strings of wrong facts found
    articles_cited: int
    min_articles: int
    sources_cited: int  # cited articles among the case's `sources` (shown, not graded)

    def to_dict(self) -> dict:
        return asdict(self)


def grade(case: dict, answer: str, abstained: bool, cited_articles) -> CaseGrade:
    """One answer against one case. `cited_articles`: the article (doc id or file name) of each cited
    paragraph, repeats allowed."""
    articles = set(cited_articles)
    nuggets = case.get("nuggets", [])
    missing = [group[0] for group in nuggets if not any(states(answer, s) for s in group)]
    wrong = [] if abstained else [s for group in case.get("wrong", []) for s in group if states(answer, s)]
    sources = {s.rsplit("/", 1)[-1] for s in case.get("sources", [])}
    met = len(articles) >= case.get("min_articles", 1)
    if nuggets:
        passed = not abstained and not missing and not wrong and met
    else:
        passed = abstained
    return CaseGrade(id=case["id"], kind=case.get("kind", ""), corpus=case.get("corpus", ""), passed=passed,
                     abstained=abstained, expects_abstention=not nuggets,
                     nuggets_found=len(nuggets) - len(missing) if not abstained else 0, nuggets=len(nuggets),
                     missing=missing, wrong_stated=wrong, articles_cited=len(articles),
                     min_articles=case.get("min_articles", 1),
                     sources_cited=sum(1 for a in articles if str(a).rsplit("/", 1)[-1] in sources))


def summary(grades: list[CaseGrade], seconds: list[float] | None = None) -> dict:
    """The figures of one mode over its cases: cases passing (and their share), nuggets found among all
    nuggets of the cases that have some, wrong facts stated, answered cases citing enough articles,
    abstentions right and wrong, and the median seconds per answer."""
    answerable = [g for g in grades if not g.expects_abstention]
    answered = [g for g in answerable if not g.abstained]
    nuggets = sum(g.nuggets for g in answerable)
    times = sorted(seconds or [])
    return {
        "cases": len(grades),
        "passed": sum(g.passed for g in grades),
        "passed_share": round(sum(g.passed for g in grades) / len(grades), 3) if grades else None,
        "nuggets_found_share": round(sum(g.nuggets_found for g in answerable) / nuggets, 3) if nuggets else None,
        "wrong_stated": sum(len(g.wrong_stated) for g in grades),
        "cases_with_wrong": sum(bool(g.wrong_stated) for g in grades),
        "min_articles_met": sum(g.articles_cited >= g.min_articles for g in answered),
        "answered": len(answered),
        "abstained_answerable": len(answerable) - len(answered),
        "abstained_unanswerable": sum(g.abstained for g in grades if g.expects_abstention),
        "unanswerable": sum(g.expects_abstention for g in grades),
        "seconds_p50": round(_median(times), 2) if times else None,
    }


def _median(values: list[float]) -> float:
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def by(grades: list[CaseGrade], field: str) -> dict:
    """Cases passing per value of `field` ("kind", "corpus"): {value: [passed, cases]}."""
    counts: dict = {}
    for g in grades:
        passed, total = counts.get(getattr(g, field), (0, 0))
        counts[getattr(g, field)] = (passed + g.passed, total + 1)
    return {k: list(v) for k, v in sorted(counts.items())}
