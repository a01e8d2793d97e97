"""Reads and short writes for projects, documents, terms and run logs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import peewee

from genglossary_gui.store import notify
from genglossary_gui.store.database import db, patient
from genglossary_gui.store.models import (
    DefinitionEdit,
    Document,
    GlossaryEntry,
    Issue,
    KeptApart,
    Project,
    Run,
    RunLog,
    Term,
    TermStatus,
    now,
)
from genglossary_gui.vocabulary import (
    ACTIVE_STATUSES,
    DefinitionKind,
    IssueType,
    Selection,
    Stage,
    Topic,
    definition_kind,
)


class ProjectExists(ValueError):
    pass


class UnknownProject(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no project named {name!r}.")


# -- projects ---------------------------------------------------------------------------------


# Control characters and bidi controls: a name with them could forge lines or reorder text
# wherever it is shown (a terminal, a table, an export).
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def check_project_name(name: str) -> str:
    """The name, stripped; ValueError with the reason when it cannot be a project's name."""
    name = name.strip()
    if not name:
        raise ValueError("A project needs a name.")
    if _NAME_UNSAFE.search(name):
        raise ValueError(
            "A project name cannot contain control characters (line breaks, tabs, escapes) "
            "or text-direction marks."
        )
    return name


@patient
def create_project(name: str, sources: Sequence[str] = (), language: str = "auto") -> int:
    name = check_project_name(name)
    try:
        project = Project.create(name=name, sources=json.dumps(list(sources)), language=language)
    except peewee.IntegrityError as exc:
        raise ProjectExists(f"A project named {name!r} already exists.") from exc
    notify.publish(Topic.PROJECT, project.id)
    return int(project.id)


def project_by_name(name: str) -> Project:
    project = Project.get_or_none(Project.name == name)
    if project is None:
        raise UnknownProject(name)
    return project


def list_projects() -> list[Project]:
    return list(Project.select().order_by(Project.name))


def engine_settings(project_id: int) -> tuple[str, str]:
    """The project's engine name and its settings (JSON)."""
    project = Project.get_by_id(project_id)
    return project.engine, project.engine_settings


@patient
def save_engine_settings(project_id: int, engine: str, settings: str) -> None:
    Project.update(engine=engine, engine_settings=settings).where(
        Project.id == project_id
    ).execute()
    notify.publish(Topic.PROJECT, project_id)


# -- documents --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    rel_path: str
    text: str
    content_hash: str
    encoding: str
    language: str
    size_bytes: int
    problem: str = ""


def existing_hashes(project_id: int) -> dict[str, str]:
    query = Document.select(Document.rel_path, Document.content_hash).where(
        Document.project == project_id
    )
    return {d.rel_path: d.content_hash for d in query}


@patient
def save_documents(
    project_id: int, upserts: Sequence[DocumentRecord], removed: Iterable[str] = ()
) -> None:
    """Insert or replace documents and remove the ones whose files are gone, in one transaction."""
    removed = list(removed)
    if not upserts and not removed:
        return
    with db.atomic("IMMEDIATE"):
        for rec in upserts:
            Document.insert(
                project=project_id,
                rel_path=rec.rel_path,
                text=rec.text,
                content_hash=rec.content_hash,
                encoding=rec.encoding,
                language=rec.language,
                size_bytes=rec.size_bytes,
                problem=rec.problem,
                imported_at=now(),
            ).on_conflict(
                conflict_target=[Document.project, Document.rel_path],
                preserve=[
                    Document.text,
                    Document.content_hash,
                    Document.encoding,
                    Document.language,
                    Document.size_bytes,
                    Document.problem,
                    Document.imported_at,
                ],
            ).execute()
        if removed:
            Document.delete().where(
                (Document.project == project_id) & Document.rel_path.in_(removed)
            ).execute()
    notify.publish(Topic.DOCUMENT)


