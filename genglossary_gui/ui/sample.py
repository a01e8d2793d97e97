"""The sample project: a small bilingual folder bundled with the application (three English
notes on rainwater harvesting, two Japanese on sake brewing), copied into the data folder so
that a new user sees a whole run end in a glossary within seconds."""

from __future__ import annotations

import shutil
from pathlib import Path

from genglossary_gui.resources import resource

#: The bundled documents (resources/sample/docs); resources/sample/README.md stays behind.
SAMPLE_DOCS = ("sample", "docs")
#: Where copies go, inside the data folder.
SAMPLES_FOLDER = "samples"


def sample_source() -> Path:
    return resource(*SAMPLE_DOCS)


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base 2``, ``base 3``… the first no project has."""
    if base not in taken:
        return base
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"


def copy_sample(data_dir: Path, name: str) -> Path:
    """Copy the sample documents into ``data_dir/samples/<name>`` (a fresh folder: the user
    may edit or delete them freely); returns the folder."""
    source = sample_source()
    if not source.is_dir():
        raise FileNotFoundError(f"The sample documents are not in this installation ({source}).")
    target = data_dir / SAMPLES_FOLDER / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target
