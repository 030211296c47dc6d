"""The local GGUF model as a LangChain chat model, loaded once per process and reused."""
from __future__ import annotations

import functools
import os
import threading
from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

ROLES = {"system": "system", "human": "user", "ai": "assistant"}


GENERATION_LOCK = threading.Lock()  # one llama.cpp context: concurrent web users take turns


@functools.cache
def load_llama(path: str, n_ctx: int, threads: int | None):
    from llama_cpp import Llama

    return Llama(model_path=path, n_ctx=n_ctx, n_threads=threads or os.cpu_count(), n_batch=256,
                 verbose=False, seed=0)


class LlamaChatModel(BaseChatModel):
    model_path: str
    n_ctx: int = 2048
    threads: int | None = None
    max_tokens: int = 256
    temperature: float = 0.0

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
