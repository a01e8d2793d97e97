"""Reading a page's rows off the GUI thread.

A table page reloads when its table changes. Reading thousands of rows (and working out
each term's place in the glossary) takes tens of milliseconds, a visible stall if done on
the GUI thread while runs commit every second, so the reads run on a small pool of their
own and hand the rows back through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None


def loading_pool() -> QThreadPool:
    """One thread: loads are short, and in order."""
    global _pool  # noqa: PLW0603 (one pool for the process, made when first needed)
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(5000)
    return _pool


class TableLoadSignals(QObject):
    #: generation, project id, the table's fingerprint, the rows.
    loaded = Signal(int, int, object, object)


class TableLoad(QRunnable):
    def __init__(
        self,
        generation: int,
        project_id: int,
        table: str,
        load: Callable[[int], list],
    ) -> None:
        super().__init__()
        self.signals = TableLoadSignals()
        self._args = (generation, project_id, table, load)

    def run(self) -> None:
        generation, project_id, table, load = self._args
        try:
            with db.connection_context():
                # The fingerprint first: a change committed while the rows are read makes
                # the next comparison differ, so it is read again rather than missed.
                fingerprint = repo.table_fingerprint(table, project_id)
                rows = load(project_id)
        except Exception:  # the page keeps its rows; the next change reloads it
            log.exception("reloading %s rows of project %s failed", table, project_id)
            rows, fingerprint = None, None
        if rows is not None:
            self.signals.loaded.emit(generation, project_id, fingerprint, rows)
