"""Forward migrations. Each is frozen once released: it creates or alters exactly the schema of
its version, never "whatever the models say today"."""

from __future__ import annotations

from collections.abc import Callable

import peewee

_V1 = [
    """CREATE TABLE project (
        id INTEGER NOT NULL PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        source_dir TEXT NOT NULL,
        language VARCHAR(255) NOT NULL,
        engine VARCHAR(255) NOT NULL,
        created_at REAL NOT NULL)""",
    "CREATE UNIQUE INDEX project_name ON project (name)",
    """CREATE TABLE document (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        rel_path TEXT NOT NULL,
        text TEXT NOT NULL,
        content_hash VARCHAR(255) NOT NULL,
        encoding VARCHAR(255) NOT NULL,
        language VARCHAR(255) NOT NULL,
        size_bytes INTEGER NOT NULL,
        imported_at REAL NOT NULL)""",
    "CREATE INDEX document_project_id ON document (project_id)",
    "CREATE UNIQUE INDEX document_project_id_rel_path ON document (project_id, rel_path)",
    """CREATE TABLE term (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        language VARCHAR(255) NOT NULL,
        category VARCHAR(255) NOT NULL,
        status VARCHAR(255) NOT NULL,
        user_notes TEXT NOT NULL,
        score REAL NOT NULL,
        frequency INTEGER NOT NULL,
        document_count INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        synonym_group INTEGER)""",
    "CREATE INDEX term_project_id ON term (project_id)",
    "CREATE UNIQUE INDEX term_project_id_text ON term (project_id, text)",
    """CREATE TABLE run (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        scope VARCHAR(255) NOT NULL,
        status VARCHAR(255) NOT NULL,
        triggered_by VARCHAR(255) NOT NULL,
        created_at REAL NOT NULL,
        started_at REAL,
        finished_at REAL,
        error TEXT NOT NULL,
        summary TEXT NOT NULL,
        step VARCHAR(255) NOT NULL,
        progress_done INTEGER NOT NULL,
        progress_total INTEGER NOT NULL,
        owner_host VARCHAR(255) NOT NULL,
        owner_pid INTEGER NOT NULL,
        owner_started REAL NOT NULL,
        heartbeat_at REAL,
        cancel_requested_at REAL)""",
    # Ordered by id within a project too: the index's implicit rowid suffix serves the history.
    "CREATE INDEX run_project_id ON run (project_id)",
    "CREATE INDEX run_status ON run (status)",
    # One active run per project, enforced by the database itself: two windows or processes
    # racing to start a run cannot both succeed.
    "CREATE UNIQUE INDEX run_one_active_per_project ON run (project_id) "
    "WHERE status IN ('pending', 'running')",
    """CREATE TABLE run_log (
        id INTEGER NOT NULL PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        level VARCHAR(255) NOT NULL,
        step VARCHAR(255) NOT NULL,
        message TEXT NOT NULL)""",
    "CREATE INDEX run_log_run_id_id ON run_log (run_id, id)",
]

_V2 = [
    # A project imports from several sources (folders or single files), not one folder.
    "ALTER TABLE project ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'",
    "UPDATE project SET sources = json_array(source_dir) WHERE source_dir != ''",
    "ALTER TABLE project DROP COLUMN source_dir",
    # Files that could not be imported are listed with the reason (and no text).
    "ALTER TABLE document ADD COLUMN problem TEXT NOT NULL DEFAULT ''",
]


