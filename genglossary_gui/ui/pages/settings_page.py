"""Settings page: the project's engine (built-in, Ollama, OpenAI-compatible), server, model,
API key (kept in the system keyring), requests in flight, timeout, temperature, transcript,
how many terms a run defines (either engine), and a connection test; below them, the engine
new projects start with. Network calls run as asyncio tasks on the qasync loop: the window
never waits for them."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
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
    default_config,
    load_config,
    save_config,
    save_default_config,
    store_api_key,
)
from genglossary_gui.llm.clients import LLMError, LLMSettings, make_client
from genglossary_gui.pipeline.data import MAX_TERMS
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.vocabulary import EngineName

_KEYRING_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")

#: The engine choices (translated where they are shown, context "SettingsPage").
ENGINES = [
    (QT_TRANSLATE_NOOP("SettingsPage", "Built-in (offline)"), EngineName.BUILTIN),
    (QT_TRANSLATE_NOOP("SettingsPage", "Ollama"), EngineName.OLLAMA),
    (
        QT_TRANSLATE_NOOP(
            "SettingsPage", "OpenAI-compatible (OpenAI, Azure, LM Studio, llama.cpp, vLLM)"
        ),
        EngineName.OPENAI,
    ),
]
#: The engines' short names, in the one line that says what new projects start with.
ENGINE_SHORT_NAMES: dict[str, object] = {
    EngineName.BUILTIN: QT_TRANSLATE_NOOP("SettingsPage", "Built-in (offline)"),
    EngineName.OLLAMA: QT_TRANSLATE_NOOP("SettingsPage", "Ollama"),
    EngineName.OPENAI: QT_TRANSLATE_NOOP("SettingsPage", "OpenAI-compatible"),
}
#: The engine layer's messages the page shows (EngineConfig.problems(), KeyringUnavailable),
#: listed for lupdate; shown through QCoreApplication.translate("SettingsPage", message), so a
#: message not listed here shows as it is.
ENGINE_MESSAGES = (
    QT_TRANSLATE_NOOP("SettingsPage", "Enter the server address."),
    QT_TRANSLATE_NOOP("SettingsPage", "Choose a model."),
    QT_TRANSLATE_NOOP("SettingsPage", "Requests in flight must be between 1 and 64."),
    QT_TRANSLATE_NOOP("SettingsPage", "The timeout must be positive."),
    QT_TRANSLATE_NOOP(
        "SettingsPage", "The number of terms to define must be a whole number (0 for all)."
    ),
    QT_TRANSLATE_NOOP(
        "SettingsPage", "The share of failed requests allowed must be between 0 and 100 %."
    ),
    QT_TRANSLATE_NOOP(
        "SettingsPage",
        "No system keyring is available here, so the key cannot be saved. Set the "
        "GENGLOSSARY_API_KEY environment variable instead.",
    ),
)


def engine_message(message: str) -> str:
    """One of the engine layer's messages, translated (as it is if it has no translation)."""
    return QCoreApplication.translate("SettingsPage", message)


def engine_summary(config: EngineConfig) -> str:
    """One line: "Built-in (offline)", or "Ollama · qwen3:8b · http://127.0.0.1:11434"."""
    short = ENGINE_SHORT_NAMES.get(config.engine)
    name = QCoreApplication.translate("SettingsPage", str(short)) if short else config.engine
    if not config.uses_llm:
        return name
    return " · ".join(
        part for part in (name, config.model.strip(), config.base_url.strip()) if part
    )


class SettingsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project_id: int | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # strong references (qasync gives none)
        self.engine = QComboBox()
        for label, code in ENGINES:
            self.engine.addItem(QCoreApplication.translate("SettingsPage", str(label)), code)
        self.engine.currentIndexChanged.connect(self._on_engine)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("http://127.0.0.1:11434")
        self.azure = QLineEdit()
        self.azure.setPlaceholderText(self.tr("only for Azure OpenAI, e.g. 2024-06-01"))
        self.model = QComboBox()
        self.model.setEditable(True)
        self.refresh_models = QPushButton(self.tr("Fetch Mode&ls"))
        self.refresh_models.clicked.connect(self._start_fetch_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.refresh_models)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("kept in the system keyring, never in the project"))
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 64)
        self.concurrency.setValue(4)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setSuffix(self.tr(" s", "seconds"))
        self.timeout.setToolTip(self.tr("The longest wait between two parts of a streamed answer"))
        self.max_failures = QSpinBox()
        self.max_failures.setRange(0, 100)
        self.max_failures.setValue(20)
        self.max_failures.setSuffix(" %")
        self.max_failures.setToolTip(
            self.tr(
                "A run whose model failed on more than this share of its terms is kept aside: it "
                "does not replace the current glossary (you can still use it from the Glossary "
                "page)"
            )
        )
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0, 2)
        self.temperature.setSingleStep(0.1)
        # Either engine: the glossary's cut-off takes at most this many recurring candidates.
        self.max_terms = QSpinBox()
        self.max_terms.setRange(0, MAX_TERMS)
        self.max_terms.setSingleStep(50)
        self.max_terms.setSpecialValueText(self.tr("All"))  # shown for 0
        self.max_terms.setValue(EngineConfig.max_terms)
        self.max_terms.setObjectName("maxTerms")
        self.max_terms.setToolTip(
            self.tr(
                "How many of the best-ranked candidates a run defines at most; the terms you "
                "require or group and those the documents define come on top. All: every "
                "candidate scoring at least the average. Applies from the next extraction (a "
                "Full or Extract run): the Terms page shows the cut-off."
            )
        )
        self.transcript = QCheckBox(
            self.tr("Save prompts and replies with each run (keys and paths removed)")
        )
        self.test_button = QPushButton(self.tr("Test &Connection"))
        self.test_button.clicked.connect(self._start_test)
        self.save_button = QPushButton(self.tr("S&ave Settings"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("settingsStatus")

        # Mnemonics: the menus (File, Edit, Run, View, Help) and the tabs (Documents, Terms,
        # Glossary, Issues, Runs, Settings) keep theirs; tests/ui/test_window_fixes.py checks.
        form = QFormLayout()
        form.addRow(self.tr("E&ngine:"), self.engine)
        form.addRow(self.tr("Server address:"), self.base_url)
        form.addRow(self.tr("A&zure API version:"), self.azure)
        model_label = QLabel(self.tr("&Model:"))
        model_label.setBuddy(self.model)
        form.addRow(model_label, model_row)
        form.addRow(self.tr("API &key:"), self.key)
        form.addRow(self.tr("Re&quests in flight:"), self.concurrency)
        form.addRow(self.tr("Time&out:"), self.timeout)
        form.addRow(self.tr("Tem&perature:"), self.temperature)
        form.addRow(self.tr("Keep aside a&bove:"), self.max_failures)
        form.addRow("", self.transcript)
        terms_label = QLabel(self.tr("Terms to define:"))
        terms_label.setBuddy(self.max_terms)
        form.addRow(terms_label, self.max_terms)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        # The engine new projects start with: not this project's, so a group of its own.
        self.default_group = QGroupBox(self.tr("Default for new projects"))
        self.default_group.setObjectName("defaultEngineGroup")
        self.default_line = QLabel()
        self.default_line.setObjectName("defaultEngine")
        self.default_line.setWordWrap(True)
        self.use_as_default = QPushButton(self.tr("Use These Settings for New Projects"))
        self.use_as_default.setObjectName("useAsDefault")
        self.use_as_default.clicked.connect(self.use_as_default_for_new_projects)
        self.reset_default = QPushButton(self.tr("Reset to Built-in"))
        self.reset_default.setObjectName("resetDefault")
        self.reset_default.setToolTip(
            self.tr("New projects start with the built-in engine, which needs no server")
        )
        self.reset_default.clicked.connect(self.reset_default_to_builtin)
        default_buttons = QHBoxLayout()
        default_buttons.addWidget(self.use_as_default)
        default_buttons.addWidget(self.reset_default)
        default_buttons.addStretch(1)
        default_layout = QVBoxLayout(self.default_group)
        default_layout.addWidget(self.default_line)
        default_layout.addLayout(default_buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addSpacing(12)
        layout.addWidget(self.default_group)
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
        # Whether the form's settings could be saved decides whether they can be the default.
        self.engine.currentIndexChanged.connect(self._update_default_button)
        self.base_url.textChanged.connect(self._update_default_button)
        self.model.currentTextChanged.connect(self._update_default_button)
        for spin in (self.concurrency, self.timeout, self.max_failures, self.max_terms):
            spin.valueChanged.connect(self._update_default_button)
        self._update_default_button()

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
        terms = config.max_terms if isinstance(config.max_terms, int) else EngineConfig.max_terms
        self.max_terms.setValue(max(0, min(MAX_TERMS, terms)))
        self.key.clear()  # a stored key is never shown; typing a new one replaces it
        self.status.clear()
        self._on_engine()
        self._update_default_button()
        self.show_default()

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
            max_terms=self.max_terms.value(),
        )

    @Slot()
    def save(self) -> bool:
        if self._project_id is None:
            return False
        config = self.config()
        problems = self._problems(config)
        if problems:
            self.status.setText(" ".join(problems))
            return False
        save_config(self._project_id, config)
        message = self.tr("Saved.")
        if config.uses_llm and self.key.text():
            try:
                store_api_key(config, self.key.text())
                message = self.tr("Saved; the API key is in the system keyring.")
                self.key.clear()
            except KeyringUnavailable as exc:
                message = self.tr("Saved, except the key: {reason}").format(
                    reason=engine_message(str(exc))
                )
        self.status.setText(message)
        return True

    @staticmethod
    def _problems(config: EngineConfig) -> list[str]:
        """What keeps the settings from being saved, in the window's language."""
        return [engine_message(problem) for problem in config.problems()]

    # -- the default for new projects ---------------------------------------------------------

    def show_default(self) -> None:
        """Show what new projects start with (read again: the command line may change it)."""
        try:
            config = default_config()
        except StoreError as exc:
            self.default_line.setText("")
            self.status.setText(self._store_problem(exc))
            return
        self.default_line.setText(engine_summary(config))

    @Slot()
    def use_as_default_for_new_projects(self) -> bool:
        """The form's settings (what Save would store, the API key aside) become the default
        for new projects."""
        config = self.config()
        problems = self._problems(config)
        if problems:
            self.status.setText(" ".join(problems))
            return False
        try:
            save_default_config(config)
        except StoreError as exc:
            self.status.setText(self._store_problem(exc))
            return False
        self.show_default()
        if config.uses_llm:
            message = self.tr(
                "New projects will start with: {engine}. The API key is not copied: a new "
                "project on the same server uses the one saved in the system keyring."
            )
        else:
            message = self.tr("New projects will start with: {engine}.")
        message = message.format(engine=engine_summary(config))
        self.status.setText(message)
        return True

    @Slot()
    def reset_default_to_builtin(self) -> bool:
        try:
            save_default_config(None)
        except StoreError as exc:
            self.status.setText(self._store_problem(exc))
            return False
        self.show_default()
        self.status.setText(self.tr("New projects will start with the built-in engine (offline)."))
        return True

    def _store_problem(self, exc: BaseException) -> str:
        reason = explain(exc) or self.tr("Database problem: {error}").format(error=exc)
        return self.tr("The default for new projects was not changed: {reason}").format(
            reason=reason
        )

    @Slot()
    def _update_default_button(self) -> None:
        problems = self._problems(self.config())
        self.use_as_default.setEnabled(not problems)
        self.use_as_default.setToolTip(
            " ".join(problems)
            if problems
            else self.tr(
                "Start new projects with the engine and settings above (the API key stays in "
                "the system keyring)"
            )
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._project_id is not None:
            self.show_default()

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
        self.status.setText(self.tr("Fetching the models…"))
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
        self.status.setText(self.tr("%Ln models on the server.", "", len(models)))
        return models

    async def test_connection(self) -> str:
        """Plain words: what works, or what is wrong (not running, wrong address, bad key,
        model missing)."""
        self.test_button.setEnabled(False)
        self.status.setText(self.tr("Connecting…"))
        settings = await self._settings()
        client = make_client(settings)
        try:
            models = await client.list_models()
            if settings.model and settings.model not in models:
                answer = self.tr(
                    "Connected, but the model '{model}' is not on the server. Available: {models}."
                ).format(model=settings.model, models=", ".join(models[:8]) or self.tr("none"))
            else:
                answer = self.tr("Connected to {url}: %Ln models.", "", len(models)).format(
                    url=settings.base_url
                )
        except LLMError as exc:
            answer = str(exc)
        finally:
            await client.aclose()
            self.test_button.setEnabled(True)
        self.status.setText(answer)
        return answer
