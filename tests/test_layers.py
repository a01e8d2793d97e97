"""The code's shape, checked with the tests so that CI fails on a violation: the packages'
layers (import-linter, contracts in pyproject.toml) and a ceiling on function complexity
(ruff's C901), where every exception says why."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_packages_import_only_the_layers_below(tmp_path: Path) -> None:
    import logging

    from importlinter.cli import lint_imports

    # import-linter configures logging with dictConfig, which disables every logger that
    # exists: put them back for the tests that follow (the log file's among them).
    loggers = [logging.getLogger(name) for name in logging.root.manager.loggerDict]
    enabled = [logger for logger in loggers if not logger.disabled]
    code = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), cache_dir=str(tmp_path), no_logo=True
    )
    for logger in enabled:
        logger.disabled = False
    assert code == 0, "an import crosses the layers; `uv run lint-imports` names it"


def test_no_function_is_too_complex() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "C901",
            "--output-format",
            "concise",
            "genglossary_gui",
            "tests",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_complexity_exception_gives_its_reason() -> None:
    unexplained = []
    for path in [*ROOT.glob("genglossary_gui/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "noqa: C901" in line and not re.search(r"noqa: C901 -- \w", line):
                unexplained.append(f"{path.relative_to(ROOT)}:{number}")
    assert unexplained == []
