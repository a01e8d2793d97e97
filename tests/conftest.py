"""Shared fixtures: a fresh data folder per test, Qt offscreen, run managers torn down."""

from __future__ import annotations

import os
import tempfile

# Before any Qt import: without a display Qt would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The user's own folders stay untouched by the tests (and by the windows and commands they
# start): the log file, the preferences (the language) and the cache of compiled
# translations go to one folder of the session.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="genglossary-tests-config-")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="genglossary-tests-state-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="genglossary-tests-cache-")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QLocale

from genglossary_gui.store import notify
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder
from tests.helpers import MemoryKeyring

# Numbers, dates and sizes are shown in QLocale(): one fixed locale (English, as a user with
# an English system sees them), whatever the machine's (CI's "C" locale has no separators).
QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """An opened, migrated data folder in ``tmp_path`` (a real SQLite file)."""
    folder = tmp_path / "data"
    open_data_folder(folder)
    yield folder
    db.close()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """This process's keyring, in memory for the test (the step processes it starts do not
    see it: they get a project's key in their environment)."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _no_leaked_listeners() -> Iterator[None]:
    before = list(notify._listeners)
    yield
    leaked = [listener for listener in notify._listeners if listener not in before]
    notify._listeners[:] = before
    assert not leaked, f"change listeners left subscribed: {leaked}"


@pytest.fixture(autouse=True, scope="session")
def _english_catalog(qapp: object) -> Iterator[None]:
    """The window's English catalog, as app.main installs it: plural forms ("1 run", "2
    runs") come from it."""
    from genglossary_gui.ui import i18n

    installed = i18n.install("en")
    assert installed.translators, "the English catalog did not load"
    yield
    installed.remove()
