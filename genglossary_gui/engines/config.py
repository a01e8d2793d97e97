"""A project's engine settings, and API keys kept out of the database.

Keys come from the system keyring (service "GenGlossary", one entry per engine and server),
else from ``GENGLOSSARY_API_KEY`` or ``OPENAI_API_KEY``. They are never written to the
database, the logs or the exports.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from genglossary_gui.pipeline.data import GLOSSARY_MAX_TERMS, MAX_TERMS
from genglossary_gui.store import repositories as repo
from genglossary_gui.vocabulary import EngineName

if TYPE_CHECKING:
    from genglossary_gui.llm.clients import LLMSettings

KEYRING_SERVICE = "GenGlossary"
KEY_ENV_VARS = ("GENGLOSSARY_API_KEY", "OPENAI_API_KEY")
ENGINE_CHOICES = tuple(EngineName)
DEFAULT_URLS: dict[str, str] = {  # keyed by EngineName
    EngineName.OLLAMA: "http://127.0.0.1:11434",
    EngineName.OPENAI: "https://api.openai.com/v1",
}


@dataclass
class EngineConfig:
    engine: str = EngineName.BUILTIN
    base_url: str = ""
    model: str = ""
    concurrency: int = 4
    timeout_s: float = 60.0
    temperature: float = 0.2
    azure_api_version: str = ""
    #: Save prompts and replies with each run (keys and absolute paths removed).
    transcript: bool = False
    #: A run whose model failed on more than this share of its terms does not replace the
    #: current glossary: it fails, its output kept with the run (and `generate` writes
    #: no file).
    max_failed_share: float = 0.2
    #: How many of the best recurring candidates a run defines at most (besides the terms
    #: the user requires or groups and those the documents define), with either engine; 0:
    #: all of those scoring at least their mean. Applied when terms are extracted: the
    #: cut-off the Terms page shows.
    max_terms: int = GLOSSARY_MAX_TERMS
    #: The tokens a question and its reply may take on the server (its context, or less):
    #: prompts are checked against it, and the reply's length limit fits in what is left.
    context_tokens: int = 4096

    @property
    def uses_llm(self) -> bool:
        return self.engine in (EngineName.OLLAMA, EngineName.OPENAI)

    @property
    def term_limit(self) -> int | None:
        """``max_terms`` as the pipeline takes it: None for all."""
        return self.max_terms or None

    def field_problems(self) -> dict[str, str]:
        """What is wrong with each field, by field name (``base_url``, ``model``, ...): one
        plain message per wrong field, nothing for the right ones. The one set of rules the
        Settings page (as the user types), ``genglossary project set`` and a run check."""
        out: dict[str, str] = {}
        if self.engine not in ENGINE_CHOICES:
            out["engine"] = "Choose an engine."
        if self.uses_llm:
            out.update(self._server_problems())
        terms = _number_problem("max_terms", self.max_terms)
        if terms:
            out["max_terms"] = terms
        return out

    def _server_problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        address = url_problem(self.base_url)
        if address:
            out["base_url"] = address
        if self.engine == EngineName.OPENAI:
            version = azure_version_problem(self.azure_api_version)
            if version:
                out["azure_api_version"] = version
        if not str(self.model).strip():
            out["model"] = "Choose a model."
        for name in (
            "concurrency",
            "timeout_s",
            "temperature",
            "max_failed_share",
            "context_tokens",
        ):
            problem = _number_problem(name, getattr(self, name))
            if problem:
                out[name] = problem
        return out

    def problems(self) -> list[str]:
        """Every field's problem, in the form's order (empty: the settings can be saved)."""
        return list(self.field_problems().values())

    def settings(self, api_key: str = "") -> LLMSettings:
        # httpx only where a model is asked: the built-in engine and most commands never are.
        from genglossary_gui.llm.clients import LLMSettings

        return LLMSettings(
            engine=self.engine,
            base_url=self.base_url.strip(),
            model=self.model.strip(),
            api_key=api_key,
            azure_api_version=self.azure_api_version.strip(),
            read_timeout_s=self.timeout_s,
            temperature=self.temperature,
            concurrency=self.concurrency,
            context_tokens=self.context_tokens,
        )

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("engine")  # stored in its own column
        return json.dumps(data)

    @classmethod
    def from_json(cls, engine: str, text: str) -> EngineConfig:
        data = json.loads(text or "{}")
        known = {f.name for f in fields(cls)}
        return cls(
            engine=engine or EngineName.BUILTIN, **{k: v for k, v in data.items() if k in known}
        )


#: The context budget's range: below 512 tokens no prompt of a step fits; 2 Mi tokens is
#: beyond any model served today.
MIN_CONTEXT_TOKENS = 512
MAX_CONTEXT_TOKENS = 2_097_152

#: Each number's allowed range (inclusive), whether it must be whole, and what is said
#: when it is outside (or not a number at all). The Settings page lets a wrong number be
#: typed, and says this beside it.
NUMBER_RULES: dict[str, tuple[float, float, bool, str]] = {
    "concurrency": (1, 64, True, "Requests in flight must be a whole number from 1 to 64."),
    "timeout_s": (1, 3600, False, "The timeout must be between 1 and 3600 seconds."),
    "temperature": (0, 2, False, "The temperature must be between 0 and 2."),
    "max_failed_share": (
        0,
        1,
        False,
        "The share of failed requests allowed must be between 0 and 100 %.",
    ),
    "context_tokens": (
        MIN_CONTEXT_TOKENS,
        MAX_CONTEXT_TOKENS,
        True,
        "The context budget must be a whole number of tokens from 512 to 2097152.",
    ),
    "max_terms": (
        0,
        MAX_TERMS,
        True,
        "The number of terms to define must be a whole number from 1 to 5000, or all.",
    ),
}


def _number_problem(name: str, value: object) -> str | None:
    low, high, whole, message = NUMBER_RULES[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return message
    if whole and not (isinstance(value, int) or float(value).is_integer()):
        return message
    if not low <= value <= high:  # NaN is never in range
        return message
    return None


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_HOST = re.compile(r"[\w.-]+")
_AZURE_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?")
#: Every message url_problem() gives.
URL_MESSAGES = (
    "Enter the server address.",
    "The server address cannot contain spaces.",
    "Add http:// or https:// before the address.",
    "The server address must start with http:// or https://.",
    "Add the server's name or IP address after http://.",
    "The server's name or IP address is not valid.",
    "The port must be a number from 1 to 65535.",
)


def url_problem(text: str) -> str | None:
    """What is wrong with a server address (None: an http or https URL with a host, and a
    port in range if it has one). Pure and fast: checked on every keystroke."""
    text = str(text).strip()
    if not text:
        return URL_MESSAGES[0]
    if any(char.isspace() for char in text):
        return URL_MESSAGES[1]
    if not _SCHEME.match(text):
        return URL_MESSAGES[2]
    try:
        parts = urlsplit(text)
    except ValueError:  # brackets around something that is not an IPv6 address
        return URL_MESSAGES[5]
    if parts.scheme.lower() not in ("http", "https"):
        return URL_MESSAGES[3]
    host = parts.hostname or ""
    if not host:
        return URL_MESSAGES[4]
    if ":" in host:  # IPv6, in brackets
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return URL_MESSAGES[5]
    elif not _HOST.fullmatch(host) or host.startswith(".") or ".." in host:
        return URL_MESSAGES[5]
    try:
        port = parts.port
    except ValueError:
        return URL_MESSAGES[6]
    if port is not None and not 1 <= port <= 65535:
        return URL_MESSAGES[6]
    return None


def azure_version_problem(text: str) -> str | None:
    """Azure's API version (left empty for any other server) looks like 2024-06-01, or
    2024-08-01-preview."""
    text = str(text).strip()
    if text and not _AZURE_VERSION.fullmatch(text):
        return "The Azure API version looks like 2024-06-01 (leave it empty for other servers)."
    return None


def load_config(project_id: int) -> EngineConfig:
    engine, settings = repo.engine_settings(project_id)
    return EngineConfig.from_json(engine, settings)


def save_config(project_id: int, config: EngineConfig) -> None:
    if config.engine not in ENGINE_CHOICES:
        raise ValueError(f"Unknown engine {config.engine!r}.")
    repo.save_engine_settings(project_id, config.engine, config.to_json())


def default_config() -> EngineConfig:
    """What a new project starts with: the user's choice for new projects, else the built-in
    engine. (The API key is not part of it: the keyring keeps it per engine and server, so a
    new project on the same server finds it.)"""
    engine, settings = repo.default_engine_settings()
    return EngineConfig.from_json(engine, settings)


def save_default_config(config: EngineConfig | None) -> None:
    """Start new projects with ``config``; ``None`` is back to the built-in engine."""
    if config is None:
        repo.save_default_engine_settings(None)
        return
    if config.engine not in ENGINE_CHOICES:
        raise ValueError(f"Unknown engine {config.engine!r}.")
    repo.save_default_engine_settings(config.engine, config.to_json())


def _key_name(config: EngineConfig) -> str:
    return f"{config.engine}:{config.base_url.strip().rstrip('/')}"


class KeyringUnavailable(RuntimeError):
    pass


def store_api_key(config: EngineConfig, key: str) -> None:
    """Keep the key in the system keyring; KeyringUnavailable when there is none."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, _key_name(config), key)
        else:
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, _key_name(config))
    except KeyringError as exc:
        raise KeyringUnavailable(
            "No system keyring is available here, so the key cannot be saved. Set the "
            "GENGLOSSARY_API_KEY environment variable instead."
        ) from exc


def api_key(config: EngineConfig) -> str:
    """The key for this engine and server: keyring first, then the environment."""
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(KEYRING_SERVICE, _key_name(config))
    except KeyringError:
        stored = None
    if stored:
        return stored
    for name in KEY_ENV_VARS:
        if os.environ.get(name):
            return os.environ[name]
    return ""
