"""Rules of the run lifecycle that a mutation audit found unprotected (issue 15).

Each test names the rule it keeps; the report of issue 15 lists the change to the production
code each one was seen to fail on.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import peewee
import psutil
import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.runs import monitor as monitor_module
from genglossary_gui.runs import process
from genglossary_gui.runs.manager import RunStartError
from genglossary_gui.runs.monitor import OwnerMonitor
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.runs.reporter import RunReporter
from genglossary_gui.runs.worker import WorkerSignals
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import BUSY, DISK_FULL, init_db
from genglossary_gui.store.models import Run, RunStatus
from genglossary_gui.store.owner import Owner, current_owner
from genglossary_gui.store.transitions import Outcome, TransitionResult
from tests.glossary_runs import StoreReporter, run_failing_at, run_to_completion
from tests.helpers import GatedPipeline, ProcessLock, new_project, raw_status, write_lock
from tests.runs.conftest import ManagerFactory

DATA = Path(__file__).resolve().parents[1] / "data"


def _wait_finished(qtbot: QtBot, manager: object, run_id: int, timeout: int = 10_000) -> Run:
    qtbot.waitUntil(lambda: run_id not in manager.active_run_ids(), timeout=timeout)  # type: ignore[attr-defined]
    return Run.get_by_id(run_id)


# -- 1. a failing run leaves every other run's output alone -------------------------------------


def _output(run_id: int) -> tuple[object, ...]:
    return (
        repo.load_entries(run_id, "provisional"),
        repo.load_entries(run_id, "refined"),
        repo.load_issues(run_id),
    )


def test_a_run_that_saved_output_and_failed_leaves_every_other_run_untouched(
    data_dir: Path,
) -> None:
    a = repo.create_project("a", [str(DATA / "glossary_en")])
    b = repo.create_project("b", [str(DATA / "glossary_en")])
    for project in (a, b):
        run_to_completion(project, "import")
    first_a, first_b = run_to_completion(a, "full"), run_to_completion(b, "full")
    before = {run: _output(run) for run in (first_a, first_b)}
    assert all(all(part) for part in before.values())  # entries of both stages, issues

    # Generate saves, then review fails; then generate and review save, and refine fails.
    after_review = run_failing_at(a, "full", "review")
    assert repo.load_entries(after_review, "provisional")
    after_refine = run_failing_at(a, "full", "refine")
    assert repo.load_entries(after_refine, "provisional") and repo.load_issues(after_refine)

    assert {run: _output(run) for run in (first_a, first_b)} == before
    # The first failed run's partial output survives the second one's, too.
    assert repo.load_entries(after_review, "provisional") == _output(after_refine)[0] != []
    assert repo.current_run(a) == first_a and repo.current_run(b) == first_b


# -- 2. only a run that completes with a glossary becomes current ------------------------------


def test_only_a_completion_with_a_glossary_switches_the_current_glossary(data_dir: Path) -> None:
    project = repo.create_project("p", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    first = run_to_completion(project, "full")
    assert repo.current_run(project) == first

    # An extract-only run completes without a glossary: the current one stays.
    run_to_completion(project, "extract")
    assert repo.current_run(project) == first

    # A run that wrote a glossary but was marked interrupted meanwhile (its owner looked
    # dead): its late completion is a no-op and switches nothing.
    late = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(late)
    ctx = RunContext(reporter=StoreReporter(late), run_id=late)
    run_scope_here(project, "full", ctx)
    assert repo.load_entries(late, "refined")
    assert transitions.mark_failed(late, transitions.INTERRUPTED)
    assert transitions.mark_completed(late, "late") is TransitionResult.WRONG_STATE
    assert raw_status(data_dir, late) == "failed"
    assert repo.current_run(project) == first

    # The same through the final write of a worker.
    result = transitions.finalize_run(late, Outcome(RunStatus.COMPLETED, summary="late"))
    assert result.result is TransitionResult.WRONG_STATE
    assert repo.current_run(project) == first

    # And a completion with a glossary does switch it.
    assert repo.current_run(project) != (second := run_to_completion(project, "full"))
    assert repo.current_run(project) == second


# -- 3. a database error at start or in a step ends the run failed, with the reason -------------


def test_a_database_error_when_the_run_starts_fails_it_with_the_reason(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    gated: GatedPipeline,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_start(run_id: int) -> TransitionResult:
        raise peewee.OperationalError("no such table: run")

    monkeypatch.setattr(transitions, "mark_running", broken_start)
    manager = make_manager(gated)
    run_id = manager.start_run(new_project(), "extract")
    run = _wait_finished(qtbot, manager, run_id)
    assert (run.status, run.error) == ("failed", "Database problem: no such table: run")
    assert gated.calls == 0  # the pipeline never began


@pytest.mark.parametrize(
    ("error", "reason"), [("database or disk is full", DISK_FULL), ("database is locked", BUSY)]
)
def test_a_database_error_in_a_step_fails_the_run_with_the_reason(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path, error: str, reason: str
) -> None:
    def step_write_fails(project_id: int, scope: str, ctx: RunContext) -> str:
        raise peewee.OperationalError(error)

    manager = make_manager(step_write_fails)
    run_id = manager.start_run(new_project(), "extract")
    run = _wait_finished(qtbot, manager, run_id)
    assert (run.status, run.error) == ("failed", reason)
    assert run.id not in manager.active_run_ids()


def test_the_final_write_gives_up_on_a_lock_held_by_another_process(data_dir: Path) -> None:
    """``FinalizeError`` against a real lock of another process: the bounded write gives up
    and changes nothing (the row stays running, for the retry or for recovery); once the
    other process lets go, the same outcome is recorded."""
    init_db(data_dir, busy_timeout_ms=20)
    run_id = transitions.create_run(new_project(), "extract", current_owner())
    transitions.mark_running(run_id)
    outcome = Outcome(RunStatus.COMPLETED, summary="done")
    with ProcessLock(data_dir), pytest.raises(transitions.FinalizeError) as info:
        transitions.finalize_run(run_id, outcome, attempts=3, first_delay_s=0.001)
    assert "after 3 attempts" in str(info.value) and "locked" in str(info.value)
    assert info.value.outcome == outcome
    assert raw_status(data_dir, run_id) == "running"
    result = transitions.finalize_run(run_id, outcome, attempts=3, first_delay_s=0.001)
    assert (result.result, result.attempts) == (TransitionResult.UPDATED, 1)
    assert raw_status(data_dir, run_id) == "completed"


def test_a_worker_waits_out_another_process_lock_and_records_its_outcome(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    gated: GatedPipeline,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A finished run's outcome is never given up while the lock lasts (no attempt budget for
    a lock): three refusals in, the worker is still trying, and records it once let go."""
    init_db(data_dir, busy_timeout_ms=20)
    manager = make_manager(gated)
    project = new_project()
    run_id = manager.start_run(project, "extract")
    qtbot.waitUntil(lambda: gated.started == [project])
    waiting: list[str] = []
    manager.run_log.connect(
        lambda run, level, step, message: (
            waiting.append(message)
            if message.startswith("Waiting to record the run as completed")
            else None
        )
    )

    def refusals() -> int:
        return sum("final status write failed" in r.getMessage() for r in caplog.records)

    with ProcessLock(data_dir):
        gated.release(project)
        qtbot.waitUntil(lambda: refusals() >= 3 and bool(waiting), timeout=10_000)
        assert raw_status(data_dir, run_id) == "running"
        assert run_id in manager.active_run_ids()  # still trying
    run = _wait_finished(qtbot, manager, run_id)
    assert (run.status, run.summary) == ("completed", "extract done")


