"""Issue 10, part 4, and the Glossary and Issues pages' links: keys as the user guide says
(one mnemonic per key; Esc only where it cannot cost a text field its key; Ctrl+E exports from
a filter box too), each project's own glossary filter, file dialogs that remember their
folder, dates in the system locale, an edited definition without the documents' source, a
question before the user's definition is dropped, and source and occurrence links."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QObject, QSettings, Qt, QTime
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Run
from genglossary_gui.ui import file_dialogs
from genglossary_gui.ui.dialogs import NewProjectDialog
from genglossary_gui.ui.formatting import format_time
from genglossary_gui.ui.main_window import MainWindow
from genglossary_gui.ui.pages.glossary_pages import (
    CONFIDENCE_COLUMN,
    DEFINITION_COLUMN,
    NOT_FROM_DOCUMENTS,
    SOURCE_COLUMN,
    GlossaryPage,
    document_link,
    parse_document_link,
)
from tests.glossary_runs import run_to_completion
from tests.helpers import GatedPipeline
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"
#: storage.md of the English corpus, under a name that needs quoting in a link.
ODD_NAME = "storage notes #1 (100%).md"
MINE = "My own definition of a checkpoint."


@pytest.fixture(autouse=True)
def _forget_dialog_folders() -> Iterator[None]:
    yield
    file_dialogs.use_settings(None)  # no later test sees this one's settings


def _activate(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(DATA / "glossary_en", folder)
    (folder / "storage.md").rename(folder / ODD_NAME)
    return folder


def _project_with_glossary(name: str, folder: Path) -> int:
    project = repo.create_project(name, [str(folder)])
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    return project


def _show(qtbot: QtBot, window: MainWindow, project: int) -> GlossaryPage:
    window.reload_projects()
    assert window.select_project(project)
    page = window.glossary_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def _select(page: GlossaryPage, term: str, column: int = 0) -> None:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == term:
            page.table.setCurrentIndex(page.proxy.index(row, column))
            return
    raise AssertionError(f"{term} not shown")


def _cell(page: GlossaryPage, term: str, column: int, role: int = 0) -> object:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == term:
            return page.proxy.index(row, column).data(role)
    raise AssertionError(f"{term} not shown")


def _edit_definition(qtbot: QtBot, page: GlossaryPage, term: str, text: str) -> None:
    """F2 on the definition cell, type, Enter."""
    _select(page, term, DEFINITION_COLUMN)
    _focus(qtbot, page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: page.table.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "✎" in str(_cell(page, term, DEFINITION_COLUMN)))


# -- mnemonics ----------------------------------------------------------------------------------


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" (``&&`` is a literal ampersand)."""
    match = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return match.group(1).casefold() if match else None


def _text(widget: QWidget) -> str | None:
    if isinstance(widget, QAbstractButton):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    if isinstance(widget, QLabel) and widget.buddy() is not None:
        return widget.text()
    return None


def _window_mnemonics(window: MainWindow) -> list[tuple[str, str]]:
    """(letter, who) for every Alt key of the window while the current page is shown: the
    menus, the page tabs, the visible buttons outside the pages, and every button, group box
    and label with a buddy of the current page, shown or hidden until needed (a button that
    appears later must not take a key either)."""
    page = window.tabs.currentWidget()
    on_page = page.findChildren(QWidget)
    elsewhere = [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible() and w.window() is window and not page.isAncestorOf(w)
    ]
    found = [(mnemonic(a.text()), f"menu {a.text()!r}") for a in window.menuBar().actions()]
    found += [
        (mnemonic(window.tabs.tabText(i)), f"tab {window.tabs.tabText(i)!r}")
        for i in range(window.tabs.count())
    ]
    for widget in [*on_page, *elsewhere]:
        text = _text(widget)
        if text:
            found.append((mnemonic(text), f"{type(widget).__name__} {text!r}"))
    return [(letter, who) for letter, who in found if letter]


