"""Reads and short writes for projects, documents, terms and run logs.

One module per domain:

- ``projects``: projects and their documents (creation, engine settings, imports).
- ``terms``: extracted terms and the user's curation (statuses, definition edits, notes,
  pairs kept apart) and which terms the glossary defines.
- ``glossary``: a run's glossary entries and issues, and the Glossary page's rows.
- ``runs``: runs and their logs, and the Runs page's rows.
- ``views``: change detection for the views' tables.

Every public name is re-exported here, so ``repo.X`` keeps working; new code may import the
domain module directly (``from genglossary_gui.store.repositories.terms import ...``).
"""

from __future__ import annotations

from genglossary_gui.store.repositories.glossary import (
    GlossaryRow,
    IssueRow,
    current_run,
    final_stage,
    glossary_rows,
    glossary_runs,
    issue_rows,
    load_entries,
    load_issues,
    save_entries,
    save_issues,
)
from genglossary_gui.store.repositories.projects import (
    DocumentRecord,
    DocumentRow,
    ProjectExists,
    ProjectRow,
    UnknownProject,
    check_project_name,
    create_project,
    document_chars,
    document_ids,
    document_rows,
    engine_settings,
    existing_hashes,
    list_projects,
    load_document,
    project_by_name,
    project_language,
    project_rows,
    project_sources,
    save_documents,
    save_engine_settings,
)
from genglossary_gui.store.repositories.runs import (
    LogEntry,
    RunRow,
    active_run_of,
    append_logs,
    count_active_runs,
    get_run,
    read_log,
    read_log_after,
    read_log_tail,
    run_project,
    run_rows,
    run_rows_by_id,
    runs_of,
)
from genglossary_gui.store.repositories.terms import (
    GLOSSARY_MIN_FREQUENCY,
    TermRecord,
    TermRow,
    defined_terms,
    definition_edits,
    edit_for,
    excluded_terms,
    glossary_terms,
    has_defined_terms,
    keep_apart,
    kept_apart,
    ranked_terms,
    replace_candidate_terms,
    required_terms,
    set_definition_edit,
    set_term_status,
    term_notes,
    term_rows,
)
from genglossary_gui.store.repositories.views import (
    table_fingerprint,
)

# Not defined here, but callers read it through this package (repo.Selection).
from genglossary_gui.vocabulary import Selection

__all__ = [
    "GLOSSARY_MIN_FREQUENCY",
    "DocumentRecord",
    "DocumentRow",
    "GlossaryRow",
    "IssueRow",
    "LogEntry",
    "ProjectExists",
    "ProjectRow",
    "RunRow",
    "Selection",
    "TermRecord",
    "TermRow",
    "UnknownProject",
    "active_run_of",
    "append_logs",
    "check_project_name",
    "count_active_runs",
    "create_project",
    "current_run",
    "defined_terms",
    "definition_edits",
    "document_chars",
    "document_ids",
    "document_rows",
    "edit_for",
    "engine_settings",
    "excluded_terms",
    "existing_hashes",
    "final_stage",
    "get_run",
    "glossary_rows",
    "glossary_runs",
    "glossary_terms",
    "has_defined_terms",
    "issue_rows",
    "keep_apart",
    "kept_apart",
    "list_projects",
    "load_document",
    "load_entries",
    "load_issues",
    "project_by_name",
    "project_language",
    "project_rows",
    "project_sources",
    "ranked_terms",
    "read_log",
    "read_log_after",
    "read_log_tail",
    "replace_candidate_terms",
    "required_terms",
    "run_project",
    "run_rows",
    "run_rows_by_id",
    "runs_of",
    "save_documents",
    "save_engine_settings",
    "save_entries",
    "save_issues",
    "set_definition_edit",
    "set_term_status",
    "table_fingerprint",
    "term_notes",
    "term_rows",
]
