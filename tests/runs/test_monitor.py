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


# The monitor's schedule, on a clock the test drives: ``begin`` at START, then one ``tick``
# per step (binary fractions, so that every time is exact and "due at 2.0" means 2.0).
START = 1000.0


def _owned_running_run() -> tuple[Owner, int]:
    me = current_owner()
    run_id = transitions.create_run(new_project(), "extract", me)
    transitions.mark_running(run_id)
    return me, run_id


def test_heartbeats_are_written_every_two_seconds_not_on_every_tick(data_dir: Path) -> None:
    me, run_id = _owned_running_run()
    watcher = monitor.OwnerMonitor(me, lambda: [run_id], lambda _run_id: None)
    watcher.begin(START)
    written: list[float] = []
    for step in range(1, 41):  # 10 s in quarter seconds
        Run.update(heartbeat_at=None).where(Run.id == run_id).execute()
        watcher.tick(START + step * 0.25)
        if Run.get_by_id(run_id).heartbeat_at is not None:
            written.append(step * 0.25)
    assert written == [2.0, 4.0, 6.0, 8.0, 10.0]


def test_runs_of_dead_processes_are_swept_every_five_seconds(data_dir: Path) -> None:
    me = current_owner()
    dead = Owner(me.host, 2**22 + 11, 1.0)
    watcher = monitor.OwnerMonitor(me, list, lambda _run_id: None)
    watcher.begin(START)
    swept: list[float] = []
    orphan = transitions.create_run(new_project("first"), "extract", dead)
    for step in range(1, 45):  # 11 s in quarter seconds
        watcher.tick(START + step * 0.25)
        if status_of(orphan) == "failed":
            assert Run.get_by_id(orphan).error.startswith("Interrupted")
            swept.append(step * 0.25)
            orphan = transitions.create_run(new_project(f"after {step}"), "extract", dead)
    assert swept == [5.0, 10.0]
    assert status_of(orphan) == "pending"  # the next sweep is not due before 15 s


def _commit_elsewhere(data_dir: Path, times: int = 1) -> None:
    """``times`` commits by another connection (as another process makes them), each seen
    by this thread's connection (the monitor's in these tests): its data_version counts the
    changes it has seen, not the commits."""
    from genglossary_gui.store.database import db

    outside = sqlite3.connect(data_dir / DB_FILENAME)
    outside.execute("PRAGMA synchronous = OFF")
    for n in range(times):
        outside.execute("UPDATE project SET language = ?", ("en" if n % 2 else "ja",))
        outside.commit()
        if times > 1:
            db.execute_sql("SELECT count(*) FROM project").fetchone()
    outside.close()


def test_commits_elsewhere_are_announced_once_per_check_and_only_those(
    data_dir: Path,
) -> None:
    from genglossary_gui.store import notify
    from genglossary_gui.vocabulary import Topic

    me, run_id = _owned_running_run()
    # Past 256 (CPython's cached small integers): an unchanged counter read twice is two
    # equal int objects, not one.
    _commit_elsewhere(data_dir, 300)
    from genglossary_gui.store.database import db

    assert db.execute_sql("PRAGMA data_version").fetchone()[0] > 256
    watcher = monitor.OwnerMonitor(me, lambda: [run_id], lambda _run_id: None)
    watcher.begin(START)
    clock = [START]
    announced: list[float] = []
    unsubscribe = notify.subscribe(
        lambda change: (
            announced.append(clock[0] - START) if change.table is Topic.EXTERNAL else None
        )
    )
    try:
        for step in range(1, 17):  # 2 s in eighths: the version is read every 0.25 s
            if step in (1, 4, 5, 10):  # outside commits just before these ticks
                _commit_elsewhere(data_dir)
            # This process's own commits (on the monitor's connection) are no news.
            new_project(f"own {step}")
            clock[0] = START + step * 0.125
            watcher.tick(clock[0])
    finally:
        unsubscribe()
    # Reads at 0.125, 0.375, 0.625 …: a commit made after begin() is announced at the first
    # read; the commits before 0.5 and 0.625 are one announcement at 0.625, the one before
    # 1.25 is announced at 1.375.
    assert announced == [0.125, 0.625, 1.375]


def test_a_monitor_begun_while_the_database_cannot_be_opened_goes_on_once_it_can(
    data_dir: Path, tmp_path: Path
) -> None:
    from genglossary_gui.store.database import db, init_db

    me, run_id = _owned_running_run()
    asked: list[int] = []
    watcher = monitor.OwnerMonitor(me, lambda: [run_id], asked.append)
    db.close()
    db.init(str(tmp_path / "not there" / DB_FILENAME))  # its folder is missing
    watcher.begin(START)  # no first reading, and no error
    watcher.tick(START + 0.25)  # nor here: the next tick tries again
    init_db(data_dir)
    transitions.request_cancel(run_id)
    watcher.tick(START + 0.5)
    assert asked == [run_id]


def test_a_process_that_never_stops_its_monitor_still_exits(data_dir: Path) -> None:
    import subprocess
    import sys

    # E.g. a command that ends on an error before its shutdown: the thread must not keep
    # the interpreter alive.
    script = (
        "import sys; from pathlib import Path\n"
        "from genglossary_gui.store.database import init_db\n"
        "from genglossary_gui.runs.monitor import OwnerMonitor\n"
        "from genglossary_gui.store.owner import current_owner\n"
        "init_db(Path(sys.argv[1]))\n"
        "OwnerMonitor(current_owner(), list, print, tick_s=0.01).start()\n"
        "print('started')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "started"


def test_a_stopped_monitor_is_not_running_and_stop_before_start_is_harmless(
    data_dir: Path,
) -> None:
    watcher = monitor.OwnerMonitor(current_owner(), list, lambda _run_id: None, tick_s=0.01)
    watcher.stop()  # never started: nothing to wait for
    assert not watcher.is_running()
    watcher = monitor.OwnerMonitor(current_owner(), list, lambda _run_id: None, tick_s=0.01)
    watcher.start()
    assert watcher.is_running()
    watcher.stop()
    assert not watcher.is_running()
