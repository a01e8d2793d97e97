"""The ``genglossary`` command line: the same store and pipeline as the window, headless.

One module per command group; :func:`main` parses and dispatches. A command's module is
imported only when that command runs, so a quick command (``cancel``, ``runs``) loads the
store and nothing of the pipeline, the engines, Qt or the model clients
(``tests/test_cli_startup.py``; ``tests/bench/bench_cli.py`` times it)."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from genglossary_gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    _on_exit,
    safe,
)
from genglossary_gui.cli.parser import _parser
from genglossary_gui.entry import STEP_COMMAND

#: Each command: its module in this package and the function that runs it, imported when
#: the command runs (the bundle collects every submodule: packaging/genglossary.spec).
COMMANDS: dict[str, tuple[str, str]] = {
    "database": ("database", "cmd_database"),
    "promote": ("terms", "cmd_promote"),
    "keep-apart": ("terms", "cmd_keep_apart"),
    "project": ("projects", "cmd_project"),
    "run": ("runs", "cmd_run"),
    "cancel": ("runs", "cmd_cancel"),
    "runs": ("runs", "cmd_runs"),
    "log": ("runs", "cmd_log"),
    "terms": ("terms", "cmd_terms"),
    "mark": ("terms", "cmd_mark"),
    "generate": ("glossary", "cmd_generate"),
    "export": ("glossary", "cmd_export"),
}


def command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs command ``name``, its module imported now."""
    module, function = COMMANDS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


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
        return command(args.command)(args)
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
