"""The curation editors, driven through the Terms page's widgets and the window's Edit menu:
every action undoable with Ctrl+Z and redone with Ctrl+Shift+Z."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.main_window import MainWindow
from genglossary_gui.ui.pages.terms_page import TermsPage
from genglossary_gui.vocabulary import TermStatus
from tests.glossary_runs import run_to_completion
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"


def _storage_project() -> int:
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    return project


def _rows(project: int) -> dict[str, repo.TermRow]:
    return {r.text: r for r in repo.term_rows(project)}


def _state(project: int) -> repo.CurationSnapshot:
    names = ["checkpoint", "replica", "server", "WAL", "write-ahead log", "Pod", "pages"]
    return repo.curation_snapshot(project, names, key=term_key, glossary=True)


# -- CurationActions ------------------------------------------------------------------------


def test_each_action_is_one_command_whose_undo_restores_exactly(
    data_dir: Path, qapp: QApplication
) -> None:
    project = _storage_project()
    actions = CurationActions()
    stack = actions.undo_stack
    changes = [
        (
            "Require “checkpoint”",
            lambda: actions.set_status(project, ["checkpoint"], TermStatus.REQUIRED),
        ),
        ("Add Term “Pod”", lambda: actions.add_term(project, "Pod")),
        ("Note on “replica”", lambda: actions.set_note(project, "replica", "Read-only.")),
        (
            "Edit Definition of “WAL”",
            lambda: actions.edit_definition(project, "WAL", "Our log.", ["write-ahead log"]),
        ),
        (
            "Merge “server” and “pages” into “replica”",
            lambda: actions.merge(project, ["server", "pages"], "replica"),
        ),
        (
            "Split “WAL” from “write-ahead log”",
            lambda: actions.split(project, "write-ahead log", "WAL"),
        ),
        (
            "Category “ops” for “replica” and “checkpoint”",
            lambda: actions.set_category(project, ["replica", "checkpoint"], "ops"),
        ),
        ("Exclude “pages”", lambda: actions.set_status(project, ["pages"], TermStatus.EXCLUDED)),
    ]
    states = [_state(project)]
    for i, (text, change) in enumerate(changes, start=1):
        change()
        assert stack.count() == i and stack.undoText() == text
        states.append(_state(project))
        assert states[-1] != states[-2]
    for i in range(len(changes), 0, -1):
        stack.undo()
        assert _state(project) == states[i - 1], f"undoing {changes[i - 1][0]}"
    assert "Pod" not in _rows(project)  # added by hand, undone: gone
    for i in range(1, len(changes) + 1):
        stack.redo()
        assert _state(project) == states[i], f"redoing {changes[i - 1][0]}"
    glossary = {r.term: r for r in repo.glossary_rows(project, repo.current_run(project) or 0)}
    assert {"server", "pages"} <= set(glossary["replica"].aliases)  # merged at once
    # A change that changes nothing is no command.
    actions.set_status(project, ["checkpoint"], TermStatus.REQUIRED)
    assert stack.count() == len(changes)


def test_a_database_error_reaches_the_caller_and_leaves_the_stack(
    data_dir: Path, qapp: QApplication, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    project = _storage_project()
    actions = CurationActions()
    actions.set_note(project, "checkpoint", "first")

    def locked(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(repo, "set_term_note", locked)
    with pytest.raises(sqlite3.OperationalError):
        actions.set_note(project, "checkpoint", "second")
    assert actions.undo_stack.count() == 1 and actions.undo_stack.canUndo()
    assert _rows(project)["checkpoint"].note == "first"
    # An undo that cannot be written says so, and its command is dropped.
    monkeypatch.setattr(repo, "restore_curation", locked)
    with qtbot.waitSignal(actions.failed) as failed:
        actions.undo_stack.undo()
    message = str((failed.args or [""])[0])
    assert "Could not undo" in message and "busy" in message
    assert actions.undo_stack.count() == 0
    assert _rows(project)["checkpoint"].note == "first"


# -- the Terms page and the window ----------------------------------------------------------


def _select(page: TermsPage, *terms: str) -> None:
    page.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, 0)
        if index.data() in terms:
            page.table.selectionModel().select(index, flags)
            page.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
    assert len(page.selected_rows()) == len(terms)


def _window_on_storage(make_window: WindowFactory, qtbot: QtBot) -> tuple[MainWindow, int]:
    project = _storage_project()
    window, _manager = make_window()
    window.select_project(project)
    window.tabs.setCurrentWidget(window.terms_page)
    qtbot.waitUntil(lambda: window.terms_page.model.rowCount() > 5)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.terms_page.table.setFocus()
    qtbot.waitUntil(window.terms_page.table.hasFocus)
    return window, project


def _activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def _undo(qtbot: QtBot, window: MainWindow) -> None:
    _activate(qtbot, window)
    qtbot.keyClick(window.terms_page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _redo(qtbot: QtBot, window: MainWindow) -> None:
    _activate(qtbot, window)
    qtbot.keyClick(
        window.terms_page.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


def test_the_window_has_an_edit_menu_with_undo_and_redo(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, project = _window_on_storage(make_window, qtbot)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:3] == ["&File", "&Edit", "&Run"]
    assert window.terms_page.curation is window.curation
    assert not window.undo_action.isEnabled()
    page = window.terms_page
    _select(page, "checkpoint")
    _click(qtbot, page.require_button)
    qtbot.waitUntil(lambda: _rows(project)["checkpoint"].status == "required")
    assert window.undo_action.text() == "&Undo Require “checkpoint”"
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: _rows(project)["checkpoint"].status == "candidate")
    assert window.redo_action.text() == "&Redo Require “checkpoint”"
    _redo(qtbot, window)
    qtbot.waitUntil(lambda: _rows(project)["checkpoint"].status == "required")
    # The page shows it at once, and keeps the selection.
    qtbot.waitUntil(
        lambda: {r.text: r.status for r in page.model.rows()}["checkpoint"] == "required"
    )
    assert page.selected_terms() == ["checkpoint"]


def test_marks_notes_and_categories_through_the_page(
    qtbot: QtBot, make_window: WindowFactory, qtmodeltester: object
) -> None:
    window, project = _window_on_storage(make_window, qtbot)
    page = window.terms_page
    _select(page, "pages", "replica")
    assert not page.note_button.isEnabled()  # a note is for one term
    _click(qtbot, page.exclude_button)
    qtbot.waitUntil(lambda: _rows(project)["pages"].status == "excluded")
    assert _rows(project)["replica"].status == "excluded"
    assert page.reset_button.isEnabled()
    _click(qtbot, page.reset_button)
    qtbot.waitUntil(lambda: _rows(project)["pages"].status == "candidate")

    page.ask_category = lambda terms, current, known: "storage"  # type: ignore[method-assign]
    _click(qtbot, page.category_button)
    qtbot.waitUntil(lambda: _rows(project)["replica"].category == "storage")
    _select(page, "replica")
    page.ask_note = lambda term, current: "Never written to."  # type: ignore[method-assign]
    _click(qtbot, page.note_button)
    qtbot.waitUntil(lambda: _rows(project)["replica"].note == "Never written to.")
    row = _model_row(page, "replica")
    assert page.model.index(row, 9).data() == "Never written to."
    assert page.model.index(row, 8).data() == "storage"
    assert "Never written to." in page.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]

    _undo(qtbot, window)  # the note...
    qtbot.waitUntil(lambda: _rows(project)["replica"].note == "")
    assert _rows(project)["replica"].category == "storage"
    _undo(qtbot, window)  # ...then the category
    qtbot.waitUntil(lambda: _rows(project)["replica"].category == "")


def _model_row(page: TermsPage, term: str) -> int:
    return next(i for i, r in enumerate(page.model.rows()) if r.text == term)


def test_add_term_answers_the_real_dialog(qtbot: QtBot, make_window: WindowFactory) -> None:
    window, project = _window_on_storage(make_window, qtbot)
    page = window.terms_page

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Pod")
        dialog.accept()

    QTimer.singleShot(0, answer)
    _click(qtbot, page.add_button)
    qtbot.waitUntil(lambda: "Pod" in {r.text for r in page.model.rows()})
    assert _rows(project)["Pod"].status == "required"
    assert page.selected_terms() == ["Pod"]
    run_to_completion(project, "full")
    assert "Pod" in {r.term for r in repo.glossary_rows(project, repo.current_run(project) or 0)}
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: "Pod" not in {r.text for r in page.model.rows()})


def test_merge_and_split_through_the_page_and_the_context_menu(
    qtbot: QtBot, make_window: WindowFactory, qtmodeltester: object
) -> None:
    window, project = _window_on_storage(make_window, qtbot)
    page = window.terms_page
    glossary = window.glossary_page
    _select(page, "replica", "server", "readers")
    assert page.merge_button.isEnabled() and not page.split_button.isEnabled()
    offered: list[list[str]] = []

    def headword(terms: list[str]) -> str:
        offered.append(list(terms))
        return "replica"

    page.ask_headword = headword  # type: ignore[method-assign]
    _click(qtbot, page.merge_button)
    assert sorted(offered[0]) == ["readers", "replica", "server"]
    qtbot.waitUntil(lambda: repo.synonym_groups(project) != [])
    assert repo.synonym_groups(project) == [("replica", ("readers", "server"))]
    # Shown at once on this page and in the Glossary page.
    qtbot.waitUntil(lambda: page.model.index(_model_row(page, "server"), 7).data() == "→ replica")
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: "server" in next(r for r in glossary.model.rows() if r.term == "replica").aliases
    )
    text = window.undo_action.text()
    assert text.startswith("&Undo Merge “") and text.endswith("” into “replica”")
    assert "“server”" in text and "“readers”" in text

    # Split from the context menu, on the variant.
    _select(page, "server")
    menu = page.context_menu()
    assert isinstance(menu, QMenu)
    split = next(a for a in menu.actions() if a.text() == "S&plit")
    assert split.isEnabled()
    split.trigger()
    qtbot.waitUntil(lambda: repo.synonym_groups(project) == [("replica", ("readers",))])
    qtbot.waitUntil(lambda: "server" in {r.term for r in glossary.model.rows()})
    assert ("replica", "server") in repo.kept_apart(project)

    # Split an automatic merge (WAL into write-ahead log), choosing among the head's variants.
    _select(page, "write-ahead log")
    page.ask_variant = lambda head, variants: variants[0]  # type: ignore[method-assign]
    _click(qtbot, page.split_button)
    qtbot.waitUntil(lambda: "WAL" in {r.term for r in glossary.model.rows()})

    # Ctrl+Z three times: back to the automatic merge and no group at all.
    for _ in range(3):
        _undo(qtbot, window)
    qtbot.waitUntil(lambda: repo.synonym_groups(project) == [])
    assert repo.kept_apart(project) == []
    qtbot.waitUntil(lambda: "WAL" not in {r.term for r in glossary.model.rows()})
    rows = {r.term: r for r in glossary.model.rows()}
    assert "WAL" in rows["write-ahead log"].aliases and not rows["replica"].aliases
    # And the groups are made again by every later run after a redo.
    _redo(qtbot, window)
    qtbot.waitUntil(lambda: repo.synonym_groups(project) != [])
    run_to_completion(project, "full")
    final = {r.term: r for r in repo.glossary_rows(project, repo.current_run(project) or 0)}
    assert {"readers", "server"} <= set(final["replica"].aliases)


def test_the_page_buttons_steal_no_menu_or_tab_mnemonic(qtbot: QtBot, data_dir: Path) -> None:
    from genglossary_gui.runs.manager import RunManager

    manager = RunManager(monitor=False)
    page = TermsPage(manager)
    qtbot.addWidget(page)
    taken = set("FERVHDTGIUS")
    buttons = [
        page.require_button,
        page.exclude_button,
        page.reset_button,
        page.add_button,
        page.note_button,
        page.category_button,
        page.merge_button,
        page.split_button,
    ]
    letters = [b.text()[b.text().index("&") + 1].upper() for b in buttons]
    assert len(set(letters)) == len(letters) and not set(letters) & taken
    assert isinstance(page.curation, CurationActions)  # its own when none is given
    assert manager.shutdown(5_000)


# The offscreen platform says so about every popup menu it shows.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_a_right_click_opens_the_context_menu_with_the_page_actions(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, project = _window_on_storage(make_window, qtbot)
    page = window.terms_page
    _select(page, "checkpoint")
    shown: list[list[str]] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        shown.append([a.text() for a in menu.actions() if a.text() and a.isEnabled()])
        require = next(a for a in menu.actions() if a.text() == "Re&quire")
        menu.close()
        require.trigger()

    QTimer.singleShot(50, pick)
    rect = page.table.visualRect(page.table.currentIndex())
    page.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0] == ["Re&quire", "E&xclude", "&Note…", "&Category…", "&Add Term…"]
    qtbot.waitUntil(lambda: _rows(project)["checkpoint"].status == "required")


def test_a_mark_made_by_another_process_shows_on_the_terms_page(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    from genglossary_gui.store.database import DB_FILENAME

    window, _manager = make_window()
    project = _storage_project()
    window.reload_projects()
    window.select_project(project)
    page = window.terms_page
    target = next(r for r in page.model.rows() if r.status == TermStatus.CANDIDATE)
    # Another process (the command line's `mark`) commits: no count or score changes.
    other = sqlite3.connect(data_dir / DB_FILENAME)
    with other:
        other.execute("UPDATE term SET status = 'excluded' WHERE id = ?", (target.id,))
    other.close()

    def shown() -> str:
        return next(r.status for r in page.model.rows() if r.id == target.id)

    qtbot.waitUntil(lambda: shown() == TermStatus.EXCLUDED, timeout=10_000)


def test_a_command_naming_many_terms_counts_the_rest(data_dir: Path, qapp: QApplication) -> None:
    project = repo.create_project("Words")
    actions = CurationActions()
    for count in (3, 4, 6):
        terms = [f"term {count} {i}" for i in range(count)]
        actions.set_status(project, terms, TermStatus.REQUIRED)
        more = count - 1
        assert actions.undo_stack.undoText() == f"Require “term {count} 0” and {more} more"


@pytest.mark.parametrize(
    ("project_language", "term", "stored"),
    [
        ("auto", "レプリカ", "ja"),  # no language chosen: guessed from the text
        ("auto", "replica", "en"),
        ("en", "レプリカ", "en"),  # the project's language, whatever the text
        ("ja", "replica", "ja"),
    ],
)
def test_a_hand_added_term_takes_the_projects_language_else_its_texts(
    data_dir: Path, qapp: QApplication, project_language: str, term: str, stored: str
) -> None:
    project = repo.create_project("Words", [], project_language)
    CurationActions().add_term(project, term)
    assert _rows(project)[term].language == stored


def test_a_merge_is_named_by_the_terms_it_takes_in_and_one_of_nothing_is_no_change(
    data_dir: Path, qapp: QApplication
) -> None:
    project = repo.create_project("Words", [], "en")
    actions = CurationActions()
    for term in ("write-ahead log", "WAL"):
        actions.add_term(project, term)
    count = actions.undo_stack.count()
    actions.merge(project, ["write-ahead log", "WAL"], "write-ahead log")
    assert actions.undo_stack.undoText() == "Merge “WAL” into “write-ahead log”"
    # The headword alone: the store's plain refusal, and no command.
    with pytest.raises(ValueError, match="at least two different terms"):
        actions.merge(project, ["WAL"], "WAL")
    assert actions.undo_stack.count() == count + 1


_COLLECTED_WITH_ITS_COMMANDS = """
import gc, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.ui.curation import CurationActions

