"""The ``genglossary`` command line: the same store and pipeline as the window, headless.

One module per command group; :func:`main` parses and dispatches."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Sequence

from genglossary_gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    _on_exit,
    safe,
)
from genglossary_gui.cli.database import cmd_database
from genglossary_gui.cli.glossary import cmd_export, cmd_generate
from genglossary_gui.cli.parser import _parser
from genglossary_gui.cli.projects import cmd_project
from genglossary_gui.cli.runs import cmd_cancel, cmd_log, cmd_run, cmd_runs
from genglossary_gui.cli.terms import cmd_keep_apart, cmd_mark, cmd_promote, cmd_terms
from genglossary_gui.entry import STEP_COMMAND

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
