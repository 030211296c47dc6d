"""Answer verification over the seed corpus: contradicted claims corrected, yes/no
polarity from the evidence, quotes on every citation, evidence before the answer, citable article
metadata, both sides of the sources' disagreement, misquotes caught by lookup.

Chain logic runs on the shared fake chat model (support.fakes); the `slow` tests ask the real local model."""
from __future__ import annotations

import pytest

from assistant.evaluation import contradicted_sentences
from assistant.types import Answer, Evidence
from support.fakes import fake_chat_model

SANCTIONS_Q = "Does Kazakhstan allow the use of its territory to avoid sanctions?"
VOTE_Q = "How did the Central Asian countries vote on the UN General Assembly resolution on Ukraine?"
AUTHOR_Q = "Who wrote the article saying Blinken's Central Asia tour focused more on Russia and China?"


def marker_of(seeded, question: str, needle: str) -> int:
    sources = [h for h in seeded.retrieve(question)]
    return next(i for i, h in enumerate(sources, 1) if needle in h.text)


def assert_quotes_hold(answer: Answer) -> None:
    for c in answer.citations:
        assert c.quote and c.text[c.quote_start:c.quote_end] == c.quote


# ---- chain logic (fake models) ---------------------------------------------------------------------
def test_a_contradicted_claim_is_corrected_from_its_paragraph(seeded):
    n = marker_of(seeded, SANCTIONS_Q, "does not allow")
    answer = seeded.ask("What did Kazakhstan say about sanctions?", backend=fake_chat_model(
        f"Kazakhstan allows the use of its territory to avoid sanctions [{n}]."))
    assert not answer.abstained
    assert "allows the use" not in answer.answer and "does not allow" in answer.answer
    assert "does not allow" in answer.citations[0].quote
    assert contradicted_sentences(answer, seeded.encode) == 0
    assert_quotes_hold(answer)


def test_a_paragraph_cited_by_two_sentences_quotes_what_both_rest_on(seeded):
    answer = seeded.ask("Which Uzbek president did Blinken meet?", backend="extractive")
    [citation] = answer.citations
    assert answer.answer.count("[1]") == 2, answer.answer
    assert "Tokayev" in citation.quote and "Mirziyoyev" in citation.quote
    assert_quotes_hold(answer)


def test_a_tally_given_to_the_wrong_choice_is_corrected(seeded):
    question = "How many countries abstained on the UN General Assembly resolution on Ukraine?"
    n = marker_of(seeded, question, "141 to 7")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"141 countries abstained on the UN General Assembly resolution [{n}]."))
    assert "141 countries abstained" not in answer.answer and "32 abstentions" in answer.answer, answer.answer
    assert contradicted_sentences(answer, seeded.encode) == 0


def test_a_correction_is_not_followed_by_its_own_words_again(seeded):
    question = "How many countries abstained on the UN General Assembly resolution on Ukraine?"
    n = marker_of(seeded, question, "abstention from 32")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"141 countries abstained on the UN General Assembly resolution demanding that Russian troops withdraw "
        f"from Ukraine [{n}]. This resolution had support from 141 countries, opposition from seven, and "
        f"abstention from 32 [{n}]."))
    assert "141 countries abstained" not in answer.answer, answer.answer
    assert answer.answer.count("abstention from 32") == 1, answer.answer
    assert_quotes_hold(answer)


def test_yes_no_polarity_comes_from_the_evidence_not_the_model(seeded):
    n = marker_of(seeded, SANCTIONS_Q, "does not allow")
    answer = seeded.ask(SANCTIONS_Q, backend=fake_chat_model(
        f"Yes, Kazakhstan allows the use of its territory to avoid sanctions [{n}]."))
    assert answer.answer.startswith("No."), answer.answer
    assert "does not allow" in answer.answer


