"""``genglossary project``: create, list and configure projects."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genglossary_gui.cli.common import (
    EXIT_OK,
    CliError,
    _apply_engine_options,
    _open,
    _project,
    safe,
)
from genglossary_gui.cli.runs import _wait_for_run
from genglossary_gui.vocabulary import (
    Scope,
)


def cmd_project(args: argparse.Namespace) -> int:
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.models import Document

    _open(args)
    if args.project_command == "set":
        from genglossary_gui.engines.config import load_config, save_config

        project = _project(args.name)
        config = _apply_engine_options(load_config(project.id), args)
        save_config(project.id, config)
        where = f" at {config.base_url}, model {config.model}" if config.uses_llm else ""
        print(f"{args.name}: engine {config.engine}{where}.", file=sys.stderr)
        return EXIT_OK
    if args.project_command == "list":
        for project in repo.list_projects():
            docs = Document.select().where(Document.project == project.id).count()
            where = ", ".join(project.source_paths()) or "-"
            print(f"{safe(project.name)}\t{docs} documents\t{safe(where)}")
        return EXIT_OK
    sources: list[str] = []
    for given in args.docs or []:
        path = Path(given).expanduser().resolve()
        if not path.exists():
            raise CliError(f"{given!r} does not exist.")
        sources.append(str(path))
    try:
        project_id = repo.create_project(args.name, sources, args.lang)
    except (repo.ProjectExists, ValueError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Created project {args.name!r}.", file=sys.stderr)
    if not sources:
        return EXIT_OK
    args.quiet = False
    args.report_run_id = False
    args.top = 0
    return _wait_for_run(project_id, Scope.IMPORT, args)
