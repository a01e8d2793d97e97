"""The Settings page: engine settings saved with the project, the key in the keyring, a
connection test that runs on the qasync loop while the window stays responsive, and the engine
new projects start with."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
import qasync
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
from tests.helpers import MemoryKeyring, new_project


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
    assert ok.splitlines() == [
        f"Connected to {server.url}: 2 models.",
        "Server: Ollama.",
        "Structured output: Ollama's format with the schema.",
    ]
    assert "'missing-model' is not on the server" in missing and "fake-small" in missing
    assert "is the server running" in down
    assert models == ["fake-large", "fake-small"]
    assert [page.model.itemText(i) for i in range(page.model.count())] == models
    assert page.test_button.isEnabled()


def test_the_connection_test_says_what_the_server_supports_and_its_pitfalls(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
) -> None:
    """A server that answers as llama-cpp-python does (no json_schema, parallel replies
    interrupted, a 2,048-token context unless told): its kind, the dialect it takes and one
    line per pitfall, each naming what to change; with those changed, no pitfall."""
    server.owned_by, server.sticky = "me", {"json-schema-500"}
    page = SettingsPage()
    qtbot.addWidget(page)
    page.set_project(new_project())
    page.engine.setCurrentIndex(page.engine.findData("openai"))
    page.base_url.setText(server.url)
    page.model.setEditText("fake-small")
    page.concurrency.setValue(4)
    lines = loop.run_until_complete(page.test_connection()).splitlines()
    assert lines == [
        f"Connected to {server.url}: 2 models.",
        "Server: llama-cpp-python.",
        "Structured output: response_format json_object with the schema.",
        "llama-cpp-python: start it with --interrupt_requests False or set Requests in flight "
        "to 1 (it stops a reply when the next request comes).",
        "llama-cpp-python: start it with --n_ctx 4096 (its context is 2,048 tokens unless told, "
        "less than the context budget of 4,096 set here).",
    ]
    assert page.last_report is not None and page.last_report.server is not None
    page.concurrency.setValue(1)
    page.context_tokens.setValue(2048)
    assert loop.run_until_complete(page.test_connection()).splitlines()[2:] == [
        "Structured output: response_format json_object with the schema."
    ]


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
            while not page.network_busy():
                await asyncio.sleep(0.001)
            assert page.test_button.text() == "Cancel"  # while it runs
            assert not page.refresh_models.isEnabled()  # one request at a time
            while page.network_busy():
                ticks.append(loop.time())  # the GUI thread keeps running meanwhile
                await asyncio.sleep(0.005)
            assert page.test_button.text() == "Test &Connection"
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


# -- validation as the user types -----------------------------------------------------------


def _llm_page(qtbot: QtBot, engine: str = "openai") -> SettingsPage:
    page = _page(qtbot, new_project())
    page.engine.setCurrentIndex(page.engine.findData(engine))
    page.base_url.setText("http://127.0.0.1:11434")
    page.model.setEditText("fake-small")
    assert page.validate() == {}
    return page


def _retype(qtbot: QtBot, page: SettingsPage, name: str, text: str) -> None:
    """Select the field's text and type ``text`` over it, key by key, as a user does."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

    field = page.fields[name]
    editor = field.lineEdit() if isinstance(field, QAbstractSpinBox | QComboBox) else field
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(editor, text)


# (field, what is typed, the reason shown, a right value typed, its value once saved)
FIELD_CASES = [
    ("base_url", "foo bar", "cannot contain spaces", "http://h:8080/v1", "http://h:8080/v1"),
    ("base_url", "127.0.0.1:11434", "Add http:// or https://", "http://127.0.0.1:11434", None),
    ("base_url", "ftp://h", "must start with http:// or https://", "https://h", "https://h"),
    ("base_url", "http://", "name or IP address after http://", "http://h", "http://h"),
    ("base_url", "http://a,b", "name or IP address is not valid", "http://a.b", "http://a.b"),
    ("base_url", "http://h:99999", "port must be a number from 1 to 65535", "http://h:1", None),
    ("base_url", "", "Enter the server address", "http://[::1]:11434", "http://[::1]:11434"),
    ("azure_api_version", "june", "looks like 2024-06-01", "2024-06-01", "2024-06-01"),
    ("model", "", "Choose a model", "qwen3:8b", "qwen3:8b"),
    ("concurrency", "100", "from 1 to 64", "8", 8),
    ("concurrency", "0", "from 1 to 64", "64", 64),
    ("concurrency", "", "from 1 to 64", "2", 2),
    ("timeout_s", "0", "between 1 and 3600 seconds", "30", 30.0),
    ("timeout_s", "5000", "between 1 and 3600 seconds", "3600", 3600.0),
    ("temperature", "3", "between 0 and 2", "0.5", 0.5),
    ("max_failed_share", "150", "between 0 and 100 %", "50", 0.5),
    ("max_terms", "6000", "from 1 to 5000, or all", "750", 750),
    ("context_tokens", "100", "from 512 to 2097152", "8192", 8192),
    ("context_tokens", "", "from 512 to 2097152", "2048", 2048),
    ("max_terms", "", "from 1 to 5000, or all", "40", 40),
]


