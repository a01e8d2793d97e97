"""An automatic merge is listed on the Issues page and undone in one click, for good."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from genglossary_gui.store import repositories as repo
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"


def _terms(window: object) -> dict[str, object]:
    model = window.glossary_page.model  # type: ignore[attr-defined]
    return {model.row_at(i).term: model.row_at(i) for i in range(model.rowCount())}


def _select(window: object, term: str, related: str) -> None:
    page = window.issues_page  # type: ignore[attr-defined]
    for row in range(page.proxy.rowCount()):
        issue = page.model.row_at(page.proxy.mapToSource(page.proxy.index(row, 0)).row())
        if issue.type == "duplicate" and {issue.term, issue.related} == {term, related}:
            page.table.setCurrentIndex(page.proxy.index(row, 0))
            return
    raise AssertionError(f"no duplicate issue for {term} and {related}")


def test_keep_apart_undoes_a_merge_now_and_in_later_runs(
    qtbot: QtBot, make_window: WindowFactory, qtmodeltester: object
) -> None:
    window, manager = make_window()
    window.create_project("Storage", [str(DATA / "glossary_en")])
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=30_000)
    project = window.current_project_id() or 0
    window.run_action.trigger()  # Full
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    page = window.glossary_page
    qtbot.waitUntil(lambda: page.shown_run() == repo.current_run(project) is not None)
    assert "WAL" not in _terms(window)
    assert "WAL" in _terms(window)["write-ahead log"].aliases  # type: ignore[attr-defined]

    issues = window.issues_page
    window.tabs.setCurrentWidget(issues)
    qtmodeltester.check(issues.model)  # type: ignore[attr-defined]
    assert not issues.keep_apart.isEnabled()
    _select(window, "WAL", "write-ahead log")
    assert issues.keep_apart.isEnabled()
    qtbot.mouseClick(issues.keep_apart, Qt.MouseButton.LeftButton)

    # Now: WAL has its own entry again, with what the documents say of it.
    qtbot.waitUntil(lambda: "WAL" in _terms(window))
    wal = _terms(window)["WAL"]
    assert wal.kind == "definition"  # type: ignore[attr-defined]
    assert wal.definition == "The write-ahead log is also called the WAL."  # type: ignore[attr-defined]
    assert wal.source == "faq.md:5"  # type: ignore[attr-defined]
    assert "WAL" not in _terms(window)["write-ahead log"].aliases  # type: ignore[attr-defined]
    outcomes = {(r.term, r.related): r.outcome for r in repo.issue_rows(page.shown_run() or 0)}
    assert "kept apart by you" in outcomes.values()
    assert not issues.keep_apart.isEnabled()

    # A later run does not merge them again, nor report them as duplicates.
    first = page.shown_run()
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    qtbot.waitUntil(lambda: page.shown_run() == repo.current_run(project) != first)
    assert "WAL" in _terms(window)
    assert "WAL" not in _terms(window)["write-ahead log"].aliases  # type: ignore[attr-defined]
    later = repo.issue_rows(page.shown_run() or 0)
    assert not [r for r in later if r.type == "duplicate" and "WAL" in (r.term, r.related)]


def test_keep_apart_never_loses_an_entry_and_keeps_other_aliases(data_dir: Path) -> None:
    """Chained merges split one at a time; a run without entries of its own (its glossary
    was copied) records the pair but changes nothing it cannot give back."""
    from genglossary_gui.pipeline.data import Entry

    project = repo.create_project("P")
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    run = transitions.create_run(project, "full", current_owner())
    provisional = [
        Entry(
            "alpha",
            "en",
            "Alpha is a.",
            "definition",
            "a.md",
            1,
            0.9,
            occurrences=[("a.md", 1, "Alpha is a.")],
        ),
        Entry(
            "beta",
            "en",
            "Beta is b.",
            "definition",
            "a.md",
            3,
            0.9,
            occurrences=[("a.md", 3, "Beta is b.")],
        ),
        Entry(
            "gamma",
            "en",
            "Gamma is c.",
            "definition",
            "a.md",
            5,
            0.9,
            occurrences=[("a.md", 5, "Gamma is c."), ("a.md", 6, "Gamma again.")],
        ),
    ]
    merged = Entry(
        "alpha",
        "en",
        "Alpha is a.",
        "definition",
        "a.md",
        1,
        0.9,
        aliases=["beta", "gamma"],
        occurrences=[o for e in provisional for o in e.occurrences],
    )
    repo.save_entries(project, run, "provisional", provisional)
    repo.save_entries(project, run, "refined", [merged])
    assert repo.keep_apart(project, run, "alpha", "beta") == "beta"
    rows = {e["term"]: e for e in repo.load_entries(run, "refined")}
    assert rows["alpha"]["aliases"] == ["gamma"]
    assert {o[1] for o in rows["alpha"]["occurrences"]} == {1, 5, 6}  # gamma's stay
    assert rows["beta"]["definition"] == "Beta is b."

    # A run whose provisional stage is a copy of the merged glossary: nothing to give back.
    transitions.mark_running(run)
    transitions.mark_completed(run, "done")
    copy = transitions.create_run(project, "review", current_owner())
    repo.save_entries(project, copy, "provisional", [merged])
    repo.save_entries(project, copy, "refined", [merged])
    assert repo.keep_apart(project, copy, "alpha", "gamma") is None
    (only,) = repo.load_entries(copy, "refined")
    assert only["aliases"] == ["beta", "gamma"]  # unchanged, nothing lost
    assert ("alpha", "gamma") in repo.kept_apart(project)


def test_the_issues_page_follows_what_runs_and_other_pages_write(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    """Every published table has a listener: issues saved for the shown run appear at once
    (without the owner monitor, whose polling would refresh every page eventually)."""
    from genglossary_gui.pipeline.data import Entry, IssueData
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    window, _manager = make_window(monitor=False)
    project = repo.create_project("P")
    run = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(run)
    repo.save_entries(project, run, "refined", [Entry("pod", "en", "Pods run.", "usage")])
    transitions.mark_completed(run, "1 entry")
    window.reload_projects()
    window.select_project(project)
    qtbot.waitUntil(lambda: window.issues_page._run == run)
    QApplication.processEvents()  # what selecting the project set off is done
    assert window.issues_page.model.rowCount() == 0
    repo.save_issues(project, run, [IssueData("pod", "unclear", "No sentence defines pod.")])
    qtbot.waitUntil(lambda: window.issues_page.model.rowCount() == 1)
