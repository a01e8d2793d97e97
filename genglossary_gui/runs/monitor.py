"""A small background thread per process that keeps shared runs honest.

Every tick it acts on cancels recorded on our runs' rows by other processes, notices
commits made elsewhere (``PRAGMA data_version``) and writes the outcomes handed to it that
the database refused at the time (``record_later``). Every few seconds it refreshes our runs'
heartbeats and marks runs of dead owners as interrupted. No Qt: it talks through callbacks
and the store's notification hook.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from genglossary_gui.store import notify, transitions
from genglossary_gui.store.database import StoreError, db
from genglossary_gui.store.owner import Owner
from genglossary_gui.vocabulary import Topic

log = logging.getLogger(__name__)

TICK_S = 0.05
HEARTBEAT_EVERY_S = 2.0
RECOVERY_EVERY_S = 5.0
#: Commits by other connections are announced at most this often.
EXTERNAL_EVERY_S = 0.25


class OwnerMonitor:
    def __init__(
        self,
        owner: Owner,
        owned_runs: Callable[[], list[int]],
        on_cancel_requested: Callable[[int], None],
        *,
        tick_s: float = TICK_S,
    ) -> None:
        self._owner = owner
        self._owned_runs = owned_runs
        self._on_cancel_requested = on_cancel_requested
        self._tick_s = tick_s
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._later_lock = threading.Lock()
        #: run id -> an outcome the database refused when it was decided (e.g. a start that
        #: failed while another process held the write lock). Written on a later tick.
        self._later: dict[int, transitions.Outcome] = {}
        self._last_version: int | None = None
        self._next_heartbeat = self._next_recovery = self._next_version_check = 0.0
        self._thread = threading.Thread(target=self._loop, name="run-monitor", daemon=True)

    def start(self) -> None:
        """Start the thread and wait (briefly) for its first reading, so that any commit made
        after this returns is noticed."""
        self._thread.start()
        self._ready.wait(2.0)

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def record_later(self, run_id: int, outcome: transitions.Outcome) -> None:
        """Write ``outcome`` for ``run_id`` on the next ticks until the database takes it.

        For an outcome decided where waiting is not allowed (the GUI thread): the row must
        not stay pending or running under this live process, which recovery never touches.
        """
        with self._later_lock:
            self._later[run_id] = outcome

    def unrecorded(self) -> dict[int, transitions.Outcome]:
        """Outcomes handed to ``record_later`` and not yet written. Thread-safe."""
        with self._later_lock:
            return dict(self._later)

    def _write_later(self) -> None:
        for run_id, outcome in self.unrecorded().items():
            try:
                transitions.finalize_run(run_id, outcome, attempts=1)
            except transitions.FinalizeError as exc:
                log.debug("run monitor: %s", exc)
                db.close()
                return  # the database still refuses; the next tick tries again
            with self._later_lock:
                self._later.pop(run_id, None)

    def _data_version(self) -> int | None:
        try:
            db.connect(reuse_if_open=True)
            return int(db.execute_sql("PRAGMA data_version").fetchone()[0])
        except StoreError:
            return None

    def begin(self, now: float) -> None:
        """Take the first reading and plan the first duties from ``now`` (a monotonic time).
        The thread calls it once; a test may call it instead of starting the thread."""
        self._last_version = self._data_version()
        self._next_heartbeat = now + HEARTBEAT_EVERY_S
        self._next_recovery = now + RECOVERY_EVERY_S
        self._next_version_check = now

    def tick(self, now: float) -> None:
        """One round of the monitor's duties at the monotonic time ``now``: what is due by
        then, and only that. Never raises a StoreError: the next tick tries again."""
        try:
            db.connect(reuse_if_open=True)
            self._write_later()
            owned = self._owned_runs()
            for run_id in transitions.cancel_requested_among(owned):
                self._on_cancel_requested(run_id)
            if now >= self._next_version_check:
                # Throttled: while this process's own workers write, the counter moves on
                # every flush, and each announcement makes views re-read.
                self._next_version_check = now + EXTERNAL_EVERY_S
                version = int(db.execute_sql("PRAGMA data_version").fetchone()[0])
                if self._last_version is not None and version != self._last_version:
                    notify.publish(Topic.EXTERNAL)
                self._last_version = version
            if now >= self._next_heartbeat:
                self._next_heartbeat = now + HEARTBEAT_EVERY_S
                transitions.refresh_heartbeats(owned)
            if now >= self._next_recovery:
                self._next_recovery = now + RECOVERY_EVERY_S
                transitions.mark_interrupted_runs(self._owner)
        except StoreError as exc:
            # Busy or briefly unavailable: try again next tick on a fresh connection.
            log.debug("run monitor: %s", exc)
            db.close()

    def _loop(self) -> None:
        self.begin(time.monotonic())
        self._ready.set()
        try:
            while not self._stop.wait(self._tick_s):
                self.tick(time.monotonic())
        finally:
            db.close()
