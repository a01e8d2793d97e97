"""The New Project dialog."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.pipeline.documents import SUPPORTED_SUFFIXES, iter_document_files
from genglossary_gui.ui.file_dialogs import (
    NEW_PROJECT_FILES,
    NEW_PROJECT_FOLDER,
    last_folder,
    remember_folder,
)
from genglossary_gui.vocabulary import Language


def has_documents(source: Path) -> bool:
    """Whether ``source`` is a supported file, or a folder with one (the walk stops at the
    first found)."""
    if not source.is_dir():
        return source.suffix.lower() in SUPPORTED_SUFFIXES
    return next(iter_document_files(source), None) is not None


#: The language choices, in English (translated where the dialog shows them).
LANGUAGES = [
    (str(QT_TRANSLATE_NOOP("NewProjectDialog", "Detect per document")), Language.AUTO),
    (str(QT_TRANSLATE_NOOP("NewProjectDialog", "Japanese")), Language.JA),
    (str(QT_TRANSLATE_NOOP("NewProjectDialog", "English")), Language.EN),
]


class NewProjectDialog(QDialog):
    """Asks for a name, document folders or files, and the language.

    ``create_requested(name, sources, language)`` is emitted on OK; the owner answers with
    :meth:`show_error` (the dialog stays open) or closes it with :meth:`accept`.
    """

    create_requested = Signal(str, list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Project"))
        self.setMinimumWidth(520)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("For example: Product manual"))
        self.sources = QListWidget()
        self.sources.setMinimumHeight(110)
        add_folder = QPushButton(self.tr("Add &Folder…"))
        add_folder.clicked.connect(self._pick_folder)
        add_files = QPushButton(self.tr("Add F&iles…"))
        add_files.clicked.connect(self._pick_files)
        remove = QPushButton(self.tr("&Remove"))
        remove.clicked.connect(self._remove_selected)
        source_buttons = QVBoxLayout()
        for button in (add_folder, add_files, remove):
            source_buttons.addWidget(button)
        source_buttons.addStretch(1)
        source_row = QHBoxLayout()
        source_row.addWidget(self.sources, 1)
        source_row.addLayout(source_buttons)
        self.language = QComboBox()
        for label, code in LANGUAGES:
            self.language.addItem(QCoreApplication.translate("NewProjectDialog", label), code)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create and Import"))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        label = QLabel(self.tr("&Documents:"))
        label.setBuddy(self.sources)
        form.addRow(label, source_row)
        form.addRow(self.tr("&Language:"), self.language)
        hint = QLabel(
            self.tr("Markdown (.md) and text (.txt) files are imported; folders recursively.")
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update_ok)
        self._warned: list[str] = []
        self._update_ok()

    def add_sources(self, paths: Iterable[str | Path]) -> None:
        present = {self.sources.item(i).text() for i in range(self.sources.count())}
        for path in paths:
            text = str(Path(path).resolve())
            if text not in present:
                self.sources.addItem(text)
                present.add(text)
        if not self.name.text().strip() and self.sources.count():
            self.name.setText(Path(self.sources.item(0).text()).stem)
        self._update_ok()

    def source_paths(self) -> list[str]:
        return [self.sources.item(i).text() for i in range(self.sources.count())]

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    @Slot()
    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder of documents"), last_folder(NEW_PROJECT_FOLDER)
        )
        if folder:
            remember_folder(NEW_PROJECT_FOLDER, folder)
            self.add_sources([folder])

    @Slot()
    def _pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Choose documents"),
            last_folder(NEW_PROJECT_FILES),
            self.tr("Documents (*.md *.markdown *.txt);;All files (*)"),
        )
        if files:
            remember_folder(NEW_PROJECT_FILES, files[0])
        self.add_sources(files)

    @Slot()
    def _remove_selected(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))
        self._update_ok()

    @Slot()
    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.name.text().strip()) and self.sources.count() > 0)

    @Slot()
    def _on_ok(self) -> None:
        self.error.hide()
        empty = [p for p in self.source_paths() if not has_documents(Path(p))]
        if empty and empty != self._warned:
            # Said before anything is created; a second click creates it anyway.
            names = self.tr(", ").join(self.tr("“{name}”").format(name=Path(p).name) for p in empty)
            self.show_error(
                self.tr(
                    "There are no Markdown (.md) or text (.txt) files in {sources}, so nothing "
                    "would be imported. Choose another folder, or click “{button}” again to "
                    "create the project anyway."
                ).format(sources=names, button=self.ok_button.text())
            )
            self._warned = empty
            return
        self.create_requested.emit(
            self.name.text().strip(), self.source_paths(), self.language.currentData()
        )

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Delete and self.sources.hasFocus():
            self._remove_selected()
            return
        super().keyPressEvent(event)
