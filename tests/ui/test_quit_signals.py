"""SIGTERM, and Ctrl+C in the terminal that started the window, quit as Quit does: the active
run is cancelled and recorded as cancelled (not interrupted), its step process is gone."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Run
from genglossary_gui.ui.quit_signals import QuitSignals
from genglossary_gui.vocabulary import RunStatus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(reply=glossary_reply).start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_quit_signal_cancels_the_active_run_and_closes_the_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_dir: Path,
    server: FakeLLMServer,
    signum: int,
) -> None:
    project = repo.create_project("Slow", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    run_to_completion(project, "extract")
    save_config(project, EngineConfig("ollama", server.url, "fake-small", concurrency=2))
    server.latency_s = 30  # requests are in flight when the signal comes
    window, manager = make_window()  # the real step process
    window.select_project(project)
    run_id = window.start_run("generate")
    assert run_id is not None
    qtbot.waitUntil(
        lambda: any("Task: define" in json.dumps(r[2]) for r in server.requests), timeout=30_000
    )
    asked: list[int] = []
    window.confirm_quit_with_active_runs = lambda n: asked.append(n) or False  # type: ignore[method-assign]
    signals = QuitSignals(window.quit_without_asking)
    try:
        os.kill(os.getpid(), signum)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    finally:
        signals.uninstall()
    assert signals.received == [signum]
    assert asked == []  # a signal does not ask (no one is there to answer)
    run = Run.get_by_id(run_id)
    assert run.status == RunStatus.CANCELLED, run.error
    assert manager.active_run_ids() == []

    def left() -> list[psutil.Process]:
        alive = []
        for p in psutil.Process().children(recursive=True):
            try:
                if p.status() != psutil.STATUS_ZOMBIE:  # other tests' children, already ended
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        return alive

    # The run is recorded as soon as the step process answered; the process itself is gone
    # a moment later (reaped on a thread of its own): no step process is left behind.
    qtbot.waitUntil(lambda: left() == [], timeout=5_000)


def test_uninstalled_handlers_are_the_previous_ones(qtbot: QtBot) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    QuitSignals(lambda: None).uninstall()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
