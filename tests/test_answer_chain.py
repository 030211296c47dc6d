"""The answer chain end to end on the tiny in-repo corpus (tests/support/corpus): retrieval, the
source check, the model's draft, verification and composition, with the real embedder and Chroma
and the shared fake chat model. Unit layer: nothing outside the repo.

The corpus: a river barrier in Kelbrook approved (2023-04-18), opened (2024-03-12: "cost $14
million") and audited (2024-03-14: "cost $19 million"), and a school choir's win (2024-03-09)."""
from __future__ import annotations

from assistant.types import Answer, Evidence
from support.fakes import fake_chat_model

AS_OF = "2024-03-15"  # the day after the last article: no "(in 2023)" notes unless the source is that old
GATES_Q = "How quickly can the gates of the Kelbrook flood barrier be closed?"
COST_Q = "How much did the Kelbrook flood barrier cost to build?"


def marker_of(store, question: str, needle: str) -> int:
    """The [n] a model would write for the retrieved paragraph holding `needle`."""
    return next(n for n, hit in enumerate(store.retrieve(question, as_of=AS_OF), 1) if needle in hit.text)


def paragraph_holding(store, needle: str):
    [paragraph] = [p for p in store.paragraphs() if needle in p.text]
    return paragraph


def assert_quotes_hold(answer: Answer) -> None:
    for c in answer.citations:
        assert c.quote and c.text[c.quote_start:c.quote_end] == c.quote


def test_the_tiny_corpus_is_stored_whole(tiny_store):
    documents = {d.title: d for d in tiny_store.documents()}
    assert len(documents) == 4
    opening = documents["Kelbrook flood barrier opens on the River Wend"]
    assert (opening.date, opening.source, opening.author, opening.paragraphs) == (
        "2024-03-12", "valleyherald.example", "Nadia Ferris", 4)


def test_an_answer_cites_the_paragraph_that_states_it(tiny_store):
    n = marker_of(tiny_store, GATES_Q, "twelve minutes")
    answer = tiny_store.ask(GATES_Q, backend=fake_chat_model(f"The gates can be closed in twelve minutes [{n}]."),
                            as_of=AS_OF)
    assert not answer.abstained
    assert answer.answer == "The gates can be closed in twelve minutes [1]."
    [citation] = answer.citations
    assert citation.paragraph_id == paragraph_holding(tiny_store, "twelve minutes").paragraph_id
    assert "twelve minutes" in citation.quote
    assert_quotes_hold(answer)


def test_a_sentence_no_source_supports_is_dropped(tiny_store):
    n = marker_of(tiny_store, GATES_Q, "twelve minutes")
    answer = tiny_store.ask(GATES_Q, backend=fake_chat_model(
        f"The gates can be closed in twelve minutes [{n}]. The gates were painted gold by the choir [{n}]."),
                            as_of=AS_OF)
    assert "twelve minutes" in answer.answer and "gold" not in answer.answer, answer.answer
    assert len(answer.citations) == 1


def test_a_wrong_figure_is_corrected_from_the_cited_paragraph(tiny_store):
    n = marker_of(tiny_store, GATES_Q, "twelve minutes")
    answer = tiny_store.ask(GATES_Q, backend=fake_chat_model(f"The gates can be closed in forty minutes [{n}]."),
                            as_of=AS_OF)
    assert "forty" not in answer.answer and "twelve minutes" in answer.answer, answer.answer
    assert_quotes_hold(answer)


def test_an_off_topic_question_abstains_with_the_closest_paragraphs(tiny_store):
    model = fake_chat_model("The Kelbrook barrier cost $14 million [1].")
    answer = tiny_store.ask("Who won the 1998 World Cup final in football?", backend=model, as_of=AS_OF)
    assert answer.abstained and answer.citations == [] and answer.closest
    assert "does not contain" in answer.answer


def test_a_model_that_finds_nothing_abstains(tiny_store):
    answer = tiny_store.ask(GATES_Q, backend=fake_chat_model("NOT_FOUND"), as_of=AS_OF)
    assert answer.abstained and not answer.citations and answer.closest


def test_sources_judged_not_to_answer_abstain_before_the_model_writes(tiny_store):
    model = fake_chat_model("The gates can be closed in twelve minutes [1].", judgement=0.1)
    events = list(tiny_store.stream(GATES_Q, backend=model, as_of=AS_OF))
    assert events[-1].abstained and events[-1].confidence == 0.1
    assert model.prompts == []  # judged first: nothing generated, nothing streamed and withdrawn


def test_evidence_is_streamed_before_the_answer(tiny_store):
    model = fake_chat_model("The gates can be closed in twelve minutes [1].", judgements={"twelve minutes": 0.9},
                            judgement=0.1)
    events = list(tiny_store.stream(GATES_Q, backend=model, evidence=True, as_of=AS_OF))
    checking, kept = events[:2]
    assert isinstance(checking, Evidence) and checking.status == "checking"
    assert isinstance(kept, Evidence) and kept.status == "kept"
    assert [c.text for c in kept.citations] == [paragraph_holding(tiny_store, "twelve minutes").text]
    assert isinstance(events[-1], Answer) and not events[-1].abstained and events[-1].confidence == 0.9
    (prompt,) = model.prompts
    assert prompt.count("<source ") == 1 and "twelve minutes" in prompt


def test_the_article_that_disagrees_on_a_figure_is_shown_as_the_other_side(tiny_store):
    model = fake_chat_model("The barrier cost $14 million to build [1].", judgements={"$14 million": 0.9},
                            judgement=0.1)
    answer = tiny_store.ask(COST_Q, backend=model, as_of=AS_OF)
    assert answer.answer.startswith("The barrier cost $14 million to build [1]. But "), answer.answer
    assert "$19 million" in answer.citations[1].quote
    assert len({c.doc_id for c in answer.citations}) == 2
    assert {c.source for c in answer.citations} == {"valleyherald.example", "wendsidepost.example"}
    assert_quotes_hold(answer)


def test_an_answer_from_an_article_over_a_year_old_says_its_year(tiny_store):
    question = "How did the Kelbrook town council vote on the flood barrier?"
    n = marker_of(tiny_store, question, "seven to two")
    answer = tiny_store.ask(question, backend=fake_chat_model(
        f"Kelbrook town council voted seven to two to build a flood barrier along the River Wend [{n}]."),
                            as_of="2024-06-01")
    assert not answer.abstained and "seven to two" in answer.answer
    assert "a 2023 valleyherald.example article" in answer.answer, answer.answer
    assert answer.citations[0].date == "2023-04-18"


def test_a_question_about_this_week_is_not_answered_from_older_news(tiny_store):
    question = "What did the audit office say about the Kelbrook barrier this week?"
    answer = tiny_store.ask(question, backend="extractive", as_of="2024-03-15")
    assert not answer.abstained and {c.date for c in answer.citations} <= {"2024-03-12", "2024-03-14"}
    later = tiny_store.ask(question, backend="extractive", as_of="2024-09-01")
    assert later.abstained and "no article dated 2024-08-18 to 2024-09-01" in later.answer, later.answer