def document_chars(project_id: int) -> int:
    """Characters of text in the project's readable documents (a step's progress total)."""
    query = Document.select(peewee.fn.SUM(peewee.fn.LENGTH(Document.text))).where(
        (Document.project == project_id) & (Document.problem == "")
    )
    return int(query.scalar() or 0)


def project_language(project_id: int) -> str:
    """The project's document language setting ("auto", "en" or "ja")."""
    return Project.get_by_id(project_id).language


def project_sources(project_id: int) -> list[str]:
    """The folders and files the project imports from."""
    return Project.get_by_id(project_id).source_paths()


def document_ids(project_id: int) -> list[int]:
    """Readable documents (with text) of the project, by path."""
    query = (
        Document.select(Document.id)
        .where((Document.project == project_id) & (Document.problem == ""))
        .order_by(Document.rel_path)
    )
    return [d.id for d in query]


def load_document(document_id: int) -> Document:
    return Document.get_by_id(document_id)


# -- terms ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermRecord:
    text: str
    language: str
    score: float
    frequency: int
    document_count: int
    category: str = ""
    defined: bool = False


@patient
def replace_candidate_terms(
    project_id: int,
    ranked: Sequence[TermRecord],
    key: Callable[[str], str] = str.casefold,
    cutoff: int | None = None,
) -> None:
    """Store a fresh extraction. User curation is kept: a term the user marked required or
    excluded, annotated, categorised or grouped stays, matched by ``key`` (by default without
    regard to case; the pipeline passes its variant key, so "write cache" still matches when
    the documents now mostly write "write caches")."""
    # The category is assigned by each extraction (the LLM judge); it is not curation.
    curated_filter = (
        (Term.status != TermStatus.CANDIDATE.value)
        | (Term.user_notes != "")
        | Term.synonym_group.is_null(False)
    )
    with db.atomic("IMMEDIATE"):
        curated = {
            key(t.text): t
            for t in Term.select().where((Term.project == project_id) & curated_filter)
        }
        Term.delete().where((Term.project == project_id) & ~curated_filter).execute()
        rows = []
        for rank, rec in enumerate(ranked, start=1):
            kept = curated.pop(key(rec.text), None)
            if kept is not None:
                Term.update(
                    score=rec.score,
                    frequency=rec.frequency,
                    document_count=rec.document_count,
                    rank=rank,
                    language=rec.language,
                    category=rec.category,
                    defined=rec.defined,
                ).where(Term.id == kept.id).execute()
                continue
            rows.append(
                {
                    "project": project_id,
                    "text": rec.text,
                    "language": rec.language,
                    "score": rec.score,
                    "frequency": rec.frequency,
                    "document_count": rec.document_count,
                    "rank": rank,
                    "category": rec.category,
                    "defined": rec.defined,
                }
            )
        # Curated terms no longer found keep their place but lose their stale counts.
        for leftover in curated.values():
            Term.update(score=0.0, frequency=0, document_count=0, rank=0, defined=False).where(
                Term.id == leftover.id
            ).execute()
        for start in range(0, len(rows), 500):
            Term.insert_many(rows[start : start + 500]).execute()
        if cutoff is not None:
            Project.update(term_cutoff=cutoff).where(Project.id == project_id).execute()
    notify.publish(Topic.TERM)


@patient
def set_term_status(project_id: int, term_ids: Sequence[int], status: TermStatus) -> int:
    """Mark terms required, excluded, or back to candidates (the user's curation)."""
    ids = list(term_ids)
    if not ids:
        return 0
    rows = (
        Term.update(status=status.value)
        .where((Term.project == project_id) & Term.id.in_(ids))
        .execute()
    )
    notify.publish(Topic.TERM)
    return rows


def ranked_terms(project_id: int, limit: int | None = None) -> list[Term]:
    query = (
        Term.select()
        .where((Term.project == project_id) & (Term.status != TermStatus.EXCLUDED.value))
        .order_by(Term.rank == 0, Term.rank, Term.text)
    )
    if limit:
        query = query.limit(limit)
    return list(query)


