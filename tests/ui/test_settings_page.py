"""The Settings page: engine settings saved with the project, the key in the keyring, a
connection test that runs on the qasync loop while the window stays responsive, and the engine
new projects start with."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import keyring
import peewee
import pytest
import qasync
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from genglossary_gui.engines.config import (
    KEYRING_SERVICE,
    EngineConfig,
    default_config,
    load_config,
    save_default_config,
)
from genglossary_gui.store.database import BUSY, DB_FILENAME
from genglossary_gui.ui.pages import settings_page
from genglossary_gui.ui.pages.settings_page import SettingsPage
from genglossary_gui.vocabulary import EngineName
from tests.fake_llm import FakeLLMServer
from tests.helpers import new_project


class MemoryKeyring(KeyringBackend):
    """A keyring for tests (the machine has no system keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for the whole session, as the application has one for its life."""
    event_loop = qasync.QEventLoop(qapp)
    yield event_loop
    event_loop.close()


@pytest.fixture
def loop(session_loop: qasync.QEventLoop) -> Iterator[qasync.QEventLoop]:
    asyncio.set_event_loop(session_loop)
    yield session_loop
    asyncio.set_event_loop(None)


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer().start()
    yield fake
    fake.stop()


def test_settings_saved_and_key_kept_out_of_the_project(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring, server: FakeLLMServer
) -> None:
    project = new_project()
    page = SettingsPage()
    qtbot.addWidget(page)
    page.set_project(project)
    assert not page.base_url.isEnabled()  # built-in: nothing to set
    page.engine.setCurrentIndex(page.engine.findData("openai"))
    assert page.base_url.text() == "https://api.openai.com/v1"
    page.base_url.setText(server.url)
    page.model.setEditText("fake-small")
    page.concurrency.setValue(8)
    page.key.setText("sk-page-secret")
    assert page.save()
    config = load_config(project)
    assert (config.engine, config.base_url, config.model, config.concurrency) == (
        "openai",
        server.url,
        "fake-small",
        8,
    )
    assert memory_keyring.items == {(KEYRING_SERVICE, f"openai:{server.url}"): "sk-page-secret"}
    assert b"sk-page-secret" not in (data_dir / DB_FILENAME).read_bytes()
    assert page.key.text() == ""  # not left on screen
    page.model.setEditText("")
    assert not page.save() and "Choose a model" in page.status.text()


def test_connection_test_and_model_list_in_plain_words(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
) -> None:
    page = SettingsPage()
    qtbot.addWidget(page)
    page.set_project(new_project())
    page.engine.setCurrentIndex(page.engine.findData("ollama"))
    page.base_url.setText(server.url)
    page.model.setEditText("fake-small")

    async def scenario() -> list[str]:
        answers = [await page.test_connection()]
        page.model.setEditText("missing-model")
        answers.append(await page.test_connection())
        models = await page.fetch_models()
        page.base_url.setText("http://127.0.0.1:9")  # nothing listens there
        answers.append(await page.test_connection())
        return [*answers, *models]

    ok, missing, down, *models = loop.run_until_complete(scenario())
    assert ok == f"Connected to {server.url}: 2 models."
    assert "'missing-model' is not on the server" in missing and "fake-small" in missing
    assert "is the server running" in down
    assert models == ["fake-large", "fake-small"]
    assert [page.model.itemText(i) for i in range(page.model.count())] == models
    assert page.test_button.isEnabled()


def test_window_stays_responsive_during_a_slow_test(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring, loop: qasync.QEventLoop
) -> None:
    slow = FakeLLMServer().start()
    slow.list_latency_s = 0.3
    try:
        page = SettingsPage()
        qtbot.addWidget(page)
        page.set_project(new_project())
        page.engine.setCurrentIndex(page.engine.findData("openai"))
        page.base_url.setText(slow.url)
        page.model.setEditText("fake-small")
        ticks: list[float] = []

        async def scenario() -> str:
            page.test_button.click()  # the button's own path: a task on the loop
            while page.test_button.isEnabled():
                await asyncio.sleep(0.001)
            while not page.test_button.isEnabled():
                ticks.append(loop.time())  # the GUI thread keeps running meanwhile
                await asyncio.sleep(0.005)
            return page.status.text()

        assert loop.run_until_complete(scenario()).startswith("Connected")
        # The GUI thread went on running the loop (every 5 ms) while the request was slow.
        assert len(ticks) > 10
    finally:
        slow.stop()


def _page(qtbot: QtBot, project: int) -> SettingsPage:
    page = SettingsPage()
    qtbot.addWidget(page)
    page.set_project(project)
    return page


def test_the_default_line_says_what_new_projects_start_with(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    page = _page(qtbot, new_project())
    assert page.default_line.text() == "Built-in (offline)"  # never chosen
    save_default_config(
        EngineConfig(engine=EngineName.OLLAMA, base_url="http://127.0.0.1:11434", model="qwen3:8b")
    )
    page.set_project(new_project("Q"))  # read again when a project is shown
    assert page.default_line.text() == "Ollama · qwen3:8b · http://127.0.0.1:11434"
    assert page.default_group.title() == "Default for new projects"


def test_use_these_settings_for_new_projects_and_reset_to_built_in(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring, server: FakeLLMServer
) -> None:
    project = new_project()
    page = _page(qtbot, project)
    page.engine.setCurrentIndex(page.engine.findData("openai"))
    page.base_url.setText(server.url)
    page.model.setEditText("fake-small")
    page.concurrency.setValue(8)
    page.temperature.setValue(0.7)
    page.key.setText("sk-not-for-the-default")
    qtbot.mouseClick(page.use_as_default, Qt.MouseButton.LeftButton)

    stored = default_config()
    assert stored == page.config()  # what Save would store
    assert (stored.engine, stored.base_url, stored.model, stored.concurrency) == (
        "openai",
        server.url,
        "fake-small",
        8,
    )
    assert page.default_line.text() == f"OpenAI-compatible · fake-small · {server.url}"
    assert "New projects will start with: OpenAI-compatible · fake-small" in page.status.text()
    assert b"sk-not-for-the-default" not in (data_dir / DB_FILENAME).read_bytes()
    assert memory_keyring.items == {}  # the key is not part of the default
    assert load_config(project).engine == EngineName.BUILTIN  # the project itself: not saved
    assert load_config(new_project("New")).model == "fake-small"  # a new project starts so

    qtbot.mouseClick(page.reset_default, Qt.MouseButton.LeftButton)
    assert default_config() == EngineConfig()
    assert page.default_line.text() == "Built-in (offline)"
    assert "built-in engine" in page.status.text()


def test_use_these_settings_is_disabled_while_the_form_has_problems(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    page = _page(qtbot, new_project())
    assert page.use_as_default.isEnabled()  # the built-in engine needs nothing
    page.engine.setCurrentIndex(page.engine.findData("ollama"))
    page.model.setEditText("")
    assert not page.use_as_default.isEnabled()
    assert "Choose a model" in page.use_as_default.toolTip()
    page.model.setEditText("qwen3:8b")
    assert page.use_as_default.isEnabled()
    page.base_url.setText("")
    assert not page.use_as_default.isEnabled()
    assert not page.use_as_default_for_new_projects()  # called anyway: nothing stored
    assert default_config().engine == EngineName.BUILTIN
    assert "Enter the server address" in page.status.text()
    page.base_url.setText("http://127.0.0.1:11434")
    assert page.use_as_default.isEnabled()


def test_a_database_error_is_told_in_plain_words(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(qtbot, new_project())

    def locked(_config: EngineConfig | None) -> None:
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(settings_page, "save_default_config", locked)
    qtbot.mouseClick(page.reset_default, Qt.MouseButton.LeftButton)
    assert page.status.text() == f"The default for new projects was not changed: {BUSY}"
    qtbot.mouseClick(page.use_as_default, Qt.MouseButton.LeftButton)
    assert BUSY in page.status.text()
    assert page.default_line.text() == "Built-in (offline)"


def test_how_many_terms_a_run_defines_is_set_for_either_engine(
    qtbot: QtBot, data_dir: Path
) -> None:
    project = new_project()
    page = SettingsPage()
    qtbot.addWidget(page)
    page.set_project(project)
    assert page.max_terms.isEnabled()  # the built-in engine takes it too
    assert page.max_terms.value() == 300  # as before the setting existed
    page.max_terms.setValue(750)
    assert page.save()
    assert load_config(project).max_terms == 750
    page.max_terms.setValue(page.max_terms.minimum())
    assert page.max_terms.text() == "All"
    assert page.save()
    assert load_config(project).max_terms == 0  # all
    assert load_config(project).term_limit is None
    other = new_project("Other")
    page.set_project(other)
    assert page.max_terms.value() == 300
    page.set_project(project)
    assert page.max_terms.text() == "All"


def test_settings_saved_before_the_setting_existed_define_300_terms(data_dir: Path) -> None:
    old = '{"base_url": "http://127.0.0.1:11434", "model": "m", "concurrency": 4}'
    config = EngineConfig.from_json("ollama", old)
    assert config.max_terms == 300 and config.term_limit == 300
    assert EngineConfig.from_json("ollama", config.to_json()) == config
    assert "whole number" in " ".join(EngineConfig(max_terms=-1).problems())
