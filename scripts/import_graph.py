"""The project's import graph and the layout rules it must keep: `python scripts/import_graph.py [--quiet]`.

Prints each module with the project modules it imports (lazy ones marked), then checks: no import
cycles between files, nor between folders (a package and the packages inside it are one concern, so
only imports between folders that do not hold each other count); `vectorstore/` imports nothing from
`assistant/`; only the launchers import `assistant.web`, and the web package reaches the rest through
the public API (`from assistant import ...`) or `ingest.uploads`; only the modules named in LAZY_OK are
imported inside functions; no module over MAX_LINES, the facade under FACADE_MAX_LINES, and at most
MAX_TOP_MODULES modules at the top of `assistant/` (the rest live in packages named for their concern).
Exits 1 on a broken rule (tests/test_layout.py runs it).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "vectorstore", "app")
LAUNCHERS = {"app", "assistant.commands"}
WEB_MAY_IMPORT = {"assistant", "ingest.uploads"}
LAZY_OK = {"assistant.runnable", "assistant.llama_chat"}  # LangChain / llama.cpp: seconds to import
MAX_LINES = 300
FACADE, FACADE_MAX_LINES = "assistant.api", 150  # `Assistant` delegates to the stages; it does not hold them
TOP, MAX_TOP_MODULES = "assistant", 20  # modules beside the facade; packages (folders) do not count


def modules(root: Path = ROOT) -> dict[str, Path]:
    paths = [root / "app.py", *root.glob("assistant/**/*.py"), *root.glob("ingest/*.py"), *root.glob("vectorstore/*.py")]
    return {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p for p in paths}


def edges(mods: dict[str, Path]) -> dict[str, set[tuple[str, bool]]]:
    """module -> {(imported project module, imported inside a function)}."""
    def resolve(name: str) -> str:
        while name and name not in mods:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return name

    graph = {}
    for name, path in mods.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in mods else node.module
                           for a in node.names]
            else:
                continue
            found |= {(resolve(t), node.col_offset > 0) for t in targets if t.split(".")[0] in PACKAGES}
        graph[name] = {(t, lazy) for t, lazy in found if t and t != name}
    return graph


def cycles(graph: dict[str, set[tuple[str, bool]]]) -> list[list[str]]:
    """Cycles among modules; the package facade `assistant` (it only re-exports) is left out."""
    return loops({n: {t for t, _ in e if t != "assistant"} for n, e in graph.items() if n != "assistant"})


def folder(name: str, path: Path, root: Path = ROOT) -> str:
    """The folder (package) a module lives in, dotted; a file at the root is a folder of its own."""
    return ".".join(path.relative_to(root).parent.parts) or name


def folder_graph(mods: dict[str, Path], graph: dict[str, set[tuple[str, bool]]],
                 root: Path = ROOT) -> dict[str, set[str]]:
    """folder -> the folders its modules import, leaving out imports between a folder and one inside it."""
    def nested(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    where = {name: folder(name, path, root) for name, path in mods.items()}
    folders: dict[str, set[str]] = {}
    for name, targets in graph.items():
        imported = {where[t] for t, _ in targets if not nested(where[name], where[t])}
        folders.setdefault(where[name], set()).update(imported)
    return folders


def loops(plain: dict[str, set[str]]) -> list[list[str]]:
    """Cycles in a graph of names, each as the path that closes it."""
    found, done = [], set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            found.append(stack[stack.index(node):] + [node])
            return
        if node in done:
            return
        for target in plain.get(node, ()):
            visit(target, stack + [node])
        done.add(node)

    for node in plain:
        visit(node, [])
    return found


def problems(root: Path = ROOT) -> list[str]:
    mods = modules(root)
    graph = edges(mods)
    found = [f"import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    found += [f"folder import cycle: {' -> '.join(c)}" for c in loops(folder_graph(mods, graph, root))]
    for name, targets in graph.items():
        for target, lazy in targets:
            if name.startswith("vectorstore") and target.startswith("assistant"):
                found.append(f"{name} imports {target}: vectorstore/ must not depend on assistant/")
            if target.startswith("assistant.web") and not name.startswith("assistant.web") and name not in LAUNCHERS:
                found.append(f"{name} imports {target}: only the launchers may")
            if name.startswith("assistant.web") and not target.startswith("assistant.web") and target not in WEB_MAY_IMPORT:
                found.append(f"{name} imports {target}: the web package uses the public API")
            if lazy and target not in LAZY_OK:
                found.append(f"{name} imports {target} inside a function: import it at the top")
    for name, path in mods.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{name} has {lines} lines (over {MAX_LINES}): split it along a seam")
        if name == FACADE and lines > FACADE_MAX_LINES:
            found.append(f"{name} has {lines} lines (over {FACADE_MAX_LINES} for the facade): "
                         "move the work into a stage")
    top = [name for name, path in mods.items() if path.parent == root / TOP and path.name != "__init__.py"]
    if len(top) > MAX_TOP_MODULES:
        found.append(f"{TOP}/ holds {len(top)} modules at its top level (over {MAX_TOP_MODULES}): "
                     "group them in packages by concern")
    return found


def main() -> int:
    if "--quiet" not in sys.argv:
        for name, targets in sorted(edges(modules()).items()):
            print(name, "->", ", ".join(sorted(t + (" (lazy)" if lazy else "") for t, lazy in targets)))
    found = problems()
    for problem in found:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
