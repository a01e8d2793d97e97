"""Documents and Terms pages: whole tables of the selected project, sortable and filterable."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import TermStatus
from genglossary_gui.ui.models.rows_model import ID_ROLE, FilterProxy, RowsTableModel
from genglossary_gui.ui.models.tables import DocumentTableModel, TermTableModel
from genglossary_gui.ui.widgets import make_table
from genglossary_gui.vocabulary import Topic


class _TablePage(QWidget):
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


class DocumentsPage(_TablePage):
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


class TermsPage(_TablePage):
    table_name = Topic.TERM
    noun = "terms"
    column_widths: ClassVar[dict[int, int]] = {6: 150}  # Glossary: "below the cut-off"

    def __init__(self, manager: RunManager, parent: QWidget | None = None) -> None:
        super().__init__(manager, TermTableModel(), parent)
        self.model.setParent(self)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        for column, width in ((1, 90), (2, 90), (3, 90), (4, 100), (5, 100)):
            header.resizeSection(column, width)
        # Curation: what the glossary must contain, and what it must never contain.
        self.require_button = QPushButton("&Require")
        self.require_button.setToolTip("Always define the selected terms; never drop them")
        self.exclude_button = QPushButton("E&xclude")
        self.exclude_button.setToolTip("Never put the selected terms in the glossary")
        self.reset_button = QPushButton("Re&set Mark")
        self.reset_button.setToolTip("Let the ranking decide again")
        for button, status in (
            (self.require_button, TermStatus.REQUIRED),
            (self.exclude_button, TermStatus.EXCLUDED),
            (self.reset_button, TermStatus.CANDIDATE),
        ):
            button.clicked.connect(lambda _=False, s=status: self.mark_selected(s))
            self.bar.addWidget(button)
        hint = QLabel("Marks are kept across re-runs.")
        hint.setEnabled(False)
        self.bar.addWidget(hint)

    def mark_selected(self, status: TermStatus) -> int:
        if self._project_id is None:
            return 0
        ids = [
            self.proxy.mapToSource(i).data(ID_ROLE)
            for i in self.table.selectionModel().selectedRows()
        ]
        return repo.set_term_status(self._project_id, ids, status)

    def _load(self, project_id: int) -> list:
        return repo.term_rows(project_id)
