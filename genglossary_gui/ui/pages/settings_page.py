"""Settings page: the project's engine (built-in, Ollama, OpenAI-compatible), server, model,
API key (kept in the system keyring), requests in flight, timeout, temperature, transcript,
how many terms a run defines (either engine), and a connection test; below them, the engine
new projects start with.

Every field is checked as the user types, by EngineConfig's rules (engines/config.py, which
the command line applies too): what is wrong shows under the field, and Save waits until it
is fixed. The connection test and the model list (llm/probe.py) run as asyncio tasks on the
qasync loop: the window never waits for them; they give up after ``probe_timeout_s`` and are
cancelled by their button (Cancel while they run), Esc, another project, another tab or the
window closing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Slot
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
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
    NUMBER_RULES,
    EngineConfig,
    KeyringUnavailable,
    api_key,
    default_config,
    load_config,
    save_config,
    save_default_config,
    store_api_key,
)
from genglossary_gui.llm.clients import LLMError, LLMSettings, Pitfall
from genglossary_gui.llm.probe import (
    PROBE_TIMEOUT_S,
    ConnectionReport,
    NoAnswer,
    check_connection,
    list_models,
)
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.ui.formatting import format_number
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
    QT_TRANSLATE_NOOP("SettingsPage", "Choose an engine."),
    QT_TRANSLATE_NOOP("SettingsPage", "Enter the server address."),
    QT_TRANSLATE_NOOP("SettingsPage", "The server address cannot contain spaces."),
    QT_TRANSLATE_NOOP("SettingsPage", "Add http:// or https:// before the address."),
    QT_TRANSLATE_NOOP("SettingsPage", "The server address must start with http:// or https://."),
    QT_TRANSLATE_NOOP("SettingsPage", "Add the server's name or IP address after http://."),
    QT_TRANSLATE_NOOP("SettingsPage", "The server's name or IP address is not valid."),
    QT_TRANSLATE_NOOP("SettingsPage", "The port must be a number from 1 to 65535."),
    QT_TRANSLATE_NOOP(
        "SettingsPage",
        "The Azure API version looks like 2024-06-01 (leave it empty for other servers).",
    ),
    QT_TRANSLATE_NOOP("SettingsPage", "Choose a model."),
    QT_TRANSLATE_NOOP("SettingsPage", "Requests in flight must be a whole number from 1 to 64."),
    QT_TRANSLATE_NOOP("SettingsPage", "The timeout must be between 1 and 3600 seconds."),
    QT_TRANSLATE_NOOP("SettingsPage", "The temperature must be between 0 and 2."),
    QT_TRANSLATE_NOOP(
        "SettingsPage", "The share of failed requests allowed must be between 0 and 100 %."
    ),
    QT_TRANSLATE_NOOP(
        "SettingsPage",
        "The number of terms to define must be a whole number from 1 to 5000, or all.",
    ),
    QT_TRANSLATE_NOOP(
        "SettingsPage", "The context budget must be a whole number of tokens from 512 to 2097152."
    ),
    # The structured-output dialects a server takes (llm.clients.DIALECTS).
    QT_TRANSLATE_NOOP("SettingsPage", "response_format json_schema"),
    QT_TRANSLATE_NOOP("SettingsPage", "response_format json_object with the schema"),
    QT_TRANSLATE_NOOP("SettingsPage", "response_format json_object, the schema in the prompt"),
    QT_TRANSLATE_NOOP("SettingsPage", "no structured output, the schema in the prompt"),
    QT_TRANSLATE_NOOP("SettingsPage", "Ollama's format with the schema"),
    QT_TRANSLATE_NOOP(
        "SettingsPage",
        "No system keyring is available here, so the key cannot be saved. Set the "
        "GENGLOSSARY_API_KEY environment variable instead.",
    ),
)
#: The attention colour of a field's problem (as the dialogs' errors).
PROBLEM_STYLE = "color: #b3261e"


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


def _within(spin: QAbstractSpinBox, value: float, allowed: tuple[float, float]):
    """The arrows' directions that stay within ``allowed`` (a typed number may be outside)."""
    flags = QAbstractSpinBox.StepEnabledFlag.StepNone
    low, high = allowed
    if value > low:
        flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
    if value < high:
        flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
    return flags


