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
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Term, TermStatus

    _open(args)
    project = _project(args.project)
    by_text = {t.text.casefold(): t for t in Term.select().where(Term.project == project.id)}
    missing = [t for t in args.terms if t.casefold() not in by_text]
    if missing:
        raise CliError(
            f"Not among the project's terms: {', '.join(missing)}. "
            "Extract terms first, or check the spelling."
        )
    ids = [by_text[t.casefold()].id for t in args.terms]
    repo.set_term_status(project.id, ids, TermStatus(args.status))
    print(f"Marked {len(ids)} term(s) {args.status}.", file=sys.stderr)
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
