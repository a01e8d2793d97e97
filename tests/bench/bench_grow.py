"""Benchmark: adding 1,000 documents to a project with 100 runs of history, in the window.

Run: ``uv run python tests/bench/bench_grow.py [--docs 1000] [--existing 200] [--runs 100]``

The project starts with ``--existing`` documents, extracted, and ``--runs`` runs in its
history. A folder of ``--docs`` new documents is then added through the window (what a drop
on the Documents page does): the sources change, an "add" run imports the new files and
extracts terms from them alone, in its own step process, while the window shows its
progress. Prints:
- how many documents the extraction read (should be the new ones only), from its log;
- the run's wall time, against a full extraction of the same project measured after it;
- a 5 ms QTimer heartbeat's gaps on the GUI thread (max, p99, p50) during the add, against
  the same heartbeat with nothing running (the baseline, same process). The set-up's
  objects are frozen out of the garbage collector first, as app.py freezes its start-up's.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from genglossary_gui.app import configure_threads
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.main_window import MainWindow
from genglossary_gui.vocabulary import RunStatus, Scope
from tests.bench.bench_gui import _pct, heartbeat
from tests.corpus import english_text
from tests.glossary_runs import run_to_completion


def _write(folder: Path, count: int, seed: int) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"doc{i:04}.md").write_text(
            f"# Document {i}\n\n{english_text(3000, seed=seed + i)}\n", encoding="utf-8"
        )


def _history(project_id: int, runs: int) -> None:
    owner = current_owner()
    for _ in range(runs):
        run_id = transitions.create_run(project_id, Scope.REVIEW, owner)
        transitions.mark_running(run_id)
        transitions.mark_completed(run_id, "history")


def _summary(gaps: list[float]) -> str:
    return f"max {max(gaps):6.1f} ms  p99 {_pct(gaps, 0.99):5.1f} ms  p50 {_pct(gaps, 0.5):4.1f} ms"


def _wait_run(app: QApplication, manager: RunManager, run_id: int) -> list[float]:
    def done() -> bool:
        # Recorded, and its worker gone (the window would ask before quitting otherwise).
        run = repo.get_run(run_id)
        ended = run is not None and run.status not in (RunStatus.PENDING, RunStatus.RUNNING)
        return ended and run_id not in manager.active_run_ids()

    return heartbeat(app, done, max_s=900)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    configure_threads()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root / "base", args.existing, seed=0)
        _write(root / "new", args.docs, seed=100_000)
        open_data_folder(root / "data")
        project = repo.create_project("Grow", [str(root / "base")], "en")
        run_to_completion(project, Scope.IMPORT)
        run_to_completion(project, Scope.EXTRACT)
        _history(project, args.runs)
        manager = RunManager()
        window = MainWindow(manager)
        window.show()
        window.select_project(project)
        window.tabs.setCurrentWidget(window.documents_page)
        app.processEvents()
        # As app.py does after start-up: what exists now (here, the set-up's objects too,
        # which the app's GUI process would not hold) is left out of later collections.
        gc.collect()
        gc.freeze()
        baseline = heartbeat(app, lambda: False, max_s=2.0)

        started = time.perf_counter()
        run_id = window.project_actions.add_sources([str(root / "new")])
        assert run_id is not None, "the add run did not start"
        gaps = _wait_run(app, manager, run_id)
        add_s = time.perf_counter() - started
        run = Run.get_by_id(run_id)
        read = next(
            (e.message for e in repo.read_log(run_id) if "new documents (" in e.message), "?"
        )

        started = time.perf_counter()
        full = manager.start_run(project, Scope.EXTRACT)
        _wait_run(app, manager, full)
        full_s = time.perf_counter() - started

        print(f"project: {args.existing} documents extracted, {args.runs} runs of history")
        print(f"add {args.docs} documents: {run.status}, {add_s:.1f} s; {run.summary}")
        print(f"  extraction log: {read}")
        print(f"full re-extraction of all {args.existing + args.docs}: {full_s:.1f} s")
        print(f"GUI heartbeat, idle:      {_summary(baseline)}")
        print(f"GUI heartbeat, while adding: {_summary(gaps)}")
        window.close()
        manager.shutdown(10_000)
        db.close()


if __name__ == "__main__":
    main()
