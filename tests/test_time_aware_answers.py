"""Answers about time and open questions through the whole chain (real embedder and Chroma, the
extractive backend): the library as it stood on `as_of`, a window searched before anything is said of
it, a present-tense answer from old news flagged, and a comparison that says who says what."""
from __future__ import annotations

import pytest

from assistant import Assistant


def article(folder, name: str, title: str, date: str, source: str, *paragraphs: str) -> None:
    body = "\n\n".join(paragraphs)
    (folder / f"{name}.txt").write_text(f"{title}\nDate: {date}\nSource: {source}\n\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    """An old festival report that matches the question's words best, a newer one inside the week asked
    about, and an old statement of who runs the harbour."""
    folder = tmp_path_factory.mktemp("harbour-articles")
    article(folder, "festival-2022", "Penmore Harbour Festival draws record crowd", "2022-06-06", "coastpost.example",
            "The Penmore Harbour Festival drew 40,000 visitors this weekend, the Penmore Harbour Festival's "
            "organisers said, the most visitors the Penmore Harbour Festival has ever drawn.")
    article(folder, "festival-2024", "Crowds return to the waterfront", "2024-06-03", "coastpost.example",
            "About 52,000 people came to the harbour festival in Penmore over the weekend, organisers said on Monday.")
    article(folder, "harbour-master-2019", "New harbour master for Penmore", "2019-02-11", "coastpost.example",
            "Alan Reyes is the harbour master of Penmore, the town council announced on Monday.")
    assistant = Assistant(store=tmp_path_factory.mktemp("harbour-store"), backend="extractive")
    assert assistant.ingest([folder]).ok
    return assistant


def test_a_window_is_searched_before_the_answer_gives_up_on_it(harbour):
    question = "How many visitors did the Penmore Harbour Festival draw this weekend?"
    top = harbour.retrieve(question, k=1, as_of="2024-06-04")[0]
    assert top.paragraph.date == "2022-06-06"  # the old report is the best match ...
    answer = harbour.ask(question, k=1, as_of="2024-06-04")  # ... but the week asked about is searched too
    assert not answer.abstained and "52,000" in answer.answer, answer.answer
    assert {c.date for c in answer.citations} == {"2024-06-03"}


def test_an_abstention_says_only_what_is_true_of_the_window(harbour):
    question = "How many visitors did the Penmore Harbour Festival draw this weekend?"
    empty = harbour.ask(question, as_of="2023-06-05")
    assert empty.abstained and "The library has no article dated 2023-05-22 to 2023-06-05" in empty.answer
    assert "--as-of" in empty.answer


def test_an_article_dated_after_as_of_is_neither_cited_nor_a_witness(harbour):
    answer = harbour.ask("How many people came to the harbour festival in Penmore?", as_of="2023-01-01")
    assert all(c.date <= "2023-01-01" for c in answer.citations + answer.closest), answer


def test_a_present_tense_answer_from_old_news_says_it_may_be_out_of_date(harbour):
    answer = harbour.ask("Who is the harbour master of Penmore?", as_of="2024-06-05")
    assert not answer.abstained and "Alan Reyes" in answer.answer, answer.answer
    assert "(This comes from a 2019-02-11 article and may be out of date.)" in answer.answer
    past = harbour.ask("Who was named harbour master of Penmore in 2019?", as_of="2024-06-05")
    assert "may be out of date" not in past.answer  # a question about its own past time is not stale


def test_a_comparison_says_who_says_what(tiny_store):
    answer = tiny_store.ask("Do the articles agree on how much the Kelbrook barrier cost to build?",
                            as_of="2024-03-20")
    assert "$14 million" in answer.answer and "$19 million" in answer.answer, answer.answer
    assert "valleyherald.example" in answer.answer and "wendsidepost.example" in answer.answer
    assert len({c.doc_id for c in answer.citations}) >= 2


def test_a_summary_draws_cited_sentences_from_several_articles(tiny_store):
    answer = tiny_store.ask("Summarize the story of the Kelbrook flood barrier.", as_of="2024-03-20")
    assert not answer.abstained and 2 <= answer.answer.count("[") <= 8, answer.answer
    assert len({c.doc_id for c in answer.citations}) >= 2
    assert "Tarnby" not in answer.answer  # the choir is another story


def test_a_hollow_answer_is_replaced_by_the_sentence_holding_the_asked_fact(tiny_store):
    """The draft restates the topic; the checked source's sentence with the amount answers."""
    from support.fakes import fake_chat_model

    hollow = fake_chat_model("The Kelbrook flood barrier opened on the River Wend [1].", judgement=0.9)
    answer = tiny_store.ask("How much did the Kelbrook barrier cost to build, according to the mayor?",
                            backend=hollow, as_of="2024-03-13")
    assert not answer.abstained and "$14 million" in answer.answer, answer.answer


def test_an_answer_naming_a_place_the_parser_mislabels_is_not_hollow(fresh, tmp_path):
    (tmp_path / "beetles.txt").write_text("Beetles glow at night in the forests of Borneo, a survey found.\n")
    assert fresh.ingest([tmp_path / "beetles.txt"]).ok
    answer = fresh.ask("Where do beetles glow at night?", backend="extractive")
    assert not answer.abstained and "Borneo" in answer.answer  # spaCy's small model reads "Borneo" as a person


def test_an_amount_the_parser_does_not_tag_still_answers_how_much():
    """spaCy's small model tags no entity in "... an additional USD 25 million to ..."; the answer stands."""
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    question = Question.read("How much did Blinken pledge to the Economic Resilience Initiative?")
    said = Composed("Blinken pledged an additional USD 25 million to the Economic Resilience Initiative [1].", [0])
    assert fact_bearing(question, said, sources=[]) is said
    hollow = Composed("Blinken pledged support to the Economic Resilience Initiative [1].", [0])
    assert fact_bearing(question, hollow, sources=[]).cited == []  # nothing holds an amount: abstain


def test_a_winner_named_first_answers_who_won():
    """"Spain" is a place to the parser, and the sentence's first word."""
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    said = Composed("Spain won the final [1].", [0])
    assert fact_bearing(Question.read("Who won the final?"), said, sources=[]) is said


@pytest.fixture(scope="module")
def commandments(tmp_path_factory):
    """A 2013 case that states who is in the legal battle, and 2024 coverage of a new law that does not."""
    folder = tmp_path_factory.mktemp("commandments-articles")
    article(folder, "case-2013", "Ten Commandments display case", "2013-03-21", "courtwire.example",
            "Kentucky is in a legal battle over a Ten Commandments law requiring displays in county courthouses.")
    article(folder, "law-2024", "Classroom law draws protests", "2024-11-02", "courtwire.example",
            "Parents protested outside the capitol against the new Ten Commandments law for classrooms.",
            "Critics of the Ten Commandments law say the posters cost schools money they do not have.")
    return folder


def test_a_years_old_answer_beside_newer_coverage_is_not_given_as_current(commandments, tmp_path):
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assert assistant.ingest([commandments]).ok
    model = fake_judging("Kentucky is in a legal battle over a Ten Commandments law [1].", {"Kentucky": 0.9})
    now = assistant.ask("Which state is in a legal battle over a Ten Commandments law?", backend=model,
                        as_of="2024-11-14")
    assert now.abstained and "up to 2024-11-02" in now.answer and "2013-03-21" in now.answer, now.answer
    then = assistant.ask("Which state was in a legal battle over a Ten Commandments law in 2013?", backend=model,
                         as_of="2024-11-14")  # a question naming its own time is not about now
    assert not then.abstained and "Kentucky" in then.answer, then.answer


def fake_judging(answer: str, judgements: dict):
    """A model that writes `answer` and judges a passage holding a word of `judgements` by it, any other 0.1."""
    from support.fakes import fake_chat_model
    return fake_chat_model(answer, answer, judgements=judgements, judgement=0.1)


def test_who_reports_a_fact_is_no_answer_to_which_storm():
    """"the Weather Service said" names the source, not the storm: the answer is hollow."""
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    question = Question.read("What is the name of the storm that flooded Penmore?")
    said = Composed("The Weather Service office in Kelbrook said the flooding could last until Thursday [1].", [0])
    assert fact_bearing(question, said, sources=[]).cited == []
    named = Composed("Storm Idris flooded Penmore on Monday, the Weather Service said [1].", [0])
    assert fact_bearing(question, named, sources=[]) is named


def test_a_place_in_a_sentence_is_no_name_of_the_blaze_nor_a_photographer_a_place():
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    blaze = Question.read("A wildfire is burning near Penmore. What is the name of the blaze?")
    spread = Composed("The wildfire has spread through four counties, mostly in Wend County, "
                      "according to the Fire Service [1].", [0])
    assert fact_bearing(blaze, spread, sources=[]).cited == []
    island = Question.read("Which island is hosting the surfing events?")
    photo = Composed("The defining image of the surfing events was captured by photographer Jerome Brouillet [1].", [0])
    assert fact_bearing(island, photo, sources=[]).cited == []


@pytest.mark.parametrize("question, said", [
    ("Which animal will be returning to the Penmore zoo?", "The otters will be returning to the Penmore zoo in May [1]."),
    ("Which type of plant is the most common culprit for fall allergies?",
     "Ragweed is the most common culprit for fall allergies [1]."),
    ("Which state passed a law banning phones in classrooms?",
     "The Florida Legislature passed a law banning phones in classrooms [1]."),
    ("Which musician was named the greatest pop star of the century?",
     "Fans believe it will be Beyonce\u0301, who has yet to appear on the list [1]."),  # decomposed, as some articles write it
])
def test_a_common_noun_filling_the_asked_slot_or_a_place_naming_a_body_is_not_hollow(question, said):
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    composed = Composed(said, [0])
    assert fact_bearing(Question.read(question), composed, sources=[]) is composed


def test_another_predicate_fills_no_slot():
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    hollow = Composed("Flu activity is exploding across the country [1].", [0])
    assert fact_bearing(Question.read("Which strain of flu is spreading?"), hollow, sources=[]).cited == []


def test_a_news_agency_named_for_a_country_is_no_answer_to_where():
    from assistant.answer.compose import Composed
    from assistant.answer.fact_bearing import fact_bearing
    from assistant.answer.question import Question

    photo = Composed("The image of the surfer was captured by an Agence France-Presse photographer [1].", [0])
    assert fact_bearing(Question.read("Which island is hosting the surfing events?"), photo, sources=[]).cited == []


def test_beside_this_years_answer_a_years_old_one_is_neither_source_nor_witness(tmp_path):
    folder = tmp_path / "games"
    folder.mkdir()
    article(folder, "games-2018", "Next hosts named", "2018-02-20", "sportsdesk.example",
            "The next Summer Olympics will be held in Tokyo, the committee confirmed.")
    article(folder, "games-2024", "After Paris, the Games go west", "2024-08-12", "sportsdesk.example",
            "The next Summer Olympics will be held in Los Angeles in 2028, after the Paris Games closed.")
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assert assistant.ingest([folder]).ok
    from support.fakes import fake_chat_model

    def reply(messages):  # cites whichever source holds Tokyo, else the first: the old one if it is offered
        from support.fakes import source_holding
        try:
            return f"The next Summer Olympics will be held in Tokyo [{source_holding(messages, 'Tokyo')}]."
        except StopIteration:
            return "The next Summer Olympics will be held in Los Angeles [1]."
    model = fake_chat_model(reply=reply, judgement=0.9)
    answer = assistant.ask("Where will the next Summer Olympics be held?", backend=model, as_of="2024-08-20")
    assert "Los Angeles" in answer.answer and "Tokyo" not in answer.answer, answer.answer
    assert {c.date for c in answer.citations} == {"2024-08-12"}
