"""Benchmark: how soon a run's row is terminal after its step process's last output.

Run: ``uv run python tests/bench/bench_run_end.py [--runs 20] [--scope full] [--kb 200]``

A project of English documents (``--kb`` kB in 4 files, synthetic, ``tests/corpus.py``) is
imported, then ``--runs`` runs of ``--scope`` go one after another through a real
``RunManager`` and its step processes (the window's path). For each run:

- *row terminal*: the run's ``finished_at`` (stamped by the final status write) minus the
  ``created_at`` of the last log line of the step process (the last line not from the worker
  itself, whose lines have step ``run``);
- *worker finished*: ``run_finished`` on the GUI thread, minus the same line;
- *child exited*: from the outcome line's arrival to the step process's exit, as the
  parent's reaper sees it (``runs.process._reap``; not on a tree without it).

Prints p50 / p95 / max of each over the runs. Target: row terminal ≤ 50 ms at p95.

``PYTHONPATH=DIR`` runs a source tree of the package at DIR instead (the step processes
inherit it), e.g. a baseline from ``git archive HEAD genglossary_gui | tar -x -C DIR``.
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
# Appended, not inserted: PYTHONPATH (a baseline tree) must win over this checkout.
sys.path.append(str(Path(__file__).resolve().parents[2]))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scope", default="full")
    parser.add_argument("--kb", type=int, default=200)
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    import genglossary_gui
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.pipeline.steps import import_documents
    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.models import Run
    from tests.corpus import write_corpus

    print(f"package: {Path(genglossary_gui.__file__).parent}")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    app = QCoreApplication.instance() or QCoreApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-end-"))
    docs = tmp / "docs"
    write_corpus(docs, files=4, chars_per_file=args.kb * 1000 // 4)
    open_data_folder(tmp / "data")
    project = repo.create_project("bench", [str(docs)])
    import_documents(project, docs, RunContext())
    from genglossary_gui.runs import process

    exits: list[float] = []
    if hasattr(process, "_reap"):
        reap = process._reap

        def timed_reap(child, drainer) -> None:  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            child.wait()
            exits.append((time.perf_counter() - began) * 1000)
            reap(child, drainer)

        process._reap = timed_reap  # type: ignore[assignment]
    manager = RunManager(max_threads=1)
    terminal: list[float] = []
    finished: list[float] = []
    durations: list[float] = []
    loop = QEventLoop()
    for _ in range(args.runs):
        ended: dict[str, float] = {}
        run_id = manager.start_run(project, args.scope, triggered_by="benchmark")

        def on_finished(rid: int, run_id: int = run_id, ended: dict[str, float] = ended) -> None:
            if rid == run_id:
                ended["finished"] = time.time()
                loop.quit()

        manager.run_finished.connect(on_finished)
        QTimer.singleShot(300_000, loop.quit)
        loop.exec()
        manager.run_finished.disconnect(on_finished)
        run = Run.get_by_id(run_id)
        if (
            run.status != "completed"
            or "finished" not in ended
            or run.finished_at is None
            or run.started_at is None
        ):
            raise SystemExit(f"run {run_id} ended {run.status}: {run.error}; benchmark invalid")
        lines = [e for e in repo.read_log(run_id) if e.step != "run"]
        if not lines:
            raise SystemExit(f"run {run_id} logged nothing from its step process")
        last = lines[-1].created_at
        terminal.append((run.finished_at - last) * 1000)
        finished.append((ended["finished"] - last) * 1000)
        durations.append(run.finished_at - run.started_at)
    manager.shutdown(10_000)
    print(
        f"{args.runs} runs of scope {args.scope} on {args.kb} kB of English "
        f"(median run {statistics.median(durations):.2f} s)"
    )
    rows = [("row terminal", terminal), ("worker finished", finished)]
    for name, values in rows:
        print(
            f"last step log line -> {name:<16} p50 {_pct(values, 0.5):6.1f} ms   "
            f"p95 {_pct(values, 0.95):6.1f} ms   max {max(values):6.1f} ms"
        )
    if exits:
        print(
            f"outcome line -> child exited              p50 {_pct(exits, 0.5):6.1f} ms   "
            f"p95 {_pct(exits, 0.95):6.1f} ms   max {max(exits):6.1f} ms"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    del app


if __name__ == "__main__":
    main()
