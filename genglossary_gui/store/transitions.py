"""Run state transitions: each one conditional UPDATE whose row count says what happened.

States: pending -> running -> completed | failed | cancelled (the last three are terminal).

=================  ===================  ============================================
transition         from                 made by
=================  ===================  ============================================
create_run         (new row) pending    RunManager.start_run (owner process)
mark_running       pending              the run's worker, as it begins
cancel_pending     pending              any process (RunManager.cancel_run, CLI)
mark_completed     running              the run's worker: pipeline returned
mark_cancelled     pending, running     the run's worker: pipeline stopped on cancel (or the
                                        cancel came while it waited to start)
mark_failed        pending, running     the run's worker, or start-up failure
mark_interrupted   pending, running     any process, when the owner is gone
=================  ===================  ============================================

A terminal status is never overwritten. Notifications are published after the commit.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

import peewee
import tenacity

from genglossary_gui.retrying import Backoff
from genglossary_gui.store import notify
from genglossary_gui.store.database import DISK_FULL, db, explain, is_locked_error, patient
from genglossary_gui.store.models import (
    ACTIVE_STATUSES,
    GlossaryEntry,
    Project,
    Run,
    RunStatus,
    now,
)
from genglossary_gui.store.owner import Owner, current_owner, owner_alive
from genglossary_gui.vocabulary import Topic

log = logging.getLogger(__name__)

#: A run owned by another host is presumed dead when its heartbeat is older than this.
STALE_HEARTBEAT_S = 60.0
INTERRUPTED = "Interrupted: the process running it stopped before it finished."


class TransitionResult(Enum):
    UPDATED = "updated"
    NOT_FOUND = "not found"
    WRONG_STATE = "not in the expected state"

    def __bool__(self) -> bool:
        return self is TransitionResult.UPDATED


class RunAlreadyActive(RuntimeError):
    def __init__(self, project_id: int, run_id: int | None) -> None:
        self.project_id = project_id
        self.run_id = run_id
        which = f" (run {run_id})" if run_id else ""
        super().__init__(f"This project already has an active run{which}.")


class ProjectNotFound(LookupError):
    pass


def _classify(run_id: int, rows: int) -> TransitionResult:
    if rows:
        notify.publish(Topic.RUN, run_id)
        return TransitionResult.UPDATED
    if Run.select(Run.id).where(Run.id == run_id).exists():
        return TransitionResult.WRONG_STATE
    return TransitionResult.NOT_FOUND


def _transition(run_id: int, expected: Iterable[RunStatus], **fields: object) -> TransitionResult:
    rows = (
        Run.update(**fields)  # type: ignore[arg-type]
        .where((Run.id == run_id) & (Run.status.in_([s.value for s in expected])))
        .execute()
    )
    return _classify(run_id, rows)


@patient
def create_run(project_id: int, scope: str, owner: Owner, triggered_by: str = "user") -> int:
    """Insert a pending run owned by ``owner``. Raises RunAlreadyActive / ProjectNotFound."""
    t = now()
    try:
        run = Run.create(
            project=project_id,
            scope=scope,
            triggered_by=triggered_by,
            created_at=t,
            owner_host=owner.host,
            owner_pid=owner.pid,
            owner_started=owner.started,
            heartbeat_at=t,
        )
    except peewee.IntegrityError as exc:
        if not Project.select(Project.id).where(Project.id == project_id).exists():
            raise ProjectNotFound(f"Project {project_id} does not exist.") from exc
        active = (
            Run.select(Run.id)
            .where((Run.project == project_id) & (Run.status.in_(list(ACTIVE_STATUSES))))
            .scalar()
        )
        raise RunAlreadyActive(project_id, active) from exc
    notify.publish(Topic.RUN, run.id)
    return int(run.id)


@patient
def mark_running(run_id: int) -> TransitionResult:
    t = now()
    return _transition(
        run_id, [RunStatus.PENDING], status=RunStatus.RUNNING.value, started_at=t, heartbeat_at=t
    )


@patient
def cancel_pending(run_id: int) -> TransitionResult:
    t = now()
    return _transition(
        run_id,
        [RunStatus.PENDING],
        status=RunStatus.CANCELLED.value,
        finished_at=t,
        # Also tells the owner (maybe another process) to drop its queued worker.
        cancel_requested_at=t,
        summary="Cancelled before it started.",
    )


def mark_completed(run_id: int, summary: str = "") -> TransitionResult:
    """running -> completed. A run that wrote glossary entries becomes its project's current
    glossary in the same transaction: never before it completes (only the user's own
    :func:`promote_run` makes another run's glossary current)."""
    with db.atomic("IMMEDIATE"):
        rows = (
            Run.update(status=RunStatus.COMPLETED.value, finished_at=now(), summary=summary)
            .where((Run.id == run_id) & (Run.status == RunStatus.RUNNING.value))
            .execute()
        )
        project_id = None
        if rows and GlossaryEntry.select().where(GlossaryEntry.run == run_id).exists():
            project_id = Run.select(Run.project).where(Run.id == run_id).scalar()
            Project.update(current_run=run_id).where(Project.id == project_id).execute()
    result = _classify(run_id, rows)
    if project_id is not None:
        notify.publish(Topic.PROJECT, project_id)
    return result


class PromoteResult(Enum):
    PROMOTED = "its glossary is now the project's current one"
    ALREADY = "its glossary is already the current one"
    NOT_FOUND = "no such run"
    ACTIVE = "the run has not finished yet"
    NO_GLOSSARY = "the run wrote no glossary"

    def __bool__(self) -> bool:
        return self in (PromoteResult.PROMOTED, PromoteResult.ALREADY)


@patient
def promote_run(run_id: int) -> PromoteResult:
    """Make a finished run's glossary the project's current one, by the user's choice (a run
    kept aside because too many model requests failed, an older glossary, partial output)."""
    with db.atomic("IMMEDIATE"):
        run = Run.get_or_none(Run.id == run_id)
        if run is None:
            return PromoteResult.NOT_FOUND
        if RunStatus(run.status) in ACTIVE_STATUSES:
            return PromoteResult.ACTIVE
        if not GlossaryEntry.select().where(GlossaryEntry.run == run_id).exists():
            return PromoteResult.NO_GLOSSARY
        project_id = Run.select(Run.project).where(Run.id == run_id).scalar()
        rows = (
            Project.update(current_run=run_id)
            .where(
                (Project.id == project_id)
                & (Project.current_run.is_null() | (Project.current_run != run_id))
            )
            .execute()
        )
    if not rows:
        return PromoteResult.ALREADY
    notify.publish(Topic.PROJECT, project_id)
    return PromoteResult.PROMOTED


def mark_cancelled(run_id: int, summary: str = "") -> TransitionResult:
    """running (or still pending: the cancel came while its worker waited to start) ->
    cancelled."""
    return _transition(
        run_id,
        ACTIVE_STATUSES,
        status=RunStatus.CANCELLED.value,
        finished_at=now(),
        summary=summary,
    )


# An absolute POSIX path or Windows path; shortened to its last component in stored errors.
_ABS_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s/\\'\"]+[/\\])+([^\s/\\'\"]*)")
# A URL with a host ("http://127.0.0.1:8080/v1") is kept as it is: its path is no file of the
# user's. One without a host ("file:///home/…", "sqlite:////home/…") names a local file.
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/'\"][^\s'\"]*")
_MAX_ERROR_CHARS = 400


