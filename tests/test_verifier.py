"""The verifier: supported / contradicted / unsupported, with the deciding span, for each failure
class (polarity, numbers and amounts, dates, swapped names), on made-up paragraphs and
the real MiniLM embedder and spaCy pipeline."""
from __future__ import annotations

import functools

import pytest

from assistant.answer.evidence import as_claim
from assistant.answer.question import is_yes_no, wanted_kind
from assistant.verify import verifier


@pytest.fixture(scope="module")
def encode():
    from vectorstore.embedding import encode

    return functools.partial(encode, "minilm")


COUNCIL = ("The city council met on Tuesday to discuss traffic. The council does not allow cars in the old "
           "town, but it plans to open two new car parks. The budget for the car parks is $12 million.")
RACE = ("Ana Costa won the marathon in Lisbon on 14 March 2021, ahead of 3,200 runners. "
        "Maria Lopez finished second.")
MEETING = "The minister met the delegation from Riga and praised the reforms of the new government."


def check(claim, paragraph, encode):
    return verifier.check(claim, paragraph, encode)


@pytest.mark.parametrize("claim", [
    "The council does not allow cars in the old town.",
    "The council plans to open two new car parks.",
    "The budget for the car parks is $12 million.",
])
def test_true_claims_are_supported_with_their_sentence(claim, encode):
    verdict = check(claim, COUNCIL, encode)
    assert verdict.label == "supported", verdict
    assert claim.rstrip(".").split()[-1] in COUNCIL[verdict.start:verdict.end]


@pytest.mark.parametrize("claim, reason", [
    ("The council allows cars in the old town.", "negation"),  # "not" dropped
    ("The council permits cars in the old town.", "negation"),  # the same, in other words
    ("The minister did not meet the delegation from Riga.", "negation"),  # "not" inserted
    ("The minister refused to meet the delegation from Riga.", "negation"),
    ("The minister criticized the reforms of the new government.", "antonym"),
    ("The budget for the car parks is $15 million.", "number"),
    ("The council plans to open five new car parks.", "number"),
    ("Ana Costa won the marathon in Lisbon on 15 March 2021.", "date"),
    ("Maria Lopez won the marathon in Lisbon.", "name"),
])
def test_meaning_changing_edits_are_contradicted(claim, reason, encode):
    paragraph = {"Ana": RACE, "Mar": RACE}.get(claim[:3], MEETING if "minister" in claim else COUNCIL)
    verdict = check(claim, paragraph, encode)
    assert verdict.label == "contradicted", verdict
    assert verdict.reason == reason
    assert verdict.detail


@pytest.mark.parametrize("claim, paragraph, label", [
    ("Some of the five men pled guilty.", "None of the five men pled guilty, nor was anyone killed.", "contradicted"),
    ("Someone was killed during the assault.", "None of the five men pled guilty, nor was anyone killed "
     "during the assault.", "contradicted"),
    ("None of the five men pled guilty.", "None of the five men pled guilty, nor was anyone killed.", "supported"),
    ("He denied the report about the merger.", "He neither confirmed nor denied the report about the merger.",
     "contradicted"),
])
def test_nor_negates_the_clause_it_joins_not_the_one_before(claim, paragraph, label, encode):
    """"none ... pled guilty, nor was anyone killed": counted twice on "pled", the two negators
    cancelled out, and a "Yes" to "Did any of them plead guilty?" passed as supported (news-own-21)."""
    verdict = check(claim, paragraph, encode)
    assert verdict.label == label, verdict
    if label == "contradicted":
        assert verdict.reason == "negation"


def test_a_meeting_is_what_refusing_to_meet_denies(encode):
    verdict = check("The minister refused to meet the delegation from Riga.",
                    "The minister had a long meeting with the delegation from Riga.", encode)
    assert verdict.label == "contradicted" and verdict.reason == "negation", verdict


