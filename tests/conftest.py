"""Shared fixtures: a fresh data folder per test, Qt offscreen, run managers torn down."""

from __future__ import annotations

import os

# Before any Qt import: without a display Qt would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from genglossary_gui.store import notify
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """An opened, migrated data folder in ``tmp_path`` (a real SQLite file)."""
    folder = tmp_path / "data"
    open_data_folder(folder)
    yield folder
    db.close()


@pytest.fixture(autouse=True)
def _no_leaked_listeners() -> Iterator[None]:
    before = list(notify._listeners)
    yield
    leaked = [listener for listener in notify._listeners if listener not in before]
    notify._listeners[:] = before
    assert not leaked, f"change listeners left subscribed: {leaked}"