def clean_error(text: str) -> str:
    """A stored error: one line, short, no absolute paths (they can reveal user names)."""
    text = " ".join(text.split())
    parts = _URL.split(text)
    urls = _URL.findall(text)
    shortened = [_ABS_PATH.sub(lambda m: m.group(1) or "…", part) for part in parts]
    text = "".join(p + u for p, u in zip(shortened, [*urls, ""], strict=True))
    if len(text) > _MAX_ERROR_CHARS:
        text = text[: _MAX_ERROR_CHARS - 1] + "…"
    return text


def mark_failed(run_id: int, error: str) -> TransitionResult:
    return _transition(
        run_id,
        ACTIVE_STATUSES,
        status=RunStatus.FAILED.value,
        finished_at=now(),
        error=clean_error(error) or "Failed.",
    )


@patient
def request_cancel(run_id: int) -> TransitionResult:
    """Record on the row that someone asked to cancel; the owner acts on it."""
    return _transition(
        run_id,
        ACTIVE_STATUSES,
        cancel_requested_at=peewee.fn.COALESCE(Run.cancel_requested_at, now()),
    )


class CancelResult(Enum):
    CANCELLED = "cancelled before it started"
    REQUESTED = "cancel requested; the run stops at its next check point"
    TOO_LATE = "the run had already finished"
    NOT_FOUND = "no such run"

    def __bool__(self) -> bool:
        return self in (CancelResult.CANCELLED, CancelResult.REQUESTED)


