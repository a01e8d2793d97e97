"""Steps run in a child process: results, progress, cancel, failures."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from genglossary_gui.pipeline.context import Cancelled, CancelToken, RunContext
from genglossary_gui.pipeline.steps import StepError
from genglossary_gui.runs.process import ChildProcessError, run_scope_isolated
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.owner import current_owner
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.helpers import MemoryKeyring
from tests.pipeline.test_documents import RecordingReporter
from tests.pipeline.test_extract import EN_DOC, JA_DOC


def test_child_imports_and_extracts_with_progress(data_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "en.md").write_text(EN_DOC)
    (docs / "ja.txt").write_text(JA_DOC)
    project = repo.create_project("p", [str(docs)])
    reporter = RecordingReporter()
    assert run_scope_isolated(project, "import", RunContext(reporter=reporter)).startswith(
        "Documents: 2 added"
    )
    summary = run_scope_isolated(project, "extract", RunContext(reporter=reporter))
    assert summary.endswith("terms")
    texts = [t.text for t in repo.ranked_terms(project)]
    assert "machine learning" in texts and "形態素解析器" in texts
    # Japanese log lines and progress crossed the process boundary intact.
    assert any("形態素解析器" in m for _, m in reporter.lines)
    assert reporter.progress_calls[-1][0] == "extract"
    done, total = reporter.progress_calls[-1][1:]
    assert done == total > 0


def test_cancel_stops_the_child_promptly(data_dir: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs", files=1, chars_per_file=6_000_000)
    project = repo.create_project("p", [str(tmp_path / "docs")])
    run_scope_isolated(project, "import", RunContext())
    token = CancelToken()
    started = threading.Event()

    class Watch(RecordingReporter):
        def progress(self, step: str, done: int, total: int) -> None:
            if step == "extract" and done > 0:
                started.set()

    threading.Thread(target=lambda: started.wait(60) and token.cancel()).start()
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        run_scope_isolated(project, "extract", RunContext(token, Watch()))
    assert time.monotonic() - t0 < 30
    assert repo.ranked_terms(project) == []  # nothing half-written


def test_step_errors_and_crashes_are_reported(data_dir: Path, tmp_path: Path) -> None:
    project = repo.create_project("p")
    with pytest.raises(StepError, match="no terms to define yet"):
        run_scope_isolated(project, "generate", RunContext(run_id=1))
    with pytest.raises(StepError, match="no documents"):
        run_scope_isolated(project, "extract", RunContext())
    # An unexpected exception in the child: its type and message, the traceback in the log.
    (tmp_path / "a-file").write_text("")
    reporter = RecordingReporter()
    with pytest.raises(StepError, match="Error"):
        run_scope_isolated(
            project,
            "extract",
            RunContext(reporter=reporter),
            database=str(tmp_path / "a-file" / "x.sqlite3"),
        )
    assert any(level == "error" and "Traceback" in m for level, m in reporter.lines)


def test_child_that_dies_is_reported(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = repo.create_project("p")
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a child that exits at once
    with pytest.raises(ChildProcessError, match=r"stopped unexpectedly \(exit code 1\)"):
        run_scope_isolated(project, "extract", RunContext())


def test_child_cancels_itself_when_its_parent_goes_away(data_dir: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs", files=1, chars_per_file=6_000_000)
    project = repo.create_project("p", [str(tmp_path / "docs")])
    run_scope_isolated(project, "import", RunContext())
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genglossary_gui.runs.process",
            "--database",
            str(data_dir / DB_FILENAME),
            "--project",
            str(project),
            "--scope",
            "extract",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    for line in child.stdout:
        if '"progress": ["extract"' in line:
            break
    child.stdin.close()  # what the parent's death looks like from here
    out = child.stdout.read()
    assert child.wait(30) == 0
    child.stdout.close()
    assert '"cancelled": true' in out


def test_child_flooding_stderr_does_not_hang(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in child: 300 kB of warnings on stderr (several pipe buffers), then its answer.
    script = tmp_path / "noisy-child"
    script.write_text(
        "#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' 'w' >&2\necho >&2\n"
        'echo \'{"done": "ok"}\'\n'
    )
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script))
    assert run_scope_isolated(repo.create_project("p"), "extract", RunContext()) == "ok"


def test_failure_while_relaying_stops_the_child(data_dir: Path, tmp_path: Path) -> None:
    from genglossary_gui.runs import process as isolated

    write_corpus(tmp_path / "docs", files=1, chars_per_file=6_000_000)
    project = repo.create_project("p", [str(tmp_path / "docs")])
    run_scope_isolated(project, "import", RunContext())

    class Broken(RecordingReporter):
        def progress(self, step: str, done: int, total: int) -> None:
            if step == "extract" and done > 0:
                raise RuntimeError("the window went away")

    with pytest.raises(RuntimeError, match="the window went away"):
        run_scope_isolated(project, "extract", RunContext(reporter=Broken()))
    assert isolated._children == set()  # stopped and reaped, not left running
    assert repo.ranked_terms(project) == []


def test_a_child_stopped_because_of_a_cancel_counts_as_cancelled(
    data_dir: Path, tmp_path: Path
) -> None:
    """Quitting (or a second Ctrl+C) terminates a child that has not stopped yet: the run
    stopped early because of the cancel, not "unexpectedly (exit code -15)"."""
    from genglossary_gui.runs.process import terminate_children

    write_corpus(tmp_path / "docs", files=1, chars_per_file=6_000_000)
    project = repo.create_project("p", [str(tmp_path / "docs")])
    run_scope_isolated(project, "import", RunContext())
    token = CancelToken()
    started = threading.Event()

    class Watch(RecordingReporter):
        def progress(self, step: str, done: int, total: int) -> None:
            if step == "extract" and done > 0:
                started.set()

    def quit_now() -> None:
        if started.wait(60):
            # The token is set but the child is stopped before it could answer, as when
            # shutdown's grace period is over (set directly: its "cancel" line is not sent).
            token._event.set()
            terminate_children()

    threading.Thread(target=quit_now).start()
    with pytest.raises(Cancelled):
        run_scope_isolated(project, "extract", RunContext(token, Watch()))


def test_step_processes_start_the_applications_own_entry_point(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed: the ``genglossary`` script beside the interpreter; frozen: the bundle's
    own executable; both with the same arguments (no ``-m``, no source checkout). Without
    either, the interpreter calls the same ``cli.main``, and that command works."""
    from genglossary_gui import entry

    script = entry.installed_script()
    assert script is not None and script.parent == Path(sys.executable).parent
    assert entry.own_command(entry.STEP_COMMAND, "--scope", "x")[:2] == [
        str(script),
        entry.STEP_COMMAND,
    ]
    monkeypatch.setattr(entry, "installed_script", lambda: None)
    bare = entry.own_command("--help")
    assert bare[0] == sys.executable and "-m" not in bare
    done = subprocess.run(bare, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "keep-apart" in done.stdout
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/GenGlossary/genglossary")
    assert entry.own_command(entry.STEP_COMMAND, "--scope", "x") == [
        "/opt/GenGlossary/genglossary",
        entry.STEP_COMMAND,
        "--scope",
        "x",
    ]


@pytest.mark.parametrize("reaped", [False, True], ids=["as-it-exits", "after-it-was-reaped"])
def test_a_cancel_that_comes_after_the_step_process_ended_is_harmless(
    data_dir: Path, tmp_path: Path, reaped: bool
) -> None:
    """The user clicks Cancel as the run ends: the pipe to the finished child is broken (it
    is exiting) or already closed (it was reaped), and the click must not raise into
    whoever cancelled (the window, the quit)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "en.md").write_text(EN_DOC)
    project = repo.create_project("p", [str(docs)])
    token = CancelToken()
    run_scope_isolated(project, "import", RunContext(token, RecordingReporter()))
    if reaped:
        for reaper in [t for t in threading.enumerate() if t.name == "step-reaper"]:
            reaper.join(30)
            assert not reaper.is_alive(), "the step process was never reaped"
    assert token.cancel() is True  # no error from the finished run's cancel hook


@pytest.mark.parametrize(
    ("system", "option"), [("posix", "start_new_session"), ("nt", "creationflags")]
)
def test_the_step_process_gets_its_own_group_on_each_system(
    monkeypatch: pytest.MonkeyPatch, system: str, option: str
) -> None:
    """Ctrl+C in a terminal must reach the command line, not the step: a new session on
    POSIX, a new process group (and no console window) on Windows."""
    from genglossary_gui.runs import process

    monkeypatch.setattr(process.os, "name", system)
    # Windows' flag values, where this system lacks them.
    monkeypatch.setattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200, raising=False)
    monkeypatch.setattr(subprocess, "CREATE_NO_WINDOW", 0x08000000, raising=False)
    expected = True if system == "posix" else 0x08000200  # both flags
    assert process._spawn_options() == {option: expected}


def test_a_stray_line_on_the_step_processs_stdout_is_logged_and_the_run_goes_on(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something in the child (a C library, a start-up hook) writes a line that is not one of
    its messages: the parent reports it and keeps reading up to the step's answer."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import os\nos.write(1, b'not one of its messages\\n')\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "en.md").write_text(EN_DOC)
    project = repo.create_project("p", [str(docs)])
    reporter = RecordingReporter()
    summary = run_scope_isolated(project, "import", RunContext(reporter=reporter))
    assert summary.startswith("Documents: 1 added")
    assert ("warning", "step process said: not one of its messages") in reporter.lines


def test_the_key_saved_in_the_keyring_reaches_the_model_server_through_the_step_process(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    """The user saved the key in Settings (the keyring of the window's process): the step
    process, which has no keyring of its own here, gets it in its environment and sends
    it; a project with the built-in engine is given no key at all."""
    from genglossary_gui.engines.config import EngineConfig, save_config, store_api_key
    from genglossary_gui.runs.process import _child_environment

    for name in ("GENGLOSSARY_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    # The step process finds no key in a keyring: only its environment can hold one.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    server = FakeLLMServer(reply=glossary_reply).start()
    try:
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "en.md").write_text(EN_DOC)
        project = repo.create_project("p", [str(docs)])
        run_scope_isolated(project, "import", RunContext())
        config = EngineConfig(engine="openai", base_url=server.url, model="fake-small")
        save_config(project, config)
        store_api_key(config, "sk-saved-in-settings-1234")
        run_scope_isolated(project, "extract", RunContext())
        run_id = transitions.create_run(project, "generate", current_owner())
        transitions.mark_running(run_id)
        summary = run_scope_isolated(project, "generate", RunContext(run_id=run_id))
    finally:
        server.stop()
    assert "written by the model" in summary, summary
    sent = {headers.get("authorization") for _, _, _, headers in server.requests}
    assert sent == {"Bearer sk-saved-in-settings-1234"}

    builtin = repo.create_project("b", [str(docs)])
    store_api_key(EngineConfig(), "sk-never-for-the-builtin")
    assert "GENGLOSSARY_API_KEY" not in _child_environment(builtin)


def test_a_log_line_keeps_the_time_the_step_wrote_it(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run log shows when the step wrote a line (it may reach the parent later: held
    while the database was locked), not when it arrived; a line without a time gets one."""
    script = tmp_path / "stamping-child"
    script.write_text(
        "#!/bin/sh\n"
        'echo \'{"log": ["info", "extract", "stamped"], "t": 1000.5}\'\n'
        'echo \'{"log": ["warning", "extract", "unstamped"]}\'\n'
        'echo \'{"done": "ok"}\'\n'
    )
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script))

    class Stamping(RecordingReporter):
        def __init__(self) -> None:
            super().__init__()
            self.stamped: list[tuple[str, str, str, float]] = []

        def report(self, progress: object) -> None:
            pass

        def log_at(self, message: str, *, level: str, step: str, at: float) -> None:
            self.stamped.append((level, step, message, at))

    reporter = Stamping()
    project = repo.create_project("p")
    assert run_scope_isolated(project, "extract", RunContext(reporter=reporter)) == "ok"
    assert reporter.stamped == [("info", "extract", "stamped", 1000.5)]
    assert reporter.lines == [("warning", "unstamped")]