def test_before_and_after_contradict_only_on_the_same_word(encode):
    """Each clause orders its own events: "endorsed her after withdrawing" is not refuted by "a surrogate
    of Biden before he dropped out" (news-own-19 was answered "No." on that)."""
    paragraph = ("Cooper was a top surrogate of President Joe Biden before he dropped out of the race and has "
                 "since become a vocal supporter of Harris.")
    assert check("Joe Biden endorsed Kamala Harris after withdrawing from the race.", paragraph,
                 encode).label != "contradicted"
    swapped = check("The ministers met after the vote.", "The ministers met before the vote.", encode)
    assert swapped.label == "contradicted" and swapped.reason == "antonym", swapped


@pytest.mark.parametrize("claim, paragraph", [
    # the claim names the source's subject too: another sentence about the same people, not a swap
    ("Cooper was a top surrogate of President Joe Biden before he dropped out of the race and has since become "
     "a vocal supporter of Harris.",
     "Vice President Kamala Harris, 59, is the most logical replacement, and Biden in making his decision to drop "
     "out of the race also endorsed her."),
    # where the story was filed ("WASHINGTON —") is no place the sentence speaks of
    ("Swing-state governors such as Pennsylvania's Josh Shapiro and North Carolina's Roy Cooper have endorsed "
     "Harris and are among those frequently discussed as possible VP contenders.",
     "WASHINGTON — North Carolina Gov. Roy Cooper, who was widely considered a leading contender to be Vice "
     "President Kamala Harris' running-mate, has taken his name out of contention."),
])
def test_another_sentence_about_the_same_people_is_no_name_swap(claim, paragraph, encode):
    """Both were shown as "But usatoday.com says: ..." beside answers they do not contradict (news-own-19, -22)."""
    assert verifier.check(claim, paragraph, encode, threshold=0.4).label != "contradicted"


OSCARS = ("Christopher Nolan's atomic bomb biopic \"Oppenheimer\" cemented itself as an awards-season powerhouse "
          "Tuesday morning, scoring 13 nominations for the 96th Academy Awards.")
ABSTENTIONS = ("However, the meeting with Central Asian states will not be as smooth as expected, given the recent UN "
               "General Assembly resolution calling on Russia to end the war and leave Ukraine. While the resolution "
               "was overwhelmingly approved — 141 to 7 — among the 32 abstentions were all five Central Asian states "
               "and India, the destinations of Blinken's upcoming trip.")


@pytest.mark.parametrize("sentence, paragraph", [
    # a figure of something else: honours won are not nominations
    ("Christopher Nolan's acclaimed atomic-bomb thriller nabbed seven honors including best picture at Sunday's "
     "96th Academy Awards.", OSCARS),
    # a name of something else: where he was detained is not where he was charged
    ("Mangione, 26, was initially detained as a person of interest Monday in Altoona, Pennsylvania on gun charges.",
     "Luigi Mangione, 26, was charged with murder and other felonies in New York late Monday in relation to the "
     "killing."),
])
def test_another_articles_sentence_on_another_matter_is_no_contradiction(sentence, paragraph, encode):
    """Both were shown as "But usatoday.com says: ..." beside right answers (news-own-09, -08): the
    rules for a reading of the paragraph (a figure or name it lacks where it gives another) do not
    hold for a sentence written apart from it."""
    assert verifier.check(sentence, paragraph, encode, threshold=0.4).label == "contradicted"  # as a reading of it
    assert verifier.check_many([(sentence, paragraph)], encode, 0.4, independent=True)[0].label != "contradicted"


def test_another_articles_count_of_the_same_thing_still_contradicts(encode):
    verdict = verifier.check_many([("Turkmenistan was absent, and the other four Central Asian countries abstained.",
                                    ABSTENTIONS)], encode, 0.4, independent=True)[0]
    assert verdict.label == "contradicted" and verdict.reason == "number", verdict