# -- runs and their logs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEntry:
    level: str
    step: str
    message: str
    created_at: float


def append_logs(run_id: int, entries: Sequence[LogEntry]) -> None:
    if not entries:
        return
    with db.atomic():
        RunLog.insert_many(
            [
                {
                    "run": run_id,
                    "level": e.level,
                    "step": e.step,
                    "message": e.message,
                    "created_at": e.created_at,
                }
                for e in entries
            ]
        ).execute()
    notify.publish(Topic.RUN_LOG, run_id)


def read_log(run_id: int) -> list[LogEntry]:
    query = RunLog.select().where(RunLog.run == run_id).order_by(RunLog.id)
    return [LogEntry(r.level, r.step, r.message, r.created_at) for r in query]


def runs_of(project_id: int | None = None, limit: int | None = None) -> list[Run]:
    """Newest first, each with its project loaded (``run.project.name`` costs no query)."""
    query = Run.select(Run, Project).join(Project).order_by(Run.id.desc())
    if project_id is not None:
        query = query.where(Run.project == project_id)
    if limit:
        query = query.limit(limit)
    return list(query)


def get_run(run_id: int) -> Run | None:
    return Run.get_or_none(Run.id == run_id)


# -- rows for the views (plain data, no ORM objects) -----------------------------------------


@dataclass(slots=True)
class RunRow:
    id: int
    project_id: int
    project_name: str
    scope: str
    status: str
    triggered_by: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    error: str
    summary: str
    step: str
    done: int
    total: int
    cancel_requested: bool

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


_RUN_ROW_FIELDS = (
    Run.id,
    Run.project,
    Project.name,
    Run.scope,
    Run.status,
    Run.triggered_by,
    Run.created_at,
    Run.started_at,
    Run.finished_at,
    Run.error,
    Run.summary,
    Run.step,
    Run.progress_done,
    Run.progress_total,
    Run.cancel_requested_at,
)


def _tuples(query: peewee.ModelSelect[Any]) -> list[tuple[Any, ...]]:
    return cast("list[tuple[Any, ...]]", list(query.tuples()))


def _run_rows(query: peewee.ModelSelect[Run]) -> list[RunRow]:
    return [
        RunRow(*values[:14], cancel_requested=values[14] is not None) for values in _tuples(query)
    ]


