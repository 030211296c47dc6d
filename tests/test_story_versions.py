"""Updated stories are kept and copies dropped; the near-duplicate check reads the store's sketches,
never the whole library; retrieval lets the newest version speak for the paragraphs versions share."""
from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest

from assistant import Assistant
from support import SHARED

NEWS = SHARED / "eval" / "news-rtqa" / "articles"
PORT_STRIKE = "port-workers-strike-at-east-coast-351f868b80.txt"
PORT_STRIKE_UPDATE = "port-workers-strike-at-east-coast-4e5f0a6d5b.txt"  # the same day's story, revised
RIHANNA = "best-rihanna-songs-of-all-time-78a12bd0c5.txt"
RIHANNA_COPY = "rihanna-s-20-best-songs-ranked-a217cea0c6.txt"  # 84% shared, no paragraph of its own
UNRELATED = "1-dead-as-colorado-wildfire-spreads-28933d667e.txt"

FERRY = [
    "The harbour ferry between Millport and the island returned to service on Monday after a winter of "
    "repairs to its hull, the operator said in a statement to passengers and local businesses.",
    "Crews replaced steel plates along the waterline and refitted both engines, work that took longer than "
    "planned because parts had to be shipped from a yard in the north of the country.",
    "Island shopkeepers said the months without a ferry had cut their trade by half, and several had kept "
    "their doors open only at weekends while visitors used the slower mainland bus route.",
    "The operator plans four crossings a day until the summer timetable starts, when sailings will run "
    "every hour from early morning until late evening, weather permitting, on every day of the week.",
]
FERRY_NEWS = ("Update: the ferry was withdrawn again on Thursday after an engine fault left it drifting for an "
              "hour outside the harbour mouth, and the operator said inspectors would board it next week.")


def news_file(folder: Path, name: str, title: str, date: str, paragraphs: list[str]) -> Path:
    path = folder / name
    path.write_text(f"{title}\nDate: {date}\nSource: valleynews.example\n\n" + "\n\n".join(paragraphs) + "\n",
                    encoding="utf-8")
    return path


def by_name(report) -> dict:
    return {Path(r.location).name: r for r in report.results}


@pytest.mark.integration
def test_an_updated_story_is_kept_and_a_copy_dropped(fresh):
    first = by_name(fresh.ingest([NEWS / PORT_STRIKE, NEWS / RIHANNA]))
    report = fresh.ingest([NEWS / PORT_STRIKE_UPDATE, NEWS / RIHANNA_COPY])
    results = by_name(report)
    update, copy = results[PORT_STRIKE_UPDATE], results[RIHANNA_COPY]
    assert update.status == "revised" and f"another version of {first[PORT_STRIKE].doc_id}" in update.reason
    assert copy.status == "duplicate" and first[RIHANNA].doc_id in copy.reason
    assert "no paragraph of its own" in copy.reason
    assert report.summary()["revised"] == 1 and report.summary()["duplicate"] == 1 and report.ok
    assert len(fresh.documents()) == 3
    hits = fresh.retrieve("Which businesses could suffer most from the port strike?", k=3)
    assert any(h.doc_id == update.doc_id and "could suffer most" in h.text for h in hits)


def test_versions_share_paragraphs_once_the_newest_speaking(fresh, tmp_path):
    older = news_file(tmp_path, "ferry.txt", "Ferry returns", "2024-03-01", FERRY)
    newer = news_file(tmp_path, "ferry-update.txt", "Ferry returns, then fails", "2024-03-08", [FERRY_NEWS, *FERRY])
    [first] = fresh.ingest([older]).results
    [second] = fresh.ingest([newer]).results
    assert (first.status, second.status) == ("added", "revised")
    question = "Why did the ferry repairs take longer than planned?"
    hits = fresh.retrieve(question, k=5, as_of="2024-03-10")
    texts = [" ".join(h.text.split()) for h in hits]
    assert len(texts) == len(set(texts))
    assert hits[0].doc_id == second.doc_id and "parts had to be shipped" in hits[0].text
    # asked before the update was published, the older version speaks for the shared paragraph
    assert fresh.retrieve(question, k=1, as_of=datetime.date(2024, 3, 5))[0].doc_id == first.doc_id


def test_a_resaved_copy_with_small_edits_is_dropped(fresh, tmp_path):
    fresh.ingest([news_file(tmp_path, "ferry.txt", "Ferry returns", "2024-03-01", FERRY)])
    edited = [FERRY[0].replace("on Monday", "on Monday morning"), *FERRY[1:], "Share this story"]
    [copy] = fresh.ingest([news_file(tmp_path, "ferry-copy.txt", "Ferry back", "2024-03-02", edited)]).results
    assert copy.status == "duplicate"


@pytest.mark.integration
def test_adding_an_article_reads_only_its_versions(fresh, monkeypatch):
    """Near-duplicate detection looks candidates up in the stored sketches: adding one article reads
    no stored document's text, except the versions it is compared with."""
    added = by_name(fresh.ingest([NEWS / PORT_STRIKE, NEWS / RIHANNA]))
    read: list[str | None] = []
    paragraphs = fresh.store.paragraphs
    monkeypatch.setattr(fresh.store, "paragraphs", lambda doc_id=None: read.append(doc_id) or paragraphs(doc_id))
    assert fresh.ingest([NEWS / UNRELATED]).results[0].status == "added"
    assert read == []
    assert fresh.ingest([NEWS / PORT_STRIKE_UPDATE]).results[0].status == "revised"
    assert read == [added[PORT_STRIKE].doc_id]


def test_a_store_without_sketches_gets_them_on_the_next_ingest(fresh, tmp_path):
    """Stores made before sketches were stored open as they are and are sketched once."""
    [first] = fresh.ingest([news_file(tmp_path, "ferry.txt", "Ferry returns", "2024-03-01", FERRY)]).results
    with sqlite3.connect(fresh.store.path / "registry.sqlite3") as db:
        db.execute("drop table sketches")
    reopened = Assistant(store=fresh.store.path, backend="extractive")
    assert reopened.store.sketch(first.doc_id) == frozenset()
    [copy] = reopened.ingest([news_file(tmp_path, "ferry-copy.txt", "Ferry back", "2024-03-02", FERRY)]).results
    assert copy.status == "duplicate" and first.doc_id in copy.reason
    assert reopened.store.sketch(first.doc_id)
    reopened.remove(first.doc_id)
    assert reopened.store.sketch(first.doc_id) == frozenset()


def test_the_progress_bar_counts_a_revised_storys_paragraphs(tmp_path, capsys):
    from assistant.cli import main

    (tmp_path / "in").mkdir()
    news_file(tmp_path / "in", "a-ferry.txt", "Ferry returns", "2024-03-01", FERRY)
    news_file(tmp_path / "in", "b-ferry-update.txt", "Ferry returns, then fails", "2024-03-08", [FERRY_NEWS, *FERRY])
    results = Assistant(store=tmp_path / "other", backend="extractive").ingest([tmp_path / "in"]).results
    assert [r.status for r in results] == ["added", "revised"]
    assert main(["ingest", "--store", str(tmp_path / "store"), str(tmp_path / "in")]) == 0
    assert f"paragraphs={sum(r.paragraphs for r in results)}" in capsys.readouterr().err
