"""The window end to end: projects, documents, terms, and runs with their Cancel buttons."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.dialogs import NewProjectDialog
from genglossary_gui.ui.models.run_table_model import RunColumn
from genglossary_gui.ui.pages.runs_page import RunsPage
from tests.helpers import GatedPipeline, new_project, raw_status
from tests.pipeline.test_extract import EN_DOC, JA_DOC
from tests.ui.conftest import WindowFactory


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "ja").mkdir(parents=True)
    (folder / "ml.md").write_text(EN_DOC, encoding="utf-8")
    (folder / "ja" / "nlp.txt").write_bytes(JA_DOC.encode("cp932"))
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\x03")
    return folder


def _cancel_point(page: RunsPage, run_id: int) -> QPoint:
    row = page.model.row_of_run(run_id)
    assert row is not None
    rect = page.table.visualRect(page.model.index(row, RunColumn.CANCEL))
    assert rect.isValid() and page.table.viewport().rect().contains(rect.center())
    return rect.center()


def test_new_project_dialog_imports_documents(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, manager = make_window()
    assert window.empty_hint.isVisible()
    window.new_project_action.trigger()
    dialog = window.findChild(NewProjectDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Manual")
    dialog.add_sources([_docs(tmp_path)])  # what "Add Folder…" does with the chosen folder
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page = window.documents_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    rows = {r.rel_path: r for r in page.model.rows()}
    assert rows["ja/nlp.txt"].encoding == "Shift_JIS"
    assert rows["ja/nlp.txt"].language == "ja"
    assert rows["broken.txt"].problem == "binary file (not text)"
    assert "1 could not be imported" in page.count.text()
    assert window.tabs.isVisible() and not window.empty_hint.isVisible()
    assert window.windowTitle().startswith("Manual")
    qtbot.waitUntil(lambda: not manager.active_run_ids())


def test_dialog_keeps_open_and_explains_a_duplicate_name(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, _ = make_window()
    new_project("Manual")
    window.reload_projects()
    dialog = window.open_new_project_dialog()
    dialog.name.setText("Manual")
    dialog.add_sources([_docs(tmp_path)])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "already exists" in dialog.error.text()
    dialog.reject()


def test_extract_from_toolbar_fills_terms_page(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, manager = make_window()
    window.create_project("Manual", [str(_docs(tmp_path))])
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=10_000)
    run_id = window.start_run("extract")
    assert run_id is not None
    assert window.tabs.currentWidget() is window.runs_page
    assert window.runs_page.selected_run_id() == run_id
    qtbot.waitUntil(lambda: window.terms_page.model.rowCount() > 5, timeout=10_000)
    terms = [t.text for t in window.terms_page.model.rows()]
    assert "machine learning" in terms and "形態素解析器" in terms
    # The Glossary column says which terms the next run defines, and why the others not.
    model = window.terms_page.model
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    glossary = column.index("Glossary")
    shown = {model.index(r, glossary).data() for r in range(model.rowCount())}
    assert "✓" in shown or "✓ defined" in shown
    window.terms_page.filter.setText("形態")
    assert 0 < window.terms_page.proxy.rowCount() < len(terms)
    # The log of the selected run is shown, persisted lines included.
    qtbot.waitUntil(lambda: "Completed" in window.runs_page.log_view.toPlainText())


def test_cancel_button_cancels_that_run_while_another_completes(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    a, b = new_project("a"), new_project("b")
    window.reload_projects()
    window.select_project(a)
    run_a = window.start_run("extract")
    window.select_project(b)
    run_b = window.start_run("extract")
    assert run_a and run_b
    page = window.runs_page
    page.all_projects.setChecked(True)
    qtbot.waitUntil(lambda: sorted(gated.started) == sorted([a, b]))
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == run_a):
        qtbot.mouseClick(
            page.table.viewport(), Qt.MouseButton.LeftButton, pos=_cancel_point(page, run_a)
        )
    assert raw_status(manager_data(window), run_a) == "cancelled"
    assert Run.get_by_id(run_b).status == "running"
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == run_b):
        gated.release(b)
    assert Run.get_by_id(run_b).status == "completed"

    # The rows follow: the cancelled one shows it, and neither has a Cancel button any more.
    def row_a_shows_cancelled() -> bool:
        row = page.model.run_at(page.model.row_of_run(run_a) or 0)
        return row is not None and row.status == "cancelled" and not row.active

    qtbot.waitUntil(row_a_shows_cancelled)


def manager_data(window: object) -> Path:
    from genglossary_gui.store.database import db

    return Path(db.database).parent


def test_cancel_button_of_finished_row_does_nothing(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    project = new_project("a")
    window.reload_projects()
    window.select_project(project)
    run_id = window.start_run("extract")
    assert run_id
    page = window.runs_page
    qtbot.waitUntil(lambda: gated.started == [project])
    point = _cancel_point(page, run_id)
    with qtbot.waitSignal(manager.run_finished):
        gated.release(project)
    qtbot.waitUntil(
        lambda: (
            not page.model.data(
                page.model.index(page.model.row_of_run(run_id) or 0, RunColumn.CANCEL),
                Qt.ItemDataRole.UserRole + 4,
            )
        )
    )
    with qtbot.assertNotEmitted(page.cancel_requested):
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    run = Run.get_by_id(run_id)
    assert (run.status, run.cancel_requested_at) == ("completed", None)


def test_escape_cancels_selected_pending_run(qtbot: QtBot, make_window: WindowFactory) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated, max_threads=1)
    a, b = new_project("a"), new_project("b")
    window.reload_projects()
    window.select_project(a)
    busy = window.start_run("extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    window.select_project(b)
    queued = window.start_run("extract")
    assert queued and Run.get_by_id(queued).status == "pending"
    assert window.runs_page.selected_run_id() == queued
    window.runs_page.table.setFocus()
    qtbot.keyClick(window.runs_page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: Run.get_by_id(queued).status == "cancelled")
    assert gated.started == [a]
    gated.release(a)
    qtbot.waitUntil(lambda: busy not in manager.active_run_ids())


def test_runs_started_by_another_process_appear_and_can_be_cancelled(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window, _manager = make_window()
    project = new_project("shared")
    window.reload_projects()
    window.select_project(project)
    page = window.runs_page
    # Another process (a CLI run) creates and starts a run: raw SQL, no notification here.
    # Owned by a live process (ours), but not by this window's manager: like a CLI run.
    other = current_owner()
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.execute(
        "INSERT INTO run (project_id, scope, status, triggered_by, created_at, started_at, "
        "error, summary, step, progress_done, progress_total, owner_host, owner_pid, "
        "owner_started, heartbeat_at) VALUES (?, 'extract', 'running', 'cli', ?, ?, '', '', "
        "'extract', 10, 100, ?, ?, ?, ?)",
        (project, time.time(), time.time(), other.host, other.pid, other.started, time.time()),
    )
    conn.commit()
    conn.close()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    row = page.model.run_at(0)
    assert row is not None and row.triggered_by == "cli" and row.active
    qtbot.waitUntil(lambda: window.active_label.text() == "1 active run")
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, pos=_cancel_point(page, row.id)
    )
    # Recorded on the row for its owner to act on; the button now says so.
    assert Run.get_by_id(row.id).cancel_requested_at is not None
    qtbot.waitUntil(lambda: page.model.run_at(0).cancel_requested)  # type: ignore[union-attr]


def test_failed_run_is_reported_without_a_modal_dialog(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, _manager = make_window()
    project = new_project("a")
    window.reload_projects()
    window.select_project(project)
    run_id = window.start_run("review")  # nothing to review yet: fails at once
    qtbot.waitUntil(window.notifications.isVisible, timeout=10_000)
    assert f"Run {run_id} (review, a) failed" in window.notifications.message.text()
    assert "There is no glossary to review yet" in window.notifications.details


def test_second_run_of_a_project_is_explained(qtbot: QtBot, make_window: WindowFactory) -> None:
    gated = GatedPipeline()
    window, _ = make_window(gated)
    project = new_project("a")
    window.reload_projects()
    window.select_project(project)
    first = window.start_run("extract")
    assert window.start_run("extract") is None
    assert f"already has an active run (run {first})" in window.notifications.message.text()
    gated.release(project)


def test_drop_folder_opens_prefilled_dialog(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window, _ = make_window()
    folder = _docs(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    dialog = window.findChild(NewProjectDialog)
    assert dialog is not None
    assert dialog.source_paths() == [str(folder.resolve())]
    assert dialog.name.text() == "docs"
    dialog.reject()
