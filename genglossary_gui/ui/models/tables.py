"""The documents, terms and projects tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from genglossary_gui.store.repositories import DocumentRow, ProjectRow, TermRow
from genglossary_gui.ui.formatting import LANGUAGE_NAMES, format_size
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
                Column("Path", lambda d: d.rel_path, tooltip=lambda d: d.rel_path),
                Column(
                    "Size",
                    lambda d: d.size_bytes,
                    lambda d: format_size(d.size_bytes),
                    numeric=True,
                ),
                Column(
                    "Language",
                    lambda d: d.language,
                    lambda d: LANGUAGE_NAMES.get(d.language, d.language),
                ),
                Column("Encoding", lambda d: d.encoding),
                Column("Import problem", lambda d: d.problem, tooltip=lambda d: d.problem or None),
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
                Column("Term", lambda t: t.text, tooltip=_term_tooltip),
                Column("Score", lambda t: t.score, lambda t: f"{t.score:.2f}", numeric=True),
                Column("Frequency", lambda t: t.frequency, numeric=True),
                Column("Documents", lambda t: t.document_count, numeric=True),
                Column(
                    "Language",
                    lambda t: t.language,
                    lambda t: LANGUAGE_NAMES.get(t.language, t.language),
                ),
                Column(
                    "Your mark",
                    lambda t: "" if t.status == TermStatus.CANDIDATE else t.status,
                    tooltip=_status_tooltip,
                ),
                Column(
                    "Glossary",
                    lambda t: t.selection.value,
                    _selection_text,
                    tooltip=lambda t: _SELECTION_TIPS[t.selection],
                ),
                Column("Entry", group_text, tooltip=_group_tooltip),
                Column("Category", lambda t: t.category, tooltip=_category_tooltip),
                Column(
                    "Note",
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


_SELECTION_TEXTS = {
    Selection.REQUIRED: "✓ required",
    Selection.DEFINED: "✓ defined",
    Selection.CHOSEN: "✓ grouped or split",
    Selection.ABOVE_CUTOFF: "✓",
    Selection.BELOW_CUTOFF: "below the cut-off",
    Selection.SEEN_ONCE: "seen once",
    Selection.NOT_FOUND: "not found",
    Selection.EXCLUDED: "excluded",
}
_SELECTION_TIPS = {
    Selection.REQUIRED: "You require it: the next run defines it.",
    Selection.CHOSEN: "In a group of yours, or split out of an entry by you: the next run "
    "defines it.",
    Selection.DEFINED: "A sentence of the documents defines it: the next run defines it, "
    "however rarely it occurs.",
    Selection.ABOVE_CUTOFF: "Scores above the cut-off that the extraction chose from the "
    "scores: the next run defines it.",
    Selection.BELOW_CUTOFF: "Ranked below the cut-off: not in the glossary unless you require it.",
    Selection.SEEN_ONCE: "Occurs once and no sentence defines it: not in the glossary "
    "unless you require it.",
    Selection.NOT_FOUND: "The last extraction did not find it in the documents; your mark "
    "is kept for when it appears again.",
    Selection.EXCLUDED: "You excluded it: never in the glossary.",
}


def group_text(t: TermRow) -> str:
    """Where the term stands among the entries: merged into another (by the user or by
    refining), or heading one with variants."""
    if t.group and t.group != t.text:
        return f"→ {t.group}"
    if t.merged_into:
        return f"→ {t.merged_into}"
    if t.aliases:
        return "also " + ", ".join(t.aliases)
    if t.group:
        return "heads a group"
    return ""


def _group_tooltip(t: TermRow) -> str | None:
    if t.group and t.group != t.text:
        return (
            f"You merged it into “{t.group}”: one entry, this term its variant. "
            "Split gives it its own entry again."
        )
    if t.merged_into:
        return (
            f"The current glossary merged it into “{t.merged_into}”. Split gives it its own "
            "entry, in this glossary and every later one."
        )
    if t.group:
        return "Heads the synonym group you made: the next run gives it one entry."
    if t.aliases:
        return f"Its entry has the variants {', '.join(t.aliases)}."
    return None


def _category_tooltip(t: TermRow) -> str | None:
    if not t.category:
        return None
    return "Your category" if t.user_category else "The category the model gave it"


def _term_tooltip(t: TermRow) -> str:
    return f"{t.text}\nYour note: {t.note}" if t.note else t.text


def _selection_text(t: TermRow) -> str:
    return _SELECTION_TEXTS[t.selection]


def _status_tooltip(t: TermRow) -> str | None:
    if t.status == TermStatus.REQUIRED:
        return "Always in the glossary; never dropped as unnecessary."
    if t.status == TermStatus.EXCLUDED:
        return "Never in the glossary."
    return None


class ProjectListModel(RowsTableModel[ProjectRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([Column("Project", lambda p: p.name, tooltip=_project_tooltip)], parent)

    def row_of_project(self, project_id: int) -> int | None:
        for i, row in enumerate(self.rows()):
            if row.id == project_id:
                return i
        return None


def _project_tooltip(p: ProjectRow) -> str:
    import json

    sources = json.loads(p.sources or "[]")
    return "\n".join([p.name, *sources])
