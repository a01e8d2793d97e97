"""Project-level steps run by a RunWorker (or the CLI): import documents, extract terms.

Each step reads the previous step's committed output and writes its own in short
transactions; none holds a transaction across long work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from genglossary_gui.pipeline.context import RunContext, StepError, Unit
from genglossary_gui.pipeline.data import (
    MAX_TERMS,
    Corpus,
    Curation,
    Entry,
    IssueData,
    Outcome,
    Text,
    glossary_cutoff,
)
from genglossary_gui.pipeline.documents import (
    DEFAULT_MAX_BYTES,
    LINK_OUTSIDE,
    SkipFile,
    display_path,
    is_guessed,
    iter_document_files,
    open_source,
)
from genglossary_gui.pipeline.protocol import Engine
from genglossary_gui.pipeline.reading import parts
from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.repositories import TermRecord
from genglossary_gui.vocabulary import (
    IssueType,
    Language,
    Scope,
    Stage,
    Step,
    definition_kind,
)

#: Scopes a run can have, and the steps each one runs in order.
SCOPES: dict[str, tuple[Step, ...]] = {  # keyed by Scope (a str)
    Scope.FULL: (Step.EXTRACT, Step.GENERATE, Step.REVIEW, Step.REFINE),
    Scope.IMPORT: (Step.IMPORT,),
    Scope.ADD: (Step.IMPORT, Step.EXTRACT),
    Scope.EXTRACT: (Step.EXTRACT,),
    Scope.GENERATE: (Step.GENERATE,),
    Scope.REVIEW: (Step.REVIEW,),
    Scope.REFINE: (Step.REFINE,),
}
#: Imported documents are written in batches of about this many bytes of text.
_IMPORT_BATCH_BYTES = 16 * 1024 * 1024


class StepUnavailable(StepError):
    def __init__(self, step: str) -> None:
        super().__init__(f"step {step} is not available yet")


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return "Documents: " + ", ".join(parts)


def _collect_files(
    sources: Sequence[Path],
) -> tuple[list[tuple[str, Path, Path | None]], list[str], list[str]]:
    """``(relative path, file, its source folder)`` for every supported file of the sources,
    the sources that are missing, and those that could not be read completely.

    One folder: paths relative to it. Several sources: each folder's name prefixes its files,
    and a file stands by its own name. A file found in a folder must stay inside it when its
    links are resolved (checked when it is read); a file the user chose by itself has no
    folder (None). Whatever exists but is not a folder counts as a file: reading it then
    says why a named pipe or device is not imported, rather than calling it missing.
    """
    files: list[tuple[str, Path, Path | None]] = []
    missing: list[str] = []
    unreadable: list[str] = []
    taken: set[str] = set()
    for index, source in enumerate(sources):
        if source.is_dir():
            prefix = repo.source_prefix(sources, index)
            errors: list[OSError] = []
            found = [
                (display_path(prefix + p.relative_to(source).as_posix()), p)
                for p in iter_document_files(source, errors)
            ]
            within: Path | None = source
            if errors:
                unreadable.append(source.name)
        elif source.exists():
            found, within = [(display_path(source.name), source)], None
        else:
            missing.append(source.name)
            continue
        for rel, path in found:
            unique, n = rel, 2
            while unique in taken:  # two sources with the same name
                unique, n = f"{rel} ({n})", n + 1
            taken.add(unique)
            files.append((unique, path, within))
    return files, missing, unreadable


def import_documents(
    project_id: int,
    sources: Sequence[Path] | Path,
    ctx: RunContext,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    remove_missing: bool = True,
) -> ImportSummary:
    """Import the ``.md``/``.txt`` files of ``sources`` (folders or files) into the project.

    Files that cannot be imported are listed with their reason and skipped; the run goes on.
    That includes links to files outside their folder and anything but regular files. A
    cancel takes effect between files and while a large file is read. Files whose encoding
    had to be guessed are imported with a warning asking the user to check their text.
    Documents whose files are gone are removed, unless ``remove_missing`` is False.
    """
    step = Step.IMPORT
    sources = [sources] if isinstance(sources, Path) else list(sources)
    names = ", ".join(repr(s.name) for s in sources)
    ctx.log(f"Scanning {names} for .md and .txt files", step=step)
    files, missing, unreadable = _collect_files(sources)
    if missing and len(missing) == len(sources):
        raise StepError(f"The document source {names} does not exist any more.")
    for name in missing:
        ctx.log(
            f"{name!r} does not exist any more; its documents are kept", level="warning", step=step
        )
    for name in unreadable:
        ctx.log(
            f"Some folders in {name!r} could not be read (permissions?); documents "
            "imported from there before are kept",
            level="warning",
            step=step,
        )
    ctx.progress(step, 0, len(files), Unit.FILES)
    existing = repo.existing_hashes(project_id)
    summary = ImportSummary()
    batch: list[repo.DocumentRecord] = []
    batch_bytes = 0
    for i, (rel, path, within) in enumerate(files):
        ctx.check()
        size = 0
        try:
            # A large file is read, decoded and saved a piece at a time (never whole).
            with open_source(path, max_bytes=max_bytes, within=within, check=ctx.check) as source:
                size = source.size
                if existing.get(rel) == source.digest:
                    summary.unchanged += 1
                else:
                    doc = source.decode(repo.spool_folder())
                    if is_guessed(doc.encoding):
                        ctx.log(
                            f"{rel}: decoded as {doc.encoding}; check its text in the "
                            "Documents page",
                            level="warning",
                            step=step,
                        )
                    batch.append(
                        repo.DocumentRecord(
                            rel, doc.text, source.digest, doc.encoding, doc.language, size
                        )
                    )
                    batch_bytes += size
                    if rel in existing:
                        summary.updated += 1
                    else:
                        summary.added += 1
        except SkipFile as skip:
            summary.skipped += 1
            size = size or skip.size_bytes
            if existing.get(rel) and skip.reason != LINK_OUTSIDE:
                # Imported fine before (locked, or caught mid-save now): keep that version.
                ctx.log(
                    f"Kept the version of {rel} imported earlier (now: {skip.reason})",
                    level="warning",
                    step=step,
                )
            else:
                ctx.log(f"Skipped {rel}: {skip.reason}", level="warning", step=step)
                # A link out of the folder also replaces a version imported before: its
                # text came from outside the folder too.
                batch.append(repo.DocumentRecord(rel, "", "", "", "", size, skip.reason))
        if batch_bytes >= _IMPORT_BATCH_BYTES:
            repo.save_documents(project_id, batch)
            batch, batch_bytes = [], 0
        ctx.progress(step, i + 1, len(files), Unit.FILES)
    ctx.check()
    # Documents of a missing or partly unreadable source stay: the folder may be on an
    # unplugged drive, or its permissions may be fixed tomorrow.
    seen = {rel for rel, _, _ in files}
    removed = [] if missing or unreadable or not remove_missing else sorted(set(existing) - seen)
    repo.save_documents(project_id, batch, removed)
    summary.removed = len(removed)
    for rel in removed:
        ctx.log(f"Removed {rel}: the file is no longer there", step=step)
    ctx.log(str(summary), step=step)
    return summary


def _corpus(project_id: int, ctx: RunContext, ids: Sequence[int] | None = None) -> Corpus:
    """The project's documents (or those of ``ids``), each read from the store when an
    engine comes to it."""
    ids = repo.document_ids(project_id) if ids is None else list(ids)
    language = repo.project_language(project_id)

    def read() -> Iterator[Text]:
        for doc_id in ids:
            ctx.check()
            doc = repo.stored_document(doc_id)
            lang = doc.language if language == Language.AUTO else language
            if doc.text is not None:
                yield Text(doc.rel_path, doc.text, lang)
                continue
            # Stored as a stream (a large file): read in parts, never whole.
            for part in parts(doc.rel_path, repo.document_chunks(doc_id)):
                ctx.check()
                yield Text(doc.rel_path, part, lang)

    chars = repo.document_chars(project_id, ids) if ids else 0
    return Corpus(read, len(ids), chars)


def _merged(earlier: Sequence[TermRecord], found: Sequence[TermRecord]) -> list[TermRecord]:
    """The terms of an earlier extraction with those found in new documents added: counts
    and scores (C-value grows with frequency) add up per term, matched by variant key; new
    terms join; best first, at most MAX_TERMS."""
    merged = {term_key(r.text): r for r in earlier}
    for record in found:
        key = term_key(record.text)
        known = merged.get(key)
        if known is None:
            merged[key] = record
            continue
        merged[key] = replace(
            known,
            score=round(known.score + record.score, 4),
            frequency=known.frequency + record.frequency,
            document_count=known.document_count + record.document_count,
            defined=known.defined or record.defined,
            category=known.category or record.category,
        )
    ranked = sorted(merged.values(), key=lambda r: -r.score)
    defined = [r for r in ranked[MAX_TERMS:] if r.defined]  # entered whatever their score
    return ranked[:MAX_TERMS] + defined


def _extract_new(project_id: int, ctx: RunContext, engine: Engine) -> str | None:
    """Extract from the documents no extraction has read and add to the earlier terms; None
    when the whole project must be read again (nothing extracted yet, or texts changed)."""
    step = Step.EXTRACT
    state = repo.extraction_state(project_id)
    if not state.counted or state.changed:
        reason = (
            "no terms were extracted before"
            if not state.counted
            else f"{state.changed} documents changed since the last extraction"
        )
        ctx.log(f"Extracting from every document: {reason}", step=step)
        return None
    if not state.new:
        ctx.log("No new documents: the terms are up to date", step=step)
        return "no new documents"
    corpus = _corpus(project_id, ctx, state.new)
    ctx.log(
        f"Extracting terms from {corpus.count} new documents ({corpus.chars:,} characters); "
        f"the terms of the {state.counted} others are kept",
        step=step,
    )
    found = engine.extract(corpus, ctx)
    terms = _merged(repo.ranked_records(project_id), found.terms)
    recurring = [
        t.score for t in terms if t.frequency >= repo.GLOSSARY_MIN_FREQUENCY and not t.defined
    ]
    cutoff = glossary_cutoff(recurring, found.limit)
    ctx.check()  # last check point: past here the run completes even if Cancel comes now
    repo.save_extraction(project_id, terms, term_key, cutoff, state.new)
    return f"{found.found} terms in {corpus.count} new documents, {len(terms)} in all"


def extract_terms(project_id: int, ctx: RunContext, engine: Engine) -> str:
    """Rank the candidate terms of the project's documents and store them as its terms.
    Run as part of adding documents, only the documents no extraction has read yet are read
    (their terms are added to the earlier ones)."""
    step = Step.EXTRACT
    if ctx.scope == Scope.ADD:
        summary = _extract_new(project_id, ctx, engine)
        if summary is not None:
            return summary
    ids = repo.document_ids(project_id)
    corpus = _corpus(project_id, ctx, ids)
    if not corpus.count:
        raise StepError("The project has no documents to extract terms from. Import some first.")
    ctx.log(
        f"Extracting terms from {corpus.count} documents ({corpus.chars:,} characters)", step=step
    )
    found = engine.extract(corpus, ctx)
    ctx.check()  # last check point: past here the run completes even if Cancel comes now
    repo.save_extraction(project_id, found.terms, term_key, found.cutoff, ids)
    return f"{found.found} terms"


StepFunction = Callable[[int, RunContext, Engine], str]


def _import_step(project_id: int, ctx: RunContext, _engine: Engine) -> str:
    sources = repo.project_sources(project_id)
    if not sources:
        raise StepError("The project has no document folder to import from.")
    # Adding documents imports what is new or changed; documents whose files are gone stay
    # until the next full import (their terms are counted until the next full extraction).
    keep = ctx.scope == Scope.ADD
    paths = [Path(s) for s in sources]
    return str(import_documents(project_id, paths, ctx, remove_missing=not keep))


# -- glossary steps ---------------------------------------------------------------------------


def _run_id(ctx: RunContext) -> int:
    if ctx.run_id is None:
        raise StepError("This step writes its results under a run and needs one.")
    return ctx.run_id


def _curation(project_id: int) -> Curation:
    edits = repo.definition_edits(project_id)
    excluded = repo.excluded_terms(project_id)
    groups = _groups(repo.synonym_groups(project_id), {term_key(t) for t in excluded})
    # The terms of a synonym group, and those the user split out of an entry, are the
    # user's choice as much as a required term.
    chosen = {n for g in groups for n in (g[0], *g[1])} | repo.kept_apart_terms(
        project_id, key=term_key
    )
    return Curation(
        required=repo.required_terms(project_id) | (chosen - excluded),
        excluded=excluded,
        notes=repo.term_notes(project_id),
        edited=lambda term, aliases: repo.edit_for(edits, term, aliases) is not None,
        defined={term_key(t) for t in repo.defined_terms(project_id)},
        defined_known=repo.has_defined_terms(project_id),
        groups=groups,
    )


def _groups(
    groups: Sequence[tuple[str, tuple[str, ...]]], excluded: set[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """The synonym groups without their excluded terms (never in the glossary, not even as
    an alias); a group whose headword is excluded is not made."""
    out = []
    for head, others in groups:
        kept = tuple(t for t in others if term_key(t) not in excluded)
        if term_key(head) not in excluded and kept:
            out.append((head, kept))
    return out


def _apply_groups(
    entries: list[Entry], groups: Sequence[tuple[str, tuple[str, ...]]]
) -> list[Entry]:
    """The user's synonym groups made entries: each group's entries merged into one headed
    by its headword (with the headword's definition, unless another term's is better), the
    others its aliases; a term that is only another entry's alias moves over alone."""
    for head, others in groups:
        entries = _merge_group(entries, head, {term_key(n) for n in (head, *others)})
    return entries