def test_no_yes_or_no_where_the_evidence_settles_neither_way(seeded):
    """The model's "Yes" used to stand when the cited paragraph neither supports nor contradicts the
    statement ("Yes, Wendy's, please give me your highest priced burger", news-own-20)."""
    question = "Is Kazakhstan planning new trade routes?"
    n = marker_of(seeded, question, "Tokayev emphasised")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"Yes, President Tokayev emphasised Kazakhstan’s determination to expand its engagement with Washington [{n}]."))
    assert answer.answer.startswith("President Tokayev emphasised"), answer.answer


def test_the_polarity_word_starts_its_own_sentence(seeded):
    n = marker_of(seeded, SANCTIONS_Q, "does not allow")
    answer = seeded.ask(SANCTIONS_Q, backend=fake_chat_model(
        f"no, the Kazakh Foreign Ministers said Kazakhstan does not allow the use of its territory to avoid sanctions [{n}]."))
    assert answer.answer.startswith("No. The Kazakh"), answer.answer
    assert contradicted_sentences(answer, seeded.encode) == 0  # "No." is not read as part of the claim


def test_a_false_premise_is_answered_no_from_the_paragraph_that_refutes_it(seeded):
    """The check judged no paragraph to answer "... on February 19?" (it happened on the 18th), so the
    answer used to abstain; the paragraph that refutes the premise answers "No" instead."""
    question = "Did Blinken meet Wang Yi on the sidelines of the Munich Security Conference on February 19, 2023?"
    events = list(seeded.stream(question, backend=fake_chat_model("unused", judgement=0.1), evidence=True))
    answer = events[-1]
    assert answer.answer.startswith("No. ") and "February 18" in answer.citations[0].quote, answer.answer
    assert [e.status for e in events if isinstance(e, Evidence)] == ["checking", "kept"]
    assert contradicted_sentences(answer, seeded.encode) == 0
    assert_quotes_hold(answer)


def test_a_denial_comes_from_a_sentence_about_the_same_people(seeded):
    """"Blinken met ... President Tokayev" refutes "refuse to meet" too, but about the Kazakh president."""
    answer = seeded.ask("Did Blinken refuse to meet the Uzbek president?",
                        backend=fake_chat_model("unused", judgement=0.1))
    assert answer.answer.startswith("No. ") and "Uzbek" in answer.citations[0].quote, answer.answer


def test_the_refuting_paragraph_answers_no_when_the_judge_kept_only_others(seeded):
    """The judge reads the question as a claim and rejects the paragraph that says "does not"; what it
    kept instead does not support the statement, so the rejected paragraph answers."""
    answer = seeded.ask(SANCTIONS_Q, backend=fake_chat_model("Kazakhstan allows it [1].", judgement=0.9,
                                                             judgements={"does not allow": 0.1}))
    assert answer.answer.startswith("No. ") and "does not allow" in answer.citations[0].quote, answer.answer
    assert contradicted_sentences(answer, seeded.encode) == 0


def test_a_name_swapped_in_a_sentence_about_something_else_is_no_denial(seeded):
    """"Moscow's relations with Central Asia's five former Soviet republics ... trade routes" names
    nothing of "Kazakhstan is planning new trade routes" but a place it swaps: no "No." from it."""
    question = "Is Kazakhstan planning new trade routes?"
    for judgement in (0.1, 0.9):
        answer = seeded.ask(question, backend=fake_chat_model(
            "Kazakhstan is expanding its engagement with Washington [1].", judgement=judgement))
        assert not answer.answer.startswith("No."), answer.answer


def test_yes_needs_a_paragraph_that_speaks_of_the_predicate(seeded):
    """Sharing "picture quality" with the statement is not saying that BSkyB carries control."""
    from assistant.answer.compose import polarity

    question = "Does BSkyB carry any control over the picture quality of a channel?"
    selling = ("Key selling points were the improvement in picture and sound quality, increased number of channels "
               "and an interactive service, and BSkyB competed with cable services.")
    assert polarity(question, [selling], seeded.encode) is None
    assert polarity(question, ["BSkyB carries control over the picture quality of each channel."], seeded.encode) == "Yes"
    assert polarity(question, ["BSkyB does not carry any control over picture quality."], seeded.encode) == "No"


