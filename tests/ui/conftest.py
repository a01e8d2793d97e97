from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.runs.worker import Pipeline
from genglossary_gui.ui.main_window import MainWindow

WindowFactory = Callable[..., tuple[MainWindow, RunManager]]


@pytest.fixture
def make_window(qtbot: QtBot, data_dir: Path) -> Iterator[WindowFactory]:
    """A shown main window over the test's data folder; closed (runs cancelled) at teardown."""
    made: list[tuple[MainWindow, RunManager]] = []

    def make(pipeline: Pipeline | None = None, **kwargs: object) -> tuple[MainWindow, RunManager]:
        if pipeline is not None:
            kwargs["pipeline"] = pipeline
        manager = RunManager(**kwargs)  # type: ignore[arg-type]
        window = MainWindow(manager)
        window.confirm_quit_with_active_runs = lambda n: True  # type: ignore[method-assign]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append((window, manager))
        return window, manager

    yield make
    for window, manager in made:
        window.close()
        assert manager.shutdown(10_000)
