"""Terms and the user's curation of them: extraction results, statuses, definition edits,
notes, pairs kept apart, and which terms the glossary defines."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import fn

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
from genglossary_gui.vocabulary import Selection, Stage, Topic, definition_kind

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
    # ``category`` is assigned by each extraction (the LLM judge); ``user_category`` is the
    # user's, curation like the marks, notes and synonym groups.
    curated_filter = _curated_filter()
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


def _curated_filter() -> Any:
    """The rows that carry the user's curation (kept by every extraction)."""
    return (
        (Term.status != TermStatus.CANDIDATE.value)
        | (Term.user_notes != "")
        | (Term.user_category != "")
        | Term.synonym_group.is_null(False)
    )


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
    #: The user's note on the term.
    note: str = ""
    #: The user's category, else the one a model's judge gave it.
    category: str = ""
    #: True when ``category`` is the user's.
    user_category: bool = False
    #: The headword of the user's synonym group the term is in ("" if none; its own text
    #: when it heads the group).
    group: str = ""
    #: The entry of the current glossary the term is an alias of ("" if none), whether the
    #: user grouped them or refining merged them.
    merged_into: str = ""
    #: The aliases of the term's own entry in the current glossary.
    aliases: tuple[str, ...] = ()

    @property
    def in_glossary(self) -> bool:
        return self.selection.in_glossary


_TERM_ROWS_SQL = (
    "SELECT id, text, score, frequency, document_count, language, status, defined, "
    "user_notes, category, user_category, synonym_group, group_head FROM term "
    "WHERE project_id = ? ORDER BY rank = 0, rank, text"
)


def term_rows(project_id: int) -> list[TermRow]:
    # The cursor's rows as they are (see _Terms): the Terms page reloads thousands of them.
    values = db.execute_sql(_TERM_ROWS_SQL, (project_id,)).fetchall()
    heads = {v[11]: v[1] for v in values if v[11] is not None and v[12]}
    merged, own = _current_aliases(project_id)
    chosen = _selection([(v[6], v[3], bool(v[7])) for v in values], _term_cutoff(project_id, None))
    # Grouped or split by the user: defined by the next run whatever its rank (see
    # steps._curation), like a required term.
    apart = {t.casefold() for t in kept_apart_terms(project_id)}
    chosen = [
        Selection.CHOSEN
        if s not in (Selection.EXCLUDED, Selection.REQUIRED)
        and (v[11] is not None or v[1].casefold() in apart)
        else s
        for v, s in zip(values, chosen, strict=True)
    ]
    return [
        TermRow(
            *v[:7],
            defined=bool(v[7]),
            selection=selection,
            note=v[8],
            category=v[10] or v[9],
            user_category=bool(v[10]),
            group=heads.get(v[11], "") if v[11] is not None else "",
            merged_into=merged.get(v[1].casefold(), ""),
            aliases=own.get(v[1].casefold(), ()),
        )
        for v, selection in zip(values, chosen, strict=True)
    ]


def _current_aliases(project_id: int) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """In the project's current glossary: alias (case folded) -> the entry's term, and term
    (case folded) -> its aliases."""
    run, stage = _current_glossary(project_id)
    if run is None:
        return {}, {}
    merged: dict[str, str] = {}
    own: dict[str, tuple[str, ...]] = {}
    query = GlossaryEntry.select(GlossaryEntry.term, GlossaryEntry.aliases).where(
        (GlossaryEntry.run == run) & (GlossaryEntry.stage == stage)
    )
    for term, aliases in _tuples(query):
        names = tuple(json.loads(aliases))
        if names:
            own[term.casefold()] = names
        for alias in names:
            merged.setdefault(alias.casefold(), term)
    return merged, own


