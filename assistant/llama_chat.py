"""The local GGUF model as a LangChain chat model, loaded once per process and reused."""
from __future__ import annotations

import atexit
import functools
import os
import threading
from typing import Any, Iterator

import numpy as np

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

ROLES = {"system": "system", "human": "user", "ai": "assistant"}


GENERATION_LOCK = threading.Lock()  # one model on the CPU: concurrent web users take turns
_LOADED: list = []


@functools.cache
def load_llama(path: str, n_ctx: int, threads: int | None, purpose: str = "answer"):
    """One llama.cpp context per purpose: answers and yes/no checks each keep their own cached
    system-prompt prefix (the weights are memory-mapped once and shared)."""
    from llama_cpp import Llama

    llm = Llama(model_path=path, n_ctx=n_ctx, n_threads=threads or os.cpu_count(), n_batch=256,
                verbose=False, seed=0)
    _LOADED.append(llm)
    return llm


@atexit.register
def _close_models() -> None:
    """Free the models while llama.cpp's bindings still exist: left to garbage collection at
    interpreter shutdown, each one prints a TypeError traceback from `Llama.__del__`."""
    while _LOADED:
        _LOADED.pop().close()


@functools.cache
def _chat_formatter(llm):
    """The GGUF's own chat template, as `create_chat_completion` applies it; None without one."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    special = lambda token: llm._model.token_get_text(token) if token != -1 else ""  # noqa: E731
    return Jinja2ChatFormatter(template=template, eos_token=special(llm.token_eos()),
                               bos_token=special(llm.token_bos()))


@functools.cache
def _word_tokens(llm, word: str) -> tuple[int, ...]:
    """Single tokens spelling `word` as a reply starts: "yes", "Yes", " YES", ..."""
    found = set()
    for variant in (word, word.capitalize(), word.upper()):
        for lead in ("", " "):
            tokens = llm.tokenize((lead + variant).encode(), add_bos=False, special=False)
            if len(tokens) == 1:
                found.add(tokens[0])
    return tuple(sorted(found))


def next_token_logits(llm, tokens: list[int]) -> np.ndarray:
    """Evaluate only the tokens the context has not cached yet; the logits of the last position."""
    import llama_cpp

    cached = llm.input_ids[:llm.n_tokens].tolist()
    keep, limit = 0, min(len(cached), len(tokens) - 1)
    while keep < limit and cached[keep] == tokens[keep]:
        keep += 1
    llm.n_tokens = keep  # eval() drops the stale cache beyond this point
    llm.eval(tokens[keep:])
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits(llm.ctx), shape=(llm.n_vocab(),)).astype(np.float64)


class LlamaChatModel(BaseChatModel):
    model_path: str
    n_ctx: int = 2048
    threads: int | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    check_ctx: int = 1024

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def client(self):
        return load_llama(self.model_path, self.n_ctx, self.threads)

    def _payload(self, messages: list[BaseMessage]) -> list[dict]:
        return [{"role": ROLES.get(m.type, "user"), "content": m.content} for m in messages]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.message.content for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with GENERATION_LOCK:
            for part in self.client.create_chat_completion(
                    self._payload(messages), stream=True, stop=stop, temperature=self.temperature,
                    max_tokens=kwargs.get("max_tokens", self.max_tokens), repeat_penalty=1.1):
                text = part["choices"][0]["delta"].get("content")
                if text:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk

    def yes_probability(self, messages: list[BaseMessage] | list[tuple[str, str]]) -> float | None:
        """P(yes) / (P(yes) + P(no)) for the reply's first token, read from the logits instead of
        sampled: a graded judgement that a threshold can calibrate. None when the GGUF has no chat
        template to format the question with."""
        from langchain_core.messages import convert_to_messages

        with GENERATION_LOCK:
            llm = load_llama(self.model_path, self.check_ctx, self.threads, "check")
            formatter = _chat_formatter(llm)
            if formatter is None:
                return None
            prompt = formatter(messages=self._payload(convert_to_messages(messages))).prompt
            logits = next_token_logits(llm, llm.tokenize(prompt.encode(), add_bos=False, special=True))
        probabilities = np.exp(logits - logits.max())
        yes = probabilities[list(_word_tokens(llm, "yes"))].sum()
        no = probabilities[list(_word_tokens(llm, "no"))].sum()
        return float(yes / (yes + no)) if yes + no > 0 else None