def test_a_dateline_name_still_counts_when_the_sentence_is_swapped(encode):
    paragraph = "WASHINGTON — Senator Ana Costa met the Lisbon delegation on Tuesday."
    verdict = check("Senator Maria Lopez met the Lisbon delegation on Tuesday.", paragraph, encode)
    assert verdict.label == "contradicted" and verdict.reason == "name", verdict


def test_a_figure_moved_to_another_predicate_is_contradicted(encode):
    vote = "The motion had support from 141 members, opposition from seven, and abstention from 32."
    moved = check("141 members abstained on the motion.", vote, encode)
    assert moved.label == "contradicted" and moved.reason == "number"
    for claim in ("141 members supported the motion.", "Seven members opposed the motion.", "32 members abstained."):
        assert check(claim, vote, encode).label == "supported", claim


def test_a_claim_on_another_subject_is_unsupported(encode):
    verdict = check("The river flooded the northern suburbs last spring.", COUNCIL, encode)
    assert verdict.label == "unsupported"


def test_a_name_or_figure_the_paragraph_never_states_is_not_supported(encode):
    assert check("Pedro Silva won the marathon in Lisbon.", RACE, encode).label != "supported"
    assert check("Ana Costa won the marathon in Lisbon ahead of 5,000 runners.", RACE, encode).label != "supported"


def test_other_spellings_and_forms_of_a_name_still_support(encode):
    paragraph = "He visited Uzbekistan, where he met the Uzbek president, Shavkat Mirziyoyev."
    assert check("He met the Uzbek president, Shavkat Mirzoyev.", paragraph, encode).label == "supported"


def test_check_many_matches_check(encode):
    pairs = [("The council allows cars in the old town.", COUNCIL), ("Ana Costa won the marathon.", RACE)]
    assert [v.label for v in verifier.check_many(pairs, encode)] == ["contradicted", "supported"]


def test_question_helpers():
    assert is_yes_no("Does the council allow cars in the old town?")
    assert not is_yes_no("Does the council allow cars or bikes?")
    assert not is_yes_no("Which council allows cars?")
    assert as_claim("Does the council allow cars in the old town?") == "the council does allow cars in the old town"
    assert wanted_kind("How many runners took part?") == "number"
    assert wanted_kind("When did the race start?") == "date"
    assert wanted_kind("Who won the race?") == "person"


# ---- who voted how (assistant/verify/votes.py) ------------------------------------------------------------
TALLY = ("The motion had support from 212 members, opposition from nine, and abstention from 30. "
         "Norland was absent, and the other three Baltic members abstained.")
TALLY_TOO = ("While the motion was comfortably approved, 212 to 9, among the 30 abstentions were all four "
             "Baltic members.")


@pytest.mark.parametrize("claim, paragraph, label", [
    ("The Baltic members supported the motion", TALLY, "contradicted"),
    ("The Baltic members voted overwhelmingly in favor of the motion", TALLY_TOO, "contradicted"),
    ("The three Baltic members abstained and Norland was absent", TALLY, "supported"),
    ("212 members supported the motion and 30 abstained", TALLY, "supported"),
    ("212 members supported the motion and 30 abstained", TALLY_TOO, "supported"),
    ("All four Baltic members abstained", TALLY_TOO, "supported"),
    (TALLY_TOO, TALLY_TOO, "supported"),  # "approved ... among the 30 abstentions were": the group's choice follows it
    ("212 members abstained on the motion", TALLY_TOO, "contradicted"),  # a tally given to the wrong choice
    ("30 members abstained on the motion", TALLY_TOO, "supported"),
])
def test_a_vote_choice_belongs_to_the_group_named_with_it(encode, claim, paragraph, label):
    verdict = verifier.check(claim, paragraph, encode)
    assert verdict.label == label, verdict
    if label == "contradicted":
        assert verdict.reason == "vote"


