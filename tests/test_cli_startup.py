"""The quick commands start with the store alone: no model clients, no Qt, no pipeline.

The figures (median of 10 warm starts, import offenders) are in tests/bench/bench_cli.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from genglossary_gui.pipeline.steps import SCOPES
from genglossary_gui.vocabulary import Scope

#: What none of the quick commands may import: the model clients and what they bring
#: (httpx, asyncio, pydantic), the window's toolkit, the Japanese tokenizer, and the
#: pipeline and engines with their dictionaries (simplemma alone took 60 ms).
HEAVY = (
    "httpx",
    "asyncio",
    "pydantic",
    "PySide6",
    "sudachipy",
    "simplemma",
    "json_repair",
    "genglossary_gui.pipeline",
    "genglossary_gui.engines",
    "genglossary_gui.runs",
    "genglossary_gui.llm",
)

_WRAPPER = """
import json, sys
from genglossary_gui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _modules_of(*args: str, cwd: Path) -> tuple[int, set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("cancel", "999999"), 1),  # an unknown run: the store is opened all the same
        (("runs",), 0),
        (("log", "999999"), 1),
    ],
)
def test_quick_commands_import_nothing_heavy(
    data_dir: Path, tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    returned, modules, output = _modules_of("--data-dir", str(data_dir), *args, cwd=tmp_path)
    assert returned == code, output
    assert "genglossary_gui.store.database" in modules  # it did open the store
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == [], f"genglossary {' '.join(args)} imported {loaded}"


def test_the_command_line_offers_every_scope_of_the_pipeline() -> None:
    """The parser takes the scopes from the vocabulary (not from the pipeline, which every
    command would then import): the same scopes, in the same order."""
    assert list(Scope) == list(SCOPES)
