"""``genglossary project``: create, list, configure, rename, delete and clone projects, and
add or remove their sources."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from genglossary_gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_OK,
    CliError,
    _apply_engine_options,
    _open,
    _project,
    safe,
)
from genglossary_gui.cli.runs import _start_in_background, _wait_for_run
from genglossary_gui.vocabulary import Scope


def _existing_paths(given: list[str]) -> list[str]:
    paths: list[str] = []
    for text in given:
        path = Path(text).expanduser().resolve()
        if not path.exists():
            raise CliError(f"{text!r} does not exist.")
        paths.append(str(path))
    return paths


def _create(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    sources = _existing_paths(args.docs or [])
    try:
        project_id = repo.create_project(args.name, sources, args.lang)
    except (repo.ProjectExists, ValueError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Created project {args.name!r}.", file=sys.stderr)
    if not sources:
        return EXIT_OK
    return _run_now(project_id, Scope.IMPORT, args)


def _list(_args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Document

    for project in repo.list_projects():
        docs = Document.select().where(Document.project == project.id).count()
        where = ", ".join(project.source_paths()) or "-"
        print(f"{safe(project.name)}\t{docs} documents\t{safe(where)}")
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    from genglossary_gui.engines.config import load_config, save_config

    project = _project(args.name)
    config = load_config(project.id)
    if args.terms is not None:  # "all" is 0
        config = replace(config, max_terms=args.terms)
    config = _apply_engine_options(config, args)
    save_config(project.id, config)
    where = f" at {config.base_url}, model {config.model}" if config.uses_llm else ""
    terms = "all terms" if not config.max_terms else f"at most {config.max_terms} terms"
    print(
        f"{args.name}: engine {config.engine}{where}; {terms} per run (from the next extraction).",
        file=sys.stderr,
    )
    return EXIT_OK


def _rename(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    project = _project(args.name)
    try:
        repo.rename_project(project.id, args.new_name)
    except (repo.ProjectExists, ValueError, LookupError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Renamed {args.name!r} to {args.new_name.strip()!r}.", file=sys.stderr)
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    project = _project(args.name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("Deleting a project cannot be undone: add --yes to confirm.")
        answer = input(
            f"Delete {args.name!r} with its documents, runs and glossary? This cannot be "
            "undone. [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.", file=sys.stderr)
            return EXIT_OK
    try:
        repo.delete_project(project.id)
    except repo.ProjectBusy as exc:
        raise CliError(str(exc)) from exc
    print(f"Deleted {args.name!r}.", file=sys.stderr)
    return EXIT_OK


def _clone(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo

    project = _project(args.name)
    try:
        repo.clone_project(project.id, args.new_name)
    except (repo.ProjectExists, ValueError) as exc:
        raise CliError(str(exc)) from exc
    print(
        f"Copied {args.name!r} to {args.new_name.strip()!r} (documents, curation and the "
        "current glossary).",
        file=sys.stderr,
    )
    return EXIT_OK


def _wait_until_idle(project_id: int, name: str) -> bool:
    """Wait for the project's active run to end (True), or for Ctrl+C (False)."""
    from genglossary_gui.store import repositories as repo

    active = repo.active_run_of(project_id)
    if active is None:
        return True
    print(f"Run {active} of {name!r} is active; the new run starts when it ends.", file=sys.stderr)
    try:
        while repo.active_run_of(project_id) is not None:
            time.sleep(0.2)
    except KeyboardInterrupt:
        return False
    return True


def _run_now(project_id: int, scope: str, args: argparse.Namespace) -> int:
    args.quiet = getattr(args, "quiet", False)
    args.report_run_id = False
    args.top = 10  # an extraction's best terms, after it
    return _wait_for_run(project_id, scope, args)


def _change_sources(args: argparse.Namespace, scope: str, adding: bool) -> int:
    from genglossary_gui.store import repositories as repo

    data_dir = args.opened_data_dir
    project = _project(args.name)
    try:
        if adding:
            change = repo.add_sources(project.id, _existing_paths(args.paths))
        else:
            change = repo.remove_sources(project.id, args.paths)
    except repo.ProjectBusy as exc:
        raise CliError(str(exc)) from exc
    if change.sources == project.source_paths():
        print("The sources did not change; nothing to do.", file=sys.stderr)
        return EXIT_OK
    what = "Added" if adding else f"Removed {change.removed} documents with"
    print(f"{what} the source(s); {len(change.sources)} in all.", file=sys.stderr)
    if not adding and not repo.document_ids(project.id):
        print("The project has no documents left; nothing to extract.", file=sys.stderr)
        return EXIT_OK
    if not _wait_until_idle(project.id, args.name):
        print(
            f"Not started. Run `genglossary run {args.name} --scope {scope}` later.",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    if args.no_wait:
        args.scope, args.project = scope, args.name
        return _start_in_background(args, data_dir)
    return _run_now(project.id, scope, args)


_ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "create": _create,
    "list": _list,
    "set": _set,
    "rename": _rename,
    "delete": _delete,
    "clone": _clone,
    "add-source": lambda args: _change_sources(args, Scope.ADD, adding=True),
    "remove-source": lambda args: _change_sources(args, Scope.EXTRACT, adding=False),
}


def cmd_project(args: argparse.Namespace) -> int:
    args.opened_data_dir = _open(args)
    return _ACTIONS[args.project_command](args)
