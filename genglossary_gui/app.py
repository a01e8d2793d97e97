"""Composition root of the desktop application: QApplication + qasync, store, RunManager, window."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

APP_NAME = "GenGlossary"
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
            f"{exc.what}\n\nStart a new, empty database? The damaged file is kept beside it, "
            "renamed, so nothing in it is lost.",
        )
        start_new = box.addButton("Start a new database", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not start_new:
            return None
        try:
            kept = set_aside(exc.path.parent)
            data_dir = open_data_folder(explicit)[0]
        except (DatabaseError, OSError) as again:
            QMessageBox.critical(None, APP_NAME, f"Could not start a new database: {again}")
            return None
        if kept is not None:
            QMessageBox.information(
                None, APP_NAME, f"Started a new database. The damaged one is kept as {kept.name}."
            )
        return data_dir
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None


def main(argv: Sequence[str] | None = None) -> int:
    import qasync

    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.ui.main_window import MainWindow

    argv = list(sys.argv if argv is None else argv)
    args = _parse(argv[1:])
    configure_threads()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    opened = _open_or_explain(args.data_dir)
    if opened is None:
        return 1
    data_dir = opened
    manager = RunManager()
    # Window state lives beside the data it shows, so another data folder has its own.
    settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(manager, settings)
    window.show()
    # What start-up made (modules, Qt wrappers, the window) lives as long as the app: left
    # out of every later collection, a full pass stalls the GUI thread for about 5 ms
    # instead of 30 (tests/bench/bench_viewer.py, --freeze).
    gc.collect()
    gc.freeze()
    try:
        qasync.run(_run_until_quit(app))
    finally:
        if manager.active_run_ids():
            manager.shutdown(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
