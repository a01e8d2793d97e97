"""The first start: an empty window says what to do and offers the sample project, which
ends in a finished glossary on the Glossary page; the Help menu and the About box."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qVersion
from pytestqt.qtbot import QtBot

from genglossary_gui import __version__
from genglossary_gui.entry import own_window_command
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.applog import log_dir
from genglossary_gui.ui.sample import SAMPLES_FOLDER, sample_source
from genglossary_gui.vocabulary import RunStatus
from tests.ui.conftest import WindowFactory


def test_an_empty_window_says_what_to_do_and_offers_two_ways_to_start(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, _ = make_window()
    assert window.empty_state.isVisible()
    assert not window.tabs.isVisible()
    assert "folder of documents" in window.empty_hint.text()
    assert window.first_project_button.isVisible() and window.sample_button.isVisible()
    qtbot.mouseClick(window.first_project_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window._dialog is not None and window._dialog.isVisible())
    dialog = window._dialog
    assert dialog is not None
    dialog.reject()


def test_the_sample_project_runs_to_a_glossary_the_window_opens(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window, _ = make_window()  # the real step processes
    qtbot.mouseClick(window.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sample_outcome is not None, timeout=60_000)
    outcome = window.sample_outcome
    assert outcome is not None
    assert outcome.status == RunStatus.COMPLETED, outcome.error
    assert outcome.entries >= 20
    project = window.current_project_id()
    assert project is not None
    assert not window.empty_state.isVisible() and window.tabs.isVisible()
    assert window.tabs.currentWidget() is window.glossary_page
    assert window.glossary_page.shown_run() == outcome.run_id
    shown = {row.term for row in window.glossary_page.model.rows()}
    # Both languages of the bundled folder made it into the one glossary.
    assert {"rainwater harvesting", "drip line", "火入れ", "精米歩合"} <= {t.lower() for t in shown}
    # The documents are a copy in the data folder: the user may change them freely.
    copy = data_dir / SAMPLES_FOLDER / "Sample Project"
    assert sorted(p.name for p in copy.rglob("*.md")) == sorted(
        p.name for p in sample_source().rglob("*.md")
    )
    assert repo.project_sources(project) == [str(copy)]


def test_a_second_sample_is_a_new_project_beside_the_first(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window, _ = make_window()
    first = window.open_sample_project()
    qtbot.waitUntil(lambda: window.sample_outcome is not None, timeout=60_000)
    second = window.open_sample_project()
    assert first is not None and second is not None and first != second
    names = [p.name for p in window.projects.rows()]
    assert names == ["Sample Project", "Sample Project 2"]
    qtbot.waitUntil(lambda: window.sample_outcome is not None, timeout=60_000)


def test_help_opens_the_log_and_data_folders(make_window: WindowFactory, data_dir: Path) -> None:
    window, _ = make_window()
    opened: list[Path] = []
    window.open_folder = opened.append  # type: ignore[method-assign,assignment]
    window.open_log_action.trigger()
    window.open_data_action.trigger()
    assert opened == [log_dir(), data_dir.resolve()]


def test_the_about_box_names_the_version_folders_and_qt(
    make_window: WindowFactory, data_dir: Path
) -> None:
    window, _ = make_window()
    text = window.about_text()
    assert __version__ in text
    assert str(data_dir.resolve()) in text
    assert qVersion() in text
    assert not window.windowIcon().isNull()


@pytest.mark.slow
def test_the_self_test_runs_the_sample_and_exits_zero(tmp_path: Path) -> None:
    proc = subprocess.run(
        own_window_command("--self-test", "--data-dir", str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "self-test passed" in proc.stdout
    assert "Traceback" not in proc.stderr
