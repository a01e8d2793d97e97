"""Project-level steps run by a RunWorker (or the CLI): import documents, extract terms.

Each step reads the previous step's committed output and writes its own in short
transactions; none holds a transaction across long work.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from genglossary_gui.llm.config import EngineConfig, api_key, load_config
from genglossary_gui.llm.engine import (
    Tally,
    define_terms,
    improve_definitions,
    judge_candidates,
    review_with_model,
)
from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.documents import (
    DEFAULT_MAX_BYTES,
    LINK_OUTSIDE,
    SkipFile,
    decode_bytes,
    detect_language,
    display_path,
    is_guessed,
    iter_document_files,
    read_document,
)
from genglossary_gui.pipeline.extract import TermExtractor, glossary_cutoff
from genglossary_gui.pipeline.glossary import engine
from genglossary_gui.pipeline.glossary.mining import DefinedTerm, mine_terms, with_defined_terms
from genglossary_gui.pipeline.glossary.reading import is_markdown
from genglossary_gui.pipeline.glossary.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.vocabulary import DefinitionKind, IssueType, Scope, Stage, Step

#: Scopes a run can have, and the steps each one runs in order.
SCOPES: dict[str, tuple[Step, ...]] = {  # keyed by Scope (a str)
    Scope.FULL: (Step.EXTRACT, Step.GENERATE, Step.REVIEW, Step.REFINE),
    Scope.IMPORT: (Step.IMPORT,),
    Scope.EXTRACT: (Step.EXTRACT,),
    Scope.GENERATE: (Step.GENERATE,),
    Scope.REVIEW: (Step.REVIEW,),
    Scope.REFINE: (Step.REFINE,),
}
#: Terms kept per extraction, best first: beyond a few thousand the candidates are noise, and
#: every later step and view works on this list.
MAX_TERMS = 5000
#: Imported documents are written in batches of about this many bytes of text.
_IMPORT_BATCH_BYTES = 16 * 1024 * 1024


class StepError(RuntimeError):
    """A step cannot go on; the message is shown to the user as the run's error."""


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
    single_folder = len(sources) == 1 and sources[0].is_dir()
    for source in sources:
        if source.is_dir():
            prefix = "" if single_folder else f"{source.name}/"
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
) -> ImportSummary:
    """Import the ``.md``/``.txt`` files of ``sources`` (folders or files) into the project.

    Files that cannot be imported are listed with their reason and skipped; the run goes on.
    That includes links to files outside their folder and anything but regular files. A
    cancel takes effect between files and while a large file is read. Files whose encoding
    had to be guessed are imported with a warning asking the user to check their text.
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
    ctx.progress(step, 0, len(files))
    existing = repo.existing_hashes(project_id)
    summary = ImportSummary()
    batch: list[repo.DocumentRecord] = []
    batch_bytes = 0
    for i, (rel, path, within) in enumerate(files):
        ctx.check()
        size = 0
        try:
            raw, digest = read_document(path, max_bytes=max_bytes, within=within, check=ctx.check)
            size = len(raw)
            if existing.get(rel) == digest:
                summary.unchanged += 1
            else:
                text, encoding = decode_bytes(raw)
                if is_guessed(encoding):
                    ctx.log(
                        f"{rel}: decoded as {encoding}; check its text in the Documents page",
                        level="warning",
                        step=step,
                    )
                batch.append(
                    repo.DocumentRecord(
                        rel, text, digest, encoding, detect_language(text), len(raw)
                    )
                )
                batch_bytes += len(raw)
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
        ctx.progress(step, i + 1, len(files))
    ctx.check()
    # Documents of a missing or partly unreadable source stay: the folder may be on an
    # unplugged drive, or its permissions may be fixed tomorrow.
    seen = {rel for rel, _, _ in files}
    removed = [] if missing or unreadable else sorted(set(existing) - seen)
    repo.save_documents(project_id, batch, removed)
    summary.removed = len(removed)
    for rel in removed:
        ctx.log(f"Removed {rel}: the file is no longer there", step=step)
    ctx.log(str(summary), step=step)
    return summary


def extract_terms(project_id: int, ctx: RunContext) -> str:
    """Rank the candidate terms of the project's documents and store them as its terms."""
    step = Step.EXTRACT
    ids = repo.document_ids(project_id)
    if not ids:
        raise StepError("The project has no documents to extract terms from. Import some first.")
    total = repo.document_chars(project_id)
    ctx.log(f"Extracting terms from {len(ids)} documents ({total:,} characters)", step=step)
    started = time.monotonic()
    extractor = TermExtractor(ctx.check)
    done = 0

    def advance(chars: int) -> None:
        nonlocal done
        done += chars
        ctx.progress(step, done, total)

    ctx.progress(step, 0, total)
    language = repo.project_language(project_id)
    for doc_id in ids:
        ctx.check()
        doc = repo.load_document(doc_id)
        lang = doc.language if language == "auto" else language
        extractor.add(doc.text, lang, advance, markdown=is_markdown(doc.rel_path))
        del doc
    ctx.log("Ranking candidates", step=step)
    ranked = extractor.ranked(top=MAX_TERMS)
    records = [
        repo.TermRecord(t.text, t.language, t.score, t.frequency, t.document_count) for t in ranked
    ]
    # Every phrase a sentence defines is a term, however rarely it occurs or low it ranks.
    ctx.log("Looking for the terms the documents define", step=step)
    records = _with_defined(records, mine_terms(_documents(project_id, ctx), ctx.check))
    llm = _llm(project_id)
    if llm is not None:
        records = _judge_with_model(project_id, records, llm, ctx, step)
        ranked = [t for t in ranked if t.text in {r.text for r in records}]
    recurring = [
        r.score for r in records if r.frequency >= repo.GLOSSARY_MIN_FREQUENCY and not r.defined
    ]
    cutoff = glossary_cutoff(recurring, GLOSSARY_MAX_TERMS)
    ctx.check()  # last check point: past here the run completes even if Cancel comes now
    repo.replace_candidate_terms(project_id, records, key=term_key, cutoff=cutoff)
    top = ", ".join(t.text for t in ranked[:5])
    elapsed = time.monotonic() - started
    message = f"Found {len(ranked)} terms in {elapsed:.1f} s" + (f" (top: {top})" if top else "")
    ctx.log(message, step=step)
    defined = sum(1 for r in records if r.defined)
    ctx.log(
        f"The glossary takes the {cutoff} best of {len(recurring)} recurring candidates (those "
        f"scoring at least their mean) and {defined} terms the documents define; the Terms "
        "page lists the others below the cut-off",
        step=step,
    )
    return f"{len(ranked)} terms"


