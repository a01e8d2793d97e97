"""The engines that implement :class:`~genglossary_gui.pipeline.protocol.Engine`, and the
choice of one for a project's settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from genglossary_gui.pipeline.context import RunContext, StepError
from genglossary_gui.pipeline.data import Corpus, Curation, Entry, Extraction, IssueData, Outcome
from genglossary_gui.pipeline.protocol import Engine

if TYPE_CHECKING:
    from genglossary_gui.engines.config import EngineConfig


def for_config(config: EngineConfig, key: str = "") -> Engine:
    """The engine ``config`` asks for; its settings must be complete."""
    problems = config.problems()
    if problems:
        raise StepError("The engine settings are incomplete: " + " ".join(problems))
    if not config.uses_llm:
        from genglossary_gui.engines.builtin import BuiltinEngine

        return BuiltinEngine(config.term_limit)
    from genglossary_gui.engines.model import ModelEngine  # httpx and asyncio only when used

    return ModelEngine(config, key)


def for_project(project_id: int) -> Engine:
    """The engine of the project's settings, with its API key."""
    from genglossary_gui.engines.config import api_key, load_config

    config = load_config(project_id)
    return for_config(config, api_key(config) if config.uses_llm else "")


class ProjectEngine:
    """The project's engine, chosen when a step first needs it: an import-only run needs
    none, and incomplete model settings fail the step that would use them."""

    def __init__(self, project_id: int) -> None:
        self._project_id = project_id
        self._engine: Engine | None = None

    def _chosen(self) -> Engine:
        if self._engine is None:
            self._engine = for_project(self._project_id)
        return self._engine

    @property
    def label(self) -> str:
        return self._chosen().label

    def close(self) -> None:
        """End what the engine holds for the run (a model engine's connection), if any."""
        close = getattr(self._engine, "close", None)
        if close is not None:
            close()

    def extract(self, corpus: Corpus, ctx: RunContext) -> Extraction:
        return self._chosen().extract(corpus, ctx)

    def define(
        self,
        terms: Sequence[tuple[str, str]],
        corpus: Corpus,
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        return self._chosen().define(terms, corpus, curation, ctx)

    def review(
        self, entries: Sequence[Entry], curation: Curation, ctx: RunContext
    ) -> Outcome[list[IssueData]]:
        return self._chosen().review(entries, curation, ctx)

    def refine(
        self,
        entries: Sequence[Entry],
        issues: Sequence[IssueData],
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        return self._chosen().refine(entries, issues, curation, ctx)
