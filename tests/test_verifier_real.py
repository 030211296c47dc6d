"""Labelling real answers' claims right or wrong (bench/verifier_real.py), on made-up rows: no store,
no model (spaCy reads the asked kind of fact)."""
from __future__ import annotations

from bench.claim_labels import RIGHT, WRONG, claims, label, label_open, labelled_answer, reason_class

FINAL = ("Spain beat England 1-0 in the final on Sunday. Olga Carmona scored the only goal. "
         "The match was played in Sydney.")
PREVIEW = "England are set to face Spain in the final on Sunday in Sydney."
WHO_WON = "Who won the Women's World Cup final?"


def row(answer: str, cited: list[str], gold: list[str], answerable: bool = True, question: str = WHO_WON,
        mode: str = "default", abstained: bool = False) -> dict:
    return {"mode": mode, "id": "q1", "question": question, "answer": answer,
            "outcome": {"answerable": answerable, "abstained": abstained, "cited": cited, "answers": gold,
                        "answers_all": [], "gold": FINAL}}


def test_a_claim_stating_the_gold_its_paragraph_holds_is_right():
    verdict, why = label(WHO_WON, "Spain won the final [1].", "Spain won the final.", FINAL, ["Spain"], True)
    assert verdict == RIGHT and "'Spain'" in why


def test_accents_are_folded_as_the_grader_folds_them():
    verdict, _ = label("Who was named MVP?", "Nikola Jokic was named MVP [1].", "Nikola Jokic was named MVP.",
                       "Nikola Jokić was named the league's MVP.", ["Nikola Jokić"], True)
    assert verdict == RIGHT


def test_another_answer_of_the_asked_kind_is_wrong_and_says_where_the_gold_was():
    question = "Who scored the only goal of the final?"
    claim = "Alexia Putellas scored the only goal."
    verdict, why = label(question, claim + " [1]", claim, FINAL + " Alexia Putellas played.", ["Olga Carmona"], True)
    assert verdict == WRONG
    assert why == "asserts another person than the gold; the paragraph holds a gold answer"
    verdict, why = label(question, claim + " [1]", claim, "Alexia Putellas scored in the 2022 final.",
                         ["Olga Carmona"], True)
    assert verdict == WRONG and why.endswith("the paragraph holds no gold answer")


def test_any_answer_to_an_unanswerable_question_is_wrong():
    verdict, why = label(WHO_WON, "Spain won [1].", "Spain won.", FINAL, [], False)
    assert verdict == WRONG and "does not answer" in why


def test_a_hollow_claim_and_context_beside_the_answer_are_left_out():
    hollow, why = label(WHO_WON, "The final drew a big crowd [1].", "The final drew a big crowd.", FINAL,
                        ["Spain"], True)
    assert hollow is None and why.startswith("hollow")
    answer = "Spain won the final [1]. The match was played in Sydney [1]."
    context, why = label(WHO_WON, answer, "The match was played in Sydney.", FINAL, ["Spain"], True)
    assert context is None and why.startswith("context")


def test_a_team_named_by_its_country_or_city_asserts_a_who_or_which_answer():
    for question in (WHO_WON, "Which team won the final?"):
        verdict, _ = label(question, "England won the final [1].", "England won the final.", PREVIEW, ["Spain"], True)
        assert verdict == WRONG, question


def test_part_of_a_gold_name_is_neither_right_nor_wrong():
    verdict, why = label("Who scored?", "Carmona scored [1].", "Carmona scored.", FINAL, ["Olga Carmona"], True)
    assert verdict is None and why == "states part of a gold answer"
    question = "What is the name of the blaze?"
    verdict, _ = label(question, "The Matilija Fire is the name of the blaze [1].",
                       "The Matilija Fire is the name of the blaze.", "The Matilija Fire grew.", ["Park Fire"], True)
    assert verdict == WRONG


def test_a_gold_answer_the_cited_paragraph_lacks_is_left_out():
    verdict, _ = label(WHO_WON, "Spain won the final [1].", "Spain won the final.", "The final is on Sunday.",
                       ["Spain"], True)
    assert verdict is None


def test_yes_no_answers_are_judged_by_their_first_word_and_the_gold_paragraph():
    question = "Did Spain win the final?"
    assert label(question, "Yes. Spain won [1].", "Spain won.", FINAL, ["yes"], True, gold_paragraph=FINAL)[0] == RIGHT
    assert label(question, "No. England won [1].", "England won.", FINAL, ["yes"], True, gold_paragraph=FINAL)[0] == WRONG
    assert label(question, "Yes. Spain won [1].", "Spain won.", PREVIEW, ["yes"], True, gold_paragraph=FINAL)[0] is None


def test_a_wrong_answer_is_asserted_by_its_first_claim_only():
    question = "What happened in the final?"
    answer = "England lost [1]. The final was in Sydney [1]."
    assert label(question, answer, "England lost.", FINAL, ["Spain won"], True, first=True)[0] == WRONG
    assert label(question, answer, "The final was in Sydney.", FINAL, ["Spain won"], True,
                 first=False)[0] is None


def test_claims_pair_each_marker_with_its_text_in_order_of_first_use_without_attribution():
    answer = ('Spain won the final [1][2] (according to [2], a 2023 Reuters article). '
              'Also, AP (2023-08-20) says: "Carmona scored the goal" [3].')
    pairs = claims(answer, ["first", "second", "third"])
    assert pairs == [("Spain won the final.", "first"), ("Spain won the final.", "second"),
                     ("Carmona scored the goal.", "third")]
    assert claims("Spain won [1]. England lost [7].", ["first"], limit=3) == [("Spain won.", "first")]


def test_a_sentence_citing_two_sources_mid_way_is_two_claims():
    answer = 'AP (2023-08-20) says: "Spain won the final" [1]. reuters says: "England lost the final" [2].'
    assert claims(answer, ["first", "second"]) == [("Spain won the final.", "first"),
                                                   ("England lost the final.", "second")]


def test_a_logged_row_gives_labelled_pairs_and_the_reasons_of_the_rest():
    kept, left = labelled_answer(row("England won the final [1]. The final drew a crowd [2].", [PREVIEW, FINAL],
                                     ["Spain"], question="Which team won the final?"), "news-rtqa")
    assert [(p["claim"], p["label"], p["set"]) for p in kept] == [("England won the final.", WRONG, "news-rtqa")]
    assert kept[0]["paragraph"] == PREVIEW and kept[0]["gold"] == ["Spain"]
    assert sum(left.values()) == 1
    assert labelled_answer(row("None of the articles answers it.", [], ["Spain"], abstained=True), "x") == ([], {})


def test_open_claims_are_judged_by_nuggets_and_wrong_facts():
    case = {"nuggets": [["Spain"]], "wrong": [["England won"]]}
    assert label_open(case, "England won the final.", PREVIEW)[0] == WRONG
    assert label_open(case, "Spain won the final.", FINAL)[0] == RIGHT
    assert label_open(case, "The final was in Sydney.", FINAL)[0] is None
    assert label_open({"nuggets": [], "wrong": []}, "Spain won.", FINAL)[0] == WRONG


def test_reason_classes_drop_the_quoted_words():
    assert reason_class("states the gold 'Spain', which the paragraph holds") == \
        "states the gold …, which the paragraph holds"
