"""Where the application's bundled files are: icons, translations, the sample project.

In a source checkout (and an editable install, as ``uv run`` makes) they are the top-level
``resources/`` folder; in a PyInstaller bundle they are ``resources/`` inside the bundle's
data folder (``sys._MEIPASS``); in a wheel installed normally they are packed into the
package as ``genglossary_gui/_resources`` (``[tool.hatch.build]`` in pyproject.toml).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding ``icons/``, ``i18n/`` and ``sample/``."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    package = Path(__file__).resolve().parent
    packed = package / "_resources"
    if packed.is_dir():
        return packed
    return package.parent / "resources"


def resource(*parts: str) -> Path:
    """A bundled file, e.g. ``resource("icons", "genglossary.svg")``."""
    return resources_dir().joinpath(*parts)
