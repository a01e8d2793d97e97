"""Item models under Qt's model tester, with rows inserted and changed while it watches."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.models.run_table_model import PAGE_SIZE, RunColumn, RunRole, RunTableModel
from genglossary_gui.ui.models.tables import DocumentTableModel, ProjectListModel, TermTableModel
from tests.helpers import GatedPipeline, new_project


def _bulk_runs(project_id: int, count: int, status: str = "completed") -> None:
    now = time.time()
    rows = [
        {
            "project": project_id,
            "scope": "extract",
            "status": status,
            "triggered_by": "user",
            "created_at": now,
            "started_at": now,
            "finished_at": now + 1,
        }
        for _ in range(count)
    ]
    for start in range(0, count, 500):
        Run.insert_many(rows[start : start + 500]).execute()


def test_run_model_pages_lazily_and_updates_in_place(
    qtbot: QtBot, qtmodeltester: ModelTester, data_dir: Path
) -> None:
    project = new_project("a")
    other = new_project("b")
    _bulk_runs(project, PAGE_SIZE + 50)
    _bulk_runs(other, 10)
    gated = GatedPipeline()
    manager = RunManager(pipeline=gated)
    try:
        model = RunTableModel(manager)
        model.set_project(project)
        assert model.rowCount() == PAGE_SIZE
        assert model.canFetchMore()
        model.fetchMore()
        assert model.rowCount() == PAGE_SIZE + 50
        qtmodeltester.check(model)  # Qt's own tester, which also exercises fetchMore
        assert not model.canFetchMore()
        ids = [model.run_at(i).id for i in range(model.rowCount())]  # type: ignore[union-attr]
        assert ids == sorted(ids, reverse=True)

        # A new run is inserted at the top; its transitions change that row in place.
        inserted: list[tuple[int, int]] = []
        changed: list[int] = []
        model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
        model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
        resets: list[bool] = []
        model.modelReset.connect(lambda: resets.append(True))
        run_id = manager.start_run(project, "extract")
        qtbot.waitUntil(lambda: model.run_at(0) is not None and model.run_at(0).id == run_id)  # type: ignore[union-attr]
        assert inserted == [(0, 0)]
        qtbot.waitUntil(lambda: model.data(model.index(0, RunColumn.STATUS)) == "running")
        assert model.data(model.index(0, RunColumn.CANCEL), RunRole.ACTIVE) is True
        gated.release(project)
        qtbot.waitUntil(lambda: model.data(model.index(0, RunColumn.STATUS)) == "completed")
        assert model.data(model.index(0, RunColumn.CANCEL), RunRole.ACTIVE) is False
        assert 0 in changed and not resets
        assert model.rowCount() == PAGE_SIZE + 51

        # Runs of other projects stay out of a project's view but appear in the all view.
        manager.start_run(other, "extract")
        gated.release(other)
        qtbot.waitUntil(lambda: not manager.active_run_ids())
        assert model.rowCount() == PAGE_SIZE + 51
        model.set_project(None)
        assert model.run_at(0).project_name == "b"  # type: ignore[union-attr]
    finally:
        manager.shutdown(5000)


def test_interrupted_runs_say_so(qtbot: QtBot, data_dir: Path) -> None:
    project = new_project("a")
    run_id = transitions.create_run(project, "extract", current_owner())
    transitions.mark_failed(run_id, transitions.INTERRUPTED)
    manager = RunManager(monitor=False)
    try:
        model = RunTableModel(manager)
        model.set_project(project)
        assert model.data(model.index(0, RunColumn.STATUS)) == "failed (interrupted)"
    finally:
        manager.shutdown(1000)


def test_document_term_and_project_models(qtmodeltester: ModelTester, data_dir: Path) -> None:
    project = new_project("p")
    repo.save_documents(
        project,
        [
            repo.DocumentRecord("b.md", "text", "h1", "UTF-8", "en", 10),
            repo.DocumentRecord("a.txt", "", "", "", "", 3, "empty"),
        ],
    )
    documents = DocumentTableModel()
    qtmodeltester.check(documents)
    documents.set_rows(repo.document_rows(project))
    assert documents.rowCount() == 2
    assert documents.data(documents.index(0, 4)) == "empty"
    # Same rows, one changed: updated in place, no reset.
    resets: list[bool] = []
    documents.modelReset.connect(lambda: resets.append(True))
    repo.save_documents(project, [repo.DocumentRecord("b.md", "new", "h2", "UTF-8", "ja", 12)])
    documents.set_rows(repo.document_rows(project))
    assert not resets
    assert documents.data(documents.index(1, 2)) == "Japanese"

    terms = TermTableModel()
    qtmodeltester.check(terms)
    repo.replace_candidate_terms(
        project,
        [
            repo.TermRecord("形態素解析", "ja", 5.5, 4, 2),
            repo.TermRecord("API server", "en", 2, 3, 1),
        ],
    )
    terms.set_rows(repo.term_rows(project))
    assert [terms.data(terms.index(i, 0)) for i in range(2)] == ["形態素解析", "API server"]
    assert terms.data(terms.index(0, 1)) == "5.50"

    projects = ProjectListModel()
    qtmodeltester.check(projects)
    projects.set_rows(repo.project_rows())
    new_project("another")
    projects.set_rows(repo.project_rows())
    assert [projects.data(projects.index(i, 0)) for i in range(2)] == ["another", "p"]


def test_run_of_another_process_is_not_skipped_behind_a_newer_local_one(
    qtbot: QtBot, data_dir: Path
) -> None:
    import sqlite3

    from genglossary_gui.store.database import DB_FILENAME

    a, b = new_project("a"), new_project("b")
    gated = GatedPipeline()
    manager = RunManager(pipeline=gated)
    try:
        model = RunTableModel(manager)
        model.set_project(None)
        # Another process creates run 1 (no notification reaches us yet)...
        conn = sqlite3.connect(data_dir / DB_FILENAME)
        conn.execute(
            "INSERT INTO run (project_id, scope, status, triggered_by, created_at, error, "
            "summary, step, progress_done, progress_total, owner_host, owner_pid, "
            "owner_started) VALUES (?, 'extract', 'completed', 'cli', ?, '', '', '', 0, 0, "
            "'h', 1, 0)",
            (a, time.time()),
        )
        conn.commit()
        conn.close()
        # ...and this window starts run 2, shown at once.
        local = manager.start_run(b, "extract")
        model.refresh_run(local)
        assert [model.run_at(i).id for i in range(model.rowCount())] == [local]  # type: ignore[union-attr]
        # The other process's commit is noticed: run 1 appears below run 2.
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
        assert [model.run_at(i).id for i in range(2)] == [local, local - 1]  # type: ignore[union-attr]
        gated.release(b)
        qtbot.waitUntil(lambda: not manager.active_run_ids())
    finally:
        manager.shutdown(5000)
