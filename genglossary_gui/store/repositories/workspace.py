"""A project as a workspace that grows: rename, delete, clone, and sources added or removed
after it was created.

Documents are named by their path relative to their source. With one folder as the only
source the path is relative to it; with several sources each folder's name prefixes its
files, and a file stands by its own name (see :func:`source_prefix`). Adding or removing a
source can change that rule for the documents already imported, so the change renames them
(documents and every glossary entry's references) in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import peewee

from genglossary_gui.store import notify
from genglossary_gui.store.database import db, patient
from genglossary_gui.store.models import (
    ACTIVE_STATUSES,
    DefinitionEdit,
    Document,
    GlossaryEntry,
    Issue,
    KeptApart,
    Project,
    Run,
    RunLog,
    RunStatus,
    Term,
    now,
)
from genglossary_gui.store.repositories._common import _tuples
from genglossary_gui.store.repositories.projects import ProjectExists, check_project_name
from genglossary_gui.store.repositories.terms import TermRecord, replace_candidate_terms
from genglossary_gui.vocabulary import Topic


class ProjectBusy(RuntimeError):
    """The project has an active run, and the change must wait for it."""

    def __init__(self, name: str, run_id: int, doing: str) -> None:
        super().__init__(
            f"Run {run_id} of {name!r} is still active; {doing} when it has finished or "
            "after cancelling it."
        )
        self.run_id = run_id


def source_prefix(sources: Sequence[str | Path], index: int) -> str:
    """The prefix of the documents of ``sources[index]`` (a folder: "" when it is the only
    source, else its name and "/"; a file: "", it stands by its own name)."""
    source = Path(sources[index])
    if len(sources) == 1 or not source.is_dir():
        return ""
    return f"{source.name}/"


def _active_run(project_id: int) -> int | None:
    return (
        Run.select(Run.id)
        .where((Run.project == project_id) & Run.status.in_(list(ACTIVE_STATUSES)))
        .scalar()
    )


def _refuse_if_busy(project: Project, doing: str) -> None:
    active = _active_run(project.id)
    if active is not None:
        raise ProjectBusy(project.name, active, doing)


def project_size(project_id: int) -> tuple[int, int]:
    """How many documents and runs the project has (two counts, for the delete question)."""
    documents = Document.select().where(Document.project == project_id).count()
    runs = Run.select().where(Run.project == project_id).count()
    return documents, runs


# -- rename, delete, clone --------------------------------------------------------------------


@patient
def rename_project(project_id: int, name: str) -> None:
    """Give the project another name (its runs and work stay as they are)."""
    name = check_project_name(name)
    try:
        rows = Project.update(name=name).where(Project.id == project_id).execute()
    except peewee.IntegrityError as exc:
        raise ProjectExists(f"A project named {name!r} already exists.") from exc
    if not rows:
        raise LookupError(f"Project {project_id} does not exist any more.")
    notify.publish(Topic.PROJECT, project_id)


@patient
def delete_project(project_id: int) -> None:
    """Remove the project with its documents, terms, curation, runs, logs and glossaries.

    Refused (ProjectBusy) while one of its runs is active: the check and the delete are one
    transaction, so no run can start in between.
    """
    with db.atomic("IMMEDIATE"):
        project = Project.get_or_none(Project.id == project_id)
        if project is None:
            return
        _refuse_if_busy(project, "delete the project")
        # The project's current run refers to a run row; clear it before the rows go.
        Project.update(current_run=None).where(Project.id == project_id).execute()
        # Children first, the largest tables in one statement each (foreign keys cascade
        # too, but one DELETE per table is far faster than a cascade per row).
        run_ids = Run.select(Run.id).where(Run.project == project_id)
        RunLog.delete().where(RunLog.run.in_(run_ids)).execute()
        for model in (GlossaryEntry, Issue, Term, DefinitionEdit, KeptApart, Document, Run):
            model.delete().where(model.project == project_id).execute()
        project.delete_instance()
    notify.publish(Topic.PROJECT, project_id)
    for topic in (Topic.DOCUMENT, Topic.TERM, Topic.RUN, Topic.GLOSSARY_ENTRY):
        notify.publish(topic)


def _copy_rows(
    model: type[peewee.Model],
    where: peewee.Expression,
    overrides: Mapping[str, object],
    batch: int = 500,
) -> int:
    """Copy the rows of ``model`` matching ``where`` with ``overrides`` (column -> value)."""
    fields = [f for name, f in model._meta.fields.items() if name != "id"]  # type: ignore[attr-defined]
    rows: list[dict[str, object]] = []
    copied = 0
    for values in _tuples(model.select(*fields).where(where)):
        row = {f.name: v for f, v in zip(fields, values, strict=True)}
        row.update(overrides)
        rows.append(row)
        if len(rows) >= batch:
            model.insert_many(rows).execute()
            copied += len(rows)
            rows = []
    if rows:
        model.insert_many(rows).execute()
        copied += len(rows)
    return copied


@patient
def clone_project(project_id: int, name: str) -> int:
    """A new project named ``name`` with this one's sources, settings, documents, curation
    (marks, notes, groups, edits, pairs kept apart) and current glossary. The glossary
    comes with a completed run of the clone's own ("cloned from …"), which is its current
    glossary. Returns the clone's id."""
    name = check_project_name(name)
    with db.atomic("IMMEDIATE"):
        source = Project.get_by_id(project_id)
        try:
            clone = Project.create(
                name=name,
                sources=source.sources,
                language=source.language,
                engine=source.engine,
                engine_settings=source.engine_settings,
                term_cutoff=source.term_cutoff,
            )
        except peewee.IntegrityError as exc:
            raise ProjectExists(f"A project named {name!r} already exists.") from exc
        mine = {"project": clone.id}
        for model in (Document, Term, DefinitionEdit, KeptApart):
            _copy_rows(model, model.project == project_id, mine)
        # The texts of documents stored as streams, copied by SQLite (never whole in memory).
        db.execute_sql(
            "INSERT INTO document_text (document_id, text) SELECT new.id, t.text "
            "FROM document_text t JOIN document old ON old.id = t.document_id "
            "JOIN document new ON new.project_id = ? AND new.rel_path = old.rel_path "
            "WHERE old.project_id = ?",
            (clone.id, project_id),
        )
        current = source.current_run
        if current is not None:
            t = now()
            run = Run.create(
                project=clone.id,
                scope=Run.get_by_id(current).scope,
                status=RunStatus.COMPLETED.value,
                triggered_by="clone",
                created_at=t,
                started_at=t,
                finished_at=t,
                summary=f"Copied from {source.name!r} (run {current})",
            )
            with_run = {"project": clone.id, "run": run.id}
            _copy_rows(GlossaryEntry, GlossaryEntry.run == current, with_run)
            _copy_rows(Issue, Issue.run == current, with_run)
            Project.update(current_run=run.id).where(Project.id == clone.id).execute()
    notify.publish(Topic.PROJECT, clone.id)
    return int(clone.id)


