"""A model step that waits says on what: each retry is told (which attempt, how long until
it), and the step's progress counts the requests open and those waiting to retry."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.llm import clients
from genglossary_gui.llm.clients import ServerFailed, with_retries
from genglossary_gui.pipeline.context import Progress, RunContext
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.owner import current_owner
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion


def test_each_retry_is_told_before_its_wait() -> None:
    heard: list[tuple[int, int, float, str]] = []
    failures = [ServerFailed("HTTP 500"), ServerFailed("HTTP 503")]

    async def flaky() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    async def no_sleep(_s: float) -> None:
        pass

    result = asyncio.run(
        with_retries(
            flaky,
            attempts=4,
            first_delay_s=2.0,
            max_delay_s=8.0,
            sleep=no_sleep,
            on_retry=lambda n, of, wait, exc: heard.append((n, of, wait, str(exc))),
        )
    )
    assert result == "ok"
    assert [(n, of, why) for n, of, _, why in heard] == [(1, 4, "HTTP 500"), (2, 4, "HTTP 503")]
    assert all(wait > 0 for *_, wait, _ in heard)


class _Recorder:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.updates: list[Progress] = []

    def progress(self, step: str, done: int, total: int) -> None:
        raise AssertionError("a detailed reporter gets report()")

    def report(self, progress: Progress) -> None:
        self.updates.append(progress)

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self.lines.append((level, message))

    def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
        self.lines.append((level, message))


def test_a_model_step_tells_its_retries_and_counts_its_requests(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clients, "FIRST_RETRY_DELAY_S", 0.3)
    monkeypatch.setattr(clients, "MAX_RETRY_DELAY_S", 0.3)
    server = FakeLLMServer(latency_s=0.2, reply=glossary_reply).start()
    try:
        server.faults.extend(["500", "500"])
        docs = tmp_path / "docs"
        write_corpus(docs, files=2, chars_per_file=4_000, seed=8)
        project = repo.create_project("p", [str(docs)])
        run_to_completion(project, "import")
        save_config(project, EngineConfig("ollama", server.url, "fake-small", concurrency=2))
        run_id = transitions.create_run(project, "extract", current_owner())
        transitions.mark_running(run_id)
        reporter = _Recorder()
        run_scope_here(project, "extract", RunContext(reporter=reporter, run_id=run_id))
    finally:
        server.stop()
    retries = [m for level, m in reporter.lines if "retry" in m]
    assert len(retries) == 2, reporter.lines
    assert all(level == "warning" for level, m in reporter.lines if m in retries)
    assert "HTTP 500" in retries[0] and "retry 1 of 3 in 0.3 s" in retries[0]
    batches = [p for p in reporter.updates if p.unit == "batches"]
    assert any(p.retrying for p in batches)  # counted while waiting to retry
    assert any(p.active for p in batches)
    assert batches[-1].done == batches[-1].total > 0
