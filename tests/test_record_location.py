"""Where a document was read: a file, or `<file>#<number>` for one article of a .jsonl file; built and
read only in ingest/records.py, so a file name holding "#" is never cut short."""
from __future__ import annotations

import json

from assistant.web.library import LibraryTab
from ingest.records import file_of, record_location


def test_a_record_location_gives_back_its_file_even_when_the_name_holds_a_hash():
    assert file_of(record_location("news/feed#2.jsonl", 8123)) == "news/feed#2.jsonl"
    assert record_location("news/feed#2.jsonl", 8123).endswith("#8123")


def test_a_file_whose_name_holds_a_hash_is_its_own_file():
    assert file_of("news/notes#2.txt") == "news/notes#2.txt"
    assert file_of("news/issue#.txt") == "news/issue#.txt"
    assert file_of("news/plain.txt") == "news/plain.txt"


def test_pruning_removes_records_and_files_by_their_whole_names(fresh, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    notes = folder / "notes#2.txt"
    notes.write_text("Beetles glow at night in the forests of Borneo, a survey found this spring.\n")
    feed = folder / "feed#1.jsonl"
    records = [{"id": "a", "text": "The harbour of Split reopened after a storm closed it for three days."},
               {"id": "b", "text": "A new bridge over the Drava river opened to traffic on Monday morning."}]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    first = fresh.ingest([folder])
    assert first.ok and sorted(r.status for r in first.results) == ["added"] * 3
    assert {d.file for d in fresh.documents()} == {str(notes), str(feed)}

    feed.write_text(json.dumps(records[0]) + "\n")  # record b is gone from the file
    notes.unlink()
    second = fresh.ingest([folder], prune=True)
    removed = [r.location for r in second.results if r.status == "removed"]
    assert len(removed) == 2 and str(notes) in removed and {file_of(r) for r in removed} == {str(notes), str(feed)}
    assert [d.file for d in fresh.documents()] == [str(feed)]


def test_the_library_tab_reingests_files_whose_names_hold_a_hash(fresh, tmp_path):
    notes = tmp_path / "notes#2.txt"
    notes.write_text("Beetles glow at night in the forests of Borneo, a survey found this spring.\n")
    assert fresh.ingest([notes]).ok
    report = LibraryTab(fresh).reingest(lambda *args, **kwargs: None)[0]
    assert "skipped" in report and "failed" not in report
