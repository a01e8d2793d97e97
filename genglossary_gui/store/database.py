"""Database set-up: the deferred peewee database, pragmas, data folder and migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import peewee
import platformdirs

APP_NAME = "GenGlossary"
DB_FILENAME = "genglossary.sqlite3"
DATA_DIR_ENV = "GENGLOSSARY_DATA_DIR"
DEFAULT_BUSY_TIMEOUT_MS = 5000

# Deferred: initialised once at start-up by init_db(). Every thread gets its own connection,
# opened lazily on first use; workers close theirs when their task ends.
db = peewee.SqliteDatabase(None, autoconnect=True)


class DatabaseError(RuntimeError):
    """A database problem explained in words a user understands."""


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$GENGLOSSARY_DATA_DIR``, else the platform's."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def init_db(data_dir: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Path:
    """Open (creating if needed) the database in ``data_dir`` and migrate it to the latest schema.

    Safe to call again (tests re-point the database at a new folder).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DB_FILENAME
    if not db.is_closed():
        db.close()
    db.init(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "busy_timeout": busy_timeout_ms,
            "foreign_keys": 1,
            "synchronous": "normal",
        },
    )
    try:
        with db.connection_context():
            migrate()
    except peewee.OperationalError as exc:
        raise DatabaseError(f"Cannot open the database in {data_dir.name!r}: {exc}") from exc
    return path


def schema_version() -> int:
    return int(db.execute_sql("PRAGMA user_version").fetchone()[0])


def migrate() -> int:
    """Apply outstanding migrations, each in its own IMMEDIATE transaction. Returns the version."""
    from genglossary_gui.store.migrations import MIGRATIONS

    target = len(MIGRATIONS)
    while True:
        with db.atomic("IMMEDIATE"):
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = schema_version()
            if current > target:
                raise DatabaseError(
                    f"The database was written by a newer GenGlossary (schema {current}, "
                    f"this version knows {target}). Please update the application."
                )
            if current == target:
                return current
            MIGRATIONS[current](db)
            db.execute_sql(f"PRAGMA user_version = {current + 1}")


def integrity_ok() -> bool:
    row = db.execute_sql("PRAGMA integrity_check").fetchone()
    return bool(row) and row[0] == "ok"


def is_locked_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, peewee.OperationalError | sqlite3.OperationalError) and (
        "locked" in text or "busy" in text
    )
