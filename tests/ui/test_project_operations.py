"""Projects that grow, through the window: rename (F2), delete (Delete key), clone, sources
added by a drop on the Documents page or removed with its button, runs queued behind an
active one, and the New Project dialog's warning about a folder without documents."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import integrity_ok
from genglossary_gui.store.models import Document, Run
from genglossary_gui.ui.dialogs import NewProjectDialog
from genglossary_gui.ui.main_window import MainWindow
from genglossary_gui.vocabulary import RunStatus, Scope, TermStatus
from tests.glossary_runs import run_to_completion
from tests.helpers import GatedPipeline
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"


def _folder(tmp_path: Path, name: str, source: str = "glossary_en") -> Path:
    folder = tmp_path / name
    shutil.copytree(DATA / source, folder)
    return folder


def _names(window: MainWindow) -> list[str]:
    return [row.name for row in window.projects.rows()]


def _focus_projects(qtbot: QtBot, window: MainWindow) -> None:
    """Keys reach the project list as a user's do: its window active, the list focused."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.project_view.setFocus()
    qtbot.waitUntil(window.project_view.hasFocus)


def _answer_names(window: MainWindow, *answers: str | None) -> None:
    given = list(answers)
    window.project_actions.ask_name = lambda title, label, default: given.pop(0)  # type: ignore[method-assign]


def test_f2_renames_the_selected_project(qtbot: QtBot, make_window: WindowFactory) -> None:
    window, _ = make_window()
    project = repo.create_project("Draft")
    repo.create_project("Other")
    window.reload_projects()
    window.select_project(project)
    _answer_names(window, "Manual", "Other")
    _focus_projects(qtbot, window)
    qtbot.keyClick(window.project_view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "Manual" in _names(window))
    assert window.current_project_id() == project
    assert window.windowTitle().startswith("Manual")
    # A name taken by another project is refused in words; nothing changes.
    qtbot.keyClick(window.project_view, Qt.Key.Key_F2)
    qtbot.waitUntil(window.notifications.isVisible)
    assert "already exists" in window.notifications.message.text()
    assert sorted(_names(window)) == ["Manual", "Other"]


