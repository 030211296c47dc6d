"""Bad input through every entry point (Python, CLI, settings) is a clear one-line error, never an
empty result."""
from __future__ import annotations

import pytest

from assistant.cli import main
from assistant.settings import MAX_K, Settings
from vectorstore.store import Filters


QUESTION = "Which Uzbek president did Blinken meet?"


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