def _current_glossary(project_id: int) -> tuple[int | None, str | None]:
    """The project's current run and the last stage it wrote, or (None, None)."""
    project = Project.select(Project.current_run).where(Project.id == project_id).first()
    run = project.current_run if project is not None else None
    if run is None:
        return None, None
    query = GlossaryEntry.select(GlossaryEntry.stage).where(GlossaryEntry.run == run)
    stages = {e.stage for e in query.distinct()}
    for stage in (Stage.REFINED, Stage.PROVISIONAL):
        if stage in stages:
            return run, stage
    return None, None


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


def glossary_terms(
    project_id: int, limit: int, key: Callable[[str], str] = str.casefold
) -> list[tuple[str, str]]:
    """The terms to define, ``(text, language)``: every required term, every term the
    documents define, then the best candidates that recur, up to the project's calibrated
    cut-off (at most ``limit``); then the terms of the user's synonym groups and those the
    user took out of an entry (kept apart, matched by ``key``), which get an entry however
    low they rank. Never an excluded one."""
    query = (
        Term.select(
            Term.text, Term.language, Term.status, Term.frequency, Term.defined, Term.synonym_group
        )
        .where(Term.project == project_id)
        .order_by(Term.status != TermStatus.REQUIRED.value, Term.rank == 0, Term.rank)
    )
    terms = list(query)
    chosen = _selection(
        [(t.status, t.frequency, bool(t.defined)) for t in terms], _term_cutoff(project_id, limit)
    )
    apart = {key(name) for pair in kept_apart(project_id) for name in pair}
    return [
        (t.text, t.language)
        for t, s in zip(terms, chosen, strict=True)
        if s.in_glossary
        or (
            s != Selection.EXCLUDED
            and (t.synonym_group is not None or (apart and key(t.text) in apart))
        )
    ]


def kept_apart(project_id: int) -> list[tuple[str, str]]:
    """The pairs of terms the user keeps apart (automatic merges undone), as written."""
    query = KeptApart.select(KeptApart.first, KeptApart.second).where(
        KeptApart.project == project_id
    )
    return [(k.first, k.second) for k in query]


def kept_apart_terms(project_id: int, key: Callable[[str], str] = str.casefold) -> set[str]:
    """The terms (as stored) of the pairs the user keeps apart, matched by ``key``: each is
    an entry of its own, which refining never drops."""
    apart = {key(name) for pair in kept_apart(project_id) for name in pair}
    if not apart:
        return set()
    query = Term.select(Term.text).where(Term.project == project_id)
    return {text for (text,) in _tuples(query) if key(text) in apart}


@patient
def keep_apart(project_id: int, run_id: int | None, term: str, other: str) -> str | None:
    """Undo the merge of ``term`` and ``other``: recorded for the project (no later run
    merges them, see :func:`kept_apart`), and, where ``run_id``'s refined glossary merged
    them and the run holds the merged term's own entry, that entry comes back and the term
    leaves the other's aliases. Returns the term that got its entry back, or None (then only
    later runs show them apart)."""
    restored = None
    with db.atomic("IMMEDIATE"):
        _record_apart(project_id, term, other)
        # Kept apart means out of the user's synonym group too, if both were in one.
        rows = _Terms(project_id, str.casefold)
        one, two = rows.find(term), rows.find(other)
        if (
            one is not None
            and two is not None
            and one.synonym_group is not None
            and one.synonym_group == two.synonym_group
        ):
            _leave_group(rows, one if two.group_head else two, two if two.group_head else one)
        if run_id is not None:
            restored = _split_merged(project_id, run_id, term, other) or _split_merged(
                project_id, run_id, other, term
            )
    notify.publish(Topic.KEPT_APART, project_id)
    if run_id is not None:
        notify.publish(Topic.GLOSSARY_ENTRY, run_id)
    return restored


#: What an entry's definition is made of (kept together when it moves between entries).
_DEFINITION_FIELDS = (
    "language",
    "definition",
    "definition_kind",
    "source_path",
    "source_line",
    "confidence",
    "alternatives",
)


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
    if own is not None and (entry.definition, entry.source_path, entry.source_line) == (
        original.definition,
        original.source_path,
        original.source_line,
    ):
        # The head had the merged term's definition (a synonym group takes the best one):
        # it gets its own back.
        for name in _DEFINITION_FIELDS:
            setattr(entry, name, getattr(own, name))
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


