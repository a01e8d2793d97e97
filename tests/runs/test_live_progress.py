"""Progress that tells the truth: a run's log lines and progress reach the window as the step
produces them (measured with the step's own time stamps), a step that waits on a model
server says so, the row never shows an earlier step's full bar, and the time left appears
once it can be estimated."""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from genglossary_gui.engines import model as model_engine
from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.pipeline.context import Progress, Unit
from genglossary_gui.pipeline.steps import SCOPES
from genglossary_gui.runs.reporter import ETA_MIN_FRACTION, ETA_MIN_SECONDS, EtaEstimator
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.models.run_table_model import RunColumn, RunTableModel
from genglossary_gui.ui.pages.runs_page import RunsPage
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion
from tests.runs.conftest import ManagerFactory

#: The longest a line or a progress update may take from the step to the window.
RELAY_BUDGET_S = 0.25


@pytest.fixture
def data_dir(data_dir: Path) -> Iterator[Path]:
    """The tests' data folder; at the end (after the managers are shut down) the Qt objects
    the test left in reference cycles (tables, managers, the slots connected to them) are
    collected here, on the GUI thread: a collection on another thread (a later test's model
    session) would delete them, and their timers, from the wrong thread."""
    yield data_dir
    gc.collect()


@pytest.fixture
def slow_server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(latency_s=0.4, reply=glossary_reply).start()
    yield fake
    fake.stop()


def _model_project(server: FakeLLMServer, tmp_path: Path, **settings: object) -> int:
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=4_000, seed=8)
    project = repo.create_project("p", [str(docs)])
    run_to_completion(project, "import")
    config = EngineConfig("ollama", server.url, "fake-small", **settings)  # type: ignore[arg-type]
    save_config(project, config)
    return project


class _Pane:
    """When each line of the run's log appeared in the Runs page's log pane."""

    def __init__(self, page: RunsPage) -> None:
        self.page = page
        self.arrived: dict[int, float] = {}
        page.log_view.textChanged.connect(self._changed)

    def _changed(self) -> None:
        now = time.time()
        last = self.page._last_log_id  # set by the page just before it appends
        for entry_id in range(1, last + 1):
            self.arrived.setdefault(entry_id, now)

    def delays(self, run_id: int) -> list[tuple[float, str]]:
        """(seconds from the step's stamp to the pane, message) of every line shown."""
        out = []
        for entry_id, entry in repo.read_log_after(run_id, 0, 10_000):
            if entry_id in self.arrived:
                out.append((self.arrived[entry_id] - entry.created_at, entry.message))
        return out


def test_a_model_run_shows_its_lines_and_progress_in_order_and_on_time(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    slow_server: FakeLLMServer,
    tmp_path: Path,
) -> None:
    """A full model run (in its step process, as the window starts it) against a server
    that takes 0.4 s per answer: every log line is in the log pane, and every progress
    update in the run's signal, within RELAY_BUDGET_S of the time the step stamped it;
    the lines come in the order they were written; each step's progress counts up."""
    project = _model_project(slow_server, tmp_path, concurrency=2, max_terms=6)
    manager = make_manager()
    page = RunsPage(manager)
    qtbot.addWidget(page)
    pane = _Pane(page)
    updates: list[tuple[float, Progress]] = []
    manager.run_activity.connect(lambda _r, p: updates.append((time.time(), p)))
    with qtbot.waitSignal(manager.run_finished, timeout=120_000):
        run_id = manager.start_run(project, "full")
        qtbot.waitUntil(lambda: page.select_run(run_id), timeout=2_000)
    qtbot.waitUntil(lambda: len(pane.delays(run_id)) == len(repo.read_log(run_id)))
    run = repo.get_run(run_id)
    assert run is not None and run.status == "completed", run.error if run else None

    lines = pane.delays(run_id)
    assert len(lines) > 10
    print(f"relay to the pane: max {max(d for d, _ in lines) * 1000:.0f} ms, {len(lines)} lines")
    late = [(round(d, 3), m) for d, m in lines if d > RELAY_BUDGET_S]
    assert not late, f"lines that reached the pane late: {late}"
    stamps = [e.created_at for e in repo.read_log(run_id)]
    assert stamps == sorted(stamps)  # in the order the step wrote them

    relayed = [arrived - p.at for arrived, p in updates]
    assert max(relayed) <= RELAY_BUDGET_S, f"progress late by {max(relayed):.3f} s"
    steps = [p.step for _, p in updates]
    assert list(dict.fromkeys(steps)) == list(SCOPES["full"])
    # Each step's count only goes up (within one count: the model's extraction reads the
    # documents, then counts its batches).
    for previous, current in itertools.pairwise(updates):
        a, b = previous[1], current[1]
        if (a.step, a.unit, a.total) == (b.step, b.unit, b.total):
            assert b.done >= a.done, (a, b)
    generate = [p for _, p in updates if p.step == "generate" and p.unit == Unit.TERMS]
    assert generate and generate[-1].done == generate[-1].total
    assert len({p.done for p in generate}) > 2  # through its work, not only at the end


