"""The window starts, quits cleanly, and asks before cancelling active runs."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.ui.main_window import MainWindow
from tests.helpers import GatedPipeline, new_project, raw_status


def test_close_without_runs_quits_at_once(qtbot: QtBot, data_dir: Path) -> None:
    manager = RunManager(pipeline=GatedPipeline())
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.show()
    asked: list[int] = []
    window.confirm_quit_with_active_runs = lambda n: asked.append(n) or True  # type: ignore[method-assign]
    assert window.close()
    assert asked == []
    assert manager.pool.activeThreadCount() == 0


def test_close_with_active_runs_asks_then_cancels(
    qtbot: QtBot, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    gated = GatedPipeline()
    manager = RunManager(pipeline=gated)
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.show()
    a, b = new_project("a"), new_project("b")
    runs = [manager.start_run(a, "extract"), manager.start_run(b, "extract")]
    qtbot.waitUntil(lambda: len(gated.started) == 2)

    answers = [False, True]
    asked: list[int] = []

    def confirm(count: int) -> bool:
        asked.append(count)
        return answers.pop(0)

    window.confirm_quit_with_active_runs = confirm  # type: ignore[method-assign]
    assert not window.close()  # "No": nothing happens
    assert [raw_status(data_dir, r) for r in runs] == ["running", "running"]
    assert window.close()  # "Yes": runs cancelled, pool drained
    assert asked == [2, 2]
    assert [raw_status(data_dir, r) for r in runs] == ["cancelled", "cancelled"]
    assert manager.pool.activeThreadCount() == 0
    assert manager.active_run_ids() == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_app_starts_and_quits_cleanly(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from genglossary_gui import app

        qapp = QApplication(sys.argv)
        shown = []
        def close_when_shown():
            # Polled, not a fixed delay: closes as soon as a window is on screen (a window
            # that never shows leaves the app running and the test fails on its timeout).
            windows = [w for w in qapp.topLevelWidgets() if w.isVisible()]
            if not windows:
                return
            poll.stop()
            shown.extend(w.windowTitle() for w in windows)
            qapp.closeAllWindows()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(close_when_shown)
        poll.start()
        code = app.main(["genglossary-gui", "--data-dir", sys.argv[1]])
        print("shown:", shown)
        sys.exit(code)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "shown: ['GenGlossary']" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "data" / "genglossary.sqlite3").exists()
