"""Runs and their logs: reads, log writes, and their rows for the views."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee

from genglossary_gui.store import notify
from genglossary_gui.store.database import db
from genglossary_gui.store.models import Project, Run, RunLog
from genglossary_gui.store.repositories._common import _tuples
from genglossary_gui.vocabulary import ACTIVE_STATUSES, Topic

# -- runs and their logs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEntry:
    level: str
    step: str
    message: str
    created_at: float


def append_logs(run_id: int, entries: Sequence[LogEntry]) -> None:
    if not entries:
        return
    with db.atomic():
        RunLog.insert_many(
            [
                {
                    "run": run_id,
                    "level": e.level,
                    "step": e.step,
                    "message": e.message,
                    "created_at": e.created_at,
                }
                for e in entries
            ]
        ).execute()
    notify.publish(Topic.RUN_LOG, run_id)


def read_log(run_id: int) -> list[LogEntry]:
    query = RunLog.select().where(RunLog.run == run_id).order_by(RunLog.id)
    return [LogEntry(r.level, r.step, r.message, r.created_at) for r in query]


def runs_of(project_id: int | None = None, limit: int | None = None) -> list[Run]:
    """Newest first, each with its project loaded (``run.project.name`` costs no query)."""
    query = Run.select(Run, Project).join(Project).order_by(Run.id.desc())
    if project_id is not None:
        query = query.where(Run.project == project_id)
    if limit:
        query = query.limit(limit)
    return list(query)


def get_run(run_id: int) -> Run | None:
    return Run.get_or_none(Run.id == run_id)


def run_project(run_id: int) -> int | None:
    """The project a run belongs to (None: the run was deleted)."""
    run = Run.select(Run.project).where(Run.id == run_id).first()
    return run.project_id if run is not None else None


# -- rows for the views (plain data, no ORM objects) -----------------------------------------


@dataclass(slots=True)
class RunRow:
    id: int
    project_id: int
    project_name: str
    scope: str
    status: str
    triggered_by: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    error: str
    summary: str
    step: str
    done: int
    total: int
    cancel_requested: bool

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


_RUN_ROW_FIELDS = (
    Run.id,
    Run.project,
    Project.name,
    Run.scope,
    Run.status,
    Run.triggered_by,
    Run.created_at,
    Run.started_at,
    Run.finished_at,
    Run.error,
    Run.summary,
    Run.step,
    Run.progress_done,
    Run.progress_total,
    Run.cancel_requested_at,
)


def _run_rows(query: peewee.ModelSelect[Run]) -> list[RunRow]:
    return [
        RunRow(*values[:14], cancel_requested=values[14] is not None) for values in _tuples(query)
    ]


def run_rows(
    project_id: int | None = None,
    *,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[RunRow]:
    """Runs newest first, optionally of one project, below ``before_id`` or above ``after_id``."""
    query = Run.select(*_RUN_ROW_FIELDS).join(Project).order_by(Run.id.desc())
    if project_id is not None:
        query = query.where(Run.project == project_id)
    if before_id is not None:
        query = query.where(Run.id < before_id)
    if after_id is not None:
        query = query.where(Run.id > after_id)
    if limit:
        query = query.limit(limit)
    return _run_rows(query)


def run_rows_by_id(run_ids: Iterable[int]) -> list[RunRow]:
    ids = list(run_ids)
    if not ids:
        return []
    return _run_rows(Run.select(*_RUN_ROW_FIELDS).join(Project).where(Run.id.in_(ids)))


def count_active_runs() -> int:
    return Run.select().where(Run.status.in_(list(ACTIVE_STATUSES))).count()


def read_log_after(
    run_id: int, after_log_id: int, limit: int | None = None
) -> list[tuple[int, LogEntry]]:
    """Log lines after ``after_log_id``, oldest first; with ``limit``, only the newest ones."""
    query = RunLog.select().where((RunLog.run == run_id) & (RunLog.id > after_log_id))
    if limit is None:
        rows = list(query.order_by(RunLog.id))
    else:
        rows = list(query.order_by(RunLog.id.desc()).limit(limit))[::-1]
    return [(r.id, LogEntry(r.level, r.step, r.message, r.created_at)) for r in rows]


def read_log_tail(run_id: int, lines: int) -> list[LogEntry]:
    return [entry for _, entry in read_log_after(run_id, 0, lines)]


def active_run_of(project_id: int) -> int | None:
    return (
        Run.select(Run.id)
        .where((Run.project == project_id) & Run.status.in_(list(ACTIVE_STATUSES)))
        .scalar()
    )
