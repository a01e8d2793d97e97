"""The model servers people run, as the fake server plays them (issue 16): llama-cpp-python's
HTTP 500 on ``json_schema``, refusals in flight at once, streams that end before the reply
does, empty replies, replies cut at the length limit, the reply's length bound and the
context budget, and what "Test connection" reports."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.engines.model import _Slots
from genglossary_gui.llm.clients import (
    LENGTH_LIMIT,
    LOWERED_NOTICE,
    EmptyReply,
    Interrupted,
    LengthLimited,
    LLMSettings,
    OverBudget,
    ask_structured,
    make_client,
    probe_server,
)
from genglossary_gui.llm.structured import reply_tokens, schema_of, text_tokens
from genglossary_gui.store import repositories as repo
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"
ENGINES = ["ollama", "openai"]


class Defined(BaseModel):
    term: str
    definition: str = Field(min_length=1)


SCHEMA = schema_of(Defined)
MESSAGES = [{"role": "user", "content": "Define WAL."}]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer().start()
    yield fake
    fake.stop()


@pytest.fixture
def glossary_server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(reply=glossary_reply).start()
    yield fake
    fake.stop()


def _settings(server: FakeLLMServer, engine: str = "openai", **kw: Any) -> LLMSettings:
    return LLMSettings(engine, server.url, kw.pop("model", "fake-small"), **kw)


def _chats(server: FakeLLMServer) -> list[dict[str, Any]]:
    return [r[2] for r in server.requests if r[0] == "POST"]


def _formats(server: FakeLLMServer) -> list[tuple[str | None, bool]]:
    """Each chat's response_format type, and whether the schema went with it."""
    out = []
    for chat in _chats(server):
        fmt = chat.get("response_format") or {}
        schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
        out.append((fmt.get("type"), schema == SCHEMA))
    return out


async def _asks(settings: LLMSettings, count: int = 1, notices: list[str] | None = None) -> list:
    client = make_client(settings)
    try:
        return await asyncio.gather(
            *(
                ask_structured(
                    client,
                    MESSAGES,
                    Defined,
                    on_notice=notices.append if notices is not None else None,
                )
                for _ in range(count)
            )
        )
    finally:
        await client.aclose()


# -- 1. a 500 on json_schema: the fallback keeps the schema -----------------------------------


def test_a_500_on_json_schema_falls_back_to_json_object_with_the_schema(
    server: FakeLLMServer,
) -> None:
    server.sticky.add("json-schema-500")
    notices: list[str] = []
    [reply] = asyncio.run(_asks(_settings(server), notices=notices))
    assert reply.term == "WAL"
    assert _formats(server) == [("json_schema", True), ("json_object", True)]
    assert len(notices) == 1 and "does not take response_format json_schema" in notices[0]
    assert "json_object with the schema" in notices[0]


# -- 2. refusals at once: one step; learned once per server and model ------------------------


def test_refusals_at_once_move_the_mode_one_step_and_it_is_learned_for_the_session() -> None:
    fake = FakeLLMServer(latency_s=0.05).start()
    try:
        fake.sticky.add("json-schema-500")
        replies = asyncio.run(_asks(_settings(fake), count=2))
        assert [r.term for r in replies] == ["WAL", "WAL"]
        # Both refused json_schema at once; both asked again with json_object and the
        # schema; none went past it (to json_object without the schema, or plain text).
        assert sorted(_formats(fake)) == [("json_object", True)] * 2 + [("json_schema", True)] * 2
        # A new client of this server and model (the next step, the next run of this
        # process) asks the way learned: no 500, no probe again.
        del fake.requests[:]
        asyncio.run(_asks(_settings(fake)))
        assert _formats(fake) == [("json_object", True)]
        # Another model on the same server is learned on its own.
        del fake.requests[:]
        asyncio.run(_asks(_settings(fake, model="fake-large")))
        assert _formats(fake) == [("json_schema", True), ("json_object", True)]
    finally:
        fake.stop()


