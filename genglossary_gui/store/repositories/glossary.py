"""A run's glossary entries and issues, and their rows for the Glossary page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from genglossary_gui.store import notify
from genglossary_gui.store.database import db, patient
from genglossary_gui.store.models import GlossaryEntry, Issue, Project, Run
from genglossary_gui.store.repositories.runs import (
    _RUN_ROW_FIELDS,
    RunRow,
    _run_rows,
    run_project,
)
from genglossary_gui.store.repositories.terms import definition_edits, edit_for, kept_apart
from genglossary_gui.vocabulary import DefinitionKind, IssueType, Stage, Topic, definition_kind

# -- glossary ---------------------------------------------------------------------------------


@patient
def save_entries(project_id: int, run_id: int, stage: str, entries: Sequence[Any]) -> None:
    """Store a step's entries (``engine.Entry``-like objects) under its run, replacing any
    earlier ones of the same run and stage."""
    rows = [
        {
            "project": project_id,
            "run": run_id,
            "stage": stage,
            "term": e.term,
            "language": e.language,
            "aliases": json.dumps(e.aliases, ensure_ascii=False),
            "definition": e.definition,
            "definition_kind": definition_kind(e.kind).value,
            "source_path": e.source_path,
            "source_line": e.source_line,
            "confidence": e.confidence,
            "occurrences": json.dumps(e.occurrences, ensure_ascii=False),
            "see_also": json.dumps(e.see_also, ensure_ascii=False),
            "alternatives": json.dumps(e.alternatives, ensure_ascii=False),
        }
        for e in entries
    ]
    with db.atomic("IMMEDIATE"):
        GlossaryEntry.delete().where(
            (GlossaryEntry.run == run_id) & (GlossaryEntry.stage == stage)
        ).execute()
        for start in range(0, len(rows), 200):
            GlossaryEntry.insert_many(rows[start : start + 200]).execute()
    notify.publish(Topic.GLOSSARY_ENTRY, run_id)


def load_entries(run_id: int, stage: str) -> list[dict[str, Any]]:
    """A run's entries of one stage as dicts with JSON fields decoded."""
    query = (
        GlossaryEntry.select()
        .where((GlossaryEntry.run == run_id) & (GlossaryEntry.stage == stage))
        .order_by(GlossaryEntry.id)
    )
    out = []
    for e in query:
        out.append(
            {
                "term": e.term,
                "language": e.language,
                "aliases": json.loads(e.aliases),
                "definition": e.definition,
                "kind": definition_kind(e.definition_kind),
                "source_path": e.source_path,
                "source_line": e.source_line,
                "confidence": e.confidence,
                "occurrences": [tuple(o) for o in json.loads(e.occurrences)],
                "see_also": json.loads(e.see_also),
                "alternatives": [tuple(a) for a in json.loads(e.alternatives)],
            }
        )
    return out


def final_stage(run_id: int) -> str | None:
    """The last stage a run wrote: refined if it refined, else provisional, else None."""
    stages = {
        row.stage
        for row in GlossaryEntry.select(GlossaryEntry.stage)
        .where(GlossaryEntry.run == run_id)
        .distinct()
    }
    for stage in (Stage.REFINED, Stage.PROVISIONAL):
        if stage in stages:
            return stage
    return None


@patient
def save_issues(project_id: int, run_id: int, issues: Sequence[Any]) -> None:
    rows = [
        {
            "project": project_id,
            "run": run_id,
            "term": i.term,
            "type": i.type,
            "description": i.description,
            "related": i.related,
            "should_exclude": i.should_exclude,
        }
        for i in issues
    ]
    with db.atomic("IMMEDIATE"):
        Issue.delete().where(Issue.run == run_id).execute()
        for start in range(0, len(rows), 200):
            Issue.insert_many(rows[start : start + 200]).execute()
    notify.publish(Topic.ISSUE, run_id)


def load_issues(run_id: int) -> list[dict[str, Any]]:
    query = Issue.select().where(Issue.run == run_id).order_by(Issue.type, Issue.term)
    return [
        {
            "id": i.id,
            "term": i.term,
            "type": i.type,
            "description": i.description,
            "related": i.related,
            "should_exclude": bool(i.should_exclude),
        }
        for i in query
    ]


