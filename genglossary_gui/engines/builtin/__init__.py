"""The built-in engine: terms, definitions, review and refine from the documents alone.

It works offline and needs no settings. The model engine starts from its work too: its
ranking, its occurrences and its rules.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from genglossary_gui.engines.builtin import rules
from genglossary_gui.engines.builtin.extract import TermExtractor, glossary_cutoff
from genglossary_gui.engines.builtin.mining import DefinedTerm, mine_terms, with_defined_terms
from genglossary_gui.pipeline.context import RunContext, Unit
from genglossary_gui.pipeline.data import (
    GLOSSARY_MAX_TERMS,
    MAX_TERMS,
    Corpus,
    Curation,
    Entry,
    Extraction,
    IssueData,
    Outcome,
)
from genglossary_gui.pipeline.reading import is_markdown
from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store.repositories import GLOSSARY_MIN_FREQUENCY, TermRecord
from genglossary_gui.vocabulary import DefinitionKind, Step


def recurring(records: Sequence[TermRecord]) -> list[TermRecord]:
    """The candidates that could enter the glossary unasked: seen more than once, and not
    among those the documents define (which enter anyway)."""
    return [r for r in records if r.frequency >= GLOSSARY_MIN_FREQUENCY and not r.defined]


def with_defined(records: list[TermRecord], defined: Sequence[DefinedTerm]) -> list[TermRecord]:
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
            out.append(TermRecord(found.term, found.language, 0.0, 1, 1, defined=True))
    return out


class BuiltinEngine:
    label = "the built-in engine"

    def __init__(self, max_terms: int | None = GLOSSARY_MAX_TERMS) -> None:
        #: The most recurring candidates the glossary's cut-off takes (None: no limit but
        #: their mean score); the project's setting (``EngineConfig.max_terms``).
        self.max_terms = max_terms

    # -- extract ------------------------------------------------------------------------------

    def rank(self, corpus: Corpus, ctx: RunContext) -> tuple[list[TermRecord], int]:
        """The ranked candidates, then every phrase a sentence defines (however rarely it
        occurs or low it ranks), marked ``defined``; and how many of them the ranking found
        (the first ones)."""
        step = Step.EXTRACT
        extractor = TermExtractor(ctx.check)
        done = 0

        def advance(chars: int) -> None:
            nonlocal done
            done += chars
            ctx.progress(step, done, corpus.chars, Unit.CHARACTERS)

        ctx.progress(step, 0, corpus.chars, Unit.CHARACTERS)
        for doc in corpus.read():
            extractor.add(doc.text, doc.language, advance, markdown=is_markdown(doc.path))
        ctx.log("Ranking candidates", step=step)
        ranked = extractor.ranked(top=MAX_TERMS)
        records = [
            TermRecord(t.text, t.language, t.score, t.frequency, t.document_count) for t in ranked
        ]
        ctx.log("Looking for the terms the documents define", step=step)
        return with_defined(records, mine_terms(corpus.pairs(), ctx.check)), len(records)

    def extract(self, corpus: Corpus, ctx: RunContext) -> Extraction:
        started = time.monotonic()
        records, found = self.rank(corpus, ctx)
        return self.finish_extraction(records, records[:found], started, ctx)

    def finish_extraction(
        self,
        records: list[TermRecord],
        ranked: Sequence[TermRecord],
        started: float,
        ctx: RunContext,
    ) -> Extraction:
        """The cut-off over the recurring candidates, and the log lines that explain it
        (``ranked``: the records the ranking found, best first)."""
        step = Step.EXTRACT
        scores = [r.score for r in recurring(records)]
        cutoff = glossary_cutoff(scores, self.max_terms)
        top = ", ".join(r.text for r in ranked[:5])
        elapsed = time.monotonic() - started
        ctx.log(
            f"Found {len(ranked)} terms in {elapsed:.1f} s" + (f" (top: {top})" if top else ""),
            step=step,
        )
        defined = sum(1 for r in records if r.defined)
        ctx.log(
            f"The glossary takes the {cutoff} best of {len(scores)} recurring candidates (those "
            f"scoring at least their mean) and {defined} terms the documents define; the Terms "
            "page lists the others below the cut-off",
            step=step,
        )
        return Extraction(records, len(ranked), cutoff, len(scores), self.max_terms)

    # -- generate -----------------------------------------------------------------------------

    def entries(
        self,
        terms: Sequence[tuple[str, str]],
        corpus: Corpus,
        curation: Curation,
        ctx: RunContext,
        step: str = Step.GENERATE,
    ) -> list[Entry]:
        """One entry per term: its occurrences and the best defining sentence found."""
        terms = list(terms)
        if not curation.defined_known:
            # Terms extracted by an earlier version (or an extraction that found no defining
            # sentence): look for the defined terms here, as that version did.
            more = with_defined_terms(
                terms, mine_terms(corpus.pairs(), ctx.check), curation.excluded
            )
            if len(more) > len(terms):
                ctx.log(f"{len(more) - len(terms)} more terms that the documents define", step=step)
            terms = more
        ctx.log(f"Finding definitions for {len(terms)} terms in the documents", step=step)
        ctx.progress(step, 0, corpus.chars, Unit.CHARACTERS)
        return rules.generate_entries(
            terms,
            corpus.pairs(),
            total_chars=corpus.chars,
            check=ctx.check,
            progress=lambda done, all_: ctx.progress(step, done, all_, Unit.CHARACTERS),
            fragments=False,
            required=curation.required,
        )

    def define(
        self,
        terms: Sequence[tuple[str, str]],
        corpus: Corpus,
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        entries = self.entries(terms, corpus, curation, ctx)
        defined = sum(1 for e in entries if e.kind == DefinitionKind.DEFINITION)
        abbreviations = sum(1 for e in entries if e.kind == DefinitionKind.ABBREVIATION)
        ctx.log(
            f"{defined} of {len(entries)} terms have a defining sentence, {abbreviations} are "
            "abbreviations the documents spell out; the others show a usage example",
            step=Step.GENERATE,
        )
        return Outcome(entries, summary=f"{len(entries)} entries ({defined} defined)")

    # -- review and refine --------------------------------------------------------------------

    def review(
        self, entries: Sequence[Entry], curation: Curation, ctx: RunContext
    ) -> Outcome[list[IssueData]]:
        step = Step.REVIEW
        issues = rules.review_entries(
            entries,
            rules.general_zipf,
            check=ctx.check,
            progress=lambda done, total: ctx.progress(step, done, total, Unit.ENTRIES),
            edited=lambda e: curation.edited(e.term, e.aliases),
            defined=lambda e: any(term_key(n) in curation.defined for n in (e.term, *e.aliases)),
        )
        return Outcome(issues)

    def refine(
        self,
        entries: Sequence[Entry],
        issues: Sequence[IssueData],
        curation: Curation,
        ctx: RunContext,
    ) -> Outcome[list[Entry]]:
        step = Step.REFINE
        refined = rules.refine_entries(
            entries,
            issues,
            curation.required,
            check=ctx.check,
            progress=lambda done, total: ctx.progress(step, done, total, Unit.ENTRIES),
        )
        return Outcome(refined)