def test_the_mode_learned_is_kept_for_the_session(server: FakeLLMServer) -> None:
    """Learned once: json_schema is not tried again while this process runs."""
    server.faults.extend(["json-schema-500"])
    asyncio.run(_asks(_settings(server)))
    asyncio.run(_asks(_settings(server)))  # the server would take json_schema now: not asked
    learned = [("json_schema", True), ("json_object", True)]
    assert _formats(server) == [*learned, ("json_object", True)]


# -- 3. a stream ending with [DONE] and no finish_reason -------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_an_interrupted_stream_is_not_a_reply_and_is_asked_again(
    server: FakeLLMServer, engine: str
) -> None:
    async def once() -> str:
        client = make_client(_settings(server, engine))
        try:
            return await client.chat(MESSAGES, SCHEMA)
        finally:
            await client.aclose()

    server.faults.append("interrupted")
    with pytest.raises(Interrupted, match="before the model had finished"):
        asyncio.run(once())
    server.faults.append("interrupted")
    [reply] = asyncio.run(_asks(_settings(server, engine)))
    assert reply.term == "WAL"
    assert len(_chats(server)) == 3


def test_a_finished_stream_has_a_finish_reason(server: FakeLLMServer) -> None:
    asyncio.run(_asks(_settings(server)))
    assert len(_chats(server)) == 1  # the fake's own ending (finish_reason, then [DONE])


def test_a_server_interrupting_parallel_requests_gets_one_at_a_time(
    data_dir: Path,
) -> None:
    fake = FakeLLMServer(reply=glossary_reply, latency_s=0.06).start()
    try:
        fake.interrupting = True  # as llama-cpp-python with its default flags
        project = repo.create_project("p", [str(DATA / "glossary_en")])
        run_to_completion(project, "import")
        config = EngineConfig(engine="openai", base_url=fake.url, model="fake-small")
        save_config(project, config)  # 4 requests in flight
        run_id = run_to_completion(project, "full")
        log = [e.message for e in repo.read_log(run_id)]
        assert sum(LOWERED_NOTICE in line for line in log) == 1, log
        entries = repo.load_entries(run_id, "refined")
        assert entries and all(e["kind"] == "generated" for e in entries)
        assert not [line for line in log if "failed" in line]
        # From then on (the next run of this process too) one reply at a time.
        fake.most_streaming = 0
        run_to_completion(project, "generate")
        assert fake.most_streaming == 1
    finally:
        fake.stop()


def test_lowered_slots_let_nobody_in_until_those_above_the_limit_are_done() -> None:
    async def scenario() -> list[str]:
        slots = _Slots(3)
        events: list[str] = []
        release = [asyncio.Event() for _ in range(3)]

        async def holder(i: int) -> None:
            async with slots.held(0):
                events.append(f"in {i}")
                await release[i].wait()
            events.append(f"out {i}")

        async def waiter() -> None:
            async with slots.held(0):
                events.append("waiter in")

        holders = [asyncio.create_task(holder(i)) for i in range(3)]
        await asyncio.sleep(0)
        slots.lower(1)
        late = asyncio.create_task(waiter())
        await asyncio.sleep(0)
        for i in range(3):
            release[i].set()
            await holders[i]
            await asyncio.sleep(0)
        await late
        return events

    events = asyncio.run(scenario())
    assert events.index("waiter in") > events.index("out 2")


# -- 4. an empty 200, 5. finish_reason: length ------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("empty-200", EmptyReply, "empty reply"),
        ("length", LengthLimited, LENGTH_LIMIT),
    ],
)
def test_an_empty_or_cut_reply_is_named_in_plain_words_and_not_asked_the_same_again(
    server: FakeLLMServer, engine: str, fault: str, error: type[Exception], words: str
) -> None:
    server.faults.append(fault)
    with pytest.raises(error) as caught:
        asyncio.run(_asks(_settings(server, engine)))
    assert words in str(caught.value).lower()
    assert "context" in str(caught.value)
    assert len(_chats(server)) == 1  # the same question would get the same answer


