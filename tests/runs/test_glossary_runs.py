"""A run's glossary becomes the project's only when the run completes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline import steps
from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.protocol import Engine
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Run
from tests.glossary_runs import run_to_completion
from tests.runs.conftest import ManagerFactory

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def project_with_glossary(data_dir: Path) -> tuple[int, int]:
    project = repo.create_project("storage", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    first = run_to_completion(project, "full")
    assert repo.current_run(project) == first
    return project, first


def _finish(qtbot: QtBot, manager: object, run_id: int) -> Run:
    qtbot.waitUntil(lambda: run_id not in manager.active_run_ids(), timeout=30_000)  # type: ignore[attr-defined]
    return Run.get_by_id(run_id)


def test_failed_full_run_keeps_previous_glossary_and_shows_partial_output(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    project_with_glossary: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, first = project_with_glossary
    before = repo.load_entries(first, "refined")

    def broken_refine(project_id: int, ctx: RunContext, engine: Engine) -> str:
        raise steps.StepError("refine broke")

    monkeypatch.setitem(steps.STEPS, "refine", broken_refine)
    manager = make_manager(run_scope_here)  # in-process: the patched step applies
    run_id = manager.start_run(project, "full")
    assert _finish(qtbot, manager, run_id).status == "failed"
    assert repo.current_run(project) == first
    assert repo.load_entries(first, "refined") == before
    # Its partial output (generate and review did run) stays viewable.
    assert run_id in [r.id for r in repo.glossary_runs(project)]
    assert repo.load_entries(run_id, "provisional")
    assert repo.load_issues(run_id)


def test_cancelled_full_run_keeps_previous_glossary(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    project_with_glossary: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, first = project_with_glossary
    real_refine = steps.STEPS["refine"]

    def slow_refine(project_id: int, ctx: RunContext, engine: Engine) -> str:
        ctx.token.wait(30)  # the user clicks Cancel while refining
        ctx.check()
        return real_refine(project_id, ctx, engine)

    monkeypatch.setitem(steps.STEPS, "refine", slow_refine)
    manager = make_manager(run_scope_here)
    run_id = manager.start_run(project, "full")
    qtbot.waitUntil(lambda: bool(repo.load_issues(run_id)), timeout=30_000)
    manager.cancel_run(run_id)
    assert _finish(qtbot, manager, run_id).status == "cancelled"
    assert repo.current_run(project) == first


def test_late_cancel_keeps_the_new_glossary(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    project_with_glossary: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, first = project_with_glossary
    real_refine = steps.STEPS["refine"]

    refining = threading.Event()

    def refine_past_last_check(project_id: int, ctx: RunContext, engine: Engine) -> str:
        refining.set()
        # Cancel arrives, but this step finishes its work anyway (a wait that merely timed
        # out would complete the run without any cancel: that must fail the test).
        if not ctx.token.wait(30):
            raise AssertionError("the cancel never reached the refine step")
        ctx.token = type(ctx.token)()  # past its last check point
        return real_refine(project_id, ctx, engine)

    monkeypatch.setitem(steps.STEPS, "refine", refine_past_last_check)
    manager = make_manager(run_scope_here)
    run_id = manager.start_run(project, "full")
    qtbot.waitUntil(refining.is_set, timeout=30_000)  # inside the last step, not before it
    manager.cancel_run(run_id)
    assert _finish(qtbot, manager, run_id).status == "completed"
    assert repo.current_run(project) == run_id != first
    assert repo.load_entries(run_id, "refined")


def test_review_alone_works_on_the_current_glossary(
    qtbot: QtBot, make_manager: ManagerFactory, project_with_glossary: tuple[int, int]
) -> None:
    project, first = project_with_glossary
    manager = make_manager()  # the real child-process pipeline
    run_id = manager.start_run(project, "review")
    assert _finish(qtbot, manager, run_id).status == "completed"
    assert repo.current_run(project) == run_id
    # The run holds a complete glossary of its own: the current one's entries and new issues.
    assert len(repo.load_entries(run_id, "provisional")) == len(repo.load_entries(first, "refined"))
    assert {i["type"] for i in repo.load_issues(run_id)} >= {"contradiction"}


def test_edit_survives_a_change_of_casing(data_dir: Path, tmp_path: Path) -> None:
    from genglossary_gui.pipeline.export import project_glossary

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Raft is a consensus algorithm. Raft elects a leader.\n")
    project = repo.create_project("p", [str(docs)])
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    repo.set_definition_edit(project, "Raft", "My words about Raft.")
    # A new document writes the term in lower case; the display form follows the corpus.
    (docs / "b.md").write_text("The raft log. The raft leader. The raft term. raft again.\n")
    run_to_completion(project, "import")
    run_id = run_to_completion(project, "full")
    rows = {r.term.casefold(): r for r in repo.glossary_rows(project, run_id)}
    assert rows["raft"].edited and rows["raft"].definition == "My words about Raft."
    exported = {e.term.casefold(): e for e in project_glossary(project)}
    assert exported["raft"].definition == "My words about Raft."
    assert exported["raft"].definition_kind == "edited"


def test_review_does_not_report_definition_problems_the_user_fixed(
    project_with_glossary: tuple[int, int],
) -> None:
    project, first = project_with_glossary
    unclear = {i["term"] for i in repo.load_issues(first) if i["type"] == "unclear"}
    assert "storage engine" in unclear
    repo.set_definition_edit(project, "storage engine", "The part that stores the pages.")
    run_id = run_to_completion(project, "review")
    issues = {(i["type"], i["term"]) for i in repo.load_issues(run_id)}
    assert ("unclear", "storage engine") not in issues
    assert ("contradiction", "checkpoint") in issues  # the others are still reported


def test_issues_say_what_refining_did(project_with_glossary: tuple[int, int]) -> None:
    _, first = project_with_glossary
    outcome = {(r.type, r.term): r.outcome for r in repo.issue_rows(first)}
    assert outcome[("duplicate", "WAL")] == "merged into write-ahead log"
    assert outcome[("unnecessary", "system")] == "dropped"
    assert outcome[("contradiction", "checkpoint")] == ""
