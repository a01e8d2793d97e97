"""Benchmark: LLM runs against the fake server (tests/fake_llm.py, real HTTP on 127.0.0.1).

Run: ``uv run python tests/bench/bench_llm.py [--terms 200] [--trials 10]``

1. A full run (extract with the model's judgement, generate, review, refine) of a project
   with ``--terms`` terms, every request taking 200 ms, with 1, 4 and 8 requests in flight:
   wall time, and speed-up over 1 in flight (target: at least 3.5x at 4).
2. Cancel with 30 s requests in flight (4 in flight, the real step process): click ->
   ``cancelled`` committed and click -> worker finished, p50/p95 over ``--trials`` (target:
   p95 under 250 ms), and how many requests the server saw aborted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from genglossary_gui.engines import builtin, model
from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.pipeline import steps
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.folder import open_data_folder
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _project(server: FakeLLMServer, concurrency: int, name: str) -> int:
    docs = Path(tempfile.mkdtemp(prefix="bench-llm-docs-"))
    write_corpus(docs, files=1, chars_per_file=400_000, seed=3)
    project = repo.create_project(name, [str(docs)])
    run_to_completion(project, "import")
    save_config(project, EngineConfig("ollama", server.url, "fake-small", concurrency=concurrency))
    return project


def speedup(terms: int) -> None:
    server = FakeLLMServer(latency_s=0.2, reply=glossary_reply).start()
    # The terms defined per run, and judged by the model, wherever the limit is read.
    for module in (steps, builtin, model):
        module.GLOSSARY_MAX_TERMS = terms  # type: ignore[attr-defined]
    times: dict[int, float] = {}
    try:
        for concurrency in (1, 4, 8):
            project = _project(server, concurrency, f"speed-{concurrency}")
            before = len(server.requests)
            started = time.perf_counter()
            run_id = run_to_completion(project, "full")
            times[concurrency] = time.perf_counter() - started
            requests = len(server.requests) - before
            entries = len(repo.load_entries(run_id, "refined"))
            print(
                f"full run, {concurrency} in flight: {times[concurrency]:.1f} s, "
                f"{requests} requests, {entries} entries, speed-up "
                f"{times[1] / times[concurrency]:.2f}x"
            )
    finally:
        server.stop()


def cancel_latency(trials: int) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.store import notify
    from genglossary_gui.store.models import Run

    app = QCoreApplication.instance() or QCoreApplication([])
    server = FakeLLMServer(latency_s=30, reply=glossary_reply).start()
    manager = RunManager(max_threads=1)
    committed: list[float] = []
    finished: list[float] = []
    aborted = 0
    state: dict[str, float] = {}

    def on_change(change: notify.Change) -> None:
        if change.table == "run" and "click" in state and "commit" not in state:
            run = Run.get_or_none(Run.id == change.ids[0])
            if run is not None and run.status == "cancelled":
                state["commit"] = time.perf_counter()

    unsubscribe = notify.subscribe(on_change)
    project = _project(server, 4, "cancel")
    server.latency_s = 0.0
    run_to_completion(project, "extract")
    server.latency_s = 30
    loop = QEventLoop()
    try:
        for _ in range(trials):
            state.clear()
            before_requests = len(server.requests)
            before_disconnects = server.disconnects
            run_id = manager.start_run(project, "generate", triggered_by="benchmark")

            def in_flight(n: int = before_requests) -> bool:
                return len(server.requests) - n >= 4

            def poll(run_id: int = run_id) -> None:
                if "click" not in state and in_flight():
                    state["click"] = time.perf_counter()
                    manager.cancel_run(run_id)
                elif "click" in state and run_id not in manager.active_run_ids():
                    state["finished"] = time.perf_counter()
                    loop.quit()

            timer = QTimer()
            timer.timeout.connect(poll)
            timer.start(1)
            QTimer.singleShot(60_000, loop.quit)
            loop.exec()
            timer.stop()
            if "finished" not in state or "commit" not in state:
                raise SystemExit("a trial did not end; benchmark invalid")
            committed.append((state["commit"] - state["click"]) * 1000)
            finished.append((state["finished"] - state["click"]) * 1000)
            deadline = time.monotonic() + 5
            while server.disconnects - before_disconnects < 4 and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
            aborted += server.disconnects - before_disconnects
    finally:
        unsubscribe()
        manager.shutdown(10_000)
        server.stop()
    print(
        f"cancel with 30 s requests in flight ({trials} trials, 4 in flight): click -> "
        f"cancelled committed p50 {_pct(committed, 0.5):.0f} ms, p95 "
        f"{_pct(committed, 0.95):.0f} ms; click -> worker finished p50 "
        f"{_pct(finished, 0.5):.0f} ms, p95 {_pct(finished, 0.95):.0f} ms; "
        f"requests aborted at the server: {aborted} (of {4 * trials} in flight)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=200)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    open_data_folder(Path(tempfile.mkdtemp(prefix="bench-llm-")))
    print(
        f"# bench_llm: fake server on 127.0.0.1, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    speedup(args.terms)
    cancel_latency(args.trials)


if __name__ == "__main__":
    main()
