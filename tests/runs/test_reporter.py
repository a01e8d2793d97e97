"""The run reporter's own promises, on a real run row and a real SQLite file: progress
signals are throttled but the latest is always sent, progress alone reaches the database, a
full batch of lines is written at once, writes keep their spacing, a refused write is tried
again after a pause with nothing lost, and one writer thread serves a run."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline.context import Progress, Unit
from genglossary_gui.runs import reporter as reporter_module
from genglossary_gui.runs.reporter import RunReporter
from genglossary_gui.runs.worker import WorkerSignals
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.owner import current_owner
from tests.helpers import new_project


@pytest.fixture
def run_id(data_dir: Path) -> int:
    run = transitions.create_run(new_project(), "full", current_owner(), "user")
    assert transitions.mark_running(run)
    return run


@pytest.fixture
def signals(qapp: object) -> WorkerSignals:
    return WorkerSignals()


@pytest.fixture
def reporter(run_id: int, signals: WorkerSignals) -> Iterator[RunReporter]:
    made = RunReporter(run_id, signals)
    yield made
    made.close()


def _writes(monkeypatch: pytest.MonkeyPatch, fail_first: int = 0) -> list[tuple[float, int]]:
    """Record each log write the reporter attempts (when, how many lines); the first
    ``fail_first`` are refused as a lock would refuse them."""
    real = reporter_module.repo.append_logs
    attempts: list[tuple[float, int]] = []

    def append(run: int, entries: list[repo.LogEntry]) -> None:
        attempts.append((time.monotonic(), len(entries)))
        if len(attempts) <= fail_first:
            raise sqlite3.OperationalError("database is locked")
        real(run, entries)

    monkeypatch.setattr(reporter_module.repo, "append_logs", append)
    return attempts


def _progress(done: int, total: int = 1000, step: str = "generate") -> Progress:
    return Progress(step, done, total, Unit.TERMS, at=time.time())


def test_progress_is_signalled_at_most_once_an_interval_and_the_latest_always(
    qtbot: QtBot, reporter: RunReporter, signals: WorkerSignals
) -> None:
    seen: list[tuple[str, int]] = []
    signals.progress.connect(
        lambda _run, p: seen.append((p.step, p.done)), Qt.ConnectionType.DirectConnection
    )
    started = time.monotonic()
    for done in range(1, 501):
        # A step process's name arrives as a new string each time: equal, not the same.
        reporter.report(_progress(done, step="".join(["gen", "erate"])))
    elapsed = time.monotonic() - started
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == ("generate", 500))
    # The first (a new step), one an interval while the step reports, the latest after it.
    assert len(seen) <= 2 + elapsed / reporter_module._EMIT_INTERVAL_S, (len(seen), elapsed)
    assert seen == sorted(seen)
    # A finished step and a new one are signalled at once, whatever the interval says.
    reporter.report(_progress(1000))
    assert seen[-1] == ("generate", 1000)
    reporter.report(_progress(0, 0, "review"))
    assert seen[-1] == ("review", 0)


def test_progress_alone_reaches_the_database(
    qtbot: QtBot, reporter: RunReporter, run_id: int
) -> None:
    """Other processes read the progress there; no log line has to carry it."""
    reporter.report(_progress(7, 10))

    def written() -> bool:
        run = repo.get_run(run_id)
        return run is not None and (run.progress_done, run.progress_total) == (7, 10)

    qtbot.waitUntil(written, timeout=5_000)


def test_a_line_waits_the_flush_delay_for_company(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines of a burst go to the database in one transaction, not one each."""
    delay = 0.3
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", delay)
    attempts = _writes(monkeypatch)
    arrived = time.monotonic()
    reporter.log("alone")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 1, timeout=5_000)
    assert attempts[0][0] - arrived >= delay, attempts


def test_a_full_batch_of_lines_is_written_without_waiting_out_the_delay(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", 30.0)
    attempts = _writes(monkeypatch)
    lines = reporter_module._FLUSH_MAX_LINES
    for number in range(lines):
        reporter.log(f"line {number}")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == lines, timeout=5_000)
    assert [count for _, count in attempts] == [lines]  # one transaction


def test_writes_are_at_least_the_flush_delay_apart(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    delay = 0.3
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", delay)
    attempts = _writes(monkeypatch)
    lines = reporter_module._FLUSH_MAX_LINES
    for number in range(lines):
        reporter.log(f"first batch {number}")
    qtbot.waitUntil(lambda: len(attempts) == 1, timeout=5_000)
    for number in range(lines):
        reporter.log(f"second batch {number}")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 2 * lines, timeout=5_000)
    assert len(attempts) == 2
    # The spacing is set as a write begins, a moment before the record of it.
    assert attempts[1][0] - attempts[0][0] >= delay - 0.02, attempts


