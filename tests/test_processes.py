"""Several processes on one data folder: crashes, cross-process cancel, Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genglossary_gui.entry import own_command
from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.steps import import_documents
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import db, integrity_ok
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import Document, Run
from genglossary_gui.store.owner import current_owner
from tests.corpus import write_corpus
from tests.helpers import raw_status

pytestmark = pytest.mark.slow


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Poll a condition (another process's progress cannot be signalled to us)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def cli(data_dir: Path, *args: str) -> list[str]:
    return own_command("--data-dir", str(data_dir), *args)


@pytest.fixture
def big_project(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A data folder with a project whose extraction takes seconds (12 MB of English)."""
    docs = tmp_path / "docs"
    write_corpus(docs, files=3, chars_per_file=4_000_000)
    data = tmp_path / "data"
    open_data_folder(data)
    project = repo.create_project("Big", [str(docs)])
    import_documents(project, docs, RunContext())
    db.close()
    yield data, project
    db.close()


def _running_run(data: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(data / "genglossary.sqlite3")
    try:
        row = conn.execute(
            "SELECT id FROM run WHERE status='running' AND progress_done > 0"
        ).fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def _start_extract(data: Path) -> tuple[subprocess.Popen[str], int]:
    child = subprocess.Popen(
        cli(data, "run", "Big", "--scope", "extract", "--wait", "--quiet"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group, like a command in a terminal: Ctrl+C goes to the group.
        start_new_session=True,
    )
    run_id = 0

    def running() -> bool:
        nonlocal run_id
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        run_id = _running_run(data)
        return bool(run_id)

    wait_for(running, what="the child's run to be running")
    return child, run_id


def test_crash_mid_run_is_recovered_by_next_process(big_project: tuple[Path, int]) -> None:
    data, project = big_project
    open_data_folder(data)
    hashes_before = repo.existing_hashes(project)
    db.close()
    child, run_id = _start_extract(data)
    try:
        # While its owner lives, nobody may mark the run interrupted.
        open_data_folder(data)
        assert transitions.mark_interrupted_runs(current_owner()) == []
        assert Run.get_by_id(run_id).status == "running"
        db.close()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert raw_status(data, run_id) == "running"  # committed as running; nobody fixed it yet
    # The next process to open the folder notices.
    out = subprocess.run(cli(data, "runs", "Big"), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"run {run_id} was interrupted" in out.stderr
    assert "Interrupted" in out.stdout
    open_data_folder(data)
    run = Run.get_by_id(run_id)
    assert run.status == "failed" and run.error.startswith("Interrupted")
    assert integrity_ok()
    assert repo.existing_hashes(project) == hashes_before
    assert Document.select().count() == 3


def test_cancel_from_another_process(big_project: tuple[Path, int]) -> None:
    data, _ = big_project
    child, run_id = _start_extract(data)
    try:
        out = subprocess.run(
            cli(data, "cancel", str(run_id)), capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        assert f"Run {run_id} cancelled." in out.stdout
        assert child.wait(30) == 130
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert raw_status(data, run_id) == "cancelled"


def test_ctrl_c_during_wait_cancels_the_run(big_project: tuple[Path, int]) -> None:
    data, _ = big_project
    child, run_id = _start_extract(data)
    try:
        # What the terminal does on Ctrl+C: the signal goes to the whole foreground group.
        os.killpg(os.getpgid(child.pid), signal.SIGINT)
        assert child.wait(30) == 130
        _, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
    assert f"Run {run_id} cancelled." in err
    assert raw_status(data, run_id) == "cancelled"
