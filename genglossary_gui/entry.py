"""How this application starts another copy of itself (a run's step process, a background
command-line run), from a source checkout or from a frozen bundle alike.

From source the command is ``python -m genglossary_gui.cli …``; in a frozen bundle
(PyInstaller sets ``sys.frozen``) ``sys.executable`` is the bundle's own ``genglossary``
executable, which takes the same arguments. Nothing assumes a checkout or ``uv``.
"""

from __future__ import annotations

import sys

#: Hidden first argument of the command line that runs a scope's steps (the step process).
STEP_COMMAND = "__step"


def own_command(*args: str) -> list[str]:
    """The command line that runs ``genglossary`` with ``args`` in a new process."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "genglossary_gui.cli", *args]
