"""The main window. Pages for projects, documents, terms and runs arrive with the window issue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from genglossary_gui import __version__
from genglossary_gui.runs.manager import RunManager

#: How long quitting waits for cancelled workers before marking their runs interrupted.
QUIT_WAIT_MS = 5000


class MainWindow(QMainWindow):
    def __init__(self, manager: RunManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self._shut_down = False
        self.setWindowTitle("GenGlossary")
        self.resize(1100, 720)
        placeholder = QLabel(
            "No projects yet.\n\nCreate one from the command line:\n"
            "genglossary project create NAME --docs FOLDER",
            self,
        )
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setCentralWidget(placeholder)
        self._build_menus()
        self.statusBar().showMessage("Ready")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About GenGlossary", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About GenGlossary",
            f"GenGlossary Desktop {__version__}\n\nTurns a folder of documents into a reviewed "
            "glossary.",
        )

    def confirm_quit_with_active_runs(self, count: int) -> bool:
        """Ask before cancelling active runs. Tests replace this to answer without a dialog."""
        answer = QMessageBox.question(
            self,
            "Quit GenGlossary",
            f"{count} run{'s are' if count != 1 else ' is'} still active. "
            "Cancel and quit? Finished results are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        active = len(self._manager.active_run_ids())
        if active and not self.confirm_quit_with_active_runs(active):
            event.ignore()
            return
        self.statusBar().showMessage("Stopping runs…")
        self._manager.shutdown(QUIT_WAIT_MS)
        self._shut_down = True
        event.accept()