def test_a_server_that_never_answers_is_waited_on_out_loud(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that accepts the requests and never answers: within 2 s of the requests
    going out, the log says what the step waits on and the row counts the requests open;
    Cancel still ends the run at once."""
    monkeypatch.setenv(model_engine.WAIT_REPORT_ENV, "1")
    server = FakeLLMServer().start()
    try:
        server.fault_for["Task: judge"] = "silent"
        project = _model_project(server, tmp_path, concurrency=3)
        manager = make_manager()
        table = RunTableModel(manager)
        lines: list[tuple[float, str]] = []
        manager.run_log.connect(lambda _r, _level, _step, text: lines.append((time.time(), text)))
        run_id = manager.start_run(project, "extract")

        def asked() -> float | None:
            return next((t for t, text in lines if text.startswith("Asking fake-small")), None)

        def waiting() -> float | None:
            return next((t for t, text in lines if text.startswith("Waiting for the model")), None)

        qtbot.waitUntil(lambda: asked() is not None, timeout=60_000)
        qtbot.waitUntil(lambda: waiting() is not None, timeout=10_000)
        said, started = waiting(), asked()
        assert said is not None and started is not None
        assert said - started <= 2.0, f"the waiting line came {said - started:.2f} s late"
        text = next(text for t, text in lines if t == said)
        assert "3 requests open" in text and "nothing has come back" in text

        def row_text() -> str:
            row = table.row_of_run(run_id)
            assert row is not None
            return str(table.index(row, RunColumn.PROGRESS).data())

        qtbot.waitUntil(lambda: "3 open" in row_text(), timeout=2_000)
        assert row_text().startswith("extract")
        with qtbot.waitSignal(manager.run_finished, timeout=10_000):
            manager.cancel_run(run_id)
        run = repo.get_run(run_id)
        assert run is not None and run.status == "cancelled"
    finally:
        server.stop()


def _running_run(project_name: str = "p") -> int:
    project = repo.create_project(project_name, [])
    run_id = transitions.create_run(project, "full", current_owner(), "user")
    assert transitions.mark_running(run_id)
    return run_id


def test_the_row_never_shows_an_earlier_steps_full_bar(
    qtbot: QtBot, qtmodeltester: ModelTester, make_manager: ManagerFactory
) -> None:
    """When the next step starts, the row names it with its own progress (unknown until it
    counts), even when the database still holds the finished step's 100 % and the row is
    read again from it."""
    manager = make_manager()
    table = RunTableModel(manager)
    run_id = _running_run()
    table.refresh_run(run_id)
    row = table.row_of_run(run_id)
    assert row is not None
    cell = table.index(row, RunColumn.PROGRESS)
    now = time.time()
    manager.run_activity.emit(run_id, Progress("extract", 500, 500, Unit.CHARACTERS, at=now))
    assert cell.data() == "extract 100%"
    # The database has that (the reporter wrote it), then the next step starts.
    transitions.update_progress(run_id, "extract", 500, 500)
    manager.run_activity.emit(run_id, Progress("generate", 0, 0, at=now))
    assert cell.data() == "generate"
    table.refresh_run(run_id)  # a transition re-reads the row: the database lags
    assert cell.data() == "generate"
    manager.run_activity.emit(run_id, Progress("generate", 3, 12, Unit.TERMS, active=4, at=now))
    assert cell.data() == "generate 25% · 3/12 terms · 4 open"
    assert "3 of 12 terms" in cell.data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(table)


def test_every_step_of_a_real_run_starts_at_unknown_progress(
    qtbot: QtBot, make_manager: ManagerFactory, tmp_path: Path
) -> None:
    """A built-in full run in its step process: each step's first progress is 0 of an
    unknown total, and the row names the step that runs, never one that ended."""
    docs = tmp_path / "docs"
    write_corpus(docs, files=3, chars_per_file=6_000, seed=2)
    project = repo.create_project("b", [str(docs)])
    run_to_completion(project, "import")
    manager = make_manager()
    table = RunTableModel(manager)
    shown: list[tuple[str, str]] = []

    def seen(run_id: int, progress: Progress) -> None:
        row = table.row_of_run(run_id)
        if row is not None:  # the table's own slot ran first (connected first)
            shown.append((progress.step, str(table.index(row, RunColumn.PROGRESS).data())))

    manager.run_activity.connect(seen)
    firsts: dict[str, Progress] = {}
    manager.run_activity.connect(lambda _r, p: firsts.setdefault(p.step, p))
    with qtbot.waitSignal(manager.run_finished, timeout=120_000):
        run_id = manager.start_run(project, "full")
    run = repo.get_run(run_id)
    assert run is not None and run.status == "completed", run.error if run else None
    assert list(firsts) == list(SCOPES["full"])
    assert all((p.done, p.total) == (0, 0) for p in firsts.values()), firsts
    assert shown
    for step, text in shown:
        assert text.startswith(step), (step, text)


def test_the_time_left_appears_once_it_can_be_estimated() -> None:
    """No estimate before the step has done ETA_MIN_FRACTION of its work for
    ETA_MIN_SECONDS; then its average pace; a new step starts a new estimate."""
    eta = EtaEstimator()
    t0 = 1000.0

    def at(seconds: float, done: int, total: int = 100, step: str = "generate") -> Progress:
        return eta.estimate(Progress(step, done, total, Unit.TERMS, at=t0 + seconds))

    assert at(0, 0).eta_at is None
    assert at(1, 2).eta_at is None  # 2 %: too little done
    assert at(2.5, 4).eta_at is None  # 4 %, under 3 s
    assert at(ETA_MIN_SECONDS - 0.1, 10).eta_at is None  # enough done, too soon
    ten = at(5, 10)  # 10 % in 5 s: 45 s left
    assert ten.eta_at == pytest.approx(t0 + 50)
    assert at(25, 50).eta_at == pytest.approx(t0 + 50)
    assert at(26, 0, 0, "review").eta_at is None  # the next step: unknown again
    assert at(27, int(ETA_MIN_FRACTION * 100), 100, "review").eta_at is None
    assert at(36, 50, 100, "review").eta_at == pytest.approx(t0 + 46)


def test_a_new_step_or_count_starts_a_new_estimate_and_little_done_gives_none() -> None:
    """Whichever way the steps' names sort, and with the total known from the start."""
    t0 = 1000.0

    def estimator() -> Callable[..., Progress]:
        eta = EtaEstimator()

        def at(
            seconds: float, done: int, step: str, unit: Unit = Unit.TERMS, total: int = 100
        ) -> Progress:
            return eta.estimate(Progress(step, done, total, unit, at=t0 + seconds))

        return at

    for first, second in [("define", "review"), ("review", "define")]:
        at = estimator()
        assert at(0, 0, first).eta_at is None
        assert at(10, 50, first).eta_at == pytest.approx(t0 + 20)
        # The next step, its total known at once: its own pace, from its own start.
        assert at(11, 10, second).eta_at is None  # 10 % done but only just begun
        assert at(16, 20, second).eta_at == pytest.approx(t0 + 56)
    at = estimator()
    assert at(0, 0, "extract", Unit.FILES).eta_at is None
    assert at(10, 50, "extract", Unit.FILES).eta_at == pytest.approx(t0 + 20)
    assert at(11, 10, "extract", Unit.BATCHES).eta_at is None  # a new count in the step
    # However long a step has run, too little done says nothing of its end.
    at = estimator()
    assert at(0, 0, "generate").eta_at is None
    assert at(30, int(ETA_MIN_FRACTION * 100), "generate").eta_at is not None  # just enough
    at = estimator()
    assert at(0, 0, "generate").eta_at is None
    assert at(ETA_MIN_SECONDS, 10, "generate").eta_at is not None  # just long enough
    # No progress at all for a while: no estimate (and no division by nothing gained).
    at = estimator()
    assert at(0, 10, "generate").eta_at is None
    assert at(30, 10, "generate").eta_at is None
    # A total that becomes unknown and then known again starts over from then.
    at = estimator()
    assert at(0, 0, "generate").eta_at is None
    assert at(10, 50, "generate").eta_at == pytest.approx(t0 + 20)
    assert at(11, 0, "generate", total=0).eta_at is None  # unknown for a while
    assert at(12, 10, "generate").eta_at is None  # known again, only just
    assert at(20, 50, "generate").eta_at == pytest.approx(t0 + 30)
    # Done going back (a step that counts again) gives no estimate, not one in the past.
    at = estimator()
    assert at(0, 30, "generate").eta_at is None  # the estimate starts at 30 %
    assert at(10, 20, "generate").eta_at is None  # below where it started
    at = estimator()
    assert at(0, 0, "generate").eta_at is None
    assert at(60, int(ETA_MIN_FRACTION * 100) - 1, "generate").eta_at is None


def test_the_row_and_the_command_line_show_the_time_left(
    qtbot: QtBot, make_manager: ManagerFactory
) -> None:
    from genglossary_gui.cli.common import progress_line

    manager = make_manager()
    table = RunTableModel(manager)
    now = time.time()
    unknown = Progress("generate", 10, 100, Unit.TERMS, at=now)
    known = Progress("generate", 10, 100, Unit.TERMS, at=now, eta_at=now + 125)
    assert "left" not in table.progress_text(unknown, now)
    assert table.progress_text(known, now) == (
        "generate 10% · 10/100 terms · about 2 min 05 s left"
    )
    assert "left" not in progress_line(unknown, now)[0]
    assert progress_line(known, now)[0] == "generate  10%  10/100 terms · about 2m05s left"
    waiting = Progress("extract", 0, 15, Unit.BATCHES, active=4, retrying=1, silent_s=45, at=now)
    assert progress_line(waiting, now)[0] == (
        "extract    0%  0/15 batches · 4 open · 1 waiting to retry · nothing back for 45s"
    )
    assert table.progress_text(waiting, now) == (
        "extract 0% · 0/15 batches · 4 open · 1 retrying · waiting 45 s"
    )
