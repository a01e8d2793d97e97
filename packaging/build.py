"""Build the desktop bundle: ``dist/GenGlossary/`` (packaging/genglossary.spec).

    uv run --group build python packaging/build.py

1. compiles the translations (``resources/i18n/*.ts`` -> ``.qm``, which the bundle ships);
2. runs PyInstaller on the spec, from clean, with its work folder in ``build/`` and the
   bundle in ``dist/``;
3. on Linux, removes debug information from the libraries that carry it, and puts
   ``install-linux.sh`` (the menu entry's installer) and its ``genglossary.desktop`` beside
   the executables;
4. prints how long it took and how big the bundle is, and a last line for scripts:
   ``BUNDLE path=dist/GenGlossary seconds=<s> bytes=<n> files=<n>``.

Reproducible: every tool is pinned (pyproject.toml's ``build`` group, PySide6 and the rest
pinned in ``[project]``); ``SOURCE_DATE_EPOCH`` (the time stamps written into the archives)
is honoured, or set to the last commit's time, or failing that a fixed time;
``PYTHONHASHSEED`` is fixed so sets are ordered alike from run to run; PyInstaller strips
the absolute source paths from the code it collects, and the spec names every path relative
to the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "genglossary.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
BUNDLE = DIST / "GenGlossary"
I18N = ROOT / "resources" / "i18n"
#: When there is no commit to take a time from (a source archive): 2026-01-01 00:00 UTC.
FALLBACK_EPOCH = 1_767_225_600


def source_date_epoch() -> str:
    """``SOURCE_DATE_EPOCH``: as given, else the last commit's time, else a fixed one."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return given
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None and done.returncode == 0 and done.stdout.strip().isdigit():
        return done.stdout.strip()
    return str(FALLBACK_EPOCH)


def compile_translations(env: dict[str, str]) -> None:
    """``.ts`` -> ``.qm`` with the application's own tool; ``pyside6-lrelease`` directly
    where that tool is missing. Fails when a ``.ts`` is left without its ``.qm``."""
    sources = sorted(I18N.glob("*.ts"))
    if not sources:
        print("No translations to compile (resources/i18n/*.ts).")
        return
    command = [sys.executable, "-m", "genglossary_gui.ui.i18n", "compile"]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        print("genglossary_gui.ui.i18n compile failed; using pyside6-lrelease directly.")
        lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
        lrelease = lrelease or shutil.which("pyside6-lrelease")
        if lrelease is None:
            raise SystemExit("pyside6-lrelease not found (it comes with PySide6)")
        for ts in sources:
            subprocess.run(
                [lrelease, "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
                cwd=ROOT,
                env=env,
                check=True,
            )
    missing = [ts.name for ts in sources if not ts.with_suffix(".qm").is_file()]
    if missing:
        raise SystemExit(f"translations not compiled: {', '.join(missing)}")
    print(f"Compiled {len(sources)} translation(s).")


def strip_debug_info(folder: Path) -> int:
    """Remove debug sections (``strip --strip-debug``) from the ELF files under ``folder``
    that have them; Linux only, and only where ``strip`` is installed. Wheels' vendored
    libraries (``*.libs/``) are left alone. Returns the bytes saved."""
    if not sys.platform.startswith("linux"):
        return 0
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found (binutils): debug information stays in the bundle.")
        return 0
    saved = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.parent.name.endswith(".libs"):
            continue
        with path.open("rb") as file:
            if file.read(4) != b"\x7fELF":
                continue
            if b".debug_info\x00" not in file.read():
                continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def add_linux_installer(bundle: Path) -> None:
    """Put the menu installer beside the executables, so a downloaded bundle installs itself:
    ``GenGlossary/install-linux.sh`` (with ``genglossary.desktop``, its template)."""
    if not sys.platform.startswith("linux"):
        return
    for source in (
        ROOT / "packaging" / "install-linux.sh",
        ROOT / "packaging" / "linux" / "genglossary.desktop",
    ):
        shutil.copy2(source, bundle / source.name)


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes (of regular files, not following links) and number of files under ``folder``."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def human(size: float) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.2f} GiB"


def main() -> int:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = source_date_epoch()
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("QT_QPA_PLATFORM", "offscreen")  # the hooks import Qt; no display needed
    started = time.monotonic()
    compile_translations(env)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--clean",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    print("Running:", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    add_linux_installer(BUNDLE)
    saved = strip_debug_info(BUNDLE)
    if saved:
        print(f"Removed {human(saved)} of debug information.")
    seconds = time.monotonic() - started
    if not BUNDLE.is_dir():
        raise SystemExit(f"PyInstaller made no {BUNDLE.relative_to(ROOT)}")
    size, files = folder_size(BUNDLE)
    print(f"Built {BUNDLE.relative_to(ROOT)} in {seconds:.0f} s: {human(size)} in {files} files")
    print(
        f"BUNDLE path={BUNDLE.relative_to(ROOT)} seconds={seconds:.1f} bytes={size} files={files}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