def _merge_group(entries: list[Entry], head: str, keys: set[str]) -> list[Entry]:
    head_key = term_key(head)
    # The group's entries, and one that took the headword in as an alias (an automatic
    # merge): the group heads it now.
    whole = [
        e
        for e in entries
        if term_key(e.term) in keys or any(term_key(a) == head_key for a in e.aliases)
    ]
    if not whole:
        return entries
    merging = {id(e) for e in whole}
    rest = [e for e in entries if id(e) not in merging]
    moved: list[str] = []
    for e in rest:
        taken = [a for a in e.aliases if term_key(a) in keys]
        if taken:
            moved += taken
            e.aliases = [a for a in e.aliases if a not in taken]
    best = max(
        whole,
        key=lambda e: (
            definition_kind(e.kind).rank,  # a definition over a usage example
            term_key(e.term) == head_key,
            e.confidence,
        ),
    )
    own = next((e for e in whole if term_key(e.term) == head_key), None)
    term = own.term if own is not None else head
    names = {n for e in whole for n in (e.term, *e.aliases)} | set(moved)
    seen: set[tuple[str, int]] = set()
    occurrences = []
    for e in [best, *[e for e in whole if e is not best]]:
        for o in e.occurrences:
            if (o[0], o[1]) not in seen:
                seen.add((o[0], o[1]))
                occurrences.append(o)
    merged = replace(
        best,
        term=term,
        aliases=sorted(names - {term}, key=str.casefold),
        occurrences=occurrences,
        see_also=sorted({t for e in whole for t in e.see_also} - names, key=str.casefold),
    )
    gone = {e.term for e in whole} - {term}
    for e in rest:
        if gone & set(e.see_also):
            links = dict.fromkeys(term if t in gone else t for t in e.see_also)
            e.see_also = [t for t in links if t != e.term]
    at = next(i for i, e in enumerate(entries) if id(e) in merging)
    before = [e for e in entries[:at] if id(e) not in merging]
    return [*before, merged, *[e for e in entries[at:] if id(e) not in merging]]


