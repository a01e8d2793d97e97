"""Stateful property test of the run lifecycle: random starts, cancels (early and late),
finishes, failures, crashed step processes, locks held by another connection at the final
write, failing and given-up status writes, with the invariants checked after every step.

A failure names the rule it broke ("violated rule: ..."); Hypothesis then prints the steps.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import engine as hypothesis_engine
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from pytestqt.qtbot import QtBot

from genglossary_gui import entry
from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.runs.process import run_scope_isolated
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import db, init_db
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import ACTIVE_STATUSES, TERMINAL_STATUSES, Run
from genglossary_gui.store.transitions import CancelResult, RunAlreadyActive
from tests.helpers import GatedPipeline, raw_status, write_lock

PROJECTS = 3
WAIT_MS = 10_000
#: The step process of a "crash": killed by the system before it says anything.
_CRASHING_STEP = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
#: Examples per run of the test; raise it for a longer soak (GENGLOSSARY_LIFECYCLE_EXAMPLES).
EXAMPLES = int(os.environ.get("GENGLOSSARY_LIFECYCLE_EXAMPLES", "50"))

# Bounded so that a failure is reported in seconds, not after minutes of shrinking: each
# example (one sequence of at most 20 steps) has a deadline; every wait in a step is bounded
# by WAIT_MS; and shrinking stops after SHRINK_BUDGET_S (set on the test's engine below).
settings.register_profile(
    "run-lifecycle",
    max_examples=EXAMPLES,
    stateful_step_count=20,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SHRINK_BUDGET_S = 60


def violated(rule: str, detail: object = "") -> str:
    """The failure message of an invariant or a rule's check: which rule, and the facts."""
    return f"violated rule: {rule}" + (f" ({detail})" if detail != "" else "")


class FlakyFinalWrites:
    """Makes the next N final status writes fail as SQLite does when another process holds
    the write lock, or when the disk is full; and every final write of a ``doomed`` run fail
    as on a read-only data folder (which waiting does not cure: the retries run out)."""

    def __init__(self) -> None:
        self.failures_left = 0
        self.error = "database is locked"
        self.doomed: set[int] = set()
        self.doomed_attempts: dict[int, int] = {}
        self._real = transitions._write_outcome

    def __call__(self, run_id: int, outcome: transitions.Outcome) -> transitions.TransitionResult:
        if run_id in self.doomed:
            self.doomed_attempts[run_id] = self.doomed_attempts.get(run_id, 0) + 1
            raise peewee.OperationalError("attempt to write a readonly database")
        if self.failures_left > 0:
            self.failures_left -= 1
            raise peewee.OperationalError(self.error)
        return self._real(run_id, outcome)


