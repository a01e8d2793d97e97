"""How this application starts another copy of itself (a run's step process, a background
command-line run), from a source checkout or from a frozen bundle alike.

The command is always the application's own ``genglossary`` entry point. In an installed
environment (``uv sync``, ``pip install``) that is the ``genglossary`` script installed
beside the interpreter. Only where none exists (the package imported from a bare source
tree) does the interpreter call the same ``cli.main`` directly. Nothing assumes a checkout
or ``uv``.

In a frozen bundle (PyInstaller sets ``sys.frozen``; packaging/genglossary.spec) there is
no interpreter to call: ``sys.executable`` is the running executable, and the bundle holds
two, sharing one ``_internal`` folder. When the running one is the command line, it starts
itself. When it is the window (``GenGlossary``, built without a console), it starts the
command line beside it (:func:`frozen_cli_name`), a console program that reads and writes
the step's pipes; and falls back to the window's own executable, whose ``main()`` also
accepts the step command (:data:`STEP_COMMAND`).

On Windows a console program started from a program without a console opens a console
window of its own, for as long as it runs: so the step's ``subprocess.Popen`` passes
``CREATE_NO_WINDOW`` in ``creationflags`` beside ``CREATE_NEW_PROCESS_GROUP``
(``genglossary_gui.runs.process._spawn_options``). The step talks to its parent through its
pipes only, so it needs no console anywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: Hidden first argument of the command line that runs a scope's steps (the step process).
STEP_COMMAND = "__step"


def frozen_cli_name(platform: str = sys.platform) -> str:
    """The file name of the command-line executable in a bundle on ``platform``.

    ``genglossary`` on Linux. Windows and macOS file systems ignore case, so there
    ``genglossary`` would be the window's ``GenGlossary`` itself: the command line is
    ``genglossary-cli`` (``genglossary-cli.exe``) instead.
    """
    if platform == "win32":
        return "genglossary-cli.exe"
    if platform == "darwin":
        return "genglossary-cli"
    return "genglossary"


def own_command(*args: str) -> list[str]:
    """The command line that runs ``genglossary`` with ``args`` in a new process."""
    if getattr(sys, "frozen", False):
        return [str(frozen_cli()), *args]
    script = installed_script()
    if script is not None:
        return [str(script), *args]
    return [sys.executable, "-c", _CALL_MAIN, *args]


#: What the installed ``genglossary`` script runs (``[project.scripts]`` in pyproject.toml).
_CALL_MAIN = "import sys; from genglossary_gui.cli import main; sys.exit(main())"
#: What the installed ``genglossary-gui`` script runs (``[project.gui-scripts]``).
_CALL_WINDOW = "import sys; from genglossary_gui.app import main; sys.exit(main())"


def own_window_command(*args: str) -> list[str]:
    """The command line that opens the window with ``args`` in a new process (a restart).

    Frozen, the window is the running executable (only the window restarts itself);
    installed, the ``genglossary-gui`` script beside the interpreter; else the interpreter
    calls the same ``app.main``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    script = installed_script("genglossary-gui")
    if script is not None:
        return [str(script), *args]
    return [sys.executable, "-c", _CALL_WINDOW, *args]


def frozen_cli() -> Path:
    """In a frozen bundle, the command-line executable: the running one, or the one beside
    the running window; the running executable where there is none beside it."""
    running = Path(sys.executable)
    for name in dict.fromkeys((frozen_cli_name(), "genglossary", "genglossary.exe")):
        candidate = running.with_name(name)
        # Where case is ignored, "genglossary" may be the running "GenGlossary" itself.
        if (
            candidate.is_file()
            and os.access(candidate, os.X_OK)
            and not _same_file(candidate, running)
        ):
            return candidate
    return running


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def installed_script(name: str = "genglossary") -> Path | None:
    """The entry point ``name`` installed beside the running interpreter, if any."""
    folder = Path(sys.executable).parent
    for candidate in (name, f"{name}.exe"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None
