"""`generate` and a project's runs through a real OpenAI-compatible server, llama-cpp-python's,
with its default flags (it interrupts a streamed reply when the next request comes, and takes
``response_format`` json_object with a schema but not json_schema) and with
``--interrupt_requests False``, at 1 and 4 requests in flight; and Cancel in the middle of
the model's writing (issue 16)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.realserver.conftest import LlamaServer, skip_reason

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.entry import own_command
from genglossary_gui.llm.clients import LOWERED_NOTICE, forget_learned
from genglossary_gui.llm.probe import check_connection
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Run
from tests.glossary_runs import run_to_completion
from tests.runs.conftest import ManagerFactory

pytestmark = [pytest.mark.realserver, pytest.mark.timeout(300)]

DATA = Path(__file__).resolve().parents[1] / "data"
IN_FLIGHT = [1, 4]
#: What the server prints when a reply's stream ends early: a client that hung up, or (with
#: its default flags) a reply it interrupted for the next request.
DISCONNECT = "Disconnected from client"


def _interruptions(server: LlamaServer, before: str) -> int:
    return server.text()[len(before) :].count(DISCONNECT)


def _check_interruptions(server: LlamaServer, before: str, log: str, in_flight: int) -> None:
    """The client lowered its requests in flight exactly when the server interrupted them."""
    interrupted = _interruptions(server, before)
    if "--interrupt_requests" in server.flags or in_flight == 1:
        assert interrupted == 0
        assert LOWERED_NOTICE not in log
    else:  # 4 requests sent at once: the first reply is interrupted by the next request
        assert interrupted >= 2
        assert log.count(LOWERED_NOTICE) == 1


@pytest.mark.parametrize("in_flight", IN_FLIGHT)
def test_generate_writes_the_models_entries(
    llama_server: LlamaServer, tmp_path: Path, in_flight: int
) -> None:
    server = llama_server
    before = server.text()
    out = tmp_path / "glossary.json"
    command = own_command("generate")
    command += ["--input", str(DATA / "glossary_en"), "--output", str(out), "--format", "json"]
    command += ["--engine", "openai", "--base-url", server.url, "--model", server.model_id]
    command += ["--concurrency", str(in_flight)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    entries = json.loads(out.read_text("utf-8"))["entries"]
    written = [e for e in entries if e["definition_kind"] == "generated"]
    assert entries and len(written) >= 0.8 * len(entries), done.stderr
    # The schema reached the server's grammar: json_schema refused once, then json_object
    # with the schema (the replies were valid JSON of the right shape).
    assert "asking with response_format json_object with the schema" in done.stderr
    _check_interruptions(server, before, done.stderr, in_flight)


@pytest.mark.parametrize("in_flight", IN_FLIGHT)
def test_a_projects_full_run_writes_the_models_entries(
    llama_server: LlamaServer, data_dir: Path, in_flight: int
) -> None:
    server = llama_server
    forget_learned(server.url)  # as a new process would: learned anew
    before = server.text()
    project = repo.create_project("p", [str(DATA / "glossary_en")])
    run_to_completion(project, "import")
    config = EngineConfig(
        engine="openai", base_url=server.url, model=server.model_id, concurrency=in_flight
    )
    save_config(project, config)
    run_id = run_to_completion(project, "full")
    entries = repo.load_entries(run_id, "refined")
    written = [e for e in entries if e["kind"] == "generated"]
    assert entries and len(written) >= 0.8 * len(entries)
    log = "\n".join(e.message for e in repo.read_log(run_id))
    assert "kept" in log and "of" in log  # the judge's verdicts were read
    _check_interruptions(server, before, log, in_flight)


def test_a_question_beyond_the_servers_context_is_asked_in_halves(
    llama_server: LlamaServer, data_dir: Path
) -> None:
    """Japanese text takes this model's tokenizer three tokens a character (it has no
    Japanese pieces): the judge's batch is longer than the server's context of 2,048 tokens,
    which answers it with an empty 200. The batch is asked again in halves, and the run
    completes with the model's entries."""
    server = llama_server
    forget_learned(server.url)
    before = server.text()
    project = repo.create_project("p", [str(DATA / "glossary_ja")])
    run_to_completion(project, "import")
    config = EngineConfig(engine="openai", base_url=server.url, model=server.model_id)
    save_config(project, config)
    run_id = run_to_completion(project, "full")
    assert "exceed context window" in server.text()[len(before) :]
    log = "\n".join(e.message for e in repo.read_log(run_id))
    assert "sent an empty reply" in log and "items in two halves" in log
    entries = repo.load_entries(run_id, "refined")
    written = [e for e in entries if e["kind"] == "generated"]
    assert entries and len(written) >= 0.8 * len(entries)


def test_test_connection_reports_what_llama_cpp_python_supports(
    llama_server: LlamaServer,
) -> None:
    import asyncio

    forget_learned(llama_server.url)
    config = EngineConfig(engine="openai", base_url=llama_server.url, model=llama_server.model_id)
    # What Settings' "Test connection" runs, with its deadline.
    connection = asyncio.run(check_connection(config.settings()))
    assert connection.reachable and connection.models == (llama_server.model_id,)
    report = connection.server
    assert report is not None and report.question_problem == "" and not report.late
    assert report.models == [llama_server.model_id]
    assert report.server == "llama-cpp-python"
    assert report.dialect == "json_object_schema"
    assert any("--interrupt_requests False" in w for w in report.warnings)


def test_cancel_while_the_model_writes_stops_the_server_generating(
    qtbot: QtBot,
    make_manager: ManagerFactory,
    data_dir: Path,
    rambling_model: Path,
    tmp_path: Path,
) -> None:
    # One reply at a time to its end, the others queued on the server: a reply is always
    # being written, and a disconnect in its log is a cancelled request, not an interrupted one.
    server = LlamaServer(rambling_model, tmp_path / "server.log", "--interrupt_requests", "False")
    try:
        project = repo.create_project("p", [str(DATA / "glossary_en")])
        run_to_completion(project, "import")
        run_to_completion(project, "extract")  # the built-in engine's terms (this model
        # rambles to the length limit in every string: it would judge none)
        config = EngineConfig(engine="openai", base_url=server.url, model=server.model_id)
        save_config(project, config)
        before = server.text()
        manager = make_manager()  # the real step process, as the window runs it
        run_id = manager.start_run(project, "generate")

        def writing() -> bool:  # a definition's stream has begun (uvicorn logs its 200)
            return '"POST /v1/chat/completions HTTP/1.1" 200' in server.text()[len(before) :]

        qtbot.waitUntil(writing, timeout=60_000)
        clicked = time.monotonic()
        manager.cancel_run(run_id)
        qtbot.waitUntil(lambda: run_id not in manager.active_run_ids(), timeout=10_000)
        assert time.monotonic() - clicked < 5
        assert Run.get_by_id(run_id).status == "cancelled"
        qtbot.waitUntil(lambda: DISCONNECT in server.text()[len(before) :], timeout=5_000)
    finally:
        server.stop()