def test_run_lifecycle_state_machine(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: C901 -- walks every transition in one test
    flaky = FlakyFinalWrites()
    monkeypatch.setattr(transitions, "_write_outcome", flaky)
    # Short back-off, so that a lock outlasting the old 8-attempt budget costs little time.
    monkeypatch.setattr(transitions, "FINAL_WRITE_FIRST_DELAY_S", 0.001)
    monkeypatch.setattr(transitions, "FINAL_WRITE_MAX_DELAY_S", 0.005)
    # Hypothesis's own bound on shrinking (5 minutes by default; internal, hence raising=True:
    # an upgrade that renames it fails here rather than silently shrinking for minutes).
    monkeypatch.setattr(hypothesis_engine, "MAX_SHRINKING_SECONDS", SHRINK_BUDGET_S)
    # A "crash" runs the real step-process pipeline with a step process that is killed.
    monkeypatch.setattr(entry, "own_command", lambda *args: [sys.executable, "-c", _CRASHING_STEP])

    def crash(project_id: int, scope: str, ctx: RunContext) -> str:
        return run_scope_isolated(project_id, scope, ctx, database="unused")

    class RunLifecycle(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.tmp = Path(tempfile.mkdtemp(prefix="runs-sm-"))
            open_data_folder(self.tmp)
            # Short enough that a write under another connection's lock is refused quickly.
            init_db(self.tmp, busy_timeout_ms=250)
            self.projects = [repo.create_project(f"p{i}") for i in range(PROJECTS)]
            self.pipeline = GatedPipeline()
            self.pipeline.endings["crash"] = crash
            # One thread, so runs also wait as pending and cancels hit queued workers.
            self.manager = RunManager(pipeline=self.pipeline, max_threads=1)
            self.waiting_to_record: set[int] = set()
            self.manager.run_log.connect(self._on_log)
            self.terminal: dict[int, str] = {}
            self.runs: dict[int, int] = {}  # run id -> project id
            #: Runs whose final write gave up: active rows this process no longer works on,
            #: left to the recovery of the next start.
            self.abandoned: set[int] = set()
            flaky.failures_left = 0
            flaky.doomed.clear()
            flaky.doomed_attempts.clear()

        def _on_log(self, run_id: int, level: str, step: str, message: str) -> None:
            if message.startswith("Waiting to record the run as"):
                self.waiting_to_record.add(run_id)

        def teardown(self) -> None:
            manager = getattr(self, "manager", None)
            if manager is not None:
                assert manager.shutdown(WAIT_MS), violated("shutdown drains every worker")
                db.close()
                shutil.rmtree(self.tmp, ignore_errors=True)

        def _active_run(self, project_id: int) -> int | None:
            return (
                Run.select(Run.id)
                .where((Run.project == project_id) & Run.status.in_(list(ACTIVE_STATUSES)))
                .scalar()
            )

        def _settle(self, run_id: int) -> None:
            qtbot.waitUntil(lambda: run_id not in self.manager.active_run_ids(), timeout=WAIT_MS)

        def _other_running(self, run_id: int) -> bool:
            return Run.select().where((Run.id != run_id) & (Run.status == "running")).exists()

        def _running_run(self, project: int) -> int | None:
            """The project's run once its pipeline runs (None: no run, an abandoned one, or
            one that cannot start yet because another run holds the only thread)."""
            run_id = self._active_run(self.projects[project])
            if run_id is None or run_id in self.abandoned:
                return None

            def started_or_blocked() -> bool:
                if Run.get_by_id(run_id).status != "pending":
                    return True
                return self._other_running(run_id)

            qtbot.waitUntil(started_or_blocked, timeout=WAIT_MS)
            if Run.get_by_id(run_id).status == "pending":
                return None
            return run_id

        def _expect(self, run_id: int, status: str, rule: str) -> Run:
            run = Run.get_by_id(run_id)
            assert run.status == status, violated(rule, f"run {run_id} is {run.status}")
            return run

        @rule(project=st.integers(0, PROJECTS - 1))
        def start(self, project: int) -> None:
            project_id = self.projects[project]
            active = self._active_run(project_id)
            try:
                run_id = self.manager.start_run(project_id, "extract")
            except RunAlreadyActive:
                assert active is not None, violated("a start is refused only for a busy project")
                return
            assert active is None, violated("one active run per project", f"run {active}")
            self.runs[run_id] = project_id

        @rule(project=st.integers(0, PROJECTS - 1))
        def cancel(self, project: int) -> None:
            run_id = self._active_run(self.projects[project])
            if run_id is None:
                return
            result = self.manager.cancel_run(run_id)
            if run_id in self.abandoned:
                # Nobody works on it any more: the request is recorded, the row stays active.
                assert result is CancelResult.REQUESTED, violated("cancel of a running row", result)
                self._expect(run_id, "running", "a cancel never ends a running row by itself")
                return
            assert result, violated("an active run can be cancelled", result)
            self._settle(run_id)
            self._expect(run_id, "cancelled", "a cancelled run ends cancelled")

        @rule(
            project=st.integers(0, PROJECTS - 1), how=st.sampled_from(["finish", "raise", "crash"])
        )
        def pipeline_ends(self, project: int, how: str) -> None:
            run_id = self._running_run(project)
            if run_id is None:
                return
            self.pipeline.release(self.projects[project], how)
            self._settle(run_id)
            if how == "finish":
                self._expect(run_id, "completed", "a pipeline that returns completes its run")
                return
            run = self._expect(run_id, "failed", "a pipeline that fails fails its run")
            if how == "crash":
                assert run.error.startswith("The extract process stopped unexpectedly"), violated(
                    "a crashed step process is reported as such", run.error
                )
                assert f"exit code {-signal.SIGKILL}" in run.error, violated(
                    "the crash's exit code is reported", run.error
                )

        @rule(project=st.integers(0, PROJECTS - 1))
        def late_cancel(self, project: int) -> None:
            """The cancel comes after the pipeline's last check point: the work is done, and
            completion wins."""
            run_id = self._running_run(project)
            if run_id is None:
                return
            project_id = self.projects[project]
            passed = self.pipeline.past_gate.count(project_id)
            self.pipeline.release(project_id, "late-cancel")
            qtbot.waitUntil(
                lambda: self.pipeline.past_gate.count(project_id) > passed, timeout=WAIT_MS
            )
            result = self.manager.cancel_run(run_id)
            assert result is CancelResult.REQUESTED, violated("a late cancel is a request", result)
            self._settle(run_id)
            self._expect(run_id, "completed", "completion wins a late cancel")

        @rule(project=st.integers(0, PROJECTS - 1))
        def finish_while_another_connection_holds_the_lock(self, project: int) -> None:
            run_id = self._running_run(project)
            if run_id is None:
                return
            self.waiting_to_record.discard(run_id)
            with write_lock(self.tmp):
                self.pipeline.release(self.projects[project], "finish")
                qtbot.waitUntil(lambda: run_id in self.waiting_to_record, timeout=WAIT_MS)
                status = raw_status(self.tmp, run_id)
                assert status == "running", violated(
                    "a refused final write changes nothing", status
                )
                assert run_id in self.manager.active_run_ids(), violated(
                    "a worker waits out the lock", run_id
                )
            self._settle(run_id)
            self._expect(run_id, "completed", "the outcome is recorded once the lock goes")

        @rule(project=st.integers(0, PROJECTS - 1))
        def final_write_retries_run_out(self, project: int) -> None:
            run_id = self._running_run(project)
            if run_id is None:
                return
            flaky.doomed.add(run_id)
            self.pipeline.release(self.projects[project], "finish")
            self._settle(run_id)
            self._expect(run_id, "running", "a write that failed never records another outcome")
            attempts = flaky.doomed_attempts.get(run_id, 0)
            assert attempts == transitions.FINAL_WRITE_OTHER_ATTEMPTS, violated(
                "a write that waiting cannot cure gives up after its attempts", attempts
            )
            self.abandoned.add(run_id)

        @precondition(lambda self: bool(getattr(self, "abandoned", None)))
        @rule()
        def next_start_recovers_abandoned_runs(self) -> None:
            # As if this process had exited and another one opened the data folder.
            Run.update(owner_pid=2**22 + 13).where(Run.id.in_(list(self.abandoned))).execute()
            marked = set(transitions.mark_interrupted_runs(self.manager.owner))
            assert marked == self.abandoned, violated(
                "recovery marks exactly the runs of gone owners", (marked, self.abandoned)
            )
            for run_id in marked:
                run = self._expect(run_id, "failed", "recovery fails a gone owner's run")
                assert run.error == transitions.INTERRUPTED, violated(
                    "recovery says why", run.error
                )
            self.abandoned.clear()

        @rule(
            n=st.one_of(st.integers(1, 3), st.integers(9, 40)),
            error=st.sampled_from(["database is locked", "database or disk is full"]),
        )
        def status_writes_fail(self, n: int, error: str) -> None:
            # A lock held at completion (longer than any fixed budget), or a full disk: the
            # finished outcome is still the one recorded, once the database takes it.
            flaky.failures_left = n
            flaky.error = error

        @invariant()
        def terminal_statuses_never_change(self) -> None:
            if not hasattr(self, "manager"):
                return
            for run in Run.select(Run.id, Run.status):
                if run.id in self.terminal:
                    assert run.status == self.terminal[run.id], violated(
                        "a terminal status never changes",
                        f"run {run.id}: {self.terminal[run.id]} -> {run.status}",
                    )
                elif run.status in TERMINAL_STATUSES:
                    self.terminal[run.id] = run.status

        @invariant()
        def at_most_one_active_run_per_project(self) -> None:
            if not hasattr(self, "manager"):
                return
            for project_id in self.projects:
                count = (
                    Run.select()
                    .where((Run.project == project_id) & Run.status.in_(list(ACTIVE_STATUSES)))
                    .count()
                )
                assert count <= 1, violated("one active run per project", (project_id, count))

        @invariant()
        def no_memory_outlives_its_run(self) -> None:
            if not hasattr(self, "manager"):
                return

            def active_in_db() -> set[int]:
                query = Run.select(Run.id).where(Run.status.in_(list(ACTIVE_STATUSES)))
                return {r.id for r in query}

            # A worker that has just finalised drops its state when its signal arrives.
            qtbot.waitUntil(
                lambda: set(self.manager.active_run_ids()) <= active_in_db(), timeout=WAIT_MS
            )
            # And every active run is one this process can still cancel (but the abandoned
            # ones, which only recovery ends).
            lost = active_in_db() - self.abandoned - set(self.manager.active_run_ids())
            assert not lost, violated("every active run has a live worker or is abandoned", lost)
            assert not self.abandoned & set(self.manager.active_run_ids()), violated(
                "an abandoned run holds no memory", self.abandoned
            )

    run_state_machine_as_test(RunLifecycle, settings=settings.get_profile("run-lifecycle"))
