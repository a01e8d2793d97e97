"""Run transitions against a real SQLite file."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

import peewee
import pytest

from genglossary_gui.store import notify, transitions
from genglossary_gui.store.database import BUSY, db, init_db, integrity_ok, schema_version
from genglossary_gui.store.models import Run, RunStatus
from genglossary_gui.store.owner import Owner, current_owner
from genglossary_gui.store.transitions import (
    CancelResult,
    Outcome,
    RunAlreadyActive,
    TransitionResult,
)
from tests.helpers import new_project, raw_status, status_of, write_lock, write_past_a_lock

ME = current_owner()


def _run(project_id: int, running: bool = False) -> int:
    run_id = transitions.create_run(project_id, "extract", ME)
    if running:
        assert transitions.mark_running(run_id) is TransitionResult.UPDATED
    return run_id


def test_schema_is_migrated_and_reopening_is_harmless(data_dir: Path) -> None:
    from genglossary_gui.store.migrations import MIGRATIONS

    assert schema_version() == len(MIGRATIONS)
    init_db(data_dir)
    assert schema_version() == len(MIGRATIONS)
    assert integrity_ok()


def test_happy_path_pending_running_completed(data_dir: Path) -> None:
    run_id = _run(new_project())
    assert status_of(run_id) == "pending"
    assert transitions.mark_running(run_id) is TransitionResult.UPDATED
    assert transitions.mark_completed(run_id, "3 terms") is TransitionResult.UPDATED
    run = Run.get_by_id(run_id)
    assert (run.status, run.summary) == ("completed", "3 terms")
    assert run.started_at is not None and run.finished_at is not None
    assert run.finished_at >= run.started_at


def test_results_distinguish_not_found_and_wrong_state(data_dir: Path) -> None:
    run_id = _run(new_project())
    assert transitions.mark_completed(run_id) is TransitionResult.WRONG_STATE  # still pending
    assert transitions.mark_running(9999) is TransitionResult.NOT_FOUND
    assert transitions.mark_failed(9999, "x") is TransitionResult.NOT_FOUND
    assert transitions.mark_running(0) is TransitionResult.NOT_FOUND  # runs after it exist


@pytest.mark.parametrize("final", ["completed", "cancelled", "failed"])
def test_terminal_status_is_never_overwritten(data_dir: Path, final: str) -> None:
    run_id = _run(new_project(), running=True)
    outcome = Outcome(RunStatus(final), error="boom" if final == "failed" else "")
    assert transitions.finalize_run(run_id, outcome).result is TransitionResult.UPDATED
    for attempt in (
        lambda: transitions.mark_running(run_id),
        lambda: transitions.mark_completed(run_id),
        lambda: transitions.mark_cancelled(run_id),
        lambda: transitions.mark_failed(run_id, "late failure"),
        lambda: transitions.cancel_pending(run_id),
    ):
        assert attempt() is TransitionResult.WRONG_STATE
    assert status_of(run_id) == final


def test_failed_never_replaces_completed_or_cancelled(data_dir: Path) -> None:
    done = _run(new_project("a"), running=True)
    stopped = _run(new_project("b"), running=True)
    transitions.mark_completed(done)
    transitions.mark_cancelled(stopped)
    assert transitions.mark_failed(done, "x") is TransitionResult.WRONG_STATE
    assert transitions.mark_failed(stopped, "x") is TransitionResult.WRONG_STATE
    assert (status_of(done), status_of(stopped)) == ("completed", "cancelled")
    assert Run.get_by_id(done).error == ""


def test_late_cancel_after_pipeline_finished_keeps_completed(data_dir: Path) -> None:
    run_id = _run(new_project(), running=True)
    # The pipeline returned; the user's cancel is recorded a moment later...
    assert transitions.request_cancel(run_id) is TransitionResult.UPDATED
    # ...and the outcome decided from the pipeline's return still wins.
    result = transitions.finalize_run(run_id, Outcome(RunStatus.COMPLETED, summary="ok"))
    assert result.result is TransitionResult.UPDATED
    assert status_of(run_id) == "completed"
    # A cancel aimed at the finished run changes nothing and says so.
    assert transitions.cancel_run_row(run_id) is CancelResult.TOO_LATE
    assert status_of(run_id) == "completed"


def test_pipeline_stopped_on_cancel_ends_cancelled(data_dir: Path) -> None:
    run_id = _run(new_project(), running=True)
    assert transitions.cancel_run_row(run_id) is CancelResult.REQUESTED
    assert status_of(run_id) == "running"  # a request only; the owner decides
    transitions.finalize_run(run_id, Outcome(RunStatus.CANCELLED))
    assert status_of(run_id) == "cancelled"


def test_pending_cancel_is_immediate_and_blocks_start(data_dir: Path) -> None:
    run_id = _run(new_project())
    assert transitions.cancel_run_row(run_id) is CancelResult.CANCELLED
    assert transitions.mark_running(run_id) is TransitionResult.WRONG_STATE
    assert status_of(run_id) == "cancelled"
    assert transitions.cancel_run_row(12345) is CancelResult.NOT_FOUND


def test_one_active_run_per_project(data_dir: Path) -> None:
    a, b = new_project("a"), new_project("b")
    first = _run(a)
    with pytest.raises(RunAlreadyActive) as info:
        _run(a)
    assert info.value.run_id == first
    other = _run(b)  # other projects are independent
    transitions.mark_running(first)
    with pytest.raises(RunAlreadyActive):
        _run(a)
    transitions.mark_completed(first)
    assert _run(a) > other  # free again once terminal


def test_second_process_cannot_start_a_second_active_run(data_dir: Path) -> None:
    project = new_project()
    _run(project)
    code = (
        "import sys\n"
        "from genglossary_gui.store.folder import open_data_folder\n"
        "from genglossary_gui.store import transitions\n"
        "from genglossary_gui.store.owner import current_owner\n"
        "open_data_folder(sys.argv[1])\n"
        "try:\n"
        f"    transitions.create_run({project}, 'extract', current_owner())\n"
        "except transitions.RunAlreadyActive:\n"
        "    sys.exit(3)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3, proc.stderr
    assert Run.select().count() == 1


def test_final_write_blocked_by_lock_is_retried_on_fresh_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    init_db(data, busy_timeout_ms=50)
    run_id = _run(new_project(), running=True)
    # The connection each attempt wrote on (kept alive here, so no two can share an id).
    attempts: list[object] = []
    real_write = transitions._write_outcome
    refused = threading.Event()

    def spy(run: int, outcome: Outcome) -> TransitionResult:
        attempts.append(db.connection())
        return real_write(run, outcome)

    def told(attempt: int, reason: str) -> None:
        refused.set()  # the first attempt was refused by the lock: let it go now

    monkeypatch.setattr(transitions, "_write_outcome", spy)
    results: list[transitions.FinalizeResult] = []
    outcome = Outcome(RunStatus.COMPLETED, summary="done")

    def finalize() -> None:
        results.append(
            transitions.finalize_run(
                run_id, outcome, attempts=50, first_delay_s=0.02, max_delay_s=0.05, on_wait=told
            )
        )

    with write_lock(data):
        worker = threading.Thread(target=finalize)
        worker.start()
        assert refused.wait(10), "the final write was never refused by the lock"
    worker.join(10)
    assert not worker.is_alive()
    (result,) = results
    assert result.result is TransitionResult.UPDATED
    assert result.attempts == len(attempts) > 1
    assert "locked" in result.last_error
    assert raw_status(data, run_id) == "completed"
    # Every retry ran on a connection of its own, not the one the lock refused.
    assert all(a is not b for a, b in itertools.pairwise(attempts)), attempts


def test_noop_final_write_is_not_retried(data_dir: Path) -> None:
    run_id = _run(new_project(), running=True)
    transitions.mark_cancelled(run_id)
    result = transitions.finalize_run(run_id, Outcome(RunStatus.COMPLETED))
    assert (result.result, result.attempts) == (TransitionResult.WRONG_STATE, 1)
    missing = transitions.finalize_run(4242, Outcome(RunStatus.FAILED, error="x"))
    assert (missing.result, missing.attempts) == (TransitionResult.NOT_FOUND, 1)


def test_failed_write_never_changes_the_outcome(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init_db(data, busy_timeout_ms=20)
    run_id = _run(new_project(), running=True)
    with write_lock(data), pytest.raises(transitions.FinalizeError):
        transitions.finalize_run(
            run_id, Outcome(RunStatus.COMPLETED), attempts=3, first_delay_s=0.01
        )
    # Never recorded as failed because a write failed: still running, to be retried/recovered.
    assert raw_status(data, run_id) == "running"


def test_stored_errors_are_short_and_free_of_absolute_paths(data_dir: Path) -> None:
    run_id = _run(new_project())
    transitions.mark_failed(run_id, "Cannot read /home/alice/secret/plan.md:\n" + "x" * 1000)
    error = Run.get_by_id(run_id).error
    assert "/home/alice" not in error and "plan.md" in error
    assert "\n" not in error and len(error) <= 400


def test_interrupted_runs_of_dead_owners_are_failed(data_dir: Path) -> None:
    p1, p2, p3 = new_project("a"), new_project("b"), new_project("c")
    dead = Owner(ME.host, 2**22 + 7, 1.0)  # no such process
    recycled = Owner(ME.host, ME.pid, ME.started - 1000)  # our pid, but another start time
    remote_stale = Owner("another-host", 42, 1.0)
    runs = {
        "dead": transitions.create_run(p1, "extract", dead),
        "recycled": transitions.create_run(p2, "extract", recycled),
        "remote": transitions.create_run(p3, "extract", remote_stale),
    }
    Run.update(heartbeat_at=time.time() - 3600).where(Run.id == runs["remote"]).execute()
    mine = transitions.create_run(new_project("d"), "extract", ME)
    marked = transitions.mark_interrupted_runs(Owner("checker", 1, 1.0))
    assert sorted(marked) == sorted(runs.values())
    for run_id in runs.values():
        run = Run.get_by_id(run_id)
        assert run.status == "failed" and run.error.startswith("Interrupted")
    assert status_of(mine) == "pending"  # a live owner's run is never touched


def test_remote_owner_with_fresh_heartbeat_is_left_alone(data_dir: Path) -> None:
    run_id = transitions.create_run(new_project(), "extract", Owner("another-host", 42, 1.0))
    assert transitions.mark_interrupted_runs(ME) == []
    assert status_of(run_id) == "pending"


def test_notifications_come_after_commit(data_dir: Path) -> None:
    seen: list[tuple[str, str]] = []
    run_id = _run(new_project())

    def listener(change: notify.Change) -> None:
        if change.table == "run":
            seen.append((change.table, raw_status(data_dir, change.ids[0])))

    unsubscribe = notify.subscribe(listener)
    try:
        transitions.mark_running(run_id)
        transitions.mark_completed(run_id)
        transitions.mark_failed(run_id, "no-op")  # no change, no notification
    finally:
        unsubscribe()
    assert seen == [("run", "running"), ("run", "completed")]


def test_locked_error_is_recognised() -> None:
    from genglossary_gui.store.database import is_locked_error

    assert is_locked_error(peewee.OperationalError("database is locked"))
    assert not is_locked_error(peewee.OperationalError("no such table: run"))


def test_version_1_database_is_migrated_forward(tmp_path: Path) -> None:
    import sqlite3

    from genglossary_gui.store.migrations import MIGRATIONS
    from genglossary_gui.store.models import Project

    data = tmp_path / "data"
    data.mkdir()
    # A folder written by the first release: schema 1 with one project.
    db.init(str(data / "genglossary.sqlite3"))
    with db.connection_context():
        MIGRATIONS[0](db)
        db.execute_sql("PRAGMA user_version = 1")
    conn = sqlite3.connect(data / "genglossary.sqlite3")
    conn.execute(
        "INSERT INTO project (name, source_dir, language, engine, created_at) "
        "VALUES ('Old', '/home/u/docs', 'ja', 'builtin', 0)"
    )
    conn.commit()
    conn.close()
    init_db(data)
    assert schema_version() == len(MIGRATIONS)
    project = Project.get(Project.name == "Old")
    assert project.source_paths() == ["/home/u/docs"]
    assert project.language == "ja"
    assert integrity_ok()


def test_database_from_a_newer_version_is_refused(data_dir: Path) -> None:
    from genglossary_gui.store.database import DatabaseError

    db.execute_sql("PRAGMA user_version = 99")
    with pytest.raises(DatabaseError, match="newer GenGlossary"):
        init_db(data_dir)


def test_curation_survives_reextraction_whatever_the_casing(data_dir: Path) -> None:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Term

    project = new_project()
    repo.replace_candidate_terms(
        project,
        [repo.TermRecord("Kubernetes", "en", 3, 4, 1), repo.TermRecord("pod", "en", 2, 3, 1)],
    )
    Term.update(status="excluded").where(Term.text == "Kubernetes").execute()
    Term.update(user_notes="our smallest unit").where(Term.text == "pod").execute()
    # The corpus changed; the display form is lower case now.
    repo.replace_candidate_terms(project, [repo.TermRecord("kubernetes", "en", 5, 9, 2)])
    rows = {t.text: t for t in Term.select()}
    assert set(rows) == {"Kubernetes", "pod"}
    assert rows["Kubernetes"].status == "excluded" and rows["Kubernetes"].frequency == 9
    assert rows["pod"].user_notes == "our smallest unit"  # no longer found, but curated: kept


def _finished_with_a_glossary(project_id: int) -> int:
    from genglossary_gui.pipeline.data import Entry
    from genglossary_gui.store import repositories as repo

    run_id = _run(project_id, running=True)
    entry = Entry("replica", "en", "A replica is a copy.", "definition", "a.md", 1, 0.9)
    repo.save_entries(project_id, run_id, "refined", [entry])
    # Failed after writing: finished, with a glossary, and not made current by finishing.
    assert transitions.mark_failed(run_id, "the review broke")
    return run_id


def test_promoting_makes_a_finished_runs_glossary_current_whatever_was_current(
    data_dir: Path,
) -> None:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.transitions import PromoteResult

    project = new_project()
    first = _finished_with_a_glossary(project)
    assert repo.current_run(project) is None
    assert transitions.promote_run(first) is PromoteResult.PROMOTED  # none was current
    assert repo.current_run(project) == first
    assert transitions.promote_run(first) is PromoteResult.ALREADY
    second = _finished_with_a_glossary(project)
    assert repo.current_run(project) == first
    assert transitions.promote_run(second) is PromoteResult.PROMOTED  # another was current
    assert repo.current_run(project) == second
    assert transitions.promote_run(first) is PromoteResult.PROMOTED  # and back
    assert repo.current_run(project) == first
    assert transitions.promote_run(9999) is PromoteResult.NOT_FOUND
    empty = _run(project, running=True)  # after runs with glossaries, none of its own
    transitions.mark_failed(empty, "broke before writing")
    assert transitions.promote_run(empty) is PromoteResult.NO_GLOSSARY
    assert repo.current_run(project) == first


def test_a_stored_error_is_cut_only_when_longer_than_its_limit(data_dir: Path) -> None:
    limit = transitions._MAX_ERROR_CHARS
    assert transitions.clean_error("e" * limit) == "e" * limit
    cut = transitions.clean_error("e" * (limit + 1))
    assert len(cut) == limit and cut.endswith("…")


def test_cancel_requests_are_read_only_for_the_runs_asked_about(data_dir: Path) -> None:
    asked_for = _run(new_project("a"), running=True)
    not_asked = _run(new_project("b"), running=True)
    other_requested = _run(new_project("c"), running=True)
    untouched_other = _run(new_project("d"), running=True)
    assert transitions.request_cancel(asked_for) and transitions.request_cancel(other_requested)
    assert transitions.cancel_requested_among([asked_for, not_asked]) == [asked_for]
    assert transitions.cancel_requested_among([not_asked]) == []
    assert transitions.cancel_requested_among([]) == []
    assert untouched_other not in transitions.cancel_requested_among([asked_for, not_asked])


def test_a_run_for_a_missing_project_or_a_busy_one_is_refused_with_the_right_reason(
    data_dir: Path,
) -> None:
    first, busy, last = new_project("first"), new_project("busy"), new_project("last")
    transitions.mark_cancelled(_run(last))  # finished runs of other projects come first
    earlier_active = _run(first)  # an active run of another project, before busy's
    transitions.mark_cancelled(_run(busy))  # and a finished one of busy's own
    active = _run(busy, running=True)
    _run(last)  # and one after it
    with pytest.raises(RunAlreadyActive) as caught:
        transitions.create_run(busy, "extract", ME)
    assert (caught.value.project_id, caught.value.run_id) == (busy, active)
    assert earlier_active != active
    for missing in (0, 999):  # below and above the projects that exist
        with pytest.raises(transitions.ProjectNotFound):
            transitions.create_run(missing, "extract", ME)
    # The message names the active run when one was found, and says nothing it does not know.
    assert str(caught.value) == f"This project already has an active run (run {active})."
    assert str(RunAlreadyActive(busy, None)) == "This project already has an active run."


def test_promoting_a_run_that_is_gone_finds_no_run(data_dir: Path) -> None:
    from genglossary_gui.store.transitions import PromoteResult

    project = new_project()
    gone = _finished_with_a_glossary(project)
    later = _finished_with_a_glossary(project)
    Run.delete().where(Run.id == gone).execute()
    assert transitions.promote_run(gone) is PromoteResult.NOT_FOUND
    from genglossary_gui.store import repositories as repo

    assert repo.current_run(project) is None and later


def test_progress_and_heartbeats_touch_only_the_runs_named_and_still_active(
    data_dir: Path,
) -> None:
    finished = _run(new_project("old"), running=True)
    transitions.mark_failed(finished, "long ago")
    mine = _run(new_project("a"), running=True)
    other = _run(new_project("b"), running=True)
    done = _run(new_project("c"), running=True)
    transitions.mark_completed(done)
    transitions.update_progress(mine, "extract", 3, 10)
    transitions.update_progress(done, "extract", 5, 10)  # too late: it finished
    rows = {r.id: r for r in Run.select()}
    assert (rows[mine].step, rows[mine].progress_done, rows[mine].progress_total) == (
        "extract",
        3,
        10,
    )
    assert rows[other].progress_done == 0 and rows[done].progress_done == 0
    Run.update(heartbeat_at=0.0).execute()
    assert transitions.refresh_heartbeats([mine, done]) == 1
    beats = {r.id: r.heartbeat_at for r in Run.select()}
    assert (beats[mine] or 0.0) > 0.0 and beats[other] == 0.0 and beats[done] == 0.0
    assert beats[finished] == 0.0


def test_a_final_write_refused_for_a_reason_time_does_not_cure_gives_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An unopenable database, or one without our tables: after FINAL_WRITE_OTHER_ATTEMPTS,
    whatever budget the caller gives, never forever."""
    init_db(tmp_path / "data")
    run_id = _run(new_project(), running=True)
    empty = tmp_path / "empty.db"
    empty.touch()
    other = transitions.FINAL_WRITE_OTHER_ATTEMPTS
    # The caller's budget: larger (the cap holds), smaller (it is kept), none (the cap).
    for path, budget, made in [
        (tmp_path / "no such folder" / "x.db", 50, other),
        (empty, 50, other),
        (empty, 3, 3),
        (empty, None, other),
    ]:
        db.close()
        db.init(str(path))
        caplog.clear()
        with pytest.raises(transitions.FinalizeError) as caught:
            transitions.finalize_run(
                run_id,
                Outcome(RunStatus.COMPLETED),
                attempts=budget,
                first_delay_s=0.001,
                max_delay_s=0.001,
            )
        assert f"after {made} attempts" in str(caught.value)
        refusals = [r.getMessage() for r in caplog.records if "write failed" in r.getMessage()]
        assert len(refusals) == made and all(m.endswith("(not a lock)") for m in refusals)
    init_db(tmp_path / "data")
    assert status_of(run_id) == "running"  # left to be retried or recovered, never "failed"


