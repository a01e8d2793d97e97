"""The Documents page, and the table page it shares with the Terms page: a whole table of the
selected project, sortable and filterable."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.formatting import format_number
from genglossary_gui.ui.loading import TableLoad, loading_pool
from genglossary_gui.ui.models.rows_model import FilterProxy, RowsTableModel
from genglossary_gui.ui.models.tables import DocumentTableModel
from genglossary_gui.ui.viewer.widget import DocumentViewer
from genglossary_gui.ui.widgets import make_table
from genglossary_gui.vocabulary import Topic


class TablePage(QWidget):
    """A filter box, a count and a sortable table over a RowsTableModel that reloads itself
    when its table changes, in this process or another."""

    table_name: Topic = Topic.PROJECT  # the table the page shows (set by each page)
    #: Column -> width in pixels, for columns whose text the default width cuts.
    column_widths: ClassVar[dict[int, int]] = {}
    #: The column that takes the width left over.
    stretch_column = 0

    def __init__(
        self, manager: RunManager, model: RowsTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._project_id: int | None = None
        self._generation = 0
        self._loading: TableLoad | None = None
        self._reload_again = False
        self._fingerprint: tuple[object, ...] | None = None
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.filter_placeholder())
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.count = QLabel()
        self.table = make_table(
            self.proxy,
            f"{self.table_name}sTable",
            stretch=self.stretch_column,
            widths=self.column_widths,
        )
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
        """Reload now, on the calling (GUI) thread: when the user switches projects."""
        self._generation += 1  # a background reload still on its way is out of date
        if self._project_id is None:
            self.model.set_rows([])
            self._fingerprint = None
        else:
            self._fingerprint = repo.table_fingerprint(self.table_name, self._project_id)
            self.model.set_rows(self._load(self._project_id))
        self._update_count()

    def _load(self, project_id: int) -> list:
        raise NotImplementedError

    def reload_in_background(self) -> None:
        """Reload off the GUI thread (a project's 5,000 terms take tens of milliseconds to
        read): the rows replace the model's when they arrive, unless the project changed or
        a newer reload was asked for meanwhile."""
        if self._project_id is None:
            self.reload()
            return
        if self._loading is not None:
            self._reload_again = True  # one more when this one is in
            return
        self._generation += 1
        task = TableLoad(self._generation, self._project_id, self.table_name, self._load)
        task.signals.loaded.connect(self._on_loaded)
        self._loading = task
        self._reload_again = False
        loading_pool().start(task)

    @Slot(int, int, object, object)
    def _on_loaded(
        self, generation: int, project_id: int, fingerprint: object, rows: object
    ) -> None:
        self._loading = None
        if generation == self._generation and project_id == self._project_id:
            self._fingerprint = fingerprint  # type: ignore[assignment]
            self.model.set_rows(rows)  # type: ignore[arg-type]
            self._update_count()
            self.rows_reloaded()
        if self._reload_again:
            self.reload_in_background()

    def rows_reloaded(self) -> None:
        """Called after the rows were replaced from a background reload."""

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table == self.table_name:
            self.reload_in_background()

    @Slot()
    def _on_external_change(self) -> None:
        if self._project_id is None:
            return
        if repo.table_fingerprint(self.table_name, self._project_id) != self._fingerprint:
            self.reload_in_background()

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.count_text(self.proxy.rowCount(), self.model.rowCount()))

    # The words of each page (its own translation context), overridden by each page.

    def filter_placeholder(self) -> str:
        return self.tr("Filter rows…")

    def count_text(self, shown: int, total: int) -> str:
        """ "12 rows", or "3 of 12 rows" while the filter hides some."""
        if shown == total:
            return self.tr("%Ln rows", "", total)
        return self.tr("{shown} of %Ln rows", "", total).format(shown=format_number(shown))


class DocumentsPage(TablePage):
    table_name = Topic.DOCUMENT

    def __init__(
        self,
        manager: RunManager,
        parent: QWidget | None = None,
        *,
        curation: CurationActions | None = None,
    ) -> None:
        super().__init__(manager, DocumentTableModel(), parent)
        self.model.setParent(self)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        for column, width in ((1, 90), (2, 90), (3, 100), (4, 260)):
            header.resizeSection(column, width)
        self._add_viewer(manager, curation)

    # -- the document viewer, beside the table ------------------------------------------------

    def _add_viewer(self, manager: RunManager, curation: CurationActions | None) -> None:
        self.curation = curation if curation is not None else CurationActions(self)
        self.viewer = DocumentViewer(self.curation, manager)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("documentsSplitter")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.replaceWidget(self.table, self.splitter)
        layout.setStretchFactor(self.splitter, 1)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([340, 760])  # the table's path, size and language columns
        self.table.activated.connect(self._open_index)  # Enter, and double-click
        self.table.doubleClicked.connect(self._open_index)
        self.viewer.open_document.connect(self._open_linked)

    def set_project(self, project_id: int | None) -> None:
        self.viewer.set_project(project_id)
        super().set_project(project_id)

    def open_document(self, rel_path: str, line: int = 0, term: str | None = None) -> bool:
        """Select the document's row and show it in the viewer, scrolled to source line
        ``line`` (1-based; 0: the top), with the occurrence of ``term`` near it flashed.
        False if the project has no such document."""
        rows = self.model.rows()
        found = next((n for n, row in enumerate(rows) if row.rel_path == rel_path), None)
        if found is None or self._project_id is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(found, 0))
        if not index.isValid():
            self.filter.clear()  # the filter hid it: show it
            index = self.proxy.mapFromSource(self.model.index(found, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
        self.viewer.show_document(self._project_id, rows[found].id, line, term)
        return True

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row())
        if row is not None and self._project_id is not None:
            self.viewer.show_document(self._project_id, row.id)

    @Slot(str, int)
    def _open_linked(self, rel_path: str, line: int) -> None:
        self.open_document(rel_path, line, self.viewer.card_term())

    def _load(self, project_id: int) -> list:
        return repo.document_rows(project_id)

    def filter_placeholder(self) -> str:
        return self.tr("Filter documents…")

    def count_text(self, shown: int, total: int) -> str:
        if shown == total:
            text = self.tr("%Ln documents", "", total)
        else:
            text = self.tr("{shown} of %Ln documents", "", total)
            text = text.format(shown=format_number(shown))
        problems = sum(1 for row in self.model.rows() if row.problem)
        if problems:
            text = self.tr("{documents} (%Ln could not be imported)", "", problems).format(
                documents=text
            )
        return text
