"""The Terms page: the project's candidate terms and the user's curation of them (marks,
terms added by hand, notes, categories, synonym groups and splits), every change made through
:class:`~genglossary_gui.ui.curation.CurationActions` and so undoable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from PySide6.QtCore import QPoint, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.store.models import TermStatus
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.formatting import format_number
from genglossary_gui.ui.models.tables import TermTableModel
from genglossary_gui.ui.pages.tables_pages import TablePage
from genglossary_gui.vocabulary import Topic


class TermsPage(TablePage):
    table_name = Topic.TERM
    # The term keeps a readable width; the note, last, takes what is left.
    column_widths: ClassVar[dict[int, int]] = {0: 200, 6: 130, 7: 120, 8: 100}
    stretch_column = 9

    def __init__(
        self,
        manager: RunManager,
        parent: QWidget | None = None,
        *,
        curation: CurationActions | None = None,
    ) -> None:
        super().__init__(manager, TermTableModel(), parent)
        self.model.setParent(self)
        self._kept: list[str] = []  # the selection when a background reload was asked for
        self.curation = curation if curation is not None else CurationActions(self)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        for column, width in ((1, 80), (2, 80), (3, 80), (4, 90), (5, 90)):
            header.resizeSection(column, width)

        # Mnemonics: none of the menus' (F, E, R, V, H) nor the page tabs' (D, T, G, I, R, S).
        self.require_action = self._action(
            self.tr("Re&quire"),
            self.tr("Always define the selected terms; never drop them"),
            lambda: self.mark_selected(TermStatus.REQUIRED),
        )
        self.exclude_action = self._action(
            self.tr("E&xclude"),
            self.tr("Never put the selected terms in the glossary"),
            lambda: self.mark_selected(TermStatus.EXCLUDED),
        )
        self.reset_action = self._action(
            self.tr("Reset Mar&k"),
            self.tr("Let the ranking decide again"),
            lambda: self.mark_selected(TermStatus.CANDIDATE),
        )
        self.add_action = self._action(
            self.tr("&Add Term…"),
            self.tr("Add a term of your own; the next run defines it"),
            self.add_term,
        )
        self.note_action = self._action(
            self.tr("&Note…"),
            self.tr("Write a note on the selected term (a model is told about it)"),
            self.edit_note,
        )
        self.category_action = self._action(
            self.tr("&Category…"),
            self.tr("Give the selected terms a category of your own"),
            self.edit_category,
        )
        self.merge_action = self._action(
            self.tr("&Merge…"),
            self.tr(
                "Make the selected terms one entry: choose its headword, the others are variants"
            ),
            self.merge_selected,
        )
        self.split_action = self._action(
            self.tr("S&plit"),
            self.tr(
                "Give the selected variant its own entry again (also undoes an automatic merge)"
            ),
            self.split_selected,
        )
        self.require_button = self._button(self.require_action)
        self.exclude_button = self._button(self.exclude_action)
        self.reset_button = self._button(self.reset_action)
        self.add_button = self._button(self.add_action)
        self.note_button = self._button(self.note_action)
        self.category_button = self._button(self.category_action)
        self.merge_button = self._button(self.merge_action)
        self.split_button = self._button(self.split_action)

        marks = QHBoxLayout()
        for button in (self.require_button, self.exclude_button, self.reset_button):
            marks.addWidget(button)
        marks.addSpacing(12)
        for button in (
            self.add_button,
            self.note_button,
            self.category_button,
            self.merge_button,
            self.split_button,
        ):
            marks.addWidget(button)
        hint = QLabel(self.tr("Your changes are kept across re-runs; Ctrl+Z undoes them."))
        hint.setEnabled(False)
        marks.addWidget(hint, 1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, marks)

        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.model.dataChanged.connect(self._update_actions)
        # The Entry column shows the current glossary: a finished run may have changed it.
        manager.run_finished.connect(self._on_run_finished)
        self._update_actions()

    def filter_placeholder(self) -> str:
        return self.tr("Filter terms…")

    def count_text(self, shown: int, total: int) -> str:
        if shown == total:
            return self.tr("%Ln terms", "", total)
        return self.tr("{shown} of %Ln terms", "", total).format(shown=format_number(shown))

    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        return action

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        return button

    # -- what is selected -------------------------------------------------------------------

    def selected_rows(self) -> list[repo.TermRow]:
        rows = []
        for index in self.table.selectionModel().selectedRows():
            row = self.model.row_at(self.proxy.mapToSource(index).row())
            if row is not None:
                rows.append(row)
        return rows

    def selected_terms(self) -> list[str]:
        return [row.text for row in self.selected_rows()]

    def select_terms(self, terms: Sequence[str]) -> None:
        """Select the rows of ``terms`` (by text), the first one current."""
        from PySide6.QtCore import QItemSelectionModel

        wanted = set(terms)
        selection = self.table.selectionModel()
        selection.clearSelection()
        first = None
        for i in range(self.proxy.rowCount()):
            index = self.proxy.index(i, 0)
            if index.data() in wanted:
                flags = (
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                selection.select(index, flags)
                first = first or index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _split_choices(self, row: repo.TermRow) -> list[tuple[str, str]]:
        """``(headword, variant)`` pairs Split can take apart for the selected ``row``."""
        if row.group and row.group != row.text:
            return [(row.group, row.text)]
        if row.merged_into:
            return [(row.merged_into, row.text)]
        variants = list(row.aliases)
        if row.group == row.text:
            variants += [r.text for r in self.model.rows() if r.group == row.text]
        unique = dict.fromkeys(v for v in variants if v.casefold() != row.text.casefold())
        return [(row.text, v) for v in unique]

    @Slot()
    def _update_actions(self) -> None:
        rows = self.selected_rows() if self._project_id is not None else []
        some = bool(rows)
        for action in (self.require_action, self.exclude_action, self.category_action):
            action.setEnabled(some)
        self.reset_action.setEnabled(any(r.status != TermStatus.CANDIDATE for r in rows))
        self.add_action.setEnabled(self._project_id is not None)
        self.note_action.setEnabled(len(rows) == 1)
        self.merge_action.setEnabled(len(rows) >= 2)
        self.split_action.setEnabled(len(rows) == 1 and bool(self._split_choices(rows[0])))

    @Slot(QPoint)
    def _context_menu(self, position: QPoint) -> None:
        menu = self.context_menu()
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    def context_menu(self) -> QMenu:
        """The table's context menu: the page's actions."""
        self._update_actions()
        menu = QMenu(self)
        menu.addActions([self.require_action, self.exclude_action, self.reset_action])
        menu.addSeparator()
        menu.addActions([self.note_action, self.category_action])
        menu.addSeparator()
        menu.addActions([self.merge_action, self.split_action])
        menu.addSeparator()
        menu.addAction(self.add_action)
        return menu

    #: Other tables whose changes show on this page (the Entry column).
    _ALSO_SHOWN = (Topic.GLOSSARY_ENTRY, Topic.KEPT_APART, Topic.PROJECT)

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table == self.table_name or (table in self._ALSO_SHOWN and self._project_id):
            self.reload_in_background()

    @Slot(int)
    def _on_run_finished(self, _run_id: int) -> None:
        if self._project_id is not None:
            self.reload_in_background()

    def reload(self) -> None:
        kept = self.selected_terms() if self._project_id is not None else []
        super().reload()
        self._reselect(kept)

    def reload_in_background(self) -> None:
        if self._project_id is not None and self._loading is None:
            self._kept = self.selected_terms()
        super().reload_in_background()

    def rows_reloaded(self) -> None:
        self._reselect(self._kept)

    def _reselect(self, kept: list[str]) -> None:
        if kept and not self.table.selectionModel().hasSelection():
            self.select_terms(kept)  # the rows were replaced (a term added, a run finished)
        self._update_actions()

    # -- the actions ------------------------------------------------------------------------

    def mark_selected(self, status: TermStatus) -> int:
        terms = self.selected_terms()
        if self._project_id is None or not terms:
            return 0
        self._do(self.tr("Mark Terms"), lambda pid: self.curation.set_status(pid, terms, status))
        return len(terms)

    def add_term(self) -> None:
        if self._project_id is None:
            return
        text = self.ask_new_term()
        if text is None or not text.strip():
            return
        if self._do(self.tr("Add Term"), lambda pid: self.curation.add_term(pid, text)):
            self.filter.clear()
            self.select_terms([t.text for t in self.model.rows() if t.text == text.strip()])

    def edit_note(self) -> None:
        rows = self.selected_rows()
        if self._project_id is None or len(rows) != 1:
            return
        note = self.ask_note(rows[0].text, rows[0].note)
        if note is None or note.strip() == rows[0].note:
            return
        self._do(self.tr("Note"), lambda pid: self.curation.set_note(pid, rows[0].text, note))

    def edit_category(self) -> None:
        rows = self.selected_rows()
        if self._project_id is None or not rows:
            return
        known = sorted({r.category for r in self.model.rows() if r.category}, key=str.casefold)
        current = rows[0].category if rows[0].user_category else ""
        category = self.ask_category([r.text for r in rows], current, known)
        if category is None:
            return
        terms = [r.text for r in rows]
        self._do(self.tr("Category"), lambda pid: self.curation.set_category(pid, terms, category))

    def merge_selected(self) -> None:
        rows = self.selected_rows()
        if self._project_id is None or len(rows) < 2:
            return
        terms = [r.text for r in rows]
        # The term that already heads an entry or group is offered first.
        terms.sort(key=lambda t: not any(r.text == t and (r.aliases or r.group == t) for r in rows))
        headword = self.ask_headword(terms)
        if headword is None:
            return
        self._do(self.tr("Merge"), lambda pid: self.curation.merge(pid, terms, headword))

    def split_selected(self) -> None:
        rows = self.selected_rows()
        if self._project_id is None or len(rows) != 1:
            return
        choices = self._split_choices(rows[0])
        if not choices:
            return
        if len(choices) == 1:
            headword, variant = choices[0]
        else:
            picked = self.ask_variant(rows[0].text, [v for _, v in choices])
            if picked is None:
                return
            headword, variant = rows[0].text, picked
        self._do(self.tr("Split"), lambda pid: self.curation.split(pid, headword, variant))

    def _do(self, title: str, change: Callable[[int], None]) -> bool:
        if self._project_id is None:
            return False
        try:
            change(self._project_id)
        except StoreError as exc:
            reason = explain(exc) or self.tr("Database problem: {error}").format(error=exc)
            self.show_error(title, self.tr("Nothing was changed: {reason}").format(reason=reason))
            return False
        except ValueError as exc:
            self.show_error(title, str(exc))
            return False
        self.reload()  # at once (the store's notice that reloads every page comes queued)
        return True

    # -- questions (methods, so a test or a caller can answer them) --------------------------

    def ask_new_term(self) -> str | None:
        text, ok = QInputDialog.getText(
            self,
            self.tr("Add Term"),
            self.tr("A term the glossary must define (the next run finds it in the documents):"),
            QLineEdit.EchoMode.Normal,
        )
        return text if ok else None

    def ask_note(self, term: str, current: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Note"),
            self.tr(
                "Your note on “{term}” (kept across re-runs; a language model is told about "
                "it). Leave it empty to remove the note:"
            ).format(term=term),
            current,
        )
        return text if ok else None

    def ask_category(self, terms: Sequence[str], current: str, known: Sequence[str]) -> str | None:
        if len(terms) == 1:
            names = self.tr("“{term}”").format(term=terms[0])
        else:
            names = self.tr("%Ln terms", "", len(terms))
        items = list(dict.fromkeys([current, *known]))
        text, ok = QInputDialog.getItem(
            self,
            self.tr("Category"),
            self.tr("Category for {terms} (empty: no category of yours):").format(terms=names),
            items,
            0,
            True,
        )
        return text if ok else None

    def ask_headword(self, terms: Sequence[str]) -> str | None:
        text, ok = QInputDialog.getItem(
            self,
            self.tr("Merge Terms"),
            self.tr("One entry for these terms. Its headword (the others become its variants):"),
            list(terms),
            0,
            False,
        )
        return text if ok else None

    def ask_variant(self, headword: str, variants: Sequence[str]) -> str | None:
        text, ok = QInputDialog.getItem(
            self,
            self.tr("Split"),
            self.tr("Which variant of “{headword}” gets its own entry again?").format(
                headword=headword
            ),
            list(variants),
            0,
            False,
        )
        return text if ok else None

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def _load(self, project_id: int) -> list:
        return repo.term_rows(project_id)
