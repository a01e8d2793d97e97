"""Opening a data folder: the database, migrations, and recovery of interrupted runs."""

from __future__ import annotations

import os
from pathlib import Path

from genglossary_gui.store import transitions
from genglossary_gui.store.database import DEFAULT_BUSY_TIMEOUT_MS, db, init_db, resolve_data_dir
from genglossary_gui.store.owner import current_owner


def open_data_folder(
    explicit: str | os.PathLike[str] | None = None,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> tuple[Path, list[int]]:
    """Open the data folder; returns it and the runs just marked interrupted."""
    data_dir = resolve_data_dir(explicit)
    init_db(data_dir, busy_timeout_ms=busy_timeout_ms)
    with db.connection_context():
        interrupted = transitions.mark_interrupted_runs(current_owner())
    return data_dir, interrupted
