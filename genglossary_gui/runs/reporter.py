"""The pipeline's Reporter inside a worker: live Qt signals plus a persisted, batched log.

Nothing waits for the next message to go out: a line or a progress update that arrives is
signalled at once (progress at most every ``_EMIT_INTERVAL_S``, the latest one always
sent), and a flusher thread of the reporter's own writes what arrived to the database within
``_FLUSH_DELAY_S`` (the log pane and other processes read it there), however long the step
is silent afterwards. Before, lines were written only when the next one came: a step waiting
on a model server that never answered kept its last lines out of the log until Cancel.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from genglossary_gui.pipeline.context import Progress
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import PassingStoreError, db

if TYPE_CHECKING:
    from genglossary_gui.runs.worker import WorkerSignals

log = logging.getLogger(__name__)

#: Live progress signals at most this often (the views repaint on their own timer anyway);
#: the latest update is always signalled, at most this late.
_EMIT_INTERVAL_S = 0.05
#: A log line reaches the database at most this long after it arrived (and writes are at
#: least this far apart), in one short transaction with the others and the latest progress.
_FLUSH_DELAY_S = 0.05
#: Progress alone (for other processes: this one has the signal) at most this late.
_PROGRESS_FLUSH_DELAY_S = 0.25
_FLUSH_MAX_LINES = 200
#: After a failed write (another writer holds the lock), the next try this much later.
_RETRY_S = 0.25
_NEVER = float("inf")

#: An estimate of the time left once a step has done this share of its work...
ETA_MIN_FRACTION = 0.05
#: ... and worked this long.
ETA_MIN_SECONDS = 3.0


class EtaEstimator:
    """When the current step should end, from its progress so far: its average pace since
    the step began, once it has done ``ETA_MIN_FRACTION`` of its work for at least
    ``ETA_MIN_SECONDS`` (no estimate before, nor without a known total). Times are the
    progress updates' own (``Progress.at``), so a test can drive it on a clock of its own."""

    def __init__(self) -> None:
        self._phase: tuple[str, str, int] | None = None
        self._started = 0.0
        self._start_fraction = 0.0

    def estimate(self, progress: Progress) -> Progress:
        fraction = progress.fraction
        # A new step, or a new count within it (the model's extraction reads the documents,
        # then asks about batches), starts a new estimate: the old pace says nothing of it.
        phase = (progress.step, progress.unit, progress.total if fraction is not None else 0)
        if (
            self._phase is None
            or phase[:2] != self._phase[:2]
            or (phase[2] == 0) != (self._phase[2] == 0)
        ):
            self._phase = phase
            self._started = progress.at
            self._start_fraction = fraction or 0.0
        if fraction is None:
            return replace(progress, eta_at=None)
        elapsed = progress.at - self._started
        gained = fraction - self._start_fraction
        if fraction < ETA_MIN_FRACTION or elapsed < ETA_MIN_SECONDS or gained <= 0:
            return replace(progress, eta_at=None)
        left = (1.0 - fraction) * elapsed / gained
        return replace(progress, eta_at=progress.at + left)


