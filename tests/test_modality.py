"""The verifier knows an outcome from an expectation and a role from a relation (assistant/verify/modality.py),
on news-like paragraphs with the real MiniLM embedder and spaCy pipeline, in the verifier and in
citation lookup. Word overlap alone passes every unsupported claim here."""
from __future__ import annotations

import functools

import pytest

from assistant.verify import modality, verifier
from assistant.answer.evidence import as_claim


@pytest.fixture(scope="module")
def encode():
    from vectorstore.embedding import encode

    return functools.partial(encode, "minilm")


PREVIEW = ("Real Madrid set to face Borussia Dortmund in the Champions League final at Wembley on 1 June 2024. "
           "Carlo Ancelotti's side reached the final after beating Bayern Munich 4-3 on aggregate.")
RESULT = ("Real Madrid won the Champions League final 2-0 against Borussia Dortmund at Wembley on Saturday. "
          "Dani Carvajal and Vinicius Junior scored in the last 20 minutes.")
PREVIEW_THEN_RESULT = ("Real Madrid were set to face Borussia Dortmund in the Champions League final at Wembley. "
                       "In the end Real Madrid beat Dortmund 2-0 in the final, with late goals from Carvajal and "
                       "Vinicius.")
STAFF = ("Susie Wiles, Donald Trump's chief of staff, said the White House would announce the tariffs on "
         "Wednesday. Wiles ran the campaign that returned Trump to power.")
NAMED = "Susie Wiles was named chief of staff on Thursday, the first woman to hold the post."


def check(claim, paragraph, encode):
    return verifier.check(claim, paragraph, encode)


@pytest.mark.parametrize("claim, paragraph, reason", [
    ("Real Madrid won the Champions League final.", PREVIEW, "outcome"),  # a participant is not a winner
    ("Real Madrid won the Champions League final.",
     "Real Madrid are favourites to win the Champions League final against Borussia Dortmund at Wembley.",
     "modality"),
    ("Real Madrid won the Champions League final.",
     "Bookmakers predict Real Madrid will win the Champions League final against Borussia Dortmund.", "modality"),
    ("Keir Starmer was elected prime minister.",
     "Keir Starmer is expected to be elected prime minister when Britain votes on 4 July.", "modality"),
    ("The council opened two new car parks in the old town.",
     "The council plans to open two new car parks in the old town next spring.", "modality"),
    ("President Biden signed the bill into law.",
     "President Biden is scheduled to sign the bill into law on Friday, the White House said.", "modality"),
    ("Donald Trump is chief of staff.", STAFF, "role"),
    ("Donald Trump is the chief of staff.",
     "Susie Wiles, chief of staff to Donald Trump, said the White House would announce the tariffs.", "role"),
])
def test_an_expected_outcome_or_a_related_role_does_not_support_the_claim(claim, paragraph, reason, encode):
    verdict = check(claim, paragraph, encode)
    assert verdict.label == "unsupported", verdict
    assert verdict.reason == reason
    assert verdict.detail


@pytest.mark.parametrize("claim, paragraph", [
    ("Real Madrid won the Champions League final.", RESULT),
    ("Real Madrid won the Champions League final.", PREVIEW_THEN_RESULT),  # the result is the second sentence's
    ("Lionel Messi won the award.",
     "Lionel Messi, who will retire next year, won the award for the eighth time on Monday in Paris."),
    ("Susie Wiles is chief of staff.", NAMED),
    ("Susie Wiles is chief of staff.", STAFF),  # she is the one in apposition to the role
    ("The council plans to open two new car parks.",
     "The council plans to open two new car parks in the old town next spring."),  # an expectation as one
])
def test_a_stated_outcome_or_role_stays_supported(claim, paragraph, encode):
    assert check(claim, paragraph, encode).label == "supported"


def test_a_yes_no_question_on_the_outcome_is_not_answered_yes_by_the_preview(encode):
    claim = as_claim("Did Real Madrid win the Champions League final?")
    assert check(claim, PREVIEW, encode).label == "unsupported"
    assert check(claim, RESULT, encode).label == "supported"


def test_a_span_stating_the_opposite_outcome_still_contradicts(encode):
    verdict = check("Real Madrid won the Champions League final.",
                    "Real Madrid lost the Champions League final to Borussia Dortmund at Wembley.", encode)
    assert verdict.label == "contradicted" and verdict.reason == "antonym"


def test_the_deciding_span_holds_the_result_where_a_preview_matches_better(encode):
    verdict = check("Real Madrid won the Champions League final.", PREVIEW_THEN_RESULT, encode)
    assert verdict.label == "supported"
    assert "Real Madrid beat Dortmund" in PREVIEW_THEN_RESULT[verdict.start:verdict.end]


# ---- the rules on their own --------------------------------------------------------------------
@pytest.mark.parametrize("span, marker", [
    ("Real Madrid could win the final on Sunday.", "could"),
    ("Real Madrid have a good chance of winning the final.", "chance"),
    ("Real Madrid hope to win the final.", "hope"),
    ("Real Madrid aim to win the final.", "aim"),
    ("If Real Madrid win the final, Ancelotti will stay.", "If"),
])
def test_each_marker_of_an_expectation_is_named(span, marker):
    reason, detail = modality.unstated_event("Real Madrid won the final.", span)
    assert reason == "modality" and f"('{marker}')" in detail


def test_someone_elses_win_is_not_the_claims():
    span = "Bayern Munich won the semi-final, and Real Madrid are set to face them in the final."
    assert modality.unstated_event("Real Madrid won the final.", span)[0] == "outcome"
    assert modality.unstated_event("Bayern Munich won the semi-final.", span) is None


def test_a_title_before_the_name_gives_the_role_to_that_person():
    span = "Chief of Staff Susie Wiles met Donald Trump on Monday."
    assert modality.unstated_role("Susie Wiles is chief of staff.", span) is None


def test_lookup_of_an_outcome_against_a_preview_is_not_supported(fresh, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    article = f"Madrid and Dortmund meet at Wembley\n\n{PREVIEW}\n\nTickets sold out within hours.\n"
    (folder / "preview.txt").write_text(article, encoding="utf-8")
    assert fresh.ingest([folder]).ok
    result = fresh.lookup("Real Madrid won the Champions League final")
    assert result.verdict != "supported", result
    assert fresh.lookup("Real Madrid set to face Borussia Dortmund in the Champions League final").verdict == "quoted"
