"""Glossary and Issues pages: a run's glossary (the current one by default), inline editing
of definitions, and the problems the review found."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote, unquote

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.store.repositories import GlossaryRow, IssueRow
from genglossary_gui.store.transitions import PromoteResult
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.formatting import format_number, format_time
from genglossary_gui.ui.labels import kind_label, scope_label, status_label
from genglossary_gui.ui.models.rows_model import Column, FilterProxy, Index, RowsTableModel
from genglossary_gui.ui.widgets import make_table
from genglossary_gui.vocabulary import (
    TERMINAL_STATUSES,
    DefinitionKind,
    IssueType,
    RunStatus,
    Stage,
    Topic,
)

DEFINITION_COLUMN = 2
CONFIDENCE_COLUMN = 4
SOURCE_COLUMN = 5
ISSUE_TYPES = [t.value for t in IssueType]
#: Shown in the Source and Confidence columns of an entry whose definition is the user's.
NOT_FROM_DOCUMENTS = "—"
#: Translated where it is shown (context "GlossaryTableModel").
YOUR_DEFINITION_TIP = QT_TRANSLATE_NOOP(
    "GlossaryTableModel",
    "Your definition: it has no source in the documents. The suggestion's source is shown "
    "beside the suggestion in the details.",
)


def _your_definition_tip() -> str:
    return QCoreApplication.translate("GlossaryTableModel", str(YOUR_DEFINITION_TIP))


def _confidence(value: float) -> str:
    return QLocale().toString(value, "f", 2)


def document_link(path: str, line: int) -> str:
    """A ``doc:`` link to a line of a document (``path`` relative to the project)."""
    return f"doc:{quote(path, safe='')}#{line}"


def parse_document_link(url: QUrl) -> tuple[str, int] | None:
    """``(path, line)`` of a :func:`document_link`, or None for any other link."""
    if url.scheme() != "doc":
        return None
    encoded = bytes(url.toEncoded().data()).decode("ascii")
    body, _, fragment = encoded.removeprefix("doc:").partition("#")
    try:
        line = int(fragment) if fragment else 0
    except ValueError:
        return None
    path = unquote(body)
    return (path, line) if path else None


def split_source(source: str) -> tuple[str, int] | None:
    """``("a.md", 12)`` of a ``"a.md:12"`` source; None for no source."""
    path, _, line = source.rpartition(":")
    if not path or not line.isdigit():
        return None
    return path, int(line)


def _source_html(path: str, line: int) -> str:
    return f'<a href="{html.escape(document_link(path, line))}">{html.escape(path)}:{line}</a>'


class GlossaryTableModel(RowsTableModel[GlossaryRow]):
    """Entries of one run; the Definition column is editable (saved as the user's own)."""

    #: (term, new definition or "" to go back to the suggestion)
    definition_edited = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Term"),
                    lambda r: r.term,
                    tooltip=lambda r: r.term,
                ),
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Aliases"),
                    lambda r: ", ".join(r.aliases),
                ),
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Definition"),
                    lambda r: r.definition,
                    display=_definition_text,
                    tooltip=_definition_tooltip,
                ),
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Kind"),
                    _kind_label,
                    tooltip=_kind_tooltip,
                ),
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Confidence"),
                    lambda r: None if r.edited else r.confidence,
                    lambda r: NOT_FROM_DOCUMENTS if r.edited else _confidence(r.confidence),
                    numeric=True,
                    tooltip=lambda r: _your_definition_tip() if r.edited else None,
                ),
                Column(
                    QCoreApplication.translate("GlossaryTableModel", "Source"),
                    lambda r: None if r.edited else r.source,
                    lambda r: NOT_FROM_DOCUMENTS if r.edited else r.source,
                    tooltip=lambda r: _your_definition_tip() if r.edited else r.source or None,
                ),
            ],
            parent,
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == DEFINITION_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            row = self.row_at(index.row())
            return row.definition if row is not None else None
        if role == Qt.ItemDataRole.FontRole and index.column() == DEFINITION_COLUMN:
            row = self.row_at(index.row())
            if row is not None and (row.edited or not row.kind.defines):
                # Edited: bold; a usage example or an abbreviation, no definition: italic.
                font = QFont()
                font.setItalic(not row.kind.defines and not row.edited)
                font.setBold(row.edited)
                return font
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self.row_at(index.row())
        if row is None or index.column() != DEFINITION_COLUMN:
            return False
        text = str(value).strip()
        if text == row.definition:
            return False
        self.definition_edited.emit(row.term, "" if text == row.suggested else text)
        return True


