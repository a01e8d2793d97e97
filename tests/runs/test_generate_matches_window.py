"""`genglossary generate` and a project's Full run started from the window produce the same
glossary from the same documents and settings: the command runs the project's steps and
engines, not a copy of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui import cli
from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.pipeline.export import project_glossary, to_json
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Run
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.runs.conftest import ManagerFactory

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(reply=glossary_reply).start()
    yield fake
    fake.stop()


def _finish(qtbot: QtBot, manager: RunManager, project: int, scope: str) -> None:
    run_id = manager.start_run(project, scope)
    qtbot.waitUntil(
        lambda: Run.get_by_id(run_id).status not in ("pending", "running"), timeout=120_000
    )
    run = Run.get_by_id(run_id)
    assert run.status == "completed", run.error


def _window_entries(
    qtbot: QtBot, make_manager: ManagerFactory, docs: Path, config: EngineConfig
) -> list[dict[str, object]]:
    """A project's Full run as the window starts it: the run manager, a step process."""
    project = repo.create_project(docs.name, [str(docs)])
    save_config(project, config)
    manager = make_manager()
    _finish(qtbot, manager, project, "import")
    _finish(qtbot, manager, project, "full")
    return json.loads(to_json(project_glossary(project), title=docs.name))["entries"]


def _command_entries(tmp_path: Path, docs: Path, *options: str) -> list[dict[str, object]]:
    out = tmp_path / "generated.json"
    assert cli.main(["generate", "--input", str(docs), "--output", str(out), *options]) == 0
    return json.loads(out.read_text(encoding="utf-8"))["entries"]


@pytest.mark.parametrize("corpus", ["glossary_en", "glossary_ja"])
def test_built_in_engine_gives_the_same_glossary(
    qtbot: QtBot, make_manager: ManagerFactory, tmp_path: Path, corpus: str
) -> None:
    docs = DATA / corpus
    window = _window_entries(qtbot, make_manager, docs, EngineConfig())
    command = _command_entries(tmp_path, docs)
    assert len(window) >= 5
    assert command == window
    # The data folder the window uses is open again after the command's scratch folder.
    assert [p.name for p in repo.list_projects()] == [corpus]


def test_model_engine_gives_the_same_glossary(
    qtbot: QtBot, make_manager: ManagerFactory, tmp_path: Path, server: FakeLLMServer
) -> None:
    docs = DATA / "glossary_en"
    config = EngineConfig(engine="openai", base_url=server.url, model="fake-small")
    window = _window_entries(qtbot, make_manager, docs, config)
    command = _command_entries(
        tmp_path, docs, "--engine", "openai", "--base-url", server.url, "--model", "fake-small"
    )
    assert any(e["definition_kind"] == "generated" for e in window)
    assert command == window