def cancel_run_row(run_id: int) -> CancelResult:
    """Cancel through the database alone: a pending run at once, a running one by request.

    Works for a run owned by any process; its owner acts on the request within a tick.
    """
    result = cancel_pending(run_id)
    if result is TransitionResult.UPDATED:
        return CancelResult.CANCELLED
    if result is TransitionResult.NOT_FOUND:
        return CancelResult.NOT_FOUND
    requested = request_cancel(run_id)
    if requested is TransitionResult.UPDATED:
        return CancelResult.REQUESTED
    if requested is TransitionResult.NOT_FOUND:
        return CancelResult.NOT_FOUND
    return CancelResult.TOO_LATE


def update_progress(run_id: int, step: str, done: int, total: int) -> None:
    rows = (
        Run.update(step=step, progress_done=done, progress_total=total)
        .where((Run.id == run_id) & (Run.status == RunStatus.RUNNING.value))
        .execute()
    )
    if rows:
        # Not a transition: this process shows live progress from its workers' signals, and
        # other processes notice the commit through the database's change counter.
        notify.publish(Topic.RUN_PROGRESS, run_id)


def refresh_heartbeats(run_ids: Iterable[int]) -> int:
    ids = list(run_ids)
    if not ids:
        return 0
    return (
        Run.update(heartbeat_at=now())
        .where(Run.id.in_(ids) & Run.status.in_(list(ACTIVE_STATUSES)))
        .execute()
    )


def cancel_requested_among(run_ids: Iterable[int]) -> list[int]:
    ids = list(run_ids)
    if not ids:
        return []
    query = Run.select(Run.id).where(Run.id.in_(ids) & Run.cancel_requested_at.is_null(False))
    return [r.id for r in query]


def mark_interrupted_runs(
    me: Owner | None = None, stale_after_s: float = STALE_HEARTBEAT_S
) -> list[int]:
    """Mark failed every active run whose owner is gone. Never touches a live owner's run
    (``me``: this process, found only when there is an active run to compare it with)."""
    marked: list[int] = []
    query = Run.select(
        Run.id, Run.owner_host, Run.owner_pid, Run.owner_started, Run.heartbeat_at
    ).where(Run.status.in_(list(ACTIVE_STATUSES)))
    active = list(query)
    if active and me is None:
        me = current_owner()
    for run in active:
        owner = Owner(run.owner_host, run.owner_pid, run.owner_started)
        if owner == me:
            continue
        alive = owner_alive(owner)
        if alive is None:  # another host: only the heartbeat can tell
            alive = run.heartbeat_at is not None and now() - run.heartbeat_at < stale_after_s
        if alive:
            continue
        rows = (
            Run.update(status=RunStatus.FAILED.value, finished_at=now(), error=INTERRUPTED)
            .where(
                (Run.id == run.id)
                & Run.status.in_(list(ACTIVE_STATUSES))
                # The owner must not have changed since we looked.
                & (Run.owner_pid == owner.pid)
                & (Run.owner_host == owner.host)
            )
            .execute()
        )
        if rows:
            marked.append(run.id)
            notify.publish(Topic.RUN, run.id)
    return marked


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pipeline's end means for its run, decided before anything is written."""

    status: RunStatus
    error: str = ""
    summary: str = ""


@dataclass(frozen=True, slots=True)
class FinalizeResult:
    result: TransitionResult
    attempts: int
    last_error: str = ""


def _write_outcome(run_id: int, outcome: Outcome) -> TransitionResult:
    if outcome.status is RunStatus.COMPLETED:
        return mark_completed(run_id, outcome.summary)
    if outcome.status is RunStatus.CANCELLED:
        return mark_cancelled(run_id, outcome.summary)
    if outcome.status is RunStatus.FAILED:
        return mark_failed(run_id, outcome.error)
    raise ValueError(f"not a final status: {outcome.status}")


