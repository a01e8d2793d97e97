"""Test doubles and small helpers (test code only)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.models import Run


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
        self.calls = 0

    def _event(self, project_id: int) -> threading.Event:
        with self._lock:
            return self._events.setdefault(project_id, threading.Event())

    def release(self, project_id: int, how: str = "finish") -> None:
        """``finish`` returns normally; ``raise`` raises; ``ignore-cancel`` finishes even if
        cancelled (a cancel that came too late)."""
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
        if how == "raise":
            raise RuntimeError("the pipeline broke")
        if how != "ignore-cancel":
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
