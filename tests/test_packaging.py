"""packaging/install-linux.sh against a fake bundle, in a temporary HOME, and the menu
entry's desktop file (packaging/linux/genglossary.desktop)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "packaging" / "install-linux.sh"
DESKTOP = ROOT / "packaging" / "linux" / "genglossary.desktop"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _fake_bundle(folder: Path) -> Path:
    (folder / "_internal").mkdir(parents=True)
    for name in ("GenGlossary", "genglossary"):
        program = folder / name
        program.write_text(f'#!/bin/sh\necho {name} "$@"\n')
        program.chmod(0o755)
    return folder


def _run(tmp_path: Path, *args: str, data_home: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
    }
    if data_home:
        env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    done = subprocess.run(
        ["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60
    )
    return done


def _entry(desktop: Path) -> dict[str, str]:
    lines = desktop.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def _validate(desktop: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is not None:
        done = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_install_copies_the_bundle_and_writes_the_menu_entry(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "dist" / "GenGlossary")
    (tmp_path / "home").mkdir()
    done = _run(tmp_path, str(bundle))
    assert done.returncode == 0, done.stderr

    home, data = tmp_path / "home", tmp_path / "xdg-data"
    installed = home / ".local" / "opt" / "GenGlossary"
    assert os.access(installed / "GenGlossary", os.X_OK)
    assert os.access(installed / "genglossary", os.X_OK)

    desktop = data / "applications" / "genglossary.desktop"
    entry = _entry(desktop)
    assert entry["Exec"] == f'"{installed}/GenGlossary"'
    assert entry["TryExec"] == f"{installed}/GenGlossary"
    assert entry["Icon"] == "genglossary"
    assert entry["Terminal"] == "false"
    assert entry["Name[ja]"] == "GenGlossary"
    _validate(desktop)

    for n in SIZES:
        icon = data / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "genglossary.png"
        assert icon.read_bytes() == (ROOT / f"resources/icons/png/genglossary-{n}.png").read_bytes()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "genglossary.svg").is_file()

    link = home / ".local" / "bin" / "genglossary"
    assert link.is_symlink()
    assert link.resolve() == (installed / "genglossary").resolve()
    ran = subprocess.run([str(link), "--version"], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "genglossary --version"

    # Installing again replaces the copy (an update), and uninstalling removes everything.
    assert _run(tmp_path, str(bundle)).returncode == 0
    (home / "my-data").mkdir()
    done = _run(tmp_path, "--uninstall")
    assert done.returncode == 0, done.stderr
    assert not desktop.exists()
    assert not installed.exists()
    assert not link.exists() and not link.is_symlink()
    assert not list((data / "icons").rglob("genglossary.*"))
    assert (home / "my-data").is_dir()  # the user's data is never touched
    assert bundle.is_dir()  # nor the bundle it was installed from


def test_in_place_uses_the_bundle_where_it_is(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "Apps" / "Gen Glossary $1")  # a space and a dollar
    done = _run(tmp_path, "--in-place", str(bundle))
    assert done.returncode == 0, done.stderr
    desktop = tmp_path / "xdg-data" / "applications" / "genglossary.desktop"
    entry = _entry(desktop)
    assert entry["Exec"] == f'"{bundle.parent}/Gen Glossary \\\\$1/GenGlossary"'
    assert entry["TryExec"] == f"{bundle}/GenGlossary"
    _validate(desktop)
    assert not (tmp_path / "home" / ".local" / "opt").exists()
    link = tmp_path / "home" / ".local" / "bin" / "genglossary"
    assert link.resolve() == (bundle / "genglossary").resolve()

    assert _run(tmp_path, "--uninstall").returncode == 0
    assert not desktop.exists()
    assert not link.is_symlink()
    assert (bundle / "GenGlossary").is_file()  # in place: the bundle stays


def test_without_xdg_data_home_the_entry_goes_to_local_share(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "b")
    assert _run(tmp_path, "--in-place", str(bundle), data_home=False).returncode == 0
    share = tmp_path / "home" / ".local" / "share"
    assert (share / "applications" / "genglossary.desktop").is_file()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / "genglossary.png").is_file()
    assert _run(tmp_path, "--uninstall", data_home=False).returncode == 0
    assert not (share / "applications" / "genglossary.desktop").exists()


def test_a_folder_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = _run(tmp_path, str(tmp_path / "empty"))
    assert done.returncode == 1
    assert "not a GenGlossary bundle" in done.stderr
    assert not (tmp_path / "xdg-data").exists()


def test_the_desktop_file_declares_the_menu_entry() -> None:
    entry = _entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["GenericName"] == "Glossary builder"
    assert entry["Categories"] == "Office;Dictionary;"
    assert entry["Icon"] == "genglossary"
    assert entry["Terminal"] == "false"
    assert "Comment[ja]" in entry


def test_the_desktop_file_validates() -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    done = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
