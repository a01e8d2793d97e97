"""Composition root of the desktop application: QApplication + qasync, store, RunManager, window."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from genglossary_gui import __version__
from genglossary_gui.entry import STEP_COMMAND

log = logging.getLogger(__name__)

APP_NAME = "GenGlossary"
#: How long ``--self-test`` waits for the sample project's glossary.
SELF_TEST_TIMEOUT_S = 300
#: How long a thread may hold the GIL while another waits (Python's default is 5 ms). The
#: heavy pipeline work runs in child processes, but run workers, the monitor and the GUI
#: thread still share one GIL; a short interval lets the GUI thread in quickly (max gap 24 ms
#: instead of 69 ms with three runs, docs/benchmarks.md), at a cost only while threads compete.
GIL_SWITCH_INTERVAL_S = 0.0002


def configure_threads() -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="genglossary-gui", description="GenGlossary Desktop")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder to use")
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window on a temporary data folder (unless --data-dir), run the sample "
        "project to completion and quit: exit code 0 when it made a glossary",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args, _qt_args = parser.parse_known_args(list(argv))
    return args


async def _run_until_quit(app: QApplication) -> None:
    quit_requested: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_quit() -> None:
        if not quit_requested.done():
            quit_requested.set_result(None)

    app.aboutToQuit.connect(on_quit)
    await quit_requested


def _open_or_explain(explicit: str | None) -> Path | None:
    """Open the data folder, or tell the user why not. A damaged database is kept; the user
    may start a new one beside it. Returns the folder, or None to quit."""
    from genglossary_gui.store.database import DatabaseDamaged, DatabaseError, set_aside
    from genglossary_gui.store.folder import open_data_folder

    try:
        return open_data_folder(explicit)[0]
    except DatabaseDamaged as exc:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            APP_NAME,
            QCoreApplication.translate(
                "app",
                "{what}\n\nStart a new, empty database? The damaged file is kept beside it, "
                "renamed, so nothing in it is lost.",
            ).format(what=exc.what),
        )
        start_new = box.addButton(
            QCoreApplication.translate("app", "Start a New Database"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        box.addButton(QCoreApplication.translate("app", "Quit"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not start_new:
            return None
        try:
            kept = set_aside(exc.path.parent)
            data_dir = open_data_folder(explicit)[0]
        except (DatabaseError, OSError) as again:
            QMessageBox.critical(
                None,
                APP_NAME,
                QCoreApplication.translate("app", "Could not start a new database: {error}").format(
                    error=again
                ),
            )
            return None
        if kept is not None:
            QMessageBox.information(
                None,
                APP_NAME,
                QCoreApplication.translate(
                    "app", "Started a new database. The damaged one is kept as {name}."
                ).format(name=kept.name),
            )
        return data_dir
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if argv[1:2] == [STEP_COMMAND]:
        # A run's step process started through this executable (a frozen bundle's window):
        # the same as the command line's `genglossary __step …`.
        from genglossary_gui.runs.process import child_main

        return child_main(argv[2:])
    args = _parse(argv[1:])
    problem = display_problem(os.environ, sys.platform)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    configure_threads()
    from genglossary_gui.ui.applog import CrashReporter, route_qt_messages, setup_logging

    log_file = setup_logging(debug=args.debug)
    log.info("GenGlossary %s starting (%s)", __version__, " ".join(argv[1:]) or "no arguments")
    route_qt_messages()
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("genglossary")  # the .desktop entry packaging/install-linux.sh writes
    _set_icon(app)
    preferences = user_preferences()
    from genglossary_gui.ui import i18n

    chosen = i18n.chosen_language(preferences)
    installed = i18n.install(chosen)
    log.info(
        "Language %s (%s; system %s), %d catalogs",
        installed.language,
        chosen,
        ", ".join(QLocale.system().uiLanguages()),
        len(installed.translators),
    )
    crashes = CrashReporter(log_file, app)
    crashes.install()
    try:
        if args.self_test:
            return _self_test(app, args.data_dir)
        return _run_window(app, args.data_dir, preferences)
    finally:
        crashes.uninstall()
        log.info("GenGlossary stopped")


def display_problem(env: Mapping[str, str], platform: str) -> str | None:
    """One line for a start without a desktop session (Linux without X11 or Wayland and no
    other Qt platform chosen), instead of Qt's abort about missing xcb libraries; None when
    the window can open."""
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "GenGlossary needs a desktop session: no display was found (DISPLAY and "
        "WAYLAND_DISPLAY are not set). To run it without one, e.g. in tests, set "
        "QT_QPA_PLATFORM=offscreen."
    )


def user_preferences() -> QSettings:
    """Settings of the user, not of one data folder (the language)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "preferences")


