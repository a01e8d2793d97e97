"""``genglossary generate`` and ``export``: glossaries written to files."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from genglossary_gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_OK,
    CliError,
    _apply_engine_options,
    _open,
    _project,
    _write_export,
    safe,
)
from genglossary_gui.vocabulary import Scope, Stage

if TYPE_CHECKING:
    from genglossary_gui.pipeline.context import CancelToken


class _StepLog:
    """What `generate` prints of its steps: warnings and errors, on stderr."""

    def progress(self, step: str, done: int, total: int) -> None:
        pass

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        if level != "info":
            print(f"{level}: {safe(message, lines=True)}", file=sys.stderr)


def cmd_generate(args: argparse.Namespace) -> int:
    """A folder's glossary written to a file: the project steps a window's Full run takes
    (import, extract, generate, review, refine, with the same engines), in a temporary
    data folder, so the command and the window cannot produce different glossaries."""
    from genglossary_gui.engines import for_config
    from genglossary_gui.engines.config import EngineConfig, api_key, save_config
    from genglossary_gui.pipeline.context import (
        Cancelled,
        CancelToken,
        KeptAside,
        RedactingReporter,
        RunContext,
        StepError,
    )
    from genglossary_gui.pipeline.export import entries_from_rows
    from genglossary_gui.pipeline.steps import run_scope
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.database import scratch_database
    from genglossary_gui.store.owner import current_owner

    folder = Path(args.input).expanduser()
    if not folder.is_dir():
        raise CliError(f"{args.input!r} is not a folder.")
    config = _apply_engine_options(EngineConfig(), args)
    key = api_key(config) if config.uses_llm else ""
    engine = for_config(config, key)
    token = CancelToken()
    with scratch_database(), _cancel_on_interrupt(token):
        # The project lives only as long as the command; the folder's name (which may hold
        # anything) is the glossary's title, not the project's name.
        project = repo.create_project("generate", [str(folder.resolve())], args.lang)
        save_config(project, config)
        run = transitions.create_run(project, Scope.FULL, current_owner(), triggered_by="cli")
        transitions.mark_running(run)
        ctx = RunContext(token, RedactingReporter(_StepLog(), [key]), run)
        try:
            run_scope(project, Scope.IMPORT, ctx, engine)
            if not repo.document_ids(project):
                raise CliError(f"No readable .md or .txt documents in {args.input!r}.")
            if config.uses_llm:
                print(
                    f"Asking {config.model} at {config.base_url} ({config.concurrency} in flight)…",
                    file=sys.stderr,
                )
            run_scope(project, Scope.FULL, ctx, engine)
        except Cancelled:
            print("cancelled", file=sys.stderr)
            return EXIT_CANCELLED
        except KeptAside as exc:
            raise CliError(
                f"{safe(exc.report)}. Nothing was written (an earlier file stays as it was); "
                "try again, or allow more failures with --max-failures."
            ) from exc
        except StepError as exc:
            raise CliError(str(exc)) from exc
        # The categories a model's judge gave, as a project's export has them.
        entries = entries_from_rows(
            repo.load_entries(run, Stage.REFINED), {}, repo.term_categories(project)
        )
        issues = repo.issue_rows(run)
        languages = Counter(d.language for d in repo.document_rows(project) if d.language)
        documents = len(repo.document_ids(project))
    print(f"{documents} documents, {len(entries)} entries", file=sys.stderr)
    for issue in issues:
        print(f"{issue.type}: {safe(issue.description)}", file=sys.stderr)
    language = languages.most_common(1)[0][0] if languages else "en"
    _write_export(entries, args.output, args.format, args.title or folder.resolve().name, language)
    return EXIT_OK


@contextlib.contextmanager
def _cancel_on_interrupt(token: CancelToken) -> Iterator[None]:
    """Ctrl+C cancels the steps at their next check point (closing a model's connections)
    rather than stopping in the middle of a write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: token.cancel())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