def _aliases(row: GlossaryRow) -> list[str]:
    return list(row.aliases)


def _definition_text(row: GlossaryRow) -> str:
    prefix = "✎ " if row.edited else ""
    return prefix + (
        row.definition or QCoreApplication.translate("GlossaryTableModel", "(no definition found)")
    )


def _kind_label(row: GlossaryRow) -> str:
    return kind_label(DefinitionKind.EDITED if row.edited else row.kind)


#: Translated where they are shown (context "GlossaryTableModel").
_KIND_TIPS = {
    DefinitionKind.DEFINITION: QT_TRANSLATE_NOOP(
        "GlossaryTableModel", "A sentence of the documents says what the term is."
    ),
    DefinitionKind.ABBREVIATION: QT_TRANSLATE_NOOP(
        "GlossaryTableModel",
        "The documents only spell out what the abbreviation stands for; no sentence says what "
        "it is.",
    ),
    DefinitionKind.USAGE: QT_TRANSLATE_NOOP(
        "GlossaryTableModel",
        "No sentence of the documents defines the term; the text is the most informative "
        "sentence that uses it.",
    ),
    DefinitionKind.GENERATED: QT_TRANSLATE_NOOP(
        "GlossaryTableModel", "Written by the model from the documents' sentences."
    ),
    DefinitionKind.EDITED: QT_TRANSLATE_NOOP(
        "GlossaryTableModel", "Your own definition; it is kept across every re-run."
    ),
    DefinitionKind.NONE: QT_TRANSLATE_NOOP(
        "GlossaryTableModel", "The documents never mention the term."
    ),
}


def _kind_tip(kind: DefinitionKind) -> str:
    return QCoreApplication.translate("GlossaryTableModel", str(_KIND_TIPS[kind]))


def _kind_tooltip(row: GlossaryRow) -> str:
    return _kind_tip(DefinitionKind.EDITED if row.edited else row.kind)


def _origin_html(row: GlossaryRow) -> str:
    """The suggestion's source (a link) and confidence."""
    e = html.escape
    where = split_source(row.source)
    source = _source_html(*where) if where is not None else e(row.source) or "—"
    source_word = e(QCoreApplication.translate("GlossaryPage", "Source:"))
    confidence_word = e(QCoreApplication.translate("GlossaryPage", "confidence"))
    return f"<i>{source_word}</i> {source} · <i>{confidence_word}</i> {_confidence(row.confidence)}"


def _definition_html(row: GlossaryRow) -> list[str]:
    """The definition in the details: the user's own has no source; the documents' one
    (the suggestion, when the user wrote their own) comes with its source and confidence."""
    e = html.escape
    if row.edited:
        yours = e(QCoreApplication.translate("GlossaryPage", "Your definition:"))
        suggested = e(QCoreApplication.translate("GlossaryPage", "Suggested from the documents:"))
        return [
            f"<p><b>{yours}</b> {e(row.definition)}</p>",
            f"<p><i>{suggested}</i> {e(row.suggested)}<br><small>{_origin_html(row)}</small></p>",
        ]
    if row.kind == DefinitionKind.USAGE:
        usage = e(QCoreApplication.translate("GlossaryPage", "Usage example:"))
        why = e(
            QCoreApplication.translate(
                "GlossaryPage",
                "No sentence in the documents says what this term is; this is the most "
                "informative sentence that uses it.",
            )
        )
        text = f"<p><i>{usage}</i> {e(row.definition)}</p><p><small>{why}</small></p>"
    elif row.kind == DefinitionKind.ABBREVIATION:
        why = e(
            QCoreApplication.translate(
                "GlossaryPage",
                "The documents spell out what the abbreviation stands for, but no sentence "
                "says what it is.",
            )
        )
        text = f"<p><b>{e(row.definition)}</b></p><p><small>{why}</small></p>"
    else:
        none = e(QCoreApplication.translate("GlossaryPage", "No definition found."))
        text = f"<p>{e(row.definition) or f'<i>{none}</i>'}</p>"
    return [text, f"<p>{_origin_html(row)}</p>"]


