"""The retriever as LangChain sees it: LangChain's own standard retriever suite, `k`, and async
streaming through the runnable."""
from __future__ import annotations

import asyncio

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.runnable import HybridRetriever


QUESTION = "Which Uzbek president did Blinken meet?"


@pytest.mark.asyncio  # for its async test: the suite leaves the event loop to the project (pytest-asyncio, strict)
@pytest.mark.filterwarnings("ignore:.*marked with '@pytest.mark.asyncio' but it is not an async function")
class TestStandardRetrieverSuite(RetrieversIntegrationTests):
    """langchain-tests' own checks (k in the constructor and per call, documents, async) on our retriever."""

    @pytest.fixture(autouse=True)
    def _library(self, seeded):
        self.library = seeded

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": self.library.retriever()}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


def test_as_retriever_honours_k(seeded):
    assert len(seeded.as_retriever(k=2).invoke(QUESTION)) == 2
    assert len(seeded.as_retriever(k=2).invoke(QUESTION, k=1)) == 1
    with pytest.raises(ValueError, match="k must be"):
        seeded.as_retriever().invoke(QUESTION, k=0)


def test_runnable_astream_streams_like_stream(seeded):
    runnable = seeded.as_runnable()

    async def chunks():
        return [chunk async for chunk in runnable.astream(QUESTION)]

    streamed = asyncio.run(chunks())
    *drafts, final = streamed
    assert drafts and all(isinstance(d, str) for d in drafts)
    assert isinstance(final, dict) and final["citations"]
    assert [type(c) for c in streamed] == [type(c) for c in runnable.stream(QUESTION)]


def test_runnable_astream_events_streams_each_chunk(seeded):
    async def events():
        return [e async for e in seeded.as_runnable().astream_events(QUESTION, version="v2")]

    chunks = [e["data"]["chunk"] for e in asyncio.run(events()) if e["event"] == "on_chain_stream"]
    assert len(chunks) >= 2 and isinstance(chunks[0], str) and isinstance(chunks[-1], dict)
