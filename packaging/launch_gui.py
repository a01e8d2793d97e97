"""The window's executable in the bundle (packaging/genglossary.spec): ``GenGlossary``."""

import os
import sys

from genglossary_gui.app import main


def _system_library_path() -> None:
    """PyInstaller's bootloader points LD_LIBRARY_PATH at the bundle (keeping the user's in
    LD_LIBRARY_PATH_ORIG). This process has loaded its libraries already; the programs it
    starts (the file manager that Help ▸ Open Log Folder opens through xdg-open) must get
    the system's. The step processes are the bundle's own executables, whose bootloader
    sets the path again for itself."""
    if "LD_LIBRARY_PATH_ORIG" in os.environ:
        os.environ["LD_LIBRARY_PATH"] = os.environ.pop("LD_LIBRARY_PATH_ORIG")
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)


if __name__ == "__main__":
    if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
        _system_library_path()
    sys.exit(main())
