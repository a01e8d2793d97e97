from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.runs.worker import Pipeline
from tests.helpers import GatedPipeline

ManagerFactory = Callable[..., RunManager]


@pytest.fixture
def gated() -> GatedPipeline:
    return GatedPipeline()


@pytest.fixture
def make_manager(qtbot: QtBot, data_dir: object) -> Iterator[ManagerFactory]:
    """RunManagers on the test's data folder, each shut down (pool drained) at teardown."""
    managers: list[RunManager] = []

    def make(pipeline: Pipeline | None = None, **kwargs: object) -> RunManager:
        if pipeline is not None:
            kwargs["pipeline"] = pipeline
        manager = RunManager(**kwargs)  # type: ignore[arg-type]
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        assert manager.shutdown(10_000), "workers still running at teardown"
