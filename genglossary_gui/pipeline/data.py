"""The data that crosses the pipeline's steps: the documents an engine reads, the user's
curation it must respect, and the entries, issues and candidates it hands back.

Plain dataclasses, no ORM objects: a step loads them from the store, gives them to the
run's :class:`~genglossary_gui.pipeline.protocol.Engine` and saves what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from genglossary_gui.pipeline.context import StepError
from genglossary_gui.store.repositories import TermRecord

T = TypeVar("T")

#: Terms defined per run (plus every term the user marked required), best ranked first,
#: unless the project's engine settings say otherwise (``EngineConfig.max_terms``).
GLOSSARY_MAX_TERMS = 300
#: Terms kept per extraction, best first: beyond a few thousand the candidates are noise, and
#: every later step and view works on this list.
MAX_TERMS = 5000


#: However the scores fall, a glossary takes at least this many recurring candidates (when
#: there are as many): a small folder's glossary is not cut to a handful.
MIN_GLOSSARY_CUTOFF = 20


def glossary_cutoff(scores: Sequence[float], limit: int | None) -> int:
    """How many of the recurring candidates (their scores, best first) enter the glossary:
    those scoring at least the mean score, between MIN_GLOSSARY_CUTOFF and ``limit`` (None:
    no limit but the mean).

    Termhood scores fall steeply from a head of real terms into a long tail of rarer
    phrases. The mean marks where the head ends, whatever the corpus size: on the
    development corpus (ACL abstracts) 25 % of the recurring candidates score above it, and
    58 % of those are annotated terms, against 38 % of all recurring candidates.
    """
    if not scores:
        return 0
    mean = sum(scores) / len(scores)
    above = sum(1 for s in scores if s >= mean)
    chosen = min(len(scores), max(above, MIN_GLOSSARY_CUTOFF))
    return chosen if limit is None else min(limit, chosen)


@dataclass
class Entry:
    term: str
    language: str
    definition: str
    kind: str  # a DefinitionKind: definition, abbreviation, usage, generated or none
    source_path: str = ""
    source_line: int = 0
    confidence: float = 0.0
    aliases: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, int, str]] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    #: Other defining sentences: (sentence, path, line, strength).
    alternatives: list[tuple[str, str, int, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IssueData:
    term: str
    type: str  # an IssueType: unclear, circular, duplicate, contradiction, unnecessary
    description: str
    related: str = ""
    should_exclude: bool = False


@dataclass(frozen=True, slots=True)
class Text:
    """One document as an engine reads it."""

    path: str
    text: str
    #: The document's language: the project's choice, or detected when that is "auto".
    language: str


@dataclass
class Corpus:
    """A project's documents, read from the store one at a time, as often as an engine
    needs (``read`` starts a fresh pass; each document read is a cancel check point)."""

    read: Callable[[], Iterator[Text]]
    count: int
    chars: int

    def pairs(self) -> Iterator[tuple[str, str]]:
        """``(path, text)`` of every document."""
        return ((t.path, t.text) for t in self.read())


def _never(_term: str, _aliases: Sequence[str]) -> bool:
    return False


@dataclass
class Curation:
    """What the user decided, which no engine may undo."""

    #: Terms the user marked required: each gets an entry and survives refining.
    required: set[str] = field(default_factory=set)
    #: Terms the user excluded: never added back.
    excluded: set[str] = field(default_factory=set)
    #: The user's notes per term, which guide a model's wording.
    notes: dict[str, str] = field(default_factory=dict)
    #: True when an entry (its headword or an alias) has a definition the user wrote.
    edited: Callable[[str, Sequence[str]], bool] = _never
    #: Keys (``text.term_key``) of the terms a sentence of the documents defines.
    defined: set[str] = field(default_factory=set)
    #: False when the terms come from an extraction that did not look for defined terms
    #: (an earlier version's): the engine looks for them while defining.
    defined_known: bool = True
    #: The user's synonym groups, ``(headword, the other terms)``: each is one entry headed
    #: by its headword in every run (the steps merge them; their terms are also required).
    groups: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Extraction:
    """What extraction hands the store: the ranked terms and the glossary's cut-off."""

    terms: list[TermRecord]
    #: How many candidates the ranking found (before the defined terms were added).
    found: int
    #: Entries the glossary takes from the recurring candidates, best first.
    cutoff: int
    #: How many recurring candidates the cut-off chose from.
    recurring: int
    #: The most terms the cut-off could take (the project's setting; None: no limit but the
    #: mean score): an extraction of new documents only recomputes the cut-off with it.
    limit: int | None = GLOSSARY_MAX_TERMS


@dataclass
class Outcome(Generic[T]):
    """An engine's result for one step."""

    value: T
    #: The step's summary when the engine has its own words for it, else "".
    summary: str = ""
    #: What went wrong with some items ("3 of 40 terms failed: …"), for the summary.
    failures: str = ""
    #: Set when too much failed for the result to become the current glossary: the step
    #: keeps the result with the run, then fails with this error.
    kept_aside: StepError | None = None