def _set_icon(app: QApplication) -> None:
    try:
        from genglossary_gui.ui.icons import app_icon
    except ImportError:  # pragma: no cover - the icons ship with every build
        return
    app.setWindowIcon(app_icon())


def _run_window(app: QApplication, data_dir_arg: str | None, preferences: QSettings) -> int:
    import qasync

    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.ui.main_window import MainWindow
    from genglossary_gui.ui.quit_signals import QuitSignals

    opened = _open_or_explain(data_dir_arg)
    if opened is None:
        return 1
    data_dir = opened
    log.info("Data folder: %s", data_dir)
    manager = RunManager()
    # Window state lives beside the data it shows, so another data folder has its own.
    settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(manager, settings, preferences=preferences)
    window.show()
    # SIGTERM, or Ctrl+C in the terminal that started the window: quit as Quit does, without
    # asking (active runs are cancelled and recorded).
    signals = QuitSignals(window.quit_without_asking, app)
    # What start-up made (modules, Qt wrappers, the window) lives as long as the app: left
    # out of every later collection, a full pass stalls the GUI thread for about 5 ms
    # instead of 30 (tests/bench/bench_viewer.py, --freeze).
    gc.collect()
    gc.freeze()
    try:
        qasync.run(_run_until_quit(app))
    finally:
        signals.uninstall()
        if manager.active_run_ids():
            manager.shutdown(0)
    if window.restart_requested:
        _restart(argv=sys.argv[1:])
    return 0


def _restart(argv: Sequence[str]) -> None:
    """Start the window again (View ▸ Language ▸ Restart Now), after this one has closed."""
    import subprocess

    from genglossary_gui.entry import own_window_command

    command = own_window_command(*argv)
    log.info("Restarting: %s", command)
    subprocess.Popen(command, start_new_session=True)


def _self_test(app: QApplication, data_dir_arg: str | None) -> int:
    """``--self-test``: the window on a fresh data folder runs the sample project; exit 0 when
    its glossary has entries (the bundle's smoke test)."""
    import tempfile

    if data_dir_arg is not None:
        return _self_test_in(app, data_dir_arg)
    with tempfile.TemporaryDirectory(prefix="genglossary-self-test-") as tmp:
        return _self_test_in(app, tmp)


def _self_test_in(app: QApplication, data_dir_arg: str) -> int:
    import qasync

    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.store.database import db
    from genglossary_gui.ui.main_window import MainWindow

    opened = _open_or_explain(data_dir_arg)
    if opened is None:
        return 1
    manager = RunManager()
    settings = QSettings(str(opened / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(manager, settings)
    window.show()
    outcome: dict[str, str] = {}

    async def drive() -> None:
        started = time.monotonic()
        project = window.open_sample_project()
        while time.monotonic() - started < SELF_TEST_TIMEOUT_S:
            await asyncio.sleep(0.1)
            if window.sample_outcome is not None:
                break
        result = window.sample_outcome
        if result is None:
            outcome["error"] = f"the sample project did not finish in {SELF_TEST_TIMEOUT_S} s"
        elif result.entries == 0:
            why = result.error or "no entries"
            outcome["error"] = f"the sample run ended {result.status}: {why}"
        else:
            outcome["ok"] = (
                f"sample project {project}: run {result.run_id} {result.status}, "
                f"{result.entries} glossary entries"
            )
        window.quit_without_asking()

    try:
        qasync.run(drive())
    finally:
        if manager.active_run_ids():
            manager.shutdown(0)
        db.close()
    if "ok" in outcome:
        print(f"self-test passed: {outcome['ok']}", flush=True)
        return 0
    print(f"self-test failed: {outcome.get('error', 'unknown')}", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
