"""What a pipeline step gets from whoever runs it: a cancel token and a place to report to."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

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


class Reporter(Protocol):
    def progress(self, step: str, done: int, total: int) -> None: ...

    def log(self, message: str, *, level: str = "info", step: str = "") -> None: ...


class NullReporter:
    def progress(self, step: str, done: int, total: int) -> None:
        pass

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        pass


class RedactingReporter:
    """A reporter that hides secrets: every log line passes through :func:`redact` before it
    reaches ``reporter`` (so an API key a server echoes back never reaches a log)."""

    def __init__(self, reporter: Reporter, secrets: Iterable[str]) -> None:
        self._reporter = reporter
        self._secrets = [s for s in secrets if len(s) >= MIN_SECRET_CHARS]

    def progress(self, step: str, done: int, total: int) -> None:
        self._reporter.progress(step, done, total)

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self._reporter.log(redact(message, self._secrets), level=level, step=step)


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

    def progress(self, step: str, done: int, total: int) -> None:
        self.reporter.progress(step, done, total)

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self.reporter.log(message, level=level, step=step)
