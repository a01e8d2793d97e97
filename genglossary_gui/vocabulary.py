"""Fixed vocabularies shared by the store, the pipeline, the window and the command line."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is in its life (see store/transitions.py for the moves)."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)
TERMINAL_STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)


class TermStatus(StrEnum):
    """The user's mark on a term."""

    CANDIDATE = "candidate"
    REQUIRED = "required"
    EXCLUDED = "excluded"


class DefinitionKind(StrEnum):
    """What an entry's text is. Stored in ``entry.definition_kind`` and written to exports."""

    #: A sentence of the documents that says what the term is ("X is a …", 「XとはYである」).
    DEFINITION = "definition"
    #: Only the long form ↔ short form pair ("acute heart failure (AHF)"): "Abbreviation of …".
    ABBREVIATION = "abbreviation"
    #: No sentence defines the term: the most informative mention, an example of its use.
    USAGE = "usage"
    #: Written by a model from the documents' sentences.
    GENERATED = "generated"
    #: Written by the user (curation; wins over every run's text).
    EDITED = "edited"
    #: The documents never mention the term (a required term they do not contain).
    NONE = "none"

    @property
    def defines(self) -> bool:
        """The text says what the term is (rather than how it is used or abbreviated)."""
        return self in (DefinitionKind.DEFINITION, DefinitionKind.GENERATED, DefinitionKind.EDITED)

    @property
    def rank(self) -> int:
        """Which of two entries' texts is better when they become one (a merge): a text
        that says what the term is, over a usage example or an abbreviation note, over
        nothing."""
        return 2 if self.defines else 0 if self is DefinitionKind.NONE else 1

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DefinitionKind.DEFINITION: "Definition",
    DefinitionKind.ABBREVIATION: "Abbreviation",
    DefinitionKind.USAGE: "Usage example",
    DefinitionKind.GENERATED: "Written by the model",
    DefinitionKind.EDITED: "Your definition",
    DefinitionKind.NONE: "Not found",
}


def definition_kind(value: str) -> DefinitionKind:
    """The kind stored as ``value``; the names of schema 4 and before ("defining", "context")
    read as their successors, anything unknown as NONE."""
    value = {"defining": "definition", "context": "usage"}.get(value, value)
    try:
        return DefinitionKind(value)
    except ValueError:
        return DefinitionKind.NONE


class Topic(StrEnum):
    """What a change notification (``store.notify``) is about: a table whose rows changed, or
    one of two events that are no table."""

    PROJECT = "project"
    DOCUMENT = "document"
    TERM = "term"
    RUN = "run"
    RUN_LOG = "run_log"
    GLOSSARY_ENTRY = "glossary_entry"
    ISSUE = "issue"
    DEFINITION_EDIT = "definition_edit"
    KEPT_APART = "kept_apart"
    #: A run's progress columns were written (not a status transition).
    RUN_PROGRESS = "run_progress"
    #: Another process (or connection) committed something unspecified.
    EXTERNAL = "*"


class IssueType(StrEnum):
    """What the review found wrong with an entry (the Issues page's Type column)."""

    UNCLEAR = "unclear"  # no sentence defines the term
    CIRCULAR = "circular"  # the definition only restates the term
    DUPLICATE = "duplicate"  # two entries name the same concept
    CONTRADICTION = "contradiction"  # two defining sentences disagree
    UNNECESSARY = "unnecessary"  # an everyday word, not a domain term


class Stage(StrEnum):
    """Which step wrote a run's glossary entries."""

    PROVISIONAL = "provisional"  # generate
    REFINED = "refined"  # refine


class Step(StrEnum):
    """A step of the pipeline (a run's ``step`` column, log lines and progress)."""

    IMPORT = "import"
    EXTRACT = "extract"
    GENERATE = "generate"
    REVIEW = "review"
    REFINE = "refine"


class Scope(StrEnum):
    """What a run executes: the whole pipeline, or one step of it."""

    FULL = "full"
    IMPORT = "import"
    #: Import the sources' new and changed files, then extract terms from the documents no
    #: extraction has read yet, adding to the terms found before (incremental).
    ADD = "add"
    EXTRACT = "extract"
    GENERATE = "generate"
    REVIEW = "review"
    REFINE = "refine"


class Language(StrEnum):
    """A document's language, or a project's setting for its documents."""

    #: Detect per document (a project's setting only; documents are always en or ja).
    AUTO = "auto"
    EN = "en"
    JA = "ja"


#: The languages the built-in engine reads (every document is one of them).
DOCUMENT_LANGUAGES = (Language.JA, Language.EN)


class EngineName(StrEnum):
    """Which engine a project's runs use (``project.engine``)."""

    BUILTIN = "builtin"  # offline: patterns over the documents
    OLLAMA = "ollama"  # Ollama's /api/chat
    OPENAI = "openai"  # any OpenAI-compatible server (OpenAI, Azure, LM Studio, llama.cpp, vLLM)

    @property
    def uses_llm(self) -> bool:
        return self is not EngineName.BUILTIN


class ExportFormat(StrEnum):
    """The formats a glossary is exported to."""

    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"
    TBX = "tbx"

    @property
    def suffix(self) -> str:
        return f".{self.value}"

    @property
    def label(self) -> str:
        return {"md": "Markdown", "csv": "CSV", "json": "JSON", "tbx": "TBX-Basic"}[self.value]


class Selection(StrEnum):
    """Whether the next run defines a term, and why."""

    REQUIRED = "required"
    DEFINED = "defined"  # a sentence of the documents defines it
    #: In a synonym group of the user's, or split out of an entry by the user.
    CHOSEN = "grouped or split"
    ABOVE_CUTOFF = "above the cut-off"
    BELOW_CUTOFF = "below the cut-off"
    SEEN_ONCE = "seen once"
    NOT_FOUND = "not found"  # a curated term the last extraction did not find
    EXCLUDED = "excluded"

    @property
    def in_glossary(self) -> bool:
        return self in (
            Selection.REQUIRED,
            Selection.CHOSEN,
            Selection.DEFINED,
            Selection.ABOVE_CUTOFF,
        )