def test_a_paragraph_without_a_year_is_read_within_its_articles_year(seeded):
    """News rarely repeats the year (news-own-19 got no "Yes" for the 2024 race); an article of
    another year settles nothing about 2024, and a paragraph naming another year refutes it."""
    from assistant.answer.compose import polarity

    question = "Did Joe Biden endorse Kamala Harris after withdrawing from the 2024 presidential race?"
    text = ("Vice President Kamala Harris, 59, is the most logical replacement, and Biden in making his decision "
            "to drop out of the race also endorsed her.")
    assert polarity(question, [text], seeded.encode, ["2024-07-21"]) == "Yes"
    assert polarity(question, [text], seeded.encode) is None
    assert polarity(question, [text], seeded.encode, ["2020-03-01"]) is None
    assert polarity(question, [text.replace("drop out of the race", "drop out of the 2020 race")], seeded.encode,
                    ["2024-07-21"]) == "No"


def test_paragraphs_that_name_no_one_the_question_names_do_not_answer(seeded):
    """The vote paragraphs are about Central Asia and Ukraine, but not about Stoltenberg: answering
    from them would answer another question (places alone do not make a paragraph on subject)."""
    question = "What did Jens Stoltenberg say about the Central Asian vote on Ukraine?"
    answer = seeded.ask(question, backend=fake_chat_model("Four Central Asian countries abstained [1]."))
    assert answer.abstained, answer.answer


def test_a_kept_paragraph_that_settles_the_question_is_the_answer(seeded):
    """The cited paragraph says "made no disparaging remarks": that "No." stands, and no other
    refuting paragraph ("remained silent when it came to labelling Russia a threat") replaces it."""
    question = "Did the Central Asian countries make disparaging remarks about Moscow?"
    n = marker_of(seeded, question, "no disparaging remarks")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"No, they made no disparaging remarks about Moscow [{n}].", judgement=0.9))
    assert answer.answer.startswith("No. ") and "no disparaging remarks" in answer.citations[0].quote, answer.answer


def test_no_denial_where_nothing_refutes_the_statement(seeded):
    answer = seeded.ask("Did Blinken meet Wang Yi on the sidelines of the Munich Security Conference?",
                        backend=fake_chat_model("unused", judgement=0.1))
    assert answer.abstained, answer.answer


def test_citations_carry_the_supporting_quote(seeded):
    n = marker_of(seeded, "Which Uzbek president did Blinken meet?", "Mirziyoyev")
    answer = seeded.ask("Which Uzbek president did Blinken meet?",
                        backend=fake_chat_model(f"Blinken met Uzbek president Shawkat Mirziyoyev [{n}]."))
    assert "Mirziyoyev" in answer.citations[0].quote and len(answer.citations[0].quote) < len(answer.citations[0].text)
    data = answer.to_dict()["citations"][0]
    assert data["text"][data["quote_start"]:data["quote_end"]] == data["quote"]


def test_not_found_with_vouched_evidence_answers_with_the_quote(seeded):
    answer = seeded.ask("Which Uzbek president did Blinken meet?",
                        backend=fake_chat_model("NOT_FOUND", judgements={"Mirziyoyev": 0.95}, judgement=0.1))
    assert not answer.abstained and "Mirziyoyev" in answer.answer
    assert answer.answer.rstrip(".").endswith("[1]") and "Mirziyoyev" in answer.citations[0].quote


def test_evidence_is_streamed_before_any_answer_text(seeded):
    model = fake_chat_model("Blinken met Uzbek president Shawkat Mirziyoyev [1].", judgements={"Mirziyoyev": 0.9},
                            judgement=0.1)
    events = list(seeded.stream("Which Uzbek president did Blinken meet?", backend=model, evidence=True))
    kinds = [type(e).__name__ for e in events]
    assert kinds[:2] == ["Evidence", "Evidence"] and kinds[-1] == "Answer"
    checking, kept = events[0], events[1]
    assert checking.status == "checking" and checking.citations and all(c.quote for c in checking.citations)
    assert kept.status == "kept" and all("Mirziyoyev" in c.text for c in kept.citations)
    assert events[-1].timings["evidence"] < events[-1].timings["total"]


