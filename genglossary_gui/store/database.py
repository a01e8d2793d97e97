"""Database set-up: the deferred peewee database, pragmas, data folder and migrations; plain
words for database failures; patient writes that wait out another writer's lock."""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import peewee
import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "GenGlossary"
DB_FILENAME = "genglossary.sqlite3"
DATA_DIR_ENV = "GENGLOSSARY_DATA_DIR"
DEFAULT_BUSY_TIMEOUT_MS = 5000
#: The data folder holds the full text of every document: only its owner may read it.
FOLDER_MODE = 0o700
FILE_MODE = 0o600

P = ParamSpec("P")
R = TypeVar("R")


class AppDatabase(peewee.SqliteDatabase):
    """SQLite with a rollback that does not hide the real error.

    After some failures (disk full, I/O error, out of memory) SQLite has already rolled the
    transaction back itself; peewee's ROLLBACK then fails with "cannot rollback - no
    transaction is active", and that error would replace the one that says what happened.
    """

    def rollback(self) -> None:
        if not self.is_closed():
            conn = self.connection()
            if isinstance(conn, sqlite3.Connection) and not conn.in_transaction:
                return
        super().rollback()


# Deferred: initialised once at start-up by init_db(). Every thread gets its own connection,
# opened lazily on first use; workers close theirs when their task ends.
db = AppDatabase(None, autoconnect=True)


class DatabaseError(RuntimeError):
    """A database problem explained in words a user understands."""


class DatabaseDamaged(DatabaseError):
    """The database file is not a usable SQLite database; it is left exactly as it is."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        #: What is wrong, without advice (the window and the CLI each say what to do).
        self.what = (
            f"The database {path.name!r} in {path.parent.name!r} is damaged ({detail}). It "
            "was left as it is."
        )
        super().__init__(
            f"{self.what} To start a new one beside it (the damaged file is kept, renamed), "
            "run `genglossary database new`."
        )


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$GENGLOSSARY_DATA_DIR``, else the platform's."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


# -- errors in plain words --------------------------------------------------------------------

DISK_FULL = "The disk is full: GenGlossary could not save its data. Free some space and try again."
BUSY = "The database is busy: another GenGlossary window or command is writing to it."


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_damaged_error(exc: BaseException) -> bool:
    text = " ".join(str(e).lower() for e in _chain(exc))
    return "file is not a database" in text or "malformed" in text


def explain(exc: BaseException) -> str | None:
    """Plain words for a database or disk failure (looking through the exception's chain:
    a failed rollback can sit on top of the error that matters), or None if it is not one."""
    for e in _chain(exc):
        text = str(e).lower()
        if "disk is full" in text or (isinstance(e, OSError) and e.errno == errno.ENOSPC):
            return DISK_FULL
    for e in _chain(exc):
        text = str(e).lower()
        if not isinstance(e, peewee.PeeweeException | sqlite3.Error):
            continue
        if "locked" in text or "busy" in text:
            return BUSY
        if "readonly" in text or "read-only" in text:
            return (
                "The data folder is read-only: GenGlossary cannot save there. Check its "
                "permissions, or choose another with --data-dir."
            )
        if "file is not a database" in text or "malformed" in text:
            return (
                "The database file is damaged. It was left as it is; to start a new one beside "
                "it (the damaged file is kept, renamed), run `genglossary database new`."
            )
        if "unable to open database file" in text:
            return (
                "Cannot open the database file: check that the data folder exists and that "
                "you may write to it."
            )
        if "disk i/o error" in text:
            return "The disk reported an error while reading or writing the database."
    return None


#: Every failure the store can raise (peewee's, and sqlite3's when a row is fetched outside
#: peewee's wrapper): callers above the store catch this instead of importing peewee.
StoreError: tuple[type[BaseException], ...] = (peewee.PeeweeException, sqlite3.Error)
#: The store errors that pass (locked, busy, disk full): a write may succeed when tried again.
PassingStoreError: tuple[type[BaseException], ...] = (
    peewee.OperationalError,
    sqlite3.OperationalError,
)


def database_is_healthy() -> bool:
    """Read the whole database file (``PRAGMA quick_check``): opening reads little beyond the
    header, so damage deeper in the file shows only here."""
    try:
        with db.connection_context():
            row = db.execute_sql("PRAGMA quick_check").fetchone()
    except StoreError:
        return False
    return bool(row) and row[0] == "ok"


def is_locked_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, peewee.OperationalError | sqlite3.OperationalError) and (
        "locked" in text or "busy" in text
    )


# -- opening ----------------------------------------------------------------------------------


def _private_folder(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise DatabaseError(
            f"{data_dir.name!r} is a file, not a folder: choose a folder for the data "
            "(--data-dir or GENGLOSSARY_DATA_DIR)."
        )
    existed = data_dir.is_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise DatabaseError(
            f"Cannot create the data folder {data_dir.name!r}: {reason}. Choose another "
            "with --data-dir or GENGLOSSARY_DATA_DIR."
        ) from exc
    # mkdir's mode is filtered by the umask; say exactly what we mean. A folder that already
    # holds our database (made by an older version) is ours too, and is tightened; any other
    # existing folder the user pointed us at keeps its permissions.
    if not existed or (data_dir / DB_FILENAME).is_file():
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(data_dir.stat().st_mode)
            if mode & 0o077:
                data_dir.chmod(mode & ~0o077)


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only, or tighten an existing one (SQLite
    gives its -wal and -shm files the database file's permissions)."""
    if path.exists() and not path.is_file():
        raise DatabaseError(f"{path.name!r} in the data folder is not a file.")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(OSError):
                mode = stat.S_IMODE(name.stat().st_mode)
                if mode & 0o077:
                    name.chmod(mode & ~0o077)
        return
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise DatabaseError(f"Cannot create the database in the data folder: {reason}.") from exc
    os.close(fd)


