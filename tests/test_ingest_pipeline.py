"""Incremental ingest on the real store and embedder: skip/update/prune/remove, near-duplicates,
bad-file batches, the CLI summary."""
from __future__ import annotations

import json

import pytest

from assistant import Assistant
from assistant.cli import main
from ingest.pipeline import ingest
from support.fakes import FakeEncoder
from vectorstore.filters import Filters
from vectorstore.health import check

BRIDGE = [
    "The river town rebuilt its old stone bridge after the spring flood carried away two of its arches.",
    "Engineers from the regional office chose local limestone so the repair would match the original work.",
    "The bridge reopened to walkers in October, and the first market day drew crowds from nearby villages.",
    "Shop owners on the east bank said trade had halved while the crossing was closed for seven months.",
]
BUDGET = [
    "The city council approved a new budget on Tuesday after a long debate about school funding and roads.",
    "Council members said the plan keeps property taxes flat while adding money for bus routes in the north.",
    "The mayor is expected to sign the budget next week, and the first changes take effect in July.",
]
OTHER_BRIDGE = [  # same topic and words as BRIDGE, but another article
    "A second bridge across the river, a steel footbridge near the mill, will close for repairs in spring.",
    "The regional office said the steel deck has rusted and the railings no longer meet safety rules.",
    "Walkers will have to use the old stone bridge in the town centre until the work ends in autumn.",
]


def article(title: str, body: list[str], chrome_top: str = "", chrome_bottom: str = "") -> str:
    return "\n\n".join(part for part in [chrome_top, title, *body, chrome_bottom] if part)


def statuses(report) -> dict[str, str]:
    return {r.location.rsplit("/", 1)[-1]: r.status for r in report.results}


def saved_page(title: str, date: str, source: str, body: list[str]) -> str:
    """A saved page whose field lines are metadata, never body: editing them leaves the text as it was."""
    return f"Title: {title}\nDate: {date}\nSource: {source}\n\n" + "\n\n".join(body) + "\n"


def stored_texts(assistant) -> list[list[str]]:
    return sorted([p.text for p in assistant.paragraphs(d.doc_id)] for d in assistant.documents())


