"""Benchmark: GUI-thread responsiveness while three projects extract, with 100,000 historic runs.

Run: ``uv run python tests/bench/bench_gui.py [--runs 100000] [--mb 6]``

Prints:
- the Runs page open time (all projects, and one project) with the history loaded;
- a 5 ms QTimer heartbeat's gaps on the GUI thread (max, p99, p50) while three projects
  extract concurrently with the window showing their live progress, against the same
  heartbeat measured with no runs in the same process (the baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from genglossary_gui.app import configure_threads
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import Run
from genglossary_gui.ui.main_window import MainWindow
from tests.corpus import english_text


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def heartbeat(app: QApplication, until, max_s: float, start=None) -> list[float]:
    """Gaps (ms) between 5 ms timer ticks on the GUI thread until ``until()`` is true; with
    ``start``, from ``start()`` on (called on the first tick, so that its own time counts)."""
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    started = [start is None]
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(5)

    def tick() -> None:
        if start is not None and not started[0]:
            started[0] = True
            last[0] = clock.nsecsElapsed()
            start()
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now
        if until() or now / 1e9 > max_s:
            loop.quit()

    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    return gaps[1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--mb", type=float, default=6.0, help="MB of text per project")
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        help="GIL switch interval in seconds (default: the app's)",
    )
    args = parser.parse_args()
    configure_threads()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    app = QApplication(sys.argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    open_data_folder(tmp / "data")
    projects = []
    for i in range(3):
        pid = repo.create_project(f"project {i + 1}")
        text = english_text(int(args.mb * 1_000_000), seed=i)
        repo.save_documents(
            pid, [repo.DocumentRecord("doc.md", text, "h", "UTF-8", "en", len(text))]
        )
        projects.append(pid)
    now = time.time()
    started = time.perf_counter()
    with db.atomic():
        batch = []
        for i in range(args.runs):
            batch.append(
                {
                    "project": projects[i % 3],
                    "scope": "extract",
                    "status": ("completed", "failed", "cancelled")[i % 3],
                    "triggered_by": "user",
                    "created_at": now - args.runs + i,
                    "started_at": now - args.runs + i,
                    "finished_at": now - args.runs + i + 1,
                    "error": "step generate is not available yet" if i % 3 == 1 else "",
                }
            )
            if len(batch) == 1000:
                Run.insert_many(batch).execute()
                batch = []
        if batch:
            Run.insert_many(batch).execute()
    print(
        f"# bench_gui: {args.runs:,} historic runs (inserted in "
        f"{time.perf_counter() - started:.1f} s), 3 projects x {args.mb:g} MB English, "
        f"{os.cpu_count()} cores, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}, "
        f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms"
    )

    manager = RunManager()
    window = MainWindow(manager)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    page = window.runs_page

    def open_runs(all_projects: bool) -> float:
        page.all_projects.setChecked(False)
        window.tabs.setCurrentWidget(window.documents_page)
        app.processEvents()
        t = time.perf_counter()
        window.tabs.setCurrentWidget(page)
        page.all_projects.setChecked(all_projects)
        page.table.viewport().repaint()  # the first screenful painted
        return (time.perf_counter() - t) * 1000

    open_all = [open_runs(True) for _ in range(5)]
    open_one = [open_runs(False) for _ in range(5)]
    print(
        f"runs page open, all projects ({args.runs:,} runs): median "
        f"{statistics.median(open_all):.1f} ms, max {max(open_all):.1f} ms; one project: "
        f"median {statistics.median(open_one):.1f} ms, max {max(open_one):.1f} ms"
    )

    idle = heartbeat(app, lambda: False, 2.0)
    page.all_projects.setChecked(True)
    for pid in projects:
        window.select_project(pid)
        window.start_run("extract")
    t = time.perf_counter()
    busy = heartbeat(app, lambda: not manager.active_run_ids(), 600)
    elapsed = time.perf_counter() - t
    statuses = [r.status for r in repo.run_rows(None, limit=3)]
    for label, gaps in (("idle (baseline)", idle), ("3 runs extracting", busy)):
        print(
            f"heartbeat {label}: {len(gaps)} ticks, gap max {max(gaps):.1f} ms, "
            f"p99 {_pct(gaps, 0.99):.1f} ms, p50 {_pct(gaps, 0.5):.1f} ms"
        )
    print(f"the three runs took {elapsed:.1f} s and ended {statuses}")
    window.confirm_quit_with_active_runs = lambda n: True  # type: ignore[method-assign]
    window.close()


if __name__ == "__main__":
    main()
