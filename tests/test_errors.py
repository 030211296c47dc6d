"""User errors are their own classes, shown in one line; anything else keeps its traceback (unit layer)."""
from __future__ import annotations

import pytest

from assistant import cli
from assistant.errors import USER_ERRORS, InvalidRequest, MissingPath


def test_bare_builtin_errors_are_not_user_errors():
    assert not issubclass(ValueError, USER_ERRORS) and not issubclass(FileNotFoundError, USER_ERRORS)
    assert issubclass(InvalidRequest, USER_ERRORS) and issubclass(InvalidRequest, ValueError)
    assert issubclass(MissingPath, USER_ERRORS) and issubclass(MissingPath, FileNotFoundError)


def test_a_user_error_is_one_line_and_debug_shows_its_traceback(tmp_path, capsys):
    missing = str(tmp_path / "missing.jsonl")
    argv = ["ask", "--questions", missing, "--backend", "extractive", "--store", str(tmp_path / "store")]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err == f"error: no questions file at {missing}\n"
    with pytest.raises(MissingPath):
        cli.main(argv + ["--debug"])


def test_a_question_file_line_that_is_not_json_is_named(tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "fine"}\n\nnot json\n')
    assert cli.main(["ask", "--questions", str(questions), "--store", str(tmp_path / "store")]) == 2
    assert f"{questions}, line 3: not JSON" in capsys.readouterr().err


def test_a_broken_settings_file_is_a_user_error(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("k = = 5\n")
    assert cli.main(["list", "--config", str(config), "--store", str(tmp_path / "store")]) == 2
    assert "is not valid TOML" in capsys.readouterr().err


def test_a_bug_keeps_its_traceback(tmp_path, monkeypatch):
    def broken(args):
        raise ValueError("a bug, not the user's input")

    monkeypatch.setitem(cli.COMMANDS, "list", broken)
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["list", "--store", str(tmp_path / "store")])
