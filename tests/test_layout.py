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
    found = import_graph.problems()
    assert found == []


def test_each_rule_is_caught(tmp_path):
    for package in ("assistant", "ingest", "vectorstore"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    (tmp_path / "vectorstore" / "extra.py").write_text("from assistant.api import Assistant\n")
    (tmp_path / "ingest" / "loop_a.py").write_text("from ingest import loop_b\n")
    (tmp_path / "ingest" / "loop_b.py").write_text("from ingest import loop_a\n")
    (tmp_path / "assistant" / "peek.py").write_text("def f():\n    from assistant.web import launch\n" + "x = 1\n" * 300)
    (tmp_path / "ingest" / "peek_store.py").write_text("from vectorstore import store\n")  # vectorstore imports ingest
    facade = tmp_path / "assistant" / "api.py"
    facade.write_text(facade.read_text() + "\n" * (import_graph.FACADE_MAX_LINES + 1))
    for n in range(import_graph.MAX_TOP_MODULES + 1):
        (tmp_path / "assistant" / f"extra_{n}.py").write_text("")
    found = "\n".join(import_graph.problems(tmp_path))
    assert "vectorstore.extra imports assistant.api" in found
    assert "import cycle" in found and "ingest.loop_a" in found
    assert "assistant.peek imports assistant.web: only the launchers may" in found
    assert "assistant.peek imports assistant.web inside a function" in found
    assert "assistant.peek has 302 lines" in found
    assert "folder import cycle: ingest -> vectorstore -> ingest" in found or \
        "folder import cycle: vectorstore -> ingest -> vectorstore" in found
    assert f"over {import_graph.FACADE_MAX_LINES} for the facade" in found
    assert f"over {import_graph.MAX_TOP_MODULES}): group them in packages" in found


def test_a_package_and_the_packages_inside_it_are_one_folder(tmp_path):
    """`assistant` imports its stages and they import its types: no folder cycle. Siblings may not loop."""
    (tmp_path / "app.py").write_text("")
    for name in ("assistant", "assistant/answer", "assistant/verify"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "assistant" / "types.py").write_text("")
    (tmp_path / "assistant" / "api.py").write_text("from assistant.answer import compose\n")
    (tmp_path / "assistant" / "answer" / "compose.py").write_text("from assistant import types\n"
                                                                   "from assistant.verify import votes\n")
    (tmp_path / "assistant" / "verify" / "votes.py").write_text("from assistant import types\n")
    assert import_graph.problems(tmp_path) == []
    (tmp_path / "assistant" / "verify" / "votes.py").write_text("from assistant.answer import evidence\n")
    (tmp_path / "assistant" / "answer" / "evidence.py").write_text("")
    assert [p.split(": ")[0] for p in import_graph.problems(tmp_path)] == ["folder import cycle"]
