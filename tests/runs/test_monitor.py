"""The per-process monitor: heartbeats, recovery sweeps, and commits from elsewhere."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.runs import monitor
from genglossary_gui.store import transitions
from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import Owner, current_owner
from tests.helpers import GatedPipeline, new_project, status_of
from tests.runs.conftest import ManagerFactory


@pytest.fixture
def fast_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(monitor, "HEARTBEAT_EVERY_S", 0.05)
    monkeypatch.setattr(monitor, "RECOVERY_EVERY_S", 0.05)


def test_heartbeat_is_refreshed_while_running(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, fast_monitor: None
) -> None:
    manager = make_manager(gated)
    project = new_project()
    run_id = manager.start_run(project, "extract")
    qtbot.waitUntil(lambda: status_of(run_id) == "running")
    first = Run.get_by_id(run_id).heartbeat_at
    assert first is not None
    qtbot.waitUntil(lambda: (Run.get_by_id(run_id).heartbeat_at or 0) > first, timeout=5000)
    run = Run.get_by_id(run_id)
    assert (run.owner_pid, run.owner_host) == (manager.owner.pid, manager.owner.host)
    gated.release(project)


def test_monitor_sweeps_runs_of_dead_processes(
    qtbot: QtBot, make_manager: ManagerFactory, fast_monitor: None
) -> None:
    make_manager()
    dead = Owner(current_owner().host, 2**22 + 11, 1.0)
    orphan = transitions.create_run(new_project(), "extract", dead)
    qtbot.waitUntil(lambda: status_of(orphan) == "failed", timeout=5000)
    assert Run.get_by_id(orphan).error.startswith("Interrupted")


def test_commit_by_another_connection_is_announced(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    manager = make_manager()
    # Our own commit on this thread's connection is "another connection" to the monitor
    # too: let its announcement pass first, so the one awaited below is the outside commit's.
    with qtbot.waitSignal(manager.database_changed, timeout=5000):
        new_project("seen")
    with qtbot.waitSignal(manager.database_changed, timeout=5000):
        conn = sqlite3.connect(data_dir / DB_FILENAME)
        conn.execute("UPDATE project SET language = 'en'")
        conn.commit()
        conn.close()