def current_run(project_id: int) -> int | None:
    """The run whose glossary is the project's current one: the last that completed with a
    glossary, or the one the user promoted."""
    project = Project.get_or_none(Project.id == project_id)
    return project.current_run if project is not None else None


def glossary_runs(project_id: int) -> list[RunRow]:
    """Runs of the project that wrote glossary entries, newest first."""
    ids = (
        GlossaryEntry.select(GlossaryEntry.run)
        .where(GlossaryEntry.project == project_id)
        .distinct()
    )
    return _run_rows(
        Run.select(*_RUN_ROW_FIELDS).join(Project).where(Run.id.in_(ids)).order_by(Run.id.desc())
    )


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    """An entry as the Glossary page shows it: the user's definition wins over the run's."""

    id: int
    term: str
    language: str
    aliases: tuple[str, ...]
    definition: str
    suggested: str
    edited: bool
    kind: DefinitionKind
    confidence: float
    source: str
    see_also: str
    occurrences: tuple[tuple[str, int, str], ...]
    alternatives: tuple[tuple[str, str, int, float], ...]


def glossary_rows(project_id: int, run_id: int) -> list[GlossaryRow]:
    stage = final_stage(run_id)
    if stage is None:
        return []
    edits = definition_edits(project_id)
    query = (
        GlossaryEntry.select()
        .where((GlossaryEntry.run == run_id) & (GlossaryEntry.stage == stage))
        .order_by(GlossaryEntry.id)
    )
    rows = []
    for e in query:
        aliases = tuple(json.loads(e.aliases))
        edited = edit_for(edits, e.term, aliases)
        rows.append(
            GlossaryRow(
                id=e.id,
                term=e.term,
                language=e.language,
                aliases=aliases,
                definition=edited if edited is not None else e.definition,
                suggested=e.definition,
                edited=edited is not None,
                kind=definition_kind(e.definition_kind),
                confidence=e.confidence,
                source=f"{e.source_path}:{e.source_line}" if e.source_path else "",
                see_also=", ".join(json.loads(e.see_also)),
                occurrences=tuple(tuple(o) for o in json.loads(e.occurrences)),  # type: ignore[misc]
                alternatives=tuple(tuple(a) for a in json.loads(e.alternatives)),  # type: ignore[misc]
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class IssueRow:
    id: int
    type: str
    term: str
    description: str
    #: What refining did with the term: "" (kept), "merged into X", "dropped" or "kept apart
    #: by you" (a merge the user undid).
    outcome: str = ""
    #: The other term of a duplicate pair.
    related: str = ""

    @property
    def merged(self) -> bool:
        """A duplicate whose two terms refining merged into one another: the user can undo
        it (keep them apart)."""
        return self.type == IssueType.DUPLICATE and self.outcome in (
            f"merged into {self.related}",
            f"{self.related} merged into it",
        )


def issue_rows(run_id: int) -> list[IssueRow]:
    outcome: dict[str, str] = {}
    if final_stage(run_id) == "refined":
        query = GlossaryEntry.select(GlossaryEntry.term, GlossaryEntry.aliases).where(
            (GlossaryEntry.run == run_id) & (GlossaryEntry.stage == Stage.REFINED)
        )
        kept = set()
        for e in query:
            kept.add(e.term)
            for alias in json.loads(e.aliases):
                outcome[alias] = f"merged into {e.term}"
        refined = True
    else:
        kept, refined = set(), False
    project = run_project(run_id)
    apart = (
        {frozenset((a.casefold(), b.casefold())) for a, b in kept_apart(project)}
        if project is not None
        else set()
    )
    rows = []
    for i in Issue.select().where(Issue.run == run_id).order_by(Issue.type, Issue.term):
        done = outcome.get(i.term, "") if i.term not in kept else ""
        if refined and not done and i.term not in kept:
            done = "dropped"
        if i.type == "duplicate":
            if outcome.get(i.related) == f"merged into {i.term}":
                done = f"{i.related} merged into it"
            if frozenset((i.term.casefold(), i.related.casefold())) in apart:
                done = "kept apart by you"
        rows.append(IssueRow(i.id, i.type, i.term, i.description, done, i.related))
    return rows
