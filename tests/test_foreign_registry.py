"""A registry.sqlite3 written by another tool is one line pointing at it, from every command, never a
traceback; `doctor --repair` sets it aside."""
from __future__ import annotations

import sqlite3

import pytest

from assistant.cli import main
from support import CORPUS

FOREIGN = {
    "another tool's tables": ["create table documents(x)"],
    "our meta, another tool's documents": [  # what an older `list` left behind: it stamped the file as ours
        "create table meta(key text primary key, value text not null)",
        "insert into meta values ('schema_version', '1'), ('embedder', 'minilm')",
        "create table documents(x)"],
}


@pytest.fixture(params=FOREIGN, ids=list(FOREIGN))
def store(request, tmp_path):
    path = tmp_path / "store"
    path.mkdir()
    with sqlite3.connect(path / "registry.sqlite3") as db:
        for statement in FOREIGN[request.param]:
            db.execute(statement)
    return path


@pytest.mark.parametrize("command", [["list"], ["ingest", str(CORPUS)], ["remove", "x"], ["ask", "Who?", "--backend", "extractive"]])
def test_every_command_says_the_registry_is_not_ours_in_one_line(store, command, capsys):
    assert main([*command, "--store", str(store)]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error:" in line]  # ingest's progress bar may come first
    assert len(errors) == 1 and "Traceback" not in err, err
    assert f"{store / 'registry.sqlite3'} was not written by this assistant" in errors[0], err
    assert "documents" in errors[0] and "doctor --repair" in errors[0], err


def test_doctor_names_the_foreign_registry_and_repair_sets_it_aside(store, capsys):
    assert main(["doctor", "--store", str(store)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  registry:" in out and "was not written by this assistant" in out, out

    assert main(["doctor", "--repair", "--store", str(store)]) == 0
    assert "moved the unusable registry aside" in capsys.readouterr().out
    assert main(["list", "--store", str(store)]) == 0
    assert "0 documents" in capsys.readouterr().err
