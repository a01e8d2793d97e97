"""llm/probe.py: the connection test's report and the model list, within a deadline and
cancellable, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from genglossary_gui.llm.clients import LLMSettings, ServerUnreachable
from genglossary_gui.llm.probe import ConnectionReport, NoAnswer, check_connection, list_models
from tests.fake_llm import FakeLLMServer


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer().start()
    yield fake
    fake.stop()


def _settings(url: str, model: str = "fake-small", engine: str = "ollama") -> LLMSettings:
    return LLMSettings(engine=engine, base_url=url, model=model, read_timeout_s=3600)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("engine", ["ollama", "openai"])
def test_the_report_says_what_the_server_has(server: FakeLLMServer, engine: str) -> None:
    report = asyncio.run(check_connection(_settings(server.url, engine=engine)))
    assert report.reachable and report.model_found and not report.timed_out
    assert report.models == ("fake-large", "fake-small")
    assert report.server is not None and report.server.pitfalls == []
    assert report.server.dialect == ("format" if engine == "ollama" else "json_schema")
    missing = asyncio.run(check_connection(_settings(server.url, "nope", engine)))
    assert missing.reachable and not missing.model_found
    # A model the server does not list is not asked a question (it would only fail).
    assert missing.server is not None and missing.server.dialect == ""


def test_a_model_that_does_not_answer_in_time_leaves_what_the_server_said(
    server: FakeLLMServer,
) -> None:
    """The model list came back, the test question did not: reachable, with the models,
    and said to be late, within the deadline."""
    server.fault_for["Reply with the JSON"] = "silent"  # the test question only

    async def scenario() -> tuple[float, ConnectionReport]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        report = await check_connection(_settings(server.url, engine="openai"), timeout_s=0.5)
        return loop.time() - started, report

    elapsed, report = asyncio.run(scenario())
    assert 0.5 <= elapsed < 3
    assert report.reachable and report.model_found and not report.timed_out
    assert report.server is not None and report.server.late and report.server.dialect == ""


def test_a_model_that_fails_its_test_question_is_said_so(server: FakeLLMServer) -> None:
    server.fault_for["Reply with the JSON"] = "401"
    report = asyncio.run(check_connection(_settings(server.url, engine="openai")))
    assert report.reachable and report.server is not None
    assert report.server.question_problem and report.server.dialect == ""


def test_an_unreachable_server_is_reported_in_plain_words() -> None:
    report = asyncio.run(check_connection(_settings(f"http://127.0.0.1:{_closed_port()}")))
    assert not report.reachable and not report.timed_out
    assert "is the server running" in report.problem
    with pytest.raises(ServerUnreachable):
        asyncio.run(list_models(_settings(f"http://127.0.0.1:{_closed_port()}")))


def test_a_silent_server_is_given_up_after_the_deadline(server: FakeLLMServer) -> None:
    server.silent = True

    async def scenario() -> tuple[float, NoAnswer]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(NoAnswer) as caught:
            await list_models(_settings(server.url), timeout_s=0.3)
        return loop.time() - started, caught.value

    elapsed, error = asyncio.run(scenario())
    assert 0.3 <= elapsed < 3
    assert str(error) == f"No answer from {server.url} within 0.3 s."
    report = asyncio.run(check_connection(_settings(server.url), timeout_s=0.3))
    assert report.timed_out and not report.reachable and report.timeout_s == 0.3


def test_cancelling_closes_the_connection(server: FakeLLMServer) -> None:
    server.silent = True

    async def scenario() -> None:
        task = asyncio.ensure_future(check_connection(_settings(server.url)))
        while server.open_connections < 1 or not server.requests:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while server.open_connections and loop.time() < deadline:
            await asyncio.sleep(0.005)

    asyncio.run(scenario())
    assert server.open_connections == 0 and server.disconnects == 1
