"""The open-question grader (bench/open_grader.py) rule by rule, each shown passing and failing, and the
case file's shape and checks (bench/open_questions.py) on hand-made articles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.open_grader import by, folded, grade, states, summary
from bench.open_questions import KINDS, QUESTIONS, problems

CASE = {"id": "c1", "corpus": "seed", "kind": "comparison", "min_articles": 2,
        "question": "Do the two articles agree on how the Central Asian countries voted?",
        "nuggets": [["all five"], ["Turkmenistan was absent", "absent"]],
        "wrong": [["Turkmenistan abstained"]], "sources": ["a.txt", "b.txt"]}
RIGHT = ("Caliber.az says all five Central Asian states abstained [1]. The Financial Express says "
         "Turkmenistan was absent and the other four abstained [2].")


def test_a_right_answer_citing_both_articles_passes():
    g = grade(CASE, RIGHT, False, ["a.txt", "b.txt"])
    assert g.passed and g.nuggets_found == 2 and not g.missing and not g.wrong_stated and g.sources_cited == 2


def test_a_missing_nugget_fails_and_any_alternative_counts():
    g = grade(CASE, "Caliber.az says all five Central Asian states abstained [1].", False, ["a.txt", "b.txt"])
    assert not g.passed and g.missing == ["Turkmenistan was absent"] and g.nuggets_found == 1
    assert grade(CASE, "All five abstained [1]; Turkmenistan was absent, says the other [2].", False,
                 ["a.txt", "b.txt"]).passed


def test_a_wrong_fact_fails_even_with_every_nugget():
    g = grade(CASE, RIGHT + " Turkmenistan abstained too [1].", False, ["a.txt", "b.txt"])
    assert not g.passed and g.wrong_stated == ["Turkmenistan abstained"]


def test_too_few_distinct_articles_fails_and_repeats_count_once():
    g = grade(CASE, RIGHT, False, ["a.txt", "a.txt"])
    assert not g.passed and g.articles_cited == 1


def test_an_abstention_fails_a_case_with_nuggets_and_passes_one_without():
    assert not grade(CASE, "The articles do not say.", True, []).passed
    unanswerable = {**CASE, "nuggets": [], "wrong": [], "min_articles": 0}
    assert grade(unanswerable, "The articles do not say.", True, []).passed
    assert not grade(unanswerable, "Blinken said nothing of it [1].", False, ["a.txt"]).passed


@pytest.mark.parametrize("text, phrase, expected", [
    ("Nikola JOKIĆ  won", "nikola jokic", True),             # case, accents, whitespace
    ("Nikola Jokic won", "Nikola Jokić", True),              # accents folded on both sides
    ("the ‘Park Fire’ grew", "'Park Fire'", True),            # curly quotes straightened
    ("Kazakhstan's president", "Kazakh", False),              # whole words only
    ("a 7.5-magnitude quake", "7", False),                   # no digit of a longer number
    ("a 7.5-magnitude quake", "7.5", True),
    ("the vote was 141 to 32 [7].", "7", False),             # a citation marker is no number
    ("over USD 62 billion", "62bn", True),                   # scale words
    ("invested $62bn there", "62 billion", True),
    ("a strike by around 33,000 workers", "33000", True),    # thousands separators
    ("a 35 per cent rise", "35%", True),
    ("a 35% rise", "35 percent", True),
    ("a 35% rise", "36%", False),
    ("Taylor Swift came second", "", False),                  # an empty nugget is never stated
])
def test_states_reads_text_as_news_writes_it(text, phrase, expected):
    assert states(text, phrase) is expected


def test_folded_is_stable():
    assert folded("  USD 62 bn —  Jokić [3]") == folded(folded("  USD 62 bn —  Jokić [3]")) == "usd 62 billion - jokic"


def test_summary_by_hand():
    answerable = {**CASE, "min_articles": 1}
    unanswerable = {**CASE, "id": "c3", "kind": "unanswerable", "nuggets": [], "wrong": []}
    grades = [grade(answerable, RIGHT, False, ["a.txt"]),                                     # passes, 2/2 nuggets
              grade({**answerable, "id": "c2"}, "All five abstained. Turkmenistan abstained.", False,
                    ["a.txt"]),                                                                # 1/2, one wrong fact
              grade({**answerable, "id": "c4"}, "No answer.", True, []),                      # abstained: 0/2
              grade(unanswerable, "No answer.", True, [])]                                      # rightly abstained
    figures = summary(grades, [1.0, 3.0, 2.0, 10.0])
    assert figures["passed"] == 2 and figures["cases"] == 4 and figures["passed_share"] == 0.5
    assert figures["nuggets_found_share"] == round(3 / 6, 3)
    assert figures["wrong_stated"] == 1 and figures["cases_with_wrong"] == 1
    assert figures["min_articles_met"] == 2 and figures["answered"] == 2
    assert figures["abstained_answerable"] == 1 and figures["abstained_unanswerable"] == 1
    assert figures["seconds_p50"] == 2.5
    assert by(grades, "kind") == {"comparison": [1, 3], "unanswerable": [1, 1]}


# ---- the case file ---------------------------------------------------------------------------------
def test_the_case_file_holds_enough_well_formed_cases():
    cases = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 34
    assert sum(c["corpus"] == "seed" for c in cases) >= 10 and sum(c["corpus"] == "news-rtqa" for c in cases) >= 24
    assert {c["kind"] for c in cases} <= set(KINDS) and len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert all(isinstance(s, str) and s.strip() for group in case["nuggets"] + case["wrong"] for s in group)
        assert not case["nuggets"] or case["min_articles"] >= 1 and case["sources"]


def _article(folder: Path, name: str, date: str, body: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"Title\nDate: {date}\nSource: example.com\n\n{body}\n", encoding="utf-8")
    return name


def test_problems_finds_a_nugget_absent_from_its_sources_and_a_source_after_as_of(tmp_path):
    news = tmp_path / "news"
    old = _article(news, "old.txt", "2024-05-01", "Boeing workers rejected the offer; 33,000 are on strike.")
    new = _article(news, "new.txt", "2024-12-01", "The strike ended.")
    case = {"id": "n1", "corpus": "news-rtqa", "question": "q", "as_of": "2024-06-01", "kind": "latest",
            "nuggets": [["33000"], ["rejected"]], "wrong": [], "min_articles": 1, "sources": [old]}
    corpora = {"seed": tmp_path / "seed", "news-rtqa": news}
    assert problems([case], corpora) == []
    assert problems([{**case, "nuggets": [["ratified"]]}], corpora) == ["n1: nugget 'ratified' is not in its sources"]
    assert problems([{**case, "sources": [old, new]}], corpora) == [
        "n1: new.txt is dated 2024-12-01, after as_of 2024-06-01"]
    assert problems([case, {**case, "kind": "trivia"}], corpora) == [
        "n1: id used twice", "n1: kind, corpus or as_of is not one of the known ones"]
