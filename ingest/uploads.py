"""Uploaded files into a managed folder, safely: sanitized names, archives unpacked below their target only
(no traversal, no symbolic links, no partial files from damaged entries) and capped against zip bombs.
Anything not placed becomes a `FileResult` of its own, so the caller reports it beside the ingest."""
from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from pathlib import Path

from ingest.pipeline import FileResult

MAX_ZIP_MB = 500  # total uncompressed size accepted from one archive
MAX_ZIP_FILES = 2000  # files accepted from one archive: each becomes a document to read and embed
SYMLINK_MODE = 0o120000  # S_IFLNK in a zip entry's Unix mode (the high 16 bits of external_attr)


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only word characters, dots, dashes and spaces."""
    base = re.sub(r"[^\w.\- ]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip(" .")[:100] or "upload"
    return f"{stem}.{suffix[:16]}" if suffix else stem


def extract_zip(archive: Path, target: Path) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Unpack an archive below `target` only: every path part is sanitized (zip-slip safe), archive junk
    is skipped, and the total size and number of files are capped against zip bombs. Returns the files
    written and the entries not written as (entry, status, reason): links are skipped, and a damaged
    entry fails without leaving a partial file behind."""
    with zipfile.ZipFile(archive) as zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not _junk(m)]
        if len(members) > MAX_ZIP_FILES:
            raise ValueError(f"archive holds {len(members)} files, over the {MAX_ZIP_FILES}-file limit")
        total = sum(m.file_size for m in members)
        if total > MAX_ZIP_MB * 1e6:
            raise ValueError(f"archive unpacks to {total / 1e6:.0f} MB, over the {MAX_ZIP_MB} MB limit")
        root = target.resolve()
        files, left_out = [], []
        for member in members:
            if (member.external_attr >> 16) & 0o170000 == SYMLINK_MODE:
                left_out.append((member.filename, "skipped", "symbolic link in the archive, not extracted"))
                continue
            parts = [safe_name(p) for p in member.filename.replace("\\", "/").split("/") if p not in ("", ".", "..")]
            dest = root.joinpath(*parts).resolve()
            if not parts or not dest.is_relative_to(root):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(member) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:  # bad CRC, data, password
                dest.unlink(missing_ok=True)
                left_out.append((member.filename, "failed", f"damaged archive entry: {exc}"))
                continue
            files.append(dest)
        return files, left_out


def _junk(member: zipfile.ZipInfo) -> bool:
    name = member.filename.replace("\\", "/")
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith(".")


def place_uploads(paths: list[str], uploads: Path) -> tuple[list[Path], list[FileResult]]:
    """Copy uploaded files (zips unpacked) into the managed folder; bad archives, and the entries of
    an archive that were not unpacked, become results of their own."""
    uploads.mkdir(parents=True, exist_ok=True)
    placed, unplaced = [], []
    for path in map(Path, paths):
        name = safe_name(path.name)
        if name.lower().endswith(".zip"):
            try:
                files, left_out = extract_zip(path, uploads / name[:-4])
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                unplaced.append(FileResult(name, "failed", reason=f"bad zip archive: {exc}"))
                continue
            placed.extend(files)
            unplaced.extend(FileResult(f"{name}/{entry}", status, reason=reason) for entry, status, reason in left_out)
            continue
        dest = uploads / name
        shutil.copyfile(path, dest)
        placed.append(dest.resolve())
    return placed, unplaced
