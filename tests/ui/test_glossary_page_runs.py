"""The Glossary page opens on the project's current glossary (not the newest run's output),
shows any run's output on request, and Revert drops the user's edit wherever it was made."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from tests.glossary_runs import run_failing_at, run_to_completion
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"
MINE = "Our log, our words."


def _terms(page: object) -> list[str]:
    model = page.model  # type: ignore[attr-defined]
    return sorted(model.row_at(i).term for i in range(model.rowCount()))


def _glossary_terms(project: int, run_id: int) -> list[str]:
    return sorted(r.term for r in repo.glossary_rows(project, run_id))


def test_the_page_opens_on_the_current_glossary_and_shows_any_run_on_request(
    qtbot: QtBot, make_window: WindowFactory, qtmodeltester: ModelTester
) -> None:
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    older = run_to_completion(project, "full")
    newer = run_to_completion(project, "full")
    assert transitions.promote_run(older)  # the user went back to the older glossary
    partial = run_failing_at(project, "full", "refine")  # the newest output: partial
    assert repo.current_run(project) == older
    assert [r.id for r in repo.glossary_runs(project)][:1] == [partial]  # newest first

    window, _manager = make_window()
    window.reload_projects()
    assert window.select_project(project)
    page = window.glossary_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert page.shown_run() == older  # the current glossary, not the newest output
    assert page.runs.currentText().startswith("Current glossary")
    assert _terms(page) == _glossary_terms(project, older)
    assert not page.promote.isVisible()
    qtmodeltester.check(page.model)

    assert page.show_run(partial) is True
    assert page.shown_run() == partial
    assert _terms(page) == _glossary_terms(project, partial) != []
    assert page.promote.isVisible()  # another run's output can be made current
    qtmodeltester.check(page.model)
    assert page.show_run(newer) is True and page.shown_run() == newer
    assert _terms(page) == _glossary_terms(project, newer)

    assert page.show_run(987_654) is False  # no such run: nothing changes
    assert page.shown_run() == newer
    assert page.show_run(older) is True and page.shown_run() == older


def test_revert_drops_an_edit_made_on_a_merged_alias(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    repo.set_definition_edit(project, "WAL", MINE)  # an edit on the alias's name
    window, _manager = make_window()
    window.reload_projects()
    assert window.select_project(project)
    page = window.glossary_page
    window.tabs.setCurrentWidget(page)

    def head() -> object:
        return next((r for r in page.model.rows() if r.term == "write-ahead log"), None)

    qtbot.waitUntil(lambda: head() is not None and head().edited)  # type: ignore[union-attr]
    row = next(
        i
        for i in range(page.proxy.rowCount())
        if page.proxy.index(i, 0).data() == "write-ahead log"
    )
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    qtbot.waitUntil(page.revert.isVisible)
    asked: list[tuple[str, str]] = []
    page.confirm_revert = lambda term, text: asked.append((term, text)) or True  # type: ignore[method-assign]
    qtbot.mouseClick(page.revert, Qt.MouseButton.LeftButton)
    assert asked == [("write-ahead log", MINE)]
    assert repo.definition_edits(project) == {}
    qtbot.waitUntil(lambda: not head().edited)  # type: ignore[union-attr]
    assert not page.revert.isVisible()


def test_every_page_model_and_its_filter_pass_qts_model_tester(
    qtbot: QtBot, make_window: WindowFactory, qtmodeltester: ModelTester
) -> None:
    """The filtering proxies in front of the Documents, Terms, Glossary and Issues models
    (and those models, filled with a real project's rows), filtered and sorted."""
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    window, _manager = make_window()
    window.reload_projects()
    assert window.select_project(project)
    pages = {
        window.documents_page: "storage",  # a file name
        window.terms_page: "log",
        window.glossary_page: "log",
        window.issues_page: "duplicate",  # the filter is by issue type
    }
    for page, needle in pages.items():
        window.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda page=page: page.model.rowCount() > 0, timeout=10_000)
        qtmodeltester.check(page.model)
        qtmodeltester.check(page.proxy)
        shown = page.proxy.rowCount()
        page.proxy.setFilterFixedString(needle)  # fewer rows, not none
        assert 0 < page.proxy.rowCount() < shown, type(page).__name__
        qtmodeltester.check(page.proxy)
        page.proxy.sort(0, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(page.proxy)
        page.proxy.setFilterFixedString("")
        assert page.proxy.rowCount() == shown