class RunReporter:
    """Fed by the worker's thread (and any thread of an in-process step); thread-safe."""

    def __init__(self, run_id: int, signals: WorkerSignals) -> None:
        self.run_id = run_id
        self._signals = signals
        # Reentrant: a directly connected slot may report again from inside an emit.
        self._cond = threading.Condition(threading.RLock())
        self._pending: list[repo.LogEntry] = []
        self._progress: Progress | None = None
        self._progress_dirty = False
        #: The latest progress not signalled yet (throttled), and since when it waits.
        self._unsent: Progress | None = None
        self._last_emit = 0.0
        self._last_step = ""
        #: When the oldest line, and the progress, not yet in the database arrived.
        self._lines_since: float | None = None
        self._progress_since: float | None = None
        self._next_write = 0.0
        self._eta = EtaEstimator()
        #: One database write at a time, in order (the flusher's and a final ``flush``).
        self._write_lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._closed = False

    # -- from the step's side -----------------------------------------------------------------

    def progress(self, step: str, done: int, total: int) -> None:
        self.report(Progress(step, done, total, at=time.time()))

    def report(self, progress: Progress) -> None:
        now = time.monotonic()
        with self._cond:
            progress = self._eta.estimate(progress)
            self._progress = progress
            self._progress_dirty = True
            finished = progress.total > 0 and progress.done >= progress.total
            if (
                progress.step != self._last_step
                or finished
                or now - self._last_emit >= _EMIT_INTERVAL_S
            ):
                self._emit(progress, now)
            else:
                self._unsent = progress
            if self._progress_since is None:
                self._progress_since = now
            self._touch()

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self.log_at(message, level=level, step=step, at=time.time())

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
        # File names from the disk may carry undecodable bytes (lone surrogates): SQLite and
        # Qt want valid text.
        message = message.encode("utf-8", "replace").decode("utf-8")
        entry = repo.LogEntry(level, step, message, at)
        with self._cond:
            if self._unsent is not None:
                # The bar and the log say the same moment: progress first, then the line.
                self._emit(self._unsent, time.monotonic())
            self._pending.append(entry)
            self._signals.log.emit(self.run_id, level, step, message)
            if self._lines_since is None:
                self._lines_since = time.monotonic()
            self._touch()

    def _emit(self, progress: Progress, now: float) -> None:
        # Under the lock: signals leave in the order the updates came, whichever thread
        # sends them.
        self._last_emit = now
        self._last_step = progress.step
        self._unsent = None
        self._signals.progress.emit(self.run_id, progress)

    def _touch(self) -> None:
        if self._flusher is None and not self._closed:
            self._flusher = threading.Thread(
                target=self._flush_loop, name=f"run-{self.run_id}-log", daemon=True
            )
            self._flusher.start()
        self._cond.notify()

    # -- the flusher thread -------------------------------------------------------------------

    def _flush_loop(self) -> None:
        try:
            while True:
                with self._cond:
                    if not self._wait_for_work():
                        return
                    if self._unsent is not None and self._emit_due() <= time.monotonic():
                        self._emit(self._unsent, time.monotonic())
                    write = self._write_due() <= time.monotonic()
                if write:
                    with db.connection_context():
                        ok = self.flush()
                    if not ok:
                        with self._cond:
                            self._next_write = time.monotonic() + _RETRY_S
        except Exception:  # never let the log thread take the run down
            log.exception("run %s: log writer stopped", self.run_id)

    def _wait_for_work(self) -> bool:
        """Wait (holding the lock) until a throttled progress update or a write is due;
        False once closed."""
        while not self._closed:
            due = min(self._emit_due(), self._write_due())
            now = time.monotonic()
            if due <= now:
                return True
            self._cond.wait(None if due == _NEVER else due - now)
        return False

    def _emit_due(self) -> float:
        if self._unsent is None:
            return _NEVER
        return self._last_emit + _EMIT_INTERVAL_S

    def _write_due(self) -> float:
        """When the next database write is due (``_NEVER``: nothing to write)."""
        due = [_NEVER]
        if self._lines_since is not None:
            full = len(self._pending) >= _FLUSH_MAX_LINES
            due.append(self._lines_since + (0.0 if full else _FLUSH_DELAY_S))
        if self._progress_since is not None:
            due.append(self._progress_since + _PROGRESS_FLUSH_DELAY_S)
        first = min(due)
        return first if first == _NEVER else max(first, self._next_write)

    def close(self) -> None:
        """Stop the flusher thread (call ``flush`` for what is left)."""
        with self._cond:
            self._closed = True
            if self._unsent is not None:
                self._emit(self._unsent, time.monotonic())
            self._cond.notify_all()
            flusher = self._flusher
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(5.0)

    # -- the database -------------------------------------------------------------------------

    def flush(self) -> bool:
        """Write buffered log lines and the latest progress (on the calling thread's
        connection). Returns False if the write failed (the lines stay buffered for the next
        attempt; a log write never fails the run)."""
        with self._write_lock:
            with self._cond:
                entries, self._pending = self._pending, []
                progress = self._progress if self._progress_dirty else None
                self._progress_dirty = False
                self._lines_since = self._progress_since = None
                self._next_write = time.monotonic() + _FLUSH_DELAY_S
            try:
                repo.append_logs(self.run_id, entries)
                if progress is not None:
                    transitions.update_progress(
                        self.run_id, progress.step, progress.done, progress.total
                    )
            except PassingStoreError as exc:
                log.warning("run %s: could not write its log yet: %s", self.run_id, exc)
                self._keep(entries, progress)
                return False
            except Exception:  # a bad line must not stop the run; it is dropped, with a trace
                log.exception("run %s: log lines dropped", self.run_id)
                return False
            return True

    def _keep(self, entries: list[repo.LogEntry], progress: Progress | None) -> None:
        with self._cond:
            self._pending[:0] = entries
            if progress is not None and not self._progress_dirty:
                self._progress, self._progress_dirty = progress, True
            now = time.monotonic()
            if self._pending and self._lines_since is None:
                self._lines_since = now
            if self._progress_dirty and self._progress_since is None:
                self._progress_since = now
            self._cond.notify()
