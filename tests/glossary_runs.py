"""Run a scope in-process, as a RunWorker would, for tests that check outputs."""

from __future__ import annotations

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.steps import run_scope
from genglossary_gui.store import transitions
from genglossary_gui.store.owner import current_owner


def run_to_completion(project_id: int, scope: str) -> int:
    run_id = transitions.create_run(project_id, scope, current_owner())
    transitions.mark_running(run_id)
    summary = run_scope(project_id, scope, RunContext(run_id=run_id))
    assert transitions.mark_completed(run_id, summary)
    return run_id
