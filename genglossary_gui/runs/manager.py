"""RunManager: starts runs on its own QThreadPool, cancels them, and bridges store changes.

Lock order: ``RunManager._lock`` is the only lock here and is a leaf. It guards ``_active``
and is never held while emitting a signal, touching the database or the pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from genglossary_gui.pipeline.context import CancelToken, Progress
from genglossary_gui.pipeline.steps import SCOPES
from genglossary_gui.runs.monitor import OwnerMonitor
from genglossary_gui.runs.process import run_scope_isolated, terminate_children
from genglossary_gui.runs.worker import Pipeline, RunWorker, WorkerSignals
from genglossary_gui.store import notify, transitions
from genglossary_gui.store.database import StoreError
from genglossary_gui.store.models import RunStatus
from genglossary_gui.store.owner import Owner, current_owner
from genglossary_gui.store.transitions import CancelResult
from genglossary_gui.vocabulary import Topic

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
    #: The same, in full: run id, ``pipeline.context.Progress`` (unit, requests in flight,
    #: the estimated end).
    run_activity = Signal(int, object)
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
            failed = transitions.Outcome(RunStatus.FAILED, error=f"Could not start the run: {exc}")
            # Retried like any final status write, but briefly (this is the GUI thread); if the
            # database still refuses, the monitor thread writes it once it can.
            try:
                transitions.finalize_run(run_id, failed, attempts=3)
            except transitions.FinalizeError as write_error:
                if self._monitor is None:
                    log.warning("run %s: failed start not recorded: %s", run_id, write_error)
                else:
                    self._monitor.record_later(run_id, failed)
            raise RunStartError(run_id, str(exc)) from exc
        return run_id

    def _queue(self, worker: RunWorker) -> None:
        self._pool.start(worker)

    # -- cancel -------------------------------------------------------------------------------

    def cancel_run(self, run_id: int) -> CancelResult:
        """Cancel one run, whoever owns it. Never touches any other run.

        The row is written first (it may raise, e.g. "database is locked"; then nothing
        changed): pending -> cancelled, or the request recorded on a running row, where an
        owner in another process picks it up. Only then is the in-memory state let go.
        """
        result = transitions.cancel_run_row(run_id)
        with self._lock:
            entry = self._active.get(run_id)
        if entry is not None:
            # A worker picked up meanwhile finds its row cancelled and never starts.
            entry.token.cancel()
            if self._pool.tryTake(entry.worker):
                self._forget(run_id)  # it never started and now never will
        return result

    def _cancel_from_row(self, run_id: int) -> None:
        """Monitor thread: a cancel for one of our runs was recorded on its row."""
        with self._lock:
            entry = self._active.get(run_id)
        if entry is not None:
            entry.token.cancel()

    # -- shutdown -----------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every active run, wait for workers with a bound, then record what is left:
        a decided outcome still waiting to be written, else "interrupted".

        Returns True when every worker finished in time. Never raises: quitting goes on.
        """
        self._closing = True
        with self._lock:
            entries = dict(self._active)
        for entry in entries.values():
            entry.token.cancel()
        for run_id, entry in entries.items():
            if self._pool.tryTake(entry.worker):
                self._quietly(transitions.cancel_pending, run_id)
                self._forget(run_id)
        finished = self._pool.waitForDone(timeout_ms)
        if not finished:
            # Step processes that did not stop in time are stopped now; their workers then
            # see the pipe close and end, so the pool can be torn down. Workers still waiting
            # for the database to take their outcome stop waiting (and we try once more).
            terminate_children()
            for entry in entries.values():
                entry.worker.stop_finalizing()
            finished = self._pool.waitForDone(2000)
        with self._lock:
            leftovers = dict(self._active)
            # Workers that finished during the wait could not deliver ``finished`` (we were
            # blocking the event loop); their state goes now.
            self._active.clear()
        for run_id, entry in leftovers.items():
            decided = entry.worker.outcome
            if decided is not None:
                # The pipeline ended; only writing its outcome was left: record that, not
                # "interrupted" (a completed run keeps its glossary).
                self._quietly(transitions.finalize_run, run_id, decided, attempts=1)
            else:
                self._quietly(transitions.mark_failed, run_id, SHUTDOWN_INTERRUPTED)
        if self._monitor is not None:
            self._monitor.stop()
            # Outcomes the database refused when they were decided: one last try each.
            for run_id, outcome in self._monitor.unrecorded().items():
                self._quietly(transitions.finalize_run, run_id, outcome, attempts=1)
            self._monitor = None
        self._unsubscribe()
        return finished

    @staticmethod
    def _quietly(write: Callable[..., object], *args: object, **kwargs: object) -> None:
        """A status write during shutdown: a failure is logged, and recovery (the next open
        of the data folder) marks the run interrupted."""
        try:
            write(*args, **kwargs)
        except (*StoreError, transitions.FinalizeError) as exc:
            log.warning("while quitting, could not record run %s: %s", args[0], exc)

    # -- slots (GUI thread) -------------------------------------------------------------------

    def _publish_from_any_thread(self, change: notify.Change) -> None:
        self._store_event.emit(change.table, change.ids)

    @Slot(str, object)
    def _on_store_event(self, table: str, ids: tuple[int, ...]) -> None:
        if table == Topic.RUN:
            for run_id in ids:
                self.run_changed.emit(run_id)
        elif table == Topic.EXTERNAL:
            self.database_changed.emit()
        elif table == Topic.RUN_PROGRESS:
            pass  # live progress already arrived through run_progress
        else:
            self.table_changed.emit(table)

    @Slot(int, object)
    def _on_worker_progress(self, run_id: int, progress: Progress) -> None:
        self.run_activity.emit(run_id, progress)
        self.run_progress.emit(run_id, progress.step, progress.done, progress.total)

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
