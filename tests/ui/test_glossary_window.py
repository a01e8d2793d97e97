"""Full from the toolbar fills the Glossary page; an edited definition survives a re-run."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.pages.glossary_pages import DEFINITION_COLUMN
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"
MINE = "My own definition of a checkpoint."


def _row_of(page: object, term: str) -> int:
    proxy = page.proxy  # type: ignore[attr-defined]
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data() == term:
            return row
    raise AssertionError(f"{term} not shown")


def test_full_run_edit_rerun_keeps_edit_and_exports(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, manager = make_window()
    window.create_project("Storage", [str(DATA / "glossary_en")])
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=30_000)
    window.run_action.trigger()  # F5: Full
    page = window.glossary_page
    project = window.current_project_id() or 0
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    qtbot.waitUntil(lambda: page.shown_run() == repo.current_run(project) is not None)
    window.tabs.setCurrentWidget(page)
    terms = [page.model.row_at(i).term for i in range(page.model.rowCount())]  # type: ignore[union-attr]
    assert "write-ahead log" in terms and "WAL" not in terms

    # Edit a definition inline: double-click the cell, type, Enter.
    index = page.proxy.index(_row_of(page, "checkpoint"), DEFINITION_COLUMN)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, MINE)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "✎" in page.proxy.index(_row_of(page, "checkpoint"), DEFINITION_COLUMN).data()
    )
    first_run = page.shown_run()

    # Re-run Full: a new glossary, and the edit is still there, shown as edited.
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    qtbot.waitUntil(lambda: page.shown_run() == repo.current_run(project) != first_run)
    row = page.model.row_at(
        page.proxy.mapToSource(page.proxy.index(_row_of(page, "checkpoint"), 0)).row()
    )
    assert row is not None and row.edited and row.definition == MINE
    assert row.suggested.startswith("A checkpoint is")  # the new suggestion, not overwritten
    assert repo.definition_edits(project) == {"checkpoint": MINE}

    # Issues of the shown run. The contradiction about "checkpoint" is gone: the user's
    # own definition settled it. Opening an issue jumps to its entry, merged ones too.
    issues = window.issues_page
    assert issues.model.rowCount() > 0
    assert not any(r.type == "contradiction" for r in issues.model.rows())
    issues.type_filter.setCurrentIndex(issues.type_filter.findData("duplicate"))
    assert issues.proxy.rowCount() == 1
    issues._open(issues.proxy.index(0, 0))  # the issue about "WAL"
    assert window.tabs.currentWidget() is page
    assert page.table.currentIndex().data() == "write-ahead log"
    assert "merged into “write-ahead log”" in window.statusBar().currentMessage()

    # Export what is shown; the edit is exported.
    out = tmp_path / "storage.csv"
    with qtbot.waitSignal(window.export_finished, timeout=10_000) as done:
        assert window.export_glossary(str(out), "csv") is not None
    assert done.args == [str(out), page.model.rowCount()]
    with out.open(encoding="utf-8", newline="") as f:
        rows = {r["term"]: r for r in csv.DictReader(f)}
    assert rows["checkpoint"]["definition"] == MINE
    assert rows["checkpoint"]["definition_kind"] == "edited"


def test_required_and_excluded_terms_shape_the_glossary(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    window, manager = make_window()
    window.create_project("Storage", [str(DATA / "glossary_en")])
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=30_000)
    window.start_run("extract")
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=30_000)
    page = window.terms_page
    qtbot.waitUntil(lambda: page.model.rowCount() > 5)

    def select(*terms: str) -> None:
        page.table.clearSelection()
        for row in range(page.proxy.rowCount()):
            if page.proxy.index(row, 0).data() in terms:
                page.table.selectionModel().select(
                    page.proxy.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    select("system")  # an everyday word refine would drop...
    qtbot.mouseClick(page.require_button, Qt.MouseButton.LeftButton)
    select("checkpoint")  # ...and a real term the user does not want
    qtbot.mouseClick(page.exclude_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: {r.text: r.status for r in page.model.rows()}.get("system") == "required"
    )
    window.start_run("full")  # re-extracts too: the marks must survive that
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    project = window.current_project_id() or 0
    run_id = repo.current_run(project)
    assert run_id is not None
    terms = {r.term for r in repo.glossary_rows(project, run_id)}
    assert "system" in terms and "checkpoint" not in terms
    statuses = {r.text: r.status for r in repo.term_rows(project)}
    assert (statuses["system"], statuses["checkpoint"]) == ("required", "excluded")


def test_another_defining_sentence_can_be_chosen(qtbot: QtBot, make_window: WindowFactory) -> None:
    from PySide6.QtCore import QUrl

    from tests.glossary_runs import run_to_completion

    window, _manager = make_window()
    project = repo.create_project("Storage", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    page = window.glossary_page
    page.set_project(project)
    page.table.setCurrentIndex(page.proxy.index(_row_of(page, "checkpoint"), 0))
    assert 'href="use:0"' in page.detail.toHtml() or "Use this one" in page.detail.toPlainText()
    row = page.model.row_at(page.proxy.mapToSource(page.table.currentIndex()).row())
    assert row is not None and row.alternatives
    other = row.alternatives[0][0]
    page.detail.anchorClicked.emit(QUrl("use:0"))
    assert repo.definition_edits(project) == {"checkpoint": other}

    def shows_the_choice() -> None:
        chosen = next(r for r in page.model.rows() if r.term == "checkpoint")
        assert chosen.edited and chosen.definition == other

    qtbot.waitUntil(shows_the_choice)


def test_a_definition_edit_and_its_revert_are_undone_with_ctrl_z(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    from tests.glossary_runs import run_to_completion

    window, _manager = make_window()
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    window.reload_projects()
    window.select_project(project)
    page = window.glossary_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    index = page.proxy.index(_row_of(page, "checkpoint"), DEFINITION_COLUMN)
    assert page.model.setData(page.proxy.mapToSource(index), MINE)
    qtbot.waitUntil(lambda: repo.definition_edits(project) == {"checkpoint": MINE})
    page.table.setCurrentIndex(index)
    qtbot.waitUntil(page.revert.isVisible)  # shown once the page has the edited row
    page.confirm_revert = lambda term, definition: True  # type: ignore[method-assign]
    qtbot.mouseClick(page.revert, Qt.MouseButton.LeftButton)
    assert repo.definition_edits(project) == {}

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    undo = window.curation.undo_stack
    assert undo.count() == 2 and "Suggested Definition" in undo.undoText()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert repo.definition_edits(project) == {"checkpoint": MINE}  # the revert undone
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert repo.definition_edits(project) == {}  # the edit undone
    qtbot.waitUntil(
        lambda: "✎" not in page.proxy.index(_row_of(page, "checkpoint"), DEFINITION_COLUMN).data()
    )