def _extracted_with(server: FakeLLMServer) -> int:
    """A project of tests/data/glossary_en, imported and extracted with ``server``'s model."""
    project = repo.create_project("p", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    save_config(project, EngineConfig(engine="openai", base_url=server.url, model="fake-small"))
    run_to_completion(project, "extract")
    return project


@pytest.mark.parametrize("overflow", ["empty-200", "length"])
def test_a_batch_too_long_for_the_context_is_asked_in_smaller_batches(
    data_dir: Path, glossary_server: FakeLLMServer, overflow: str
) -> None:
    server = glossary_server
    project = _extracted_with(server)
    judged = [c for c in _chats(server) if "Task: judge" in json.dumps(c["messages"])]
    longest = max(len(json.dumps(c["messages"], ensure_ascii=False)) for c in judged)
    # A server whose context takes two thirds of the longest judge's question.
    server.context_chars, server.overflow = longest * 2 // 3, overflow
    del server.requests[:]
    run_id = run_to_completion(project, "extract")
    log = "\n".join(e.message for e in repo.read_log(run_id))
    assert "items in two halves" in log
    assert ("empty reply" if overflow == "empty-200" else LENGTH_LIMIT) in log.lower()
    assert "failed" not in log
    # The halves' verdicts were taken: the judge's "system" is dropped.
    assert "system" not in [t.text for t in repo.ranked_terms(project)]


@pytest.mark.parametrize("overflow", ["empty-200", "length"])
def test_a_definition_too_long_for_the_context_is_asked_from_fewer_passages(
    data_dir: Path, glossary_server: FakeLLMServer, overflow: str
) -> None:
    server = glossary_server
    project = _extracted_with(server)
    run_to_completion(project, "generate")
    asked = {
        json.dumps(c["messages"], ensure_ascii=False): c
        for c in _chats(server)
        if "Task: define" in json.dumps(c["messages"])
    }
    prompts = sorted(asked, key=len)
    longest = prompts[-1]
    term = longest.split("Term: ", 1)[1].split("\\n", 1)[0]
    passages = longest.count("\\n[")
    assert passages >= 2, "the corpus must give some term several passages"
    assert len(prompts[-2]) < len(longest), "the longest define question must be alone"
    # A server whose context takes every question but the longest definition's.
    server.context_chars, server.overflow = (len(prompts[-2]) + len(longest)) // 2, overflow
    del server.requests[:]
    run_id = run_to_completion(project, "generate")
    log = "\n".join(e.message for e in repo.read_log(run_id))
    assert f"defining '{term}' from {passages // 2} of its {passages} passages" in log
    assert "failed" not in log
    entries = {e["term"]: e for e in repo.load_entries(run_id, "provisional")}
    assert entries[term]["definition"] == f"{term}: explained by the model."
    # The question that was answered held only the first half of the passages.
    [answered] = [
        c
        for c in _chats(server)
        if f"Term: {term}\\n" in json.dumps(c["messages"], ensure_ascii=False)
        and len(json.dumps(c["messages"], ensure_ascii=False)) <= server.context_chars
    ]
    assert json.dumps(answered["messages"], ensure_ascii=False).count("\\n[") == passages // 2


def test_a_definition_cut_even_from_one_passage_fails_its_term_in_plain_words(
    data_dir: Path, glossary_server: FakeLLMServer
) -> None:
    server = glossary_server
    project = _extracted_with(server)
    server.fault_for["Term: replica\\n"] = "length"
    run_id = run_to_completion(project, "generate")
    log = "\n".join(e.message for e in repo.read_log(run_id))
    assert f"“replica” failed: {LENGTH_LIMIT[0].upper()}{LENGTH_LIMIT[1:]}." in log
    # Asked again from fewer passages, down to one, before the term failed.
    assert re.search(r"defining 'replica' from 1 of its \d+ passages", log)
    asked = [c for c in _chats(server) if "Term: replica\\n" in json.dumps(c["messages"])]
    assert len(asked) >= 2


# -- the reply's length bound and the context budget ----------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_max_tokens_follows_the_schema_and_ollama_gets_the_budget_as_its_context(
    server: FakeLLMServer, engine: str
) -> None:
    asyncio.run(_asks(_settings(server, engine, context_tokens=8192)))
    [chat] = _chats(server)
    expected = reply_tokens(SCHEMA)
    assert 64 <= expected < 1024
    if engine == "ollama":
        assert chat["options"]["num_predict"] == expected
        assert chat["options"]["num_ctx"] == 8192
    else:
        assert chat["max_tokens"] == expected