@pytest.mark.parametrize("claim", ["9 members opposed the motion", "The motion was approved by 212 votes to 9"])
def test_the_second_figure_of_a_tally_is_the_other_side(encode, claim):
    assert verifier.check(claim, TALLY_TOO, encode).reason != "vote"
    assert verifier.check(claim, "The motion was approved by 212 votes to 9.", encode).reason != "vote"


def test_support_outside_a_vote_is_not_a_vote_choice(encode):
    paragraph = "Biden's support for the swap overrides opposition from the Department of Justice."
    assert verifier.check("The Department of Justice supported the swap", paragraph, encode).reason != "vote"


def test_a_verbatim_quote_is_never_contradicted_by_its_own_paragraph(encode):
    """The count rule read "96th" against "13 nominations" in the paragraph's own sentence."""
    paragraph = ('Christopher Nolan\'s atomic bomb biopic "Oppenheimer" cemented itself as an awards-season powerhouse '
                 "Tuesday morning, scoring 13 nominations for the 96th Academy Awards.")
    claim = paragraph.rstrip(".") + " ."  # as a cited sentence reads once its marker is taken out
    assert check(claim, paragraph, encode).label == verifier.SUPPORTED


# ---- dates, years and names the small parser alone misses (bench/verifier.py perturbations) ---------
RAILWAY = ("The first railway steam locomotive was built by Richard Trevithick and, on 21 February 1804, the "
           "world's first railway journey took place. Trevithick visited the Newcastle area later in 1804.")
REFORMATION = ("Lefevre, a professor at the University of Paris, published his French translation of the New "
               "Testament in 1523, followed by the whole Bible in the French language in 1530.")
REVOLUTIONS = ("It has been used in the Singing Revolution, and recently with the 2003 Rose Revolution in Georgia "
               "and the 2004 Orange Revolution in Ukraine.")
RHINE = "Near Sankt Goarshausen, the Rhine flows around the famous rock Lorelei, past the Aare's old mouth."
BALLARAT = ("In 1854 at Ballarat there was an armed rebellion against the government of Victoria by miners "
            "protesting against mining taxes. The colony held an inquiry in 1855.")
FRESNO = "Its major thoroughfares are Kings Canyon Avenue and Clovis Avenue."
ASTANA = ("In Astana, the US Secretary of State attended the C5+1 meeting. In the meeting, Secretary Blinken "
          "emphasised that Russia's actions have presented challenges. Blinken met with Kazakhstan's Foreign "
          "Minister, Mukhtar Tileuberdi, and the United Nations General Assembly was mentioned.")


@pytest.mark.parametrize("claim, paragraph", [
    ("The world's first railway journey took place on 22 February 1804.", RAILWAY),  # "1804" elsewhere is no day
    ("Lefevre published his French translation of the New Testament in 1524.", REFORMATION),  # a year is exact
    ("It was used with the 2004 Rose Revolution in Georgia and the 2004 Orange Revolution in Ukraine.", REVOLUTIONS),
    # a copied sentence with its year changed, the new year stated elsewhere in the paragraph
    ("In 1855 at Ballarat there was an armed rebellion against the government of Victoria by miners.", BALLARAT),
])
def test_a_shifted_year_or_day_is_contradicted(claim, paragraph, encode):
    verdict = check(claim, paragraph, encode)
    assert verdict.label == "contradicted", verdict
    assert verdict.reason in ("date", "number")


@pytest.mark.parametrize("claim, paragraph", [
    ("Its major thoroughfares are Balch Avenue and Clovis Avenue.", FRESNO),  # "Avenue" does not name the street
    ("Near Sankt Goarshausen, the Aare flows around the famous rock Lorelei.", RHINE),  # untagged proper noun
    ("Near Sankt Goarshausen, the Mosel flows around the famous rock Lorelei.", RHINE),
])
def test_a_swapped_place_is_not_supported(claim, paragraph, encode):
    assert check(claim, paragraph, encode).label != "supported"


