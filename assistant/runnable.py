"""The assistant as LangChain Runnables, so it composes with other LCEL steps: the answer chain
(`Assistant.as_runnable`) and the hybrid search as a retriever (`Assistant.as_retriever`).

Input: a question string, or {"question": ..., "history": [{"role", "content"}, ...]}.
Output: the answer dict (`Answer.to_dict()`, the `ask --json` fields).
`stream` yields the answer text as it is generated (str chunks), then the verified answer dict as
the last chunk (`astream` and `astream_events` alike). Text chunks are unverified draft; the final
dict is what to keep. A downstream LCEL step receives the dict, because LangChain keeps the last chunk
when chunks cannot be added together.
"""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Iterator

from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answer.retrieval import Retriever, check_request
from assistant.errors import InvalidRequest
from assistant.types import Answer
from vectorstore.store import Filters

Input = str | dict
Output = dict


def _question(value: Input) -> tuple[str, list[dict]]:
    if isinstance(value, str):
        return value, []
    if isinstance(value, dict) and isinstance(value.get("question"), str):
        return value["question"], list(value.get("history") or [])
    raise InvalidRequest(f'expected a question string or {{"question": ..., "history": [...]}}, got {value!r}')


class AssistantRunnable(Runnable[Input, Output]):
    """`invoke`/`batch` return answer dicts; `stream` yields text chunks, then the answer dict."""

    name = "assistant"

    def __init__(self, assistant):
        self.assistant = assistant

    def _answer(self, value: Input) -> Output:
        question, history = _question(value)
        return self.assistant.ask(question, history=history).to_dict()

    def _events(self, values: Iterator[Input]) -> Iterator[str | Output]:
        *_, value = values  # an upstream step may stream its output; the last value is the question
        question, history = _question(value)
        for event in self.assistant.stream(question, history=history):
            yield event.to_dict() if isinstance(event, Answer) else event

    async def _aevents(self, values: AsyncIterator[Input]) -> AsyncIterator[str | Output]:
        """`_events` with each step in a worker thread, so the event loop keeps running while the model works."""
        async for value in values:
            last = value
        events, done = self._events(iter([last])), object()
        while (event := await asyncio.to_thread(next, events, done)) is not done:
            yield event

    def invoke(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Output:
        return self._call_with_config(self._answer, input, config)

    def stream(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[str | Output]:
        yield from self._transform_stream_with_config(iter([input]), self._events, config)

    async def astream(self, input: Input, config: RunnableConfig | None = None,
                      **kwargs: Any) -> AsyncIterator[str | Output]:
        async def once():
            yield input

        async for chunk in self._atransform_stream_with_config(once(), self._aevents, config):
            yield chunk

    def batch(self, inputs: list[Input], config: RunnableConfig | list[RunnableConfig] | None = None, *,
              return_exceptions: bool = False, **kwargs: Any) -> list[Output]:
        """One question at a time unless `config` sets max_concurrency: a local model is not thread-safe."""
        if isinstance(config, list):  # what an enclosing RunnableSequence passes
            config = [{"max_concurrency": 1, **c} for c in config]
        else:
            config = {"max_concurrency": 1, **(config or {})}
        return super().batch(inputs, config, return_exceptions=return_exceptions, **kwargs)


def as_runnable(assistant) -> AssistantRunnable:
    return AssistantRunnable(assistant)


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever: `k` from the constructor, or per call with
    `invoke(query, k=...)`; documents carry the paragraph fields (and `score`) as metadata."""

    retriever: Retriever
    k: int = 5
    filters: Filters = Filters()

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager=None, k: int | None = None) -> list[LCDocument]:
        k = self.k if k is None else k
        check_request(k, self.filters)
        return [LCDocument(page_content=h.paragraph.text, id=h.paragraph.paragraph_id,
                           metadata={key: v for key, v in h.to_dict().items() if key != "text"})
                for h in self.retriever.search(query, k, self.filters)]