_V3 = [
    # A run's glossary output, complete per run: the project shows the entries of the last run
    # that completed with output (project.current_run_id); other runs' stay viewable.
    """CREATE TABLE glossary_entry (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
        stage VARCHAR(16) NOT NULL,
        term TEXT NOT NULL,
        language VARCHAR(8) NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        definition TEXT NOT NULL,
        definition_kind VARCHAR(16) NOT NULL,
        source_path TEXT NOT NULL DEFAULT '',
        source_line INTEGER NOT NULL DEFAULT 0,
        confidence REAL NOT NULL,
        occurrences TEXT NOT NULL DEFAULT '[]',
        see_also TEXT NOT NULL DEFAULT '[]',
        alternatives TEXT NOT NULL DEFAULT '[]')""",
    "CREATE INDEX glossary_entry_run_stage ON glossary_entry (run_id, stage, term)",
    """CREATE TABLE issue (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
        term TEXT NOT NULL,
        type VARCHAR(16) NOT NULL,
        description TEXT NOT NULL,
        related TEXT NOT NULL DEFAULT '',
        should_exclude INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX issue_run ON issue (run_id, type)",
    # The user's own definitions: curation, kept on the project across every re-run.
    """CREATE TABLE definition_edit (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        term TEXT NOT NULL,
        definition TEXT NOT NULL,
        edited_at REAL NOT NULL)""",
    "CREATE UNIQUE INDEX definition_edit_project_term ON definition_edit (project_id, term)",
    "ALTER TABLE project ADD COLUMN current_run_id INTEGER REFERENCES run (id) ON DELETE SET NULL",
]


_V4 = [
    # The project's LLM settings as JSON (engine name stays in project.engine). Never a key:
    # API keys live in the system keyring or the environment.
    "ALTER TABLE project ADD COLUMN engine_settings TEXT NOT NULL DEFAULT '{}'",
]


_V5 = [
    # Curation: pairs of terms the user keeps apart (an automatic merge undone).
    """CREATE TABLE kept_apart (
        id INTEGER NOT NULL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        first TEXT NOT NULL,
        second TEXT NOT NULL,
        created_at REAL NOT NULL)""",
    "CREATE UNIQUE INDEX kept_apart_pair ON kept_apart (project_id, first, second)",
    # Terms a sentence of the documents defines; the glossary's cut-off among the others.
    "ALTER TABLE term ADD COLUMN defined INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE project ADD COLUMN term_cutoff INTEGER NOT NULL DEFAULT 300",
]


_V6 = [
    # Which text of a document the project's terms count: its content hash when extraction
    # last read it, "" when it never did. Adding documents extracts only those (incremental).
    "ALTER TABLE document ADD COLUMN extracted_hash VARCHAR(64) NOT NULL DEFAULT ''",
    "UPDATE document SET extracted_hash = content_hash "
    "WHERE project_id IN (SELECT DISTINCT project_id FROM term)",
]


# (Schema 6 is document.extracted_hash, above; the curation columns are schema 7.)
_V7 = [
    # Curation: the user's own category (the judge's stays in term.category), and which term
    # heads the user's synonym group (term.synonym_group, there since v1).
    "ALTER TABLE term ADD COLUMN user_category TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE term ADD COLUMN group_head INTEGER NOT NULL DEFAULT 0",
]


_V8 = [
    # Settings of the whole data folder (not of one project): the engine new projects start
    # with. One row per key, the value JSON.
    """CREATE TABLE app_setting (
        key VARCHAR(255) NOT NULL PRIMARY KEY,
        value TEXT NOT NULL)""",
]


_V9 = [
    # The text of a document too large to hold whole (a large file's, imported in a stream):
    # UTF-8 bytes, the last column, so that SQLite can make a value of its size without
    # holding it and incremental BLOB I/O writes and reads it a piece at a time; and no
    # update of the document's row (its extracted_hash, its name) rewrites it.
    """CREATE TABLE document_text (
        document_id INTEGER NOT NULL PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
        text BLOB NOT NULL)""",
]


def _statements(statements: list[str]) -> Callable[[peewee.SqliteDatabase], None]:
    def apply(db: peewee.SqliteDatabase) -> None:
        for sql in statements:
            db.execute_sql(sql)

    return apply


#: Index i migrates from schema version i to i + 1.
MIGRATIONS: list[Callable[[peewee.SqliteDatabase], None]] = [
    _statements(_V1),
    _statements(_V2),
    _statements(_V3),
    _statements(_V4),
    _statements(_V5),
    _statements(_V6),
    _statements(_V7),
    _statements(_V8),
    _statements(_V9),
]
