"""Benchmark: CPU seconds per MB of the built-in generate step and of a whole built-in run.

Run: ``uv run python tests/bench/bench_generate.py [--sizes 10,50] [--languages en] [--repeat 3]``

Each corpus (synthetic, reproducible: tests/corpus.py, fixed seed, 1 MB files) is imported and
then run with the ``full`` scope (extract, generate, review, refine) in a fresh subprocess,
through the same ``run_scope_here`` the window's step process and ``genglossary generate`` use.
CPU time is the process's (``time.process_time``), charged to the step that last reported
progress; the figures are medians over ``--repeat`` runs. CPU time, unlike wall time, barely
moves when other work loads the machine. Target: the full run on 50 MB of English at most
0.4 s of CPU per MB.

To measure an older version, run this script from a clone of it (``git clone -q /work/main
/tmp/base && cd /tmp/base && uv run python /work/main/tests/bench/bench_generate.py``): the
script imports the package of the current directory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class _CpuTimer:
    """A reporter charging CPU time to the step that last reported progress."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._step = ""
        self._since = 0.0

    def progress(self, step: str, done: int, total: int) -> None:
        now = time.process_time()
        if step != self._step:
            if self._step:
                self.steps[self._step] = self.steps.get(self._step, 0.0) + now - self._since
            self._step, self._since = step, now

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        pass

    def close(self) -> None:
        self.progress("", 0, 0)


def one(language: str, mb: int) -> dict[str, object]:
    sys.path.insert(0, os.getcwd())
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.runs.process import run_scope_here
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.owner import current_owner
    from tests.corpus import write_corpus

    tmp = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    chars = 1_000_000 // (3 if language == "ja" else 1)
    write_corpus(tmp / "docs", files=mb, chars_per_file=chars, language=language, seed=11)
    open_data_folder(tmp / "data")
    project = repo.create_project("bench", [str(tmp / "docs")])
    cpu: dict[str, float] = {}
    timers: dict[str, _CpuTimer] = {}
    run_id = 0
    for scope in ("import", "full"):
        timer = timers[scope] = _CpuTimer()
        run_id = transitions.create_run(project, scope, current_owner(), "benchmark")
        transitions.mark_running(run_id)
        started = time.process_time()
        summary = run_scope_here(project, scope, RunContext(reporter=timer, run_id=run_id))
        cpu[scope] = time.process_time() - started
        timer.close()
        transitions.mark_completed(run_id, summary)
    size = sum(p.stat().st_size for p in (tmp / "docs").iterdir()) / 1e6
    return {
        "mb": size,
        "import_cpu_s": cpu["import"],
        "full_cpu_s": cpu["full"],
        "steps_cpu_s": timers["full"].steps,
        "entries": len(repo.load_entries(run_id, "provisional")),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50", help="corpus sizes in MB")
    parser.add_argument("--languages", default="en")
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus (median)")
    parser.add_argument("--one", nargs=2, metavar=("LANG", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print(
        f"# bench_generate: built-in engine, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}, "
        f"code in {os.getcwd()}"
    )
    for language in args.languages.split(","):
        for mb in (int(s) for s in args.sizes.split(",")):
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", language, str(mb)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            size = runs[0]["mb"]
            generate = [r["steps_cpu_s"].get("generate", 0.0) for r in runs]
            full = [r["full_cpu_s"] for r in runs]
            steps = {
                step: statistics.median(r["steps_cpu_s"].get(step, 0.0) for r in runs)
                for step in runs[0]["steps_cpu_s"]
            }
            listed = ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
            print(
                f"{language} {size:.1f} MB ({args.repeat} runs, {runs[0]['entries']} entries): "
                f"generate {statistics.median(generate) / size:.3f} s CPU/MB, "
                f"full run {statistics.median(full) / size:.3f} s CPU/MB "
                f"(median CPU: import {statistics.median(r['import_cpu_s'] for r in runs):.2f} s, "
                f"{listed}; full {statistics.median(full):.2f} s, "
                f"each {', '.join(f'{f:.1f}' for f in full)})",
                flush=True,
            )


if __name__ == "__main__":
    main()
