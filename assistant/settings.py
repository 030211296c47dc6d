"""One settings object, filled from defaults < config file < environment < flags."""
from __future__ import annotations

import numbers
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.errors import InvalidRequest

ENV_PREFIX = "ASSISTANT_"
DEFAULT_CONFIG = Path.home() / ".config" / "grounded-assistant" / "config.toml"
MAX_K = 100  # paragraphs per question: beyond this no prompt holds them and search only slows down


@dataclass(frozen=True)
class Settings:
    store: str = "data"  # local state: embedded Chroma + registry + lexical index
    chroma_url: str | None = None  # use a `chroma run` server instead of the embedded store
    database_url: str | None = None  # postgresql://...: registry, journal and lexical index shared by replicas
    collection: str = "paragraphs"
    embedder: str = "minilm"  # "minilm" (packaged) or a sentence-transformers model path
    backend: str = "auto"  # auto | llama | extractive | ollama | openai
    backends: str | None = None  # what web callers may pick, comma-separated (`serve --backends`); None: all
    model: str | None = None  # GGUF path (llama) or model name (ollama/openai)
    base_url: str | None = None  # ollama / openai-compatible server
    api_key: str | None = None
    k: int = 5
    threads: int | None = None  # llama.cpp threads; None = all cores
    n_ctx: int = 2048
    max_tokens: int = 256
    max_file_mb: float = 50.0
    min_relevance: float = 0.3  # below this dense similarity, retrieval counts as "nothing relevant"
    min_confidence: float = 0.5  # sources the model judges below this are not used; none left: abstain; 0 = no check

    def __post_init__(self):
        check_k(self.k)

    @classmethod
    def load(cls, config: str | os.PathLike | None = None, **flags) -> "Settings":
        settings = cls()
        path = Path(config or os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG)
        if path.is_file():
            with path.open("rb") as fh:
                try:
                    values = tomllib.load(fh)
                except tomllib.TOMLDecodeError as exc:
                    raise InvalidRequest(f"settings file {path} is not valid TOML: {exc}") from None
            settings = settings.merge(values)
        env = {f.name: os.environ[ENV_PREFIX + f.name.upper()]
               for f in fields(cls) if ENV_PREFIX + f.name.upper() in os.environ}
        return settings.merge(env).merge({k: v for k, v in flags.items() if v is not None})

    def merge(self, values: dict) -> "Settings":
        known = {f.name: f for f in fields(self)}
        unknown = set(values) - set(known)
        if unknown:
            raise InvalidRequest(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: _coerce(k, known[k].type, v) for k, v in values.items()})


def check_k(k) -> None:
    """`k` (paragraphs per question) is None for the default, else a whole number from 1 to MAX_K."""
    if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= MAX_K):
        raise InvalidRequest(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")


def _coerce(name: str, type_name: str, value):
    if value is None or not isinstance(value, str):
        return value
    for prefix, convert, kind in (("int", int, "a whole number"), ("float", float, "a number")):
        if type_name.startswith(prefix):
            try:
                return convert(value)
            except ValueError:
                raise InvalidRequest(f"setting {name} must be {kind}, got {value!r}") from None
    return value or None if "None" in type_name else value


def default_corpus() -> Path | None:
    """$ASSISTANT_CORPUS, else ../shared/corpus beside the project when it exists."""
    env = os.environ.get(ENV_PREFIX + "CORPUS")
    if env:
        return Path(env)
    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    return shared if shared.is_dir() else None
