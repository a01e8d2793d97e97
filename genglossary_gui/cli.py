"""The ``genglossary`` command line: the same store and pipeline as the window, headless."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from genglossary_gui import __version__
from genglossary_gui.engines.config import EngineConfig
from genglossary_gui.entry import STEP_COMMAND, own_command
from genglossary_gui.vocabulary import (
    ACTIVE_STATUSES,
    EngineName,
    ExportFormat,
    RunStatus,
    Scope,
    TermStatus,
)

if TYPE_CHECKING:
    from genglossary_gui.engines.builtin.extract import TermExtractor
    from genglossary_gui.pipeline.data import Entry, IssueData

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
_LANGS = ("auto", "ja", "en")


# Control characters (terminal escapes, carriage returns, tabs, newlines) and bidi controls:
# text from the data folder (names, errors, log lines) must not steer the terminal or pass
# for a line of ours.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, *, lines: bool = False) -> str:
    """``text`` as it may be printed: control characters shown as escapes. With ``lines``,
    line breaks are kept and every continuation line is indented, so stored text (a log line
    with a newline in it) can never look like a line of its own."""
    if lines:
        return "\n    ".join(_UNSAFE.sub(_visible, part) for part in text.split("\n"))
    return _UNSAFE.sub(_visible, text)


class CliError(Exception):
    """A problem to report in one line, exiting with ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=list(EngineName),
        help="built-in (offline), Ollama, or an OpenAI-compatible server",
    )
    p.add_argument("--base-url", metavar="URL", help="server address")
    p.add_argument("--model", help="model (the deployment, for Azure)")
    p.add_argument("--concurrency", type=int, metavar="N", help="requests in flight")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds between streamed chunks")
    p.add_argument("--temperature", type=float)
    p.add_argument("--azure-api-version", metavar="V", help="for Azure OpenAI")
    p.add_argument(
        "--max-failures",
        type=float,
        metavar="PCT",
        help="a run whose model failed on more than PCT %% of its terms does not replace "
        "the current glossary (default 20)",
    )
    p.add_argument(
        "--transcript",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="save prompts and replies with each run",
    )


