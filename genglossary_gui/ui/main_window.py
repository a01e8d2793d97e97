"""The main window: projects on the left, Documents / Terms / Runs pages on the right."""

from __future__ import annotations

import html
import logging
import platform
from dataclasses import dataclass
from pathlib import Path

import PySide6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QItemSelection,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    qVersion,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui import __version__
from genglossary_gui.pipeline.export import FORMATS, SUFFIXES, format_for
from genglossary_gui.pipeline.steps import SCOPES, default_scope, scope_available
from genglossary_gui.runs.manager import RunManager, RunStartError
from genglossary_gui.runs.queue import RunQueue
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError, data_folder
from genglossary_gui.store.transitions import CancelResult, RunAlreadyActive
from genglossary_gui.ui import file_dialogs, i18n
from genglossary_gui.ui.applog import LOG_FILE, log_dir, open_folder_of
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.dialogs import NewProjectDialog
from genglossary_gui.ui.export_task import ExportTask
from genglossary_gui.ui.formatting import format_number
from genglossary_gui.ui.icons import action_icon, app_icon
from genglossary_gui.ui.labels import format_label, scope_label
from genglossary_gui.ui.loading import loading_pool
from genglossary_gui.ui.models.rows_model import ID_ROLE
from genglossary_gui.ui.models.tables import ProjectListModel
from genglossary_gui.ui.notifications import NotificationBar
from genglossary_gui.ui.pages.glossary_pages import GlossaryPage, IssuesPage
from genglossary_gui.ui.pages.runs_page import RunsPage
from genglossary_gui.ui.pages.settings_page import SettingsPage
from genglossary_gui.ui.pages.tables_pages import DocumentsPage
from genglossary_gui.ui.pages.terms_page import TermsPage
from genglossary_gui.ui.project_actions import ProjectActions
from genglossary_gui.ui.sample import copy_sample, unique_name
from genglossary_gui.ui.window_keys import WindowKeys
from genglossary_gui.vocabulary import ExportFormat, Language, RunStatus, Scope, Topic

log = logging.getLogger(__name__)

#: How long quitting waits for cancelled workers before marking their runs interrupted.
QUIT_WAIT_MS = 5000

#: Keyed by Scope; translated where shown (QT_TRANSLATE_NOOP is typed as returning object).
SCOPE_LABELS: dict[str, object] = {
    Scope.FULL: QT_TRANSLATE_NOOP("MainWindow", "&Full (extract, generate, review, refine)"),
    Scope.IMPORT: QT_TRANSLATE_NOOP("MainWindow", "Re-&import Documents"),
    Scope.ADD: QT_TRANSLATE_NOOP("MainWindow", "&Add New Documents (import, extract only them)"),
    Scope.EXTRACT: QT_TRANSLATE_NOOP("MainWindow", "&Extract Terms"),
    Scope.GENERATE: QT_TRANSLATE_NOOP("MainWindow", "&Generate Definitions"),
    Scope.REVIEW: QT_TRANSLATE_NOOP("MainWindow", "&Review"),
    Scope.REFINE: QT_TRANSLATE_NOOP("MainWindow", "Refi&ne"),
}
#: The pages, in tab order (View ▸ Ctrl+1…6).
PAGE_NAMES: tuple[object, ...] = (
    QT_TRANSLATE_NOOP("MainWindow", "Documents"),
    QT_TRANSLATE_NOOP("MainWindow", "Terms"),
    QT_TRANSLATE_NOOP("MainWindow", "Glossary"),
    QT_TRANSLATE_NOOP("MainWindow", "Issues"),
    QT_TRANSLATE_NOOP("MainWindow", "Runs"),
    QT_TRANSLATE_NOOP("MainWindow", "Settings"),
)


@dataclass(frozen=True)
class SampleOutcome:
    """How the sample project's run ended (what ``--self-test`` checks)."""

    run_id: int
    status: str
    error: str
    entries: int


