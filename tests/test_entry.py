"""entry.own_command: the command that starts another copy of the application, in a
source checkout, an installed environment and a frozen bundle."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genglossary_gui import entry


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake one-folder bundle: the window and the command line side by side."""
    folder = tmp_path / "GenGlossary"
    folder.mkdir()
    (folder / "_internal").mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(entry, "frozen_cli_name", lambda platform=sys.platform: "genglossary")
    return folder


def test_frozen_window_starts_the_cli_beside_it(bundle: Path, monkeypatch) -> None:
    window = _executable(bundle / "GenGlossary")
    cli = _executable(bundle / "genglossary")
    monkeypatch.setattr(sys, "executable", str(window))
    assert entry.own_command(entry.STEP_COMMAND, "--scope", "full") == [
        str(cli),
        "__step",
        "--scope",
        "full",
    ]


def test_frozen_cli_starts_itself(bundle: Path, monkeypatch) -> None:
    _executable(bundle / "GenGlossary")
    cli = _executable(bundle / "genglossary")
    monkeypatch.setattr(sys, "executable", str(cli))
    assert entry.own_command("run", "T") == [str(cli), "run", "T"]


def test_frozen_window_without_a_cli_starts_itself(bundle: Path, monkeypatch) -> None:
    window = _executable(bundle / "GenGlossary")
    monkeypatch.setattr(sys, "executable", str(window))
    assert entry.own_command(entry.STEP_COMMAND) == [str(window), "__step"]


def test_frozen_cli_that_is_not_executable_is_passed_over(bundle: Path, monkeypatch) -> None:
    window = _executable(bundle / "GenGlossary")
    (bundle / "genglossary").write_text("not a program")
    (bundle / "genglossary").chmod(0o644)
    monkeypatch.setattr(sys, "executable", str(window))
    if os.access(bundle / "genglossary", os.X_OK):
        pytest.skip("running as a user for whom every file is executable")
    assert entry.own_command() == [str(window)]


def test_a_case_insensitive_twin_of_the_window_is_not_the_cli(bundle: Path, monkeypatch) -> None:
    """Where the file system ignores case, "genglossary" names the window itself."""
    window = _executable(bundle / "GenGlossary")
    (bundle / "genglossary").symlink_to(window)  # the same file under the other spelling
    monkeypatch.setattr(sys, "executable", str(window))
    assert entry.own_command("x") == [str(window), "x"]


def test_frozen_cli_names_per_platform() -> None:
    assert entry.frozen_cli_name("linux") == "genglossary"
    assert entry.frozen_cli_name("win32") == "genglossary-cli.exe"
    assert entry.frozen_cli_name("darwin") == "genglossary-cli"
    names = {entry.frozen_cli_name(p).lower().removesuffix(".exe") for p in ("win32", "darwin")}
    assert "genglossary" not in names  # would be GenGlossary(.exe) where case is ignored


def test_frozen_window_on_windows_finds_genglossary_cli(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    window = _executable(tmp_path / "GenGlossary.exe")
    cli = _executable(tmp_path / "genglossary-cli.exe")
    monkeypatch.setattr(sys, "executable", str(window))
    monkeypatch.setattr(entry, "frozen_cli_name", lambda platform="win32": "genglossary-cli.exe")
    assert entry.own_command("__step") == [str(cli), "__step"]


def test_not_frozen_uses_the_installed_script(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    python = _executable(tmp_path / "python")
    script = _executable(tmp_path / "genglossary")
    monkeypatch.setattr(sys, "executable", str(python))
    assert entry.own_command("runs") == [str(script), "runs"]


def test_bare_source_tree_calls_main_through_the_interpreter(tmp_path, monkeypatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    python = _executable(tmp_path / "python")
    monkeypatch.setattr(sys, "executable", str(python))
    assert entry.own_command("runs")[:2] == [str(python), "-c"]


def test_the_bare_source_command_runs(monkeypatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(entry, "installed_script", lambda: None)
    done = subprocess.run(
        entry.own_command("--version"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "0." in done.stdout


def test_the_window_restarts_through_its_own_entry_point(tmp_path: Path, monkeypatch) -> None:
    """Frozen: the running window itself; installed: the genglossary-gui script; bare
    source: the interpreter calling app.main. Never ``-m``."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    (tmp_path / "bundle").mkdir()
    (tmp_path / "env").mkdir()
    window = _executable(tmp_path / "bundle" / "GenGlossary")
    monkeypatch.setattr(sys, "executable", str(window))
    assert entry.own_window_command("--data-dir", "d") == [str(window), "--data-dir", "d"]
    monkeypatch.delattr(sys, "frozen")
    python = _executable(tmp_path / "env" / "python")
    monkeypatch.setattr(sys, "executable", str(python))
    bare = entry.own_window_command("--data-dir", "d")
    assert bare[:2] == [str(python), "-c"] and "-m" not in bare and bare[-2:] == ["--data-dir", "d"]
    script = _executable(tmp_path / "env" / "genglossary-gui")
    assert entry.own_window_command("--data-dir", "d") == [str(script), "--data-dir", "d"]
