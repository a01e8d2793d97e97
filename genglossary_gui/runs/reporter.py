"""The pipeline's Reporter inside a worker: live Qt signals plus a persisted, batched log."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import PassingStoreError

if TYPE_CHECKING:
    from genglossary_gui.runs.worker import WorkerSignals

log = logging.getLogger(__name__)

#: Live progress signals at most this often (the views repaint on their own timer anyway).
_EMIT_INTERVAL_S = 0.05
#: Log lines and progress reach the database at most this often, in one short transaction.
_FLUSH_INTERVAL_S = 0.25
_FLUSH_MAX_LINES = 200


class RunReporter:
    """Used on the worker thread only (plus ``flush`` at the end)."""

    def __init__(self, run_id: int, signals: WorkerSignals) -> None:
        self.run_id = run_id
        self._signals = signals
        self._lock = threading.Lock()
        self._pending: list[repo.LogEntry] = []
        self._progress: tuple[str, int, int] | None = None
        self._progress_dirty = False
        self._last_emit = 0.0
        self._last_flush = time.monotonic()
        self._last_step = ""

    def progress(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        with self._lock:
            self._progress = (step, done, total)
            self._progress_dirty = True
        if step != self._last_step or done >= total or now - self._last_emit >= _EMIT_INTERVAL_S:
            self._last_emit = now
            self._last_step = step
            self._signals.progress.emit(self.run_id, step, done, total)
        self._maybe_flush(now)

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        # File names from the disk may carry undecodable bytes (lone surrogates): SQLite and
        # Qt want valid text.
        message = message.encode("utf-8", "replace").decode("utf-8")
        entry = repo.LogEntry(level, step, message, time.time())
        with self._lock:
            self._pending.append(entry)
        self._signals.log.emit(self.run_id, level, step, message)
        self._maybe_flush(time.monotonic())

    def _maybe_flush(self, now: float) -> None:
        if now - self._last_flush >= _FLUSH_INTERVAL_S or len(self._pending) >= _FLUSH_MAX_LINES:
            self.flush()

    def flush(self) -> bool:
        """Write buffered log lines and the latest progress. Returns False if the write failed
        (the lines stay buffered for the next attempt; a log write never fails the run)."""
        self._last_flush = time.monotonic()
        with self._lock:
            entries, self._pending = self._pending, []
            progress = self._progress if self._progress_dirty else None
            self._progress_dirty = False
        try:
            repo.append_logs(self.run_id, entries)
            if progress is not None:
                transitions.update_progress(self.run_id, *progress)
        except PassingStoreError as exc:
            log.warning("run %s: could not write its log yet: %s", self.run_id, exc)
            with self._lock:
                self._pending[:0] = entries
                if progress is not None and not self._progress_dirty:
                    self._progress, self._progress_dirty = progress, True
            return False
        except Exception:  # a bad line must not stop the run; it is dropped, with a trace
            log.exception("run %s: log lines dropped", self.run_id)
            return False
        return True
