"""A project's engine settings, and API keys kept out of the database.

Keys come from the system keyring (service "GenGlossary", one entry per engine and server),
else from ``GENGLOSSARY_API_KEY`` or ``OPENAI_API_KEY``. They are never written to the
database, the logs or the exports.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from genglossary_gui.pipeline.data import GLOSSARY_MAX_TERMS
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

    @property
    def uses_llm(self) -> bool:
        return self.engine in (EngineName.OLLAMA, EngineName.OPENAI)

    @property
    def term_limit(self) -> int | None:
        """``max_terms`` as the pipeline takes it: None for all."""
        return self.max_terms or None

    def problems(self) -> list[str]:
        out = []
        terms = self.max_terms
        if isinstance(terms, bool) or not isinstance(terms, int) or terms < 0:
            out.append("The number of terms to define must be a whole number (0 for all).")
        if not self.uses_llm:
            return out
        if not self.base_url.strip():
            out.append("Enter the server address.")
        if not self.model.strip():
            out.append("Choose a model.")
        if not 1 <= self.concurrency <= 64:
            out.append("Requests in flight must be between 1 and 64.")
        if self.timeout_s <= 0:
            out.append("The timeout must be positive.")
        if not 0 <= self.max_failed_share <= 1:
            out.append("The share of failed requests allowed must be between 0 and 100 %.")
        return out

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
