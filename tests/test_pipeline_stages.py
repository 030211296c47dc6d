"""Each stage of the answer pipeline (assistant/answer/pipeline.py) on its own, with its typed input
and output, on the tiny in-repo corpus (tests/support/corpus) with the real embedder and Chroma:

    Question -> hits -> evidence -> judged sources -> draft -> verified claims -> composed answer

Unit layer: nothing outside the repo; the one fake is the chat model (tests/support/fakes.py).
test_answer_chain.py runs the same stages together."""
from __future__ import annotations

import datetime

from assistant.answer import citations, compose
from assistant.answer.evidence import select
from assistant.answer.fact_bearing import fact_bearing
from assistant.answer.question import Question
from assistant.answer.screen import FURTHER_SOURCES, JUDGED_SOURCES, screen
from support.fakes import fake_chat_model

AS_OF = datetime.date(2024, 3, 15)
COST_Q = "How much did the Kelbrook flood barrier cost to build?"


def read(question: str) -> Question:
    return Question.read(question, as_of=AS_OF)


def test_question_is_read_once_with_its_kind_time_and_names():
    question = read("How much did the Kelbrook barrier cost this week?")
    assert question.wants == "number" and not question.yes_no and not question.about_article
    assert question.time.window_days == 14 and question.time.recent
    assert "Kelbrook" in " ".join(question.names)
    follow_up = Question.read("And who built it?", [{"role": "user", "content": COST_Q},
                                                     {"role": "assistant", "content": "$14 million [1]."}], AS_OF)
    assert follow_up.rewritten and "barrier" in follow_up.text


def test_hits_are_the_paragraphs_about_the_question_best_first(tiny_store):
    hits = tiny_store.retrieve(COST_Q, k=3, as_of=AS_OF)
    assert len(hits) == 3 and all(h.paragraph.doc_id.startswith("kelbrook") for h in hits)
    assert any("$14 million" in h.text or "$19 million" in h.text for h in hits[:2])
    assert [h.rank_score for h in hits] == sorted((h.rank_score for h in hits), reverse=True)


def test_evidence_quotes_the_sentence_holding_the_asked_amount(tiny_store):
    question = read(COST_Q)
    hits = [h for h in tiny_store.retrieve(COST_Q, k=5, as_of=AS_OF) if "$14 million" in h.text]
    [source] = select(question, hits, tiny_store.encode)
    start, end = source.best
    assert "$14 million" in source.paragraph.text[start:end]


def test_the_source_check_keeps_only_what_the_model_judges_to_answer(tiny_store):
    question = read(COST_Q)
    picked = select(question, tiny_store.retrieve(COST_Q, k=5, as_of=AS_OF), tiny_store.encode)
    judge = tiny_store.backend(fake_chat_model(judgements={"$14 million": 0.9, "$19 million": 0.8}, judgement=0.1))
    judged = screen(judge, question, picked, 0.5, tiny_store.encode)
    assert judged.sources and all("million" in s.paragraph.text for s in judged.sources)
    assert judged.confidence == 0.9 and judged.looked == JUDGED_SOURCES  # one passed: none further judged
    assert screen(judge, question, picked, 0.0, tiny_store.encode).confidence is None  # the check turned off


def test_where_none_of_the_first_sources_answers_the_next_are_judged_before_abstaining(tiny_store):
    question = read(COST_Q)
    picked = select(question, tiny_store.retrieve(COST_Q, k=8, as_of=AS_OF), tiny_store.encode)
    assert len(picked) > JUDGED_SOURCES
    fourth = picked[JUDGED_SOURCES]
    judge = tiny_store.backend(fake_chat_model(judgements={fourth.text[:60]: 0.9}, judgement=0.1))
    judged = screen(judge, question, picked, 0.5, tiny_store.encode)
    assert [s.paragraph.paragraph_id for s in judged.sources] == [fourth.paragraph.paragraph_id]
    assert judged.looked == min(len(picked), JUDGED_SOURCES + FURTHER_SOURCES) and judged.confidence == 0.9
    nothing = screen(tiny_store.backend(fake_chat_model(judgement=0.1)), question, picked, 0.5, tiny_store.encode)
    assert nothing.sources == [] and nothing.looked == judged.looked  # and no further than that


def test_verification_keeps_the_supported_claim_and_drops_the_unsupported(tiny_store):
    paragraph = next(p for p in tiny_store.store.paragraphs() if "$14 million" in p.text)
    draft = "The barrier cost $14 million to build [1]. It was paid for by a national lottery grant [1]."
    verified = citations.verify(draft, [paragraph.text], tiny_store.encode)
    assert "$14 million" in verified.text and "lottery" not in verified.text
    assert verified.cited == [0] and verified.removed_sentences == 1


def test_composition_shows_the_article_that_disagrees_as_the_other_side(tiny_store):
    question = read(COST_Q)
    hits = tiny_store.retrieve(COST_Q, k=5, as_of=AS_OF)
    sources = select(question, [h for h in hits if "$14 million" in h.text] + [h for h in hits if "$19 million" in h.text],
                     tiny_store.encode)
    verified = citations.verify("The barrier cost $14 million to build [1].", [sources[0].paragraph.text],
                                tiny_store.encode)
    composed = compose.compose(question, verified, sources, tiny_store.encode, judged=True, vetted=1)
    assert "$14 million" in composed.text and "$19 million" in composed.text, composed.text
    assert composed.cited == [0, 1] and "wendsidepost.example" in composed.text


def test_a_composed_answer_without_the_asked_fact_gives_way_to_the_sentence_that_holds_it(tiny_store):
    question = read(COST_Q)
    sources = select(question, [h for h in tiny_store.retrieve(COST_Q, k=5, as_of=AS_OF) if "$14 million" in h.text],
                     tiny_store.encode)
    hollow = compose.Composed("The flood barrier on the River Wend in Kelbrook opened on Monday [1].", [0])
    answered = fact_bearing(question, hollow, sources)
    assert "$14 million" in answered.text and answered.cited == [0]
