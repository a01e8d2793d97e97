"""The documents, terms and projects tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from genglossary_gui.store.repositories import DocumentRow, ProjectRow, TermRow
from genglossary_gui.ui.formatting import format_size
from genglossary_gui.ui.labels import language_label
from genglossary_gui.ui.models.rows_model import Column, Index, RowsTableModel
from genglossary_gui.vocabulary import Selection, TermStatus

PROBLEM_COLOR = QColor("#b3261e")
EXCLUDED_COLOR = QColor("#8a8a8a")
REQUIRED_COLOR = QColor("#1d4ed8")
BELOW_CUTOFF_COLOR = QColor("#6b6b6b")


class DocumentTableModel(RowsTableModel[DocumentRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(self.tr("Path"), lambda d: d.rel_path, tooltip=lambda d: d.rel_path),
                Column(
                    self.tr("Size"),
                    lambda d: d.size_bytes,
                    lambda d: format_size(d.size_bytes),
                    numeric=True,
                ),
                Column(
                    self.tr("Language"),
                    lambda d: d.language,
                    lambda d: language_label(d.language),
                ),
                Column(self.tr("Encoding"), lambda d: d.encoding),
                Column(
                    self.tr("Import problem"),
                    lambda d: d.problem,
                    tooltip=lambda d: d.problem or None,
                ),
            ],
            parent,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and row.problem:
                return QBrush(PROBLEM_COLOR)
            return None
        return super().data(index, role)


class TermTableModel(RowsTableModel[TermRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(self.tr("Term"), lambda t: t.text, tooltip=_term_tooltip),
                Column(
                    self.tr("Score"), lambda t: t.score, lambda t: f"{t.score:.2f}", numeric=True
                ),
                Column(self.tr("Frequency"), lambda t: t.frequency, numeric=True),
                Column(self.tr("Documents"), lambda t: t.document_count, numeric=True),
                Column(
                    self.tr("Language"),
                    lambda t: t.language,
                    lambda t: language_label(t.language),
                ),
                Column(
                    self.tr("Your mark"),
                    lambda t: "" if t.status == TermStatus.CANDIDATE else t.status,
                    _mark_text,
                    tooltip=_status_tooltip,
                ),
                Column(
                    self.tr("Glossary"),
                    lambda t: t.selection.value,
                    _selection_text,
                    tooltip=_selection_tip,
                ),
                Column(self.tr("Entry"), group_text, tooltip=_group_tooltip),
                Column(self.tr("Category"), lambda t: t.category, tooltip=_category_tooltip),
                Column(
                    self.tr("Note"),
                    lambda t: " ".join(t.note.split()),
                    tooltip=lambda t: t.note or None,
                ),
            ],
            parent,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and row.status == TermStatus.EXCLUDED:
                return QBrush(EXCLUDED_COLOR)
            if row is not None and row.status == TermStatus.REQUIRED:
                return QBrush(REQUIRED_COLOR)
            if row is not None and not row.in_glossary:
                return QBrush(BELOW_CUTOFF_COLOR)  # ranked, listed, not defined by a run
            return None
        return super().data(index, role)


#: The translations' context of the term table's texts (module functions included).
_CONTEXT = "TermTableModel"

_SELECTION_TEXTS = {
    Selection.REQUIRED: QT_TRANSLATE_NOOP("TermTableModel", "✓ required"),
    Selection.DEFINED: QT_TRANSLATE_NOOP("TermTableModel", "✓ defined"),
    Selection.CHOSEN: QT_TRANSLATE_NOOP("TermTableModel", "✓ grouped or split"),
    Selection.ABOVE_CUTOFF: "✓",
    Selection.BELOW_CUTOFF: QT_TRANSLATE_NOOP("TermTableModel", "below the cut-off"),
    Selection.SEEN_ONCE: QT_TRANSLATE_NOOP("TermTableModel", "seen once"),
    Selection.NOT_FOUND: QT_TRANSLATE_NOOP("TermTableModel", "not found"),
    Selection.EXCLUDED: QT_TRANSLATE_NOOP("TermTableModel", "excluded"),
}
_SELECTION_TIPS = {
    Selection.REQUIRED: QT_TRANSLATE_NOOP(
        "TermTableModel", "You require it: the next run defines it."
    ),
    Selection.CHOSEN: QT_TRANSLATE_NOOP(
        "TermTableModel",
        "In a group of yours, or split out of an entry by you: the next run defines it.",
    ),
    Selection.DEFINED: QT_TRANSLATE_NOOP(
        "TermTableModel",
        "A sentence of the documents defines it: the next run defines it, however rarely "
        "it occurs.",
    ),
    Selection.ABOVE_CUTOFF: QT_TRANSLATE_NOOP(
        "TermTableModel",
        "Scores above the cut-off that the extraction chose from the scores: the next run "
        "defines it.",
    ),
    Selection.BELOW_CUTOFF: QT_TRANSLATE_NOOP(
        "TermTableModel", "Ranked below the cut-off: not in the glossary unless you require it."
    ),
    Selection.SEEN_ONCE: QT_TRANSLATE_NOOP(
        "TermTableModel",
        "Occurs once and no sentence defines it: not in the glossary unless you require it.",
    ),
    Selection.NOT_FOUND: QT_TRANSLATE_NOOP(
        "TermTableModel",
        "The last extraction did not find it in the documents; your mark is kept for when "
        "it appears again.",
    ),
    Selection.EXCLUDED: QT_TRANSLATE_NOOP(
        "TermTableModel", "You excluded it: never in the glossary."
    ),
}
#: The user's marks as the Your mark column shows them (the value, not this, is sorted).
_MARK_TEXTS: dict[str, object] = {
    TermStatus.REQUIRED: QT_TRANSLATE_NOOP("TermTableModel", "required"),
    TermStatus.EXCLUDED: QT_TRANSLATE_NOOP("TermTableModel", "excluded"),
}


def _tr(text: object) -> str:
    """A text marked with QT_TRANSLATE_NOOP above, translated."""
    return QCoreApplication.translate(_CONTEXT, str(text))


def group_text(t: TermRow) -> str:
    """Where the term stands among the entries: merged into another (by the user or by
    refining), or heading one with variants."""
    if t.group and t.group != t.text:
        return f"→ {t.group}"
    if t.merged_into:
        return f"→ {t.merged_into}"
    if t.aliases:
        return QCoreApplication.translate("TermTableModel", "also {aliases}").format(
            aliases=", ".join(t.aliases)
        )
    if t.group:
        return QCoreApplication.translate("TermTableModel", "heads a group")
    return ""


def _group_tooltip(t: TermRow) -> str | None:
    if t.group and t.group != t.text:
        return QCoreApplication.translate(
            "TermTableModel",
            "You merged it into “{headword}”: one entry, this term its variant. "
            "Split gives it its own entry again.",
        ).format(headword=t.group)
    if t.merged_into:
        return QCoreApplication.translate(
            "TermTableModel",
            "The current glossary merged it into “{headword}”. Split gives it its own "
            "entry, in this glossary and every later one.",
        ).format(headword=t.merged_into)
    if t.group:
        return QCoreApplication.translate(
            "TermTableModel", "Heads the synonym group you made: the next run gives it one entry."
        )
    if t.aliases:
        return QCoreApplication.translate(
            "TermTableModel", "Its entry has the variants {aliases}."
        ).format(aliases=", ".join(t.aliases))
    return None


def _category_tooltip(t: TermRow) -> str | None:
    if not t.category:
        return None
    if t.user_category:
        return QCoreApplication.translate("TermTableModel", "Your category")
    return QCoreApplication.translate("TermTableModel", "The category the model gave it")


def _term_tooltip(t: TermRow) -> str:
    if not t.note:
        return t.text
    return QCoreApplication.translate("TermTableModel", "{term}\nYour note: {note}").format(
        term=t.text, note=t.note
    )


def _selection_text(t: TermRow) -> str:
    return _tr(_SELECTION_TEXTS[t.selection])


def _selection_tip(t: TermRow) -> str:
    return _tr(_SELECTION_TIPS[t.selection])


def _mark_text(t: TermRow) -> str:
    if t.status == TermStatus.CANDIDATE:
        return ""
    mark = _MARK_TEXTS.get(t.status)
    return _tr(mark) if mark else t.status


def _status_tooltip(t: TermRow) -> str | None:
    if t.status == TermStatus.REQUIRED:
        return QCoreApplication.translate(
            "TermTableModel", "Always in the glossary; never dropped as unnecessary."
        )
    if t.status == TermStatus.EXCLUDED:
        return QCoreApplication.translate("TermTableModel", "Never in the glossary.")
    return None


class ProjectListModel(RowsTableModel[ProjectRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [Column(self.tr("Project"), lambda p: p.name, tooltip=_project_tooltip)], parent
        )

    def row_of_project(self, project_id: int) -> int | None:
        for i, row in enumerate(self.rows()):
            if row.id == project_id:
                return i
        return None


def _project_tooltip(p: ProjectRow) -> str:
    import json

    sources = json.loads(p.sources or "[]")
    return "\n".join([p.name, *sources])