LOUISIANA = ("The ruling came after Landry and the Republican-controlled Louisiana Legislature challenged the "
             "law. Landry and the Republican-controlled Louisiana Legislature challenged the law when they pushed "
             "this measure. Democrats and American civil liberties groups opposed it.")
TRIAL = ("Donald Trump's hush-money trial will proceed as scheduled, with jury selection starting on March 25, a "
         "New York judge said. Prosecutor Joshua Steinglass and defense lawyer Todd Blanche spoke; Marc Agnifilo "
         "watched.")


@pytest.mark.parametrize("claim, paragraph, swap", [
    # copied sentences with a name put in another's place, the new name stated elsewhere in the paragraph
    ("Landry and the American-controlled Louisiana Legislature challenged the law when they pushed this measure.",
     LOUISIANA, "'American-controlled', the source says 'Republican-controlled'"),
    ("Agnifilo hush-money trial will proceed as scheduled, with jury selection starting on March 25, a New York "
     "judge said.", TRIAL, "'Agnifilo', the source says 'Donald Trump's'"),
])
def test_a_copied_sentence_with_a_name_swapped_is_contradicted(claim, paragraph, swap, encode):
    verdict = check(claim, paragraph, encode)
    assert (verdict.label, verdict.reason) == ("contradicted", "name"), verdict
    assert verdict.detail.endswith(swap)


def test_a_name_written_another_way_in_a_copied_sentence_is_no_swap():
    from assistant.verify.names import swapped

    sentence = "The United States said it would send aid to Kyiv next week, officials said."
    assert swapped("The US said it would send aid to Kyiv next week, officials said.", sentence) is None
    assert swapped("However, the United States said it would send aid to Kyiv next week.",
                   "Thus, the United States said it would send aid to Kyiv next week.") is None  # no name
    assert swapped("Blinken met Saidov in Tashkent on Wednesday.",
                   "The Secretary met Saidov in Tashkent on Wednesday.") is None  # a title for the name
    assert swapped("Blinken met Tokayev in Astana on Tuesday.", "Blinken met Saidov in Astana on Tuesday.") == \
        ("Tokayev", "Saidov")


@pytest.mark.parametrize("claim", [
    "Blinken attended the C5+1 meeting in Astana.",  # "the US Secretary of State" is no other person
    "Kazakhstan's Foreign Minister, Mukhtar Tileuberdi, met with Blinken.",
    "The UN General Assembly was mentioned.",  # acronym
])
def test_titles_and_acronyms_still_support(claim, encode):
    assert check(claim, ASTANA, encode).label == "supported"


def test_names_match_by_their_distinctive_words():
    from assistant.verify.names import name_in

    assert name_in("Antony Blinken", "Secretary Blinken spoke")
    assert name_in("United Nations", "the UN voted") and name_in("UN", "the United Nations voted")
    assert not name_in("Balch Avenue", "Kings Canyon Avenue")
    assert not name_in("AC", "according to the report")  # an acronym is a word of its own
    assert name_in("Mirzoyev", "Shavkat Mirziyoyev") and not name_in("Opill", "a birth control pill")


@pytest.mark.parametrize("question, text, on_subject", [
    ("The Labour government is to ban what in England and Wales?", "U.K. pet owners face a ban on a dog breed.", False),
    ("Which item was removed from school menus across the United States?", "Kraft Heinz Lunchables removed", True),
    ("How many lead authors does an IPCC report chapter have?", "Intergovernmental Panel on Climate Change", True),
    ("How were leaders feeling about news from the Celeron expedition?", "In his report, Céloron wrote", True),
    ("Who won the vote in Lisbon?", "Ana Costa won the marathon.", True),  # places alone ask about no one
])
def test_a_paragraph_is_on_subject_when_it_names_someone_the_question_names(question, text, on_subject):
    from assistant.verify.stated import names_something_asked

    assert names_something_asked(question, text) is on_subject