def _with_defined(
    records: list[repo.TermRecord], defined: Sequence[DefinedTerm]
) -> list[repo.TermRecord]:
    """``records`` with the terms a sentence defines marked so, and those extraction did not
    rank (phrases seen once, or with a function word inside) added after them. Their counts
    are not known here: 1, for the defining sentence; generate counts every occurrence."""
    out = list(records)
    index = {term_key(r.text): i for i, r in enumerate(out)}
    for found in defined:
        key = term_key(found.term)
        if key in index:
            out[index[key]] = replace(out[index[key]], defined=True)
        else:
            index[key] = len(out)
            out.append(repo.TermRecord(found.term, found.language, 0.0, 1, 1, defined=True))
    return out


StepFunction = Callable[[int, RunContext], str]


def _import_step(project_id: int, ctx: RunContext) -> str:
    sources = repo.project_sources(project_id)
    if not sources:
        raise StepError("The project has no document folder to import from.")
    return str(import_documents(project_id, [Path(s) for s in sources], ctx))


# -- glossary steps ---------------------------------------------------------------------------

#: Terms defined per run (plus every term the user marked required), best ranked first.
GLOSSARY_MAX_TERMS = 300


def _llm(project_id: int) -> tuple[EngineConfig, str] | None:
    """The project's model settings and key, or None for the built-in engine."""
    config = load_config(project_id)
    if not config.uses_llm:
        return None
    problems = config.problems()
    if problems:
        raise StepError("The engine settings are incomplete: " + " ".join(problems))
    return config, api_key(config)


def _too_many_failed(tally: Tally, config: EngineConfig, what: str) -> StepError | None:
    """The error that keeps a mostly failed model step's output from becoming current."""
    if not tally.too_many_failed(config.max_failed_share):
        return None
    return StepError(
        f"{tally.failure_report(what, config.max_failed_share)}. This glossary was kept aside, "
        "not made current; to use it anyway, show it on the Glossary page and choose Use This "
        "Glossary."
    )


def _check_tally(tally: Tally, what: str, ctx: RunContext, step: str, fatal: bool = True) -> str:
    """Name the failures in the summary; a step where every item failed fails."""
    if fatal and tally.all_failed():
        first = tally.failed[0][1]
        raise StepError(f"Every request to the model failed ({tally.total} {what}): {first}")
    text = tally.summary(what)
    if text:
        ctx.log(text, level="warning", step=step)
    return f"; {text}" if text else ""


