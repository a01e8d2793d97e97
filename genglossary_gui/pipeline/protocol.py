"""What every engine does. The steps (``pipeline/steps.py``) load a step's input from the
store, call the run's engine and save its output; they never ask which engine it is.

Every method runs on the step's thread, reports progress and log lines through ``ctx``
(under its own step's name) and stops with :class:`~genglossary_gui.pipeline.context.Cancelled`
at the next check point once ``ctx``'s token is cancelled. A problem the user must fix
raises :class:`~genglossary_gui.pipeline.context.StepError`.

Implementations: ``engines/builtin`` (reads the documents alone) and ``engines/model``
(a language model, starting from the built-in engine's work).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.data import Corpus, Curation, Entry, Extraction, IssueData, Outcome


class Engine(Protocol):
    @property
    def label(self) -> str:
        """How the run log names it: "the built-in engine", "llama3.1"."""
        ...

    def extract(self, corpus: Corpus, ctx: RunContext) -> Extraction:
        """The corpus's candidate terms, ranked, with the terms its sentences define."""
        ...

    def define(
        self,
        terms: Sequence[tuple[str, str]],
        corpus: Corpus,
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        """One entry per ``(term, language)``, in that order: its occurrences and a
        definition grounded in them."""
        ...

    def review(
        self, entries: Sequence[Entry], curation: Curation, ctx: RunContext
    ) -> Outcome[list[IssueData]]:
        """The glossary's problems: unclear, circular, duplicate, contradictory, unnecessary."""
        ...

    def refine(
        self,
        entries: Sequence[Entry],
        issues: Sequence[IssueData],
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        """The glossary with the issues acted on: duplicates merged, everyday words dropped,
        unclear definitions improved where the engine can."""
        ...