TOWER_ARTICLE = (
    "# The Lindqvist tower\n\n"
    "Marta Okonkwo-Berg drew up the plans in 1931 after winning a competition against forty rivals. "
    "The Lindqvist tower, the landmark of the old harbour district, was designed in the modern style and "
    "finished ahead of schedule. Its frame was riveted steel, shipped in sections from the mills upriver. "
    "The builders worked through two winters, and the city held a parade on the day the crane came down. "
    "Today the tower houses offices, a small museum and a restaurant on its top floor.\n")
TOWER_Q = "Who designed the Lindqvist tower?"


@pytest.fixture
def tower(fresh, tmp_path):
    (tmp_path / "tower.md").write_text(TOWER_ARTICLE)
    assert fresh.ingest([tmp_path / "tower.md"]).ok
    return fresh


def test_a_source_judged_just_under_the_bar_is_judged_again_whole(tower):
    """The chosen sentences leave out the architect's (it is far from the question's words): judged on
    them, the paragraph falls just under the bar; judged whole, it passes and reaches the model whole."""
    events = tower.stream(TOWER_Q, backend=fake_chat_model("unused"), evidence=True)
    [source] = [e for e in events if isinstance(e, Evidence)][:1]
    assert "Okonkwo" not in source.citations[0].quote
    model = fake_chat_model("Marta Okonkwo-Berg drew up the plans for the tower in 1931 [1].",
                            judgements={"Okonkwo": 0.8}, judgement=0.45)
    answer = tower.ask(TOWER_Q, backend=model)
    assert not answer.abstained and "Okonkwo-Berg" in answer.answer, answer.answer
    assert answer.confidence == 0.8


def test_no_second_look_far_under_the_bar(tower):
    answer = tower.ask(TOWER_Q, backend=fake_chat_model("unused", judgements={"Okonkwo": 0.8}, judgement=0.2))
    assert answer.abstained and answer.confidence == 0.2


def test_rejected_evidence_is_announced_before_abstaining(seeded):
    events = list(seeded.stream("Which Uzbek president did Blinken meet?", evidence=True,
                                backend=fake_chat_model("unused", judgement=0.1)))
    statuses = [e.status for e in events if isinstance(e, Evidence)]
    assert statuses == ["checking", "rejected"] and events[-1].abstained


@pytest.mark.parametrize("question, judgement, status", [
    ("Which currency does Uzbekistan use?", 0.6, "rejected"),  # sources only loosely about it: 0.6 is not enough
    ("Which currency does Uzbekistan use?", 0.8, "kept"),
    ("Which Uzbek president did Blinken meet?", 0.6, "kept"),  # a source about it: 0.6 is enough
])
def test_sources_loosely_about_the_question_need_a_surer_judgement(seeded, question, judgement, status):
    events = list(seeded.stream(question, evidence=True, backend=fake_chat_model("unused", judgement=judgement)))
    assert [e.status for e in events if isinstance(e, Evidence)][-1] == status


def test_a_header_is_measured_against_the_question_by_its_own_text(seeded):
    """The header's hit carries its document's first score (0.26 here); its own text is close (0.85)."""
    question = "Which outlet published the article saying Blinken's Central Asia tour focused more on Russia and China?"
    model = fake_chat_model("unused", judgement=0.1, judgements={"tour focused more": 0.6})
    events = list(seeded.stream(question, evidence=True, backend=model))
    assert [e.status for e in events if isinstance(e, Evidence)][-1] == "kept"


def test_stream_without_evidence_keeps_its_contract(seeded):
    events = list(seeded.stream("Which Uzbek president did Blinken meet?"))
    assert all(isinstance(e, str) for e in events[:-1]) and isinstance(events[-1], Answer)


