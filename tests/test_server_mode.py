"""Server mode against a real `chroma run` process: ingest, ask, lookup and remove work the same."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from support import free_port, start_chroma, stop


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    process = start_chroma(path, port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def test_ingest_and_ask_through_a_chroma_server(chroma_server, corpus_dir, tmp_path, capsys):
    from assistant import Assistant

    local = tmp_path / "state"
    assistant = Assistant(store=local, chroma_url=chroma_server, backend="extractive")
    report = assistant.ingest([corpus_dir])
    assert report.summary()["added"] == 2
    assert not (local / "chroma").exists()  # vectors live on the server, not in the local folder
    assert assistant.store.collection.count() == len(assistant.paragraphs())

    answer = assistant.ask("Which Uzbek president did Blinken meet?")
    assert any("Mirziyoyev" in c.text for c in answer.citations)

    assert assistant.ingest([corpus_dir]).summary()["skipped"] == 2
    doc = assistant.documents()[0]
    assert assistant.remove(doc.doc_id)
    assert assistant.store.collection.count() == len(assistant.paragraphs()) == sum(
        d.paragraphs for d in assistant.documents())

    code = main(["ask", "Which Uzbek president did Blinken meet?", "--json", "--backend", "extractive",
                 "--store", str(local), "--chroma-url", chroma_server])
    assert code == 0 and "Mirziyoyev" in capsys.readouterr().out


def test_unreachable_chroma_server_is_a_clear_error(tmp_path, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    code = main(["ingest", str(Path(__file__).parent), "--store", str(tmp_path / "s"), "--chroma-url", url])
    err = capsys.readouterr().err
    assert code == 2 and url.split("//")[1] in err and "chroma run" in err and "Traceback" not in err