def test_a_refused_write_is_tried_again_after_a_pause_and_loses_nothing(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    retry = 0.3
    monkeypatch.setattr(reporter_module, "_RETRY_S", retry)
    attempts = _writes(monkeypatch, fail_first=2)
    reporter.report(_progress(7, 10))
    reporter.log("written at the third attempt")

    def written() -> bool:
        run = repo.get_run(run_id)
        return (
            run is not None
            and (run.progress_done, run.progress_total) == (7, 10)
            and [e.message for e in repo.read_log(run_id)] == ["written at the third attempt"]
        )

    qtbot.waitUntil(written, timeout=5_000)
    assert len(attempts) == 3
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(attempts)]
    assert all(gap >= retry for gap in gaps), gaps


def test_one_writer_thread_serves_a_run_and_stops_with_it(
    qtbot: QtBot, reporter: RunReporter, run_id: int
) -> None:
    name = f"run-{run_id}-log"
    # An earlier test's run of the same id may still have its writer winding down.
    others = {thread for thread in threading.enumerate() if thread.name == name}

    def writers() -> int:
        return sum(
            1 for thread in threading.enumerate() if thread.name == name and thread not in others
        )

    for number in range(20):
        reporter.log(f"line {number}")
        reporter.report(_progress(number))
    assert writers() == 1
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 20, timeout=5_000)
    reporter.close()
    assert writers() == 0


def _progress_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, int]]:
    """Record each progress write (when, how much done)."""
    real = reporter_module.transitions.update_progress
    writes: list[tuple[float, int]] = []

    def update(run: int, step: str, done: int, total: int) -> None:
        writes.append((time.monotonic(), done))
        real(run, step, done, total)

    monkeypatch.setattr(reporter_module.transitions, "update_progress", update)
    return writes


def test_a_throttled_update_is_signalled_no_sooner_when_a_write_falls_due_first(
    qtbot: QtBot, reporter: RunReporter, signals: WorkerSignals, monkeypatch: pytest.MonkeyPatch
) -> None:
    interval = 0.6  # longer than the progress write's delay: the writer wakes first
    monkeypatch.setattr(reporter_module, "_EMIT_INTERVAL_S", interval)
    writes = _progress_writes(monkeypatch)
    sent: list[tuple[float, int]] = []
    signals.progress.connect(
        lambda _run, p: sent.append((time.monotonic(), p.done)), Qt.ConnectionType.DirectConnection
    )
    reporter.report(_progress(1))  # a new step: at once
    reporter.report(_progress(2))  # within the interval: held back
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=5_000)
    assert writes and writes[0][0] < sent[1][0]  # the write came first
    assert sent[1][1] == 2 and sent[1][0] - sent[0][0] >= interval, sent


def test_progress_waits_its_write_delay_even_when_the_writer_wakes_sooner(
    qtbot: QtBot, reporter: RunReporter, signals: WorkerSignals, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Throttled signals wake the writer every interval; the database still hears of the
    progress only once its delay has passed, in one write."""
    delay = 0.6
    monkeypatch.setattr(reporter_module, "_PROGRESS_FLUSH_DELAY_S", delay)
    writes = _progress_writes(monkeypatch)
    sent: list[int] = []
    signals.progress.connect(
        lambda _run, p: sent.append(p.done), Qt.ConnectionType.DirectConnection
    )
    arrived = time.monotonic()
    reporter.report(_progress(1))
    reporter.report(_progress(2))  # held back, then sent by the writer thread
    qtbot.waitUntil(lambda: bool(writes), timeout=5_000)
    assert sent == [1, 2]  # the throttled update went out before the write was due
    assert writes == [(writes[0][0], 2)] and writes[0][0] - arrived >= delay, writes


def test_a_refused_write_of_progress_alone_is_tried_again(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporter_module, "_RETRY_S", 0.1)
    attempts = _writes(monkeypatch, fail_first=1)
    reporter.report(_progress(7, 10))

    def written() -> bool:
        run = repo.get_run(run_id)
        return run is not None and (run.progress_done, run.progress_total) == (7, 10)

    qtbot.waitUntil(written, timeout=5_000)
    assert len(attempts) == 2


def test_a_refused_full_batch_is_written_at_the_retry_with_the_lines_that_came_since(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More than a batch waiting (the refused lines are put back first) is still a full
    batch: it does not wait out the flush delay."""
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", 30.0)
    monkeypatch.setattr(reporter_module, "_RETRY_S", 0.1)
    attempts = _writes(monkeypatch, fail_first=1)
    lines = reporter_module._FLUSH_MAX_LINES
    for number in range(lines):
        reporter.log(f"line {number}")
    qtbot.waitUntil(lambda: len(attempts) == 1, timeout=5_000)
    reporter.log("one more")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == lines + 1, timeout=5_000)
    assert [count for _, count in attempts] == [lines, lines + 1]
    assert repo.read_log(run_id)[-1].message == "one more"


def test_an_update_after_a_quiet_interval_is_signalled_at_once_by_the_reporting_thread(
    qtbot: QtBot, reporter: RunReporter, signals: WorkerSignals
) -> None:
    sent: list[tuple[int, int]] = []
    signals.progress.connect(
        lambda _run, p: sent.append((p.done, threading.get_ident())),
        Qt.ConnectionType.DirectConnection,
    )
    reporter.report(_progress(1))
    quiet_since = time.monotonic()
    interval = reporter_module._EMIT_INTERVAL_S
    qtbot.waitUntil(lambda: time.monotonic() - quiet_since > 2 * interval)
    reporter.report(_progress(2))
    # Sent inside report(), on this thread, not left for the writer thread to send.
    assert sent == [(1, threading.get_ident()), (2, threading.get_ident())]


@pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"), reason="per-thread CPU clocks")
def test_the_writer_thread_sleeps_while_it_waits(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run waiting on a slow step must not keep a core busy: between its duties the
    writer thread waits on its condition, it does not poll."""
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", 1.5)
    reporter.log("waits for company")
    (writer,) = [t for t in threading.enumerate() if t.name == f"run-{run_id}-log" and t.is_alive()]
    assert writer.ident is not None
    clock = time.pthread_getcpuclockid(writer.ident)
    cpu_before, wall_before = time.clock_gettime(clock), time.monotonic()
    qtbot.waitUntil(lambda: time.monotonic() - wall_before > 0.8)
    used = time.clock_gettime(clock) - cpu_before
    assert used < 0.2, f"the writer used {used:.2f} s of CPU in 0.8 s of waiting"
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 1, timeout=5_000)


def test_a_finished_step_is_signalled_at_once_even_right_after_another_update(
    reporter: RunReporter, signals: WorkerSignals
) -> None:
    seen: list[int] = []
    signals.progress.connect(
        lambda _run, p: seen.append(p.done), Qt.ConnectionType.DirectConnection
    )
    total = 1000  # past the small ints Python keeps one object each of
    reporter.report(_progress(0, total))  # a new step: sent
    reporter.report(Progress("generate", int("1000"), total, Unit.TERMS, at=time.time()))
    assert seen == [0, 1000]  # done, within the interval: sent all the same
    reporter.report(_progress(0, total, "review"))
    reporter.report(_progress(total + 1, total, "review"))  # counted past its total: done too
    assert seen == [0, 1000, 0, 1001]


def test_progress_of_an_unknown_total_is_throttled_like_any_other(
    qtbot: QtBot, reporter: RunReporter, signals: WorkerSignals
) -> None:
    seen: list[int] = []
    signals.progress.connect(
        lambda _run, p: seen.append(p.done), Qt.ConnectionType.DirectConnection
    )
    started = time.monotonic()
    for done in range(300):  # characters read, say, of a size not known yet
        reporter.report(_progress(done, 0))
    elapsed = time.monotonic() - started
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == 299)
    assert len(seen) <= 2 + elapsed / reporter_module._EMIT_INTERVAL_S, (len(seen), elapsed)


def test_a_refused_write_of_lines_alone_is_tried_again(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporter_module, "_RETRY_S", 0.1)
    attempts = _writes(monkeypatch, fail_first=1)
    reporter.log("kept through a refusal")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 1, timeout=5_000)
    assert len(attempts) == 2


def test_progress_newer_than_a_refused_write_is_the_one_kept(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporter_module, "_RETRY_S", 0.1)
    real = reporter_module.repo.append_logs
    attempts: list[int] = []

    def refused_while_the_step_goes_on(run: int, entries: list[repo.LogEntry]) -> None:
        attempts.append(len(entries))
        if len(attempts) == 1:
            reporter.report(_progress(9, 10))  # the step reports again meanwhile
            raise sqlite3.OperationalError("database is locked")
        real(run, entries)

    monkeypatch.setattr(reporter_module.repo, "append_logs", refused_while_the_step_goes_on)
    reporter.report(_progress(7, 10))

    def shown() -> tuple[int, int] | None:
        run = repo.get_run(run_id)
        return None if run is None else (run.progress_done, run.progress_total)

    qtbot.waitUntil(lambda: shown() == (9, 10), timeout=5_000)
    assert len(attempts) == 2


def test_progress_once_written_is_not_written_again_with_later_lines(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each progress write tells every open window to re-read: only a change is written."""
    monkeypatch.setattr(reporter_module, "_FLUSH_DELAY_S", 0.01)
    writes = _progress_writes(monkeypatch)
    reporter.report(_progress(7, 10))
    qtbot.waitUntil(lambda: len(writes) == 1, timeout=5_000)
    for number in range(3):
        reporter.log(f"line {number}")
        qtbot.waitUntil(lambda n=number: len(repo.read_log(run_id)) == n + 1, timeout=5_000)
    assert len(writes) == 1


def test_a_write_that_breaks_for_another_reason_drops_its_lines_and_the_writer_goes_on(
    qtbot: QtBot, reporter: RunReporter, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reporter_module.repo.append_logs
    attempts: list[int] = []

    def broken_once(run: int, entries: list[repo.LogEntry]) -> None:
        attempts.append(len(entries))
        if len(attempts) == 1:
            raise ValueError("a line the database cannot take")
        real(run, entries)

    monkeypatch.setattr(reporter_module.repo, "append_logs", broken_once)
    reporter.log("the bad one")
    qtbot.waitUntil(lambda: len(attempts) == 1, timeout=5_000)
    reporter.log("the next one")
    qtbot.waitUntil(lambda: len(repo.read_log(run_id)) == 1, timeout=5_000)
    assert [e.message for e in repo.read_log(run_id)] == ["the next one"]
