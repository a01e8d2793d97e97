"""Runs asked for while their project is busy: started when its active run ends.

A project has at most one active run. Work the user asked for meanwhile (extracting the
documents just added, say) must not be dropped: :class:`RunQueue` starts it as soon as the
project is free, whichever process's run was in the way. Requests live for the session; a
request for a scope already waiting is not queued twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError
from genglossary_gui.store.transitions import RunAlreadyActive

log = logging.getLogger(__name__)

#: How often a project busy with another process's run is looked at again.
_POLL_MS = 1000


@dataclass
class _Request:
    scope: str
    #: Done on the GUI thread just before the run starts (a change that had to wait for the
    #: project to be free, such as renaming its documents); an exception drops the request.
    before: Callable[[], object] | None = None


class RunQueue(QObject):
    #: A queued run started: project id, run id.
    started = Signal(int, int)
    #: A queued run could not start and was dropped: project id, scope, the reason.
    dropped = Signal(int, str, str)
    #: What waits changed.
    changed = Signal()

    def __init__(self, manager: RunManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self._waiting: dict[int, list[_Request]] = {}  # project -> requests, in order
        self._timer = QTimer(self)
        self._timer.setInterval(_POLL_MS)
        self._timer.timeout.connect(self._try_all)
        manager.run_finished.connect(self._try_all)
        manager.run_changed.connect(self._try_all)
        manager.database_changed.connect(self._try_all)

    def waiting(self, project_id: int | None = None) -> list[tuple[int, str]]:
        """``(project, scope)`` of every request not started yet (of one project)."""
        return [
            (p, r.scope)
            for p, requests in self._waiting.items()
            for r in requests
            if project_id is None or p == project_id
        ]

    def request(
        self,
        project_id: int,
        scope: str,
        triggered_by: str = "user",
        *,
        before: Callable[[], object] | None = None,
    ) -> int | None:
        """Start ``scope`` now if the project is free (returns the run id), else when its
        active run ends (returns None). ``before`` is called first, only once the project is
        free. Raises what ``RunManager.start_run`` (or ``before``) raises but
        RunAlreadyActive."""
        if not self._waiting.get(project_id) and repo.active_run_of(project_id) is None:
            try:
                if before is not None:
                    before()
                return self._manager.start_run(project_id, scope, triggered_by)
            except RunAlreadyActive:
                before = None  # done; the run waits
        requests = self._waiting.setdefault(project_id, [])
        if before is not None or all(r.scope != scope for r in requests):
            requests.append(_Request(scope, before))
        self._timer.start()
        self.changed.emit()
        return None

    def forget(self, project_id: int) -> None:
        """Drop a project's requests (it was deleted)."""
        if self._waiting.pop(project_id, None):
            self.changed.emit()

    @Slot()
    def _try_all(self, *_args: object) -> None:
        for project_id in list(self._waiting):
            self._try(project_id)
        if not self._waiting:
            self._timer.stop()

    def _try(self, project_id: int) -> None:
        requests = self._waiting.get(project_id)
        if not requests:
            self._waiting.pop(project_id, None)
            return
        first = requests[0]
        try:
            if repo.active_run_of(project_id) is not None:
                return
            if first.before is not None:
                first.before()
                first.before = None  # done: not again if the start must wait once more
            run_id = self._manager.start_run(project_id, first.scope, "queued")
        except RunAlreadyActive:
            return  # someone was quicker: wait for that one too
        except StoreError:
            log.info("queued run of project %s: database busy, trying again", project_id)
            return
        except Exception as exc:  # the change or the start failed: say so, drop it
            requests.pop(0)
            self.dropped.emit(project_id, first.scope, str(exc))
        else:
            requests.pop(0)
            self.started.emit(project_id, run_id)
        if not requests:
            self._waiting.pop(project_id, None)
        self.changed.emit()
