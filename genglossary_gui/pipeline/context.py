"""What a pipeline step gets from whoever runs it: a cancel token and a place to report to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from genglossary_gui.redaction import MIN_SECRET_CHARS, redact

if TYPE_CHECKING:
    from genglossary_gui.pipeline.data import Curation


class Cancelled(Exception):
    """Raised at a check point when the run's token is cancelled."""


class StepError(RuntimeError):
    """A step cannot go on; the message is shown to the user as the run's error."""


class KeptAside(StepError):
    """Too many of a model step's items failed: its output is kept with the run but must not
    become the current glossary. ``report`` says what failed, without the advice."""

    def __init__(self, report: str, advice: str) -> None:
        super().__init__(f"{report}. {advice}")
        self.report = report


class CancelToken:
    """A one-way flag shared by the canceller (any thread) and the pipeline (its worker).

    It lives here, below ``runs/``, so that the Qt-free pipeline can check it.
    """

    __slots__ = ("_callbacks", "_event", "_lock")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], object]] = []

    def cancel(self) -> bool:
        """Set the flag. Returns True the first time only. Safe from any thread."""
        with self._lock:
            if self._event.is_set():
                return False
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:  # outside the lock: a callback may touch the token
            callback()
        return True

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """A check point: raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    def on_cancel(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` (from the cancelling thread) when cancelled; at once if already."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()


class Unit(StrEnum):
    """What a step's progress counts (the window and the command line name it)."""

    NONE = ""
    CHARACTERS = "characters"
    FILES = "files"
    TERMS = "terms"
    ENTRIES = "entries"
    BATCHES = "batches"
    REQUESTS = "requests"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a step is: ``done`` of ``total`` ``unit`` (``total`` 0: not known yet), and for
    a step that waits on a model server, its requests in flight, those waiting to retry and
    how long nothing has come back. ``at`` is when the step said so (``time.time()``, the
    step's own clock); ``eta_at`` is when the step should end, once that can be estimated
    (filled in by whoever relays the progress to the window: ``runs/reporter.py``)."""

    step: str
    done: int
    total: int
    unit: str = ""
    active: int = 0
    retrying: int = 0
    silent_s: float = 0.0
    at: float = 0.0
    eta_at: float | None = None

    @property
    def fraction(self) -> float | None:
        """Share done, or None when the total is not known."""
        if self.total <= 0:
            return None
        return min(1.0, max(0.0, self.done / self.total))

    def message(self) -> dict[str, object]:
        """The child-to-parent JSON form (``runs/process.py``)."""
        return {
            "progress": [self.step, self.done, self.total],
            "unit": self.unit,
            "active": self.active,
            "retrying": self.retrying,
            "silent": round(self.silent_s, 2),
            "t": self.at,
        }

    @classmethod
    def from_message(cls, message: dict[str, object]) -> Progress:
        step, done, total = message["progress"]  # type: ignore[misc]
        at = message.get("t")
        return cls(
            str(step),
            int(done),
            int(total),
            str(message.get("unit") or ""),
            int(message.get("active") or 0),  # type: ignore[call-overload]
            int(message.get("retrying") or 0),  # type: ignore[call-overload]
            float(message.get("silent") or 0.0),  # type: ignore[arg-type]
            float(at) if isinstance(at, int | float) else time.time(),
        )


class Reporter(Protocol):
    def progress(self, step: str, done: int, total: int) -> None: ...

    def log(self, message: str, *, level: str = "info", step: str = "") -> None: ...


@runtime_checkable
class DetailedReporter(Protocol):
    """A reporter that takes the whole :class:`Progress` (unit, requests in flight, the
    step's time stamp) and log lines with the time the step wrote them. A plain
    :class:`Reporter` gets ``(step, done, total)`` and lines stamped when they reach it."""

    def report(self, progress: Progress) -> None: ...

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None: ...


class NullReporter:
    def progress(self, step: str, done: int, total: int) -> None:
        pass

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        pass

    def report(self, progress: Progress) -> None:
        pass

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
        pass


def send_progress(reporter: Reporter, progress: Progress) -> None:
    """``progress`` to ``reporter``, in as much detail as it takes."""
    if isinstance(reporter, DetailedReporter):
        reporter.report(progress)
    else:
        reporter.progress(progress.step, progress.done, progress.total)


def send_log(reporter: Reporter, message: str, level: str, step: str, at: float | None) -> None:
    """A log line to ``reporter``, with the time the step wrote it when it takes one."""
    if at is not None and isinstance(reporter, DetailedReporter):
        reporter.log_at(message, level=level, step=step, at=at)
    else:
        reporter.log(message, level=level, step=step)


class RedactingReporter:
    """A reporter that hides secrets: every log line passes through :func:`redact` before it
    reaches ``reporter`` (so an API key a server echoes back never reaches a log)."""

    def __init__(self, reporter: Reporter, secrets: Iterable[str]) -> None:
        self._reporter = reporter
        self._secrets = [s for s in secrets if len(s) >= MIN_SECRET_CHARS]

    def progress(self, step: str, done: int, total: int) -> None:
        self._reporter.progress(step, done, total)

    def report(self, progress: Progress) -> None:
        send_progress(self._reporter, progress)

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self._reporter.log(redact(message, self._secrets), level=level, step=step)

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
        send_log(self._reporter, redact(message, self._secrets), level, step, at)


class RunContext:
    """Token + reporter, passed to every step."""

    def __init__(
        self,
        token: CancelToken | None = None,
        reporter: Reporter | None = None,
        run_id: int | None = None,
    ) -> None:
        self.token = token or CancelToken()
        self.reporter: Reporter = reporter or NullReporter()
        #: The run whose outputs the steps write (steps that produce a glossary need one).
        self.run_id = run_id
        #: The scope being run (set by run_scope): a step may depend on which steps precede it.
        self.scope = ""
        #: The scope's steps, in order (set by run_scope): an engine may start a later step's
        #: work early (the model engine asks its review questions as the definitions come in).
        self.steps: tuple[str, ...] = ()
        #: The user's curation when the run started, when a step follows that defines terms
        #: (set by run_scope): what an engine starting that step's work early must respect
        #: (it asks about no excluded term).
        self.curation: Curation | None = None

    def check(self) -> None:
        self.token.check()

    def progress(
        self,
        step: str,
        done: int,
        total: int,
        unit: str = "",
        *,
        active: int = 0,
        retrying: int = 0,
        silent_s: float = 0.0,
    ) -> None:
        """Where ``step`` is: ``done`` of ``total`` ``unit`` (a :class:`Unit`; ``total`` 0
        when not known yet), and for a step waiting on a model server, its requests in
        flight (``active``), those waiting to retry and how long nothing came back. Any
        thread may report (the reporters are thread-safe): it goes out at once."""
        self.report(Progress(step, done, total, unit, active, retrying, silent_s, time.time()))

    def report(self, progress: Progress) -> None:
        send_progress(self.reporter, progress)

    def log(
        self, message: str, *, level: str = "info", step: str = "", at: float | None = None
    ) -> None:
        """A line of the run's log (any thread; it goes out at once). ``at``: when the step
        wrote it, if not now (a line relayed from the step process)."""
        send_log(self.reporter, message, level, step, at)
