"""What the user does to a project as a whole: rename, clone, delete, and add or remove its
document sources (which queue the runs that bring the terms up to date).

The questions asked (a name, a confirmation, which source) are methods, so tests answer
them without a dialog, as ``MainWindow.confirm_quit_with_active_runs`` is answered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QListView, QMenu, QMessageBox, QWidget

from genglossary_gui.runs.manager import RunStartError
from genglossary_gui.runs.queue import RunQueue
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.ui.file_dialogs import ADD_SOURCES, last_folder, remember_folder
from genglossary_gui.ui.labels import scope_label
from genglossary_gui.vocabulary import Scope

#: Scopes that bring the terms up to date after the sources changed, in words (English,
#: translated where they are shown).
_AFTER: dict[str, str] = {
    Scope.ADD: str(
        QT_TRANSLATE_NOOP(
            "ProjectActions", "Importing the new documents and extracting their terms"
        )
    ),
    Scope.EXTRACT: str(
        QT_TRANSLATE_NOOP(
            "ProjectActions", "Extracting the terms again without the removed documents"
        )
    ),
}


def _after(scope: str) -> str:
    return QCoreApplication.translate("ProjectActions", _AFTER[scope])


class ProjectActions(QObject):
    """Actions on the selected project, for the File menu, the project list's context menu
    and its keys (F2 renames, Delete deletes), and the Documents page's buttons."""

    #: Something to tell the user in the status bar (message, milliseconds).
    status = Signal(str, int)
    #: Something went wrong, for the notification bar (message, details).
    problem = Signal(str, str)
    #: A run started for the user's change (run id).
    run_started = Signal(int)
    #: The project was deleted (its id).
    deleted = Signal(int)

    def __init__(
        self,
        parent: QWidget,
        queue: RunQueue,
        current: Callable[[], int | None],
        project_view: QListView,
    ) -> None:
        super().__init__(parent)
        self._window = parent
        self._queue = queue
        self._current = current
        self.rename_action = self._action(self.tr("Re&name Project…"), self.rename, "F2")
        self.clone_action = self._action(self.tr("&Clone Project…"), self.clone)
        self.delete_action = self._action(self.tr("&Delete Project…"), self.delete, "Delete")
        self.add_folder_action = self._action(self.tr("Add Document &Folder…"), self.add_folder)
        self.add_files_action = self._action(self.tr("Add Document F&iles…"), self.add_files)
        self.remove_source_action = self._action(
            self.tr("Re&move Document Source…"), self.remove_source
        )
        for action in (self.rename_action, self.delete_action):
            # The keys act on the project list only (F2 edits a definition on the Glossary
            # page, Delete removes a source in a dialog).
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            project_view.addAction(action)
        project_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        project_view.customContextMenuRequested.connect(self._context_menu)
        self._view = project_view
        queue.started.connect(self._on_queued_start)
        queue.dropped.connect(self._on_queued_drop)

    def _action(self, text: str, slot: Callable[[], object], key: str = "") -> QAction:
        action = QAction(text, self)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _=False: slot())
        return action

    def actions(self) -> list[QAction]:
        return [
            self.rename_action,
            self.clone_action,
            self.delete_action,
            self.add_folder_action,
            self.add_files_action,
            self.remove_source_action,
        ]

    def update(self, has_project: bool) -> None:
        for action in self.actions():
            action.setEnabled(has_project)

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if index.isValid():
            self._view.setCurrentIndex(index)
        menu = QMenu(self._view)
        for action in self.actions()[:3]:
            menu.addAction(action)
        menu.addSeparator()
        for action in self.actions()[3:]:
            menu.addAction(action)
        if not index.isValid():
            for action in menu.actions():
                action.setEnabled(False)
        menu.popup(self._view.viewport().mapToGlobal(pos))

    # -- the questions (tests replace these) ---------------------------------------------------

    def ask_name(self, title: str, label: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self._window, title, label, text=default)
        return text if ok else None

    def confirm_delete(self, name: str, documents: int, runs: int) -> bool:
        answer = QMessageBox.warning(
            self._window,
            self.tr("Delete Project"),
            self.tr(
                "Delete “{name}” with its {documents}, {runs} and their glossaries from the "
                "data folder? Your files on disk are not touched. This cannot be undone."
            ).format(
                name=name,
                documents=self.tr("%Ln document(s)", "", documents),
                runs=self.tr("%Ln run(s)", "", runs),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def choose_folder(self) -> str:
        folder = QFileDialog.getExistingDirectory(
            self._window, self.tr("Add a folder of documents"), last_folder(ADD_SOURCES)
        )
        if folder:
            remember_folder(ADD_SOURCES, folder)
        return folder

    def choose_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(
            self._window,
            self.tr("Add documents"),
            last_folder(ADD_SOURCES),
            self.tr("Documents (*.md *.markdown *.txt);;All files (*)"),
        )
        if files:
            remember_folder(ADD_SOURCES, str(Path(files[0]).parent))
        return files

    def choose_source(self, sources: Sequence[str]) -> str | None:
        item, ok = QInputDialog.getItem(
            self._window,
            self.tr("Remove Document Source"),
            self.tr(
                "Remove this source and its documents from the project (the files stay on disk):"
            ),
            list(sources),
            0,
            False,
        )
        return item if ok and item else None

    # -- the operations ------------------------------------------------------------------------

    def _name(self, project_id: int) -> str:
        return next((p.name for p in repo.project_rows() if p.id == project_id), "")

    def rename(self) -> bool:
        project_id = self._current()
        if project_id is None:
            return False
        name = self._name(project_id)
        new = self.ask_name(self.tr("Rename Project"), self.tr("New name:"), name)
        if new is None or new.strip() == name:
            return False
        return self._attempt(
            self.tr("The project was not renamed"), lambda: repo.rename_project(project_id, new)
        )

    def clone(self) -> int | None:
        project_id = self._current()
        if project_id is None:
            return None
        name = self._name(project_id)
        new = self.ask_name(
            self.tr("Clone Project"),
            self.tr("A copy with the documents, your curation and the current glossary, named:"),
            self.tr("{name} (copy)").format(name=name),
        )
        if new is None:
            return None
        made: list[int] = []
        if self._attempt(
            self.tr("The project was not copied"),
            lambda: made.append(repo.clone_project(project_id, new)),
        ):
            self.status.emit(
                self.tr("Copied “{name}” to “{copy}”.").format(name=name, copy=new.strip()), 5000
            )
            return made[0]
        return None

    def delete(self) -> bool:
        project_id = self._current()
        if project_id is None:
            return False
        name = self._name(project_id)
        active = repo.active_run_of(project_id)
        if active is not None:
            self.problem.emit(
                self.tr(
                    "“{name}” cannot be deleted while run {run} is active. Wait for it to "
                    "finish or cancel it first."
                ).format(name=name, run=active),
                "",
            )
            return False
        documents, runs = repo.project_size(project_id)  # counts, not 100,000 run rows
        if not self.confirm_delete(name, documents, runs):
            return False
        if not self._attempt(
            self.tr("The project was not deleted"), lambda: repo.delete_project(project_id)
        ):
            return False
        self._queue.forget(project_id)
        self.deleted.emit(project_id)
        self.status.emit(self.tr("Deleted “{name}”.").format(name=name), 5000)
        return True

    def add_folder(self) -> int | None:
        folder = self.choose_folder()
        return self.add_sources([folder]) if folder else None

    def add_files(self) -> int | None:
        files = self.choose_files()
        return self.add_sources(files) if files else None

    def add_sources(self, paths: Sequence[str]) -> int | None:
        """Add folders or files to the selected project and import and extract them (now,
        or when the project's active run ends). Returns the run id if it started now."""
        project_id = self._current()
        paths = [str(Path(p).resolve()) for p in paths if Path(p).exists()]
        if project_id is None or not paths:
            return None
        if all(p in repo.project_sources(project_id) for p in paths):
            self.status.emit(
                self.tr("Those documents are already among the project's sources."), 5000
            )
            return None
        try:
            repo.add_sources(project_id, paths)
        except repo.ProjectBusy:
            # Adding them renames the documents imported so far (a folder's name now
            # prefixes them): that waits for the active run too.
            return self._bring_up_to_date(
                project_id, Scope.ADD, before=lambda: repo.add_sources(project_id, paths)
            )
        except StoreError as exc:
            self.problem.emit(
                self.tr("The documents were not added: {reason}").format(
                    reason=explain(exc) or exc
                ),
                str(exc),
            )
            return None
        return self._bring_up_to_date(project_id, Scope.ADD)

    def remove_source(self, source: str | None = None) -> int | None:
        project_id = self._current()
        if project_id is None:
            return None
        sources = repo.project_sources(project_id)
        if source is None:
            if not sources:
                self.status.emit(self.tr("The project has no document sources."), 4000)
                return None
            source = self.choose_source(sources)
        if source is None:
            return None
        changes: list[repo.SourceChange] = []
        if not self._attempt(
            self.tr("The source was not removed"),
            lambda: changes.append(repo.remove_sources(project_id, [source])),
        ):
            return None
        self.status.emit(
            self.tr("Removed “{source}” and its %Ln document(s).", "", changes[0].removed).format(
                source=Path(source).name
            ),
            5000,
        )
        if not repo.document_ids(project_id):
            return None
        return self._bring_up_to_date(project_id, Scope.EXTRACT)

    def _bring_up_to_date(
        self, project_id: int, scope: str, before: Callable[[], object] | None = None
    ) -> int | None:
        try:
            run_id = self._queue.request(project_id, scope, before=before)
        except (RunStartError, ValueError, RuntimeError) as exc:
            self.problem.emit(
                self.tr("{what} could not start: {reason}").format(what=_after(scope), reason=exc),
                "",
            )
            return None
        except StoreError as exc:
            self.problem.emit(
                self.tr("{what} could not start: {reason}").format(
                    what=_after(scope), reason=explain(exc) or exc
                ),
                "",
            )
            return None
        if run_id is None:
            active = repo.active_run_of(project_id)
            self.status.emit(
                self.tr("{what} starts when run {run} has finished.").format(
                    what=_after(scope), run=active
                ),
                8000,
            )
            return None
        self.run_started.emit(run_id)
        self.status.emit(
            self.tr("{what} (run {run})…").format(what=_after(scope), run=run_id), 5000
        )
        return run_id

    def _attempt(self, failed: str, change: Callable[[], object]) -> bool:
        try:
            change()
        except (repo.ProjectExists, repo.ProjectBusy, ValueError, LookupError) as exc:
            self.problem.emit(self.tr("{failed}: {reason}").format(failed=failed, reason=exc), "")
            return False
        except StoreError as exc:
            self.problem.emit(
                self.tr("{failed}: {reason}").format(failed=failed, reason=explain(exc) or exc),
                str(exc),
            )
            return False
        return True

    @Slot(int, int)
    def _on_queued_start(self, project_id: int, run_id: int) -> None:
        self.status.emit(
            self.tr("Run {run} of “{name}” started (it was waiting).").format(
                run=run_id, name=self._name(project_id)
            ),
            5000,
        )

    @Slot(int, str, str)
    def _on_queued_drop(self, project_id: int, scope: str, reason: str) -> None:
        name = self._name(project_id) or self.tr("project {id}").format(id=project_id)
        self.problem.emit(
            self.tr(
                "The {scope} run of “{name}” that was waiting could not start: {reason}"
            ).format(scope=scope_label(scope), name=name, reason=reason),
            "",
        )