def _clashes(found: list[tuple[str, str]]) -> list[str]:
    owners: dict[str, list[str]] = {}
    for letter, who in found:
        owners.setdefault(letter, []).append(who)
    return [f"Alt+{k.upper()}: {', '.join(v)}" for k, v in owners.items() if len(v) > 1]


def test_every_page_of_the_window_has_one_mnemonic_per_key(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, _manager = make_window()
    repo.create_project("P", [])
    window.reload_projects()
    assert window.tabs.isVisible()
    menus = {mnemonic(a.text()) for a in window.menuBar().actions()}
    assert {"f", "e", "r", "v", "h"} <= menus  # File, Edit, Run, View, Help
    clashes = {}
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        found = _window_mnemonics(window)
        if _clashes(found):
            clashes[window.tabs.tabText(i)] = _clashes(found)
    assert clashes == {}
    # The check sees a clash: the tab's old name against the Run menu.
    runs = window.tabs.indexOf(window.runs_page)
    window.tabs.setTabText(runs, "&Runs")
    assert _clashes(_window_mnemonics(window)) == ["Alt+R: menu '&Run', tab '&Runs'"]


def test_the_new_project_dialog_has_one_mnemonic_per_key(qtbot: QtBot, data_dir: Path) -> None:
    dialog = NewProjectDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    found = [
        (mnemonic(w.text()), w.text())
        for w in [*dialog.findChildren(QAbstractButton), *dialog.findChildren(QLabel)]
        if w.isVisible() and mnemonic(w.text())
    ]
    assert _clashes(found) == []  # type: ignore[arg-type]
    assert len(found) >= 6


# A menu popping up offscreen: the platform says it cannot raise it nor grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_alt_keys_reach_the_menus_and_pages_the_guide_names(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, _manager = make_window()
    repo.create_project("P", [])
    window.reload_projects()
    _activate(qtbot, window)
    _focus(qtbot, window.project_view)
    pages = {
        Qt.Key.Key_D: window.documents_page,
        Qt.Key.Key_T: window.terms_page,
        Qt.Key.Key_G: window.glossary_page,
        Qt.Key.Key_I: window.issues_page,
        Qt.Key.Key_U: window.runs_page,
        Qt.Key.Key_S: window.settings_page,
    }
    for key, page in pages.items():
        qtbot.keyClick(window.project_view, key, Qt.KeyboardModifier.AltModifier)
        assert window.tabs.currentWidget() is page
    # Alt+R is the Run menu's, not the Runs page's.
    window.tabs.setCurrentWidget(window.glossary_page)
    _focus(qtbot, window.project_view)
    qtbot.keyClick(window.project_view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    assert popup is not None and "Re-&import Documents" in [a.text() for a in popup.actions()]
    assert window.tabs.currentWidget() is window.glossary_page
    popup.close()


# -- Esc, F2 and Ctrl+E ----------------------------------------------------------------------------


def _cancel_requested(run_id: int) -> bool:
    return Run.get_by_id(run_id).cancel_requested_at is not None


def test_esc_in_a_text_field_never_cancels_a_run(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    project = _project_with_glossary("Storage", _corpus(tmp_path))
    page = _show(qtbot, window, project)
    run_id = window.start_run("extract")
    assert run_id is not None
    qtbot.waitUntil(lambda: gated.started == [project])
    _activate(qtbot, window)
    window.tabs.setCurrentWidget(page)

    # The filter box: Esc is the field's.
    _focus(qtbot, page.filter)
    qtbot.keyClicks(page.filter, "log")
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)
    assert not _cancel_requested(run_id)

    # A definition being edited: Esc closes the editor, and that is all.
    page.filter.clear()
    _select(page, "checkpoint", DEFINITION_COLUMN)
    _focus(qtbot, page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: page.table.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.table.state() == QAbstractItemView.State.NoState)
    assert not _cancel_requested(run_id)

    # A settings field.
    window.tabs.setCurrentWidget(window.settings_page)
    field = window.settings_page.azure
    field.setEnabled(True)
    _focus(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not _cancel_requested(run_id)

    # No text field has the focus: Esc cancels the project's active run.
    window.tabs.setCurrentWidget(page)
    _focus(qtbot, page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _cancel_requested(run_id))
    qtbot.waitUntil(lambda: Run.get_by_id(run_id).status == "cancelled", timeout=10_000)
    qtbot.waitUntil(lambda: not manager.active_run_ids())


def test_esc_on_the_runs_page_cancels_the_selected_run(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    gated = GatedPipeline()
    window, _manager = make_window(gated)
    project = repo.create_project("P", [])
    window.reload_projects()
    window.select_project(project)
    run_id = window.start_run("extract")
    assert run_id is not None and window.tabs.currentWidget() is window.runs_page
    qtbot.waitUntil(lambda: gated.started == [project])
    _activate(qtbot, window)
    _focus(qtbot, window.runs_page.table)
    assert window.runs_page.selected_run_id() == run_id
    qtbot.keyClick(window.runs_page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: Run.get_by_id(run_id).status == "cancelled", timeout=10_000)


def test_f2_edits_a_definition_not_the_project_and_ctrl_e_exports_from_the_filter(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _manager = make_window()
    project = _project_with_glossary("Storage", _corpus(tmp_path))
    page = _show(qtbot, window, project)
    _activate(qtbot, window)
    asked: list[str] = []
    monkeypatch.setattr(
        window.project_actions, "ask_name", lambda *a: asked.append("rename") or None
    )
    _edit_definition(qtbot, page, "checkpoint", MINE)  # F2 on the table
    assert asked == []

    # Ctrl+E while typing in the filter: the export dialog, where the last export went.
    out = tmp_path / "exports"
    out.mkdir()
    opened: list[str] = []

    def save_dialog(_parent: object, _title: str, start: str, _filters: str) -> tuple[str, str]:
        opened.append(start)
        return str(out / "storage.csv"), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    # On Linux (X11 key bindings) a line edit takes Ctrl+E as "end of line"; offscreen it
    # does not, so the filter box is made to behave as it does there.
    end_of_line = _TakesCtrlE(page.filter)
    page.filter.installEventFilter(end_of_line)
    _focus(qtbot, page.filter)
    qtbot.keyClicks(page.filter, "check")
    with qtbot.waitSignal(window.export_finished, timeout=10_000):
        qtbot.keyClick(page.filter, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["Storage.md"]  # no folder remembered yet
    assert (out / "storage.csv").read_text("utf-8").count(MINE) == 1
    assert page.filter.text() == "check"  # the key was the shortcut's, not the field's
    with qtbot.waitSignal(window.export_finished, timeout=10_000):
        qtbot.keyClick(page.filter, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert opened[1] == str(out / "Storage.md")


class _TakesCtrlE(QObject):
    """Accepts the ShortcutOverride of Ctrl+E, as a line edit does with X11 key bindings."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_E
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
        return False


# -- the glossary filter, per project -------------------------------------------------------------


def _settings_window(
    qtbot: QtBot, settings: QSettings, made: list[tuple[MainWindow, RunManager]]
) -> MainWindow:
    manager = RunManager()
    window = MainWindow(manager, settings=settings)
    window.confirm_quit_with_active_runs = lambda n: True  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    made.append((window, manager))
    return window


@pytest.fixture
def windows_with_settings(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> Iterator[Callable[[], MainWindow]]:
    """Main windows over the same settings file in tmp_path, one after the other."""
    made: list[tuple[MainWindow, RunManager]] = []
    path = str(tmp_path / "window.ini")

    def make() -> MainWindow:
        for window, _manager in made:
            window.close()
        return _settings_window(qtbot, QSettings(path, QSettings.Format.IniFormat), made)

    yield make
    for window, manager in made:
        window.close()
        assert manager.shutdown(10_000)


def test_each_project_keeps_its_own_filter_and_the_count_says_n_of_m(
    qtbot: QtBot, windows_with_settings: Callable[[], MainWindow], tmp_path: Path
) -> None:
    folder = _corpus(tmp_path)
    a = _project_with_glossary("A", folder)
    b = _project_with_glossary("B", folder)
    window = windows_with_settings()
    page = _show(qtbot, window, a)
    total = page.model.rowCount()
    assert page.count.text().startswith(f"{total:,} entries")
    _focus(qtbot, page.filter)
    qtbot.keyClicks(page.filter, "check")
    shown = page.proxy.rowCount()
    assert 0 < shown < total
    assert page.count.text() == f"{shown:,} of {total:,} entries"

    page = _show(qtbot, window, b)
    assert page.filter.text() == "" and page.proxy.rowCount() == total
    assert page.count.text() == f"{total:,} entries"
    qtbot.keyClicks(page.filter, "log")
    log_shown = page.proxy.rowCount()
    assert page.count.text() == f"{log_shown:,} of {total:,} entries"

    _show(qtbot, window, a)
    assert page.filter.text() == "check" and page.proxy.rowCount() == shown
    assert page.count.text() == f"{shown:,} of {total:,} entries"

    # Kept across sessions, in the window's settings.
    window = windows_with_settings()
    page = _show(qtbot, window, b)
    assert page.filter.text() == "log" and page.proxy.rowCount() == log_shown
    page = _show(qtbot, window, a)
    assert page.filter.text() == "check"


# -- file dialogs ----------------------------------------------------------------------------------


def test_file_dialog_folders_are_remembered_per_purpose(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    file_dialogs.use_settings(settings)
    docs, out = tmp_path / "docs", tmp_path / "out"
    (docs / "sub").mkdir(parents=True)
    out.mkdir()
    assert file_dialogs.last_folder(file_dialogs.EXPORT) == ""
    file_dialogs.remember_folder(file_dialogs.EXPORT, out / "glossary.csv")  # a file to write
    file_dialogs.remember_folder(file_dialogs.NEW_PROJECT_FOLDER, docs / "sub")  # a folder
    assert file_dialogs.last_folder(file_dialogs.EXPORT) == str(out)
    assert file_dialogs.last_folder(file_dialogs.NEW_PROJECT_FOLDER) == str(docs / "sub")
    assert file_dialogs.last_folder(file_dialogs.ADD_SOURCES) == ""
    (docs / "sub").rmdir()  # gone since: its nearest parent
    assert file_dialogs.last_folder(file_dialogs.NEW_PROJECT_FOLDER) == str(docs)
    settings.sync()
    again = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    assert again.value("folders/export") == str(out)
    file_dialogs.use_settings(None)  # no settings: in memory only
    assert file_dialogs.last_folder(file_dialogs.EXPORT) == ""
    file_dialogs.remember_folder(file_dialogs.EXPORT, out / "x.md")
    assert file_dialogs.last_folder(file_dialogs.EXPORT) == str(out)


def test_new_project_dialog_pickers_start_where_they_last_ended(
    qtbot: QtBot,
    windows_with_settings: Callable[[], MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = _corpus(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.md").write_text("# A\n\nAn apple is a fruit.\n", "utf-8")
    starts: dict[str, list[str]] = {"folder": [], "files": []}

    def pick_folder(_parent: object, _title: str, start: str) -> str:
        starts["folder"].append(start)
        return str(folder)

    def pick_files(_parent: object, _title: str, start: str, _f: str) -> tuple[list[str], str]:
        starts["files"].append(start)
        return [str(other / "a.md")], ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick_folder))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick_files))

    def click(dialog: NewProjectDialog, text: str) -> None:
        button = next(b for b in dialog.findChildren(QAbstractButton) if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    window = windows_with_settings()
    dialog = window.open_new_project_dialog()
    click(dialog, "Add &Folder…")
    click(dialog, "Add F&iles…")
    assert starts == {"folder": [""], "files": [""]}
    assert dialog.source_paths() == [str(folder.resolve()), str((other / "a.md").resolve())]
    dialog.reject()

    window = windows_with_settings()  # another session, the same settings file
    dialog = window.open_new_project_dialog()
    click(dialog, "Add &Folder…")
    click(dialog, "Add F&iles…")
    assert starts == {"folder": ["", str(folder)], "files": ["", str(other)]}
    dialog.reject()


# -- dates -----------------------------------------------------------------------------------------


def test_dates_use_the_locale_and_today_shows_the_time_only() -> None:
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    american = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    short = QLocale.FormatType.ShortFormat
    moment = QDateTime(QDate(2024, 3, 5), QTime(14, 7))
    t = moment.toSecsSinceEpoch()
    assert format_time(t, german) == german.toString(moment, short) == "05.03.24 14:07"
    assert format_time(t, american) == american.toString(moment, short)
    assert format_time(t, american).startswith("3/5/24 2:07")  # then "PM", spaced per CLDR
    now = time.time()
    today = QDateTime.fromMSecsSinceEpoch(round(now * 1000)).time()
    assert format_time(now, german) == german.toString(today, short)  # the time only
    assert format_time(now) == QLocale().toString(today, short)  # the display locale
    assert format_time(None) == format_time(0) == ""


# -- an edited definition --------------------------------------------------------------------------


def test_an_edited_definition_shows_no_source_and_asks_before_it_is_dropped(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    window, _manager = make_window()
    project = _project_with_glossary("Storage", _corpus(tmp_path))
    page = _show(qtbot, window, project)
    _activate(qtbot, window)
    qtmodeltester.check(page.model)
    source = str(_cell(page, "checkpoint", SOURCE_COLUMN))
    assert source and _cell(page, "checkpoint", CONFIDENCE_COLUMN) != NOT_FROM_DOCUMENTS

    _edit_definition(qtbot, page, "checkpoint", MINE)
    tip = Qt.ItemDataRole.ToolTipRole
    for column in (SOURCE_COLUMN, CONFIDENCE_COLUMN):
        assert _cell(page, "checkpoint", column) == NOT_FROM_DOCUMENTS
        assert str(_cell(page, "checkpoint", column, tip)).startswith("Your definition")
    qtmodeltester.check(page.model)
    _select(page, "checkpoint")
    text = page.detail.toPlainText()
    mine_at, suggested_at = text.index(MINE), text.index("Suggested from the documents")
    assert text.index(source) > suggested_at > mine_at  # the source is the suggestion's only
    assert text.count("Source:") == 1

    # "Use the Suggested Definition" asks first, showing what would be lost.
    asked: list[tuple[str, str]] = []
    answer = [False]

    def confirm(term: str, definition: str) -> bool:
        asked.append((term, definition))
        return answer[0]

    page.confirm_revert = confirm  # type: ignore[method-assign]
    assert page.revert.isVisible()
    qtbot.mouseClick(page.revert, Qt.MouseButton.LeftButton)
    assert asked == [("checkpoint", MINE)]
    assert repo.definition_edits(project) == {"checkpoint": MINE}  # "no": kept
    answer[0] = True
    qtbot.mouseClick(page.revert, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "✎" not in str(_cell(page, "checkpoint", DEFINITION_COLUMN)))
    assert repo.definition_edits(project) == {}
    assert _cell(page, "checkpoint", SOURCE_COLUMN) == source


# -- links -----------------------------------------------------------------------------------------


def test_document_links_survive_any_file_name() -> None:
    from PySide6.QtCore import QUrl

    for path in (ODD_NAME, "sub dir/ファイル?.md", "a#b%c&d.txt", "//odd:name.md"):
        assert parse_document_link(QUrl(document_link(path, 12))) == (path, 12)
    assert parse_document_link(QUrl("use:1")) is None


def _click_text(qtbot: QtBot, browser: QWidget, text: str) -> None:
    """Click in the middle of the first occurrence of ``text`` in a QTextBrowser."""
    found = browser.document().find(text)  # type: ignore[attr-defined]
    assert not found.isNull(), text
    cursor = QTextCursor(found)
    cursor.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    browser.ensureCursorVisible()  # type: ignore[attr-defined]
    rect = browser.cursorRect(cursor)  # type: ignore[attr-defined]
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[attr-defined]


def test_sources_and_occurrences_open_the_document_at_the_line(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    window, _manager = make_window()
    project = _project_with_glossary("Storage", _corpus(tmp_path))
    page = _show(qtbot, window, project)
    opened: list[tuple[str, int, str | None]] = []
    answer = [True]

    def open_document(rel_path: str, line: int = 0, term: str | None = None) -> bool:
        opened.append((rel_path, line, term))
        return answer[0]

    # The Documents page's viewer (built elsewhere) is stood in for here.
    window.documents_page.open_document = open_document  # type: ignore[attr-defined]
    _select(page, "write-ahead log")
    row = page._current_row()
    assert row is not None and row.source.startswith(ODD_NAME)
    line = int(row.source.rpartition(":")[2])
    html = page.detail.toHtml()
    assert html.count('href="doc:') == 1 + len(row.occurrences) + len(row.alternatives)

    with qtbot.waitSignal(page.open_document) as signal:
        _click_text(qtbot, page.detail, row.source)
    assert signal.args == [ODD_NAME, line, "write-ahead log"]
    assert window.tabs.currentWidget() is window.documents_page
    assert opened == [(ODD_NAME, line, "write-ahead log")]

    # An occurrence in another document; that document is gone meanwhile.
    window.tabs.setCurrentWidget(page)
    path, occurrence_line, _sentence = next(o for o in row.occurrences if o[0] != ODD_NAME)
    answer[0] = False
    with qtbot.waitSignal(page.open_document) as signal:
        _click_text(qtbot, page.detail, f"{path}:{occurrence_line}")
    assert signal.args == [path, occurrence_line, "write-ahead log"]
    assert "is no longer among the project's documents" in window.statusBar().currentMessage()

    # The Issues page: the issue's term's source, as a link below the table.
    issues = window.issues_page
    window.tabs.setCurrentWidget(issues)
    qtmodeltester.check(issues.model)
    issues.type_filter.setCurrentIndex(issues.type_filter.findData("duplicate"))
    issues.table.setCurrentIndex(issues.proxy.index(0, 0))
    issue = issues._selected()
    assert issue is not None and issue.term == "WAL"
    wal_source = issues.proxy.index(0, 4).data()  # where the run found WAL's definition
    wal_path, _, wal_line = wal_source.rpartition(":")
    assert wal_path and wal_line.isdigit()
    assert (
        f"“WAL”: {wal_source}"
        in QTextDocumentFragment.fromHtml(issues.source_line.text()).toPlainText()
    )
    assert (
        "“write-ahead log”: " + ODD_NAME
        in QTextDocumentFragment.fromHtml(issues.source_line.text()).toPlainText()
    )
    answer[0] = True
    _activate(qtbot, window)
    _focus(qtbot, issues.source_line)
    with qtbot.waitSignal(issues.open_document) as signal:
        qtbot.keyClick(issues.source_line, Qt.Key.Key_Tab)
        qtbot.keyClick(issues.source_line, Qt.Key.Key_Return)
    assert signal.args == [wal_path, int(wal_line), "WAL"]
    assert window.tabs.currentWidget() is window.documents_page
