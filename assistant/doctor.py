"""`assistant doctor [--repair]`: print the store's health findings (vectorstore/health.py) and, when
asked, its repairs. A registry that cannot be used is checked on the raw file before the store opens."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from vectorstore import health, pg_health
from vectorstore.errors import StoreError
from vectorstore.store import Store


def run(path: str | Path, open_store: Callable[[], Store], encode, repair_store: bool = False, out=print,
        database_url: str | None = None) -> int:
    """Print the findings (and repairs) for the store in `path`, or in the database at `database_url`
    (the server store), opened by `open_store()` once its registry is usable; `encode` re-embeds
    missing vectors. 0 when the store is healthy at the end, else 1."""
    path = Path(path)
    checks = pg_health if database_url else health
    registry = pg_health.check_database(database_url) if database_url else health.check_registry(path)
    out(registry.line())
    if not registry.ok and database_url:
        return 1  # a database is never set aside: its line says where to point --database-url
    if not registry.ok:
        if not repair_store:
            out("run `assistant doctor --repair` to set the registry aside and start empty, then re-ingest")
            return 1
        out("repair: " + health.set_aside(path))
    try:
        store = open_store()
        findings = checks.check(store)
    except StoreError as exc:
        out(f"PROBLEM  store: {exc}")
        return 1
    for finding in findings:
        out(finding.line())
    if all(f.ok for f in findings):
        return 0
    if not repair_store:
        out("run `assistant doctor --repair` to fix what can be rebuilt")
        return 1
    for action in checks.repair(store, encode) or ["nothing to rebuild"]:
        out("repair: " + action)
    findings = checks.check(store)
    for finding in findings:
        out(finding.line())
    return 0 if all(f.ok for f in findings) else 1
