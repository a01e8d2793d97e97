"""Runs page: the run history with a Cancel button per active run, and the selected run's log."""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.delegates import CancelButtonDelegate, ProgressDelegate, StatusBadgeDelegate
from genglossary_gui.ui.models.run_table_model import RunColumn, RunTableModel
from genglossary_gui.vocabulary import Topic

#: Log lines the pane loads at most (each refresh, too).
LOG_PANE_LINES = 2000
#: Lines kept in the pane while a run logs on.
LOG_PANE_MAX_BLOCKS = 20_000


class RunsPage(QWidget):
    #: The user asked to cancel this run (button or Esc).
    cancel_requested = Signal(int)
    #: The user wants to see this run's glossary output (double-click or Enter).
    open_output = Signal(int)

    def __init__(self, manager: RunManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self._project_id: int | None = None
        self.model = RunTableModel(manager, self)

        self.all_projects = QCheckBox(self.tr("Show runs of all projects"))
        self.all_projects.toggled.connect(self._apply_scope)

        self.table = QTableView()
        self.table.setObjectName("runsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.status_delegate = StatusBadgeDelegate(self.table)
        self.progress_delegate = ProgressDelegate(self.table)
        self.cancel_delegate = CancelButtonDelegate(self.table)
        self.table.setItemDelegateForColumn(RunColumn.STATUS, self.status_delegate)
        self.table.setItemDelegateForColumn(RunColumn.PROGRESS, self.progress_delegate)
        self.table.setItemDelegateForColumn(RunColumn.CANCEL, self.cancel_delegate)
        self.cancel_delegate.cancel_clicked.connect(self.cancel_requested)
        header = self.table.horizontalHeader()
        widths = {
            RunColumn.ID: 44,
            RunColumn.PROJECT: 140,
            RunColumn.SCOPE: 64,
            RunColumn.STATUS: 130,
            RunColumn.PROGRESS: 320,  # step, count, requests open, time left
            RunColumn.STARTED: 120,  # a date and a time in the locale's short format
            RunColumn.DURATION: 74,
            RunColumn.TRIGGERED_BY: 96,
            RunColumn.CANCEL: 100,
        }
        header.setMinimumSectionSize(40)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(RunColumn.ERROR, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RunColumn.CANCEL, QHeaderView.ResizeMode.Fixed)
        header.moveSection(RunColumn.CANCEL, RunColumn.PROGRESS + 1)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)
        self.table.setToolTip(self.tr("Double-click a run to see the glossary it wrote."))

        self.log_title = QLabel(self.tr("Select a run to read its log."))
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("runLog")
        self.log_view.setReadOnly(True)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_view.setMaximumBlockCount(LOG_PANE_MAX_BLOCKS)
        self._log_run: int | None = None
        self._last_log_id = 0

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.all_projects)
        bar.addStretch(1)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.table)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bold = QFont(self.log_title.font())
        bold.setBold(True)
        self.log_title.setFont(bold)
        bottom_layout.addWidget(self.log_title)
        bottom_layout.addWidget(self.log_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        manager.table_changed.connect(self._on_table_changed)
        manager.database_changed.connect(self._refresh_log)
        manager.run_changed.connect(self._on_run_changed)
        self._apply_scope()

    # -- scope and selection ------------------------------------------------------------------

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self._apply_scope()

    @Slot()
    def _apply_scope(self) -> None:
        selected = self.selected_run_id()
        show_all = self.all_projects.isChecked() or self._project_id is None
        self.model.set_project(None if show_all else self._project_id)
        self.table.setColumnHidden(RunColumn.PROJECT, not show_all)
        if selected is not None:
            self.select_run(selected)
        if self.selected_run_id() is None:
            self._show_log(None)

    def selected_run_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        run = self.model.run_at(rows[0].row())
        return run.id if run else None

    def select_run(self, run_id: int) -> bool:
        row = self.model.row_of_run(run_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_log(self.selected_run_id())

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel_selected()
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        row = self.model.run_at(index.row())
        if row is not None and index.column() != RunColumn.CANCEL:
            self.open_output.emit(row.id)

    def cancel_selected(self) -> bool:
        run_id = self.selected_run_id()
        if run_id is None:
            return False
        row = self.model.run_at(self.model.row_of_run(run_id) or 0)
        if row is None or not row.active:
            return False
        self.cancel_requested.emit(run_id)
        return True

    # -- the log ------------------------------------------------------------------------------

    def _show_log(self, run_id: int | None) -> None:
        self._log_run = run_id
        self._last_log_id = 0
        self.log_view.clear()
        if run_id is None:
            self.log_title.setText(self.tr("Select a run to read its log."))
            return
        self.log_title.setText(self.tr("Log of run {run}").format(run=run_id))
        self._refresh_log()

    @Slot()
    def _refresh_log(self) -> None:
        """Append the selected run's log lines committed since the last look."""
        if self._log_run is None:
            return
        # The pane shows the newest lines; a run that logged thousands of skipped files
        # must not make selecting it slow. `genglossary log RUN` prints everything.
        entries = repo.read_log_after(self._log_run, self._last_log_id, LOG_PANE_LINES)
        if not entries:
            return
        if self._last_log_id == 0 and len(entries) == LOG_PANE_LINES:
            notice = self.tr(
                "… only the last %Ln lines are shown here; `genglossary log {run}` prints the "
                "whole log.",
                "",
                LOG_PANE_LINES,
            )
            self.log_view.appendPlainText(notice.format(run=self._log_run))
        self._last_log_id = entries[-1][0]
        at_end = self.log_view.verticalScrollBar().value() >= (
            self.log_view.verticalScrollBar().maximum() - 2
        )
        lines = []
        for _, entry in entries:
            stamp = time.strftime("%H:%M:%S", time.localtime(entry.created_at))
            level = "" if entry.level == "info" else f"{entry.level.upper()}: "
            step = f"[{entry.step}] " if entry.step else ""
            lines.append(f"{stamp} {step}{level}{entry.message.rstrip()}")
        cursor = self.log_view.textCursor()
        self.log_view.appendPlainText("\n".join(lines))
        if at_end:
            self.log_view.moveCursor(QTextCursor.MoveOperation.End)
        else:
            self.log_view.setTextCursor(cursor)

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table == Topic.RUN_LOG:
            self._refresh_log()

    @Slot(int)
    def _on_run_changed(self, run_id: int) -> None:
        if run_id == self._log_run:
            self._refresh_log()
