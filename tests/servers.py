"""A real PostgreSQL for the server store's tests: a throw-away cluster of Debian's `postgresql` package
(scripts/setup.sh --test installs it) on a free loopback port, in a temp folder, run as the unprivileged
`postgres` user when the tests run as root (PostgreSQL refuses root). The same commands start it in
docs/deploy.md."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from support import free_port


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps them under /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """One cluster: `start()`, `stop()` (as a crash or an operator would), `url(database)`, `create(name)`."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            message = "PostgreSQL is not installed (scripts/setup.sh --test installs Debian's `postgresql`)"
            if os.environ.get("REQUIRE_SHARED") == "1":
                pytest.fail(message)
            pytest.skip(message)
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))  # /tmp: the postgres user can reach it
        self.data = self.folder / "data"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        (self.data / "postgresql.conf").open("a").write(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
            "max_connections = 200\nfsync = off\n")
        self.start()

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "60", "start")

    def restart(self) -> None:
        """`pg_ctl restart`: every open connection is cut, and the server is back at once."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-m", "fast", "-w", "-t", "60",
                  "restart")

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash: open connections are cut, nothing is shut down cleanly."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create(self, name: str) -> str:
        """A new empty database; returns its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def remove(self) -> None:
        self.stop("immediate")
        for _ in range(20):
            try:
                shutil.rmtree(self.folder)
                return
            except OSError:
                time.sleep(0.2)


def one_error_line(err: str) -> str:
    """The command's stderr is one `error: ...` line, no traceback; returns it."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def assert_whole(store) -> None:
    """A server store with no interrupted write, every document whole, one vector a paragraph, no others."""
    from vectorstore import pg_health

    findings = pg_health.check(store)
    assert all(f.ok for f in findings), [f.line() for f in findings]
    assert store.collection.count() == store.count() == sum(d.paragraphs for d in store.documents())

