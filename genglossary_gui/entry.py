"""How this application starts another copy of itself (a run's step process, a background
command-line run), from a source checkout or from a frozen bundle alike.

The command is always the application's own ``genglossary`` entry point. In a frozen bundle
(PyInstaller sets ``sys.frozen``) that is ``sys.executable`` itself; in an installed
environment (``uv sync``, ``pip install``) it is the ``genglossary`` script installed beside
the interpreter. Only where neither exists (the package imported from a bare source tree)
does the interpreter call the same ``cli.main`` directly. Nothing assumes a checkout or
``uv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: Hidden first argument of the command line that runs a scope's steps (the step process).
STEP_COMMAND = "__step"


def own_command(*args: str) -> list[str]:
    """The command line that runs ``genglossary`` with ``args`` in a new process."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    script = installed_script()
    if script is not None:
        return [str(script), *args]
    return [sys.executable, "-c", _CALL_MAIN, *args]


#: What the installed ``genglossary`` script runs (``[project.scripts]`` in pyproject.toml).
_CALL_MAIN = "import sys; from genglossary_gui.cli import main; sys.exit(main())"


def installed_script() -> Path | None:
    """The ``genglossary`` entry point installed beside the running interpreter, if any."""
    folder = Path(sys.executable).parent
    for name in ("genglossary", "genglossary.exe"):
        if (folder / name).is_file():
            return folder / name
    return None