def generate_glossary(project_id: int, ctx: RunContext, engine: Engine) -> str:
    """Provisional entries: each term's occurrences and a definition grounded in them."""
    run_id = _run_id(ctx)
    # Required terms, terms the documents define (marked by extract), the best others up to
    # the cut-off the extraction chose with the project's setting (what the Terms page shows).
    terms = repo.glossary_terms(project_id, MAX_TERMS, key=term_key)
    if not terms:
        raise StepError("The project has no terms to define yet. Extract terms first.")
    curation = _curation(project_id)
    outcome = engine.define(terms, _corpus(project_id, ctx), curation, ctx)
    if Step.REFINE not in SCOPES.get(ctx.scope, ()):
        # No refining follows (it would merge them): the user's groups are merged here.
        outcome.value = _apply_groups(outcome.value, curation.groups)
    if outcome.kept_aside is not None:
        # Kept with the run (viewable, usable by hand), never made current.
        repo.save_entries(project_id, run_id, Stage.PROVISIONAL, outcome.value)
        raise outcome.kept_aside
    ctx.check()
    repo.save_entries(project_id, run_id, Stage.PROVISIONAL, outcome.value)
    return (outcome.summary or f"{len(outcome.value)} entries") + outcome.failures


def _entries_to_work_on(project_id: int, run_id: int, step: str, ctx: RunContext) -> list[Entry]:
    """This run's provisional entries (a full run), else a copy of the current glossary."""
    rows = repo.load_entries(run_id, Stage.PROVISIONAL)
    if not rows:
        current = repo.current_run(project_id)
        stage = repo.final_stage(current) if current is not None else None
        if current is None or stage is None:
            raise StepError(f"There is no glossary to {step} yet. Run Generate or Full first.")
        rows = repo.load_entries(current, stage)
        ctx.log(f"Working on the current glossary (run {current}, {len(rows)} entries)", step=step)
        repo.save_entries(project_id, run_id, Stage.PROVISIONAL, [Entry(**r) for r in rows])
    return [Entry(**r) for r in rows]


