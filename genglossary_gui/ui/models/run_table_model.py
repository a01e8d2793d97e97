"""The run history: lazily fetched pages, rows updated in place, live progress on a timer."""

from __future__ import annotations

import time
from bisect import bisect_left
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Slot,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.repositories import RunRow
from genglossary_gui.ui.formatting import format_duration, format_time
from genglossary_gui.ui.labels import scope_label, status_label
from genglossary_gui.vocabulary import RunStatus

#: Rows fetched per page: enough to fill a tall window several times.
PAGE_SIZE = 200
#: Progress bars and durations of active rows repaint this often.
REFRESH_MS = 250

Index = QModelIndex | QPersistentModelIndex


class RunColumn(IntEnum):
    ID = 0
    PROJECT = 1
    SCOPE = 2
    STATUS = 3
    PROGRESS = 4
    STARTED = 5
    DURATION = 6
    TRIGGERED_BY = 7
    ERROR = 8
    CANCEL = 9


#: The column headers (English; translated in ``headerData``).
HEADERS = {
    RunColumn.ID: QT_TRANSLATE_NOOP("RunTableModel", "ID"),
    RunColumn.PROJECT: QT_TRANSLATE_NOOP("RunTableModel", "Project"),
    RunColumn.SCOPE: QT_TRANSLATE_NOOP("RunTableModel", "Scope"),
    RunColumn.STATUS: QT_TRANSLATE_NOOP("RunTableModel", "Status"),
    RunColumn.PROGRESS: QT_TRANSLATE_NOOP("RunTableModel", "Progress"),
    RunColumn.STARTED: QT_TRANSLATE_NOOP("RunTableModel", "Started"),
    RunColumn.DURATION: QT_TRANSLATE_NOOP("RunTableModel", "Duration"),
    RunColumn.TRIGGERED_BY: QT_TRANSLATE_NOOP("RunTableModel", "Triggered by"),
    RunColumn.ERROR: QT_TRANSLATE_NOOP("RunTableModel", "Error"),
    RunColumn.CANCEL: "",
}


class RunRole(IntEnum):
    RUN_ID = Qt.ItemDataRole.UserRole + 1
    STATUS = Qt.ItemDataRole.UserRole + 2
    #: (step, done, total)
    PROGRESS = Qt.ItemDataRole.UserRole + 3
    #: True while pending or running.
    ACTIVE = Qt.ItemDataRole.UserRole + 4
    #: True once a cancel was asked for (the Cancel button shows "Cancelling…").
    CANCEL_REQUESTED = Qt.ItemDataRole.UserRole + 5


def status_text(row: RunRow) -> str:
    """The run's status as the table shows it (translated; ``RunRole.STATUS`` is the value)."""
    if row.status == RunStatus.FAILED and row.error.startswith("Interrupted"):
        return status_label("interrupted")
    return status_label(row.status)