class MainWindow(QMainWindow):
    #: An export was written: path, entries.
    export_finished = Signal(str, int)
    #: An export failed: the message shown to the user.
    export_failed = Signal(str)

    def __init__(
        self,
        manager: RunManager,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        preferences: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._manager = manager
        self._settings = settings
        #: The user's own settings, not the data folder's (the language).
        self._preferences = preferences
        self._shut_down = False
        self._ask_before_quit = True
        #: View ▸ Language ▸ Restart Now: app.main starts the window again once this closed.
        self.restart_requested = False
        #: The sample project's run (open_sample_project), and how it ended.
        self._sample_project: int | None = None
        self._sample_run: int | None = None
        self.sample_outcome: SampleOutcome | None = None
        #: How a folder is shown in the file manager (tests replace it).
        self.open_folder = open_folder_of
        self._watched: set[int] = set()  # active runs we will report on when they fail
        self._dialog: NewProjectDialog | None = None
        self._export: ExportTask | None = None
        self._export_pool = QThreadPool(self)
        self._export_pool.setMaxThreadCount(1)
        self.setWindowTitle("GenGlossary")
        # The application's icon is set in app.main (dialogs and the About box show it too);
        # the window carries it also when it is made on its own (tests, the screenshots).
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.setAcceptDrops(True)

        self.projects = ProjectListModel(self)
        self.project_view = QListView()
        self.project_view.setObjectName("projectList")
        self.project_view.setModel(self.projects)
        self.project_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.project_view.selectionModel().selectionChanged.connect(self._on_project_selected)
        new_button = QPushButton(self.tr("New Project…"))
        new_button.clicked.connect(self.open_new_project_dialog)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        title = QLabel(self.tr("Projects"))
        title.setStyleSheet("font-weight: bold")
        left_layout.addWidget(title)
        left_layout.addWidget(self.project_view, 1)
        left_layout.addWidget(new_button)

        # The one way curation changes, undoable (Edit menu) whichever page made the change.
        self.curation = CurationActions(self)
        self.documents_page = DocumentsPage(manager, curation=self.curation)
        self.terms_page = TermsPage(manager, curation=self.curation)
        self.glossary_page = GlossaryPage(manager, curation=self.curation)
        self.glossary_page.settings = settings  # each project's filter text
        file_dialogs.use_settings(settings)  # the folder each file dialog last used
        self.issues_page = IssuesPage()
        self.glossary_page.run_shown.connect(self.issues_page.show_run)
        self.issues_page.open_entry.connect(self.open_entry)
        self.glossary_page.open_document.connect(self.open_document)
        self.documents_page.viewer.open_entry.connect(self.open_entry)
        self.issues_page.open_document.connect(self.open_document)
        self.issues_page.glossary_changed.connect(self.glossary_page.reload_entries)
        manager.table_changed.connect(self.issues_page.on_table_changed)
        self.runs_page = RunsPage(manager)
        self.runs_page.open_output.connect(self.open_run_output)
        self.settings_page = SettingsPage()
        self.runs_page.cancel_requested.connect(self.cancel_run)
        self.runs_page.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.documents_page, self.tr("&Documents"))
        self.tabs.addTab(self.terms_page, self.tr("&Terms"))
        self.tabs.addTab(self.glossary_page, self.tr("&Glossary"))
        self.tabs.addTab(self.issues_page, self.tr("&Issues"))
        self.tabs.addTab(self.runs_page, self.tr("R&uns"))  # Alt+R is the Run menu
        self.tabs.addTab(self.settings_page, self.tr("&Settings"))
        self.tabs.currentChanged.connect(self._update_actions)
        self.empty_state = self._build_empty_state()
        self.notifications = NotificationBar()
        self.curation.failed.connect(self.notifications.notify)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.notifications)
        right_layout.addWidget(self.empty_state, 1)
        right_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 980])
        self.setCentralWidget(self.splitter)

        self.active_label = QLabel()
        self.statusBar().addPermanentWidget(self.active_label)
        self.run_queue = RunQueue(manager, self)
        self.run_queue.started.connect(self._on_queued_run_started)
        self.run_queue.dropped.connect(self._on_queued_run_dropped)
        manager.run_finished.connect(self._on_run_finished)
        self.project_actions = ProjectActions(
            self, self.run_queue, self.current_project_id, self.project_view
        )
        self.project_actions.status.connect(self.statusBar().showMessage)
        # Its curation's undo history refers to it by id, which a new project may get.
        self.project_actions.deleted.connect(self.curation.undo_stack.clear)
        self.project_actions.problem.connect(self.notifications.notify)
        self.project_actions.run_started.connect(self._watched.add)
        self.run_queue.started.connect(lambda _project, run: self._watched.add(run))
        self._build_actions()
        # Esc in a text field is the field's (the Runs page cancels); Ctrl+E always exports.
        self.window_keys = WindowKeys(
            self, self.cancel_action, self.export_action, self._esc_cancels_anywhere
        )
        self._add_source_buttons()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(200)
        self._refresh_timer.timeout.connect(self._refresh_runs_state)
        manager.run_changed.connect(self._schedule_refresh)
        manager.database_changed.connect(self._on_external_change)
        manager.table_changed.connect(self._on_table_changed)

        self.reload_projects()
        self._restore_state()
        self._refresh_runs_state()

    # -- actions ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_project_action = QAction(
            action_icon("document-new"), self.tr("&New Project…"), self
        )
        self.new_project_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_project_action.triggered.connect(self.open_new_project_dialog)

        self.run_action = QAction(action_icon("media-playback-start"), self.tr("&Run"), self)
        self.run_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.run_action.setToolTip(
            self.tr("Run {scope} on the selected project (F5)").format(
                scope=scope_label(default_scope())
            )
        )
        self.run_action.triggered.connect(lambda: self.start_run(default_scope()))
        self.scope_actions: dict[str, QAction] = {}
        run_menu = QMenu(self.tr("&Run"), self)
        for scope in SCOPES:
            label = SCOPE_LABELS.get(scope)
            action = QAction(self.tr(str(label)) if label else scope, self)
            action.setData(scope)
            if not scope_available(scope):
                action.setText(self.tr("{action} (not available yet)").format(action=action.text()))
            action.triggered.connect(lambda _=False, s=scope: self.start_run(s))
            run_menu.addAction(action)
            self.scope_actions[scope] = action
        run_menu.addSeparator()

        self.cancel_action = QAction(action_icon("process-stop"), self.tr("&Cancel Run"), self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setToolTip(
            self.tr("Cancel the selected run, or the project's active run (Esc)")
        )
        self.cancel_action.triggered.connect(self.cancel_current)
        run_menu.addAction(self.cancel_action)

        self.export_action = QAction(
            action_icon("document-save-as"), self.tr("&Export Glossary…"), self
        )
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip(
            self.tr("Export the glossary shown (Markdown, CSV, JSON, TBX)")
        )
        self.export_action.triggered.connect(self.choose_export_file)

        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)

        self.sample_action = QAction(self.tr("Open &Sample Project"), self)
        self.sample_action.setToolTip(
            self.tr("Copy a small English and Japanese sample folder into a new project and run it")
        )
        self.sample_action.triggered.connect(self.open_sample_project)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_project_action)
        file_menu.addAction(self.sample_action)
        file_menu.addSeparator()
        projects = self.project_actions
        projects.add_folder_action.setIcon(action_icon("folder-new"))
        projects.add_files_action.setIcon(action_icon("document-open"))
        for action in (
            projects.add_folder_action,
            projects.add_files_action,
            projects.remove_source_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (projects.rename_action, projects.clone_action, projects.delete_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        stack = self.curation.undo_stack
        self.undo_action = stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setIcon(action_icon("edit-undo"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setIcon(action_icon("edit-redo"))
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.addActions([self.undo_action, self.redo_action])
        run_top = self.menuBar().addMenu(self.tr("&Run"))
        run_top.addAction(self.run_action)
        run_top.addSeparator()
        for action in run_menu.actions():
            run_top.addAction(action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for i, name in enumerate(PAGE_NAMES):
            action = QAction(self.tr(str(name)), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, i=i: self.tabs.setCurrentIndex(i))
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addMenu(self._build_language_menu())
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.open_log_action = QAction(
            action_icon("folder-open"), self.tr("Open &Log Folder"), self
        )
        self.open_log_action.triggered.connect(lambda: self.open_folder(log_dir()))
        self.open_data_action = QAction(self.tr("Open &Data Folder"), self)
        self.open_data_action.triggered.connect(lambda: self.open_folder(data_folder()))
        about = QAction(action_icon("help-about"), self.tr("&About GenGlossary"), self)
        about.triggered.connect(self._about)
        about_qt = QAction(self.tr("About &Qt"), self)
        about_qt.triggered.connect(QApplication.aboutQt)
        for action in (self.open_log_action, self.open_data_action, None, about, about_qt):
            if action is None:
                help_menu.addSeparator()
            else:
                help_menu.addAction(action)

        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # The toolbar's words, without the menus' mnemonics: Qt strips "&" but not the
        # Japanese "(&N)".
        for action, text in (
            (self.new_project_action, self.tr("New Project")),
            (self.run_action, self.tr("Run")),
            (self.cancel_action, self.tr("Cancel Run")),
            (self.export_action, self.tr("Export Glossary")),
        ):
            action.setIconText(text)
        toolbar.addAction(self.new_project_action)
        self.run_button = QToolButton()
        self.run_button.setDefaultAction(self.run_action)
        self.run_button.setMenu(run_menu)
        self.run_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.run_button.setText(self.tr("Run ▾"))
        self.run_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addWidget(self.run_button)
        toolbar.addAction(self.cancel_action)
        toolbar.addSeparator()
        toolbar.addAction(self.export_action)
        self.addActions(
            [
                self.new_project_action,
                self.run_action,
                self.cancel_action,
                self.export_action,
                self.quit_action,
            ]
        )

    def _build_empty_state(self) -> QWidget:
        """What an empty window shows: one sentence on what to do, and the two ways to start."""
        page = QWidget()
        page.setObjectName("emptyState")
        self.empty_hint = QLabel(
            self.tr(
                "Create a project from a folder of documents (Markdown or text, English or "
                "Japanese) and GenGlossary finds its terms and writes a glossary. You can also "
                "drop a folder on this window."
            )
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.first_project_button = QPushButton(self.tr("Create Your First Project…"))
        self.first_project_button.setIcon(action_icon("document-new"))
        self.first_project_button.setDefault(True)
        self.first_project_button.clicked.connect(
            lambda _checked=False: self.open_new_project_dialog()
        )
        self.sample_button = QPushButton(self.tr("Open Sample Project"))
        self.sample_button.setToolTip(
            self.tr("Copy a small English and Japanese sample folder into a new project and run it")
        )
        self.sample_button.clicked.connect(self.open_sample_project)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.first_project_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A column of readable width in the middle (a wrapped label sizes itself right only
        # when its width is fixed by its parent, not by an alignment).
        column = QWidget()
        column.setFixedWidth(520)
        inner = QVBoxLayout(column)
        inner.addWidget(icon)
        inner.addWidget(self.empty_hint)
        inner.addSpacing(12)
        inner.addLayout(buttons)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_language_menu(self) -> QMenu:
        """View ▸ Language: the system's, or one the window speaks (each named in itself)."""
        menu = QMenu(self.tr("&Language"), self)
        group = QActionGroup(self)
        group.setExclusive(True)
        chosen = i18n.chosen_language(self._preferences) if self._preferences else i18n.SYSTEM
        self.language_actions: dict[str, QAction] = {}
        choices = [(i18n.SYSTEM, self.tr("Follow the System"))]
        choices += list(i18n.LANGUAGES.items())
        for code, name in choices:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[code] = action
        return menu

    def choose_language(self, code: str) -> None:
        """Keep the choice; the window changes language when it starts again (offered now)."""
        if self._preferences is not None:
            self._preferences.setValue(i18n.LANGUAGE_KEY, code)
            self._preferences.sync()
        language = i18n.resolve_language(code)
        if language == i18n.current_language():
            self.statusBar().showMessage(self.tr("Language saved."), 4000)
            return
        if self.ask_restart_for_language(i18n.LANGUAGES[language]):
            self.restart_requested = True
            self.close()

    def ask_restart_for_language(self, language: str) -> bool:
        """Restart now for the new language? Tests replace this to answer without a dialog."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Language"))
        box.setText(
            self.tr("GenGlossary will be in {language} from its next start.").format(
                language=language
            )
        )
        box.setInformativeText(
            self.tr("Restart now? Active runs are cancelled first; your work is kept.")
        )
        restart = box.addButton(self.tr("Restart Now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is restart

    def quit_without_asking(self) -> None:
        """Quit as the Quit action does, without the question about active runs (a signal
        from the system, the self-test): they are cancelled and recorded."""
        self._ask_before_quit = False
        self.close()

    # -- the sample project ---------------------------------------------------------------

    @Slot()
    def open_sample_project(self) -> int | None:
        """Copy the bundled sample folder into a new project, import it and run the whole
        pipeline; the Glossary page shows the result when it is done. Returns the project."""
        taken = {p.name for p in self.projects.rows()}
        name = unique_name(self.tr("Sample Project"), taken)
        try:
            folder = copy_sample(data_folder(), name)
            project_id = repo.create_project(name, [str(folder)], Language.AUTO)
        except (OSError, ValueError, *StoreError) as exc:
            self.notifications.notify(
                self.tr("The sample project could not be made: {error}").format(error=exc)
            )
            return None
        self._sample_project, self._sample_run, self.sample_outcome = project_id, None, None
        self.reload_projects()
        self.select_project(project_id)
        try:
            import_run = self._manager.start_run(project_id, Scope.IMPORT, "sample")
            self._watched.add(import_run)
            self.run_queue.request(project_id, default_scope(), "sample")
        except (RunStartError, RunAlreadyActive, *StoreError) as exc:
            self.notifications.notify(str(exc))
            return project_id
        self.tabs.setCurrentWidget(self.runs_page)
        self.statusBar().showMessage(
            self.tr("Running the sample project: its glossary opens when it is ready."), 8000
        )
        return project_id

    @Slot(int, int)
    def _on_queued_run_started(self, project_id: int, run_id: int) -> None:
        if project_id == self._sample_project and self._sample_run is None:
            self._sample_run = run_id

    @Slot(int, str, str)
    def _on_queued_run_dropped(self, project_id: int, _scope: str, reason: str) -> None:
        if project_id == self._sample_project and self._sample_run is None:
            self.sample_outcome = SampleOutcome(0, RunStatus.FAILED, reason, 0)

    @Slot(int)
    def _on_run_finished(self, run_id: int) -> None:
        if run_id != self._sample_run:
            return
        row = repo.get_run(run_id)
        stage = repo.final_stage(run_id)
        entries = len(repo.load_entries(run_id, stage)) if stage else 0
        self.sample_outcome = SampleOutcome(
            run_id, row.status if row else "", row.error if row else "", entries
        )
        if entries and self.current_project_id() == self._sample_project:
            self.glossary_page.show_run(run_id)
            self.tabs.setCurrentWidget(self.glossary_page)
            self.statusBar().showMessage(
                self.tr("The sample project's glossary is ready: %n entries.", "", entries), 8000
            )

    def _add_source_buttons(self) -> None:
        """The Documents page's own buttons for the project's sources."""
        for action, text in (
            (self.project_actions.add_folder_action, self.tr("Add Folder…")),
            (self.project_actions.add_files_action, self.tr("Add Files…")),
            (self.project_actions.remove_source_action, self.tr("Remove Source…")),
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setText(text)  # no mnemonic: the menu's action keeps it
            button.setToolTip(action.text().replace("&", ""))
            self.documents_page.bar.addWidget(button)

    def about_text(self) -> str:
        rows = (
            (self.tr("Version"), __version__),
            (self.tr("Data folder"), str(data_folder())),
            (self.tr("Log file"), str(log_dir() / LOG_FILE)),
            (self.tr("Qt / PySide6"), f"{qVersion()} / {PySide6.__version__}"),
            (self.tr("Python"), platform.python_version()),
        )
        table = "".join(
            f"<tr><td style='padding-right:12px'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return (
            "<h3>GenGlossary Desktop</h3>"
            f"<p>{html.escape(self.tr('Turns a folder of documents into a reviewed glossary.'))}"
            f"</p><table>{table}</table>"
        )

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About GenGlossary"), self.about_text())

    @Slot()
    def _update_actions(self) -> None:
        has_project = self.current_project_id() is not None
        self.project_actions.update(has_project)
        self.run_action.setEnabled(has_project)
        for scope, action in self.scope_actions.items():
            action.setEnabled(has_project and scope_available(scope))
        self.cancel_action.setEnabled(self._cancellable_run() is not None)
        self.export_action.setEnabled(
            has_project and self.glossary_page.shown_run() is not None and self._export is None
        )

    # -- projects -----------------------------------------------------------------------------

    def current_project_id(self) -> int | None:
        rows = self.project_view.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def reload_projects(self) -> None:
        selected = self.current_project_id()
        self.projects.set_rows(repo.project_rows())
        if selected is not None and self.select_project(selected):
            pass
        elif self.projects.rowCount():
            self.project_view.setCurrentIndex(self.projects.index(0, 0))
        if self.current_project_id() != selected:
            # A reset model forgets its selection without a word: the pages must hear of it
            # (the project shown was deleted, say).
            self._on_project_selected(QItemSelection(), QItemSelection())
        self._update_title()  # a rename keeps the selection
        has_projects = self.projects.rowCount() > 0
        self.empty_state.setVisible(not has_projects)
        self.tabs.setVisible(has_projects)
        self._update_actions()

    def select_project(self, project_id: int) -> bool:
        row = self.projects.row_of_project(project_id)
        if row is None:
            return False
        self.project_view.setCurrentIndex(self.projects.index(row, 0))
        return True

    @Slot(QItemSelection, QItemSelection)
    def _on_project_selected(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        project_id = self.current_project_id()
        self.documents_page.set_project(project_id)
        self.terms_page.set_project(project_id)
        self.glossary_page.set_project(project_id)
        self.runs_page.set_project(project_id)
        self.settings_page.set_project(project_id)
        self._update_title()
        self._update_actions()

    def _update_title(self) -> None:
        project_id = self.current_project_id()
        name = next((p.name for p in self.projects.rows() if p.id == project_id), None)
        self.setWindowTitle(
            self.tr("{project} — GenGlossary").format(project=name) if name else "GenGlossary"
        )

    @Slot()
    def open_new_project_dialog(self, sources: list[str] | None = None) -> NewProjectDialog:
        if self._dialog is not None:
            self._dialog.raise_()
            return self._dialog
        dialog = NewProjectDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if sources:
            dialog.add_sources(sources)
        dialog.create_requested.connect(self._on_create_requested)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self._dialog = None

    @Slot(str, list, str)
    def _on_create_requested(self, name: str, sources: list, language: str) -> None:
        dialog = self._dialog
        try:
            self.create_project(name, sources, language)
        except (repo.ProjectExists, ValueError, RunAlreadyActive, RunStartError) as exc:
            if dialog is not None:
                dialog.show_error(str(exc))
            return
        if dialog is not None:
            dialog.accept()

    def create_project(self, name: str, sources: list[str], language: str = "auto") -> int:
        """Create a project and start importing its documents; returns the import run id."""
        project_id = repo.create_project(name, sources, language)
        self.reload_projects()
        self.select_project(project_id)
        run_id = self._manager.start_run(project_id, Scope.IMPORT)
        self.tabs.setCurrentWidget(self.documents_page)
        self.statusBar().showMessage(
            self.tr("Importing documents into “{name}” (run {run})…").format(name=name, run=run_id),
            5000,
        )
        return run_id

    # -- glossary ------------------------------------------------------------------------------

    @Slot(str)
    def open_entry(self, term: str) -> None:
        self.tabs.setCurrentWidget(self.glossary_page)
        found = self.glossary_page.select_term(term)
        if found is None:
            self.statusBar().showMessage(
                self.tr("“{term}” has no entry of its own: refining dropped it.").format(term=term),
                6000,
            )
        elif found != term:
            self.statusBar().showMessage(
                self.tr("“{term}” was merged into “{found}”.").format(term=term, found=found), 6000
            )

    @Slot(str, int, str)
    def open_document(self, rel_path: str, line: int = 0, term: str = "") -> bool:
        """Show a document of the project at a line (from a source or occurrence link)."""
        self.tabs.setCurrentWidget(self.documents_page)
        if not self.documents_page.open_document(rel_path, line, term or None):
            self.statusBar().showMessage(
                self.tr("“{path}” is no longer among the project's documents.").format(
                    path=rel_path
                ),
                6000,
            )
            return False
        return True

    @Slot(int)
    def open_run_output(self, run_id: int) -> None:
        """Show a run's glossary output (a failed or cancelled run's partial output, too)."""
        if self.glossary_page.show_run(run_id):
            self.tabs.setCurrentWidget(self.glossary_page)
        else:
            self.statusBar().showMessage(
                self.tr("Run {run} wrote no glossary entries.").format(run=run_id), 4000
            )

    @Slot()
    def choose_export_file(self) -> None:
        project_id = self.current_project_id()
        if project_id is None:
            return
        name = next((p.name for p in self.projects.rows() if p.id == project_id), "glossary")
        filter_of = {f: f"{format_label(f)} (*{SUFFIXES[f]})" for f in FORMATS}
        filters = ";;".join(filter_of.values())
        folder = file_dialogs.last_folder(file_dialogs.EXPORT)
        suggested = f"{name}{ExportFormat.MARKDOWN.suffix}"
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export Glossary"),
            str(Path(folder) / suggested) if folder else suggested,
            filters,
        )
        if not path:
            return
        file_dialogs.remember_folder(file_dialogs.EXPORT, path)
        try:
            fmt = format_for(path)  # the name typed wins over the file-type filter
        except ValueError:
            fmt = next((f for f in FORMATS if chosen == filter_of[f]), ExportFormat.MARKDOWN)
            path += SUFFIXES[fmt]
        self.export_glossary(path, fmt)

    def export_glossary(self, path: str, fmt: str) -> ExportTask | None:
        """Write the glossary shown on the Glossary page to ``path`` in the background."""
        project_id = self.current_project_id()
        if project_id is None or self._export is not None:
            return None
        name = next(
            (p.name for p in self.projects.rows() if p.id == project_id), self.tr("Glossary")
        )
        task = ExportTask(project_id, self.glossary_page.shown_run(), path, fmt, name)
        task.signals.progress.connect(self._on_export_progress)
        task.signals.finished.connect(self._on_export_finished)
        task.signals.failed.connect(self._on_export_failed)
        self._export = task
        self._update_actions()
        self.statusBar().showMessage(self.tr("Exporting to {name}…").format(name=Path(path).name))
        self._export_pool.start(task)
        return task

    @Slot(int, int)
    def _on_export_progress(self, done: int, total: int) -> None:
        if total >= 500:
            self.statusBar().showMessage(
                self.tr("Exporting… {done} of {total} entries").format(
                    done=format_number(done), total=format_number(total)
                )
            )

    @Slot(str, int)
    def _on_export_finished(self, path: str, count: int) -> None:
        self._export = None
        self._update_actions()
        self.statusBar().showMessage(
            self.tr("Exported %n entries to {path}", "", count).format(path=path), 8000
        )
        self.export_finished.emit(path, count)

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        self._export = None
        self._update_actions()
        self.statusBar().clearMessage()
        self.notifications.notify(message)
        self.export_failed.emit(message)

    # -- drag and drop ------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(url.isLocalFile() for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Dropped on the Documents page: added to the project's sources; anywhere else: a
        new project of them."""
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        paths = [p for p in paths if Path(p).exists()]
        if not paths:
            return
        event.acceptProposedAction()
        page = self.documents_page
        at = page.mapFrom(self, event.position().toPoint())
        if page.isVisible() and page.rect().contains(at) and self.current_project_id() is not None:
            self.project_actions.add_sources(paths)
            return
        dialog = self.open_new_project_dialog()
        dialog.add_sources(paths)

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, scope: str) -> int | None:
        project_id = self.current_project_id()
        if project_id is None:
            return None
        try:
            run_id = self._manager.start_run(project_id, scope)
        except RunAlreadyActive as exc:
            self.notifications.notify(
                self.tr(
                    "{problem} Wait for it to finish or cancel it before starting another."
                ).format(problem=exc)
            )
            return None
        except (RunStartError, ValueError) as exc:
            self.notifications.notify(str(exc))
            return None
        self._watched.add(run_id)
        self.tabs.setCurrentWidget(self.runs_page)
        # Show it at once; its own notification is still on its way.
        self.runs_page.model.refresh_run(run_id)
        self.runs_page.select_run(run_id)
        self.statusBar().showMessage(
            self.tr("Run {run} started ({scope}).").format(run=run_id, scope=scope_label(scope)),
            4000,
        )
        return run_id

    @Slot(int)
    def cancel_run(self, run_id: int) -> CancelResult | None:
        try:
            result = self._manager.cancel_run(run_id)
        except StoreError as exc:
            self.notifications.notify(
                self.tr(
                    "Run {run} could not be cancelled just now: the database is busy. "
                    "Try again in a moment."
                ).format(run=run_id),
                str(exc),
            )
            return None
        messages = {
            CancelResult.CANCELLED: self.tr("Run {run} cancelled before it started."),
            CancelResult.REQUESTED: self.tr("Cancelling run {run}…"),
            CancelResult.TOO_LATE: self.tr("Run {run} had already finished."),
            CancelResult.NOT_FOUND: self.tr("Run {run} no longer exists."),
        }
        self.statusBar().showMessage(messages[result].format(run=run_id), 4000)
        return result

    def _cancellable_run(self) -> int | None:
        if self.tabs.currentWidget() is self.runs_page:
            run_id = self.runs_page.selected_run_id()
            if run_id is not None:
                row = self.runs_page.model.run_at(self.runs_page.model.row_of_run(run_id) or 0)
                return run_id if row is not None and row.active else None
        project_id = self.current_project_id()
        return repo.active_run_of(project_id) if project_id is not None else None

    def _esc_cancels_anywhere(self) -> bool:
        """Esc cancels a run from a text field only on the Runs page."""
        return self.tabs.currentWidget() is self.runs_page

    @Slot()
    def cancel_current(self) -> None:
        run_id = self._cancellable_run()
        if run_id is not None:
            self.cancel_run(run_id)

    @Slot()
    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def _on_external_change(self) -> None:
        fingerprint = repo.table_fingerprint("project")
        if fingerprint != getattr(self, "_projects_fingerprint", None):
            self._projects_fingerprint = fingerprint
            self.reload_projects()
        self._schedule_refresh()

    @Slot(str)
    def _on_table_changed(self, table: str) -> None:
        if table == Topic.PROJECT:
            self.reload_projects()

    @Slot()
    def _refresh_runs_state(self) -> None:
        """Active-run count in the status bar; a notification for every watched run that
        failed; actions that depend on runs."""
        active = repo.count_active_runs()
        self.active_label.setText(
            self.tr("No active runs") if active == 0 else self.tr("%n active run(s)", "", active)
        )
        self._watched.update(self._manager.active_run_ids())
        for row in repo.run_rows_by_id(self._watched):
            if row.active:
                continue
            self._watched.discard(row.id)
            if row.status == RunStatus.FAILED:
                details = "\n".join(
                    e.message for e in repo.read_log_tail(row.id, 20) if e.level != "info"
                )
                self.notifications.notify(
                    self.tr("Run {run} ({scope}, {project}) failed: {error}").format(
                        run=row.id,
                        scope=scope_label(row.scope),
                        project=row.project_name,
                        error=row.error,
                    ),
                    details or row.error,
                )
        self._update_actions()

    # -- state and closing --------------------------------------------------------------------

    def _restore_state(self) -> None:
        if self._settings is None:
            return
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = self._settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        project = self._settings.value("window/project")
        if project is not None:
            self.select_project(int(project))  # type: ignore[arg-type]
        tab = self._settings.value("window/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))  # type: ignore[arg-type]

    def _save_state(self) -> None:
        if self._settings is None:
            return
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/splitter", self.splitter.saveState())
        project = self.current_project_id()
        if project is not None:
            self._settings.setValue("window/project", project)
        self._settings.setValue("window/tab", self.tabs.currentIndex())
        self._settings.sync()

    def confirm_quit_with_active_runs(self, count: int) -> bool:
        """Ask before cancelling active runs. Tests replace this to answer without a dialog."""
        answer = QMessageBox.question(
            self,
            self.tr("Quit GenGlossary"),
            self.tr(
                "%n run(s) still active or waiting to start. Cancel and quit? "
                "Finished results are kept.",
                "",
                count,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        # Runs waiting for their project to be free would not start: they count too.
        active = len(self._manager.active_run_ids()) + len(self.run_queue.waiting())
        if active and self._ask_before_quit and not self.confirm_quit_with_active_runs(active):
            event.ignore()
            self.restart_requested = False
            return
        self._save_state()
        self.statusBar().showMessage(self.tr("Stopping runs…"))
        self._manager.shutdown(QUIT_WAIT_MS)
        self._export_pool.waitForDone(QUIT_WAIT_MS)
        loading_pool().waitForDone(QUIT_WAIT_MS)
        self.documents_page.viewer.shutdown()
        self._shut_down = True
        event.accept()