def _judge_with_model(
    project_id: int,
    records: list[repo.TermRecord],
    llm: tuple[EngineConfig, str],
    ctx: RunContext,
    step: str,
) -> list[repo.TermRecord]:
    """The model keeps or drops the best candidates, judging from their contexts."""
    config, key = llm
    # The model judges what could enter the glossary: the best recurring candidates.
    # Terms the documents define are not for the model to drop.
    recurring = [r for r in records if r.frequency >= repo.GLOSSARY_MIN_FREQUENCY and not r.defined]
    head = recurring[:GLOSSARY_MAX_TERMS]
    judged = {id(r) for r in head}
    tail = [r for r in records if id(r) not in judged]
    ctx.log(f"Asking {config.model} to judge {len(head)} candidates", step=step)
    contexts = engine.generate_entries(
        [(r.text, r.language) for r in head], _documents(project_id, ctx), check=ctx.check
    )
    verdicts, tally = judge_candidates(config, key, contexts, ctx, step)
    _check_tally(tally, "batches", ctx, step)
    kept = []
    for record in head:
        keep, category = verdicts.get(record.text, (True, ""))
        if keep:
            kept.append(replace(record, category=category))
    ctx.log(f"The model kept {len(kept)} of {len(head)} candidates", step=step)
    return kept + tail


def _run_id(ctx: RunContext) -> int:
    if ctx.run_id is None:
        raise StepError("This step writes its results under a run and needs one.")
    return ctx.run_id


def _documents(project_id: int, ctx: RunContext) -> Iterator[tuple[str, str]]:
    for doc_id in repo.document_ids(project_id):
        ctx.check()
        doc = repo.load_document(doc_id)
        yield doc.rel_path, doc.text


def generate_glossary(project_id: int, ctx: RunContext) -> str:
    """Provisional entries: each term's occurrences and a definition found in the documents."""
    step = Step.GENERATE
    run_id = _run_id(ctx)
    # Required terms, terms the documents define (marked by extract), the best others.
    terms = repo.glossary_terms(project_id, GLOSSARY_MAX_TERMS)
    if not terms:
        raise StepError("The project has no terms to define yet. Extract terms first.")
    if not repo.has_defined_terms(project_id):
        # Terms extracted by an earlier version (or an extraction that found no defining
        # sentence): look for the defined terms here, as that version did.
        defined = mine_terms(_documents(project_id, ctx), ctx.check)
        more = with_defined_terms(terms, defined, repo.excluded_terms(project_id))
        if len(more) > len(terms):
            ctx.log(f"{len(more) - len(terms)} more terms that the documents define", step=step)
        terms = more
    total = repo.document_chars(project_id)
    ctx.log(f"Finding definitions for {len(terms)} terms in the documents", step=step)
    ctx.progress(step, 0, total)
    entries = engine.generate_entries(
        terms,
        _documents(project_id, ctx),
        total_chars=total,
        check=ctx.check,
        progress=lambda done, all_: ctx.progress(step, done, all_),
        fragments=False,
        required=repo.required_terms(project_id),
    )
    failures = ""
    llm = _llm(project_id)
    if llm is not None:
        config, key = llm
        ctx.log(
            f"Writing definitions with {config.model} ({config.concurrency} requests in flight)",
            step=step,
        )
        entries, tally = define_terms(
            config, key, entries, ctx, step, notes=repo.term_notes(project_id)
        )
        failures = _check_tally(tally, "terms", ctx, step)
        too_many = _too_many_failed(tally, config, "terms")
        if too_many is not None:
            # Kept with the run (viewable, usable by hand), never made current.
            repo.save_entries(project_id, run_id, Stage.PROVISIONAL, entries)
            raise too_many
    ctx.check()
    repo.save_entries(project_id, run_id, Stage.PROVISIONAL, entries)
    if llm is not None:
        written = sum(1 for e in entries if e.kind == DefinitionKind.GENERATED)
        return f"{len(entries)} entries ({written} written by the model)" + failures
    defined = sum(1 for e in entries if e.kind == DefinitionKind.DEFINITION)
    abbreviations = sum(1 for e in entries if e.kind == DefinitionKind.ABBREVIATION)
    ctx.log(
        f"{defined} of {len(entries)} terms have a defining sentence, {abbreviations} are "
        "abbreviations the documents spell out; the others show a usage example",
        step=step,
    )
    return f"{len(entries)} entries ({defined} defined)"


