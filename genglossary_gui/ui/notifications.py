"""A non-modal notification strip for errors, with a way to read the details."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget


class NotificationBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setStyleSheet(
            "#notificationBar { background: #fdecea; border-bottom: 1px solid #f5c2c0; }"
            " QLabel { color: #7f1d1d; }"
        )
        self.setAutoFillBackground(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.details_button = QPushButton(self.tr("Details…"))
        self.details_button.clicked.connect(self._show_details)
        close = QPushButton(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(close)
        self._details = ""
        self.hide()

    def notify(self, message: str, details: str = "") -> None:
        self.message.setText(message)
        self._details = details
        self.details_button.setVisible(bool(details))
        self.show()

    @property
    def details(self) -> str:
        return self._details

    @Slot()
    def _show_details(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Details"),
            self.message.text(),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setDetailedText(self._details)
        box.open()
