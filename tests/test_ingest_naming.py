"""How ingest names and titles things: no script text in an HTML title, JSONL records keep their ids
and report bad lines by number."""
from __future__ import annotations

import json

import pytest

from ingest.readers import read, read_html


@pytest.mark.parametrize("head", [
    "<title><script>alert(1)</script>Zebra crossings return</title>",
    "<title>Zebra crossings return</title>",
])
def test_script_text_never_reaches_an_html_title(head):
    page = (f"<html><head>{head}</head><body><article><h1><script>alert(1)</script>Zebra crossings return</h1>"
            "<p>The council repainted every zebra crossing in the old town after residents asked for safer "
            "routes to school, and drivers now slow down near the market square.</p>"
            "<p>Residents say the new crossings are easier to see at night than the old ones.</p>"
            "</article></body></html>")
    raw = read_html(page, "zebra.html")
    assert raw.title == "Zebra crossings return"
    assert "alert" not in raw.text


def test_jsonl_records_keep_their_doc_id_when_lines_are_inserted(fresh, tmp_path):
    export = tmp_path / "export.jsonl"
    records = [{"url": "https://example.org/bridge", "title": "Bridge reopens",
                "text": "The old stone bridge over the Wenning reopened on Monday after two years of repairs."},
               {"title": "Ferry returns",
                "text": "The summer ferry to the island is running again, twice a day from the north pier."}]
    export.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    first = {r.location.rsplit("#", 1)[1]: r.doc_id for r in fresh.ingest([export]).results}
    new = {"title": "Market opens", "text": "A farmers' market opens on the square every Saturday from May on."}
    export.write_text("\n".join(json.dumps(r) for r in [new, *records]) + "\n", encoding="utf-8")
    second = fresh.ingest([export]).results
    assert sorted(r.status for r in second) == ["added", "skipped", "skipped"]
    assert {r.location.rsplit("#", 1)[1]: r.doc_id for r in second if r.status == "skipped"} == first
    assert all(r.location.rsplit("#", 1)[1].isdigit() for r in second)  # the form `prune` reads
    assert len(fresh.documents()) == 3


def test_jsonl_bad_lines_are_still_reported_by_line_number(tmp_path):
    export = tmp_path / "export.jsonl"
    export.write_text('{"text": "A fine record with enough words in it."}\n{oops\n', encoding="utf-8")
    good, bad = read(export)
    assert bad.location == f"{export}#2" and good.location != f"{export}#1"
