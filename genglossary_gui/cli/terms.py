"""``genglossary terms``, ``mark``, ``keep-apart`` and ``promote``: terms and curation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from genglossary_gui.cli.common import (
    EXIT_OK,
    CliError,
    _open,
    _print_terms,
    _project,
    _project_terms,
    safe,
)

if TYPE_CHECKING:
    from genglossary_gui.engines.builtin.extract import TermExtractor


def cmd_terms(args: argparse.Namespace) -> int:
    if args.project:
        _open(args)
        _print_terms(_project_terms(_project(args.project).id, args.top or None), sys.stdout)
        return EXIT_OK
    extractor = _read_folder(args.input, args.lang)
    ranked = extractor.ranked(top=args.top or None)
    _print_terms(((t.text, t.score, t.frequency) for t in ranked), sys.stdout)
    return EXIT_OK


def _read_folder(folder_arg: str, lang: str) -> TermExtractor:
    """Read every document of a folder into a term extractor, one at a time (only the
    extractor's counts are kept); skipped files go to stderr.

    As in a project import, only regular files inside the folder are read (a link to a file
    elsewhere is skipped), and paths are printed through ``display_path`` so that a file
    name cannot put terminal escapes or extra lines into the output.
    """
    from genglossary_gui.engines.builtin.extract import TermExtractor
    from genglossary_gui.pipeline.documents import (
        SkipFile,
        display_path,
        is_guessed,
        iter_document_files,
        load_file,
    )
    from genglossary_gui.pipeline.reading import is_markdown

    folder = Path(folder_arg).expanduser()
    if not folder.is_dir():
        raise CliError(f"{folder_arg!r} is not a folder.")
    extractor = TermExtractor()
    read = 0
    for path in iter_document_files(folder):
        rel = display_path(path.relative_to(folder).as_posix())
        try:
            loaded = load_file(path, within=folder)
        except SkipFile as skip:
            print(f"skipped {rel}: {skip.reason}", file=sys.stderr)
            continue
        if is_guessed(loaded.encoding):
            print(f"{rel}: decoded as {loaded.encoding}; check its text", file=sys.stderr)
        extractor.add(loaded.text, lang, markdown=is_markdown(path.name))
        read += 1
    if not read:
        raise CliError(f"No readable .md or .txt documents in {folder_arg!r}.")
    return extractor


def cmd_mark(args: argparse.Namespace) -> int:
    """Mark terms required, excluded or back to candidates, matched as the pipeline matches
    them (case, plurals, spacing: ``term_key``). A term the documents' extraction has not
    found is added with the mark (as the window's Add Term does): a required term is defined
    by the next run, an excluded one never enters the glossary."""
    from genglossary_gui.pipeline.text import is_japanese, term_key
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Term, TermStatus
    from genglossary_gui.vocabulary import Language

    _open(args)
    project = _project(args.project)
    status = TermStatus(args.status)
    known = {term_key(t.text) for t in Term.select(Term.text).where(Term.project == project.id)}
    missing = list(dict.fromkeys(t for t in args.terms if term_key(t) not in known))
    if missing and status == TermStatus.CANDIDATE:
        raise CliError(
            f"Not among the project's terms, so there is no mark to reset: "
            f"{', '.join(safe(t) for t in missing)}. Check the spelling."
        )
    chosen = repo.project_language(project.id)

    def language(text: str) -> str:  # as the window's curation: the project's, else guessed
        if chosen != Language.AUTO:
            return str(chosen)
        return Language.JA.value if is_japanese(text) else Language.EN.value

    marked = repo.mark_terms(project.id, args.terms, status, key=term_key, language=language)
    if missing:
        print(
            f"Added {len(missing)} term(s) the extraction has not found, as {status}: "
            f"{', '.join(safe(t) for t in missing)}.",
            file=sys.stderr,
        )
    print(f"Marked {marked} term(s) {status}.", file=sys.stderr)
    return EXIT_OK


def cmd_keep_apart(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    _open(args)
    project = _project(args.project)
    current = repo.current_run(project.id)
    known = {t.text.casefold() for t in repo.term_rows(project.id)}
    if current is not None:
        for row in repo.glossary_rows(project.id, current):
            known |= {n.casefold() for n in (row.term, *row.aliases)}
    missing = [t for t in (args.term, args.other) if t.casefold() not in known]
    if missing:
        raise CliError(
            f"Not among the project's terms: {', '.join(safe(t) for t in missing)}. "
            "Check the spelling (the Issues page and `genglossary export` list them)."
        )
    restored = repo.keep_apart(project.id, current, args.term, args.other)
    split = (
        f" {safe(restored)} has its own entry again."
        if restored
        else " The current glossary stays as it is until the next run."
    )
    print(
        f"{safe(args.term)} and {safe(args.other)} are kept apart in later runs.{split}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_promote(args: argparse.Namespace) -> int:
    from genglossary_gui.store.transitions import PromoteResult, promote_run

    _open(args)
    result = promote_run(args.run_id)
    if result is PromoteResult.NOT_FOUND:
        raise CliError(f"There is no run {args.run_id}.")
    if not result:
        raise CliError(f"Run {args.run_id}: {result.value}.")
    print(f"Run {args.run_id}: {result.value}.", file=sys.stderr)
    return EXIT_OK