def test_a_waiting_final_write_is_told_at_its_first_refusal_then_every_tenth(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    init_db(data, busy_timeout_ms=1)
    run_id = _run(new_project(), running=True)
    told: list[int] = []
    reasons: set[str] = set()
    release = threading.Event()

    def on_wait(attempt: int, reason: str) -> None:
        told.append(attempt)
        reasons.add(reason)
        if attempt >= 20:
            release.set()

    results: list[transitions.FinalizeResult] = []

    def finalize() -> None:
        results.append(
            transitions.finalize_run(
                run_id,
                Outcome(RunStatus.COMPLETED),
                first_delay_s=0.001,
                max_delay_s=0.001,
                on_wait=on_wait,
            )
        )

    with write_lock(data):
        worker = threading.Thread(target=finalize)
        worker.start()
        assert release.wait(10), told
    worker.join(30)
    assert told[:3] == [1, 10, 20]
    assert reasons == {BUSY}  # the plain words, not SQLite's
    assert results and results[0].result is TransitionResult.UPDATED
    refusals = [
        r.getMessage() for r in caplog.records if "final status write failed" in r.getMessage()
    ]
    assert refusals and not any("(not a lock)" in m for m in refusals)


def test_the_final_write_backs_off_between_attempts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init_db(data, busy_timeout_ms=1)
    run_id = _run(new_project(), running=True)
    started = time.monotonic()
    with write_lock(data), pytest.raises(transitions.FinalizeError):
        transitions.finalize_run(
            run_id, Outcome(RunStatus.COMPLETED), attempts=4, first_delay_s=0.1, max_delay_s=0.1
        )
    # Three waits of 0.1 s between four attempts (a sleep is never shorter than asked).
    assert time.monotonic() - started >= 0.3


def test_a_run_without_a_glossary_never_becomes_current_by_completing(data_dir: Path) -> None:
    from genglossary_gui.store import repositories as repo

    extract_only = _run(new_project("extracting"), running=True)
    _finished_with_a_glossary(new_project("later"))  # a later run that wrote entries
    assert transitions.mark_completed(extract_only)
    assert repo.current_run(repo.run_project(extract_only) or 0) is None


def test_promoting_a_run_changes_its_own_projects_glossary(data_dir: Path) -> None:
    from genglossary_gui.store import repositories as repo

    first, second = new_project("first"), new_project("second")
    ours = _finished_with_a_glossary(first)
    theirs = _finished_with_a_glossary(second)
    assert transitions.promote_run(theirs)  # the later project's: the earlier one untouched
    assert (repo.current_run(first), repo.current_run(second)) == (None, theirs)
    later = _finished_with_a_glossary(second)
    assert transitions.promote_run(ours)  # the earlier project's: the later one untouched
    assert (repo.current_run(first), repo.current_run(second)) == (ours, theirs)
    assert later != theirs


def test_a_run_without_a_glossary_cannot_be_promoted_past_a_later_one_with_one(
    data_dir: Path,
) -> None:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.transitions import PromoteResult

    project = new_project()
    empty = _run(project, running=True)
    assert transitions.mark_failed(empty, "broke before writing")
    later = _finished_with_a_glossary(project)
    assert transitions.promote_run(empty) is PromoteResult.NO_GLOSSARY
    assert repo.current_run(project) is None and later


def test_completing_a_run_with_a_glossary_makes_it_current_in_its_own_project_alone(
    data_dir: Path,
) -> None:
    from genglossary_gui.pipeline.data import Entry
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.vocabulary import Topic

    before, middle, after = new_project("before"), new_project("middle"), new_project("after")
    run_id = _run(middle, running=True)
    entry = Entry("replica", "en", "A replica is a copy.", "definition", "a.md", 1, 0.9)
    repo.save_entries(middle, run_id, "refined", [entry])
    changes: list[notify.Change] = []
    unsubscribe = notify.subscribe(changes.append)
    try:
        assert transitions.mark_completed(run_id, "done")
    finally:
        unsubscribe()
    assert [repo.current_run(p) for p in (before, middle, after)] == [None, run_id, None]
    # The views of that project hear that its current glossary changed.
    assert notify.Change(Topic.PROJECT, (middle,)) in changes


def test_recovery_fails_a_dead_owners_active_run_and_never_its_finished_ones(
    data_dir: Path,
) -> None:
    dead = Owner(ME.host, 2**22 + 7, 1.0)
    finished = {}
    for status in ("completed", "cancelled"):
        run_id = transitions.create_run(new_project(status), "extract", dead)
        transitions.mark_running(run_id)
        if status == "completed":
            transitions.mark_completed(run_id, "done")
        else:
            transitions.mark_cancelled(run_id)
        finished[run_id] = status
    # Finished runs of other owners: this process, another on this host, another host.
    for owner in (ME, Owner(ME.host, 2**22 + 9, 1.0), Owner("another-host", 42, 1.0)):
        run_id = transitions.create_run(new_project(f"{owner}"), "extract", owner)
        transitions.mark_running(run_id)
        transitions.mark_completed(run_id, "done")
        finished[run_id] = "completed"
    mine = _run(new_project("mine"))  # our own active run, met first (pending, older)
    orphan = transitions.create_run(new_project("orphan"), "extract", dead)
    assert transitions.mark_interrupted_runs(ME) == [orphan]
    assert status_of(orphan) == "failed" and status_of(mine) == "pending"
    for run_id, status in finished.items():
        assert status_of(run_id) == status


@pytest.mark.parametrize(
    "write", ["create_run", "mark_running", "cancel_pending", "request_cancel", "promote_run"]
)
def test_a_run_transition_waits_out_another_process_writing(tmp_path: Path, write: str) -> None:
    from genglossary_gui.store import repositories as repo

    data = tmp_path / "data"
    init_db(data, busy_timeout_ms=20)  # SQLite's own wait ends at once
    project = new_project()
    if write == "promote_run":
        existing: int | None = _finished_with_a_glossary(project)
    else:
        existing = _run(project) if write != "create_run" else None

    def transition() -> int:
        if existing is None:
            return transitions.create_run(project, "extract", ME)
        assert getattr(transitions, write)(existing)  # UPDATED, or PROMOTED
        return existing

    run_id = write_past_a_lock(data, transition)
    expected = {
        "create_run": "pending",
        "mark_running": "running",
        "cancel_pending": "cancelled",
        "request_cancel": "pending",
        "promote_run": "failed",
    }
    assert status_of(run_id) == expected[write]
    if write == "request_cancel":
        assert transitions.cancel_requested_among([run_id]) == [run_id]
    if write == "promote_run":
        assert repo.current_run(project) == run_id


def test_recovery_never_overwrites_a_run_that_finished_while_its_owner_was_judged(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process cancels the dead owner's pending run between recovery's look at the
    row and its write: the cancel stands."""
    dead = Owner(ME.host, 2**22 + 7, 1.0)
    orphan = transitions.create_run(new_project(), "extract", dead)

    def judged_while_cancelled(owner: Owner) -> bool:
        assert transitions.cancel_pending(orphan) is TransitionResult.UPDATED
        return False

    monkeypatch.setattr(transitions, "owner_alive", judged_while_cancelled)
    assert transitions.mark_interrupted_runs(ME) == []
    assert status_of(orphan) == "cancelled"


@pytest.mark.parametrize("status", [RunStatus.PENDING, RunStatus.RUNNING])
def test_an_outcome_that_is_no_final_status_is_refused_and_writes_nothing(
    data_dir: Path, status: RunStatus
) -> None:
    run_id = _run(new_project(), running=True)
    with pytest.raises(ValueError, match="not a final status"):
        transitions.finalize_run(run_id, Outcome(status))
    assert status_of(run_id) == "running"
