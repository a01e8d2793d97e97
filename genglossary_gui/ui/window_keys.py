"""Which window shortcut a key pressed in a text field goes to.

- **Esc** belongs to the text field (a filter box, a definition being edited, a settings
  field) unless the Runs page says otherwise: it cancels a run only from the Runs page or when
  no text field has focus.
- **Ctrl+E** exports even from a text field. On Linux a line edit takes Ctrl+E as "end of
  line" (the End key still does that), which would make the guide's Ctrl+E silently do
  nothing in the Glossary page's filter box.

Both are decided on the ShortcutOverride event that Qt sends to the focused widget before it
looks up a shortcut: accepting it gives the key to the widget, ignoring it to the shortcut.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def is_text_field(widget: QObject | None) -> bool:
    """Whether ``widget`` is somewhere the user types text (read-only views are not)."""
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return False


class WindowKeys(QObject):
    """Installs itself on every text field of ``window`` that gets the focus."""

    def __init__(
        self,
        window: QWidget,
        cancel_action: QAction,
        export_action: QAction,
        esc_cancels_anywhere: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._cancel = cancel_action
        self._export = export_action
        self._esc_anywhere = esc_cancels_anywhere
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if now is not None and is_text_field(now) and now.window() is self._window:
            now.installEventFilter(self)  # once: installing again only moves it first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        pressed = QKeySequence(event.keyCombination())
        if pressed in self._cancel.shortcuts() and is_text_field(watched):
            if not self._esc_anywhere():
                event.accept()  # the field's own Esc (close the editor, nothing at all)
                return True
        elif pressed in self._export.shortcuts() and self._export.isEnabled():
            event.ignore()  # the shortcut's, not the line edit's "end of line"
            return True
        return False
