"""One writer per store at a time: an `fcntl.flock` on `<store>/write.lock`.

Two ingests into one store at once would each embed the same files and race on the registry;
the second one waits for the first instead (saying so on stderr), or gives up after `timeout`
seconds with a message naming the process that holds the lock. The kernel drops the lock when
its holder dies, so a killed ingest never leaves the store locked. Readers never take it: they
only see committed documents anyway."""
from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from vectorstore.errors import StoreError

WAIT_SECONDS = 600.0  # an ingest of a large folder can hold the lock for minutes


class StoreBusy(StoreError):
    """Another process kept the store's write lock past the timeout; the message says which."""


class ReentrantLock:
    """Re-entrant within a process (threads queue on an RLock; nested use just counts); a subclass
    makes it exclusive across processes: `_acquire()` returns what holds the lock, `_release(held)`
    lets it go."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._threads = threading.RLock()
        self._depth = 0
        self._held = None

    def __enter__(self):
        self._threads.acquire()
        try:
            if self._depth == 0:
                self._held = self._acquire()
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                held, self._held = self._held, None
                self._release(held)
        finally:
            self._threads.release()

    def _acquire(self):
        raise NotImplementedError

    def _release(self, held) -> None:
        raise NotImplementedError


def wait_for(try_lock, store: str, holder: str, timeout: float, fix: str) -> None:
    """Having said on stderr who holds the lock, try again every 0.2 s until `try_lock()` succeeds;
    StoreBusy (naming the holder and `fix`) after `timeout` seconds."""
    print(f"waiting for the store {store}: {holder} is writing to it (giving up after {timeout:g} s)",
          file=sys.stderr, flush=True)
    deadline = time.monotonic() + timeout
    while not try_lock():
        if time.monotonic() >= deadline:
            raise StoreBusy(f"the store {store} is still locked by {holder} after {timeout:g} s; {fix}")
        time.sleep(0.2)


class WriteLock(ReentrantLock):
    """Exclusive across processes through `flock` on `<store>/write.lock`."""

    def __init__(self, folder: str | os.PathLike, timeout: float = WAIT_SECONDS):
        super().__init__(timeout)
        self.path = Path(folder) / "write.lock"

    def _acquire(self):
        handle = open(self.path, "a+")
        try:
            if not _try_lock(handle):
                wait_for(lambda: _try_lock(handle), str(self.path.parent), _holder(handle), self.timeout,
                         "wait for it to finish, or use another --store")
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            return handle
        except BaseException:
            handle.close()
            raise

    def _release(self, handle) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextmanager
def briefly_exclusive(path: str | os.PathLike):
    """A blocking flock on `path` for a critical section of a second or so (no timeout, no message)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(handle) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return f"process {pid}" if pid.isdigit() else "another process"
