"""The command line's arguments."""

from __future__ import annotations

import argparse

from genglossary_gui import __version__
from genglossary_gui.cli.common import _LANGS
from genglossary_gui.vocabulary import (
    EngineName,
    ExportFormat,
    Scope,
    TermStatus,
)


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=list(EngineName),
        help="built-in (offline), Ollama, or an OpenAI-compatible server",
    )
    p.add_argument("--base-url", metavar="URL", help="server address")
    p.add_argument("--model", help="model (the deployment, for Azure)")
    p.add_argument("--concurrency", type=int, metavar="N", help="requests in flight")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds between streamed chunks")
    p.add_argument("--temperature", type=float)
    p.add_argument("--azure-api-version", metavar="V", help="for Azure OpenAI")
    p.add_argument(
        "--max-failures",
        type=float,
        metavar="PCT",
        help="a run whose model failed on more than PCT %% of its terms does not replace "
        "the current glossary (default 20)",
    )
    p.add_argument(
        "--context-tokens",
        type=int,
        metavar="N",
        help="tokens a question and its reply may take on the server: its context, or less "
        "(default 4096)",
    )
    p.add_argument(
        "--transcript",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="save prompts and replies with each run",
    )
    p.add_argument(
        "--terms",
        type=_term_count,
        metavar="N|all",
        help="how many of the best candidates a run defines at most, with either engine "
        "(default 300; all: every candidate scoring at least the average), from the next "
        "extraction",
    )


