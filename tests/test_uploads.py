"""Uploaded zip archives: too many files, damaged or linked entries; nothing half-written is left."""
from __future__ import annotations

import zipfile

from ingest import uploads


def test_zip_with_too_many_files_is_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(uploads.MAX_ZIP_FILES + 1):
            zf.writestr(f"f{i}.txt", "x")
    placed, unplaced = uploads.place_uploads([str(archive)], tmp_path / "uploads")
    assert placed == []
    assert [(r.location, r.status) for r in unplaced] == [("many.zip", "failed")]
    assert f"over the {uploads.MAX_ZIP_FILES}-file limit" in unplaced[0].reason
    assert not (tmp_path / "uploads" / "many").exists()


def test_damaged_and_linked_zip_entries_are_reported_and_leave_nothing_behind(tmp_path):
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("good.txt", "a good article")
        zf.writestr("bad.txt", "CORRUPTED-PAYLOAD")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"CORRUPTED-PAYLOAD", b"corrupted-payload"))  # same size, bad CRC
    placed, unplaced = uploads.place_uploads([str(archive)], tmp_path / "uploads")
    target = (tmp_path / "uploads" / "mixed").resolve()
    assert placed == [target / "good.txt"]
    reported = {r.location: (r.status, r.reason) for r in unplaced}
    assert reported["mixed.zip/bad.txt"][0] == "failed" and "CRC" in reported["mixed.zip/bad.txt"][1]
    assert reported["mixed.zip/link.txt"] == ("skipped", "symbolic link in the archive, not extracted")
    assert sorted(p.name for p in target.iterdir()) == ["good.txt"]  # no 0-byte bad.txt
