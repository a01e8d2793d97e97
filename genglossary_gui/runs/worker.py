"""RunWorker: executes one run's pipeline on a pool thread and records its outcome."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from genglossary_gui.pipeline.context import Cancelled, CancelToken, RunContext
from genglossary_gui.pipeline.steps import StepError
from genglossary_gui.runs.reporter import RunReporter
from genglossary_gui.store import transitions
from genglossary_gui.store.database import (
    StoreError,
    WritePatience,
    db,
    explain,
    thread_write_patience,
)
from genglossary_gui.store.models import RunStatus
from genglossary_gui.store.transitions import FinalizeError, Outcome

log = logging.getLogger(__name__)

#: ``pipeline(project_id, scope, ctx) -> summary``; raises Cancelled when it stopped on cancel.
Pipeline = Callable[[int, str, RunContext], str]


class WorkerSignals(QObject):
    """Created on the GUI thread and kept by the RunManager until the worker has finished."""

    progress = Signal(int, object)  # run id, pipeline.context.Progress
    log = Signal(int, str, str, str)  # run id, level, step, message
    finished = Signal(int)  # run id; always emitted, last


def describe_failure(exc: BaseException) -> str:
    """A short, human message for an unexpected exception (the traceback goes to the log)."""
    if isinstance(exc, StepError):
        return str(exc)
    plain = explain(exc)
    if plain is not None:
        return plain
    if isinstance(exc, StoreError):
        return f"Database problem: {exc}"
    if isinstance(exc, MemoryError):
        return "Ran out of memory."
    if isinstance(exc, OSError):
        return f"File or system error: {exc.strerror or exc}"
    text = str(exc)
    return f"Unexpected error ({type(exc).__name__}){': ' + text if text else ''}"


class RunWorker(QRunnable):
    def __init__(
        self,
        run_id: int,
        project_id: int,
        scope: str,
        token: CancelToken,
        signals: WorkerSignals,
        pipeline: Pipeline,
    ) -> None:
        super().__init__()
        # The manager holds the only reference and drops it after ``finished``.
        self.setAutoDelete(False)
        self.run_id = run_id
        self.project_id = project_id
        self.scope = scope
        self.token = token
        self.signals = signals
        self._pipeline = pipeline
        self._reporter = RunReporter(run_id, signals)
        #: What the pipeline's end means for the run, once decided (read by shutdown, which
        #: records it itself if this worker is still waiting to write it).
        self.outcome: Outcome | None = None
        self._stop_finalizing = threading.Event()

    def stop_finalizing(self) -> None:
        """Stop waiting for the database to take the outcome (the application quits)."""
        self._stop_finalizing.set()

    def _patience(self) -> WritePatience:
        # A run waits for other writers as long as it takes; Cancel still stops it.
        return WritePatience(
            None,
            check=self.token.check,
            on_wait=lambda message: self._reporter.log(message, level="warning", step="run"),
        )

    def run(self) -> None:
        try:
            outcome = self._execute()
            if outcome is not None:
                self.outcome = outcome
                self._finalize(outcome)
        except BaseException:  # never let an exception escape into Qt's thread
            log.exception("run %s: worker crashed", self.run_id)
        finally:
            self._reporter.close()
            db.close()
            self.signals.finished.emit(self.run_id)

    def _execute(self) -> Outcome | None:
        """Run the pipeline; returns the outcome to record, or None when someone else ended
        the run before it started (another process cancelled it, recovery)."""
        reporter = self._reporter
        cancelled_early = Outcome(RunStatus.CANCELLED, summary="Cancelled before it started.")
        if self.token.cancelled:
            # Cancelled while queued: the pipeline never begins.
            return cancelled_early
        try:
            with db.connection_context(), thread_write_patience(self._patience()):
                try:
                    started = transitions.mark_running(self.run_id)
                except Cancelled:  # while waiting for another writer's lock
                    return cancelled_early
                if not started:
                    # Someone else ended it first (a cancel from another process, recovery).
                    log.info("run %s: not started (%s)", self.run_id, started.value)
                    return None
                reporter.log(f"Run {self.run_id} started: scope {self.scope}", step="run")
                ctx = RunContext(self.token, reporter, self.run_id)
                try:
                    summary = self._pipeline(self.project_id, self.scope, ctx)
                except Cancelled:
                    # The pipeline really stopped early because of the cancel.
                    reporter.log("Cancelled; stopped at the next check point", step="run")
                    outcome = Outcome(RunStatus.CANCELLED, summary="Cancelled by the user.")
                except StepError as exc:  # expected: its message says it all
                    reporter.log(str(exc), level="error", step="run")
                    outcome = Outcome(RunStatus.FAILED, error=describe_failure(exc))
                except Exception as exc:
                    reporter.log(traceback.format_exc(), level="error", step="run")
                    outcome = Outcome(RunStatus.FAILED, error=describe_failure(exc))
                else:
                    # Completion wins a late cancel: the pipeline ran to its end.
                    if self.token.cancelled:
                        reporter.log(
                            "Cancel came after the work was done; results kept", step="run"
                        )
                    reporter.log(f"Completed: {summary}", step="run")
                    outcome = Outcome(RunStatus.COMPLETED, summary=summary)
                reporter.flush()
                return outcome
        except StoreError as exc:
            # The database refused the start or a step's write: record a failure if we can.
            reporter.log(traceback.format_exc(), level="error", step="run")
            return Outcome(RunStatus.FAILED, error=describe_failure(exc))

    def _finalize(self, outcome: Outcome) -> None:
        def tell_user(attempt: int, reason: str) -> None:
            self._reporter.log(
                f"Waiting to record the run as {outcome.status.value}: {reason} "
                f"(attempt {attempt}; the result is kept meanwhile)",
                level="warning",
                step="run",
            )

        try:
            # Fresh connections per attempt; the pipeline's connection is closed by now.
            result = transitions.finalize_run(
                self.run_id,
                outcome,
                on_wait=tell_user,
                should_stop=self._stop_finalizing.is_set,
            )
        except FinalizeError as exc:
            # Only when quitting: shutdown records ``self.outcome`` itself if it can; else
            # the row stays active and recovery marks it interrupted once we are gone.
            log.error("%s", exc)
            return
        if result.attempts > 1:
            self._reporter.log(
                f"Recording the final status took {result.attempts} attempts "
                f"(the database was busy: {result.last_error})",
                level="warning",
                step="run",
            )
        if not result.result:
            log.info("run %s: final write was a no-op (%s)", self.run_id, result.result.value)
        try:
            with db.connection_context():
                self._reporter.flush()
        except StoreError as exc:
            log.warning("run %s: last log lines not saved: %s", self.run_id, exc)