# -- the window's curation editors, by term text ---------------------------------------------
#
# Terms are named by their text, never by id: an extraction replaces the rows of the terms
# nobody curated, and a term's display form can change with the documents. ``key`` says when
# two texts are one term (the window passes ``pipeline.text.term_key``); ``language`` gives
# the language of a term the user names that has no row yet.

Key = Callable[[str], str]


def _no_language(_text: str) -> str:
    return ""


@dataclass(frozen=True, slots=True)
class TermCuration:
    """One term's curation as stored; ``exists`` is False when the term had no row."""

    text: str
    exists: bool = True
    status: str = TermStatus.CANDIDATE.value
    note: str = ""
    category: str = ""
    group: int | None = None
    head: bool = False

    @property
    def curated(self) -> bool:
        return bool(
            self.status != TermStatus.CANDIDATE.value
            or self.note
            or self.category
            or self.group is not None
        )


@dataclass(frozen=True, slots=True)
class CurationSnapshot:
    """The curation of some terms at one moment: what an undo puts back. Their rows' marks,
    notes, categories and synonym groups (with every other member of those groups), the
    definition edits and the pairs kept apart that name them, and, when taken with
    ``glossary=True``, the entries of the current glossary that name them."""

    names: tuple[str, ...]
    terms: tuple[TermCuration, ...]
    edits: tuple[tuple[str, str], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    run_id: int | None = None
    stage: str | None = None
    entries: tuple[dict[str, Any], ...] | None = None
    #: When the project was created: with its id, which project this is (SQLite gives a
    #: deleted project's id, and its runs', to the next ones). None: there was no project.
    project_created: float | None = None


@dataclass(eq=False, slots=True)
class _Row:
    """A term row's curation columns (read as tuples: a project has thousands of terms)."""

    id: int
    text: str
    status: str = TermStatus.CANDIDATE.value
    user_notes: str = ""
    user_category: str = ""
    synonym_group: int | None = None
    group_head: bool = False
    rank: int = 0
    frequency: int = 0

    @property
    def curated(self) -> bool:
        return bool(
            self.status != TermStatus.CANDIDATE.value
            or self.user_notes
            or self.user_category
            or self.synonym_group is not None
        )


_ROWS_SQL = (
    "SELECT id, text, status, user_notes, user_category, synonym_group, group_head, rank, "
    "frequency FROM term WHERE project_id = ?"
)


class _Terms:
    """A project's term rows (their curation columns), found by text, else by key."""

    def __init__(self, project_id: int, key: Key) -> None:
        self.project_id = project_id
        self.key = key
        # The cursor's rows as they are: peewee's row conversion would take ten times as
        # long for the thousands of terms of a project, on the GUI thread.
        cursor = db.execute_sql(_ROWS_SQL, (project_id,))
        self.rows = [_Row(*values) for values in cursor.fetchall()]
        self.by_text = {t.text: t for t in self.rows}
        self._by_key: dict[str, _Row] | None = None

    @property
    def by_key(self) -> dict[str, _Row]:
        """Built when a text is not found as it is (keys cost a few ms per thousand terms)."""
        if self._by_key is None:
            self._by_key = {}
            # Where two rows share a key, the curated one answers for it.
            for t in sorted(self.rows, key=lambda t: not t.curated):
                self._by_key.setdefault(self.key(t.text), t)
        return self._by_key

    def find(self, text: str) -> _Row | None:
        return self.by_text.get(text) or self.by_key.get(self.key(text))

    def get_or_create(self, text: str, language: Key) -> _Row:
        """The row of ``text``; a new one (ranked 0, not found by an extraction) if none."""
        row = self.find(text)
        if row is None:
            created = Term.create(
                project=self.project_id, text=text, language=language(text), rank=0
            )
            row = _Row(created.id, text)
            self.rows.append(row)
            self.by_text[text] = row
            self.by_key.setdefault(self.key(text), row)
        return row

    def group_of(self, row: _Row) -> list[_Row]:
        if row.synonym_group is None:
            return [row]
        return [t for t in self.rows if t.synonym_group == row.synonym_group]


def _curation_of(row: _Row) -> TermCuration:
    return TermCuration(
        row.text,
        True,
        row.status,
        row.user_notes,
        row.user_category,
        row.synonym_group,
        bool(row.group_head),
    )


def _clean(text: str) -> str:
    return " ".join(text.split())


def _publish_curation(run_id: int | None = None) -> None:
    notify.publish(Topic.TERM)
    if run_id is not None:
        notify.publish(Topic.GLOSSARY_ENTRY, run_id)


@patient
def mark_terms(
    project_id: int,
    terms: Sequence[str],
    status: TermStatus,
    key: Key = str.casefold,
    language: Key = _no_language,
) -> int:
    """Mark the named terms required, excluded or back to candidates; a term with no row is
    added (unless it is only being unmarked). Returns how many terms were marked."""
    marked = 0
    with db.atomic("IMMEDIATE"):
        rows = _Terms(project_id, key)
        for text in dict.fromkeys(_clean(t) for t in terms if _clean(t)):
            row = rows.find(text)
            if row is None and status == TermStatus.CANDIDATE:
                continue
            row = row or rows.get_or_create(text, language)
            Term.update(status=status.value).where(Term.id == row.id).execute()
            marked += 1
    _publish_curation()
    return marked


@patient
def add_term(
    project_id: int, text: str, key: Key = str.casefold, language: Key = _no_language
) -> str:
    """Add a term by hand: a required term (the next run defines it). A term that exists
    (matched by ``key``) is marked required. Returns the term's stored text."""
    text = _clean(text)
    if not text:
        raise ValueError("A term needs some text.")
    with db.atomic("IMMEDIATE"):
        row = _Terms(project_id, key).get_or_create(text, language)
        Term.update(status=TermStatus.REQUIRED.value).where(Term.id == row.id).execute()
    _publish_curation()
    return row.text


@patient
def set_term_note(
    project_id: int, term: str, note: str, key: Key = str.casefold, language: Key = _no_language
) -> None:
    """The user's note on ``term`` ("" removes it); it guides a model's wording."""
    note = note.strip()
    with db.atomic("IMMEDIATE"):
        rows = _Terms(project_id, key)
        row = rows.find(_clean(term))
        if row is None and not note:
            return
        row = row or rows.get_or_create(_clean(term), language)
        Term.update(user_notes=note).where(Term.id == row.id).execute()
    _publish_curation()


@patient
def set_term_category(
    project_id: int,
    terms: Sequence[str],
    category: str,
    key: Key = str.casefold,
    language: Key = _no_language,
) -> None:
    """The user's category for the named terms ("" gives them back the judge's)."""
    category = _clean(category)
    with db.atomic("IMMEDIATE"):
        rows = _Terms(project_id, key)
        for text in dict.fromkeys(_clean(t) for t in terms if _clean(t)):
            row = rows.find(text)
            if row is None and not category:
                continue
            row = row or rows.get_or_create(text, language)
            Term.update(user_category=category).where(Term.id == row.id).execute()
    _publish_curation()


def term_categories(project_id: int) -> dict[str, str]:
    """term -> category, the user's where there is one, else the judge's (for the export)."""
    query = Term.select(Term.text, Term.category, Term.user_category).where(
        (Term.project == project_id) & ((Term.category != "") | (Term.user_category != ""))
    )
    return {t.text: t.user_category or t.category for t in query}


def synonym_groups(project_id: int) -> list[tuple[str, tuple[str, ...]]]:
    """The user's synonym groups: ``(headword, the other terms)``, the headword's group
    first by text."""
    query = (
        Term.select(Term.text, Term.synonym_group, Term.group_head)
        .where((Term.project == project_id) & Term.synonym_group.is_null(False))
        .order_by(Term.synonym_group, Term.group_head.desc(), Term.text)
    )
    groups: dict[int, list[str]] = {}
    for text, group, _head in _tuples(query):
        groups.setdefault(group, []).append(text)
    return [(names[0], tuple(names[1:])) for names in groups.values() if len(names) > 1]


@patient
def merge_terms(
    project_id: int,
    terms: Sequence[str],
    headword: str,
    key: Key = str.casefold,
    language: Key = _no_language,
) -> str:
    """One entry for the named terms: a synonym group headed by ``headword``, the others its
    aliases in every later run (groups the terms are in already join it whole), and the
    current glossary's entries merged now. Returns the headword's stored text."""
    names = list(dict.fromkeys(_clean(t) for t in (headword, *terms) if _clean(t)))
    if len({key(n) for n in names}) < 2 or not _clean(headword):
        raise ValueError("Choose at least two different terms to merge.")
    with db.atomic("IMMEDIATE"):
        rows = _Terms(project_id, key)
        found = [rows.get_or_create(n, language) for n in names]
        head = found[0]
        members = {t.id: t for row in found for t in rows.group_of(row)}
        groups = [t.synonym_group for t in members.values() if t.synonym_group is not None]
        if groups:
            group = min(groups)
        else:
            top = Term.select(fn.MAX(Term.synonym_group)).where(Term.project == project_id)
            group = (top.scalar() or 0) + 1
        Term.update(synonym_group=group, group_head=False).where(
            Term.id.in_(list(members))
        ).execute()
        Term.update(group_head=True).where(Term.id == head.id).execute()
        # Merging is the user's latest word on these terms: none of them stays excluded.
        Term.update(status=TermStatus.CANDIDATE.value).where(
            Term.id.in_([t.id for t in found]) & (Term.status == TermStatus.EXCLUDED.value)
        ).execute()
        keys = {key(t.text) for t in members.values()}
        for pair in KeptApart.select().where(KeptApart.project == project_id):
            if key(pair.first) in keys and key(pair.second) in keys:
                pair.delete_instance()
        named = {t.id for t in found}
        shown = [
            t.text
            for t in members.values()
            if t.id in named or t.status != TermStatus.EXCLUDED.value
        ]
        run = _merge_in_glossary(project_id, head.text, shown, key)
    notify.publish(Topic.KEPT_APART, project_id)
    _publish_curation(run)
    return head.text


@patient
def split_term(project_id: int, headword: str, variant: str, key: Key = str.casefold) -> str | None:
    """Take ``variant`` out of the entry headed by ``headword``: out of the user's synonym
    group if it is in one, kept apart from the headword (no later run merges them, and it
    gets an entry of its own), and given its own entry back in the current glossary when
    that glossary has one to give (see :func:`keep_apart`). Returns the term that got its
    entry back now, or None."""
    headword, variant = _clean(headword), _clean(variant)
    if key(headword) == key(variant):
        raise ValueError("A term cannot be split from itself.")
    with db.atomic("IMMEDIATE"):
        rows = _Terms(project_id, key)
        row = rows.find(variant)
        if row is not None and row.synonym_group is not None:
            _leave_group(rows, row, rows.find(headword))
        _record_apart(project_id, headword, variant)
        run, _stage = _current_glossary(project_id)
        restored = None
        if run is not None:
            restored = _split_in_glossary(project_id, run, headword, variant, key)
    notify.publish(Topic.KEPT_APART, project_id)
    _publish_curation(run)
    return restored


def _leave_group(rows: _Terms, row: _Row, headword: _Row | None) -> None:
    others = [t for t in rows.group_of(row) if t.id != row.id]
    Term.update(synonym_group=None, group_head=False).where(Term.id == row.id).execute()
    if len(others) < 2:  # a group of one is no group
        ids = [t.id for t in others]
        Term.update(synonym_group=None, group_head=False).where(Term.id.in_(ids)).execute()
    elif row.group_head:
        heir = (
            headword
            if headword is not None and headword in others
            else min(others, key=lambda t: rows.key(t.text))
        )
        Term.update(group_head=True).where(Term.id == heir.id).execute()


def _record_apart(project_id: int, term: str, other: str) -> None:
    first, second = sorted((term, other), key=str.casefold)
    known = KeptApart.get_or_none(
        (KeptApart.project == project_id)
        & (KeptApart.first == first)
        & (KeptApart.second == second)
    )
    if known is None:
        KeptApart.create(project=project_id, first=first, second=second)


def _split_in_glossary(
    project_id: int, run: int, headword: str, variant: str, key: Key
) -> str | None:
    """Give ``variant`` its entry back in ``run``'s refined glossary, from whichever entry
    holds it as an alias (the headword's, or another's after an automatic merge)."""
    entries = GlossaryEntry.select(GlossaryEntry.term, GlossaryEntry.aliases).where(
        (GlossaryEntry.run == run) & (GlossaryEntry.stage == Stage.REFINED)
    )
    holders = sorted(
        (
            (key(term) != key(headword), term, alias)
            for term, aliases in _tuples(entries)
            for alias in json.loads(aliases)
            if key(alias) == key(variant)
        ),
    )
    for _other, term, alias in holders:
        restored = _split_merged(project_id, run, term, alias)
        if restored is not None:
            return restored
    # No entry of its own to give back (the run never defined it apart): it leaves the
    # entry at least; the next run defines it.
    for _other, term, alias in holders:
        entry = GlossaryEntry.get(
            (GlossaryEntry.run == run)
            & (GlossaryEntry.stage == Stage.REFINED)
            & (GlossaryEntry.term == term)
        )
        entry.aliases = json.dumps(
            [a for a in json.loads(entry.aliases) if a != alias], ensure_ascii=False
        )
        entry.save()
    return None


def _names(entry: GlossaryEntry) -> list[str]:
    return [entry.term, *json.loads(entry.aliases)]


def _mentions(entry: GlossaryEntry) -> list[str]:
    """The names an entry holds or links to (what a merge or split may change in it)."""
    return [*_names(entry), *json.loads(entry.see_also)]


def _merge_in_glossary(
    project_id: int, headword: str, members: Sequence[str], key: Key
) -> int | None:
    """Merge the current glossary's entries of ``members`` into one headed by ``headword``
    (its definition the headword's, unless another member's is better); a member that is
    only an alias of another entry moves over alone. Returns the run changed, or None."""
    run, stage = _current_glossary(project_id)
    if run is None:
        return None
    keys = {key(m) for m in members}
    entries = list(
        GlossaryEntry.select().where((GlossaryEntry.run == run) & (GlossaryEntry.stage == stage))
    )
    head_key = key(headword)
    # The members' entries, and one the headword was merged into (the group heads it now).
    whole = [
        e
        for e in entries
        if key(e.term) in keys or any(key(a) == head_key for a in json.loads(e.aliases))
    ]
    if not whole:
        return None  # no entry to head the group: the next run makes it
    others = [e for e in entries if e not in whole]
    moved = _take_aliases(others, keys, key)

    def rank(e: GlossaryEntry) -> tuple[int, bool, float]:
        kind = definition_kind(e.definition_kind).rank
        return (kind, key(e.term) == head_key, e.confidence)

    best = max(whole, key=rank)
    # The headword's own entry: the one written as the user chose, else one of its variants
    # (the entries come in the index's order, where "Pods" sorts before "pod").
    own = next((e for e in whole if e.term == headword), None) or next(
        (e for e in whole if key(e.term) == head_key), None
    )
    term = own.term if own is not None else headword
    # The members without an entry here are its variants too (the next run finds them).
    names = {n for e in whole for n in _names(e)} | set(moved) | set(members)
    seen: set[tuple[str, int]] = set()
    occurrences = []
    for e in [best, *[e for e in whole if e is not best]]:
        for o in json.loads(e.occurrences):
            if (o[0], o[1]) not in seen:
                seen.add((o[0], o[1]))
                occurrences.append(o)
    see_also = {t for e in whole for t in json.loads(e.see_also)} - names
    gone = {e.term for e in whole} - {term}
    best.term = term
    # A name that is the term in other letters is no alias of it.
    aliases = {n for n in names if n.casefold() != term.casefold()}
    best.aliases = json.dumps(sorted(aliases, key=str.casefold), ensure_ascii=False)
    best.occurrences = json.dumps(occurrences, ensure_ascii=False)
    best.see_also = json.dumps(sorted(see_also, key=str.casefold), ensure_ascii=False)
    best.save()
    for e in whole:
        if e is not best:
            e.delete_instance()
    _rename_links(others, gone, term)
    return run


def _take_aliases(entries: Sequence[GlossaryEntry], keys: set[str], key: Key) -> list[str]:
    """Remove the aliases named by ``keys`` from ``entries``; returns them."""
    moved: list[str] = []
    for e in entries:
        aliases = json.loads(e.aliases)
        taken = [a for a in aliases if key(a) in keys]
        if taken:
            moved += taken
            e.aliases = json.dumps([a for a in aliases if a not in taken], ensure_ascii=False)
            e.save()
    return moved


def _rename_links(entries: Sequence[GlossaryEntry], gone: set[str], term: str) -> None:
    """See-also links to the merged entries ``gone`` point to ``term`` now."""
    for e in entries:
        links = json.loads(e.see_also)
        if gone & set(links):
            renamed = dict.fromkeys(term if t in gone else t for t in links)
            e.see_also = json.dumps([t for t in renamed if t != e.term], ensure_ascii=False)
            e.save()


# -- snapshots, for undo ---------------------------------------------------------------------


def curation_snapshot(
    project_id: int, names: Sequence[str], key: Key = str.casefold, glossary: bool = False
) -> CurationSnapshot:
    """The curation of the named terms now (see :class:`CurationSnapshot`)."""
    with db.atomic():
        created = _created_at(project_id)
        rows = _Terms(project_id, key)
        terms: dict[str, TermCuration] = {}
        for name in dict.fromkeys(_clean(n) for n in names if _clean(n)):
            row = rows.find(name)
            if row is None:
                terms.setdefault(name, TermCuration(name, exists=False))
                continue
            for member in rows.group_of(row):
                terms[member.text] = _curation_of(member)
        all_names = tuple(dict.fromkeys([*(_clean(n) for n in names), *terms]))
        keys = {key(n) for n in all_names}
        edits = tuple(
            (e.term, e.definition)
            for e in DefinitionEdit.select(DefinitionEdit.term, DefinitionEdit.definition).where(
                DefinitionEdit.project == project_id
            )
            if key(e.term) in keys
        )
        apart = tuple(
            (p.first, p.second)
            for p in KeptApart.select().where(KeptApart.project == project_id)
            if key(p.first) in keys or key(p.second) in keys
        )
        run = stage = None
        entries: tuple[dict[str, Any], ...] | None = None
        if glossary:
            run, stage = _current_glossary(project_id)
        if run is not None:
            query = GlossaryEntry.select().where(
                (GlossaryEntry.run == run) & (GlossaryEntry.stage == stage)
            )
            entries = tuple(
                _entry_row(e) for e in query if any(key(n) in keys for n in _mentions(e))
            )
    if entries is not None:
        entries = tuple(sorted(entries, key=lambda e: (e["term"], e["aliases"])))
    return CurationSnapshot(
        tuple(sorted(all_names)),
        tuple(sorted(terms.values(), key=lambda t: t.text)),
        tuple(sorted(edits)),
        tuple(sorted(apart)),
        run,
        stage,
        entries,
        created,
    )


def _created_at(project_id: int) -> float | None:
    """When the project was created (with its id, which project it is), None if it is gone."""
    project = Project.select(Project.created_at).where(Project.id == project_id).first()
    return project.created_at if project is not None else None


def _entry_row(e: GlossaryEntry) -> dict[str, Any]:
    row = {f: getattr(e, f) for f in _ENTRY_FIELDS}
    row["project"] = e.__data__["project"]
    row["run"] = e.__data__["run"]
    return row


_ENTRY_FIELDS = (
    "stage",
    "term",
    "language",
    "aliases",
    "definition",
    "definition_kind",
    "source_path",
    "source_line",
    "confidence",
    "occurrences",
    "see_also",
    "alternatives",
)


@patient
def restore_curation(project_id: int, snapshot: CurationSnapshot, key: Key = str.casefold) -> None:
    """Put the curation of ``snapshot``'s terms back as it was when it was taken (an undo,
    or a redo from the snapshot taken after the change). Nothing when the project is gone
    (deleted since, from this window or elsewhere): there is nothing left to put back, and a
    project made since, which SQLite may give its id, is another project."""
    with db.atomic("IMMEDIATE"):
        created = _created_at(project_id)
        if created is None or created != snapshot.project_created:
            return
        rows = _Terms(project_id, key)
        for saved in snapshot.terms:
            _restore_term(rows, saved)
        keys = {key(n) for n in snapshot.names}
        stale = [
            e.id
            for e in DefinitionEdit.select(DefinitionEdit.id, DefinitionEdit.term).where(
                DefinitionEdit.project == project_id
            )
            if key(e.term) in keys
        ]
        DefinitionEdit.delete().where(DefinitionEdit.id.in_(stale)).execute()
        for term, definition in snapshot.edits:
            DefinitionEdit.create(project=project_id, term=term, definition=definition)
        pairs = [
            p.id
            for p in KeptApart.select().where(KeptApart.project == project_id)
            if key(p.first) in keys or key(p.second) in keys
        ]
        KeptApart.delete().where(KeptApart.id.in_(pairs)).execute()
        for first, second in snapshot.apart:
            KeptApart.create(project=project_id, first=first, second=second)
        run = _restore_entries(snapshot, keys, key)
    notify.publish(Topic.DEFINITION_EDIT, project_id)
    notify.publish(Topic.KEPT_APART, project_id)
    _publish_curation(run)


def _restore_term(rows: _Terms, saved: TermCuration) -> None:
    row = rows.find(saved.text)
    fields = {
        "status": saved.status,
        "user_notes": saved.note,
        "user_category": saved.category,
        "synonym_group": saved.group,
        "group_head": saved.head,
    }
    if not saved.exists:
        if row is None:
            return
        if row.rank == 0 and row.frequency == 0:
            # Added by the change, and no extraction found it since.
            Term.delete().where(Term.id == row.id).execute()
        else:
            Term.update(**fields).where(Term.id == row.id).execute()
    elif row is None:
        if saved.curated:  # an extraction dropped it while it was not curated
            Term.create(project=rows.project_id, text=saved.text, rank=0, **fields)
    else:
        Term.update(**fields).where(Term.id == row.id).execute()


def _restore_entries(snapshot: CurationSnapshot, keys: set[str], key: Key) -> int | None:
    # The run is still the project's: a project's runs are deleted only with it (and
    # restore_curation checked that it is the same project).
    run = snapshot.run_id
    if snapshot.entries is None or run is None:
        return None
    current = GlossaryEntry.select().where(
        (GlossaryEntry.run == run) & (GlossaryEntry.stage == snapshot.stage)
    )
    stale = [e.id for e in current if any(key(n) in keys for n in _mentions(e))]
    GlossaryEntry.delete().where(GlossaryEntry.id.in_(stale)).execute()
    for row in snapshot.entries:
        GlossaryEntry.create(**row)
    return run
