"""`as_of`: questions about the recent past prefer articles dated shortly before it, and an answer
drawn from an article over a year older says the article's year."""
from __future__ import annotations

import datetime
import json
from types import SimpleNamespace

import pytest

from assistant.answer import compose
from assistant.answer.recency import is_recent, outside_window, recency, with_recency
from assistant.answer.retrieval import as_of_date
from assistant.cli import main
from ingest.records import HEADER_INDEX, Paragraph

BRIDGE = {  # two articles about the same bridge, equally relevant to the questions below
    "repair": ("Council votes to repair Elm Street bridge", "2021-05-03",
               "The city council voted to repair the Elm Street bridge over the river, officials said, "
               "after engineers found cracks in two of its stone arches."),
    "replace": ("Council votes to replace Elm Street bridge", "2024-05-06",
                "The city council voted to replace the Elm Street bridge over the river, officials said, "
                "after engineers found cracks in two of its stone arches."),
}


@pytest.fixture
def bridges(fresh, tmp_path):
    for name, (title, date, text) in BRIDGE.items():
        (tmp_path / f"{name}.txt").write_text(f"{title}\nDate: {date}\nSource: valleynews\n\n{text}\n", encoding="utf-8")
    assert fresh.ingest([tmp_path / f"{name}.txt" for name in BRIDGE]).summary()["added"] == 2
    return fresh


@pytest.mark.parametrize("question", ["What did the council decide this week?", "What was recently decided?",
                                      "What is the latest on the bridge?", "Which new bridge was announced?",
                                      "What happened last month in the council?",
                                      "How much has the bridge cost so far?", "Is the bridge still closed?"])
def test_recent_past_questions(question):
    assert is_recent(question)


@pytest.mark.parametrize("question", ["What did the council decide about the bridge?",
                                      "What did New York decide in 2019?", "Who wrote the article?"])
def test_other_questions_are_not_about_the_recent_past(question):
    assert not is_recent(question)


def test_recency_prior_prefers_articles_shortly_before_as_of():
    as_of = datetime.date(2024, 5, 10)
    assert recency("2024-05-10", as_of) == 1.0
    assert recency("2024-04-10", as_of) == pytest.approx(0.5, abs=0.02)
    assert recency("2021-05-03", as_of) < 0.001
    assert recency("2024-05-11", as_of) == recency(None, as_of) == recency("undated", as_of) == 0.0
    ranked = with_recency({"old": 1.0, "new": 0.95}, {"old": "2021-05-03", "new": "2024-05-09"}, as_of)
    assert ranked["new"] > ranked["old"] and ranked["new"] < 0.95 + 0.1  # mild: a tenth of the best at most


def test_as_of_is_a_real_date_or_today():
    assert as_of_date(None) == as_of_date("") == datetime.date.today()
    assert as_of_date("2024-02-29") == datetime.date(2024, 2, 29)
    assert as_of_date(datetime.datetime(2024, 2, 29, 13, 0)) == datetime.date(2024, 2, 29)
    with pytest.raises(ValueError, match="as_of must be a real date as YYYY-MM-DD, got '2023-02-29'"):
        as_of_date("2023-02-29")


def test_recent_question_prefers_the_article_before_as_of(bridges):
    question = "What did the city council decide this week about the Elm Street bridge?"
    assert "replace" in bridges.retrieve(question, k=1, as_of="2024-05-10")[0].text
    assert "repair" in bridges.retrieve(question, k=1, as_of="2021-05-05")[0].text  # the later one is not yet news


def test_as_of_is_the_library_as_it_stood_that_day(bridges):
    """A later article is not yet in the library; the others keep their scores (a past-tense question
    gets no recency prior)."""
    question = "What did the city council decide about the Elm Street bridge?"
    later = bridges.retrieve(question, k=4, as_of="2024-05-10")
    earlier = bridges.retrieve(question, k=4, as_of="2021-05-05")
    assert any(h.paragraph.date > "2021-05-05" for h in later)
    assert earlier and all(h.paragraph.date <= "2021-05-05" for h in earlier)
    assert [(h.paragraph_id, h.rank_score) for h in earlier] == \
        [(h.paragraph_id, h.rank_score) for h in later if h.paragraph.date <= "2021-05-05"]


def test_an_answer_from_an_old_article_says_its_year(bridges):
    answer = bridges.ask("What did the city council decide about the Elm Street bridge?", as_of="2026-01-15")
    assert not answer.abstained
    assert "[1] (according to a 2024 valleynews article)" in answer.answer, answer.answer


