"""Fact-bearing answers (assistant/answer_kind.py): the kind of fact a question asks for, whether a
sentence holds one (a hollow answer restates the topic without it), and which evidence sentence
holds it; on news sentences with the real spaCy pipeline."""
from __future__ import annotations

import pytest

from assistant.answer.answer_kind import asked_kind, best_fact_sentence, holds_kind, kind_words
from assistant.answer.question import Question

STRAIN = "Which flu strain is driving this season's surge in hospitalizations?"
RENAMED = "Which condition is being renamed?"
BLAZE = "California is battling the fifth-largest wildfire in state history. What is the name of the blaze?"
INVESTED = "How much has the valley authority invested in Kelbrook, according to the mayor?"
# praise around the one figure, as a news paragraph on a visit often reads
PRAISE_AND_FIGURE = [
    "Mayor Ruth Alden stressed Kelbrook's wish to deepen its ties with the valley authority during "
    "her meeting with its chair.",
    "She added that the authority is one of the town's biggest funders, with a total investment of over USD 48 million.",
    "She thanked the authority for its steady support for Kelbrook's flood defences, roads, and schools.",
]


@pytest.mark.parametrize("question, kind", [
    (INVESTED, "number"),
    ("What percentage of voters backed the measure?", "number"),
    ("How long did the strike last?", "number"),
    ("Who is the White House chief of staff?", "person"),
    ("Whom did Blinken meet in Astana?", "person"),
    ("Where will the 2026 Winter Olympics be held?", "place"),
    ("Which state is in a legal battle over a Ten Commandments law?", "place"),
    ("When did the spacewalk take place?", "date"),
    ("What year was the treaty signed?", "date"),
    (STRAIN, "name"),
    (RENAMED, "name"),
    (BLAZE, "name"),
    ("In which film did she make her debut?", "name"),
    ("What did Blinken say about China?", None),
    ("Why did the council ban cars in the old town?", None),
])
def test_asked_kind(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize("question, hollow, holding", [
    (STRAIN, "Flu activity is exploding across the country, with hospitalizations at their highest level in 15 years.",
     "Most cases this season are caused by H3N2, a strain that has drifted away from this year's vaccine."),
    (RENAMED, "A common disorder that affects one in ten women is getting a new name.",
     "Polycystic ovary syndrome, or PCOS, will be renamed polyendocrine metabolic ovarian syndrome."),
    (BLAZE, "Firefighters are battling the blaze north of Los Angeles, where it is now the fifth-largest in state "
            "history.", "The Palisades Fire has burned 23,000 acres since Tuesday."),
    (INVESTED, PRAISE_AND_FIGURE[0], PRAISE_AND_FIGURE[1]),
    ("Who did Blinken meet in Astana?", "Blinken arrived in Astana on Tuesday for talks on trade.",
     "Blinken met Kazakh Foreign Minister Mukhtar Tileuberdi in Astana."),
    ("Where will the 2026 Winter Olympics be held?", "The 2026 Winter Olympics will be held in February.",
     "The 2026 Winter Olympics will be held in Milan and Cortina d'Ampezzo, Italy."),
    ("When did the spacewalk take place?", "The spacewalk took place after months of delays.",
     "The spacewalk took place on 12 September 2024, about 700 km above Earth."),
    ("How long did the strike last?", "The strike disrupted deliveries across the region.",
     "The strike lasted three weeks before the union accepted the offer."),
])
def test_a_hollow_answer_holds_no_fact_of_the_asked_kind(question, hollow, holding):
    kind = asked_kind(question)
    assert not holds_kind(kind, hollow, question)
    assert holds_kind(kind, holding, question)


def test_what_the_question_names_is_not_the_answer():
    sentence = "Antony Blinken spoke to reporters in Astana after the talks."
    assert not holds_kind("person", sentence, "Who did Antony Blinken meet in Astana?")
    assert holds_kind("person", sentence)  # without the question, Blinken is a person named


def test_best_fact_sentence_picks_the_figure_after_the_praise():
    assert best_fact_sentence(INVESTED, PRAISE_AND_FIGURE) == 1


def test_best_fact_sentence_prefers_the_sentence_about_the_question_among_those_holding_the_kind():
    sentences = ["The company was founded in 1998 in Seattle.",
                 "Last year it spent $4.2 billion on research, up from $3.1 billion.",
                 "The valley authority has invested $2 million in Kelbrook's schools since 2019, the mayor said."]
    assert best_fact_sentence(INVESTED, sentences) == 2


def test_best_fact_sentence_is_none_where_no_sentence_holds_the_fact_or_no_kind_is_asked():
    assert best_fact_sentence(INVESTED, [PRAISE_AND_FIGURE[0], PRAISE_AND_FIGURE[2]]) is None
    assert best_fact_sentence("What did the mayor say about the roads?", PRAISE_AND_FIGURE) is None
    assert best_fact_sentence(INVESTED, []) is None


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown kind of fact 'colour'"):
        holds_kind("colour", "The car is red.")


@pytest.mark.parametrize("question, words", [
    ("Which NFL player has complained after being dragged from his car?", {"NFL"}),
    ('"Moana 2" set a record, surpassing which other Disney film?', {"Disney"}),
    ("Which Premier League club sacked its manager?", {"Premier", "League"}),
    ("What did Blinken say about China?", set()),
    ("In which city did the G7 meet?", set()),
    ("Which of Winnie the Pooh's sidekicks expired this week?", set()),
])
def test_the_words_saying_what_kind_of_thing_is_asked(question, words):
    assert kind_words(question) == words


def test_a_story_need_not_name_the_kind_of_thing_asked():
    """ "Miami Dolphins wide receiver Tyreek Hill" answers "Which NFL player ...?" without saying NFL."""
    question = Question.read("Which NFL player was dragged from his car by police during a traffic stop?")
    assert "NFL" not in question.names
    assert "Blinken" in Question.read("What did Blinken say about China?").names