# ---- incremental -------------------------------------------------------------------------------
def test_unchanged_is_skipped_changed_is_replaced_everywhere(fresh, tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    first = fresh.ingest([path])
    [added] = first.results
    assert added.status == "added" and added.paragraphs == len(BRIDGE)

    assert [r.status for r in fresh.ingest([path]).results] == ["skipped"]

    changed = BRIDGE[:3] + ["Volunteers painted the railings green, the colour chosen by a vote of the primary school."]
    path.write_text(article("Bridge reopens", changed), encoding="utf-8")
    [updated] = fresh.ingest([path]).results
    assert (updated.status, updated.doc_id) == ("updated", added.doc_id)
    texts = [p.text for p in fresh.paragraphs(added.doc_id)]
    assert texts == changed
    assert [p.text for p in fresh.paragraphs()] == changed
    hits = fresh.retrieve("Shop owners on the east bank said trade had halved", k=10)
    assert all("Shop owners" not in h.paragraph.text for h in hits)
    assert "railings green" in fresh.retrieve("what colour were the railings painted", k=1)[0].paragraph.text
    assert [d.paragraphs for d in fresh.documents()] == [4]


def test_a_changed_title_date_or_source_is_applied_without_encoding(fresh, tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(saved_page("Bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    [added] = fresh.ingest([path]).results
    path.write_text(saved_page("Stone bridge reopens after the flood", "2024-04-02", "rivertimes.example", BRIDGE),
                    encoding="utf-8")
    encode = FakeEncoder(real=fresh.encode)
    [updated] = ingest([path], fresh.store, encode).results
    assert (updated.status, updated.doc_id) == ("updated", added.doc_id)
    assert updated.reason == "metadata changed: title, date, source"
    assert encode.texts == []  # the stored vectors are reused
    [document] = fresh.documents()
    assert (document.title, document.date, document.source) == (
        "Stone bridge reopens after the flood", "2024-04-02", "rivertimes.example")
    assert {(p.title, p.date, p.source) for p in fresh.paragraphs()} == {
        ("Stone bridge reopens after the flood", "2024-04-02", "rivertimes.example")}
    question = fresh.encode(["When did the bridge reopen?"])[0]
    for filters, found in [(Filters(since="2024-04-01"), 4), (Filters(until="2024-03-31"), 0),
                           (Filters(source="rivertimes.example"), 4), (Filters(source="valleynews.example"), 0)]:
        assert len(fresh.store.dense_search(question, 10, filters)) == found, filters  # Chroma's metadata
        assert len(fresh.store.lexical_search("bridge", 10, filters)) == found, filters
    assert fresh.retrieve("stone bridge reopens after the flood", k=1, method="bm25")[0].doc_id == added.doc_id
    assert all(f.ok for f in check(fresh.store)), [f.line() for f in check(fresh.store)]
    assert fresh.store.collection.count() == len(BRIDGE)
    assert [r.status for r in fresh.ingest([path]).results] == ["skipped"]


def test_a_metadata_change_encodes_a_document_whose_stored_vectors_are_incomplete(fresh, tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(saved_page("Bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    [added] = fresh.ingest([path]).results
    fresh.store.collection.delete(where={"paragraph_id": f"{added.doc_id}#p0"})  # a damaged store
    path.write_text(saved_page("Stone bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    encode = FakeEncoder(real=fresh.encode)
    assert [r.status for r in ingest([path], fresh.store, encode).results] == ["updated"]
    assert encode.texts == BRIDGE
    assert all(f.ok for f in check(fresh.store)), [f.line() for f in check(fresh.store)]


def test_cli_says_why_a_file_whose_text_is_unchanged_was_updated(tmp_path, capsys):
    store, path = str(tmp_path / "store"), tmp_path / "bridge.txt"
    path.write_text(saved_page("Bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    assert main(["ingest", str(path), "--store", store, "--quiet"]) == 0
    path.write_text(saved_page("Stone bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    assert main(["ingest", str(path), "--store", store]) == 0
    captured = capsys.readouterr()
    assert f"updated: {path}: metadata changed: title" in captured.err
    assert "0 added, 1 updated, 0 revised, 0 skipped" in captured.out


def test_prune_removes_documents_whose_files_are_gone(fresh, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    (folder / "budget.md").write_text(article("# Budget passes", BUDGET), encoding="utf-8")
    assert fresh.ingest([folder]).summary()["added"] == 2
    (folder / "budget.md").unlink()

    kept = fresh.ingest([folder])  # without --prune the document stays
    assert kept.summary()["removed"] == 0 and len(fresh.documents()) == 2

    pruned = fresh.ingest([folder], prune=True)
    assert statuses(pruned) == {"bridge.txt": "skipped", "budget.md": "removed"}
    assert [d.title for d in fresh.documents()] == ["Bridge reopens"]
    assert all("council" not in p.text for p in fresh.paragraphs())


def test_cli_remove_and_list(tmp_path, capsys):
    store = str(tmp_path / "store")
    (tmp_path / "bridge.txt").write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    (tmp_path / "budget.txt").write_text(article("Budget passes", BUDGET), encoding="utf-8")
    assert main(["ingest", str(tmp_path / "*.txt"), "--store", store, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["list", "--json", "--store", store]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(d["title"] for d in listed) == ["Bridge reopens", "Budget passes"]
    assert {"doc_id", "title", "author", "date", "source", "paragraphs"} <= set(listed[0])
    bridge = next(d["doc_id"] for d in listed if d["title"] == "Bridge reopens")

    assert main(["remove", bridge, "--store", store]) == 0
    assert main(["remove", bridge, "--store", store]) == 2
    capsys.readouterr()
    main(["list", "--json", "--store", store])
    assert [d["title"] for d in json.loads(capsys.readouterr().out)] == ["Budget passes"]
    remaining = Assistant(store=store, backend="extractive")
    assert all(p.doc_id != bridge for p in remaining.paragraphs())
    assert all(h.paragraph.doc_id != bridge for h in remaining.retrieve("stone bridge limestone arches", k=10))


# ---- duplicates --------------------------------------------------------------------------------
def test_same_article_under_another_name_or_chrome_is_a_duplicate(fresh, tmp_path):
    first = tmp_path / "bridge.txt"
    first.write_text(article("Bridge reopens", BRIDGE, "Home\nNews\nSport\nContact",
                             "© 2024 Valley News. All rights reserved."), encoding="utf-8")
    [original] = fresh.ingest([first]).results
    assert original.status == "added"

    copy = tmp_path / "copy-of-bridge.txt"
    copy.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    rechromed = tmp_path / "syndicated.html"
    rechromed.write_text(
        "<html><head><title>Bridge reopens - Daily Courier</title></head><body>"
        "<nav><a href='/'>Front page</a> <a href='/local'>Local</a></nav><article><h1>Bridge reopens</h1>"
        + "".join(f"<p>{p}</p>" for p in BRIDGE[:3])
        + f"<p>{BRIDGE[3].replace('seven months', 'seven long months')}</p>"
        "</article><footer>Daily Courier, 12 High Street. Subscribe today!</footer></body></html>", encoding="utf-8")
    other = tmp_path / "footbridge.txt"
    other.write_text(article("Footbridge to close", OTHER_BRIDGE), encoding="utf-8")

    report = fresh.ingest([copy, rechromed, other])
    by_name = {r.location.rsplit("/", 1)[-1]: r for r in report.results}
    assert by_name["copy-of-bridge.txt"].status == "duplicate"
    assert original.doc_id in by_name["copy-of-bridge.txt"].reason
    assert by_name["syndicated.html"].status == "duplicate"
    assert f"near-duplicate of {original.doc_id}" in by_name["syndicated.html"].reason
    assert by_name["footbridge.txt"].status == "added"
    assert sorted(d.title for d in fresh.documents()) == ["Bridge reopens", "Footbridge to close"]
    assert report.ok  # a duplicate is reported, not a failure


EXTENDED_BRIDGE = BRIDGE + ["Volunteers painted the railings green, the colour chosen by a vote of the primary school."]


@pytest.mark.parametrize("edit, backup_status", [
    (BRIDGE[:3] + EXTENDED_BRIDGE[4:], "added"),  # one paragraph replaced: the backup keeps the old one
    (BUDGET, "added"),
    (EXTENDED_BRIDGE, "duplicate"),  # the edited file still holds every paragraph of the backup
], ids=["paragraph-replaced", "rewritten", "paragraph-added"])
@pytest.mark.parametrize("backup_first", [False, True], ids=["edited-first", "backup-first"])
def test_a_backup_of_an_edited_files_old_text_is_kept(fresh, tmp_path, edit, backup_status, backup_first):
    """The stored version of a file edited in this run vouches for nothing: its text is about to go,
    so a copy of that text is compared with the edited text, in either order."""
    edited, backup = tmp_path / "a.txt", tmp_path / "b.txt"
    edited.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    [stored] = fresh.ingest([edited]).results
    backup.write_text(edited.read_text(encoding="utf-8"), encoding="utf-8")
    edited.write_text(article("Bridge reopens", edit), encoding="utf-8")

    report = fresh.ingest([backup, edited] if backup_first else [edited, backup])
    assert statuses(report) == {"a.txt": "updated", "b.txt": backup_status}, report.to_dict()
    assert [p.text for p in fresh.paragraphs(stored.doc_id)] == edit
    assert stored_texts(fresh) == sorted([edit] + ([BRIDGE] if backup_status == "added" else []))
    if backup_status == "duplicate":
        [dropped] = [r for r in report.results if r.status == "duplicate"]
        assert dropped.reason.startswith(f"near-duplicate of {stored.doc_id}"), dropped.reason


@pytest.mark.parametrize("reverse", [False, True])
def test_rotated_files_each_keep_their_new_text(fresh, tmp_path, reverse):
    """previous.txt gets latest.txt's old text and latest.txt a new one: neither is the other's duplicate."""
    latest, previous = tmp_path / "latest.txt", tmp_path / "previous.txt"
    latest.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    previous.write_text(article("Footbridge to close", OTHER_BRIDGE), encoding="utf-8")
    fresh.ingest([latest, previous])
    previous.write_text(latest.read_text(encoding="utf-8"), encoding="utf-8")
    latest.write_text(article("Budget passes", BUDGET), encoding="utf-8")

    report = fresh.ingest([previous, latest] if reverse else [latest, previous])
    assert statuses(report) == {"latest.txt": "updated", "previous.txt": "updated"}, report.to_dict()
    assert stored_texts(fresh) == sorted([BUDGET, BRIDGE])


@pytest.mark.parametrize("retitled", [False, True])
def test_a_copy_of_a_file_that_keeps_its_text_is_a_duplicate(fresh, tmp_path, retitled):
    kept = tmp_path / "a.txt"
    kept.write_text(saved_page("Bridge reopens", "2024-03-01", "valleynews.example", BRIDGE), encoding="utf-8")
    [stored] = fresh.ingest([kept]).results
    (tmp_path / "b.txt").write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
    if retitled:
        kept.write_text(saved_page("Stone bridge reopens", "2024-03-01", "valleynews.example", BRIDGE),
                        encoding="utf-8")

    report = fresh.ingest([tmp_path / "b.txt", kept])
    assert statuses(report) == {"a.txt": "updated" if retitled else "skipped", "b.txt": "duplicate"}
    assert [r.reason for r in report.results if r.status == "duplicate"] == [f"same text as {stored.doc_id}"]
    assert stored_texts(fresh) == [BRIDGE]


def no_longer_cites(assistant, doc_id: str, old: list[str]) -> None:
    """The document and every trace of its old text are gone: stored rows, retrieval, lookup."""
    assert assistant.document(doc_id) is None and assistant.paragraphs(doc_id) == []
    assert doc_id not in {d.doc_id for d in assistant.documents()}
    assert not set(old) & {p.text for p in assistant.paragraphs()}
    assert all(hit.doc_id != doc_id for hit in assistant.retrieve(old[-1], k=10))
    assert all(match.doc_id != doc_id for match in assistant.lookup(old[-1]).matches)


@pytest.mark.parametrize("run", ["edited", "both", "edited-and-backup"])
def test_a_file_edited_into_a_copy_of_another_drops_its_earlier_text(fresh, tmp_path, run):
    """a.txt now holds b.txt's text: its stored old text would otherwise be cited for a file that no
    longer says it. A backup of that old text, ingested in the same run, is no copy of text that went."""
    edited, twin, backup = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    edited.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    twin.write_text(article("Budget passes", BUDGET), encoding="utf-8")
    [old, stored_twin] = fresh.ingest([edited, twin]).results
    backup.write_text(edited.read_text(encoding="utf-8"), encoding="utf-8")
    edited.write_text(twin.read_text(encoding="utf-8"), encoding="utf-8")

    report = fresh.ingest({"edited": [edited], "both": [edited, twin], "edited-and-backup": [edited, backup]}[run])
    [copy] = [r for r in report.results if r.location == str(edited)]
    assert (copy.status, copy.doc_id) == ("duplicate", stored_twin.doc_id), report.to_dict()
    if run == "edited-and-backup":
        assert statuses(report) == {"a.txt": "duplicate", "c.txt": "added"}, report.to_dict()
        assert stored_texts(fresh) == sorted([BRIDGE, BUDGET])
        assert fresh.document(old.doc_id) is None
    else:
        assert stored_texts(fresh) == [BUDGET]
        no_longer_cites(fresh, old.doc_id, BRIDGE)
    assert [p.text for p in fresh.paragraphs(stored_twin.doc_id)] == BUDGET
    assert all(f.ok for f in check(fresh.store)), [f.line() for f in check(fresh.store)]
    assert copy.reason == f"same text as {stored_twin.doc_id}; its earlier text removed"


@pytest.mark.parametrize("edited_first", [True, False], ids=["edited-first", "twin-first"])
def test_two_files_edited_to_one_text_keep_it_once(fresh, tmp_path, edited_first):
    """a.txt gets b.txt's new text: the file planned second is the copy, and its old text goes."""
    edited, twin = tmp_path / "a.txt", tmp_path / "b.txt"
    edited.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    twin.write_text(article("Budget passes", BUDGET), encoding="utf-8")
    stored = {r.location.rsplit("/", 1)[-1]: r.doc_id for r in fresh.ingest([edited, twin]).results}
    twin.write_text(article("Budget passes", BUDGET[:2]), encoding="utf-8")
    edited.write_text(twin.read_text(encoding="utf-8"), encoding="utf-8")
    first, second = (edited, twin) if edited_first else (twin, edited)

    report = fresh.ingest([first, second])
    assert statuses(report) == {first.name: "updated", second.name: "duplicate"}, report.to_dict()
    assert stored_texts(fresh) == [BUDGET[:2]]
    assert [d.doc_id for d in fresh.documents()] == [stored[first.name]]
    no_longer_cites(fresh, stored[second.name], BRIDGE if second == edited else BUDGET[2:])
    [copy] = [r for r in report.results if r.status == "duplicate"]
    assert copy.reason == f"same text as {stored[first.name]}; its earlier text removed"


def test_a_file_edited_into_an_excerpt_of_another_drops_its_earlier_text(fresh, tmp_path):
    edited, longer = tmp_path / "a.txt", tmp_path / "b.txt"
    edited.write_text(article("Budget passes", BUDGET), encoding="utf-8")
    longer.write_text(article("Bridge reopens", EXTENDED_BRIDGE), encoding="utf-8")
    [old, stored_longer] = fresh.ingest([edited, longer]).results
    edited.write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")

    [copy] = fresh.ingest([edited]).results
    assert (copy.status, copy.doc_id) == ("duplicate", stored_longer.doc_id)
    assert stored_texts(fresh) == [EXTENDED_BRIDGE]
    no_longer_cites(fresh, old.doc_id, BUDGET)
    assert copy.reason.startswith(f"near-duplicate of {stored_longer.doc_id} (")
    assert copy.reason.endswith(", no paragraph of its own); its earlier text removed"), copy.reason


@pytest.mark.parametrize("title, body, reason, twin", [("Budget passes", BUDGET, "same text as", 1),
                                                       ("Bridge reopens", BRIDGE, "near-duplicate of", 0)])
def test_a_new_file_that_copies_another_removes_nothing(fresh, tmp_path, title, body, reason, twin):
    (tmp_path / "a.txt").write_text(article("Bridge reopens", EXTENDED_BRIDGE), encoding="utf-8")
    (tmp_path / "b.txt").write_text(article("Budget passes", BUDGET), encoding="utf-8")
    stored = fresh.ingest([tmp_path / "a.txt", tmp_path / "b.txt"]).results[twin]
    (tmp_path / "c.txt").write_text(article(title, body), encoding="utf-8")

    [copy] = fresh.ingest([tmp_path / "c.txt"]).results
    assert (copy.status, copy.doc_id) == ("duplicate", stored.doc_id), copy
    assert copy.reason.startswith(f"{reason} {stored.doc_id}") and "removed" not in copy.reason, copy.reason
    assert stored_texts(fresh) == sorted([EXTENDED_BRIDGE, BUDGET])


def test_near_duplicates_within_one_batch(fresh, tmp_path):
    (tmp_path / "a.txt").write_text(article("Budget passes", BUDGET, "Menu\nHome"), encoding="utf-8")
    (tmp_path / "b.md").write_text(article("# Council passes the budget", BUDGET, "", "Share on Facebook"),
                                   encoding="utf-8")
    report = fresh.ingest([tmp_path])
    assert sorted(r.status for r in report.results) == ["added", "duplicate"]
    assert len(fresh.documents()) == 1


# ---- failures ----------------------------------------------------------------------------------
def bad_batch(folder):
    folder.mkdir()
    (folder / "bridge.txt").write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    (folder / "budget.md").write_text(article("Budget passes", BUDGET), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "huge.txt").write_text(article("Long read", BRIDGE * 400), encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    (folder / "export.jsonl").write_text(json.dumps({"title": "Footbridge", "text": "\n\n".join(OTHER_BRIDGE)})
                                         + "\n{oops\n", encoding="utf-8")
    return {"empty.txt": "empty", "binary.txt": "binary", "huge.txt": "over the 0.1 MB limit",
            "broken.pdf": "broken PDF", "export.jsonl#2": "not JSON"}


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path):
    expected = bad_batch(tmp_path / "batch")
    assistant = Assistant(store=tmp_path / "store", backend="extractive", max_file_mb=0.1)
    report = assistant.ingest([tmp_path / "batch"])
    failed = {r.location.rsplit("/", 1)[-1]: r.reason for r in report.results if r.status == "failed"}
    assert set(failed) == set(expected)
    for name, reason in expected.items():
        assert reason in failed[name], (name, failed[name])
    assert report.summary() == {"added": 3, "updated": 0, "revised": 0, "skipped": 0, "duplicate": 0, "removed": 0,
                                "failed": 5}
    assert not report.ok
    assert sorted(d.title for d in assistant.documents()) == ["Bridge reopens", "Budget passes", "Footbridge"]


def test_cli_ingest_exits_non_zero_with_a_summary(tmp_path, capsys, monkeypatch):
    bad_batch(tmp_path / "batch")
    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", "0.1")
    store = str(tmp_path / "store")
    assert main(["ingest", str(tmp_path / "batch"), "--store", store, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["added"] == 3 and out["summary"]["failed"] == 5
    assert {f["status"] for f in out["files"]} == {"added", "failed"}

    assert main(["ingest", str(tmp_path / "batch"), "--store", store]) == 1
    captured = capsys.readouterr()
    assert "0 added, 0 updated, 0 revised, 3 skipped, 0 duplicate, 0 removed, 5 failed" in captured.out
    assert "failed: " in captured.err and "broken.pdf" in captured.err

    assert main(["ingest", str(tmp_path / "batch" / "bridge.txt"), "--store", store, "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["ingest", str(tmp_path / "missing"), "--store", store, "--quiet"]) == 1


def test_a_failed_embedding_leaves_nothing_half_written(fresh, tmp_path):
    (tmp_path / "bridge.txt").write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")

    report = ingest([tmp_path], fresh.store, FakeEncoder(error=RuntimeError("out of memory")))
    [result] = report.results
    assert result.status == "failed" and "out of memory" in result.reason
    assert fresh.documents() == [] and fresh.paragraphs() == [] and fresh.store.collection.count() == 0
    assert fresh.ingest([tmp_path]).summary()["added"] == 1


@pytest.mark.parametrize("batch_paragraphs", [1, 1000])
def test_batched_encoding_gives_each_document_its_own_vectors(fresh, tmp_path, batch_paragraphs):
    (tmp_path / "bridge.txt").write_text(article("Bridge reopens", BRIDGE), encoding="utf-8")
    (tmp_path / "budget.txt").write_text(article("Budget passes", BUDGET), encoding="utf-8")
    encode = FakeEncoder(real=fresh.encode)
    report = ingest([tmp_path], fresh.store, encode, batch_paragraphs=batch_paragraphs)
    assert report.summary()["added"] == 2
    assert [len(batch) for batch in encode.calls] == ([4, 3] if batch_paragraphs == 1 else [7])
    top = fresh.retrieve("who approved the budget on Tuesday", k=1, method="dense")[0]
    assert top.paragraph.text == BUDGET[0]
