"""One writer per server store at a time, on whatever host: a PostgreSQL advisory lock held by one
connection for the whole ingest, write, remove or repair (lock.py's WriteLock does the same with a
file for the embedded store).

Re-entrant within a process, exclusive across processes and hosts; a second writer waits, saying on
stderr which process holds it, and gives up after `timeout` seconds. The server drops the lock when
its holder's connection ends, so a killed writer never leaves the store locked."""
from __future__ import annotations

from vectorstore.lock import WAIT_SECONDS, ReentrantLock, wait_for
from vectorstore.pg_connection import Database

WRITE_LOCK = 0x61737400  # the advisory lock key: one store per database


class AdvisoryLock(ReentrantLock):
    """Exclusive across processes and hosts through a PostgreSQL advisory lock on its own connection."""

    def __init__(self, database: Database, timeout: float = WAIT_SECONDS):
        super().__init__(timeout)
        self.database = database

    def _acquire(self):
        conn = self.database.connect()  # its own session: the lock lives as long as it does
        try:
            if not self._try(conn):
                wait_for(lambda: self._try(conn), f"in {self.database.label}", self.holder(conn), self.timeout,
                         "wait for it to finish")
            return conn
        except self.database.psycopg.Error as exc:
            conn.close()
            raise self.database.lost(exc) from exc
        except BaseException:
            conn.close()
            raise

    def _release(self, conn) -> None:
        if not conn.closed and not conn.broken:
            try:
                conn.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
            except self.database.psycopg.Error:
                pass  # the session ends below, and with it the lock
        conn.close()

    def _try(self, conn) -> bool:
        return conn.execute("select pg_try_advisory_lock(%s)", [WRITE_LOCK]).fetchone()[0]

    def holder(self, conn) -> str:
        """Who holds the lock, as its connection named itself ("assistant HOST pid N")."""
        row = conn.execute(
            "select a.application_name, host(a.client_addr) from pg_locks l join pg_stat_activity a on a.pid = l.pid "
            "where l.locktype = 'advisory' and l.granted and l.database = "
            "(select oid from pg_database where datname = current_database()) "
            "and ((l.classid::bigint << 32) | l.objid::bigint) = %s", [WRITE_LOCK]).fetchone()
        if not row:
            return "another process"
        name, address = row
        return f"{name or 'another process'}{f' at {address}' if address else ''}"