def test_article_metadata_is_answerable_and_cited_as_the_header(seeded):
    answer = seeded.ask(AUTHOR_Q, backend=fake_chat_model("It was written by Dr Pravesh Kumar Gupta [1].",
                                                          judgements={"was written by": 0.95}, judgement=0.2))
    assert not answer.abstained and "Pravesh Kumar Gupta" in answer.answer
    assert answer.citations[0].paragraph_id.endswith("#header")


@pytest.mark.parametrize("question, answer", [
    ("Who wrote the financialexpress article?", "Pravesh Kumar Gupta"),
    ("When was the Caliber.az article published?", "2023-02-27"),
    ("Which outlet published the article by Pravesh Kumar Gupta?", "financialexpress"),
])
def test_a_question_naming_only_the_outlet_or_author_reaches_the_header(seeded, question, answer):
    """Its hits score under min_relevance (0.16-0.19): the header's own text scores 0.34-0.53."""
    cited = seeded.ask(question, backend="extractive")
    assert not cited.abstained and answer in cited.answer
    assert cited.citations[0].paragraph_id.endswith("#header")


def test_a_second_article_that_disagrees_is_shown_as_the_other_side(seeded):
    model = fake_chat_model("All five Central Asian states abstained on the resolution [1].",
                            judgements={"Turkmenistan": 0.9, "all five": 0.9}, judgement=0.1)
    answer = seeded.ask(VOTE_Q, backend=model)
    assert len({c.doc_id for c in answer.citations}) == 2, answer.answer
    assert "Turkmenistan" in answer.answer and "five" in answer.answer


def test_a_disagreeing_article_the_check_rejected_still_speaks_for_the_other_side(seeded):
    """The real model judged the other article's vote paragraph 0.45 (below the bar): the answer
    quoted one side only. A contradiction is its own proof of relevance; mere other news is not."""
    model = fake_chat_model("All five Central Asian states abstained on the resolution [1].",
                            judgements={"all five": 0.9}, judgement=0.1)
    answer = seeded.ask(VOTE_Q, backend=model)
    assert len({c.doc_id for c in answer.citations}) == 2, answer.answer
    assert 'But ' in answer.answer and "Turkmenistan was absent" in answer.citations[1].quote, answer.answer
    assert "Also," not in answer.answer  # an unvetted source that only adds something else stays out
    assert contradicted_sentences(answer, seeded.encode) == 0
    assert_quotes_hold(answer)


def test_a_paragraph_off_the_answers_topic_does_not_speak_though_the_judge_vouched_for_it(seeded):
    """The judge vouches for off-topic paragraphs too: a sanctions paragraph of the other article
    spoke beside an answer about the oil pipeline. A witness must be about what the cited paragraph is."""
    question = "Through which pipeline did the US license the export of Kazakh oil?"
    n = marker_of(seeded, question, "Caspian Pipeline Consortium")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"The US licensed the export of Kazakh oil via the Caspian Pipeline Consortium (CPC) pipeline [{n}].",
        judgement=0.9))
    assert "Caspian Pipeline Consortium" in answer.answer and "says:" not in answer.answer, answer.answer
    assert len(answer.citations) == 1


def test_another_articles_sentence_on_another_matter_is_not_shown_as_the_other_side(seeded):
    """The real model's right answer came with "But Caliber.az says: "This week, the US Secretary of
    State Anthony Blinken will visit the Central Asian region ..."" (seed-21): a name of another
    sentence read as a swapped one."""
    question = "When did Blinken meet China's State Councilor Wang Yi?"
    n = marker_of(seeded, question, "Wang Yi")
    answer = seeded.ask(question, backend=fake_chat_model(
        f"Blinken met China's State Councilor Wang Yi on February 18, 2023 [{n}].",
        judgements={"Wang Yi": 0.9}, judgement=0.1))
    assert "February 18, 2023" in answer.answer and "But " not in answer.answer, answer.answer


