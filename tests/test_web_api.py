"""What callers may pick through the web API (gradio_client against the real app): "auto", the
backends a server offers, clear errors, streaming."""
from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.web import build
from support import ROOT, free_port, running_app


QUESTION = "Which Uzbek president did Blinken meet?"


@pytest.fixture(scope="module")
def restricted(seeded):
    """The app over the seed store, configured like `serve --backend extractive --backends extractive,ollama`,
    with a llama model path that does not exist: running the local model would fail loudly."""
    from gradio_client import Client

    server = Assistant(settings=seeded.settings.merge({"backend": "extractive", "backends": "extractive,ollama",
                                                       "model": "/nonexistent/model.gguf"}))
    with running_app(server) as url:
        yield Client(url, verbose=False)


@pytest.mark.timeout(180)
def test_auto_is_the_servers_configured_backend(restricted):
    answer = restricted.predict(QUESTION, [], "auto", 5, api_name="/ask")
    assert answer["backend"] == "extractive" and answer["citations"]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("backend, message", [("llama", "not offered by this server"),
                                              ("gpt-9", "not offered by this server")])
def test_a_backend_the_server_does_not_offer_is_a_clear_error(restricted, backend, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as error:
        restricted.predict(QUESTION, [], backend, 5, api_name="/ask")
    assert message in str(error.value) and backend in str(error.value) and "extractive, ollama" in str(error.value)


@pytest.mark.timeout(180)
def test_a_user_error_reaches_the_api_caller(restricted):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="k must be a whole number from 1 to"):
        restricted.predict(QUESTION, [], "auto", 0, api_name="/ask")


@pytest.mark.timeout(180)
def test_ask_stream_yields_the_draft_then_the_verified_answer(restricted):
    job = restricted.submit(QUESTION, [], "auto", 5, api_name="/ask_stream")
    final = job.result(timeout=120)
    *drafts, last = job.outputs()
    assert last == final and final["citations"] and final["backend"] == "extractive"
    assert drafts and all(isinstance(d, str) and d for d in drafts)
    assert set(restricted.view_api(print_info=False, return_format="dict")["named_endpoints"]) == \
        {"/ask", "/ask_stream"}


def test_the_default_backend_must_be_offered(seeded):
    server = Assistant(settings=seeded.settings.merge({"backend": "extractive", "backends": "ollama"}))
    with pytest.raises(ValueError, match="default backend extractive is not among --backends ollama"):
        build(server)
    with pytest.raises(ValueError, match="comma-separated list of"):
        build(Assistant(settings=seeded.settings.merge({"backends": "extractive,gpt-9"})))
