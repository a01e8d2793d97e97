"""An unexpected exception in a slot: written to the log file, shown in a dialog that says
the user's data is safe and where the log is, and the window carries on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from genglossary_gui.ui.applog import (
    CrashDialog,
    CrashReporter,
    route_qt_messages,
    setup_logging,
)


class Emitter(QObject):
    fire = Signal()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = setup_logging(folder=tmp_path / "logs")
    yield path
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.fixture
def reporter(log_file: Path) -> Iterator[CrashReporter]:
    crashes = CrashReporter(log_file)
    crashes.install()
    yield crashes
    crashes.uninstall()
    if crashes.dialog is not None:
        crashes.dialog.close()


def _dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(
    qtbot: QtBot, reporter: CrashReporter, log_file: Path
) -> None:
    def broken_slot() -> None:
        raise RuntimeError("the glossary table lost its row")

    emitter = Emitter()
    emitter.fire.connect(broken_slot)
    emitter.fire.emit()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    assert "the glossary table lost its row" in dialog.what.text()
    assert str(log_file) in dialog.what.text()
    assert "safe" in dialog.message.text()
    assert "broken_slot" in dialog.details.toPlainText()  # the traceback, behind Show Details
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: the glossary table lost its row" in logged
    assert "broken_slot" in logged
    opened: list[Path] = []
    dialog.open_folder.clicked.disconnect()
    dialog.open_folder.clicked.connect(lambda: opened.append(dialog.log_file.parent))
    dialog.open_folder.click()
    assert opened == [log_file.parent]


@pytest.mark.qt_no_exception_capture
def test_a_second_error_while_the_dialog_is_open_is_logged_not_stacked(
    qtbot: QtBot, reporter: CrashReporter, log_file: Path
) -> None:
    emitter = Emitter()
    emitter.fire.connect(lambda: 1 / 0)
    emitter.fire.emit()
    emitter.fire.emit()
    qtbot.waitUntil(lambda: len(reporter.shown) == 2)
    assert len(_dialogs()) == 1
    assert log_file.read_text(encoding="utf-8").count("ZeroDivisionError") >= 2


def test_an_exception_in_a_worker_thread_reaches_the_gui_thread(
    qtbot: QtBot, reporter: CrashReporter, log_file: Path
) -> None:
    def work() -> None:
        raise ValueError("a worker broke")

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert reporter.shown == ["ValueError: a worker broke"]
    assert "worker" in log_file.read_text(encoding="utf-8")


def test_logging_and_qt_messages_go_to_the_log_file(log_file: Path) -> None:
    logging.getLogger("genglossary_gui.runs").info("a run started")
    logging.getLogger("genglossary_gui.runs").debug("not at INFO")
    previous = qInstallMessageHandler(None)
    route_qt_messages()
    try:
        qWarning("QFont: a font is missing")
    finally:
        qInstallMessageHandler(previous)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "a run started" in text
    assert "not at INFO" not in text
    assert "WARNING MainThread qt: QFont: a font is missing" in text