def test_a_question_about_this_week_is_not_answered_from_old_news(bridges):
    question = "What did the city council decide this week about the Elm Street bridge?"
    stale = bridges.ask(question, as_of="2026-01-15")
    # the window searched before anything is said of it, and only what is true of it said
    assert stale.abstained and stale.answer.startswith("The library has no article dated 2026-01-01 to 2026-01-15"), \
        stale.answer
    assert "--as-of" in stale.answer  # how to mean another day
    assert any(c.date == "2024-05-06" for c in stale.closest)  # what there is, shown with its date
    recent = bridges.ask(question, as_of="2024-05-10")  # the 2024 article is news; the 2021 one is dated
    assert "replace" in recent.citations[0].text and "[1] (according" not in recent.answer, recent.answer
    assert all(f"[{c.n}] (according to a 2021 valleynews article)" in recent.answer
               for c in recent.citations if c.date == "2021-05-03")


def source(date: str | None, source: str = "usatoday.com", title: str = "Storm hits", doc: str = "d",
           index: int = 0) -> SimpleNamespace:
    return SimpleNamespace(paragraph=Paragraph(paragraph_id=f"{doc}#p{index}", doc_id=doc, title=title, author=None,
                                               date=date, source=source, paragraph_index=index, char_start=0,
                                               char_end=1, text="x"))


def test_dated_names_each_old_article_once_and_which_marker_it_explains():
    """"[1][2] (according to a 2023 Caliber.az article)" read as if [1] were Caliber's; a second
    paragraph of the same article, or its header (which states its date), needs no second note."""
    as_of = datetime.date(2024, 6, 1)
    old, new = source("2023-03-01", "Caliber.az", doc="old"), source(None, "financialexpress", doc="new")
    both = compose.Composed("Blinken met Tokayev [1][2]. He also met Saidov [2].", [0, 1])
    assert compose.dated(both, [new, old], as_of).text == \
        "Blinken met Tokayev [1][2] (according to [2], a 2023 Caliber.az article). He also met Saidov [2]."
    twice = compose.Composed("Roads closed [1]. Schools shut [2].", [0, 1])
    second = source("2023-03-01", "Caliber.az", doc="old", index=3)
    assert compose.dated(twice, [old, second], as_of).text == \
        "Roads closed [1] (according to a 2023 Caliber.az article). Schools shut [2]."
    header = source("2023-03-01", "Caliber.az", doc="old", index=HEADER_INDEX)
    assert compose.dated(compose.Composed("It was published on 2023-03-01 [1].", [0]), [header], as_of).text == \
        "It was published on 2023-03-01 [1]."


def test_dated_names_the_year_where_an_old_source_is_first_cited():
    as_of = datetime.date(2024, 6, 1)
    composed = compose.Composed("Roads closed [1]. Schools shut [2]. Power is back [1, 2].", [0, 1])
    sources = [source("2021-03-04"), source("2024-05-30")]
    assert compose.dated(composed, sources, as_of).text == \
        "Roads closed [1] (according to a 2021 usatoday.com article). Schools shut [2]. Power is back [1, 2]."
    path_source = [source("2022-01-01", source="/data/storm.txt", title="Storm hits the coast")]
    assert compose.dated(compose.Composed("Roads closed [1].", [0]), path_source, as_of).text == \
        'Roads closed [1] (according to a 2022 article, "Storm hits the coast").'
    assert compose.dated(compose.Composed("Roads closed [1].", [0]), [source(None)], as_of).text == "Roads closed [1]."


