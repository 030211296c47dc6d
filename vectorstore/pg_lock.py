"""One writer per server store at a time, on whatever host: a PostgreSQL advisory lock held by one
connection for the whole ingest, write, remove or repair (lock.py's WriteLock does the same with a
file for the embedded store).

Re-entrant within a process, exclusive across processes and hosts; a second writer waits, saying on
stderr which process holds it, and gives up after `timeout` seconds. The server drops the lock when
its holder's connection ends, so a killed writer never leaves the store locked."""
from __future__ import annotations

import sys
import threading
import time

from vectorstore.lock import WAIT_SECONDS, StoreBusy
from vectorstore.pg_connection import Database

WRITE_LOCK = 0x61737400  # the advisory lock key: one store per database


class AdvisoryLock:
    def __init__(self, database: Database, timeout: float = WAIT_SECONDS):
        self.database, self.timeout = database, timeout
        self._threads = threading.RLock()
        self._depth = 0
        self._conn = None

    def __enter__(self) -> "AdvisoryLock":
        self._threads.acquire()
        try:
            if self._depth == 0:
                self._conn = self._acquire()
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                conn, self._conn = self._conn, None
                if not conn.closed and not conn.broken:
                    try:
                        conn.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
                    except self.database.psycopg.Error:
                        pass  # the session ends below, and with it the lock
                conn.close()
        finally:
            self._threads.release()

    def _acquire(self):
        conn = self.database.connect()  # its own session: the lock lives as long as it does
        try:
            if not self._try(conn):
                holder = self.holder(conn)
                print(f"waiting for the store in {self.database.label}: {holder} is writing to it "
                      f"(giving up after {self.timeout:g} s)", file=sys.stderr, flush=True)
                deadline = time.monotonic() + self.timeout
                while not self._try(conn):
                    if time.monotonic() >= deadline:
                        raise StoreBusy(f"the store in {self.database.label} is still locked by {holder} after "
                                        f"{self.timeout:g} s; wait for it to finish")
                    time.sleep(0.2)
            return conn
        except self.database.psycopg.Error as exc:
            conn.close()
            raise self.database.lost(exc) from exc
        except BaseException:
            conn.close()
            raise

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
