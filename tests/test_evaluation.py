"""The eval metrics on hand-made cases whose right figures are worked out in the comments, plus one
small real `assistant eval` run on three squad2-dev articles."""
from __future__ import annotations

import json
import shutil

import pytest

from assistant.evaluation import load_questions
from assistant.metrics import (AnswerOutcome, answer_metrics, citation_correct, confidence_curve, contains, exact_match,
                               gold_rank, latency_summary, matches_gold, retrieval_metrics, token_f1)
from support import SQUAD

GOLD = "The Normans were the people who gave their name to Normandy, a region in France."


def test_gold_matches_despite_whitespace_zero_width_and_chunking():
    assert matches_gold("  The Normans were the people who\ngave their name to Normandy,\u200b a region in France.", GOLD)
    assert matches_gold("Intro line. " + GOLD + " Next paragraph merged in.", GOLD)  # merged chunk
    assert matches_gold(GOLD[:50], GOLD)  # a chunk with more than half of the gold text
    assert not matches_gold(GOLD[:30], GOLD)  # less than half
    assert not matches_gold("Something else entirely about France.", GOLD)


def test_gold_rank_is_first_matching_position():
    assert gold_rank(["a b c", GOLD, GOLD], GOLD) == 2
    assert gold_rank(["a b c"], GOLD) is None