class NumberBox(QSpinBox):
    """A whole number: any number up to ``most`` can be typed (the page says beside it what is
    wrong with one out of range, instead of silently refusing the key); the arrows and Page
    Up/Down stay within ``allowed``."""

    def __init__(self, allowed: tuple[float, float], most: int) -> None:
        super().__init__()
        self.allowed = allowed
        self.setRange(0, most)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        return _within(self, self.value(), self.allowed)

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        low, high = self.allowed
        self.setValue(int(min(high, max(low, self.value()))))


class DecimalBox(QDoubleSpinBox):
    """:class:`NumberBox` for decimals."""

    def __init__(self, allowed: tuple[float, float], most: float) -> None:
        super().__init__()
        self.allowed = allowed
        self.setRange(0, most)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        return _within(self, self.value(), self.allowed)

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        low, high = self.allowed
        self.setValue(min(high, max(low, self.value())))


def _allowed(name: str, scale: float = 1) -> tuple[float, float]:
    low, high, _whole, _message = NUMBER_RULES[name]
    return low * scale, high * scale


class SettingsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project_id: int | None = None
        self._tasks: set[asyncio.Task[object]] = set()  # strong references (qasync gives none)
        #: The connection test or model list running (one at a time), and its button.
        self._network: asyncio.Task[object] | None = None
        self._network_button: QPushButton | None = None
        #: How long the connection test and the model list wait for the server.
        self.probe_timeout_s = PROBE_TIMEOUT_S
        #: What the last connection test found (None before the first).
        self.last_report: ConnectionReport | None = None
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
        self.refresh_models.setObjectName("fetchModels")
        self.refresh_models.clicked.connect(self._start_fetch_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.refresh_models)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("kept in the system keyring, never in the project"))
        # The number boxes take any number typed; what is allowed is EngineConfig's to say.
        self.concurrency = NumberBox(_allowed("concurrency"), 9999)
        self.concurrency.setValue(4)
        self.timeout = DecimalBox(_allowed("timeout_s"), 99999)
        self.timeout.setSuffix(self.tr(" s", "seconds"))
        self.timeout.setToolTip(self.tr("The longest wait between two parts of a streamed answer"))
        self.max_failures = NumberBox(_allowed("max_failed_share", 100), 999)
        self.max_failures.setValue(20)
        self.max_failures.setSuffix(" %")
        self.max_failures.setToolTip(
            self.tr(
                "A run whose model failed on more than this share of its terms is kept aside: it "
                "does not replace the current glossary (you can still use it from the Glossary "
                "page)"
            )
        )
        self.temperature = DecimalBox(_allowed("temperature"), 99)
        self.temperature.setSingleStep(0.1)
        self.context_tokens = NumberBox(_allowed("context_tokens"), 99_999_999)
        self.context_tokens.setSingleStep(1024)
        self.context_tokens.setGroupSeparatorShown(True)  # 4,096 tokens, as the report says
        self.context_tokens.setValue(EngineConfig.context_tokens)
        self.context_tokens.setSuffix(self.tr(" tokens"))
        self.context_tokens.setObjectName("contextTokens")
        self.context_tokens.setToolTip(
            self.tr(
                "How many tokens a question and its reply may take on the server: its context "
                "length, or less. Questions are sized to fit and the reply's length limit is "
                "what is left. Test Connection shows the server's context where it tells it."
            )
        )
        # Either engine: the glossary's cut-off takes at most this many recurring candidates.
        self.max_terms = NumberBox(_allowed("max_terms"), 99999)
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
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self._start_test)
        self.save_button = QPushButton(self.tr("S&ave Settings"))
        self.save_button.setObjectName("saveSettings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("settingsStatus")

        # Mnemonics: the menus (File, Edit, Run, View, Help) and the tabs (Documents, Terms,
        # Glossary, Issues, Runs, Settings) keep theirs; tests/ui/test_window_fixes.py checks.
        #: Each field the rules check (by EngineConfig field name), and its problem label.
        self.fields: dict[str, QWidget] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self._tooltips: dict[str, str] = {}
        form = QFormLayout()
        form.addRow(self.tr("E&ngine:"), self.engine)
        form.addRow(self.tr("Server address:"), self._checked("base_url", self.base_url))
        form.addRow(self.tr("A&zure API version:"), self._checked("azure_api_version", self.azure))
        model_label = QLabel(self.tr("&Model:"))
        model_label.setBuddy(self.model)
        form.addRow(model_label, self._checked("model", self.model, model_row))
        form.addRow(self.tr("API &key:"), self.key)
        form.addRow(self.tr("Re&quests in flight:"), self._checked("concurrency", self.concurrency))
        form.addRow(self.tr("Time&out:"), self._checked("timeout_s", self.timeout))
        form.addRow(self.tr("Tem&perature:"), self._checked("temperature", self.temperature))
        form.addRow(
            self.tr("Conte&xt budget:"), self._checked("context_tokens", self.context_tokens)
        )
        form.addRow(
            self.tr("Keep aside a&bove:"), self._checked("max_failed_share", self.max_failures)
        )
        form.addRow("", self.transcript)
        terms_label = QLabel(self.tr("Terms to define:"))
        terms_label.setBuddy(self.max_terms)
        form.addRow(terms_label, self._checked("max_terms", self.max_terms))
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
            self.key,
            self.concurrency,
            self.timeout,
            self.temperature,
            self.context_tokens,
            self.max_failures,
            self.transcript,
        ]
        # Checked on every keystroke: the problems beside the fields, Save, the default, the
        # connection test (rules that are pure and fast: EngineConfig.field_problems()).
        self.engine.currentIndexChanged.connect(self.validate)
        self.base_url.textChanged.connect(self.validate)
        self.azure.textChanged.connect(self.validate)
        self.model.currentTextChanged.connect(self.validate)
        for spin in self._number_boxes().values():
            # The line edit's signal: the box's own is not sent for text that is no number.
            spin.lineEdit().textChanged.connect(self.validate)
        self.validate()

    def _checked(self, name: str, field: QWidget, row: QHBoxLayout | None = None) -> QWidget:
        """``field`` (or its ``row``) with a label under it that says what is wrong with it."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if row is None:
            layout.addWidget(field)
        else:
            layout.addLayout(row)
        label = QLabel()
        label.setObjectName(f"problem_{name}")
        label.setWordWrap(True)
        label.setStyleSheet(PROBLEM_STYLE)
        label.setVisible(False)
        layout.addWidget(label)
        box.setFocusProxy(field)  # the form label's mnemonic goes to the field
        self.fields[name] = field
        self.problem_labels[name] = label
        self._tooltips[name] = field.toolTip()
        return box

    def _number_boxes(self) -> dict[str, QAbstractSpinBox]:
        return {
            "concurrency": self.concurrency,
            "timeout_s": self.timeout,
            "temperature": self.temperature,
            "max_failed_share": self.max_failures,
            "context_tokens": self.context_tokens,
            "max_terms": self.max_terms,
        }

    def problems(self) -> dict[str, str]:
        """What is wrong with each field of the form (by EngineConfig field name), in the
        window's language: EngineConfig's rules, and a number box whose text is no number
        yet (left empty, say)."""
        config = self.config()
        found = config.field_problems()
        for name, spin in self._number_boxes().items():
            enabled = config.uses_llm or name == "max_terms"
            if enabled and not spin.hasAcceptableInput():
                found[name] = NUMBER_RULES[name][3]
        return {
            name: engine_message(found[name]) for name in ("engine", *self.fields) if name in found
        }

    @Slot()
    def validate(self) -> dict[str, str]:
        """Show each field's problem beside it (and in its tooltip and accessible
        description); Save, the default and the connection test wait until they are fixed."""
        problems = self.problems()
        for name, label in self.problem_labels.items():
            field = self.fields[name]
            problem = problems.get(name, "")
            label.setText(problem)
            label.setVisible(bool(problem))
            field.setToolTip(problem or self._tooltips[name])
            field.setAccessibleDescription(problem)
        self.save_button.setEnabled(not problems)
        self.save_button.setToolTip(" ".join(problems.values()))
        self._update_default_button(problems)
        self._update_network_buttons(problems)
        return problems

    # -- loading and saving ---------------------------------------------------------------------

    def set_project(self, project_id: int | None) -> None:
        self.cancel_network()  # a test of the project shown before is of no use now
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
        self.context_tokens.setValue(config.context_tokens)
        self.transcript.setChecked(config.transcript)
        terms = config.max_terms if isinstance(config.max_terms, int) else EngineConfig.max_terms
        self.max_terms.setValue(terms)  # one out of range is shown with what is wrong with it
        self.key.clear()  # a stored key is never shown; typing a new one replaces it
        self.status.clear()
        self._on_engine()
        self.validate()
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
            context_tokens=self.context_tokens.value(),
        )

    @Slot()
    def save(self) -> bool:
        if self._project_id is None:
            return False
        problems = self.validate()
        if problems:
            self.status.setText(" ".join(problems.values()))
            return False
        config = self.config()
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
        problems = self.validate()
        if problems:
            self.status.setText(" ".join(problems.values()))
            return False
        config = self.config()
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

    def _update_default_button(self, problems: dict[str, str]) -> None:
        self.use_as_default.setEnabled(not problems)
        self.use_as_default.setToolTip(
            " ".join(problems.values())
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

    def hideEvent(self, event: QHideEvent) -> None:
        # Another tab, or the window closing: what the test would find is no longer wanted.
        # (A minimised window's hide event is spontaneous: the test goes on.)
        if not event.spontaneous():
            self.cancel_network()
        super().hideEvent(event)

    def event(self, event: QEvent) -> bool:
        # While the server is asked, Esc on the page is for that (not the window's Cancel Run):
        # taken before any shortcut, it comes back as a key press (keyPressEvent).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._network is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc a field leaves unused (they all do) cancels the test or the model list.
        if event.key() == Qt.Key.Key_Escape and self._network is not None:
            self.cancel_network()
            event.accept()
            return
        super().keyPressEvent(event)

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

    def _connection_problem(self, problems: dict[str, str] | None = None) -> str:
        """What keeps the server from being asked (the address above all: one without a
        scheme never reaches httpx); "" when it can be."""
        problems = self.problems() if problems is None else problems
        if self.engine.currentData() not in DEFAULT_URLS:
            return ""
        return " ".join(
            problems[name] for name in ("base_url", "azure_api_version") if name in problems
        )

    def _update_network_buttons(self, problems: dict[str, str]) -> None:
        uses_llm = self.engine.currentData() in DEFAULT_URLS
        problem = self._connection_problem(problems)
        for button in (self.test_button, self.refresh_models):
            if self._network is not None:  # the running one is its Cancel, the other waits
                button.setEnabled(button is self._network_button)
            else:
                button.setEnabled(uses_llm and not problem)
            button.setToolTip(problem)

    async def _settings(self) -> LLMSettings:
        config = self.config()
        key = self.key.text()
        if not key:
            # The keyring may be slow (or ask to be unlocked): not on the GUI thread. A plain
            # Python thread, not the loop's default executor (QThreads under qasync).
            key = await asyncio.get_running_loop().run_in_executor(_KEYRING_THREAD, api_key, config)
        return config.settings(key)

    def _spawn(self, coro) -> asyncio.Task[object]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @Slot()
    def _start_test(self) -> None:
        if self._network_button is self.test_button:
            self.cancel_network()
        elif self._network is None:
            self._spawn(self.test_connection())

    @Slot()
    def _start_fetch_models(self) -> None:
        if self._network_button is self.refresh_models:
            self.cancel_network()
        elif self._network is None:
            self._spawn(self.fetch_models())

    def network_busy(self) -> bool:
        """A connection test or a model list is running."""
        return self._network is not None

    @Slot()
    def cancel_network(self) -> None:
        """Cancel the connection test or the model list (its connection is closed)."""
        if self._network is not None:
            self._network.cancel()

    def _begin(self, button: QPushButton) -> None:
        """``button`` becomes the Cancel of the task running this (the current one)."""
        self._network = asyncio.current_task()
        self._network_button = button
        button.setText(self.tr("Cancel"))
        button.setToolTip(self.tr("Stop asking the server (Esc)"))
        self.validate()

    def _end(self) -> None:
        self._network = None
        self._network_button = None
        self.test_button.setText(self.tr("Test &Connection"))
        self.refresh_models.setText(self.tr("Fetch Mode&ls"))
        self.validate()

    def _no_answer(self, url: str) -> str:
        return self.tr("No answer from {url} within {seconds} s.").format(
            url=url, seconds=f"{self.probe_timeout_s:g}"
        )

    async def fetch_models(self) -> list[str]:
        """The server's models in the model box; [] (and why, in the status line) when the
        server cannot be asked, does not answer within ``probe_timeout_s``, or the user
        cancels."""
        problem = self._connection_problem()
        if problem:
            self.status.setText(problem)
            return []
        if self._network is not None:
            return []
        self._begin(self.refresh_models)
        self.status.setText(self.tr("Fetching the models…"))
        try:
            settings = await self._settings()
            models = await list_models(settings, self.probe_timeout_s)
        except asyncio.CancelledError:
            self.status.setText(self.tr("Fetching the models was cancelled."))
            raise
        except NoAnswer as exc:
            self.status.setText(self._no_answer(exc.base_url))
            return []
        except LLMError as exc:
            self.status.setText(str(exc))
            return []
        finally:
            self._end()
        current = self.model.currentText()
        self.model.clear()
        self.model.addItems(models)
        self.model.setEditText(current or (models[0] if models else ""))
        self.status.setText(self.tr("%Ln models on the server.", "", len(models)))
        return models

    async def test_connection(self) -> str:
        """Plain words: what works, or what is wrong (not running, wrong address, bad key,
        model missing, no answer within ``probe_timeout_s``). Cancelled by the Cancel
        button, Esc, another project, another tab or the window closing."""
        problem = self._connection_problem()
        if problem:
            self.status.setText(problem)
            return problem
        if self._network is not None:
            return ""
        self._begin(self.test_button)
        self.status.setText(
            self.tr("Connecting to {url}… (at most {seconds} s; Esc cancels)").format(
                url=self.config().base_url, seconds=f"{self.probe_timeout_s:g}"
            )
        )
        try:
            report = await self.probe(await self._settings())
        except asyncio.CancelledError:
            self.status.setText(self.tr("Connection test cancelled."))
            raise
        finally:
            self._end()
        self.last_report = report
        answer = "\n".join(self.report_lines(report))
        self.status.setText(answer)
        return answer

    async def probe(self, settings: LLMSettings) -> ConnectionReport:
        """The one place the connection test asks the server (llm/probe.py)."""
        return await check_connection(settings, self.probe_timeout_s)

    def report_lines(self, report: ConnectionReport) -> list[str]:
        """The connection test's report in plain words, one line each."""
        if report.timed_out:
            lines = [self._no_answer(report.base_url)]
        elif not report.reachable:
            lines = [report.problem]
        elif not report.model_found:
            lines = [
                self.tr(
                    "Connected, but the model '{model}' is not on the server. Available: {models}."
                ).format(
                    model=report.model,
                    models=", ".join(report.models[:8]) or self.tr("none"),
                )
            ]
        else:
            lines = [
                self.tr("Connected to {url}: %Ln models.", "", len(report.models)).format(
                    url=report.base_url
                )
            ]
        return [*lines, *self._server_lines(report)]

    def _server_lines(self, report: ConnectionReport) -> list[str]:
        """What the server supports, one line each: its kind, the structured-output dialect,
        its context length, and known pitfalls."""
        server = report.server
        if server is None:
            return []
        lines = []
        if server.server:
            lines.append(self.tr("Server: {kind}.").format(kind=server.server))
        if server.dialect:
            lines.append(
                self.tr("Structured output: {dialect}.").format(
                    dialect=engine_message(server.dialect_text)
                )
            )
        elif server.question_problem:
            lines.append(
                self.tr("The model could not answer a test question: {problem}").format(
                    problem=server.question_problem
                )
            )
        elif server.late:
            lines.append(
                self.tr(
                    "The model did not answer a test question within {seconds} s; the reply "
                    "format is found on the first run."
                ).format(seconds=f"{report.timeout_s:g}")
            )
        if server.context_tokens is not None:
            lines.append(
                self.tr("The server's context: {tokens} tokens.").format(
                    tokens=format_number(server.context_tokens)
                )
            )
        lines.extend(self._pitfall_text(p) for p in server.pitfalls)
        return lines

    def _pitfall_text(self, pitfall: Pitfall) -> str:
        budget, context = format_number(pitfall.budget), format_number(pitfall.context)
        if pitfall.kind == "interrupts":
            return self.tr(
                "llama-cpp-python: start it with --interrupt_requests False or set Requests in "
                "flight to 1 (it stops a reply when the next request comes)."
            )
        if pitfall.kind == "default_context":
            return self.tr(
                "llama-cpp-python: start it with --n_ctx {tokens} (its context is 2,048 tokens "
                "unless told, less than the context budget of {budget} set here)."
            ).format(tokens=pitfall.budget, budget=budget)
        if pitfall.kind == "small_context":
            return self.tr(
                "The server's context is {context} tokens, less than the context budget of "
                "{budget} set here: lower the budget to {context} or give the server a larger "
                "context."
            ).format(context=context, budget=budget)
        if pitfall.kind == "unchecked":
            return self.tr(
                "The server does not check replies against the schema: expect more replies to "
                "be asked again, and some terms to keep their built-in definition."
            )
        return pitfall.text
