"""Reads for the document viewer: one document's text, the project's terms as the viewer
highlights them, and a fingerprint of everything the highlights depend on."""

from __future__ import annotations

from dataclasses import dataclass, replace

import peewee

from genglossary_gui.store.models import DefinitionEdit, Document, GlossaryEntry, Project, Term
from genglossary_gui.store.repositories._common import _tuples
from genglossary_gui.store.repositories.projects import document_chunks
from genglossary_gui.store.repositories.views import table_fingerprint


@dataclass(frozen=True, slots=True)
class ViewerDocument:
    id: int
    project_id: int
    rel_path: str
    text: str
    #: Why the file could not be imported ("" for a readable document).
    problem: str
    language: str
    content_hash: str


def viewer_document(document_id: int) -> ViewerDocument | None:
    """The document with its text, or None if it is gone."""
    query = Document.select(
        Document.id,
        Document.project,
        Document.rel_path,
        Document.text,
        Document.problem,
        Document.language,
        Document.content_hash,
    ).where(Document.id == document_id)
    rows = _tuples(query)
    if not rows:
        return None
    document = ViewerDocument(*rows[0])
    if not document.text and not document.problem:
        # Stored as a stream (a large file): its text is put together here, whole.
        text = "".join(document_chunks(document_id))
        document = replace(document, text=text) if text else document
    return document


def document_version(document_id: int) -> tuple[str, str] | None:
    """``(content hash, problem)`` of a document, without its text; None if it is gone."""
    query = Document.select(Document.content_hash, Document.problem).where(
        Document.id == document_id
    )
    rows = _tuples(query)
    return (rows[0][0], rows[0][1]) if rows else None


@dataclass(frozen=True, slots=True)
class ViewerTerm:
    text: str
    status: str
    note: str
    language: str


def viewer_terms(project_id: int) -> list[ViewerTerm]:
    """Every term of the project with the user's mark and note (ranked terms first)."""
    query = (
        Term.select(Term.text, Term.status, Term.user_notes, Term.language)
        .where(Term.project == project_id)
        .order_by(Term.rank == 0, Term.rank, Term.text)
    )
    return [ViewerTerm(*values) for values in _tuples(query)]


def curation_fingerprint(project_id: int) -> tuple[object, ...]:
    """A cheap summary that changes whenever a highlight's colour or a term card could: the
    terms and their marks and notes, the current glossary, the definition edits (for commits
    of other processes, which arrive without saying what changed)."""
    fn = peewee.fn
    terms = table_fingerprint("term", project_id)  # the marks, notes and groups included
    current = _tuples(Project.select(Project.current_run).where(Project.id == project_id))
    run = current[0][0] if current else None
    entries = (
        _tuples(
            GlossaryEntry.select(fn.COUNT(GlossaryEntry.id), fn.MAX(GlossaryEntry.id)).where(
                GlossaryEntry.run == run
            )
        )[0]
        if run is not None
        else ()
    )
    edits = _tuples(
        DefinitionEdit.select(
            fn.COUNT(DefinitionEdit.id), fn.MAX(DefinitionEdit.id), fn.MAX(DefinitionEdit.edited_at)
        ).where(DefinitionEdit.project == project_id)
    )[0]
    return (*terms, run, *entries, *edits)
