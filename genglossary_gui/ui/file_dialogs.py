"""The folder each kind of file dialog last used, so it opens there next time.

Kept in the window's QSettings (``window.ini`` in the data folder) under ``folders/<purpose>``;
the main window hands its settings over with :func:`use_settings`. Without settings (tests
that build a window without them) the folders are remembered in memory only, for the
session, so tests never write the user's real settings.

Usage::

    folder = QFileDialog.getExistingDirectory(parent, "Choose…", last_folder(ADD_SOURCES))
    if folder:
        remember_folder(ADD_SOURCES, folder)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

#: Where an export was written.
EXPORT = "export"
#: The New Project dialog's "Add Folder…".
NEW_PROJECT_FOLDER = "new-project-folder"
#: The New Project dialog's "Add Files…".
NEW_PROJECT_FILES = "new-project-files"
#: Adding sources to an existing project.
ADD_SOURCES = "add-sources"


class _Store:
    def __init__(self) -> None:
        self.settings: QSettings | None = None
        self.memory: dict[str, str] = {}


_store = _Store()


def use_settings(settings: QSettings | None) -> None:
    """Remember folders in ``settings`` from now on (None: in memory, for the session)."""
    _store.settings = settings
    _store.memory = {}


def _key(purpose: str) -> str:
    return f"folders/{purpose}"


def last_folder(purpose: str) -> str:
    """The folder the dialog for ``purpose`` last used, or "" (the dialog's own default).

    A folder that is gone since (an unplugged drive) gives its nearest existing parent.
    """
    settings = _store.settings
    value = settings.value(_key(purpose)) if settings is not None else _store.memory.get(purpose)
    if not isinstance(value, str) or not value:
        return ""
    folder = Path(value)
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return str(candidate)
    return ""


def remember_folder(purpose: str, path: str | Path) -> None:
    """Remember where a dialog for ``purpose`` ended: ``path`` if it is a folder, else the
    folder it is in (a chosen file, or a file about to be written)."""
    if not str(path):
        return
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    if _store.settings is not None:
        _store.settings.setValue(_key(purpose), str(folder))
    else:
        _store.memory[purpose] = str(folder)
