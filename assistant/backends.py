"""Answer backends behind one declared interface, `Backend`: `stream(question, sources)` yields
answer text with [n] markers that refer to the position of each source (1-based); a source is an
`Evidence` (assistant/answer/evidence.py): a paragraph and the sentences chosen from it. LLM backends are
LangChain chat models; `extractive` needs no LLM. `BACKENDS` maps each name to its factory: every
list of backend names (CLI choices, eval, the web app) derives from it."""
from __future__ import annotations

import contextlib
import importlib.util
import os
from pathlib import Path
from typing import Callable, Iterator, Protocol, runtime_checkable

import numpy as np

from assistant.answer import prompting
from assistant.models import ModelUnavailable, llama_installed, packaged_gguf
from ingest.text import clause_of, content_words, sentences

AUTO = "auto"  # the configured default: llama when installed, else extractive


class BackendUnavailable(RuntimeError):
    """Configured but unusable: the message names the URL or path and the fix, in one line."""


@runtime_checkable
class Backend(Protocol):
    """What `Assistant` asks of a backend."""
    name: str

    def stream(self, question: str, sources: list) -> Iterator[str]:
        """The answer text as it is generated, citing sources as [n] (1-based positions)."""

    def confidence(self, question: str, passage: str) -> float | None:
        """The backend's own P(`passage` answers exactly `question`), or None when it cannot tell;
        sources judged below `min_confidence` are not used."""


@runtime_checkable
class JudgingChatModel(Protocol):
    """A chat model that can also judge a passage from its logits (the local llama model)."""

    def yes_probability(self, messages: list) -> float | None:
        """P(yes) for the reply to `messages`, or None when the model cannot read one."""


class ChatModelBackend:
    """Any LangChain chat model: the prompt goes in, streamed text comes out."""

    def __init__(self, name: str, chat_model, where: str):
        self.name, self.chat_model, self.where = name, chat_model, where

    def stream(self, question: str, sources: list) -> Iterator[str]:
        with self._reachable():
            for chunk in self.chat_model.stream(prompting.messages(question, sources)):
                if chunk.content:
                    yield chunk.content

    def confidence(self, question: str, passage: str) -> float | None:
        """The model's probability that `passage` answers exactly `question`; None for models
        that cannot report one (only the local llama model reads it from its logits)."""
        if not isinstance(self.chat_model, JudgingChatModel):
            return None
        with self._reachable():
            return self.chat_model.yes_probability(prompting.check_messages(question, passage))

    @contextlib.contextmanager
    def _reachable(self):
        try:
            yield
        except (ConnectionError, OSError) as exc:
            raise BackendUnavailable(f"{self.name} backend at {self.where} is unreachable ({exc.__class__.__name__}); "
                                     "start it or point --base-url at it") from exc
        except Exception as exc:
            if "connect" in exc.__class__.__name__.lower() or "connect" in str(exc).lower():
                raise BackendUnavailable(f"{self.name} backend at {self.where} is unreachable: {exc}; "
                                         "start it or point --base-url at it") from exc
            raise


class ExtractiveBackend:
    """No LLM: the sentences of the top paragraphs most similar to the question, each cited."""
    name = "extractive"

    def __init__(self, encode, max_sentences: int = 2, min_similarity: float = 0.35, paragraphs: int = 3):
        self.encode, self.max_sentences, self.min_similarity, self.paragraphs = \
            encode, max_sentences, min_similarity, paragraphs

    def stream(self, question: str, sources: list) -> Iterator[str]:
        candidates = [(n, source.paragraph.text[s:e]) for n, source in enumerate(sources[:self.paragraphs], 1)
                      for s, e in sentences(source.paragraph.text)]
        if not candidates:
            yield prompting.NOT_FOUND
            return
        vectors = self.encode([question] + [text for _, text in candidates])
        similarity = vectors[1:] @ vectors[0]
        wanted = content_words(question)
        overlap = np.array([len(wanted & content_words(t)) / (len(wanted) or 1) for _, t in candidates])
        score = 0.7 * similarity + 0.3 * overlap
        order = np.argsort(-score)
        if similarity[order[0]] < self.min_similarity:
            yield prompting.NOT_FOUND
            return
        chosen = [i for i in order[:self.max_sentences] if score[i] >= 0.8 * score[order[0]]]
        yield " ".join(f"{clause_of(candidates[i][1])} [{candidates[i][0]}]." for i in chosen)

    def confidence(self, question: str, passage: str) -> None:
        """No model to judge with: every source is used."""
        return None



def as_backend(value) -> Backend:
    """Your own backend as given, or a LangChain chat model wrapped as one."""
    if isinstance(value, Backend):
        return value
    from langchain_core.language_models import BaseChatModel

    if isinstance(value, BaseChatModel):
        return ChatModelBackend(value._llm_type, value, "a custom chat model")
    raise TypeError(f"a backend is a name, a Backend or a LangChain chat model, got {type(value).__name__}")


def resolve_name(name: str) -> str:
    if name == AUTO:
        return "llama" if llama_installed() else "extractive"
    if name not in BACKENDS:
        raise BackendUnavailable(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_CHOICES)}")
    return name


def create_backend(settings, encode) -> Backend:
    """The backend the settings name; `encode(texts)` is the embedder (used by `extractive`)."""
    return BACKENDS[resolve_name(settings.backend)](settings, encode)


def _extractive(settings, encode) -> Backend:
    return ExtractiveBackend(encode)


def _llama(settings, encode) -> Backend:
    if importlib.util.find_spec("llama_cpp") is None:
        raise BackendUnavailable("the llama backend needs llama-cpp-python: run `make run` (or scripts/setup.sh), "
                                 "or use --backend extractive")
    from assistant.llama_chat import LlamaChatModel

    try:
        path = Path(settings.model) if settings.model else packaged_gguf()
    except ModelUnavailable as exc:
        raise BackendUnavailable(str(exc)) from exc
    if not path.is_file():
        raise BackendUnavailable(f"GGUF model not found at {path}; pass --model PATH.gguf or use the packaged default")
    model = LlamaChatModel(model_path=str(path), n_ctx=settings.n_ctx, threads=settings.threads,
                           max_tokens=settings.max_tokens)
    return ChatModelBackend("llama", model, settings.model or "the packaged model")


def _ollama(settings, encode) -> Backend:
    if importlib.util.find_spec("langchain_ollama") is None:
        raise BackendUnavailable("the ollama backend needs langchain-ollama: pip install 'grounded-assistant[servers]'")
    from langchain_ollama import ChatOllama

    url = settings.base_url or "http://127.0.0.1:11434"
    model = ChatOllama(model=settings.model or "llama3.2", base_url=url, temperature=0,
                       num_predict=settings.max_tokens)
    return ChatModelBackend("ollama", model, url)


def _openai(settings, encode) -> Backend:
    if importlib.util.find_spec("langchain_openai") is None:
        raise BackendUnavailable("the openai backend needs langchain-openai: pip install 'grounded-assistant[servers]'")
    from langchain_openai import ChatOpenAI

    url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
    key = settings.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
    model = ChatOpenAI(model=settings.model or "gpt-4o-mini", base_url=url, api_key=key, temperature=0,
                       max_tokens=settings.max_tokens, max_retries=0, timeout=60)
    return ChatModelBackend("openai", model, url)


BACKENDS: dict[str, Callable[..., Backend]] = {"llama": _llama, "extractive": _extractive, "ollama": _ollama,
                                               "openai": _openai}
"""Every backend by name: `factory(settings, encode) -> Backend`."""
BACKEND_CHOICES = (AUTO, *BACKENDS)  # what --backend accepts