def run_rows(
    project_id: int | None = None,
    *,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[RunRow]:
    """Runs newest first, optionally of one project, below ``before_id`` or above ``after_id``."""
    query = Run.select(*_RUN_ROW_FIELDS).join(Project).order_by(Run.id.desc())
    if project_id is not None:
        query = query.where(Run.project == project_id)
    if before_id is not None:
        query = query.where(Run.id < before_id)
    if after_id is not None:
        query = query.where(Run.id > after_id)
    if limit:
        query = query.limit(limit)
    return _run_rows(query)


def run_rows_by_id(run_ids: Iterable[int]) -> list[RunRow]:
    ids = list(run_ids)
    if not ids:
        return []
    return _run_rows(Run.select(*_RUN_ROW_FIELDS).join(Project).where(Run.id.in_(ids)))


def count_active_runs() -> int:
    return Run.select().where(Run.status.in_(list(ACTIVE_STATUSES))).count()


def read_log_after(
    run_id: int, after_log_id: int, limit: int | None = None
) -> list[tuple[int, LogEntry]]:
    """Log lines after ``after_log_id``, oldest first; with ``limit``, only the newest ones."""
    query = RunLog.select().where((RunLog.run == run_id) & (RunLog.id > after_log_id))
    if limit is None:
        rows = list(query.order_by(RunLog.id))
    else:
        rows = list(query.order_by(RunLog.id.desc()).limit(limit))[::-1]
    return [(r.id, LogEntry(r.level, r.step, r.message, r.created_at)) for r in rows]


def read_log_tail(run_id: int, lines: int) -> list[LogEntry]:
    return [entry for _, entry in read_log_after(run_id, 0, lines)]


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    rel_path: str
    size_bytes: int
    language: str
    encoding: str
    problem: str


def document_rows(project_id: int) -> list[DocumentRow]:
    query = (
        Document.select(
            Document.id,
            Document.rel_path,
            Document.size_bytes,
            Document.language,
            Document.encoding,
            Document.problem,
        )
        .where(Document.project == project_id)
        .order_by(Document.rel_path)
    )
    return [DocumentRow(*values) for values in _tuples(query)]


@dataclass(frozen=True, slots=True)
class TermRow:
    id: int
    text: str
    score: float
    frequency: int
    document_count: int
    language: str
    status: str
    defined: bool = False
    #: Why the term is or is not defined by the next run (see :class:`Selection`).
    selection: Selection = Selection.BELOW_CUTOFF

    @property
    def in_glossary(self) -> bool:
        return self.selection.in_glossary


def term_rows(project_id: int) -> list[TermRow]:
    query = (
        Term.select(
            Term.id,
            Term.text,
            Term.score,
            Term.frequency,
            Term.document_count,
            Term.language,
            Term.status,
            Term.defined,
        )
        .where(Term.project == project_id)
        .order_by(Term.rank == 0, Term.rank, Term.text)
    )
    rows = [TermRow(*values[:7], defined=bool(values[7])) for values in _tuples(query)]
    chosen = _selection(
        [(r.status, r.frequency, r.defined) for r in rows], _term_cutoff(project_id, None)
    )
    return [replace(r, selection=s) for r, s in zip(rows, chosen, strict=True)]


def table_fingerprint(table: str, project_id: int | None = None) -> tuple[object, ...]:
    """A cheap summary that changes whenever the rows a view shows change (for commits made
    by other processes, which arrive without saying what changed)."""
    fn = peewee.fn
    if table == "project":
        query = Project.select(
            fn.COUNT(Project.id), fn.MAX(Project.id), fn.GROUP_CONCAT(Project.name)
        )
    elif table == "document":
        query = Document.select(
            fn.COUNT(Document.id), fn.MAX(Document.id), fn.MAX(Document.imported_at)
        ).where(Document.project == project_id)
    elif table == "term":
        query = Term.select(fn.COUNT(Term.id), fn.MAX(Term.id), fn.SUM(Term.score)).where(
            Term.project == project_id
        )
    else:
        raise ValueError(table)
    return _tuples(query)[0]


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    name: str
    language: str
    sources: str


def project_rows() -> list[ProjectRow]:
    query = Project.select(Project.id, Project.name, Project.language, Project.sources).order_by(
        Project.name
    )
    return [ProjectRow(*values) for values in _tuples(query)]


def active_run_of(project_id: int) -> int | None:
    return (
        Run.select(Run.id)
        .where((Run.project == project_id) & Run.status.in_(list(ACTIVE_STATUSES)))
        .scalar()
    )


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


def definition_edits(project_id: int) -> dict[str, str]:
    query = DefinitionEdit.select().where(DefinitionEdit.project == project_id)
    return {e.term: e.definition for e in query}


def edit_for(edits: dict[str, str], term: str, aliases: Sequence[str] = ()) -> str | None:
    """The user's definition for an entry: its term's or one of its aliases', ignoring case
    (a term's display form, and which variant heads a merged entry, can change per run)."""
    folded = {t.casefold(): d for t, d in edits.items()}
    for name in (term, *aliases):
        found = folded.get(name.casefold())
        if found is not None:
            return found
    return None


@patient
def set_definition_edit(
    project_id: int, term: str, definition: str | None, aliases: Sequence[str] = ()
) -> None:
    """Keep the user's own definition of ``term`` (``None`` or blank: back to the suggestion).
    Earlier edits of the same entry (another casing, or an alias) are replaced."""
    names = {n.casefold() for n in (term, *aliases)}
    with db.atomic("IMMEDIATE"):
        stale = [
            e.id
            for e in DefinitionEdit.select(DefinitionEdit.id, DefinitionEdit.term).where(
                DefinitionEdit.project == project_id
            )
            if e.term.casefold() in names
        ]
        if stale:
            DefinitionEdit.delete().where(DefinitionEdit.id.in_(stale)).execute()
        if definition is not None and definition.strip():
            DefinitionEdit.create(project=project_id, term=term, definition=definition.strip())
    notify.publish(Topic.DEFINITION_EDIT, project_id)


def term_notes(project_id: int) -> dict[str, str]:
    """The user's notes on terms (curation that a model is told about)."""
    query = Term.select(Term.text, Term.user_notes).where(
        (Term.project == project_id) & (Term.user_notes != "")
    )
    return {t.text: t.user_notes for t in query}


def excluded_terms(project_id: int) -> set[str]:
    query = Term.select(Term.text).where(
        (Term.project == project_id) & (Term.status == TermStatus.EXCLUDED.value)
    )
    return {t.text for t in query}


def required_terms(project_id: int) -> set[str]:
    query = Term.select(Term.text).where(
        (Term.project == project_id) & (Term.status == TermStatus.REQUIRED.value)
    )
    return {t.text for t in query}


#: A candidate must recur to be defined unasked: one seen once is listed on the Terms page
#: (below the cut-off) but enters the glossary only if the documents define it (mining) or
#: the user requires it.
GLOSSARY_MIN_FREQUENCY = 2


def _selection(terms: Sequence[tuple[str, int, bool]], cutoff: int) -> list[Selection]:
    """For ``(status, frequency, defined)`` in rank order: every required term, every term
    the documents define, and the first ``cutoff`` other candidates that recur; never an
    excluded one."""
    out: list[Selection] = []
    taken = 0
    for status, frequency, defined in terms:
        if status == TermStatus.EXCLUDED.value:
            out.append(Selection.EXCLUDED)
        elif status == TermStatus.REQUIRED.value:
            out.append(Selection.REQUIRED)
        elif defined:
            out.append(Selection.DEFINED)
        elif frequency == 0:
            out.append(Selection.NOT_FOUND)
        elif frequency < GLOSSARY_MIN_FREQUENCY:
            out.append(Selection.SEEN_ONCE)
        elif taken < cutoff:
            taken += 1
            out.append(Selection.ABOVE_CUTOFF)
        else:
            out.append(Selection.BELOW_CUTOFF)
    return out


def has_defined_terms(project_id: int) -> bool:
    """Whether the last extraction marked any term as defined by the documents."""
    return Term.select().where((Term.project == project_id) & Term.defined).exists()


def defined_terms(project_id: int) -> set[str]:
    """The terms a sentence of the documents defines (marked by the last extraction)."""
    query = Term.select(Term.text).where((Term.project == project_id) & Term.defined)
    return {t.text for t in query}


def _term_cutoff(project_id: int, limit: int | None) -> int:
    project = Project.select(Project.term_cutoff).where(Project.id == project_id).first()
    cutoff = project.term_cutoff if project is not None else 0
    return cutoff if limit is None else min(cutoff, limit)


def glossary_terms(project_id: int, limit: int) -> list[tuple[str, str]]:
    """The terms to define, ``(text, language)``: every required term, every term the
    documents define, then the best candidates that recur, up to the project's calibrated
    cut-off (at most ``limit``); never an excluded one."""
    query = (
        Term.select(Term.text, Term.language, Term.status, Term.frequency, Term.defined)
        .where(Term.project == project_id)
        .order_by(Term.status != TermStatus.REQUIRED.value, Term.rank == 0, Term.rank)
    )
    terms = list(query)
    chosen = _selection(
        [(t.status, t.frequency, bool(t.defined)) for t in terms], _term_cutoff(project_id, limit)
    )
    return [(t.text, t.language) for t, s in zip(terms, chosen, strict=True) if s.in_glossary]


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


def run_project(run_id: int) -> int | None:
    """The project a run belongs to (None: the run was deleted)."""
    run = Run.select(Run.project).where(Run.id == run_id).first()
    return run.project_id if run is not None else None


def kept_apart(project_id: int) -> list[tuple[str, str]]:
    """The pairs of terms the user keeps apart (automatic merges undone), as written."""
    query = KeptApart.select(KeptApart.first, KeptApart.second).where(
        KeptApart.project == project_id
    )
    return [(k.first, k.second) for k in query]


@patient
def keep_apart(project_id: int, run_id: int | None, term: str, other: str) -> str | None:
    """Undo the merge of ``term`` and ``other``: recorded for the project (no later run
    merges them, see :func:`kept_apart`), and, where ``run_id``'s refined glossary merged
    them and the run holds the merged term's own entry, that entry comes back and the term
    leaves the other's aliases. Returns the term that got its entry back, or None (then only
    later runs show them apart)."""
    first, second = sorted((term, other), key=str.casefold)
    restored = None
    with db.atomic("IMMEDIATE"):
        known = KeptApart.get_or_none(
            (KeptApart.project == project_id)
            & (KeptApart.first == first)
            & (KeptApart.second == second)
        )
        if known is None:
            KeptApart.create(project=project_id, first=first, second=second)
        if run_id is not None:
            restored = _split_merged(project_id, run_id, term, other) or _split_merged(
                project_id, run_id, other, term
            )
    notify.publish(Topic.KEPT_APART, project_id)
    if run_id is not None:
        notify.publish(Topic.GLOSSARY_ENTRY, run_id)
    return restored


def _split_merged(project_id: int, run_id: int, head: str, gone: str) -> str | None:
    entries = GlossaryEntry.select().where(
        (GlossaryEntry.run == run_id) & (GlossaryEntry.stage == Stage.REFINED)
    )
    entry = next((e for e in entries if e.term.casefold() == head.casefold()), None)
    if entry is None:
        return None
    aliases = json.loads(entry.aliases)
    alias = next((a for a in aliases if a.casefold() == gone.casefold()), None)
    if alias is None:
        return None
    provisional = {
        e.term: e
        for e in GlossaryEntry.select().where(
            (GlossaryEntry.run == run_id)
            & (GlossaryEntry.stage == Stage.PROVISIONAL)
            & GlossaryEntry.term.in_([entry.term, alias])
        )
    }
    original = provisional.get(alias)
    if original is None:
        # The run has no entry of its own to give back (its glossary was copied from an
        # earlier run): the pair is kept apart from the next run on, this one stays whole.
        return None
    # The head loses the merged term's mentions, not those of other merged aliases.
    own = provisional.get(entry.term)
    kept = {(o[0], o[1]) for o in json.loads(own.occurrences)} if own is not None else set()
    gone_places = {(o[0], o[1]) for o in json.loads(original.occurrences)} - kept
    entry.aliases = json.dumps([a for a in aliases if a != alias], ensure_ascii=False)
    entry.occurrences = json.dumps(
        [o for o in json.loads(entry.occurrences) if (o[0], o[1]) not in gone_places],
        ensure_ascii=False,
    )
    entry.save()
    GlossaryEntry.create(
        project=project_id,
        run=run_id,
        stage=Stage.REFINED,
        term=original.term,
        language=original.language,
        aliases="[]",
        definition=original.definition,
        definition_kind=original.definition_kind,
        source_path=original.source_path,
        source_line=original.source_line,
        confidence=original.confidence,
        occurrences=original.occurrences,
        see_also="[]",
        alternatives=original.alternatives,
    )
    return alias


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