@pytest.mark.parametrize(("name", "wrong", "reason", "right", "saved"), FIELD_CASES)
def test_a_wrong_value_disables_save_with_the_reason_beside_the_field(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    name: str,
    wrong: str,
    reason: str,
    right: str,
    saved: object,
) -> None:
    page = _llm_page(qtbot)
    label, field = page.problem_labels[name], page.fields[name]
    _retype(qtbot, page, name, wrong)
    problem = page.problems()[name]
    assert reason in problem
    assert label.text() == problem and not label.isHidden()  # beside the field
    assert field.toolTip() == problem and field.accessibleDescription() == problem
    assert not page.save_button.isEnabled() and problem in page.save_button.toolTip()
    assert not page.use_as_default.isEnabled()
    # Only the address (and Azure's version) keep the server from being asked.
    asks_server = page.test_button.isEnabled() and page.refresh_models.isEnabled()
    assert asks_server == (name not in ("base_url", "azure_api_version"))
    assert not page.save()  # called anyway: nothing stored
    assert load_config(page._project_id or 0).engine == EngineName.BUILTIN

    _retype(qtbot, page, name, right)  # fixed: every trace of the problem goes
    assert page.problems() == {}
    assert label.isHidden() and field.accessibleDescription() == ""
    assert page.save_button.isEnabled() and page.test_button.isEnabled()
    assert page.save()
    if saved is not None:
        assert getattr(load_config(page._project_id or 0), name) == saved