# ---- lookup verdicts -------------------------------------------------------------------------------
def test_a_quote_with_not_removed_is_misquoted_never_quoted(seeded):
    result = seeded.lookup("Kazakhstan does allow the use of its territory to avoid sanctions")
    assert result.verdict == "misquoted"
    assert any("not" in written for _, written in result.matches[0].differences)


def test_a_quote_with_a_changed_number_is_misquoted(seeded):
    result = seeded.lookup("This resolution had support from 151 countries, opposition from seven, and abstention from 32.")
    assert result.verdict == "misquoted"
    assert ("151", "141") in result.matches[0].differences


def test_a_claim_the_library_refutes_is_contradicted(seeded):
    result = seeded.lookup("Kazakhstan allows its territory to be used to get around sanctions.")
    assert result.verdict == "contradicted", result.to_dict()
    best = result.matches[0]
    assert "not allow" in best.text[best.match_start:best.match_end]


@pytest.mark.parametrize("claim, refuting", [
    # the paragraph's best-worded sentence is about his Kazakh meetings; the one naming Mirziyoyev refutes it
    ("Blinken refused to meet Mirziyoyev", "meetings with Uzbek president, Shawkat Mirziyoyev"),
    ("Blinken did not meet Mirziyoyev", "meetings with Uzbek president, Shawkat Mirziyoyev"),
    # a vote cast "for" against the abstentions the paragraph counts them among
    ("All five Central Asian states voted for the resolution", "among the 32 abstentions were all five"),
])
def test_a_claim_refuted_by_the_sentence_about_whom_it_names_is_contradicted(seeded, claim, refuting):
    """All three came back `supported`: the first two passed on the whole paragraph's wording with
    the opposite unchecked, the third read "voted for" as no vote at all."""
    result = seeded.lookup(claim)
    assert result.verdict == "contradicted", result.to_dict()
    best = result.matches[0]
    assert refuting in best.text[best.match_start:best.match_end]
    assert seeded.lookup("Blinken met Mirziyoyev").verdict == "supported"


def test_a_name_repeated_is_no_claim(seeded):
    """"Blinken " 3,000 times came back `supported` (the exploratory pass): the words match, but
    nothing is said of anyone."""
    result = seeded.lookup("Blinken " * 3000)
    assert result.verdict == "not_found" and not result.matches
    assert seeded.lookup("Blinken").verdict == "quoted"  # the name itself is still found where it stands


# ---- the real local model --------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("question, expected", [
    (SANCTIONS_Q, "No"),
    ("Is Kazakhstan a member of the Collective Security Treaty Organization?", "Yes"),
    ("How many countries supported the UN General Assembly resolution demanding that Russian troops withdraw "
     "from Ukraine?", "141"),
    ("When did Blinken meet China's State Councilor Wang Yi?", "February 18"),
    (AUTHOR_Q, "Pravesh Kumar Gupta"),
])
def test_real_model_answers_each_failure_class(seeded, question, expected):
    answer = seeded.ask(question, backend="llama")
    assert not answer.abstained, answer.to_dict()
    assert expected in answer.answer and any(expected in c.text or expected in ("Yes", "No") for c in answer.citations)
    assert contradicted_sentences(answer, seeded.encode) == 0
    assert_quotes_hold(answer)


@pytest.mark.slow
def test_real_model_shows_both_sides_of_the_disagreement(seeded):
    answer = seeded.ask(VOTE_Q, backend="llama")
    assert len({c.doc_id for c in answer.citations}) == 2, answer.to_dict()
    assert "Turkmenistan" in answer.answer and "five" in answer.answer
    assert contradicted_sentences(answer, seeded.encode) == 0


