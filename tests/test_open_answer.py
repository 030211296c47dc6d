"""Open questions (summaries, comparisons, "the latest on", several questions in one) get several
cited sentences from several articles, and a disagreement says who says what. Unit layer: made-up
hits and a bag-of-words stand-in for the embedder (hashed, so vectors from different calls agree);
the verifier's language rules run for real. The last tests run the seed corpus through real
retrieval and the real embedder."""
from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

from assistant.answer.open_answer import answer_open, open_kind, topic
from assistant.answer.retrieval import Hit
from ingest.records import Paragraph

AS_OF = "2024-06-01"
MARKER = re.compile(r"\[(\d+)\]")


def encode(texts: list[str]) -> np.ndarray:
    """Normalized bag-of-words vectors, each word hashed to one of 1024 dimensions."""
    vectors = np.zeros((len(texts), 1024), dtype=np.float32)
    for n, text in enumerate(texts):
        for word in set(re.findall(r"\w+", text.lower())):
            vectors[n, zlib.crc32(word.encode()) % 1024] = 1.0
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def hit(doc: str, text: str, date: str | None = "2024-03-01", source: str = "news.example", index: int = 0) -> Hit:
    paragraph = Paragraph(paragraph_id=f"{doc}#p{index}", doc_id=doc, title=f"About {doc}", author=None, date=date,
                          source=source, paragraph_index=index, char_start=0, char_end=len(text), text=text)
    return Hit(paragraph, 0.6, 0.6)


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\]\.)\s+|(?<=\)\.)\s+", text) if s]


def assert_each_sentence_quoted_and_cited(composed, hits):
    """Every sentence carries a marker, and its words (without what the answer adds) are its paragraph's."""
    for sentence in sentences_of(composed.text):
        numbers = [int(n) for n in MARKER.findall(sentence)]
        assert numbers, sentence
        words = re.sub(r"\s*(?:\[\d+\])+.*$", "", sentence).split(': "')[-1].strip('"')
        assert any(words[1:] in hits[composed.cited[n - 1]].paragraph.text for n in numbers), sentence


BRIDGE = [
    hit("post", "The new Elm River bridge opened to traffic on Monday after three years of construction. "
                "Mayor Lena Ortiz cut the ribbon in front of a crowd of about 2,000 residents.", "2024-03-04",
        "Daily Post"),
    hit("star", "The Elm River bridge cost $48 million, paid mostly by a state transport grant. "
                "Engineers say the bridge will carry 30,000 vehicles a day.", "2024-03-05", "Evening Star"),
    hit("post", "He said the city would now turn to repairing the old ferry terminal.", "2024-03-04", "Daily Post", 1),
    hit("gazette", "The Elm River bridge was delayed twice by spring floods during construction of its piers.",
        "2024-03-06", "Gazette"),
]


def test_a_summary_draws_cited_sentences_from_several_articles():
    composed = answer_open("Summarize the opening of the Elm River bridge.", "summary", BRIDGE, encode, AS_OF)
    said = sentences_of(composed.text)
    assert 2 <= len(said) <= 6, composed.text
    assert len({BRIDGE[i].paragraph.doc_id for i in composed.cited}) >= 2, composed.text
    assert_each_sentence_quoted_and_cited(composed, BRIDGE)
    assert "He said" not in composed.text and "ferry" not in composed.text  # leans on a sentence not shown
    assert all(composed.quotes[i][1] <= len(BRIDGE[i].paragraph.text) for i in composed.cited)


def test_sources_of_different_dates_say_when_each_spoke():
    composed = answer_open("Give an overview of the Elm River bridge.", "summary", BRIDGE, encode, AS_OF)
    for i in composed.cited:
        paragraph = BRIDGE[i].paragraph
        assert f"(according to {paragraph.source}, {paragraph.date})" in composed.text, composed.text


LANDSLIDE = [
    hit("early", "A landslide blocked the Kessel mountain road on Friday, cutting off the village of Orn.",
        "2024-02-02", "Valley News"),
    hit("middle", "Crews began clearing the Kessel mountain road landslide on Monday with two excavators.",
        "2024-02-05", "Alpine Times"),
    hit("newest", "The Kessel mountain road reopened on Thursday after crews cleared the landslide.",
        "2024-02-15", "Valley News"),
    hit("future", "A second landslide closed the Kessel mountain road again in the summer storms.",
        "2024-07-20", "Alpine Times"),
]


def test_latest_leads_with_the_newest_article_and_reads_nothing_after_as_of():
    composed = answer_open("What's the latest on the Kessel mountain road landslide?", "latest", LANDSLIDE, encode,
                           AS_OF)
    assert LANDSLIDE[composed.cited[0]].paragraph.doc_id == "newest", composed.text
    assert composed.text.startswith("The Kessel mountain road reopened"), composed.text
    assert "future" not in {LANDSLIDE[i].paragraph.doc_id for i in composed.cited}  # dated after as_of
    dates = [LANDSLIDE[i].paragraph.date for i in composed.cited]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2, composed.text


