"""The window's log file, and what happens when something goes wrong that no code expected.

A double-clicked application has no terminal: warnings, Qt's own messages and unexpected
exceptions go to a rotating log file in the per-user log folder. An unexpected exception in
the GUI thread (a slot, an event handler) also shows a dialog that says in plain words what
happened, where the log is, and that the user's data is safe: every change the user made was
committed to the database when it was made, so the window carries on; nothing is rolled back.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("genglossary_gui")

LOG_FILE = "genglossary.log"
#: One file of this size, and this many older ones beside it.
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("GenGlossary", appauthor=False))


def setup_logging(*, debug: bool = False, folder: Path | None = None) -> Path:
    """Log to a rotating file in ``folder`` (the per-user log folder) at INFO, or DEBUG with
    ``--debug``; a terminal, when there is one, still sees warnings. Returns the file."""
    folder = folder if folder is not None else log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    # --debug is about this application: the libraries (peewee prints every query at
    # DEBUG) stay at INFO.
    root.setLevel(logging.INFO)
    logging.getLogger("genglossary_gui").setLevel(logging.DEBUG if debug else logging.INFO)
    root.addHandler(handler)
    if sys.stderr is not None:  # a windowed bundle on Windows has none
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG if debug else logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
    logging.captureWarnings(True)
    return path


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("qt")


#: Qt messages that say nothing about the app (the offscreen platform, used without a
#: display, says this of every window shown): logged at DEBUG.
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if message.startswith(_QT_NOISE):
        level = logging.DEBUG
    _qt_log.log(level, "%s%s", message, where)


def route_qt_messages() -> None:
    """Qt's own warnings (a missing plugin, a bad signal connection) go to the log."""
    qInstallMessageHandler(_qt_message)


class CrashReporter(QObject):
    """Logs every unexpected exception and shows it to the user (one dialog at a time; from
    a worker thread the dialog is shown by the GUI thread).

    Install with :meth:`install`; :meth:`uninstall` puts the previous hooks back."""

    _show = Signal(str, str)  # summary, traceback: queued to the GUI thread

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.shown: list[str] = []  # summaries shown (the tests read them)
        self.dialog: CrashDialog | None = None
        self._previous: tuple[Callable[..., object], Callable[..., object]] | None = None
        self._show.connect(self._on_show)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def _excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()  # Ctrl+C reached Python: quit as the Quit action does
            return
        self.report(value, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value, args.exc_traceback)

    def report(self, exc: BaseException, tb: TracebackType | None = None) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))
        log.error("Unexpected error\n%s", text.rstrip())
        summary = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self._show.emit(summary, text)  # direct here, queued from another thread

    @Slot(str, str)
    def _on_show(self, summary: str, details: str) -> None:
        self.shown.append(summary)
        if self.dialog is not None or QApplication.instance() is None:
            return  # one at a time; the log has them all
        self.dialog = CrashDialog(summary, details, self.log_file, QApplication.activeWindow())
        self.dialog.finished.connect(self._on_dialog_closed)
        self.dialog.open()

    @Slot(int)
    def _on_dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


class CrashDialog(QDialog):
    """What an unexpected error means for the user, the log file, a button to its folder."""

    def __init__(
        self, summary: str, details: str, log_file: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Something went wrong"))
        self.log_file = log_file
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48)
        )
        self.message = QLabel(
            self.tr(
                "GenGlossary ran into an error it did not expect. Your projects, curation and "
                "finished glossaries are safe: everything you did was saved when you did it. "
                "You can carry on working; if the error comes back, restart GenGlossary."
            )
        )
        self.message.setWordWrap(True)
        self.what = QLabel(
            self.tr("What happened: {summary}\nThe details are in the log file {path}.").format(
                summary=summary, path=log_file
            )
        )
        self.what.setWordWrap(True)
        self.what.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        show_details = QPushButton(self.tr("Show &Details"))
        show_details.setCheckable(True)
        show_details.toggled.connect(self.details.setVisible)
        self.open_folder = QPushButton(self.tr("Open &Log Folder"))
        self.open_folder.clicked.connect(lambda: open_folder_of(self.log_file))
        close = QPushButton(self.tr("&Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(show_details)
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder)
        buttons.addWidget(close)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.message)
        text.addWidget(self.what)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        self.resize(560, 220)


def open_folder_of(path: Path) -> bool:
    """Show ``path``'s folder (or the folder itself) in the system's file manager."""
    folder = path if path.is_dir() else path.parent
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
