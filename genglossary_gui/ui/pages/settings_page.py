"""Settings page: the project's engine (built-in, Ollama, OpenAI-compatible), server, model,
API key (kept in the system keyring), requests in flight, timeout, temperature, transcript,
and a connection test. Network calls run as asyncio tasks on the qasync loop: the window never
waits for them."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.engines.config import (
    DEFAULT_URLS,
    EngineConfig,
    KeyringUnavailable,
    api_key,
    load_config,
    save_config,
    store_api_key,
)
from genglossary_gui.llm.clients import LLMError, LLMSettings, make_client
from genglossary_gui.vocabulary import EngineName

_KEYRING_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")

ENGINES = [
    ("Built-in (offline)", EngineName.BUILTIN),
    ("Ollama", EngineName.OLLAMA),
    ("OpenAI-compatible (OpenAI, Azure, LM Studio, llama.cpp, vLLM)", EngineName.OPENAI),
]


class SettingsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project_id: int | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # strong references (qasync gives none)
        self.engine = QComboBox()
        for label, code in ENGINES:
            self.engine.addItem(label, code)
        self.engine.currentIndexChanged.connect(self._on_engine)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("http://127.0.0.1:11434")
        self.azure = QLineEdit()
        self.azure.setPlaceholderText("only for Azure OpenAI, e.g. 2024-06-01")
        self.model = QComboBox()
        self.model.setEditable(True)
        self.refresh_models = QPushButton("Fetch Mode&ls")
        self.refresh_models.clicked.connect(self._start_fetch_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.refresh_models)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("kept in the system keyring, never in the project")
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 64)
        self.concurrency.setValue(4)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setSuffix(" s")
        self.timeout.setToolTip("The longest wait between two parts of a streamed answer")
        self.max_failures = QSpinBox()
        self.max_failures.setRange(0, 100)
        self.max_failures.setValue(20)
        self.max_failures.setSuffix(" %")
        self.max_failures.setToolTip(
            "A run whose model failed on more than this share of its terms is kept aside: it "
            "does not replace the current glossary (you can still use it from the Glossary page)"
        )
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0, 2)
        self.temperature.setSingleStep(0.1)
        self.transcript = QCheckBox(
            "Save prompts and replies with each run (keys and paths removed)"
        )
        self.test_button = QPushButton("Test &Connection")
        self.test_button.clicked.connect(self._start_test)
        self.save_button = QPushButton("S&ave Settings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("settingsStatus")

        # Mnemonics: the menus (File, Edit, Run, View, Help) and the tabs (Documents, Terms,
        # Glossary, Issues, Runs, Settings) keep theirs; tests/ui/test_window_fixes.py checks.
        form = QFormLayout()
        form.addRow("E&ngine:", self.engine)
        form.addRow("Server address:", self.base_url)
        form.addRow("A&zure API version:", self.azure)
        model_label = QLabel("&Model:")
        model_label.setBuddy(self.model)
        form.addRow(model_label, model_row)
        form.addRow("API &key:", self.key)
        form.addRow("Re&quests in flight:", self.concurrency)
        form.addRow("Time&out:", self.timeout)
        form.addRow("Tem&perature:", self.temperature)
        form.addRow("Keep aside a&bove:", self.max_failures)
        form.addRow("", self.transcript)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._llm_widgets = [
            self.base_url,
            self.azure,
            self.model,
            self.refresh_models,
            self.key,
            self.concurrency,
            self.timeout,
            self.temperature,
            self.max_failures,
            self.transcript,
            self.test_button,
        ]

    # -- loading and saving ---------------------------------------------------------------------

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self.setEnabled(project_id is not None)
        if project_id is None:
            return
        config = load_config(project_id)
        self.engine.setCurrentIndex(max(0, self.engine.findData(config.engine)))
        self.base_url.setText(config.base_url)
        self.azure.setText(config.azure_api_version)
        self.model.setEditText(config.model)
        self.concurrency.setValue(config.concurrency)
        self.timeout.setValue(config.timeout_s)
        self.temperature.setValue(config.temperature)
        self.max_failures.setValue(round(config.max_failed_share * 100))
        self.transcript.setChecked(config.transcript)
        self.key.clear()  # a stored key is never shown; typing a new one replaces it
        self.status.clear()
        self._on_engine()

    def config(self) -> EngineConfig:
        return EngineConfig(
            engine=self.engine.currentData(),
            base_url=self.base_url.text().strip(),
            model=self.model.currentText().strip(),
            concurrency=self.concurrency.value(),
            timeout_s=self.timeout.value(),
            temperature=self.temperature.value(),
            azure_api_version=self.azure.text().strip(),
            transcript=self.transcript.isChecked(),
            max_failed_share=self.max_failures.value() / 100,
        )

    @Slot()
    def save(self) -> bool:
        if self._project_id is None:
            return False
        config = self.config()
        problems = config.problems()
        if problems:
            self.status.setText(" ".join(problems))
            return False
        save_config(self._project_id, config)
        message = "Saved."
        if config.uses_llm and self.key.text():
            try:
                store_api_key(config, self.key.text())
                message = "Saved; the API key is in the system keyring."
                self.key.clear()
            except KeyringUnavailable as exc:
                message = f"Saved, except the key: {exc}"
        self.status.setText(message)
        return True

    @Slot()
    def _on_engine(self) -> None:
        engine = self.engine.currentData()
        uses_llm = engine in DEFAULT_URLS
        for widget in self._llm_widgets:
            widget.setEnabled(uses_llm)
        self.azure.setEnabled(engine == EngineName.OPENAI)
        if uses_llm and not self.base_url.text():
            self.base_url.setText(DEFAULT_URLS[engine])

    # -- network, on the qasync loop ----------------------------------------------------------

    async def _settings(self) -> LLMSettings:
        config = self.config()
        key = self.key.text()
        if not key:
            # The keyring may be slow (or ask to be unlocked): not on the GUI thread. A plain
            # Python thread, not the loop's default executor (QThreads under qasync).
            key = await asyncio.get_running_loop().run_in_executor(_KEYRING_THREAD, api_key, config)
        return config.settings(key)

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @Slot()
    def _start_test(self) -> None:
        self._spawn(self.test_connection())

    @Slot()
    def _start_fetch_models(self) -> None:
        self._spawn(self.fetch_models())

    async def fetch_models(self) -> list[str]:
        self.status.setText("Fetching the models…")
        client = make_client(await self._settings())
        try:
            models = await client.list_models()
        except LLMError as exc:
            self.status.setText(str(exc))
            return []
        finally:
            await client.aclose()
        current = self.model.currentText()
        self.model.clear()
        self.model.addItems(models)
        self.model.setEditText(current or (models[0] if models else ""))
        self.status.setText(f"{len(models)} models on the server.")
        return models

    async def test_connection(self) -> str:
        """Plain words: what works, or what is wrong (not running, wrong address, bad key,
        model missing)."""
        self.test_button.setEnabled(False)
        self.status.setText("Connecting…")
        settings = await self._settings()
        client = make_client(settings)
        try:
            models = await client.list_models()
            if settings.model and settings.model not in models:
                answer = (
                    f"Connected, but the model {settings.model!r} is not on the server. "
                    f"Available: {', '.join(models[:8]) or 'none'}."
                )
            else:
                answer = f"Connected to {settings.base_url}: {len(models)} models."
        except LLMError as exc:
            answer = str(exc)
        finally:
            await client.aclose()
            self.test_button.setEnabled(True)
        self.status.setText(answer)
        return answer
