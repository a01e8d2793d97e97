"""Find in document: a text field, "3 of 12", previous and next. Enter / Shift+Enter (and
F3 / Shift+F3, the viewer's shortcuts) go to the next / previous match; Esc closes it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from genglossary_gui.ui.formatting import format_number

#: How long typing pauses before the search starts (ms).
SEARCH_DELAY_MS = 150


class _FindField(QLineEdit):
    """Enter: next; Shift+Enter: previous; Esc: close (the field's, not the window's)."""

    step = Signal(int)
    escape = Signal()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # Esc closes the find bar; it never cancels a run from here
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.step.emit(-1 if back else 1)
            return
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    #: The text to look for (after typing pauses; "" when cleared).
    search = Signal(str)
    #: +1: next match, -1: previous.
    step = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.field = _FindField()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText(self.tr("Find in document…"))
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.count.setMinimumWidth(90)
        self.previous = QToolButton()
        self.previous.setText(self.tr("Previous"))
        self.previous.setToolTip(self.tr("Previous match (Shift+F3, Shift+Enter)"))
        self.next = QToolButton()
        self.next.setText(self.tr("Next"))
        self.next.setToolTip(self.tr("Next match (F3, Enter)"))
        close = QToolButton()
        close.setText(self.tr("Close"))
        close.setToolTip(self.tr("Close the find bar (Esc)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(QLabel(self.tr("Find:")))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.previous)
        layout.addWidget(self.next)
        layout.addWidget(close)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self._search_now)
        self.field.textChanged.connect(self._on_text)
        self.field.step.connect(self._on_step)
        self.field.escape.connect(self.close_bar)
        self.previous.clicked.connect(self._previous)
        self.next.clicked.connect(self._next)
        close.clicked.connect(self.close_bar)

    def open_bar(self, text: str = "") -> None:
        self.show()
        if text and text != self.field.text():
            self.field.setText(text)
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self._delay.stop()
        self.hide()
        self.closed.emit()

    def text(self) -> str:
        return self.field.text()

    def set_count(self, current: int | None, total: int) -> None:
        """ "3 of 12" (``current`` 0-based, None for none chosen); "No matches"."""
        if not self.field.text():
            self.count.setText("")
        elif total == 0:
            self.count.setText(self.tr("No matches"))
        elif current is None:
            self.count.setText(self.tr("%Ln match(es)", "", total))
        else:
            self.count.setText(
                self.tr("{current} of {total}").format(
                    current=format_number(current + 1), total=format_number(total)
                )
            )

    def set_searching(self) -> None:
        self.count.setText(self.tr("Searching…"))

    @Slot(str)
    def _on_text(self, _text: str) -> None:
        self._delay.start()

    @Slot()
    def _search_now(self) -> None:
        self.search.emit(self.field.text())

    def search_pending(self) -> bool:
        return self._delay.isActive()

    @Slot(int)
    def _on_step(self, direction: int) -> None:
        if self._delay.isActive():
            self._delay.stop()
            self._search_now()  # Enter right after typing: search first, then go
        self.step.emit(direction)

    @Slot()
    def _previous(self) -> None:
        self._on_step(-1)

    @Slot()
    def _next(self) -> None:
        self._on_step(1)