class RunTableModel(QAbstractTableModel):
    def __init__(self, manager: RunManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project_id: int | None = None
        self._rows: list[RunRow] = []
        self._row_of: dict[int, int] = {}
        #: Ids of loaded rows that are pending or running (repainted on the timer).
        self._active_ids: set[int] = set()
        #: The newest id read by a query over the whole range (new runs are read above it).
        self._db_top_id = 0
        self._exhausted = True
        manager.run_changed.connect(self.refresh_run)
        manager.run_progress.connect(self._on_run_progress)
        manager.database_changed.connect(self._on_external_change)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._repaint_active)
        self._timer.start()

    # -- loading ------------------------------------------------------------------------------

    @property
    def project_id(self) -> int | None:
        return self._project_id

    def set_project(self, project_id: int | None) -> None:
        """Show one project's runs, or every project's with ``None``."""
        self._project_id = project_id
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = repo.run_rows(self._project_id, limit=PAGE_SIZE)
        self._db_top_id = self._rows[0].id if self._rows else 0
        self._reindex()
        # No fetching while the reset is being announced: a listener that reacts to modelReset
        # by fetching (Qt's model tester does) would insert rows inside the reset.
        self._exhausted = True
        self.endResetModel()
        self._exhausted = len(self._rows) < PAGE_SIZE

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows)}
        self._active_ids = {row.id for row in self._rows if row.active}

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        before = self._rows[-1].id if self._rows else None
        more = repo.run_rows(self._project_id, before_id=before, limit=PAGE_SIZE)
        self._exhausted = len(more) < PAGE_SIZE
        if not more:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        for i, row in enumerate(more, start=first):
            self._row_of[row.id] = i
            if row.active:
                self._active_ids.add(row.id)
        self.endInsertRows()

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RunColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            header = HEADERS[RunColumn(section)]
            return QCoreApplication.translate("RunTableModel", header) if header else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: C901 -- Qt's dispatch on role
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = RunColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RunColumn.ERROR and row.error:
                return row.error
            if column == RunColumn.PROGRESS and row.summary:
                return row.summary
            if column == RunColumn.CANCEL and row.active:
                return self.tr("Cancel run {run}").format(run=row.id)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (RunColumn.ID, RunColumn.DURATION):
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if role == RunRole.RUN_ID:
            return row.id
        if role == RunRole.STATUS:
            return row.status
        if role == RunRole.PROGRESS:
            return (row.step, row.done, row.total)
        if role == RunRole.ACTIVE:
            return row.active
        if role == RunRole.CANCEL_REQUESTED:
            return row.cancel_requested
        return None

    def _display(self, row: RunRow, column: RunColumn) -> str | None:  # noqa: C901 -- one branch per column
        if column == RunColumn.ID:
            return str(row.id)
        if column == RunColumn.PROJECT:
            return row.project_name
        if column == RunColumn.SCOPE:
            return scope_label(row.scope)
        if column == RunColumn.STATUS:
            return status_text(row)
        if column == RunColumn.PROGRESS:
            if row.active:
                if row.status == RunStatus.PENDING:
                    return self.tr("waiting to start")
                pct = int(row.done * 100 / row.total) if row.total else 0
                if not row.step:
                    return self.tr("starting")
                # A step is named as the scope that runs only it (import, extract, …).
                return f"{scope_label(row.step)} {pct}%"
            return row.summary
        if column == RunColumn.STARTED:
            return format_time(row.started_at or row.created_at)
        if column == RunColumn.DURATION:
            if row.started_at is None:
                return ""
            end = row.finished_at if row.finished_at is not None else time.time()
            return format_duration(max(0.0, end - row.started_at))
        if column == RunColumn.TRIGGERED_BY:
            return row.triggered_by
        if column == RunColumn.ERROR:
            return row.error
        return None

    # -- lookups for views --------------------------------------------------------------------

    def row_of_run(self, run_id: int) -> int | None:
        return self._row_of.get(run_id)

    def run_at(self, row: int) -> RunRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- updates ------------------------------------------------------------------------------

    def _matches(self, row: RunRow) -> bool:
        return self._project_id is None or row.project_id == self._project_id

    def _replace(self, fresh: RunRow) -> None:
        i = self._row_of[fresh.id]
        old = self._rows[i]
        if old.active and fresh.active and old.step == fresh.step and old.done > fresh.done:
            # The database lags the live signal by up to a flush interval: never go backwards.
            fresh.done, fresh.total = old.done, old.total
        self._rows[i] = fresh
        if fresh.active:
            self._active_ids.add(fresh.id)
        else:
            self._active_ids.discard(fresh.id)
        self.dataChanged.emit(
            self.index(i, 0),
            self.index(i, len(RunColumn) - 1),
            [
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                RunRole.STATUS,
                RunRole.PROGRESS,
                RunRole.ACTIVE,
                RunRole.CANCEL_REQUESTED,
            ],
        )

    def _insert(self, rows: list[RunRow]) -> None:
        """Insert runs not shown yet at their place (newest first). Runs older than every
        loaded row are left to fetchMore."""
        for row in sorted(rows, key=lambda r: r.id, reverse=True):
            if not self._matches(row) or row.id in self._row_of:
                continue
            if self._rows and not self._exhausted and row.id < self._rows[-1].id:
                continue
            at = bisect_left([-r.id for r in self._rows], -row.id)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self._reindex()
            self.endInsertRows()

    @Slot(int)
    def refresh_run(self, run_id: int) -> None:
        """Re-read one run: updated in place, or inserted at its place if it is new."""
        fresh = repo.run_rows_by_id([run_id])
        if not fresh:
            return
        if run_id in self._row_of:
            self._replace(fresh[0])
        else:
            self._insert(fresh)

    @Slot(int, str, int, int)
    def _on_run_progress(self, run_id: int, step: str, done: int, total: int) -> None:
        i = self._row_of.get(run_id)
        if i is None:
            return
        row = self._rows[i]
        row.step, row.done, row.total = step, done, total
        # Repainted by the timer, not here: progress can arrive 20 times a second per run.

    @Slot()
    def _on_external_change(self) -> None:
        """Another process committed something: refresh active rows, add new runs."""
        for fresh in repo.run_rows_by_id(self._active_ids):
            if self._rows[self._row_of[fresh.id]] != fresh:
                self._replace(fresh)
        # Above the newest run read from the database, not above the top row: a run of this
        # process may sit at the top already while an older one of another process is new.
        newer = repo.run_rows(self._project_id, after_id=self._db_top_id)
        if newer:
            self._db_top_id = newer[0].id
            self._insert(newer)

    @Slot()
    def _repaint_active(self) -> None:
        roles = [Qt.ItemDataRole.DisplayRole, RunRole.PROGRESS]
        for run_id in self._active_ids:
            i = self._row_of[run_id]
            self.dataChanged.emit(
                self.index(i, RunColumn.PROGRESS), self.index(i, RunColumn.DURATION), roles
            )
