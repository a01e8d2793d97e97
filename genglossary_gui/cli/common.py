"""What every command shares: safe printing, errors, the data folder, progress."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from genglossary_gui.vocabulary import Language

if TYPE_CHECKING:
    from genglossary_gui.engines.config import EngineConfig
    from genglossary_gui.pipeline.context import Progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130

_LANGS = (Language.AUTO, Language.JA, Language.EN)

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
        ("context_tokens", "context_tokens"),
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
    """Progress on stderr: one rewritten line on a terminal, a line per step/10% otherwise
    (and when the estimate of the time left first appears)."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        self._last: tuple[str, int, bool] = ("", -1, False)
        self._line_open = False

    def progress(self, step: str, done: int, total: int) -> None:
        from genglossary_gui.pipeline.context import Progress

        self.report(Progress(step, done, total, at=time.time()))

    def report(self, progress: Progress) -> None:
        """A step's ``pipeline.context.Progress``."""
        if self._quiet:
            return
        text, tenth = progress_line(progress)
        eta = progress.eta_at is not None
        if self._tty:
            self._stream.write(f"\r{text}\x1b[K")
            self._line_open = True
        elif (progress.step, tenth, eta) != self._last:
            self._last = (progress.step, tenth, eta)
            self._stream.write(text + "\n")
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


def progress_line(progress: Progress, now: float | None = None) -> tuple[str, int]:
    """A step's progress as the command line prints it, and its tenth (-1 while the total
    is not known): "generate  40%  120/300 terms · 4 open · about 1m05s left"."""
    step = progress.step
    if progress.total > 0:
        pct = min(100, int(progress.done * 100 / progress.total))
        unit = f" {progress.unit}" if progress.unit else ""
        parts = [f"{step:<8} {pct:3d}%  {progress.done:,}/{progress.total:,}{unit}"]
        tenth = pct // 10
    else:
        parts = [f"{step:<8} …"]
        tenth = -1
    if progress.active:
        parts.append(f"{progress.active} open")
    if progress.retrying:
        parts.append(f"{progress.retrying} waiting to retry")
    if progress.silent_s >= 1:
        parts.append(f"nothing back for {progress.silent_s:.0f}s")
    if progress.eta_at is not None:
        left = max(0.0, progress.eta_at - (time.time() if now is None else now))
        parts.append(f"about {_fmt_duration(left)} left")
    return " · ".join(parts), tenth


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