def test_a_comparison_with_a_disagreement_says_who_says_what():
    hits = [hit("post", "The city council approved a budget of $12 million for the new river bridge on Tuesday. "
                        "The vote was close.", source="Daily Post"),
            hit("star", "On Tuesday the city council approved a budget of $15 million for the new river bridge. "
                        "Work starts in May.", source="Evening Star")]
    composed = answer_open("Do the articles agree on the budget for the new river bridge?", "comparison", hits,
                           encode, AS_OF)
    assert re.search(r'Daily Post \(2024-03-01\) says: "[^"]*\$12 million[^"]*" \[\d\]', composed.text), composed.text
    assert re.search(r'Evening Star \(2024-03-01\) says: "[^"]*\$15 million[^"]*" \[\d\]', composed.text), composed.text
    assert sorted(composed.cited) == [0, 1]


def test_a_comparison_of_votes_quotes_each_count():
    hits = [hit("post", "All five Nordic states abstained on the fishing resolution at the assembly.",
                source="Daily Post"),
            hit("star", "Iceland was absent, and the other four Nordic countries abstained on the fishing resolution.",
                source="Evening Star")]
    composed = answer_open("Do the two articles agree on how the Nordic states voted on the fishing resolution?",
                           open_kind("Do the two articles agree on how the Nordic states voted?"), hits, encode, AS_OF)
    assert "Daily Post (2024-03-01) says" in composed.text and "Evening Star (2024-03-01) says" in composed.text
    assert "All five Nordic states" in composed.text and "Iceland was absent" in composed.text


@pytest.mark.parametrize("other", [
    "The city council did not approve the property tax rise for the river district on Tuesday.",  # "not approve"
    "The city council approved a budget of $3 million for the new park on Tuesday.",  # another budget
])
def test_an_article_on_another_matter_is_never_the_other_side(other):
    """The verifier reads the first article's sentence and the other's second sentence as contradicted (a
    negated "approve", another count of "budget"): both would be shown as "... says" without the
    topic's words; the other's first sentence, on the bridge's budget, is what it adds."""
    hits = [hit("post", "The city council approved a budget of $12 million for the new river bridge on Tuesday.",
                source="Daily Post"),
            hit("star", f"The new river bridge budget was first drawn up by the city council in 2019. {other}",
                source="Evening Star")]
    composed = answer_open("Do the articles agree on the budget for the new river bridge?", "comparison", hits,
                           encode, AS_OF)
    assert sorted(composed.cited) == [0, 1] and "drawn up" in composed.text, composed.text
    assert " says" not in composed.text and " agree" not in composed.text and other.rstrip(".") not in composed.text


def test_versions_of_one_story_are_quoted_once():
    text = "The Elm River bridge opened to traffic on Monday after three years of construction work."
    hits = [hit("v1", text, "2024-03-04", "Daily Post"), hit("v2", text + " Updated.", "2024-03-05", "Daily Post"),
            hit("star", "The Elm River bridge cost $48 million, paid mostly by a state transport grant.",
                "2024-03-05", "Evening Star")]
    composed = answer_open("Summarize the Elm River bridge opening.", "summary", hits, encode, AS_OF)
    assert composed.text.count("opened to traffic") == 1, composed.text


def test_a_multi_part_question_answers_each_part():
    hits = [hit("post", "Mayor Lena Ortiz opened the Elm River bridge on Monday in front of 2,000 residents.",
                source="Daily Post"),
            hit("star", "The Elm River bridge cost $48 million, paid mostly by a state transport grant.",
                source="Evening Star")]
    question = "How much did the Elm River bridge cost and who opened the Elm River bridge?"
    assert open_kind(question) == "multi"
    composed = answer_open(question, "multi", hits, encode, AS_OF)
    assert "$48 million" in composed.text and "Lena Ortiz" in composed.text, composed.text


def test_nothing_about_the_question_gives_an_empty_answer():
    composed = answer_open("Summarize the Elm River bridge.", "summary", [hit("x", "Short.")], encode, AS_OF)
    assert composed.text == "" and composed.cited == []


@pytest.mark.parametrize("question, kind", [
    ("Summarize Blinken's Central Asia trip.", "summary"),
    ("Give an overview of the Boeing strike.", "summary"),
    ("Can you sum up the wildfire coverage?", "summary"),
    ("What are the key points of the budget deal?", "summary"),
    ("Tell me about the Elm River bridge.", "summary"),
    ("Do the two articles agree on how the Central Asian countries voted on the UN resolution?", "comparison"),
    ("How do the articles differ on the death toll?", "comparison"),
    ("Do the sources disagree about the budget?", "comparison"),
    ("Compare the accounts of the meeting.", "comparison"),
    ("What's the latest on the Boeing strike?", "latest"),
    ("Any updates on the Kessel road landslide?", "latest"),
    ("What is the latest news about the hurricane?", "latest"),
    ("Which countries abstained and who was absent?", "multi"),
    ("Who won the election, and what did the loser say?", "multi"),
    ("Who won the final?", None),
    ("How much has the United States invested in Kazakhstan, according to Tokayev?", None),
    ("What did Blinken say about China?", None),
    ("Is the latest iPhone waterproof?", None),
    ("Did the council agree to the budget?", None),
])
def test_open_kind_tells_open_questions_from_fact_questions(question, kind):
    assert open_kind(question) == kind


