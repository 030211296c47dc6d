"""PostgreSQL connections for the server store (`--database-url postgresql://...`): the URL checked
before anything connects, a few autocommit connections shared by the threads of a process, and every
failure to reach the server one `DatabaseUnreachable` line naming it (never its password) and the fix.

psycopg is imported when a database is first used: the embedded store never needs it."""
from __future__ import annotations

import contextlib
import os
import socket
import threading
from typing import Iterator
from urllib.parse import urlparse

from vectorstore.errors import ServerUnreachable, StoreError

SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 5  # seconds: a server that does not answer by then is reported, not waited for
OPTIONS = "-c jit=off"  # short queries: compiling them (seconds when estimates are off) never pays
IDLE_KEPT = 8  # connections a process keeps open between uses (each Gradio worker thread borrows one)


class DatabaseUnreachable(ServerUnreachable):
    """The PostgreSQL server cannot be reached, or went away mid-command."""


def describe(url: str) -> str:
    """The URL as messages show it: user, host, port and database, never the password."""
    parts = urlparse(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname or 'localhost'}{port}{parts.path}"


def check_url(url: str) -> None:
    """A database URL this assistant can use, or one StoreError line saying what it should look like."""
    parts = urlparse(url)
    if parts.scheme not in SCHEMES:
        raise StoreError(f"--database-url {url!r} is not a PostgreSQL URL: write it as "
                         "postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    if not parts.path.strip("/"):
        raise StoreError(f"--database-url {describe(url)} names no database: end it with /DATABASE "
                         "(create one with `createdb NAME`)")
    try:
        parts.port
    except ValueError:
        raise StoreError(f"--database-url {describe(url)!r} has a port that is not a number") from None


class Database:
    """Connections to one PostgreSQL database, borrowed for a statement or a transaction."""

    def __init__(self, url: str):
        check_url(url)
        import psycopg  # the `servers` extra

        self.url, self.label, self.psycopg = url, describe(url), psycopg
        self._idle: list = []
        self._lock = threading.Lock()

    def connect(self):
        """A new autocommit connection; a server that is not there is one DatabaseUnreachable line."""
        try:
            return self.psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, options=OPTIONS,
                                        application_name=f"assistant {socket.gethostname()} pid {os.getpid()}")
        except self.psycopg.OperationalError as exc:
            raise DatabaseUnreachable(f"cannot connect to PostgreSQL at {self.label}: {first_line(exc)} "
                                      "(is the server running there, and are --database-url's user, password "
                                      "and database right?)") from None

    @contextlib.contextmanager
    def connection(self) -> Iterator:
        """A connection for a few statements (autocommit: each statement sees committed documents only)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self.connect()
        try:
            yield conn
        except self.psycopg.Error as exc:
            if conn.closed or conn.broken:
                raise self.lost(exc) from exc
            raise
        finally:
            self._give_back(conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator:
        """A connection inside one transaction: committed whole at the end, or not at all."""
        with self.connection() as conn, conn.transaction():
            yield conn

    def lost(self, exc: Exception) -> DatabaseUnreachable:
        return DatabaseUnreachable(
            f"lost the PostgreSQL server at {self.label} ({first_line(exc)}); start it again and rerun: "
            "finished documents are kept, nothing half-written is visible")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _give_back(self, conn) -> None:
        if conn.closed or conn.broken:
            return
        if conn.info.transaction_status != self.psycopg.pq.TransactionStatus.IDLE:
            conn.close()  # left mid-transaction by an error: not worth reusing
            return
        with self._lock:
            if len(self._idle) < IDLE_KEPT:
                self._idle.append(conn)
                return
        conn.close()


def first_line(exc: Exception) -> str:
    return " ".join(str(exc).strip().splitlines()[:1]) or exc.__class__.__name__
