"""A verified draft that does not answer: it only repeats the question, or adds a term its sources
lack. Such a draft gives way to the evidence quote (assistant/answer/substance.py, assistant/answer/compose.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.answer import compose
from assistant.answer.citations import Verified
from assistant.answer.substance import shortfall
from ingest.records import Paragraph
from support.fakes import FakeEncoder

VICTORIA = ("Historically, Victoria has been the base for the manufacturing plants of the major car brands Ford, "
            "Toyota and Holden; however, closure announcements by all three companies in the 21st century will "
            "mean that Australia will no longer be a base for the global car industry.")
GAMMA = ("Gamma delta T cells (γδ T cells) possess an alternative T cell receptor (TCR) as opposed to CD4+ and "
         "CD8+ (αβ) T cells and share the characteristics of helper T cells, cytotoxic T cells and NK cells.")
WATT = ("Watt independently discovered latent heat, which was confirmed by the original discoverer Joseph Black, "
        "who also advised Watt on experimental procedures.")


@pytest.mark.parametrize("question, answer, source, expected", [
    ("What type of manufacturing plant is Victoria soon losing?", "Victoria soon losing manufacturing plants [1].",
     VICTORIA, "echo"),
    ("Which company attempted the first commercial spacewalk this week?",
     "SpaceX attempted the first commercial spacewalk this week [1].",
     "SpaceX's Polaris Dawn crew carried out the first commercial spacewalk on Thursday.", None),
    ("Gamma delta T cells have a different version of what receptor?",
     "Gamma delta T cells have a different version of the vitamin D receptor [1].", GAMMA, "invented: vitamin"),
    ("Gamma delta T cells have a different version of what receptor?",
     "Gamma delta T cells have an alternative T cell receptor (TCR) [1].", GAMMA, None),
    ("What type of manufacturing plant is Victoria soon losing?",
     "Victoria is losing the plants of the major car brands [1].", VICTORIA, None),
    ("The former CEO of which clothing retailer was arrested over sex-trafficking allegations?",
     "Mike Jeffries, the former chief executive of Abercrombie & Fitch, was arrested [1].",
     "Michael Jeffries, the former chief executive of Abercrombie & Fitch, was arrested on Tuesday.", None),
    ("What concept, originally discovered by Black, was later discovered independently by Watt?",
     "The concept, originally discovered by Joseph Black, was later discovered independently by James Watt [1].",
     WATT, "echo"),  # first names of the people asked about are no answer
    ("What concept, originally discovered by Black, was later discovered independently by Watt?",
     "Watt independently discovered latent heat, first discovered by Joseph Black [1].", WATT, None),
])
def test_shortfall(question, answer, source, expected):
    assert shortfall(question, answer, [source]) == expected


def evidence(text: str, best: tuple[int, int]) -> SimpleNamespace:
    paragraph = Paragraph(paragraph_id="d#p0", doc_id="d", title="Victoria", author=None, date=None, source="x",
                          paragraph_index=0, char_start=0, char_end=len(text), text=text)
    return SimpleNamespace(paragraph=paragraph, spans=(best,), best=best, quote=text[best[0]:best[1]])


never_encode = FakeEncoder(error=AssertionError("nothing to compare"))


@pytest.mark.parametrize("judged, expected", [
    (True, VICTORIA.rstrip(".") + " [1]."),  # the source check vouched for the source: its quote answers
    (False, ""),  # nobody vouched for it: abstain rather than echo
])
def test_an_echoing_draft_gives_way_to_the_quote(judged, expected):
    draft = Verified(text="Victoria soon losing manufacturing plants [1].", cited=[0], removed_sentences=0,
                     repointed=0, abstained=False, quotes={0: (0, 40)})
    composed = compose.compose("What type of manufacturing plant is Victoria soon losing?", draft,
                               [evidence(VICTORIA, (0, len(VICTORIA)))], never_encode, judged=judged)
    assert composed.text == expected
    assert composed.cited == ([0] if judged else [])


def test_a_draft_that_answers_stands():
    text = "Victoria is losing the plants of the major car brands [1]."
    draft = Verified(text=text, cited=[0], removed_sentences=0, repointed=0, abstained=False, quotes={0: (0, 40)})
    composed = compose.compose("What type of manufacturing plant is Victoria soon losing?", draft,
                               [evidence(VICTORIA, (0, len(VICTORIA)))], never_encode, judged=True)
    assert composed.text == text


VOTE_CITED = ("However, the meeting with Central Asian states will not be as smooth as expected, given the recent UN "
              "General Assembly resolution calling on Russia to end the war and leave Ukraine. While the resolution "
              "was overwhelmingly approved — 141 to 7 — among the 32 abstentions were all five Central Asian states "
              "and India, the destinations of Blinken's upcoming trip.")
VOTE_OTHER = "Turkmenistan was absent, and the other four Central Asian countries abstained."


def dated_evidence(doc: str, text: str, date: str) -> SimpleNamespace:
    paragraph = Paragraph(paragraph_id=f"{doc}#p0", doc_id=doc, title=doc, author=None, date=date,
                          source=f"{doc}.example", paragraph_index=0, char_start=0, char_end=len(text), text=text)
    return SimpleNamespace(paragraph=paragraph, spans=((0, len(text)),), best=(0, len(text)), quote=text)


@pytest.mark.parametrize("other_date, shown", [("2023-02-27", True), ("2020-02-27", False)])
def test_an_unvetted_article_speaks_only_against_the_same_story(other_date, shown):
    from vectorstore.embedding import encode

    draft = Verified(text="All five Central Asian states abstained [1].", cited=[0], removed_sentences=0,
                     repointed=0, abstained=False, quotes={0: (0, len(VOTE_CITED))})
    sources = [dated_evidence("caliber", VOTE_CITED, "2023-02-28"), dated_evidence("other", VOTE_OTHER, other_date)]
    composed = compose.compose("How did the Central Asian countries vote on the resolution?", draft, sources,
                               lambda texts: encode("minilm", texts), judged=True, vetted=1)
    assert ('But other.example' in composed.text) is shown, composed.text
    assert composed.cited == ([0, 1] if shown else [0])