def test_the_topic_is_the_question_without_its_cue_words():
    assert topic("Summarize Blinken's Central Asia trip.") == "Blinken's Central Asia trip."
    assert topic("Do the two articles agree on how the Central Asian countries voted?") == \
        "how Central Asian countries voted"


# ---- the seed corpus, real retrieval and the real embedder ------------------------------------------------
def test_the_seed_articles_disagreement_on_the_un_vote_is_stated_with_both_sides(seeded):
    question = "Do the two articles agree on how the Central Asian countries voted on the UN resolution?"
    hits = seeded.retrieve(question, as_of="2023-03-15")
    composed = answer_open(question, open_kind(question), hits, seeded.encode, "2023-03-15")
    docs = {hits[i].paragraph.doc_id[:3] for i in composed.cited}
    assert docs == {"000", "001"}, composed.text
    assert "all five Central Asian states" in composed.text, composed.text
    assert "Turkmenistan was absent" in composed.text and "four Central Asian countries abstained" in composed.text
    assert "Caliber.az (2023-02-27) says" in composed.text and "financialexpress says" in composed.text


def test_a_summary_of_the_trip_cites_both_seed_articles(seeded):
    question = "Summarize Blinken's Central Asia trip."
    hits = seeded.retrieve(question, as_of="2023-03-15")
    composed = answer_open(question, open_kind(question), hits, seeded.encode, "2023-03-15")
    assert 2 <= len(sentences_of(composed.text)) <= 6, composed.text
    assert {hits[i].paragraph.doc_id[:3] for i in composed.cited} == {"000", "001"}, composed.text
    assert_each_sentence_quoted_and_cited(composed, hits)


@pytest.mark.parametrize("about_the_page, unsaid", [
    ("Editor's note: This page is a summary of news on the Elm River bridge for Monday. "
     "Here’s what to know so far about the Elm River bridge opening. ", ("Editor", "what to know")),
    ("For the latest news on the Elm River bridge, please follow USA TODAY's live updates for Monday. "
     "For the latest news, view our live updates file on the Elm River bridge opening for Friday. ", ("live updates",)),
])
def test_a_sentence_about_the_page_does_not_speak(about_the_page, unsaid):
    """"Editor's note: This page ...", "Here's what to know ..." and "For the latest news, view our live
    updates file on ..." hold the story's words and say nothing."""
    hits = [hit("live", about_the_page + "The Elm River bridge opened to traffic on Monday after three years of "
                                         "construction.", "2024-03-04")]
    composed = answer_open("Summarize the Elm River bridge opening.", "summary", hits, encode, AS_OF)
    assert "three years" in composed.text, composed.text
    assert not any(word in composed.text for word in unsaid), composed.text


def test_a_paragraph_naming_nothing_the_question_names_is_another_story():
    """A brewery's machinists are no news of "the Kelbrook machinists' strike", however alike the words."""
    hits = [hit("brewery", "The machinists' strike at the Harlow brewery ended on Tuesday as the striking machinists "
                           "went back to work.", "2024-05-28"),
            hit("kelbrook", "Kelbrook machinists voted to reject the contract offer and continue their strike, "
                            "with 64% against.", "2024-05-24")]
    composed = answer_open("What's the latest on the Kelbrook machinists' strike?", "latest", hits, encode, AS_OF)
    assert "64%" in composed.text and "brewery" not in composed.text, composed.text


def test_the_latest_leads_with_the_newest_articles_first_sentence_not_its_background():
    hits = [
        hit("vote", "The Elm River bridge toll has been debated since the Elm River bridge opened in March, "
                    "when the Elm River bridge toll was first proposed.", "2024-05-10", index=3),
        hit("vote", "Councillors rejected the Elm River bridge toll on Thursday, nine votes to four.", "2024-05-10"),
        hit("plan", "The Elm River bridge toll would be two dollars a crossing, the Elm River bridge plan said.",
            "2024-04-02"),
    ]
    composed = answer_open("What's the latest on the Elm River bridge toll?", "latest", hits, encode, AS_OF)
    assert composed.text.startswith("Councillors rejected"), composed.text


def test_a_latest_question_reads_the_lead_of_the_newest_articles(tiny_store):
    """The audit report's background paragraph is the hit; its opening paragraph states the news."""
    from assistant.answer.leads import with_leads

    store = tiny_store.store
    background = next(p for p in store.paragraphs() if p.text.startswith("The audit office found no fault"))
    older = next(p for p in store.paragraphs() if p.text.startswith("Kelbrook town council voted"))
    hits = [Hit(background, 0.5, 0.5), Hit(older, 0.6, 0.6)]
    added = with_leads(hits, store)[len(hits):]
    assert [h.paragraph.doc_id for h in added] == [background.doc_id] * 2 + [older.doc_id]
    assert added[0].paragraph.text.startswith("The new flood barrier in Kelbrook cost $19 million")
    assert all(h.score == 0.5 for h in added[:2])
