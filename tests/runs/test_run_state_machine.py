"""Stateful property test of the run lifecycle: random starts, cancels, finishes, crashes and
failing status writes, with the invariants checked after every step."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from pytestqt.qtbot import QtBot

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import ACTIVE_STATUSES, TERMINAL_STATUSES, Run
from genglossary_gui.store.transitions import RunAlreadyActive
from tests.helpers import GatedPipeline

PROJECTS = 3
WAIT_MS = 10_000


class FlakyFinalWrites:
    """Makes the next N final status writes fail as SQLite does when another process holds
    the write lock, or when the disk is full."""

    def __init__(self) -> None:
        self.failures_left = 0
        self.error = "database is locked"
        self._real = transitions._write_outcome

    def __call__(self, run_id: int, outcome: transitions.Outcome) -> transitions.TransitionResult:
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

    class RunLifecycle(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.tmp = Path(tempfile.mkdtemp(prefix="runs-sm-"))
            open_data_folder(self.tmp)
            self.projects = [repo.create_project(f"p{i}") for i in range(PROJECTS)]
            self.pipeline = GatedPipeline()
            # One thread, so runs also wait as pending and cancels hit queued workers.
            self.manager = RunManager(pipeline=self.pipeline, max_threads=1)
            self.terminal: dict[int, str] = {}
            self.runs: dict[int, int] = {}  # run id -> project id
            flaky.failures_left = 0

        def teardown(self) -> None:
            manager = getattr(self, "manager", None)
            if manager is not None:
                assert manager.shutdown(WAIT_MS)
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

        @rule(project=st.integers(0, PROJECTS - 1))
        def start(self, project: int) -> None:
            project_id = self.projects[project]
            active = self._active_run(project_id)
            try:
                run_id = self.manager.start_run(project_id, "extract")
            except RunAlreadyActive:
                assert active is not None
                return
            assert active is None
            self.runs[run_id] = project_id

        @rule(project=st.integers(0, PROJECTS - 1))
        def cancel(self, project: int) -> None:
            run_id = self._active_run(self.projects[project])
            if run_id is None:
                return
            assert self.manager.cancel_run(run_id)
            self._settle(run_id)
            assert Run.get_by_id(run_id).status == "cancelled"

        @rule(project=st.integers(0, PROJECTS - 1), how=st.sampled_from(["finish", "raise"]))
        def pipeline_ends(self, project: int, how: str) -> None:
            project_id = self.projects[project]
            run_id = self._active_run(project_id)
            if run_id is None:
                return

            def started_or_blocked() -> bool:
                if Run.get_by_id(run_id).status != "pending":
                    return True
                return self._other_running(run_id)

            # A queued run starts as soon as the only thread is free; if another run holds
            # the thread, this one cannot end yet.
            qtbot.waitUntil(started_or_blocked, timeout=WAIT_MS)
            if Run.get_by_id(run_id).status == "pending":
                return
            self.pipeline.release(project_id, how)
            self._settle(run_id)
            expected = "completed" if how == "finish" else "failed"
            assert Run.get_by_id(run_id).status == expected

        def _other_running(self, run_id: int) -> bool:
            return Run.select().where((Run.id != run_id) & (Run.status == "running")).exists()

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
                    assert run.status == self.terminal[run.id], f"run {run.id} changed"
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
                assert count <= 1

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
            # And every active run is one this process can still cancel.
            assert active_in_db() <= set(self.manager.active_run_ids())

    run_state_machine_as_test(
        RunLifecycle,
        settings=settings(
            max_examples=60,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
