"""A handful of real news-rtqa articles, small-scale twin of the full-library benchmarks
(bench/ingest.py, bench/retrieval.py --name news-rtqa): every article is added with its title and
date, and quiz questions, asked as of their quiz date, find their labelled gold paragraph among
articles on other stories."""
from __future__ import annotations

import json
import random

import pytest

from assistant import Assistant
from assistant.metrics import gold_rank
from support import SHARED

NEWS = SHARED / "eval" / "news-rtqa"
# five quiz questions on different stories: Tetris beaten, the razor-wire ruling, the hush-money trial date,
# the first over-the-counter pill, Florida's social media law for children
QUESTION_IDS = ("20240105_19", "20240126_7", "20240216_18", "20240308_5", "20240329_6")
DISTRACTORS = 12  # other articles, drawn with a fixed seed


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    questions = {q["id"]: q for q in map(json.loads, (NEWS / "questions.jsonl").read_text().splitlines())}
    asked = [questions[i] for i in QUESTION_IDS]
    gold_files = {q["article_file"] for q in asked}
    others = sorted(p.name for p in (NEWS / "articles").iterdir() if p.name not in gold_files)
    files = sorted(gold_files) + random.Random(3).sample(others, DISTRACTORS)
    assistant = Assistant(store=tmp_path_factory.mktemp("news-store"), backend="extractive")
    report = assistant.ingest([NEWS / "articles" / name for name in files])
    return assistant, report, asked


@pytest.mark.integration
def test_every_article_is_ingested_whole(library):
    assistant, report, _ = library
    assert report.ok and report.summary()["added"] == len(QUESTION_IDS) + DISTRACTORS
    assert all(d.date and d.title for d in assistant.documents())  # news needs its dates for `as_of`


@pytest.mark.integration
@pytest.mark.parametrize("index", range(len(QUESTION_IDS)))
def test_a_quiz_question_finds_its_gold_paragraph(library, index):
    assistant, _, asked = library
    question = asked[index]
    hits = assistant.retrieve(question["question"], k=5, as_of=question["date"])
    assert gold_rank([h.text for h in hits], question["paragraph_text"]) is not None, \
        (question["question"], [h.text[:80] for h in hits])
