"""Both protocols against a real HTTP server on 127.0.0.1 (tests/fake_llm.py)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, Field

from genglossary_gui.llm.clients import (
    AuthenticationFailed,
    LLMError,
    LLMSettings,
    ModelMissing,
    ReplyTooLong,
    ServerFailed,
    ServerUnreachable,
    TimedOut,
    ask_structured,
    make_client,
)
from genglossary_gui.llm.structured import StructuredOutputError, schema_of
from tests.fake_llm import FakeLLMServer


class Defined(BaseModel):
    term: str
    definition: str = Field(min_length=1)


SCHEMA = schema_of(Defined)
MESSAGES = [{"role": "user", "content": "Define WAL."}]
ENGINES = ["ollama", "openai"]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer().start()
    yield fake
    fake.stop()


def _settings(server: FakeLLMServer, engine: str, **kw: object) -> LLMSettings:
    return LLMSettings(engine, server.url, kw.pop("model", "fake-small"), **kw)  # type: ignore[arg-type]


def run(coro):
    return asyncio.run(coro)


async def _ask(settings: LLMSettings, raw: list[str] | None = None) -> dict[str, object]:
    client = make_client(settings)
    try:
        reply = await ask_structured(
            client, MESSAGES, Defined, on_raw=raw.append if raw is not None else None
        )
        return reply.model_dump()
    finally:
        await client.aclose()


@pytest.mark.parametrize("engine", ENGINES)
def test_streamed_structured_answer(server: FakeLLMServer, engine: str) -> None:
    assert run(_ask(_settings(server, engine))) == {
        "term": "WAL",
        "definition": "A log of changes.",
    }
    _, path, body, _ = server.requests[-1]
    assert body["stream"] is True
    if engine == "ollama":
        assert path == "/api/chat" and body["format"] == SCHEMA
    else:
        assert path == "/v1/chat/completions"
        assert body["response_format"]["json_schema"]["schema"] == SCHEMA


@pytest.mark.parametrize("engine", ENGINES)
def test_models_are_listed(server: FakeLLMServer, engine: str) -> None:
    async def models() -> list[str]:
        client = make_client(_settings(server, engine))
        try:
            return await client.list_models()
        finally:
            await client.aclose()

    assert run(models()) == ["fake-large", "fake-small"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fault", ["500", "429", "drop"])
def test_transient_faults_are_retried(server: FakeLLMServer, engine: str, fault: str) -> None:
    server.faults.extend([fault, fault])
    assert run(_ask(_settings(server, engine)))["term"] == "WAL"  # type: ignore[index]
    assert len([r for r in server.requests if r[0] == "POST"]) == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_fenced_reply_is_understood_and_malformed_one_reasked(
    server: FakeLLMServer, engine: str
) -> None:
    server.faults.append("fenced")
    assert run(_ask(_settings(server, engine)))["term"] == "WAL"  # type: ignore[index]
    server.faults.append("malformed")
    raw: list[str] = []
    assert run(_ask(_settings(server, engine), raw))["term"] == "WAL"  # type: ignore[index]
    assert raw == ['{"term": "WAL", "definition": ']  # kept for the run log
    last = server.requests[-1][2]["messages"]
    assert "not valid" in last[-1]["content"]  # the re-ask names the problem
    server.faults.extend(["malformed", "malformed"])
    with pytest.raises(StructuredOutputError):
        run(_ask(_settings(server, engine)))


def test_openai_falls_back_when_json_schema_is_refused(server: FakeLLMServer) -> None:
    server.faults.append("no-json-schema")
    assert run(_ask(_settings(server, "openai")))["term"] == "WAL"  # type: ignore[index]
    formats = [r[2].get("response_format", {}).get("type") for r in server.requests]
    assert formats == ["json_schema", "json_object"]


def test_azure_uses_deployment_url_api_version_and_api_key(server: FakeLLMServer) -> None:
    settings = _settings(
        server, "openai", model="my-deployment", api_key="s3cret", azure_api_version="2024-06-01"
    )
    assert run(_ask(settings))["term"] == "WAL"  # type: ignore[index]
    _, target, _, headers = server.requests[-1]
    assert target == "/openai/deployments/my-deployment/chat/completions?api-version=2024-06-01"
    assert headers["api-key"] == "s3cret" and "authorization" not in headers
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("engine", ENGINES)
def test_plain_failures_say_what_is_wrong(server: FakeLLMServer, engine: str) -> None:
    with pytest.raises(ModelMissing, match="not on the server"):
        run(_ask(_settings(server, engine, model="nope")))
    server.faults.append("401")
    with pytest.raises(AuthenticationFailed, match="API key"):
        run(_ask(_settings(server, engine)))


@pytest.mark.parametrize("engine", ENGINES)
def test_server_not_running_fails_within_seconds(engine: str) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="is the server running"):
        run(_ask(LLMSettings(engine, f"http://127.0.0.1:{port}", "m")))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("engine", ENGINES)
def test_cancel_closes_the_connection(engine: str) -> None:
    fake = FakeLLMServer(latency_s=30).start()
    try:

        async def ask_then_cancel() -> float:
            task = asyncio.ensure_future(_ask(_settings(fake, engine)))
            # The server has the request (it then sits in its 30 s latency): cancel now.
            while not fake.requests:
                await asyncio.sleep(0.01)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

        assert run(ask_then_cancel()) < 1.0
        deadline = time.monotonic() + 5
        while fake.disconnects < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fake.disconnects == 1  # the server saw the client hang up
    finally:
        fake.stop()


def test_requests_carry_no_key_in_the_body(server: FakeLLMServer) -> None:
    run(_ask(_settings(server, "openai", api_key="s3cret")))
    _, _, body, headers = server.requests[-1]
    assert "s3cret" not in json.dumps(body)
    assert headers["authorization"] == "Bearer s3cret"


def _wait_for(condition, timeout_s: float = 5.0) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout_s`` passes (False)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


async def _chat(settings: LLMSettings) -> str:
    """One request, no retries."""
    client = make_client(settings)
    try:
        return await client.chat(MESSAGES, SCHEMA)
    finally:
        await client.aclose()


def _timed(coro) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        run(coro)
    except Exception as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


# -- limits: reply size, keep-alive-only streams, the whole-request deadline ------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fault", ["huge", "huge-line"])
def test_a_huge_reply_is_cut_off_and_not_retried(
    server: FakeLLMServer, engine: str, fault: str
) -> None:
    server.faults.append(fault)  # 20 MB of "{", in 64 KiB pieces or as one line
    elapsed, exc = _timed(_ask(_settings(server, engine)))
    assert isinstance(exc, ReplyTooLong)
    assert str(exc) == "The model's reply was longer than 1 MB; stopped reading it."
    assert not exc.retryable
    assert len([r for r in server.requests if r[0] == "POST"]) == 1
    assert elapsed < 5
    # The client stopped reading and hung up instead of taking in all 20 MB.
    assert _wait_for(lambda: server.disconnects == 1)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_reply_limit_is_a_setting(engine: str) -> None:
    fake = FakeLLMServer(reply=lambda body: "x" * 5000).start()
    try:
        with pytest.raises(ReplyTooLong, match="longer than 1,000 characters"):
            run(_chat(_settings(fake, engine, max_reply_chars=1000)))
        assert run(_chat(_settings(fake, engine, max_reply_chars=5000))) == "x" * 5000
    finally:
        fake.stop()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_huge_error_page_is_not_read_to_the_end(server: FakeLLMServer, engine: str) -> None:
    server.faults.append("huge-500")
    elapsed, exc = _timed(_chat(_settings(server, engine)))
    assert isinstance(exc, ServerFailed) and str(exc) == "The server failed (HTTP 500)."
    assert exc.raw == "E" * 2000  # the start, for the run log
    assert elapsed < 5
    assert _wait_for(lambda: server.disconnects == 1)


@pytest.mark.parametrize(
    ("engine", "fault"),
    [("ollama", "keepalive"), ("openai", "keepalive"), ("openai", "empty-deltas")],
)
def test_keep_alive_messages_do_not_hold_a_request_open(
    server: FakeLLMServer, engine: str, fault: str
) -> None:
    server.faults.append(fault)  # a message every 0.05 s, never an answer
    elapsed, exc = _timed(_chat(_settings(server, engine, read_timeout_s=0.5)))
    assert isinstance(exc, TimedOut) and exc.retryable
    assert str(exc) == f"{server.url} sent no answer within 0.5 s (only keep-alive messages)."
    assert 0.4 < elapsed < 3
    assert _wait_for(lambda: server.disconnects == 1)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_keep_alive_stream_is_retried_like_any_timeout(
    server: FakeLLMServer, engine: str
) -> None:
    server.faults.append("keepalive")
    assert run(_ask(_settings(server, engine, read_timeout_s=0.5)))["term"] == "WAL"  # type: ignore[index]
    assert len([r for r in server.requests if r[0] == "POST"]) == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_a_steady_trickle_is_cut_at_the_deadline(server: FakeLLMServer, engine: str) -> None:
    server.faults.append("trickle")  # one character every 0.05 s, forever
    settings = _settings(server, engine, read_timeout_s=0.5, request_deadline_s=1.5)
    elapsed, exc = _timed(_chat(settings))
    assert isinstance(exc, TimedOut) and exc.retryable
    assert "did not finish its answer within 1.5 s" in str(exc)
    assert 1.4 < elapsed < 4
    assert _wait_for(lambda: server.disconnects == 1)


def test_the_default_deadline_is_five_read_timeouts_or_two_minutes() -> None:
    assert LLMSettings("openai", "http://x", "m", read_timeout_s=30).deadline_s == 150
    assert LLMSettings("openai", "http://x", "m", read_timeout_s=5).deadline_s == 120
    assert LLMSettings("openai", "http://x", "m", request_deadline_s=9).deadline_s == 9


# -- the API key, echoed back by a server ------------------------------------------------------

KEY = "sk-echo-0123456789abcdef"


@pytest.mark.parametrize("azure", [False, True], ids=["openai", "azure"])
@pytest.mark.parametrize(
    "fault", ["echo-key-500", "echo-key-400", "echo-key-stream-error", "echo-key-reply"]
)
def test_a_key_the_server_echoes_is_never_passed_on(
    server: FakeLLMServer, azure: bool, fault: str
) -> None:
    server.faults.extend([fault] * 8)
    extra = {"azure_api_version": "2024-06-01"} if azure else {}
    raw: list[str] = []
    settings = _settings(server, "openai", api_key=KEY, **extra)
    with pytest.raises((LLMError, StructuredOutputError)) as info:
        run(_ask(settings, raw))
    exc = info.value
    # The server did see (and echo) the key ...
    assert any(
        KEY in (r[3].get("authorization") or r[3].get("api-key", "")) for r in server.requests
    )
    # ... and nothing the client returned or raised contains it.
    seen = [str(exc), getattr(exc, "raw", ""), *raw]
    assert all(KEY not in text for text in seen), seen
    assert any("***" in text for text in seen), seen