def review_glossary(project_id: int, ctx: RunContext, engine: Engine) -> str:
    """Issues: unclear, circular, duplicate, contradiction, unnecessary."""
    step = Step.REVIEW
    run_id = _run_id(ctx)
    entries = _entries_to_work_on(project_id, run_id, step, ctx)
    ctx.progress(step, 0, len(entries), Unit.ENTRIES)
    outcome: Outcome[list[IssueData]] = engine.review(entries, _curation(project_id), ctx)
    issues = _without_kept_apart(project_id, outcome.value)
    ctx.check()
    repo.save_issues(project_id, run_id, issues)
    ctx.progress(step, len(entries), len(entries), Unit.ENTRIES)
    counts = Counter(i.type for i in issues)
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    ctx.log(f"{len(issues)} issues" + (f": {detail}" if detail else ""), step=step)
    return f"{len(issues)} issues" + outcome.failures


def _without_kept_apart(project_id: int, issues: list[IssueData]) -> list[IssueData]:
    """The issues but the duplicates the user has kept apart (a merge undone), whatever
    spelling either term has in this run."""
    apart = {frozenset((term_key(a), term_key(b))) for a, b in repo.kept_apart(project_id)}
    if not apart:
        return issues
    return [
        i
        for i in issues
        if i.type != IssueType.DUPLICATE
        or frozenset((term_key(i.term), term_key(i.related))) not in apart
    ]


