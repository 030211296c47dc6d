"""The entry points an outside user or an attacker reaches: what callers may pick through the web
API (gradio_client against the real app), LangChain's own standard retriever suite and async
streaming, input validation, serving and uploads, CLI output, and how ingest names and titles things."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import zipfile

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant import Assistant
from assistant.cli import main
from assistant.commands import VERIFIED
from assistant.runnable import HybridRetriever
from assistant.settings import MAX_K, Settings
from assistant.web import build
from ingest import uploads
from ingest.readers import read, read_html
from support import ROOT, free_port, running_app
from vectorstore.store import Filters

QUESTION = "Which Uzbek president did Blinken meet?"


# ---- the web API: "auto", offered backends, clear errors, streaming ---------------------------------
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


# ---- LangChain: the standard retriever suite, async streaming ------------------------------------
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


# ---- input validation ------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [0, -1, MAX_K + 1, 100_000, 2.5, True])
def test_retrieve_refuses_a_k_out_of_range(seeded, k):
    with pytest.raises(ValueError, match=f"k must be a whole number from 1 to {MAX_K}"):
        seeded.retrieve(QUESTION, k=k)


def test_lookup_refuses_k_zero_instead_of_finding_nothing(seeded):
    with pytest.raises(ValueError, match="k must be"):
        seeded.lookup("he had meetings with Uzbek president, Shawkat Mirziyoyev", k=0)


@pytest.mark.parametrize("filters, message", [
    (Filters(since="notadate"), "since must be a real date as YYYY-MM-DD, got 'notadate'"),
    (Filters(until="2023-02-30"), "until must be a real date as YYYY-MM-DD, got '2023-02-30'"),
    (Filters(since="2023-05-01", until="2023-01-01"), r"since \(2023-05-01\) is after until \(2023-01-01\)"),
])
def test_retrieve_refuses_bad_date_filters(seeded, filters, message):
    with pytest.raises(ValueError, match=message):
        seeded.retrieve(QUESTION, filters=filters)


@pytest.mark.parametrize("args, message", [
    (["ask", QUESTION, "--backend", "extractive", "--k", "0"], "k must be a whole number from 1 to"),
    (["ask", QUESTION, "--backend", "extractive", "--k", "-1"], "k must be a whole number from 1 to"),
    (["ask", QUESTION, "--backend", "extractive", "--k", "100000"], "k must be a whole number from 1 to"),
    (["lookup", "Shawkat Mirziyoyev", "--k", "0"], "k must be a whole number from 1 to"),
    (["ask", QUESTION, "--backend", "extractive", "--since", "notadate"], "since must be a real date as YYYY-MM-DD"),
    (["ask", QUESTION, "--backend", "extractive", "--since", "2023-02-30"], "since must be a real date"),
    (["ask", QUESTION, "--backend", "extractive", "--since", "2024-01-01", "--until", "2023-01-01"], "is after until"),
])
def test_cli_input_errors_are_one_line(seeded, capsys, args, message):
    assert main([*args, "--store", seeded.settings.store]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
    assert "int()" not in err and "Traceback" not in err and not out


def test_a_bad_number_setting_names_the_setting(monkeypatch):
    monkeypatch.setenv("ASSISTANT_K", "five")
    with pytest.raises(ValueError, match="setting k must be a whole number, got 'five'"):
        Settings.load()


# ---- serving -----------------------------------------------------------------------------------------
def test_serve_on_a_busy_port_is_one_line_and_no_banner(seeded, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--backend", "extractive", "--store", seeded.settings.store]) == 2
    out, err = capsys.readouterr()
    assert "web chat on" not in out
    assert err.startswith("error: cannot serve on 127.0.0.1:") and "--port" in err and err.count("\n") == 1, err


def test_malformed_auth_prints_no_login_banner(seeded, capsys):
    assert main(["serve", "--auth", "user:", "--port", str(free_port()), "--backend", "extractive",
                 "--store", seeded.settings.store]) == 2
    out, err = capsys.readouterr()
    assert "web chat on" not in out and "login required" not in out
    assert err == "error: --auth must be user:pass\n"


# ---- uploads -----------------------------------------------------------------------------------------
def test_zip_with_too_many_files_is_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(uploads.MAX_ZIP_FILES + 1):
            zf.writestr(f"f{i}.txt", "x")
    placed, unplaced = uploads.place_uploads([str(archive)], tmp_path / "uploads")
    assert placed == []
    assert [(r.location, r.status) for r in unplaced] == [("many.zip", "failed")]
    assert f"over the {uploads.MAX_ZIP_FILES}-file limit" in unplaced[0].reason
    assert not (tmp_path / "uploads" / "many").exists()


def test_damaged_and_linked_zip_entries_are_reported_and_leave_nothing_behind(tmp_path):
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("good.txt", "a good article")
        zf.writestr("bad.txt", "CORRUPTED-PAYLOAD")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"CORRUPTED-PAYLOAD", b"corrupted-payload"))  # same size, bad CRC
    placed, unplaced = uploads.place_uploads([str(archive)], tmp_path / "uploads")
    target = (tmp_path / "uploads" / "mixed").resolve()
    assert placed == [target / "good.txt"]
    reported = {r.location: (r.status, r.reason) for r in unplaced}
    assert reported["mixed.zip/bad.txt"][0] == "failed" and "CRC" in reported["mixed.zip/bad.txt"][1]
    assert reported["mixed.zip/link.txt"] == ("skipped", "symbolic link in the archive, not extracted")
    assert sorted(p.name for p in target.iterdir()) == ["good.txt"]  # no 0-byte bad.txt


# ---- CLI output ----------------------------------------------------------------------------------------
def test_list_json_into_a_closed_pipe_is_quiet(seeded):
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "list", "--json", "--store", seeded.settings.store],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` leaving before the listing is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ask_stream_separates_the_draft_from_the_verified_answer(seeded, capsys):
    assert main(["ask", QUESTION, "--stream", "--backend", "extractive", "--store", seeded.settings.store]) == 0
    draft, verified = capsys.readouterr().out.split(f"\n\n{VERIFIED}\n")
    assert "Mirziyoyev" in draft and "Mirziyoyev" in verified and "Sources:" in verified


# ---- ingest: titles, JSONL record names ----------------------------------------------------------------
@pytest.mark.parametrize("head", [
    "<title><script>alert(1)</script>Zebra crossings return</title>",
    "<title>Zebra crossings return</title>",
])
def test_script_text_never_reaches_an_html_title(head):
    page = (f"<html><head>{head}</head><body><article><h1><script>alert(1)</script>Zebra crossings return</h1>"
            "<p>The council repainted every zebra crossing in the old town after residents asked for safer "
            "routes to school, and drivers now slow down near the market square.</p>"
            "<p>Residents say the new crossings are easier to see at night than the old ones.</p>"
            "</article></body></html>")
    raw = read_html(page, "zebra.html")
    assert raw.title == "Zebra crossings return"
    assert "alert" not in raw.text


def test_jsonl_records_keep_their_doc_id_when_lines_are_inserted(fresh, tmp_path):
    export = tmp_path / "export.jsonl"
    records = [{"url": "https://example.org/bridge", "title": "Bridge reopens",
                "text": "The old stone bridge over the Wenning reopened on Monday after two years of repairs."},
               {"title": "Ferry returns",
                "text": "The summer ferry to the island is running again, twice a day from the north pier."}]
    export.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    first = {r.location.rsplit("#", 1)[1]: r.doc_id for r in fresh.ingest([export]).results}
    new = {"title": "Market opens", "text": "A farmers' market opens on the square every Saturday from May on."}
    export.write_text("\n".join(json.dumps(r) for r in [new, *records]) + "\n", encoding="utf-8")
    second = fresh.ingest([export]).results
    assert sorted(r.status for r in second) == ["added", "skipped", "skipped"]
    assert {r.location.rsplit("#", 1)[1]: r.doc_id for r in second if r.status == "skipped"} == first
    assert all(r.location.rsplit("#", 1)[1].isdigit() for r in second)  # the form `prune` reads
    assert len(fresh.documents()) == 3


def test_jsonl_bad_lines_are_still_reported_by_line_number(tmp_path):
    export = tmp_path / "export.jsonl"
    export.write_text('{"text": "A fine record with enough words in it."}\n{oops\n', encoding="utf-8")
    good, bad = read(export)
    assert bad.location == f"{export}#2" and good.location != f"{export}#1"