app = QApplication([])
open_data_folder(Path(sys.argv[1]))
project = repo.create_project("P")


class Holder:  # a cycle, as a test's state machine or a closed dialog's leftovers make
    pass


for round in range(20):
    holder = Holder()
    holder.me = holder
    holder.actions = CurationActions()  # no parent: Python owns it
    for i in range(3):
        holder.actions.add_term(project, f"term {round} {i}")
    holder.actions.undo_stack.undo()
    del holder
gc.collect()
print("collected")
"""


def test_an_unparented_curation_collected_with_its_commands_does_not_crash(
    tmp_path: Path,
) -> None:
    """Its undo stack's commands are Python objects; collected in a cycle, the stack used to
    be destroyed under them (a segmentation fault, here at the end of a test session)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _COLLECTED_WITH_ITS_COMMANDS, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "collected"), done.stderr[-2000:]


def test_the_terms_table_colours_marks_and_greys_what_the_next_run_leaves_out(
    qtmodeltester: ModelTester, data_dir: Path
) -> None:
    """Excluded and required terms have their mark's colour; a term the next run will not
    define (below the cut-off, seen once) is greyed; one it defines has the text colour."""
    from genglossary_gui.ui.models.tables import (
        BELOW_CUTOFF_COLOR,
        EXCLUDED_COLOR,
        REQUIRED_COLOR,
        TermTableModel,
    )

    project = repo.create_project("Colours", ["/nowhere"], "en")
    records = [
        repo.TermRecord(text, "en", 5 - n, frequency, 1)
        for n, (text, frequency) in enumerate(
            [("top", 3), ("below", 3), ("once", 1), ("dropped", 3), ("wanted", 1)]
        )
    ]
    repo.replace_candidate_terms(project, records, cutoff=1)
    repo.mark_terms(project, ["dropped"], TermStatus.EXCLUDED)
    repo.mark_terms(project, ["wanted"], TermStatus.REQUIRED)
    model = TermTableModel()
    model.set_rows(repo.term_rows(project))
    qtmodeltester.check(model)
    colours = {}
    for row in range(model.rowCount()):
        brush = model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
        colours[model.data(model.index(row, 0))] = None if brush is None else brush.color()
    assert colours == {
        "top": None,
        "below": BELOW_CUTOFF_COLOR,
        "once": BELOW_CUTOFF_COLOR,
        "dropped": EXCLUDED_COLOR,
        "wanted": REQUIRED_COLOR,
    }