def test_cli_refuses_a_bad_as_of_in_one_line(tmp_path, capsys):
    assert main(["ask", "What happened this week?", "--as-of", "2024-13-01", "--store", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: as_of must be a real date as YYYY-MM-DD, got '2024-13-01'"


def test_eval_asks_each_question_on_its_date(tmp_path, monkeypatch, capsys):
    from assistant.api import Assistant

    corpus = tmp_path / "articles"
    corpus.mkdir()
    title, date, text = BRIDGE["replace"]
    (corpus / "replace.txt").write_text(f"{title}\nDate: {date}\nSource: valleynews\n\n{text}\n", encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"question": q, "answerable": True, "answers": ["replace"],
                                             "paragraph_text": text, **extra}) + "\n"
                                 for q, extra in [("What did the council decide this week?", {"date": "2024-05-10"}),
                                                  ("What did the council decide?", {})]), encoding="utf-8")
    asked = []
    retrieve = Assistant.retrieve
    monkeypatch.setattr(Assistant, "retrieve", lambda self, question, *a, as_of=None, **kw:
                        asked.append((question, as_of)) or retrieve(self, question, *a, as_of=as_of, **kw))
    assert main(["eval", "--corpus", str(corpus), "--questions", str(questions), "--store", str(tmp_path / "s"),
                 "--json"]) == 0
    assert asked[1:] == [("What did the council decide this week?", "2024-05-10"), ("What did the council decide?", None)]
    assert json.loads(capsys.readouterr().out)["retrieval"]["recall@1"] == 1.0


def test_web_chat_shows_and_takes_as_of(fresh):
    from assistant.web import build

    demo = build(fresh)
    [box] = [c for c in demo.blocks.values() if getattr(c, "elem_id", None) == "as-of"]
    assert box.label == "As of (YYYY-MM-DD)" and box.value == datetime.date.today().isoformat()


@pytest.mark.parametrize("question, date, outside", [
    ("Which classic video game was beaten this week?", "2024-01-03", False),
    ("Which classic video game was beaten this week?", "2015-06-01", True),
    ("Which classic video game was beaten this week?", "2024-01-07", False),  # reported a day or two late
    ("Which classic video game was beaten this week?", "2024-02-20", True),  # written long after the day asked
    ("On Monday, thousands gathered in Gloucestershire for which contest?", "2015-05-25", True),
    ("Which iconic movie prop recently sold at auction?", "2023-11-20", False),
    ("Which iconic movie prop recently sold at auction?", "2016-11-20", True),
    ("Which country elected its first female president this year?", "2023-12-30", True),
    ("Which country elected its first female president this year?", "2024-06-03", False),
    ("What did Tokayev call Russia during his most recent visit to Moscow?", "2015-06-01", False),  # no window named
    ("How many protestants live in France today?", "2010-01-01", False),  # "today" = nowadays
    ("What newly legalized move did Harvard's team support in 1920?", "1921-01-01", False),  # names its own time
    ("Which classic video game was beaten this week?", None, False),  # undated: benefit of the doubt
])
def test_a_question_naming_a_window_rules_out_articles_outside_it(question, date, outside):
    assert outside_window(question, date, datetime.date(2024, 1, 5)) is outside


def test_a_present_tense_question_after_a_sentence_of_context_is_about_now():
    from assistant.answer.recency import time_asked
    asked = time_asked("California is battling its fifth-largest wildfire. What is the name of the blaze?")
    assert asked.present and asked.recent


def test_the_state_of_things_leans_to_the_newest_telling_by_the_year_and_named_times_by_the_month():
    from assistant.answer.recency import PRESENT_HALF_LIFE_DAYS, RECENCY_HALF_LIFE_DAYS, time_asked
    assert time_asked("Which state is in a legal battle over the law?").half_life_days == PRESENT_HALF_LIFE_DAYS
    assert time_asked("Which game was beaten this week?").half_life_days == RECENCY_HALF_LIFE_DAYS
    day = datetime.date(2024, 11, 14)
    ranked = {"old": 1.0, "newer": 0.97}
    dates = {"old": "2013-03-21", "newer": "2024-06-20"}  # five months old: a month's half-life gives it nothing
    assert max(with_recency(ranked, dates, day), key=with_recency(ranked, dates, day).get) == "old"
    leaned = with_recency(ranked, dates, day, PRESENT_HALF_LIFE_DAYS)
    assert max(leaned, key=leaned.get) == "newer"


def test_an_answer_is_superseded_only_when_years_old_beside_newer_relevant_articles():
    from assistant.answer.recency import superseded, time_asked
    present, past = time_asked("Which state is in a legal battle?"), time_asked("Which state was in a legal battle in 2013?")
    day = datetime.date(2024, 11, 14)
    assert superseded(present, day, ["2013-03-21"], ["2013-03-21", "2024-11-02"])
    assert not superseded(present, day, ["2013-03-21"], ["2013-03-21", "2019-01-01"])  # nothing newer speaks
    assert not superseded(present, day, ["2023-12-01"], ["2024-11-02"])  # under two years: the note says it
    assert not superseded(past, day, ["2013-03-21"], ["2024-11-02"])