def test_max_tokens_fits_in_what_the_budget_leaves(server: FakeLLMServer) -> None:
    long = [{"role": "user", "content": "Define WAL. " + "word " * 1400}]  # ~2,350 tokens

    async def ask() -> None:
        client = make_client(_settings(server, context_tokens=2500))
        try:
            await ask_structured(client, long, Defined)
        finally:
            await client.aclose()

    asyncio.run(ask())
    assert 64 <= _chats(server)[0]["max_tokens"] < reply_tokens(SCHEMA)


def test_a_question_over_the_context_budget_is_not_sent_and_says_why(
    server: FakeLLMServer,
) -> None:
    huge = [{"role": "user", "content": "Define WAL. " + "word " * 4000}]

    async def ask() -> None:
        client = make_client(_settings(server))
        try:
            await ask_structured(client, huge, Defined)
        finally:
            await client.aclose()

    with pytest.raises(OverBudget, match="context budget of 4,096 tokens") as caught:
        asyncio.run(ask())
    assert "Settings" in str(caught.value)
    assert _chats(server) == []


def test_tokens_are_counted_high_per_script() -> None:
    # English takes about 4 characters a token: counted as 3.
    assert text_tokens("a" * 300) == 101
    # Japanese about one character a token or less: counted as one.
    assert text_tokens("用語集の定義を書く") == 10


def test_a_reasoning_model_gets_max_completion_tokens(server: FakeLLMServer) -> None:
    server.fault_for["Define WAL."] = "max-completion-tokens"
    asyncio.run(_asks(_settings(server)))
    first, second = _chats(server)
    assert "max_tokens" in first and "max_completion_tokens" in second
    assert "max_tokens" not in second


# -- "Test connection": what the server supports ----------------------------------------------


def test_probe_reports_llama_cpp_python_its_dialect_and_its_pitfalls(
    server: FakeLLMServer,
) -> None:
    server.owned_by, server.sticky = "me", {"json-schema-500"}
    report = asyncio.run(probe_server(_settings(server, concurrency=4)))
    assert report.models == ["fake-large", "fake-small"]
    assert report.server == "llama-cpp-python"
    assert report.dialect == "json_object_schema"
    assert report.dialect_text == "response_format json_object with the schema"
    assert report.context_tokens is None
    pitfall = "--interrupt_requests False or use 1 request in flight"
    assert any(pitfall in w for w in report.warnings)
    assert any("--n_ctx 4096" in w for w in report.warnings)
    assert _chats(server)[-1]["max_tokens"] == 8  # the probe's reply is a few tokens
    # Learned: the run's first request asks the way the probe found.
    del server.requests[:]
    asyncio.run(_asks(_settings(server)))
    assert _formats(server) == [("json_object", True)]
    one = asyncio.run(probe_server(_settings(server, concurrency=1, context_tokens=2048)))
    assert one.warnings == []


@pytest.mark.parametrize("engine", ENGINES)
def test_probe_of_a_server_taking_schemas(server: FakeLLMServer, engine: str) -> None:
    report = asyncio.run(probe_server(_settings(server, engine)))
    assert report.dialect == ("format" if engine == "ollama" else "json_schema")
    assert report.warnings == []
    no_model = asyncio.run(probe_server(_settings(server, engine, model="")))
    assert no_model.models == ["fake-large", "fake-small"] and no_model.dialect == ""


def test_probe_reads_vllms_context_and_warns_when_the_budget_is_larger(
    server: FakeLLMServer,
) -> None:
    server.model_fields = {"max_model_len": 2048}
    report = asyncio.run(probe_server(_settings(server)))
    assert (report.server, report.context_tokens) == ("vLLM", 2048)
    assert report.warnings == [
        "The server's context is 2,048 tokens, less than the budget of 4,096 set here: lower "
        "the budget to 2,048 or give the server a larger context."
    ]
    fits = asyncio.run(probe_server(_settings(server, context_tokens=2048)))
    assert fits.warnings == []