def test_a_failure_while_relaying_stops_the_child_at_once(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window went away mid-run: the child is stopped then and there, not left to work
    on (and write) for a run that has ended until it would have ended by itself."""
    marker = tmp_path / "worked on"
    script = tmp_path / "busy-child"
    lines = [
        "#!/bin/sh",
        'echo \'{"progress": ["extract", 1, 10]}\'',
        "sleep 2",
        f'touch "{marker}"',
    ]
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script))

    class Broken(RecordingReporter):
        def progress(self, step: str, done: int, total: int) -> None:
            raise RuntimeError("the window went away")

    with pytest.raises(RuntimeError, match="the window went away"):
        run_scope_isolated(repo.create_project("p"), "extract", RunContext(reporter=Broken()))
    # The child was stopped before the call returned: it can no longer get to its next line.
    assert not marker.exists()


def test_a_keyring_that_fails_leaves_the_step_its_environments_key(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    """The system keyring broke (not a KeyringError: a backend's own exception): the run
    still starts, and the step process still finds the key set in the environment."""
    from genglossary_gui.engines.config import EngineConfig, save_config
    from genglossary_gui.runs.process import _child_environment

    def broken(service: str, username: str) -> str | None:
        raise RuntimeError("the keyring daemon went away")

    monkeypatch.setattr(memory_keyring, "get_password", broken)
    monkeypatch.delenv("GENGLOSSARY_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment-1234")
    project = repo.create_project("p")
    save_config(project, EngineConfig(engine="openai", base_url="http://127.0.0.1:9", model="m"))
    env = _child_environment(project)
    assert env["OPENAI_API_KEY"] == "sk-from-the-environment-1234"
    assert "GENGLOSSARY_API_KEY" not in env
