"""Opening a data folder: the database, migrations, and recovery of interrupted runs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import peewee

from genglossary_gui.store import database, transitions
from genglossary_gui.store.database import (
    db,
    init_db,
    is_locked_error,
    resolve_data_dir,
)

log = logging.getLogger(__name__)


def open_data_folder(
    explicit: str | os.PathLike[str] | None = None,
    *,
    busy_timeout_ms: int | None = None,
) -> tuple[Path, list[int]]:
    """Open the data folder; returns it and the runs just marked interrupted.

    Recovery is a courtesy of whoever opens the folder: when it cannot write (another process
    holds the write lock, the disk is full) it is left to the next open or to a running
    window's monitor, and opening succeeds.
    """
    data_dir = resolve_data_dir(explicit)
    init_db(data_dir, busy_timeout_ms=busy_timeout_ms or database.DEFAULT_BUSY_TIMEOUT_MS)
    interrupted: list[int] = []
    try:
        with db.connection_context():
            interrupted = transitions.mark_interrupted_runs()
    except peewee.OperationalError as exc:
        # Locked by another writer, or no room to write (disk full): reading still works,
        # so the command the user asked for goes on.
        log.info(
            "recovery of interrupted runs deferred (%s): %s",
            "busy" if is_locked_error(exc) else "cannot write",
            exc,
        )
    return data_dir, interrupted
