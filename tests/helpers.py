"""Test doubles and small helpers (test code only)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from keyring.backend import KeyringBackend

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.models import Run

T = TypeVar("T")


class GatedPipeline:
    """A pipeline whose runs block until the test says how they end.

    Keyed by project id (a project has at most one active run). The pipeline checks its
    cancel token every few milliseconds, like the real steps do between chunks.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decisions: dict[int, str] = {}
        self._events: dict[int, threading.Event] = {}
        self.started: list[int] = []  # project ids, in start order
        self.past_gate: list[int] = []  # project ids whose pipeline was let go, in order
        self.calls = 0
        #: Further ways to end, by name: called with the pipeline's arguments once let go.
        self.endings: dict[str, Callable[[int, str, RunContext], str]] = {}

    def _event(self, project_id: int) -> threading.Event:
        with self._lock:
            return self._events.setdefault(project_id, threading.Event())

    def release(self, project_id: int, how: str = "finish") -> None:
        """``finish`` returns normally; ``raise`` raises; ``ignore-cancel`` finishes even if
        cancelled (a cancel that came too late); ``late-cancel`` waits, past its last check
        point, for a cancel (failing if none comes) and then finishes; or one of ``endings``."""
        with self._lock:
            self._decisions[project_id] = how
        self._event(project_id).set()

    def __call__(self, project_id: int, scope: str, ctx: RunContext) -> str:
        with self._lock:
            self.calls += 1
            self.started.append(project_id)
        event = self._event(project_id)
        while True:
            if event.wait(0.005):
                break
            ctx.check()
        with self._lock:
            how = self._decisions.pop(project_id)
            self._events.pop(project_id, None)
            self.past_gate.append(project_id)
        if how in self.endings:
            return self.endings[how](project_id, scope, ctx)
        if how == "raise":
            raise RuntimeError("the pipeline broke")
        if how == "late-cancel" and not ctx.token.wait(10):
            raise RuntimeError("the late cancel never came")
        if how not in ("ignore-cancel", "late-cancel"):
            ctx.check()
        ctx.log(f"{scope} done")
        return f"{scope} done"


def new_project(name: str = "P") -> int:
    return repo.create_project(name)


def status_of(run_id: int) -> str:
    return Run.get_by_id(run_id).status


def raw_status(data_dir: Path, run_id: int) -> str:
    """Read a run's status on a brand-new connection: what is committed, nothing else."""
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        row = conn.execute("SELECT status FROM run WHERE id = ?", (run_id,)).fetchone()
        return row[0] if row else "missing"
    finally:
        conn.close()


@contextmanager
def write_lock(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock from another connection while the block runs."""
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def write_past_a_lock(data_dir: Path, write: Callable[[], T]) -> T:
    """Run ``write`` while another connection holds the write lock, which it lets go once
    ``write`` has been refused and says it waits (the store's patience, here up to 30 s):
    the write must wait it out. Returns what ``write`` returned."""
    from genglossary_gui.store.database import WritePatience, thread_write_patience

    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock(data_dir):
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    told: list[str] = []

    def waiting(message: str) -> None:  # refused once: now let the lock go
        told.append(message)
        release.set()

    try:
        with thread_write_patience(WritePatience(seconds=30, on_wait=waiting)):
            result = write()
    finally:
        release.set()
        holder.join(10)
    assert told and "busy" in told[0], "the write was never refused by the lock"
    return result


_HOLD_LOCK_UNTIL_TOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # held until the test closes our stdin (or exits)
conn.execute("ROLLBACK")
conn.close()
"""


class ProcessLock:
    """Another process holding the database's write lock until the block ends (no timer:
    the lock goes when the test says so)."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / DB_FILENAME
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> subprocess.Popen[str]:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK_UNTIL_TOLD, str(self._path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"
        return self.process

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(30) == 0
        assert self.process.stdout is not None
        self.process.stdout.close()


class MemoryKeyring(KeyringBackend):
    """A keyring for tests (the machine has no system keyring): the ``memory_keyring``
    fixture installs one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)