def _between_groups(
    issues: list[IssueData], groups: Sequence[tuple[str, tuple[str, ...]]]
) -> list[IssueData]:
    """The issues but the duplicates of two different synonym groups of the user's: each
    group is the one entry the user made, never merged into another by refining."""
    group_of = {term_key(n): i for i, (head, others) in enumerate(groups) for n in (head, *others)}
    return [
        i
        for i in issues
        if i.type != IssueType.DUPLICATE
        or group_of.get(term_key(i.term), -1) == group_of.get(term_key(i.related), -1)
        or term_key(i.term) not in group_of
        or term_key(i.related) not in group_of
    ]


def refine_glossary(project_id: int, ctx: RunContext, engine: Engine) -> str:
    """Merge duplicates, drop everyday words, link related entries."""
    step = Step.REFINE
    run_id = _run_id(ctx)
    entries = _entries_to_work_on(project_id, run_id, step, ctx)
    if Step.REVIEW in SCOPES.get(ctx.scope, ()):
        issue_rows = repo.load_issues(run_id)  # this run reviewed: its issues, even none
    else:
        current = repo.current_run(project_id)
        issue_rows = repo.load_issues(current) if current is not None else []
    issues = [
        IssueData(r["term"], r["type"], r["description"], r["related"], r["should_exclude"])
        for r in issue_rows
    ]
    issues = _without_kept_apart(project_id, issues)
    ctx.progress(step, 0, len(entries), Unit.ENTRIES)
    curation = _curation(project_id)
    issues = _between_groups(issues, curation.groups)
    # The user's groups are merged before refining (so its links and merges see them) and
    # after (so an automatic merge never heads a group with another term).
    entries = _apply_groups(entries, curation.groups)
    outcome = engine.refine(entries, issues, curation, ctx)
    refined = _apply_groups(outcome.value, curation.groups)
    ctx.check()
    repo.save_entries(project_id, run_id, Stage.REFINED, refined)
    ctx.progress(step, len(entries), len(entries), Unit.ENTRIES)
    merged = len(entries) - len(refined)
    ctx.log(f"{len(refined)} entries after refining ({merged} merged or dropped)", step=step)
    return f"{len(refined)} refined entries" + outcome.failures