def _definition_tooltip(row: GlossaryRow) -> str:
    if row.edited:
        return QCoreApplication.translate(
            "GlossaryTableModel", "Edited by hand. Suggested from the documents:\n{suggested}"
        ).format(suggested=row.suggested)
    if not row.kind.defines:
        return f"{row.definition}\n\n{_kind_tip(row.kind)}"
    return row.definition


class GlossaryPage(QWidget):
    #: The run whose glossary is shown changed (None: no glossary).
    run_shown = Signal(object)
    #: A source or occurrence link was clicked: (document path, line, term).
    open_document = Signal(str, int, str)

    def __init__(
        self,
        manager: RunManager,
        parent: QWidget | None = None,
        *,
        curation: CurationActions | None = None,
    ) -> None:
        super().__init__(parent)
        self._project_id: int | None = None
        #: Every definition edit goes through it, so Edit ▸ Undo takes it back.
        self.curation = curation if curation is not None else CurationActions(self)
        #: Where each project's filter text is kept across sessions (None: this session only).
        self.settings: QSettings | None = None
        self._filters: dict[int, str] = {}
        self.model = GlossaryTableModel(self)
        self.model.definition_edited.connect(self._save_edit)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.runs = QComboBox()
        self.runs.setMinimumWidth(320)
        self.runs.currentIndexChanged.connect(self._on_run_chosen)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter entries…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.count = QLabel()
        self.count.setObjectName("glossaryCount")
        self.promote = QPushButton(self.tr("Use This Gl&ossary"))
        self.promote.setObjectName("promoteRun")
        self.promote.setToolTip(
            self.tr(
                "Make the glossary shown the project's current one (exports and the CLI use it)"
            )
        )
        self.promote.clicked.connect(self._promote_shown_run)
        self.promote.hide()
        self.table = make_table(
            self.proxy,
            "glossaryTable",
            stretch=DEFINITION_COLUMN,
            widths={0: 180, 1: 140, 3: 130, 4: 90, 5: 150},
        )
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QTextBrowser()
        self.detail.setObjectName("glossaryDetail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._on_detail_link)
        self.revert = QPushButton(self.tr("Use the Suggested Definition"))
        self.revert.setToolTip(self.tr("Drop your own definition of this term"))
        self.revert.clicked.connect(self._revert)
        self.revert.hide()

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Showing:")))
        bar.addWidget(self.runs)
        bar.addWidget(self.promote)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.count)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.detail)
        bottom_layout.addWidget(self.revert, 0, Qt.AlignmentFlag.AlignRight)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter)
        manager.table_changed.connect(self._on_table_changed)
        manager.database_changed.connect(self._on_external_change)
        manager.run_changed.connect(self._on_run_changed)
        self._fingerprint: tuple[object, ...] = ()
        self._current: int | None = None
        self._statuses: dict[int, str] = {}

    # -- which run -----------------------------------------------------------------------------

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self.filter.blockSignals(True)  # not the old project's text under the new one's key
        self.filter.setText(self._filter_of(project_id))
        self.filter.blockSignals(False)
        self.proxy.setFilterFixedString(self.filter.text())
        self._reload_runs(keep_choice=False)

    # -- the filter, one per project -----------------------------------------------------------

    def _filter_key(self, project_id: int) -> str:
        return f"glossary/filter/{project_id}"

    def _filter_of(self, project_id: int | None) -> str:
        if project_id is None:
            return ""
        if project_id not in self._filters and self.settings is not None:
            value = self.settings.value(self._filter_key(project_id))
            self._filters[project_id] = value if isinstance(value, str) else ""
        return self._filters.get(project_id, "")

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if self._project_id is not None:
            self._filters[self._project_id] = text
            if self.settings is not None:
                self.settings.setValue(self._filter_key(self._project_id), text)
        self._update_count()

    def _update_count(self) -> None:
        rows = self.model.rows()
        total, shown = len(rows), self.proxy.rowCount()
        edited = sum(1 for r in rows if r.edited)
        if shown == total:
            text = self.tr("%Ln entries", "", total)
        else:
            text = self.tr("{shown} of %Ln entries", "", total).format(shown=format_number(shown))
        if edited:
            text = self.tr("{entries}, %Ln edited", "", edited).format(entries=text)
        self.count.setText(text)

    def shown_run(self) -> int | None:
        data = self.runs.currentData()
        return int(data) if data is not None else None

    def show_run(self, run_id: int) -> bool:
        """Show one run's output (the partial output of a failed or cancelled run, too)."""
        index = self.runs.findData(run_id)
        if index < 0:
            return False
        self.runs.setCurrentIndex(index)
        return True

    def _reload_runs(self, keep_choice: bool = True) -> None:
        chosen = self.shown_run() if keep_choice else None
        if chosen is not None and self._fingerprint and chosen == self._fingerprint[0]:
            # self._fingerprint[0] is the current run as of the last reload.
            chosen = None  # the user was looking at the current glossary: follow it
        current = repo.current_run(self._project_id) if self._project_id is not None else None
        runs = repo.glossary_runs(self._project_id) if self._project_id is not None else []
        self.runs.blockSignals(True)
        self.runs.clear()
        for run in runs:
            when = format_time(run.started_at or run.created_at)
            scope = scope_label(run.scope)
            if run.id == current:
                label = self.tr("Current glossary (run {run}, {scope}, {when})")
            elif run.status == RunStatus.COMPLETED:
                label = self.tr("Run {run} ({scope}, {when}), replaced since")
            else:
                label = self.tr("Run {run} ({scope}, {status}): partial output")
            label = label.format(
                run=run.id, scope=scope, when=when, status=status_label(run.status)
            )
            self.runs.addItem(label, run.id)
        if not runs:
            self.runs.addItem(self.tr("No glossary yet: run Full (F5)"), None)
        target = chosen if chosen is not None and self.runs.findData(chosen) >= 0 else current
        index = self.runs.findData(target) if target is not None else 0
        self.runs.setCurrentIndex(max(index, 0))
        self.runs.blockSignals(False)
        self._current = current
        self._statuses = {run.id: run.status for run in runs}
        self._on_run_chosen()

    @Slot()
    def _on_run_chosen(self) -> None:
        shown = self.shown_run()
        self.promote.setVisible(
            shown is not None
            and shown != self._current
            and self._statuses.get(shown) in TERMINAL_STATUSES
        )
        self.reload_entries()
        self._fingerprint = self._state() if self._project_id is not None else ()
        self.run_shown.emit(self.shown_run())

    def reload_entries(self) -> None:
        run = self.shown_run()
        rows = (
            repo.glossary_rows(self._project_id, run)
            if (run is not None and self._project_id is not None)
            else []
        )
        self.model.set_rows(rows)
        self._update_count()
        self._show_detail(self.table.currentIndex())

    @Slot()
    def _promote_shown_run(self) -> None:
        run = self.shown_run()
        if run is None:
            return
        try:
            result = transitions.promote_run(run)
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Use This Glossary"), self._not_changed(exc))
            return
        if not result:
            QMessageBox.information(
                self,
                self.tr("Use This Glossary"),
                self.tr("Run {run}: {reason}.").format(
                    run=run, reason=self._promote_reason(result)
                ),
            )
        self._reload_runs(keep_choice=False)

    def _promote_reason(self, result: PromoteResult) -> str:
        if result is PromoteResult.NOT_FOUND:
            return self.tr("no such run")
        if result is PromoteResult.ACTIVE:
            return self.tr("the run has not finished yet")
        if result is PromoteResult.NO_GLOSSARY:
            return self.tr("the run wrote no glossary")
        if result is PromoteResult.ALREADY:
            return self.tr("its glossary is already the current one")
        if result is PromoteResult.PROMOTED:
            return self.tr("its glossary is now the project's current one")
        return result.value

    def _not_changed(self, exc: BaseException) -> str:
        """A database error in plain words, and that nothing was changed."""
        reason = explain(exc) or self.tr("Database problem: {error}").format(error=exc)
        return self.tr("{reason} Nothing was changed; try again.").format(reason=reason)

    def select_term(self, term: str) -> str | None:
        """Select the entry of ``term``, or of the entry it was merged into (as an alias);
        returns that entry's term, or None if there is none (refining dropped it)."""
        wanted = term.casefold()
        target = next(
            (
                r.term
                for r in self.model.rows()
                if r.term.casefold() == wanted or wanted in (a.casefold() for a in r.aliases)
            ),
            None,
        )
        if target is None:
            return None
        if self.filter.text():
            self.filter.clear()  # the filter must not hide what was asked for
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data() == target:
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                break
        return target

    # -- editing -------------------------------------------------------------------------------

    @Slot(str, str)
    def _save_edit(self, term: str, definition: str) -> None:
        if self._project_id is not None:
            row = next((r for r in self.model.rows() if r.term == term), None)
            aliases = _aliases(row) if row is not None else []
            self._edit(term, definition or None, aliases)

    def _edit(self, term: str, definition: str | None, aliases: list[str]) -> None:
        assert self._project_id is not None
        try:
            self.curation.edit_definition(self._project_id, term, definition, aliases)
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Definition"), self._not_changed(exc))

    @Slot(QUrl)
    def _on_detail_link(self, url: QUrl) -> None:
        """A source or occurrence: open the document there. "Use this one" beside another
        defining sentence: it becomes the entry's definition (kept as the user's own, across
        re-runs, like an edit)."""
        row = self._current_row()
        if row is None:
            return
        target = parse_document_link(url)
        if target is not None:
            self.open_document.emit(target[0], target[1], row.term)
            return
        if url.scheme() != "use":
            return
        try:
            sentence = row.alternatives[int(url.path())][0]
        except (ValueError, IndexError):
            return
        self._save_edit(row.term, sentence)

    def confirm_revert(self, term: str, definition: str) -> bool:
        """Ask before dropping the user's own definition. Tests replace this to answer
        without a dialog."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Use the Suggested Definition"),
            self.tr(
                "Drop your definition of “{term}” and use the one suggested from the documents? "
                "Your text will be lost:\n\n{definition}"
            ).format(term=term, definition=definition),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the user's text, never markup
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    @Slot()
    def _revert(self) -> None:
        row = self._current_row()
        if row is None or self._project_id is None or not row.edited:
            return
        if self.confirm_revert(row.term, row.definition):
            self._edit(row.term, None, _aliases(row))

    def _current_row(self) -> GlossaryRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    @Slot(QModelIndex, QModelIndex)
    def _show_detail(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row()) if index.isValid() else None
        self.revert.setVisible(row is not None and row.edited)
        e = html.escape
        if row is None:
            hint = e(self.tr("Select an entry to see where its term occurs."))
            self.detail.setHtml(f"<p>{hint}</p>")
            return
        parts = [f"<h3>{e(row.term)}</h3>"]
        if row.aliases:
            also = e(self.tr("Also:"))
            parts.append(f"<p><i>{also}</i> {e(', '.join(row.aliases))}</p>")
        parts += _definition_html(row)
        if row.see_also:
            see_also = e(self.tr("See also:"))
            parts.append(f"<p><i>{see_also}</i> {e(row.see_also)}</p>")
        if row.alternatives:
            others = e(self.tr("Other defining sentences"))
            parts.append(f"<p><b>{others}</b></p><ul>")
            use = e(self.tr("Use this one"))
            parts += [
                f"<li>{e(s)} <small>({_source_html(p, line)})</small> "
                f'<a href="use:{i}">{use}</a></li>'
                for i, (s, p, line, _) in enumerate(row.alternatives)
            ]
            parts.append("</ul>")
        occurrences = e(self.tr("Occurrences"))
        shown = e(self.tr("(%Ln shown)", "", len(row.occurrences)))
        parts.append(f"<p><b>{occurrences}</b> {shown}</p><ul>")
        parts += [
            f"<li><small>{_source_html(p, line)}</small> — {e(s)}</li>"
            for p, line, s in row.occurrences
        ]
        parts.append("</ul>")
        self.detail.setHtml("".join(parts))

    # -- staying current -----------------------------------------------------------------------

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table in (Topic.PROJECT, Topic.GLOSSARY_ENTRY):
            self._reload_runs()
        elif table == Topic.DEFINITION_EDIT:
            self.reload_entries()

    @Slot(int)
    def _on_run_changed(self, run_id: int) -> None:
        # A listed run changed status (its label says running/failed/cancelled).
        if self.runs.findData(run_id) >= 0:
            self._reload_runs()

    @Slot()
    def _on_external_change(self) -> None:
        """Commits of other processes (the step processes included): reload what moved."""
        if self._project_id is None:
            return
        if self._state() != self._fingerprint:
            self._reload_runs()

    def _state(self) -> tuple[object, ...]:
        assert self._project_id is not None
        current = repo.current_run(self._project_id)
        runs = tuple((r.id, r.status) for r in repo.glossary_runs(self._project_id))
        shown = self.shown_run()
        return (current, runs, shown, repo.final_stage(shown) if shown is not None else None)


ISSUE_SOURCE_COLUMN = 4
#: The issue's type as stored (IssueType's value), what the type filter matches.
ISSUE_TYPE_ROLE = Qt.ItemDataRole.UserRole + 3

#: The review's issue types as the Issues page shows them (translated where they are shown).
_ISSUE_TYPE_LABELS: dict[str, object] = {
    IssueType.UNCLEAR: QT_TRANSLATE_NOOP("IssueTableModel", "unclear"),
    IssueType.CIRCULAR: QT_TRANSLATE_NOOP("IssueTableModel", "circular"),
    IssueType.DUPLICATE: QT_TRANSLATE_NOOP("IssueTableModel", "duplicate"),
    IssueType.CONTRADICTION: QT_TRANSLATE_NOOP("IssueTableModel", "contradiction"),
    IssueType.UNNECESSARY: QT_TRANSLATE_NOOP("IssueTableModel", "unnecessary"),
}


def issue_type_label(issue_type: str) -> str:
    """The translated name of an issue type; a type without one (a newer version's) as is."""
    english = _ISSUE_TYPE_LABELS.get(issue_type)
    return QCoreApplication.translate("IssueTableModel", str(english)) if english else issue_type


def _outcome_text(row: IssueRow) -> str:
    """What refining did with the term (the store's English words), translated."""
    outcome = row.outcome
    if outcome == "dropped":
        return QCoreApplication.translate("IssueTableModel", "dropped")
    if outcome == "kept apart by you":
        return QCoreApplication.translate("IssueTableModel", "kept apart by you")
    if row.related and outcome == f"{row.related} merged into it":
        return QCoreApplication.translate("IssueTableModel", "{term} merged into it").format(
            term=row.related
        )
    if outcome.startswith("merged into "):
        return QCoreApplication.translate("IssueTableModel", "merged into {term}").format(
            term=outcome.removeprefix("merged into ")
        )
    return outcome


class IssueTableModel(RowsTableModel[IssueRow]):
    """A run's issues, with the source of each issue's term (where the run found its
    definition), which the page's source line opens."""

    def __init__(self, parent: QObject | None = None) -> None:
        self._sources: dict[str, tuple[str, int]] = {}
        super().__init__(
            [
                Column(
                    QCoreApplication.translate("IssueTableModel", "Type"),
                    lambda r: r.type,
                    display=lambda r: issue_type_label(r.type),
                ),
                Column(QCoreApplication.translate("IssueTableModel", "Term"), lambda r: r.term),
                Column(
                    QCoreApplication.translate("IssueTableModel", "Problem"),
                    lambda r: r.description,
                    tooltip=lambda r: r.description,
                ),
                Column(
                    QCoreApplication.translate("IssueTableModel", "Outcome"),
                    lambda r: r.outcome,
                    display=_outcome_text,
                    tooltip=lambda r: (
                        QCoreApplication.translate(
                            "IssueTableModel", "What refining did with this term"
                        )
                        if r.outcome
                        else None
                    ),
                ),
                Column(
                    QCoreApplication.translate("IssueTableModel", "Source"),
                    self._source_text,
                    tooltip=lambda r: (
                        QCoreApplication.translate(
                            "IssueTableModel", "Open it from the line below the table"
                        )
                        if self.source_of(r.term)
                        else None
                    ),
                ),
            ],
            parent,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == ISSUE_TYPE_ROLE:
            row = self.row_at(index.row()) if index.isValid() else None
            return row.type if row is not None else None
        return super().data(index, role)

    def source_of(self, term: str) -> tuple[str, int] | None:
        return self._sources.get(term.casefold())

    def _source_text(self, row: IssueRow) -> str:
        where = self.source_of(row.term)
        return f"{where[0]}:{where[1]}" if where is not None else ""

    def set_issues(self, rows: list[IssueRow], sources: dict[str, tuple[str, int]]) -> None:
        """``sources``: casefolded term → (document path, line)."""
        changed = sources != self._sources
        self._sources = sources
        before = [r.id for r in self.rows()]
        self.set_rows(rows)
        if changed and before == [r.id for r in self.rows()] and self.rowCount():
            column = ISSUE_SOURCE_COLUMN
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))


