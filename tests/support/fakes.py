"""The one fake encoder and the one fake chat model the tests use where a real one would only slow
them down or hide the logic under test (the ground rule: fakes for chain logic only; the store,
embedder and Chroma stay real wherever they are what is tested)."""
from __future__ import annotations

import re
import zlib
from typing import Callable, Sequence

import numpy as np
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

WORD = re.compile(r"\w+")
SOURCE = re.compile(r"<source n=\"(\d+)\"[^>]*>\n(.*?)\n</source>", re.DOTALL)  # how prompting fences a source
FENCED = re.compile(r"<source\b.*?</source>", re.DOTALL)


class FakeEncoder:
    """An encoder without a model: hashed bag-of-words vectors, unit length, `dim` wide, so texts that
    share words are near and vectors from separate calls compare. Every batch it is given is kept in
    `calls`. Configured, it stands in for other encoders: `error` is raised instead of encoding (a
    failing model), and `real` encodes instead (a spy on the real embedder that records the batches)."""

    def __init__(self, dim: int = 384, *, error: BaseException | None = None,
                 real: Callable[[list[str]], np.ndarray] | None = None):
        self.dim, self.error, self.real = dim, error, real
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if self.error is not None:
            raise self.error
        if self.real is not None:
            return self.real(list(texts))
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in set(WORD.findall(text.lower())):
                vectors[row, zlib.crc32(word.encode()) % self.dim] = 1.0
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    @property
    def texts(self) -> list[str]:
        """Every text encoded, in order."""
        return [text for batch in self.calls for text in batch]


class FakeChatModel(FakeListChatModel):
    """LangChain's list fake (each call answers the next of `responses`, streamed a character at a
    time), plus what the answer chain's tests look at: `prompts` holds each prompt it was sent, and
    `reply`, when given, writes the answer from the prompt's messages instead of the list."""

    responses: list = Field(default_factory=list)
    reply: Callable[[list[BaseMessage]], str] | None = None
    prompts: list = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(prompt_text(messages))
        return self.reply(messages) if self.reply else super()._call(messages, stop, run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(prompt_text(messages))
        if self.reply is None:
            yield from super()._stream(messages, stop, run_manager, **kwargs)
            return
        for character in self.reply(messages):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=character))
            if run_manager:
                run_manager.on_llm_new_token(character, chunk=chunk)
            yield chunk


class JudgingFakeChatModel(FakeChatModel):
    """The fake that also judges a passage, as the local llama model does from its logits (the
    `JudgingChatModel` protocol): a passage holding a word of `judgements` gets that P(yes), any other
    `judgement`. `asked` keeps each judging prompt."""

    judgement: float = 0.9
    judgements: dict = Field(default_factory=dict)
    asked: list = Field(default_factory=list)

    def yes_probability(self, messages):
        self.asked.append(messages)
        passage = messages[-1][1].split("Question:")[0]
        return next((p for word, p in self.judgements.items() if word in passage), self.judgement)


def fake_chat_model(*responses: str, reply: Callable[[list[BaseMessage]], str] | None = None,
                    judgement: float | None = None, judgements: dict | None = None) -> FakeChatModel:
    """The fake chat model: answers `responses` in turn (or what `reply` writes from the prompt); given
    a `judgement` or `judgements` it also judges passages, else it cannot (as most chat models)."""
    if judgement is None and judgements is None:
        return FakeChatModel(responses=list(responses), reply=reply)
    return JudgingFakeChatModel(responses=list(responses), reply=reply, judgements=judgements or {},
                                judgement=0.9 if judgement is None else judgement)


def prompt_text(messages: list[BaseMessage]) -> str:
    return "\n".join(m.content for m in messages)


def outside_sources(messages: list[BaseMessage]) -> str:
    """The prompt's text outside the <source> fences: all a model should take instructions from."""
    return FENCED.sub("", prompt_text(messages))


def source_holding(messages: list[BaseMessage], needle: str) -> int:
    """The number n of the first fenced source whose text holds `needle` (what [n] cites)."""
    return next(int(n) for n, body in SOURCE.findall(prompt_text(messages)) if needle in body)
