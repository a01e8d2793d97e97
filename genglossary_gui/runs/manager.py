"""RunManager: starts runs on its own QThreadPool, cancels them, and bridges store changes.

Lock order: ``RunManager._lock`` is the only lock here and is a leaf. It guards ``_active``
and is never held while emitting a signal, touching the database or the pool.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from genglossary_gui.pipeline.context import CancelToken
from genglossary_gui.pipeline.isolated import run_scope_isolated
from genglossary_gui.pipeline.steps import SCOPES
from genglossary_gui.runs.monitor import OwnerMonitor
from genglossary_gui.runs.worker import Pipeline, RunWorker, WorkerSignals
from genglossary_gui.store import notify, transitions
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import Owner, current_owner
from genglossary_gui.store.transitions import CancelResult

__all__ = ["CancelResult", "RunManager", "RunStartError"]

log = logging.getLogger(__name__)

SHUTDOWN_INTERRUPTED = "Interrupted: the application quit before the run stopped."


class RunStartError(RuntimeError):
    def __init__(self, run_id: int, reason: str) -> None:
        self.run_id = run_id
        super().__init__(f"Run {run_id} could not be started: {reason}")


@dataclass(slots=True)
class _Entry:
    token: CancelToken
    worker: RunWorker
    signals: WorkerSignals


class RunManager(QObject):
    """Owns the run workers of this process. Lives on the GUI (main) thread."""

    #: A run's row changed (any transition, progress written). Emitted on the GUI thread,
    #: after the change was committed.
    run_changed = Signal(int)
    #: Live progress: run id, step, done, total (throttled by the worker).
    run_progress = Signal(int, str, int, int)
    #: A log line: run id, level, step, message.
    run_log = Signal(int, str, str, str)
    #: Rows of another table changed in this process (table name).
    table_changed = Signal(str)
    #: Something was committed by another connection or process; views should re-read.
    database_changed = Signal()
    #: A run's worker has ended and its in-memory state is gone.
    run_finished = Signal(int)

    # Internal: carries store notifications from any thread to the GUI thread.
    _store_event = Signal(str, object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_threads: int = 3,
        pipeline: Pipeline = run_scope_isolated,
        monitor: bool = True,
    ) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pipeline = pipeline
        self._lock = threading.Lock()
        self._active: dict[int, _Entry] = {}
        self._closing = False
        self.owner: Owner = current_owner()
        # Always queued, even from the GUI thread: listeners never run inside a store call.
        self._store_event.connect(self._on_store_event, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = notify.subscribe(self._publish_from_any_thread)
        self._monitor: OwnerMonitor | None = None
        if monitor:
            self._monitor = OwnerMonitor(self.owner, self.active_run_ids, self._cancel_from_row)
            self._monitor.start()

    # -- queries ------------------------------------------------------------------------------

    def active_run_ids(self) -> list[int]:
        """Runs of this process whose worker has not finished yet. Thread-safe."""
        with self._lock:
            return list(self._active)

    def token(self, run_id: int) -> CancelToken | None:
        with self._lock:
            entry = self._active.get(run_id)
        return entry.token if entry else None

    @property
    def pool(self) -> QThreadPool:
        return self._pool

    # -- start --------------------------------------------------------------------------------

    def start_run(self, project_id: int, scope: str, triggered_by: str = "user") -> int:
        """Create a pending run and queue its worker; returns the run id.

        Raises ValueError (unknown scope), RunAlreadyActive, ProjectNotFound, RunStartError.
        """
        if scope not in SCOPES:
            raise ValueError(f"Unknown scope {scope!r}; choose one of {', '.join(SCOPES)}.")
        if self._closing:
            raise RuntimeError("The application is shutting down; no new runs.")
        run_id = transitions.create_run(project_id, scope, self.owner, triggered_by)
        # Register before anyone in this process can hear of the run: the notification above
        # is queued to the GUI thread, which is us, so no slot has run yet.
        token = CancelToken()
        signals = WorkerSignals()
        signals.progress.connect(self._on_worker_progress)
        signals.log.connect(self._on_worker_log)
        signals.finished.connect(self._on_worker_finished)
        worker = RunWorker(run_id, project_id, scope, token, signals, self._pipeline)
        with self._lock:
            self._active[run_id] = _Entry(token, worker, signals)
        try:
            self._queue(worker)
        except Exception as exc:
            self._forget(run_id)
            transitions.mark_failed(run_id, f"Could not start the run: {exc}")
            raise RunStartError(run_id, str(exc)) from exc
        return run_id

    def _queue(self, worker: RunWorker) -> None:
        self._pool.start(worker)

    # -- cancel -------------------------------------------------------------------------------

    def cancel_run(self, run_id: int) -> CancelResult:
        """Cancel one run, whoever owns it. Never touches any other run."""
        with self._lock:
            entry = self._active.get(run_id)
        if entry is not None and self._pool.tryTake(entry.worker):
            # Still queued: it never started and now never will; nobody else cleans it up.
            entry.token.cancel()
            self._forget(run_id)
        # The row decides: pending -> cancelled now (a worker that is just starting then finds
        # it cancelled and never runs its pipeline); running -> the request is recorded on the
        # row, where an owner in another process picks it up.
        result = transitions.cancel_run_row(run_id)
        if entry is not None:
            # After the row: the answer reflects the moment of the click, not a pipeline that
            # ends because of the token before the request is written.
            entry.token.cancel()
        return result

    def _cancel_from_row(self, run_id: int) -> None:
        """Monitor thread: a cancel for one of our runs was recorded on its row."""
        with self._lock:
            entry = self._active.get(run_id)
        if entry is not None:
            entry.token.cancel()

    # -- shutdown -----------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every active run, wait for workers with a bound, mark leftovers interrupted.

        Returns True when every worker finished in time.
        """
        self._closing = True
        with self._lock:
            entries = dict(self._active)
        for entry in entries.values():
            entry.token.cancel()
        for run_id, entry in entries.items():
            if self._pool.tryTake(entry.worker):
                transitions.cancel_pending(run_id)
                self._forget(run_id)
        finished = self._pool.waitForDone(timeout_ms)
        with self._lock:
            leftovers = list(self._active)
            # Workers that finished during the wait could not deliver ``finished`` (we were
            # blocking the event loop); their state goes now.
            self._active.clear()
        for run_id in leftovers:
            row = Run.get_or_none(Run.id == run_id)
            if row is not None and row.status in ("pending", "running") and not finished:
                transitions.mark_failed(run_id, SHUTDOWN_INTERRUPTED)
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None
        self._unsubscribe()
        return finished

    # -- slots (GUI thread) -------------------------------------------------------------------

    def _publish_from_any_thread(self, change: notify.Change) -> None:
        self._store_event.emit(change.table, change.ids)

    @Slot(str, object)
    def _on_store_event(self, table: str, ids: tuple[int, ...]) -> None:
        if table == "run":
            for run_id in ids:
                self.run_changed.emit(run_id)
        elif table == notify.EXTERNAL:
            self.database_changed.emit()
        elif table == notify.PROGRESS:
            pass  # live progress already arrived through run_progress
        else:
            self.table_changed.emit(table)

    @Slot(int, str, int, int)
    def _on_worker_progress(self, run_id: int, step: str, done: int, total: int) -> None:
        self.run_progress.emit(run_id, step, done, total)

    @Slot(int, str, str, str)
    def _on_worker_log(self, run_id: int, level: str, step: str, message: str) -> None:
        self.run_log.emit(run_id, level, step, message)

    @Slot(int)
    def _on_worker_finished(self, run_id: int) -> None:
        self._forget(run_id)

    def _forget(self, run_id: int) -> None:
        with self._lock:
            entry = self._active.pop(run_id, None)
        if entry is not None:
            entry.signals.deleteLater()
            self.run_finished.emit(run_id)