# -- sources ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceChange:
    """What changing a project's sources did."""

    sources: list[str]
    #: Documents removed with a removed source.
    removed: int = 0
    #: Documents whose name changed (a folder's name now prefixes them, or no longer does).
    renamed: int = 0


def _owner_of(rel: str, sources: Sequence[str]) -> int | None:
    """Which source a document came from, by the naming rule (None: none of them)."""
    for i, source in enumerate(sources):
        prefix = source_prefix(sources, i)
        if Path(source).is_dir() or not Path(source).exists():
            if len(sources) == 1:
                return i
            if prefix and rel.startswith(prefix):
                return i
        else:
            name = Path(source).name
            if rel == name or (rel.startswith(f"{name} (") and rel.endswith(")")):
                return i
    return None


def _renamer(old: Sequence[str], new: Sequence[str]) -> Callable[[str], str]:
    """The new name of a document of a source kept from ``old`` to ``new``."""

    def rename(rel: str) -> str:
        owner = _owner_of(rel, old)
        if owner is None or old[owner] not in new:
            return rel
        before = source_prefix(old, owner)
        after = source_prefix(new, list(new).index(old[owner]))
        if before == after or not rel.startswith(before):
            return rel
        return after + rel[len(before) :]

    return rename


def _rewrite_entry_paths(project_id: int, rename: Callable[[str], str], gone: set[str]) -> None:
    """Entries' sources, occurrences and other sentences follow renamed documents; those of
    removed documents are dropped."""
    query = GlossaryEntry.select(
        GlossaryEntry.id,
        GlossaryEntry.source_path,
        GlossaryEntry.source_line,
        GlossaryEntry.occurrences,
        GlossaryEntry.alternatives,
    ).where(GlossaryEntry.project == project_id)
    for entry in query:
        occurrences = [
            [rename(p), line, s] for p, line, s in json.loads(entry.occurrences) if p not in gone
        ]
        alternatives = [
            [s, rename(p), line, strength]
            for s, p, line, strength in json.loads(entry.alternatives)
            if p not in gone
        ]
        path, line = entry.source_path, entry.source_line
        path, line = ("", 0) if path in gone else (rename(path) if path else path, line)
        GlossaryEntry.update(
            source_path=path,
            source_line=line,
            occurrences=json.dumps(occurrences, ensure_ascii=False),
            alternatives=json.dumps(alternatives, ensure_ascii=False),
        ).where(GlossaryEntry.id == entry.id).execute()