def test_retrieval_metrics_by_hand():
    # ranks 1, 3, 7, missing: R@1 1/4, R@5 2/4, R@10 3/4, MRR (1 + 1/3 + 1/7 + 0) / 4
    figures = retrieval_metrics([1, 3, 7, None])
    assert figures["recall@1"] == 0.25
    assert figures["recall@5"] == 0.5
    assert figures["recall@10"] == 0.75
    assert figures["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4)
    assert figures["questions"] == 4
    assert retrieval_metrics([]) == {"questions": 0}


def test_squad_exact_match_and_f1():
    assert exact_match("The France!", ["France"]) == 1.0
    assert exact_match("in France", ["France"]) == 0.0
    # "in france" vs "france": precision 1/2, recall 1 -> F1 2/3; the best answer counts
    assert token_f1("in France", ["Paris", "France"]) == pytest.approx(2 / 3)
    assert token_f1("Paris", ["France"]) == 0.0
    assert token_f1("", ["France"]) == 0.0


@pytest.mark.parametrize("haystack, needle, expected", [
    ("“Lunchables and other lunch kits have no place on the menu,” he said.", "Lunchables", True),
    ("A diamond was unearthed at Botswana's famed Karowe mine.", "Botswana", True),
    ("Nikola Jokić won the award.", "Jokic", True),
    ("Mexicans have elected their first woman president.", "Mexico", False),
    ("The U.S. team won.", "US", True),
    ("Botswanan officials said so.", "Botswana", False),
])
def test_contains_reads_answers_as_news_writes_them(haystack, needle, expected):
    assert contains(haystack, needle) is expected


def test_quiz_grading_folds_accents_both_ways():
    """The answer "Nikola Jokic" (as news sites write it) is right against the gold "Nikola Jokić"."""
    cited = "Nuggets center Nikola Jokic was named the NBA's most valuable player."
    assert exact_match("Nikola Jokic", ["Nikola Jokić"]) == 1.0
    assert token_f1("Nikola Jokic", ["Nikola Jokić"]) == 1.0
    assert citation_correct(cited, ["Nikola Jokić"], GOLD)
    assert AnswerOutcome(True, False, "Nikola Jokic", (cited,), ("Nikola Jokić",), GOLD).right
    assert not AnswerOutcome(True, False, "Nikola Jokic", (cited,), ("Luka Dončić",), GOLD).right


def test_citation_correct_needs_an_answer_string_or_the_gold_paragraph():
    assert citation_correct("Its capital city is Paris, France.", ["France"], GOLD)
    assert citation_correct(GOLD, ["no such answer"], GOLD)
    assert not citation_correct("Nothing relevant here.", ["France"], GOLD)


def test_answer_metrics_by_hand():
    outcomes = [
        # answered right, two citations of which one is right
        AnswerOutcome(True, False, "France", (GOLD, "unrelated text"), ("France",), GOLD),
        # answered half right (F1 2/3), one right citation
        AnswerOutcome(True, False, "in France", ("Paris is in France.",), ("France",), GOLD),
        # abstained although answerable: EM 0, F1 0, a false abstention
        AnswerOutcome(True, True, "", (), ("France",), GOLD),
        # unanswerable: one abstained, one answered
        AnswerOutcome(False, True, "", (), (), GOLD),
        AnswerOutcome(False, False, "Rollo", (GOLD,), (), GOLD),
    ]
    figures = answer_metrics(outcomes)
    assert figures["exact_match"] == pytest.approx(1 / 3)
    assert figures["f1"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    assert figures["citation_precision"] == pytest.approx(2 / 3)
    assert figures["citations"] == 3
    assert figures["false_abstention_rate_answerable"] == pytest.approx(1 / 3)
    assert figures["abstention_rate_unanswerable"] == 0.5
    assert (figures["answerable"], figures["unanswerable"]) == (3, 2)


def test_confidence_curve_replays_stricter_thresholds():
    outcomes = [
        AnswerOutcome(True, False, "France", (GOLD,), ("France",), GOLD, confidence=0.9),
        AnswerOutcome(True, False, "Rollo", ("unrelated text",), ("France",), GOLD, confidence=0.45),
        AnswerOutcome(False, False, "Rollo", (GOLD,), (), GOLD, confidence=0.55),
        AnswerOutcome(False, True, "", (), (), GOLD, confidence=0.2),  # abstained in the run itself
    ]
    curve = confidence_curve(outcomes, (0.5, 0.6))
    assert curve["0.5"]["false_abstention_rate_answerable"] == 0.5
    assert curve["0.5"]["citation_precision"] == 1.0  # the wrong citation went with its answer
    assert curve["0.5"]["abstention_rate_unanswerable"] == 0.5
    assert curve["0.6"]["abstention_rate_unanswerable"] == 1.0


def test_latency_summary():
    figures = latency_summary([0.001 * i for i in range(1, 101)])
    assert figures == {"p50_ms": 50.5, "p95_ms": 96.0}


@pytest.mark.integration
def test_load_questions_keeps_the_corpus_articles_and_spreads_the_limit(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "001_Normans.txt").write_text("x", encoding="utf-8")
    questions = load_questions(SQUAD / "questions.jsonl", corpus)
    assert questions and {q["article_file"] for q in questions} == {"001_Normans.txt"}
    spread = load_questions(SQUAD / "questions.jsonl", limit=10)
    assert len(spread) == 10 and len({q["article_file"] for q in spread}) > 5


@pytest.mark.integration
@pytest.mark.slow  # ingests and mpnet-encodes three articles: a minute or more on two cores
@pytest.mark.timeout(900)
def test_eval_command_on_three_articles(tmp_path, capsys):
    from assistant.cli import main

    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ("004_Sky_(United_Kingdom).txt", "011_Amazon_rainforest.txt", "019_Construction.txt"):
        shutil.copy(SQUAD / "articles" / name, corpus / name)
    code = main(["eval", "--corpus", str(corpus), "--questions", str(SQUAD / "questions.jsonl"),
                 "--limit", "20", "--backend", "extractive", "--json", "--store", str(tmp_path / "store")])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    retrieval, answers = result["retrieval"], result["answers"]
    assert result["config"]["method"] == "hybrid" and result["config"]["k"] == 10
    assert answers["answerable"] + answers["unanswerable"] == 20
    assert retrieval["questions"] == answers["answerable"] > 0
    assert 0 <= retrieval["recall@1"] <= retrieval["recall@5"] <= retrieval["recall@10"] <= 1
    assert retrieval["recall@5"] >= 0.7  # three articles: the gold paragraph is nearly always near the top
    assert retrieval["recall@1"] <= retrieval["mrr"] <= retrieval["recall@10"]
    for name in ("exact_match", "f1", "citation_precision", "abstention_rate_unanswerable",
                 "false_abstention_rate_answerable"):
        assert answers[name] is None or 0 <= answers[name] <= 1, name
    assert retrieval["p50_ms"] > 0
