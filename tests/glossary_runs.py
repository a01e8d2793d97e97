"""Run a scope in-process, as a RunWorker would, for tests that check outputs."""

from __future__ import annotations

import time

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.owner import current_owner


class StoreReporter:
    """Persists log lines like a worker's reporter does (without Qt signals)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id

    def progress(self, step: str, done: int, total: int) -> None:
        pass

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        repo.append_logs(self.run_id, [repo.LogEntry(level, step, message, time.time())])


def run_to_completion(project_id: int, scope: str) -> int:
    run_id = transitions.create_run(project_id, scope, current_owner())
    transitions.mark_running(run_id)
    ctx = RunContext(reporter=StoreReporter(run_id), run_id=run_id)
    summary = run_scope_here(project_id, scope, ctx)
    assert transitions.mark_completed(run_id, summary)
    return run_id


def run_failing_at(project_id: int, scope: str, broken: str) -> int:
    """A run of ``scope``, in-process as its worker would run it, whose ``broken`` step fails
    after the steps before it saved their output; recorded failed. Returns its id."""
    from genglossary_gui.pipeline import steps

    def fails(project_id: int, ctx: RunContext, engine: object) -> str:
        raise steps.StepError(f"{broken} broke")

    real = steps.STEPS[broken]
    run_id = transitions.create_run(project_id, scope, current_owner())
    transitions.mark_running(run_id)
    ctx = RunContext(reporter=StoreReporter(run_id), run_id=run_id)
    steps.STEPS[broken] = fails
    try:
        run_scope_here(project_id, scope, ctx)
    except steps.StepError:
        pass
    else:
        raise AssertionError(f"the {scope} run did not reach its {broken} step")
    finally:
        steps.STEPS[broken] = real
    assert transitions.mark_failed(run_id, f"{broken} broke")
    return run_id
