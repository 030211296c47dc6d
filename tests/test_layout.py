"""The layout rules of README "Architecture" hold (scripts/import_graph.py), and each breaks when it should."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
import_graph = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_graph)


def test_the_repository_keeps_its_layout_rules():
    assert import_graph.problems() == []


def test_each_rule_is_caught(tmp_path):
    for package in ("assistant", "ingest", "vectorstore"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    (tmp_path / "vectorstore" / "extra.py").write_text("from assistant.api import Assistant\n")
    (tmp_path / "ingest" / "loop_a.py").write_text("from ingest import loop_b\n")
    (tmp_path / "ingest" / "loop_b.py").write_text("from ingest import loop_a\n")
    (tmp_path / "assistant" / "peek.py").write_text("def f():\n    from assistant.web import launch\n" + "x = 1\n" * 300)
    found = "\n".join(import_graph.problems(tmp_path))
    assert "vectorstore.extra imports assistant.api" in found
    assert "import cycle" in found and "ingest.loop_a" in found
    assert "assistant.peek imports assistant.web: only the launchers may" in found
    assert "assistant.peek imports assistant.web inside a function" in found
    assert "assistant.peek has 302 lines" in found