def issue_sources(run_id: int, terms: set[str]) -> dict[str, tuple[str, int]]:
    """Where the run found each of ``terms``' definition (casefolded term → path, line): its
    own entry before refining (a dropped or merged term has one too), else an entry that has
    it as an alias."""
    wanted = {t.casefold() for t in terms}
    found: dict[str, tuple[str, int]] = {}
    by_alias: dict[str, tuple[str, int]] = {}
    for stage in (Stage.PROVISIONAL, Stage.REFINED):
        if wanted <= found.keys():
            break
        for entry in repo.load_entries(run_id, stage):
            if not entry["source_path"]:
                continue
            where = (entry["source_path"], int(entry["source_line"] or 0))
            found.setdefault(entry["term"].casefold(), where)
            for alias in entry["aliases"]:
                by_alias.setdefault(alias.casefold(), where)
    return {t: found.get(t) or by_alias[t] for t in wanted if t in found or t in by_alias}


class IssuesPage(QWidget):
    #: The user wants to see this term's entry.
    open_entry = Signal(str)
    #: A merge was undone: the shown glossary changed.
    glossary_changed = Signal()
    #: A source link was clicked: (document path, line, term).
    open_document = Signal(str, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: int | None = None
        self.model = IssueTableModel(self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterRole(ISSUE_TYPE_ROLE)  # the stored type, not its translated name
        self.type_filter = QComboBox()
        self.type_filter.addItem(self.tr("All types"), "")
        for kind in ISSUE_TYPES:
            name = issue_type_label(kind)
            self.type_filter.addItem(name[:1].upper() + name[1:], kind)
        self.type_filter.currentIndexChanged.connect(self._apply_filter)
        self.count = QLabel()
        self.table = make_table(
            self.proxy, "issuesTable", stretch=2, widths={0: 110, 1: 180, 3: 180, 4: 150}
        )
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        self.keep_apart = QPushButton(self.tr("&Keep Apart"))
        self.keep_apart.setObjectName("keepApartButton")
        self.keep_apart.setToolTip(
            self.tr(
                "Undo this merge: both terms get their own entry back, and no later run merges "
                "them again."
            )
        )
        self.keep_apart.setEnabled(False)
        self.keep_apart.clicked.connect(self._keep_apart)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.proxy.modelReset.connect(self._update_buttons)
        self.source_line = QLabel()
        self.source_line.setObjectName("issueSource")
        self.source_line.setTextFormat(Qt.TextFormat.RichText)
        self.source_line.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.source_line.linkActivated.connect(self._on_source_link)
        self._links: dict[str, str] = {}  # href → term
        hint = QLabel(self.tr("Double-click (or Enter) opens the entry."))
        hint.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:")))
        bar.addWidget(self.type_filter)
        bar.addWidget(self.keep_apart)
        bar.addStretch(1)
        bar.addWidget(hint)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.source_line)

    @Slot(object)
    def show_run(self, run_id: int | None) -> None:
        self._run = run_id
        self.reload()

    @Slot(str)
    def on_table_changed(self, table: str) -> None:
        """A run wrote issues, refined entries or a merge was undone: the outcomes shown may
        have changed."""
        if self._run is not None and table in (
            Topic.ISSUE,
            Topic.KEPT_APART,
            Topic.GLOSSARY_ENTRY,
        ):
            self.reload()

    def reload(self) -> None:
        rows = repo.issue_rows(self._run) if self._run is not None else []
        terms = {r.term for r in rows} | {r.related for r in rows if r.related}
        sources = issue_sources(self._run, terms) if self._run is not None and rows else {}
        self.model.set_issues(rows, sources)
        self._apply_filter()
        self._update_buttons()

    @Slot()
    def _apply_filter(self) -> None:
        kind = self.type_filter.currentData() or ""
        # An anchored match on the Type column.
        self.proxy.setFilterRegularExpression(f"^{kind}$" if kind else "")
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count.setText(self.tr("%Ln issues", "", total))
        else:
            text = self.tr("{shown} of %Ln issues", "", total)
            self.count.setText(text.format(shown=format_number(shown)))

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row())
        if row is not None:
            self.open_entry.emit(row.term)

    def _selected(self) -> IssueRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    @Slot()
    def _update_buttons(self) -> None:
        row = self._selected()
        self.keep_apart.setEnabled(row is not None and row.merged)
        self._show_sources(row)

    def _show_sources(self, row: IssueRow | None) -> None:
        """The issue's term's source as a link (and the other term's, for a pair)."""
        self._links = {}
        if row is None:
            self.source_line.setText("")
            return
        parts = []
        for term in dict.fromkeys(t for t in (row.term, row.related) if t):
            where = self.model.source_of(term)
            if where is None:
                text = self.tr("“{term}”: no source in the documents")
                parts.append(html.escape(text.format(term=term)))
                continue
            href = document_link(*where)
            self._links[href] = term
            source = self.tr("“{term}”: {source}")
            parts.append(source.format(term=html.escape(term), source=_source_html(*where)))
        sources = self.tr("Source — {sources}")
        self.source_line.setText(sources.format(sources=" · ".join(parts)))

    @Slot(str)
    def _on_source_link(self, href: str) -> None:
        target = parse_document_link(QUrl(href))
        if target is not None:
            self.open_document.emit(target[0], target[1], self._links.get(href, ""))

    @Slot()
    def _keep_apart(self) -> None:
        row = self._selected()
        if row is None or not row.merged or self._run is None:
            return
        project = repo.run_project(self._run)
        if project is None:
            return
        try:
            restored = repo.keep_apart(project, self._run, row.term, row.related)
        except StoreError as exc:
            reason = explain(exc) or self.tr("Database problem: {error}").format(error=exc)
            QMessageBox.warning(
                self,
                self.tr("Keep Apart"),
                self.tr("The merge was not undone: {reason}").format(reason=reason),
            )
            return
        self.reload()
        self.glossary_changed.emit()
        if restored is None:
            QMessageBox.information(
                self,
                self.tr("Keep Apart"),
                self.tr(
                    "“{term}” and “{related}” will be kept apart from the next run on. This "
                    "glossary was copied from an earlier run, so it has no entry of its own to "
                    "give back now."
                ).format(term=row.term, related=row.related),
            )