def _entries_to_work_on(
    project_id: int, run_id: int, step: str, ctx: RunContext
) -> list[engine.Entry]:
    """This run's provisional entries (a full run), else a copy of the current glossary."""
    rows = repo.load_entries(run_id, Stage.PROVISIONAL)
    if not rows:
        current = repo.current_run(project_id)
        stage = repo.final_stage(current) if current is not None else None
        if current is None or stage is None:
            raise StepError(f"There is no glossary to {step} yet. Run Generate or Full first.")
        rows = repo.load_entries(current, stage)
        ctx.log(f"Working on the current glossary (run {current}, {len(rows)} entries)", step=step)
        repo.save_entries(project_id, run_id, Stage.PROVISIONAL, [engine.Entry(**r) for r in rows])
    return [engine.Entry(**r) for r in rows]


def review_glossary(project_id: int, ctx: RunContext) -> str:
    """Issues: unclear, circular, duplicate, contradiction, unnecessary."""
    step = Step.REVIEW
    run_id = _run_id(ctx)
    entries = _entries_to_work_on(project_id, run_id, step, ctx)
    ctx.progress(step, 0, len(entries))
    edits = repo.definition_edits(project_id)

    def edited_entry(term: str) -> bool:
        return repo.edit_for(edits, term) is not None

    defined = {term_key(t) for t in repo.defined_terms(project_id)}
    issues = engine.review_entries(
        entries,
        engine.general_zipf,
        check=ctx.check,
        progress=lambda done, total: ctx.progress(step, done, total),
        edited=lambda e: repo.edit_for(edits, e.term, e.aliases) is not None,
        defined=lambda e: any(term_key(n) in defined for n in (e.term, *e.aliases)),
    )
    failures = ""
    llm = _llm(project_id)
    if llm is not None:
        config, key = llm
        more, tally = review_with_model(config, key, entries, ctx, step)
        failures = _check_tally(tally, "review batches", ctx, step)
        seen = {(i.type, i.term) for i in issues}
        issues += [
            i
            for i in more
            if (i.type, i.term) not in seen
            and not (i.type != IssueType.DUPLICATE and edited_entry(i.term))
        ]
    issues = _without_kept_apart(project_id, issues)
    ctx.check()
    repo.save_issues(project_id, run_id, issues)
    ctx.progress(step, len(entries), len(entries))
    counts = Counter(i.type for i in issues)
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    ctx.log(f"{len(issues)} issues" + (f": {detail}" if detail else ""), step=step)
    return f"{len(issues)} issues" + failures


def _without_kept_apart(project_id: int, issues: list[engine.IssueData]) -> list[engine.IssueData]:
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


def refine_glossary(project_id: int, ctx: RunContext) -> str:
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
        engine.IssueData(r["term"], r["type"], r["description"], r["related"], r["should_exclude"])
        for r in issue_rows
    ]
    issues = _without_kept_apart(project_id, issues)
    ctx.progress(step, 0, len(entries))
    failures = ""
    llm = _llm(project_id)
    if llm is not None:
        config, key = llm
        entries, tally = improve_definitions(config, key, entries, issues, ctx, step)
        failures = _check_tally(tally, "rewrites", ctx, step, fatal=False)
    refined = engine.refine_entries(
        entries,
        issues,
        repo.required_terms(project_id),
        check=ctx.check,
        progress=lambda done, total: ctx.progress(step, done, total),
    )
    ctx.check()
    repo.save_entries(project_id, run_id, Stage.REFINED, refined)
    ctx.progress(step, len(entries), len(entries))
    merged = len(entries) - len(refined)
    ctx.log(f"{len(refined)} entries after refining ({merged} merged or dropped)", step=step)
    return f"{len(refined)} refined entries" + failures


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


def run_scope(project_id: int, scope: str, ctx: RunContext) -> str:
    """Run every step of ``scope`` in order; returns the run's summary.

    Raises :class:`~genglossary_gui.pipeline.context.Cancelled` when it stopped on a cancel.
    """
    if scope not in SCOPES:
        raise StepError(f"Unknown scope {scope!r}; choose one of {', '.join(SCOPES)}.")
    steps = SCOPES[scope]
    # Fail at once rather than do part of the work and then stop at a missing step.
    for step in steps:
        if step not in STEPS:
            raise StepUnavailable(step)
    ctx.scope = scope
    summaries = []
    for step in steps:
        ctx.check()
        summaries.append(STEPS[step](project_id, ctx))
    return "; ".join(summaries)
