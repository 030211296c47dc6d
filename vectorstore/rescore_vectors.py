"""Where each store keeps the re-scoring model's paragraph vectors (all-mpnet-base-v2, used by the
"mpnet" retrieval method: assistant/answer/rerank.py).

- The embedded store: a file in its folder, `rescore-all-mpnet-base-v2.npz` (paragraph id, the document
  version it was encoded from, vector), read by the one process that owns the folder and kept in step
  with the registry by it.
- The server store: PostgreSQL's `rescore_vectors` table, keyed by a hash of the paragraph text like the
  sentence vectors, so every replica reads what any of them (or `assistant migrate`) wrote. A replica
  reads nothing at start and encodes only the candidates no process has encoded yet; copies and versions
  of an article share rows, and a removed document's rows stay (3 KB a paragraph), as sentence rows do.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from vectorstore.sentences import key  # noqa: F401  (one text hash for every vector kept by text)

FILE_NAME = "rescore-all-mpnet-base-v2.npz"
DIMENSIONS = 768
SCHEMA = "create table if not exists rescore_vectors(hash text primary key, vector bytea not null);"


def read_file(folder: Path) -> tuple[list[str], list[str], np.ndarray] | None:
    """(paragraph ids, document versions, vectors) of the embedded store's file, or None without one."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return None
    saved = np.load(path)
    return saved["ids"].tolist(), saved["versions"].tolist(), saved["vectors"]


def write_file(folder: Path, ids: list[str], versions: list[str], vectors) -> None:
    np.savez(Path(folder) / FILE_NAME, ids=np.array(ids), versions=np.array(versions),
             vectors=np.stack(vectors).astype(np.float32) if len(ids) else np.zeros((0, DIMENSIONS), np.float32))


def to_bytes(vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()  # float32: the same scores as the embedded file


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)