#: Back-off of the final status write: the first wait, doubling up to the longest.
FINAL_WRITE_FIRST_DELAY_S = 0.05
FINAL_WRITE_MAX_DELAY_S = 2.0
#: Attempts for failures that waiting does not cure (a read-only or vanished data folder, an
#: I/O error): after these the write gives up and the row is left to recovery.
FINAL_WRITE_OTHER_ATTEMPTS = 8


def _passes_with_time(exc: BaseException) -> bool:
    """A lock (another writer finishes) or a full disk (the user frees space)."""
    return is_locked_error(exc) or explain(exc) == DISK_FULL


def finalize_run(
    run_id: int,
    outcome: Outcome,
    *,
    attempts: int | None = None,
    first_delay_s: float | None = None,
    max_delay_s: float | None = None,
    on_wait: Callable[[int, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FinalizeResult:
    """Write ``outcome``, retrying on a fresh connection until the database takes it.

    A finished run's outcome is never given up while this process lives and the failure is
    one that time cures (a lock, a full disk): there is no attempt budget for those
    (``attempts`` bounds it for callers that cannot wait; ``should_stop`` ends the wait, e.g.
    when the application quits). Other failures (read-only folder, I/O error) give up after
    ``FINAL_WRITE_OTHER_ATTEMPTS``. ``on_wait(attempt, reason)`` is told
    after the first refusal and then every ten, so the user hears why the run has not ended.
    A no-op (the run was already terminal, or is gone) is an answer, not a failure: it is not
    retried. The outcome itself never changes: a failed write does not turn success into
    failure.
    """
    state = _WriteState()

    def attempt() -> TransitionResult:
        state.attempts += 1
        try:
            db.connect(reuse_if_open=True)
            return _write_outcome(run_id, outcome)
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            state.last_error = str(exc)
            state.reason = explain(exc) or str(exc)
            state.curable = _passes_with_time(exc)
            log.warning(
                "run %s: final status write failed (attempt %d): %s%s",
                run_id,
                state.attempts,
                exc,
                "" if is_locked_error(exc) else " (not a lock)",
            )
            # Drop this thread's connection: a broken or wedged one must not be reused.
            with contextlib.suppress(peewee.PeeweeException):
                db.close()
            raise

    def told(retry: tenacity.RetryCallState) -> None:
        n = retry.attempt_number
        if on_wait is not None and (n == 1 or n % 10 == 0):
            on_wait(n, state.reason)

    def out_of_patience(retry: tenacity.RetryCallState) -> bool:
        budget = (
            attempts
            if state.curable
            else min(attempts or FINAL_WRITE_OTHER_ATTEMPTS, FINAL_WRITE_OTHER_ATTEMPTS)
        )
        n = retry.attempt_number
        return (budget is not None and n >= budget) or bool(should_stop and should_stop())

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type((peewee.OperationalError, peewee.InterfaceError)),
        stop=out_of_patience,
        wait=Backoff(
            FINAL_WRITE_FIRST_DELAY_S if first_delay_s is None else first_delay_s,
            FINAL_WRITE_MAX_DELAY_S if max_delay_s is None else max_delay_s,
        ),
        after=told,
        sleep=lambda seconds: _sleep_unless(seconds, should_stop),
    )
    try:
        result = retrying(attempt)
    except tenacity.RetryError:
        raise FinalizeError(run_id, outcome, state.attempts, state.last_error) from None
    return FinalizeResult(result, state.attempts, state.last_error)


@dataclass
class _WriteState:
    """What the attempts of one final write learnt, for the stop rule and the messages."""

    attempts: int = 0
    curable: bool = True
    last_error: str = ""
    reason: str = ""


def _sleep_unless(seconds: float, should_stop: Callable[[], bool] | None) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if should_stop is not None and should_stop():
            return
        time.sleep(min(left, 0.05))


class FinalizeError(RuntimeError):
    def __init__(self, run_id: int, outcome: Outcome, attempts: int, last_error: str) -> None:
        self.run_id = run_id
        self.outcome = outcome
        super().__init__(
            f"Could not record run {run_id} as {outcome.status.value} after {attempts} attempts: "
            f"{last_error}"
        )
