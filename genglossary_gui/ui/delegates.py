"""Painting for the run table: status badges, progress bars and per-row Cancel buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from genglossary_gui.ui.models.run_table_model import RunRole
from genglossary_gui.vocabulary import RunStatus

Index = QModelIndex | QPersistentModelIndex

STATUS_COLORS = {
    RunStatus.PENDING: QColor("#6b7280"),
    RunStatus.RUNNING: QColor("#1d4ed8"),
    RunStatus.COMPLETED: QColor("#15803d"),
    RunStatus.FAILED: QColor("#b91c1c"),
    RunStatus.CANCELLED: QColor("#b45309"),
}


class StatusBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # Background (selection) as usual, then the badge instead of the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text  # type: ignore[attr-defined]
        opt.text = ""  # type: ignore[attr-defined]
        style = opt.widget.style() if opt.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # type: ignore[attr-defined]
        color = STATUS_COLORS.get(index.data(RunRole.STATUS), STATUS_COLORS[RunStatus.PENDING])
        rect: QRect = opt.rect  # type: ignore[attr-defined]
        metrics = opt.fontMetrics  # type: ignore[attr-defined]
        width = min(rect.width() - 8, metrics.horizontalAdvance(text) + 16)
        height = min(rect.height() - 6, metrics.height() + 4)
        badge = QRect(rect.left() + 4, rect.top() + (rect.height() - height) // 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        _step, done, total = index.data(RunRole.PROGRESS) or ("", 0, 0)
        if not index.data(RunRole.ACTIVE) or index.data(RunRole.STATUS) != RunStatus.RUNNING:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)  # type: ignore[attr-defined]
        bar.minimum = 0
        bar.maximum = 1000 if total else 0  # 0..0 = busy indicator while the total is unknown
        bar.progress = int(done * 1000 / total) if total else 0
        bar.text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.fontMetrics = option.fontMetrics  # type: ignore[attr-defined]
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)  # type: ignore[attr-defined]


class CancelButtonDelegate(QStyledItemDelegate):
    """A Cancel push button in every active row; nothing in finished rows.

    Emits ``cancel_clicked(run_id)`` when a button is clicked. Clicks where a finished row's
    button used to be do nothing.
    """

    cancel_clicked = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pressed: int | None = None

    @staticmethod
    def button_rect(cell: QRect) -> QRect:
        return cell.adjusted(4, 2, -4, -2)

    def _button_option(self, option: QStyleOptionViewItem, index: Index) -> QStyleOptionButton:
        button = QStyleOptionButton()
        button.rect = self.button_rect(option.rect)  # type: ignore[attr-defined]
        requested = bool(index.data(RunRole.CANCEL_REQUESTED))
        button.text = self.tr("Cancelling…") if requested else self.tr("Cancel")
        button.state = QStyle.StateFlag.State_Raised
        if not requested:
            button.state |= QStyle.StateFlag.State_Enabled
        if self._pressed == index.data(RunRole.RUN_ID):
            button.state |= QStyle.StateFlag.State_Sunken
        return button

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        if not index.data(RunRole.ACTIVE):
            return
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(
            QStyle.ControlElement.CE_PushButton,
            self._button_option(option, index),
            painter,
            option.widget,
        )  # type: ignore[attr-defined]

    def sizeHint(self, option: QStyleOptionViewItem, index: Index):
        size = super().sizeHint(option, index)
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        labels = (self.tr("Cancelling…"), self.tr("Cancel"))
        width = max(metrics.horizontalAdvance(label) for label in labels) + 28
        size.setWidth(max(size.width(), width))
        return size

    def editorEvent(
        self,
        event: QEvent,
        model,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if not index.data(RunRole.ACTIVE) or index.data(RunRole.CANCEL_REQUESTED):
            self._pressed = None
            return False
        if not isinstance(event, QMouseEvent) or event.button() != Qt.MouseButton.LeftButton:
            return False
        inside = self.button_rect(option.rect).contains(event.position().toPoint())  # type: ignore[attr-defined]
        run_id = index.data(RunRole.RUN_ID)
        if event.type() == QEvent.Type.MouseButtonPress and inside:
            self._pressed = run_id
            return True
        if event.type() == QEvent.Type.MouseButtonRelease:
            clicked = inside and self._pressed == run_id
            self._pressed = None
            if clicked:
                self.cancel_clicked.emit(run_id)
                return True
        return False
