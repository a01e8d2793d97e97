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

from genglossary_gui.pipeline.context import Progress, Unit
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.runs.reporter import EtaEstimator
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.repositories import RunRow
from genglossary_gui.ui.formatting import format_duration, format_number, format_time
from genglossary_gui.ui.labels import scope_label, status_label, unit_label
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
        manager.run_activity.connect(self._on_run_activity)
        #: The latest full progress of active runs: this process's from their signals, the
        #: others' from their rows (with an estimate of the time left made here).
        self._live: dict[int, Progress] = {}
        self._estimators: dict[int, EtaEstimator] = {}
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
            if column == RunColumn.PROGRESS and row.active and row.step:
                return self.progress_details(self.progress_of(row))
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
                if not row.step:
                    return self.tr("starting")
                return self.progress_text(self.progress_of(row))
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

    # -- progress -----------------------------------------------------------------------------

    def progress_of(self, row: RunRow) -> Progress:
        """The run's progress: the live one while it is the row's step, else the row's."""
        live = self._live.get(row.id)
        if live is not None and live.step == row.step:
            return live
        return Progress(row.step, row.done, row.total)

    def progress_text(self, progress: Progress, now: float | None = None) -> str:
        """What the Progress column says: the step (named as the scope that runs only it),
        how far it is in its own units, what it waits on, and the time left once known."""
        step = scope_label(progress.step)
        fraction = progress.fraction
        if fraction is not None:
            text = self.tr("{step} {percent}%").format(step=step, percent=int(fraction * 100))
            if progress.unit and progress.unit != Unit.CHARACTERS:
                text += " · " + self.tr("{done}/{total} {unit}").format(
                    done=format_number(progress.done),
                    total=format_number(progress.total),
                    unit=unit_label(progress.unit),
                )
        else:
            text = step
        parts = [text, *self._waiting_parts(progress)]
        left = self.time_left(progress, now)
        if left is not None:
            parts.append(self.tr("about {time} left").format(time=format_duration(left)))
        return " · ".join(parts)

    def _waiting_parts(self, progress: Progress) -> list[str]:
        parts = []
        if progress.active:
            # requests at the model server
            parts.append(self.tr("{count} open").format(count=format_number(progress.active)))
        if progress.retrying:
            parts.append(self.tr("{count} retrying").format(count=format_number(progress.retrying)))
        if progress.silent_s >= 1:
            parts.append(
                self.tr("waiting {time}").format(time=format_duration(int(progress.silent_s)))
            )
        return parts

    def progress_details(self, progress: Progress) -> str:
        """The Progress column's tooltip: the same in words."""
        lines = []
        if progress.total > 0:
            lines.append(
                self.tr("{step}: {done} of {total} {unit}")
                .format(
                    step=scope_label(progress.step),
                    done=format_number(progress.done),
                    total=format_number(progress.total),
                    unit=unit_label(progress.unit or Unit.NONE),
                )
                .strip()
            )
        else:
            lines.append(self.tr("{step}: just started").format(step=scope_label(progress.step)))
        if progress.active or progress.retrying:
            lines.append(
                self.tr(
                    "Waiting for the model server: requests open: {open}, waiting to retry: "
                    "{retrying}; nothing back for {time}"
                ).format(
                    open=format_number(progress.active),
                    retrying=format_number(progress.retrying),
                    time=format_duration(int(progress.silent_s)),
                )
            )
        return "\n".join(lines)

    @staticmethod
    def time_left(progress: Progress, now: float | None = None) -> float | None:
        """Seconds left of the step, once it can be estimated."""
        if progress.eta_at is None:
            return None
        return max(0.0, progress.eta_at - (time.time() if now is None else now))

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
        live = self._live.get(fresh.id)
        if fresh.active and live is not None and fresh.id not in self._estimators:
            # This process's run: the database lags its live signal by up to a flush
            # interval; the row must not go back to an earlier step or count.
            fresh.step, fresh.done, fresh.total = live.step, live.done, live.total
        elif old.active and fresh.active and old.step == fresh.step and old.done > fresh.done:
            # The database lags the live signal by up to a flush interval: never go backwards.
            fresh.done, fresh.total = old.done, old.total
        self._rows[i] = fresh
        if fresh.active:
            self._active_ids.add(fresh.id)
            self._from_row(fresh)
        else:
            self._active_ids.discard(fresh.id)
            self._live.pop(fresh.id, None)
            self._estimators.pop(fresh.id, None)
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

    @Slot(int, object)
    def _on_run_activity(self, run_id: int, progress: Progress) -> None:
        i = self._row_of.get(run_id)
        if i is None:
            return
        row = self._rows[i]
        row.step, row.done, row.total = progress.step, progress.done, progress.total
        self._live[run_id] = progress
        self._estimators.pop(run_id, None)  # this process's runs come with their estimate
        # Repainted by the timer, not here: progress can arrive 20 times a second per run.

    def _from_row(self, row: RunRow) -> None:
        """Another process's run: its progress from its row, the time left estimated here."""
        live = self._live.get(row.id)
        if live is not None and row.id not in self._estimators:
            return  # this process's run: the signal is newer than the row
        estimator = self._estimators.setdefault(row.id, EtaEstimator())
        if live is not None and (live.step, live.done, live.total) == (
            row.step,
            row.done,
            row.total,
        ):
            return
        self._live[row.id] = estimator.estimate(
            Progress(row.step, row.done, row.total, at=time.time())
        )

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
