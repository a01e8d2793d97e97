"""The fault matrix of the store: locks held by other processes, a full disk, damaged and
misplaced data folders, file permissions. Real SQLite files, real processes, a real (small)
file system where the machine lets us mount one."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui import cli
from genglossary_gui.cli import common as cli_common
from genglossary_gui.cli.common import _Progress
from genglossary_gui.entry import own_command
from genglossary_gui.pipeline.context import RunContext
from genglossary_gui.pipeline.data import Entry
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import database, transitions
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import (
    DB_FILENAME,
    DISK_FULL,
    DatabaseDamaged,
    DatabaseError,
    db,
    explain,
    init_db,
)
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import Project, Run
from genglossary_gui.store.owner import current_owner
from tests.helpers import write_lock
from tests.runs.conftest import ManagerFactory, make_manager

__all__ = ["make_manager"]

EN_DOCS = Path(__file__).resolve().parents[1] / "data" / "glossary_en"

_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


class LockHolder:
    """Another process holding the database's write lock for ``seconds``."""

    def __init__(self, data_dir: Path, seconds: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(data_dir / DB_FILENAME), str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def wait(self) -> None:
        self.process.wait(60)
        assert self.process.stdout is not None
        self.process.stdout.close()


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- locks --------------------------------------------------------------------------------------


def test_a_long_lock_at_completion_never_loses_the_finished_run(
    tmp_path: Path, qtbot: QtBot, make_manager: ManagerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock as the run ends, for longer than any fixed retry
    budget would wait: the run still ends completed, its glossary becomes current, the user is
    told it is waiting, and nobody marks it interrupted meanwhile."""
    data = Path(db.database).parent
    init_db(data, busy_timeout_ms=20)
    monkeypatch.setattr(transitions, "FINAL_WRITE_MAX_DELAY_S", 0.05)
    project = repo.create_project("P")
    holders: list[LockHolder] = []

    def pipeline(project_id: int, scope: str, ctx: RunContext) -> str:
        assert ctx.run_id is not None
        entry = Entry("WAL", "en", "A log written before the data.", "definition")
        repo.save_entries(project_id, ctx.run_id, "provisional", [entry])
        holders.append(LockHolder(data, 4.0))  # from now until well after we return
        return "1 entry"

    manager = make_manager(pipeline)
    waiting: list[str] = []
    manager.run_log.connect(lambda _r, _level, _step, message: waiting.append(message))
    run_id = manager.start_run(project, "generate")
    qtbot.waitUntil(lambda: any("Waiting to record" in m for m in waiting), timeout=10_000)
    # Meanwhile a read-only command from another process works and sees the run running:
    # opening the folder takes no write lock, and recovery leaves a live owner's run alone.
    seen = subprocess.run(
        own_command("--data-dir", str(data), "runs"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert seen.returncode == 0, seen.stderr
    assert "running" in seen.stdout
    with qtbot.waitSignal(manager.run_finished, timeout=20_000):
        pass
    holders[0].wait()
    run = Run.get_by_id(run_id)
    assert (run.status, run.summary) == ("completed", "1 entry")
    assert repo.current_run(project) == run_id
    assert any("Waiting to record the run as completed" in m for m in waiting)
    assert any(m.startswith("Recording the final status took") for m in waiting)


def test_concurrent_runs_of_different_projects_wait_their_turn(
    tmp_path: Path, qtbot: QtBot, make_manager: ManagerFactory
) -> None:
    """Four projects extract at once with a tiny busy timeout: every write has to wait for
    the others, and every run completes (none fails with "database is locked")."""
    data = Path(db.database).parent
    init_db(data, busy_timeout_ms=5)
    from tests.glossary_runs import run_to_completion

    projects = [repo.create_project(f"p{i}", [str(EN_DOCS)]) for i in range(4)]
    for project in projects:
        run_to_completion(project, "import")
    manager = make_manager(run_scope_here, max_threads=4)
    runs = [manager.start_run(project, "extract") for project in projects]
    qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=60_000)
    statuses = {r.id: (r.status, r.error) for r in Run.select().where(Run.id.in_(runs))}
    assert all(status == "completed" for status, _ in statuses.values()), statuses


def test_a_step_process_waits_out_a_lock_longer_than_the_busy_timeout(
    data_dir: Path, qtbot: QtBot, make_manager: ManagerFactory
) -> None:
    """A real step process whose write meets another process's lock held for longer than
    SQLite's busy timeout (5 s) waits, says so in the run's log, and completes."""
    from tests.glossary_runs import run_to_completion

    project = repo.create_project("P", [str(EN_DOCS)])
    run_to_completion(project, "import")
    manager = make_manager()  # the real pipeline: a child process per run
    lines: list[str] = []
    manager.run_log.connect(lambda _r, _level, _step, message: lines.append(message))
    run_id = manager.start_run(project, "extract")
    # Taken as the step process starts: its term write (about a second later) meets it.
    qtbot.waitUntil(lambda: Run.get_by_id(run_id).status == "running", timeout=10_000)
    holder = LockHolder(data_dir, 9.0)  # past the busy timeout even if the write comes late
    with qtbot.waitSignal(manager.run_finished, timeout=60_000):
        pass
    holder.wait()
    run = Run.get_by_id(run_id)
    assert run.status == "completed", run.error
    assert any("database is busy" in line for line in lines), lines


def test_read_only_commands_work_under_a_writer_and_writes_say_busy(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "DEFAULT_BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(cli_common, "WRITE_PATIENCE_S", 0.3)
    project = repo.create_project("Demo")
    repo.replace_candidate_terms(project, [repo.TermRecord("storage engine", "en", 1.0, 2, 1)])
    run_id = transitions.create_run(project, "extract", current_owner())
    transitions.mark_running(run_id)
    transitions.mark_failed(run_id, "it broke")
    db.close()
    d = str(data_dir)
    with write_lock(data_dir):
        for command in (["runs"], ["log", str(run_id)], ["project", "list"]):
            code, _out, err = _cli(capsys, "--data-dir", d, *command)
            assert code == 0, (command, err)
        assert "it broke" in _cli(capsys, "--data-dir", d, "runs")[1]
        for command in (
            ["project", "create", "Other"],
            ["mark", "Demo", "storage engine", "--require"],
            ["project", "set", "Demo", "--engine", "builtin"],
        ):
            code, _out, err = _cli(capsys, "--data-dir", d, *command)
            assert code == 1, command
            assert "database is busy" in err, err
            assert "Traceback" not in err and "OperationalError" not in err
    # Once the lock is gone, the same write goes through.
    assert _cli(capsys, "--data-dir", d, "project", "create", "Other")[0] == 0


def test_opening_is_read_only_when_nothing_needs_migrating(data_dir: Path) -> None:
    db.close()
    with write_lock(data_dir):
        # Another process writes; opening (version check included) still succeeds at once.
        started = time.monotonic()
        open_data_folder(data_dir, busy_timeout_ms=2000)
        assert time.monotonic() - started < 1.5
        db.close()


# -- a full disk --------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system of its own (tmpfs), where the machine allows mounting one."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root on Linux")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        db.close()
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path, leave_bytes: int) -> Path:
    """Fill the disk, then free ``leave_bytes``: what a nearly full disk looks like."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave_bytes))
    return filler


def test_a_full_disk_is_said_in_plain_words_and_the_true_outcome_is_kept(
    small_disk: Path,
    tmp_path: Path,
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from genglossary_gui.runs.manager import RunManager
    from tests.glossary_runs import run_to_completion

    data = small_disk / "data"
    open_data_folder(data)
    project = repo.create_project("P", [str(EN_DOCS)])
    run_to_completion(project, "import")
    filler = _fill(small_disk, 16 * 1024)
    manager = RunManager(pipeline=run_scope_here)
    lines: list[str] = []
    manager.run_log.connect(lambda _r, _level, _step, message: lines.append(message))
    try:
        run_id = manager.start_run(project, "full")
        qtbot.waitUntil(
            lambda: not manager.active_run_ids() or any("Waiting to record" in m for m in lines),
            timeout=60_000,
        )
        if manager.active_run_ids():
            filler.unlink()  # the user frees some space: the outcome is recorded then
            qtbot.waitUntil(lambda: not manager.active_run_ids(), timeout=30_000)
    finally:
        assert manager.shutdown(10_000)
    run = Run.get_by_id(run_id)
    assert run.status == "failed"
    assert run.error == DISK_FULL
    assert "Interrupted" not in run.error and "rollback" not in run.error
    db.close()
    # With the disk still (or again) full, reading commands work and writes say why not.
    if not filler.exists():
        _fill(small_disk, 0)
    d = str(data)
    code, out, err = _cli(capsys, "--data-dir", d, "runs")
    assert code == 0, err
    assert "disk is full" in out
    code, _out, err = _cli(capsys, "--data-dir", d, "project", "create", "Q")
    assert code == 1 and "disk is full" in err and "Traceback" not in err
    code, _out, err = _cli(
        capsys, "--data-dir", d, "export", "P", "--output", str(tmp_path / "g.md")
    )
    assert code == 1 and "no glossary" in err.lower()


def test_disk_full_is_not_hidden_by_a_failed_rollback(data_dir: Path) -> None:
    """SQLite rolls back by itself when the disk is full; the error the user sees must be
    the disk, not "cannot rollback - no transaction is active"."""
    project = repo.create_project("P")
    db.execute_sql("PRAGMA max_page_count = 1")  # this connection cannot grow the file
    records = [repo.TermRecord(f"term {i} " + "x" * 200, "en", 1.0, 2, 1) for i in range(2000)]
    with pytest.raises(peewee.OperationalError) as info:
        repo.replace_candidate_terms(project, records)
    assert "full" in str(info.value)
    assert explain(info.value) == DISK_FULL
    db.close()


# -- damaged and misplaced data folders ---------------------------------------------------------


def test_a_data_dir_that_is_a_file_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "data.txt"
    not_a_folder.write_text("hello", encoding="utf-8")
    code, _out, err = _cli(capsys, "--data-dir", str(not_a_folder), "runs")
    assert code == 1
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert not_a_folder.read_text(encoding="utf-8") == "hello"


def test_a_missing_parent_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "not" / "yet" / "there"
    assert _cli(capsys, "--data-dir", str(target), "project", "list")[0] == 0
    assert (target / DB_FILENAME).is_file()
    db.close()


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_a_damaged_database_is_kept_and_a_new_one_can_be_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    data = tmp_path / "data"
    path = data / DB_FILENAME
    if damage == "random bytes":
        data.mkdir()
        path.write_bytes(os.urandom(64 * 1024))
    else:
        open_data_folder(data)
        project = repo.create_project("P")
        repo.save_documents(
            project,
            [
                repo.DocumentRecord(f"d{i}.md", "text " * 4000, f"h{i}", "UTF-8", "en", 1)
                for i in range(40)
            ],
        )
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 3)
    damaged = path.read_bytes()
    code, _out, err = _cli(capsys, "--data-dir", str(data), "runs")
    assert code == 1
    assert "is damaged" in err and "genglossary database new" in err
    assert "Traceback" not in err
    assert path.read_bytes() == damaged  # left exactly as it was
    with pytest.raises(DatabaseDamaged):
        init_db(data)
    code, _out, err = _cli(capsys, "--data-dir", str(data), "database", "new")
    assert code == 0, err
    kept = [p for p in data.iterdir() if p.name.startswith("genglossary.damaged-")]
    assert [p.read_bytes() for p in kept if p.suffix == ".sqlite3"] == [damaged]
    assert _cli(capsys, "--data-dir", str(data), "project", "create", "Fresh")[0] == 0
    db.close()


def test_database_new_refuses_a_healthy_database_without_force(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.create_project("Keep me")
    db.close()
    code, _out, err = _cli(capsys, "--data-dir", str(data_dir), "database", "new")
    assert code == 1 and "not damaged" in err
    _cli(capsys, "--data-dir", str(data_dir), "project", "list")
    assert [p.name for p in repo.list_projects()] == ["Keep me"]
    db.close()


def test_the_window_offers_a_new_database_beside_a_damaged_one(
    tmp_path: Path, qtbot: QtBot
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    from genglossary_gui.app import _open_or_explain

    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILENAME).write_bytes(b"not a database" * 1000)
    answered: list[str] = []

    def answer() -> None:
        # Answer whatever box is open: the damaged-database question, then its confirmation.
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        box = next((b for b in boxes if b.isVisible()), None)
        if box is not None:
            answered.append(box.text())
            buttons = {b.text().replace("&", ""): b for b in box.findChildren(QPushButton)}
            buttons.get("Start a New Database", buttons.get("OK", box.defaultButton())).click()
        if len(answered) < 2:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)
    opened = _open_or_explain(str(data))
    assert opened == data.resolve()
    assert "damaged" in answered[0]
    assert any(p.name.startswith("genglossary.damaged-") for p in data.iterdir())
    assert repo.list_projects() == []
    db.close()


# -- privacy --------------------------------------------------------------------------------------


def test_the_data_folder_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "new-data"
    open_data_folder(data)
    repo.create_project("P")  # the -wal and -shm files exist now
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    db.close()


def test_an_older_world_readable_database_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_data_folder(data)
    db.close()
    (data / DB_FILENAME).chmod(0o644)
    open_data_folder(data)
    assert stat.S_IMODE((data / DB_FILENAME).stat().st_mode) == 0o600
    db.close()


# -- stored text on the terminal ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["two\nlines", "esc\x1b]0;title\x07", "tab\there", "rtl\u202eabc"])
def test_project_names_with_control_characters_are_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    with pytest.raises(ValueError, match="control characters"):
        repo.create_project(name)
    code, _out, err = _cli(capsys, "--data-dir", str(data_dir), "project", "create", name)
    assert code == 1 and "control characters" in err
    assert "\x1b" not in err
    assert Project.select().count() == 0


def test_stored_text_cannot_steer_the_terminal_or_forge_lines(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Rows written by an older version (or another tool), bypassing today's checks.
    project = Project.create(
        name="evil\x1b[2J\nforged\tproject", sources=json.dumps(["/x\x1b]0;t\x07"])
    )
    run_id = transitions.create_run(project.id, "import", current_owner())
    transitions.mark_running(run_id)
    repo.append_logs(
        run_id,
        [repo.LogEntry("warning", "import", "Skipped a\n2026-01-01 00:00:00 FAKE\x1b[31m.md", 1.0)],
    )
    transitions.mark_failed(run_id, "bad \x1b[2J name")
    db.close()
    d = str(data_dir)
    outputs = []
    for command in (["project", "list"], ["runs"], ["log", str(run_id)]):
        code, out, err = _cli(capsys, "--data-dir", d, *command)
        assert code == 0, err
        outputs.append(out)
        assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in outputs[0] and len(outputs[0].splitlines()) == 1
    log_lines = outputs[2].splitlines()
    # The stored newline is kept, but the forged line is indented: it cannot pass for ours.
    assert any(line.startswith("    2026-01-01 00:00:00 FAKE") for line in log_lines)
    assert not any(line.startswith("2026-01-01 00:00:00 FAKE") for line in log_lines)


def test_stored_errors_keep_server_addresses(data_dir: Path) -> None:
    run_id = transitions.create_run(repo.create_project("P"), "full", current_owner())
    transitions.mark_failed(
        run_id,
        "http://127.0.0.1:8080/v1 did not answer; see /home/alice/private/notes.md, "
        "path:/home/alice/plan.md and sqlite:////home/alice/db.sqlite3",
    )
    error = Run.get_by_id(run_id).error
    assert "http://127.0.0.1:8080/v1 did not answer" in error
    assert "/home/alice" not in error
    assert "notes.md" in error and "plan.md" in error and "db.sqlite3" in error


def test_quiet_keeps_transcripts_off_the_terminal() -> None:
    import io

    stream = io.StringIO()
    progress = _Progress(stream, quiet=True)
    progress.log("transcript", "prompt: define WAL")
    progress.log("info", "Extracting terms")
    progress.log("warning", "1 of 5 terms failed")
    assert stream.getvalue() == "warning: 1 of 5 terms failed\n"
    loud = io.StringIO()
    _Progress(loud, quiet=False).log("transcript", "prompt: define WAL")
    assert "prompt: define WAL" in loud.getvalue()


@pytest.mark.slow
def test_a_project_named_like_an_option_runs_in_the_background(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(EN_DOCS, docs)
    repo.create_project("-x", [str(docs)])
    db.close()
    code, out, err = _cli(
        capsys, "--data-dir", str(data_dir), "run", "--scope", "import", "--", "-x"
    )
    assert code == 0, err
    run_id = int(out.strip())
    deadline = time.monotonic() + 60
    status = "pending"
    while time.monotonic() < deadline:
        with db.connection_context():
            status = Run.get_by_id(run_id).status
        if status not in ("pending", "running"):
            break
        threading.Event().wait(0.1)
    assert status == "completed"
    with db.connection_context():
        assert repo.document_ids(repo.project_by_name("-x").id)


def test_database_errors_never_reach_the_user_as_tracebacks(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever store error escapes a command is said in plain words."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise peewee.OperationalError("disk I/O error")

    monkeypatch.setattr(repo, "list_projects", broken)
    code, _out, err = _cli(capsys, "--data-dir", str(data_dir), "project", "list")
    assert code == 1
    assert "disk reported an error" in err and "Traceback" not in err
    with pytest.raises(DatabaseError):
        init_db(data_dir / DB_FILENAME)  # a file where a folder should be


def test_a_final_write_that_time_cannot_cure_gives_up(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only or vanished data folder does not heal by waiting: after a few attempts the
    write gives up (the row is left to recovery) instead of looping forever."""
    run_id = transitions.create_run(repo.create_project("P"), "full", current_owner())
    transitions.mark_running(run_id)
    calls = []

    def read_only(run: int, outcome: transitions.Outcome) -> transitions.TransitionResult:
        calls.append(run)
        raise peewee.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(transitions, "_write_outcome", read_only)
    with pytest.raises(transitions.FinalizeError):
        transitions.finalize_run(
            run_id, transitions.Outcome(transitions.RunStatus.COMPLETED), first_delay_s=0.001
        )
    assert len(calls) == transitions.FINAL_WRITE_OTHER_ATTEMPTS


def test_database_new_sees_damage_deeper_than_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    open_data_folder(data)
    project = repo.create_project("P")
    repo.save_documents(
        project,
        [
            repo.DocumentRecord(f"d{i}.md", "text " * 4000, f"h{i}", "UTF-8", "en", 1)
            for i in range(40)
        ],
    )
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path = data / DB_FILENAME
    with path.open("r+b") as f:  # scribble over pages in the middle, keep the header
        f.seek(path.stat().st_size // 2)
        f.write(os.urandom(64 * 1024))
    code, _out, err = _cli(capsys, "--data-dir", str(data), "database", "new")
    assert code == 0, err
    assert any(p.name.startswith("genglossary.damaged-") for p in data.iterdir())
    db.close()


def test_exactly_the_allowed_share_of_failures_passes() -> None:
    from genglossary_gui.engines.model import Tally

    tally = Tally(total=100, failed=[(f"t{i}", "x") for i in range(29)])
    assert not tally.too_many_failed(0.29)  # 0.29 * 100 is 28.999… in floating point
    tally.failed.append(("t29", "x"))
    assert tally.too_many_failed(0.29)
    assert "30 of 100 terms (30.0%; at most 29% allowed): t0, t1, t2 and 27 more" in (
        tally.failure_report("terms", 0.29)
    )


def test_an_existing_data_folder_of_ours_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_data_folder(data)
    db.close()
    data.chmod(0o755)
    open_data_folder(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    db.close()
    other = tmp_path / "shared"
    other.mkdir(mode=0o755)
    other.chmod(0o755)
    open_data_folder(other)  # a folder that was not ours: its permissions are the user's
    assert stat.S_IMODE(other.stat().st_mode) == 0o755
    db.close()
