"""RunManager with real threads, a real SQLite file and the Qt event loop."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThread
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.runs.manager import RunManager, RunStartError
from genglossary_gui.store.models import Run
from genglossary_gui.store.transitions import CancelResult, RunAlreadyActive
from tests.helpers import GatedPipeline, new_project, raw_status, status_of
from tests.runs.conftest import ManagerFactory


def _wait_finished(qtbot: QtBot, manager: RunManager, run_id: int) -> None:
    qtbot.waitUntil(lambda: run_id not in manager.active_run_ids(), timeout=10_000)


def _gated_run(qtbot: QtBot, manager: RunManager, gated: GatedPipeline, how: str = "finish") -> int:
    """An extract run of a new project, its pipeline released ``how``; returns once the
    worker has finished."""
    project = new_project()
    run_id = manager.start_run(project, "extract")
    with qtbot.waitSignal(manager.run_finished):
        gated.release(project, how)
    return run_id


def test_run_completes_and_state_is_released(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated)
    project = new_project()
    run_id = manager.start_run(project, "extract")
    assert run_id in manager.active_run_ids()
    qtbot.waitUntil(lambda: gated.started == [project])
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == run_id):
        gated.release(project)
    assert raw_status(data_dir, run_id) == "completed"
    assert manager.active_run_ids() == []
    assert manager.token(run_id) is None


def test_cancel_one_project_while_another_completes(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated)
    a, b = new_project("a"), new_project("b")
    run_a = manager.start_run(a, "extract")
    run_b = manager.start_run(b, "extract")
    qtbot.waitUntil(lambda: sorted(gated.started) == sorted([a, b]))
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == run_a):
        assert manager.cancel_run(run_a) is CancelResult.REQUESTED
    assert raw_status(data_dir, run_a) == "cancelled"
    assert raw_status(data_dir, run_b) == "running"
    token_b = manager.token(run_b)
    assert token_b is not None and not token_b.cancelled
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == run_b):
        gated.release(b)
    assert raw_status(data_dir, run_b) == "completed"


def test_cancel_aimed_at_finished_run_changes_nothing(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated)
    run_id = _gated_run(qtbot, manager, gated)
    before = Run.get_by_id(run_id)
    assert manager.cancel_run(run_id) is CancelResult.TOO_LATE
    after = Run.get_by_id(run_id)
    assert (after.status, after.finished_at, after.cancel_requested_at) == (
        "completed",
        before.finished_at,
        None,
    )
    assert manager.cancel_run(99_999) is CancelResult.NOT_FOUND


def test_run_cancelled_while_pending_never_starts(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated, max_threads=1)
    a, b = new_project("a"), new_project("b")
    busy = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    queued = manager.start_run(b, "extract")  # waits for the only thread
    assert status_of(queued) == "pending"
    assert manager.cancel_run(queued) is CancelResult.CANCELLED
    assert raw_status(data_dir, queued) == "cancelled"
    assert queued not in manager.active_run_ids()
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == busy):
        gated.release(a)
    # The thread is free now; the cancelled run's pipeline still never began.
    assert manager.pool.waitForDone(5000)  # a wait that timed out would prove nothing
    assert gated.started == [a]
    assert raw_status(data_dir, queued) == "cancelled"


def test_cancelled_token_before_worker_runs_skips_pipeline(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated, max_threads=1)
    a, b = new_project("a"), new_project("b")
    manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    queued = manager.start_run(b, "extract")
    token = manager.token(queued)
    assert token is not None
    token.cancel()  # as if the cancel raced the worker being picked up
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == queued):
        gated.release(a)
    assert raw_status(data_dir, queued) == "cancelled"
    assert gated.started == [a]


def test_second_run_of_same_project_is_refused(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline
) -> None:
    manager = make_manager(gated)
    project = new_project()
    first = manager.start_run(project, "extract")
    with pytest.raises(RunAlreadyActive):
        manager.start_run(project, "extract")
    assert manager.active_run_ids() == [first]
    with qtbot.waitSignal(manager.run_finished):
        gated.release(project)


def test_start_failure_marks_row_failed_and_leaves_nothing_registered(
    make_manager: ManagerFactory,
    gated: GatedPipeline,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manager = make_manager(gated)

    def refuse(worker: object) -> None:
        raise RuntimeError("thread pool refused the worker")

    monkeypatch.setattr(manager, "_queue", refuse)
    project = new_project()
    with pytest.raises(RunStartError) as info:
        manager.start_run(project, "extract")
    run = Run.get_by_id(info.value.run_id)
    assert run.status == "failed"
    assert "thread pool refused the worker" in run.error
    assert manager.active_run_ids() == []
    assert manager.token(run.id) is None
    assert gated.calls == 0
    monkeypatch.undo()
    # The project is not blocked by the failed start.
    assert manager.start_run(project, "extract")
    gated.release(project)


def test_unknown_scope_is_refused_before_any_row(make_manager: ManagerFactory) -> None:
    manager = make_manager()
    with pytest.raises(ValueError, match="Unknown scope"):
        manager.start_run(new_project(), "everything")
    assert Run.select().count() == 0


def test_unavailable_step_fails_at_once_with_clear_message(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genglossary_gui.pipeline import steps
    from genglossary_gui.runs.process import run_scope_here

    monkeypatch.delitem(steps.STEPS, "review")  # as if this version had no review step
    called: list[str] = []
    monkeypatch.setitem(
        steps.STEPS, "extract", lambda p, ctx, engine: called.append("extract") or ""
    )
    manager = make_manager(run_scope_here)  # in-process, so the patched table applies
    run_id = manager.start_run(new_project(), "full")
    _wait_finished(qtbot, manager, run_id)
    run = Run.get_by_id(run_id)
    assert (run.status, run.error) == ("failed", "step review is not available yet")
    assert called == []  # no step of the scope ran


def test_pipeline_exception_fails_run_with_short_error_and_logged_traceback(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    from genglossary_gui.store.repositories import read_log

    manager = make_manager(gated)
    run_id = _gated_run(qtbot, manager, gated, "raise")
    run = Run.get_by_id(run_id)
    assert run.status == "failed"
    assert run.error == "Unexpected error (RuntimeError): the pipeline broke"
    assert any("Traceback" in e.message for e in read_log(run_id))


def test_late_cancel_keeps_completed_result(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    def past_last_check_point(project_id: int, scope: str, ctx: RunContext) -> str:
        # The cancel arrives after the last check point (a wait that times out instead would
        # make the run complete without any cancel: the test must then fail)...
        if not ctx.token.wait(10):
            raise AssertionError("the cancel never reached the pipeline")
        return "finished anyway"  # ...and the work is complete

    manager = make_manager(past_last_check_point)
    run_id = manager.start_run(new_project(), "extract")
    qtbot.waitUntil(lambda: status_of(run_id) == "running")
    assert manager.cancel_run(run_id) is CancelResult.REQUESTED
    _wait_finished(qtbot, manager, run_id)
    run = Run.get_by_id(run_id)
    assert (run.status, run.summary) == ("completed", "finished anyway")
    from genglossary_gui.store.repositories import read_log

    log = [e.message for e in read_log(run_id)]
    assert "Cancel came after the work was done; results kept" in log
    assert "Completed: finished anyway" in log


def test_a_run_that_ends_without_a_cancel_or_a_wait_says_only_that_it_completed(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    from genglossary_gui.store.repositories import read_log

    run_id = _gated_run(qtbot, make_manager(gated), gated)
    log = [e.message for e in read_log(run_id)]
    assert status_of(run_id) == "completed"
    assert not any("Cancel came after" in line for line in log)
    # The final write was taken at once: nothing about attempts.
    assert not any("Recording the final status took" in line for line in log)


def test_run_changed_is_emitted_on_gui_thread_after_commit_for_every_transition(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated, max_threads=1)
    gui_thread = QCoreApplication.instance().thread()  # type: ignore[union-attr]
    seen: list[tuple[int, str, bool]] = []

    def on_changed(run_id: int) -> None:
        seen.append((run_id, raw_status(data_dir, run_id), QThread.currentThread() is gui_thread))

    manager.run_changed.connect(on_changed)
    a, b, c = new_project("a"), new_project("b"), new_project("c")
    done = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    pending = manager.start_run(b, "extract")
    manager.cancel_run(pending)
    with qtbot.waitSignal(manager.run_finished, check_params_cb=lambda r: r == done):
        gated.release(a)
    cancelled = manager.start_run(c, "extract")
    qtbot.waitUntil(lambda: c in gated.started)
    manager.cancel_run(cancelled)
    _wait_finished(qtbot, manager, cancelled)
    qtbot.waitUntil(lambda: (cancelled, "cancelled", True) in seen)
    assert all(on_gui for _, _, on_gui in seen)
    # What the design guarantees: one announcement per committed transition, delivered on the
    # GUI thread after its commit. The signal carries only the run id, so a listener reading
    # the row may already see a later state (the worker moves on meanwhile), never an earlier
    # one: the i-th announcement sees at least the i-th transition's state, in order.
    rank = {"pending": 0, "running": 1, "completed": 2, "cancelled": 2, "failed": 2}
    transitions_of = {
        done: ["pending", "running", "completed"],
        pending: ["pending", "cancelled"],  # taken off the queue: its worker never ran
        # created, started, cancel requested on the row, stopped on the cancel
        cancelled: ["pending", "running", "running", "cancelled"],
    }
    for run, expected in transitions_of.items():
        observed = [s for r, s, _ in seen if r == run]
        assert len(observed) >= len(expected), (run, observed, expected)
        assert observed[-1] == expected[-1], (run, observed)
        for i, state in enumerate(expected):
            assert rank[observed[i]] >= rank[state], (run, i, observed, expected)
        assert [rank[s] for s in observed] == sorted(rank[s] for s in observed), observed


def test_cancel_recorded_by_another_process_is_acted_on(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    from genglossary_gui.store.transitions import request_cancel

    manager = make_manager(gated)
    project = new_project()
    run_id = manager.start_run(project, "extract")
    qtbot.waitUntil(lambda: gated.started == [project])
    request_cancel(run_id)  # what `genglossary cancel` does from another process
    _wait_finished(qtbot, manager, run_id)
    assert raw_status(data_dir, run_id) == "cancelled"


def test_shutdown_cancels_active_runs_and_drains_pool(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    manager = make_manager(gated, max_threads=1)
    a, b = new_project("a"), new_project("b")
    running = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    queued = manager.start_run(b, "extract")
    assert manager.shutdown(5000) is True
    assert raw_status(data_dir, running) == "cancelled"
    assert raw_status(data_dir, queued) == "cancelled"
    assert manager.active_run_ids() == []
    assert manager.pool.activeThreadCount() == 0
    with pytest.raises(RuntimeError, match="shutting down"):
        manager.start_run(a, "extract")


def test_shutdown_marks_stuck_runs_interrupted(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    import threading

    release = threading.Event()

    def stubborn(project_id: int, scope: str, ctx: object) -> str:
        release.wait(10)  # ignores its token: a step stuck in a long call
        return "late"

    manager = make_manager(stubborn)
    run_id = manager.start_run(new_project(), "extract")
    qtbot.waitUntil(lambda: status_of(run_id) == "running")
    assert manager.shutdown(100) is False
    run = Run.get_by_id(run_id)
    assert (run.status, run.error.startswith("Interrupted")) == ("failed", True)
    release.set()
    assert manager.pool.waitForDone(5000)  # a wait that timed out would prove nothing
    assert raw_status(data_dir, run_id) == "failed"  # the late completion is a no-op


def test_cancel_refused_by_a_locked_database_changes_nothing(
    qtbot: QtBot, make_manager: ManagerFactory, gated: GatedPipeline, data_dir: Path
) -> None:
    import peewee

    from genglossary_gui.store.database import init_db
    from tests.helpers import write_lock

    init_db(data_dir, busy_timeout_ms=50)
    manager = make_manager(gated, max_threads=1)
    a, b = new_project("a"), new_project("b")
    busy = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: gated.started == [a])
    queued = manager.start_run(b, "extract")
    with write_lock(data_dir), pytest.raises(peewee.OperationalError):
        manager.cancel_run(queued)
    # Nothing was let go: the run is still pending and still cancellable.
    assert status_of(queued) == "pending"
    assert queued in manager.active_run_ids()
    assert manager.cancel_run(queued) is CancelResult.CANCELLED
    assert queued not in manager.active_run_ids()
    gated.release(a)
    _wait_finished(qtbot, manager, busy)


def test_shutdown_cancels_a_queued_run_even_when_a_running_one_will_not_stop(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    """The run that never started is shown cancelled, not "interrupted", and never starts."""
    import threading

    release = threading.Event()
    started: list[int] = []

    def stubborn(project_id: int, scope: str, ctx: object) -> str:
        started.append(project_id)
        release.wait(10)  # ignores its token: a step stuck in a long call
        return "late"

    manager = make_manager(stubborn, max_threads=1)
    a, b = new_project("a"), new_project("b")
    stuck = manager.start_run(a, "extract")
    qtbot.waitUntil(lambda: started == [a])
    queued = manager.start_run(b, "extract")
    try:
        assert manager.shutdown(100) is False
        run = Run.get_by_id(queued)
        assert (run.status, run.summary) == ("cancelled", "Cancelled before it started.")
    finally:
        release.set()
    assert manager.pool.waitForDone(5000)
    assert started == [a]  # the queued run's pipeline never began
    assert raw_status(data_dir, stuck) == "failed"  # interrupted by the quit


def test_shutdown_stops_a_final_write_waiting_on_another_writers_lock(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    """Quitting does not wait for a lock another process holds: the worker stops waiting,
    the pool drains, and the row is left for recovery (never marked something it is not)."""
    import threading

    from genglossary_gui.store.database import init_db
    from tests.helpers import write_lock

    init_db(data_dir, busy_timeout_ms=50)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock(data_dir):
            locked.set()
            release.wait(30)

    def finished_then_locked_out(project_id: int, scope: str, ctx: RunContext) -> str:
        threading.Thread(target=hold, daemon=True).start()
        assert locked.wait(10)
        return "done"

    manager = make_manager(finished_then_locked_out)
    waiting: list[str] = []
    manager.run_log.connect(
        lambda _run, _level, _step, message: (
            waiting.append(message) if message.startswith("Waiting to record") else None
        )
    )
    run_id = manager.start_run(new_project(), "extract")
    try:
        qtbot.waitUntil(lambda: bool(waiting), timeout=10_000)
        assert manager.shutdown(100) is True
        assert manager.pool.activeThreadCount() == 0
    finally:
        release.set()
    assert status_of(run_id) == "running"  # recovery's to judge once this process is gone


def test_store_notifications_reach_the_signal_for_their_kind(
    qtbot: QtBot, make_manager: ManagerFactory, data_dir: Path
) -> None:
    from genglossary_gui.store import notify
    from genglossary_gui.vocabulary import Topic

    manager = make_manager(monitor=False)
    heard: list[tuple[str, object]] = []
    manager.run_changed.connect(lambda run_id: heard.append(("run_changed", run_id)))
    manager.database_changed.connect(lambda: heard.append(("database_changed", None)))
    manager.table_changed.connect(lambda table: heard.append(("table_changed", table)))
    notify.publish(Topic.RUN, 7, 8)
    notify.publish(Topic.RUN_PROGRESS, 7)  # live progress came through run_progress already
    notify.publish(Topic.EXTERNAL)
    # Tables whose names sort before, between and after those three.
    for table, row in [(Topic.DOCUMENT, 1), (Topic.PROJECT, 2), (Topic.TERM, 3), (Topic.ISSUE, 4)]:
        notify.publish(table, row)
    # Delivered in order on the GUI thread: the last one heard means all were handled.
    qtbot.waitUntil(lambda: ("table_changed", "issue") in heard)
    assert heard == [
        ("run_changed", 7),
        ("run_changed", 8),
        ("database_changed", None),
        ("table_changed", "document"),
        ("table_changed", "project"),
        ("table_changed", "term"),
        ("table_changed", "issue"),
    ]


def test_shutdown_records_a_failed_start_the_monitor_has_not_written_yet(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    gated: GatedPipeline,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A start the database refused to record is handed to the monitor; quitting before the
    monitor's next round still records it (one last try), so no row stays pending."""
    from genglossary_gui.runs.monitor import OwnerMonitor
    from genglossary_gui.store.database import init_db
    from tests.helpers import write_lock

    init_db(data_dir, busy_timeout_ms=20)
    monkeypatch.setattr(OwnerMonitor, "tick", lambda self, now: None)  # its round never comes
    manager = make_manager(gated)
    held = write_lock(data_dir)

    def refuse(worker: object) -> None:
        held.__enter__()  # another writer takes the lock just now
        raise RuntimeError("thread pool refused the worker")

    monkeypatch.setattr(manager, "_queue", refuse)
    try:
        with pytest.raises(RunStartError) as info:
            manager.start_run(new_project(), "extract")
    finally:
        held.__exit__(None, None, None)
    run_id = info.value.run_id
    assert raw_status(data_dir, run_id) == "pending"
    assert manager.shutdown(5000) is True
    run = Run.get_by_id(run_id)
    assert (run.status, "thread pool refused" in run.error) == ("failed", True)