def test_the_built_in_engine_checks_only_the_terms_to_define(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    page = _llm_page(qtbot)
    page.base_url.setText("foo bar")
    assert set(page.problems()) == {"base_url"}
    page.engine.setCurrentIndex(page.engine.findData(EngineName.BUILTIN))
    assert page.problems() == {} and page.save_button.isEnabled()
    assert page.problem_labels["base_url"].isHidden()
    _retype(qtbot, page, "max_terms", "9999")
    assert set(page.problems()) == {"max_terms"} and not page.save_button.isEnabled()


def test_a_number_out_of_range_can_be_typed_but_the_arrows_stay_within(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    page = _llm_page(qtbot)
    page.concurrency.setValue(64)
    page.concurrency.stepUp()
    assert page.concurrency.value() == 64 and page.problems() == {}
    _retype(qtbot, page, "concurrency", "100")  # typed, not refused in silence
    assert page.concurrency.value() == 100 and "concurrency" in page.problems()
    page.concurrency.stepDown()  # back into the range at once
    assert page.concurrency.value() == 64 and page.problems() == {}
    page.temperature.setValue(2)
    page.temperature.stepBy(3)
    assert page.temperature.value() == 2


def test_a_stored_value_out_of_range_is_shown_with_what_is_wrong(
    qtbot: QtBot, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    from genglossary_gui.engines.config import save_config

    project = new_project()
    save_config(
        project,
        EngineConfig(engine="ollama", base_url="127.0.0.1:11434", model="m", concurrency=200),
    )
    page = _page(qtbot, project)
    assert page.concurrency.value() == 200
    assert set(page.problems()) == {"base_url", "concurrency"}
    assert not page.save_button.isEnabled()


def test_every_message_of_the_rules_is_listed_for_translation() -> None:
    from genglossary_gui.engines import config as rules
    from genglossary_gui.llm.clients import DIALECTS

    messages = {
        *DIALECTS.values(),
        *rules.URL_MESSAGES,
        *(rule[3] for rule in rules.NUMBER_RULES.values()),
        "Choose an engine.",
        "Choose a model.",
        EngineConfig(
            engine="openai", base_url="http://h", model="m", azure_api_version="x"
        ).field_problems()["azure_api_version"],
    }
    assert messages <= set(settings_page.ENGINE_MESSAGES)
    wrong = EngineConfig(engine="nonsense", base_url="", model="", concurrency=0)
    assert set(wrong.problems()) <= set(settings_page.ENGINE_MESSAGES)


# -- the connection test: never a scheme-less address, a deadline, and Cancel ---------------


async def _until(condition, timeout_s: float = 10.0) -> None:
    """Wait on the loop until ``condition()`` holds (fails after ``timeout_s``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


def _pending_tasks() -> list[asyncio.Task[object]]:
    current = asyncio.current_task()
    return [task for task in asyncio.all_tasks() if task is not current and not task.done()]


def test_an_address_without_a_scheme_never_reaches_the_server(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
) -> None:
    page = _llm_page(qtbot, "ollama")
    page.base_url.setText(server.url.removeprefix("http://"))  # 127.0.0.1:port
    expected = "Add http:// or https:// before the address."
    assert page.problem_labels["base_url"].text() == expected
    assert not page.test_button.isEnabled() and not page.refresh_models.isEnabled()
    assert page.test_button.toolTip() == expected

    async def scenario() -> tuple[str, list[str]]:
        return await page.test_connection(), await page.fetch_models()

    answer, models = loop.run_until_complete(scenario())  # called anyway
    assert answer == expected and models == [] and page.status.text() == expected
    assert server.requests == []  # httpx was never asked


def test_no_answer_within_the_deadline_is_said_so(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
) -> None:
    assert SettingsPage().probe_timeout_s == 10.0  # what the user gets
    server.silent = True  # accepts, reads the request, never answers
    page = _llm_page(qtbot, "ollama")
    page.base_url.setText(server.url)
    page.timeout.setValue(3600)  # the answers' timeout is not the test's
    page.probe_timeout_s = 0.5

    async def scenario() -> tuple[str, float, list[str]]:
        started = loop.time()
        answer = await page.test_connection()
        elapsed = loop.time() - started
        models = await page.fetch_models()
        await _until(lambda: server.open_connections == 0)
        return answer, elapsed, models

    answer, elapsed, models = loop.run_until_complete(scenario())
    assert answer == f"No answer from {server.url} within 0.5 s."
    # qasync's timers are Qt's coarse timers, which may fire up to 5 % early.
    assert 0.5 * 0.95 <= elapsed < 3
    assert models == [] and page.status.text() == answer
    assert page.last_report is not None and page.last_report.timed_out
    assert server.disconnects == 2  # both requests given up, their connections closed
    assert not page.network_busy() and page.test_button.text() == "Test &Connection"


@pytest.mark.parametrize(
    "how", ["button", "escape", "escape on the button", "other tab", "other project", "closed"]
)
def test_a_cancelled_connection_test_leaves_no_task_behind(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
    how: str,
) -> None:
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLabel, QTabWidget

    server.silent = True
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = SettingsPage()
    tabs.addTab(page, "Settings")
    tabs.addTab(QLabel("another page"), "Other")
    page.set_project(new_project())
    page.engine.setCurrentIndex(page.engine.findData("ollama"))
    page.base_url.setText(server.url)
    page.model.setEditText("fake-small")
    window_esc = QAction("Cancel Run", tabs)  # as the main window's, on Esc
    window_esc.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    window_cancels: list[bool] = []
    window_esc.triggered.connect(lambda: window_cancels.append(True))
    tabs.addAction(window_esc)
    tabs.show()
    other_project = new_project("Other")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # the test's loop goes on after the window closes

    async def scenario() -> str:
        page.test_button.click()
        await _until(lambda: server.open_connections == 1 and len(server.requests) == 1)
        assert page.network_busy() and page.test_button.text() == "Cancel"
        assert "Esc cancels" in page.status.text()
        if how == "button":
            page.test_button.click()  # now "Cancel"
        elif how == "escape":  # in a field
            qtbot.keyClick(page.base_url, Qt.Key.Key_Escape)
        elif how == "escape on the button":  # not the window's Esc (Cancel Run)
            qtbot.keyClick(page.test_button, Qt.Key.Key_Escape)
        elif how == "other tab":
            tabs.setCurrentIndex(1)
        elif how == "other project":
            page.set_project(other_project)
        else:
            tabs.close()
        await _until(lambda: not page.network_busy())
        await _until(lambda: server.open_connections == 0)  # the connection is closed
        assert _pending_tasks() == [] and page._tasks == set()
        return page.status.text()

    try:
        status = loop.run_until_complete(scenario())
    finally:
        app.setQuitOnLastWindowClosed(quits)
    assert server.disconnects == 1
    assert window_cancels == []  # no run cancelled by the Esc meant for the test
    assert page.test_button.text() == "Test &Connection"
    if how != "other project":  # the other project's page: its own engine and status line
        assert status == "Connection test cancelled."
        assert page.test_button.isEnabled() and page.refresh_models.isEnabled()


def test_fetching_the_models_can_be_cancelled(
    qtbot: QtBot,
    data_dir: Path,
    memory_keyring: MemoryKeyring,
    server: FakeLLMServer,
    loop: qasync.QEventLoop,
) -> None:
    server.silent = True
    page = _llm_page(qtbot, "ollama")
    page.base_url.setText(server.url)

    async def scenario() -> None:
        page.refresh_models.click()
        await _until(lambda: server.open_connections == 1 and len(server.requests) == 1)
        assert page.refresh_models.text() == "Cancel" and not page.test_button.isEnabled()
        page.refresh_models.click()
        await _until(lambda: not page.network_busy() and server.open_connections == 0)
        assert _pending_tasks() == []

    loop.run_until_complete(scenario())
    assert page.status.text() == "Fetching the models was cancelled."
    assert (
        page.refresh_models.text() == "Fetch Mode&ls" and page.model.currentText() == "fake-small"
    )
