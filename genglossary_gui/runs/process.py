"""Run a scope's steps in a child process, so CPU-bound work does not compete with the
window for Python's GIL (and uses another core).

The parent (a RunWorker thread) starts ``genglossary __step …`` (``entry.own_command``:
the installed ``genglossary`` script, the bundle's executable when frozen),
sends it nothing but "cancel" lines on stdin, and reads JSON lines from its stdout:
``progress``, ``log``, then exactly one of ``done``, ``cancelled`` or ``error``. Each line
is written and flushed the moment the step reports (from whichever of the step's threads:
the model engine's requests report from their own), stamped ``t`` with the time the step
wrote it, so the run's log shows when things happened, not when they arrived. The child
opens the same database and writes its step's results itself, in its own short
transactions; the parent alone records the run's status. A child whose parent goes away
(stdin closed) cancels itself.

The run ends when its outcome line arrives, not when the child exits: everything the child
wrote was committed before it sent that line, so the parent records the run at once and
reaps the child on a thread of its own (:func:`_reap`). The child, for its part, exits as
soon as its outcome and log are flushed and its database connection closed
(:func:`_exit_now`): no interpreter teardown, whose final garbage collection took 0.1 to
0.7 s after a run (``tests/bench/bench_run_end.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, NoReturn

from genglossary_gui.engines import ProjectEngine
from genglossary_gui.pipeline.context import (
    Cancelled,
    CancelToken,
    Progress,
    RunContext,
    StepError,
)
from genglossary_gui.pipeline.steps import run_scope
from genglossary_gui.redaction import MIN_SECRET_CHARS, redact

log = logging.getLogger(__name__)


def run_scope_here(project_id: int, scope: str, ctx: RunContext) -> str:
    """Run ``scope``'s steps in this process, with the project's engine (what the step
    process does; tests and benchmarks call it directly)."""
    return run_scope(project_id, scope, ctx, ProjectEngine(project_id))


def _secrets(env: Mapping[str, str]) -> list[str]:
    """The API keys in ``env`` (where the parent puts the child's): what no message of the
    child may contain."""
    from genglossary_gui.engines.config import KEY_ENV_VARS

    return [env[name] for name in KEY_ENV_VARS if len(env.get(name, "")) >= MIN_SECRET_CHARS]


class _JsonReporter:
    """The child's reporter: one JSON object per line on stdout, flushed at once, stamped
    with the time it was written (``t``), with every secret (the API key) replaced by
    ``***`` in every string it sends: log lines, errors, tracebacks. Thread-safe."""

    def __init__(self, out: IO[str], secrets: Iterable[str] = ()) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._secrets = list(secrets)

    def _redacted(self, value: Any) -> Any:
        if isinstance(value, str):
            return redact(value, self._secrets)
        if isinstance(value, list | tuple):
            return [self._redacted(v) for v in value]
        if isinstance(value, dict):
            return {k: self._redacted(v) for k, v in value.items()}
        return value

    def send(self, **message: Any) -> None:
        message = self._redacted(message)
        with self._lock:  # log lines stamped in the order they go out (progress carries its own)
            if "log" in message:
                message.setdefault("t", time.time())
            line = json.dumps(message)  # ASCII: safe whatever the console encoding
            self._out.write(line + "\n")
            self._out.flush()

    def progress(self, step: str, done: int, total: int) -> None:
        self.report(Progress(step, done, total, at=time.time()))

    def report(self, progress: Progress) -> None:
        self.send(**progress.message())

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self.send(log=[level, step, message])

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
        self.send(log=[level, step, message], t=at)


def _watch_stdin(token: CancelToken) -> None:
    # "cancel" or end of input (the parent is gone) both mean: stop at the next check point.
    for line in sys.stdin:
        if line.strip() == "cancel":
            break
    token.cancel()


def child_main(argv: list[str] | None = None) -> NoReturn:
    """The step process: run the scope, send its outcome, and exit the process at once
    (the window's and the command line's ``__step`` command)."""
    _exit_now(_run_child(argv))


def _exit_now(code: int) -> NoReturn:
    """End the step process as soon as what it owes is out: every message (the outcome is
    the last) flushed to the parent, stderr flushed, the database connection closed (each
    step committed its writes before its outcome was sent). ``os._exit`` skips the
    interpreter's teardown: its final garbage collection over the engines' data took
    0.1-0.7 s, all of it time the run waited for its end. Any thread still alive is gone
    with the process; none holds anything that is not written yet."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    database = sys.modules.get("genglossary_gui.store.database")
    if database is not None:
        with contextlib.suppress(Exception):
            database.db.close()
    os._exit(code)


def _run_child(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="genglossary-step-process")
    parser.add_argument("--database", required=True)
    parser.add_argument("--project", type=int, required=True)
    parser.add_argument("--scope", required=True)
    parser.add_argument("--run", type=int, default=None)
    args = parser.parse_args(argv)
    # Ctrl+C belongs to the parent, which cancels us through stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reporter = _JsonReporter(sys.stdout, _secrets(os.environ))
    # stdout carries our messages only: a stray print (a library's) goes to stderr instead.
    sys.stdout = sys.stderr
    token = CancelToken()
    threading.Thread(target=_watch_stdin, args=(token,), daemon=True).start()
    from genglossary_gui.store.database import (
        WritePatience,
        db,
        explain,
        init_db,
        set_write_patience,
    )

    # The step's writes wait for other writers as long as it takes (Cancel still stops
    # them), and the user is told why nothing moves.
    set_write_patience(
        WritePatience(
            None,
            check=token.check,
            on_wait=lambda message: reporter.log(message, level="warning", step="run"),
        )
    )
    database = Path(args.database)
    try:
        init_db(database.parent)
        with db.connection_context():
            summary = run_scope_here(
                args.project, args.scope, RunContext(token, reporter, args.run)
            )
    except Cancelled:
        reporter.send(cancelled=True)
        return 0
    except StepError as exc:
        reporter.send(error=str(exc))
        return 0
    except Exception as exc:  # reported, with its traceback, to the parent's run log
        reporter.send(
            error=explain(exc) or f"{type(exc).__name__}: {exc}",
            # Only an unexpected failure has one: the parent logs it (a StepError says all).
            traceback=traceback.format_exc(),
        )
        return 0
    reporter.send(done=summary)
    return 0


class ChildProcessError(StepError):
    pass


#: Lines of the child's stderr kept for the error message (the rest is drained and dropped).
_STDERR_TAIL = 20
#: How long a child gets to stop after "cancel" before it is terminated, then killed.
_STOP_GRACE_S = 3.0

_children_lock = threading.Lock()
_children: set[subprocess.Popen[str]] = set()


def terminate_children(timeout_s: float = _STOP_GRACE_S) -> int:
    """Stop every step process this process started (used when quitting cannot wait)."""
    with _children_lock:
        children = list(_children)
    for child in children:
        _stop(child, timeout_s)
    return len(children)


def _stop(child: subprocess.Popen[str], grace_s: float) -> None:
    if child.poll() is not None:
        return
    try:
        child.terminate()
        child.wait(grace_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(grace_s)
    except OSError:
        pass


def _drain(stream: IO[str], tail: deque[str]) -> None:
    # Read stderr to the end on its own thread: a child blocked on a full stderr pipe while
    # we wait on its stdout would hang both.
    for line in stream:
        tail.append(line.rstrip())


def _child_environment(project_id: int) -> dict[str, str]:
    """The child's environment: ours, plus the project's API key when it uses a model (an
    environment variable, not an argument: arguments are visible to every user of the
    machine)."""
    env = dict(os.environ)
    try:
        from genglossary_gui.engines.config import api_key, load_config

        config = load_config(project_id)
        if config.uses_llm:
            key = api_key(config)
            if key:
                env["GENGLOSSARY_API_KEY"] = key
    except Exception:  # a missing project or key is the child's to report
        pass
    return env


def _spawn_options() -> dict[str, Any]:
    # Its own process group/session: Ctrl+C in the terminal reaches the CLI, which cancels
    # the run properly, instead of killing the child mid-step.
    if os.name == "posix":
        return {"start_new_session": True}
    # Windows: and no console window of its own (the window has none to share; the step
    # talks through its pipes only).
    return {
        "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    }


def run_scope_isolated(
    project_id: int, scope: str, ctx: RunContext, *, database: str | None = None
) -> str:
    """Same contract as :func:`run_scope_here`, in a child process."""
    from genglossary_gui.store.database import db

    ctx.check()
    from genglossary_gui.entry import STEP_COMMAND, own_command

    cmd = own_command(
        STEP_COMMAND,
        "--database",
        database or str(db.database),
        "--project",
        str(project_id),
        "--scope",
        scope,
    )
    if ctx.run_id is not None:
        cmd += ["--run", str(ctx.run_id)]
    env = _child_environment(project_id)
    child = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
        **_spawn_options(),
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    with _children_lock:
        _children.add(child)
    stdin = child.stdin
    stderr_tail: deque[str] = deque(maxlen=_STDERR_TAIL)
    drainer = threading.Thread(target=_drain, args=(child.stderr, stderr_tail), daemon=True)
    drainer.start()

    def ask_to_cancel() -> None:
        try:
            stdin.write("cancel\n")
            stdin.flush()
        except (OSError, ValueError):
            pass  # already gone

    ctx.token.on_cancel(ask_to_cancel)
    outcome: dict[str, Any] | None = None
    finished = False
    try:
        outcome = _relay(child.stdout, ctx, _secrets(env))
        finished = True
    finally:
        if not finished:
            # Relaying failed (our side raised): the child must not outlive its run.
            ask_to_cancel()
            _stop(child, _STOP_GRACE_S)
        if outcome is None:
            # No answer: the exit code and the stderr tail say what happened.
            _reap(child, drainer)
        else:
            # Answered: its work is committed, so the run is recorded now, while the child
            # exits (a few milliseconds) and is reaped on a thread of its own.
            threading.Thread(
                target=_reap, args=(child, drainer), name="step-reaper", daemon=True
            ).start()
    if outcome is None and ctx.token.cancelled:
        # Stopped (terminated when quitting, or by a second Ctrl+C) because of the cancel:
        # it really stopped early, and "exit code -15" would say nothing useful.
        raise Cancelled
    if outcome is None:
        detail = next((line for line in reversed(stderr_tail) if line.strip()), "")
        detail = redact(detail, _secrets(env))  # a crash may print what it was holding
        raise ChildProcessError(
            f"The {scope} process stopped unexpectedly (exit code {child.returncode})"
            + (f": {detail}" if detail else ".")
        )
    if "done" in outcome:
        return str(outcome["done"])
    if outcome.get("cancelled"):
        raise Cancelled
    if outcome.get("traceback"):
        ctx.log(outcome["traceback"], level="error", step="run")
    raise StepError(str(outcome.get("error", "The step failed.")))


def _reap(child: subprocess.Popen[str], drainer: threading.Thread) -> None:
    """Wait for the child's exit (stopping it if it lingers), then let go of it: its pipes
    closed, its stderr drainer joined, no zombie left."""
    try:
        child.wait(_STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        # Done talking (answered, or its stdout closed) but still alive: it has nothing left
        # to do for the run.
        log.warning("step process %s did not exit when its run ended; stopping it", child.pid)
        _stop(child, _STOP_GRACE_S)
    drainer.join(_STOP_GRACE_S)
    with _children_lock:
        _children.discard(child)
    for stream in (child.stdin, child.stdout, child.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()


def _relay(stdout: IO[str], ctx: RunContext, secrets: list[str]) -> dict[str, Any] | None:
    """Pass the child's progress and log on; return its final answer as soon as it comes
    (it is the child's last message), or None when the child's stdout ends without one.

    Each message is handed on as it arrives, with the time the child stamped it: nothing is
    held here (the reporter writes the database on its own thread). The child redacts its
    own messages; a stray line (written to its stdout by a library, not by us) is redacted
    here."""
    # readline, not iteration: both return a line as soon as it is complete (the pipe is
    # read in whatever pieces arrive), and readline says so explicitly.
    while line := stdout.readline():  # blocks without holding the GIL
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            ctx.log(f"step process said: {redact(line.rstrip(), secrets)}", level="warning")
            continue
        if not isinstance(message, dict):
            ctx.log(f"step process said: {redact(line.rstrip(), secrets)}", level="warning")
        elif "progress" in message:
            ctx.report(Progress.from_message(message))
        elif "log" in message:
            level, step, text = message["log"]
            at = message.get("t")
            ctx.log(text, level=level, step=step, at=at if isinstance(at, int | float) else None)
        else:
            return message
    return None


if __name__ == "__main__":
    child_main()