def test_delete_key_asks_then_deletes_while_another_projects_run_goes_on(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    doomed = repo.create_project("Doomed", [str(_folder(tmp_path, "a"))])
    busy = repo.create_project("Busy")
    run_to_completion(doomed, Scope.IMPORT)
    run_to_completion(doomed, Scope.FULL)
    window.reload_projects()
    window.select_project(busy)
    busy_run = window.start_run(Scope.EXTRACT)
    qtbot.waitUntil(lambda: gated.started == [busy])

    asked: list[tuple[str, int, int]] = []

    def confirm(name: str, documents: int, runs: int) -> bool:
        asked.append((name, documents, runs))
        return len(asked) > 1  # "Cancel" the first time, "Yes" the second

    window.project_actions.confirm_delete = confirm  # type: ignore[method-assign]
    window.select_project(doomed)
    _focus_projects(qtbot, window)
    qtbot.keyClick(window.project_view, Qt.Key.Key_Delete)
    assert asked == [("Doomed", 3, 2)] and "Doomed" in _names(window)
    qtbot.keyClick(window.project_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Doomed" not in _names(window))
    assert not Document.select().where(Document.project == doomed).exists()
    assert not Run.select().where(Run.project == doomed).exists()
    # The window moved on to the project that is left, and shows nothing of the deleted one.
    assert window.current_project_id() == busy
    assert window.documents_page.model.rowCount() == 0

    # The busy project's run was untouched and completes.
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == busy_run):
        gated.release(busy)
    assert Run.get_by_id(busy_run).status == RunStatus.COMPLETED
    assert integrity_ok()


def test_a_project_with_an_active_run_is_not_deleted(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    project = repo.create_project("Busy")
    window.reload_projects()
    window.select_project(project)
    run_id = window.start_run(Scope.EXTRACT)
    qtbot.waitUntil(lambda: gated.started == [project])
    window.project_actions.confirm_delete = lambda *a: True  # type: ignore[method-assign]
    assert not window.project_actions.delete()
    assert f"run {run_id} is active" in window.notifications.message.text()
    assert "Busy" in _names(window)
    with qtbot.waitSignal(manager.run_finished):
        gated.release(project)


def test_clone_from_the_context_menu_copies_the_glossary(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, _ = make_window()
    project = repo.create_project("Manual", [str(_folder(tmp_path, "a"))], "en")
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.FULL)
    window.reload_projects()
    window.select_project(project)
    _answer_names(window, "Manual v2")
    assert window.project_view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    window.project_actions.clone_action.trigger()
    qtbot.waitUntil(lambda: "Manual v2" in _names(window))
    clone = repo.project_by_name("Manual v2").id
    window.select_project(clone)
    qtbot.waitUntil(lambda: window.glossary_page.model.rowCount() > 0)
    assert window.glossary_page.shown_run() == repo.current_run(clone)
    assert window.documents_page.model.rowCount() == 3


def _drop(window: MainWindow, paths: list[Path], where: QPoint) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def test_dropping_files_on_the_documents_page_adds_and_extracts_only_them(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, manager = make_window(run_scope_here)
    project = repo.create_project("Manual", [str(_folder(tmp_path, "a"))], "en")
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.EXTRACT)
    first = repo.term_rows(project)[0]
    repo.set_term_status(project, [first.id], TermStatus.EXCLUDED)
    window.reload_projects()
    window.select_project(project)
    window.tabs.setCurrentWidget(window.documents_page)
    extra = tmp_path / "quorum.md"
    extra.write_text(
        "# Quorum\n\nA quorum journal is a journal that a quorum of replicas acknowledges. "
        "The storage engine writes the quorum journal.\n",
        encoding="utf-8",
    )
    page = window.documents_page
    centre = page.mapTo(window, page.rect().center())
    with qtbot.waitSignal(manager.run_finished, timeout=60_000):
        _drop(window, [extra], centre)
    run = Run.select().order_by(Run.id.desc()).get()
    assert run.scope == Scope.ADD and run.status == RunStatus.COMPLETED, run.error
    assert "in 1 new documents" in run.summary
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    assert "quorum journal" in {r.text for r in repo.term_rows(project)}
    assert repo.excluded_terms(project) == {first.text}


def test_sources_added_during_a_run_are_extracted_when_it_ends(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    gated = GatedPipeline()
    window, manager = make_window(gated)
    project = repo.create_project("Manual", [str(_folder(tmp_path, "a"))])
    window.reload_projects()
    window.select_project(project)
    first = window.start_run(Scope.EXTRACT)
    qtbot.waitUntil(lambda: gated.started == [project])
    window.project_actions.choose_folder = lambda: str(_folder(tmp_path, "b"))  # type: ignore[method-assign]
    button = next(
        b
        for b in window.documents_page.findChildren(QToolButton)
        if b.defaultAction() is window.project_actions.add_folder_action
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.run_queue.waiting(project) == [(project, Scope.ADD)]
    assert "starts when run" in window.statusBar().currentMessage()
    gated.release(project)
    qtbot.waitUntil(lambda: len(gated.started) == 2, timeout=10_000)
    queued = Run.select().where(Run.project == project).order_by(Run.id.desc()).get()
    assert queued.id != first and queued.scope == Scope.ADD and queued.triggered_by == "queued"
    assert window.run_queue.waiting() == []
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == queued.id):
        gated.release(project)
    assert len(repo.project_sources(project)) == 2


def test_remove_source_button_removes_its_documents_and_extracts_again(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, manager = make_window(run_scope_here)
    keep, drop = _folder(tmp_path, "keep"), _folder(tmp_path, "drop", "quality_ja")
    project = repo.create_project("Two", [str(keep), str(drop)])
    run_to_completion(project, Scope.IMPORT)
    window.reload_projects()
    window.select_project(project)
    offered: list[list[str]] = []

    def choose(sources: list[str]) -> str:
        offered.append(list(sources))
        return sources[1]

    window.project_actions.choose_source = choose  # type: ignore[method-assign]
    with qtbot.waitSignal(manager.run_finished, timeout=60_000):
        window.project_actions.remove_source_action.trigger()
    assert offered == [[str(keep), str(drop)]]
    assert repo.project_sources(project) == [str(keep)]
    names = {r.rel_path for r in repo.document_rows(project)}
    assert names == {"faq.md", "operations.txt", "storage.md"}  # the prefix went too
    run = Run.select().order_by(Run.id.desc()).get()
    assert run.scope == Scope.EXTRACT and run.status == RunStatus.COMPLETED


def test_new_project_dialog_warns_about_a_folder_without_documents(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, _ = make_window()
    empty = tmp_path / "empty"
    (empty / "images").mkdir(parents=True)
    (empty / "images" / "logo.png").write_bytes(b"\x89PNG")
    dialog = window.open_new_project_dialog([str(empty)])
    assert isinstance(dialog, NewProjectDialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "no Markdown (.md) or text (.txt) files" in dialog.error.text()
    assert repo.project_rows() == []  # nothing was created
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # "anyway"
    qtbot.waitUntil(lambda: "empty" in _names(window))


def test_deleting_a_project_clears_undo(qtbot: QtBot, make_window: WindowFactory) -> None:
    """Undo cannot bring a deleted project's curation back, and must not write it into a
    new project that gets the deleted one's id."""
    window, _ = make_window()
    project = repo.create_project("Doomed")
    window.reload_projects()
    window.select_project(project)
    window.curation.add_term(project, "pod")
    assert window.undo_action.isEnabled()
    window.project_actions.confirm_delete = lambda *a: True  # type: ignore[method-assign]
    assert window.project_actions.delete()
    assert window.curation.undo_stack.count() == 0 and not window.undo_action.isEnabled()
