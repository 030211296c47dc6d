"""What the command line says on bad input and after an ingest: one `error: ...` line and exit status 2,
a line per failed file, plurals (unit layer: a one-paragraph article in a temp store)."""
from __future__ import annotations

import pytest

from assistant import Assistant, InvalidRequest, cli

ARTICLE = ("Source: Caliber.az\nDate: 2024-01-02\n\n"
           "The quick brown fox jumped over the lazy dog in Baku on Tuesday. It was a remarkable event.\n")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "fox.txt").write_text(ARTICLE)
    return tmp_path / "articles"


def test_each_failed_path_is_named_with_its_reason_before_the_summary(tmp_path, folder, capsys):
    missing, unmatched = str(tmp_path / "nonexistent.txt"), str(tmp_path / "*.nomatch")
    assert cli.main(["ingest", str(folder), missing, unmatched, "--store", str(tmp_path / "store")]) == 1
    out, err = capsys.readouterr()
    assert f"failed: {missing}: no such file or folder\n" in err
    assert f"failed: {unmatched}: no such file or folder\n" in err
    assert out == ("1 added, 0 updated, 0 revised, 0 skipped, 0 duplicate, 0 removed, 2 failed; "
                   "1 paragraph in the store\n")


def test_list_counts_in_the_singular(tmp_path, folder, capsys):
    store = str(tmp_path / "store")
    assert cli.main(["ingest", str(folder), "--quiet", "--store", store]) == 0
    assert cli.main(["list", "--store", store]) == 0
    out, err = capsys.readouterr()
    assert "\t1 paragraph\t2024-01-02\t" in out and err == "1 document\n"


@pytest.mark.parametrize("argv, message", [
    (["ask", "q", "--k", "abc"], "error: argument --k: invalid int value: 'abc'\n"),
    (["ask", "q", "--k", "1.5"], "error: argument --k: invalid int value: '1.5'\n"),
    (["ask", "q", "--backend", "foo"], "error: argument --backend: invalid choice: 'foo' (choose from "),
    (["lookup"], "error: the following arguments are required: text\n"),
    ([], "error: the following arguments are required: command\n"),
])
def test_a_bad_flag_is_one_error_line_and_status_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith(message) and err.count("\n") == 1


def test_help_still_prints_the_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["ask", "--help"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("usage: assistant ask")


def test_a_config_file_given_but_missing_is_an_error(tmp_path, capsys):
    config = str(tmp_path / "nonexistent.toml")
    assert cli.main(["list", "--config", config, "--store", str(tmp_path / "store")]) == 2
    assert capsys.readouterr().err == f"error: config file {config} not found\n"


def test_ask_about_an_unknown_document_is_an_error_not_an_abstention(tmp_path, folder, capsys):
    store = str(tmp_path / "store")
    assert cli.main(["ingest", str(folder), "--quiet", "--store", store]) == 0
    argv = ["ask", "What did the fox jump over?", "--backend", "extractive", "--store", store]
    assert cli.main(argv + ["--doc", "NONEXISTENT"]) == 2
    assert capsys.readouterr().err == "error: no document 'NONEXISTENT' (see `assistant list`)\n"
    doc_id = Assistant(store=store).documents()[0].doc_id
    assert cli.main(argv + ["--doc", doc_id]) == 0
    assert "lazy dog" in capsys.readouterr().out


def test_the_api_takes_filters_as_a_plain_dict(tmp_path, folder):
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assert assistant.ingest([folder]).ok
    question = "What did the fox jump over?"
    assert not assistant.ask(question, filters={"source": "Caliber.az", "since": "2024-01-01"}).abstained
    assert assistant.ask(question, filters={"source": "financialexpress"}).abstained
    assert assistant.retrieve(question, filters={"doc_id": assistant.documents()[0].doc_id})
    with pytest.raises(InvalidRequest, match=r"unknown filter\(s\): sorce \(known: doc_id, source, author"):
        assistant.ask(question, filters={"sorce": "Caliber.az"})


def test_ask_numbers_paragraphs_from_one_as_the_web_chat_does(tmp_path, folder, capsys):
    store = str(tmp_path / "store")
    assert cli.main(["ingest", str(folder), "--quiet", "--store", store]) == 0
    assert cli.main(["ask", "Where did the quick brown fox jump over the lazy dog?", "--backend", "extractive",
                     "--store", store]) == 0
    out, _ = capsys.readouterr()
    assert "(Caliber.az, paragraph 1)" in out and "paragraph 0" not in out
