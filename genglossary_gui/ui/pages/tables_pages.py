"""The Documents page, and the table page it shares with the Terms page: a whole table of the
selected project, sortable and filterable."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.models.rows_model import FilterProxy, RowsTableModel
from genglossary_gui.ui.models.tables import DocumentTableModel
from genglossary_gui.ui.widgets import make_table
from genglossary_gui.vocabulary import Topic


class TablePage(QWidget):
    """A filter box, a count and a sortable table over a RowsTableModel that reloads itself
    when its table changes, in this process or another."""

    table_name: Topic = Topic.PROJECT  # the table the page shows (set by each page)
    noun = "rows"
    #: Column -> width in pixels, for columns whose text the default width cuts.
    column_widths: ClassVar[dict[int, int]] = {}

    def __init__(
        self, manager: RunManager, model: RowsTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._project_id: int | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {self.noun}…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.count = QLabel()
        self.table = make_table(self.proxy, f"{self.table_name}sTable", widths=self.column_widths)
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.filter, 1)
        self.bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(self.bar)
        layout.addWidget(self.table)
        manager.table_changed.connect(self._on_table_changed)
        manager.database_changed.connect(self._on_external_change)
        self._update_count()

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self.reload()

    def reload(self) -> None:
        if self._project_id is None:
            self.model.set_rows([])
            self._fingerprint = None
        else:
            self._fingerprint = repo.table_fingerprint(self.table_name, self._project_id)
            self.model.set_rows(self._load(self._project_id))
        self._update_count()

    def _load(self, project_id: int) -> list:
        raise NotImplementedError

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table == self.table_name:
            self.reload()

    @Slot()
    def _on_external_change(self) -> None:
        if self._project_id is None:
            return
        if repo.table_fingerprint(self.table_name, self._project_id) != self._fingerprint:
            self.reload()

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{total:,} {self.noun}" if shown == total else f"{shown:,} of {total:,} {self.noun}"
        self.count.setText(text + self._extra_count())

    def _extra_count(self) -> str:
        return ""


class DocumentsPage(TablePage):
    table_name = Topic.DOCUMENT
    noun = "documents"

    def __init__(self, manager: RunManager, parent: QWidget | None = None) -> None:
        super().__init__(manager, DocumentTableModel(), parent)
        self.model.setParent(self)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        for column, width in ((1, 90), (2, 90), (3, 100), (4, 260)):
            header.resizeSection(column, width)

    def _load(self, project_id: int) -> list:
        return repo.document_rows(project_id)

    def _extra_count(self) -> str:
        problems = sum(1 for row in self.model.rows() if row.problem)
        return f" ({problems} could not be imported)" if problems else ""