STEPS: dict[str, StepFunction] = {
    Step.IMPORT: _import_step,
    Step.EXTRACT: extract_terms,
    Step.GENERATE: generate_glossary,
    Step.REVIEW: review_glossary,
    Step.REFINE: refine_glossary,
}


def scope_available(scope: str) -> bool:
    """True when every step of ``scope`` exists in this version."""
    return scope in SCOPES and all(step in STEPS for step in SCOPES[scope])


def default_scope() -> str:
    """The most complete scope this version can run (what F5 starts)."""
    return next(s for s in (Scope.FULL, Scope.EXTRACT) if scope_available(s))


def run_scope(project_id: int, scope: str, ctx: RunContext, engine: Engine) -> str:
    """Run every step of ``scope`` in order with ``engine``; returns the run's summary.

    Raises :class:`~genglossary_gui.pipeline.context.Cancelled` when it stopped on a cancel.
    """
    if scope not in SCOPES:
        raise StepError(f"Unknown scope {scope!r}; choose one of {', '.join(SCOPES)}.")
    steps = SCOPES[scope]
    # Fail at once rather than do part of the work and then stop at a missing step.
    for step in steps:
        if step not in STEPS:
            raise StepUnavailable(step)
    ctx.scope, ctx.steps = scope, steps
    if Step.EXTRACT in steps and Step.GENERATE in steps:
        ctx.curation = _curation(project_id)
    summaries = []
    try:
        for step in steps:
            ctx.check()
            # A new step's progress starts unknown: never the last step's 100 %.
            ctx.progress(step, 0, 0)
            summaries.append(STEPS[step](project_id, ctx, engine))
    finally:
        # What an engine holds for the run's steps (the model engine's connection and the
        # requests it asked ahead) ends with the run.
        close = getattr(engine, "close", None)
        if close is not None:
            close()
    return "; ".join(summaries)
