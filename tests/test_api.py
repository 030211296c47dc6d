"""The public scripting surface: exported names, result dicts, the LangChain Runnable, batch mode."""
from __future__ import annotations

import dataclasses
import json

import pytest
from langchain_core.runnables import Runnable, RunnableLambda

import assistant
from assistant.cli import main
from assistant.types import CITATION_FIELDS, LOOKUP_FIELDS

QUESTION = "What did Blinken say about sanctions on Chinese companies?"
ANSWER_FIELDS = {"question", "answer", "abstained", "backend", "citations", "closest", "standalone_question", "confidence",
                 "timings"}


def test_public_names_are_exported_and_documented():
    """Every type the `Assistant` methods take and return is exported, with the errors a user can fix."""
    for name in ("Assistant", "Settings", "Filters", "Hit", "IngestReport", "FileResult", "Document", "Paragraph",
                 "Answer", "Citation", "Evidence", "LookupResult", "LookupMatch", "Backend", "USER_ERRORS"):
        assert name in assistant.__all__
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None
    for error in assistant.USER_ERRORS:
        assert error.__name__ in assistant.__all__
    hints = {name: getattr(assistant.Assistant, name).__annotations__.get("return")
             for name in ("ingest", "documents", "paragraphs", "retrieve", "ask", "lookup", "backend")}
    for method, returned in hints.items():
        assert returned and any(name in returned for name in assistant.__all__), (method, returned)
    for method in ("ingest", "remove", "documents", "paragraphs", "retrieve", "ask", "stream", "chat", "lookup",
                   "as_runnable"):
        assert getattr(assistant.Assistant, method).__doc__, f"Assistant.{method} needs a docstring"


def test_answer_and_citation_dicts_are_the_json_contract(seeded):
    answer = seeded.ask(QUESTION)
    data = answer.to_dict()
    assert set(data) == ANSWER_FIELDS
    assert not answer.abstained and answer.citations
    assert [tuple(c) for c in data["citations"]] == [CITATION_FIELDS] * len(answer.citations)
    assert data["citations"][0] == answer.citations[0].to_dict()
    assert json.loads(json.dumps(data)) == data


def test_lookup_match_dict_is_the_paragraph_plus_span_and_score(seeded):
    match = seeded.lookup("Beijing could not play a dual game on Russian aggression").matches[0]
    assert isinstance(match, assistant.LookupMatch)
    data = match.to_dict()
    assert tuple(data) == LOOKUP_FIELDS
    paragraph = next(p for p in seeded.paragraphs() if p.paragraph_id == match.paragraph_id)
    assert {k: data[k] for k in paragraph.to_dict()} == paragraph.to_dict()
    assert dataclasses.replace(match, score=0.5).to_dict()["score"] == 0.5


def test_documents_and_paragraphs_match_the_list_command(seeded, capsys):
    assert main(["list", "--json", "--store", str(seeded.settings.store)]) == 0
    listed = json.loads(capsys.readouterr().out)
    documents = seeded.documents()
    assert listed == [d.to_dict() for d in documents]
    assert len(listed) == 2
    everything = seeded.paragraphs()
    assert len(everything) == sum(d["paragraphs"] for d in listed)
    for d in listed:
        own = seeded.paragraphs(d["doc_id"])
        assert [p.paragraph_index for p in own] == list(range(d["paragraphs"]))
        assert all(p.paragraph_id == f"{d['doc_id']}#p{p.paragraph_index}" and p.title == d["title"] for p in own)


# ---- the Runnable ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runnable(seeded):
    return seeded.as_runnable()


def test_runnable_invoke_takes_a_string_or_a_question_with_history(seeded, runnable):
    assert isinstance(runnable, Runnable)
    plain = runnable.invoke(QUESTION)
    assert set(plain) == ANSWER_FIELDS and plain["citations"]
    assert plain["answer"] == seeded.ask(QUESTION).answer
    followup = runnable.invoke({"question": "What did he threaten them with?",
                                "history": [{"role": "user", "content": "Who is Blinken?"},
                                            {"role": "assistant", "content": "The US Secretary of State."}]})
    assert followup["question"] == "What did he threaten them with?"
    assert followup["standalone_question"]  # the history was used to rewrite the follow-up
    with pytest.raises(ValueError):
        runnable.invoke({"text": QUESTION})


def test_runnable_batch_answers_each_input_in_order(runnable):
    questions = [QUESTION, {"question": "Which countries did Blinken visit in Central Asia?"}]
    answers = runnable.batch(questions)
    assert [a["question"] for a in answers] == [QUESTION, questions[1]["question"]]


def test_runnable_stream_yields_text_then_the_answer_dict(runnable):
    chunks = list(runnable.stream(QUESTION))
    *text, final = chunks
    assert text and all(isinstance(c, str) for c in text)
    assert isinstance(final, dict) and set(final) == ANSWER_FIELDS
    assert final["citations"]


def test_runnable_composes_in_a_larger_chain(runnable):
    chain = RunnableLambda(lambda x: x["q"]) | runnable | RunnableLambda(lambda d: d["citations"])
    citations = chain.invoke({"q": QUESTION})
    assert citations and all(tuple(c) == CITATION_FIELDS for c in citations)
    streamed = list(chain.stream({"q": QUESTION}))
    assert streamed == [citations]
    assert chain.batch([{"q": QUESTION}, {"q": QUESTION}]) == [citations, citations]


# ---- batch mode on the command line ----------------------------------------------------------------
def test_ask_questions_file_writes_one_answer_per_line(seeded, tmp_path, capsys):
    questions = tmp_path / "in.jsonl"
    asked = [QUESTION, "Who did Blinken meet in Kazakhstan?", "What is the recipe for banana bread?"]
    questions.write_text("".join(json.dumps({"question": q}) + "\n" for q in asked) + "\n", encoding="utf-8")
    assert main(["ask", "--questions", str(questions), "--json", "--backend", "extractive",
                 "--store", str(seeded.settings.store)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == len(asked)
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == asked
    assert all(set(a) == ANSWER_FIELDS for a in answers)
    assert not answers[0]["abstained"] and answers[0]["citations"]
    assert answers[2]["abstained"] and not answers[2]["citations"]
    assert "3/3" in captured.err  # the progress bar
