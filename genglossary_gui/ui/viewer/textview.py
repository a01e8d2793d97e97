"""The text of the viewer: a read-only QPlainTextEdit (it lays out only the blocks it shows,
so a document of megabytes opens at once), which tells where the user clicked."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QMouseEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QWidget

#: A press and release closer than this (pixels) is a click, not a selection.
_CLICK_SLOP = 4


class TextView(QPlainTextEdit):
    #: A click (not a selection) on the character ``(block number, offset in UTF-16 units)``.
    clicked = Signal(int, int)
    #: The mouse moved over a character (or off the text: -1, -1).
    hovered = Signal(int, int)
    #: A context menu asked for at a point (viewport coordinates), on a character or -1, -1.
    menu_requested = Signal(QPoint, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentText")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(10)
        self.viewport().setMouseTracking(True)
        self._pressed: QPoint | None = None

    def char_at(self, pos: QPoint) -> tuple[int, int] | None:
        """The character under a viewport point: ``(block number, UTF-16 offset)``."""
        cursor = self.cursorForPosition(pos)
        block = cursor.block()
        geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
        if not geometry.contains(QPointF(pos)):
            return None
        at = cursor.position() - block.position()
        rect = self.cursorRect(cursor)
        if pos.x() < rect.x():
            if at == 0:
                return None
            return block.blockNumber(), at - 1
        after = QTextCursor(cursor)
        if at >= block.length() - 1 or not after.movePosition(QTextCursor.MoveOperation.Right):
            return None
        right = self.cursorRect(after)
        if right.y() != rect.y() or pos.x() > right.x():
            return None  # beyond the end of a visual line
        return block.blockNumber(), at

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._pressed = self._pressed, None
        if event.button() != Qt.MouseButton.LeftButton or pressed is None:
            return
        pos = event.position().toPoint()
        if (pos - pressed).manhattanLength() > _CLICK_SLOP or self.textCursor().hasSelection():
            return
        hit = self.char_at(pos)
        if hit is not None:
            self.clicked.emit(*hit)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            hit = self.char_at(event.position().toPoint())
            self.hovered.emit(*(hit or (-1, -1)))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        hit = self.char_at(event.pos())
        self.menu_requested.emit(event.pos(), *(hit or (-1, -1)))

    def show_at_top(self, cursor: QTextCursor) -> None:
        """Select ``cursor`` and scroll so that it shows with a little context above."""
        self.setTextCursor(cursor)
        self.centerCursor()
