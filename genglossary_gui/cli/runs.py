"""``genglossary run``, ``cancel``, ``runs`` and ``log``: runs of a project."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

from genglossary_gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    _fmt_duration,
    _fmt_time,
    _open,
    _print_glossary,
    _print_terms,
    _Progress,
    _project,
    _project_terms,
    safe,
)
from genglossary_gui.vocabulary import (
    ACTIVE_STATUSES,
    RunStatus,
    Scope,
)

if TYPE_CHECKING:
    from pathlib import Path

# Imports of what only some commands use stay in those commands: `cancel` and `runs` start
# with the store alone (tests/test_cli_startup.py).


def _wait_for_run(project_id: int, scope: str, args: argparse.Namespace) -> int:
    """Start a run in this process and drive it to its end with live progress."""
    import signal

    from PySide6.QtCore import QCoreApplication, QTimer

    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.store.database import StoreError, WritePatience, thread_write_patience
    from genglossary_gui.store.transitions import RunAlreadyActive

    app = QCoreApplication.instance() or QCoreApplication([])
    manager = RunManager(max_threads=1)
    progress = _Progress(sys.stderr, args.quiet)
    try:
        run_id = manager.start_run(project_id, scope, triggered_by="cli")
    except RunAlreadyActive as exc:
        manager.shutdown(0)
        raise CliError(str(exc)) from exc
    if args.report_run_id:
        print(run_id, flush=True)
        # The parent stops reading now; nothing more may go to its pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.dup2(devnull, sys.stderr.fileno())
    elif not args.quiet:
        print(f"Run {run_id} started ({scope}); Ctrl+C cancels it.", file=sys.stderr)

    interrupts = 0

    def on_sigint(_signum: int, _frame: object) -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            progress.log("info", f"Cancelling run {run_id}… (Ctrl+C again to stop waiting)")
            try:
                # At once or not at all: a Ctrl+C must not wait out another writer.
                with thread_write_patience(WritePatience(0.0)):
                    manager.cancel_run(run_id)
            except StoreError as exc:  # the database is busy: the run goes on
                progress.log("warning", f"Could not cancel yet ({exc}); press Ctrl+C again")
                if interrupts == 1:
                    interrupts = 0
        else:
            app.exit(EXIT_CANCELLED)

    previous = signal.signal(signal.SIGINT, on_sigint)
    # Python runs signal handlers only between bytecodes: wake it up regularly.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(50)
    manager.run_activity.connect(lambda _r, step_progress: progress.report(step_progress))
    manager.run_log.connect(lambda _r, level, _step, msg: progress.log(level, msg))
    manager.run_finished.connect(lambda rid: app.exit(0) if rid == run_id else None)
    try:
        if run_id in manager.active_run_ids():
            app.exec()
    finally:
        ticker.stop()
        signal.signal(signal.SIGINT, previous)
        # A second Ctrl+C means "stop waiting": give the run a moment, not ten seconds.
        manager.shutdown(10_000 if interrupts < 2 else 1000)
        progress.end_line()
    return _report_outcome(run_id, project_id, scope, args)


def _report_outcome(run_id: int, project_id: int, scope: str, args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    run = repo.get_run(run_id)
    if run is None:
        raise CliError(f"Run {run_id} disappeared (was its project deleted?).")
    if run.status == RunStatus.COMPLETED:
        if not args.quiet:
            print(f"Run {run_id} completed: {safe(run.summary)}", file=sys.stderr)
        if scope == Scope.EXTRACT:
            _print_terms(_project_terms(project_id, args.top or None), sys.stdout)
        elif scope in (Scope.FULL, Scope.GENERATE, Scope.REVIEW, Scope.REFINE):
            _print_glossary(project_id, args.top or None)
        return EXIT_OK
    if run.status == RunStatus.CANCELLED:
        print(f"Run {run_id} cancelled.", file=sys.stderr)
        return EXIT_CANCELLED
    if run.status in ACTIVE_STATUSES:
        print(
            f"Run {run_id} ended, but its result could not be recorded (the database stayed "
            "busy, or the disk full); it will show as interrupted.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(f"Run {run_id} {run.status}: {safe(run.error)}", file=sys.stderr)
    return EXIT_FAILED


def _start_in_background(args: argparse.Namespace, data_dir: Path) -> int:
    import subprocess

    from genglossary_gui.entry import own_command

    cmd = own_command(
        "--data-dir",
        str(data_dir),
        "run",
        "--scope",
        args.scope,
        "--wait",
        "--quiet",
        "--report-run-id",
        "--",  # a project may be named "-x"
        args.project,
    )
    detach: dict[str, object] = (
        {"start_new_session": True}
        if os.name == "posix"
        else {
            "creationflags": getattr(subprocess, "DETACHED_PROCESS", 0)
            | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        }
    )
    child = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        **detach,  # type: ignore[call-overload]
    )
    assert child.stdout is not None
    with child.stdout:
        # The child answers with its run id, or with its error, on one line.
        first = child.stdout.readline().strip()
    if not first.isdigit():
        child.wait(30)
        raise CliError(first.removeprefix("error: ") or "the background run could not start")
    # Deliberately not waited for: it outlives us. Mark it so Python does not warn about it.
    child.returncode = 0
    print(first)
    print(
        f"Run {first} is running in the background (process {child.pid}). "
        f"Follow it with `genglossary runs {args.project}`; stop it with "
        f"`genglossary cancel {first}`.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    data_dir = _open(args)
    project = _project(args.project)
    if not args.wait:
        return _start_in_background(args, data_dir)
    return _wait_for_run(project.id, args.scope, args)


def cmd_cancel(args: argparse.Namespace) -> int:
    from genglossary_gui.store.transitions import CancelResult, cancel_run_row

    _open(args)
    result = cancel_run_row(args.run_id)
    if result is CancelResult.NOT_FOUND:
        raise CliError(f"There is no run {args.run_id}.")
    if result is CancelResult.TOO_LATE:
        from genglossary_gui.store import repositories as repo

        run = repo.get_run(args.run_id)
        print(f"Run {args.run_id} had already finished ({run.status if run else '?'}).")
        return EXIT_OK
    print(f"Run {args.run_id}: {result.value}.")
    if args.no_wait or result is CancelResult.CANCELLED:
        return EXIT_OK
    # The repositories (every domain's reads, some 20 ms to import) only to read the row.
    from genglossary_gui.store import repositories as repo

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        run = repo.get_run(args.run_id)
        if run is not None and run.status not in ACTIVE_STATUSES:
            print(f"Run {args.run_id} {run.status}.")
            return EXIT_OK
        time.sleep(0.05)
    print(f"Run {args.run_id} has not stopped yet; its process may be busy.", file=sys.stderr)
    return EXIT_FAILED


def cmd_runs(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    _open(args)
    project_id = _project(args.project).id if args.project else None
    rows = repo.runs_of(project_id, args.limit)
    header = ["id", "project", "scope", "status", "started", "duration", "error"]
    table = [header]
    now = time.time()
    for r in rows:
        start = r.started_at
        end = r.finished_at or (now if r.status == RunStatus.RUNNING else None)
        duration = end - start if start and end else None
        table.append(
            [
                str(r.id),
                safe(r.project.name),
                r.scope,
                r.status,
                _fmt_time(r.started_at or r.created_at),
                _fmt_duration(duration),
                safe(r.error or ""),
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))]
        print("  ".join([*cells, row[-1]]).rstrip())
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    _open(args)
    if repo.get_run(args.run_id) is None:
        raise CliError(f"There is no run {args.run_id}.")
    for entry in repo.read_log(args.run_id):
        level = "" if entry.level == "info" else f"{entry.level.upper()} "
        step = f"[{safe(entry.step)}] " if entry.step else ""
        print(f"{_fmt_time(entry.created_at)} {level}{step}{safe(entry.message, lines=True)}")
    return EXIT_OK
