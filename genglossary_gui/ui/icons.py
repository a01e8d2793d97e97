"""The application's icons: its own (window, task bar, dock) and the toolbar's actions.

Action icons follow the desktop: ``QIcon.fromTheme`` with the freedesktop icon name, so a
Linux desktop shows its own theme's icons; where the theme has none (Windows, macOS, a bare
system, an empty theme) the bundled SVG of the same name in ``resources/icons/actions/``
stands in. The files are found through :func:`genglossary_gui.resources.resource`, in a
checkout, an installed wheel and a frozen bundle alike.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from genglossary_gui.resources import resource

#: The sizes of ``resources/icons/png/genglossary-<N>.png`` (packaging/make_icons.py).
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

#: The freedesktop names of the actions' icons, each with a bundled SVG of that name.
ACTION_ICONS = (
    "document-new",  # new project
    "media-playback-start",  # run
    "process-stop",  # cancel a run
    "document-save-as",  # export
    "folder-new",  # add a folder of documents
    "document-open",  # add files
    "edit-undo",
    "edit-redo",
    "help-about",
    "folder-open",  # open a folder (the data folder, a project's sources)
)


def app_icon() -> QIcon:
    """The application icon: every PNG size, and the SVG for any size between them."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(resource("icons", "png", f"genglossary-{size}.png")), QSize(size, size))
    icon.addFile(str(resource("icons", "genglossary.svg")))
    return icon


def _bundled(name: str) -> QIcon:
    return QIcon(str(resource("icons", "actions", f"{name}.svg")))


def action_icon(name: str) -> QIcon:
    """The icon of an action, by freedesktop name (one of :data:`ACTION_ICONS`): the
    theme's, or the bundled one."""
    if name not in ACTION_ICONS:
        raise KeyError(f"no bundled icon {name!r}; known: {', '.join(ACTION_ICONS)}")
    return QIcon.fromTheme(name, _bundled(name))
