"""The scripts in examples/ run as a user would run them, against the seeded store."""
from __future__ import annotations

import os
import subprocess
import sys

from support import ROOT

EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str, store_env: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_STORE", "ASSISTANT_BACKEND")}
    env["HF_HUB_OFFLINE"] = "1"
    if store_env:
        env["ASSISTANT_STORE"] = store_env
    done = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ask_question_prints_answer_and_sources(seeded):
    out = run_example("ask_question.py", "What did Blinken say about sanctions on Chinese companies?",
                      str(seeded.settings.store))
    answer, *sources = out.strip().splitlines()
    assert "[1]" in answer and "sanctions" in answer
    assert sources and sources[0].startswith("[1] ")
    assert any(sources[0][4:].startswith(d.title) for d in seeded.documents())


def test_check_quotes_prints_a_verdict_per_quote(seeded, tmp_path):
    quotes = tmp_path / "quotes.txt"
    quotes.write_text("Beijing could not play a dual game on Russian aggression\n\n"
                      "Blinken threatened to sanction Chinese firms that help Russia's war\n"
                      "My grandmother bakes banana bread with walnuts every Sunday.\n", encoding="utf-8")
    out = run_example("check_quotes.py", str(quotes), store_env=str(seeded.settings.store))
    verdicts = [line.split("\t")[0] for line in out.splitlines()]
    assert verdicts == ["quoted", "supported", "not_found"]
    assert "->" in out.splitlines()[0] and "->" not in out.splitlines()[2]


def test_langchain_pipeline_formats_each_answer(seeded):
    out = run_example("langchain_pipeline.py", store_env=str(seeded.settings.store))
    reports = out.strip().split("\n\n")
    assert len(reports) == 2
    for report in reports:
        lines = report.splitlines()
        assert lines[0].startswith("Q: What happened regarding ") and lines[1].startswith("A: ")
        assert lines[2] == "Sources:" and lines[3].startswith("  [1] ")