def _apply_sources(
    project: Project, new: list[str], removed_sources: Sequence[int]
) -> SourceChange:
    old = project.source_paths()
    docs = list(
        Document.select(Document.id, Document.rel_path).where(Document.project == project.id)
    )
    gone = {d.rel_path for d in docs if _owner_of(d.rel_path, old) in removed_sources}
    rename = _renamer(old, new)
    renamed = 0
    if gone:
        Document.delete().where(
            (Document.project == project.id) & Document.rel_path.in_(sorted(gone))
        ).execute()
    # Two passes through temporary names, so that a rename never meets a name not yet moved.
    moves = [
        (d.id, rename(d.rel_path))
        for d in docs
        if d.rel_path not in gone and rename(d.rel_path) != d.rel_path
    ]
    for doc_id, _ in moves:
        Document.update(rel_path=f"\x00moving {doc_id}").where(Document.id == doc_id).execute()
    for doc_id, rel in moves:
        Document.update(rel_path=rel).where(Document.id == doc_id).execute()
        renamed += 1
    if gone or renamed:
        _rewrite_entry_paths(project.id, rename, gone)
    Project.update(sources=json.dumps(new)).where(Project.id == project.id).execute()
    return SourceChange(new, removed=len(gone), renamed=renamed)


def _needs_renames(old: Sequence[str], new: Sequence[str]) -> bool:
    return any(
        source_prefix(old, i) != source_prefix(new, list(new).index(s))
        for i, s in enumerate(old)
        if s in new
    )


@patient
def add_sources(project_id: int, paths: Sequence[str | Path]) -> SourceChange:
    """Add folders or files to the project's sources (those it has already are ignored).
    Their documents come in with the next import. Refused (ProjectBusy) while a run is
    active if the documents already imported would be renamed."""
    with db.atomic("IMMEDIATE"):
        project = Project.get_by_id(project_id)
        old = project.source_paths()
        new = list(old)
        for path in paths:
            text = str(Path(path).resolve())
            if text not in new:
                new.append(text)
        if new == old:
            return SourceChange(old)
        if _needs_renames(old, new):
            _refuse_if_busy(project, "add this source")
        change = _apply_sources(project, new, ())
    notify.publish(Topic.PROJECT, project_id)
    if change.renamed:
        notify.publish(Topic.DOCUMENT)
    return change


@patient
def remove_sources(project_id: int, paths: Sequence[str | Path]) -> SourceChange:
    """Remove folders or files from the project's sources, with their documents and their
    places in the glossary (the terms' counts follow with the next extraction). Refused
    (ProjectBusy) while a run is active."""
    wanted = {str(Path(p).resolve()) for p in paths} | {str(p) for p in paths}
    with db.atomic("IMMEDIATE"):
        project = Project.get_by_id(project_id)
        old = project.source_paths()
        removed = [i for i, s in enumerate(old) if s in wanted]
        if not removed:
            return SourceChange(old)
        _refuse_if_busy(project, "remove a source")
        new = [s for i, s in enumerate(old) if i not in removed]
        change = _apply_sources(project, new, removed)
    notify.publish(Topic.PROJECT, project_id)
    notify.publish(Topic.DOCUMENT)
    if change.removed:
        notify.publish(Topic.GLOSSARY_ENTRY)
    return change


# -- incremental extraction -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtractionState:
    """Which readable documents the project's terms count."""

    #: Documents no extraction has read (added since the last one), by path.
    new: list[int]
    #: Documents whose text changed since an extraction read them.
    changed: int
    #: Documents whose current text the terms count.
    counted: int


def extraction_state(project_id: int) -> ExtractionState:
    query = (
        Document.select(Document.id, Document.content_hash, Document.extracted_hash)
        .where((Document.project == project_id) & (Document.problem == ""))
        .order_by(Document.rel_path)
    )
    new: list[int] = []
    changed = counted = 0
    for doc_id, content, extracted in _tuples(query):
        if not extracted:
            new.append(doc_id)
        elif extracted != content:
            changed += 1
        else:
            counted += 1
    return ExtractionState(new, changed, counted)


def ranked_records(project_id: int) -> list[TermRecord]:
    """The terms the last extraction ranked (not those added by hand), best first, as
    records an extraction hands the store."""
    query = (
        Term.select(
            Term.text,
            Term.language,
            Term.score,
            Term.frequency,
            Term.document_count,
            Term.category,
            Term.defined,
        )
        .where((Term.project == project_id) & ((Term.rank > 0) | Term.defined))
        .order_by(Term.rank == 0, Term.rank)
    )
    return [
        TermRecord(text, lang, score, freq, docs, category, bool(defined))
        for text, lang, score, freq, docs, category, defined in _tuples(query)
    ]


@patient
def save_extraction(
    project_id: int,
    ranked: Sequence[TermRecord],
    key: Callable[[str], str],
    cutoff: int,
    document_ids: Sequence[int] | None,
) -> None:
    """Store an extraction's terms (the user's curation kept, see
    ``replace_candidate_terms``) and, in the same transaction, note that the terms now count
    the text of ``document_ids`` (None: every document of the project)."""
    with db.atomic("IMMEDIATE"):
        replace_candidate_terms(project_id, ranked, key=key, cutoff=cutoff)
        counted = Document.update(extracted_hash=Document.content_hash).where(
            (Document.project == project_id) & (Document.problem == "")
        )
        if document_ids is not None:
            ids = list(document_ids)
            for start in range(0, len(ids), 500):
                counted.where(Document.id.in_(ids[start : start + 500])).execute()
        else:
            counted.execute()
