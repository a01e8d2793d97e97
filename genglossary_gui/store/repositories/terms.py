"""Terms and the user's curation of them: extraction results, statuses, definition edits,
notes, pairs kept apart, and which terms the glossary defines."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from genglossary_gui.store import notify
from genglossary_gui.store.database import db, patient
from genglossary_gui.store.models import (
    DefinitionEdit,
    GlossaryEntry,
    KeptApart,
    Project,
    Term,
    TermStatus,
)
from genglossary_gui.store.repositories._common import _tuples
from genglossary_gui.vocabulary import Selection, Stage, Topic

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


# -- rows for the views (plain data, no ORM objects) -----------------------------------------


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


# -- curation ---------------------------------------------------------------------------------


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
