"""Benchmark: LLM runs against the fake server (tests/fake_llm.py, real HTTP on 127.0.0.1).

Run: ``uv run python tests/bench/bench_llm.py [--terms 200] [--trials 10] [--only PART]``

1. A full run (extract with the model's judgement, generate, review, refine) of a project
   with ``--terms`` terms, every request taking 200 ms, with 1, 4 and 8 requests in flight:
   wall time, speed-up over 1 in flight (targets: at least 3.8x at 4, 7x at 8; the limits are
   4x and 8x), and the wall time over the ideal (requests / in flight x latency: the model
   never idle, nothing else taking time).
2. A small folder (5 short documents), 8 in flight, the real step process (as the window and
   ``genglossary run`` start it): wall time over the ideal, median of 3.
3. Cancel with 30 s requests in flight (4 in flight, the real step process): click ->
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

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.folder import open_data_folder
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


LATENCY_S = 0.2


def _project(
    server: FakeLLMServer,
    concurrency: int,
    name: str,
    terms: int = 300,
    files: int = 1,
    chars: int = 400_000,
) -> int:
    docs = Path(tempfile.mkdtemp(prefix="bench-llm-docs-"))
    write_corpus(docs, files=files, chars_per_file=chars, seed=3)
    project = repo.create_project(name, [str(docs)])
    run_to_completion(project, "import")
    config = EngineConfig(
        "ollama", server.url, "fake-small", concurrency=concurrency, max_terms=terms
    )
    save_config(project, config)
    return project


def _ideal(requests: int, concurrency: int) -> float:
    """The model never idle and nothing else taking time."""
    return requests / concurrency * LATENCY_S


def speedup(terms: int) -> None:
    server = FakeLLMServer(latency_s=LATENCY_S, reply=glossary_reply).start()
    times: dict[int, float] = {}
    try:
        for concurrency in (1, 4, 8):
            project = _project(server, concurrency, f"speed-{concurrency}", terms)
            before = len(server.requests)
            started = time.perf_counter()
            run_id = run_to_completion(project, "full")
            times[concurrency] = time.perf_counter() - started
            requests = len(server.requests) - before
            entries = len(repo.load_entries(run_id, "refined"))
            ideal = _ideal(requests, concurrency)
            print(
                f"full run, {concurrency} in flight: {times[concurrency]:.1f} s, "
                f"{requests} requests, {entries} entries, speed-up "
                f"{times[1] / times[concurrency]:.2f}x; ideal {ideal:.1f} s, "
                f"{times[concurrency] / ideal:.2f}x the ideal"
            )
    finally:
        server.stop()


def small_folder(trials: int = 3) -> None:
    """Five short documents, 8 in flight, each run in the real step process."""
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.runs.process import run_scope_isolated
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    server = FakeLLMServer(latency_s=LATENCY_S, reply=glossary_reply).start()
    walls: list[float] = []
    requests = 0
    try:
        for trial in range(trials):
            project = _project(server, 8, f"small-{trial}", files=5, chars=2_000)
            run_id = transitions.create_run(project, "full", current_owner())
            transitions.mark_running(run_id)
            before = len(server.requests)
            started = time.perf_counter()
            summary = run_scope_isolated(project, "full", RunContext(run_id=run_id))
            walls.append(time.perf_counter() - started)
            transitions.mark_completed(run_id, summary)
            requests = len(server.requests) - before
    finally:
        server.stop()
    wall = _pct(walls, 0.5)
    ideal = _ideal(requests, 8)
    print(
        f"small folder (5 documents of 2,000 characters), 8 in flight, step process: "
        f"{wall:.2f} s (median of {trials}: {', '.join(f'{w:.2f}' for w in walls)}), "
        f"{requests} requests; ideal {ideal:.2f} s, {wall / ideal:.2f}x the ideal"
    )


def cancel_latency(trials: int, terms: int) -> None:
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
    project = _project(server, 4, "cancel", terms)
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
    parser.add_argument("--only", choices=("speedup", "small", "cancel"), help="one part only")
    args = parser.parse_args()
    open_data_folder(Path(tempfile.mkdtemp(prefix="bench-llm-")))
    print(
        f"# bench_llm: fake server on 127.0.0.1, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    if args.only in (None, "speedup"):
        speedup(args.terms)
    if args.only in (None, "small"):
        small_folder()
    if args.only in (None, "cancel"):
        cancel_latency(args.trials, args.terms)


if __name__ == "__main__":
    main()