def test_a_corrected_clause_stands_as_its_own_sentence():
    from assistant.answer.citations import verify
    from vectorstore.embedding import encode

    paragraphs = ["A 2,492-carat diamond was unearthed at Botswana's Karowe mine this week.",
                  "It is the second-largest diamond found, after the 3,106-carat Cullinan Diamond, "
                  "which was discovered in South Africa in 1905."]
    raw = "The diamond was unearthed in Botswana [1], after the Cullinan Diamond found in South Africa in 1907 [2]."
    verified = verify(raw, paragraphs, lambda texts: encode("minilm", texts))
    assert verified.corrected == 1, verified
    assert verified.text == ("The diamond was unearthed in Botswana [1]. It is the second-largest diamond found, after "
                             "the 3,106-carat Cullinan Diamond, which was discovered in South Africa in 1905 [2]."), verified.text


def test_yes_when_the_parser_splits_the_complement(seeded):
    """"was the first Cabinet pick Trump announced" reads as "pick Trump" to the small parser: the
    pick is still what the statement says Stefanik was (news-own-18 got no "Yes")."""
    from assistant.answer.compose import polarity

    question = "Was Elise Stefanik the first Cabinet pick Trump announced after winning the 2024 election?"
    text = ("Trump's nomination of Stefanik, a longtime congressional ally, is his first cabinet pick after being "
            "reelected Tuesday for a second, nonconsecutive term in the White House.")
    assert polarity(question, [text], seeded.encode, ["2024-11-11"]) == "Yes"
    assert polarity(question, [text.replace("is his first", "is not his first")], seeded.encode,
                    ["2024-11-11"]) == "No"


def test_no_yes_from_a_sentence_that_only_shares_the_statements_words(seeded):
    """"still under consideration" against "was widely considered ... has taken his name out of
    contention": every name and most words shared, yet nothing says he still is (news-own-22 got a
    "Yes" once a dateline no longer made up a swapped name)."""
    from assistant.answer.compose import polarity

    question = "Is North Carolina Gov. Roy Cooper still under consideration to be Kamala Harris' running mate?"
    text = ("WASHINGTON — North Carolina Gov. Roy Cooper, who was widely considered a leading contender to be Vice "
            "President Kamala Harris' running-mate, has taken his name out of contention.")
    assert polarity(question, [text], seeded.encode, ["2024-07-29"]) != "Yes"
    still = "North Carolina Gov. Roy Cooper is still under consideration to be Kamala Harris' running mate."
    assert polarity(question, [still], seeded.encode, ["2024-07-29"]) == "Yes"


def test_a_header_is_one_sentence_whatever_its_title_says(seeded):
    """A title's own "?" made the header's evidence quote start mid-title ("A new front ...")."""
    from assistant.answer.evidence import select
    from assistant.answer.retrieval import Hit
    from ingest.records import Document, header_paragraph

    document = Document(doc_id="d", title="Is the trip a sign of waning influence? A new front opens", author="A. Writer",
                        date="2023-03-01", source="example.com", location="d.txt", language="en", content_hash="h",
                        ingested_at="2023-03-02T00:00:00+00:00", paragraphs=1)
    header = header_paragraph(document)
    chosen = select("Who wrote the article about the trip?", [Hit(header, 0.5, 0.5)], seeded.encode)[0]
    assert chosen.quote == header.text


def test_yes_from_the_sentence_that_states_the_predicate(seeded):
    """The span best matching the whole statement was the paragraph's opening sentence, which does not
    say who abstained; the next one does ("among the 30 abstentions were all four ..."). The small
    parser also made "did" the root and "abstain" an adverb. The disputed seed fact got no "Yes"."""
    from assistant.answer.compose import polarity

    question = "Did all four Baltic members abstain in the vote on the motion?"
    text = ("However, talks with the Baltic members will not be as easy as expected, given the recent vote on the "
            "motion. While the motion was comfortably approved, 212 to 9, among the 30 abstentions were all four "
            "Baltic members.")
    assert polarity(question, [text], seeded.encode) == "Yes"
    refuted = text.replace("among the 30 abstentions were all four Baltic members",
                           "Norland voted against, and the other three Baltic members abstained")
    assert polarity(question, [refuted], seeded.encode) == "No"
