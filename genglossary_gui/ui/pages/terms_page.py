"""The Terms page: the project's candidate terms and the user's marks on them."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import TermStatus
from genglossary_gui.ui.models.rows_model import ID_ROLE
from genglossary_gui.ui.models.tables import TermTableModel
from genglossary_gui.ui.pages.tables_pages import TablePage
from genglossary_gui.vocabulary import Topic


class TermsPage(TablePage):
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
