"""A table model over a list of frozen row objects, for tables loaded whole (documents, terms,
projects). Reloading diffs by id: unchanged rows are left alone, changed ones get dataChanged,
and only a different set of ids resets the model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex

#: The row's id.
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    title: str
    value: Callable[[R], Any]
    display: Callable[[R], str] | None = None
    numeric: bool = False
    tooltip: Callable[[R], str | None] | None = None


class RowsTableModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def _sorted(self, rows: list[R]) -> list[R]:
        if self._sort is None:
            return rows
        column, order = self._sort
        value = self._columns[column].value

        def key(row: R) -> tuple[bool, Any]:
            v = value(row)
            return (v is None, v.casefold() if isinstance(v, str) else v)

        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python, once: a sorting proxy would call data() for every comparison."""
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [
            self._rows[i.row()].id if 0 <= i.row() < len(self._rows) else None for i in persistent
        ]
        self._rows = self._sorted(self._rows)
        position = {row.id: i for i, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(position[row_id], i.column()) if row_id in position else QModelIndex()
                for row_id, i in zip(ids, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def set_rows(self, rows: Sequence[R]) -> None:
        rows = self._sorted(list(rows))
        if [r.id for r in rows] != [r.id for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        last = len(self._columns) - 1
        for i, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new:
                self._rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column.display is not None:
                return column.display(row)
            value = column.value(row)
            return "" if value is None else str(value)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return horizontal | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        return None


class FilterProxy(QSortFilterProxyModel):
    """Filters rows; sorting is passed on to the source model, which sorts in one Python call
    instead of calling data() for every comparison (5,000 terms: ~5 ms instead of ~400 ms on
    the GUI thread)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
