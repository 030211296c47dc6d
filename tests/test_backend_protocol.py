"""Every backend implementation satisfies the declared `Backend` protocol, and every factory of the
name registry builds one (the llama backend is checked by its shape only: no model loads). Unit
layer: nothing outside the repo, no embedder (the fake encoder ranks sentences)."""
from __future__ import annotations

import inspect

import pytest

from assistant.answer import prompting
from assistant.backends import (BACKEND_CHOICES, BACKENDS, Backend, BackendUnavailable, ChatModelBackend,
                                ExtractiveBackend, JudgingChatModel, as_backend, create_backend, resolve_name)
from assistant.answer.evidence import Evidence
from assistant.answer.retrieval import Hit
from assistant.llama_chat import LlamaChatModel
from assistant.settings import Settings
from ingest.records import Paragraph
from support.fakes import FakeEncoder, fake_chat_model

QUESTION = "Which Uzbek president did Blinken meet?"
TEXT = "Blinken arrived in Tashkent on Tuesday. Blinken met Uzbek president Shavkat Mirziyoyev at the palace."


encode = FakeEncoder()


def source(text: str = TEXT) -> Evidence:
    paragraph = Paragraph(paragraph_id="d#p0", doc_id="d", title="Visit", author=None, date="2023-03-01",
                          source="news", paragraph_index=0, char_start=0, char_end=len(text), text=text)
    return Evidence(hit=Hit(paragraph, 0.8, 0.8), spans=((0, len(text)),), best=(0, len(text)), score=0.8)


def test_the_registry_names_every_backend_once():
    assert set(BACKENDS) == {"llama", "extractive", "ollama", "openai"}
    assert BACKEND_CHOICES == ("auto", *BACKENDS)
    assert resolve_name("auto") in BACKENDS
    with pytest.raises(BackendUnavailable, match="choose one of auto, llama"):
        resolve_name("gpt-9")


@pytest.mark.parametrize("cls", [ExtractiveBackend, ChatModelBackend])
def test_each_backend_class_declares_the_protocol(cls):
    for member in ("stream", "confidence"):
        declared = inspect.signature(getattr(Backend, member)).parameters
        assert list(inspect.signature(getattr(cls, member)).parameters)[:len(declared)] == list(declared)


def test_the_extractive_backend_runs_and_cannot_judge():
    backend = create_backend(Settings(backend="extractive"), encode)
    assert isinstance(backend, Backend) and backend.name == "extractive"
    answer = "".join(backend.stream(QUESTION, [source()]))
    assert "Mirziyoyev" in answer and answer.endswith("[1].")
    assert backend.confidence(QUESTION, TEXT) is None
    assert "".join(backend.stream(QUESTION, [])) == prompting.NOT_FOUND


def test_a_chat_model_backend_streams_and_judges_only_when_its_model_can():
    plain = as_backend(fake_chat_model("He met Shavkat Mirziyoyev [1]."))
    assert isinstance(plain, ChatModelBackend) and isinstance(plain, Backend)
    assert "".join(plain.stream(QUESTION, [source()])) == "He met Shavkat Mirziyoyev [1]."
    assert plain.confidence(QUESTION, TEXT) is None
    judging = as_backend(fake_chat_model("unused", judgement=0.75))
    assert isinstance(judging.chat_model, JudgingChatModel) and judging.confidence(QUESTION, TEXT) == 0.75


def test_your_own_backend_passes_through_and_anything_else_is_refused():
    own = ExtractiveBackend(encode)
    assert as_backend(own) is own
    with pytest.raises(TypeError, match="a backend is a name, a Backend or a LangChain chat model"):
        as_backend(object())


def test_the_llama_backend_has_the_shape_without_loading_a_model():
    """Structure only: the local model can judge, so its backend reports confidence."""
    assert issubclass(LlamaChatModel, JudgingChatModel)
    assert inspect.signature(LlamaChatModel.yes_probability).parameters.keys() == {"self", "messages"}