def _apply_engine_options(config: EngineConfig, args: argparse.Namespace) -> EngineConfig:
    from dataclasses import replace

    from genglossary_gui.engines.config import DEFAULT_URLS

    changes: dict[str, object] = {}
    for option, field_name in (
        ("engine", "engine"),
        ("base_url", "base_url"),
        ("model", "model"),
        ("concurrency", "concurrency"),
        ("timeout", "timeout_s"),
        ("temperature", "temperature"),
        ("azure_api_version", "azure_api_version"),
        ("transcript", "transcript"),
        ("max_failures", "max_failed_share"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            changes[field_name] = value / 100 if option == "max_failures" else value
    config = replace(config, **changes)  # type: ignore[arg-type]
    if config.uses_llm and not config.base_url:
        config = replace(config, base_url=DEFAULT_URLS[config.engine])
    problems = config.problems()
    if problems:
        raise CliError(" ".join(problems), EXIT_USAGE)
    return config


def _parser() -> argparse.ArgumentParser:
    from genglossary_gui.pipeline.steps import SCOPES

    p = argparse.ArgumentParser(
        prog="genglossary",
        description="Turn a folder of documents into a glossary (command-line companion of "
        "genglossary-gui; both share one data folder).",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder (default: $GENGLOSSARY_DATA_DIR, else the per-user data folder)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    project = sub.add_parser("project", help="create and list projects")
    psub = project.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    create = psub.add_parser("create", help="create a project, importing a folder of documents")
    create.add_argument("name")
    create.add_argument(
        "--docs",
        metavar="PATH",
        action="append",
        help="folder (or single file) of .md/.txt documents to import; repeatable",
    )
    create.add_argument("--lang", choices=_LANGS, default="auto", help="document language")
    psub.add_parser("list", help="list projects")
    pset = psub.add_parser("set", help="choose a project's engine (built-in, Ollama, OpenAI)")
    pset.add_argument("name")
    _engine_options(pset)

    run = sub.add_parser("run", help="start a run of a project's pipeline")
    run.add_argument("project")
    run.add_argument("--scope", choices=list(SCOPES), default=Scope.FULL.value)
    run.add_argument(
        "--wait",
        action="store_true",
        help="run in this terminal with live progress (Ctrl+C cancels); otherwise the run "
        "goes on in the background and its id is printed",
    )
    run.add_argument(
        "--top",
        type=int,
        default=50,
        metavar="N",
        help="terms or glossary entries to print at the end (--wait; 0 = all)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress output")
    # Internal: the background child reports its run id on stdout, then goes silent.
    run.add_argument("--report-run-id", action="store_true", help=argparse.SUPPRESS)

    cancel = sub.add_parser("cancel", help="cancel a run (from any terminal or process)")
    cancel.add_argument("run_id", type=int)
    cancel.add_argument("--no-wait", action="store_true", help="do not wait for the run to stop")

    runs = sub.add_parser("runs", help="show the run history of a project")
    runs.add_argument("project", nargs="?", help="project name (all projects if omitted)")
    runs.add_argument("--limit", type=int, default=30, metavar="N")

    logp = sub.add_parser("log", help="print a run's log")
    logp.add_argument("run_id", type=int)

    terms = sub.add_parser(
        "terms", help="print ranked terms of a folder (no project needed) or of a project"
    )
    src = terms.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", metavar="DIR", help="folder of .md/.txt documents")
    src.add_argument("--project", metavar="NAME", help="a project's extracted terms")
    terms.add_argument("--lang", choices=_LANGS, default="auto")
    terms.add_argument("--top", type=int, default=0, metavar="N", help="best N only (0 = all)")
    mark = sub.add_parser("mark", help="mark terms required or excluded (kept across re-runs)")
    mark.add_argument("project")
    mark.add_argument("terms", nargs="+", metavar="TERM")
    which = mark.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--require",
        action="store_const",
        const=TermStatus.REQUIRED,
        dest="status",
        help="always define these terms; never drop them",
    )
    which.add_argument(
        "--exclude",
        action="store_const",
        const=TermStatus.EXCLUDED,
        dest="status",
        help="never put these terms in the glossary",
    )
    which.add_argument(
        "--reset",
        action="store_const",
        const=TermStatus.CANDIDATE,
        dest="status",
        help="let the ranking decide again",
    )

    apart = sub.add_parser(
        "keep-apart",
        help="undo a merge: two terms are not the same (their entries split in the current "
        "glossary; no later run merges them)",
    )
    apart.add_argument("project")
    apart.add_argument("term")
    apart.add_argument("other")

    gen = sub.add_parser(
        "generate",
        help="one-step glossary of a folder (no project): extract, define, review, refine, export",
    )
    gen.add_argument("--input", metavar="DIR", required=True, help="folder of .md/.txt files")
    gen.add_argument("--output", metavar="FILE", required=True, help="file to write")
    gen.add_argument(
        "--format",
        choices=list(ExportFormat),
        help="output format (default: from the file name)",
    )
    gen.add_argument("--lang", choices=_LANGS, default="auto")
    gen.add_argument("--title", default="", help="glossary title (default: the folder's name)")
    _engine_options(gen)

    promote = sub.add_parser(
        "promote",
        help="make a finished run's glossary the project's current one (e.g. one kept aside "
        "because too many model requests failed)",
    )
    promote.add_argument("run_id", type=int)

    database = sub.add_parser("database", help="the data folder's database")
    dsub = database.add_subparsers(dest="database_command", required=True, metavar="ACTION")
    new_db = dsub.add_parser(
        "new",
        help="start a new, empty database; the current one is kept beside it, renamed "
        "(close GenGlossary windows on this data folder first)",
    )
    new_db.add_argument(
        "--force",
        action="store_true",
        help="also when the current database is not damaged",
    )

    exp = sub.add_parser("export", help="export a project's glossary")
    exp.add_argument("project")
    exp.add_argument("--output", metavar="FILE", required=True)
    exp.add_argument("--format", choices=list(ExportFormat))
    exp.add_argument(
        "--run",
        type=int,
        metavar="RUN_ID",
        help="export this run's output instead of the current glossary",
    )
    return p


# -- helpers ----------------------------------------------------------------------------------


#: How long a command waits for another process's write lock before saying so and giving up.
WRITE_PATIENCE_S = 60.0
_on_exit: list[Callable[[], None]] = []


def _open(args: argparse.Namespace) -> Path:
    from genglossary_gui.store.database import DatabaseError, WritePatience, set_write_patience
    from genglossary_gui.store.folder import open_data_folder

    set_write_patience(
        WritePatience(WRITE_PATIENCE_S, on_wait=lambda m: print(f"note: {m}", file=sys.stderr))
    )
    # A command's patience ends with it (main() may be called again in this process).
    _on_exit.append(lambda: set_write_patience(WritePatience()))
    try:
        data_dir, interrupted = open_data_folder(args.data_dir)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    for run_id in interrupted:
        print(
            f"note: run {run_id} was interrupted (its process is gone); marked failed",
            file=sys.stderr,
        )
    return data_dir


def _project(name: str):
    from genglossary_gui.store import repositories as repo

    try:
        return repo.project_by_name(name)
    except repo.UnknownProject as exc:
        raise CliError(str(exc)) from exc


def _fmt_time(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class _Progress:
    """Progress on stderr: one rewritten line on a terminal, a line per step/10% otherwise."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        self._last: tuple[str, int] = ("", -1)
        self._line_open = False

    def progress(self, step: str, done: int, total: int) -> None:
        if self._quiet:
            return
        pct = int(done * 100 / total) if total else 0
        if self._tty:
            self._stream.write(f"\r{step:<8} {pct:3d}%  {done:,}/{total:,}\x1b[K")
            self._line_open = True
        elif (step, pct // 10) != self._last:
            self._last = (step, pct // 10)
            self._stream.write(f"{step:<8} {pct:3d}%  {done:,}/{total:,}\n")
        self._stream.flush()

    def log(self, level: str, message: str) -> None:
        # Transcripts (prompts and replies) are saved with the run; --quiet keeps them there.
        if self._quiet and level in ("info", "transcript"):
            return
        self.end_line()
        prefix = "" if level == "info" else f"{level}: "
        self._stream.write(f"{prefix}{safe(message, lines=True)}\n")
        self._stream.flush()

    def end_line(self) -> None:
        if self._line_open:
            self._stream.write("\n")
            self._line_open = False


def _print_terms(rows: Iterable[tuple[str, float, int]], out: TextIO) -> None:
    """One term per line: ``term<TAB>score<TAB>frequency``, in the order given (best first)."""
    for text, score, frequency in rows:
        out.write(f"{safe(text)}\t{score:.4f}\t{frequency}\n")


def _print_glossary(project_id: int, top: int | None) -> None:
    """The current glossary, one entry per line: ``term<TAB>definition``."""
    from genglossary_gui.pipeline.export import project_glossary

    entries = sorted(project_glossary(project_id), key=lambda e: e.term.casefold())
    for e in entries[:top] if top else entries:
        sys.stdout.write(f"{safe(e.term)}\t{safe(' '.join(e.definition.split()))}\n")


def _project_terms(project_id: int, top: int | None) -> list[tuple[str, float, int]]:
    from genglossary_gui.store import repositories as repo

    return [(t.text, t.score, t.frequency) for t in repo.ranked_terms(project_id, top)]


# -- commands ---------------------------------------------------------------------------------


def _wait_for_run(project_id: int, scope: str, args: argparse.Namespace) -> int:
    """Start a run in this process and drive it to its end with live progress."""
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
    manager.run_progress.connect(lambda _r, step, done, total: progress.progress(step, done, total))
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


def cmd_project(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Document

    _open(args)
    if args.project_command == "set":
        from genglossary_gui.engines.config import load_config, save_config

        project = _project(args.name)
        config = _apply_engine_options(load_config(project.id), args)
        save_config(project.id, config)
        where = f" at {config.base_url}, model {config.model}" if config.uses_llm else ""
        print(f"{args.name}: engine {config.engine}{where}.", file=sys.stderr)
        return EXIT_OK
    if args.project_command == "list":
        for project in repo.list_projects():
            docs = Document.select().where(Document.project == project.id).count()
            where = ", ".join(project.source_paths()) or "-"
            print(f"{safe(project.name)}\t{docs} documents\t{safe(where)}")
        return EXIT_OK
    sources: list[str] = []
    for given in args.docs or []:
        path = Path(given).expanduser().resolve()
        if not path.exists():
            raise CliError(f"{given!r} does not exist.")
        sources.append(str(path))
    try:
        project_id = repo.create_project(args.name, sources, args.lang)
    except (repo.ProjectExists, ValueError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Created project {args.name!r}.", file=sys.stderr)
    if not sources:
        return EXIT_OK
    args.quiet = False
    args.report_run_id = False
    args.top = 0
    return _wait_for_run(project_id, Scope.IMPORT, args)


def cmd_run(args: argparse.Namespace) -> int:
    data_dir = _open(args)
    project = _project(args.project)
    if not args.wait:
        return _start_in_background(args, data_dir)
    return _wait_for_run(project.id, args.scope, args)


def cmd_cancel(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.transitions import CancelResult, cancel_run_row

    _open(args)
    result = cancel_run_row(args.run_id)
    if result is CancelResult.NOT_FOUND:
        raise CliError(f"There is no run {args.run_id}.")
    if result is CancelResult.TOO_LATE:
        run = repo.get_run(args.run_id)
        print(f"Run {args.run_id} had already finished ({run.status if run else '?'}).")
        return EXIT_OK
    print(f"Run {args.run_id}: {result.value}.")
    if args.no_wait or result is CancelResult.CANCELLED:
        return EXIT_OK
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


def cmd_terms(args: argparse.Namespace) -> int:
    if args.project:
        _open(args)
        _print_terms(_project_terms(_project(args.project).id, args.top or None), sys.stdout)
        return EXIT_OK
    extractor, _documents, _languages = _read_folder(args.input, args.lang)
    ranked = extractor.ranked(top=args.top or None)
    _print_terms(((t.text, t.score, t.frequency) for t in ranked), sys.stdout)
    return EXIT_OK


def _write_export(
    entries: Sequence[object], output: str, fmt: str | None, title: str, language: str
) -> None:
    from genglossary_gui.pipeline.export import export, format_for, write_export_file

    try:
        chosen = format_for(output, fmt)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    text = export(entries, chosen, title=title, language=language)  # type: ignore[arg-type]
    try:
        # Replaced in one step: a failed write (a full disk) leaves an earlier export as it was.
        write_export_file(Path(output).expanduser(), text)
    except OSError as exc:
        raise CliError(f"Cannot write {output!r}: {exc.strerror or exc}") from exc
    print(f"Wrote {len(entries)} entries to {output} ({chosen}).", file=sys.stderr)


def _read_folder(
    folder_arg: str, lang: str
) -> tuple[TermExtractor, list[tuple[str, str]], Counter[str]]:
    """Read every document of a folder into a term extractor; skipped files go to stderr.

    As in a project import, only regular files inside the folder are read (a link to a file
    elsewhere is skipped), and paths are printed through ``display_path`` so that a file
    name cannot put terminal escapes or extra lines into the output.
    """
    from genglossary_gui.engines.builtin.extract import TermExtractor
    from genglossary_gui.pipeline.documents import (
        SkipFile,
        display_path,
        is_guessed,
        iter_document_files,
        load_file,
    )
    from genglossary_gui.pipeline.reading import is_markdown

    folder = Path(folder_arg).expanduser()
    if not folder.is_dir():
        raise CliError(f"{folder_arg!r} is not a folder.")
    extractor = TermExtractor()
    documents: list[tuple[str, str]] = []
    languages: Counter[str] = Counter()
    for path in iter_document_files(folder):
        rel = display_path(path.relative_to(folder).as_posix())
        try:
            loaded = load_file(path, within=folder)
        except SkipFile as skip:
            print(f"skipped {rel}: {skip.reason}", file=sys.stderr)
            continue
        if is_guessed(loaded.encoding):
            print(f"{rel}: decoded as {loaded.encoding}; check its text", file=sys.stderr)
        languages[extractor.add(loaded.text, lang, markdown=is_markdown(path.name))] += 1
        documents.append((rel, loaded.text))
    if not documents:
        raise CliError(f"No readable .md or .txt documents in {folder_arg!r}.")
    return extractor, documents, languages


def cmd_generate(args: argparse.Namespace) -> int:
    from genglossary_gui.engines.builtin import MAX_TERMS, rules
    from genglossary_gui.engines.builtin.extract import glossary_cutoff
    from genglossary_gui.engines.builtin.mining import mine_terms, with_defined_terms
    from genglossary_gui.pipeline.data import GLOSSARY_MAX_TERMS
    from genglossary_gui.pipeline.export import entries_from_rows
    from genglossary_gui.pipeline.text import term_key
    from genglossary_gui.store.repositories import GLOSSARY_MIN_FREQUENCY

    folder = Path(args.input).expanduser()
    extractor, documents, languages = _read_folder(args.input, args.lang)
    defined = mine_terms(documents)
    keys = {term_key(d.term) for d in defined}
    # As a project's run does: the recurring candidates up to the cut-off the scores give,
    # then every term the documents define.
    ranked = [
        t
        for t in extractor.ranked(top=MAX_TERMS)
        if t.frequency >= GLOSSARY_MIN_FREQUENCY and term_key(t.text) not in keys
    ]
    ranked = ranked[: glossary_cutoff([t.score for t in ranked], GLOSSARY_MAX_TERMS)]
    terms = with_defined_terms([(t.text, t.language) for t in ranked], defined)
    print(f"{len(documents)} documents, {len(terms)} terms", file=sys.stderr)
    entries = rules.generate_entries(terms, documents, fragments=False)
    config = _apply_engine_options(EngineConfig(), args)
    if config.uses_llm:
        entries, issues = _generate_with_model(config, entries)
    else:
        issues = rules.review_entries(entries, rules.general_zipf)
    refined = rules.refine_entries(entries, issues, set())
    for issue in issues:
        print(f"{issue.type}: {safe(issue.description)}", file=sys.stderr)
    rows = [
        {
            "term": e.term,
            "language": e.language,
            "definition": e.definition,
            "kind": e.kind,
            "confidence": e.confidence,
            "source_path": e.source_path,
            "source_line": e.source_line,
            "aliases": e.aliases,
            "see_also": e.see_also,
        }
        for e in refined
    ]
    language = languages.most_common(1)[0][0]
    _write_export(
        entries_from_rows(rows, {}),
        args.output,
        args.format,
        args.title or folder.resolve().name,
        language,
    )
    return EXIT_OK


def _generate_with_model(
    config: EngineConfig, entries: list[Entry]
) -> tuple[list[Entry], list[IssueData]]:
    """`generate --engine ...`: definitions and review through the model, in this process."""
    from genglossary_gui.engines.builtin import rules
    from genglossary_gui.engines.config import api_key
    from genglossary_gui.engines.model import define_terms, review_with_model
    from genglossary_gui.pipeline.context import RedactingReporter, RunContext

    class Errors:
        def progress(self, step: str, done: int, total: int) -> None:
            pass

        def log(self, message: str, *, level: str = "info", step: str = "") -> None:
            if level != "info":
                print(f"{level}: {safe(message, lines=True)}", file=sys.stderr)

    key = api_key(config)
    ctx = RunContext(reporter=RedactingReporter(Errors(), [key]))
    print(
        f"Asking {config.model} at {config.base_url} ({config.concurrency} in flight)…",
        file=sys.stderr,
    )
    entries, tally = define_terms(config, key, entries, ctx)
    if tally.all_failed():
        raise CliError(f"Every request to the model failed: {tally.failed[0][1]}")
    if tally.too_many_failed(config.max_failed_share):
        raise CliError(
            f"{safe(tally.failure_report('terms', config.max_failed_share))}. Nothing was "
            "written (an earlier file stays as it was); try again, or allow more failures "
            "with --max-failures."
        )
    if tally.failed:
        print(tally.summary("terms"), file=sys.stderr)
    issues = rules.review_entries(entries, rules.general_zipf)
    more, _ = review_with_model(config, key, entries, ctx)
    seen = {(i.type, i.term) for i in issues}
    return entries, issues + [i for i in more if (i.type, i.term) not in seen]


def cmd_export(args: argparse.Namespace) -> int:
    from genglossary_gui.pipeline.export import project_glossary
    from genglossary_gui.store import repositories as repo

    _open(args)
    project = _project(args.project)
    if args.run is not None:
        run = repo.get_run(args.run)
        if run is None or run.project.id != project.id:
            raise CliError(f"Run {args.run} is not a run of {args.project!r}.")
    entries = project_glossary(project.id, args.run)
    if not entries:
        raise CliError(
            "There is no glossary to export yet. Run Full (or Generate) first."
            if args.run is None
            else f"Run {args.run} wrote no glossary."
        )
    language = Counter(e.language for e in entries).most_common(1)[0][0]
    _write_export(entries, args.output, args.format, project.name, language)
    return EXIT_OK


def cmd_mark(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Term, TermStatus

    _open(args)
    project = _project(args.project)
    by_text = {t.text.casefold(): t for t in Term.select().where(Term.project == project.id)}
    missing = [t for t in args.terms if t.casefold() not in by_text]
    if missing:
        raise CliError(
            f"Not among the project's terms: {', '.join(missing)}. "
            "Extract terms first, or check the spelling."
        )
    ids = [by_text[t.casefold()].id for t in args.terms]
    repo.set_term_status(project.id, ids, TermStatus(args.status))
    print(f"Marked {len(ids)} term(s) {args.status}.", file=sys.stderr)
    return EXIT_OK


def cmd_keep_apart(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    _open(args)
    project = _project(args.project)
    current = repo.current_run(project.id)
    known = {t.text.casefold() for t in repo.term_rows(project.id)}
    if current is not None:
        for row in repo.glossary_rows(project.id, current):
            known |= {n.casefold() for n in (row.term, *row.aliases)}
    missing = [t for t in (args.term, args.other) if t.casefold() not in known]
    if missing:
        raise CliError(
            f"Not among the project's terms: {', '.join(safe(t) for t in missing)}. "
            "Check the spelling (the Issues page and `genglossary export` list them)."
        )
    restored = repo.keep_apart(project.id, current, args.term, args.other)
    split = (
        f" {safe(restored)} has its own entry again."
        if restored
        else " The current glossary stays as it is until the next run."
    )
    print(
        f"{safe(args.term)} and {safe(args.other)} are kept apart in later runs.{split}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_promote(args: argparse.Namespace) -> int:
    from genglossary_gui.store.transitions import PromoteResult, promote_run

    _open(args)
    result = promote_run(args.run_id)
    if result is PromoteResult.NOT_FOUND:
        raise CliError(f"There is no run {args.run_id}.")
    if not result:
        raise CliError(f"Run {args.run_id}: {result.value}.")
    print(f"Run {args.run_id}: {result.value}.", file=sys.stderr)
    return EXIT_OK


def cmd_database(args: argparse.Namespace) -> int:
    """``database new``: set a damaged database aside (kept, renamed) and start afresh."""
    from genglossary_gui.store.database import (
        DatabaseDamaged,
        DatabaseError,
        database_is_healthy,
        init_db,
        resolve_data_dir,
        set_aside,
    )

    data_dir = resolve_data_dir(args.data_dir)
    try:
        init_db(data_dir)
    except DatabaseDamaged:
        pass
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    else:
        # Opening reads little beyond the header: a damaged page deeper in the file shows
        # only when read. Check it all (this command is run on purpose, so it may take time).
        if not args.force and database_is_healthy():
            raise CliError(
                "The database is not damaged; nothing was changed. Add --force to start a new "
                "one anyway (the current one is kept beside it, renamed)."
            )
    kept = set_aside(data_dir)
    try:
        init_db(data_dir)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    if kept is not None:
        print(f"Kept the old database as {kept.name} in {data_dir}.", file=sys.stderr)
    print(f"Started a new database in {data_dir}.", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "database": cmd_database,
    "promote": cmd_promote,
    "keep-apart": cmd_keep_apart,
    "project": cmd_project,
    "run": cmd_run,
    "cancel": cmd_cancel,
    "runs": cmd_runs,
    "log": cmd_log,
    "terms": cmd_terms,
    "mark": cmd_mark,
    "generate": cmd_generate,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [STEP_COMMAND]:
        # A run's step process (started by the window or `run --wait`), not for users.
        from genglossary_gui.runs.process import child_main

        return child_main(argv[1:])
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _dispatch(args)
    except CliError as exc:
        # A background child's parent reads its stdout only.
        stream = sys.stdout if getattr(args, "report_run_id", False) else sys.stderr
        print(f"error: {safe(str(exc))}", file=stream, flush=True)
        return exc.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        # `genglossary terms ... | head`: the reader left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        message = _store_failure(exc)
        if message is None:
            raise
        stream = sys.stdout if getattr(args, "report_run_id", False) else sys.stderr
        print(f"error: {safe(message)}", file=stream, flush=True)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    finally:
        while _on_exit:
            _on_exit.pop()()


def _store_failure(exc: BaseException) -> str | None:
    """Plain words for a database or disk failure that reached the top, else None (a bug,
    whose traceback is worth seeing)."""
    if "peewee" not in sys.modules and not isinstance(exc, OSError):
        return None
    from genglossary_gui.store.database import DatabaseError, StoreError, explain

    if isinstance(exc, DatabaseError):
        return str(exc)
    plain = explain(exc)
    if plain is not None:
        return plain
    if isinstance(exc, StoreError):
        return f"Database problem: {exc}"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS, errno.EIO):
        return f"File or system error: {exc.strerror or exc}"
    return None


if __name__ == "__main__":
    sys.exit(main())
