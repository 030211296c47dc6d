"""A verified draft that does not answer: it only repeats the question, or adds a term its sources
lack. Such a draft gives way to the evidence quote (assistant/substance.py, assistant/compose.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant import compose
from assistant.citations import Verified
from assistant.substance import shortfall
from ingest.records import Paragraph

VICTORIA = ("Historically, Victoria has been the base for the manufacturing plants of the major car brands Ford, "
            "Toyota and Holden; however, closure announcements by all three companies in the 21st century will "
            "mean that Australia will no longer be a base for the global car industry.")
GAMMA = ("Gamma delta T cells (γδ T cells) possess an alternative T cell receptor (TCR) as opposed to CD4+ and "
         "CD8+ (αβ) T cells and share the characteristics of helper T cells, cytotoxic T cells and NK cells.")


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
])
def test_shortfall(question, answer, source, expected):
    assert shortfall(question, answer, [source]) == expected


def evidence(text: str, best: tuple[int, int]) -> SimpleNamespace:
    paragraph = Paragraph(paragraph_id="d#p0", doc_id="d", title="Victoria", author=None, date=None, source="x",
                          paragraph_index=0, char_start=0, char_end=len(text), text=text)
    return SimpleNamespace(paragraph=paragraph, spans=(best,), best=best, quote=text[best[0]:best[1]])


def never_encode(texts):
    raise AssertionError("nothing to compare")


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