def init_db(data_dir: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Path:
    """Open (creating if needed) the database in ``data_dir`` and migrate it to the latest schema.

    Raises :class:`DatabaseError` (:class:`DatabaseDamaged` for a file that is not a usable
    database) with a message for the user. Safe to call again (tests re-point the database).
    """
    data_dir = Path(data_dir)
    _private_folder(data_dir)
    path = data_dir / DB_FILENAME
    _private_file(path)
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
    except DatabaseError:
        raise
    except (peewee.PeeweeException, sqlite3.Error) as exc:
        if is_damaged_error(exc):
            raise DatabaseDamaged(path, str(exc)) from exc
        raise DatabaseError(
            explain(exc) or f"Cannot open the database in {data_dir.name!r}: {exc}"
        ) from exc
    return path


@contextlib.contextmanager
def scratch_database() -> Iterator[Path]:
    """A database in a new temporary folder for one command's work (``genglossary
    generate`` runs a project's steps there); removed afterwards, and the database open
    before (if any) open again."""
    previous = db.database
    with tempfile.TemporaryDirectory(prefix="genglossary-") as folder:
        try:
            init_db(Path(folder))
            yield Path(folder)
        finally:
            db.close()
            if previous:
                init_db(Path(previous).parent)


def set_aside(data_dir: Path) -> Path | None:
    """Rename the data folder's database (and its -wal/-shm files) out of the way, keeping
    them, so that the next open starts a new one. Returns the new name of the database."""
    path = Path(data_dir) / DB_FILENAME
    if not path.exists():
        return None
    if not db.is_closed():
        db.close()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"genglossary.damaged-{stamp}.sqlite3")
    n = 2
    while target.exists():
        target = path.with_name(f"genglossary.damaged-{stamp}-{n}.sqlite3")
        n += 1
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            side.rename(f"{target}{suffix}")
    path.rename(target)
    return target


def data_folder() -> Path:
    """The folder of the open database (the data folder)."""
    return Path(db.database).resolve().parent


def schema_version() -> int:
    return int(db.execute_sql("PRAGMA user_version").fetchone()[0])


def migrate() -> int:
    """Apply outstanding migrations, each in its own IMMEDIATE transaction. Returns the version.

    An up-to-date database is only read: opening it never needs the write lock, so read-only
    commands work while another process writes.
    """
    from genglossary_gui.store.migrations import MIGRATIONS

    target = len(MIGRATIONS)
    while True:
        current = schema_version()
        if current > target:
            raise DatabaseError(
                f"The database was written by a newer GenGlossary (schema {current}, "
                f"this version knows {target}). Please update the application."
            )
        if current == target:
            return current
        with db.atomic("IMMEDIATE"):
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = schema_version()
            if current < target:
                MIGRATIONS[current](db)
                db.execute_sql(f"PRAGMA user_version = {current + 1}")


def integrity_ok() -> bool:
    row = db.execute_sql("PRAGMA integrity_check").fetchone()
    return bool(row) and row[0] == "ok"


# -- patient writes ---------------------------------------------------------------------------


@dataclass
class WritePatience:
    """How long a write waits for another writer's lock, beyond SQLite's busy timeout.

    ``seconds`` None waits as long as it takes. ``check`` runs between tries (a cancel check
    point: it may raise); ``on_wait`` is told once per write, after the first refusal, so the
    user hears why nothing moves.
    """

    seconds: float | None = 0.0
    check: Callable[[], None] | None = None
    on_wait: Callable[[str], None] | None = None


#: [0]: the process-wide patience (a one-item list rather than a global statement).
_process_patience = [WritePatience()]
_thread_patience = threading.local()


def set_write_patience(patience: WritePatience) -> None:
    """The patience of every thread of this process that has not set its own."""
    _process_patience[0] = patience


@contextlib.contextmanager
def thread_write_patience(patience: WritePatience) -> Iterator[None]:
    """The patience of this thread's writes inside the block."""
    previous = getattr(_thread_patience, "value", None)
    _thread_patience.value = patience
    try:
        yield
    finally:
        _thread_patience.value = previous


def current_patience() -> WritePatience:
    return getattr(_thread_patience, "value", None) or _process_patience[0]


_FIRST_WAIT_S = 0.05
_MAX_WAIT_S = 1.0


def patient(write: Callable[P, R]) -> Callable[P, R]:
    """Retry a whole short write (its own transaction) while another writer holds the lock.

    Only lock errors are retried, and never inside an enclosing transaction (that one must
    be retried as a whole). How long it waits is the thread's :class:`WritePatience`.
    """

    @functools.wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.monotonic()
        delay = _FIRST_WAIT_S
        told = False
        while True:
            try:
                return write(*args, **kwargs)
            except peewee.OperationalError as exc:
                patience = current_patience()
                if not is_locked_error(exc) or db.in_transaction():
                    raise
                waited = time.monotonic() - started
                if patience.seconds is not None and waited >= patience.seconds:
                    raise
                if not told and patience.on_wait is not None:
                    told = True
                    patience.on_wait(
                        "The database is busy (another GenGlossary process is writing); "
                        "waiting for it…"
                    )
                log.debug("%s: database locked, retrying in %.2f s", write.__name__, delay)
                if patience.check is not None:
                    patience.check()
                time.sleep(delay)
                if patience.check is not None:
                    patience.check()
                delay = min(delay * 2, _MAX_WAIT_S)

    return wrapper