def _term_count(text: str) -> int:
    """``--terms``: a positive number, or "all" (stored as 0)."""
    if text.strip().casefold() == "all":
        return 0
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or all, not {text!r}")
    return count


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="genglossary",
        description="Turn a folder of documents into a glossary (command-line companion of "
        "genglossary-gui; both share one data folder).",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder (default: $GENGLOSSARY_DATA_DIR, else the per-user data folder)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    project = sub.add_parser("project", help="create and list projects")
    psub = project.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    create = psub.add_parser("create", help="create a project, importing a folder of documents")
    create.add_argument("name")
    create.add_argument(
        "--docs",
        metavar="PATH",
        action="append",
        help="folder (or single file) of .md/.txt documents to import; repeatable",
    )
    create.add_argument("--lang", choices=_LANGS, default="auto", help="document language")
    psub.add_parser("list", help="list projects")
    pset = psub.add_parser("set", help="choose a project's engine (built-in, Ollama, OpenAI)")
    pset.add_argument("name")
    _engine_options(pset)
    rename = psub.add_parser("rename", help="give a project another name")
    rename.add_argument("name")
    rename.add_argument("new_name")
    delete = psub.add_parser(
        "delete", help="delete a project with its documents, runs and glossary (asks first)"
    )
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    clone = psub.add_parser(
        "clone", help="copy a project: documents, curation and its current glossary"
    )
    clone.add_argument("name")
    clone.add_argument("new_name")
    add_source = psub.add_parser(
        "add-source",
        help="add folders or files to a project, import them and extract their terms "
        "(the earlier terms and marks stay)",
    )
    add_source.add_argument("name")
    add_source.add_argument("paths", nargs="+", metavar="PATH")
    add_source.add_argument(
        "--no-wait", action="store_true", help="start the import in the background"
    )
    remove_source = psub.add_parser(
        "remove-source",
        help="remove folders or files from a project, with their documents; the terms are "
        "extracted again",
    )
    remove_source.add_argument("name")
    remove_source.add_argument("paths", nargs="+", metavar="PATH")
    remove_source.add_argument(
        "--no-wait", action="store_true", help="start the extraction in the background"
    )

    run = sub.add_parser("run", help="start a run of a project's pipeline")
    run.add_argument("project")
    run.add_argument("--scope", choices=list(Scope), default=Scope.FULL.value)
    run.add_argument(
        "--wait",
        action="store_true",
        help="run in this terminal with live progress (Ctrl+C cancels); otherwise the run "
        "goes on in the background and its id is printed",
    )
    run.add_argument(
        "--top",
        type=int,
        default=50,
        metavar="N",
        help="terms or glossary entries to print at the end (--wait; 0 = all)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress output")
    # Internal: the background child reports its run id on stdout, then goes silent.
    run.add_argument("--report-run-id", action="store_true", help=argparse.SUPPRESS)

    cancel = sub.add_parser("cancel", help="cancel a run (from any terminal or process)")
    cancel.add_argument("run_id", type=int)
    cancel.add_argument("--no-wait", action="store_true", help="do not wait for the run to stop")

    runs = sub.add_parser("runs", help="show the run history of a project")
    runs.add_argument("project", nargs="?", help="project name (all projects if omitted)")
    runs.add_argument("--limit", type=int, default=30, metavar="N")

    logp = sub.add_parser("log", help="print a run's log")
    logp.add_argument("run_id", type=int)

    terms = sub.add_parser(
        "terms", help="print ranked terms of a folder (no project needed) or of a project"
    )
    src = terms.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", metavar="DIR", help="folder of .md/.txt documents")
    src.add_argument("--project", metavar="NAME", help="a project's extracted terms")
    terms.add_argument("--lang", choices=_LANGS, default="auto")
    terms.add_argument("--top", type=int, default=0, metavar="N", help="best N only (0 = all)")
    mark = sub.add_parser("mark", help="mark terms required or excluded (kept across re-runs)")
    mark.add_argument("project")
    mark.add_argument("terms", nargs="+", metavar="TERM")
    which = mark.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--require",
        action="store_const",
        const=TermStatus.REQUIRED,
        dest="status",
        help="always define these terms; never drop them",
    )
    which.add_argument(
        "--exclude",
        action="store_const",
        const=TermStatus.EXCLUDED,
        dest="status",
        help="never put these terms in the glossary",
    )
    which.add_argument(
        "--reset",
        action="store_const",
        const=TermStatus.CANDIDATE,
        dest="status",
        help="let the ranking decide again",
    )

    apart = sub.add_parser(
        "keep-apart",
        help="undo a merge: two terms are not the same (their entries split in the current "
        "glossary; no later run merges them)",
    )
    apart.add_argument("project")
    apart.add_argument("term")
    apart.add_argument("other")

    gen = sub.add_parser(
        "generate",
        help="one-step glossary of a folder (no project): extract, define, review, refine, export",
    )
    gen.add_argument("--input", metavar="DIR", required=True, help="folder of .md/.txt files")
    gen.add_argument("--output", metavar="FILE", required=True, help="file to write")
    gen.add_argument(
        "--format",
        choices=list(ExportFormat),
        help="output format (default: from the file name)",
    )
    gen.add_argument("--lang", choices=_LANGS, default="auto")
    gen.add_argument("--title", default="", help="glossary title (default: the folder's name)")
    _engine_options(gen)

    promote = sub.add_parser(
        "promote",
        help="make a finished run's glossary the project's current one (e.g. one kept aside "
        "because too many model requests failed)",
    )
    promote.add_argument("run_id", type=int)

    database = sub.add_parser("database", help="the data folder's database")
    dsub = database.add_subparsers(dest="database_command", required=True, metavar="ACTION")
    new_db = dsub.add_parser(
        "new",
        help="start a new, empty database; the current one is kept beside it, renamed "
        "(close GenGlossary windows on this data folder first)",
    )
    new_db.add_argument(
        "--force",
        action="store_true",
        help="also when the current database is not damaged",
    )

    exp = sub.add_parser("export", help="export a project's glossary")
    exp.add_argument("project")
    exp.add_argument("--output", metavar="FILE", required=True)
    exp.add_argument("--format", choices=list(ExportFormat))
    exp.add_argument(
        "--run",
        type=int,
        metavar="RUN_ID",
        help="export this run's output instead of the current glossary",
    )
    return p