def test_a_start_failure_is_recorded_even_when_its_write_meets_a_lock(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    gated: GatedPipeline,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The start fails while another process holds the write lock: the GUI thread gives up
    after three tries, the monitor thread keeps trying, and once the lock is gone the row
    says failed with the reason, and the project takes a new run."""
    caplog.set_level(logging.WARNING, logger="genglossary_gui.store.transitions")
    init_db(data_dir, busy_timeout_ms=20)
    manager = make_manager(gated)
    lock = ProcessLock(data_dir)

    def refuse(worker: object) -> None:
        lock.__enter__()  # another process takes the write lock just now
        raise RuntimeError("thread pool refused the worker")

    def refusals() -> int:
        return sum("final status write failed" in r.getMessage() for r in caplog.records)

    real_queue = manager._queue
    monkeypatch.setattr(manager, "_queue", refuse)
    project = new_project()
    try:
        with pytest.raises(RunStartError) as info:
            manager.start_run(project, "extract")
        assert refusals() == 3  # the GUI thread's tries
        qtbot.waitUntil(lambda: refusals() >= 5, timeout=5000)  # the monitor's
        assert raw_status(data_dir, info.value.run_id) == "pending"
    finally:
        lock.__exit__()
    run_id = info.value.run_id
    qtbot.waitUntil(lambda: raw_status(data_dir, run_id) != "pending", timeout=3000)
    run = Run.get_by_id(run_id)
    assert (run.status, "thread pool refused" in run.error) == ("failed", True)
    monkeypatch.setattr(manager, "_queue", real_queue)
    again = manager.start_run(project, "extract")
    qtbot.waitUntil(lambda: gated.started == [project])
    gated.release(project)
    assert _wait_finished(qtbot, manager, again).status == "completed"


# -- 4. a row cancelled elsewhere before this process noticed never starts its pipeline --------


def test_a_run_cancelled_by_another_process_before_it_starts_does_no_work(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    # No monitor: the cancel reaches this process only through the row itself.
    manager = make_manager(gated, max_threads=1, monitor=False)
    a, b = new_project("a"), new_project("b")
    busy = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    queued = manager.start_run(b, "extract")
    assert transitions.cancel_pending(queued)  # what `genglossary cancel` does elsewhere
    token = manager.token(queued)
    assert token is not None and not token.cancelled  # this process has not noticed
    gated.release(a)
    _wait_finished(qtbot, manager, busy)
    _wait_finished(qtbot, manager, queued)
    assert gated.started == [a]  # the queued worker found its row cancelled and stopped
    run = Run.get_by_id(queued)
    assert (run.status, run.started_at) == ("cancelled", None)


# -- 7. shutdown meets a step process that will not stop ----------------------------------------

_STUBBORN_STEP = """
import json, pathlib, signal, sys
marker = pathlib.Path(sys.argv[1])
def refuse(signum, frame):
    marker.write_text("asked to terminate")
signal.signal(signal.SIGTERM, refuse)
print(json.dumps({"log": ["info", "extract", "stubborn step started"]}), flush=True)
while True:
    signal.pause()  # ignores "cancel" on stdin and SIGTERM alike
"""


def test_shutdown_terminates_then_kills_a_step_process_that_will_not_stop(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from genglossary_gui import entry

    marker = tmp_path / "terminate"
    monkeypatch.setattr(
        entry, "own_command", lambda *args: [sys.executable, "-c", _STUBBORN_STEP, str(marker)]
    )
    manager = make_manager()  # the real step-process pipeline, with the command above
    with qtbot.waitSignal(
        manager.run_log, check_params_cb=lambda *a: a[3] == "stubborn step started"
    ):
        run_id = manager.start_run(new_project(), "extract")
    with process._children_lock:
        (child,) = process._children
    try:
        assert manager.shutdown(100) is True  # the step ended within the extra wait
        assert marker.read_text() == "asked to terminate"  # SIGTERM first, then...
        assert child.returncode == -signal.SIGKILL  # ...killed
        run = Run.get_by_id(run_id)
        assert run.status == "cancelled"  # recorded: stopped because of the quit's cancel
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(5)


# -- 8. recovery of a zombie owner and of an owner that cannot be inspected --------------------


@pytest.mark.skipif(not hasattr(os, "waitid"), reason="os.waitid (a zombie kept) is POSIX only")
def test_a_run_of_a_zombie_owner_is_marked_interrupted(data_dir: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        probe = psutil.Process(child.pid)
        started = probe.create_time()
        # Wait for its exit without reaping it: it stays a zombie until child.wait() below.
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        assert probe.status() == psutil.STATUS_ZOMBIE
        zombie = Owner(current_owner().host, child.pid, started)
        run_id = transitions.create_run(new_project(), "extract", zombie)
        assert transitions.mark_interrupted_runs(current_owner()) == [run_id]
        run = Run.get_by_id(run_id)
        assert (run.status, run.error) == ("failed", transitions.INTERRUPTED)
    finally:
        child.wait(5)


def test_a_run_whose_owner_cannot_be_inspected_is_left_alone(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's process (AccessDenied) is presumed alive: its run is not stolen."""

    class Forbidden:
        def __init__(self, pid: int) -> None:
            self.pid = pid

        def create_time(self) -> float:
            raise psutil.AccessDenied(self.pid)

        def status(self) -> str:
            raise psutil.AccessDenied(self.pid)

    me = current_owner()
    other = Owner(me.host, 1, 1.0)
    run_id = transitions.create_run(new_project(), "extract", other)
    monkeypatch.setattr(psutil, "Process", Forbidden)
    assert transitions.mark_interrupted_runs(me) == []
    assert Run.get_by_id(run_id).status == "pending"


def test_an_owner_is_the_same_process_only_within_the_start_time_tolerance(
    data_dir: Path,
) -> None:
    """psutil rounds start times: a fraction of a second apart is the same process; seconds
    apart, the pid was recycled by another process and the run's owner is gone."""
    me = current_owner()
    same = Owner(me.host, me.pid, me.started + 0.5)
    recycled = Owner(me.host, me.pid, me.started + 5.0)
    kept = transitions.create_run(new_project("a"), "extract", same)
    gone = transitions.create_run(new_project("b"), "extract", recycled)
    assert transitions.mark_interrupted_runs(Owner("checker", 1, 1.0)) == [gone]
    assert Run.get_by_id(kept).status == "pending"


def test_a_run_of_another_host_is_judged_by_its_heartbeat_alone(data_dir: Path) -> None:
    """Whatever the host's name (sorting before or after ours), a run owned on another host
    is never looked up among this host's processes: a fresh heartbeat keeps it."""
    me = current_owner()
    fresh = {
        name: transitions.create_run(new_project(name), "extract", Owner(name, 1, 1.0))
        for name in ("0-host", f"{me.host}~", "zz-host")
    }
    stale = transitions.create_run(new_project("stale"), "extract", Owner("zz-old", 1, 1.0))
    Run.update(heartbeat_at=Run.heartbeat_at - 3600).where(Run.id == stale).execute()
    assert transitions.mark_interrupted_runs(me) == [stale]
    assert {Run.get_by_id(run).status for run in fresh.values()} == {"pending"}


# -- 9. the monitor survives database errors; log lines written during a lock are kept ----------


def test_the_monitor_keeps_running_through_a_lock(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    init_db(data_dir, busy_timeout_ms=20)
    monkeypatch.setattr(monitor_module, "HEARTBEAT_EVERY_S", 0.0)  # a write on every tick
    me = current_owner()
    run_id = transitions.create_run(new_project(), "extract", me)
    transitions.mark_running(run_id)
    asked: list[int] = []
    watcher = OwnerMonitor(me, lambda: [run_id], asked.append, tick_s=0.01)
    caplog.set_level(logging.DEBUG, logger=monitor_module.__name__)
    with write_lock(data_dir):
        watcher.start()
        try:
            qtbot.waitUntil(
                lambda: any("run monitor:" in r.getMessage() for r in caplog.records),
                timeout=10_000,
            )
        except BaseException:
            watcher.stop()
            raise
    try:
        # Still running: a cancel recorded after the lock is acted on.
        transitions.request_cancel(run_id)
        qtbot.waitUntil(lambda: run_id in asked, timeout=10_000)
    finally:
        watcher.stop()


def test_log_lines_written_during_a_lock_are_kept_and_written_later(
    qapp: object, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genglossary_gui.runs import reporter as reporter_module

    init_db(data_dir, busy_timeout_ms=20)
    run_id = transitions.create_run(new_project(), "extract", current_owner())
    transitions.mark_running(run_id)
    signals = WorkerSignals()
    reporter = RunReporter(run_id, signals)
    real_append = reporter_module.repo.append_logs
    writes: list[int] = []

    def append_while_another_thread_logs(run: int, entries: list[repo.LogEntry]) -> None:
        writes.append(len(entries))
        if len(writes) == 1:
            # Another thread of the run (a model engine's) logs while the write waits.
            other = threading.Thread(target=reporter.log, args=("arrived during the write",))
            other.start()
            other.join()
        real_append(run, entries)

    monkeypatch.setattr(reporter_module.repo, "append_logs", append_while_another_thread_logs)
    try:
        with write_lock(data_dir):
            reporter.log("first, before the lock went")
            reporter.log("second")
            assert reporter.flush() is False  # refused by the lock, kept
            reporter.log("third, while still locked")
            assert reporter.flush() is False
        assert reporter.flush() is True
        assert [e.message for e in repo.read_log(run_id)] == [
            "first, before the lock went",
            "second",
            "arrived during the write",
            "third, while still locked",
        ]
        assert reporter.flush() is True  # nothing written twice
        assert len(repo.read_log(run_id)) == 4
    finally:
        reporter.close()  # its writer thread ends with the test


# -- 11. a cancel that comes as soon as the run is queued is not missed ------------------------


def test_a_cancel_right_after_the_worker_is_queued_reaches_the_run(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated, monitor=False)
    real_queue = manager._queue
    seen: list[tuple[int, bool]] = []

    def queue_then_cancel(worker: object) -> None:
        real_queue(worker)  # type: ignore[arg-type]
        run_id = worker.run_id  # type: ignore[attr-defined]
        # The worker may be running already; a cancel from this moment on must reach it.
        qtbot.waitUntil(lambda: raw_status(data_dir, run_id) == "running")
        manager.cancel_run(run_id)
        token = manager.token(run_id)
        seen.append((run_id, token is not None and token.cancelled))

    manager._queue = queue_then_cancel  # type: ignore[method-assign]
    run_id = manager.start_run(new_project(), "extract")
    assert seen == [(run_id, True)]
    run = _wait_finished(qtbot, manager, run_id)
    assert run.status == "cancelled"
