"""Every command the README shows works: each `uv run genglossary …` line of its Command line
section is run, in order, with the installed `genglossary` on a temporary data folder (the
placeholders filled in: folders of real documents, the run ids the commands print)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from genglossary_gui.entry import own_command
from genglossary_gui.store.database import DB_FILENAME

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

pytestmark = pytest.mark.slow


def readme_commands() -> list[list[str]]:
    """The argument lists of the README's `uv run genglossary …` lines, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    commands = []
    for line in section.splitlines():
        if line.startswith("uv run genglossary "):
            words = shlex.split(line, comments=True)
            commands.append(words[3:])  # after "uv run genglossary"
    return commands


def test_the_readme_shows_the_commands_this_test_runs() -> None:
    names = [c[0] if c[0] != "project" else f"project {c[1]}" for c in readme_commands()]
    assert len(names) >= 15
    for name in ("project create", "run", "cancel", "mark", "generate", "export", "promote"):
        assert name in names


def test_every_readme_command_works(tmp_path: Path) -> None:
    some = tmp_path / "some-folder"
    shutil.copytree(DATA / "glossary_en", some)
    more = tmp_path / "more-docs"
    more.mkdir()
    (more / "replication.md").write_text(
        "# Replication\n\nA replica is a copy of the database that follows the primary.\n",
        encoding="utf-8",
    )
    genglossary = own_command()
    env = {**os.environ, "GENGLOSSARY_DATA_DIR": str(tmp_path / "data")}
    background_run: str | None = None
    full_run: str | None = None
    for shown_args in readme_commands():
        args = [
            a.replace("./some-folder", str(some)).replace("./more-docs", str(more))
            for a in shown_args
        ]
        if "RUN_ID" in args:
            run_id = background_run if args[0] in ("cancel", "log") else full_run
            assert run_id is not None, f"no run id for {args}"
            args = [run_id if a == "RUN_ID" else a for a in args]
        if args == ["database", "new"]:  # for a damaged database: damage it first
            for path in (tmp_path / "data").glob(f"{DB_FILENAME}*"):
                path.write_bytes(b"not a database" * 1000)
        proc = subprocess.run(
            [*genglossary, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        shown = f"genglossary {shlex.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        if args[:2] == ["cancel", background_run]:
            # The background run may have ended already: "had already finished" is an answer.
            assert proc.returncode in (0, 1), shown
        else:
            assert proc.returncode == 0, shown
        if args[0] == "run" and "--wait" in args:
            full_run = _latest_run(genglossary, env, "completed")
        elif args[0] == "run":
            background_run = proc.stdout.strip().split()[-1]
            assert re.fullmatch(r"\d+", background_run), shown
        elif args[0] == "cancel":
            _wait_until_idle(genglossary, env)
    assert any(p.name.startswith("genglossary.damaged-") for p in (tmp_path / "data").iterdir())
    assert (tmp_path / "glossary.md").read_text(encoding="utf-8").count("\n## ") >= 5
    assert "<conceptEntry" in (tmp_path / "glossary.tbx").read_text(encoding="utf-8")


def _runs(genglossary: list[str], env: dict[str, str]) -> list[list[str]]:
    out = subprocess.run(
        [*genglossary, "runs", "Demo"], env=env, capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in out.splitlines()[1:] if line.strip()]


def _latest_run(genglossary: list[str], env: dict[str, str], status: str) -> str:
    return next(r[0] for r in _runs(genglossary, env) if status in r)


def _wait_until_idle(genglossary: list[str], env: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while any("running" in r or "pending" in r for r in _runs(genglossary, env)):
        assert time.monotonic() < deadline, "the background run did not end"
        time.sleep(0.2)
